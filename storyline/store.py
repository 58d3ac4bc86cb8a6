"""The corpus store: one SQLite file (WAL mode) with articles, near-duplicate links and stories.

Every ingest batch is written in one transaction, so a killed ingest loses at most the batch in
flight and never leaves half of one behind. ``ingest_key`` (a hash of id, outlet, URL and content)
makes ingesting the same input twice a no-op. The schema is versioned (``schema_version``); opening
an older file runs the migrations in :data:`MIGRATIONS` in order.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import StorylineError
from .model import Article

SCHEMA_VERSION = 4

_V1 = """
CREATE TABLE articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    ingest_key TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    source TEXT, title TEXT, date TEXT, ts REAL, url TEXT, path TEXT,
    text TEXT NOT NULL, raw TEXT, boilerplate TEXT, meta TEXT,
    words INTEGER NOT NULL DEFAULT 0,
    first_seen REAL NOT NULL,
    story INTEGER
);
CREATE INDEX articles_story ON articles(story);
CREATE INDEX articles_hash ON articles(content_hash);
CREATE TABLE duplicates (
    article INTEGER NOT NULL REFERENCES articles(rowid),
    earlier INTEGER NOT NULL REFERENCES articles(rowid),
    overlap REAL NOT NULL,
    exact INTEGER NOT NULL,
    PRIMARY KEY (article, earlier)
);
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    title TEXT,
    articles INTEGER NOT NULL DEFAULT 0,
    sources INTEGER NOT NULL DEFAULT 0,
    first_seen REAL, last_seen REAL,
    first_date REAL, last_date REAL
);
CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# v2: what online clustering and dedup need to resume (signatures, terms, document frequencies)
_V2 = """
ALTER TABLE articles ADD COLUMN minhash BLOB;
ALTER TABLE articles ADD COLUMN shingles INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN terms TEXT;
ALTER TABLE duplicates ADD COLUMN jaccard REAL;
CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
"""

# v3: copies counted by their original ("copied by", story titles) without scanning the table
_V3 = """
CREATE INDEX IF NOT EXISTS duplicates_earlier ON duplicates(earlier);
"""

# v4: what a story's row needs to be kept up to date from a batch's new rows alone (not all its rows):
# its independent outlets and the article its title comes from
_V4 = """
ALTER TABLE stories ADD COLUMN title_article INTEGER;
CREATE TABLE story_outlets (
    story INTEGER NOT NULL,
    outlet TEXT NOT NULL,
    PRIMARY KEY (story, outlet)
) WITHOUT ROWID;
"""


def _fill_v4(conn: sqlite3.Connection) -> None:
    """Compute the v4 columns of every stored story (once, when an older corpus is opened)."""
    ids = [r[0] for r in conn.execute("SELECT id FROM stories")]
    _Refresher(conn).full(ids)


STORY_BRIEF_LIMIT = 1000  # articles read for the brief of a stored story (`storyline show`, the web service)

# version -> script taking the schema from version-1, and a Python step run after it in the same transaction
MIGRATIONS: dict[int, str] = {1: _V1, 2: _V2, 3: _V3, 4: _V4}
MIGRATION_STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {4: _fill_v4}


def migrate(conn: sqlite3.Connection) -> int:
    """Bring a database to :data:`SCHEMA_VERSION`; returns the version it had before."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    old = row[0] if row else 0
    if old > SCHEMA_VERSION:
        raise StorylineError(
            f"database schema version {old} is newer than this storyline ({SCHEMA_VERSION}); upgrade storyline"
        )
    for version in range(old + 1, SCHEMA_VERSION + 1):
        with _tx(conn):
            row = conn.execute("SELECT version FROM schema_version").fetchone()  # under the write lock
            if row and row[0] >= version:
                continue  # another process (opening the same new corpus) applied this step meanwhile
            for stmt in _statements(MIGRATIONS[version]):
                conn.execute(stmt)
            if version in MIGRATION_STEPS:
                MIGRATION_STEPS[version](conn)
            conn.execute("DELETE FROM schema_version")
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
    return old


def _enable_wal(conn: sqlite3.Connection, wait_s: float = 30.0) -> None:
    """Switch to WAL. Changing the journal mode does not wait on SQLite's busy handler, so two processes
    creating one new corpus at once can see "database is locked" here: retry until ``wait_s``."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


