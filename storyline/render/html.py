"""HTML renderer: one self-contained report page (inline CSS, inline SVG, one hashed inline script).

Every string in a brief comes from article text and is untrusted. The page is rendered by Jinja2
with autoescape on; brief data is never marked safe; element ids and anchors are index-based
(``src-3``, ``claim-7``); CSS classes come from fixed lists; only http(s) source URLs become links.
A Content-Security-Policy meta tag allows inline style and exactly one script, by its sha256 hash.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from .common import (
    KINDS,
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

TEMPLATE = "report.html.j2"
SCRIPT = "report.js"
# Node colours of independent groups (muted, distinguishable, readable with dark text).
MATRIX_SOURCES = 30  # source columns in the claims matrix; a bigger story shows those carrying most claims
PALETTE = ("#cfe0f5", "#f6dcc4", "#d5ecd4", "#e6d7f0", "#f3e2a9", "#d2ebea", "#f1d1d6", "#dfe3e8")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment: package templates, autoescape on, undefined names are errors."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("storyline", "render/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def script_hash(script: str) -> str:
    """The CSP source expression (``'sha256-...'``) of an inline script's exact text."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_html(brief: dict[str, Any]) -> str:
    """The brief as a self-contained HTML report (no network resources, CSP-restricted)."""
    env = environment()
    script = env.loader.get_source(env, SCRIPT)[0].strip()  # our own file, not brief data
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src {script_hash(script)}; base-uri 'none'; form-action 'none'"
    )
    return env.get_template(TEMPLATE).render(context(brief), script=Markup(script), csp=csp)


def context(brief: dict[str, Any]) -> dict[str, Any]:
    """The template's view of a brief: plain, already-safe structure (ids, numbers, whitelisted classes)."""
    key = source_key(brief)
    number = {s["id"]: s["n"] for s in key}
    claims = [as_dict(c) for c in as_list(brief.get("claims"))]
    claim_no = {}
    for i, c in enumerate(claims, 1):
        claim_no.setdefault(text(c.get("id")), i)

    def cites(source_ids: Any) -> list[dict]:
        return [{"n": n, "name": key[n - 1]["name"]} for n in cite_numbers(source_ids, number)]

    def claim_ref(cid: Any) -> dict | None:
        i = claim_no.get(text(cid))
        return None if i is None else {"i": i, "id": text(cid), "text": text(claims[i - 1].get("text"))}

    columns = _matrix_columns(claims, key)
    rows = [_claim_row(i, c, key, number, columns) for i, c in enumerate(claims, 1)]
    sources = [_source_panel(s, key, number, rows, claim_ref) for s in key]
    discrepancies = []
    for d in as_list(brief.get("discrepancies")):
        d = as_dict(d)
        kind = text(d.get("kind"))
        variants = [as_dict(v) for v in as_list(d.get("variants"))]
        discrepancies.append(
            {
                "kind": kind or "discrepancy",
                "cls": kind if kind in KINDS else "other",
                "about": text(d.get("about")),
                "claim": claim_ref(d.get("claim")),
                "variants": [
                    {"text": text(v.get("text")), "cites": cites(v.get("sources"))} for v in variants
                ],
            }
        )
    quotes = [
        {
            "text": text(q.get("text")),
            "speaker": text(q.get("speaker")),
            "cites": cites(q.get("sources")),
            "exact": bool(q.get("exact", True)),
        }
        for q in map(as_dict, as_list(brief.get("quotes")))
    ]
    summary = [
        {"text": text(s.get("text")), "cites": cites(s.get("sources")), "claim": claim_ref(s.get("claim"))}
        for s in map(as_dict, as_list(brief.get("summary")))
    ]
    counts = {st: sum(r["status"] == st for r in rows) for st in (*STATUSES, "other")}
    return {
        "story": story(brief),
        "sources": sources,
        "claims": rows,
        "matrix_sources": [sources[n - 1] for n in columns],
        "matrix_note": (
            f"Columns: the {len(columns)} of {len(key):,} sources that carry the most claims; open a claim "
            "to read every source's sentence."
            if len(columns) < len(key)
            else ""
        ),
        "status_counts": counts,
        "status_labels": STATUS_LABELS,
        "discrepancies": discrepancies,
        "quotes": quotes,
        "summary": summary,
        "graph": provenance_graph(key, number),
        "schema": text(brief.get("schema")),
    }


