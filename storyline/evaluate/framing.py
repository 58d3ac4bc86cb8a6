"""Loaded-term detection measured against BASIL's annotated lexical-bias spans.

BASIL (Fan et al., 2019) marks bias spans in news articles; ``bias == "lex"`` is loaded wording.
The span file gives each span's text, not its offsets, so every occurrence of a span's text in its
article is taken as annotated. Metrics, for a lexicon's predicted term occurrences:

* precision: fraction of predicted occurrences that overlap a ``lex`` span;
* recall: fraction of ``lex`` span rows with at least one predicted occurrence overlapping it;
* chance: fraction of word tokens overlapping a ``lex`` span, the expected precision of marking
  words at random;
* p_any: fraction of predicted occurrences overlapping any bias span (``lex`` or ``inf``).

Articles are split by event (sorted event ids, even positions = half A, odd = half B): choices are
made on A and reported on B. Run: ``python -m storyline.evaluate.framing [ARTICLES SPANS]``.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..framing import _TOKEN, Lexicon, _words, build_lexicon, find_loaded, read_terms

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "dev"
ARTICLES = DEV / "basil_articles.jsonl"
SPANS = DEV / "basil_bias_spans.jsonl"
NEUS = DEV / "neus_val.jsonl"

# Entries of loaded_terms.txt that match BASIL dev lex spans and that were written, or may have been,
# after reading the dev span list (both halves): the "curated, minus seen" row drops them, so that row
# bounds what the lexicon would score without that exposure (it also loses general terms: pessimistic).
SEEN_IN_DEV = (
    "cross hairs|crosshairs|in the crosshairs|tug of war|stoke anxiety|stoke fears|stoke anger|under the bus|"
    "=thrown under the bus|do-nothing|self-described|shenanigans|blowhard|squirm|headache|toppled|onslaught|"
    "hawk|hawkish|crow about|crowed|took a swipe|take a swipe|took a shot|take a shot|seize on|seized on|"
    "seized upon|torpedo|=hammered|=hammering|uproar|affront|inexcusable|negligent|condescending|disdainful|"
    "dismissive|hysterical|unhinged|dishonest|hypocritical|humiliating|dismal|wonderful|terrible|remarkable|"
    "toxic|dangerous|brash|=caved|=caving|cave in|pounce|bristle|scoff|taunt|assail|berate|=trashed|=trashing|"
    "brag|crony|cronyism|demagogue|liar|crooked|wildly|utterly|supposedly|fierce|stunning|explosive|carnage|"
    "hail|bogus|mock|lash out"
).split("|")

# Reporting verbs that package sentiment lexicons score but news style treats as neutral.
NEUTRAL = ("criticize", "criticise", "praise", "deny", "accuse", "support", "oppose", "agree", "disagree")


@dataclass
class Doc:
    """One article with its annotated spans as character intervals."""

    id: str
    event: str
    text: str
    lex: list[list[tuple[int, int]]] = field(default_factory=list)  # per lex span row: its occurrences
    any_mask: np.ndarray | None = None  # chars inside any bias span
    lex_mask: np.ndarray | None = None  # chars inside a lex span


def _rows(path: str | Path) -> list[dict[str, Any]]:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    out = []
    for n, line in enumerate(p.read_text(encoding="utf-8").split("\n"), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise InputError(f"{p}:{n}: not a JSON line ({err.msg})") from None
    return out


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    out, start = [], text.find(needle)
    while needle and start >= 0:
        out.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return out


def load_basil(articles_path: str | Path, spans_path: str | Path) -> list[Doc]:
    """Articles joined to their bias spans (span rows whose text is not found in the article are dropped)."""
    docs = {}
    for r in _rows(articles_path):
        docs[str(r["id"])] = Doc(id=str(r["id"]), event=str(r.get("story", "")), text=r.get("text") or "")
    any_spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for r in _rows(spans_path):
        doc = docs.get(str(r.get("article")))
        occ = _occurrences(doc.text, (r.get("text") or "").strip()) if doc else []
        if not occ:
            continue
        any_spans[doc.id].extend(occ)
        if r.get("bias") == "lex":
            doc.lex.append(occ)
    for doc in docs.values():
        doc.lex_mask = _mask(len(doc.text), [iv for occ in doc.lex for iv in occ])
        doc.any_mask = _mask(len(doc.text), any_spans[doc.id])
    return list(docs.values())


def _mask(n: int, intervals: Iterable[tuple[int, int]]) -> np.ndarray:
    delta = np.zeros(n + 1, dtype=np.int32)
    for a, b in intervals:
        delta[a] += 1
        delta[b] -= 1
    return np.cumsum(delta[:n]) > 0


def split_by_event(docs: list[Doc]) -> dict[str, list[Doc]]:
    """Halves A and B by event: sorted event ids at even positions go to A, odd to B."""
    events = sorted({d.event for d in docs})
    half = {e: "A" if i % 2 == 0 else "B" for i, e in enumerate(events)}
    return {
        "A": [d for d in docs if half[d.event] == "A"],
        "B": [d for d in docs if half[d.event] == "B"],
        "all": docs,
    }


def score(docs: list[Doc], lexicon: Lexicon) -> dict[str, float]:
    """Precision / recall / F1 of ``lexicon``'s term occurrences against the ``lex`` spans of ``docs``."""
    pred = tp = hit_any = spans = hits = tokens = tokens_in = 0
    for d in docs:
        found = find_loaded(d.text, lexicon)
        cum = np.concatenate([[0], np.cumsum(d.lex_mask)])
        cum_any = np.concatenate([[0], np.cumsum(d.any_mask)])
        pred += len(found)
        tp += sum(1 for a, b, _ in found if cum[b] > cum[a])
        hit_any += sum(1 for a, b, _ in found if cum_any[b] > cum_any[a])
        for occ in d.lex:
            spans += 1
            hits += any(a < y and x < b for a, b, _ in found for x, y in occ)
        starts_ends = [(m.start(), m.end()) for m in _TOKEN.finditer(d.text)]
        tokens += len(starts_ends)
        tokens_in += sum(1 for a, b in starts_ends if cum[b] > cum[a])
    p = tp / pred if pred else 0.0
    r = hits / spans if spans else 0.0
    return {
        "predicted": pred,
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "p_any": hit_any / pred if pred else 0.0,
        "chance": tokens_in / tokens if tokens else 0.0,
        "spans": spans,
    }


