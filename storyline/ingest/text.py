"""Plain text and Markdown articles."""

from __future__ import annotations

import re

from ..errors import InputError
from ..model import Article

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)
_MD_EMPH = re.compile(r"(\*\*|__|\*|_)(\S(?:.*?\S)?)\1")
_MD_H1 = re.compile(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", re.M)
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?", re.M)
_MD_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$", re.M)


def strip_markdown(text: str) -> str:
    """Markdown -> plain text (headings, links, images, emphasis, block quotes, rules)."""
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub("", text)
    text = _MD_EMPH.sub(r"\2", text)
    text = _MD_QUOTE.sub("", text)
    return _MD_RULE.sub("", text)


def read_text(text: str, *, id: str, path: str | None = None, markdown: bool = False) -> Article:
    """A plain-text article. In Markdown the first ``# heading`` is the title; in plain text the title is
    found by :func:`storyline.clean.clean_article`."""
    title = None
    if markdown:
        h1 = _MD_H1.search(text)
        if h1:
            title = strip_markdown(h1.group(1)).strip() or None
            text = text[: h1.start()] + text[h1.end() :]
        text = strip_markdown(text)
    if not text.strip():
        raise InputError(f"{path or id}: file is empty")
    return Article(id=id, text=text, path=path, raw=text, title=title)
