"""Corpus ingest: read -> clean -> deduplicate -> assign stories -> store, one transaction per batch.

:func:`iter_inputs` streams articles (and one-line errors) from files, directories, JSON lines,
RSS/Atom feeds, WARC files and URLs; :class:`Ingestor` keeps the near-duplicate index and the online
story clusterer in memory (bounded: only stories inside the time window, at most ``max_active``) and
resumes both from the store, so a second run continues where the first stopped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .clean import clean_article
from .dedup import Deduplicator
from .errors import InputError
from .grouping import WINDOW_DAYS, StoryClusterer, article_terms, parse_date
from .ingest import article_size_limit
from .ingest.jsonl import parse_row
from .model import Article
from .store import NewArticle, Store

BATCH = 500
MAX_ACTIVE_STORIES = 20_000
DEDUP_MEMORY = 50_000  # articles whose signatures stay in memory for near-duplicate search (~4 KB each)
FILE_SUFFIXES = {".txt", ".md", ".markdown", ".text", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson"}


# --- reading -------------------------------------------------------------------------------------


def iter_inputs(
    inputs: Iterable[str], *, fetch: bool = False, allow_private: bool = False
) -> Iterator[Article | str]:
    """Articles and error lines from every input, in order; never raises for a bad input."""
    from .ingest.feeds import FEED_SUFFIXES, looks_like_feed, read_feed
    from .ingest.url import is_url, read_url
    from .ingest.warc import is_warc, iter_warc

    for raw in inputs:
        if is_url(raw):
            arts, errs = read_url(raw, allow_private=allow_private, fetch_entries=fetch)
            yield from errs
            yield from arts
            continue
        path = Path(raw)
        if not path.exists():
            yield f"{path}: no such file or directory"
            continue
        files = _dir_files(path) if path.is_dir() else [path]
        if path.is_dir() and not files:
            yield f"{path}: directory holds no article, feed or WARC files"
        for f in files:
            suffix = f.suffix.lower()
            if is_warc(f):
                for item in iter_warc(f):
                    yield str(item) if isinstance(item, InputError) else item
            elif suffix in {".jsonl", ".ndjson"}:
                yield from _iter_jsonl(f)
            elif suffix in FEED_SUFFIXES or (suffix not in FILE_SUFFIXES and _sniff_feed(f, looks_like_feed)):
                arts, errs = read_feed(f, fetch_entries=fetch, allow_private=allow_private)
                yield from errs
                yield from arts
            else:
                from .ingest import read_paths

                arts, errs = read_paths([str(f)])
                yield from errs
                yield from arts


def _sniff_feed(path: Path, looks_like_feed: Callable[[bytes], bool]) -> bool:
    try:
        with open(path, "rb") as fh:
            return looks_like_feed(fh.read(2048))
    except OSError:
        return False


def _dir_files(path: Path) -> list[Path]:
    from .ingest.feeds import FEED_SUFFIXES
    from .ingest.warc import is_warc

    ok = FILE_SUFFIXES | FEED_SUFFIXES
    return sorted(
        p
        for p in path.rglob("*")  # subdirectories too (a crawl's tree), hidden files and folders left out
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
        and (p.suffix.lower() in ok or is_warc(p))
    )


def _iter_jsonl(path: Path) -> Iterator[Article | str]:
    """Stream a JSON lines file (constant memory); bad rows become error lines."""
    try:
        fh = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as exc:
        yield f"{path}: cannot read ({exc.strerror or exc})"
        return
    with fh:
        for lineno, line in enumerate(fh, 1):
            art = parse_row(line, str(path), lineno, article_size_limit())
            if art is not None:
                yield art  # an Article (id and path defaulted by parse_row) or an error line


# --- ingest --------------------------------------------------------------------------------------


class _StoryState(Protocol):
    clusterer: StoryClusterer
    newest: float | None
    window: float
    max_active: int
    touch: dict[int, int]
    index_of: dict[int, int]
    rowid_of: list[int]


def evict_stories(state: _StoryState) -> None:
    """Forget stories outside the time window and the least recently changed beyond ``max_active``
    (shared by the local ingest and the Ray engine's story pass, so both forget the same stories)."""
    c = state.clusterer
    gone: list[int] = []
    if state.newest is not None:
        gone += [
            k for k, s in c.stories.items() if s.last is not None and s.last < state.newest - state.window
        ]
    extra = len(c.stories) - len(gone) - state.max_active
    if extra > 0:
        rest = sorted((state.touch.get(k, 0), k) for k in c.stories if k not in set(gone))
        gone += [k for _, k in rest[:extra]]
    for k in gone:
        for i in c.forget(k):
            state.index_of.pop(state.rowid_of[i], None)
        state.touch.pop(k, None)


@dataclass
class IngestSummary:
    read: int = 0
    added: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    already_stored: int = 0
    stories_touched: set[int] = field(default_factory=set)
    new_stories: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def merge(self, other: IngestSummary) -> None:
        """Add another summary's counts (not ``read`` and ``seconds``: the caller counts those)."""
        self.added += other.added
        self.exact_duplicates += other.exact_duplicates
        self.near_duplicates += other.near_duplicates
        self.already_stored += other.already_stored
        self.stories_touched |= other.stories_touched
        self.new_stories += other.new_stories
        self.errors += other.errors

    def line(self) -> str:
        rate = f", {self.read / self.seconds:,.0f} articles/s" if self.seconds > 0 and self.read else ""
        return (
            f"added {self.added:,} articles ({self.exact_duplicates:,} exact and {self.near_duplicates:,} near "
            f"duplicates), {self.already_stored:,} already stored, {len(self.stories_touched):,} stories touched "
            f"({self.new_stories:,} new), {len(self.errors):,} errors{rate}"
        )


def ingest_key(a: Article, chash: str) -> str:
    """Identity of an input article: the same id, outlet and URL with the same content."""
    h = hashlib.sha1()
    for part in (a.id, a.source or "", a.url or "", chash):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


class _StaleState(Exception):
    """Another process wrote to the corpus while a batch was computed from the in-memory state."""


class Ingestor:
    """Online ingest into a :class:`Store`; :meth:`add_batch` writes one batch in one transaction."""

    def __init__(
        self,
        store: Store,
        *,
        window_days: float = WINDOW_DAYS,
        max_active: int = MAX_ACTIVE_STORIES,
        dedup_memory: int = DEDUP_MEMORY,
        **cluster_options: Any,
    ) -> None:
        self.store = store
        self._options = dict(
            window_days=window_days, max_active=max_active, dedup_memory=dedup_memory, **cluster_options
        )
        self.window = window_days * 86400.0
        self.max_active = max_active
        self.dedup = Deduplicator(max_items=dedup_memory)
        self.clusterer = StoryClusterer(
            window_days=window_days,
            df=store.document_frequencies(),
            n_docs=int(store.get_state("n_docs", "0") or 0),
            next_key=int(store.get_state("next_story", "1") or 1),
            **cluster_options,
        )
        self.rowid_of: list[int] = []  # clusterer article index -> store rowid
        self.index_of: dict[int, int] = {}  # store rowid -> clusterer index (active articles)
        self.newest: float | None = None
        self.touch: dict[int, int] = {}  # story -> batch counter of its last change
        self.batches = 0
        self._load()

    def _load(self) -> None:
        for rowid, blob, size, chash in self.store.recent_signatures(self.dedup.max_items):
            if blob:
                self.dedup.add(rowid, np.frombuffer(blob, dtype=np.uint32).copy(), size, chash)
        newest = self.store.get_state("newest_ts")
        self.newest = float(newest) if newest else None
        since = self.newest - self.window if self.newest is not None else None
        for sid in reversed(self.store.active_stories(since, self.max_active)):
            members = self.store.story_members(sid)
            items = [(rowid, ts, json.loads(terms) if terms else {}) for rowid, ts, terms in members]
            idx = self.clusterer.load_story(sid, [(t, ts) for _, ts, t in items])
            for (rowid, _, _), i in zip(items, idx, strict=True):
                self._map(i, rowid)
            self.touch[sid] = 0

    def _map(self, index: int, rowid: int) -> None:
        while len(self.rowid_of) <= index:
            self.rowid_of.append(-1)
        self.rowid_of[index] = rowid
        self.index_of[rowid] = index

    def add_batch(self, articles: list[Article], summary: IngestSummary) -> None:
        """Clean, deduplicate, assign and store one batch (one transaction).

        The batch is computed outside the write lock. If another process (a second ``storyline ingest``,
        the web service) added articles meanwhile, the in-memory state is stale: it is rebuilt from the
        store and the batch computed again while holding the write lock, so both writers' articles are
        kept, deduplicated against each other and grouped together."""
        self.batches += 1
        got = IngestSummary()
        try:
            self._add_batch(articles, got, locked=False)
        except _StaleState:
            got = IngestSummary()
            with self.store.transaction():
                self._reload()
                self._add_batch(articles, got, locked=True)
        summary.merge(got)
        self._evict()

    def _reload(self) -> None:
        """Rebuild the near-duplicate index and the story clusterer from the store."""
        batches = self.batches
        self.__init__(self.store, **self._options)  # type: ignore[misc]
        self.batches = batches

    def _add_batch(self, articles: list[Article], summary: IngestSummary, *, locked: bool) -> None:
        cleaned: list[Article] = []
        for a in articles:
            try:
                c = clean_article(a)
            except Exception as exc:  # noqa: BLE001 - one bad article never stops the batch
                summary.errors.append(f"{a.id}: cannot clean ({type(exc).__name__}: {exc})")
                continue
            if not c.text.strip():
                summary.errors.append(f"{a.id}: no text left after cleaning")
                continue
            cleaned.append(c)
        hashes, all_sigs, all_sizes = self.dedup.features([a.text for a in cleaned])  # one pass per batch
        keys = [ingest_key(a, h) for a, h in zip(cleaned, hashes, strict=True)]
        known = self.store.known_keys(keys)
        fresh, seen, pick = [], set(), []
        for j, (a, h, k) in enumerate(zip(cleaned, hashes, keys, strict=True)):
            if k in known or k in seen:
                summary.already_stored += 1
                continue
            seen.add(k)
            fresh.append((a, h, k))
            pick.append(j)
        if not fresh:
            return
        self._unique_ids([a for a, _, _ in fresh])
        first = self.store.next_rowid()
        rowids = list(range(first, first + len(fresh)))
        texts = [a.text for a, _, _ in fresh]
        matches, sigs, sizes = self.dedup.add_batch(
            rowids, texts, [h for _, h, _ in fresh], all_sigs[pick], all_sizes[pick]
        )
        # exact copies of articles no longer in memory
        lost = [h for (a, h, k), m in zip(fresh, matches, strict=True) if m is None]
        older = self.store.earliest_with_hash(lost) if lost else {}
        terms = [article_terms(a.text, a.title) for a, _, _ in fresh]
        dates = [parse_date(a.date) for a, _, _ in fresh]
        start = len(self.clusterer.terms)
        here = {
            rowid: start + j for j, rowid in enumerate(rowids)
        }  # a copy of this batch's article: a hint too
        hints: list[int | None] = []
        for j, m in enumerate(matches):
            if m is None and fresh[j][1] in older:
                from .dedup import Match

                matches[j] = m = Match(older[fresh[j][1]], 1.0, 1.0, True)
            hints.append(None if m is None else here.get(m.earlier, self.index_of.get(m.earlier)))
        before = set(self.clusterer.stories)
        self.clusterer.changes.clear()
        stories = self.clusterer.add(terms, dates, hints=hints)
        for j, rowid in enumerate(rowids):
            self._map(start + j, rowid)
        rows = []
        for j, (a, h, k) in enumerate(fresh):
            m = matches[j]
            n = NewArticle(
                article=a,
                ingest_key=k,
                content_hash=h,
                ts=dates[j],
                story=stories[j],
                minhash=sigs[j].tobytes(),
                shingles=int(sizes[j]),
                terms=terms[j],
            )
            if m is not None:
                n.duplicate_of, n.overlap, n.jaccard, n.exact = m.earlier, m.overlap, m.jaccard, m.exact
                if m.exact:
                    summary.exact_duplicates += 1
                else:
                    summary.near_duplicates += 1
            rows.append((rowids[j], n))
        moves = [(new, [self.rowid_of[i] for i in members]) for _old, new, members in self.clusterer.changes]
        rebuilt = {k for old, new, _ in self.clusterer.changes for k in (old, new)}
        changed = set(stories) | rebuilt
        df = Counter()
        for t in terms:
            df.update(t.keys())
        dated = [d for d in dates if d is not None]
        if dated:
            self.newest = max(dated) if self.newest is None else max(self.newest, max(dated))
        now = time.time()
        with contextlib.nullcontext() if locked else self.store.transaction():
            if not locked and self.store.next_rowid() != first:  # did another process add rows?
                raise _StaleState  # (rolls this transaction back; nothing of the batch is written)
            self.store.insert_articles(rows, now)
            for story, members in moves:
                self.store.move_articles([r for r in members if r < first], story)
            self.store.add_document_frequencies(dict(df))
            self.store.refresh_stories(changed, new_from=first, rebuilt=rebuilt)
            self.store.set_state("n_docs", self.clusterer.n_docs)
            self.store.set_state("next_story", self.clusterer.next_key)
            if self.newest is not None:
                self.store.set_state("newest_ts", repr(self.newest))
        summary.added += len(rows)
        summary.stories_touched.update(s for s in stories if s in self.clusterer.stories)
        summary.new_stories += len(set(self.clusterer.stories) - before)
        for s in changed:
            self.touch[s] = self.batches

    def _unique_ids(self, arts: list[Article]) -> None:
        taken = self.store.ids_taken([a.id for a in arts])
        used: set[str] = set()
        for a in arts:
            base, n = a.id, 1
            while a.id in taken or a.id in used:
                n += 1
                a.id = f"{base}-{n}"
                if n % 50 == 0:
                    taken |= self.store.ids_taken([f"{base}-{m}" for m in range(n, n + 50)])
            used.add(a.id)

    def _evict(self) -> None:
        evict_stories(self)


def ingest(
    inputs: list[str],
    store: Store,
    *,
    fetch: bool = False,
    allow_private: bool = False,
    batch_size: int = BATCH,
    progress: bool | None = None,
    on_error: Callable[[str], None] | None = None,
    **options: Any,
) -> IngestSummary:
    """Ingest files, directories, feeds, WARC files and URLs into ``store``; returns the summary."""
    summary = IngestSummary()
    t0 = time.perf_counter()
    ing = Ingestor(store, **options)
    show = sys.stderr.isatty() if progress is None else progress
    bar = _Progress(show)
    batch: list[Article] = []
    with bar:
        for item in iter_inputs(inputs, fetch=fetch, allow_private=allow_private):
            if isinstance(item, str):
                summary.errors.append(item)
                if on_error:
                    on_error(item)
                continue
            summary.read += 1
            batch.append(item)
            if len(batch) >= batch_size:
                _add(ing, batch, summary, on_error)
                batch = []
                bar.update(summary)
        if batch:
            _add(ing, batch, summary, on_error)
            bar.update(summary)
    summary.seconds = time.perf_counter() - t0
    return summary


def _add(
    ing: Ingestor, batch: list[Article], summary: IngestSummary, on_error: Callable[[str], None] | None
) -> None:
    """One batch into the store; the articles it could not clean are reported too."""
    seen = len(summary.errors)
    ing.add_batch(batch, summary)
    if on_error:
        for line in summary.errors[seen:]:
            on_error(line)


class _Progress:
    """A rich progress line on stderr: articles read, added, duplicates, rate."""

    def __init__(self, show: bool) -> None:
        self.show = show
        self._p = None

    def __enter__(self) -> _Progress:
        if self.show:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._p = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TextColumn("{task.completed:,} read"),
                TextColumn("{task.fields[stats]}"),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                transient=True,
            )
            self._p.__enter__()
            self._task = self._p.add_task("ingesting", total=None, stats="", rate="")
            self._t0 = time.perf_counter()
        return self

    def update(self, s: IngestSummary) -> None:
        if self._p is not None:
            dt = max(time.perf_counter() - self._t0, 1e-9)
            self._p.update(
                self._task,
                completed=s.read,
                stats=f"{s.added:,} added, {s.exact_duplicates + s.near_duplicates:,} duplicates",
                rate=f"{s.read / dt:,.0f}/s",
            )

    def __exit__(self, *exc: object) -> None:
        if self._p is not None:
            self._p.__exit__(*exc)
