"""Readers: files, directories, HTML and JSON lines -> :class:`~storyline.model.Article`.

Every reader returns articles *as read* (not yet cleaned) and collects one-line error messages
instead of raising, so one bad input never stops the others.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError, StorylineError
from ..model import Article
from .decode import decode_bytes, format_size
from .html import looks_like_html, read_html
from .jsonl import read_jsonl
from .text import read_text

__all__ = [
    "read_paths",
    "read_file",
    "read_html",
    "read_jsonl",
    "read_text",
    "decode_bytes",
    "article_size_limit",
    "total_input_limit",
    "SUFFIXES",
    "MAX_FILE_BYTES",
    "MAX_TOTAL_BYTES",
]

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
MAX_FILE_BYTES = 20 * 1024 * 1024  # one article (a file, or a JSON lines row) larger than this is refused
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # files past this total in one read_paths call are skipped
MB = 1024 * 1024


def _limit_from_env(var: str, default: int) -> int:
    """A byte limit given in MB by an environment variable (``0`` = no limit), else ``default``."""
    raw = os.environ.get(var, "").strip()
    if not raw:
        return default
    try:
        mb = float(raw)
    except ValueError:
        raise StorylineError(f"{var}={raw!r} is not a number of megabytes") from None
    if mb < 0 or mb != mb:
        raise StorylineError(f"{var}={raw!r} is not a number of megabytes")
    return int(mb * MB)


def article_size_limit() -> int:
    """Per-article size limit: ``STORYLINE_MAX_FILE_MB`` when set, else :data:`MAX_FILE_BYTES`."""
    return _limit_from_env("STORYLINE_MAX_FILE_MB", MAX_FILE_BYTES)


def total_input_limit() -> int:
    """Total input limit of one run: ``STORYLINE_MAX_TOTAL_MB`` when set, else :data:`MAX_TOTAL_BYTES`."""
    return _limit_from_env("STORYLINE_MAX_TOTAL_MB", MAX_TOTAL_BYTES)


def read_file(path: Path) -> list[Article]:
    """Read one file into articles (a jsonl file may hold many); raises :class:`InputError`."""
    suffix = path.suffix.lower()
    limit = article_size_limit()
    if suffix in JSONL_SUFFIXES:
        articles, errors = read_jsonl(path, max_row_bytes=limit)
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
    if limit and size > limit:
        raise InputError(
            f"{path}: file is {format_size(size)}, over the {format_size(limit)} limit for one article "
            "(STORYLINE_MAX_FILE_MB)"
        )
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


def read_paths(
    paths: list[str] | list[Path], *, max_total_bytes: int | None = None
) -> tuple[list[Article], list[str]]:
    """Read files and directories; returns ``(articles, errors)`` with one line per error.

    Duplicate ids (two files with one stem) get a numeric suffix so every source stays distinct.
    Files that would take the input past ``max_total_bytes`` (default :func:`total_input_limit`; ``0`` = no
    limit) are skipped and reported in one line.
    """
    total_limit = total_input_limit() if max_total_bytes is None else max_total_bytes
    articles: list[Article] = []
    errors: list[str] = []
    total, skipped = 0, []
    for raw in paths:
        for path in _expand(Path(raw), errors):
            if total_limit:
                try:
                    size = path.stat().st_size
                except OSError:
                    size = 0  # read_file reports it
                if total + size > total_limit:
                    skipped.append(path)
                    continue
                total += size
            try:
                articles.extend(read_file(path))
            except _Partial as part:
                articles.extend(part.articles)
                errors.extend(part.errors)
            except InputError as exc:
                errors.append(str(exc))
    if skipped:
        more = f" and {len(skipped) - 1} more file(s)" if len(skipped) > 1 else ""
        errors.append(
            f"{skipped[0]}{more}: skipped, the input is over the {format_size(total_limit)} limit "
            "for one run (STORYLINE_MAX_TOTAL_MB)"
        )
    _dedupe_ids(articles)
    return articles, errors


def unique_ids(ids: list[str]) -> list[str]:
    """Distinct ids: a repeated id gets ``-2``, ``-3``, ... (the rule of every command that reads files)."""
    seen: dict[str, int] = {}
    out = []
    for i in ids:
        base = i or "article"
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.append(f"{base}-{n + 1}" if n else i)
    return out


def _dedupe_ids(articles: list[Article]) -> None:
    for art, new in zip(articles, unique_ids([a.id for a in articles]), strict=True):
        art.id = new
