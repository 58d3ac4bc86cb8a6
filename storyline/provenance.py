"""Provenance: a text-reuse graph between articles and independent-source counts.

``reuse[a, b]`` estimates the share of article ``a`` rendered in article ``b``. It averages two views:
the sentence view (each of ``a``'s sentences contributes, by words, its aligned similarity to ``b`` -- only
claim links count, see :mod:`storyline.align` -- or its word-shingle containment in ``b`` when that is higher,
i.e. verbatim copying) and the detail view (the share of ``a``'s distinctive vocabulary, weighted by rarity
within the story, that ``b`` also uses: independent reports share the event's words, copies share details).
An article is *derived from* another when that share reaches :data:`DERIVED_THRESHOLD`; the direction goes
from the later (or, without dates, the less complete) text to the earlier (more complete) one.
Articles joined by derivations form one *independent source*.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

import numpy as np
import scipy.sparse as sp

from .align import Alignment
from .model import Article, Derivation
from .segment import shingle_tuples, shingles

DERIVED_THRESHOLD = 0.25
NEAR_COPY = 0.8  # sentence similarity (or shingle containment) treated as copied text
SHINGLE = 4


@dataclass
class Provenance:
    ids: list[str]
    reuse: np.ndarray  # reuse[a, b]: share of a's text rendered in b
    derived_from: dict[str, list[Derivation]]
    group_of: dict[str, int]  # article id -> independent group number

    @property
    def independent(self) -> int:
        return len(set(self.group_of.values()))

    def independent_count(self, ids: list[str] | set[str]) -> int:
        """Number of independent groups among some article ids."""
        return len({self.group_of[i] for i in ids if i in self.group_of})


SMALL_CONTAINMENT = 20_000  # (sentences x articles) cells at most: shingle overlaps from Python sets
SMALL_DETAIL = 16  # articles at most: the detail view from dense arrays instead of scipy products
# fewer articles: the reuse matrix in plain Python (numpy, too, adds fewer than 8 numbers one by one)
SMALL_REUSE = 8


def reuse_matrix(articles: list[Article], alignment: Alignment) -> np.ndarray:
    """Share of each article's words rendered in each other article (rows: copier, columns: source)."""
    ids = [a.id for a in articles]
    index = {a: k for k, a in enumerate(ids)}
    n = len(ids)
    if n < SMALL_REUSE:
        return _small_reuse(alignment, index)
    sents = alignment.sentences
    words = np.array([max(len(s.text.split()), 1) for s in sents], dtype=np.float64)
    owner = np.array([index[s.article] for s in sents], dtype=np.int64)
    # best aligned similarity of each sentence to each other article
    best = np.zeros((len(sents), n))
    if alignment.edges:
        edges = list(alignment.edges)
        ei, ej = np.array(edges, dtype=np.int64).T
        get = alignment.scores.get  # (edges are (i, j) with i < j, like the score table's keys)
        sims = np.array([get(e, 0.0) for e in edges], dtype=np.float64)
        np.maximum.at(best, (ei, owner[ej]), sims)
        np.maximum.at(best, (ej, owner[ei]), sims)
    # verbatim reuse: share of each sentence's word shingles found anywhere in each other article
    contained = shingle_containment([shingles(s.norm, SHINGLE) for s in sents], owner, n)
    if contained is not None:
        best = np.maximum(best, contained)
    # a paraphrase found in many articles is shared news, not evidence of copying one of them:
    # below NEAR_COPY its credit is split among the articles that carry it (verbatim copies keep it all)
    spread = best.sum(axis=1, keepdims=True)
    credit = np.where(best >= NEAR_COPY, best, best * best / np.maximum(spread, 1e-9))
    sentence_view = np.zeros((n, n))
    totals = np.bincount(owner, weights=words, minlength=n)
    for b in range(n):
        sentence_view[:, b] = np.bincount(owner, weights=words * credit[:, b], minlength=n) / np.maximum(
            totals, 1
        )
    reuse = (sentence_view + detail_overlap(alignment, index)) / 2
    np.fill_diagonal(reuse, 0.0)
    return reuse


