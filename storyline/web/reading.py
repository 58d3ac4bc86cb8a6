"""The side-by-side reading view: each source's cleaned text cut into claim mentions and plain text.

A mention is the source's own sentence (``claims[].mentions[].text``, verbatim after cleaning); it is
found in the source's text with whitespace-tolerant matching, so the view needs no second sentence
splitter. Each span carries the claim's number (the ``data-claim`` the page script highlights) and
whether the claim is *shared* (carried by two or more sources) or *unique* to this source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..render.common import as_dict, as_list, ids, source_key, text


def claim_mentions(brief: dict[str, Any]) -> dict[str, list[tuple[str, int, str]]]:
    """Per source id: ``(sentence, claim number, "shared"|"unique")`` in claim order (numbers from 1)."""
    out: dict[str, list[tuple[str, int, str]]] = {}
    for i, claim in enumerate(as_list(brief.get("claims")), 1):
        claim = as_dict(claim)
        mentions = [as_dict(m) for m in as_list(claim.get("mentions"))]
        carriers = set(ids(claim.get("sources"))) | {
            str(m.get("source")) for m in mentions if m.get("source")
        }
        kind = "shared" if len(carriers) >= 2 else "unique"
        for m in mentions:
            sentence = m.get("text")
            if m.get("source") is not None and isinstance(sentence, str) and sentence.strip():
                out.setdefault(str(m["source"]), []).append((sentence, i, kind))
    return out


def _pattern(sentence: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(w) for w in sentence.split()))


def spans(body: str, mentions: list[tuple[str, int, str]]) -> list[dict[str, Any]]:
    """Cut ``body`` into spans: ``{"text", "claim": int | None, "kind": "shared"|"unique"|None}``.

    Each mention takes its first occurrence that does not overlap one already placed; mentions not
    found in the text are left out (the matrix still lists them).
    """
    placed: list[tuple[int, int, int, str]] = []
    for sentence, claim, kind in mentions:
        for m in _pattern(sentence).finditer(body):
            a, b = m.span()
            if all(b <= s or a >= e for s, e, _, _ in placed):
                placed.append((a, b, claim, kind))
                break
    placed.sort()
    out: list[dict[str, Any]] = []
    pos = 0
    for a, b, claim, kind in placed:
        out += _plain(body[pos:a])
        out.append({"text": body[a:b], "claim": claim, "kind": kind, "break": False})
        pos = b
    return out + _plain(body[pos:])


_BREAK = re.compile(r"[ \t]*\n\s*")


def _plain(gap: str) -> list[dict[str, Any]]:
    """Text between mentions; line breaks become paragraph breaks (``{"break": True}``)."""
    out: list[dict[str, Any]] = []
    for k, piece in enumerate(_BREAK.split(gap)):
        if k:
            out.append({"text": "", "claim": None, "kind": None, "break": True})
        if piece:
            out.append({"text": piece, "claim": None, "kind": None, "break": False})
    return out


def reading_view(
    brief: dict[str, Any], texts: Mapping[str, str] | None = None, links: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """One column per listed source, in the brief's source order (numbers match the citation marks).

    ``texts`` maps source id -> cleaned article text; a source without one shows only its mentions.
    ``links`` maps source id -> a local URL of the article page (optional).
    """
    texts, links = texts or {}, links or {}
    by_source = claim_mentions(brief)
    columns = []
    for s in source_key(brief):
        if s["unlisted"]:
            continue
        mentions = by_source.get(s["id"], [])
        body = texts.get(s["id"])
        if isinstance(body, str) and body.strip():
            parts, full = spans(body.strip(), mentions), True
        else:
            parts, full = [], False
            for k, (sentence, claim, kind) in enumerate(sorted(mentions, key=lambda m: m[1])):
                if k:
                    parts.append({"text": "", "claim": None, "kind": None, "break": True})
                parts.append({"text": sentence, "claim": claim, "kind": kind, "break": False})
        shown = [p for p in parts if p["claim"] is not None]
        columns.append(
            {
                "n": s["n"],
                "id": s["id"],
                "name": s["name"],
                "title": text(s.get("title")),
                "href": links.get(s["id"]),
                "full": full,
                "spans": parts,
                "shared": sum(p["kind"] == "shared" for p in shown),
                "unique": sum(p["kind"] == "unique" for p in shown),
            }
        )
    return columns
