"""Facts in news text: quantities, dates, quotes with speakers, and how they compare across sources.

Pure functions over strings, compiled regexes at module level, no models. Every public function accepts
any unicode input and never raises on it.

Decisions (documented once, here):

* Qualifier classes. ``approx``: around, about, approximately, roughly, some, (an) estimated, circa,
  close to, "or so". ``lower``: over, more than, above, at least, upwards of, in excess of, exceeding,
  topping, no fewer/less than, "or more", "10,000-plus"/"10,000+", and the lower end of a range.
  ``upper``: under, less/fewer than, up to, at most, below, no more than, as many as, **nearly, almost**
  (they say the true figure is just below the number, so they bound it from above), and the upper end
  of a range. ``exact``: exactly, precisely, or no qualifier at all (``qualifier_text == ""``, a *bare*
  number, which :func:`compare_quantities` treats as compatible with any qualifier).
* Vague amounts ("dozens of", "hundreds of", "thousands of", "tens of thousands of", ...) are ``approx``
  with the bottom of their bucket as value (12, 100, 1,000, 10,000, ...); :func:`compare_quantities`
  compares them as ranges ("hundreds of" agrees with 300, conflicts with 3,000).
* Ranges ("between 3,000 and 4,000", "3,000-4,000", "$140-$150 million") give two quantities, the
  lower end qualified ``lower`` and the upper end ``upper``; both carry the whole range as ``text``.
* Ages ("40-year-old", "aged 40", "40 years old") get unit ``"age"``, which is only compatible with
  ``"age"`` (never with a unit-less number), so they are rarely compared.
* Not quantities: years and days that belong to dates (see :func:`extract_dates`), clock times,
  ordinals, numbers glued to names ("G7", "COVID-19", "F-16"), numbers after a capitalised name word
  ("Article 5", "Flight 370"), fractions/ratios written with "/" or ":", decades ("1990s"),
  "one" used as a pronoun ("one of", "no one") and capitalised number words mid-sentence ("Air Force One").
* Speakers are normalised to names: titles and roles dropped ("White House spokesman John Kirby" ->
  "John Kirby", "the state-run Korean Central News Agency (KCNA)" -> "KCNA"), pronouns and role nouns
  ("he", "the dictator") resolved to a person named in the same or the 3 previous sentences, and a
  short name is expanded to the longest earlier full name it is part of ("Kirby" -> "John Kirby").
  Generic unnamed speakers keep their lower-cased noun phrase ("officials", "state media").
  :func:`same_speaker` matches a name with its first/last-token forms and acronyms.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Indel, Levenshtein

__all__ = [
    "Quantity",
    "DateMention",
    "QuoteMention",
    "extract_quantities",
    "extract_dates",
    "extract_quotes",
    "normalise_speaker",
    "same_speaker",
    "quote_similarity",
    "quote_relation",
    "changed_words",
    "compare_quantities",
    "compatible_units",
    "compare_dates",
    "unit_lemma",
    "QUOTE_CHANGED_MIN_SIMILARITY",
    "QUOTE_CHANGED_EXCERPT_SIMILARITY",
]


# --------------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class Quantity:
    """A number as stated in text, with its qualifier and the head noun it counts."""

    value: float
    qualifier: str  # approx | lower | upper | exact
    qualifier_text: str  # the qualifier words as written, lower-cased; "" when none
    unit: str | None  # singular lemma of the head noun ("troop", "percent", "dollar", "age"), or None
    text: str  # the phrase as written
    start: int
    end: int


@dataclass(frozen=True)
class DateMention:
    """A calendar expression; fields not stated are None. ``weekday``: Monday = 0.

    ``day_end`` (an extension) is the last day of a day range ("December 23 to 27").
    """

    text: str
    year: int | None
    month: int | None
    day: int | None
    weekday: int | None
    start: int
    end: int
    day_end: int | None = None


@dataclass(frozen=True)
class QuoteMention:
    """A quoted span. ``start``/``end`` are offsets in ``sentences[sentence]``; for a quote that runs on
    into later sentences, ``end`` is an offset into ``" ".join(sentences[sentence:])``."""

    text: str
    speaker: str | None
    sentence: int
    start: int
    end: int


# --------------------------------------------------------------------------------------------------
# Small lexicons

_SMALL_NUM = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
        " seventeen eighteen nineteen".split()
    )
}
_TENS_NUM = {
    w: 20 + 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())
}
_SCALE = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "bn": 1e9,
    "mn": 1e6,
    "tn": 1e12,
    "k": 1e3,
    "m": 1e6,
}
# Letters that match ASCII ones under re.I but lower() to something else ("hundredſ", Kelvin sign, dotted
# capital I): the lookups after case-blind matches fold them first.
_FOLD = str.maketrans({"\u017f": "s", "\u212a": "k", "\u0130": "i", "\u0131": "i"})


def _key(text: str) -> str:
    """The lower-case lookup key of a case-blind match."""
    return text.translate(_FOLD).lower()


# vague amounts: (value = bottom of bucket, top of bucket)
_VAGUE = {
    "dozens": (12.0, 100.0),
    "scores": (20.0, 100.0),
    "hundreds": (100.0, 1e3),
    "thousands": (1e3, 1e6),
    "tens of thousands": (1e4, 1e5),
    "hundreds of thousands": (1e5, 1e6),
    "millions": (1e6, 1e9),
    "tens of millions": (1e7, 1e8),
    "hundreds of millions": (1e8, 1e9),
    "billions": (1e9, 1e12),
    "tens of billions": (1e10, 1e11),
    "hundreds of billions": (1e11, 1e12),
}
_QUALIFIERS = {
    "approx": (
        "around|about|approximately|approx.|roughly|some|an estimated|estimated|an approximate|circa|ca.|"
        "close to|in the region of|on the order of|in the neighborhood of|in the neighbourhood of"
    ).split("|"),
    "lower": (
        "over|more than|above|at least|upwards of|upward of|in excess of|exceeding|topping|no fewer than|"
        "no less than|not less than|greater than|higher than|a minimum of|north of|beyond"
    ).split("|"),
    "upper": (
        "under|less than|fewer than|up to|at most|nearly|almost|below|no more than|not more than|"
        "as many as|as much as|as high as|a maximum of|shy of|short of|lower than"
    ).split("|"),
    "exact": ("exactly|precisely").split("|"),
}
_QUAL_CLASS = {w: cls for cls, words in _QUALIFIERS.items() for w in words}
_INTENSIFIERS = (
    r"just|well|slightly|a little|a bit|far|much|way|significantly|considerably|substantially|somewhat"
)

_CURRENCY = {
    k: v
    for k, v in (
        p.split(":", 1)
        for p in (
            "$:dollar us$:dollar u.s.$:dollar a$:dollar c$:dollar nz$:dollar hk$:dollar s$:dollar usd:dollar "
            "€:euro eur:euro £:pound gbp:pound ¥:yen ₹:rupee ₩:won"
        ).split()
    )
}

_IRREGULAR = {
    k: v
    for k, v in (
        p.split(":", 1)
        for p in (
            "people:person persons:person men:man women:woman children:child feet:foot teeth:tooth "
            "lives:life wives:wife knives:knife mice:mouse geese:goose servicemen:serviceman "
            "servicewomen:servicewoman policemen:policeman firemen:fireman gunmen:gunman data:data "
            "media:media series:series species:species news:news police:police personnel:personnel "
            "staff:staff aircraft:aircraft sheep:sheep fish:fish deer:deer cattle:cattle yuan:yuan yen:yen "
            "percent:percent pct:percent %:percent usd:dollar bucks:dollar buck:dollar kilometres:kilometer "
            "kilometre:kilometer kilometers:kilometer metres:meter metre:meter km:kilometer kms:kilometer "
            "kg:kilogram kgs:kilogram yrs:year yr:year hrs:hour hr:hour mins:minute min:minute tonnes:ton "
            "tonne:ton tons:ton dead:dead killed:killed wounded:wounded injured:injured missing:missing"
        ).split()
    )
}
# participles / adjectives that are counts when they directly follow a number ("3,000 killed")
_COUNT_PARTICIPLES = {"killed", "dead", "wounded", "injured", "missing", "displaced", "arrested", "detained"}
# singular nouns that can head a count even though they do not end in -s
_SINGULAR_UNITS = set(
    (
        "person percent dollar euro pound yen yuan rupee won ruble rouble personnel police staff aircraft "
        "cattle troop soldier year month week day hour minute second mile kilometer meter foot ton kilogram "
        "vote seat point time member people km kg"
    ).split()
)
# lower-case words that may sit between a number and its head noun ("3,000 more troops")
_NP_ADJECTIVES = set(
    (
        "more additional other new extra further fewer such separate different major minor small large big "
        "key top senior young old foreign local civilian military armed elite special active regular reserve "
        "combat ground state federal national public private high low total full hostile enemy allied "
        "innocent unarmed armored armoured nuclear ballistic cruise conventional russian american korean "
        "ukrainian chinese israeli palestinian consecutive straight previous recent last past next first "
        "final injured wounded dead missing killed"
    ).split()
)
_STOP_AFTER_NUM = set(
    (
        "the a an in on at to for from by with and or but as is are was were be been being has have had will "
        "would could should may might can must shall do does did that which who whom whose this these those "
        "it its their his her than per into onto over under after before since during while when where if so "
        "not no yes us thus always perhaps besides towards afterwards whereas unless across less nevertheless "
        "various numerous ago earlier later each apiece says said gets goes plus"
    ).split()
)

_UNIT_GROUPS = [
    set(g.split("|"))
    for g in (
        "troop|soldier|service member|serviceman|servicewoman|servicemember|personnel|fighter|combatant|military personnel|marine|paratrooper|infantryman|recruit",
        "person|individual|human|people|resident|citizen|inhabitant|soul",
        "civilian|noncombatant|non-combatant",
        "death|fatality|dead|killed|life|body|killing",
        "injury|injured|wounded|wound",
        "casualty",
        "child|kid|minor",
        "dollar|usd|buck",
        "euro",
        "pound|sterling",
        "yen",
        "yuan|renminbi|rmb",
        "percent|per cent|%|pct",
        "percentage point|point",
        "vehicle|car|truck|lorry|automobile",
        "aircraft|plane|airplane|aeroplane|jet|warplane|fighter jet",
        "missile|rocket|projectile",
        "drone|uav",
        "home|house|dwelling|residence",
        "kilometer|km",
        "meter|m",
        "ton|tonne",
        "refugee|migrant|asylum seeker|displaced",
        "prisoner|detainee|inmate|captive|hostage",
        "worker|employee|staff|staffer",
        "police|officer|policeman|policewoman|cop",
    )
]
_UNIT_CANON: dict[str, int] = {}
for _gi, _grp in enumerate(_UNIT_GROUPS):
    for _u in _grp:
        _UNIT_CANON.setdefault(_u, _gi)
# units that name people: the generic ones (person, casualty) are compatible with any of them
_HUMAN_GROUPS = {
    _UNIT_CANON[u]
    for u in (
        "troop",
        "person",
        "civilian",
        "death",
        "injury",
        "casualty",
        "child",
        "refugee",
        "prisoner",
        "worker",
        "police",
    )
}
_GENERIC_HUMAN = {_UNIT_CANON["person"], _UNIT_CANON["casualty"]}
_CASUALTY_GROUPS = {_UNIT_CANON["death"], _UNIT_CANON["injury"], _UNIT_CANON["casualty"]}

_MONTHS = {
    k: int(v)
    for k, v in (
        p.split(":", 1)
        for p in (
            "january:1 february:2 march:3 april:4 may:5 june:6 july:7 august:8 september:9 october:10 "
            "november:11 december:12 jan:1 feb:2 mar:3 apr:4 jun:6 jul:7 aug:8 sep:9 sept:9 oct:10 nov:11 "
            "dec:12"
        ).split()
    )
}
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}

# --------------------------------------------------------------------------------------------------
# Regexes: quantities

_CUR_PAT = r"(?P<cur>(?:US|U\.S\.|A|C|NZ|HK|S)?\$|€|£|¥|₹|₩|\b(?:USD|EUR|GBP)\b)"
_DIGIT_RE = re.compile(
    rf"(?:{_CUR_PAT}\s?)?"
    r"(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
    r"(?:\s?(?P<scale>(?i:thousand|million|billion|trillion)|bn|mn|tn|k|m)\b)?"
)
_DIGIT_RE_BACK = 7  # a match's first digit is at most this far in: "U.S.$ .5" (currency, space, dot)
_NUMWORD = "|".join(sorted(list(_TENS_NUM) + list(_SMALL_NUM), key=len, reverse=True))
_UNITWORD = "one|two|three|four|five|six|seven|eight|nine"
_SPELLED_RE = re.compile(
    rf"\b(?:(?:(?:{'|'.join(_TENS_NUM)})(?:-(?:{_UNITWORD}))?|{_NUMWORD})(?:\s+(?:hundred|dozen))?"
    r"|an?\s+(?:hundred|dozen)|an?(?=\s+(?:thousand|million|billion|trillion)\b))"
    r"(?:\s+(?:thousand|million|billion|trillion))?\b",
    re.I,
)
# Every match of _SPELLED_RE or _VAGUE_RE contains one of these words (same case rule): a text without them
# needs neither scan. Likewise _DIGIT_RE needs an ASCII digit.
_NUMBER_WORD_HINTS = (
    *_SMALL_NUM,
    *_TENS_NUM,
    "hundred",
    "dozen",
    "thousand",
    "million",
    "billion",
    "trillion",
    "scores",
)
_NUMBER_WORD_HINT_RE = re.compile("|".join(_NUMBER_WORD_HINTS), re.I)
# the only characters re.IGNORECASE matches to an ASCII letter that str.lower() does not turn into it
_ODD_CASE = ("\u0130", "\u0131", "\u017f")


# a match of either pattern starts with one of these words (or with "a"/"an" before one: "a dozen")
_NUMBER_WORD_STARTS = tuple(
    w for w in _NUMBER_WORD_HINTS if not any(v != w and w.startswith(v) for v in _NUMBER_WORD_HINTS)
)


def _number_word_starts(text: str) -> list[int] | None:
    """Where in ``text`` a spelled or vague number may start: the sorted word starts (positions not after a
    letter or digit) of _NUMBER_WORD_STARTS, case-insensitively; [] when it holds none. None when a
    character that re.IGNORECASE matches oddly (_ODD_CASE) makes a full scan necessary."""
    if any(c in text for c in _ODD_CASE):
        return None if _NUMBER_WORD_HINT_RE.search(text) else []
    low = text.lower()  # the same length as ``text``: only U+0130 (an _ODD_CASE) lower-cases to two
    out: list[int] = []
    for w in _NUMBER_WORD_STARTS:
        i = low.find(w)
        while i >= 0:
            if i == 0 or not text[i - 1].isalnum():
                out.append(i)
            i = low.find(w, i + 1)
    out.sort()
    return out


def _matches_at(rx: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)`` for a pattern whose every match starts at one of ``starts`` (sorted), which
    are the only positions tried. Matches must be non-empty."""
    end = 0
    for p in starts:
        if p >= end and (m := rx.match(text, p)) is not None:
            yield m
            end = m.end()


