"""A neutral extractive summary in which every sentence cites its sources.

Each claim is scored by independent support, centrality (cosine with the story centroid) and how early
its mentions come (news puts the essentials first); its most neutral, most representative mention is
the candidate sentence. Sentences are picked greedily by score, skipping near-repeats of sentences
already picked (maximal marginal relevance), until the word budget is reached, then put in story order.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from .align import Alignment
from .model import Claim, SummarySentence

_DANGLING = re.compile(
    r"^[\"'(]*(he|she|they|it|this|these|those|his|her|their|its|that|but|and|however|also)\b", re.I
)

DEFAULT_WORDS = 100
SUPPORT_WEIGHT = 2.0
CENTRALITY_WEIGHT = 1.0
POSITION_WEIGHT = 0.6
LOADED_PENALTY = 0.3  # per loaded term in the candidate sentence
DANGLING_PENALTY = 0.5  # a sentence opening with a pronoun reads badly out of its article
SINGLE_PENALTY = 1.0  # a claim only one independent source makes is a last resort in a summary
REDUNDANCY = 0.5  # skip a sentence this similar (word Dice) to one already chosen
MIN_WORDS, MAX_WORDS = 6, 60  # candidate sentence length bounds (words)


def claim_scores(
    claims: list[Claim], total_independent: int, loaded: Callable[[str], float] | None
) -> np.ndarray:
    """Summary-worthiness of each claim."""
    support = np.array([c.independent_sources for c in claims], dtype=float) / max(total_independent, 1)
    cent = np.array([c.score for c in claims], dtype=float)
    if cent.size and cent.max() > 0:
        cent = cent / cent.max()
    lead = 1.0 - np.array([c.position for c in claims], dtype=float)
    score = SUPPORT_WEIGHT * support + CENTRALITY_WEIGHT * cent + POSITION_WEIGHT * lead
    if loaded is not None:
        score -= LOADED_PENALTY * np.array([loaded(c.text) for c in claims], dtype=float)
    score -= DANGLING_PENALTY * np.array([bool(_DANGLING.match(c.text)) for c in claims], dtype=float)
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
) -> list[SummarySentence]:
    """Pick claims for a summary of about ``words`` words; each sentence cites its claim's sources."""
    if not claims or words <= 0:
        return []
    scores = claim_scores(claims, total_independent, loaded)
    order = np.argsort(-scores, kind="stable")
    bags = [set(alignment.sentences[c.representative].norm.split()) for c in claims]
    chosen: list[int] = []
    total = 0
    for k in order:
        n = len(claims[k].text.split())
        if not MIN_WORDS <= n <= MAX_WORDS and len(claims) > 3:
            continue
        if any(_dice(bags[k], bags[c]) >= REDUNDANCY for c in chosen):
            continue
        if chosen and total + n > words * 1.2:
            continue
        chosen.append(int(k))
        total += n
        if total >= words * 0.9:
            break
    chosen.sort(key=lambda k: (claims[k].position, claims[k].id))
    return [
        SummarySentence(text=claims[k].text, sources=list(claims[k].sources), claim=claims[k].id)
        for k in chosen
    ]
