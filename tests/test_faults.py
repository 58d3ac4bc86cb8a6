"""Faults during corpus writes: SIGKILL during a schema migration, a full disk during ingest (injected
with SQLite's page limit everywhere, and a real 512 KB tmpfs where we may mount one), and ingest from the
command line while the web service reads and ingests on the same database.

Each ends with the store consistent (integrity check, every article in a story, story counts right) and
nothing committed lost. SIGKILL during an ordinary ingest is covered by ``tests/test_crash.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from corpus_fixtures import EVENTS, make_article

from storyline.errors import StorylineError
from storyline.store import MIGRATIONS, SCHEMA_VERSION, Store

ROOT = Path(__file__).resolve().parent.parent


def make_rows(n: int, prefix: str = "a") -> list[dict]:
    per = -(-n // len(EVENTS))
    rows = [make_article(e, k, seed=k % 7) for k in range(per) for e in EVENTS][:n]
    for j, r in enumerate(rows):
        r["id"] = f"{prefix}{j}"  # distinct inputs even where the made-up texts repeat
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def consistent(db: Path) -> dict[str, str]:
    """Check the store's invariants; returns ``{id: ingest_key}`` of the stored articles."""
    conn = sqlite3.connect(db, timeout=30)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT COUNT(*) FROM articles WHERE story IS NULL").fetchone()[0] == 0
        orphans = "SELECT COUNT(*) FROM articles WHERE story NOT IN (SELECT id FROM stories)"
        assert conn.execute(orphans).fetchone()[0] == 0
        n = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        assert (conn.execute("SELECT SUM(articles) FROM stories").fetchone()[0] or 0) == n
        return dict(conn.execute("SELECT id, ingest_key FROM articles"))
    finally:
        conn.close()


def python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code), *args]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


# --- SIGKILL during a migration ---------------------------------------------------------------------

# Opens an old database with Store(); pauses inside the migration's transaction, after its first
# statement ran, so the parent can kill it there.
PAUSED_MIGRATION = """
    import sys, time
    from pathlib import Path
    import storyline.store as store

    plain = store._statements

    def paused(script):
        stmts = plain(script)
        yield stmts[0]
        Path(sys.argv[2]).write_text("in migration")
        time.sleep(120)
        yield from stmts[1:]

    store._statements = paused
    store.Store(sys.argv[1])
"""


