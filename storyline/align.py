"""Alignment: sentences of many articles -> claim groups (equivalent sentences across sources).

All cross-article sentence pairs that share a weighted word are scored at once (sparse product,
then :func:`storyline.textsim.pair_scores`); groups are formed by greedy average-link merging of the
strongest pairs, never putting two sentences of one article in one group. A small story takes the same
steps in plain Python (numpy's per-call overhead would dominate), with the same arithmetic in the same
order, so its result is identical.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from operator import mul

import numpy as np
import scipy.sparse as sp

from .clean import normalize_all
from .extract import quantities as extract_quantities
from .model import Article, Sentence
from .segment import split_sentences
from .textsim import SAME_CLAIM_THRESHOLD, SentenceBank, build_bank, feature_rows, pair_scores, score_features

PREFILTER_DICE = 0.2  # pairs below this Dice are (almost) never the same claim; skipped before scoring
KEEP_SCORE = 0.05  # weaker pairs are dropped from the score table (they count as 0 in average links)
MUTUAL_THRESHOLD = 0.25  # a pair that is each side's best match in the other article needs this much
LINK_THRESHOLD = 0.2  # average similarity two groups need to merge
NUMBER_ASYMMETRY_PENALTY = 0.5  # one sentence states a quantity the other lacks: a more specific claim


@dataclass
class Alignment:
    """Sentences of a story, their pairwise scores and the claim groups (lists of sentence indices)."""

    sentences: list[Sentence]
    bank: SentenceBank
    scores: dict[tuple[int, int], float]  # (i, j) with i < j -> similarity, cross-article pairs only
    groups: list[list[int]]
    edges: set[tuple[int, int]]  # accepted claim links (i < j)

    def score(self, i: int, j: int) -> float:
        return self.scores.get((i, j) if i < j else (j, i), 0.0)


def sentences_of(articles: list[Article]) -> list[Sentence]:
    """Split every article into :class:`Sentence` objects with a shared matching vocabulary."""
    parts = [split_sentences(a.text) for a in articles]
    norms = iter(normalize_all([t for texts in parts for t in texts], [a.text for a in articles]))
    out: list[Sentence] = []
    for art, texts in zip(articles, parts, strict=True):
        n = max(len(texts), 1)
        for k, text in enumerate(texts):
            out.append(Sentence(article=art.id, index=k, text=text, norm=next(norms), position=k / n))
    return out


PAIR_EXPANSION_LIMIT = 2_000_000  # shared-stem (pair, stem) entries enumerated in numpy; more go to scipy
SMALL_EXPANSION = 3_000  # ... and up to this many in plain Python


def shared_counts(rows: list[list[int]], width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """All pairs ``(i, j)`` of rows sharing a column, with the number shared, or None when too many.

    The order is that of scipy's sparse product ``X @ X.T`` (row by row; within a row, partners in reverse
    order of discovery when walking the row's columns), so ties downstream break as they always did.
    """
    n = len(rows)
    holders_of: dict[int, list[int]] = {}
    for r, row in enumerate(rows):
        for c in row:
            holders_of.setdefault(c, []).append(r)
    total = sum(len(h) ** 2 for h in holders_of.values())
    if total <= SMALL_EXPANSION:  # a few sentences: plain Python beats numpy's per-call overhead
        pi: list[int] = []
        pj: list[int] = []
        counts: list[int] = []
        for r, row in enumerate(rows):
            met: dict[int, int] = {}  # partner -> shared columns, in order of discovery
            for c in row:
                for other in holders_of[c]:
                    met[other] = met.get(other, 0) + 1
            for other in reversed(met):
                pi.append(r)
                pj.append(other)
                counts.append(met[other])
        return np.array(pi, dtype=np.int64), np.array(pj, dtype=np.int64), np.array(counts, dtype=np.float64)
    if total > PAIR_EXPANSION_LIMIT:
        return None
    lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=n)
    cols = np.fromiter((c for r in rows for c in r), dtype=np.int64, count=int(lengths.sum()))
    df = np.bincount(cols, minlength=width)
    reps = df[cols]  # each (row, column) entry meets every row holding that column
    row_of = np.repeat(np.arange(n, dtype=np.int64), lengths)
    holders = row_of[np.argsort(cols, kind="stable")]  # rows of each column, ascending
    col_start = np.cumsum(df) - df
    entry = np.repeat(np.arange(len(cols)), reps)
    within = np.arange(total) - np.repeat(np.cumsum(reps) - reps, reps)
    ii = row_of[entry]
    jj = holders[col_start[cols[entry]] + within]
    keys, first, counts = np.unique(ii * max(n, 1) + jj, return_index=True, return_counts=True)
    ui, uj = keys // max(n, 1), keys % max(n, 1)
    order = np.lexsort((-first, ui))
    return ui[order], uj[order], counts[order].astype(np.float64)


def small_candidates(bank: SentenceBank, owner: list[int]) -> tuple[list[int], list[int]] | None:
    """:func:`candidate_pairs` in plain Python, in the same order; None unless the story is small.

    Binary weights only (the alignment bank's): an overlap is a shared-stem count, and the Dice is the same
    arithmetic on the same numbers as the vectorised version.
    """
    rows, width = bank.rows["unigrams"]
    if bank.idf_weights is not None or sum(map(len, rows)) > SMALL_EXPANSION:  # (a bound on the below)
        return None
    holders: list[list[int]] = [[] for _ in range(width)]  # column -> the rows holding it, ascending
    for r, row in enumerate(rows):
        for c in row:
            holders[c].append(r)
    sizes = list(map(len, holders))
    if sum(map(mul, sizes, sizes)) > SMALL_EXPANSION:
        return None
    size = bank.weight_sum.tolist()
    done = [0] * width  # column -> its holders up to the current row
    pi: list[int] = []
    pj: list[int] = []
    for r, row in enumerate(rows):
        met: dict[int, int] = {}  # later partner -> shared columns, in order of discovery
        for c in row:
            start = done[c] = done[c] + 1  # holders[c][start - 1] is r itself
            for other in holders[c][start:]:
                met[other] = met.get(other, 0) + 1
        own, size_r = owner[r], size[r]
        for other in reversed(met):
            if (
                owner[other] != own
                and 2 * float(met[other]) / (size_r + size[other] + 1e-9) >= PREFILTER_DICE
            ):
                pi.append(r)
                pj.append(other)
    return pi, pj


def candidate_pairs(bank: SentenceBank, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cross-article pairs (i < j) whose weighted Dice reaches :data:`PREFILTER_DICE`."""
    found = None
    if bank.idf_weights is None:  # binary weights: overlaps are shared-stem counts
        found = shared_counts(*bank.rows["unigrams"])
    if found is None:
        overlap = sp.triu(bank.weighted @ bank.unigrams.T, k=1).tocoo()
        i, j, ov = overlap.row, overlap.col, overlap.data
    else:
        i, j, ov = found
        upper = i < j
        i, j, ov = i[upper], j[upper], ov[upper]
    keep = owner[i] != owner[j]
    i, j, ov = i[keep], j[keep], ov[keep]
    dice = 2 * ov / (bank.weight_sum[i] + bank.weight_sum[j] + 1e-9)
    keep = dice >= PREFILTER_DICE
    return i[keep].astype(np.int64), j[keep].astype(np.int64)


def accepted_edges(
    i: np.ndarray, j: np.ndarray, sims: np.ndarray, owner: np.ndarray, threshold: float = SAME_CLAIM_THRESHOLD
) -> np.ndarray:
    """Mask of pairs kept as claim links: strong pairs, or mutual best matches above :data:`MUTUAL_THRESHOLD`.

    Mutual best matching (``x``'s best match in ``y``'s article is ``y`` and vice versa) is the classic
    sentence-alignment filter: it admits looser paraphrases while rejecting pairs that merely share a topic.
    """
    if len(i) == 0:
        return np.zeros(0, dtype=bool)
    n = len(i)
    # both directions: (sentence, other article) -> best partner
    x = np.concatenate([i, j])
    y = np.concatenate([j, i])
    s = np.concatenate([sims, sims])
    key = x * (int(owner.max()) + 1) + owner[y]
    order = np.lexsort((-s, key))
    first = np.ones(len(order), dtype=bool)
    first[1:] = key[order][1:] != key[order][:-1]
    is_best = np.zeros(2 * n, dtype=bool)
    is_best[order[first]] = True
    mutual = is_best[:n] & is_best[n:]
    return (sims >= threshold) | (mutual & (sims >= MUTUAL_THRESHOLD))


def group_sentences(
    n: int,
    owner: Sequence[int] | np.ndarray,
    scores: dict[tuple[int, int], float],
    edges: list[tuple[int, int]],
) -> list[list[int]]:
    """Greedy average-link grouping over accepted edges; one sentence per article in each group."""
    cluster_of = list(range(n))
    members: dict[int, list[int]] = {k: [k] for k in range(n)}
    owners: dict[int, set[int]] = {k: {int(owner[k])} for k in range(n)}
    for i, j in sorted(edges, key=lambda e: -scores[e]):
        a, b = cluster_of[i], cluster_of[j]
        if a == b or owners[a] & owners[b]:
            continue
        ma, mb = members[a], members[b]
        total = sum(scores.get((x, y) if x < y else (y, x), 0.0) for x in ma for y in mb)
        if total / (len(ma) * len(mb)) < LINK_THRESHOLD:
            continue
        if len(ma) < len(mb):
            a, b, ma, mb = b, a, mb, ma
        ma.extend(mb)
        owners[a] |= owners.pop(b)
        for x in mb:
            cluster_of[x] = a
        del members[b]
    return sorted((sorted(m) for m in members.values()), key=lambda m: m[0])


def _links(
    bank: SentenceBank, has_qty: Callable[[int], bool], owner: np.ndarray, threshold: float
) -> tuple[dict[tuple[int, int], float], list[tuple[int, int]]]:
    """Scores of the candidate pairs (those of :data:`KEEP_SCORE` or more) and the accepted claim links."""
    i, j = candidate_pairs(bank, owner)
    sims = pair_scores(bank, i, j)
    if len(i):
        involved = np.unique(np.concatenate([i, j]))
        qty = np.zeros(len(owner), dtype=bool)
        qty[involved] = [has_qty(k) for k in involved.tolist()]
        sims = np.where(qty[i] != qty[j], sims * NUMBER_ASYMMETRY_PENALTY, sims)
    keep = accepted_edges(i, j, sims, owner, threshold)
    strong = sims >= KEEP_SCORE
    scores = dict(
        zip(zip(i[strong].tolist(), j[strong].tolist(), strict=True), sims[strong].tolist(), strict=True)
    )
    return scores, list(zip(i[keep].tolist(), j[keep].tolist(), strict=True))


def _small_links(
    bank: SentenceBank,
    has_qty: Callable[[int], bool],
    owner: list[int],
    pairs: tuple[list[int], list[int]],
    threshold: float,
) -> tuple[dict[tuple[int, int], float], list[tuple[int, int]]]:
    """:func:`_links` in plain Python for a small story's candidate ``pairs`` (same values, same order)."""
    pi, pj = pairs
    if not pi:
        return {}, []
    sims = score_features(np.array(feature_rows(bank, pi, pj), dtype=np.float64)).tolist()
    for k, (x, y) in enumerate(zip(pi, pj, strict=True)):
        if has_qty(x) != has_qty(y):
            sims[k] *= NUMBER_ASYMMETRY_PENALTY
    # mutual best matches, ties to the earlier pair (forward pairs first): as in :func:`accepted_edges`
    top: dict[tuple[int, int], tuple[float, int]] = {}
    both = chain(zip(pi, pj, sims, strict=True), zip(pj, pi, sims, strict=True))
    for k, (x, y, sim) in enumerate(both):
        best = top.get((x, owner[y]))
        if best is None or sim > best[0]:
            top[(x, owner[y])] = (sim, k)
    winners = {k for _, k in top.values()}
    n = len(pi)
    scores: dict[tuple[int, int], float] = {}
    edges: list[tuple[int, int]] = []
    for k, (x, y, sim) in enumerate(zip(pi, pj, sims, strict=True)):
        if sim >= KEEP_SCORE:
            scores[(x, y)] = sim
        if sim >= threshold or (sim >= MUTUAL_THRESHOLD and k in winners and n + k in winners):
            edges.append((x, y))
    return scores, edges


def align(articles: list[Article], threshold: float = SAME_CLAIM_THRESHOLD) -> Alignment:
    """Align the sentences of ``articles`` into claim groups."""
    sentences = sentences_of(articles)
    ids = {a.id: k for k, a in enumerate(articles)}
    owner = [ids[s.article] for s in sentences]
    bank = build_bank([s.norm for s in sentences])

    @cache
    def has_qty(k: int) -> bool:  # asked only of sentences in candidate pairs
        return bool(extract_quantities(sentences[k].text))

    pairs = small_candidates(bank, owner) if len(sentences) > 1 else ([], [])
    if pairs is None:
        scores, edges = _links(bank, has_qty, np.array(owner, dtype=np.int64), threshold)
    else:
        scores, edges = _small_links(bank, has_qty, owner, pairs, threshold)
    groups = group_sentences(len(sentences), owner, scores, edges)
    return Alignment(sentences=sentences, bank=bank, scores=scores, groups=groups, edges=set(edges))
