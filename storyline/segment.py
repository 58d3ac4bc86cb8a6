"""Sentences, tokens, stems and shingles.

Sentences come from nupunkt (which ships its model) per paragraph, with two repairs: a piece that
starts in lower case continues the previous sentence ("anti-U.S. counteraction"), and a quotation
opened in one piece and closed in the next is kept whole.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import nupunkt
import snowballstemmer

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just let me more most
    my myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your yours
    yourself yourselves s t ve ll re d m said says say told according also would could may might must shall
    one two it's that's he's she's they're we're i'm don't didn't doesn't won't can't isn't wasn't""".split()
)

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,'][a-z0-9]+)*")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")
_LOWER_START = re.compile(r"^[\"'(\[]*[a-z]")
_local = threading.local()  # Snowball stemmers keep state while stemming: one per thread
# Longer "sentences" are cut at white space. The longest of 8,585 real news sentences (BASIL, ECB+ and the
# seeds) has 983 characters; one run-on line of megabytes would make alignment quadratic in its length.
MAX_SENTENCE_CHARS = 2000


def split_sentences(text: str) -> list[str]:
    """Split a cleaned article into sentences; paragraph breaks (newlines) always end a sentence."""
    out: list[str] = []
    for para in text.split("\n"):
        para = para.strip()
        if not para:
            continue
        # spans, not re-joined strings: a merged sentence stays a verbatim slice of its paragraph
        merged: list[tuple[int, int]] = []
        for start, end in _piece_spans(para):
            piece = para[start:end]
            if merged and (_LOWER_START.match(piece) or _open_quote(para[slice(*merged[-1])])):
                if merged[-1][1] - merged[-1][0] < 800:
                    merged[-1] = (merged[-1][0], end)
                    continue
            merged.append((start, end))
        for s, e in merged:
            out.extend(_hard_split(para[s:e]))
    return out


def _hard_split(sentence: str, limit: int = 0) -> list[str]:
    """Cut a sentence over ``limit`` characters at white space (or at the limit when it has none), so one
    run-on line cannot make pairwise scoring quadratic in its length; every piece stays a verbatim slice."""
    limit = limit or MAX_SENTENCE_CHARS
    if len(sentence) <= limit:
        return [sentence]
    pieces: list[str] = []
    pos, n = 0, len(sentence)
    while n - pos > limit:
        cut = max(
            sentence.rfind(" ", pos + limit // 2, pos + limit + 1),
            sentence.rfind("\t", pos + limit // 2, pos + limit + 1),
        )
        if cut < 0:
            cut = pos + limit
        head = sentence[pos:cut].strip()
        if head:
            pieces.append(head)
        pos = cut
        while pos < n and sentence[pos].isspace():
            pos += 1
    tail = sentence[pos:].strip()
    if tail:
        pieces.append(tail)
    return pieces


def _piece_spans(para: str) -> list[tuple[int, int]]:
    """nupunkt sentence spans of a paragraph, trimmed of surrounding white space."""
    spans = []
    for start, end in nupunkt.sent_spans(para):
        piece = para[start:end]
        lead = len(piece) - len(piece.lstrip())
        core = piece.strip()
        if core:
            spans.append((start + lead, start + lead + len(core)))
    return spans


def _open_quote(sentence: str) -> bool:
    return sentence.count('"') % 2 == 1


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem of a lower-case word (thread-safe)."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


def tokens(norm: str) -> list[str]:
    """Word tokens of a normalised (lower-case) text; thousands separators dropped from numbers."""
    return list(_cached_tokens(norm) if len(norm) <= CACHE_CHARS else _tokens(norm))


def _tokens(norm: str) -> tuple[str, ...]:
    # a token starts and ends with [a-z0-9], so only a comma inside a number ever needs rewriting
    toks = _TOKEN.findall(norm)
    if "," in norm:
        toks = [t.replace(",", "") if "," in t and _NUMBER.match(t) else t for t in toks]
    return tuple(toks)


def content_stems(norm: str) -> list[str]:
    """Stems of the content words (stop words dropped; numbers kept as written)."""
    return list(content_stem_tuple(norm))


def content_stem_tuple(norm: str) -> tuple[str, ...]:
    """:func:`content_stems` as a tuple, cached for sentence-sized texts (several stages stem each sentence)."""
    return _cached_stems(norm) if len(norm) <= CACHE_CHARS else _stems(norm)


def _content_form(token: str) -> str:
    """A token's content stem: ``""`` for a stop word or a single letter, a number as written (a Snowball
    stem of two or more letters is never empty, so ``""`` only ever means dropped)."""
    if token in STOPWORDS and not token.isdigit() or len(token) < 2 and not token.isdigit():
        return ""
    return token if token[0].isdigit() else stem(token)


class _ContentForms(dict):
    """token -> :func:`_content_form`, filled on first use (cleared when it grows past a bound)."""

    limit = 200_000

    def __missing__(self, token: str) -> str:
        if len(self) >= self.limit:
            self.clear()
        form = self[token] = _content_form(token)
        return form


_content_forms = _ContentForms()


def _stems(norm: str) -> tuple[str, ...]:
    toks = _cached_tokens(norm) if len(norm) <= CACHE_CHARS else _tokens(norm)
    return tuple(filter(None, map(_content_forms.__getitem__, toks)))


CACHE_CHARS = MAX_SENTENCE_CHARS  # texts up to this long (sentences, titles) have tokens and stems cached
_cached_tokens = lru_cache(maxsize=32768)(_tokens)
_cached_stems = lru_cache(maxsize=32768)(_stems)


def shingles(norm: str, k: int = 5) -> set[str]:
    """Word k-shingles of a normalised text (all words, for text-reuse detection)."""
    toks = _cached_tokens(norm) if len(norm) <= CACHE_CHARS else _tokens(norm)
    if len(toks) < k:
        return {" ".join(toks)} if toks else set()
    return {" ".join(toks[i : i + k]) for i in range(len(toks) - k + 1)}


def shingle_tuples(norm: str, k: int = 5) -> set[tuple[str, ...]]:
    """:func:`shingles` as tuples of words (the same sets, up to joining; no string is built)."""
    toks = _cached_tokens(norm) if len(norm) <= CACHE_CHARS else _tokens(norm)
    if len(toks) < k:
        return {toks} if toks else set()
    return set(zip(*(toks[i:] for i in range(k)), strict=False))


def word_count(text: str) -> int:
    """Number of words in a text."""
    return len(text.split())
