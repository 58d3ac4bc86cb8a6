"""The reader fuzz harness (``fuzz/fuzz_readers.py``) with a fixed, derandomized example budget.

Every reader must return articles or raise :class:`storyline.errors.InputError` with one line.
``STORYLINE_FUZZ_SCALE=10`` runs ten times as many inputs; crashes found go to ``tests/regressions/``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fuzz"))
import fuzz_readers  # noqa: E402

SCALE = float(os.environ.get("STORYLINE_FUZZ_SCALE", "1"))
BUDGET = {"decode_bytes": 200, "read_html": 80, "parse_jsonl": 200, "read_paths": 50}


@pytest.mark.parametrize("target", list(BUDGET))
def test_fuzz_target(target):
    fuzz_readers.fuzz_test(target, max(1, int(BUDGET[target] * SCALE)))()


def test_seeds_are_valid_articles():
    """The harness mangles valid inputs; they must be valid to begin with, or mangling tests nothing."""
    assert fuzz_readers.read_html(fuzz_readers.VALID_HTML, id="seed").title == "Flood closes valley road"
    rows, errors = fuzz_readers.parse_jsonl(fuzz_readers.VALID_JSONL, "seed.jsonl")
    assert len(rows) == len(fuzz_readers.BODY) and errors == []
    assert fuzz_readers.decode_bytes(fuzz_readers.VALID_TEXT.encode("cp1252")) == fuzz_readers.VALID_TEXT


def test_oracle_catches_contract_breaks():
    """The checks themselves must fail on a broken reader: a two-line error and a crash."""
    with pytest.raises(fuzz_readers.Crash):
        fuzz_readers.one_line("first line\nsecond line")
    with pytest.raises(fuzz_readers.Crash):
        fuzz_readers.check_article(fuzz_readers.Article(id="x", text="  "))
    with pytest.raises(fuzz_readers.Crash):
        fuzz_readers.check_article(fuzz_readers.Article(id="x", text="lone \ud800 surrogate"))