def _with_articles(text: str, starts: list[int]) -> list[int]:
    """``starts`` and where an "a"/"an" before one of them (then whitespace) may start: "a hundred"."""
    out = set(starts)
    for p in starts:
        j = p
        while j > 0 and text[j - 1].isspace():
            j -= 1
        if j < p:
            out.update(k for k in (j - 1, j - 2) if k >= 0)
    return sorted(out)


_ASCII_DIGIT_RE = re.compile(r"[0-9]")
_DIGIT_RUN_RE = re.compile(r"[0-9]+")
# small patterns of the functions below, compiled once
_LAST_WORD_RE = re.compile(r"([^\s]+)\s*$")
_NEXT_WORD_RE = re.compile(r"\s+([^\W\d_][\w'’\-]*)")
_PERCENT_AFTER_RE = re.compile(r"\s?%")
_WORD_BEFORE_RE = re.compile(r"(\S+)\s+$")
_PAREN_RE = re.compile(r"\([^)]*\)")
_AND_RE = re.compile(r"\s+and\s+")
_CAP_WORD_RE = re.compile(r"\b[A-Z]")
_POSSESSIVE_END_RE = re.compile(r"(?:'s|’s)$")
_COLON_END_RE = re.compile(r"([^\s:]+)\s*:\s*$")
_CLAUSE_BREAK_RE = re.compile(r"[;:]\s")
_SENTENCE_BREAK_RE = re.compile(r"[.;!?]\s")
_FIRST_WORD_RE = re.compile(r"\W*([^\W\d_]+)")
_NEXT_LOWER_WORD_RE = re.compile(r"\s+([a-z][\w'’]*)")


