"""Tests of ``storyline eval``: metrics on hand-computed toys, readers, peers, the harness and its CLI.

Inputs are small fictional texts; one test reads a slice of ../shared/data and skips when it is absent.
storyline's own systems are replaced by stand-ins *here only*, so that the harness is tested alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

import storyline
from storyline.cli_eval import register
from storyline.errors import InputError
from storyline.evaluate import data, metrics, peers, run

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev"

# --- fictional fixtures ------------------------------------------------------------------------

STORY = [
    {
        "id": "a",
        "source": "outlet0",
        "title": "Bridge closes",
        "text": "The Harlow river bridge closed on Tuesday after engineers found cracks. "
        "Traffic was sent through the old town.",
    },
    {
        "id": "b",
        "source": "outlet1",
        "title": "Cracks shut bridge",
        "text": "Engineers closed the Harlow river bridge on Tuesday after finding cracks in two pillars. "
        "The mayor said repairs would take a month.",
    },
    {
        "id": "c",
        "source": "outlet2",
        "title": "Commuters face delays",
        "text": "Commuters faced long delays. The bridge over the Harlow river was closed because of cracks.",
    },
]
REFERENCE = (
    "The Harlow river bridge was closed on Tuesday after engineers found cracks; repairs take a month."
)


@pytest.fixture
def no_nltk_data(monkeypatch):
    """Fail the test if anything looks up or downloads NLTK data."""
    import nltk

    def refuse(*args, **kwargs):
        raise AssertionError(f"NLTK data requested: {args!r}")

    monkeypatch.setattr(nltk, "download", refuse)
    monkeypatch.setattr(nltk.data, "find", refuse)
    monkeypatch.setattr(nltk.data, "load", refuse)


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def summary_file(tmp_path: Path) -> Path:
    other = [dict(a, id=f"{a['id']}2") for a in STORY]
    return write_jsonl(
        tmp_path / "stories.jsonl",
        [
            {"id": "s1", "articles": STORY, "reference": REFERENCE},
            {"id": "s2", "articles": other + [{"id": "e", "text": "  "}], "reference": REFERENCE},
        ],
    )


@pytest.fixture
def cluster_file(tmp_path: Path) -> Path:
    topics = {
        "bridge": [
            "Harlow bridge closed after cracks found",
            "Cracks close the Harlow bridge",
            "Harlow bridge shut",
        ],
        "vote": [
            "Council vote on budget delayed",
            "Budget vote delayed by city council",
            "Council delays budget vote",
        ],
    }
    rows = [
        {"id": f"{k}{i}", "story": k, "source": "x", "title": t, "text": t, "date": None, "url": None}
        for k, titles in topics.items()
        for i, t in enumerate(titles)
    ]
    return write_jsonl(tmp_path / "articles.jsonl", rows)


@pytest.fixture
def pairs_file(tmp_path: Path) -> Path:
    rows = [
        (1, "The mayor closed the bridge on Tuesday.", "On Tuesday the mayor closed the bridge."),
        (1, "Repairs will take a month.", "The repairs will take one month."),
        (0, "The mayor closed the bridge on Tuesday.", "The council voted on the budget."),
        (0, "Commuters faced delays.", "The river flooded the old town."),
    ]
    p = tmp_path / "pairs.tsv"
    p.write_text("\n".join(f"{y}\t{a}\t{b}" for y, a, b in rows) + "\n", encoding="utf-8")
    return p


# --- metrics -----------------------------------------------------------------------------------

GOLD = {"a": "G1", "b": "G1", "c": "G1", "d": "G2", "e": "G2"}
PRED = {"a": "P1", "b": "P1", "c": "P2", "d": "P2", "e": "P2"}


def test_bcubed_toy_by_hand():
    # precision per item: a 1, b 1, c 1/3, d 2/3, e 2/3 -> 11/15; recall: 2/3, 2/3, 1/3, 1, 1 -> 11/15
    p, r, f = metrics.bcubed(GOLD, PRED)
    assert p == pytest.approx(11 / 15) and r == pytest.approx(11 / 15) and f == pytest.approx(11 / 15)


def test_bcubed_singletons_and_perfect():
    single = {k: k for k in GOLD}
    p, r, f = metrics.bcubed(GOLD, single)
    assert p == pytest.approx(1.0) and r == pytest.approx((3 * (1 / 3) + 2 * (1 / 2)) / 5)
    assert f == pytest.approx(2 * p * r / (p + r))
    assert metrics.bcubed(GOLD, {k: v.lower() for k, v in GOLD.items()}) == pytest.approx((1.0, 1.0, 1.0))


def test_pairwise_and_ari_toy_by_hand():
    # gold pairs ab ac bc de; predicted pairs ab cd ce de; shared ab de
    assert metrics.pairwise_prf(GOLD, PRED) == pytest.approx((0.5, 0.5, 0.5))
    # ARI: index 2, expected 4*4/10 = 1.6, max 4 -> (2 - 1.6) / (4 - 1.6)
    assert metrics.ari(GOLD, PRED) == pytest.approx(1 / 6)
    assert metrics.pairwise_prf(GOLD, {k: k for k in GOLD}) == (0.0, 0.0, 0.0)


def test_cluster_metrics_need_the_same_items():
    with pytest.raises(ValueError, match="different items"):
        metrics.bcubed(GOLD, {"a": "x"})


def test_clusters_to_labels_counts_missing_and_duplicates():
    labels, missing, dup = metrics.clusters_to_labels([["a", "b"], ["b", "c", "zz"]], ["a", "b", "c", "d"])
    assert labels["a"] == labels["b"] != labels["c"]
    assert labels["d"] not in {labels["a"], labels["c"]}
    assert (missing, dup) == (1, 1)


def test_accuracy_f1_by_hand():
    # tp 2, fp 1, fn 1 -> P = R = F1 = 2/3; 3 of 5 right
    acc, f1 = metrics.accuracy_f1([1, 1, 0, 0, 1], [1, 0, 0, 1, 1])
    assert acc == pytest.approx(0.6) and f1 == pytest.approx(2 / 3)
    with pytest.raises(ValueError):
        metrics.accuracy_f1([1], [1, 0])


def test_rouge_stems_and_needs_no_nltk_data(no_nltk_data):
    assert metrics.rouge("The dogs were running.", "the dog was running")["rouge1"] == pytest.approx(0.75)
    same = metrics.rouge(
        "Cracks closed the bridge. Repairs take a month.", "Cracks closed the bridge. Repairs take a month."
    )
    assert all(v == pytest.approx(1.0) for v in same.values())
    assert metrics.rouge("Apples and pears.", "Bridges over rivers.")["rouge1"] == 0.0
    # rougeLsum sees sentence lines; rougeL sees one sequence: order of sentences matters only to rougeL
    swapped = metrics.rouge(
        "Repairs take a month. Cracks closed the bridge.", "Cracks closed the bridge. Repairs take a month."
    )
    assert swapped["rouge1"] == pytest.approx(1.0) and swapped["rougeLsum"] == pytest.approx(1.0)
    assert swapped["rougeL"] < 1.0


def test_paired_bootstrap():
    assert metrics.paired_bootstrap([0.5, 0.7, 0.2], [0.5, 0.7, 0.2]) == (0.0, 0.0, 0.0)
    gap, lo, hi = metrics.paired_bootstrap([0.6, 0.8, 0.3, 0.5], [0.5, 0.7, 0.2, 0.1])
    assert gap == pytest.approx(0.175) and 0.1 - 1e-9 <= lo <= gap <= hi <= 0.4 + 1e-9


def test_rouge_matches_rouge_score_defaults():
    from rouge_score import rouge_scorer

    plain = rouge_scorer.RougeScorer(list(metrics.ROUGE_TYPES), use_stemmer=True)
    pred = "Engineers closed the bridges.\nRepairs would be taking months."
    ref = "The Harlow bridge was closed by engineers.\nThe repairs will take a month."
    want = {k: v.fmeasure for k, v in plain.score(ref, pred).items()}
    assert metrics.rouge(pred, ref) == pytest.approx(want)


# --- length rule and peers ---------------------------------------------------------------------


def test_cut_truncates_at_budget_and_drops_repeats():
    out = peers.cut(["one two three.", "One  two three.", "four five six seven.", "eight."], 5)
    assert out == ["one two three.", "four five"]
    assert peers.cut(["a b."], 10) == ["a b."]
    assert peers.cut(["a b c"], 0) == []


def test_summary_peers_rank_every_sentence_offline(no_nltk_data):
    all_sents = {s for a in STORY for s in peers.sentences(a["text"])}
    assert len(all_sents) == 6
    for name, rank in peers.SUMMARY_PEERS.items():
        out = rank(STORY)
        if name == "first-article":
            assert out == peers.sentences(STORY[0]["text"])
        else:
            assert sorted(out) == sorted(all_sents), name
    assert peers.leads(STORY)[:2] == peers.sentences(STORY[0]["text"])
    assert peers.lexrank([]) == [] and peers.centroid([{"text": ""}]) == []


def test_oracle_reads_the_reference():
    out = peers.oracle(STORY, "Repairs would take a month, the mayor said.", 8)
    assert out[0] == "The mayor said repairs would take a month."
    assert peers.oracle(STORY, "Unrelated words entirely.", 8) == []


def test_centroid_puts_the_shared_content_first():
    arts = [
        {"text": "Cracks closed the Harlow bridge. A dog barked at noon."},
        {"text": "The Harlow bridge closed over cracks. Fans cheered a goal."},
        {"text": "Cracks in the Harlow bridge closed it. Rain fell on farms."},
    ]
    top = peers.centroid(arts)[:3]
    assert all("Harlow" in s for s in top)


def test_offline_tokenizer_words():
    tok = peers.OfflineTokenizer()
    assert tok.to_words("It's 3 o'clock, well-known U.S. fact!") == (
        "It's",
        "o'clock",
        "well-known",
        "U",
        "S",
        "fact",
    )
    assert len(tok.to_sentences("One sentence here. Another one there.")) == 2


def test_tfidf_agglomerative_recovers_toy_topics(cluster_file):
    arts, gold = data.read_labelled_articles(cluster_file)
    ids = [a["id"] for a in arts]
    z = peers.tfidf_linkage(arts)
    t, f1 = peers.tune_threshold(z, ids, gold)
    assert f1 == pytest.approx(1.0)
    assert metrics.bcubed(gold, peers.cut_tree(z, ids, t))[2] == pytest.approx(1.0)
    assert len(set(peers.cut_tree(z, ids, 0.0).values())) == 6  # nothing merged at distance 0


def test_best_threshold_by_hand():
    t, acc = peers.best_threshold(np.array([0.1, 0.4, 0.35, 0.8]), [0, 0, 1, 1])
    assert acc == pytest.approx(0.75) and 0.1 < t <= 0.35
    t, acc = peers.best_threshold(np.array([0.2, 0.9]), [0, 1])
    assert acc == 1.0 and 0.2 < t <= 0.9
    t, acc = peers.best_threshold(np.array([0.5, 0.5]), [0, 1])
    assert acc == 0.5  # tied scores cannot be split


def test_tfidf_cosine_pairs():
    s = peers.tfidf_cosine(["the bridge closed", "a dog barked"], ["the bridge closed", "rain fell today"])
    assert s[0] == pytest.approx(1.0) and s[1] == pytest.approx(0.0)


# --- readers -----------------------------------------------------------------------------------


def test_readers_and_their_errors(summary_file, cluster_file, pairs_file, tmp_path):
    stories = data.read_stories(summary_file)
    assert [len(s.articles) for s in stories] == [3, 3]  # the blank article is dropped
    assert "reference" not in stories[0].articles[0] and stories[0].reference == REFERENCE
    arts, gold = data.read_labelled_articles(cluster_file)
    assert len(arts) == 6 and "story" not in arts[0] and gold["bridge0"] == "bridge"
    assert [p.label for p in data.read_pairs(pairs_file)] == [1, 1, 0, 0]
    assert len(data.read_stories(summary_file, limit=1)) == 1

    with pytest.raises(InputError, match="summary story"):
        data.read_stories(cluster_file)
    with pytest.raises(InputError, match="labelled article"):
        data.read_labelled_articles(summary_file)
    with pytest.raises(InputError, match="tab-separated pair"):
        data.read_pairs(cluster_file)
    with pytest.raises(InputError, match="no such file"):
        data.read_pairs(tmp_path / "missing.tsv")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:1"):
        data.read_stories(bad)
    binary = tmp_path / "bin.tsv"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(InputError, match="UTF-8"):
        data.read_pairs(binary)


def test_msrp_original_layout(tmp_path):
    p = tmp_path / "msr.txt"
    p.write_text("Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t7\t8\tA b.\tA b c.\n0\t9\t10\tX.\tY.\n")
    assert [(x.label, x.a) for x in data.read_pairs(p)] == [(1, "A b."), (0, "X.")]


# --- the harness with stand-ins for storyline's systems (tests only) ---------------------------


def test_evaluate_summary_with_a_stand_in(summary_file, monkeypatch, no_nltk_data):
    seen = {}

    def fake_brief(articles, words):
        seen["keys"] = set().union(*articles)
        seen["words"] = words
        text = " ".join(a["text"] for a in articles)
        return SimpleNamespace(summary=[SimpleNamespace(text=s) for s in peers.sentences(text)])

    monkeypatch.setattr(storyline, "brief", fake_brief)
    res = run.evaluate_summary(summary_file)
    rows = res["systems"]
    assert set(rows) == {"storyline", *peers.SUMMARY_PEERS}
    assert "reference" not in seen["keys"] and seen["words"] == metrics.word_count(REFERENCE)
    # the stand-in outputs the leads in order, so it must score exactly as that peer
    for k in metrics.ROUGE_TYPES:
        assert rows["storyline"][k] == rows["leads-in-order"][k] > 0
    assert all(r["words"] <= metrics.word_count(REFERENCE) for r in rows.values())
    assert rows["lexrank"]["speedup"] > 0 and res["items"] == 2
    assert rows["leads-in-order"]["r1_gap"] == 0.0 and "r1_gap" not in rows["storyline"]

    res = run.evaluate_summary(summary_file, peers=False, limit=1, words=5)
    assert list(res["systems"]) == ["storyline"] and res["systems"]["storyline"]["words"] == 5


def test_evaluate_summary_reports_a_failing_system(summary_file, monkeypatch):
    def broken(articles, words):
        raise RuntimeError("not built yet")

    monkeypatch.setattr(storyline, "brief", broken)
    rows = run.evaluate_summary(summary_file)["systems"]
    assert rows["storyline"]["available"] is False and "not built yet" in rows["storyline"]["errors"][0]
    assert rows["lexrank"]["available"] and "speedup" not in rows["lexrank"]


def test_evaluate_cluster_with_a_stand_in(cluster_file, monkeypatch):
    seen = {}

    def fake_cluster(articles):
        seen["keys"] = set().union(*articles)
        return [[a["id"] for a in articles if a["id"].startswith("bridge")]]  # vote articles left out

    monkeypatch.setattr(storyline, "cluster", fake_cluster)
    res = run.evaluate_cluster(cluster_file)
    mine, peer = res["systems"]["storyline"], res["systems"]["tfidf-agglomerative"]
    assert "story" not in seen["keys"]
    assert (
        mine["missing"] == 3
        and mine["bcubed_p"] == 100.0
        and mine["bcubed_r"] == pytest.approx(100 * 4 / 6, abs=0.01)
    )
    assert peer["bcubed_f1"] == 100.0 and "gold" in peer["threshold_fit"]
    fixed = run.evaluate_cluster(cluster_file, threshold=0.0)["systems"]["tfidf-agglomerative"]
    assert fixed["clusters"] == 6 and fixed["threshold_fit"] == "given"


def test_evaluate_similarity_with_stand_ins(pairs_file, monkeypatch):
    def words(s):
        return set(s.lower().strip(".").split())

    def sim(a, b):
        return len(words(a) & words(b)) / len(words(a) | words(b))

    monkeypatch.setattr(storyline, "similarity", sim)
    monkeypatch.setattr(storyline, "same_claim", lambda a, b: sim(a, b) > 0.6)
    res = run.evaluate_similarity(pairs_file, train=pairs_file)
    rows = res["systems"]
    assert rows["storyline"]["accuracy"] == 75.0  # the "one month" pair (4/7) falls under 0.6
    assert rows["storyline similarity@best"]["accuracy"] == 100.0
    assert rows["tfidf-cosine"]["accuracy"] == 100.0 and res["positives"] == 2

    monkeypatch.setattr(storyline, "same_claim", lambda a, b: 1 / 0)
    assert run.evaluate_similarity(pairs_file)["systems"]["storyline"]["available"] is False


# --- CLI ---------------------------------------------------------------------------------------


def cli_app() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def version() -> None:  # a second command so that "eval" stays a sub-command
        typer.echo("0")

    register(app)
    return app


def test_cli_json_table_and_errors(pairs_file, cluster_file, monkeypatch):
    monkeypatch.setattr(storyline, "cluster", lambda arts: [[a["id"]] for a in arts])
    runner = CliRunner()
    res = runner.invoke(cli_app(), ["eval", "cluster", str(cluster_file), "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["task"] == "cluster" and out["systems"]["storyline"]["clusters"] == 6

    res = runner.invoke(cli_app(), ["eval", "cluster", str(cluster_file), "--no-peers"])
    assert res.exit_code == 0 and "storyline" in res.stdout and "tfidf" not in res.stdout

    res = runner.invoke(cli_app(), ["eval", "summary", str(pairs_file)])
    assert res.exit_code == 2 and "error:" in res.stderr and "Traceback" not in res.output


def test_cli_without_the_eval_extra_says_what_to_install(summary_file, monkeypatch):
    import sys

    from storyline.evaluate import metrics

    metrics._scorer.cache_clear()  # (an earlier test may have built the scorer)
    monkeypatch.setitem(sys.modules, "rouge_score", None)  # import fails as when it is not installed
    monkeypatch.setitem(sys.modules, "rouge_score.rouge_scorer", None)
    res = CliRunner().invoke(cli_app(), ["eval", "summary", str(summary_file), "--no-peers"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "rouge_score is not installed; pip install 'storyline[eval]'" in res.stderr
    metrics._scorer.cache_clear()


# --- real data (skips when ../shared/data is absent) -------------------------------------------


@pytest.mark.data
@pytest.mark.skipif(not DEV.exists(), reason="../shared/data/dev not present")
def test_real_data_slices(no_nltk_data):
    res = run.evaluate_summary(DEV / "neus_val.jsonl", limit=8)
    rows = res["systems"]
    for name in peers.SUMMARY_PEERS:
        assert rows[name]["available"] and 10 < rows[name]["rouge1"] < 90, name
    arts, gold = data.read_labelled_articles(DEV / "ecbplus_articles.jsonl", limit=40)
    assert len(arts) == 40 and len(set(gold.values())) > 1
    pairs = data.read_pairs(DEV / "msrp_train.tsv", limit=50)
    assert {p.label for p in pairs} == {0, 1}
