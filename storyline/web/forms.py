"""The "new story" form: pasted texts and uploaded files -> articles, with the project's readers."""

from __future__ import annotations

import re
from pathlib import PurePath

from ..errors import InputError
from ..ingest import read_html, read_text
from ..ingest.decode import decode_bytes
from ..ingest.html import looks_like_html
from ..ingest.jsonl import parse_jsonl
from ..model import Article

SEPARATOR = re.compile(r"^[ \t]*-{3,}[ \t]*$", re.M)
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
ACCEPT = ".txt,.md,.markdown,.html,.htm,.xhtml,.jsonl,.ndjson"


def pasted_articles(texts: str) -> tuple[list[Article], list[str]]:
    """Articles pasted in one box, separated by a line of three or more dashes (``---``)."""
    articles, errors = [], []
    chunks = [c.strip() for c in SEPARATOR.split(texts.replace("\r\n", "\n"))]
    for k, chunk in enumerate((c for c in chunks if c), 1):
        try:
            articles.append(read_text(chunk, id=f"pasted-{k}"))
        except InputError as exc:
            errors.append(str(exc))
    return articles, errors


def file_articles(filename: str, data: bytes) -> tuple[list[Article], list[str]]:
    """Articles of one uploaded file, read by its suffix (``.jsonl`` may hold many)."""
    name = PurePath(filename.replace("\\", "/")).name or "upload"
    stem, suffix = PurePath(name).stem or "upload", PurePath(name).suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            return parse_jsonl(decode_bytes(data, name), name)
        if suffix in HTML_SUFFIXES:
            return [read_html(data, id=stem, path=name)], []
        body = decode_bytes(data, name)
        if looks_like_html(body) and suffix not in MARKDOWN_SUFFIXES | {".txt"}:
            return [read_html(body, id=stem, path=name)], []
        return [read_text(body, id=stem, path=name, markdown=suffix in MARKDOWN_SUFFIXES)], []
    except InputError as exc:
        return [], [str(exc)]
