"""RSS and Atom feeds (feedparser): one article per entry, its page fetched with ``fetch_entries``."""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..errors import InputError
from ..model import Article

FEED_SUFFIXES = {".rss", ".atom", ".xml"}
_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"</?(p|div|br|li|h[1-6]|blockquote|tr)\b[^>]*>", re.I)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)


def looks_like_feed(data: bytes | str) -> bool:
    """Whether a document is an RSS/Atom/RDF feed (checked on its first 2 KB)."""
    head = (data[:2048].decode("utf-8", "replace") if isinstance(data, bytes) else data[:2048]).lower()
    return "<rss" in head or "<feed" in head or "<rdf:rdf" in head


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content or summary), paragraphs kept."""
    text = _SCRIPT.sub(" ", fragment)
    text = _BLOCK.sub("\n", text)
    text = html.unescape(_TAG.sub(" ", text))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def parse_feed(
    data: bytes | str,
    *,
    name: str,
    fetch_entries: bool = False,
    allow_private: bool = False,
    **fetch_options: object,
) -> tuple[list[Article], list[str]]:
    """Parse a feed document; returns ``(articles, errors)``.

    An entry's text is its content (or summary); with ``fetch_entries`` the entry's link is fetched
    and the page's article text used instead (falling back to the feed text when the page fails).
    """
    import feedparser

    parsed = feedparser.parse(data)
    entries = list(parsed.get("entries") or [])
    errors: list[str] = []
    if not entries:
        if parsed.get("bozo"):
            exc = parsed.get("bozo_exception")
            detail = str(exc).splitlines()[0] if exc else "parse error"
            return [], [f"{name}: not a valid RSS/Atom feed ({detail})"]
        return [], [f"{name}: feed has no entries"]
    if parsed.get("bozo") and not isinstance(
        parsed.get("bozo_exception"), feedparser.CharacterEncodingOverride
    ):
        exc = parsed.get("bozo_exception")
        errors.append(
            f"{name}: feed is malformed ({str(exc).splitlines()[0] if exc else 'parse error'}); read what parsed"
        )
    site = (parsed.get("feed") or {}).get("title") or None
    articles: list[Article] = []
    for k, entry in enumerate(entries, 1):
        try:
            articles.append(_entry_article(entry, k, name, site, fetch_entries, allow_private, fetch_options))
        except InputError as exc:
            errors.append(str(exc))
    return articles, errors


def _entry_article(
    entry: dict,
    k: int,
    name: str,
    site: str | None,
    fetch_entries: bool,
    allow_private: bool,
    fetch_options: dict,
) -> Article:
    link = entry.get("link") or None
    ident = entry.get("id") or link or f"{Path(name).stem}-{k}"
    title = html_to_text(entry.get("title") or "") or None
    body = ""
    contents = entry.get("content") or []
    if contents:
        body = html_to_text(" ".join(c.get("value", "") for c in contents))
    if not body:
        body = html_to_text(entry.get("summary") or entry.get("description") or "")
    date = entry.get("published") or entry.get("updated") or None
    if fetch_entries and link:
        from . import read_html
        from .url import fetch

        try:
            got = fetch(link, allow_private=allow_private, **fetch_options)
            page = read_html(got.data, id=str(ident), url=got.url)
            page.title = page.title or title
            page.date = page.date or date
            if site and (not page.source or _hostlike(page.source)):
                page.source = site  # trafilatura falls back to the host name
            page.meta = {**page.meta, "feed": name}
            return page
        except InputError as exc:
            if not body:
                raise InputError(f"{name}: entry {k}: {exc}") from None
    if not body.strip():
        raise InputError(f"{name}: entry {k} ({title or ident}) has no text (use --fetch to read its page)")
    return Article(
        id=str(ident),
        text=body,
        source=site,
        title=title,
        date=date,
        url=link,
        path=name,
        raw=body,
        meta={"format": "feed", "feed": name},
    )


def _hostlike(name: str) -> bool:
    return " " not in name and ("." in name or ":" in name)


def read_feed(path: str | Path, **options: object) -> tuple[list[Article], list[str]]:
    """Read a feed file; returns ``(articles, errors)``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [f"{path}: cannot read ({exc.strerror or exc})"]
    return parse_feed(data, name=str(path), **options)  # type: ignore[arg-type]
