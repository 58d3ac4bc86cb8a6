"""Helpers shared by the renderers: tolerant access to a brief dict, the source key, citations.

Every renderer reads the ``storyline.brief/1`` dict, never the dataclasses, so that the web
service can render stored JSON. Briefs may be partial or hand-edited: nothing here raises on a
missing or oddly typed field.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

STATUSES = ("consensus", "partial", "single")
STATUS_LABELS = {"consensus": "Consensus", "partial": "Partial", "single": "One independent source"}
KINDS = ("number", "date", "quote", "attribution")

_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def as_list(v: Any) -> list:
    """``v`` when it is a list, else an empty list."""
    return v if isinstance(v, list) else []


def as_dict(v: Any) -> dict:
    """``v`` when it is a dict, else an empty dict."""
    return v if isinstance(v, dict) else {}


def text(v: Any) -> str:
    """A display string: ``""`` for None, whitespace collapsed to single spaces."""
    return "" if v is None else " ".join(str(v).split())


def ids(v: Any) -> list[str]:
    """A list of source ids as strings, order kept, duplicates and blanks dropped."""
    out: list[str] = []
    for x in as_list(v):
        s = "" if x is None else str(x)
        if s and s not in out:
            out.append(s)
    return out


def percent(v: Any) -> str:
    """``0.62`` -> ``"62%"``; ``"?"`` when not a number."""
    try:
        return f"{round(float(v) * 100)}%"
    except (TypeError, ValueError):
        return "?"


def safe_url(v: Any) -> str | None:
    """``v`` if it is an absolute http(s) URL without whitespace or control characters, else None."""
    if not isinstance(v, str) or not v or _CONTROL.search(v):
        return None
    try:
        parts = urlsplit(v)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return v


def status_of(claim: dict) -> str:
    """The claim's status when it is one of :data:`STATUSES`, else ``"other"``."""
    s = claim.get("status")
    return s if s in STATUSES else "other"


def source_key(brief: dict) -> list[dict]:
    """Sources in brief order, numbered from 1, plus any id cited elsewhere but not listed.

    Each entry is the source dict with ``id`` (str), ``n`` (number) and ``unlisted`` added; the
    numbers are the citation marks every renderer uses.
    """
    out: list[dict] = []
    seen: dict[str, dict] = {}

    def add(sid: str, src: dict, unlisted: bool) -> None:
        if sid and sid not in seen:
            entry = {**src, "id": sid, "n": len(out) + 1, "unlisted": unlisted}
            entry["name"] = text(src.get("name")) or sid
            seen[sid] = entry
            out.append(entry)

    for src in as_list(brief.get("sources")):
        src = as_dict(src)
        add(text(src.get("id")), src, False)
    for sid in referenced_ids(brief):
        add(sid, {}, True)
    return out


def referenced_ids(brief: dict) -> list[str]:
    """Every source id cited anywhere in the brief, in order of first appearance."""
    refs: list[str] = []
    for claim in as_list(brief.get("claims")):
        claim = as_dict(claim)
        refs += ids(claim.get("sources"))
        refs += [str(m.get("source")) for m in as_list(claim.get("mentions")) if isinstance(m, dict)]
    for d in as_list(brief.get("discrepancies")):
        for var in as_list(as_dict(d).get("variants")):
            refs += ids(as_dict(var).get("sources"))
    for q in as_list(brief.get("quotes")):
        refs += ids(as_dict(q).get("sources"))
    for s in as_list(brief.get("summary")):
        refs += ids(as_dict(s).get("sources"))
    for src in as_list(brief.get("sources")):
        for der in as_list(as_dict(src).get("derived_from")):
            refs.append(str(as_dict(der).get("source") or ""))
    return [r for r in dict.fromkeys(refs) if r and r != "None"]


def cite_numbers(source_ids: Any, number: dict[str, int]) -> list[int]:
    """Sorted citation numbers of ``source_ids`` (unknown ids dropped)."""
    return sorted({number[s] for s in ids(source_ids) if s in number})


def story(brief: dict) -> dict:
    """Title and counts, falling back to what the brief lists when ``story`` is missing."""
    st = as_dict(brief.get("story"))
    return {
        "title": text(st.get("title")) or "Untitled story",
        "articles": st.get("articles", len(as_list(brief.get("sources")))),
        "independent_sources": st.get("independent_sources", "?"),
    }
