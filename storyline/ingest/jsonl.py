"""JSON lines: one article per row ``{id, source?, title?, text, date?, url?}``."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import InputError
from ..model import Article
from .decode import decode_bytes


def parse_jsonl(text: str, name: str) -> tuple[list[Article], list[str]]:
    """Parse JSON lines text; bad rows become error lines, good rows articles."""
    articles: list[Article] = []
    errors: list[str] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{name}:{lineno}: invalid JSON ({exc.msg})")
            continue
        if not isinstance(row, dict):
            errors.append(f"{name}:{lineno}: row is not a JSON object")
            continue
        try:
            art = Article.from_dict(row)
        except (TypeError, ValueError) as exc:
            errors.append(f"{name}:{lineno}: {exc}")
            continue
        if not art.text.strip():
            errors.append(f"{name}:{lineno}: article {art.id!r} has empty text")
            continue
        if not art.id:
            art.id = f"{Path(name).stem}-{lineno}"
        art.path = art.path or name
        art.raw = art.text
        articles.append(art)
    return articles, errors


def read_jsonl(path: str | Path) -> tuple[list[Article], list[str]]:
    """Read a ``.jsonl`` file; returns ``(articles, errors)``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [f"{path}: cannot read ({exc.strerror or exc})"]
    try:
        text = decode_bytes(data, str(path))
    except InputError as exc:
        return [], [str(exc)]
    return parse_jsonl(text, str(path))
