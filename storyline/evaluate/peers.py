"""Peer systems run beside storyline in ``storyline eval``.

* summary: sumy LexRank and TextRank (with an offline tokenizer), a TF-IDF centroid, the first article;
  each returns *all* sentences ranked best first, and :func:`cut` applies the same length rule to
  every system;
* clustering: TF-IDF + average-link agglomerative clustering (cosine), cut at a distance threshold;
* similarity: TF-IDF cosine of a sentence pair, with a threshold fit for accuracy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
Ranker = Callable[[list[dict[str, Any]]], list[str]]


# --- sentences and the length rule -------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """Sentences of one article (nupunkt, which ships its model)."""
    from nupunkt import sent_tokenize

    return [s.strip() for line in text.split("\n") if line.strip() for s in sent_tokenize(line) if s.strip()]


def article_sentences(articles: Sequence[dict[str, Any]]) -> list[list[str]]:
    """Sentences of each article's ``text`` (titles are not candidates)."""
    return [sentences(a.get("text") or "") for a in articles]


def cut(summary: Sequence[str], words: int) -> list[str]:
    """The length rule applied to every system: sentences in the system's order, exact repeats
    (case and spacing aside) dropped, words taken until the budget; the sentence that crosses the
    budget is truncated at it."""
    out: list[str] = []
    seen: set[str] = set()
    left = words
    for s in summary:
        toks = s.split()
        key = " ".join(toks).lower()
        if not toks or key in seen:
            continue
        seen.add(key)
        if left <= 0:
            break
        out.append(" ".join(toks[:left]))
        left -= min(left, len(toks))
    return out


# --- summary peers -----------------------------------------------------------------------------


class OfflineTokenizer:
    """sumy tokenizer that needs no NLTK data: nupunkt sentences, regex words."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(WORD.findall(sentence))


def _ranked(cls: type) -> type:
    """A subclass of a sumy summarizer that returns every sentence, best rated first."""

    def best(sentences, count, rating, *args, **kwargs):  # noqa: ANN001 - sumy's signature
        rate = rating.__getitem__ if isinstance(rating, dict) else (lambda s: rating(s, *args, **kwargs))
        scores = np.nan_to_num(np.array([rate(s) for s in sentences], dtype=float))
        order = np.argsort(-scores, kind="stable")  # ties keep document order
        return tuple(sentences[o] for o in order)

    return type(f"Ranked{cls.__name__}", (cls,), {"_get_best_sentences": staticmethod(best)})


@lru_cache(maxsize=4)
def _sumy(kind: str) -> Any:
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    cls = {"lexrank": LexRankSummarizer, "textrank": TextRankSummarizer}[kind]
    summarizer = _ranked(cls)(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    return summarizer


def _sumy_rank(kind: str, articles: list[dict[str, Any]]) -> list[str]:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

    tok = OfflineTokenizer()
    paras = [Paragraph([Sentence(s, tok) for s in sents]) for sents in article_sentences(articles) if sents]
    doc = ObjectDocumentModel(paras)
    if not doc.sentences:
        return []
    with np.errstate(invalid="ignore", divide="ignore"):  # LexRank divides by 0 on unrelated sentences
        ranked = _sumy(kind)(doc, len(doc.sentences))
    return [str(s) for s in ranked]


def lexrank(articles: list[dict[str, Any]]) -> list[str]:
    """sumy LexRank over all the articles' sentences, best first."""
    return _sumy_rank("lexrank", articles)


def textrank(articles: list[dict[str, Any]]) -> list[str]:
    """sumy TextRank over all the articles' sentences, best first."""
    return _sumy_rank("textrank", articles)


def centroid(articles: list[dict[str, Any]]) -> list[str]:
    """TF-IDF centroid: sentences by cosine to the mean TF-IDF vector of the story's sentences."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    sents = [s for ss in article_sentences(articles) for s in ss]
    if not sents:
        return []
    try:
        x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(sents)
    except ValueError:  # nothing but stop words
        return sents
    c = np.asarray(x.mean(axis=0)).ravel()
    scores = x @ c / (np.linalg.norm(c) or 1.0)
    order = np.argsort(-scores, kind="stable")
    return [sents[i] for i in order]


def first_article(articles: list[dict[str, Any]]) -> list[str]:
    """The first article's sentences in order (its lead)."""
    for sents in article_sentences(articles):
        if sents:
            return sents
    return []


def leads(articles: list[dict[str, Any]]) -> list[str]:
    """Every article's sentences, article after article: the first article, filled up from the next."""
    return [s for sents in article_sentences(articles) for s in sents]


