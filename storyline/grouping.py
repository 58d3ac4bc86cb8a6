"""Articles -> stories: lexical centroid assignment, fragment merging and a local split test.

One algorithm serves both modes:

* **batch** (:func:`cluster_articles`, ``storyline cluster``): IDF from the whole input, then the same
  steps as online with all articles in one batch;
* **online** (:class:`StoryClusterer`, corpus ingest): IDF from the articles seen so far, new articles
  assigned to the active stories (those inside the time window) batch by batch.

Steps for a batch:

1. **assign**: each article (binary TF-IDF over content words, numbers and names) joins the story whose
   centroid is most similar if the cosine reaches ``threshold``, else it starts a story;
2. **merge**: stories whose centroids reach ``merge_threshold`` are fragments of one story (short texts
   such as headlines share few words, so one story is first found in pieces);
3. **split**: a story whose articles fall into two groups that are much closer within than between
   (``split_ratio``) under *local* IDF (words common to the whole story weigh little, so names, numbers
   and places decide) is two look-alike events (two earthquakes on one island, two offers to one player).
   A story is tested when it reaches ``2 * MIN_PART`` articles, again each time it doubles the size it
   was tested at, and its two parts right after a split. A merge of two tested stories counts as tested
   at the sum of their tested sizes (else the parts of a split that the next batch merges again would be
   tested, split and merged again batch after batch).

Dates: a dated article joins a story only if it falls within ``window_days`` of the story's dated
articles (a story lives on while it keeps getting articles); undated articles can join any story.
"""

from __future__ import annotations

import math
import re
import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, compress, repeat
from operator import itemgetter, mul, truediv
from typing import Any

import numpy as np

from .memo import RecentMemo
from .model import Article

_intern = sys.intern
_NAN = math.nan

THRESHOLD = 0.10  # cosine of an article to a story centroid to join it
MERGE_THRESHOLD = 0.30  # cosine between two story centroids to merge them (online ingest)
# Batch mode knows every document frequency before the first article is placed, so fragments of one story
# can be merged at a lower bar: the split test undoes most merges of two events. (Online, early stories are
# weighted by a young IDF, and a low bar merges them across topics; it also costs ~30 % more CPU.) Chosen by
# BCubed F1 on ECB+, UCI and BASIL together, one setting for all three (0.12 / 0.15 / 0.30: ECB+ 0.908 /
# 0.906 / 0.899, UCI 0.841 / 0.844 / 0.798, BASIL 0.941 / 0.974 / 0.959; docs/quality.md).
BATCH_MERGE_THRESHOLD = 0.15
SPLIT_RATIO = 0.40  # between/within similarity under local IDF below which a story is split
MIN_PART = 3  # a split part has at least this many articles (and a fifth of the story)
WINDOW_DAYS = 60.0  # an article joins a story only within this many days of the story's dated articles
ENTITY_WEIGHT = 3.0  # weight of names and numbers in the local split test
MAX_CANDIDATE_TERMS = 10  # heaviest terms of an article used to find candidate stories
MAX_CANDIDATES = 5  # candidate stories scored exactly
MAX_POSTING = 100  # stories listed under one term beyond which the term is skipped for candidates
MAX_SPLIT_SAMPLE = 300  # a story of more articles is not split-tested any more (and keeps no article terms)
MAX_CENTROID_TERMS = 400  # a story centroid keeps its heaviest terms only (memory bound)
# the split test's similarity matrix: a sparse product from this many articles (single-threaded, so no
# BLAS threads spin for it and the result does not depend on the machine's thread count)
_SPARSE_FROM = 64
_TRIU: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # condensed-distance indices by story size
_TRIU_CACHED = 64  # ... kept for sizes below this only (all sizes up to 300 would hold ~70 MB)
_WEIGHTS = {float(w): float(w) for w in range(1, 100)}  # the float objects of common term weights
_NO_TERMS: dict[str, float] = {}  # the terms of an article no longer needed (shared; never modified)
_WORD = re.compile(r"[^\W_]+(?:[\-.,][^\W_]+)*")
# the word that opens a sentence or a line (capitalised there for grammar, not because it is a name)
_STARTER = re.compile(
    r"(?:^|[.!?:;][\"'\u201d\u2019)\]]*\s+|\n\s*)[\"'\u201c\u2018(\[]*([^\W_]+(?:[\-.,][^\W_]+)*)"
)
# the same two on ASCII text ([^\W_] is [A-Za-z0-9] there)
_WORD_ASCII = re.compile(r"[A-Za-z0-9]+(?:[\-.,][A-Za-z0-9]+)*")
_STARTER_ASCII = re.compile(r"(?:^|[.!?:;][\"')\]]*\s+|\n\s*)[\"'(\[]*([A-Za-z0-9]+(?:[\-.,][A-Za-z0-9]+)*)")
_FIRST = itemgetter(0)
_YEAR = re.compile(r"\b(19[7-9]\d|20\d\d)\b")
_MONTH = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b", re.I)
_NUMERIC_DATE = re.compile(r"\b\d{1,4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}\b")
# fmt: off
STOPWORDS = frozenset(
    """a about above after again against all almost alone along already also although always am among an and
    another any anyone anything are around as at back be became because become been before being below
    between both but by can cannot could did do does doing done down during each either else enough even
    ever every few for former from further get gets got had has have having he her here hers herself him
    himself his how however i if in into is it its itself just last latter least less like made make many
    may me might more most mostly much must my myself neither never new next no nobody none nor not nothing
    now of off often on once one only onto or other others otherwise our ours ourselves out over own per
    perhaps put rather re same say says said see seem seemed seems several she should since so some still
    such than that the their theirs them themselves then there these they this those though through thus to
    together too toward towards under until up upon us very via was we well were what whatever when where
    whether which while who whole whom whose why will with within without would yet you your yours yourself
    yourselves s t d ll m ve n't told according week year years time day days today yesterday tomorrow
    monday tuesday wednesday thursday friday saturday sunday""".split()
)
# fmt: on


