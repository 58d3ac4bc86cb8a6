"""Loaded terms: the emotive, judgemental or partisan wording a news text uses.

A lexicon of lemmas and phrases (``storyline/data/loaded_terms.txt``) is expanded once into
inflected surface forms (smear -> smears, smeared, smearing; double down -> doubled down) and
matched token by token: a set lookup per word, plus a first-word index for phrases, so word
boundaries are always respected. A hyphenated compound is one token (``so-called``, ``far-left``);
one that is not itself in the lexicon matches by its last part (``ultra-radical`` -> ``radical``).
Curly apostrophes are folded to ``'`` and a possessive ``'s`` is ignored when looking a word up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

__all__ = [
    "Lexicon",
    "build_lexicon",
    "default_lexicon",
    "find_loaded",
    "inflections",
    "loaded_terms",
    "loaded_terms_of_parts",
    "neutrality",
    "read_terms",
]

# A word: letters/digits, optionally joined by apostrophes or hyphens (don't, Obama's, so-called).
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019\u2018\u02bc-][^\W_]+)*")


def _fold(s: str) -> str:
    """Curly apostrophes to ``'`` (str.replace: much faster than str.translate on long texts)."""
    for c in "\u2019\u2018\u02bc":
        if c in s:
            s = s.replace(c, "'")
    return s


_VOWELS = set("aeiou")
_NO_DOUBLE = set("aeiouwxy")


@dataclass
class Lexicon:
    """Surface forms ready for matching: single words and phrases (tuples of words) by first word."""

    words: frozenset[str]
    phrases: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    blocked: frozenset[tuple[str, ...]] = frozenset()  # exception phrases/words: matched, never reported
    size: int = 0  # number of loaded entries (before inflection)
    trigger: frozenset[str] = field(init=False)  # tokens at which a match can start
    longest: int = field(init=False)  # words in the longest phrase

    def __post_init__(self) -> None:
        self.trigger = self.words | frozenset(self.phrases)
        self.longest = max((len(ph) for phs in self.phrases.values() for ph in phs), default=1)


def inflections(word: str) -> set[str]:
    """Regular English inflections of ``word``: itself, -s, -ed and -ing forms (over-generating is harmless)."""
    w = word.lower()
    if "-" in w:  # inflect the last part of a compound: flip-flop -> flip-flopped
        head, _, last = w.rpartition("-")
        return {f"{head}-{x}" for x in inflections(last)}
    out = {w}
    if len(w) < 3 or not w.isalpha():
        return out
    cons_y = w.endswith("y") and w[-2] not in _VOWELS
    # -s
    if w.endswith(("s", "x", "z", "ch", "sh")):
        out.add(w + "es")
    elif cons_y:
        out.add(w[:-1] + "ies")
    else:
        out.add(w + "s")
    # -ed / -ing
    if w.endswith("ie"):
        out.update({w + "d", w[:-2] + "ying"})
    elif w.endswith("e"):
        out.update({w + "d", w + "s"})
        if not w.endswith(("ee", "ye", "oe")):
            out.add(w[:-1] + "ing")
        else:
            out.add(w + "ing")
    elif cons_y:
        out.update({w[:-1] + "ied", w + "ing"})
    else:
        out.update({w + "ed", w + "ing"})
        # consonant-vowel-consonant ending: slam -> slammed, slamming
        if w[-1] not in _NO_DOUBLE and w[-2] in _VOWELS and w[-3] not in _VOWELS:
            out.update({w + w[-1] + "ed", w + w[-1] + "ing"})
    return out


def _words(text: str) -> list[str]:
    return [_fold(m.group().lower()) for m in _TOKEN.finditer(text)]


def build_lexicon(terms: Iterable[str]) -> Lexicon:
    """Build a :class:`Lexicon` from entries: ``word``, ``multi word phrase``, ``=exact form`` or ``!exception``.

    A plain entry is inflected (its first word, for a phrase); an entry starting with ``=`` is
    matched only as written; one starting with ``!`` (inflected like a plain entry) is not loaded and
    stops shorter entries from matching inside it (``!hammered out`` vs ``=hammered``). Case and curly
    apostrophes in entries do not matter.
    """
    words: set[str] = set()
    phrases: dict[str, set[tuple[str, ...]]] = {}
    blocked: set[tuple[str, ...]] = set()
    size = 0
    for raw in terms:
        term = raw.strip()
        exact, negative = term.startswith("="), term.startswith("!")
        toks = _words(term[1:] if exact or negative else term)
        if not toks:
            continue
        heads = {toks[0]} if exact else inflections(toks[0])
        if negative:
            for h in heads:
                blocked.add((h, *toks[1:]))
                phrases.setdefault(h, set()).add((h, *toks[1:]))
            continue
        size += 1
        if len(toks) == 1:
            words.update(heads)
            continue
        for h in heads:
            phrases.setdefault(h, set()).add((h, *toks[1:]))
        if len(toks) == 2 and "-" not in term:  # far left -> far-left too
            joined = "-".join(toks)
            words.update({joined} if exact else inflections(joined))
    ordered = {k: sorted(v, key=len, reverse=True) for k, v in phrases.items()}  # longest phrase first
    return Lexicon(words=frozenset(words), phrases=ordered, blocked=frozenset(blocked), size=size)