def _matrix_columns(claims: list[dict], key: list[dict], most: int = MATRIX_SOURCES) -> list[int]:
    """Source numbers given a matrix column: all, or the ``most`` carrying the most claims (in key order)."""
    if len(key) <= most:
        return [s["n"] for s in key]
    carried: dict[str, int] = {}
    for c in claims:
        for sid in {
            *ids(c.get("sources")),
            *(text(as_dict(m).get("source")) for m in as_list(c.get("mentions"))),
        }:
            carried[sid] = carried.get(sid, 0) + 1
    top = sorted(key, key=lambda s: (-carried.get(s["id"], 0), s["n"]))[:most]
    return sorted(s["n"] for s in top)


def _claim_row(i: int, claim: dict, key: list[dict], number: dict[str, int], columns: list[int]) -> dict:
    """One matrix row: a cell per source column, filled when the source carries the claim."""
    carried = set(ids(claim.get("sources")))
    said: dict[str, list[str]] = {}
    for m in as_list(claim.get("mentions")):
        m = as_dict(m)
        sid = text(m.get("source"))
        if sid:
            carried.add(sid)
            if text(m.get("text")):
                said.setdefault(sid, []).append(text(m.get("text")))
    cells = []
    for s in (key[n - 1] for n in columns):
        on = s["id"] in carried
        omitted = not on and text(claim.get("id")) in ids(s.get("omits"))
        tip = " / ".join(said.get(s["id"], [])) or "(carries this claim; no sentence recorded)"
        cells.append({"on": on, "omits": omitted, "n": s["n"], "name": s["name"], "tip": tip if on else ""})
    status = status_of(claim)
    mentions = [{"n": s["n"], "name": s["name"], "text": t} for s in key for t in said.get(s["id"], [])]
    return {
        "i": i,
        "id": text(claim.get("id")),
        "text": text(claim.get("text")),
        "status": status,
        "status_label": STATUS_LABELS.get(status, text(claim.get("status")) or "unknown"),
        "independent": text(claim.get("independent_sources")),
        "carried_by": sorted(number[s] for s in carried if s in number),
        "cells": cells,
        "mentions": mentions,
    }


def _source_panel(s: dict, key: list[dict], number: dict[str, int], rows: list[dict], claim_ref: Any) -> dict:
    """One source panel: metadata, loaded terms in context, derivations both ways, omissions."""
    terms = [text(t) for t in as_list(s.get("loaded_terms")) if text(t)]
    own = [(r, m["text"]) for r in rows for m in r["mentions"] if m["n"] == s["n"]]
    in_context = []
    if terms:
        pattern = _terms_pattern(terms)
        for r, sentence in own:
            parts = _mark(sentence, pattern)
            if any(hit for _, hit in parts):
                in_context.append({"claim": r["i"], "parts": parts})
    derived = []
    for der in as_list(s.get("derived_from")):
        der = as_dict(der)
        sid = text(der.get("source"))
        n = number.get(sid)
        derived.append(
            {"n": n, "name": key[n - 1]["name"] if n else sid, "overlap": percent(der.get("overlap"))}
        )
    copied_by = []
    for other in key:
        for der in as_list(other.get("derived_from")):
            der = as_dict(der)
            if text(der.get("source")) == s["id"]:
                copied_by.append(
                    {"n": other["n"], "name": other["name"], "overlap": percent(der.get("overlap"))}
                )
    omits = [claim_ref(o) or {"i": None, "id": o, "text": ""} for o in ids(s.get("omits"))]
    only_here = [{"i": r["i"], "id": r["id"], "text": r["text"]} for r in rows if r["carried_by"] == [s["n"]]]
    return {
        "n": s["n"],
        "id": s["id"],
        "name": s["name"],
        "short": _clip(s["name"], 18),
        "unlisted": s["unlisted"],
        "title": text(s.get("title")),
        "words": text(s.get("words")),
        "date": text(s.get("date")),
        "path": text(s.get("path")),
        "url": safe_url(s.get("url")),
        "boilerplate": [text(b) for b in as_list(s.get("boilerplate_removed")) if text(b)],
        "terms": terms,
        "in_context": in_context,
        "derived": derived,
        "copied_by": copied_by,
        "omits": omits,
        "only_here": only_here,
        "claims_carried": sum(s["n"] in r["carried_by"] for r in rows),
    }


def _terms_pattern(terms: list[str]) -> re.Pattern[str]:
    alts = []
    for t in sorted(set(terms), key=len, reverse=True):
        p = re.escape(t)
        alts.append((r"\b" if t[0].isalnum() else "") + p + (r"\b" if t[-1].isalnum() else ""))
    return re.compile("|".join(alts), re.IGNORECASE)