def _digit_led(rx: re.Pattern[str], text: str, back: int = -1) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)`` for a pattern that needs an ASCII digit, trying it only near digit runs (a
    pattern that opens with an optional part or a look-behind is slow to scan). ``back`` >= 0: a match's
    first digit is at most that far in; -1: a match starts at the first digit of a run (its pattern opens
    with ``(?<![0-9])`` or stricter). Matches must be non-empty."""
    pos = 0
    while (run := _DIGIT_RUN_RE.search(text, pos)) is not None:
        if back >= 0:  # no match starts before run.start() - back: the first one from there is the next
            m = rx.search(text, max(pos, run.start() - back))
            if m is None:
                return
        else:
            m = rx.match(text, run.start())
            if m is None:
                pos = run.end()
                continue
        yield m
        pos = m.end()


_VAGUE_RE = re.compile(
    r"\b(?P<v>(?:tens|hundreds)\s+of\s+(?:thousands|millions|billions)|dozens|scores|hundreds|thousands"
    r"|millions|billions)\s+of\b",
    re.I,
)
_TIME_RE = re.compile(
    r"(?<![0-9])[0-9]{1,2}(?:\s?:\s?[0-9]{2})?\s?(?:a\.\s?m\.?|p\.\s?m\.?|am\b|pm\b|AM\b|PM\b|o'clock|o’clock)"
    r"|(?<![0-9])[0-9]{1,2}(?:\s?:\s?[0-9]{2})?\s?(?:GMT|UTC|EST|EDT|PST|PDT|CET|BST|ET|PT)\b"
    r"|(?<![0-9])[0-9]{4}\s?(?:GMT|UTC|hours|hrs)\b"
    r"|(?<![0-9])[0-9]{1,2}\s?:\s?[0-9]{2}(?:\s?:\s?[0-9]{2})?(?![0-9])"
)
_QUAL_LEFT_RE = re.compile(
    r"(?i)(?<![\w])(?P<q>(?:(?:"
    + _INTENSIFIERS
    + r")\s+)?(?:"
    + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(_QUAL_CLASS, key=len, reverse=True))
    + r"))\s*$"
)
_AGE_LEFT_RE = re.compile(r"(?i)(?<![\w])(?:aged|ages?)\s*$")
# street addresses: "200 W. American Blvd."
_ADDRESS_RE = re.compile(
    r"\s+(?:[NSEW]\.?\s+)?(?:[A-Z][\w.]*\s+){1,3}(?:St|Street|Ave|Avenue|Blvd|Boulevard|Road|Rd|Lane|Ln|Drive|Dr"
    r"|Way|Place|Pl|Court|Ct|Highway|Hwy|Parkway|Pkwy|Square|Sq)\b"
)
# "1, 009 species" in tokenised text: a thousands separator followed by a space
_SPACED_THOUSANDS_AFTER_RE = re.compile(r",\s[0-9]{3}(?![0-9])")
_SPACED_THOUSANDS_BEFORE_RE = re.compile(r"(?<![0-9])[0-9]{1,3},\s$")
_FRACTION_AFTER_RE = re.compile(r"[-–\s]\s?(?:halves|half|thirds?|quarters?|fifths?|tenths?)\b", re.I)
_TIME_UNITS = {
    "second",
    "minute",
    "hour",
    "day",
    "week",
    "month",
    "year",
    "decade",
    "century",
    "night",
    "weekend",
}
_RANGE_LEFT_RE = re.compile(r"(?i)(?<![\w])(?P<q>between|from)\s*$")
_QUAL_RIGHT_RE = re.compile(
    r"(?i)^(?:\s*,)?\s*(?:(?P<lower>(?:or|and)\s+(?:more|above|over|higher|greater|upwards)\b)"
    r"|(?P<approx>or\s+so\b|or\s+thereabouts\b)|(?P<upper>or\s+(?:fewer|less|under|below)\b))"
)
_SLASH_RE = re.compile(r"\s/\s?[0-9]")  # "9 / 11" in tokenised text
_SLASH_BEFORE_RE = re.compile(r"[0-9]\s?/\s?$")
_HYPH_BEFORE_RE = re.compile(r"[0-9]\s?[-–]\s?$")
_HYPH_AFTER_RE = re.compile(r"\s?[-–]\s?\$?[0-9]")
_RANGE_JOIN_RE = re.compile(r"^\s*(?:-|–|—|to|and)\s*$", re.I)
_WORD_AFTER_RE = re.compile(r"\s*([^\W\d_](?:[\w\-]|['’](?=\w))*|%)")
_PERCENT_RE = re.compile(r"^\s?(?:%|(?i:per\s?cent|percent|pct)\b)(?P<pp>\s+(?i:percentage\s+points?))?")
_PP_RE = re.compile(r"^\s?(?i:percentage[\s-]+points?)\b")
_COMPOUND_RE = re.compile(r"^(\s?)[-–]\s?([^\W\d_]+)(?:\s?[-–]\s?([^\W\d_]+))?")
# with spaces around the hyphen (tokenised text: "39 - year - old") only measure words make a compound
_SPACED_COMPOUND_UNITS = set(
    "year month week day hour minute second time game point member man mile foot yard meter metre inch "
    "caliber calibre round seat story storey page percent degree lap mile kilometer".split()
)
_YEARS_OLD_RE = re.compile(r"^\s+(?:years?|months?)[\s-]+old\b", re.I)
_CAP_OK = set(
    (
        "the a an about over some nearly around roughly almost only just at in on and but of for with all "
        "another than to up by from since until after before during under more fewer less approximately "
        "estimated exactly precisely those these its his her their our my your total then now today yesterday "
        "last next when while if as although because so yet or nor among including between within without "
        "against killing kills killed leaving involving every each both least"
    ).split()
)

# --------------------------------------------------------------------------------------------------
# Regexes: dates

_MONTH_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
_MON = rf"(?:{_MONTH_FULL}|{_MONTH_ABBR})"
_WD = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_ORD = r"(?:st|nd|rd|th)?"
_RANGE_SEP = r"\s*(?:-|–|—|to|through|until|and)\s*"
_DATE_RES = {
    "iso": re.compile(r"(?<![0-9\-])(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})(?![0-9])"),
    "num": re.compile(r"(?<![0-9/.])(?P<a>[0-9]{1,2})/(?P<b>[0-9]{1,2})/(?P<y>[0-9]{4}|[0-9]{2})(?![0-9/])"),
    "mdy": re.compile(
        rf"\b(?P<mon>{_MON})\s+(?P<d>[0-9]{{1,2}}){_ORD}(?![0-9]|,[0-9])"
        rf"(?:{_RANGE_SEP}(?P<d2>[0-9]{{1,2}}){_ORD}(?![0-9]|,[0-9]))?(?:,?\s+(?P<y>[0-9]{{4}})(?![0-9]))?"
    ),
    "dmy": re.compile(
        rf"(?<![0-9,.$€£])\b(?P<d>[0-9]{{1,2}}){_ORD}"
        rf"(?:{_RANGE_SEP}(?P<d2>[0-9]{{1,2}}){_ORD})?\s+(?:of\s+)?(?P<mon>{_MON})"
        r"(?:,?\s+(?P<y>[0-9]{4})(?![0-9]))?"
    ),
    "my": re.compile(
        rf"\b(?P<mon>{_MONTH_FULL}|{_MONTH_ABBR}(?=,?\s+[0-9]{{4}}))(?![\w’'])(?:,?\s+(?:of\s+)?(?P<y>[0-9]{{4}})(?![0-9]))?"
    ),
    "wd": re.compile(rf"\b(?P<wd>{_WD})(?![\w’'])"),
    "year": re.compile(r"(?<![\w$€£.,/'’])(?P<y>1[89][0-9]{2}|20[0-9]{2})(?![\w%]|[.,][0-9])"),
}
# patterns whose matches start at the first digit of a run (see _digit_led); "mdy" and "my" matches start
# with a month name, so at a _MONTH_START_RE match, which any "dmy" match also holds; "wd" ones hold "day"
_DIGIT_LED_DATES = ("iso", "num", "dmy", "year")
_MONTH_START_RE = re.compile("Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
# looked for to the left of a match (regexes that start with an optional part are slow to scan)
_WD_BEFORE_RE = re.compile(rf"\b(?P<wd>{_WD}),?\s+(?:the\s+)?$")
_YEAR_LEFT_RE = re.compile(
    r"(?:\b(?P<prep>(?i:in|since|by|until|till|before|after|during|from|through|throughout|of))\s+)?"
    r"(?:\b(?P<mod>(?i:early|late|mid))[-\s]?)?$"
)
_DATE_CONTEXT = set(
    (
        "in since by until till before after during from through early late mid last next this of each every "
        "on throughout between and or to"
    ).split()
)
_NAME_MONTHS = {"May", "April", "June", "August"}

# --------------------------------------------------------------------------------------------------
# Regexes and lexicons: quotes and speakers

_SPEECH_STRICT = (
    "said says say told tells added adds declared declares stated states wrote writes warned warns noted notes "
    "explained explains argued argues insisted insists claimed claims asserted asserts announced announces "
    "continued continues replied replies responded responds remarked remarks commented comments acknowledged "
    "acknowledges admitted admits conceded concedes emphasized emphasizes emphasised emphasises stressed "
    "stresses recalled recalls asked asks quipped joked tweeted tweets posted observed suggested suggests "
    "vowed vows pledged pledges promised promises predicted cautioned urged urges demanded demands complained "
    "lamented boasted confirmed confirms reported reports shouted yelled whispered testified countered agreed "
    "concluded charged alleged maintained contended recounted proclaimed reiterated reiterates thundered mused "
    "wondered advised affirmed exclaimed retorted tell add declare warn write argue insist claim announce ask"
).split()
_SPEECH_BROAD = (
    "called calls described describes dubbed dubs labeled labelled labels branded brands denounced denounces "
    "blasted blasts slammed slams mocked mocks criticized criticised criticizes criticises accused accuses "
    "praised praises hailed hails touted touts condemned condemns smeared smears threatened threatens "
    "characterized characterised termed terms deemed decried decries lambasted derided ridiculed cited cites "
    "expressed expresses saying telling adding declaring stating writing warning noting explaining arguing "
    "insisting claiming asserting announcing calling describing dubbing labeling labelling branding "
    "denouncing blasting slamming mocking criticizing criticising accusing praising hailing touting "
    "condemning threatening urging vowing pledging promising demanding promise call describe accuse urge vow "
    "pledge"
).split()
_VERB_RE = re.compile(
    r"\b(?P<v>"
    + "|".join(sorted(set(_SPEECH_STRICT + _SPEECH_BROAD), key=len, reverse=True))
    + r"|pointed out|went on)\b"
)
_STRICT_SET = set(_SPEECH_STRICT) | {"pointed out", "went on"}
# the word every _VERB_RE match starts with (a whole word: the pattern has \b on both sides)
_VERB_FIRST_WORDS = frozenset(_SPEECH_STRICT + _SPEECH_BROAD + ["pointed", "went"])
_WORD_RUN_RE = re.compile(r"\w+")


def _speech_verbs(text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
    """``_VERB_RE.finditer(text, pos, endpos)``, faster: the pattern is tried only where a word that can
    start a match begins (scanning its long alternation at every position is slow)."""
    end = len(text) if endpos is None else endpos
    if _VERB_FIRST_WORDS.isdisjoint(_WORD_RUN_RE.findall(text, pos, end)):
        return
    last = pos
    for w in _WORD_RUN_RE.finditer(text, pos, end):
        if w.start() >= last and w.group() in _VERB_FIRST_WORDS:
            m = _VERB_RE.match(text, w.start(), end)
            if m is not None:
                yield m
                last = m.end()


_AUX = set(
    (
        "has have had was were is are also then later once further even will would could did does do not "
        "never again previously recently repeatedly reportedly famously already just earlier now still often "
        "first publicly"
    ).split()
)
_PRONOUNS = {"he", "she", "they", "it", "we"}
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those"}
_TITLES = set(
    (
        "president president-elect vice prime minister secretary general gen. lt. col. maj. sgt. capt. adm. "
        "admiral sen. senator rep. representative gov. governor mayor judge justice chief chairman chairwoman "
        "chair ceo director spokesman spokeswoman spokesperson leader king queen prince princess pope dr. dr "
        "mr. mr mrs. mrs ms. ms prof. professor sir dame lord ambassador envoy commander chancellor premier "
        "speaker attorney deputy assistant acting former dictator ruler head coach manager captain rev. "
        "sheikh ayatollah emir sultan supreme lawmaker congressman congresswoman councillor councilor "
        "councilman officer official analyst expert negotiator adviser advisor aide diplomat spy sergeant "
        "lieutenant colonel major founder executive candidate nominee then-president ex-president inspector "
        "detective sheriff superintendent archbishop bishop cardinal rabbi imam father foreign defense "
        "defence interior senior top white"
    ).split()
)
# role words that, after a determiner and with no name, denote a person already mentioned
_PERSON_ROLES = _TITLES - {
    "foreign",
    "defense",
    "defence",
    "interior",
    "senior",
    "top",
    "white",
    "vice",
    "prime",
    "acting",
    "former",
    "deputy",
    "assistant",
    "supreme",
    "general",
    "major",
}
_GENERIC_SPEAKERS = set(
    (
        "officials official authorities media agency ministry government police military army spokesman "
        "spokeswoman spokesperson analysts experts sources source witnesses residents observers critics state "
        "news diplomats lawmakers prosecutors investigators researchers scientists doctors officers "
        "administration white house office department council committee commission party regime leadership "
        "outlet broadcaster newspaper state-run state-controlled press service services intelligence kremlin"
    ).split()
)
_DOCUMENT_NOUNS = set(
    (
        "statement report letter document post tweet release memo article survey study analysis message "
        "notice communique communiqué readout"
    ).split()
)
_NP_GLUE = {"of", "for", "at", "and"}
_PARTICLES = set(("von van der den de da di del la le bin ibn al el dos das").split())
_CAP_STOP = set(
    (
        "the a an however but and or so then meanwhile also later in on at for from to of by with without "
        "despite during after before since until while when where if as although though because yet still now "
        "today yesterday tomorrow following according this that these those there here it he she they we i "
        "you his her their our its my your what which who why how not no some many most all both each every "
        "one two three earlier last next first instead even just only perhaps indeed moreover furthermore "
        "nevertheless thus therefore hence regardless amid among under over about into through via per like "
        "unlike against toward towards mr mrs ms dr stay read watch click subscribe advertisement "
        "advertisements reports experts officials whether once kim’s should would could let do"
    ).split()
)
_NON_PERSON = set(
    (
        "house party agency council ministry department office committee commission court congress senate "
        "parliament assembly government administration army navy force forces union nations states kingdom "
        "republic news times post press journal media network bank fund company corporation corp inc ltd "
        "university college school hospital church center centre institute foundation association "
        "organization organisation group league club team pentagon kremlin white east west middle central "
        "national international federal security war world street avenue road river sea ocean island islands "
        "city county province region airport station square tower bridge building hotel museum stadium "
        "twitter facebook google reuters afp bbc cnn fox nbc abc cbs msnbc npr korea russia ukraine china "
        "japan america washington pyongyang moscow seoul tokyo beijing kyiv kiev europe israel iran iraq "
        "syria gaza britain france germany india pakistan afghanistan turkey egypt mexico canada australia "
        "africa asia london paris berlin brussels jerusalem tehran baghdad damascus taiwan vietnam cuba "
        "venezuela brazil italy spain poland korean russian ukrainian chinese japanese american americans "
        "european israeli iranian british french german indian palestinian syrian iraqi afghan turkish soviet "
        "western eastern northern southern democrats republicans democrat republican democratic communist "
        "workers workers’ workers' embassy guard guards police brigade command fleet corps monday tuesday "
        "wednesday thursday friday saturday sunday god allah christmas easter internet covid covid-19 "
        "coronavirus u.s. u.n. u.k. nato usa dprk state capitol hill valley north south wire "
        "federalist audacy dx daily herald tribune telegraph guardian observer independent economist politico "
        "axios yonhap kcna tass xinhua trust alliance coalition movement front authority board bureau service "
        "services treaty accord agreement act bill law plan strategy"
    ).split()
) | set(_MONTHS)
_PREPS = set(
    (
        "of with to from in on at by for against toward towards about into over between among like than "
        "through across under after before behind near within without via per despite amid upon onto off"
    ).split()
)
_TOK_RE = re.compile(r"\([^\W\d_][\w.&]*\)|[^\W_][\w'’.\-]*")
_ACR_RE = re.compile(r"\(([^\W\d_][\w.&]*)\)")
_ACCORDING_RE = re.compile(r"\b[Aa]ccording to\s+")
_QUOTE_CHARS = "\"“”„«»‘’'‹›"
_QUOTE_MARK_RE = re.compile("[" + re.escape(_QUOTE_CHARS + "`") + "]")
# a "quote" that starts with its own attribution was paired across a missing mark: '"Gage said. He ...'
_PARTY_STATE_RE = re.compile(r"^(?:[RDI]|Rep|Dem|Ind)\s?-\s?[A-Z][\w.]{0,6}(?:\s?[A-Z][\w.]{0,5})?$")
# "(R-S.D.)", "(D-N.Y.)": party/state tags after a lawmaker's name
_PARTY_TAG_RE = re.compile(r"\((?:[RDI]|Rep|Dem|Ind)\s?-\s?[A-Z][\w.]{0,6}(?:\s?[A-Z][\w.]{0,5})?\s?\)")
_ABBR_ONLY_RE = re.compile(r"^\s*(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Prof|St)\.)?\s*$")
_MISPARSED_RE = re.compile(r"^(?:[A-Z][\w'’.-]+\s+){1,3}(?:said|says)\s*[.,]\s+\S")
_TAIL_RE = re.compile(r"^(?:\s|[,;:.!?—–-])*")
_TITLE_BEFORE_OF = set(
    (
        "secretary minister speaker chairman chair director head governor president chief leader commander "
        "member"
    ).split()
)

# --------------------------------------------------------------------------------------------------
# Helpers


def unit_lemma(word: str | None) -> str | None:
    """Singular, lower-case, lemma-ish form of a unit noun ("troops" -> "troop", "%" -> "percent")."""
    if not word:
        return None
    w = word.lower().strip(".’'")
    if not w:
        return None
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w in _CURRENCY:
        return _CURRENCY[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 2:
        return w[:-1]
    return w


def _is_plural_noun(w: str) -> bool:
    lw = w.lower()
    if lw in _STOP_AFTER_NUM:
        return False
    if lw in _IRREGULAR and _IRREGULAR[lw] != lw:
        return True
    return lw.endswith("s") and not lw.endswith(("ss", "us", "is", "'s", "’s")) and len(lw) > 2


def _parse_number(num: str) -> float | None:
    try:
        v = float(num.replace(",", ""))
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _spelled_value(words: str) -> float | None:
    total, cur = 0.0, 0.0
    seen = False
    for w in re.split(r"[\s\-]+", words.lower()):
        if not w:
            continue
        if w in _SMALL_NUM:
            cur += _SMALL_NUM[w]
            seen = True
        elif w in _TENS_NUM:
            cur += _TENS_NUM[w]
            seen = True
        elif w in ("a", "an"):
            cur = 1.0
            seen = True
        elif w == "hundred":
            cur = (cur or 1.0) * 100
        elif w == "dozen":
            cur = (cur or 1.0) * 12
        elif w in ("thousand", "million", "billion", "trillion"):
            total += (cur or 1.0) * _SCALE[w]
            cur = 0.0
        else:
            return None
    return total + cur if seen else None


def _sentence_initial(text: str, pos: int) -> bool:
    """True when ``pos`` starts a sentence (start of text or after . ! ? and optional quote/bracket)."""
    j = pos - 1
    while j >= 0 and text[j].isspace():
        j -= 1
    while j >= 0 and text[j] in "\"“”‘’'([":
        j -= 1
    return j < 0 or text[j] in ".!?:\n" or (j + 1 < pos and text[j + 1] == "\n")


def _prev_word(text: str, pos: int) -> str:
    m = _LAST_WORD_RE.search(text[max(0, pos - 40) : pos])
    return m.group(1) if m else ""


def _overlaps(spans: Iterable[tuple[int, int]], s: int, e: int) -> bool:
    return any(a < e and s < b for a, b in spans)


class _BlockedSpans:
    """The date and time spans of a text, found on first use (most number-word hits need none)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[tuple[int, int]] | None = None

    def __iter__(self) -> Iterator[tuple[int, int]]:
        if self.spans is None:
            self.spans = _blocked_spans(self.text)
        return iter(self.spans)