@contextmanager
def _tx(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back already (e.g. on SQLITE_FULL)
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


@dataclass
class StoredArticle:
    """An article row with its store bookkeeping."""

    rowid: int
    article: Article
    story: int | None
    first_seen: float
    content_hash: str


@dataclass
class NewArticle:
    """What the ingest writes for one article."""

    article: Article
    ingest_key: str
    content_hash: str
    ts: float | None
    story: int
    minhash: bytes | None = None
    shingles: int = 0
    terms: dict[str, float] | None = None
    duplicate_of: int | None = None  # rowid of the earlier article
    overlap: float = 0.0
    jaccard: float = 0.0
    exact: bool = False


class Store:
    """A storyline corpus database. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        if readonly and not self.path.exists():
            raise StorylineError(f"{self.path}: no such database (run 'storyline ingest' first)")
        try:
            self.conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=30.0)
            _enable_wal(self.conn)
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            if readonly:
                self._check_version()
            else:
                migrate(self.conn)
        except sqlite3.DatabaseError as exc:
            raise StorylineError(f"{self.path}: not a storyline database ({exc})") from None
        self._fold_registered = False

    def _check_version(self) -> None:
        try:
            row = self.conn.execute("SELECT version FROM schema_version").fetchone()
        except sqlite3.OperationalError:
            raise StorylineError(f"{self.path}: not a storyline database") from None
        if not row or row[0] < SCHEMA_VERSION:
            migrate(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One batch = one transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on any error)."""
        with _tx(self.conn):
            yield self.conn

    # -- state ----------------------------------------------------------------------------------
    def get_state(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_state(self, key: str, value: Any) -> None:
        self.conn.execute(
            "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )

    # -- lookups --------------------------------------------------------------------------------
    def known_keys(self, keys: Sequence[str]) -> set[str]:
        """Which ingest keys are already stored."""
        return self._present("ingest_key", keys)

    def ids_taken(self, ids: Sequence[str]) -> set[str]:
        """Which article ids are already stored."""
        return self._present("id", ids)

    def _present(self, column: str, values: Sequence[str]) -> set[str]:
        """The values of ``values`` found in ``articles.column`` (queried 500 at a time)."""
        out: set[str] = set()
        for i in range(0, len(values), 500):
            part = list(values[i : i + 500])
            q = f"SELECT {column} FROM articles WHERE {column} IN ({','.join('?' * len(part))})"
            out.update(r[0] for r in self.conn.execute(q, part))
        return out

    def earliest_with_hash(self, hashes: Sequence[str]) -> dict[str, int]:
        """Rowid of the first stored article with each content hash."""
        out: dict[str, int] = {}
        for i in range(0, len(hashes), 500):
            part = list(hashes[i : i + 500])
            q = (
                "SELECT content_hash, MIN(rowid) FROM articles "
                f"WHERE content_hash IN ({','.join('?' * len(part))}) GROUP BY content_hash"
            )
            out.update((h, r) for h, r in self.conn.execute(q, part))
        return out

    def next_rowid(self) -> int:
        return (self.conn.execute("SELECT MAX(rowid) FROM articles").fetchone()[0] or 0) + 1

    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def document_frequencies(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT term, df FROM terms"))

    def recent_signatures(self, limit: int) -> list[tuple[int, bytes, int, str]]:
        """``(rowid, minhash, shingles, content_hash)`` of the latest ``limit`` articles, oldest first."""
        rows = self.conn.execute(
            "SELECT rowid, minhash, shingles, content_hash FROM articles WHERE minhash IS NOT NULL "
            "ORDER BY rowid DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return rows[::-1]

    def active_stories(self, since: float | None, limit: int) -> list[int]:
        """Stories last seen (by article date, else ingest time) at or after ``since``, newest first."""
        if since is None:
            q = "SELECT id FROM stories ORDER BY last_seen DESC LIMIT ?"
            return [r[0] for r in self.conn.execute(q, (limit,))]
        q = (
            "SELECT id FROM stories WHERE COALESCE(last_date, ?) >= ? "
            "ORDER BY COALESCE(last_date, last_seen) DESC LIMIT ?"
        )
        return [r[0] for r in self.conn.execute(q, (since, since, limit))]

    def story_members(self, story: int) -> list[tuple[int, float | None, str | None]]:
        """``(rowid, ts, terms json)`` of a story's articles in rowid order."""
        return self.conn.execute(
            "SELECT rowid, ts, terms FROM articles WHERE story = ? ORDER BY rowid", (story,)
        ).fetchall()

    # -- writes (inside :meth:`transaction`) ----------------------------------------------------
    def insert_articles(self, rows: Sequence[tuple[int, NewArticle]], now: float) -> None:
        """Insert ``(rowid, new article)`` pairs and their duplicate links."""
        data = []
        links = []
        for rowid, n in rows:
            a = n.article
            data.append(
                (
                    rowid, a.id, n.ingest_key, n.content_hash, a.source, a.title, a.date, n.ts, a.url,
                    a.path, a.text, a.raw if a.raw != a.text else None,
                    json.dumps(a.boilerplate_removed) if a.boilerplate_removed else None,
                    json.dumps(a.meta, default=str) if a.meta else None, len(a.text.split()), now,
                    n.story, n.minhash, n.shingles,
                    json.dumps(n.terms, separators=(",", ":")) if n.terms is not None else None,
                )
            )  # fmt: skip
            if n.duplicate_of is not None:
                links.append((rowid, n.duplicate_of, round(n.overlap, 4), int(n.exact), round(n.jaccard, 4)))
        self.conn.executemany(
            "INSERT INTO articles (rowid, id, ingest_key, content_hash, source, title, date, ts, url, path, "
            "text, raw, boilerplate, meta, words, first_seen, story, minhash, shingles, terms) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            data,
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO duplicates (article, earlier, overlap, exact, jaccard) VALUES (?,?,?,?,?)",
            links,
        )

    def move_articles(self, rowids: Iterable[int], story: int) -> None:
        self.conn.executemany("UPDATE articles SET story = ? WHERE rowid = ?", [(story, r) for r in rowids])

    def add_document_frequencies(self, counts: dict[str, int]) -> None:
        self.conn.executemany(
            "INSERT INTO terms (term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
            list(counts.items()),
        )

    def refresh_stories(
        self, stories: Iterable[int], *, new_from: int | None = None, rebuilt: Iterable[int] = ()
    ) -> None:
        """Bring the summary rows (title, counts, independent sources, first/last seen) of ``stories`` up to
        date; drop empty ones.

        With ``new_from`` (the first rowid of the batch just inserted), a stored story that only gained
        rows (not in ``rebuilt``: merged, split or given older rows) is updated from the new rows and links
        alone, so a batch costs the same however big its stories are; the others are recomputed from all
        their rows. Either way the row equals a recomputation from scratch."""
        r = _Refresher(self.conn)
        if new_from is None:
            r.full(set(stories))
        else:
            r.batch(set(stories), new_from, set(rebuilt))

    # -- browsing -------------------------------------------------------------------------------
    def stories(
        self, limit: int | None = None, *, q: str | None = None, sort: str = "recent", offset: int = 0
    ) -> list[dict[str, Any]]:
        """Stories whose title holds every word of ``q`` (case-insensitive), sorted, one page.

        ``sort`` is one of :data:`STORY_SORTS`: ``recent`` (last seen, newest first), ``size``
        (articles, then independent sources) or ``sources`` (independent sources, then articles);
        ties keep the ``recent`` order. ``limit`` None or 0 means all.
        """
        if sort not in _SORT_SQL:
            raise StorylineError(f"unknown story sort {sort!r} (one of {', '.join(STORY_SORTS)})")
        where, args = self._title_filter(q)
        sql = f"SELECT {_STORY_COLS} FROM stories{where} ORDER BY {_SORT_SQL[sort]}"
        if limit or offset:
            sql += " LIMIT ? OFFSET ?"
            args += [int(limit) if limit else -1, max(int(offset), 0)]
        return [_story_row(r) for r in self.conn.execute(sql, args)]

    def count_stories(self, q: str | None = None) -> int:
        """How many stories :meth:`stories` lists for ``q`` without a limit."""
        where, args = self._title_filter(q)
        return self.conn.execute(f"SELECT COUNT(*) FROM stories{where}", args).fetchone()[0]

    def _title_filter(self, q: str | None) -> tuple[str, list[Any]]:
        """SQL ``WHERE`` clause: the title contains every word of ``q``, case-insensitively."""
        clauses: list[str] = []
        args: list[Any] = []
        for word in (q or "").lower().split():
            if word.isascii():  # LIKE folds ASCII case only
                clauses.append("title LIKE ? ESCAPE '\\'")
                args.append("%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
            else:
                if not self._fold_registered:
                    self.conn.create_function("storyline_lower", 1, _lower, deterministic=True)
                    self._fold_registered = True
                clauses.append("instr(storyline_lower(title), ?) > 0")
                args.append(word)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), args

    def story(self, story_id: int) -> dict[str, Any] | None:
        """One story row (as :meth:`stories` gives it), or None."""
        row = self.conn.execute(f"SELECT {_STORY_COLS} FROM stories WHERE id = ?", (story_id,)).fetchone()
        return _story_row(row) if row else None

    def article(self, article_id: str) -> StoredArticle | None:
        """One stored article by id, or None."""
        row = self.conn.execute(
            f"SELECT {_ARTICLE_COLS} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return _stored(row) if row else None

    def links(self, article_id: str) -> list[tuple[str, str, float, bool]]:
        """``(article id, earlier article id, overlap, exact)`` for the copy links of one article, both ways:
        those where it copies an earlier article and those where a later article copies it."""
        return [
            (a, e, o, bool(x))
            for a, e, o, x in self.conn.execute(
                "SELECT a.id, e.id, d.overlap, d.exact FROM duplicates d JOIN articles a ON a.rowid = d.article "
                "JOIN articles e ON e.rowid = d.earlier, (SELECT rowid AS r FROM articles WHERE id = ?) x "
                "WHERE d.article = x.r OR d.earlier = x.r ORDER BY d.article, d.earlier",
                (article_id,),
            )
        ]

    def story_articles(self, story: int) -> list[StoredArticle]:
        """A story's articles, oldest first."""
        rows = self.conn.execute(
            f"SELECT {_ARTICLE_COLS} FROM articles WHERE story = ? ORDER BY COALESCE(ts, first_seen), rowid",
            (story,),
        ).fetchall()
        return [_stored(r) for r in rows]

    def brief_articles(self, story: int, limit: int = STORY_BRIEF_LIMIT) -> tuple[list[StoredArticle], int]:
        """Up to ``limit`` of a story's articles for its brief, oldest first, and how many it has.

        A story larger than ``limit`` gives first the articles that copy no other article of the story,
        then near copies, then exact copies, each group oldest first: copies repeat what their original
        says, so the brief loses least by leaving them out."""
        total = self.conn.execute("SELECT COUNT(*) FROM articles WHERE story = ?", (story,)).fetchone()[0]
        if total <= limit:
            return self.story_articles(story), total
        copy = (
            "(SELECT MAX(1 + d.exact) FROM duplicates d JOIN articles e ON e.rowid = d.earlier "
            "WHERE d.article = a.rowid AND e.story = a.story)"
        )
        rows = self.conn.execute(
            f"SELECT COALESCE(a.ts, a.first_seen), {_ARTICLE_COLS} FROM articles a WHERE a.story = ? "
            f"ORDER BY COALESCE({copy}, 0), COALESCE(a.ts, a.first_seen), a.rowid LIMIT ?",
            (story, limit),
        ).fetchall()
        rows.sort(key=lambda r: (r[0], r[1]))  # back in story order
        picked = [_stored(r[1:]) for r in rows]
        return picked, total

    def duplicate_links(self) -> list[tuple[str, str, float, bool]]:
        """``(article id, earlier article id, overlap, exact)`` for every near or exact copy."""
        return self.conn.execute(
            "SELECT a.id, e.id, d.overlap, d.exact FROM duplicates d JOIN articles a ON a.rowid = d.article "
            "JOIN articles e ON e.rowid = d.earlier ORDER BY d.article"
        ).fetchall()

    def all_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM articles ORDER BY rowid")]


_ARTICLE_COLS = (
    "rowid, id, text, source, title, date, url, path, raw, boilerplate, meta, story, first_seen, content_hash"
)
_STORY_COLS = "id, title, articles, sources, first_seen, last_seen, first_date, last_date"
_RECENT = "COALESCE(last_date, last_seen) DESC, id DESC"
_SORT_SQL = {
    "recent": _RECENT,
    "size": f"articles DESC, sources DESC, {_RECENT}",
    "sources": f"sources DESC, articles DESC, {_RECENT}",
}
STORY_SORTS = tuple(_SORT_SQL)


def _lower(text: str | None) -> str | None:
    return None if text is None else text.lower()


def _story_row(r: Sequence[Any]) -> dict[str, Any]:
    sid, title, n, src, fs, ls, fd, ld = r
    return {
        "id": sid,
        "title": title,
        "articles": n,
        "independent_sources": src,
        "first_seen": _iso(fd if fd is not None else fs),
        "last_seen": _iso(ld if ld is not None else ls),
    }


def limited_note(total: int, read: int) -> str:
    """What a brief of a big stored story leaves out (see :meth:`Store.brief_articles`)."""
    return (
        f"the story has {total:,} articles; this brief reads {read:,} of them, originals first, then copies "
        "(copies repeat their original, so claims may list fewer of the outlets that ran them)"
    )


def _stored(r: Sequence[Any]) -> StoredArticle:
    rowid, ident, text, source, title, date, url, path, raw, boiler, meta, story, first_seen, chash = r
    art = Article(
        id=ident,
        text=text,
        source=source,
        title=title,
        date=date,
        url=url,
        path=path,
        raw=raw if raw is not None else text,
        boilerplate_removed=json.loads(boiler) if boiler else [],
        meta=json.loads(meta) if meta else {},
    )
    return StoredArticle(rowid, art, story, first_seen, chash)


def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


# -- story rows -------------------------------------------------------------------------------------
_INDEPENDENT = (  # an article that copies no earlier article of its own story
    "NOT EXISTS (SELECT 1 FROM duplicates d JOIN articles e ON e.rowid = d.earlier "
    "WHERE d.article = a.rowid AND e.story = a.story)"
)
_TITLE_ORDER = (  # the story's most central article: most copied, then earliest
    "(SELECT COUNT(*) FROM duplicates d WHERE d.earlier = a.rowid) DESC, COALESCE(a.ts, a.first_seen), a.rowid"
)


def _independent_outlets(conn: sqlite3.Connection, story: int) -> set[str]:
    rows = conn.execute(
        f"SELECT DISTINCT COALESCE(a.source, a.id) FROM articles a WHERE a.story = ? AND {_INDEPENDENT}",
        (story,),
    )
    return {r[0] for r in rows}


def _title_of(title: str | None, text: str) -> str:
    if title:
        return title
    words = text.split()
    return " ".join(words[:14]) + (" ..." if len(words) > 14 else "")


def _lo(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else min(a, b)


def _hi(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


class _Refresher:
    """Writes ``stories`` rows and ``story_outlets`` (inside the caller's transaction)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _write(self, sid: int, n: int, sources: int, seen: tuple, dates: tuple, title: tuple) -> None:
        self.conn.execute(
            "INSERT INTO stories (id, title, articles, sources, first_seen, last_seen, first_date, last_date, "
            "title_article) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET title=excluded.title, "
            "articles=excluded.articles, sources=excluded.sources, first_seen=excluded.first_seen, "
            "last_seen=excluded.last_seen, first_date=excluded.first_date, last_date=excluded.last_date, "
            "title_article=excluded.title_article",
            (sid, _title_of(title[1], title[2]), n, sources, *seen, *dates, title[0]),
        )

    def _best(self, where: str, args: Sequence[Any]) -> tuple[int, str | None, str] | None:
        return self.conn.execute(
            f"SELECT a.rowid, a.title, a.text FROM articles a WHERE {where} ORDER BY {_TITLE_ORDER} LIMIT 1",
            args,
        ).fetchone()

    def full(self, stories: Iterable[int]) -> None:
        """Recompute each story's row from all its articles."""
        conn = self.conn
        for sid in stories:
            row = conn.execute(
                "SELECT COUNT(*), MIN(first_seen), MAX(first_seen), MIN(ts), MAX(ts) FROM articles WHERE story = ?",
                (sid,),
            ).fetchone()
            conn.execute("DELETE FROM story_outlets WHERE story = ?", (sid,))
            if not row[0]:
                conn.execute("DELETE FROM stories WHERE id = ?", (sid,))
                continue
            outlets = _independent_outlets(conn, sid)
            conn.executemany(
                "INSERT INTO story_outlets (story, outlet) VALUES (?, ?)", [(sid, o) for o in outlets]
            )
            title = self._best("a.story = ?", (sid,))
            assert title is not None
            self._write(sid, row[0], len(outlets), row[1:3], row[3:5], title)

    def batch(self, stories: set[int], first: int, rebuilt: set[int]) -> None:
        """Update the rows of ``stories`` after a batch whose rows start at rowid ``first``."""
        conn = self.conn
        # stories whose articles were copied by the batch: their most copied article may change
        copied: dict[int, set[int]] = {}
        for earlier, story in conn.execute(
            "SELECT d.earlier, e.story FROM duplicates d JOIN articles e ON e.rowid = d.earlier "
            "WHERE d.article >= ? AND d.earlier < ?",
            (first, first),
        ):
            copied.setdefault(story, set()).add(earlier)
        stored = {}
        todo = sorted(stories | set(copied))
        for i in range(0, len(todo), 500):
            part = todo[i : i + 500]
            q = (
                "SELECT id, articles, first_seen, last_seen, first_date, last_date, title_article FROM stories "
                f"WHERE id IN ({','.join('?' * len(part))})"
            )
            stored.update((r[0], r[1:]) for r in conn.execute(q, part))
        full = [s for s in stories if s in rebuilt or s not in stored or stored[s][5] is None]
        self.full(full)
        done = set(full)
        fresh: dict[int, list[tuple[int, float, float | None]]] = {}  # story -> its new (rowid, seen, ts)
        for rowid, story, seen, ts in conn.execute(
            "SELECT rowid, story, first_seen, ts FROM articles WHERE rowid >= ?", (first,)
        ):
            fresh.setdefault(story, []).append((rowid, seen, ts))
        outlets = conn.execute(
            f"SELECT DISTINCT a.story, COALESCE(a.source, a.id) FROM articles a WHERE a.rowid >= ? AND {_INDEPENDENT}",
            (first,),
        ).fetchall()
        conn.executemany(
            "INSERT OR IGNORE INTO story_outlets (story, outlet) VALUES (?, ?)",
            [o for o in outlets if o[0] not in done and o[0] in stored],
        )
        for sid in todo:
            if sid in done or sid not in stored:
                continue  # (a story only copied from, not stored: nothing to update)
            n, seen0, seen1, date0, date1, title_article = stored[sid]
            new = fresh.get(sid, [])
            for _, seen, ts in new:
                n += 1
                seen0, seen1 = _lo(seen0, seen), _hi(seen1, seen)
                date0, date1 = _lo(date0, ts), _hi(date1, ts)
            # the stored best is ahead of every unchanged article: compare it with the changed ones
            cands = [title_article, *(r for r, _, _ in new), *sorted(copied.get(sid, ()))]
            title = self._best(f"a.rowid IN ({','.join('?' * len(cands))}) AND +a.story = ?", (*cands, sid))
            sources = conn.execute("SELECT COUNT(*) FROM story_outlets WHERE story = ?", (sid,)).fetchone()[0]
            assert title is not None
            self._write(sid, n, sources, (seen0, seen1), (date0, date1), title)
