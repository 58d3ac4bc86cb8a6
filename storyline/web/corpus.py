"""The web service's view of the corpus store (:mod:`storyline.store`): listing, reading, ingesting.

SQLite connections are bound to the thread that opened them, and FastAPI runs handlers on a thread
pool: reads open a short-lived read-only :class:`~storyline.store.Store` per call; writes run on one
dedicated thread that owns the writable store and the :class:`~storyline.corpus.Ingestor` (one
writer, as SQLite wants). Briefs of stored stories are cached, keyed by the story's article rowids,
so a story that gains an article gets a new brief. Search, sorting and paging run in SQL
(:meth:`~storyline.store.Store.stories`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

from ..model import Article
from ..store import STORY_BRIEF_LIMIT, STORY_SORTS, Store, StoredArticle, limited_note

SORTS = STORY_SORTS


def iso(ts: float | None) -> str | None:
    """A stored timestamp as ISO 8601 UTC (as ``storyline stories`` shows it)."""
    return None if ts is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def article_href(article_id: str) -> str:
    """Local URL of an article page (ids may hold any character, ``/`` included)."""
    return "/articles/" + quote(article_id, safe="")


class Corpus:
    """Read and write access to one corpus database for the web service."""

    def __init__(self, path: str, cache_size: int = 64) -> None:
        self.path = str(path)
        Store(self.path).close()  # create it or bring its schema up to date, once
        self._cache: OrderedDict[tuple, dict[str, Any]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storyline-ingest")
        self._ingestor: Any = None
        self._store: Store | None = None
        self._next_rowid: int | None = None

    def _read(self) -> Store:
        return Store(self.path, readonly=True)

    # -- reading ------------------------------------------------------------------------------------
    def stories(
        self, q: str = "", sort: str = "recent", limit: int = 50, offset: int = 0
    ) -> tuple[list, int]:
        """``(rows, total)``: stories whose title contains every word of ``q``, sorted, one page."""
        with self._read() as store:
            rows = store.stories(limit, q=q, sort=sort, offset=offset)
            total = store.count_stories(q)
        return rows, total

    def story(self, story_id: int) -> dict[str, Any] | None:
        """The story row (as in :meth:`stories`) with its articles, or None."""
        with self._read() as store:
            row = store.story(story_id)
            if row is None:
                return None
            return {**row, "members": store.story_articles(story_id)}

    def brief(self, story_id: int, build: Callable[[list[Article]], dict[str, Any]]) -> dict[str, Any] | None:
        """The story with ``brief``/``texts``/``errors`` from ``build(articles)`` (cached), or None."""
        story = self.story(story_id)
        if story is None:
            return None
        members: list[StoredArticle] = story["members"]
        total = len(members)
        if total > STORY_BRIEF_LIMIT:  # (a smaller story's brief reads the members already read)
            with self._read() as store:
                members, total = store.brief_articles(story_id)
        note = [limited_note(total, len(members))] if total > len(members) else []
        key = (story_id, tuple(m.rowid for m in members))
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return {**story, **hit}
        built = build([_copy(m.article) for m in members])
        built = {**built, "errors": note + built.get("errors", [])}
        with self._lock:
            self._cache[key] = built
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return {**story, **built}

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One stored article with its copy links both ways, or None."""
        with self._read() as store:
            stored = store.article(article_id)
            if stored is None:
                return None
            links = store.links(article_id)
        derived = [{"article": e, "overlap": o, "exact": x} for a, e, o, x in links if a == article_id]
        copied = [{"article": a, "overlap": o, "exact": x} for a, e, o, x in links if e == article_id]
        return {"stored": stored, "story": stored.story, "derived_from": derived, "copied_by": copied}

    # -- writing ------------------------------------------------------------------------------------
    def ingest(self, articles: list[Article]) -> Future:
        """Ingest on the writer thread; the future gives the :class:`~storyline.corpus.IngestSummary`."""
        return self._writer.submit(self._ingest, articles)

    def _ingest(self, articles: list[Article]) -> Any:
        from ..corpus import Ingestor, IngestSummary

        if self._store is None:
            self._store = Store(self.path)
        if self._ingestor is None or self._store.next_rowid() != self._next_rowid:
            self._ingestor = Ingestor(self._store)  # (re)load: first use, or another process wrote
        summary = IngestSummary(read=len(articles))
        try:
            self._ingestor.add_batch(articles, summary)
        except BaseException:
            self._ingestor = None  # its memory may hold the batch that was rolled back
            raise
        self._next_rowid = self._store.next_rowid()
        return summary

    def close(self) -> None:
        def _close() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        self._writer.submit(_close).result()
        self._writer.shutdown()


def _copy(a: Article) -> Article:
    """A fresh Article (the brief pipeline may rename ids; the stored one stays as read)."""
    return Article(
        id=a.id, text=a.text, source=a.source, title=a.title, date=a.date, url=a.url, path=a.path, raw=a.raw,
        boilerplate_removed=list(a.boilerplate_removed), meta=dict(a.meta),
    )  # fmt: skip
