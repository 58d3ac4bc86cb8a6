"""Near-duplicate search as a shuffle: band keys -> buckets -> candidate pairs -> verify -> best match.

The local :class:`storyline.dedup.Deduplicator` checks each article, in order, against the LSH
candidates inserted before it and keeps the one with the highest overlap (the earliest on a tie).
Here the same answer comes from four data-parallel steps (plain numpy, run as Ray tasks by
:mod:`storyline.scale.engine`):

1. :func:`band_rows` / :func:`partition_of`: one row ``(band, key, ordinal, role)`` per band of each
   article, hash-partitioned by ``(band, key)`` (the shuffle);
2. :func:`bucket_pairs`: in each partition, rows sorted by ``(band, key, ordinal)``; every bucket
   gives the pairs ``(i, c)`` with ``c < i`` where ``i`` needs a match (a *query*: not an exact copy,
   has shingles) and ``c`` can be one (a *representative*: the first article with its signature);
3. :func:`verify`: estimated Jaccard and containment with the local functions' arithmetic, the same
   thresholds;
4. :func:`best_matches`: per article, the passing candidate with the highest overlap, the earliest
   on a tie (the local rule).

Only the first article with a given signature (and shingle count) is a candidate: a later one with
the same signature scores the same and, coming later in key order, never wins under the local rule,
so dropping it changes nothing and keeps buckets of exact copies from growing quadratically.
"""

from __future__ import annotations

import numpy as np

QUERY = np.uint8(1)  # the article needs a near match
REP = np.uint8(2)  # the article can be a near match
_MIX = np.uint64(0x9E3779B97F4A7C15)


