"""The cited extractive summary: word model, selection rules, and a check on NeuS train."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

import storyline
from storyline.model import Sentence
from storyline.summarize import (
    OVERSHOOT,
    STOP_BIAS,
    STOP_STEMS,
    TOKEN_FEATURES,
    TOKEN_WEIGHTS,
    expected_matches,
    inclusion_probs,
    stems,
)

from datapaths import DEV, need

ARTICLES = [
    {
        "id": "north",
        "title": "Council approves new ferry terminal",
        "text": "The city council approved a new ferry terminal on Tuesday after a long debate. "
        "The terminal will cost 40 million dollars and open in 2027. "
        "Critics said the vote was rushed. Residents near the harbour worry about traffic.",
    },
    {
        "id": "south",
        "title": "Ferry terminal gets council approval",
        "text": "On Tuesday the city council approved a new ferry terminal after a long debate. "
        "Officials expect the terminal to open in 2027 at a cost of 40 million dollars. "
        "A local bakery celebrated its fiftieth anniversary with free bread.",
    },
    {
        "id": "east",
        "title": "Terminal approved",
        "text": "The council voted to build the ferry terminal, which will open in 2027. "
        "Opponents plan to challenge the decision in court. The mayor welcomed the result.",
    },
]


def _sentence(article: str, index: int, text: str, n: int) -> Sentence:
    return Sentence(article=article, index=index, text=text, norm=text.lower(), position=index / n)


def test_constants_match_the_features():
    assert TOKEN_WEIGHTS.shape == (len(TOKEN_FEATURES),)
    assert set(STOP_BIAS) <= set(STOP_STEMS)


def test_word_probabilities_follow_agreement_and_repeats():
    texts = {
        "a": ["Storms flooded the valley.", "Farmers lost crops."],
        "b": ["Storms flooded the valley roads.", "Bridges closed."],
        "c": ["The storms flooded homes.", "Schools shut."],
    }
    sents = [_sentence(a, k, t, len(ts)) for a, ts in texts.items() for k, t in enumerate(ts)]
    probs = inclusion_probs(sents, [stems(s.norm) for s in sents])
    for p in probs.values():
        assert np.all((p > 0) & (p < 1)) and np.all(np.diff(p) <= 0)  # P(used >= j) falls with j
    # a word every article uses beats words only one article uses
    assert probs[stems("flooded")[0]][0] > max(probs[stems("farmers")[0]][0], probs[stems("bridges")[0]][0])
    # clipped counts: repeating a word earns less than the first use
    once = expected_matches(Counter({"storm": 1}), probs)
    assert expected_matches(Counter({"storm": 3}), probs) < 3 * once
    assert expected_matches(Counter({"unknown": 2}), probs) == 0.0


def test_summary_cites_mentions_in_story_order_within_budget():
    for words in (15, 30, 60):
        brief = storyline.brief([dict(a) for a in ARTICLES], words=words)
        claims = {c.id: c for c in brief.claims}
        total = sum(len(s.text.split()) for s in brief.summary)
        assert brief.summary and total <= words * OVERSHOOT
        assert len({s.claim for s in brief.summary}) == len(brief.summary)  # one sentence per claim
        for s in brief.summary:
            assert s.sources == claims[s.claim].sources
            assert s.text in [m.text for m in claims[s.claim].mentions]
        positions = [(claims[s.claim].position, s.claim) for s in brief.summary]
        assert positions == sorted(positions)
    # the agreed facts come before the one-outlet aside about a bakery
    texts = " ".join(s.text for s in storyline.brief([dict(a) for a in ARTICLES], words=30).summary)
    assert "ferry terminal" in texts and "bakery" not in texts


def test_summary_fills_the_budget_when_there_is_text():
    brief = storyline.brief([dict(a) for a in ARTICLES], words=60)
    assert sum(len(s.text.split()) for s in brief.summary) >= 60


def test_no_budget_no_summary():
    assert storyline.brief([dict(a) for a in ARTICLES], words=0).summary == []


@pytest.mark.data
def test_beats_the_first_article_on_neus_train():
    from storyline.evaluate import data, metrics, peers

    stories = data.read_stories(need(DEV / "neus_train.jsonl"), limit=80)
    ours, first = [], []
    for s in stories:
        budget = metrics.word_count(s.reference)
        mine = [x.text for x in storyline.brief([dict(a) for a in s.articles], words=budget).summary]
        for out, system in ((ours, mine), (first, peers.first_article([dict(a) for a in s.articles]))):
            cut = peers.cut(system, budget)
            out.append(metrics.rouge("\n".join(cut), s.reference)["rouge1"] if cut else 0.0)
    assert np.mean(ours) > np.mean(first)