# --- features ------------------------------------------------------------------------------------


def article_terms(text: str, title: str | None = None) -> dict[str, float]:
    """Content terms of an article with weights: 1 per occurrence, ``ENTITY_WEIGHT`` for a name
    (a capitalised word inside a sentence) or a number. Title and body are read alike.

    The result of a recent call on the same title and text is returned again, the same dict: callers
    must not modify it."""
    return _terms_memo(f"{title}\n{text}" if title and title != text else text)


def clear_terms_memo() -> None:
    """Forget the remembered :func:`article_terms` results."""
    _terms_memo.clear()


def _terms_of(body: str) -> dict[str, float]:
    """:func:`article_terms` of a title and text joined."""
    plain = body.isascii()  # (the same matches with ASCII classes, found faster)
    toks = (_WORD_ASCII if plain else _WORD).findall(body)
    low = list(map(str.lower, toks))
    counts = Counter(low)
    caps = Counter(compress(low, map(str.isupper, map(_FIRST, toks))))  # capitalised words
    if caps:  # (an empty one would only go negative, which counts as 0)
        caps.subtract(map(str.lower, (_STARTER_ASCII if plain else _STARTER).findall(body)))
    capital = caps.get
    extra = ENTITY_WEIGHT - 1.0
    shared = _WEIGHTS.get
    out: dict[str, float] = {}
    for t, c in counts.items():
        if t in STOPWORDS or (len(t) < 2 and not t.isdigit()):
            continue
        # one string object per term and one float object per small weight across all articles held
        # in memory
        if t[0].isdigit():  # ("3,000" and "3000" are one term)
            t = _intern(t.replace(",", ""))
            w = out.get(t, 0.0) + ENTITY_WEIGHT * c
        else:  # (no other key of ``counts`` gives this term)
            k = capital(t, 0)
            w = 0.0 + (c + extra * k if k > 0 else c)
            t = _intern(t)
        out[t] = shared(w, w)
    return out


# article_terms of recent bodies (exact copies are common in a stream)
_terms_memo: RecentMemo[str, dict[str, float]] = RecentMemo(_terms_of, 2048)


def parse_date(value: Any) -> float | None:
    """A date (ISO 8601, epoch seconds or milliseconds, or free text) as epoch seconds, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        v = float(value)
        return v / 1000.0 if v > 1e11 else v
    s = str(value).strip()
    if re.fullmatch(r"\d{9,13}(\.\d+)?", s):
        v = float(s)
        return v / 1000.0 if v > 1e11 else v
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        if not (_YEAR.search(s) and (_MONTH.search(s) or _NUMERIC_DATE.search(s))):
            return None  # "She was 91." or "In 2008, ..." are not publication dates
        try:
            import warnings

            from dateutil import parser as _dp

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                dt = _dp.parse(s, fuzzy=True, default=datetime(1900, 1, 1))
        except (ValueError, OverflowError, TypeError):
            return None
        if dt.year < 1971 or dt.year > 2100:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


# --- the clusterer -------------------------------------------------------------------------------


class _IdfCache(dict):
    """IDF of the terms looked up since ``df`` / ``n_docs`` last changed (a miss computes it)."""

    def __init__(self, clusterer: StoryClusterer) -> None:
        super().__init__()
        self.idf = clusterer.idf
        self.vectors: dict[int, dict[str, float]] = {}  # article vectors under this IDF

    def __missing__(self, term: str) -> float:
        w = self[term] = self.idf(term)
        return w


@dataclass
class _Story:
    key: int
    members: list[int] = field(default_factory=list)  # article indices
    centroid: dict[str, float] = field(default_factory=dict)  # sum of unit article vectors
    sq: float = 0.0  # squared norm of the centroid
    first: float | None = None  # earliest and latest dated member (epoch seconds)
    last: float | None = None
    checked: int = 0  # size at the last split test (a merge adds the size its other part was tested at)


@dataclass
class _Pairs:
    """A story's merge look-up within one :meth:`StoryClusterer._merge` call."""

    terms: list[str]  # its heaviest terms
    top: list[tuple[str, float]]  # the same with their weights in its unit centroid
    posts: list[dict[int, float]]  # the postings used (its top terms' postings, in use or skipped)
    acc: dict[int, float]  # partial dot products of the stories under those postings
    norm: float  # its centroid's norm
    cos: dict[int, float | None]  # cosine to a candidate (None: outside the time window)
    pairs: list[tuple[float, int, int]]  # (cosine, key, key) of candidates at the merge threshold