def band_rows(
    bkeys: np.ndarray, ords: np.ndarray, roles: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(band, key, ordinal, role)`` for every band of every article with a role."""
    sel = np.flatnonzero(roles != 0)
    nb = bkeys.shape[1]
    band = np.tile(np.arange(nb, dtype=np.uint64), len(sel))
    key = bkeys[sel].reshape(-1)
    return band, key, np.repeat(ords[sel], nb), np.repeat(roles[sel], nb)


def partition_of(band: np.ndarray, key: np.ndarray, parts: int) -> np.ndarray:
    """Partition of each ``(band, key)`` bucket (all rows of a bucket land in one partition)."""
    with np.errstate(over="ignore"):
        h = (key ^ (band * _MIX)) * _MIX
    return ((h >> np.uint64(33)) % np.uint64(parts)).astype(np.int64)


def bucket_pairs(
    band: np.ndarray, key: np.ndarray, ords: np.ndarray, roles: np.ndarray, chunk: int = 4_000_000
) -> tuple[np.ndarray, np.ndarray]:
    """Unique candidate pairs ``(i, c)``, ``c < i``, of the rows of one partition, sorted by ``(i, c)``."""
    if len(ords) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort((ords, key, band))
    band, key, ords, roles = band[order], key[order], ords[order], roles[order]
    new = np.ones(len(ords), dtype=bool)
    new[1:] = (band[1:] != band[:-1]) | (key[1:] != key[:-1])
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], len(ords))
    sizes = ends - starts
    multi = sizes >= 2
    starts, ends, sizes = starts[multi], ends[multi], sizes[multi]
    out_i: list[np.ndarray] = []
    out_c: list[np.ndarray] = []
    # rows after position r in its bucket; pairs are generated in chunks of buckets to bound memory
    npairs = sizes * (sizes - 1) // 2
    lo = 0
    while lo < len(starts):
        hi, total = lo, 0
        while hi < len(starts) and (hi == lo or total + npairs[hi] <= chunk):
            total += int(npairs[hi])
            hi += 1
        pos = np.concatenate([np.arange(s, e) for s, e in zip(starts[lo:hi], ends[lo:hi], strict=True)])
        later = np.concatenate([np.arange(m - 1, -1, -1) for m in sizes[lo:hi]])
        first = np.repeat(pos, later)  # the earlier row of each pair (ordinals ascend in a bucket)
        offs = np.arange(len(first)) - np.repeat(np.cumsum(later) - later, later)
        second = first + 1 + offs
        c, i = ords[first], ords[second]
        ok = ((roles[first] & REP) != 0) & ((roles[second] & QUERY) != 0) & (c < i)
        out_i.append(i[ok])
        out_c.append(c[ok])
        lo = hi
    if not out_i:  # no bucket holds two rows
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    i = np.concatenate(out_i)
    c = np.concatenate(out_c)
    return unique_pairs(i, c)


def unique_pairs(i: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pairs sorted by ``(i, c)``."""
    if len(i) == 0:
        return i.astype(np.int64), c.astype(np.int64)
    order = np.lexsort((c, i))
    i, c = i[order], c[order]
    keep = np.ones(len(i), dtype=bool)
    keep[1:] = (i[1:] != i[:-1]) | (c[1:] != c[:-1])
    return i[keep], c[keep]


def verify(
    sig_i: np.ndarray,
    sig_c: np.ndarray,
    size_i: np.ndarray,
    size_c: np.ndarray,
    near_jaccard: float,
    near_containment: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(passes, overlap, jaccard)`` of row-aligned pairs, with the arithmetic of
    :func:`storyline.dedup.jaccard` and :func:`storyline.dedup.containment`."""
    j = np.mean(sig_i == sig_c, axis=-1)
    si = size_i.astype(np.int64)
    sc = size_c.astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        inter = j * (si + sc) / (1.0 + j)
        ov = np.where(si > 0, np.minimum(1.0, inter / np.where(si > 0, si, 1)), 0.0)
    return (j >= near_jaccard) | (ov >= near_containment), ov, j


def best_matches(
    i: np.ndarray, c: np.ndarray, ov: np.ndarray, j: np.ndarray
) -> dict[int, tuple[int, float, float]]:
    """``i -> (c, overlap, jaccard)``: each article's passing candidate with the highest overlap, the
    earliest key among equal ones (the rule of ``Deduplicator``)."""
    if len(i) == 0:
        return {}
    order = np.lexsort((c, -ov, i))
    i, c, ov, j = i[order], c[order], ov[order], j[order]
    first = np.ones(len(i), dtype=bool)
    first[1:] = i[1:] != i[:-1]
    return {
        a: (b, o, jj)
        for a, b, o, jj in zip(
            i[first].tolist(), c[first].tolist(), ov[first].tolist(), j[first].tolist(), strict=True
        )
    }


def search(
    sigs: np.ndarray,
    sizes: np.ndarray,
    roles: np.ndarray,
    *,
    bands: int,
    near_jaccard: float,
    near_containment: float,
) -> dict[int, tuple[int, float, float]]:
    """The four steps in one process over one block (ordinals = row numbers): what the Ray stages
    compute, for tests and small inputs."""
    from ..dedup import LSHIndex

    bkeys = LSHIndex(sigs.shape[1], bands).band_keys(sigs)
    i, c = bucket_pairs(*band_rows(bkeys, np.arange(len(sigs), dtype=np.int64), roles))
    ok, ov, j = verify(sigs[i], sigs[c], sizes[i], sizes[c], near_jaccard, near_containment)
    return best_matches(i[ok], c[ok], ov[ok], j[ok])


def components(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Connected-component label of each of ``n`` items given undirected edges (scipy)."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    g = sp.coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    return connected_components(g, directed=False)[1]


def groups_of(labels: np.ndarray, ids: list[str]) -> list[list[str]]:
    """Ids grouped by label (groups of two or more), each in item order, groups by their first item."""
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    parts = sorted((p for p in np.split(order, cuts) if len(p) > 1), key=lambda p: int(p[0]))
    return [[ids[k] for k in p.tolist()] for p in parts]
