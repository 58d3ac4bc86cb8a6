"""A neutral extractive summary in which every sentence cites its sources.

Each claim's candidate sentence (its most representative, most neutral mention) is scored by a linear
model over nine features: lead position, first sentence, centrality (cosine with the story centroid),
soft cross-source support (mean best similarity to each other article), independent support, overlap
with the articles' headlines, length, loaded terms and a dangling opening pronoun. The weights were
fitted on NeuS train (``tools/fit_summary.py``: least squares on each sentence's share of words found in
the neutral reference). Claims carried by several independent sources get a further bonus, single-source
claims a penalty. Sentences are then picked greedily by score, skipping near-repeats of those already
picked (maximal marginal relevance), until the word budget is reached, and put in story order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from .align import Alignment
from .clean import normalize
from .model import Claim, SummarySentence
from .segment import content_stems

_DANGLING = re.compile(
    r"^[\"'(]*(he|she|they|it|this|these|those|his|her|their|its|that|but|and|however|also)\b", re.I
)

DEFAULT_WORDS = 100
FEATURES = (
    "lead",
    "first",
    "centrality",
    "soft_support",
    "support",
    "headline",
    "length",
    "loaded",
    "dangling",
)
# Fitted by tools/fit_summary.py on the first 1,200 stories of ../shared/data/dev/neus_train.jsonl.
WEIGHTS = np.array([0.011, -0.036, 0.142, 0.344, -0.033, 0.297, 0.029, -0.023, -0.036])
BIAS = 0.255
SUPPORT_BONUS = 0.3  # x share of independent sources carrying the claim (the brief's purpose: agreement)
SINGLE_PENALTY = 0.3  # a claim only one independent source makes, when others exist
REDUNDANCY = 0.5  # skip a sentence this similar (word Dice) to one already chosen
REDUNDANT_CLAIM = 0.35  # ... or this similar (sentence model) to one already chosen: a paraphrase
MIN_WORDS, MAX_WORDS = 6, 60  # candidate sentence length bounds (words)
FILL, OVERSHOOT = 0.9, 1.5  # stop once this share of the budget is used; never pass OVERSHOOT x budget


def soft_support(claims: list[Claim], alignment: Alignment) -> np.ndarray:
    """Mean over the other articles of the best similarity between the claim's sentence and theirs."""
    sents = alignment.sentences
    articles = {s.article for s in sents}
    best: dict[tuple[int, str], float] = {}
    for (i, j), v in alignment.scores.items():
        for x, y in ((i, j), (j, i)):
            key = (x, sents[y].article)
            if v > best.get(key, 0.0):
                best[key] = v
    others = max(len(articles) - 1, 1)
    return np.array(
        [
            sum(
                best.get((c.representative, a), 0.0) for a in articles if a != sents[c.representative].article
            )
            / others
            for c in claims
        ]
    )


def claim_features(
    claims: list[Claim],
    alignment: Alignment,
    total_independent: int,
    titles: Sequence[str] = (),
    loaded: Callable[[str], float] | None = None,
) -> np.ndarray:
    """Feature matrix (claims x :data:`FEATURES`)."""
    sents = alignment.sentences
    headline: set[str] = set()
    for t in titles:
        headline.update(content_stems(normalize(t)))
    rows = []
    for c in claims:
        s = sents[c.representative]
        stems = set(content_stems(s.norm))
        rows.append(
            [
                1.0 - c.position,
                float(s.index == 0),
                c.score,
                0.0,  # soft support, filled below (vectorised)
                c.independent_sources / max(total_independent, 1),
                len(stems & headline) / max(len(stems), 1),
                len(c.text.split()) / 30.0,
                loaded(c.text) if loaded else 0.0,
                float(bool(_DANGLING.match(c.text))),
            ]
        )
    x = np.array(rows, dtype=float).reshape(len(claims), len(FEATURES))
    if len(claims):
        x[:, 3] = soft_support(claims, alignment)
    return x


def claim_scores(
    claims: list[Claim],
    alignment: Alignment,
    total_independent: int,
    titles: Sequence[str] = (),
    loaded: Callable[[str], float] | None = None,
) -> np.ndarray:
    """Summary-worthiness of each claim."""
    x = claim_features(claims, alignment, total_independent, titles, loaded)
    score = x @ WEIGHTS + BIAS + SUPPORT_BONUS * x[:, 4]
    if total_independent > 1:
        score -= SINGLE_PENALTY * np.array([c.independent_sources < 2 for c in claims], dtype=float)
    return score


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def summarize(
    claims: list[Claim],
    alignment: Alignment,
    total_independent: int,
    words: int = DEFAULT_WORDS,
    loaded: Callable[[str], float] | None = None,
    titles: Sequence[str] = (),
) -> list[SummarySentence]:
    """Pick claims for a summary of about ``words`` words; each sentence cites its claim's sources."""
    if not claims or words <= 0:
        return []
    scores = claim_scores(claims, alignment, total_independent, titles, loaded)
    order = np.argsort(-scores, kind="stable")
    bags = [set(alignment.sentences[c.representative].norm.split()) for c in claims]
    chosen: list[int] = []
    total = 0
    for k in order:
        n = len(claims[k].text.split())
        if not MIN_WORDS <= n <= MAX_WORDS and len(claims) > 3:
            continue
        rep = claims[k].representative
        if any(
            _dice(bags[k], bags[c]) >= REDUNDANCY
            or alignment.score(rep, claims[c].representative) >= REDUNDANT_CLAIM
            for c in chosen
        ):
            continue
        if chosen and total + n > words * OVERSHOOT:
            continue
        chosen.append(int(k))
        total += n
        if total >= words * FILL:
            break
    chosen.sort(key=lambda k: (claims[k].position, claims[k].id))
    return [
        SummarySentence(text=claims[k].text, sources=list(claims[k].sources), claim=claims[k].id)
        for k in chosen
    ]