class StoryClusterer:
    """Online story assignment; :meth:`add` takes a batch and returns each article's story key.

    Story keys are stable integers: merging keeps the older key, splitting gives the younger part a
    new key. :attr:`changes` lists ``(old_key, new_key, article indices)`` moves made by merges and
    splits so a store can follow them. Centroids live in an inverted index (term -> story -> weight),
    so finding the closest stories touches only the stories that share an article's heaviest terms.
    """

    def __init__(
        self,
        *,
        threshold: float = THRESHOLD,
        merge_threshold: float = MERGE_THRESHOLD,
        split_ratio: float = SPLIT_RATIO,
        window_days: float = WINDOW_DAYS,
        df: dict[str, int] | None = None,
        n_docs: int = 0,
        next_key: int = 1,
    ) -> None:
        self.threshold = threshold
        self.merge_threshold = merge_threshold
        self.split_ratio = split_ratio
        self.window = window_days * 86400.0
        self.df: Counter[str] = Counter(df or {})
        self.n_docs = n_docs
        self.stories: dict[int, _Story] = {}
        self.index: dict[str, dict[int, float]] = {}  # term -> story -> centroid weight
        self.norms: dict[int, float] = {}  # story -> norm of its centroid (1.0 for an empty one)
        # weighted terms of each article seen (emptied once no split test can read them again: a story
        # of more than MAX_SPLIT_SAMPLE articles is never tested, and a forgotten one is gone)
        self.terms: list[dict[str, float]] = []
        self.dates = array("d")  # of each article seen, epoch seconds (NaN: undated)
        self.story_of: list[int] = []
        self.next_key = next_key
        self.changes: list[tuple[int, int, list[int]]] = []
        self._idf_cache = _IdfCache(self)  # idf of terms seen since df / n_docs last changed

    # -- vectors
    def idf(self, term: str) -> float:
        return math.log((1.0 + self.n_docs) / (1.0 + self.df.get(term, 0))) + 1.0

    def vector(self, terms: dict[str, float]) -> dict[str, float]:
        """Binary TF-IDF, unit length."""
        vec = {t: self.idf(t) for t in terms}
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        return {t: w / norm for t, w in vec.items()}

    def _vec(self, terms: dict[str, float]) -> dict[str, float]:
        """:meth:`vector` with IDF values cached while ``df`` and ``n_docs`` stay put (same floats)."""
        ws = list(map(self._idf_cache.__getitem__, terms))
        norm = math.sqrt(sum(map(mul, ws, ws))) or 1.0
        return dict(zip(terms, map(truediv, ws, repeat(norm))))  # noqa: B905 - same length by construction

    # -- the three steps
    def add(
        self,
        terms: Sequence[dict[str, float]],
        dates: Sequence[float | None] | None = None,
        *,
        hints: Sequence[int | None] | None = None,
        update_df: bool = True,
    ) -> list[int]:
        """Assign a batch; ``hints[i]`` is an earlier article index this one copies (its story is taken
        without scoring). Returns the story key of every article of the batch (after merges and splits)."""
        dates = list(dates) if dates is not None else [None] * len(terms)
        start = len(self.terms)
        if update_df:
            self.df.update(chain.from_iterable(terms))  # (the keys of each, in order)
            self.n_docs += len(terms)
        self._idf_cache = _IdfCache(self)  # df or n_docs may have changed since the last batch
        vecs = self._idf_cache.vectors
        same: dict[int, dict[str, float]] = {}  # vectors by id of the terms (a shared dict: an exact copy)
        touched: set[int] = set()
        for j, t in enumerate(terms):
            i = start + j
            self.terms.append(t)
            self.dates.append(_NAN if dates[j] is None else dates[j])
            vec = same.get(id(t))  # (``terms`` holds every dict of the batch: no id is reused)
            if vec is None:
                vec = same[id(t)] = self._vec(t)
            vecs[i] = vec
            hint = hints[j] if hints is not None else None
            key = None
            if hint is not None and 0 <= hint < i and self.story_of[hint] in self.stories:
                key = self.story_of[hint]  # a copy: same story, and nothing new to merge or split on
            else:
                key = self._best(vec, dates[j])
                if key is None:
                    key = self._new_story()
                touched.add(key)
            self.story_of.append(-1)
            self._join(key, i, vec)
        touched = self._merge(touched)
        self._split(touched)
        return [self.story_of[start + j] for j in range(len(terms))]

    def _candidates(self, vec: dict[str, float], skip: int | None = None) -> list[int]:
        """Stories sharing the heaviest terms of ``vec``, best partial cosine first."""
        index = self.index
        top = []  # the heaviest indexed terms (a stable sort: ties keep their order)
        for kv in sorted(vec.items(), key=itemgetter(1), reverse=True):
            if kv[0] in index:
                top.append(kv)
                if len(top) == MAX_CANDIDATE_TERMS:
                    break
        return self._ranked(top, skip)

    def _top_terms(self, st: _Story, norm: float) -> list[tuple[str, float]]:
        """The heaviest terms of a story's unit centroid (``centroid / norm``) as :meth:`_candidates`
        takes them (a story's own terms are all indexed), sorted with numpy."""
        terms = list(st.centroid)
        w = np.fromiter(st.centroid.values(), float, len(terms)) / norm
        order = np.argsort(-w, kind="stable")[:MAX_CANDIDATE_TERMS].tolist()  # sorted(..., reverse=True)
        return [(terms[i], float(w[i])) for i in order]

    def _ranked(self, top: list[tuple[str, float]], skip: int | None) -> list[int]:
        """Stories under the ``(term, weight)`` postings of ``top``, best partial cosine first.

        A story's partial cosine sums its products in the order of ``top`` (the same floats however
        the postings are ordered); ties go to the higher story key."""
        posts = self._postings(top)
        return self._rank(self._accumulate(posts, skip)) if posts else []

    def _postings(self, top: list[tuple[str, float]]) -> list[tuple[float, dict[int, float]]]:
        """``(weight, posting)`` of the terms of ``top`` that find candidates (a common term is
        skipped once a rarer one is there)."""
        index = self.index
        posts = []
        for t, w in top:
            post = index[t]
            if len(post) > MAX_POSTING and posts:
                continue  # a common term: the rarer ones already found the candidates
            posts.append((w, post))
        return posts

    @staticmethod
    def _accumulate(posts: list[tuple[float, dict[int, float]]], skip: int | None) -> dict[int, float]:
        """Partial dot products of the stories under ``posts`` (in the order of ``posts``)."""
        w, post = posts[0]
        acc = dict(zip(post, map(mul, repeat(w), post.values())))  # noqa: B905 - (0.0 + x == x)
        get = acc.get
        for w, post in posts[1:]:
            for key, cw in post.items():
                acc[key] = get(key, 0.0) + w * cw
        acc.pop(skip, None)
        return acc

    def _rank(self, acc: dict[int, float]) -> list[int]:
        """The ``MAX_CANDIDATES`` stories of best partial cosine (``acc / norm``); ties: higher key."""
        # (IEEE division by the same norms as ``v / sqrt(sq or 1)``)
        scores = list(map(truediv, acc.values(), map(self.norms.__getitem__, acc)))
        pairs = zip(scores, acc)  # noqa: B905 - same length
        if len(scores) > MAX_CANDIDATES:  # = sorted(pairs, reverse=True)[:n]: only scores from the n-th
            cut = sorted(scores, reverse=True)[MAX_CANDIDATES - 1]  # (floats sort faster than pairs)
            pairs = [p for p in pairs if p[0] >= cut]
        return [k for _, k in sorted(pairs, reverse=True)[:MAX_CANDIDATES]]

    def _cosine(self, vec: dict[str, float], norm: float, st: _Story) -> float:
        small, big = (vec, st.centroid) if len(vec) <= len(st.centroid) else (st.centroid, vec)
        dot = sum(map(mul, small.values(), map(big.get, small, repeat(0.0))))
        return dot / (norm * self.norms[st.key])

    def _best(self, vec: dict[str, float], date: float | None) -> int | None:
        """The story whose centroid is most similar (at least ``threshold``), or None."""
        best, best_s = None, self.threshold
        stories, window, norms = self.stories, self.window, self.norms
        n = len(vec)
        for key in self._candidates(vec):
            st = stories[key]
            if date is not None and st.first is not None:
                if not st.first - window <= date <= st.last + window:
                    continue
            c = st.centroid  # :meth:`_cosine` of a unit vector, inlined
            if n <= len(c):
                dot = sum(map(mul, vec.values(), map(c.get, vec, repeat(0.0))))
            else:
                dot = sum(map(mul, c.values(), map(vec.get, c, repeat(0.0))))
            s = dot / norms[key]
            if s >= best_s:
                best, best_s = key, s
        return best

    def _new_story(self) -> int:
        key = self.next_key
        self.next_key += 1
        self.stories[key] = _Story(key)
        self.norms[key] = 1.0
        return key

    def _update(self, st: _Story, vec: dict[str, float], sign: float = 1.0) -> None:
        """Add (or subtract) a vector to a story's centroid and the inverted index."""
        c, key, index = st.centroid, st.key, self.index
        if sign != 1.0:
            vec = {t: sign * w for t, w in vec.items()}
        cget, iget = c.get, index.get
        sq = st.sq
        for t, w in vec.items():
            old = cget(t, 0.0)
            new = old + w
            sq += new * new - old * old
            if new > 1e-12:
                c[t] = new
                post = iget(t)
                if post is None:
                    index[t] = {key: new}
                else:
                    post[key] = new
            elif old:
                del c[t]
                self._unindex(t, key)
        st.sq = max(sq, 0.0)
        if len(c) > MAX_CENTROID_TERMS * 1.25:
            keep = sorted(c.items(), key=lambda kv: -kv[1])[:MAX_CENTROID_TERMS]
            self._unindex_all(set(c) - {t for t, _ in keep}, key)
            st.centroid = dict(keep)
            st.sq = sum(v * v for _, v in keep)
        self.norms[key] = math.sqrt(st.sq or 1.0)

    def _unindex(self, term: str, key: int) -> None:
        post = self.index.get(term)
        if post is not None:
            post.pop(key, None)
            if not post:
                del self.index[term]

    def _unindex_all(self, terms: Iterable[str], key: int) -> None:
        """:meth:`_unindex` of many terms."""
        index = self.index
        get = index.get
        for t in terms:
            post = get(t)
            if post is not None:
                post.pop(key, None)
                if not post:
                    del index[t]

    def _join(self, key: int, i: int, vec: dict[str, float]) -> None:
        st = self.stories[key]
        st.members.append(i)
        if len(st.members) > MAX_SPLIT_SAMPLE:  # a big story is never split: its articles' terms can go
            self._drop_terms(st.members if len(st.members) == MAX_SPLIT_SAMPLE + 1 else (i,))
        self.story_of[i] = key
        self._update(st, vec)
        d = self.dates[i]
        if d == d:  # (not NaN: dated)
            st.first = d if st.first is None else min(st.first, d)
            st.last = d if st.last is None else max(st.last, d)

    def _drop_terms(self, members: Iterable[int]) -> None:
        """Forget the terms of articles of a story that is never split again (it has more than
        ``MAX_SPLIT_SAMPLE`` articles and cannot shrink)."""
        terms = self.terms
        for i in members:
            terms[i] = _NO_TERMS

    def _vector_of(self, i: int) -> dict[str, float]:
        """An article's vector under the current IDF (kept until the IDF changes: splits rebuild
        stories from their articles' vectors, sometimes more than once in a batch)."""
        vecs = self._idf_cache.vectors
        v = vecs.get(i)
        if v is None:
            v = vecs[i] = self._vec(self.terms[i])
        return v

    def _merge(self, touched: set[int]) -> set[int]:
        """Merge touched stories into the stories whose centroids they reach ``merge_threshold`` with.

        Rounds repeat until no pair merges. A story that no merge changed keeps its pairs of the last
        round unless one of its candidate terms was a term of a merged story: its centroid, its
        candidates (the stories under its heaviest terms) and their centroids are then all as they were.
        When one was, only the merged stories' entries of its postings changed: their partial scores are
        redone, the candidates re-ranked and the cosines to the merged stories recomputed (the same
        floats as a fresh look-up; a posting that crossed ``MAX_POSTING`` makes it a fresh look-up).
        """
        if not self.merge_threshold or self.merge_threshold >= 1:
            return touched
        alive = set(touched)
        found: dict[int, _Pairs] = {}
        dirty: set[str] = set()  # terms of the stories merged in the last round
        kept: list[int] = []  # stories that absorbed another in the last round
        gone: list[int] = []  # the stories they absorbed
        changed = True
        while changed:
            changed = False
            pairs = []
            for a in sorted(alive):
                sa = self.stories.get(a)
                if sa is None:
                    continue
                last = found.get(a)
                if last is not None:
                    if dirty.isdisjoint(last.terms):
                        pairs += last.pairs
                        continue
                    if self._rescore(a, sa, last, kept, gone):
                        pairs += last.pairs
                        continue
                na = math.sqrt(sa.sq or 1.0)
                top = self._top_terms(sa, na)
                posts = self._postings(top)
                acc = self._accumulate(posts, a) if posts else {}
                f = found[a] = _Pairs([t for t, _ in top], top, [p for _, p in posts], acc, na, {}, [])
                self._pairs_of(a, sa, f)
                pairs += f.pairs
            used: set[int] = set()
            dirty = set()
            kept, gone = [], []
            for _s, a, b in sorted(pairs, reverse=True):
                if a in used or b in used or a not in self.stories or b not in self.stories:
                    continue
                used.update((a, b))
                dirty.update(self.stories[a].centroid)
                dirty.update(self.stories[b].centroid)
                self._absorb(a, b)
                kept.append(a)
                gone.append(b)
                alive.discard(b)
                alive.add(a)
                changed = True
            for k in used:
                found.pop(k, None)
        return alive

    def _pairs_of(self, a: int, sa: _Story, f: _Pairs) -> None:
        """``f.pairs``: the merge pairs of story ``a`` with its candidates (cosines cached in ``f.cos``)."""
        cos = f.cos
        mine = []
        for b in self._rank(f.acc) if f.acc else ():
            if b in cos:
                s = cos[b]
            else:
                s = None
                sb = self.stories[b]
                if (
                    sa.first is None
                    or sb.first is None
                    or not (sa.first - sb.last > self.window or sb.first - sa.last > self.window)
                ):
                    s = self._cosine(sa.centroid, f.norm, sb)
                cos[b] = s
            if s is not None and s >= self.merge_threshold:
                mine.append((s, min(a, b), max(a, b)))
        f.pairs = mine

    def _rescore(self, a: int, sa: _Story, f: _Pairs, kept: list[int], gone: list[int]) -> bool:
        """Bring a story's look-up up to date after merges that changed only the ``kept`` and ``gone``
        stories' entries of its postings; False if a fresh look-up is needed (a posting now used or
        skipped that was not before)."""
        posts = self._postings(f.top)
        if len(posts) != len(f.posts) or any(p is not q for (_, p), q in zip(posts, f.posts)):  # noqa: B905
            return False
        acc, cos = f.acc, f.cos
        same = True  # no partial score changed: the same candidates, cosines and pairs
        for g in gone:
            if acc.pop(g, None) is not None:
                same = False
            cos.pop(g, None)
        for k in kept:
            cos.pop(k, None)
            v = None
            for w, post in posts:  # as :meth:`_accumulate` sums it
                cw = post.get(k)
                if cw is not None:
                    v = w * cw if v is None else v + w * cw
            if v is None:
                if acc.pop(k, None) is not None:
                    same = False
            else:
                acc[k] = v
                same = False
        if not same:
            self._pairs_of(a, sa, f)
        return True

    def _absorb(self, keep: int, gone: int) -> None:
        sk, sg = self.stories[keep], self.stories.pop(gone)
        del self.norms[gone]
        self._unindex_all(sg.centroid, gone)
        self._update(sk, sg.centroid)
        for i in sg.members:
            self.story_of[i] = keep
        if sk.checked:  # two tested stories: their union is tested again once it doubles what was tested
            sk.checked += sg.checked
        if len(sk.members) + len(sg.members) > MAX_SPLIT_SAMPLE:  # never split again
            self._drop_terms(sg.members)
            if len(sk.members) <= MAX_SPLIT_SAMPLE:
                self._drop_terms(sk.members)
        sk.members.extend(sg.members)
        for d in (sg.first, sg.last):
            if d is not None:
                sk.first = d if sk.first is None else min(sk.first, d)
                sk.last = d if sk.last is None else max(sk.last, d)
        self.changes.append((gone, keep, list(sg.members)))

    def _split(self, touched: set[int]) -> None:
        todo = [(k, False) for k in touched if k in self.stories]
        while todo:
            key, force = todo.pop()
            st = self.stories[key]
            n = len(st.members)
            if n < 2 * MIN_PART:
                continue
            if not force and st.checked and n < 2 * st.checked:
                continue
            st.checked = n
            if n > MAX_SPLIT_SAMPLE:
                continue  # a big story is never split (only its latest articles could be tested)
            members = st.members
            parts = split_test([self.terms[i] for i in members], ratio=self.split_ratio, min_part=MIN_PART)
            if parts is None:
                continue
            a, b = parts
            # the part holding the story's first article keeps the key
            if 0 in b:
                a, b = b, a
            kept = [members[i] for i in a]
            moved = [members[i] for i in b]
            self._rebuild(key, kept)
            new = self._new_story()
            self._rebuild(new, moved)
            self.changes.append((key, new, moved))
            todo.extend([(key, True), (new, True)])

    def _rebuild(self, key: int, members: list[int]) -> None:
        """A story made anew from ``members``: :meth:`_join` of each in turn (the same centroid floats
        in the same order), with the inverted index written once at the end."""
        st = self.stories[key]
        c, sq = self._summed(map(self._vector_of, members))
        self._unindex_all([t for t in st.centroid if t not in c], key)
        index, iget = self.index, self.index.get
        for t, v in c.items():
            post = iget(t)
            if post is None:
                index[t] = {key: v}
            else:
                post[key] = v
        dated = [d for d in map(self.dates.__getitem__, members) if d == d]
        st.members, st.centroid, st.sq = list(members), c, sq
        st.first, st.last = (min(dated), max(dated)) if dated else (None, None)
        self.norms[key] = math.sqrt(sq or 1.0)
        story_of = self.story_of
        for i in members:
            story_of[i] = key
        st.checked = len(members)

    @staticmethod
    def _summed(vecs: Iterable[dict[str, float]]) -> tuple[dict[str, float], float]:
        """A centroid and its squared norm from vectors added in turn as :meth:`_update` adds them."""
        c: dict[str, float] = {}
        cget = c.get
        sq = 0.0
        for vec in vecs:
            for t, w in vec.items():  # :meth:`_update`, without the index
                old = cget(t, 0.0)
                new = old + w
                sq += new * new - old * old
                if new > 1e-12:
                    c[t] = new
                elif old:
                    del c[t]
            sq = max(sq, 0.0)
            if len(c) > MAX_CENTROID_TERMS * 1.25:
                keep = sorted(c.items(), key=lambda kv: -kv[1])[:MAX_CENTROID_TERMS]
                c = dict(keep)
                cget = c.get
                sq = sum(v * v for _, v in keep)
        return c, sq

    # -- state for a store
    def load_story(self, key: int, items: Sequence[tuple[dict[str, float], float | None]]) -> list[int]:
        """Restore a stored story from its articles' ``(terms, date)``; returns their indices."""
        if key in self.stories:
            raise ValueError(f"story {key} is loaded already")
        self.stories[key] = _Story(key)
        self.norms[key] = 1.0
        self.next_key = max(self.next_key, key + 1)
        self._idf_cache = _IdfCache(self)  # df or n_docs may have been set since
        out = []
        for terms, date in items:
            i = len(self.terms)
            self.terms.append(terms)
            self.dates.append(_NAN if date is None else date)
            vec = self._vec(terms)
            self.story_of.append(-1)
            self._join(key, i, vec)
            out.append(i)
        self.stories[key].checked = len(items)
        return out

    def forget(self, key: int) -> list[int]:
        """Drop a story from memory (it leaves the time window); returns its article indices."""
        st = self.stories.pop(key, None)
        if st is None:
            return []
        del self.norms[key]
        self._unindex_all(st.centroid, key)
        self._drop_terms(st.members)
        return st.members

    def groups(self) -> list[list[int]]:
        """Article indices grouped by story, in order of first article."""
        return sorted((sorted(s.members) for s in self.stories.values() if s.members), key=lambda g: g[0])