def _mark(sentence: str, pattern: re.Pattern[str]) -> list[tuple[str, bool]]:
    """Split ``sentence`` into (text, is_loaded_term) parts; the template wraps terms in ``<mark>``."""
    parts, pos = [], 0
    for m in pattern.finditer(sentence):
        if m.start() > pos:
            parts.append((sentence[pos : m.start()], False))
        parts.append((m.group(0), True))
        pos = m.end()
    if pos < len(sentence):
        parts.append((sentence[pos:], False))
    return parts


def provenance_graph(key: list[dict], number: dict[str, int], per_row: int = 5) -> dict:
    """Layered layout of the derivation graph for inline SVG.

    Originals (no ``derived_from``) sit in the top layer; each derived article sits one layer below
    the deepest article it was derived from (cycles are cut). Edges run from original to derived,
    labelled with the overlap. Independent groups are the connected components, one colour each.
    """
    n = len(key)
    edges = []  # (parent index, child index, overlap label)
    for child in key:
        for der in as_list(child.get("derived_from")):
            der = as_dict(der)
            p = number.get(text(der.get("source")))
            if p is not None and p != child["n"]:
                edges.append((p - 1, child["n"] - 1, percent(der.get("overlap"))))
    depth = [0] * n
    for _ in range(n):  # longest-path layering; at most n rounds, so cycles stop
        changed = False
        for p, c, _label in edges:
            if depth[c] < depth[p] + 1 and depth[p] + 1 < n:
                depth[c], changed = depth[p] + 1, True
        if not changed:
            break
    group = list(range(n))  # union-find over edges

    def find(x: int) -> int:
        while group[x] != x:
            group[x] = group[group[x]]
            x = group[x]
        return x

    for p, c, _label in edges:
        group[find(p)] = find(c)
    roots = list(dict.fromkeys(find(i) for i in range(n)))
    colour = {r: PALETTE[k % len(PALETTE)] for k, r in enumerate(roots)}

    width, gap_x, gap_y, top, r = 880, 170, 100, 40, 22
    rows: list[list[int]] = []
    for d in sorted(set(depth)):
        layer = [i for i in range(n) if depth[i] == d]
        rows += [layer[k : k + per_row] for k in range(0, len(layer), per_row)]
    parents: dict[int, list[int]] = {}
    for p, c, _label in edges:
        parents.setdefault(c, []).append(p)
    pos: dict[int, tuple[float, float]] = {}
    for y_i, row in enumerate(rows):
        pos.update(_place_row(row, parents, pos, width, gap_x, top + y_i * gap_y))
    height = top + max(len(rows) - 1, 0) * gap_y + 40
    # a label fits between its circle and the next one in the row; longer names are cut with an
    # ellipsis (the node's <title> holds the full name)
    labels = [_clip_width(s["name"], gap_x - 2 * r - 10, 12) for s in key]
    curves = []  # (parent, child, overlap label, start, control, end, label point)
    for p, c, label in edges:
        (x1, y1), (x2, y2) = pos[p], pos[c]
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1.0
        ux, uy = dx / dist, dy / dist
        # curve sideways so opposite edges and same-row edges stay apart; edges that skip a row
        # bend further so they pass beside, not through, the articles in between
        bend = max(0.18 * dist, gap_x if abs(dy) > gap_y * 1.5 else 0.0)
        cx, cy = (x1 + x2) / 2 - uy * bend, (y1 + y2) / 2 + ux * bend
        sx, sy = _towards(x1, y1, cx, cy, r + 2)
        ex, ey = _towards(x2, y2, cx, cy, r + 6)
        lx, ly = 0.25 * sx + 0.5 * cx + 0.25 * ex, 0.25 * sy + 0.5 * cy + 0.25 * ey
        curves.append((p, c, label, (sx, sy), (cx, cy), (ex, ey), (lx, ly)))
    # fit the canvas to the drawing (labels and curves included, so none is cut at an edge): at least
    # the nominal size, content centred across, the top margin kept unless something reaches above it
    boxes = [(x - r, y - r, x + r + 6 + _text_width(labels[i], 12), y + r) for i, (x, y) in pos.items()]
    for _p, _c, label, s0, c0, e0, (lx, ly) in curves:
        (bx0, bx1), (by0, by1) = _bezier_span(s0[0], c0[0], e0[0]), _bezier_span(s0[1], c0[1], e0[1])
        boxes.append((bx0 - 6, by0 - 6, bx1 + 6, by1 + 6))  # stroke and arrowhead
        half = _text_width(label, 11, bold=True) / 2 + 2
        boxes.append((lx - half, ly - 9, lx + half, ly + 9))
    pad = 8
    left = min((b[0] for b in boxes), default=pad) - pad
    right = max((b[2] for b in boxes), default=width - pad) + pad
    width = math.ceil(max(width, right - left))
    x0 = (left + right - width) / 2
    y0 = min([0.0] + [b[1] - pad for b in boxes])
    height = math.ceil(max([float(height)] + [b[3] + pad for b in boxes]) - y0)
    nodes = [
        {
            "n": s["n"],
            "x": round(pos[i][0] - x0, 1),
            "y": round(pos[i][1] - y0, 1),
            "label": labels[i],
            "full": s["name"] + (f" — {text(s.get('title'))}" if text(s.get("title")) else ""),
            "fill": colour[find(i)],
        }
        for i, s in enumerate(key)
    ]
    out_edges = []
    for p, c, label, (sx, sy), (cx, cy), (ex, ey), (lx, ly) in curves:
        sx, cx, ex, sy, cy, ey = sx - x0, cx - x0, ex - x0, sy - y0, cy - y0, ey - y0
        out_edges.append(
            {
                "d": f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}",
                "lx": round(lx - x0, 1),
                "ly": round(ly - y0, 1),
                "label": label,
                "from": p + 1,
                "to": c + 1,
            }
        )
    groups = [
        {
            "colour": colour[r_],
            "members": [{"n": key[i]["n"], "name": key[i]["name"]} for i in range(n) if find(i) == r_],
        }
        for r_ in roots
    ]
    return {"width": width, "height": height, "r": r, "nodes": nodes, "edges": out_edges, "groups": groups}


