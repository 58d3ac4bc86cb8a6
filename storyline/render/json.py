"""JSON renderer: the brief dict as pretty, UTF-8 JSON."""

from __future__ import annotations

import json
from typing import Any


def render_json(brief: dict[str, Any]) -> str:
    """The brief as JSON (indent 2, non-ASCII kept, trailing newline)."""
    return json.dumps(brief, indent=2, ensure_ascii=False) + "\n"