def shingle_containment(sent_sh: list[set[str]], owner: np.ndarray, n: int) -> np.ndarray | None:
    """``[k, a]``: share of sentence ``k``'s shingles found in article ``a`` (0 for its own); None: no shingles."""
    m = len(sent_sh)
    if not any(sent_sh):
        return None
    sizes = np.maximum(np.array([len(sh) for sh in sent_sh], dtype=np.int64), 1)[:, None]
    if m * n <= SMALL_CONTAINMENT:
        art_sh: list[set[str]] = [set() for _ in range(n)]
        for k, sh in enumerate(sent_sh):
            art_sh[owner[k]] |= sh
        counts = np.array([[len(sh & other) for other in art_sh] for sh in sent_sh], dtype=np.int64)
    else:
        vocab: dict[str, int] = {}
        setdefault = vocab.setdefault
        cols = [setdefault(g, len(vocab)) for sh in sent_sh for g in sh]
        indptr = np.zeros(m + 1, dtype=np.int64)
        np.cumsum([len(sh) for sh in sent_sh], out=indptr[1:])
        sent_x = sp.csr_matrix(
            (np.ones(len(cols)), np.array(cols, dtype=np.int64), indptr), shape=(m, len(vocab))
        )
        art_x = sp.csr_matrix((np.ones(m), owner, np.arange(m + 1)), shape=(m, n)).T.tocsr()
        art_x = (art_x @ sent_x).sign()
        counts = (sent_x @ art_x.T).toarray()
    contained = counts / sizes
    contained[np.arange(m), owner] = 0.0
    return contained


def detail_overlap(alignment: Alignment, index: dict[str, int]) -> np.ndarray:
    """Share of each article's rarity-weighted content stems that each other article also uses."""
    n = len(index)
    rows = np.array([index[s.article] for s in alignment.sentences], dtype=np.int64)
    if n > SMALL_DETAIL:
        onehot = sp.csr_matrix((np.ones(len(rows)), (rows, np.arange(len(rows)))), shape=(n, len(rows)))
        present = (onehot @ alignment.bank.unigrams).sign()  # articles x stems
        df = np.asarray(present.sum(axis=0)).ravel()
        weighted = present.multiply(np.log((n + 1) / np.maximum(df, 1))[None, :]).tocsr()
        shared = (weighted @ present.T).toarray()
        totals = np.asarray(weighted.sum(axis=1)).ravel()
        return shared / np.maximum(totals, 1e-9)[:, None]
    # the same sums in the same order as the sparse product: each article's stems in column order
    stem_rows, width = alignment.bank.rows["unigrams"]
    present = np.zeros((n, max(width, 1)), dtype=bool)
    for a, cols in zip(rows.tolist(), stem_rows, strict=True):
        present[a, cols] = True
    weight = np.log((n + 1) / np.maximum(present.sum(axis=0), 1))
    shared = np.zeros((n, n))
    data = []
    for a in range(n):
        cols = np.flatnonzero(present[a])
        if len(cols):
            shared[a] = np.cumsum(present[:, cols] * weight[cols], axis=1)[:, -1]
            data.append(weight[cols])
    totals = np.zeros(n)
    nonempty = present.any(axis=1)
    if data:
        lengths = present.sum(axis=1)[nonempty]
        totals[nonempty] = np.add.reduceat(np.concatenate(data), np.cumsum(lengths) - lengths)
    return shared / np.maximum(totals, 1e-9)[:, None]


