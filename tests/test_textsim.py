import numpy as np
import pytest

import storyline
from storyline.textsim import similarities

from datapaths import DEV, need


def test_similarity_range_and_identity():
    a = "More than 200 emergency workers joined the overnight search."
    assert storyline.similarity(a, a) == 1.0
    assert 0.0 <= storyline.similarity(a, "Stock markets closed higher on Friday.") < 0.1
    assert storyline.similarity("", a) == 0.0


def test_paraphrase_beats_topic_overlap():
    a = "More than 200 emergency workers joined the overnight search, officials said."
    para = "Over 200 emergency workers took part in the search overnight, officials said."
    topic = "Emergency workers said the bridge had been inspected in 2019."
    assert storyline.similarity(a, para) > storyline.similarity(a, topic)
    assert storyline.same_claim(a, para)
    assert not storyline.same_claim(a, topic)


def test_number_mismatch_lowers_similarity():
    a = "Fire officials said 12 vehicles were on the span when it fell."
    assert storyline.similarity(a, a.replace("12", "14")) < storyline.similarity(
        a, a.replace("officials", "chiefs")
    )


def test_vectorised_matches_scalar():
    pairs = [("The cat sat on the mat.", "A cat was sitting on the mat."), ("Rain fell.", "Prices rose.")]
    assert np.allclose(similarities(pairs), [storyline.similarity(a, b) for a, b in pairs])


@pytest.mark.data
def test_msrp_accuracy_above_majority_baseline():
    rows = [line.split("\t") for line in need(DEV / "msrp_train.tsv").read_text().splitlines()[:1000]]
    rows = [r for r in rows if len(r) == 3 and r[0] in "01"]
    gold = np.array([int(r[0]) for r in rows])
    pred = similarities([(r[1], r[2]) for r in rows]) >= 0.5
    majority = max(gold.mean(), 1 - gold.mean())
    assert (pred == gold).mean() > majority + 0.03


def test_bank_columns_match_their_definition():
    """Columns are numbered in order of first use; bigrams are "a b" pairs of stems, numbers the stems
    that start with a digit (the number columns are derived from the unigram columns)."""
    import random

    from storyline.segment import content_stem_tuple
    from storyline.textsim import build_bank

    def presence(rows):
        vocab: dict[str, int] = {}
        return [sorted({vocab.setdefault(t, len(vocab)) for t in row}) for row in rows], len(vocab)

    words = "the 5 12 3,000 cat dog 2.5 sat on mat 7 ran fast 1999 barked x 12th killed".split()
    rnd = random.Random(3)
    for _ in range(500):
        norms = [
            " ".join(rnd.choice(words) for _ in range(rnd.randint(0, 12))) for _ in range(rnd.randint(1, 8))
        ]
        stems = [content_stem_tuple(n) for n in norms]
        bank = build_bank(norms)
        assert bank.rows["unigrams"] == presence(stems)
        assert bank.rows["bigrams"] == presence(
            [[f"{a} {b}" for a, b in zip(s, s[1:], strict=False)] for s in stems]
        )
        assert bank.rows["numbers"] == presence([[t for t in s if t[0].isdigit()] for s in stems])