# --- lexicons ---------------------------------------------------------------------------------


def curated_terms() -> dict[str, list[str]]:
    """The shipped lexicon's entries by ``## category`` (the ``exceptions`` entries go with every category)."""
    text = resources.files("storyline").joinpath("data/loaded_terms.txt").read_text(encoding="utf-8")
    cats: dict[str, list[str]] = defaultdict(list)
    name = "misc"
    for line in text.splitlines():
        if line.startswith("## "):
            name = line[3:].split(":", 1)[0].strip()
        cats[name].extend(read_terms([line]))
    return dict(cats)


def _package_file(package: str, rel: str) -> str | None:
    try:
        f = resources.files(package).joinpath(rel)
        return f.read_text(encoding="utf-8") if f.is_file() else None
    except (ModuleNotFoundError, OSError):
        return None


def _not_neutral(words: Iterable[str]) -> list[str]:
    return [w for w in words if not w.startswith(NEUTRAL)]


def vader_terms(min_abs: float) -> list[str] | None:
    """Words (no emoticons) of vaderSentiment's ``vader_lexicon.txt`` with |valence| >= ``min_abs``."""
    text = _package_file("vaderSentiment", "vader_lexicon.txt")
    if text is None:
        return None
    out = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].replace("-", "").replace("'", "").isalpha():
            if abs(float(parts[1])) >= min_abs:
                out.append("=" + parts[0])
    return _not_neutral(out)


def afinn_terms(min_abs: int) -> list[str] | None:
    """Entries of afinn's ``AFINN-en-165.txt`` with |score| >= ``min_abs``."""
    text = _package_file("afinn", "data/AFINN-en-165.txt")
    if text is None:
        return None
    out = []
    for line in text.splitlines():
        word, _, val = line.rpartition("\t")
        if word and abs(int(val)) >= min_abs:
            out.append("=" + word)
    return _not_neutral(out)