# --- the local split test ------------------------------------------------------------------------


def split_test(
    terms: Sequence[dict[str, float]], *, ratio: float = SPLIT_RATIO, min_part: int = MIN_PART
) -> tuple[list[int], list[int]] | None:
    """Whether a story is two events: returns the two parts (indices into ``terms``) or None.

    Local TF-IDF (IDF within the story, words of at least two articles only), average-link
    bisection, accepted when the mean similarity between the parts is below ``ratio`` times the
    mean similarity within them and the smaller part has ``min_part`` articles and a fifth of the story.
    """
    n = len(terms)
    if n < 2 * min_part:
        return None
    df = Counter(chain.from_iterable(terms))
    vocab = {t: j for j, t in enumerate(t for t, c in df.items() if c >= 2)}
    if not vocab:
        return None
    cols = np.fromiter(map(vocab.get, chain.from_iterable(terms), repeat(-1)), np.int64)
    vals = np.fromiter(chain.from_iterable(map(dict.values, terms)), float, len(cols))
    rows = np.repeat(np.arange(n), [len(doc) for doc in terms])
    keep = (cols >= 0) & (vals != 0.0)
    rows, cols, vals = rows[keep], cols[keep], vals[keep]  # each (article, term) once
    # log-scaled TF times local IDF, computed on the non-zero cells only (the same floats as dense)
    idf = np.log((1.0 + n) / (1.0 + np.bincount(cols, minlength=len(vocab)))) + 1.0
    vals = np.log1p(vals) * idf[cols]
    x = np.zeros((n, len(vocab)))
    x[rows, cols] = vals
    norms = np.sqrt(np.add.reduce(x * x, axis=1))  # np.linalg.norm(x, axis=1) without its checks
    norms[norms == 0] = 1.0
    x[rows, cols] = vals / norms[rows]
    if n >= _SPARSE_FROM:
        from scipy.sparse import csr_matrix

        xs = csr_matrix(x)
        sim = (xs @ xs.T).toarray()
    else:
        sim = x @ x.T
    # condensed distances: np.clip(1 - sim, 0, None) above the diagonal
    y = 1.0 - sim[_triu(n)]
    np.maximum(y, 0.0, out=y)
    second = _second_cluster(_linkage_of(y, n), n)
    m2 = len(second)
    if min(n - m2, m2) < max(min_part, 0.2 * n):
        return None
    is2 = np.zeros(n, dtype=bool)
    is2[second] = True
    a, b = np.flatnonzero(~is2), np.flatnonzero(is2)

    def within(ix: np.ndarray) -> float:
        m = len(ix)
        return (sim[ix[:, None], ix].sum() - m) / max(m * (m - 1), 1)  # = sim[np.ix_(ix, ix)]

    w = 0.5 * within(a) + 0.5 * within(b)
    between = sim[a[:, None], b].mean()
    if w <= 0 or between / w >= ratio:
        return None
    return a.tolist(), b.tolist()


