"""JSON lines: one article per row ``{id, source?, title?, text, date?, url?}``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Article
from .decode import decode_bytes, format_size

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean_value(value: Any) -> Any:
    """JSON may escape lone surrogates (``"\\ud800"``); they cannot be written as UTF-8, so replace them."""
    return _LONE_SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value


def parse_jsonl(text: str, name: str, max_row_bytes: int = 0) -> tuple[list[Article], list[str]]:
    """Parse JSON lines text; bad rows become error lines, good rows articles.

    A row longer than ``max_row_bytes`` (``0`` = no limit) is refused unparsed.
    """
    articles: list[Article] = []
    errors: list[str] = []
    # rows end at "\n" only: a JSON string may hold a raw U+2028 or U+0085, which splitlines() splits at
    for lineno, line in enumerate(text.split("\n"), 1):
        got = parse_row(line, name, lineno, max_row_bytes)
        if isinstance(got, Article):
            articles.append(got)
        elif got is not None:
            errors.append(got)
    return articles, errors


def parse_row(line: str, name: str, lineno: int, max_row_bytes: int = 0) -> Article | str | None:
    """One JSON lines row -> an :class:`Article`, a one-line error, or None for a blank line.

    Never raises: deep nesting, over-long integers and escaped lone surrogates are handled (the streaming
    corpus reader can use it row by row).
    """
    if not line.strip():
        return None
    where = f"{name}:{lineno}"
    if (
        max_row_bytes
        and len(line) > max_row_bytes // 4
        and len(line.encode("utf-8", "replace")) > max_row_bytes
    ):
        return f"{where}: row is over the {format_size(max_row_bytes)} limit for one article"
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"{where}: invalid JSON ({exc.msg})"
    except RecursionError:
        return f"{where}: invalid JSON (nested too deeply)"
    except ValueError:  # an integer over Python's 4,300-digit conversion limit
        return f"{where}: invalid JSON (number too long)"
    if not isinstance(row, dict):
        return f"{where}: row is not a JSON object"
    row = {_clean_value(k): _clean_value(v) for k, v in row.items()}
    try:
        art = Article.from_dict(row)
    except (TypeError, ValueError) as exc:
        return f"{where}: {exc}"
    if not art.text.strip():
        return f"{where}: article {art.id!r} has empty text"
    if not art.id:
        art.id = f"{Path(name).stem}-{lineno}"
    art.path = art.path or name
    art.raw = art.text
    return art


def read_jsonl(path: str | Path, max_row_bytes: int = 0) -> tuple[list[Article], list[str]]:
    """Read a ``.jsonl`` file; returns ``(articles, errors)``; rows over ``max_row_bytes`` are refused."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [f"{path}: cannot read ({exc.strerror or exc})"]
    try:
        text = decode_bytes(data, str(path))
    except InputError as exc:
        return [], [str(exc)]
    return parse_jsonl(text, str(path), max_row_bytes)
