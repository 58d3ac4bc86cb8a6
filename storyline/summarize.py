"""A neutral extractive summary in which every sentence cites its sources.

The summary is chosen to cover the words a neutral summary of the story would use. A small logistic model
gives, for each word (stem) of the story and each ``j`` = 1, 2, ..., the probability that a neutral summary
uses it at least ``j`` times, from story-level evidence only: the share of the articles using it, its count,
the share of sentences and of article leads holding it, its earliest position, the headlines using it, whether
it is a number or a capitalised name, the share of its uses inside quotation marks, whether it is a stop word,
plus one learned offset per stop word (summaries say "and", "that", "in" more often, "I", "we", "but", "just" less often than news copy).

Every mention of every claim is a candidate sentence. Sentences are added greedily: each step adds the one
that most raises the expected unigram F1 of the summary read in story order and cut at the word budget
(expected matches use clipped counts, so a sentence repeating words already chosen gains little: this is
the redundancy control). At most one mention per claim is used; the summary is filled to the budget, never
passing ``OVERSHOOT`` x budget, and put in story order. Each sentence cites its claim's sources.

Weights: ``tools/fit_summary.py`` (logistic regression on NeuS train; choices made by 5-fold CV on train).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .align import Alignment
from .clean import normalize
from .model import Claim, Sentence, SummarySentence
from .segment import STOPWORDS, stem

DEFAULT_WORDS = 100
MAX_COUNT = 4  # model P(used >= j times) for j = 1..MAX_COUNT; later repeats earn nothing
OVERSHOOT = 1.5  # never pass this x the budget (the sentence that reaches the budget may overshoot it)
MIN_WORDS, MAX_WORDS = 6, 60  # candidate sentence length bounds (words), when there are more than 3 claims
POOL = 64  # candidates kept for the greedy search (best expected precision first); NeuS stories have fewer

_WORD = re.compile(r"[a-z0-9]+")
_CAPITALISED = re.compile(r"(?<=[\w,;:] )[A-Z][\w'-]*")  # a capitalised word inside a sentence: a name
_QUOTED = re.compile(r"\"[^\"]*\"")

STOP_STEMS = tuple(sorted(w for w in STOPWORDS if _WORD.fullmatch(w)))
_STOP_INDEX = {w: k for k, w in enumerate(STOP_STEMS)}

TOKEN_FEATURES = (
    "article_share",  # share of the articles using the word
    "all_articles",  # every article uses it (and there are several)
    "log_count",  # log(1 + occurrences in the story)
    "sentence_share",  # share of the story's sentences holding it
    "stop",  # a stop word
    "title_share",  # share of the headlines using it
    "lead_share",  # share of the articles whose first sentence holds it
    "first_position",  # earliest relative position in an article
    "number",
    "name",  # capitalised inside a sentence somewhere (and not a stop word)
    "in_title",  # some headline uses it
    "quoted",  # share of its occurrences inside quotation marks
    "log_count_per_j",  # log(1 + occurrences / j)
    "j2",
    "j3plus",
    "stop_j2plus",
    "stop_x_article_share",
)
# Fitted by tools/fit_summary.py on all 2,452 stories of ../shared/data/dev/neus_train.jsonl (C = 1).
# fmt: off
TOKEN_WEIGHTS = np.array([
    1.172, -0.092, 0.582, -0.326, 0.632, 1.101, 0.363, -0.382, 0.500, 0.482, 0.275, 0.062,
    1.308, -1.936, -2.934, 0.813, -1.631,
])
TOKEN_BIAS = -3.472
STOP_BIAS: dict[str, float] = {  # per stop word, added to the log-odds
    "a": 1.19, "about": 0.03, "after": 0.45, "again": -0.75, "against": 0.21, "all": -0.01, "also": 0.66,
    "am": -0.37, "an": 0.48, "and": 1.67, "are": 0.42, "as": 0.48, "at": 0.10, "be": 0.50, "been": -0.04,
    "below": -0.08, "between": -0.02, "both": -0.08, "but": -0.29, "by": 0.45, "can": -0.58,
    "could": -0.14, "d": 0.42, "did": -0.26, "do": -0.86, "down": -0.69, "each": -0.13, "few": -0.42,
    "for": 0.75, "from": 0.69, "further": -0.28, "had": 0.05, "has": 0.47, "have": 0.55, "he": 0.41,
    "her": 0.52, "here": -0.41, "him": -0.43, "himself": -0.24, "his": 0.42, "how": -0.43, "i": -0.76,
    "if": 0.18, "in": 1.05, "into": -0.30, "is": 0.59, "it": 0.44, "itself": -0.15, "just": -1.13,
    "let": -0.35, "ll": -0.35, "m": -1.00, "may": -0.08, "me": -0.21, "might": -0.33, "more": 0.06,
    "most": -0.50, "must": -0.21, "my": -0.59, "myself": -0.06, "no": -0.05, "nor": -0.02, "not": 0.46,
    "now": -0.81, "of": 1.26, "off": -0.39, "on": 0.87, "one": -0.36, "or": 0.33, "other": 0.27,
    "our": -0.45, "out": -0.35, "over": -0.02, "own": -0.31, "re": -0.65, "s": 0.89, "said": 0.48,
    "same": -0.26, "say": 0.04, "she": 0.36, "should": -0.26, "so": -1.02, "some": 0.36, "such": -0.09,
    "t": -0.90, "than": -0.12, "that": 1.19, "the": 2.24, "their": 0.14, "them": -0.81, "then": -0.40,
    "there": -0.20, "these": -0.46, "they": -0.23, "this": 0.24, "those": -0.33, "through": -0.32,
    "to": 1.23, "told": -0.26, "too": -0.19, "two": 0.20, "under": -0.21, "until": 0.19, "up": -0.60,
    "ve": -0.42, "was": 0.78, "we": -0.72, "were": 0.33, "what": -0.83, "when": -0.50, "where": -0.37,
    "which": 0.32, "while": -0.19, "who": 0.14, "whom": -0.26, "will": 0.83, "with": 0.46, "would": 0.53,
    "you": -0.44, "your": -0.37, "yourself": -0.03,
}
# fmt: on


@dataclass(frozen=True)
class TokenModel:
    """Logistic model of a word's use in a neutral summary (see :data:`TOKEN_FEATURES`)."""

    weights: np.ndarray = field(default_factory=lambda: TOKEN_WEIGHTS)
    bias: float = TOKEN_BIAS
    stop_bias: dict[str, float] = field(default_factory=lambda: STOP_BIAS)


