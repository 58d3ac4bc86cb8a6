"""Paths to the shipped example and the shared data; tests skip when the data is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "harbor-bridge"
EXAMPLE_JSONL = ROOT / "examples" / "harbor-bridge.jsonl"
SHARED = ROOT.parent / "shared" / "data"
SEEDS = SHARED / "seeds"
DEV = SHARED / "dev"


def need(path: Path) -> Path:
    """Skip the test when a shared data file or folder is absent."""
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path
