"""The story title: agreement between titles (every counting path) and the choice among them."""

from __future__ import annotations

import random

import numpy as np
import pytest

from storyline.clean import normalize
from storyline.framing import loaded_terms
from storyline.model import Article
from storyline.pipeline import SMALL_TITLES, _title_agreement, story_title
from storyline.segment import content_stems

WORDS = (
    "bridge river collapse storm flood mayor council vote budget rescue crews night walkers county fire "
    "slams regime brutal scheme the a of in on after during"
).split()


def reference_agreement(titles: list[str]) -> list[float]:
    """Mean Dice overlap of content stems with every other title, as one dense matrix product."""
    bags = [set(content_stems(normalize(t))) for t in titles]
    vocab = sorted(set().union(*bags))
    x = np.array([[w in b for w in vocab] for b in bags], dtype=float).reshape(len(bags), len(vocab))
    shared = x @ x.T
    size = x.sum(axis=1)
    dice = 2 * shared / np.maximum(size[:, None] + size[None, :], 1)
    np.fill_diagonal(dice, 0.0)
    return np.round(dice.sum(axis=1) / (len(titles) - 1), 12).tolist()


@pytest.mark.parametrize("n", [2, 3, 4, 7, SMALL_TITLES, SMALL_TITLES + 1, 40])
def test_agreement_is_the_same_on_every_path(n):
    rng = random.Random(n)
    for _ in range(30):
        titles = [" ".join(rng.choices(WORDS, k=rng.randint(1, 7))) for _ in range(n)]
        assert _title_agreement(titles) == reference_agreement(titles)


def test_title_is_the_first_best_of_agreement_minus_loaded_words():
    rng = random.Random(0)
    for _ in range(300):
        n = rng.choice([2, 3, 3, 5, 9])
        titles = [" ".join(rng.choices(WORDS, k=rng.randint(1, 6))) for _ in range(n)]
        arts = [Article(id=f"a{k}", text="x", title=t) for k, t in enumerate(titles)]
        score = np.array(_title_agreement(titles)) - 0.2 * np.array([len(loaded_terms(t)) for t in titles])
        assert story_title(arts, []) == titles[int(np.argmax(score))]


def test_title_examples():
    arts = [
        Article(id="a", text="x", title="Mayor slams brutal bridge scheme"),
        Article(id="b", text="x", title="Bridge collapses after storm"),
        Article(id="c", text="x", title="Storm brings down river bridge"),
    ]
    # b shares {bridge, storm} with c and {bridge} with a: the highest mean overlap; a is loaded besides
    assert story_title(arts, []) == "Bridge collapses after storm"
    assert story_title(arts[:1], []) == "Mayor slams brutal bridge scheme"
    assert story_title([Article(id="a", text="x")], []) == "Untitled story"
