"""Kill an ingest with SIGKILL mid-way, run it again: nothing committed is lost, nothing is duplicated."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from corpus_fixtures import EVENTS, make_article

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def snapshot(db) -> dict[str, tuple[str, str]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return {i: (k, t) for i, k, t in conn.execute("SELECT id, ingest_key, text FROM articles")}
    except sqlite3.OperationalError:
        return {}
    finally:
        conn.close()


def test_sigkill_mid_ingest_then_rerun(tmp_path):
    n = 3000
    rows = [make_article(e, k, seed=k % 7) for k in range(n // len(EVENTS)) for e in EVENTS]
    for j, r in enumerate(rows):
        r["id"] = f"a{j}"  # distinct inputs even where the made-up texts repeat
    src = tmp_path / "big.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    db = tmp_path / "c.db"
    cmd = [sys.executable, "-m", "storyline.cli", "ingest", str(src), "--db", str(db), "--batch", "50", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    before: dict = {}
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
        before = snapshot(db) if db.exists() else {}
        if len(before) >= 300:
            break
    if proc.poll() is not None:
        pytest.skip("ingest finished before it could be killed (machine too fast for this input)")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    after_kill = snapshot(db)
    assert len(before) <= len(after_kill) < n  # killed mid-way; what was committed is there
    for i, v in before.items():
        assert after_kill[i] == v
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert f"{len(after_kill)} already stored" in r.stdout.replace(",", "")
    final = snapshot(db)
    assert len(final) == n
    assert len({k for k, _ in final.values()}) == n  # no input stored twice
    for i, v in after_kill.items():
        assert final[i] == v
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM articles WHERE story IS NULL").fetchone()[0] == 0
    orphans = conn.execute(
        "SELECT COUNT(*) FROM articles WHERE story NOT IN (SELECT id FROM stories)"
    ).fetchone()[0]
    assert orphans == 0
    assert conn.execute("SELECT SUM(articles) FROM stories").fetchone()[0] == n
    conn.close()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)  # a third run adds nothing
    assert "added 0 articles" in r.stdout and f"{n} already stored" in r.stdout.replace(",", "")