# --------------------------------------------------------------------------------------------------
# Dates


def extract_dates(text: str) -> list[DateMention]:
    """Dates in ``text``: "December 23", "Dec. 23-27, 2024", "23 December", "Tuesday, March 3", "June",
    "in 2019", "2024-12-28", "12/28/2024" (month first unless the first number exceeds 12), weekdays.

    Bare four-digit years (1800-2099) count when not followed by a plural noun ("2000 troops" is a count,
    "in 2019", "the 2024 election" are years); a preceding preposition is kept in ``text`` ("in 2019").
    """
    if not isinstance(text, str) or not text:
        return []
    found: list[tuple[int, int, DateMention]] = []
    digits = _ASCII_DIGIT_RE.search(text) is not None
    months = [m.start() for m in _MONTH_START_RE.finditer(text)]
    wanted = {  # what each pattern's matches need
        "iso": digits and "-" in text,
        "num": digits and "/" in text,
        "mdy": digits and bool(months),
        "dmy": digits and bool(months),
        "my": bool(months),
        "wd": "day" in text,
        "year": digits,
    }
    for kind, rx in _DATE_RES.items():
        if not wanted[kind]:
            continue
        if kind in _DIGIT_LED_DATES:
            matches = _digit_led(rx, text)
        elif kind in ("mdy", "my"):  # these start with a month name
            matches = _matches_at(rx, text, months)
        else:
            matches = rx.finditer(text)
        for m in matches:
            dm = _date_from_match(kind, m, text)
            if dm is not None:
                found.append((dm.start, -(dm.end - dm.start), dm))
    found.sort(key=lambda t: (t[0], t[1]))
    out: list[DateMention] = []
    last_end = -1
    for s, _neg, dm in found:
        if s >= last_end:
            out.append(dm)
            last_end = dm.end
    return out


def _valid_ymd(y: int | None, m: int | None, d: int | None) -> bool:
    if m is not None and not 1 <= m <= 12:
        return False
    if d is not None:
        try:
            _dt.date(y if y is not None else 2000, m if m is not None else 1, d)
        except ValueError:
            return False
    return True


def _date_from_match(kind: str, m: re.Match, text: str) -> DateMention | None:
    g = m.groupdict()
    start, end = m.start(), m.end()
    year = month = day = wd = d2 = None
    if kind == "iso":
        year, month, day = int(g["y"]), int(g["m"]), int(g["d"])
    elif kind == "num":
        a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
        year = y if len(g["y"]) == 4 else 2000 + y if y < 70 else 1900 + y
        month, day = (a, b) if a <= 12 else (b, a)
    elif kind in ("mdy", "dmy", "my"):
        month = _MONTHS.get(g["mon"].rstrip(".").lower())
        if g.get("d"):
            day = int(g["d"])
        if g.get("d2"):
            d2 = int(g["d2"])
            if day is None or d2 <= day:
                d2 = None
        if g.get("y"):
            year = int(g["y"])
        if kind in ("mdy", "dmy"):
            wm = _WD_BEFORE_RE.search(text[max(0, start - 14) : start])
            if wm:
                wd = _WEEKDAYS[_key(wm.group("wd"))]
                start = max(0, start - 14) + wm.start()
        if kind == "my" and year is None:
            mon = g["mon"]
            prev = _prev_word(text, start).lower().rstrip("-")
            if mon in _NAME_MONTHS and prev not in _DATE_CONTEXT:
                return None
            nxt = text[end : end + 2]
            if (
                mon in _NAME_MONTHS
                and len(nxt) == 2
                and nxt[0] == " "
                and nxt[1].isupper()
                and prev not in (_DATE_CONTEXT)
            ):
                return None
            if mon in ("March", "May") and _sentence_initial(text, start) and prev not in _DATE_CONTEXT:
                return None
    elif kind == "wd":
        wd = _WEEKDAYS[_key(g["wd"])]
    elif kind == "year":
        year = int(g["y"])
        ys = m.start("y")
        lm = _YEAR_LEFT_RE.search(text[max(0, ys - 24) : ys])
        g = {"prep": lm.group("prep") if lm else None, "mod": lm.group("mod") if lm else None}
        left0 = max(0, ys - 24)
        if ys > 0 and text[ys - 1] in "-–" and ys > 1 and text[ys - 2].isalpha():
            return None  # COVID-2019
        if not g.get("prep") and not g.get("mod"):
            prev = _prev_word(text, ys).lower()
            after = text[m.end("y") : m.end("y") + 30]
            nm = _NEXT_WORD_RE.match(after)
            if (
                nm
                and (_is_plural_noun(nm.group(1)) or nm.group(1).lower() in ("percent", "per"))
                and not (prev in _DETERMINERS or prev.endswith(("'s", "’s")) or prev in _DATE_CONTEXT)
            ):
                return None
            if _PERCENT_AFTER_RE.match(after):
                return None
        if g.get("prep"):
            start = left0 + lm.start("prep")
        elif g.get("mod"):
            start = left0 + lm.start("mod")
    if not _valid_ymd(year, month, day):
        return None
    if d2 is not None and not _valid_ymd(year, month, d2):
        d2 = None
    return DateMention(text[start:end], year, month, day, wd, start, end, d2)


def _weekday_of(y: int | None, m: int | None, d: int | None) -> int | None:
    if y is None or m is None or d is None:
        return None
    try:
        return _dt.date(y, m, d).weekday()
    except ValueError:
        return None


def compare_dates(a: DateMention, b: DateMention) -> str | None:
    """ "agree" when every field both dates state (year, month, day, weekday, incl. a weekday derivable from
    a full date) is equal, "conflict" when one differs, None when they share no field."""
    try:
        compared = False
        if a.year is not None and b.year is not None:
            compared = True
            if a.year != b.year:
                return "conflict"
        if a.month is not None and b.month is not None:
            compared = True
            if a.month != b.month:
                return "conflict"
            if a.day is not None and b.day is not None:
                compared = True
                a_lo, a_hi = a.day, a.day_end or a.day
                b_lo, b_hi = b.day, b.day_end or b.day
                if a_hi < b_lo or b_hi < a_lo:
                    return "conflict"
        if not a.day_end and not b.day_end:
            year = a.year if a.year is not None else b.year
            wa = a.weekday if a.weekday is not None else _weekday_of(year, a.month, a.day)
            wb = b.weekday if b.weekday is not None else _weekday_of(year, b.month, b.day)
            if wa is not None and wb is not None and (a.weekday is not None or b.weekday is not None):
                compared = True
                if wa != wb:
                    return "conflict"
        return "agree" if compared else None
    except (AttributeError, TypeError):
        return None


# --------------------------------------------------------------------------------------------------
# Quantities


@dataclass
class _Cand:
    start: int  # start of the number (or currency sign)
    end: int  # end of number + scale
    value: float
    cur: str | None = None
    vague: str | None = None
    spelled: bool = False
    mult: float = 1.0  # the scale word's factor ("million" -> 1e6)
    hyph: bool = False  # joined by a hyphen to another number ("45-7-2"): only kept as part of a range


def _digit_candidates(text: str, blocked: Iterable[tuple[int, int]]) -> list[_Cand]:
    out = []
    for m in _digit_led(_DIGIT_RE, text, _DIGIT_RE_BACK):
        ns, ne = m.start("num"), m.end("num")
        start, end = m.start(), m.end()
        cur = m.group("cur")
        scale = m.group("scale")
        if scale and scale.lower() in ("k", "m") and not cur:
            # "100m" (metres) or "5k" (a run): a number glued to a letter is not a count
            continue
        if not scale:
            end = ne
        prev = text[ns - 1] if ns > 0 else " "
        if not cur:
            if prev.isalnum() or prev in "._/#'’\\@":
                continue
            if prev in "-–" and ns > 1 and text[ns - 2].isalpha():
                continue
        nxt = text[end] if end < len(text) else " "
        nxt2 = text[end + 1] if end + 1 < len(text) else " "
        if (
            nxt.isalpha()
            or nxt == "_"
            or (nxt in "/:" and nxt2.isdigit())
            or (nxt in ".," and nxt2.isdigit())
            or _SLASH_RE.match(text, end)
            or (not cur and _SLASH_BEFORE_RE.search(text[max(0, ns - 4) : ns]))
        ):
            continue
        if _overlaps(blocked, ns, ne):
            continue
        num = m.group("num")
        if not cur and not scale:
            if len(num) <= 3 and _SPACED_THOUSANDS_AFTER_RE.match(text, ne):
                continue
            if len(num) == 3 and _SPACED_THOUSANDS_BEFORE_RE.search(text[max(0, ns - 6) : ns]):
                continue
            if _ADDRESS_RE.match(text, ne) or (
                num == "911" and not re.match(r"\s+[a-z]+s\b(?<!calls)", text[ne:])
            ):
                continue  # an address or the emergency number
        value = _parse_number(num)
        if value is None:
            continue
        # a number right after a capitalised name word: "Article 5", "Flight 370", "No. 10"
        if not cur and not scale and "," not in m.group("num"):
            pm = _WORD_BEFORE_RE.search(text[max(0, ns - 30) : ns])
            if pm:
                pw = pm.group(1)
                pws = pw.strip("\"“”‘’'()[],")
                if (
                    pw[-1] not in ",;:)"
                    and pws
                    and pws[0].isupper()
                    and pws.lower().rstrip(".") not in _CAP_OK
                    and not pws.endswith(("'s", "’s"))
                ):
                    if not _sentence_initial(text, ns - len(pm.group(0))) or pws.isupper() or pws == "No.":
                        continue
        mult = _SCALE[_key(scale)] if scale else 1.0
        hyph = bool(_HYPH_BEFORE_RE.search(text[max(0, ns - 4) : ns]) or _HYPH_AFTER_RE.match(text, end))
        out.append(_Cand(start, end, value * mult, cur=cur, mult=mult, hyph=hyph))
    return out


def _spelled_candidates(
    text: str, blocked: Iterable[tuple[int, int]], starts: list[int] | None = None
) -> list[_Cand]:
    """Spelled ("twenty-one", "a dozen") and vague ("hundreds of") numbers; ``starts``: where they may
    start (see _number_word_starts), None to scan the whole text."""
    out = []
    spelled = (
        _SPELLED_RE.finditer(text)
        if starts is None
        else _matches_at(_SPELLED_RE, text, _with_articles(text, starts))
    )
    for m in spelled:
        s, e = m.start(), m.end()
        words = m.group()
        if _overlaps(blocked, s, e):
            continue
        if words[0].isupper() and not _sentence_initial(text, s):
            continue  # "Air Force One", "the Big Four"
        if s > 0 and text[s - 1] in "-–'’" or (e < len(text) and text[e] in "'’"):
            continue
        if _FRACTION_AFTER_RE.match(text, e):
            continue  # "one-third", "two thirds": a fraction
        value = _spelled_value(words)
        if value is None:
            continue
        low = words.lower()
        if low == "one":
            prev = _prev_word(text, s).lower()
            after = text[e : e + 12].lower()
            if prev in {
                "no",
                "any",
                "every",
                "the",
                "this",
                "that",
                "which",
                "each",
                "some",
                "someone",
                "anyone",
                "only",
                "everyone",
                "no-one",
                "last",
                "another",
            }:
                continue
            if re.match(
                r"\s+(?:of|another|who|that|which|and|or|more|day|time|way|thing|point|side|hand|by)\b", after
            ):
                continue
            if re.match(r"[-–](?:on|off|sided|time|way|of)\b", after):
                continue
        out.append(_Cand(s, e, value, spelled=True))
    for m in _VAGUE_RE.finditer(text) if starts is None else _matches_at(_VAGUE_RE, text, starts):
        key = re.sub(r"\s+", " ", _key(m.group("v")))
        lo, _hi = _VAGUE[key]
        if _overlaps(blocked, m.start(), m.end()):
            continue
        out.append(_Cand(m.start(), m.end(), lo, vague=key))
    return out


def _adjective_like(w: str) -> bool:
    lw = w.lower()
    return lw in _NP_ADJECTIVES or lw.endswith(("ed", "ing", "al", "ive", "ous", "ful", "ic", "ible", "able"))


