"""HTML pages -> Article via trafilatura (main text, title, date, site name)."""

from __future__ import annotations

import re
import warnings

from ..errors import InputError
from ..model import Article

_HTML_HINT = re.compile(r"<\s*(!doctype\s+html|html|head|body|article|p|div)\b", re.I)


def looks_like_html(text: str) -> bool:
    """Whether a text is an HTML document (checked on its first 2 KB)."""
    return bool(_HTML_HINT.search(text[:2048]))


def read_html(data: str | bytes, *, id: str, path: str | None = None, url: str | None = None) -> Article:
    """Extract the article of an HTML page; raises :class:`InputError` when the page has none."""
    import trafilatura

    name = path or url or id
    if isinstance(data, bytes):
        from .decode import decode_bytes

        data = decode_bytes(data, name)
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            doc = trafilatura.bare_extraction(
                data, url=url, with_metadata=True, include_comments=False, include_tables=False
            )
        except Exception as exc:  # trafilatura raises assorted errors on broken markup
            raise InputError(f"{name}: cannot parse HTML ({type(exc).__name__})") from None
    if doc is None:
        raise InputError(f"{name}: no article text found in the HTML page")
    meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = (meta.get("text") or "").strip()
    title = (meta.get("title") or "").strip() or None
    if title and text.startswith(title):
        text = text[len(title) :].lstrip("\n ")
    if len(text.split()) < 20:
        raise InputError(f"{name}: no article text found in the HTML page")
    return Article(
        id=id,
        text=text,
        source=(meta.get("sitename") or None),
        title=title,
        date=meta.get("date") or None,
        url=url or meta.get("url") or None,
        path=path,
        raw=text,
        meta={"format": "html"},
    )