def textblob_terms(min_subjectivity: float) -> list[str] | None:
    """Adjectives of textblob's ``en-sentiment.xml`` whose mean subjectivity over senses >= the threshold."""
    text = _package_file("textblob", "en/en-sentiment.xml")
    if text is None:
        return None
    subj: dict[str, list[float]] = defaultdict(list)
    for w in ET.fromstring(text).iter("word"):
        subj[w.get("form", "").lower()].append(float(w.get("subjectivity", 0)))
    return _not_neutral(
        sorted("=" + w for w, s in subj.items() if w.isalpha() and np.mean(s) >= min_subjectivity)
    )


def candidates() -> dict[str, Callable[[], list[str] | None]]:
    """Named lexicons (term lists) compared by :func:`evaluate_framing`; ``None`` when a package is absent."""
    cur = curated_terms()
    cur_all = [t for ts in cur.values() for t in ts]
    c: dict[str, Callable[[], list[str] | None]] = {"curated": lambda: cur_all}
    for t in (1.5, 2.0, 2.5):
        c[f"vader|v|>={t}"] = lambda t=t: vader_terms(t)
    for t in (2, 3):
        c[f"afinn|v|>={t}"] = lambda t=t: afinn_terms(t)
    for s in (0.7, 0.9):
        c[f"textblob subj>={s}"] = lambda s=s: textblob_terms(s)

    def union(f: Callable[[], list[str] | None]) -> list[str] | None:
        extra = f()
        return None if extra is None else cur_all + extra

    c["curated+vader|v|>=2.5"] = lambda: union(lambda: vader_terms(2.5))
    c["curated+textblob subj>=0.9"] = lambda: union(lambda: textblob_terms(0.9))
    return c


def entry_stats(
    docs: list[Doc], entries: list[str], exceptions: Iterable[str] = ()
) -> dict[str, tuple[int, int]]:
    """Per lexicon entry: (predicted occurrences, occurrences overlapping a ``lex`` span) over ``docs``."""
    keys: dict[tuple[str, ...], list[str]] = defaultdict(list)  # matched token tuple -> entries
    for e in entries:
        lex = build_lexicon([e])
        for w in lex.words:
            keys[(w,)].append(e)
        for phs in lex.phrases.values():
            for ph in phs:
                keys[ph].append(e)
    lex = build_lexicon(list(entries) + list(exceptions))
    stats = {e: [0, 0] for e in entries}
    for d in docs:
        cum = np.concatenate([[0], np.cumsum(d.lex_mask)])
        for a, b, surface in find_loaded(d.text, lex):
            toks = tuple(_words(surface))
            word = toks[0].removesuffix("'s") if len(toks) == 1 else ""
            owners = keys.get(toks) or keys.get((word,)) or keys.get((word.rpartition("-")[2],), [])
            for e in owners:
                stats[e][0] += 1
                stats[e][1] += int(cum[b] > cum[a])
    return {e: (p, t) for e, (p, t) in stats.items()}


def prune(docs: list[Doc], entries: list[str], exceptions: list[str], min_predicted: int = 5) -> list[str]:
    """``entries`` less those with at least ``min_predicted`` occurrences in ``docs`` and none in a lex span."""
    stats = entry_stats(docs, entries, exceptions)
    return [e for e in entries if not (stats[e][0] >= min_predicted and stats[e][1] == 0)]


def evaluate_framing(articles_path: str | Path = ARTICLES, spans_path: str | Path = SPANS) -> dict[str, Any]:
    """Score each candidate lexicon and each curated category on halves A, B and all of BASIL.

    Returns ``{"halves": {name: articles}, "lexicons": [{name, entries, A, B, all}], "categories": [...]}``
    where each of A/B/all is :func:`score`'s dict.
    """
    halves = split_by_event(load_basil(articles_path, spans_path))
    out: dict[str, Any] = {"halves": {k: len(v) for k, v in halves.items()}, "lexicons": [], "categories": []}
    cands = candidates()
    cats = curated_terms()
    exceptions = cats.get("exceptions", [])
    entries = [t for name, ts in cats.items() if name != "exceptions" for t in ts]
    pruned = prune(halves["A"], entries, exceptions)
    cands["curated, pruned on A"] = lambda: pruned + exceptions
    cands["curated, minus seen"] = lambda: [e for e in entries if e not in set(SEEN_IN_DEV)] + exceptions
    out["pruned_on_A"] = [e for e in entries if e not in set(pruned)]
    for name, make in cands.items():
        terms = make()
        if terms is None:
            continue
        lex = build_lexicon(terms)
        out["lexicons"].append(
            {"name": name, "entries": lex.size, **{h: score(d, lex) for h, d in halves.items()}}
        )
    for name, terms in cats.items():
        if name == "exceptions" or not terms:
            continue
        lex = build_lexicon(terms + exceptions)
        out["categories"].append(
            {"name": name, "entries": lex.size, **{h: score(d, lex) for h, d in halves.items()}}
        )
    return out