def _scan_unit(text: str, pos: int, value: float) -> tuple[str | None, int, str | None]:
    """Head noun after a number ending at ``pos``: (unit, end offset of the phrase, special) where special
    is "age", "plus", "odd" or None."""
    rest = text[pos : pos + 120]
    pm = _PERCENT_RE.match(rest)
    if pm:
        if pm.group("pp"):
            return "percentage point", pos + pm.end(), None
        return "percent", pos + pm.end(), None
    pp = _PP_RE.match(rest)
    if pp:
        return "percentage point", pos + pp.end(), None
    if _YEARS_OLD_RE.match(rest):
        return "age", pos + _YEARS_OLD_RE.match(rest).end(), "age"
    cm = _COMPOUND_RE.match(rest)
    special = None
    if cm:
        w1, w2 = cm.group(2).lower(), (cm.group(3) or "").lower()
        w1_end = pos + cm.end(2)
        spaced = bool(cm.group(1)) or cm.group(0)[cm.start(2) - cm.start(0) - 1].isspace()
        if w2 == "old" and w1 in ("year", "years", "month", "months", "week", "weeks", "day", "days"):
            return "age", pos + cm.end(), "age"
        if w1 in ("plus", "odd", "strong"):
            special = {"plus": "plus", "odd": "odd"}.get(w1)
            pos = w1_end
            rest = text[pos : pos + 120]
        elif not spaced or unit_lemma(w1) in _SPACED_COMPOUND_UNITS:
            return unit_lemma(w1), w1_end, None
    if rest.startswith("+"):
        special = "plus"
        pos += 1
        rest = rest[1:]
    # words after the number, until punctuation or a stop word
    toks: list[tuple[str, int]] = []
    i = 0
    first = True
    while len(toks) < 5:
        wm = _WORD_AFTER_RE.match(rest, i)
        if not wm:
            break
        gap = rest[i : wm.start(1)]
        if gap.strip():
            break
        w = wm.group(1)
        lw = w.lower()
        if first and lw == "of":
            om = re.match(r"\s+(?:the|its|their|his|her|our|those|these)(?=\s)", rest[wm.end() :])
            i = wm.end() + (om.end() if om else 0)
            first = False
            continue
        first = False
        if lw in _STOP_AFTER_NUM and lw not in _NP_ADJECTIVES:
            break
        if toks and w[0].isupper() and toks[-1][0][0].islower():
            break
        toks.append((w, pos + wm.end(1)))
        i = wm.end()
    if not toks:
        return None, pos, special
    # service member(s) / military personnel: two-word units
    low = [t[0].lower() for t in toks]
    for k in range(len(low) - 1):
        if low[k] == "service" and low[k + 1] in ("member", "members"):
            return "service member", toks[k + 1][1], special
    head = None
    for k, (w, _e) in enumerate(toks):
        lw = w.lower()
        if head is not None:
            # noun compounds: "body bags"; not after a plural ("eight years seems") nor into adjectives
            if (
                w[0].islower()
                and lw not in _NP_ADJECTIVES
                and _is_plural_noun(w)
                and not _is_plural_noun(toks[head][0])
            ):
                head = k
                continue
            break
        if w[0].isupper():
            continue
        if k == 0 and lw in _COUNT_PARTICIPLES:
            head = k
            break
        if lw in _NP_ADJECTIVES and k + 1 < len(toks):
            continue
        if _is_plural_noun(w) or unit_lemma(lw) in _SINGULAR_UNITS or lw in _IRREGULAR:
            head = k
            continue
        if "-" in w and k + 1 < len(toks):
            continue
        if value == 1 and lw.isalpha() and (k == 0 or not _adjective_like(w)):
            # "one missed call": the last of a short run of lower-case words
            head = k
            while (
                head + 1 < min(len(toks), 3)
                and toks[head + 1][0].islower()
                and _adjective_like(toks[head][0])
            ):
                head += 1
            break
        # noun adjuncts before the head: "12 intelligence officers", "11 million undocumented immigrants"
        if w[0].islower() and k + 1 < len(toks) and k <= 2:
            nxt = toks[k + 1][0]
            if nxt[0].islower() and (
                _is_plural_noun(nxt)
                or (not lw.endswith(("ed", "ing")) and k + 2 < len(toks) and toks[k + 2][0][0].islower())
            ):
                continue
        break
    if head is None:
        # "3,000 North Koreans", "10 Republicans": a capitalised plural of people
        n_caps = 0
        while n_caps < len(toks) and toks[n_caps][0][0].isupper():
            n_caps += 1
        if n_caps and toks[n_caps - 1][0].lower().endswith(("ans", "ese", "is", "ers", "ists", "ites")):
            return "person", toks[n_caps - 1][1], special
        return None, pos, special
    return unit_lemma(toks[head][0]), toks[head][1], special


def _blocked_spans(text: str) -> list[tuple[int, int]]:
    spans = [(d.start, d.end) for d in extract_dates(text)]
    if _ASCII_DIGIT_RE.search(text):  # every time pattern starts with a digit
        spans += [(m.start(), m.end()) for m in _digit_led(_TIME_RE, text)]
    return spans


def extract_quantities(text: str) -> list[Quantity]:
    """Quantities in ``text`` with qualifier and unit (see the module docstring for the rules)."""
    if not isinstance(text, str) or not text:
        return []
    digits = _ASCII_DIGIT_RE.search(text) is not None
    starts = _number_word_starts(text)
    words = starts is None or bool(starts)
    if not digits and not words:
        return []  # no candidate can match
    blocked = _BlockedSpans(text)
    cands = (_digit_candidates(text, blocked) if digits else []) + (
        _spelled_candidates(text, blocked, starts) if words else []
    )
    cands.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[_Cand] = []
    for c in cands:
        if kept and c.start < kept[-1].end:
            continue
        kept.append(c)
    out: list[Quantity] = []
    k = 0
    while k < len(kept):
        c = kept[k]
        nxt = kept[k + 1] if k + 1 < len(kept) else None
        if (
            nxt is not None
            and not c.vague
            and not nxt.vague
            and _RANGE_JOIN_RE.match(text[c.end : nxt.start])
        ):
            joiner = text[c.end : nxt.start].strip().lower()
            left = _RANGE_LEFT_RE.search(text[max(0, c.start - 12) : c.start])
            if joiner != "and" or left:
                rng = _range(text, c, nxt, joiner, left)
                if rng is not None:  # a range, or [] for a score
                    out.extend(rng)
                    k += 2
                    continue
        q = _quantity(text, c) if not c.hyph else None
        if q is not None and not (c.spelled and q.unit is None and text[c.start : c.end].lower() == "one"):
            out.append(q)
        k += 1
    return out


def _left_qualifier(text: str, start: int) -> tuple[str, str, int]:
    window = text[max(0, start - 45) : start]
    m = _QUAL_LEFT_RE.search(window)
    if not m:
        return "exact", "", start
    qt = re.sub(r"\s+", " ", m.group("q").lower())
    base = re.sub(rf"^(?:{_INTENSIFIERS})\s+", "", qt)
    cls = _QUAL_CLASS.get(base)
    if cls is None:
        return "exact", "", start
    return cls, qt, start - len(window) + m.start("q")


def _quantity(text: str, c: _Cand) -> Quantity | None:
    qual, qtext, qstart = _left_qualifier(text, c.start)
    unit, uend, special = _scan_unit(text, c.end, c.value)
    if unit in ("caliber", "calibre"):
        return None  # a gun's calibre is a designation, not an amount
    if qtext == "over" and unit in _TIME_UNITS:
        qual, qtext, qstart = "exact", "", c.start  # "over eight years" is a period, not a bound
    if c.cur:
        unit = _CURRENCY.get(c.cur.lower().strip(), "dollar")
        uend = c.end  # the phrase is the amount: "$2 billion"
    if special == "age" or (_AGE_LEFT_RE.search(text[max(0, c.start - 6) : c.start]) and not unit):
        unit = "age"
    if c.vague:
        qual, qtext = "approx", c.vague + " of"
        qstart = c.start
        lq = _left_qualifier(text, c.start)
        if lq[1]:
            qstart = lq[2]
    elif not qtext:
        rq = _QUAL_RIGHT_RE.match(text[c.end : c.end + 30]) or (
            _QUAL_RIGHT_RE.match(text[uend : uend + 30]) if uend > c.end else None
        )
        if special == "plus":
            qual, qtext = "lower", "plus"
        elif special == "odd":
            qual, qtext = "approx", "odd"
        elif rq:
            grp = rq.lastgroup or ""
            qual = {"lower": "lower", "approx": "approx", "upper": "upper"}.get(grp, "exact")
            qtext = re.sub(r"\s+", " ", rq.group(grp).lower()) if grp else ""
            if rq.start(grp) >= 0:
                base = c.end if _QUAL_RIGHT_RE.match(text[c.end : c.end + 30]) else uend
                uend = max(uend, base + rq.end())
    end = max(uend, c.end)
    start = min(qstart, c.start)
    phrase = text[start:end].rstrip()
    return Quantity(c.value, qual, qtext, unit, phrase, start, start + len(phrase))


def _range(text: str, a: _Cand, b: _Cand, joiner: str, left: re.Match | None) -> list[Quantity] | None:
    va, vb = a.value, b.value
    if b.mult > 1 and a.mult == 1 and not a.spelled and not b.spelled and va < vb / b.mult:
        va *= b.mult  # "$140-$150 million", "3-4 million": the upper end's scale applies to both
    if vb <= va:
        # "3-2" is a score (dropped); "from 10 to 5" is a change (two plain numbers)
        return [] if joiner in ("-", "–", "—") else None
    qb = _quantity(text, b)
    if qb is None:
        return None
    unit = qb.unit
    if a.cur:
        unit = _CURRENCY.get(a.cur.lower().strip(), "dollar")
    start = a.start
    if left:
        start = max(0, a.start - 12) + left.start("q")
    end = qb.end
    phrase = text[start:end]
    left_word = left.group("q").lower() if left else joiner
    return [
        Quantity(va, "lower", left_word, unit, phrase, start, end),
        Quantity(vb, "upper", joiner, unit, phrase, start, end),
    ]


def compatible_units(a: str | None, b: str | None) -> bool:
    """Whether two unit lemmas can count the same thing. None is compatible with anything; synonyms
    (troop ~ soldier ~ service member, person ~ people) and the generic person/casualty units are
    compatible with any human count; "age" only with "age"."""
    if a is None or b is None:
        return True
    la, lb = unit_lemma(a) or a, unit_lemma(b) or b
    if la == lb:
        return True
    if "age" in (la, lb):
        return False
    ga, gb = _UNIT_CANON.get(la), _UNIT_CANON.get(lb)
    if ga is None or gb is None:
        return False
    if ga == gb:
        return True
    if ga in _HUMAN_GROUPS and gb in _HUMAN_GROUPS and (ga in _GENERIC_HUMAN or gb in _GENERIC_HUMAN):
        return True
    # "3,000 killed or wounded" ~ "3,000 casualties"
    return ga in _CASUALTY_GROUPS and gb in _CASUALTY_GROUPS and _UNIT_CANON["casualty"] in (ga, gb)


_VAGUE_BY_TEXT = {k + " of": v for k, v in _VAGUE.items()}


def compare_quantities(a: Quantity, b: Quantity) -> str | None:
    """ "agree", "qualifier", "conflict" or None (not about the same thing).

    None when the units are incompatible, or when one side has no unit and the values are more than a
    factor 3 apart, or one side is an age and the other has no unit. Values are equal within 0.1%.
    A bare number agrees with any qualifier; two different qualifier classes on an equal value give
    "qualifier". Vague amounts ("hundreds of") agree with any value inside their bucket.
    """
    try:
        if not compatible_units(a.unit, b.unit):
            return None
        if (a.unit is None) != (b.unit is None) and "age" in (a.unit, b.unit):
            return None
        va, vb = float(a.value), float(b.value)
        if not (math.isfinite(va) and math.isfinite(vb)):
            return None
        va_rng = _VAGUE_BY_TEXT.get(a.qualifier_text)
        vb_rng = _VAGUE_BY_TEXT.get(b.qualifier_text)
        if a.unit is None or b.unit is None:
            lo, hi = sorted((abs(va), abs(vb)))
            if not (va_rng or vb_rng) and (lo == 0 and hi > 0 or lo > 0 and hi / lo > 3):
                return None
        if va_rng or vb_rng:
            if va_rng and vb_rng:
                return "agree" if va_rng == vb_rng else "conflict"
            lo, hi = va_rng or vb_rng
            other = vb if va_rng else va
            return "agree" if lo <= other < hi else "conflict"
        if not math.isclose(va, vb, rel_tol=1e-3, abs_tol=1e-9):
            return "conflict"
        bare_a = a.qualifier_text == "" and a.qualifier == "exact"
        bare_b = b.qualifier_text == "" and b.qualifier == "exact"
        if a.qualifier == b.qualifier or bare_a or bare_b:
            return "agree"
        return "qualifier"
    except (AttributeError, TypeError, ValueError):
        return None


