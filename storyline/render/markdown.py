"""Markdown renderer: a report that reads well in a terminal and in any Markdown viewer.

Citation marks like ``[1,3]`` are source numbers in brief order (see the source key under the
summary). Brief text is untrusted: line breaks are collapsed (no injected headings or lists),
``<`` and ``](`` are backslash-escaped (no raw HTML or inline links in viewers) and ``|`` is
escaped in table cells.
"""

from __future__ import annotations

from typing import Any

from .common import (
    STATUS_LABELS,
    STATUSES,
    as_dict,
    as_list,
    cite_numbers,
    ids,
    percent,
    safe_url,
    source_key,
    status_of,
    story,
    text,
)


def _md(v: Any) -> str:
    """Inline text: whitespace collapsed; ``<`` and ``](`` escaped so viewers show them, not HTML or links."""
    return text(v).replace("<", "\\<").replace("](", "]\\(")


def _cell(v: Any) -> str:
    """Table-cell text: :func:`_md` plus ``|`` escaped."""
    return _md(v).replace("|", "\\|")


def _cite(nums: list[int]) -> str:
    return "[" + ",".join(map(str, nums)) + "]" if nums else "[?]"


def _short(v: Any, n: int = 80) -> str:
    s = text(v)
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def render_markdown(brief: dict[str, Any]) -> str:
    """The brief as a Markdown report: counts, cited summary, claims, discrepancies, quotes, sources."""
    key = source_key(brief)
    number = {s["id"]: s["n"] for s in key}
    claims = [as_dict(c) for c in as_list(brief.get("claims"))]
    claim_text = {text(c.get("id")): text(c.get("text")) for c in claims}
    discrepancies = [as_dict(d) for d in as_list(brief.get("discrepancies"))]
    quotes = [as_dict(q) for q in as_list(brief.get("quotes"))]
    st = story(brief)

    out = [f"# {_md(st['title'])}", ""]
    out += [
        " · ".join(
            _count(n, word)
            for n, word in (
                (st["articles"], "article"),
                (st["independent_sources"], "independent source"),
                (len(claims), "claim"),
                (len(discrepancies), "discrepancy"),
                (len(quotes), "quote"),
            )
        ),
        "",
    ]

    out += ["## Summary", ""]
    summary = [as_dict(s) for s in as_list(brief.get("summary"))]
    if summary:
        out += [
            " ".join(f"{_md(s.get('text'))} {_cite(cite_numbers(s.get('sources'), number))}" for s in summary)
        ]
    else:
        out += ["_No summary._"]
    out += ["", "Sources:", ""]
    for s in key:
        title = f" — {_md(s.get('title'))}" if text(s.get("title")) else ""
        out.append(f"- [{s['n']}] **{_md(s['name'])}**{title}")
    out.append("")

    out += ["## Claims", ""]
    if not claims:
        out += ["_No claims._", ""]
    for status in (*STATUSES, "other"):
        group = [c for c in claims if status_of(c) == status]
        if not group:
            continue
        out += [f"### {STATUS_LABELS.get(status, 'Other')} ({len(group)})", ""]
        out += ["| Id | Claim | Sources | Independent |", "|---|---|---|---|"]
        for c in group:
            nums = _cite(cite_numbers(c.get("sources"), number))
            out.append(
                f"| {_cell(c.get('id'))} | {_cell(c.get('text'))} | {nums} | {_cell(c.get('independent_sources'))} |"
            )
        out.append("")

    out += ["## Discrepancies", ""]
    if not discrepancies:
        out += ["_None found._"]
    for d in discrepancies:
        cid = text(d.get("claim"))
        about = f" — {_md(d.get('about'))}" if text(d.get("about")) else ""
        on = f" (claim {_md(cid)}: “{_md(_short(claim_text.get(cid)))}”)" if cid in claim_text else ""
        out.append(f"- **{_md(d.get('kind')) or 'discrepancy'}**{about}{on}")
        for var in as_list(d.get("variants")):
            var = as_dict(var)
            out.append(f"  - “{_md(var.get('text'))}” {_cite(cite_numbers(var.get('sources'), number))}")
    out.append("")

    out += ["## Quotes", ""]
    if not quotes:
        out += ["_No quotes._"]
    for q in quotes:
        speaker = _md(q.get("speaker")) or "unattributed"
        changed = "" if q.get("exact", True) else " _(wording differs between sources)_"
        out.append(
            f"- “{_md(q.get('text'))}” — {speaker} {_cite(cite_numbers(q.get('sources'), number))}{changed}"
        )
    out.append("")

    out += ["## Sources", ""]
    for s in key:
        out += [f"### [{s['n']}] {_md(s['name'])}", ""]
        if s["unlisted"]:
            out += ["_Cited in the brief but not listed among its sources._", ""]
            continue
        facts = [f"_{_md(s.get('title'))}_" if text(s.get("title")) else ""]
        facts += [f"{_md(s.get('words'))} words" if s.get("words") is not None else ""]
        facts += [_md(s.get("date")), f"<{s['url']}>" if safe_url(s.get("url")) else ""]
        if any(facts):
            out += [" · ".join(f for f in facts if f), ""]
        boiler = [f"“{_md(_short(b, 60))}”" for b in as_list(s.get("boilerplate_removed"))]
        out.append(f"- Boilerplate removed: {', '.join(boiler) if boiler else 'none'}")
        terms = [f"**{_md(t)}**" for t in as_list(s.get("loaded_terms"))]
        out.append(f"- Loaded terms: {', '.join(terms) if terms else 'none'}")
        derived = []
        for der in as_list(s.get("derived_from")):
            der = as_dict(der)
            sid = text(der.get("source"))
            label = f"[{number[sid]}] {_md(key[number[sid] - 1]['name'])}" if sid in number else _md(sid)
            derived.append(f"{label} ({percent(der.get('overlap'))} overlap)")
        out.append(f"- Derived from: {', '.join(derived) if derived else 'none (original reporting)'}")
        omits = [
            f"{_md(o)} (“{_md(_short(claim_text[o], 60))}”)" if o in claim_text else _md(o)
            for o in ids(s.get("omits"))
        ]
        out.append(f"- Omits: {'; '.join(omits) if omits else 'nothing the others report'}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _count(n: object, word: str) -> str:
    """``1 claim``, ``2 claims``, ``3 discrepancies``."""
    if n == 1:
        return f"1 {word}"
    return f"{n} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"
