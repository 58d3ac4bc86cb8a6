"""Discrepancies between sources (numbers, dates, quotes, attributions) and the story's quote list.

Numbers and dates are compared between the mentions of one claim (sources saying the same thing),
using :mod:`storyline.facts` for extraction and comparison. Quotes are grouped across all sources by
wording; a group with changed words is a ``quote`` discrepancy, one credited to different speakers an
``attribution`` discrepancy.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from .align import Alignment
from .clean import normalize
from .extract import dates as extract_dates
from .extract import quantities as extract_quantities
from .facts import (
    DateMention,
    Quantity,
    compare_dates,
    compare_quantities,
    extract_quotes,
    quote_relation,
    same_speaker,
)
from .model import Article, Claim, Discrepancy, Quote, Variant
from .segment import STOPWORDS, stem, tokens

_DANGLING_WORDS = {
    "or",
    "and",
    "in",
    "of",
    "to",
    "the",
    "a",
    "an",
    "by",
    "for",
    "on",
    "at",
    "with",
    "from",
    "as",
}
MIN_QUOTE_WORDS = 4  # shorter quoted spans are scare quotes ("toughest"), not quotations


_QWORD = re.compile(r"\w+")
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


def _about(sentence: str, q: Quantity) -> str:
    """What a quantity counts: its unit words and the few words after it ('people were injured')."""
    fig = _figure(q.text)
    head = q.text[len(fig) :].strip(" ,.;:") if q.text.startswith(fig) else q.unit or ""
    tail = re.split(r"[,.;:()\"]", sentence[q.end :], maxsplit=1)[0].split()[:6]
    while tail and tail[-1].lower() in _DANGLING_WORDS:
        tail.pop()
    return " ".join([head, *tail]).strip() or q.text


def _variants(items: list[tuple[str, str]]) -> list[Variant]:
    """(text, source) pairs -> variants with their sources, in first-seen order."""
    by: dict[str, list[str]] = {}
    for text, src in items:
        lst = by.setdefault(text, [])
        if src not in lst:
            lst.append(src)
    return [Variant(text=t, sources=s) for t, s in by.items()]


CONTEXT_WORDS = 6  # words after a quantity that say what it counts ("were injured", "were on the span")
CONTEXT_MATCH = 0.3  # Dice of those words for two quantities to be about the same thing


def _context(text: str, q: Quantity) -> set[str]:
    """Content stems right after a quantity (its role: 'killed' vs 'injured'), minus the unit and numbers."""
    after = tokens(normalize(text[q.end :]))[:CONTEXT_WORDS]
    unit = stem(q.unit) if q.unit else ""
    return {stem(t) for t in after if t not in STOPWORDS and not t[0].isdigit() and stem(t) != unit}


def _same_role(a: set[str], b: set[str]) -> bool:
    return bool(a & b) and 2 * len(a & b) / (len(a) + len(b)) >= CONTEXT_MATCH


class _Facts:
    """Union-find over quantities (sentence, index) linked by comparisons, remembering disagreements."""

    def __init__(self) -> None:
        self.parent: dict[tuple[int, int], tuple[int, int]] = {}
        self.disagree: set[tuple[int, int]] = set()

    def find(self, x: tuple[int, int]) -> tuple[int, int]:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def link(self, a: tuple[int, int], b: tuple[int, int], relation: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
        if relation in ("qualifier", "conflict"):
            self.disagree.add(a)


def _match_pair(
    fa: tuple[Quantity, ...], fb: tuple[Quantity, ...], ca: list[set[str]], cb: list[set[str]], aligned: bool
) -> list[tuple[int, int, str]]:
    """Pair the quantities of two sentences: equal values first, then different values in the same role."""
    out: list[tuple[int, int, str]] = []
    used_b: set[int] = set()
    rest: list[int] = []
    for x, qa in enumerate(fa):
        same = [
            (y, r)
            for y, qb in enumerate(fb)
            if y not in used_b and (r := compare_quantities(qa, qb)) in ("agree", "qualifier")
        ]
        same = [(y, r) for y, r in same if aligned or _same_role(ca[x], cb[y])]
        if same:
            y, r = max(same, key=lambda yr: len(ca[x] & cb[yr[0]]))
            used_b.add(y)
            out.append((x, y, r))
        else:
            rest.append(x)
    for x in rest:
        cands = [
            y for y, qb in enumerate(fb) if y not in used_b and compare_quantities(fa[x], qb) == "conflict"
        ]
        cands = [
            y for y in cands if _same_role(ca[x], cb[y]) or (aligned and len(cands) == 1 and len(rest) == 1)
        ]
        if cands:
            y = max(cands, key=lambda yy: len(ca[x] & cb[yy]))
            used_b.add(y)
            out.append((x, y, "conflict"))
    return out


def number_discrepancies(claims: list[Claim], alignment: Alignment) -> list[Discrepancy]:
    """Numbers that disagree between sources, within claims and across claims about the same thing.

    Within a claim the mentions' quantities are paired by value, then by role; across claims only
    quantities with the same unit word and the same role (the words that follow) are compared.
    """
    sents = alignment.sentences
    claim_of = {m.sentence: c.id for c in claims for m in c.mentions}
    qty: dict[int, tuple[Quantity, ...]] = {}
    ctx: dict[int, list[set[str]]] = {}
    for k, s in enumerate(sents):
        found = extract_quantities(s.text)
        if found:
            qty[k] = found
            ctx[k] = [_context(s.text, q) for q in found]
    facts = _Facts()
    pairs: set[tuple[int, int]] = set()
    for claim in claims:
        ks = [m.sentence for m in claim.mentions if m.sentence in qty]
        pairs.update((a, b) for n, a in enumerate(ks) for b in ks[n + 1 :])
    by_unit: dict[str, list[int]] = defaultdict(list)
    for k, found in qty.items():
        for unit in {q.unit for q in found if q.unit}:
            by_unit[unit].append(k)
    for ks in by_unit.values():
        pairs.update(
            (a, b) for n, a in enumerate(ks) for b in ks[n + 1 :] if sents[a].article != sents[b].article
        )
    for a, b in pairs:
        aligned = claim_of.get(a) is not None and claim_of.get(a) == claim_of.get(b)
        for x, y, rel in _match_pair(qty[a], qty[b], ctx[a], ctx[b], aligned):
            if not aligned and (qty[a][x].unit is None or qty[a][x].unit != qty[b][y].unit):
                continue
            facts.link((a, x), (b, y), rel)
    components: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for node in list(facts.parent):
        components[facts.find(node)].append(node)
    out: list[Discrepancy] = []
    for nodes in components.values():
        if not facts.disagree & set(nodes):
            continue
        nodes.sort(key=lambda n: (n[0], n[1]))
        items = [(_figure(qty[k][x].text), sents[k].article) for k, x in nodes]
        variants = _variants(items)
        if len(variants) < 2 or len({v.sources[0] for v in variants}) < 2:
            continue
        k0, x0 = nodes[0]
        out.append(
            Discrepancy(
                kind="number",
                about=_about(sents[k0].text, qty[k0][x0]),
                claim=claim_of.get(k0),
                variants=variants,
            )
        )
    return out


def _date_discrepancies(claim: Claim) -> list[Discrepancy]:
    """The dates of a claim's mentions, when two sources give conflicting ones. A date does not conflict
    with another source whose mention also gives a date that agrees with it: "fell on Monday, police said
    on Tuesday" beside "fell on Monday" states one more date, not another day of the fall."""
    found = [(m.source, d) for m in claim.mentions for d in extract_dates(m.text)]
    by_source: dict[str, list[DateMention]] = defaultdict(list)
    for src, d in found:
        by_source[src].append(d)

    def states(src: str, date: DateMention) -> bool:
        return any(compare_dates(date, d) == "agree" for d in by_source[src])

    for a, (src_a, da) in enumerate(found):
        related = [(db.text, sb) for sb, db in found if compare_dates(da, db) is not None]
        if any(
            sb != src_a
            and compare_dates(da, db) == "conflict"
            and not states(sb, da)
            and not states(src_a, db)
            for sb, db in found[a + 1 :]
        ):
            variants = _variants(related)
            if len(variants) > 1:
                return [
                    Discrepancy(kind="date", about=f"date in {claim.id}", claim=claim.id, variants=variants)
                ]
    return []