def stems(norm: str) -> list[str]:
    """The words ROUGE-style matching sees: ``[a-z0-9]+`` runs of the normalised text, stemmed."""
    return [stem(t) for t in _WORD.findall(norm)]


def word_table(
    sentences: Sequence[Sentence], sentence_stems: Sequence[list[str]], titles: Sequence[str] = ()
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The story's distinct stems, their counts and their story-level features (first 12 of
    :data:`TOKEN_FEATURES`)."""
    articles = list(dict.fromkeys(s.article for s in sentences))
    n_art, n_sent = max(len(articles), 1), max(len(sentences), 1)
    title_bags = [set(stems(normalize(t))) for t in titles if t]
    names: set[str] = set()
    quoted: Counter[str] = Counter()
    count: Counter[str] = Counter()
    arts: dict[str, set[str]] = {}
    in_sents: Counter[str] = Counter()
    leads: Counter[str] = Counter()
    first: dict[str, float] = {}
    for s, toks in zip(sentences, sentence_stems, strict=True):
        for w in _CAPITALISED.findall(s.text):
            names.update(stems(w.lower()))
        for q in _QUOTED.findall(s.norm):
            quoted.update(stems(q))
        count.update(toks)
        for w in set(toks):
            arts.setdefault(w, set()).add(s.article)
            in_sents[w] += 1
            first[w] = min(first.get(w, 1.0), s.position)
            if s.index == 0:
                leads[w] += 1
    words = list(count)
    rows = np.zeros((len(words), 12))
    for r, w in enumerate(words):
        stop = w in _STOP_INDEX
        in_titles = sum(w in t for t in title_bags)
        rows[r] = (
            len(arts[w]) / n_art,
            len(articles) > 1 and len(arts[w]) == len(articles),
            np.log1p(count[w]),
            in_sents[w] / n_sent,
            stop,
            in_titles / max(len(title_bags), 1),
            leads[w] / n_art,
            first[w],
            w[0].isdigit(),
            w in names and not stop,
            in_titles > 0,
            min(quoted[w] / count[w], 1.0),
        )
    counts = np.array([count[w] for w in words], dtype=float)
    return words, counts, rows


def repeat_rows(rows: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One design row per (word, j) with j = 1..min(count, MAX_COUNT): ``(X, word index, j)``."""
    reps = np.minimum(counts, MAX_COUNT).astype(int)
    idx = np.repeat(np.arange(len(rows)), reps)
    j = np.concatenate([np.arange(1, r + 1) for r in reps]) if len(reps) else np.zeros(0, int)
    base = rows[idx]
    stop = base[:, 4]
    extra = np.column_stack(
        [np.log1p(counts[idx] / j), j == 2, j >= 3, stop * (j >= 2), stop * base[:, 0]]
    ).astype(float)
    return np.hstack([base, extra]).reshape(len(idx), len(TOKEN_FEATURES)), idx, j


