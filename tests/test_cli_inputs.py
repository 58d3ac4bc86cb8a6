"""`storyline brief` on bad inputs, through the real console entry point in a subprocess.

Each problem is one stderr line starting ``storyline: error:``; never a traceback; exit 0 when at least
one article was usable, non-zero when none was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

GOOD = (
    "Heavy rain flooded the valley road on Tuesday, forcing the county to close it for two days.\n"
    "About 300 homes lost power, and crews worked through the night to restore it, a utility said.\n"
)
PREFIX = "storyline: error: "


def run_brief(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("STORYLINE_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "storyline.cli", "brief", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_lines(proc: subprocess.CompletedProcess) -> list[str]:
    """stderr lines, each a one-line error; no traceback anywhere."""
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    lines = proc.stderr.splitlines()
    assert all(line.startswith(PREFIX) for line in lines), proc.stderr
    return [line[len(PREFIX) :] for line in lines]


def make_bad(tmp: Path) -> dict[str, str]:
    """Bad inputs by name -> what their error line says."""
    (tmp / "empty.txt").write_bytes(b"")
    (tmp / "bom-only.txt").write_bytes(b"\xef\xbb\xbf \n")
    (tmp / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp / "nothing.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (tmp / "rows.jsonl").write_text('not json\n{"id": "x"}\n[' + "[" * 5000 + "\n")
    (tmp / "emptydir").mkdir()
    return {
        "empty.txt": "file is empty",
        "bom-only.txt": "file is empty",
        "binary.txt": "binary data",
        "nothing.html": "no article text",
        "rows.jsonl": "invalid JSON",
        "missing.txt": "no such file",
        "emptydir": "directory holds no article files",
    }


@pytest.mark.parametrize(
    "name",
    ["empty.txt", "bom-only.txt", "binary.txt", "nothing.html", "rows.jsonl", "missing.txt", "emptydir"],
)
def test_each_bad_input_alone_fails_with_one_clear_line(tmp_path, name):
    expected = make_bad(tmp_path)
    proc = run_brief(name, cwd=tmp_path)
    lines = check_lines(proc)
    assert proc.returncode != 0
    assert proc.stdout == ""
    problems = [line for line in lines if line != "no usable articles in the input"]
    assert problems and all(name in line for line in problems), lines
    assert expected[name] in problems[0]
    assert lines[-1] == "no usable articles in the input"


def test_mixed_directory_keeps_the_good_and_reports_each_bad(tmp_path):
    expected = make_bad(tmp_path)
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "legacy.txt").write_bytes(
        ("The caf\u00e9 owner said \u201cwe will reopen\u201d once the water goes down.\n").encode("cp1252")
    )
    (tmp_path / "good.html").write_text(
        "<html><head><title>Flood</title></head><body><article>"
        + "".join(f"<p>{line}</p>" for line in GOOD.splitlines())
        + "</article></body></html>"
    )
    proc = run_brief(".", "missing.txt", "emptydir", cwd=tmp_path)
    lines = check_lines(proc)
    assert proc.returncode == 1, proc.stderr  # the brief of the rest is written; the status says some failed
    doc = json.loads(proc.stdout)
    assert {s["id"] for s in doc["sources"]} == {"good", "good-2", "legacy"}
    # cp1252 curly quotes decoded, then straightened by cleaning
    mentions = [m["text"] for c in doc["claims"] for m in c["mentions"]]
    assert any('caf\u00e9 owner said "we will reopen"' in m for m in mentions), mentions
    for name, needle in expected.items():
        assert any(name in line and needle in line for line in lines), (name, lines)
    assert "no usable articles in the input" not in lines


def test_legacy_encoding_alone_is_usable(tmp_path):
    (tmp_path / "latin.txt").write_bytes(
        "Le caf\u00e9 a ferm\u00e9 ses portes mardi apr\u00e8s l'inondation, a dit le maire.\n".encode(
            "latin-1"
        )
    )
    proc = run_brief("latin.txt", "--format", "md", cwd=tmp_path)
    assert check_lines(proc) == [] and proc.returncode == 0
    assert "caf\u00e9 a ferm\u00e9" in proc.stdout


def test_limits_at_the_command_line(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "big.txt").write_text(GOOD * 40)  # 7.4 KB
    proc = run_brief(".", cwd=tmp_path, env={"STORYLINE_MAX_FILE_MB": "0.004"})
    lines = check_lines(proc)
    assert proc.returncode == 1 and len(lines) == 1 and "big.txt" in lines[0] and "limit" in lines[0]
    assert json.loads(proc.stdout)["sources"][0]["id"] == "a"
    proc = run_brief("a.txt", cwd=tmp_path, env={"STORYLINE_MAX_FILE_MB": "many"})
    lines = check_lines(proc)
    assert proc.returncode != 0 and len(lines) == 1 and "STORYLINE_MAX_FILE_MB" in lines[0]


def test_jsonl_with_lone_surrogates_and_raw_line_separators_is_written(tmp_path):
    row = {"id": "r1", "text": GOOD.replace("\n", " \u2028 ") + " \ud800 end."}
    (tmp_path / "rows.jsonl").write_text(json.dumps(row, ensure_ascii=False).replace("\ud800", "\\ud800"))
    proc = run_brief("rows.jsonl", cwd=tmp_path)
    assert check_lines(proc) == [] and proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["sources"][0]["id"] == "r1"