def neus_density(path: str | Path = NEUS, names: Iterable[str] = ("curated", "curated, minus seen")) -> dict:
    """Loaded-term occurrences per 100 words in NeuS outlet articles vs their neutral reference summaries.

    An independent check on data the lexicon was not built from: a lexicon of loaded wording should
    fire less often in the neutral (AllSides) summaries than in the outlets' own leads.
    """
    stories = _rows(path)
    cands = candidates()
    cats = curated_terms()
    entries = [t for ts in cats.values() for t in ts]
    cands["curated, minus seen"] = lambda: [e for e in entries if e not in set(SEEN_IN_DEV)]
    out = {"stories": len(stories)}
    for name in names:
        terms = cands[name]() if name in cands else None
        if terms is None:
            continue
        lex = build_lexicon(terms)
        counts = {"articles": [0, 0], "reference": [0, 0]}
        for st in stories:
            texts = [("articles", a.get("text") or "") for a in st.get("articles", [])]
            for kind, text in [*texts, ("reference", st.get("reference") or "")]:
                counts[kind][0] += len(find_loaded(text, lex))
                counts[kind][1] += sum(1 for _ in _TOKEN.finditer(text))
        art, ref = (100 * c / max(w, 1) for c, w in counts.values())
        out[name] = {"articles": art, "reference": ref, "ratio": art / ref if ref else float("inf")}
    return out


def format_table(result: dict[str, Any]) -> str:
    """Plain-text table of :func:`evaluate_framing`'s result."""
    head = f"{'lexicon':<28}{'entries':>8}" + "".join(
        f"  {h}:{'pred':>5} {'P':>5} {'R':>5} {'F1':>5}" for h in ("A", "B", "all")
    )
    lines = [f"BASIL halves (articles): {result['halves']}", head]

    def row(r: dict[str, Any]) -> str:
        cells = "".join(
            f"  {'':>2}{r[h]['predicted']:>5} {r[h]['precision']:>5.3f} {r[h]['recall']:>5.3f} {r[h]['f1']:>5.3f}"
            for h in ("A", "B", "all")
        )
        return f"{r['name']:<28}{r['entries']:>8}{cells}"

    lines += [row(r) for r in result["lexicons"]]
    if result["lexicons"]:
        base = result["lexicons"][0]
        lines.append(
            "chance precision (tokens in lex spans): "
            + ", ".join(f"{h} {base[h]['chance']:.4f}" for h in ("A", "B", "all"))
            + "; lex spans: "
            + ", ".join(f"{h} {base[h]['spans']}" for h in ("A", "B", "all"))
        )
        lines.append(
            "precision vs any bias span (lex or inf), curated: "
            + ", ".join(f"{h} {base[h]['p_any']:.3f}" for h in ("A", "B", "all"))
        )
    lines += ["", "curated lexicon by category", head] + [row(r) for r in result["categories"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = args[:2] if len(args) >= 2 else [ARTICLES, SPANS]
    try:
        print(format_table(evaluate_framing(*paths)))
        if NEUS.is_file() and len(args) < 2:
            names = ("curated", "curated, minus seen", "vader|v|>=2.0", "afinn|v|>=3", "textblob subj>=0.9")
            dens = neus_density(NEUS, names)
            print(f"\nNeuS {NEUS.name} ({dens.pop('stories')} stories): loaded terms per 100 words")
            print(f"{'lexicon':<28}{'articles':>9}{'neutral ref':>12}{'ratio':>7}")
            for name, d in dens.items():
                print(f"{name:<28}{d['articles']:>9.3f}{d['reference']:>12.3f}{d['ratio']:>7.2f}")
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