def find_discrepancies(claims: list[Claim], alignment: Alignment) -> list[Discrepancy]:
    """Number discrepancies (within and across claims) and date discrepancies (within claims)."""
    out = number_discrepancies(claims, alignment)
    for claim in claims:
        if len(claim.mentions) > 1:
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
        for q in extract_quotes([alignment.sentences[k].text for k in idx], min_words=MIN_QUOTE_WORDS):
            found.append((art.id, q.text, q.speaker, idx[q.sentence]))
    parent = list(range(len(found)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # compare each distinct wording once (copies repeat quotes verbatim), after a cheap word-overlap check
    by_text: dict[str, list[int]] = defaultdict(list)
    for k, (_, text, _, _) in enumerate(found):
        by_text[" ".join(_QWORD.findall(text.lower()))].append(k)
    texts = list(by_text)
    bags = [set(t.split()) for t in texts]
    changed: set[int] = set()
    for members in by_text.values():
        for k in members[1:]:
            parent[find(k)] = find(members[0])
    for a in range(len(texts)):
        for b in range(a + 1, len(texts)):
            if len(bags[a] & bags[b]) < min(3, len(bags[a]), len(bags[b])):
                continue
            rel = quote_relation(found[by_text[texts[a]][0]][1], found[by_text[texts[b]][0]][1])
            if rel == "different":
                continue
            parent[find(by_text[texts[b]][0])] = find(by_text[texts[a]][0])
            if rel == "changed":
                changed.update(by_text[texts[a]])
                changed.update(by_text[texts[b]])
    groups: dict[int, list[int]] = defaultdict(list)
    for k in range(len(found)):
        groups[find(k)].append(k)
    quotes: list[Quote] = []
    discrepancies: list[Discrepancy] = []
    for members in groups.values():
        sources = list(dict.fromkeys(found[k][0] for k in members))
        text = _most_common(found[k][1] for k in members)
        speakers = [found[k][2] for k in members if found[k][2]]
        speaker = _most_common(speakers) if speakers else None
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
        items = []  # (the first distinct speaker the name matches, source)
        for spk, src in named:
            d = next((d for d in distinct if same_speaker(spk, d)), None)
            if d is None:  # (also a name with no name words, "Mrs", which matches nothing, itself included)
                distinct.append(spk)
                d = spk
            items.append((d, src))
        if len(distinct) > 1:
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


def _most_common(items: Iterable[str]) -> str:
    """The most frequent item, the first seen among equals (``Counter.most_common(1)``, without its cost)."""
    counts: dict[str, int] = {}
    for x in items:
        counts[x] = counts.get(x, 0) + 1
    return max(counts, key=counts.__getitem__)


def _short(text: str, words: int = 8) -> str:
    w = text.split()
    return " ".join(w[:words]) + ("..." if len(w) > words else "")
