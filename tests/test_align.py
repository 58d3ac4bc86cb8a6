"""Alignment, provenance and claims: the plain-Python paths for small stories give exactly (bit for bit)
what the vectorised paths give, on made-up stories with copies, paraphrases and numbers."""

import random

import numpy as np
import pytest

from storyline import align as align_mod
from storyline import claims as claims_mod
from storyline import provenance as prov_mod
from storyline import textsim
from storyline.model import Article

WORDS = (
    "bridge collapsed river officials said workers rescue search night city mayor police fire crews "
    "injured hospital traffic span inspected engineers storm bodies divers boats families morning"
).split() + [f"{a}{b}{c}ton" for a in "bdgkmp" for b in "aeiou" for c in "lnrst"]  # made-up names
NUMBERS = ["12", "14", "200", "3,000", "1.5", "two", "dozens of"]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(3, 14))]
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words)), rng.choice(NUMBERS))
    return " ".join(words).capitalize() + "."


def _story(seed: int, n_articles: int | None = None) -> list[Article]:
    """Articles that share some sentences verbatim, some reworded, and have some of their own."""
    rng = random.Random(seed)
    pool = [_sentence(rng) for _ in range(rng.randint(3, 12))]
    arts = []
    for k in range(n_articles or rng.randint(1, 6)):
        sents = []
        for s in rng.sample(pool, rng.randint(1, len(pool))):
            if rng.random() < 0.3:  # reworded
                words = s[:-1].split()
                words[rng.randrange(len(words))] = rng.choice(WORDS)
                s = " ".join(words) + "."
            sents.append(s)
        sents += [_sentence(rng) for _ in range(rng.randint(0, 3))]
        if rng.random() < 0.3:  # a sentence repeated within an article: tied scores
            sents.append(rng.choice(sents))
        rng.shuffle(sents)
        arts.append(Article(id=f"a{k}", text=" ".join(sents)))
    return arts


def _vectorised(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send every story down the vectorised (numpy/scipy) paths."""
    monkeypatch.setattr(align_mod, "SMALL_EXPANSION", -1)
    monkeypatch.setattr(textsim, "SMALL_PAIRS", -1)
    monkeypatch.setattr(prov_mod, "SMALL_REUSE", 0)


def _outputs(arts: list[Article]) -> tuple:
    al = align_mod.align(arts)
    prov = prov_mod.provenance(arts, al)
    claims = claims_mod.build_claims(al, prov, [a.id for a in arts], loaded=lambda t: float(t.count("fire")))
    return (
        list(al.scores.items()),
        sorted(al.edges),
        al.groups,
        prov.reuse.tobytes(),
        prov.derived_from,
        prov.group_of,
        [c.to_dict() if hasattr(c, "to_dict") else c for c in claims],
    )


@pytest.mark.parametrize("seed", range(40))
def test_small_paths_match_vectorised_paths(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    arts = _story(seed)
    sents = align_mod.sentences_of(arts)
    bank = textsim.build_bank([s.norm for s in sents])
    assert align_mod.small_candidates(bank, [int(s.article[1:]) for s in sents]) is not None
    small = _outputs(arts)
    with monkeypatch.context() as m:
        _vectorised(m)
        big = _outputs(arts)
    assert small == big


def test_story_has_links_copies_and_numbers() -> None:
    """The made-up stories exercise what the comparison above is about (not all trivially empty)."""
    found = [_outputs(_story(seed, n_articles=4)) for seed in range(10)]
    assert sum(len(f[1]) for f in found) > 20  # claim links
    assert any(len(set(f[5].values())) < len(f[5]) for f in found)  # some derivations join groups


@pytest.mark.parametrize("seed", range(20))
def test_small_candidates_match_sparse_product(seed: int) -> None:
    arts = _story(seed, n_articles=3)
    sents = align_mod.sentences_of(arts)
    owner = [int(s.article[1:]) for s in sents]
    bank = textsim.build_bank([s.norm for s in sents])
    pi, pj = align_mod.small_candidates(bank, owner)
    i, j = align_mod.candidate_pairs(bank, np.array(owner))
    assert (pi, pj) == (i.tolist(), j.tolist())
    assert all(owner[x] != owner[y] and x < y for x, y in zip(pi, pj, strict=True))


def test_small_candidates_decline_big_stories(monkeypatch: pytest.MonkeyPatch) -> None:
    sents = align_mod.sentences_of(_story(3, n_articles=3))
    bank = textsim.build_bank([s.norm for s in sents])
    monkeypatch.setattr(align_mod, "SMALL_EXPANSION", 0)
    assert align_mod.small_candidates(bank, [0] * len(sents)) is None


@pytest.mark.parametrize("seed", range(10))
def test_feature_rows_match_vectorised_features(seed: int) -> None:
    sents = align_mod.sentences_of(_story(seed, n_articles=4))
    bank = textsim.build_bank([s.norm for s in sents])
    n = len(sents)
    i, j = np.triu_indices(n, k=1)
    rows = np.array(textsim.feature_rows(bank, i.tolist(), j.tolist()), dtype=np.float64).reshape(-1, 7)
    old_small = textsim.SMALL_PAIRS
    textsim.SMALL_PAIRS = -1
    try:
        vec = textsim.pair_features(bank, i, j)
    finally:
        textsim.SMALL_PAIRS = old_small
    assert rows.tobytes() == vec.tobytes()
    assert textsim.pair_features(bank, i, j).tobytes() == vec.tobytes()


def test_mean_matches_numpy() -> None:
    rng = random.Random(5)
    for n in range(1, 14):
        for _ in range(200):
            values = [rng.random() * 10 ** rng.randint(-3, 3) for _ in range(n)]
            assert claims_mod._mean(values) == float(np.mean(values))


def test_has_quantity_penalty_applies_to_mixed_pairs() -> None:
    a = Article(id="a", text="Rescuers pulled 12 people from the river on Tuesday night.")
    b = Article(id="b", text="Rescuers pulled people from the river on Tuesday night.")
    c = Article(id="c", text="Rescuers pulled 12 people from the river on Tuesday night.")
    al = align_mod.align([a, b, c])
    assert al.score(0, 2) > 0.9  # same text, both with the number
    assert al.score(0, 1) < al.score(0, 2) * 0.6  # one states a quantity the other lacks
