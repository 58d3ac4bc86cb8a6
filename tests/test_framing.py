"""Loaded terms: matching rules on fictional sentences, the lexicon file, and a BASIL measurement."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np
import pytest

from storyline.evaluate.framing import evaluate_framing, load_basil, score
from storyline.framing import (
    build_lexicon,
    default_lexicon,
    find_loaded,
    inflections,
    loaded_terms,
    loaded_terms_of_parts,
    neutrality,
    read_terms,
)

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "dev"
ARTICLES, SPANS = DEV / "basil_articles.jsonl", DEV / "basil_bias_spans.jsonl"


def test_examples_from_each_kind():
    text = (
        "The governor slammed the bill as a scheme, and his aides smeared the mayor. "
        "Protesters called the regime brutal; the minister said the botched rollout was a bombshell."
    )
    assert loaded_terms(text) == ["slammed", "scheme", "smeared", "regime", "brutal", "botched", "bombshell"]


def test_neutral_reporting_is_not_loaded():
    text = (
        "The council said on Tuesday that it had announced a review. The senator criticized the budget "
        "and praised the staff. The committee will meet in March to discuss the report."
    )
    assert loaded_terms(text) == []
    assert neutrality(text) == 0.0


def test_morphological_variants():
    text = "She smears him, he smeared her, they keep smearing; a smear."
    assert loaded_terms(text) == ["smears", "smeared", "smearing", "smear"]
    assert loaded_terms("He blasted them. They slam it. The slamming went on.") == [
        "blasted",
        "slam",
        "slamming",
    ]


def test_word_boundaries():
    # "rant" inside "grant", "warrant"; "regime" inside "regimen"; "scheme" inside "schemes" is a variant.
    assert loaded_terms("The grant needs a warrant and a regimen of tests.") == []
    assert loaded_terms("Two schemes.") == ["schemes"]


def test_phrases_and_their_variants():
    text = "He did not mince words. Later she doubled down, and the party is doubling down too."
    assert loaded_terms(text) == ["mince words", "doubled down", "doubling down"]
    # a phrase across a line break keeps one space in its surface form
    assert loaded_terms("They doubled\n  down.") == ["doubled down"]


def test_curly_apostrophes_and_possessives():
    text = "The regime\u2019s thugs didn\u2019t mince words about the dictator's plan."
    assert loaded_terms(text) == ["regime", "thugs", "mince words", "dictator"]


def test_case_order_and_distinct():
    text = "CHAOS at the hearing. Then chaos again, a Tirade, and more chaos."
    assert loaded_terms(text) == ["chaos", "tirade"]
    spans = find_loaded(text)
    assert len(spans) == 4
    for a, b, surface in spans:
        assert text[a:b].lower() == surface


def test_hyphenated_compounds():
    assert loaded_terms("The so-called reform drew a far-left rebuttal.") == ["so-called", "far-left"]
    # an unlisted compound matches by its last part; the surface keeps the whole compound
    assert loaded_terms("another ultra-radical plan") == ["ultra-radical"]


def test_exceptions_block_shorter_matches():
    assert loaded_terms("Negotiators hammered out a deal overnight.") == []
    assert loaded_terms("The plan was hammered by critics.") == ["hammered"]


def test_neutrality_is_loaded_terms_per_100_words():
    text = "Critics slammed the plan and called it a scheme today"  # 10 words, 2 loaded
    assert neutrality(text) == pytest.approx(20.0)
    assert neutrality("") == 0.0
    assert neutrality("Officials said the plan is ready.") < neutrality(text)


def test_inflections_rules():
    assert {"smear", "smears", "smeared", "smearing"} <= inflections("smear")
    assert {"slammed", "slamming"} <= inflections("slam")
    assert {"bullies", "bullied", "bullying"} <= inflections("bully")
    assert {"demonized", "demonizing", "demonizes"} <= inflections("demonize")
    assert {"flip-flopped", "flip-flops"} <= inflections("flip-flop")


def test_custom_lexicon_and_exact_entries():
    lex = build_lexicon(["rascal", "=scoundrel", "make hay", "!make hay while"])
    assert loaded_terms("Rascals and scoundrels; the scoundrel is making hay.", lex) == [
        "rascals",
        "scoundrel",
        "making hay",
    ]
    assert loaded_terms("They make hay while they can.", lex) == []


def test_lexicon_file_is_clean():
    text = (Path(__file__).resolve().parents[1] / "storyline" / "data" / "loaded_terms.txt").read_text()
    entries = read_terms(text.splitlines())
    assert len(entries) > 300
    lex = default_lexicon()
    for neutral in ("said", "says", "announced", "criticized", "praised", "denied", "reported", "told"):
        assert neutral not in lex.words
    # every entry is usable: it matches itself in a sentence (exceptions excepted)
    for e in entries:
        if e.startswith("!"):
            continue
        term = e.lstrip("=")
        assert find_loaded(f"They wrote {term} here.", lex), e


def test_speed_500_words():
    words = (
        "The minister said the committee would review the report on Tuesday and officials "
        "slammed the brutal plan as a scheme while critics doubled down"
    ).split()
    text = " ".join((words * 30)[:500])
    loaded_terms(text)  # build the lexicon once
    t0 = time.perf_counter()
    for _ in range(50):
        loaded_terms(text)
    assert (time.perf_counter() - t0) / 50 < 0.005  # generous bound on a shared machine; ~0.3 ms measured


def test_evaluation_metrics_on_fixture(tmp_path):
    arts = [
        {
            "id": "a1",
            "story": "e1",
            "text": "The senator slammed the plan as a scheme. Officials said it would cost more.",
        },
        {
            "id": "a2",
            "story": "e2",
            "text": "Critics called the regime brutal. The minister announced a review.",
        },
    ]
    spans = [
        {"article": "a1", "bias": "lex", "text": "slammed the plan"},
        {"article": "a1", "bias": "lex", "text": "cost more"},
        {"article": "a1", "bias": "inf", "text": "Officials said it would cost more."},
        {"article": "a2", "bias": "lex", "text": "brutal"},
        {"article": "a2", "bias": "lex", "text": "not in the text"},
    ]
    ap, sp = tmp_path / "a.jsonl", tmp_path / "s.jsonl"
    ap.write_text("\n".join(json.dumps(r) for r in arts) + "\n")
    sp.write_text("\n".join(json.dumps(r) for r in spans) + "\n")
    res = evaluate_framing(ap, sp)
    cur = next(r for r in res["lexicons"] if r["name"] == "curated")
    # predictions: slammed (in lex), scheme (not), regime (not), brutal (in lex)
    assert cur["all"]["predicted"] == 4
    assert cur["all"]["precision"] == pytest.approx(0.5)
    assert cur["all"]["recall"] == pytest.approx(2 / 3)  # the unfound span is dropped
    assert cur["A"]["recall"] == pytest.approx(0.5) and cur["B"]["recall"] == pytest.approx(1.0)


@pytest.mark.data
@pytest.mark.skipif(not (ARTICLES.exists() and SPANS.exists()), reason="BASIL dev data absent")
def test_basil_precision_beats_chance():
    # chance: fraction of word tokens inside a lex span, computed here independently of the evaluator
    texts = {r["id"]: r["text"] for r in map(json.loads, ARTICLES.read_text().splitlines()) if r}
    marks = {k: np.zeros(len(t), bool) for k, t in texts.items()}
    for r in map(json.loads, SPANS.read_text().splitlines()):
        if r["bias"] != "lex" or r["article"] not in texts:
            continue
        t = texts[r["article"]]
        for m in re.finditer(re.escape(r["text"].strip()), t):
            marks[r["article"]][m.start() : m.end()] = True
    inside = total = 0
    for k, t in texts.items():
        for m in re.finditer(r"\w+", t):
            total += 1
            inside += bool(marks[k][m.start() : m.end()].any())
    chance = inside / total

    res = score(load_basil(ARTICLES, SPANS), default_lexicon())
    assert res["predicted"] > 100
    assert res["precision"] > 5 * chance
    assert res["recall"] > 0.2


def test_terms_of_parts_equal_terms_of_the_whole():
    parts = ["The senator slammed the plan.", "Critics called it a smear campaign!", "Nothing else."]
    text = "  " + "\n".join(parts) + " "
    assert loaded_terms_of_parts(text, parts) == loaded_terms(text) == ["slammed", "smear campaign"]
    # a phrase running over a sentence boundary is found as in the whole text
    parts = ["They gave the mayor a slap.", "In the face of protests, she stayed."]
    whole = " ".join(parts)
    assert loaded_terms_of_parts(whole, parts) == loaded_terms(whole)
    parts = ["It was a slap in the", "face, critics said."]
    whole = " ".join(parts)
    assert loaded_terms_of_parts(whole, parts) == loaded_terms(whole) == ["slap in the face"]
    # parts that do not make up the text (glued, missing, out of order) fall back to the whole text
    assert loaded_terms_of_parts("A slap.Then", ["A slap.", "Then"]) == loaded_terms("A slap.Then")
    assert loaded_terms_of_parts("He slammed it. Then he left.", ["Then he left."]) == ["slammed"]
    assert loaded_terms_of_parts("He slammed it. It was brutal.", ["It was brutal.", "He slammed it."]) == [
        "slammed",
        "brutal",
    ]
    assert loaded_terms_of_parts("", []) == []