def old_database(db: Path, n: int = 3) -> None:
    """A version-1 database (as an older storyline wrote it) with ``n`` articles in one story."""
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.executescript(MIGRATIONS[1])
    conn.execute("INSERT INTO schema_version VALUES (1)")
    conn.execute("INSERT INTO stories (id, title, articles, sources) VALUES (1, 'Flood', ?, ?)", (n, n))
    for k in range(n):
        conn.execute(
            "INSERT INTO articles (id, ingest_key, content_hash, text, first_seen, story) "
            "VALUES (?,?,?,?,0,1)",
            (f"old{k}", f"key{k}", f"hash{k}", f"Old article {k} about the flood."),
        )
    conn.commit()
    conn.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_during_migration_leaves_the_old_schema_then_migrates(tmp_path):
    db, marker = tmp_path / "old.db", tmp_path / "marker"
    old_database(db)
    proc = subprocess.Popen(python(PAUSED_MIGRATION, str(db), str(marker)), env=env())
    deadline = time.time() + 60
    while not marker.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    assert marker.exists(), "the migration never started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
    cols = {r[1] for r in conn.execute("PRAGMA table_info(articles)")}
    assert "minhash" not in cols  # the half-done migration was rolled back as a whole
    assert [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")] == ["old0", "old1", "old2"]
    conn.close()
    with Store(db) as s:  # the next open migrates fully and keeps every row
        assert s.conn.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION
        assert s.all_ids() == ["old0", "old1", "old2"]
    rows = make_rows(20)
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    cmd = [sys.executable, "-m", "storyline.cli", "ingest", str(src), "--db", str(db), "-q"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env())
    assert r.returncode == 0, r.stderr
    assert len(consistent(db)) == 3 + len(rows)


# --- a full disk during ingest ----------------------------------------------------------------------

BATCH = 20


def _ingest_until_full(db: Path, src: Path, max_pages: int) -> BaseException:
    from storyline.corpus import ingest

    with Store(db) as s:
        s.conn.execute(f"PRAGMA max_page_count = {max_pages}")  # SQLITE_FULL, as from a full disk
        with pytest.raises((sqlite3.OperationalError, StorylineError)) as err:
            ingest([str(src)], s, batch_size=BATCH, progress=False)
    return err.value


def test_disk_full_during_ingest_keeps_committed_batches(tmp_path):
    rows = make_rows(300)
    src, db = write_jsonl(tmp_path / "in.jsonl", rows), tmp_path / "c.db"
    _ingest_until_full(db, src, max_pages=60)
    stored = consistent(db)
    k = len(stored)
    assert 0 < k < len(rows) and k % BATCH == 0  # whole batches only, none half-written
    assert set(stored) == {f"a{j}" for j in range(k)}  # exactly the batches before the failure
    from storyline.corpus import ingest

    with Store(db) as s:  # space again: the rerun adds the rest and nothing twice
        summary = ingest([str(src)], s, batch_size=BATCH, progress=False)
    assert summary.already_stored == k and summary.added == len(rows) - k
    after = consistent(db)
    assert len(after) == len(rows) and all(after[i] == key for i, key in stored.items())


def test_disk_full_error_says_the_disk_is_full(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", make_rows(300))
    err = _ingest_until_full(tmp_path / "c.db", src, max_pages=60)
    assert "full" in str(err)


@pytest.fixture
def small_tmpfs(tmp_path):
    """A 512 KB tmpfs (root only; skipped where mounting is not allowed)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode(errors='replace').strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_real_full_disk_during_cli_ingest(tmp_path, small_tmpfs):
    rows = make_rows(300)
    src, db = write_jsonl(tmp_path / "in.jsonl", rows), small_tmpfs / "c.db"
    cmd = [
        sys.executable,
        "-m",
        "storyline.cli",
        "ingest",
        str(src),
        "--db",
        str(db),
        "--batch",
        str(BATCH),
        "-q",
    ]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env())
    assert r.returncode != 0
    assert "Traceback" not in r.stderr + r.stdout
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("storyline: error:") and "full" in lines[0], r.stderr
    subprocess.run(["mount", "-o", "remount,size=16m", str(small_tmpfs)], check=True)
    stored = consistent(db)
    assert 0 < len(stored) < len(rows) and len(stored) % BATCH == 0
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env())
    assert r.returncode == 0, r.stderr
    assert f"{len(stored)} already stored" in r.stdout.replace(",", "")
    after = consistent(db)
    assert len(after) == len(rows) and all(after[i] == key for i, key in stored.items())


# --- ingest and serve at once -----------------------------------------------------------------------


def run_concurrently(tmp_path: Path, service_writes: bool) -> dict:
    """``storyline ingest`` of 1,500 rows in batches of 25 while the service reads (and maybe ingests)."""
    from fastapi.testclient import TestClient

    from storyline.service import create_app

    db = tmp_path / "c.db"
    cli_rows = make_rows(1500, "cli")
    src = write_jsonl(tmp_path / "in.jsonl", cli_rows)
    client = TestClient(create_app(db=str(db), token=""))
    cmd = [sys.executable, "-m", "storyline.cli", "ingest", str(src), "--db", str(db), "--batch", "25", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
    seen, posted, failures, k = [], [], [], 0
    try:
        while proc.poll() is None and k < 400:
            k += 1
            r = client.get("/api/stories", params={"limit": 500})
            if r.status_code != 200:
                failures.append(("GET /api/stories", r.status_code, r.text[:200]))
                continue
            stories = r.json()["stories"]
            seen.append(sum(s["articles"] for s in stories))
            if stories:
                got = client.get(f"/api/stories/{stories[0]['id']}")
                if got.status_code != 200:
                    failures.append(("GET /api/stories/id", got.status_code, got.text[:200]))
            if service_writes and k % 5 == 0:  # the service writes too, between the CLI's batches
                batch = make_rows(5, f"svc{k}-")
                r = client.post("/api/articles", json={"articles": batch})
                if r.status_code == 200 and r.json()["added"] == len(batch):
                    posted += [row["id"] for row in batch]
                else:
                    failures.append(("POST /api/articles", r.status_code, r.text[:200]))
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
        client.close()
    return {"db": db, "rc": proc.returncode, "stderr": err, "failures": failures, "seen": seen,
            "posted": posted, "cli_rows": cli_rows}  # fmt: skip


def test_cli_ingest_while_the_service_reads(tmp_path):
    got = run_concurrently(tmp_path, service_writes=False)
    assert got["rc"] == 0, got["stderr"]
    assert got["failures"] == []
    assert len(got["seen"]) >= 3, "the ingest finished before the service could read during it"
    assert got["seen"] == sorted(got["seen"])  # readers never see committed articles vanish
    assert len(consistent(got["db"])) == len(got["cli_rows"])


@pytest.fixture(scope="module")
def two_writers(tmp_path_factory):
    return run_concurrently(tmp_path_factory.mktemp("two-writers"), service_writes=True)


def test_two_writers_leave_the_store_consistent_and_lose_nothing_committed(two_writers):
    got = two_writers
    stored = consistent(got["db"])
    assert set(got["posted"]) <= set(stored)  # every service batch that succeeded is there
    cli = sorted(int(i[3:]) for i in stored if i.startswith("cli"))
    assert cli == list(range(len(cli)))  # the CLI's committed batches, in order, none half-written
    assert got["rc"] == 0, got["stderr"]  # the CLI catches up with the service's writes and goes on
    assert len(cli) == len(got["cli_rows"])
    assert got["seen"] == sorted(got["seen"])


def _interleaved_batch(db):
    """Ingestor A's batch, with Ingestor B (another process) committing 5 rows just before A's transaction."""
    from storyline.corpus import Ingestor, IngestSummary
    from storyline.model import Article

    a_store, b_store = Store(db), Store(db)
    a, b = Ingestor(a_store), Ingestor(b_store)
    real = a_store.transaction

    @contextmanager
    def b_writes_first():
        b.add_batch([Article.from_dict(r) for r in make_rows(5, "b")], IngestSummary())
        with real() as conn:
            yield conn

    a_store.transaction = b_writes_first
    summary = IngestSummary()
    try:
        a.add_batch([Article.from_dict(r) for r in make_rows(5, "a")], summary)
    finally:
        a_store.close()
        b_store.close()
    return summary


def test_interleaved_writers_do_not_collide(tmp_path):
    """Deterministic form of the race above: writer B commits a batch just before A's transaction.
    A notices, rebuilds its state from the store and redoes its batch under the write lock."""
    summary = _interleaved_batch(tmp_path / "c.db")
    assert summary.added == 5
    assert len(consistent(tmp_path / "c.db")) == 10


def test_interleaved_writer_sees_the_other_writers_articles(tmp_path):
    """After the rebuild, A's copies of B's articles are found as duplicates of B's rows and join B's
    stories (the same rows as B, so the same texts: exact copies under other ids)."""
    from storyline.corpus import Ingestor, IngestSummary
    from storyline.model import Article

    db = tmp_path / "c.db"
    a_store, b_store = Store(db), Store(db)
    a, b = Ingestor(a_store), Ingestor(b_store)
    real = a_store.transaction
    b_rows = make_rows(5, "b")

    @contextmanager
    def b_writes_first():
        b.add_batch([Article.from_dict(r) for r in b_rows], IngestSummary())
        with real() as conn:
            yield conn

    a_store.transaction = b_writes_first
    summary = IngestSummary()
    try:
        a.add_batch([Article.from_dict(dict(r, id=f"a-copy-{r['id']}")) for r in b_rows], summary)
    finally:
        a_store.close()
        b_store.close()
    assert summary.added == 5 and summary.exact_duplicates == 5
    con = sqlite3.connect(db)
    rows = dict(con.execute("SELECT id, story FROM articles"))
    con.close()
    assert all(rows[f"a-copy-{r['id']}"] == rows[r["id"]] for r in b_rows)


def test_two_cli_ingests_into_one_corpus_at_once(tmp_path):
    """Two ``storyline ingest`` processes on one corpus at the same time: both finish, nothing is lost,
    and the second input's copies of the first's articles are found across the two processes."""
    db = tmp_path / "c.db"
    first = make_rows(400, "p")
    copies = [dict(r, id=f"q{j}") for j, r in enumerate(first[::2])]  # same texts under other ids
    second = make_rows(200, "r") + copies
    cmds = [
        [
            sys.executable,
            "-m",
            "storyline.cli",
            "ingest",
            str(write_jsonl(tmp_path / f"{k}.jsonl", rows)),
            "--db",
            str(db),
            "--batch",
            "20",
            "-q",
        ]  # fmt: skip
        for k, rows in (("one", first), ("two", second))
    ]
    procs = [
        subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
        for c in cmds
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in outs]
    assert all("Traceback" not in o + e for o, e in outs)
    stored = consistent(db)
    assert set(stored) == {r["id"] for r in first + second}
    con = sqlite3.connect(db)
    try:
        hashes = dict(con.execute("SELECT rowid, content_hash FROM articles"))
        linked = {a for (a,) in con.execute("SELECT article FROM duplicates")}
    finally:
        con.close()
    # each text stored n times, by either process, is one original and n - 1 linked copies (the original
    # may itself be a near copy of another text)
    by_hash: dict[str, list[int]] = {}
    for rowid, h in hashes.items():
        by_hash.setdefault(h, []).append(rowid)
    assert any(len(g) > 1 for g in by_hash.values())
    for group in by_hash.values():
        assert set(sorted(group)[1:]) <= linked