def read_terms(lines: Iterable[str]) -> list[str]:
    """Entries of a lexicon file: one per line, ``#`` starts a comment, blank lines ignored."""
    out = []
    for line in lines:
        term = line.split("#", 1)[0].strip()
        if term:
            out.append(term)
    return out


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The curated lexicon shipped in ``storyline/data/loaded_terms.txt`` (built once, lazily)."""
    text = resources.files("storyline").joinpath("data/loaded_terms.txt").read_text(encoding="utf-8")
    return build_lexicon(read_terms(text.splitlines()))


def find_loaded(text: str, lexicon: Lexicon | None = None) -> list[tuple[int, int, str]]:
    """Every loaded-term occurrence as ``(start, end, surface)``, in text order, non-overlapping.

    ``surface`` is the text's own wording, lower-cased, whitespace collapsed, apostrophes folded to ``'``.
    """
    return _scan(text, lexicon or default_lexicon())[0]


def _scan(text: str, lex: Lexicon) -> tuple[list[tuple[int, int, str]], list[str]]:
    """:func:`find_loaded`, and the text's tokens."""
    norm = text.lower()
    if len(norm) != len(text):  # a few characters lower-case to two; keep offsets aligned
        norm = "".join(c if len(c) == 1 else o for c, o in zip(map(str.lower, text), text, strict=True))
    norm = _fold(norm)
    toks = _TOKEN.findall(norm)
    words, phrases, blocked, trigger = lex.words, lex.phrases, lex.blocked, lex.trigger
    if "'" in norm or "-" in norm:  # possessives and compounds match by their base or last part
        starts = [i for i, t in enumerate(toks) if t in trigger or "'" in t or "-" in t]
    elif trigger.isdisjoint(toks):
        return [], toks
    else:
        starts = [i for i, t in enumerate(toks) if t in trigger]
    out: list[tuple[int, int, str]] = []
    nxt = 0
    pos, done = 0, 0  # offset in ``norm`` after token ``done - 1`` (found with str.find only once needed)
    for i in starts:
        if i < nxt:
            continue
        tok, end = toks[i], -1
        for ph in phrases.get(tok, ()):
            if toks[i : i + len(ph)] == list(ph):
                end = i + len(ph) - 1
                break
        if end >= 0 and ph in blocked:
            nxt = end + 1
            continue
        if end < 0:
            base = tok[:-2] if tok.endswith("'s") else tok
            if tok in words or base in words or ("-" in base and base.rpartition("-")[2] in words):
                end = i
            else:
                continue
        while done <= i:  # a token starts with a letter or digit, which no gap between tokens holds
            pos = norm.find(toks[done], pos) + len(toks[done])
            done += 1
        a = pos - len(tok)
        while done <= end:
            pos = norm.find(toks[done], pos) + len(toks[done])
            done += 1
        b = pos
        if end == i and tok.endswith("'s") and tok not in words:
            b -= 2  # drop the possessive from the surface form
        out.append((a, b, " ".join(norm[a:b].split())))
        nxt = end + 1
    return out, toks


CACHE_CHARS = 2000  # texts up to this long (sentences, titles) have their terms cached


def loaded_terms(text: str, lexicon: Lexicon | None = None) -> list[str]:
    """The distinct loaded words/phrases ``text`` uses, lower-cased surface forms in order of first use."""
    if lexicon is None and len(text) <= CACHE_CHARS:
        return list(_default_scan(text)[0])
    return list(dict.fromkeys(s for _, _, s in find_loaded(text, lexicon)))


def loaded_terms_of_parts(text: str, parts: Sequence[str]) -> list[str]:
    """:func:`loaded_terms` of ``text`` (default lexicon) that is ``parts`` (its sentences, in order) joined
    by whitespace, from the parts' cached terms.

    No token spans whitespace, so the text's terms are its parts' terms in order, unless a phrase may run
    from one part into the next (a part ends with the start of a phrase). Then, or when the parts do not
    make up the text, the text is scanned as a whole.
    """
    if len(text.lower()) == len(text):  # else lower-casing is per character (see find_loaded)
        out: list[str] = []
        pos = 0
        for k, part in enumerate(parts):
            at = text.find(part, pos) if part and len(part) <= CACHE_CHARS else -1
            gap = text[pos:at]
            if at < 0 or (gap and not gap.isspace()) or (k > 0 and not gap):
                break
            terms, open_end = _default_scan(part)
            if open_end and k + 1 < len(parts):
                break
            out.extend(terms)
            pos = at + len(part)
        else:
            if not text[pos:].strip():
                return list(dict.fromkeys(out))
    return loaded_terms(text)


@lru_cache(maxsize=32768)
def _default_scan(text: str) -> tuple[tuple[str, ...], bool]:
    """The distinct terms of ``text`` (default lexicon) and whether its last words may begin a phrase,
    cached: a brief asks again for each claim's mentions and for the articles made of them."""
    lex = default_lexicon()
    found, toks = _scan(text, lex)
    n = len(toks)
    open_end = any(
        len(ph) > n - i and toks[i:] == list(ph[: n - i])
        for i in range(max(0, n - lex.longest + 1), n)
        for ph in lex.phrases.get(toks[i], ())
    )
    return tuple(dict.fromkeys(s for _, _, s in found)), open_end


def neutrality(text: str, lexicon: Lexicon | None = None) -> float:
    """Loaded-term occurrences per 100 words of ``text``: 0.0 is fully neutral, higher is more loaded."""
    n = sum(1 for _ in _TOKEN.finditer(text))
    if n == 0:
        return 0.0
    return 100.0 * len(find_loaded(text, lexicon)) / n
