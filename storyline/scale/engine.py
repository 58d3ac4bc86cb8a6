"""The Ray stages: read + clean + featurise per shard, the LSH shuffle, verification, and the driver.

Stage graph (``B`` shards, ``P`` shuffle partitions)::

    shards --prepare (B tasks)--> meta (driver) + block + signatures + terms (object store)
    signatures --band_map (B tasks, P outputs each)--> band rows, hash-partitioned by band key
    band rows --band_reduce (P tasks, B outputs each)--> candidate pairs, split by the later article's shard
    pairs + signatures --verify (B tasks)--> best earlier copy of each article
    driver: exact copies (content hash), duplicate groups (connected components), stories (in order)

:func:`run_dedup` runs the shuffle once over all shards. :class:`StreamDedup` runs it shard by shard
in input order (each shard's band rows against an index of the earlier shards' representatives, one
``band_step`` task per partition), so the copies of shard ``b`` are known while later shards are still
being prepared: the ingest's story pass starts on the first shards while the workers go on.

Only small columns come back to the driver before the story step (ids, keys, hashes, dates, sizes);
signatures stay in the object store and each verify task fetches the shards its pairs point into. The
story step fetches only the terms, never the articles.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..dedup import BANDS, NEAR_CONTAINMENT, NEAR_JACCARD, NUM_PERM
from . import lsh
from .prepare import Block, prepare
from .sources import Shard, plan_shards, read_shard

MIN_SHARD_BYTES = 256 << 10
MAX_SHARD_BYTES = 16 << 20


def require_ray() -> Any:
    """Import ray or fail with one clear line."""
    try:
        import ray
    except ImportError as exc:  # pragma: no cover - depends on the environment
        from ..errors import StorylineError

        raise StorylineError("the Ray engine needs ray: pip install 'storyline[ray]'") from exc
    return ray


def connect(address: str | None = None, num_cpus: int | None = None) -> Any:
    """Join the cluster at ``address`` (``auto``, ``ray://host:10001``, ``host:6379``) or start a local
    Ray with ``num_cpus`` CPUs; a Ray already initialised in this process is used as it is."""
    ray = require_ray()
    if not ray.is_initialized():
        if address:
            ray.init(address=address, logging_level="ERROR", log_to_driver=False)
        else:
            ray.init(num_cpus=num_cpus, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    return ray


def cluster_cpus(ray: Any) -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


# --- remote functions (created once per process, ray imported lazily) ---------------------------

_REMOTE: dict[str, Any] = {}


def _remote(name: str) -> Any:
    if not _REMOTE:
        ray = require_ray()
        _REMOTE["prepare"] = ray.remote(num_returns=4)(_prepare_task)
        _REMOTE["band_map"] = ray.remote(_band_map_task)
        _REMOTE["band_reduce"] = ray.remote(_band_reduce_task)
        _REMOTE["band_step"] = ray.remote(num_returns=2)(_band_step_task)
        _REMOTE["verify"] = ray.remote(_verify_task)
    return _REMOTE[name]


@dataclass
class Signatures:
    """A shard's signatures and shingle counts (kept apart from the articles: the shuffle needs only these)."""

    sigs: np.ndarray
    sizes: np.ndarray


def _prepare_task(
    shard: Shard, mode: str, num_perm: int, keep_block: bool = True
) -> tuple[dict[str, Any], Block | None, Signatures, list[dict[str, float]]]:
    """Meta (to the driver), the block without signatures and terms (None when nobody reads the
    articles: ``keep_block=False``), the signatures, the terms."""
    import time

    c0 = time.process_time()
    block = prepare(list(read_shard(shard)), mode=mode, num_perm=num_perm)
    sigs = Signatures(block.sigs, block.sizes)
    meta = block.meta()
    terms = block.terms
    block.sigs = np.zeros((0, 0), np.uint32)
    block.terms = []
    meta["cpu"] = time.process_time() - c0
    return meta, block if keep_block else None, sigs, terms


def _band_map_task(
    sig: Signatures, ords: np.ndarray, roles: np.ndarray, parts: int, num_perm: int, bands: int
) -> list[tuple[np.ndarray, ...]]:
    from ..dedup import LSHIndex

    sel = roles != 0
    bkeys = (
        LSHIndex(num_perm, bands).band_keys(sig.sigs[sel]) if sel.any() else np.zeros((0, bands), np.uint64)
    )
    band, key, o, r = lsh.band_rows(bkeys, ords[sel], roles[sel])
    p = lsh.partition_of(band, key, parts)
    order = np.argsort(p, kind="stable")
    cuts = np.searchsorted(p[order], np.arange(parts + 1))
    out = []
    for k in range(parts):
        s = order[cuts[k] : cuts[k + 1]]
        out.append((band[s], key[s], o[s], r[s]))
    return out if parts > 1 else out[0]


def _band_reduce_task(bounds: np.ndarray, *pieces: Any) -> Any:
    """Pairs of one partition, split by the shard of the later article (``bounds``: first ordinal per shard)."""
    cols = [np.concatenate([p[k] for p in pieces]) for k in range(4)] if pieces else [np.zeros(0)] * 4
    i, c = lsh.bucket_pairs(*cols)
    cuts = np.searchsorted(i, bounds)
    out = [(i[cuts[b] : cuts[b + 1]], c[cuts[b] : cuts[b + 1]]) for b in range(len(bounds) - 1)]
    return out if len(out) > 1 else out[0]


def _band_step_task(
    first: int, index: tuple[np.ndarray, ...] | None, piece: tuple[np.ndarray, ...]
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, ...]]:
    """One partition, one shard of a streamed run: the candidate pairs ``(i, c)``, ``c < i``, of the
    shard's queries with the representatives of this and earlier shards in their buckets (sorted by
    ``(i, c)``, distinct: what :func:`lsh.bucket_pairs` gives for these queries), and the grown index.

    The index is ``(bucket hash, band, key, ordinal)`` of the representatives so far, sorted by the
    hash; the shard's representatives are merged in, then each query finds its bucket by binary
    search. ``first`` (the shard's first ordinal) is not needed for the pairs; it is checked."""
    band, key, o, r = piece
    h = _bucket_hash(band, key)
    rep = np.flatnonzero((r & lsh.REP) != 0)
    rep = rep[np.argsort(h[rep], kind="stable")]
    add = (h[rep], band[rep], key[rep], o[rep])
    if index is None:
        index = add
    else:
        at = np.searchsorted(index[0], add[0], "right")
        index = tuple(np.insert(x, at, y) for x, y in zip(index, add, strict=True))
    q = np.flatnonzero((r & lsh.QUERY) != 0)
    lo, hi = np.searchsorted(index[0], h[q], "left"), np.searchsorted(index[0], h[q], "right")
    at = _ranges(lo, hi)
    qi = np.repeat(q, hi - lo)
    c = index[3][at]
    ok = (c < o[qi]) & (index[1][at] == band[qi]) & (index[2][at] == key[qi])  # not just the same hash
    i, c = lsh.unique_pairs(o[qi][ok], c[ok])
    assert not len(i) or i[0] >= first
    return (i, c), index