# --------------------------------------------------------------------------------------------------
# Quotes: spans


class _SentenceOf:
    """The sentence of each character of sentences joined by one separator (and of the separator after
    it), found by bisection over the sentence starts."""

    def __init__(self, starts: list[int]) -> None:
        self.starts = starts

    def __getitem__(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1


def _quote_spans(text: str, sent_of: _SentenceOf) -> list[tuple[int, int, int, int]]:
    """Quoted spans as (open mark start, content start, content end, close mark end). Double quotes
    (straight, curly, guillemets, PTB-style ``...'') may span sentences (at most 6); a straight quote
    closes an open double quote; a new curly opening before a close ends the previous quote there
    (paragraph convention). Single quotes stay in one sentence and only count when they clearly open
    (after a space or bracket, before a letter) and close (after a non-space, not before a letter)."""
    spans: list[tuple[int, int, int, int]] = []
    n = len(text)
    dbl_open: tuple[int, int] | None = None  # (mark start, content start)
    sgl_open: int | None = None
    p = 0
    while p < n:
        mark = _QUOTE_MARK_RE.search(text, p)  # skip straight to the next quote mark or backtick
        if mark is None:
            break
        p = mark.start()
        ch = text[p]
        prev = text[p - 1] if p > 0 else " "
        nxt = text[p + 1] if p + 1 < n else " "
        width = 1
        kind = None
        if ch == "`" and nxt == "`":
            kind, width = "open", 2
        elif ch == "'" and nxt == "'":
            kind, width = "close", 2
        elif ch in "“„«":
            kind = "open"
        elif ch in "”»":
            kind = "close"
            if prev.isspace() and not nxt.isspace() and nxt not in ",.;:!?" and dbl_open is None:
                kind = "open"  # ” used as an opening mark
        elif ch == '"':
            if dbl_open is not None:
                kind = "close"
            elif not nxt.isspace():
                kind = "open"
        if ch == "`" and kind is None:
            p += 1
            continue
        if kind is not None or ch == '"':
            if kind == "open":
                if dbl_open is not None and p > dbl_open[1]:
                    end = p
                    while end > dbl_open[1] and text[end - 1].isspace():
                        end -= 1
                    spans.append((dbl_open[0], dbl_open[1], end, end))
                dbl_open = (p, p + width)
                sgl_open = None
            elif kind == "close" and dbl_open is not None:
                if sent_of[p] - sent_of[dbl_open[0]] <= 6 and p > dbl_open[1]:
                    spans.append((dbl_open[0], dbl_open[1], p, p + width))
                dbl_open = None
            p += width
            continue
        if dbl_open is not None:
            p += 1
            continue  # single quotes nested in a double quote belong to it
        if ch in "‘'‹" and (prev.isspace() or prev in '([—–-“"') and nxt.isalnum():
            sgl_open = p
        elif ch in "’'›" and sgl_open is not None and not prev.isspace() and not nxt.isalnum():
            if sent_of[p] == sent_of[sgl_open] and sum(ch.isalpha() for ch in text[sgl_open + 1 : p]) >= 2:
                spans.append((sgl_open, sgl_open + 1, p, p + 1))
            sgl_open = None
        p += 1
    spans.sort()
    return spans


# --------------------------------------------------------------------------------------------------
# Quotes: speakers


@dataclass
class _NameCand:
    name: str
    pos: int
    prio: int
    person: bool


def _tokens(s: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOK_RE.finditer(s)]


def _gap_ok(s: str, a: int, b: int) -> bool:
    return not s[a:b].strip()


def _capish(t: str) -> bool:
    """Capitalised, or a name with an inner capital ("diGenova")."""
    return bool(t) and (t[0].isupper() or (t[0].isalpha() and any(c.isupper() for c in t[1:4])))


def _accept_np_token(tok: str) -> bool:
    t = tok.rstrip(".,") if not tok.endswith(("Mr.", "Dr.", "Mrs.", "Ms.", "Jr.", "Sr.", "St.")) else tok
    if not t:
        return False
    if t.startswith("("):
        return True
    low = t.lower()
    if _capish(t):
        return low not in _CAP_STOP or low in _DETERMINERS or low.rstrip(".") in ("mr", "mrs", "ms", "dr")
    return (
        low in _DETERMINERS
        or low in _TITLES
        or low in _GENERIC_SPEAKERS
        or low in _NP_GLUE
        or low in _PARTICLES
        or ("-" in t and not t.startswith("-"))
        or low.endswith(("'s", "’s"))
    )


def _np_before(s: str, end: int, appositive: bool = True) -> str | None:
    """Noun phrase (speaker-like) that ends right before ``end`` in ``s``, after skipping auxiliaries;
    with ``appositive``, 'The commissioner, Ray Kell, said' gives 'Ray Kell'."""
    toks = _tokens(s[:end])
    i = len(toks) - 1
    while i >= 0 and (toks[i][0].lower() in _AUX or (toks[i][0].islower() and toks[i][0].endswith("ly"))):
        if i + 1 < len(toks) and not _gap_ok(s, toks[i][2], toks[i + 1][1]):
            return None
        i -= 1
    if i < 0:
        return None
    gap = s[toks[i][2] : end if i + 1 >= len(toks) else toks[i + 1][1]]
    if gap.strip():
        if appositive and gap.strip() == ",":
            return _appositive_subject(s, toks[i][2] + gap.index(","))
        return None
    t = toks[i][0]
    if t.lower() in _PRONOUNS:
        return t
    j = i
    while j >= 0 and _accept_np_token(toks[j][0]):
        if j < i and not _gap_ok(s, toks[j][2], toks[j + 1][1]):
            break
        j -= 1
        if toks[j + 1][0].lower() in _DETERMINERS:
            break  # a determiner starts the phrase
    words = toks[j + 1 : i + 1]
    if not words or words[0][0].lower() in _NP_GLUE:
        return None  # "of California": a prepositional phrase, not a subject
    return s[words[0][1] : words[-1][2]]


def _is_name(np_: str | None) -> bool:
    """Whether a phrase normalises to a name ("Biancardi's attorney" does not: it ends in a role)."""
    name = normalise_speaker(np_) if np_ else None
    return bool(name) and name[0].isupper() and _capish(name.split()[-1])


def _appositive_subject(s: str, comma: int) -> str | None:
    """Subject around an appositive that ends at ``comma``: 'The police chief, Ray Kell,' -> 'Ray Kell';
    'Ray Kell, the police chief,' -> 'Ray Kell'."""
    prev_comma = s.rfind(",", 0, comma)
    if prev_comma < 0:
        return None
    appos = s[prev_comma + 1 : comma].strip()
    words = appos.split()
    if not words or len(words) > 8:
        return None
    first = words[0].lower()
    np0 = _np_before(s, prev_comma, appositive=False)
    if first in ("a", "an", "the", "who", "which") or any(w.lower() in _TITLES for w in words):
        return np0 if _is_name(np0) else None  # 'Kell, the police chief,' / 'Kell, who runs the office,'
    if first in ("and", "or", "nor", "but"):
        return None  # a list: 'the U.S., South Korea, and Japan,'
    if _PARTY_STATE_RE.match(appos) or (_is_name(np0) and _capish(words[0])):
        return np0 if _is_name(np0) else None  # 'Rep. Dana Roe, R-Calif.,' / 'Sen. Ana Sorel, Democrat of X,'
    if (
        first not in _CAP_STOP
        and all(_capish(w) or w.lower() in _PARTICLES for w in words)
        and _is_name(appos)
    ):
        if not _is_name(np0):
            return appos  # 'The police chief, Ray Kell,'
    return None


_ROLE_PREFIX_RE = re.compile(r"^\s*(?:(?:the|a|an)\s+)?(?:[a-z][\w\-]*\s+){0,3}$")
_ROLE_SUFFIXES = ("ist", "er", "or", "ian", "ant", "ent", "man", "woman", "person")


def _is_role_word(t: str) -> bool:
    low = t.lower()
    return (
        t.isalpha() and t.islower() and low.endswith(_ROLE_SUFFIXES) and low not in _STOP_AFTER_NUM | _PREPS
    )


def _role_prefix(chunk: str) -> bool:
    """Whether text before a name is empty or only a role description: "the harbour master"."""
    if not chunk.strip():
        return True
    if not _ROLE_PREFIX_RE.match(chunk):
        return False
    words = chunk.split()
    return all(
        w in _DETERMINERS or w not in _STOP_AFTER_NUM | _PREPS | _AUX for w in words
    ) and _is_role_word(words[-1])


def _np_after(s: str, start: int) -> str | None:
    """Noun phrase starting at ``start`` ("said White House spokesman John Kirby")."""
    toks = _tokens(s[start:])
    words = []
    for k, (t, a, b) in enumerate(toks):
        if k > 0 and not _gap_ok(s, start + toks[k - 1][2], start + a):
            break
        if not _accept_np_token(t) and not (
            k <= 1 and _is_role_word(t) and k + 1 < len(toks) and _capish(toks[k + 1][0])
        ):
            break
        words.append((t, a, b))
    while words and (words[-1][0].lower() in _NP_GLUE or words[-1][0].lower() in _DETERMINERS):
        words.pop()
    if not words or words[0][0].lower() in _NP_GLUE:
        return None
    if words[0][0].lower() in _PRONOUNS:
        return None
    return s[start + words[0][1] : start + words[-1][2]].rstrip(".,")


def _np_after_appos(s: str, start: int) -> str | None:
    """Like :func:`_np_after`, preferring a name in apposition: 'said the spokesman, Nick Merr' -> 'Nick Merr'."""
    np_ = _np_after(s, start)
    if not np_ or _is_name(np_):
        return np_
    end = s.find(np_, start) + len(np_)
    m = re.match(r"\s*,\s*", s[end:])
    if m:
        np2 = _np_after(s, end + m.end())
        if _is_name(np2) and all(w[0].isupper() or w.lower() in _PARTICLES for w in (np2 or "").split()):
            return np2
    return np_


def normalise_speaker(raw: str | None) -> str | None:
    """A speaker phrase as a name: "White House spokesman John Kirby" -> "John Kirby", "the KCNA" ->
    "KCNA", "the state-run Korean Central News Agency (KCNA)" -> "KCNA", "Mr. Steele" -> "Steele".
    Unnamed speakers give their lower-case phrase ("officials", "state media"); pronouns and bare role
    words give None (they need resolving against context)."""
    if not isinstance(raw, str):
        return None
    s = unicodedata.normalize("NFKC", raw).strip().strip(",.;:\"“”‘’'")
    if not s:
        return None
    acr = _ACR_RE.search(s)
    if acr:
        return acr.group(1).strip(".")
    s = _PAREN_RE.sub(" ", s)
    parts = _AND_RE.split(s)
    if len(parts) == 2 and all(_CAP_WORD_RE.search(x) for x in parts):
        names = [normalise_speaker(x) for x in parts]
        if all(x and _capish(x) for x in names):
            return f"{names[0]} and {names[1]}"  # "Laurence Mark and Bill Condon"
    toks = _TOK_RE.findall(s)
    # "Kraft Foods' Susan Davison", "Reunion Pictures' Ann Lee": drop the possessor of a named person
    for k in range(len(toks) - 1, -1, -1):
        if toks[k].endswith(("'s", "’s", "s'", "s’")) and any(_capish(t) for t in toks[k + 1 :]):
            toks = toks[k + 1 :]
            break
    toks = [t.rstrip(",") for t in toks]
    while toks and (toks[0].lower() in _DETERMINERS or toks[0].lower() in _NP_GLUE):
        toks = toks[1:]
    if not toks:
        return None
    # "attorney Kassie Siegel of the Center for Biological Diversity" -> cut after the person's name
    for k, t in enumerate(toks):
        if k >= 1 and t.lower() in ("of", "for", "at", "with", "from"):
            head = toks[:k]
            caps = [x for x in head if _capish(x) and x.lower().rstrip(".") not in _TITLES]
            titled = any(x.lower().rstrip(".") in _TITLES or x.lower() in _TITLES for x in head)
            if caps and (len(caps) >= 2 or titled) and caps[-1].lower() not in _NON_PERSON:
                toks = head
            break
    last_low = -1
    for k, t in enumerate(toks):
        low = t.lower().rstrip(".")
        is_title = low in _TITLES or t.lower() in _TITLES
        if k > 0 and toks[k - 1].lower() == "of" and k >= 2 and toks[k - 2].lower() in _TITLE_BEFORE_OF:
            is_title = True  # Secretary of State ...
        if not _capish(t) and low not in _PARTICLES:
            last_low = k
        elif is_title and k + 1 < len(toks):
            last_low = k
    name = toks[last_low + 1 :]
    while name and name[-1].lower() in _NP_GLUE:
        name = name[:-1]
    if name and any(_capish(t) for t in name):
        out = " ".join(t for t in name)
        out = _POSSESSIVE_END_RE.sub("", out)
        return out.strip(" .") or None
    low_toks = [t.lower() for t in toks]
    if len(low_toks) == 1 and (low_toks[0] in _PRONOUNS or low_toks[0] in _PERSON_ROLES):
        return None
    if all(t in _PERSON_ROLES or t in _DETERMINERS or "-" in t for t in low_toks):
        return None
    if low_toks[-1] in _DOCUMENT_NOUNS:
        return None
    if len(toks) > 4:
        return None
    if any(t[0].isupper() for t in toks):
        return " ".join(toks)  # "Kim's regime", "North Korea's state media"
    return " ".join(low_toks)


def _is_anaphor(raw: str) -> bool:
    toks = [t.lower().rstrip(".,") for t in _TOK_RE.findall(raw)]
    if not toks:
        return False
    if len(toks) == 1 and toks[0] in _PRONOUNS:
        return True
    if toks[0] not in ("the", "this", "that"):
        return False
    caps = [t for t in _TOK_RE.findall(raw) if t[0].isupper() and t.lower() not in _DETERMINERS]
    if not caps:
        return any(t in _PERSON_ROLES for t in toks)
    return toks[-1] in _PERSON_ROLES  # "the Alaska Governor": a role, no name after it


def _person_like(tokens: list[str], has_title: bool) -> bool:
    lows = [t.lower().strip(".,") for t in tokens]
    if not lows:
        return False
    if not _NON_PERSON.isdisjoint(lows) and not (has_title and lows[-1] not in _NON_PERSON):
        return False
    if all(t.isupper() or "." in t for t in tokens):
        return False
    if len(lows) == 1 and lows[0].endswith(("ian", "ean", "ese")) and len(lows[0]) >= 6:
        return False
    return True


_SPEECH_AFTER_RE = re.compile(
    r"^\s+(?:(?:"
    + "|".join(sorted(_AUX, key=len, reverse=True))
    + r"|\w+ly)\s+)*(?:"
    + "|".join(sorted(_SPEECH_STRICT + _SPEECH_BROAD, key=len, reverse=True))
    + r")\b"
)


def _is_headline(s: str) -> bool:
    alpha = [t for t in _TOK_RE.findall(s) if t[0].isalpha()]
    return len(alpha) >= 4 and sum(t[0].isupper() for t in alpha) >= 0.7 * len(alpha)


def _names_in(s: str) -> list[_NameCand]:
    """Capitalised name candidates in a (quote-masked) sentence, with a priority (0 = best)."""
    toks = _tokens(s)
    out: list[_NameCand] = []
    k = 0
    n = len(toks)
    while k < n:
        t = toks[k][0]
        if not t[0].isupper() or t.startswith("("):
            k += 1
            continue
        run = [k]
        m = k + 1
        while (
            m < n
            and _gap_ok(s, toks[m - 1][2], toks[m][1])
            and not toks[m - 1][0].endswith((",", "."))
            or (
                m < n
                and toks[m - 1][0] in ("Mr.", "Mrs.", "Ms.", "Dr.")
                and _gap_ok(s, toks[m - 1][2], toks[m][1])
            )
        ):
            tm = toks[m][0]
            if tm[0].isupper() or (tm.lower() in _PARTICLES and m + 1 < n and toks[m + 1][0][0].isupper()):
                run.append(m)
                m += 1
            else:
                break
        k = m
        words = [toks[r][0].rstrip(",") for r in run]
        pos = toks[run[0]][1]
        end = toks[run[-1]][2]
        # strip leading function words ("However", "The") and titles
        has_title = False
        while words and words[0].lower().rstrip(".") in _CAP_STOP and words[0].lower() not in ("mr.", "dr."):
            words = words[1:]
        cut = -1
        for idx, w in enumerate(words):
            if w.lower() in _PERSON_ROLES and idx + 1 < len(words):
                cut = idx
        if cut >= 0:
            has_title = True
            words = words[cut + 1 :]
        if words and words[-1].lower() in _PERSON_ROLES:
            continue  # "the Alaska Governor": a role, not a name
        prev_tok = toks[run[0] - 1][0].lower() if run[0] > 0 else ""
        if prev_tok in _TITLES:
            has_title = True
        possessive = bool(words) and words[-1].endswith(("'s", "’s"))
        if possessive:
            words[-1] = words[-1][:-2]
        words = [w.rstrip(".") if not w.endswith(("Mr.", "Dr.")) else w for w in words]
        words = [w for w in words if w]
        if not words:
            continue
        if len(words) == 1 and run[0] == 0 and words[0].lower().endswith(("ed", "ing", "ly")):
            continue  # "Asked by the judge, ...", "Separately, ..."
        acr = None
        if m < n and toks[m][0].startswith("(") and _gap_ok(s, end, toks[m][1]):
            acr = _ACR_RE.match(toks[m][0]).group(1) if _ACR_RE.match(toks[m][0]) else None
        name = acr or " ".join(words)
        person = acr is None and _person_like(words, has_title)
        after = s[end : end + 60]
        # 0 subject of a speech verb, 1 clause subject, 2 titled, 3 possessor, 4 other, 5 object of a preposition
        if _SPEECH_AFTER_RE.match(after):
            prio = 0
        elif possessive:
            prio = 3
        elif prev_tok in _PREPS:
            prio = 5
        else:
            nm = _NEXT_LOWER_WORD_RE.match(after)
            if nm and nm.group(1) not in _PREPS and nm.group(1) not in ("and", "or"):
                prio = 1
            elif has_title:
                prio = 2
            else:
                prio = 4
        out.append(_NameCand(name, pos, prio, person))
    return out


class _SentenceNames:
    """Name candidates of each (quote-masked) sentence, found on first use: most sentences are never asked."""

    def __init__(self, sents: list[str], msents: list[str]) -> None:
        self.sents, self.msents = sents, msents
        self.found: list[list[_NameCand] | None] = [None] * len(sents)

    def __getitem__(self, i: int) -> list[_NameCand]:
        cands = self.found[i]
        if cands is None:
            # a headline in title case gives no reliable names
            cands = self.found[i] = [] if _is_headline(self.sents[i]) else _names_in(self.msents[i])
        return cands


_INHERIT_MIN_WORDS = 4  # an unattributed quote this long may take the speaker of the quote before it


def _names_before(pre: str, pos: int) -> list[_NameCand]:
    """Name candidates of the text before a quote that start before ``pos`` (asked only when the quote
    has no speaker of its own)."""
    return [pc for pc in _names_in(pre) if pc.pos < pos]


def _mask_quotes(text: str, spans: list[tuple[int, int, int, int]]) -> str:
    chars = list(text)
    for o, _cs, _ce, c in spans:
        end = min(c, len(chars))
        if o < end:
            chars[o:end] = ["\n" if ch == "\n" else " " for ch in chars[o:end]]
    return "".join(chars)


def _name_tokens(name: str) -> list[str]:
    return list(_cached_name_tokens(name))


@lru_cache(maxsize=8192)
def _cached_name_tokens(name: str) -> tuple[str, ...]:
    """Lower-case word tokens of a name, titles dropped (cached: names recur across a story's quotes)."""
    norm = unicodedata.normalize("NFKC", name).replace("’", "'").lower()
    norm = re.sub(r"[-‐–]", " ", norm)
    return tuple(t for t in re.findall(r"[^\W_]+(?:'[^\W_]+)?", norm) if t not in ("mr", "mrs", "ms", "dr"))


def _tok_eq(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) >= 5:
        return Levenshtein.normalized_similarity(a, b) >= 0.8
    return False


def same_speaker(a: str | None, b: str | None) -> bool:
    """Whether two speaker strings name the same speaker: equal after normalising titles/case/hyphens,
    one is the leading or trailing part of the other ("Kirby" ~ "John Kirby", "Kim" ~ "Kim Jong Un"),
    small spelling variants of long tokens ("Zelensky" ~ "Zelenskyy"), or an acronym of the other
    ("KCNA" ~ "Korean Central News Agency"). Unknown (None) speakers are never the same."""
    try:
        if not a or not b:
            return False
        na, nb = normalise_speaker(a) or a, normalise_speaker(b) or b
        ta, tb = _name_tokens(na), _name_tokens(nb)
        if not ta or not tb:
            return False
        if ta == tb:
            return True
        short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
        k = len(short)
        if all(_tok_eq(x, y) for x, y in zip(short, long_[:k], strict=True)) or all(
            _tok_eq(x, y) for x, y in zip(short, long_[-k:], strict=True)
        ):
            return True
        for x, y in ((na, nb), (nb, na)):
            xs = x.replace(".", "").strip()
            if 2 <= len(xs) <= 8 and xs.isupper() and " " not in xs:
                words = [w for w in re.findall(r"[^\W\d_][\w'’\-]*", y) if w[0].isupper()]
                if len(words) >= 2 and "".join(w[0] for w in words).upper() == xs.upper():
                    return True
        return False
    except (TypeError, ValueError):
        return False


def _resolve(
    kind: str,
    cands_by_sent: _SentenceNames,
    i: int,
    pre_cands: list[_NameCand],
    msents: list[str] | None = None,
) -> str | None:
    """Resolve a pronoun/role ("he", "they", "the leader") to a name in the same (before the quote) or
    the 3 previous sentences; the nearest sentence with a candidate wins, then the best priority. A
    previous sentence whose subject is the same pronoun ("He later praised Bill Clinton") is skipped:
    its names are objects, and its "he" is the one being resolved."""
    want_person = kind in ("he", "she", "person")
    windows = [pre_cands]
    for j in range(i - 1, max(-1, i - 4), -1):
        first = _FIRST_WORD_RE.match(msents[j]) if msents else None
        if first and kind in ("he", "she") and first.group(1).lower() == kind:
            windows.append([])
            continue
        windows.append(cands_by_sent[j])
    for cands in windows:
        # pronouns rarely refer back to the object of a preposition ("arrived from Libya")
        pool = (
            [c for c in cands if c.person and c.prio < 5]
            if want_person
            else [c for c in cands if c.prio == 0]
        )
        if kind in ("they", "it") and not pool:
            continue
        if pool:
            best = min(pool, key=lambda c: (c.prio, -c.pos))
            return best.name
    return None


def _expand(name: str, cands_by_sent: _SentenceNames, i: int) -> str:
    """Replace a short name by the most recent longer name it is the first/last part of."""
    toks = _name_tokens(name)
    if not toks or len(toks) > 2:
        return name
    for j in range(i, -1, -1):  # the most recent one: the last in the latest sentence that has one
        best = None
        for c in cands_by_sent[j]:
            if not c.person or not 2 <= len(c.name.split()) <= 4:
                continue
            ct = _name_tokens(c.name)
            if len(ct) <= len(toks):
                continue
            if ct[: len(toks)] == toks or ct[-len(toks) :] == toks:
                best = c.name
        if best:
            return best
    return name


def _speaker_from_np(np_: str | None) -> tuple[str | None, str | None]:
    """(name, anaphor kind) for a subject phrase."""
    if not np_:
        return None, None
    low = np_.lower().strip()
    if low in _PRONOUNS:
        return None, low
    if _is_anaphor(np_):
        return None, "person"
    return normalise_speaker(np_), None


def _np_pos(pre: str, np_: str | None, before: int) -> int:
    """Start of ``np_`` in ``pre`` (its last occurrence before ``before``), else ``len(pre)``."""
    if not np_:
        return len(pre)
    k = pre.rfind(np_, 0, before)
    return k if k >= 0 else len(pre)


def _attribute(pre: str, post: str) -> tuple[str | None, str | None, int, int]:
    """Speaker from the text before/after a quote: (name, anaphor kind, rule rank, where in ``pre`` an
    anaphor stands: names after it cannot be what it refers to)."""
    # 1. after the quote: '..." Kim said' / '..." said Kim' / '..." he told reporters'
    tail = _TAIL_RE.match(post)
    p0 = tail.end() if tail else 0
    vm = None
    for m in _speech_verbs(post, p0, min(len(post), p0 + 120)):
        vm = m
        break
    if vm is not None and vm.group("v") in _STRICT_SET:
        chunk = post[p0 : vm.start()]
        if not chunk.strip():
            after_np = _np_after_appos(post, vm.end())
            if after_np:
                name, ana = _speaker_from_np(after_np)
                if name or ana:
                    return name, ana, 1, len(pre)
        elif len(chunk.split()) <= 16 and not _CLAUSE_BREAK_RE.search(chunk):
            # '..." Kim said', '..." Peter Carr, a spokesman for the office, said'
            np_ = _np_before(post, vm.start())
            idx = post.find(np_, p0) if np_ else -1
            if np_ and idx >= 0 and _role_prefix(post[p0:idx]):
                name, ana = _speaker_from_np(np_)
                if name or ana:
                    return name, ana, 1, len(pre)
    # 2. before the quote, a speech verb close to it: 'Kim said: "...', 'He told reporters that "...'
    verbs = list(_speech_verbs(pre))
    colon = _COLON_END_RE.search(pre)
    if verbs:
        last = verbs[-1]
        gap_words = pre[last.end() :].split()
        if (
            last.group("v") in _STRICT_SET
            and len(gap_words) <= 6
            and not _SENTENCE_BREAK_RE.search(pre[last.end() :])
        ):
            np_ = _np_before(pre, last.start())
            name, ana = _speaker_from_np(np_)
            if name or ana:
                return name, ana, 2, _np_pos(pre, np_, last.start())
    if colon and not verbs:
        np_ = _np_before(pre, colon.start(1) + len(colon.group(1)))
        name, ana = _speaker_from_np(np_)
        if name:
            return name, ana, 2, len(pre)
    # 3. according to X
    for txt in (post, pre):
        am = _ACCORDING_RE.search(txt)
        if am:
            np_ = _np_after_appos(txt, am.end())
            name, ana = _speaker_from_np(np_)
            if name or ana:
                return name, ana, 3, len(pre) if txt is post else am.start()
    # 4. any speech verb before the quote in the same sentence: its subject, else the clause subject
    for vm2 in reversed(verbs):
        np_ = _np_before(pre, vm2.start())
        name, ana = _speaker_from_np(np_)
        if name or ana:
            return name, ana, 4, _np_pos(pre, np_, vm2.start())
    if verbs:
        np_ = _clause_subject(pre)
        name, ana = _speaker_from_np(np_)
        if name or ana:
            return name, ana, 4, _np_pos(pre, np_, len(pre))
    return None, None, 9, len(pre)


_CONJ_START = {"but", "and", "yet", "so", "still", "however", "meanwhile", "also", "then", "now"}
_SUBORD_START = set(
    (
        "during in after before when while despite following as since although though amid at on with without "
        "by for from under over speaking yet however but and meanwhile earlier later then still now today "
        "yesterday"
    ).split()
)


def _clause_subject(pre: str) -> str | None:
    """The noun phrase that opens the main clause of ``pre`` (skipping an introductory phrase)."""
    s = pre
    first = re.match(r"\s*([^\W\d_]+)\s*,?", s)
    if first and first.group(1).lower() in _CONJ_START:
        s = s[first.end() :]
        first = re.match(r"\s*([^\W\d_]+)", s)
    if first and first.group(1).lower() in _SUBORD_START:
        comma = s.find(",")
        if comma < 0:
            return None
        s = s[comma + 1 :]
    m = re.match(r"\s*", s)
    return _np_after(s, m.end() if m else 0)


def extract_quotes(sentences: list[str], min_words: int = 0) -> list[QuoteMention]:
    """Quotes in a list of sentences (one article, in order), with speakers.

    Double quotes (straight, curly, guillemets) may run over several sentences; single quotes count only
    inside one sentence when they clearly open (after a space/bracket, before a letter) and close (after a
    non-space, not before a letter), so apostrophes ("Korea's", "Workers' Party") are not quotes. Speakers:
    a speech verb next to the quote ('..." Kim said', 'said Kim', 'he told reporters', 'Kim said: "...')
    first, then "according to X", then the subject of a speech verb earlier in the sentence; pronouns and
    role nouns are resolved to a name in the same or the 3 previous sentences; a quote with no attribution
    of its own that directly follows an attributed one (same or next sentence, 4+ words) inherits its speaker.

    Quotes of fewer than ``min_words`` words are left out (their speakers are still found where a later
    quote inherits one).
    """
    if not isinstance(sentences, (list, tuple)) or not sentences:
        return []
    sents = [s if isinstance(s, str) else "" for s in sentences]
    starts, pos = [], 0
    for s in sents:
        starts.append(pos)
        pos += len(s) + 1
    joined = " ".join(sents)
    if _QUOTE_MARK_RE.search(joined) is None:
        return []
    sent_of = _SentenceOf(starts)
    spans = _quote_spans(joined, sent_of)
    if not spans:
        return []
    masked = _PARTY_TAG_RE.sub(lambda m: " " * len(m.group()), _mask_quotes(joined, spans))
    msents = [masked[st : st + len(sents[i])] for i, st in enumerate(starts)]
    cands_by_sent = _SentenceNames(sents, msents)
    kept: list[
        tuple[str, int, int, int, str, str]
    ] = []  # body, sentences i..j, start in i, text before/after
    for o, cs, ce, c in spans:
        i, j = sent_of[o], sent_of[max(cs, ce - 1)]
        inner = joined[cs:ce]
        lead = len(inner) - len(inner.lstrip())
        body = inner.strip().rstrip(",").rstrip()
        if not any(ch.isalnum() for ch in body) or _MISPARSED_RE.match(body):
            continue
        pre = masked[starts[i] : o]
        post_end = starts[j] + len(sents[j])
        post = masked[c:post_end]
        if j + 1 < len(sents) and _ABBR_ONLY_RE.match(post):
            # the splitter cut the attribution off: '..." Mr.' + 'Gowdy added.'
            nxt = msents[j + 1]
            if (
                len(nxt.split()) <= 8
                and next(_speech_verbs(nxt), None) is not None
                and sents[j + 1].lstrip()[:1] not in _QUOTE_CHARS
            ):
                post = post + " " + nxt
                j += 1
        kept.append((body, i, j, cs + lead - starts[i], pre, post))
    speakers: dict[int, str | None] = {}

    def speaker(k: int) -> str | None:
        """The speaker of quote ``k``, found once, when first needed."""
        if k in speakers:
            return speakers[k]
        body, i, j, _qstart, pre, post = kept[k]
        name, ana, rank, ana_pos = _attribute(pre, post)
        if ana is not None and name is None:
            name = _resolve(ana, cands_by_sent, i, _names_before(pre, ana_pos), msents)
        if name is None and rank == 9 and k > 0 and kept[k - 1][2] >= i - 1:
            if len(body.split()) >= _INHERIT_MIN_WORDS and not any(
                pc.person for pc in _names_before(pre, ana_pos)
            ):
                name = speaker(k - 1) or None  # (done already, or too short to inherit in turn)
        if name is not None:
            name = _expand(name, cands_by_sent, j)
        speakers[k] = name
        return name

    out: list[QuoteMention] = []
    for k, (body, i, _j, qstart, _pre, _post) in enumerate(kept):
        words = len(body.split())
        if words >= min(min_words, _INHERIT_MIN_WORDS):  # any quote that may inherit is done in order
            name = speaker(k)
            if words >= min_words:
                out.append(QuoteMention(body, name, i, qstart, qstart + len(body)))
    return out


# --------------------------------------------------------------------------------------------------
# Quote comparison

# Indel similarity 2*LCS/(|a|+|b|) over word tokens. One word changed in an n-word quote gives 1 - 1/n,
# one word added n/(n+0.5); two changes in an 8-word quote give 0.75. Distinct quotes from the same story
# (BASIL, 45 events) score below this in 99.9% of pairs (see the report of the facts work).
QUOTE_CHANGED_MIN_SIMILARITY = 0.75
# a changed excerpt: a 5-word excerpt with one word swapped scores 0.8 against its window
QUOTE_CHANGED_EXCERPT_SIMILARITY = 0.8

_QTOK_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _qtokens(s: str) -> list[tuple[str, str]]:
    """(surface, key) word tokens: key lower-cased, NFKC, curly apostrophes straightened, dots inside
    acronyms dropped (U.S. -> us), hyphens split."""
    if not isinstance(s, str):
        return []
    norm = unicodedata.normalize("NFKC", s)
    norm = re.sub(r"(?<=\w)\.(?=\w)", "", norm)
    out = []
    for m in _QTOK_RE.finditer(norm):
        surf = m.group()
        out.append((surf, surf.lower().replace("’", "'")))
    return out


def quote_similarity(a: str, b: str) -> float:
    """Token-level similarity in [0, 1]: 2 * longest common word subsequence / total words; case,
    punctuation and whitespace are ignored."""
    ka = [k for _s, k in _qtokens(a)]
    kb = [k for _s, k in _qtokens(b)]
    if not ka and not kb:
        return 1.0 if (a or "") == (b or "") else 0.0
    if not ka or not kb:
        return 0.0
    return float(Indel.normalized_similarity(ka, kb))


def _contains(long_: list[str], short: list[str]) -> bool:
    k = len(short)
    if k == 0 or k > len(long_):
        return False
    first = short[0]
    for p in range(len(long_) - k + 1):
        if long_[p] == first and long_[p : p + k] == short:
            return True
    return False


def _best_window_similarity(short: list[str], long_: list[str]) -> float:
    """Best similarity of ``short`` against a window of ``long_`` of the same length or one longer."""
    n = len(short)
    best = 0.0
    for w in (n, n + 1):
        for p in range(0, max(1, len(long_) - w + 1)):
            best = max(best, Indel.normalized_similarity(short, long_[p : p + w]))
    return best


def quote_relation(a: str, b: str) -> str:
    """ "same" (equal word tokens after normalising case/punctuation/whitespace), "excerpt" (one is a
    contiguous run of the other's words), "changed" (the same quote with words changed, added or
    removed: whole-quote similarity >= QUOTE_CHANGED_MIN_SIMILARITY, or the shorter quote of 5+ words
    matches a window of the longer at >= QUOTE_CHANGED_EXCERPT_SIMILARITY; 3+ shared words either way)
    or "different"."""
    ka = [k for _s, k in _qtokens(a)]
    kb = [k for _s, k in _qtokens(b)]
    if not ka or not kb:
        return "same" if ka == kb and (a or "").strip() == (b or "").strip() else "different"
    if ka == kb:
        return "same"
    if _contains(ka, kb) or _contains(kb, ka):
        return "excerpt"
    sim = Indel.normalized_similarity(ka, kb)
    lcs = round(sim * (len(ka) + len(kb)) / 2)
    if sim >= QUOTE_CHANGED_MIN_SIMILARITY and lcs >= 3:
        return "changed"
    short, long_ = (ka, kb) if len(ka) <= len(kb) else (kb, ka)
    if len(short) >= 5 and len(long_) > len(short):
        if _best_window_similarity(short, long_) >= QUOTE_CHANGED_EXCERPT_SIMILARITY:
            return "changed"
    return "different"


def changed_words(a: str, b: str) -> tuple[list[str], list[str]]:
    """Words only in ``a`` and words only in ``b`` (as written), from a word-level diff."""
    ta, tb = _qtokens(a), _qtokens(b)
    sm = difflib.SequenceMatcher(None, [k for _s, k in ta], [k for _s, k in tb], autojunk=False)
    only_a: list[str] = []
    only_b: list[str] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op in ("replace", "delete"):
            only_a.extend(s for s, _k in ta[i1:i2])
        if op in ("replace", "insert"):
            only_b.extend(s for s, _k in tb[j1:j2])
    return only_a, only_b
