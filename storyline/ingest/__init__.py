"""Readers: files, directories, HTML and JSON lines -> :class:`~storyline.model.Article`.

Every reader returns articles *as read* (not yet cleaned) and collects one-line error messages
instead of raising, so one bad input never stops the others.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..model import Article
from .decode import decode_bytes
from .html import looks_like_html, read_html
from .jsonl import read_jsonl
from .text import read_text

__all__ = ["read_paths", "read_file", "read_html", "read_jsonl", "read_text", "decode_bytes", "SUFFIXES"]

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
MAX_FILE_BYTES = 20 * 1024 * 1024  # a single article file larger than this is refused


def read_file(path: Path) -> list[Article]:
    """Read one file into articles (a jsonl file may hold many); raises :class:`InputError`."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        articles, errors = read_jsonl(path)
        if not articles:
            raise InputError(errors[0] if errors else f"{path}: no articles in JSON lines file")
        if errors:
            # keep the good rows; the caller reports the bad ones through read_paths
            raise _Partial(articles, errors)
        return articles
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path}: file is {size / 1e6:.0f} MB, over the {MAX_FILE_BYTES / 1e6:.0f} MB limit")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    text = decode_bytes(data, str(path))
    ident = path.stem
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and looks_like_html(text)):
        return [read_html(text, id=ident, path=str(path))]
    return [read_text(text, id=ident, path=str(path), markdown=suffix in {".md", ".markdown"})]


class _Partial(Exception):
    def __init__(self, articles: list[Article], errors: list[str]) -> None:
        super().__init__(errors[0])
        self.articles, self.errors = articles, errors


def _expand(path: Path, errors: list[str]) -> list[Path]:
    if path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUFFIXES - {""}
        )
        if not files:
            errors.append(f"{path}: directory holds no article files (.txt, .md, .html, .jsonl)")
        return files
    if not path.exists():
        errors.append(f"{path}: no such file or directory")
        return []
    return [path]


def read_paths(paths: list[str] | list[Path]) -> tuple[list[Article], list[str]]:
    """Read files and directories; returns ``(articles, errors)`` with one line per error.

    Duplicate ids (two files with one stem) get a numeric suffix so every source stays distinct.
    """
    articles: list[Article] = []
    errors: list[str] = []
    for raw in paths:
        for path in _expand(Path(raw), errors):
            try:
                articles.extend(read_file(path))
            except _Partial as part:
                articles.extend(part.articles)
                errors.extend(part.errors)
            except InputError as exc:
                errors.append(str(exc))
    _dedupe_ids(articles)
    return articles, errors


def _dedupe_ids(articles: list[Article]) -> None:
    seen: dict[str, int] = {}
    for art in articles:
        base = art.id or "article"
        n = seen.get(base, 0)
        seen[base] = n + 1
        if n:
            art.id = f"{base}-{n + 1}"
