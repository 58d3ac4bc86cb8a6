import json

import pytest
from corpus_fixtures import make_corpus

import storyline
from storyline.evaluate.metrics import bcubed
from storyline.grouping import StoryClusterer, article_terms, cluster_articles, parse_date, split_test

from datapaths import DEV, need


def labels(groups: list[list[str]]) -> dict[str, int]:
    return {i: k for k, g in enumerate(groups) for i in g}


def test_made_up_events_are_separated_including_look_alikes():
    arts = make_corpus(6)
    groups = storyline.cluster(arts)
    gold = {a["id"]: a["event"] for a in arts}
    p, r, f = bcubed(gold, labels(groups))
    assert f > 0.95, (p, r, groups)
    # the two earthquakes on one island are different stories
    lab = labels(groups)
    assert lab["quake2019-0"] != lab["quake2021-0"]


def test_every_article_once_and_dicts_or_articles():
    arts = make_corpus(2)
    groups = cluster_articles([storyline.Article.from_dict(a) for a in arts])
    ids = [i for g in groups for i in g]
    assert sorted(ids) == sorted(a["id"] for a in arts)
    assert cluster_articles([]) == []
    assert cluster_articles([{"id": "x", "text": "One lonely article."}]) == [["x"]]


def test_time_window_keeps_far_apart_articles_apart():
    a = {"id": "a", "text": "The harbour bridge in Port Ellis was closed for repairs.", "date": "2020-01-01"}
    b = {"id": "b", "text": "The harbour bridge in Port Ellis was closed for repairs.", "date": "2023-06-01"}
    assert len(cluster_articles([a, b])) == 2
    assert len(cluster_articles([a, b], window_days=5000)) == 1


def test_article_terms_names_and_numbers_weigh_more():
    t = article_terms("Officials said the Marsh River rose 3,000 millimetres. The river flooded homes.")
    assert t["marsh"] == 3.0 and t["3000"] == 3.0
    assert t["river"] == 4.0  # once as a name, once as a word
    assert "the" not in t and "said" not in t


def test_parse_date_forms():
    assert parse_date("2014-03-10T16:52:50Z") == pytest.approx(1394470370.0)
    assert parse_date("1394470370698") == pytest.approx(1394470370.698)
    assert parse_date("Published : August 2, 2013") is not None
    assert parse_date("She was 91.") is None
    assert parse_date(None) is None


def test_split_test_needs_two_real_groups():
    quakes = [a for a in make_corpus(6) if a["event"].startswith("quake")]
    parts = split_test([article_terms(a["text"], a["title"]) for a in quakes])
    assert parts is not None
    sides = [{quakes[i]["event"] for i in part} for part in parts]
    assert sides[0] != sides[1] and all(len(s) == 1 for s in sides)
    one = [a for a in make_corpus(12) if a["event"] == "flood"]
    assert split_test([article_terms(a["text"], a["title"]) for a in one]) is None


def test_online_batches_match_batch_mode():
    arts = make_corpus(6, seed=1)
    batch = labels(cluster_articles(arts))
    c = StoryClusterer()
    ids = [a["id"] for a in arts]
    out = []
    for i in range(0, len(arts), 5):
        out += c.add([article_terms(a["text"], a["title"]) for a in arts[i : i + 5]])
    online = {i: c.story_of[k] for k, i in enumerate(ids)}
    assert bcubed(batch, online)[2] > 0.9


@pytest.mark.data
def test_dev_sets_quality_floor():
    """Regression floor on the dev sets (measured values are in docs/quality.md, story clustering)."""
    for name, floor in (("ecbplus_articles.jsonl", 0.85), ("uci_headlines.jsonl", 0.72)):
        rows = [json.loads(line) for line in need(DEV / name).open()]
        gold = {r["id"]: r["story"] for r in rows}
        for r in rows:
            del r["story"]  # no labels at run time
        f = bcubed(gold, labels(storyline.cluster(rows)))[2]
        assert f >= floor, (name, f)


def test_two_clusters_matches_scipy_fcluster():
    """The fast root cut used by the split test gives scipy's fcluster(z, 2, "maxclust") labels."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage

    from storyline.grouping import _two_clusters

    rng = np.random.default_rng(3)
    for trial in range(400):
        n = int(rng.integers(2, 12))
        x = rng.integers(0, 3, size=(n, 4)).astype(float) if trial % 2 else rng.random((n, 4))
        z = linkage(x, method="average", metric="euclidean")
        assert np.array_equal(_two_clusters(z, n), fcluster(z, 2, "maxclust")), (trial, x)
