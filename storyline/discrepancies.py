"""Discrepancies between sources (numbers, dates, quotes, attributions) and the story's quote list.

Numbers and dates are compared between the mentions of one claim (sources saying the same thing),
using :mod:`storyline.facts` for extraction and comparison. Quotes are grouped across all sources by
wording; a group with changed words is a ``quote`` discrepancy, one credited to different speakers an
``attribution`` discrepancy.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from .align import Alignment
from .facts import (
    compare_dates,
    compare_quantities,
    extract_dates,
    extract_quantities,
    extract_quotes,
    quote_relation,
    same_speaker,
)
from .model import Article, Claim, Discrepancy, Quote, Variant

MIN_QUOTE_WORDS = 4  # shorter quoted spans are scare quotes ("toughest"), not quotations
_NUM_START = re.compile(
    r"[$€£]?\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|hundreds|thousands)\b",
    re.I,
)


def _figure(text: str) -> str:
    """The qualifier-and-number part of a quantity phrase: 'around 3,000 troops' -> 'around 3,000'."""
    m = _NUM_START.search(text)
    if not m:
        return text
    rest = text[m.end() :]
    tail = re.match(
        r"[\d,.]*(?:\s*(?:million|billion|trillion|thousand|hundred|%|percent|per cent))?", rest, re.I
    )
    return (text[: m.end()] + (tail.group(0) if tail else "")).strip()


def _about(text: str) -> str:
    fig = _figure(text)
    rest = text[len(fig) :].strip(" ,.;:") if text.startswith(fig) else text
    return rest or text


def _variants(items: list[tuple[str, str]]) -> list[Variant]:
    """(text, source) pairs -> variants with their sources, in first-seen order."""
    by: dict[str, list[str]] = {}
    for text, src in items:
        lst = by.setdefault(text, [])
        if src not in lst:
            lst.append(src)
    return [Variant(text=t, sources=s) for t, s in by.items()]


def _number_discrepancies(claim: Claim) -> list[Discrepancy]:
    found = [(m.source, q) for m in claim.mentions for q in extract_quantities(m.text)]
    out: list[Discrepancy] = []
    used: set[int] = set()
    for a, (src_a, qa) in enumerate(found):
        if a in used:
            continue
        group = [a]
        kinds: set[str] = set()
        for b in range(a + 1, len(found)):
            src_b, qb = found[b]
            if b in used or src_b == src_a:
                continue
            rel = compare_quantities(qa, qb)
            if rel is None:
                continue
            group.append(b)
            kinds.add(rel)
        used.update(group)
        if kinds & {"qualifier", "conflict"}:
            items = [(_figure(found[k][1].text), found[k][0]) for k in group]
            variants = _variants(items)
            if len(variants) > 1:
                out.append(
                    Discrepancy(kind="number", about=_about(qa.text), claim=claim.id, variants=variants)
                )
    return out


def _date_discrepancies(claim: Claim) -> list[Discrepancy]:
    found = [(m.source, d) for m in claim.mentions for d in extract_dates(m.text)]
    out: list[Discrepancy] = []
    for a, (src_a, da) in enumerate(found):
        conflicts = [
            (db.text, sb) for sb, db in found[a + 1 :] if sb != src_a and compare_dates(da, db) == "conflict"
        ]
        if conflicts:
            variants = _variants([(da.text, src_a), *conflicts])
            if len(variants) > 1:
                out.append(
                    Discrepancy(kind="date", about=f"date in {claim.id}", claim=claim.id, variants=variants)
                )
            break
    return out


def find_discrepancies(claims: list[Claim]) -> list[Discrepancy]:
    """Number and date discrepancies within claims carried by several sources."""
    out: list[Discrepancy] = []
    for claim in claims:
        if len(claim.mentions) < 2:
            continue
        out.extend(_number_discrepancies(claim))
        out.extend(_date_discrepancies(claim))
    return out


def quotes_and_discrepancies(
    articles: list[Article], alignment: Alignment, claims: list[Claim]
) -> tuple[list[Quote], list[Discrepancy]]:
    """Quotes with speakers grouped across sources, and the quote/attribution discrepancies among them."""
    claim_of = {m.sentence: c.id for c in claims for m in c.mentions}
    by_article: dict[str, list[int]] = defaultdict(list)
    for k, s in enumerate(alignment.sentences):
        by_article[s.article].append(k)
    found: list[tuple[str, str, str | None, int]] = []  # source, text, speaker, sentence index
    for art in articles:
        idx = by_article.get(art.id, [])
        for q in extract_quotes([alignment.sentences[k].text for k in idx]):
            if len(q.text.split()) >= MIN_QUOTE_WORDS:
                found.append((art.id, q.text, q.speaker, idx[q.sentence]))
    parent = list(range(len(found)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    changed: set[int] = set()
    for a in range(len(found)):
        for b in range(a + 1, len(found)):
            if found[a][0] == found[b][0]:
                continue
            rel = quote_relation(found[a][1], found[b][1])
            if rel == "different":
                continue
            parent[find(b)] = find(a)
            if rel == "changed":
                changed.update((a, b))
    groups: dict[int, list[int]] = defaultdict(list)
    for k in range(len(found)):
        groups[find(k)].append(k)
    quotes: list[Quote] = []
    discrepancies: list[Discrepancy] = []
    for members in groups.values():
        sources = list(dict.fromkeys(found[k][0] for k in members))
        text = Counter(found[k][1] for k in members).most_common(1)[0][0]
        speakers = [found[k][2] for k in members if found[k][2]]
        speaker = Counter(speakers).most_common(1)[0][0] if speakers else None
        exact = not any(k in changed for k in members)
        quotes.append(Quote(text=text, speaker=speaker, sources=sources, exact=exact))
        claim = next((claim_of[found[k][3]] for k in members if found[k][3] in claim_of), None)
        about = f"quote by {speaker}" if speaker else "unattributed quote"
        if not exact:
            variants = _variants([(found[k][1], found[k][0]) for k in members])
            if len(variants) > 1:
                discrepancies.append(Discrepancy(kind="quote", about=about, claim=claim, variants=variants))
        named = [(found[k][2], found[k][0]) for k in members if found[k][2]]
        distinct: list[str] = []
        for spk, _ in named:
            if not any(same_speaker(spk, d) for d in distinct):
                distinct.append(spk)
        if len(distinct) > 1:
            items = [(next(d for d in distinct if same_speaker(spk, d)), src) for spk, src in named]
            discrepancies.append(
                Discrepancy(
                    kind="attribution",
                    about=f'who said "{_short(text)}"',
                    claim=claim,
                    variants=_variants(items),
                )
            )
    quotes.sort(key=lambda q: (-len(q.sources), q.text))
    return quotes, discrepancies


def _short(text: str, words: int = 8) -> str:
    w = text.split()
    return " ".join(w[:words]) + ("..." if len(w) > words else "")
