"""Cleaning: page-junk lines, headline lines, quote/whitespace normalisation, de-obfuscation.

``clean_article`` keeps the source's own words (so mentions can be quoted verbatim) and reports
every removed junk line; ``normalize`` gives the matching form (lower case, ``k*lled`` -> ``killed``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from functools import cache, lru_cache

from .memo import RecentMemo
from .model import Article

_QUOTES = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2033": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u3000": " ",
        "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None, "\u00ad": None,
    }
)  # fmt: skip
_QUOTE_CHARS = re.compile("[" + "".join(map(chr, _QUOTES)) + "]")
_SPACES = re.compile(r"[ \t\f\v]+")

# Whole lines that are page furniture, matched case-insensitively after stripping.
_JUNK_EXACT = {
    "advertisement", "advertisements", "advertising", "ad", "sponsored", "sponsored content",
    "share", "share this", "share this article", "share this story", "share on facebook",
    "share on twitter", "share on x", "tweet", "email", "print", "comments", "comment", "close",
    "menu", "sorting by", "sort by", "newest", "oldest", "skip to content", "skip to main content",
    "log in", "login", "sign in", "sign up", "subscribe", "subscribe now", "related", "related articles",
    "related stories", "read more", "read next", "more stories", "trending", "most popular", "most read",
    "loading", "loading...", "click to expand", "show more", "see more", "back to top", "top stories",
    "recommended", "recommended for you", "watch", "listen", "play video", "video", "photo", "gallery",
    "copy link", "link copied", "whatsapp", "facebook", "twitter", "linkedin", "reddit", "pinterest",
    "follow", "follow us", "newsletter", "home", "news", "opinion", "search", "x", "continue reading",
    "story continues below advertisement", "article continues below", "scroll to continue",
}  # fmt: skip
_JUNK_PATTERNS = [
    # navigation / teaser prefixes on short lines
    r"(read more|related|see also|also read|recommended|more from|watch|listen|trending|up next|"
    r"read next|popular|don't miss|must read)\s*[:|\-\u2013\u2014>»].{0,150}",
    # sign-offs and calls to action
    r"(stay tuned|follow us|subscribe to|sign up for|sign up to|click here|download (our|the) app|"
    r"join (our|us)|like us on|get the latest|get our|never miss|don't miss out|for more (news|stories))\b.{0,150}",
    r"(have you been affected|do you have (a|any) (story|tip|information)|got a (news )?tip|contact (our|the) newsroom)"
    r".{0,150}",
    # cookie and consent notices
    r".{0,120}\bcookies?\b.{0,200}\b(accept|consent|privacy|agree|settings|policy)\b.{0,80}",
    r".{0,80}\b(accept|consent)\b.{0,80}\bcookies?\b.{0,120}",
    # copyright and wire sign-offs
    r"(\u00a9|\(c\)|copyright)\s.{0,150}",
    r".{0,80}all rights reserved\.?",
    r"(reporting|writing|editing|additional reporting|compiled|produced) by\s.{0,120}",
    r"(image|photo|picture|video|graphic|illustration)\s*(credit|source)?\s*:.{0,150}",
    r"(this (story|article) (was|has been|is) (originally|first)? ?(published|updated|corrected)).{0,150}",
    r"(updated|published|posted)\s*(on|:)?\s*\w{3,9}\.? \d{1,2},? \d{4}.{0,40}",
    r"(tags?|topics?|filed under|categories)\s*:.{0,200}",
    # bylines: "By Jane Doe", "By Jane Doe, The Daily Example", "By JANE DOE and JOHN ROE"
    r"[Bb]y\s+[A-Z][\w.'\-]+(\s+[A-Z][\w.'\-]+){0,3}((\s*,\s*|\s+and\s+)[A-Z][\w.'\-]*(\s+[\w.'\-]+){0,5})?",
]
_JUNK_RE = re.compile(r"^(?:" + "|".join(_JUNK_PATTERNS[:-1]) + r")$", re.I | re.S)
_BYLINE_RE = re.compile(r"^(?:" + _JUNK_PATTERNS[-1] + r")$", re.S)  # case-sensitive: names are capitalised
_LETTER = re.compile(r"[^\W\d_]")
_TERMINAL = re.compile(r"[.!?…:;\"')\]]\s*$")
_WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
_SMALL_WORDS = {
    "a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to", "for", "by", "with",
    "from", "as", "vs", "via", "into", "over", "amid", "after", "before", "about", "is", "are", "its",
}  # fmt: skip


def normalize_chars(text: str) -> str:
    """Unicode NFC, straight quotes, plain spaces, no zero-width characters, trimmed lines."""
    # drop invisible characters before composing, so a second pass finds nothing left to compose
    if not text.isascii():  # (every character _QUOTES maps is beyond ASCII, and ASCII is NFC)
        for ch in set(_QUOTE_CHARS.findall(text)):  # = text.translate(_QUOTES): no result is a key
            text = text.replace(ch, _QUOTES[ord(ch)] or "")
        text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "  " in text or "\t" in text or "\f" in text or "\v" in text:  # else _SPACES changes nothing
        text = _SPACES.sub(" ", text)  # (a run never holds a line break: the same as line by line)
    return "\n".join([line.strip() for line in text.split("\n")])


def is_junk_line(line: str) -> bool:
    """Whether a whole line is page furniture (widgets, ads, menus, cookie notices, sign-offs)."""
    s = line.strip()
    if not s:
        return False
    if not _LETTER.search(s):
        return True  # "×", "•", "---", "|"
    low = s.lower().rstrip(" .:!|»>")
    if low in _JUNK_EXACT:
        return True
    if len(s) > 400:
        return False
    return bool(_JUNK_RE.match(s) or _BYLINE_RE.match(s))


# is_junk_line of recent short lines (page furniture repeats from page to page)
_junk_memo: RecentMemo[str, bool] = RecentMemo(is_junk_line, 4096)


def _is_junk(line: str) -> bool:
    """:func:`is_junk_line`, remembered for lines of up to 400 characters."""
    return is_junk_line(line) if len(line) > 400 else _junk_memo(line)


def clear_junk_memo() -> None:
    """Forget the remembered junk-line answers."""
    _junk_memo.clear()


def looks_like_headline(line: str, first: bool = False) -> bool:
    """A short line without final punctuation whose significant words are mostly capitalised.

    The first line of an article needs no capitals: a short unpunctuated opening line is a headline.
    """
    s = line.strip()
    words = _WORD.findall(s)
    if not 2 <= len(words) <= 20 or len(s) > 160 or _TERMINAL.search(s) and not s.endswith(("'", '"')):
        return False
    if s.endswith((".", "!", "?")):
        return False
    big = [w for w in words if w.lower() not in _SMALL_WORDS]
    if not big:
        return False
    if first and len(words) >= 3 and (words[0][0].isupper() or words[0][0].isdigit()):
        return True
    caps = sum(1 for w in big if w[0].isupper() or w[0].isdigit())
    return caps / len(big) >= 0.6


def clean_text(text: str, find_headline: bool = True) -> tuple[str, list[str], str | None]:
    """Clean an article body: returns ``(text, removed_junk_lines, headline)``.

    Paragraph breaks are kept as single newlines. A headline line near the top (within the first
    five non-junk lines) is taken out of the body and returned as the headline.
    """
    lines = normalize_chars(text).split("\n")
    kept: list[str] = []
    removed: list[str] = []
    headline: str | None = None
    for line in lines:
        if not line:
            continue
        if _is_junk(line):
            removed.append(line)
            continue
        if find_headline and headline is None and len(kept) < 5 and looks_like_headline(line, first=not kept):
            headline = line
            continue
        kept.append(line)
    if not kept and headline is not None:
        kept.append(headline)  # a one-line text is its own body, not just a headline
    return "\n".join(kept), removed, headline


def clean_article(article: Article, vocabulary: set[str] | None = None) -> Article:
    """Return a cleaned copy of ``article`` (text, raw, boilerplate_removed, title filled).

    ``vocabulary`` is accepted for API symmetry with :func:`normalize`; cleaning itself never
    rewrites the source's words.
    """
    del vocabulary
    raw = article.raw if article.raw is not None else article.text
    title = article.title
    if title:
        title = " ".join(normalize_chars(title).split()) or None
    text, removed, headline = clean_text(article.text, find_headline=not title)
    title = title or (" ".join(headline.split()) or None if headline else None)  # as a given title is
    return replace(
        article,
        text=text,
        raw=raw,
        title=title,
        boilerplate_removed=list(article.boilerplate_removed) + removed,
    )


# --- obfuscation ---------------------------------------------------------------------------------

# Words news sites mask most often; the story's own vocabulary is added at run time.
MASKED_WORDS = frozenset(
    """kill killed kills killing killer killers dead death deaths die died dying suicide suicides rape raped
    rapist murder murdered murders murderer shoot shot shooting shootings gun guns sex sexual porn drugs
    drug abuse abused assault assaulted massacre genocide corpse corpses bodies blood bloody terror
    terrorist terrorists bomb bombs bombing nazi nazis fuck fucking shit bitch damn hell ass bastard
    stab stabbed stabbing hanged behead beheaded torture tortured victim victims war weapon weapons""".split()
)
_MASK_CHARS = "*#@$!%01345"
_OBFUSCATED = re.compile(r"\b[a-z]+(?:[*#@$!%]+[a-z]*)+\b|\b[a-z]+[01345][a-z]+\b", re.I)
_MASK_CHAR = re.compile("[" + re.escape(_MASK_CHARS) + "]")
_MAYBE_MASKED = re.compile(r"[a-z][*#@$!%]|[a-z][01345][a-z]", re.I)  # in every _OBFUSCATED match
_LEET = {"0": "o", "1": "[il]", "3": "e", "4": "a", "5": "s", "@": "a", "$": "s", "!": "[il]"}


@lru_cache(maxsize=4096)
def _mask_pattern(token: str, strict: bool) -> re.Pattern[str]:
    """``*`` stands for any letter; a look-alike (``0`` for ``o``) for its letter, or any letter unless strict."""
    parts = []
    for ch in token.lower():
        if ch in "*#%":
            parts.append("[a-z]")
        elif ch in _LEET:
            parts.append(_LEET[ch] if strict else f"(?:{_LEET[ch]}|[a-z])")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts))


def deobfuscate_word(token: str, vocabulary: set[str] | frozenset[str] = MASKED_WORDS) -> str | None:
    """The dictionary word a masked token stands for (``k*lled`` -> ``killed``), or None."""
    for strict in (True, False):
        pat = _mask_pattern(token, strict)
        for words in (MASKED_WORDS, vocabulary):
            hits = sorted(w for w in words if len(w) == len(token) and pat.fullmatch(w))
            if hits:
                return hits[0]
    return None


def deobfuscate(text: str, vocabulary: set[str] | None = None) -> str:
    """Replace masked words by the words they stand for, keeping everything else as is."""
    vocab: set[str] | frozenset[str] = vocabulary if vocabulary else MASKED_WORDS

    def fix(m: re.Match[str]) -> str:
        tok = m.group(0)
        word = deobfuscate_word(tok, vocab)
        if word is None:
            return tok
        return word.capitalize() if tok[0].isupper() else word

    return _OBFUSCATED.sub(fix, text)


def _may_be_masked(text: str) -> bool:
    """False when ``text`` has no masked word (then :func:`deobfuscate` returns it unchanged); cheap."""
    return _MASK_CHAR.search(text) is not None and _MAYBE_MASKED.search(text) is not None


def normalize(text: str, vocabulary: set[str] | None = None) -> str:
    """Matching form of a text: straight quotes, de-obfuscated, lower case, single spaces."""
    return _normalized(text, lambda: vocabulary)


def normalize_all(texts: list[str], story: list[str]) -> list[str]:
    """:func:`normalize` of each text with the vocabulary of ``story`` (:func:`vocabulary_of`), which is
    built only when some text has a masked word (only then does the vocabulary change the result)."""
    vocabulary = cache(lambda: vocabulary_of(story))
    return [_normalized(text, vocabulary) for text in texts]


def _normalized(text: str, vocabulary: Callable[[], set[str] | None]) -> str:
    """:func:`normalize`, asking for the vocabulary only when a masked word is there to resolve."""
    text = normalize_chars(text)
    if _may_be_masked(text) and _OBFUSCATED.search(text):
        text = deobfuscate(text, vocabulary())
    return " ".join(text.lower().split())


def vocabulary_of(texts: list[str]) -> set[str]:
    """Plain lower-case words of some texts, used to resolve masked words in the same story."""
    vocab: set[str] = set(MASKED_WORDS)
    for t in texts:
        vocab.update(w for w in re.findall(r"[a-z]{3,}", t.lower()))
    return vocab