def _place_row(
    row: list[int], parents: dict[int, list[int]], pos: dict, width: float, gap: float, y: float
) -> dict[int, tuple[float, float]]:
    """x positions for one row: each node near the mean x of its placed parents, at least ``gap`` apart."""
    want = {}
    for k, i in enumerate(row):
        xs = [pos[p][0] for p in parents.get(i, []) if p in pos]
        want[i] = sum(xs) / len(xs) if xs else width / 2 + (k - (len(row) - 1) / 2) * gap
    order = sorted(row, key=lambda i: (want[i], i))
    xs = []
    for i in order:
        xs.append(max(want[i], xs[-1] + gap) if xs else want[i])
    shift = sum(want[i] for i in order) / len(order) - sum(xs) / len(xs)  # keep the row where it wants to be
    xs = [x + shift for x in xs]
    lo, hi = gap / 2, width - gap / 2  # keep inside the canvas
    if xs[0] < lo:
        xs = [x + lo - xs[0] for x in xs]
    if xs[-1] > hi:
        xs = [x - (xs[-1] - hi) for x in xs]
    return {i: (x, y) for i, x in zip(order, xs, strict=True)}


def _towards(x: float, y: float, tx: float, ty: float, d: float) -> tuple[float, float]:
    """The point ``d`` from (x, y) in the direction of (tx, ty)."""
    dx, dy = tx - x, ty - y
    dist = math.hypot(dx, dy) or 1.0
    return x + dx / dist * d, y + dy / dist * d


def _bezier_span(p0: float, p1: float, p2: float) -> tuple[float, float]:
    """Lowest and highest value of one coordinate along a quadratic Bézier curve."""
    vals = [p0, p2]
    den = p0 - 2 * p1 + p2
    if den:
        t = (p0 - p1) / den
        if 0 < t < 1:
            vals.append((1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t**2 * p2)
    return min(vals), max(vals)


_NARROW = set("fijlrtI.,:;'!|()[]{}- ")
_WIDE = set("mwMW@%…")


def _text_width(s: str, px: float, bold: bool = False) -> float:
    """An estimate, on the generous side, of the width of ``s`` in a sans-serif font of ``px`` pixels
    (per-character widths close to DejaVu Sans, a wide common fallback)."""
    em = sum(0.4 if ch in _NARROW else 1.0 if ch in _WIDE else 0.74 if ch.isupper() else 0.62 for ch in s)
    return em * px * (1.08 if bold else 1.0)


def _clip_width(s: str, max_px: float, px: float) -> str:
    """``s``, or its longest prefix that fits ``max_px`` with an ellipsis added."""
    if _text_width(s, px) <= max_px:
        return s
    k = len(s)
    while k > 1 and _text_width(s[:k].rstrip() + "…", px) > max_px:
        k -= 1
    return s[:k].rstrip() + "…"


def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"