def _small_reuse(alignment: Alignment, index: dict[str, int]) -> np.ndarray:
    """:func:`reuse_matrix` of a few articles in plain Python: the same sums in the same order."""
    n = len(index)
    sents = alignment.sentences
    m = len(sents)
    owner = [index[s.article] for s in sents]
    best = [[0.0] * n for _ in range(m)]
    get = alignment.scores.get  # (edges are (i, j) with i < j, like the score table's keys)
    for x, y in alignment.edges:
        sim = get((x, y), 0.0)
        for k, a in ((x, owner[y]), (y, owner[x])):
            if sim > best[k][a]:
                best[k][a] = sim
    sent_sh = [shingle_tuples(s.norm, SHINGLE) for s in sents]
    if any(sent_sh):
        art_sh: list[set[tuple[str, ...]]] = [set() for _ in range(n)]
        for k, sh in enumerate(sent_sh):
            art_sh[owner[k]] |= sh
        for k, sh in enumerate(sent_sh):
            if sh:
                size, row = len(sh), best[k]
                for a, other in enumerate(art_sh):
                    if a != owner[k] and (c := len(sh & other) / size) > row[a]:
                        row[a] = c
    totals = [0.0] * n
    share = [[0.0] * n for _ in range(n)]
    for k, row in enumerate(best):
        spread = 0.0
        for v in row:
            spread += v
        spread = max(spread, 1e-9)
        words = float(max(len(sents[k].text.split()), 1))
        a = owner[k]
        totals[a] += words
        out = share[a]
        for b, v in enumerate(row):
            out[b] += words * (v if v >= NEAR_COPY else v * v / spread)
    view = np.array([[v / max(totals[a], 1) for v in share[a]] for a in range(n)], dtype=np.float64)
    reuse = (view.reshape(n, n) + _small_detail(alignment, owner, n)) / 2
    np.fill_diagonal(reuse, 0.0)
    return reuse


def _small_detail(alignment: Alignment, owner: list[int], n: int) -> np.ndarray:
    """:func:`detail_overlap` of a few articles: the per-article products as one cumulative sum (the columns
    an article lacks add exact zeros), so the sums are the same, in the same order."""
    stem_rows, width = alignment.bank.rows["unigrams"]
    present = np.zeros((n, max(width, 1)), dtype=bool)
    holder = [a for a, cols in zip(owner, stem_rows, strict=True) for _ in cols]
    present[holder, list(chain.from_iterable(stem_rows))] = True
    weight = np.log((n + 1) / np.maximum(present.sum(axis=0), 1))
    shared = np.cumsum((present[:, None, :] & present[None, :, :]) * weight, axis=2)[:, :, -1]
    lengths = present.sum(axis=1)
    totals = np.zeros(n)
    nonempty = lengths > 0
    if nonempty.any():
        starts = (np.cumsum(lengths) - lengths)[nonempty]
        totals[nonempty] = np.add.reduceat(weight[np.nonzero(present)[1]], starts)
    return shared / np.maximum(totals, 1e-9)[:, None]


def _earlier(a: Article, b: Article, reuse_ab: float, reuse_ba: float) -> bool:
    """Whether ``a`` is the original of the pair (earlier date, else the more complete text)."""
    if a.date and b.date and a.date[:19] != b.date[:19]:
        return a.date < b.date
    if abs(reuse_ab - reuse_ba) > 0.02:
        return reuse_ab < reuse_ba  # b renders more of a than a of b: b is the copy
    return len(a.text) >= len(b.text)


def provenance(articles: list[Article], alignment: Alignment) -> Provenance:
    """Text-reuse graph, derivations and independent groups of a story's articles."""
    ids = [a.id for a in articles]
    n = len(ids)
    reuse = reuse_matrix(articles, alignment) if n > 1 else np.zeros((n, n))
    derived: dict[str, list[Derivation]] = {i: [] for i in ids}
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a in range(n):
        for b in range(a + 1, n):
            if max(reuse[a, b], reuse[b, a]) < DERIVED_THRESHOLD:
                continue
            orig, copy = (a, b) if _earlier(articles[a], articles[b], reuse[a, b], reuse[b, a]) else (b, a)
            derived[ids[copy]].append(Derivation(source=ids[orig], overlap=float(reuse[copy, orig])))
    for lst in derived.values():
        lst.sort(key=lambda d: -d.overlap)
    # a copy joins the group of its main source only: a roundup drawing on three outlets does not make
    # those outlets depend on each other
    for k, art_id in enumerate(ids):
        if derived[art_id]:
            parent[find(k)] = find(ids.index(derived[art_id][0].source))
    roots: dict[int, int] = {}
    group_of = {ids[k]: roots.setdefault(find(k), len(roots)) for k in range(n)}
    return Provenance(ids=ids, reuse=reuse, derived_from=derived, group_of=group_of)
