"""``storyline cluster`` and ``storyline ingest`` on Ray: the same results as the local engine.

:func:`run_cluster_ray` gives the rows of ``storyline cluster`` (``{"id", "story"}`` per article, in
input order; with ``duplicates=True`` also the earlier copy of each article and its duplicate group).
:func:`run_ingest_ray` gives what ``storyline ingest`` stores in an empty corpus: the same near and
exact copies (links and groups), the same stories (online, batch by batch, with duplicate hints), and
writes them to a SQLite store and/or JSON lines / Parquet.

The ingest is a stream: shards are prepared a few at a time in input order, each one's copies are
searched as soon as it is planned (:class:`storyline.scale.engine.StreamDedup`), and the driver
assigns the stories of a shard (the one serial step) while the workers prepare and search the next
ones; the SQLite rows are written by a writer process (a Ray actor on the driver's node) from the
blocks in the object store, so the driver does nothing but the story pass.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..dedup import NUM_PERM
from ..errors import StorylineError
from ..grouping import WINDOW_DAYS
from .engine import (
    Match,
    Planner,
    StreamDedup,
    _remote,
    add_verified,
    cluster_cpus,
    connect,
    duplicate_groups,
    plan_added,
    run_dedup,
    run_prepare,
    shard_size,
)
from .sources import plan_shards
from .stories import OnlineStories, batch_stories

BATCH = 500
MAX_ACTIVE_STORIES = 20_000


@dataclass
class Timings:
    """Seconds per stage. Wall: ``prepare`` and ``dedup`` (from the start until the last shard was
    prepared / searched), ``stories`` (the driver in the story pass), ``write`` (the store writer busy,
    plus the ``--output`` file), ``wait`` (the driver waiting for workers), ``total``; ``cpu``:
    CPU-seconds of the prepare tasks, the driver's story pass, the whole driver and the store writer."""

    prepare: float = 0.0
    dedup: float = 0.0
    stories: float = 0.0
    write: float = 0.0
    wait: float = 0.0
    total: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: round(v, 3) for k, v in self.__dict__.items() if k != "cpu"}
        out["cpu"] = {k: round(v, 3) for k, v in self.cpu.items()}
        return out


