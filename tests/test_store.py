import json
import sqlite3

import pytest
from corpus_fixtures import make_corpus

from storyline.corpus import ingest
from storyline.errors import StorylineError
from storyline.store import MIGRATIONS, SCHEMA_VERSION, Store, migrate


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def test_new_store_is_wal_and_current(tmp_path):
    with Store(tmp_path / "c.db") as s:
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION


def test_migration_from_version_1_keeps_rows(tmp_path):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.executescript(MIGRATIONS[1])
    conn.execute("INSERT INTO schema_version VALUES (1)")
    conn.execute(
        "INSERT INTO articles (id, ingest_key, content_hash, text, first_seen, story) VALUES ('a','k','h','t',0,1)"
    )
    conn.commit()
    conn.close()
    with Store(db) as s:
        assert s.conn.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION
        assert s.all_ids() == ["a"]
        cols = {r[1] for r in s.conn.execute("PRAGMA table_info(articles)")}
        assert {"minhash", "shingles", "terms"} <= cols
        assert migrate(s.conn) == SCHEMA_VERSION  # a second run does nothing


def test_newer_schema_is_refused(tmp_path):
    db = tmp_path / "new.db"
    with Store(db) as s:
        s.conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(StorylineError, match="newer"):
        Store(db)


def test_not_a_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "x.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StorylineError, match="not a storyline database"):
        Store(bad)
    with pytest.raises(StorylineError, match="no such database"):
        Store(tmp_path / "missing.db", readonly=True)


def test_transaction_rolls_back_whole_batch(tmp_path):
    with Store(tmp_path / "c.db") as s:
        with pytest.raises(RuntimeError):
            with s.transaction():
                s.set_state("x", 1)
                raise RuntimeError("boom")
        assert s.get_state("x") is None