def oracle(articles: list[dict[str, Any]], reference: str, words: int) -> list[str]:
    """Greedy best-sentence oracle (reads the reference, so a ceiling, not a peer): add the sentence
    that most raises ROUGE-1 + ROUGE-2 F1 of the cut summary, until nothing helps or the budget is full."""
    from collections import Counter

    from .metrics import rouge_tokens

    def grams(toks: Sequence[str], n: int) -> Counter:
        return Counter(zip(*(toks[i:] for i in range(n)), strict=False))

    def f1(pred: Counter, ref: Counter) -> float:
        hit = sum((pred & ref).values())
        return 2 * hit / (sum(pred.values()) + sum(ref.values())) if hit else 0.0

    ref_toks = rouge_tokens(reference)
    refs = [grams(ref_toks, n) for n in (1, 2)]
    pool = [s for ss in article_sentences(articles) for s in ss]
    chosen: list[str] = []
    best = 0.0
    while pool:
        scored = []
        for s in pool:
            toks = rouge_tokens(" ".join(cut([*chosen, s], words)))
            scored.append(sum(f1(grams(toks, n), r) for n, r in zip((1, 2), refs, strict=True)))
        k = int(np.argmax(scored))
        if scored[k] <= best:
            break
        best = scored[k]
        chosen.append(pool.pop(k))
        if sum(len(s.split()) for s in chosen) >= words:
            break
    return chosen


SUMMARY_PEERS: dict[str, Ranker] = {
    "lexrank": lexrank,
    "textrank": textrank,
    "tfidf-centroid": centroid,
    "first-article": first_article,
    "leads-in-order": leads,
}


# --- clustering peer ---------------------------------------------------------------------------


def article_text(article: dict[str, Any]) -> str:
    """Title and text, the title left out when the text already starts with it."""
    title, text = (article.get("title") or "").strip(), (article.get("text") or "").strip()
    return text if not title or text.startswith(title) else f"{title}\n{text}"


def tfidf_linkage(articles: Sequence[dict[str, Any]]) -> np.ndarray:
    """Average-link hierarchy (scipy linkage matrix) over cosine distances of TF-IDF vectors."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(articles) < 2:
        return np.zeros((0, 4))
    x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(
        [article_text(a) for a in articles]
    )
    sim = (x @ x.T).toarray()
    d = np.clip(1.0 - sim, 0.0, 2.0)
    np.fill_diagonal(d, 0.0)
    return linkage(squareform(d, checks=False), method="average")


def cut_tree(z: np.ndarray, ids: Sequence[str], threshold: float) -> dict[str, str]:
    """Flat clusters of the hierarchy: merges at cosine distance <= ``threshold``."""
    from scipy.cluster.hierarchy import fcluster

    if len(ids) < 2:
        return {i: "0" for i in ids}
    labels = fcluster(z, t=threshold, criterion="distance")
    return {i: str(k) for i, k in zip(ids, labels, strict=True)}


def tune_threshold(
    z: np.ndarray, ids: Sequence[str], gold: dict[str, str], grid: Sequence[float] | None = None
) -> tuple[float, float]:
    """The distance threshold with the best BCubed F1 against ``gold``: ``(threshold, f1)``."""
    from .metrics import bcubed

    grid = np.round(np.arange(0.02, 1.0, 0.02), 3) if grid is None else grid
    best = (float(grid[0]), -1.0)
    for t in grid:
        f1 = bcubed(gold, cut_tree(z, ids, float(t)))[2]
        if f1 > best[1]:
            best = (float(t), f1)
    return best


# --- similarity peer ---------------------------------------------------------------------------


def tfidf_cosine(a: Sequence[str], b: Sequence[str]) -> np.ndarray:
    """Cosine of TF-IDF vectors of each pair ``(a[i], b[i])``; IDF from all the given sentences."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(sublinear_tf=True).fit(list(a) + list(b))
    xa, xb = vec.transform(a), vec.transform(b)  # rows are L2-normalised
    return np.asarray(xa.multiply(xb).sum(axis=1)).ravel()


def best_threshold(scores: np.ndarray, labels: Sequence[int]) -> tuple[float, float]:
    """The threshold ``t`` (predict 1 when score >= t) with the best accuracy: ``(t, accuracy)``."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=int)
    order = np.argsort(s, kind="stable")
    s, y = s[order], y[order]
    # Candidate cut k: items [0, k) predicted 0, [k, n) predicted 1; only cuts between distinct scores.
    neg_below = np.concatenate([[0], np.cumsum(y == 0)])
    pos_above = (y == 1).sum() - np.concatenate([[0], np.cumsum(y == 1)])
    ok = np.concatenate([[True], s[1:] > s[:-1], [True]])
    acc = np.where(ok, neg_below + pos_above, -1)
    k = int(np.argmax(acc))
    if k == 0:
        t = float(s[0])
    elif k == len(s):
        t = float(np.nextafter(s[-1], np.inf))
    else:
        t = float((s[k - 1] + s[k]) / 2)
    return t, float(acc[k]) / len(s)