def _ranges(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The positions ``lo[k] .. hi[k] - 1`` of all ``k``, concatenated."""
    n = hi - lo
    ok = n > 0
    lo, n = lo[ok], n[ok]
    if not len(n):
        return np.zeros(0, np.int64)
    return np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n - lo, n)


def _bucket_hash(band: np.ndarray, key: np.ndarray) -> np.ndarray:
    """A 64-bit hash of ``(band, key)`` (a collision only lets an index row into the pairing)."""
    with np.errstate(over="ignore"):
        return key ^ (band.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))


def _verify_task(
    b: int,
    bounds: np.ndarray,
    rows: list[Any],
    sig_refs: list[Any],
    near_jaccard: float,
    near_containment: float,
    *pieces: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Best earlier copy of each article of shard ``b`` among its candidate pairs."""
    import ray

    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    if not pieces:
        return empty
    i, c = lsh.unique_pairs(np.concatenate([p[0] for p in pieces]), np.concatenate([p[1] for p in pieces]))
    if len(i) == 0:
        return empty
    owner = np.searchsorted(bounds, c, side="right") - 1
    need = sorted(set(owner.tolist()) | {b})
    got = dict(zip(need, ray.get([sig_refs[k] for k in need]), strict=True))
    if isinstance(rows[b], np.ndarray):
        rows = {k: rows[k] for k in need}
    else:  # a streamed run: one object per shard
        rows = dict(zip(need, ray.get([rows[k] for k in need]), strict=True))
    sig_i, size_i = _rows_of(got[b], rows[b], i - bounds[b])
    sig_c = np.empty((len(c), sig_i.shape[1]), dtype=np.uint32)
    size_c = np.empty(len(c), dtype=np.int64)
    for k in need:
        m = owner == k
        if m.any():
            sig_c[m], size_c[m] = _rows_of(got[k], rows[k], c[m] - bounds[k])
    ok, ov, j = lsh.verify(sig_i, sig_c, size_i, size_c, near_jaccard, near_containment)
    best = lsh.best_matches(i[ok], c[ok], ov[ok], j[ok])
    keys = np.fromiter(best.keys(), dtype=np.int64, count=len(best))
    vals = list(best.values())
    return (
        keys,
        np.array([v[0] for v in vals], dtype=np.int64),
        np.array([v[1] for v in vals], dtype=float),
        np.array([v[2] for v in vals], dtype=float),
    )


def _rows_of(sig: Signatures, rows: np.ndarray, local: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r = rows[local]
    return sig.sigs[r], sig.sizes[r]


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Match:
    """The earlier article an article copies (ordinals among the articles added)."""

    earlier: int
    overlap: float
    jaccard: float
    exact: bool


@dataclass
class Prepared:
    """Stage 1 done: per shard the driver-side meta and the object-store refs."""

    shards: list[Shard]
    metas: list[dict[str, Any]]
    blocks: list[Any]
    sigs: list[Any]
    terms: list[Any] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Plan:
    """Which articles are added, in which order (ordinals), and their duplicate roles."""

    ords: list[np.ndarray]  # per shard: ordinal of each row, -1 when not added
    bounds: np.ndarray  # first ordinal of each shard (and the total at the end)
    exact: dict[int, int] = field(default_factory=dict)  # ordinal -> first ordinal with its content hash
    roles: list[np.ndarray] = field(default_factory=list)


class Planner:
    """:func:`plan_added` one shard at a time, in input order (what earlier shards held is kept)."""

    def __init__(self) -> None:
        self.n = 0
        self.bounds = [0]
        self.first_hash: dict[str, int] = {}
        self.first_sig: dict[bytes, int] = {}

    def add(self, meta: dict[str, Any], mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[int, int]]:
        """Ordinals and roles of one shard's rows (``mask``: the rows added) and its exact copies."""
        o = np.full(len(mask), -1, dtype=np.int64)
        k = int(np.count_nonzero(mask))
        o[mask] = np.arange(self.n, self.n + k)
        self.n += k
        self.bounds.append(self.n)
        role = np.zeros(len(o), dtype=np.uint8)
        exact: dict[int, int] = {}
        hashes, sizes, sigkeys = meta["hashes"], meta["sizes"], meta["sigkeys"]
        for r in np.flatnonzero(o >= 0).tolist():
            ordinal = int(o[r])
            f = self.first_hash.setdefault(hashes[r], ordinal)
            if f != ordinal:
                exact[ordinal] = f
            elif sizes[r] > 0:
                role[r] |= lsh.QUERY
            if self.first_sig.setdefault(sigkeys[r], ordinal) == ordinal:
                role[r] |= lsh.REP
        return o, role, exact


def shard_size(paths: Iterable[str], cpus: int) -> int:
    """Bytes per JSON lines shard: about four shards per CPU, within bounds."""
    total = 0
    for raw in paths:
        p = Path(raw)
        if p.is_file():
            total += p.stat().st_size
        elif p.is_dir():
            total += sum(f.stat().st_size for f in p.iterdir() if f.is_file())
    return int(min(MAX_SHARD_BYTES, max(MIN_SHARD_BYTES, total // max(1, 4 * cpus))))


def run_prepare(
    ray: Any,
    inputs: Sequence[str],
    *,
    mode: str,
    num_perm: int = NUM_PERM,
    shard_bytes: int | None = None,
    fetch: bool = False,
    allow_private: bool = False,
    keep_block: bool = True,
) -> Prepared:
    """Stage 1 on every shard; the metas come back, blocks, signatures and terms stay in the object
    store (blocks only with ``keep_block``)."""
    import time

    t0 = time.perf_counter()
    size = shard_bytes or shard_size(inputs, cluster_cpus(ray))
    shards = plan_shards(inputs, size, fetch=fetch, allow_private=allow_private)
    fn = _remote("prepare")
    refs = [fn.remote(s, mode, num_perm, keep_block) for s in shards]
    metas = ray.get([r[0] for r in refs])
    return Prepared(
        shards,
        metas,
        [r[1] for r in refs],
        [r[2] for r in refs],
        [r[3] for r in refs],
        time.perf_counter() - t0,
    )


def plan_added(metas: Sequence[dict[str, Any]], added: Sequence[np.ndarray]) -> Plan:
    """Ordinals of the added rows (``added[b]``: mask per shard), exact copies and shuffle roles."""
    planner = Planner()
    ords, roles, exact = [], [], {}
    for meta, mask in zip(metas, added, strict=True):
        o, role, ex = planner.add(meta, np.asarray(mask, dtype=bool))
        ords.append(o)
        roles.append(role)
        exact.update(ex)
    return Plan(ords, np.asarray(planner.bounds, dtype=np.int64), exact, roles)


def run_dedup(
    ray: Any,
    prep: Prepared,
    plan: Plan,
    *,
    num_perm: int = NUM_PERM,
    bands: int = BANDS,
    near_jaccard: float = NEAR_JACCARD,
    near_containment: float = NEAR_CONTAINMENT,
    partitions: int | None = None,
    wait: bool = True,
) -> Any:
    """The near-copy shuffle; returns ``ordinal -> Match`` for every article that copies an earlier one
    (with ``wait=False``: a function that waits for the tasks and returns it)."""
    nb = len(prep.sigs)
    out: dict[int, Match] = {o: Match(f, 1.0, 1.0, True) for o, f in plan.exact.items()}
    if nb == 0 or plan.bounds[-1] == 0:
        return out if wait else lambda: out
    parts = partitions or max(1, min(2 * cluster_cpus(ray), nb))
    band_map, band_reduce, verify = _remote("band_map"), _remote("band_reduce"), _remote("verify")
    rows = [np.flatnonzero(o >= 0) for o in plan.ords]
    mapped = [
        band_map.options(num_returns=parts).remote(
            prep.sigs[b], plan.ords[b], plan.roles[b], parts, num_perm, bands
        )
        for b in range(nb)
    ]
    if parts == 1:
        mapped = [[m] for m in mapped]
    reduced = [
        band_reduce.options(num_returns=nb).remote(plan.bounds, *[mapped[b][p] for b in range(nb)])
        for p in range(parts)
    ]
    if nb == 1:
        reduced = [[r] for r in reduced]
    rows_ref = ray.put(rows)
    verified = [
        verify.remote(
            b, plan.bounds, rows_ref, prep.sigs, near_jaccard, near_containment, *[r[b] for r in reduced]
        )
        for b in range(nb)
    ]

    def collect() -> dict[int, Match]:
        for v in ray.get(verified):
            add_verified(out, v)
        return out

    return collect() if wait else collect


def add_verified(out: dict[int, Match], verified: tuple[np.ndarray, ...]) -> None:
    """The near copies one verify task found, into ``out`` (exact copies already there win)."""
    keys, earlier, ov, jac = verified
    for o, e, v, j in zip(keys.tolist(), earlier.tolist(), ov.tolist(), jac.tolist(), strict=True):
        if o not in out:
            out[o] = Match(e, v, j, False)


class StreamDedup:
    """The near-copy search shard by shard, in input order: :meth:`submit` a planned shard, get a ref
    to its verify result (or None when none of its articles takes part). Each partition keeps an index
    (in the object store) of the representatives of the shards submitted so far; a shard's pairs are
    its queries against that index and against its own earlier rows: the pairs :func:`run_dedup` finds
    for the shard's articles, so the matches are the same."""

    def __init__(
        self,
        ray: Any,
        parts: int,
        *,
        num_perm: int = NUM_PERM,
        bands: int = BANDS,
        near_jaccard: float = NEAR_JACCARD,
        near_containment: float = NEAR_CONTAINMENT,
    ) -> None:
        self.ray, self.parts, self.num_perm, self.bands = ray, parts, num_perm, bands
        self.near = (near_jaccard, near_containment)
        self.index: list[Any] = [None] * parts
        self.sig_refs: list[Any] = []
        self.row_refs: list[Any] = []
        self.bounds = [0]

    def submit(self, sig_ref: Any, ords: np.ndarray, roles: np.ndarray) -> Any:
        b = len(self.sig_refs)
        first = self.bounds[-1]
        self.bounds.append(first + int(np.count_nonzero(ords >= 0)))
        self.sig_refs.append(sig_ref)
        self.row_refs.append(self.ray.put(np.flatnonzero(ords >= 0)))
        if not roles.any():
            return None
        mapped = (
            _remote("band_map")
            .options(num_returns=self.parts)
            .remote(sig_ref, ords, roles, self.parts, self.num_perm, self.bands)
        )
        if self.parts == 1:
            mapped = [mapped]
        step = _remote("band_step")
        pairs = []
        for p in range(self.parts):
            got, self.index[p] = step.remote(first, self.index[p], mapped[p])
            pairs.append(got)
        return _remote("verify").remote(
            b, np.asarray(self.bounds, dtype=np.int64), list(self.row_refs), list(self.sig_refs), *self.near,
            *pairs,
        )  # fmt: skip


def duplicate_groups(n: int, matches: dict[int, Match], ids: Sequence[str]) -> list[list[str]]:
    """Connected components of the copy links (each article links to at most one earlier one, so the
    edge list is at most ``n`` long and fits the driver; scipy does the components)."""
    if not matches:
        return []
    src = np.fromiter(matches.keys(), dtype=np.int64, count=len(matches))
    dst = np.fromiter((m.earlier for m in matches.values()), dtype=np.int64, count=len(matches))
    return lsh.groups_of(lsh.components(n, src, dst), list(ids))