@dataclass
class ClusterResult:
    rows: list[dict[str, Any]]
    stories: list[list[str]]
    duplicate_groups: list[list[str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)


def _report(metas: Sequence[dict[str, Any]], on_error: Callable[[str], None] | None) -> list[str]:
    errors = [line for m in metas for _, line in m["errors"]]
    if on_error:
        for line in errors:
            on_error(line)
    return errors


def _unique_cli(ids: list[str]) -> list[str]:
    """Distinct ids as ``storyline cluster`` makes them (a repeated id gets ``-2``, ``-3``, ...)."""
    from ..ingest import unique_ids

    return unique_ids(ids)


def run_cluster_ray(
    paths: Sequence[str],
    *,
    address: str | None = None,
    num_cpus: int | None = None,
    duplicates: bool = False,
    shard_bytes: int | None = None,
    allow_private: bool = False,
    on_error: Callable[[str], None] | None = None,
    **options: Any,
) -> ClusterResult:
    """Stories of the articles in ``paths`` (files, directories, JSON lines, Parquet, WARC, feeds, URLs).

    ``result.rows`` is exactly what the local ``storyline cluster`` prints; ``options`` are the
    clustering options of :func:`storyline.grouping.cluster_articles`. The batch clustering weighs
    terms by their frequency in the whole input, so the story pass starts when every shard is
    prepared; the near-copy search (``duplicates=True``) runs on the workers meanwhile."""
    ray = connect(address, num_cpus)
    timings = Timings()
    t_start, c_start = time.perf_counter(), time.process_time()
    prep = run_prepare(
        ray, paths, mode="cluster", shard_bytes=shard_bytes, allow_private=allow_private, keep_block=False
    )
    timings.prepare = prep.seconds
    errors = _report(prep.metas, on_error)
    ids = _unique_cli([i for m in prep.metas for i in m["ids"]])
    if not ids:
        raise StorylineError("no usable articles in the input")
    pending_dedup = None
    if duplicates:  # the shuffle runs on the workers while the driver assigns stories
        t0 = time.perf_counter()
        plan = plan_added(prep.metas, [np.ones(m["n"], dtype=bool) for m in prep.metas])
        pending_dedup = run_dedup(ray, prep, plan, wait=False)
    t0, c0 = time.perf_counter(), time.process_time()
    terms: list[dict[str, float]] = [t for part in ray.get(prep.terms) for t in part]
    dates = [d for m in prep.metas for d in m["dates"]]
    stories = batch_stories(ids, terms, dates, **options)
    timings.stories = time.perf_counter() - t0
    timings.cpu["stories"] = time.process_time() - c0
    story = {i: f"s{k + 1}" for k, g in enumerate(stories) for i in g}
    rows: list[dict[str, Any]] = [{"id": i, "story": story[i]} for i in ids]
    groups: list[list[str]] = []
    if pending_dedup is not None:
        links = pending_dedup()
        groups = duplicate_groups(len(ids), links, ids)
        timings.dedup = time.perf_counter() - t_start - timings.prepare
        group_of = {i: k + 1 for k, g in enumerate(groups) for i in g}
        for o, row in enumerate(rows):
            m = links.get(o)
            row["duplicate_of"] = ids[m.earlier] if m else None
            row["duplicate_group"] = group_of.get(row["id"])
    timings.cpu["prepare"] = sum(m.get("cpu", 0.0) for m in prep.metas)
    timings.cpu["driver"] = time.process_time() - c_start
    timings.total = time.perf_counter() - t_start
    return ClusterResult(rows, stories, groups, errors, timings)


@dataclass
class IngestResult:
    """What the Ray ingest did: the local summary line plus links, groups and timings."""

    summary: Any  # storyline.corpus.IngestSummary
    rows: list[dict[str, Any]]  # per added article: id, story, duplicate_of, overlap, jaccard, exact, group
    duplicate_groups: list[list[str]]
    timings: Timings


def stream_shard_size(inputs: Sequence[str], cpus: int) -> int:
    """Bytes per JSON lines shard of a streamed ingest: about eight shards per CPU (the story pass
    starts after the first shard and ends one shard after the workers, so shards are smaller than for
    :func:`storyline.scale.engine.shard_size`)."""
    return max(1, shard_size(inputs, 2 * cpus))


def run_ingest_ray(
    inputs: Sequence[str],
    *,
    db: str | Path | None = None,
    output: str | Path | None = None,
    address: str | None = None,
    num_cpus: int | None = None,
    batch_size: int = BATCH,
    window_days: float = WINDOW_DAYS,
    max_active: int = MAX_ACTIVE_STORIES,
    shard_bytes: int | None = None,
    fetch: bool = False,
    allow_private: bool = False,
    on_error: Callable[[str], None] | None = None,
    **options: Any,
) -> IngestResult:
    """Ingest ``inputs`` as ``storyline ingest`` does into an empty corpus, with the per-article work
    and the near-copy search on Ray. Writes the SQLite store ``db`` (must be new or empty) and/or
    ``output`` (``.jsonl`` or ``.parquet``: one row per added article)."""
    from ..corpus import IngestSummary

    ray = connect(address, num_cpus)
    if db is not None:
        from ..store import Store

        with Store(db) as store:
            if store.count():
                raise StorylineError(
                    f"{db} already holds articles: the Ray ingest builds a new corpus (use --engine local)"
                )
    t_start, c_start = time.perf_counter(), time.process_time()
    summary = IngestSummary()
    timings = Timings()
    cpus = cluster_cpus(ray)
    size = shard_bytes or stream_shard_size(inputs, cpus)
    shards = plan_shards(inputs, size, fetch=fetch, allow_private=allow_private)
    writer = open_writer(ray, db, address) if db is not None else None
    try:
        run = _Stream(ray, shards, cpus, summary, timings, writer, on_error, batch_size=batch_size,
                      window_days=window_days, max_active=max_active, **options)  # fmt: skip
        result = run.run()
        if writer is not None:
            done = writer.finish()
            timings.write, timings.cpu["write"] = done["seconds"], done["cpu"]
            writer = None
    finally:
        if writer is not None:
            writer.abort()
    if output is not None:
        t0 = time.perf_counter()
        write_rows(result.rows, output)
        timings.write += time.perf_counter() - t0
    timings.cpu["driver"] = time.process_time() - c_start
    timings.total = summary.seconds = time.perf_counter() - t_start
    return result


def _ready(ray: Any, ref: Any) -> bool:
    return ref is None or bool(ray.wait([ref], timeout=0)[0])


class _Stream:
    """The streamed ingest on the driver: prepare a few shards ahead, plan and search each shard as it
    comes, and assign stories batch by batch in read order as soon as a batch's copies are known.

    Between story batches the driver plans every shard that is ready and hands out more work, so the
    workers never wait for the story pass; the story pass waits only when the copies of its next
    shard are not known yet."""

    def __init__(
        self,
        ray: Any,
        shards: list[Any],
        cpus: int,
        summary: Any,
        timings: Timings,
        writer: Any,
        on_error: Callable[[str], None] | None,
        *,
        batch_size: int,
        window_days: float,
        max_active: int,
        **options: Any,
    ) -> None:
        self.ray, self.shards, self.summary, self.timings = ray, shards, summary, timings
        self.writer, self.on_error, self.batch_size = writer, on_error, batch_size
        self.ahead = cpus + 1  # prepare tasks in flight: one per CPU and one queued
        self.dedup = StreamDedup(ray, max(1, min(2 * cpus, len(shards))))
        self.online = OnlineStories(window_days=window_days, max_active=max_active, **options)
        self.refs: list[Any] = []  # per shard: (meta, block, signatures, terms)
        self.ords: list[np.ndarray] = []
        self.verified: list[Any] = []
        self.planner = Planner()
        self.seen: set[str] = set()
        self.matches: dict[int, Match] = {}
        self.ids: list[str] = []
        self.used: set[str] = set()
        self.pending: list[tuple[int, int, int]] = []  # (shard, row, ordinal) of the batch being read
        self.terms: dict[int, list[dict[str, float]]] = {}
        self.dates: dict[int, list[float | None]] = {}
        self.idcols: dict[int, list[str]] = {}
        self.t0 = time.perf_counter()
        self.cpu_stories = 0.0
        self.cpu_prepare = 0.0

    # -- the workers' side ----------------------------------------------------------------------
    def pump(self) -> None:
        """Plan every prepared shard (in order) and keep ``ahead`` prepare tasks in flight."""
        ray = self.ray
        while True:
            nb, planned = len(self.shards), len(self.ords)
            while len(self.refs) < min(nb, planned + self.ahead):
                shard = self.shards[len(self.refs)]  # the articles are needed only by the store writer
                self.refs.append(
                    _remote("prepare").remote(shard, "ingest", NUM_PERM, self.writer is not None)
                )
            if planned == nb or not _ready(ray, self.refs[planned][0]):
                return
            self._plan(planned, ray.get(self.refs[planned][0]))

    def _plan(self, b: int, meta: dict[str, Any]) -> None:
        errors = [line for _, line in meta["errors"]]
        self.summary.errors += errors
        if self.on_error:
            for line in errors:
                self.on_error(line)
        self.summary.read += meta["n"]
        self.cpu_prepare += meta.get("cpu", 0.0)
        mask = np.zeros(meta["n"], dtype=bool)
        for r in np.flatnonzero(meta["kept"]).tolist():  # ingest key not seen before: added
            k = meta["keys"][r]
            if k in self.seen:
                self.summary.already_stored += 1
            else:
                self.seen.add(k)
                mask[r] = True
        ords, roles, exact = self.planner.add(meta, mask)
        for o, f in exact.items():
            self.matches[o] = Match(f, 1.0, 1.0, True)
        self.ords.append(ords)
        self.verified.append(self.dedup.submit(self.refs[b][2], ords, roles))
        self.dates[b] = meta["dates"]
        self.idcols[b] = meta["ids"]
        self.summary.errors.extend(meta["dropped"].values())
        if self.on_error:
            for line in meta["dropped"].values():
                self.on_error(line)
        if b == len(self.shards) - 1:
            self.timings.prepare = time.perf_counter() - self.t0
        if self.writer is not None:
            self.writer.shard(b, self.refs[b][1:])

    def _await(self, b: int) -> None:
        """Block until shard ``b`` is planned and its copies are known (pumping meanwhile)."""
        ray = self.ray
        t0 = time.perf_counter()
        while True:
            self.pump()
            if b < len(self.ords) and _ready(ray, self.verified[b]):
                break
            wait = [self.refs[len(self.ords)][0]] if len(self.ords) < len(self.shards) else []
            if b < len(self.ords):
                wait.append(self.verified[b])
            ray.wait(wait, num_returns=1)
        self.timings.wait += time.perf_counter() - t0
        if self.verified[b] is not None:
            add_verified(self.matches, ray.get(self.verified[b]))
            self.verified[b] = None
        self.terms[b] = ray.get(self.refs[b][3])
        # the driver keeps only the signatures (later shards' copies may point into them); the block and
        # terms live on while the writer holds them
        self.refs[b] = (None, None, self.refs[b][2], None)
        if b == len(self.shards) - 1:
            self.timings.dedup = time.perf_counter() - self.t0

    # -- the driver's side ------------------------------------------------------------------------
    def run(self) -> IngestResult:
        read = 0
        for b in range(len(self.shards)):
            self._await(b)
            for r, o in enumerate(self.ords[b].tolist()):
                if o >= 0:
                    self.pending.append((b, r, o))
                read += 1
                if read % self.batch_size == 0:
                    self.flush()
            keep = self.pending[0][0] if self.pending else b + 1  # the first shard still needed
            for col in (self.terms, self.dates, self.idcols):
                for k in [k for k in col if k < keep]:
                    del col[k]
        if read % self.batch_size:
            self.flush()
        self.timings.cpu["prepare"] = self.cpu_prepare
        self.timings.cpu["stories"] = self.cpu_stories
        final = self.online.final_stories()
        ids, matches = self.ids, self.matches
        groups = duplicate_groups(len(ids), matches, ids)
        group_of = {i: k + 1 for k, g in enumerate(groups) for i in g}
        out_rows = []
        for o, (i, s) in enumerate(zip(ids, final, strict=True)):
            m = matches.get(o)
            out_rows.append({
                "id": i, "story": s, "duplicate_of": ids[m.earlier] if m else None,
                "overlap": round(m.overlap, 4) if m else None, "jaccard": round(m.jaccard, 4) if m else None,
                "exact": m.exact if m else None, "duplicate_group": group_of.get(i),
            })  # fmt: skip
        return IngestResult(self.summary, out_rows, groups, self.timings)

    def flush(self) -> None:
        """Assign the stories of one read batch and hand its rows to the writer."""
        t0, c0 = time.perf_counter(), time.process_time()
        online, summary, pending = self.online, self.summary, self.pending
        if not pending:
            online.skip_batch()
            return
        ids = []
        for b, r, _ in pending:
            base = self.meta_id(b, r)
            n, new = 1, base
            while new in self.used:
                n += 1
                new = f"{base}-{n}"
            self.used.add(new)
            ids.append(new)
        self.ids.extend(ids)
        ords = [o for _, _, o in pending]
        terms = [self.terms[b][r] for b, r, _ in pending]
        dates = [self.dates[b][r] for b, r, _ in pending]
        links: list[tuple[int, float, float, bool] | None] = []
        for o in ords:
            m = self.matches.get(o)
            if m is None:
                links.append(None)
                continue
            links.append((m.earlier + 1, m.overlap, m.jaccard, m.exact))
            if m.exact:
                summary.exact_duplicates += 1
            else:
                summary.near_duplicates += 1
        stories = online.add_batch([o + 1 for o in ords], terms, dates, [x[0] if x else None for x in links])
        summary.stories_touched.update(online.touched)
        summary.new_stories += online.created
        summary.added += len(pending)
        if self.writer is not None:
            c = online.clusterer
            self.writer.write(
                [(b, r) for b, r, _ in pending], ords[0] + 1, ids, stories, links, online.moves,
                online.changed, online.rebuilt, c.n_docs, c.next_key, online.newest,
            )  # fmt: skip
        pending.clear()
        self.timings.stories += time.perf_counter() - t0
        self.cpu_stories += time.process_time() - c0
        self.pump()

    def meta_id(self, b: int, r: int) -> str:
        return self.idcols[b][r]


class StoreWriter:
    """Writes the Ray ingest's batches into a SQLite store, as :class:`storyline.corpus.Ingestor` does
    (the same calls, in the same order, one transaction per batch), from the blocks in the object
    store. Runs as a Ray actor on the driver's node (:func:`open_writer`), so the writes overlap the
    driver's story pass. After a failed batch it writes nothing more and :meth:`finish` raises."""

    def __init__(self, db: str) -> None:
        from ..store import Store

        self.store = Store(db)
        self.refs: dict[int, list[Any]] = {}
        self.blocks: dict[int, tuple[Any, Any, list[dict[str, float]]]] = {}
        self.error: BaseException | None = None
        self.seconds = 0.0
        self.cpu = 0.0

    def shard(self, b: int, refs: list[Any]) -> None:
        """The object-store refs of shard ``b``: block, signatures, terms."""
        self.refs[b] = refs

    def _block(self, b: int) -> tuple[Any, Any, list[dict[str, float]]]:
        if b not in self.blocks:
            import ray

            blk, sig, terms = ray.get(self.refs.pop(b))
            self.blocks[b] = (blk, sig, terms)
        return self.blocks[b]

    def write(
        self,
        rows: list[tuple[int, int]],
        first: int,
        ids: list[str],
        stories: list[int],
        links: list[tuple[int, float, float, bool] | None],
        moves: list[tuple[int, list[int]]],
        changed: set[int],
        rebuilt: set[int],
        n_docs: int,
        next_key: int,
        newest: float | None,
    ) -> None:
        """One batch: ``rows`` (shard, row) get rowids ``first, first + 1, ...``."""
        if self.error is not None:
            return
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            self._write(rows, first, ids, stories, links, moves, changed, rebuilt, n_docs, next_key, newest)
        except BaseException as exc:  # noqa: BLE001 - reported by finish()
            self.error = exc
        self.seconds += time.perf_counter() - t0
        self.cpu += time.process_time() - c0

    def _write(
        self, rows, first, ids, stories, links, moves, changed, rebuilt, n_docs, next_key, newest
    ) -> None:  # type: ignore[no-untyped-def]
        from ..store import NewArticle

        store = self.store
        new = []
        df: Counter[str] = Counter()
        for k, ((b, r), i, s, link) in enumerate(zip(rows, ids, stories, links, strict=True)):
            blk, sig, terms = self._block(b)
            a = blk.articles[r]
            a.id = i
            n = NewArticle(article=a, ingest_key=blk.keys[r], content_hash=blk.hashes[r], ts=blk.dates[r], story=s,
                           minhash=sig.sigs[r].tobytes(), shingles=int(sig.sizes[r]), terms=terms[r])  # fmt: skip
            if link is not None:
                n.duplicate_of, n.overlap, n.jaccard, n.exact = link
            df.update(terms[r].keys())
            new.append((first + k, n))
        now = time.time()
        with store.transaction():  # what Ingestor.add_batch writes, in the same order
            store.insert_articles(new, now)
            for story, members in moves:
                store.move_articles([m for m in members if m < first], story)
            store.add_document_frequencies(dict(df))
            store.refresh_stories(changed, new_from=first, rebuilt=rebuilt)
            store.set_state("n_docs", n_docs)
            store.set_state("next_story", next_key)
            if newest is not None:
                store.set_state("newest_ts", repr(newest))
        last = max(b for b, _ in rows)
        for b in [b for b in self.blocks if b < last]:  # later batches start at shard ``last``
            del self.blocks[b]

    def finish(self) -> dict[str, float]:
        """Close the store; the writer's busy seconds and CPU-seconds (or the first batch's error)."""
        self.store.close()
        if self.error is not None:
            raise self.error
        return {"seconds": self.seconds, "cpu": self.cpu}


class _WriterHandle:
    """:class:`StoreWriter` as an actor (calls run in order, the driver does not wait) or in process."""

    def __init__(self, ray: Any, db: str, actor: bool) -> None:
        self.ray = ray
        if actor:
            from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

            here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=False)
            cls = ray.remote(num_cpus=0, max_concurrency=1, scheduling_strategy=here)(StoreWriter)
            self.actor: Any = cls.remote(db)
            self.local: StoreWriter | None = None
        else:
            self.actor, self.local = None, StoreWriter(db)

    def shard(self, b: int, refs: list[Any]) -> None:
        if self.local is not None:
            self.local.shard(b, refs)
        else:
            self.actor.shard.remote(b, list(refs))

    def write(self, *args: Any) -> None:
        if self.local is not None:
            self.local.write(*args)
        else:
            self.actor.write.remote(*args)

    def finish(self) -> dict[str, float]:
        if self.local is not None:
            return self.local.finish()
        return self.ray.get(self.actor.finish.remote())

    def abort(self) -> None:
        """Stop without finishing: the batch in flight is rolled back by SQLite."""
        if self.local is not None:
            self.local.store.close()
        else:
            self.ray.kill(self.actor)


def open_writer(ray: Any, db: str | Path, address: str | None) -> _WriterHandle:
    """The store writer: an actor on this node, or in this process through Ray Client (``ray://``),
    where the driver's node is not a cluster node."""
    return _WriterHandle(ray, str(Path(db).resolve()), actor=not (address or "").startswith("ray://"))


def write_rows(rows: Sequence[dict[str, Any]], path: str | Path) -> None:
    """JSON lines, or Parquet when the name ends in ``.parquet``."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.suffix.lower() in {".parquet", ".pq"}:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(list(rows)), p)
        return
    with open(p, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


__all__ = ["NUM_PERM", "ClusterResult", "IngestResult", "run_cluster_ray", "run_ingest_ray", "write_rows"]
