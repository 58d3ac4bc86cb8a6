"""``storyline cluster`` and ``storyline ingest`` on Ray: the same results as the local engine.

:func:`run_cluster_ray` gives the rows of ``storyline cluster`` (``{"id", "story"}`` per article, in
input order; with ``duplicates=True`` also the earlier copy of each article and its duplicate group).
:func:`run_ingest_ray` gives what ``storyline ingest`` stores in an empty corpus: the same near and
exact copies (links and groups), the same stories (online, batch by batch, with duplicate hints), and
writes them to a SQLite store and/or JSON lines / Parquet.
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
from .engine import Match, connect, duplicate_groups, plan_added, run_dedup, run_prepare
from .stories import OnlineStories, batch_stories

BATCH = 500
MAX_ACTIVE_STORIES = 20_000


@dataclass
class Timings:
    """Wall seconds per stage (the driver's share is ``stories`` + ``write``)."""

    prepare: float = 0.0
    dedup: float = 0.0
    stories: float = 0.0
    write: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 3) for k, v in self.__dict__.items()}


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
    clustering options of :func:`storyline.grouping.cluster_articles`."""
    ray = connect(address, num_cpus)
    timings = Timings()
    prep = run_prepare(ray, paths, mode="cluster", shard_bytes=shard_bytes, allow_private=allow_private)
    timings.prepare = prep.seconds
    errors = _report(prep.metas, on_error)
    ids = _unique_cli([i for m in prep.metas for i in m["ids"]])
    if not ids:
        raise StorylineError("no usable articles in the input")
    groups: list[list[str]] = []
    links: dict[int, Match] = {}
    if duplicates:
        t0 = time.perf_counter()
        plan = plan_added(prep.metas, [np.ones(m["n"], dtype=bool) for m in prep.metas])
        links = run_dedup(ray, prep, plan)
        groups = duplicate_groups(len(ids), links, ids)
        timings.dedup = time.perf_counter() - t0
    t0 = time.perf_counter()
    terms: list[dict[str, float]] = []
    for ref in prep.blocks:
        terms.extend(ray.get(ref).terms)
    dates = [d for m in prep.metas for d in m["dates"]]
    stories = batch_stories(ids, terms, dates, **options)
    timings.stories = time.perf_counter() - t0
    story = {i: f"s{k + 1}" for k, g in enumerate(stories) for i in g}
    rows: list[dict[str, Any]] = [{"id": i, "story": story[i]} for i in ids]
    if duplicates:
        group_of = {i: k + 1 for k, g in enumerate(groups) for i in g}
        for o, row in enumerate(rows):
            m = links.get(o)
            row["duplicate_of"] = ids[m.earlier] if m else None
            row["duplicate_group"] = group_of.get(row["id"])
    return ClusterResult(rows, stories, groups, errors, timings)


@dataclass
class IngestResult:
    """What the Ray ingest did: the local summary line plus links, groups and timings."""

    summary: Any  # storyline.corpus.IngestSummary
    rows: list[dict[str, Any]]  # per added article: id, story, duplicate_of, overlap, jaccard, exact, group
    duplicate_groups: list[list[str]]
    timings: Timings


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
    store = None
    if db is not None:
        from ..store import Store

        store = Store(db)
        if store.count():
            store.close()
            raise StorylineError(
                f"{db} already holds articles: the Ray ingest builds a new corpus (use --engine local)"
            )
    t_start = time.perf_counter()
    summary = IngestSummary()
    timings = Timings()
    try:
        prep = run_prepare(
            ray, inputs, mode="ingest", shard_bytes=shard_bytes, fetch=fetch, allow_private=allow_private
        )
        timings.prepare = prep.seconds
        summary.errors += _report(prep.metas, on_error)
        summary.read = sum(m["n"] for m in prep.metas)
        # which articles are added, in order: cleaned, with text, ingest key not seen before
        t0 = time.perf_counter()
        seen: set[str] = set()
        added = []
        for m in prep.metas:
            mask = np.zeros(m["n"], dtype=bool)
            for r in range(m["n"]):
                if not m["kept"][r]:
                    continue
                k = m["keys"][r]
                if k in seen:
                    summary.already_stored += 1
                    continue
                seen.add(k)
                mask[r] = True
            added.append(mask)
        plan = plan_added(prep.metas, added)
        matches = run_dedup(ray, prep, plan)
        timings.dedup = time.perf_counter() - t0
        result = _assign_and_write(ray, prep, plan, added, matches, summary, timings, store,
                                   batch_size=batch_size, window_days=window_days, max_active=max_active,
                                   **options)  # fmt: skip
    finally:
        if store is not None:
            store.close()
    if output is not None:
        t0 = time.perf_counter()
        write_rows(result.rows, output)
        timings.write += time.perf_counter() - t0
    summary.seconds = time.perf_counter() - t_start
    return result


def _assign_and_write(
    ray: Any,
    prep: Any,
    plan: Any,
    added: list[np.ndarray],
    matches: dict[int, Match],
    summary: Any,
    timings: Timings,
    store: Any,
    *,
    batch_size: int,
    window_days: float,
    max_active: int,
    **options: Any,
) -> IngestResult:
    """The driver: unique ids, stories batch by batch in read order, store rows."""
    from ..store import NewArticle

    online = OnlineStories(window_days=window_days, max_active=max_active, **options)
    ids: list[str] = []
    used: set[str] = set()
    t_st = t_wr = 0.0
    pending: list[tuple[Any, Any, int, int]] = []  # (block, signatures, row, ordinal) of the read batch

    def flush() -> None:
        nonlocal t_st, t_wr
        t0 = time.perf_counter()
        if not pending:
            online.skip_batch()
            return
        for blk, _, r, _ in pending:
            base, n, new = blk.articles[r].id, 1, blk.articles[r].id
            while new in used:
                n += 1
                new = f"{base}-{n}"
            used.add(new)
            ids.append(new)
        ords = [o for _, _, _, o in pending]
        terms = [blk.terms[r] for blk, _, r, _ in pending]
        dates = [blk.dates[r] for blk, _, r, _ in pending]
        earlier = [matches[o].earlier + 1 if o in matches else None for o in ords]
        stories = online.add_batch([o + 1 for o in ords], terms, dates, earlier)
        summary.stories_touched.update(online.touched)
        summary.new_stories += online.created
        t1 = time.perf_counter()
        t_st += t1 - t0
        rows = []
        for (blk, sig, r, o), s, d in zip(pending, stories, dates, strict=True):
            a = blk.articles[r]
            a.id = ids[o]
            n = NewArticle(article=a, ingest_key=blk.keys[r], content_hash=blk.hashes[r], ts=d, story=s,
                           minhash=sig.sigs[r].tobytes(), shingles=int(sig.sizes[r]), terms=blk.terms[r])  # fmt: skip
            m = matches.get(o)
            if m is not None:
                n.duplicate_of, n.overlap, n.jaccard, n.exact = m.earlier + 1, m.overlap, m.jaccard, m.exact
                if m.exact:
                    summary.exact_duplicates += 1
                else:
                    summary.near_duplicates += 1
            rows.append((o + 1, n))
        summary.added += len(rows)
        if store is not None:
            first = ords[0] + 1
            df: Counter[str] = Counter()
            for t in terms:
                df.update(t.keys())
            now = time.time()
            with store.transaction():  # what Ingestor.add_batch writes, in the same order
                store.insert_articles(rows, now)
                for story, members in online.moves:
                    store.move_articles([r for r in members if r < first], story)
                store.add_document_frequencies(dict(df))
                store.refresh_stories(online.changed, now)
                store.set_state("n_docs", online.clusterer.n_docs)
                store.set_state("next_story", online.clusterer.next_key)
                if online.newest is not None:
                    store.set_state("newest_ts", repr(online.newest))
        t_wr += time.perf_counter() - t1
        pending.clear()

    read = 0
    for b, ref in enumerate(prep.blocks):
        blk, sig = ray.get([ref, prep.sigs[b]])
        summary.errors.extend(prep.metas[b]["dropped"].values())
        for r in range(len(blk)):
            if added[b][r]:
                pending.append((blk, sig, r, int(plan.ords[b][r])))
            read += 1
            if read % batch_size == 0:
                flush()
    if read % batch_size:
        flush()
    final = online.final_stories()
    timings.stories, timings.write = t_st, t_wr
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
    return IngestResult(summary, out_rows, groups, timings)


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