def test_idempotent_ingest_and_story_rows(tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl", make_corpus(4))
    with Store(tmp_path / "c.db") as s:
        first = ingest([src], s, progress=False, batch_size=7)
        assert first.added == 20 and first.already_stored == 0 and not first.errors
        n_stories = len(s.stories())
        second = ingest([src], s, progress=False)
        assert second.added == 0 and second.already_stored == 20
        assert s.count() == 20 and len(s.stories()) == n_stories
        total = sum(r["articles"] for r in s.stories())
        assert total == 20
        assert 5 <= n_stories <= 7  # five made-up events


def test_exact_copy_from_another_outlet_is_linked_not_counted_twice(tmp_path):
    rows = make_corpus(2)
    copy = dict(rows[0], id="copy", source="Copycat Daily")
    src = write_jsonl(tmp_path / "a.jsonl", rows + [copy])
    with Store(tmp_path / "c.db") as s:
        summ = ingest([src], s, progress=False)
        assert summ.exact_duplicates == 1
        links = s.duplicate_links()
        assert ("copy", rows[0]["id"], 1.0, 1) in links
        sid = s.conn.execute("SELECT story FROM articles WHERE id = 'copy'").fetchone()[0]
        orig = s.conn.execute("SELECT story FROM articles WHERE id = ?", (rows[0]["id"],)).fetchone()[0]
        assert sid == orig
        story = next(r for r in s.stories() if r["id"] == sid)
        assert story["independent_sources"] == story["articles"] - 1


def test_same_id_new_content_gets_new_id(tmp_path):
    a = {"id": "same", "text": "The Riverton road was closed by the flood on Tuesday night."}
    b = {"id": "same", "text": "A wildfire near Cedar Hills forced 900 residents to leave."}
    with Store(tmp_path / "c.db") as s:
        ingest([write_jsonl(tmp_path / "a.jsonl", [a])], s, progress=False)
        ingest([write_jsonl(tmp_path / "b.jsonl", [b])], s, progress=False)
        assert sorted(s.all_ids()) == ["same", "same-2"]


def test_resume_continues_stories_across_runs(tmp_path):
    rows = make_corpus(6)
    with Store(tmp_path / "c.db") as s:
        ingest([write_jsonl(tmp_path / "a.jsonl", rows[:15])], s, progress=False)
        before = {r["id"] for r in s.stories()}
        ingest([write_jsonl(tmp_path / "b.jsonl", rows[15:])], s, progress=False)
        after = s.stories()
        # later articles join the stories made in the first run
        assert {r["id"] for r in after} <= before | set(range(max(before) + 1, max(before) + 3))
        assert sum(r["articles"] for r in after) == 30


# ---------------------------------------------------------------- read API used by the web service
def story_rows(s, rows):
    """Write made-up story summary rows ``(id, title, articles, sources, last_date)`` directly."""
    with s.transaction():
        s.conn.executemany(
            "INSERT INTO stories (id, title, articles, sources, first_seen, last_seen, first_date, last_date) "
            "VALUES (?,?,?,?,0,0,?,?)",
            [(i, t, n, src, d, d) for i, t, n, src, d in rows],
        )


STORY_ROWS = [
    (1, "Flood closes Riverton road", 4, 3, 100.0),
    (2, "Wildfire near Cedar Hills", 9, 2, 300.0),
    (3, "Riverton flood: power cut", 4, 4, 200.0),
    (4, "Mayor wins 54% of the vote", 2, 2, 400.0),
    (5, "Émeute à Darra après le séisme", 7, 2, 250.0),
    (6, None, 1, 1, 50.0),
    (7, "Darra_quake update", 4, 3, 200.0),
]


def test_stories_default_is_recent_first_and_positional_limit_still_works(tmp_path):
    with Store(tmp_path / "c.db") as s:
        story_rows(s, STORY_ROWS)
        ids = [r["id"] for r in s.stories()]
        # newest last_date first, ties by id descending
        assert ids == [4, 2, 5, 7, 3, 1, 6]
        assert [r["id"] for r in s.stories(3)] == ids[:3]
        assert s.stories(0) == s.stories(None) == s.stories()
        assert s.stories()[0] == {
            "id": 4,
            "title": "Mayor wins 54% of the vote",
            "articles": 2,
            "independent_sources": 2,
            "first_seen": "1970-01-01T00:06:40Z",
            "last_seen": "1970-01-01T00:06:40Z",
        }


def test_stories_sort_search_and_paging_in_sql(tmp_path):
    with Store(tmp_path / "c.db") as s:
        story_rows(s, STORY_ROWS)
        recent = s.stories()
        for sort, key in (
            ("size", lambda r: (-r["articles"], -r["independent_sources"])),
            ("sources", lambda r: (-r["independent_sources"], -r["articles"])),
        ):
            assert s.stories(sort=sort) == sorted(recent, key=key)  # stable: ties keep the recent order
            pages = [s.stories(2, sort=sort, offset=o) for o in range(0, 8, 2)]
            assert sum(pages, []) == s.stories(sort=sort)
        assert s.stories(offset=5) == recent[5:]
        assert s.stories(2, offset=100) == []
        with pytest.raises(StorylineError, match="sort"):
            s.stories(sort="alphabetical")

        def ids(q):
            got = [r["id"] for r in s.stories(q=q)]
            assert s.count_stories(q) == len(got)
            return sorted(got)

        assert ids("riverton") == [1, 3]
        assert ids("RIVERTON  Power") == [3]  # every word, any case
        assert ids("riverton wildfire") == []
        assert ids("") == ids(None) == [1, 2, 3, 4, 5, 6, 7]
        assert ids("%") == [4]  # LIKE wildcards are matched literally
        assert ids("_") == [7]
        assert ids("a_q") == [7]
        assert ids("émeute") == ids("ÉMEUTE") == [5]  # case folding beyond ASCII
        assert ids("séisme darra") == [5]


def test_story_article_and_links(tmp_path):
    rows = make_corpus(2)
    copy = dict(rows[0], id="copy", source="Copycat Daily")
    src = write_jsonl(tmp_path / "a.jsonl", rows + [copy])
    with Store(tmp_path / "c.db") as s:
        ingest([src], s, progress=False)
        got = s.article("copy")
        assert got is not None and got.article.id == "copy" and got.article.source == "Copycat Daily"
        assert got.article.text == copy["text"] and got.story is not None
        assert s.article("no-such-id") is None

        story = s.story(got.story)
        assert story == next(r for r in s.stories() if r["id"] == got.story)
        assert got.rowid in [m.rowid for m in s.story_articles(got.story)]
        assert s.story(10**9) is None

        orig = rows[0]["id"]
        assert ("copy", orig, 1.0, True) in s.links("copy")
        assert ("copy", orig, 1.0, True) in s.links(orig)  # both directions
        assert all("copy" in (a, e) for a, e, _, _ in s.links("copy"))
        assert all(orig in (a, e) for a, e, _, _ in s.links(orig))
        linked = {a for a, e, _, _ in s.duplicate_links()} | {e for a, e, _, _ in s.duplicate_links()}
        lone = next(i for i in s.all_ids() if i not in linked)
        assert s.links(lone) == [] and s.links("no-such-id") == []
        assert sorted(s.links("copy")) == sorted(
            (a, e, o, bool(x)) for a, e, o, x in s.duplicate_links() if "copy" in (a, e)
        )


def test_v3_indexes_copies_by_their_original(tmp_path):
    with Store(str(tmp_path / "c.db")) as s:
        names = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "duplicates_earlier" in names
        plan = s.conn.execute(
            "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM duplicates WHERE earlier = 1"
        ).fetchall()
        assert "duplicates_earlier" in " ".join(str(r) for r in plan)


@pytest.mark.parametrize("same_batch", [True, False])
def test_a_copy_joins_its_originals_story_in_the_same_batch_too(tmp_path, same_batch):
    """A near copy takes its original's story without scoring, also when both arrive in one batch. The
    clusterer is set so that no two articles would join by similarity alone (join bar 0.99, no merges)."""
    orig = make_corpus(1)[0]
    cut = orig["text"].rsplit(".", 2)[0] + "."  # the original without its last sentence: a near copy
    copy = dict(orig, id="copy", source="Copycat Daily", text=cut, title=None)
    src = write_jsonl(tmp_path / "a.jsonl", [orig, copy])
    with Store(tmp_path / "c.db") as s:
        ingest(
            [src], s, progress=False, batch_size=2 if same_batch else 1, threshold=0.99, merge_threshold=1.0
        )
        story = dict(s.conn.execute("SELECT id, story FROM articles"))
        linked = s.duplicate_links()
    assert [(a, e) for a, e, *_ in linked] == [("copy", orig["id"])]
    assert story["copy"] == story[orig["id"]]


def test_migration_applied_by_another_process_meanwhile_is_skipped(tmp_path):
    """Two processes opening one new corpus: the second read version 0 before the first migrated it.
    Each step re-reads the version under the write lock, so the second skips what is done."""

    class StaleFirstRead(sqlite3.Connection):
        stale = True

        def execute(self, sql, *args):
            if self.stale and sql.startswith("SELECT version"):
                self.stale = False
                Store(tmp_path / "c.db").close()  # the other process migrates right after our first read,
                return super().execute("SELECT 0")  # so what we read is the version before it: 0
            return super().execute(sql, *args)

    conn = sqlite3.connect(tmp_path / "c.db", isolation_level=None, factory=StaleFirstRead)
    try:
        assert migrate(conn) == 0
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    finally:
        conn.close()


def test_two_processes_creating_one_new_corpus_both_open_it(tmp_path):
    """Switching a new file to WAL does not wait on SQLite's busy handler; both openers must succeed."""
    import subprocess
    import sys

    code = "import sys; from storyline.store import Store; Store(sys.argv[1]).close()"
    for k in range(8):
        db = tmp_path / f"c{k}.db"
        procs = [
            subprocess.Popen([sys.executable, "-c", code, str(db)], stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        errs = [p.communicate(timeout=60)[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0], errs


# ---------------------------------------------------------------- story rows kept up to date per batch
STORY_COLS = "id, title, articles, sources, first_seen, last_seen, first_date, last_date, title_article"


def story_table(s):
    return (
        s.conn.execute(f"SELECT {STORY_COLS} FROM stories ORDER BY id").fetchall(),
        s.conn.execute("SELECT story, outlet FROM story_outlets ORDER BY story, outlet").fetchall(),
    )


def copy_heavy_corpus():
    """Five events; later batches copy early articles (exact copies from other outlets), so an early
    article becomes its story's most copied one after its story row was written; some lack a title or
    an outlet; dates spread over days."""
    rows = make_corpus(6)
    for k, r in enumerate(rows):
        r["date"] = f"2026-03-{1 + k % 20:02d}"
        if k % 7 == 3:
            r.pop("title")
        if k % 11 == 5:
            r.pop("source")
    copies = [
        dict(rows[k], id=f"copy-{k}-{j}", source=f"Copier {j}") for k in (2, 3, 9) for j in range(k % 4 + 1)
    ]
    return rows + copies


def test_story_rows_updated_from_each_batch_equal_a_full_recount(tmp_path):
    rows = copy_heavy_corpus()
    with Store(tmp_path / "c.db") as s:
        ingest([write_jsonl(tmp_path / "a.jsonl", rows[:20])], s, progress=False, batch_size=4)
        ingest([write_jsonl(tmp_path / "b.jsonl", rows[20:])], s, progress=False, batch_size=3)
        kept = story_table(s)
        titled = s.conn.execute(
            "SELECT COUNT(*) FROM stories t WHERE (SELECT COUNT(*) FROM duplicates d "
            "WHERE d.earlier = t.title_article) > 0"
        ).fetchone()[0]
        assert titled >= 2  # stories titled by a copied article (the case the batch update must follow)
        with s.transaction():
            s.refresh_stories([r[0] for r in kept[0]])  # from all rows
        assert story_table(s) == kept
        assert sum(r[2] for r in kept[0]) == len(rows)


def test_v4_migration_fills_story_outlets_and_title_articles(tmp_path):
    db = tmp_path / "c.db"
    with Store(db) as s:
        ingest([write_jsonl(tmp_path / "a.jsonl", copy_heavy_corpus())], s, progress=False, batch_size=5)
        kept = story_table(s)
        s.conn.executescript(
            "DROP TABLE story_outlets; ALTER TABLE stories DROP COLUMN title_article; "
            "UPDATE schema_version SET version = 3;"
        )
    with Store(db) as s:
        assert s.conn.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION
        assert story_table(s) == kept


def test_brief_of_a_big_story_reads_originals_first_in_story_order(tmp_path):
    with Store(tmp_path / "c.db") as s:
        ingest([write_jsonl(tmp_path / "a.jsonl", copy_heavy_corpus())], s, progress=False, batch_size=5)
        copies = {  # articles that copy an earlier article of their own story
            r[0]
            for r in s.conn.execute(
                "SELECT d.article FROM duplicates d JOIN articles a ON a.rowid = d.article "
                "JOIN articles e ON e.rowid = d.earlier WHERE a.story = e.story"
            )
        }
        story = s.conn.execute(
            f"SELECT story FROM articles WHERE rowid IN ({','.join(map(str, copies))}) "
            "GROUP BY story ORDER BY COUNT(*) DESC LIMIT 1"
        ).fetchone()[0]
        everything = s.story_articles(story)
        originals = [m.rowid for m in everything if m.rowid not in copies]
        got, total = s.brief_articles(story, len(originals))
        assert total == len(everything) > len(originals)
        assert [m.rowid for m in got] == originals  # no copy while an original is left out; story order
        got, _ = s.brief_articles(story, len(originals) + 1)
        order = [m.rowid for m in everything]
        assert [m.rowid for m in got] == sorted((m.rowid for m in got), key=order.index)
        assert len({m.rowid for m in got} - set(originals)) == 1
        assert [m.rowid for m in s.brief_articles(story, total)[0]] == [m.rowid for m in everything]