def _average_linkage(dist: np.ndarray, n: int) -> np.ndarray:
    """``linkage(squareform(dist), "average")`` without its input checks (the distances are finite)."""
    return _linkage_of(np.ascontiguousarray(dist[_triu(n)]), n)


def _triu(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.triu_indices(n, 1)``, cached for small ``n``."""
    iu = _TRIU.get(n)
    if iu is None:
        iu = np.triu_indices(n, 1)
        if n < _TRIU_CACHED:
            _TRIU[n] = iu
    return iu


def _linkage_of(y: np.ndarray, n: int) -> np.ndarray:
    """``linkage(y, "average")`` of condensed distances ``y`` (contiguous, finite)."""
    try:  # the nearest-neighbour chain that scipy's linkage(y, "average") runs after its checks
        from scipy.cluster._hierarchy import nn_chain
    except ImportError:  # pragma: no cover - a scipy without it
        from scipy.cluster.hierarchy import linkage

        return linkage(y, "average")
    return nn_chain(y, n, 2)


def _two_clusters(z: np.ndarray, n: int) -> np.ndarray:
    """``fcluster(z, 2, "maxclust")`` of an average-link tree (the same labels), without its checks
    and searches: the root's two subtrees, or all 1 when the last two merges tie."""
    lab = np.ones(n, dtype=np.int32)
    lab[_second_cluster(z, n)] = 2
    return lab


def _second_cluster(z: np.ndarray, n: int) -> list[int]:
    """The leaves that :func:`_two_clusters` labels 2 (none when the last two merges tie)."""
    if n < 2:
        return []
    if n >= 3 and z[-2, 2] >= z[-1, 2]:
        return []
    rows = z[:, :2].astype(np.intp).tolist()
    left, right = rows[-1]
    # fcluster walks the tree depth first, into a left subtree before a right one, and labels a leaf
    # child of the root only after the other subtree: a lone left leaf therefore gets label 2
    second = left if left < n <= right else right
    stack, leaves = [second], []
    while stack:
        c = stack.pop()
        if c < n:
            leaves.append(c)
        else:
            stack.extend(rows[c - n])
    return leaves


# --- batch API -----------------------------------------------------------------------------------


def _as_articles(items: Iterable[Article | dict[str, Any]]) -> list[Article]:
    out = []
    for it in items:
        out.append(it if isinstance(it, Article) else Article.from_dict(it))
    return out


def cluster_terms(
    terms: Sequence[dict[str, float]], dates: Sequence[float | None] | None = None, **options: Any
) -> list[list[int]]:
    """Batch clustering of pre-computed article terms; returns index groups. ``merge_threshold`` defaults
    to :data:`BATCH_MERGE_THRESHOLD`."""
    options.setdefault("merge_threshold", BATCH_MERGE_THRESHOLD)
    c = StoryClusterer(**options)
    for t in terms:
        c.df.update(t.keys())
    c.n_docs = len(terms)
    c.add(terms, dates, update_df=False)
    return c.groups()


def cluster_articles(articles: Iterable[Article | dict[str, Any]], **options: Any) -> list[list[str]]:
    """Group articles into stories (batch mode); returns lists of article ids, one list per story.

    Articles are cleaned first (:func:`storyline.clean.clean_article`) and taken in date order where
    dated (undated ones keep their input position among them). Options: ``threshold``,
    ``merge_threshold``, ``split_ratio``, ``window_days``."""
    from .clean import clean_article

    arts = [clean_article(a) for a in _as_articles(articles)]
    if not arts:
        return []
    dates = [parse_date(a.date) for a in arts]
    order = _date_order(dates)
    terms = [article_terms(arts[i].text, arts[i].title) for i in order]
    groups = cluster_terms(terms, [dates[i] for i in order], **options)
    return [[arts[order[j]].id for j in sorted(g, key=lambda j: order[j])] for g in groups]


def _date_order(dates: Sequence[float | None]) -> list[int]:
    """Indices sorted by date; undated articles keep their input order relative to each other."""
    if all(d is None for d in dates) or all(d is not None for d in dates):
        return sorted(range(len(dates)), key=lambda i: (dates[i] or 0.0, i))
    # stable: undated ones inherit the last date before them in input order
    last = -math.inf
    keys = []
    for i, d in enumerate(dates):
        last = d if d is not None else last
        keys.append((last, i))
    return sorted(range(len(dates)), key=lambda i: keys[i])