def inclusion_probs(
    sentences: Sequence[Sentence],
    sentence_stems: Sequence[list[str]],
    titles: Sequence[str] = (),
    model: TokenModel | None = None,
) -> dict[str, np.ndarray]:
    """``{stem: P(a neutral summary uses it >= j times) for j = 1..}`` (non-increasing in j)."""
    model = model or TokenModel()
    words, counts, rows = word_table(sentences, sentence_stems, titles)
    if not words:
        return {}
    x, idx, j = repeat_rows(rows, counts)
    z = x @ model.weights + model.bias
    z += np.array([model.stop_bias.get(words[i], 0.0) for i in idx])
    p = 1.0 / (1.0 + np.exp(-z))
    out: dict[str, np.ndarray] = {}
    start = 0
    for i, w in enumerate(words):
        n = int(min(counts[i], MAX_COUNT))
        out[w] = np.minimum.accumulate(p[start : start + n])
        start += n
    return out


def expected_matches(bag: Counter[str], probs: dict[str, np.ndarray]) -> float:
    """Expected clipped unigram matches of a bag of stems with the (unseen) neutral summary."""
    return float(sum(probs[w][:c].sum() for w, c in bag.items() if w in probs))


@dataclass
class _Candidate:
    claim: int
    sentence: int
    words: int
    stems: list[str]
    key: tuple[float, str]  # story order: the claim's mean relative position, then its id


def _value(chosen: list[_Candidate], budget: int, probs: dict[str, np.ndarray]) -> float:
    """Expected unigram F1 of ``chosen`` in story order, cut at ``budget`` words (reference ~ budget)."""
    bag: Counter[str] = Counter()
    left, used = budget, 0
    for c in sorted(chosen, key=lambda c: c.key):
        if left <= 0:
            break
        toks = c.stems if c.words <= left else c.stems[: round(len(c.stems) * left / c.words)]
        bag.update(toks)
        used += min(c.words, left)
        left -= min(c.words, left)
    return 2 * expected_matches(bag, probs) / (used + budget) if used else 0.0


def summarize(
    claims: list[Claim],
    alignment: Alignment,
    total_independent: int,
    words: int = DEFAULT_WORDS,
    loaded: Callable[[str], float] | None = None,
    titles: Sequence[str] = (),
    model: TokenModel | None = None,
) -> list[SummarySentence]:
    """Pick claim mentions for a summary of about ``words`` words; each sentence cites its claim's sources.

    ``total_independent`` and ``loaded`` are accepted for the pipeline's call but not used: support and
    neutrality enter through the word model (words many outlets use, stop-word style).
    """
    if not claims or words <= 0:
        return []
    sents = alignment.sentences
    sentence_stems = [stems(s.norm) for s in sents]
    probs = inclusion_probs(sents, sentence_stems, titles, model)
    cands = []
    for ci, c in enumerate(claims):
        for m in c.mentions:
            n = len(sents[m.sentence].text.split())
            if not MIN_WORDS <= n <= MAX_WORDS and len(claims) > 3:
                continue
            cands.append(_Candidate(ci, m.sentence, n, sentence_stems[m.sentence], (c.position, c.id)))
    if len(cands) > POOL:
        density = [expected_matches(Counter(c.stems), probs) / max(c.words, 1) for c in cands]
        cands = [cands[k] for k in np.argsort(density, kind="stable")[::-1][:POOL]]
    chosen: list[_Candidate] = []
    used: set[int] = set()
    total = 0
    while total < words:
        best, pick = -1.0, None
        for c in cands:
            if c.claim in used or (chosen and total + c.words > words * OVERSHOOT):
                continue
            v = _value([*chosen, c], words, probs)
            if v > best:
                best, pick = v, c
        if pick is None:
            break
        chosen.append(pick)
        used.add(pick.claim)
        total += pick.words
    chosen.sort(key=lambda c: c.key)
    return [
        SummarySentence(
            text=sents[c.sentence].text, sources=list(claims[c.claim].sources), claim=claims[c.claim].id
        )
        for c in chosen
    ]
