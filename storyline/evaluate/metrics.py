"""Quality metrics: clustering (BCubed, pairwise, ARI), summaries (ROUGE), pair classification.

Clusterings are given as ``{item id: cluster label}``; both mappings must cover the same items.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from types import SimpleNamespace

import numpy as np
from scipy import sparse

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")


def _contingency(gold: dict[str, str], pred: dict[str, str]) -> sparse.csr_matrix:
    """Sparse (pred cluster x gold cluster) counts over the shared items."""
    if set(gold) != set(pred):
        missing, extra = len(set(gold) - set(pred)), len(set(pred) - set(gold))
        raise ValueError(f"gold and pred cover different items ({missing} missing, {extra} extra)")
    if not gold:
        raise ValueError("no items to compare")
    items = list(gold)
    _, g = np.unique([str(gold[i]) for i in items], return_inverse=True)
    _, p = np.unique([str(pred[i]) for i in items], return_inverse=True)
    m = sparse.coo_matrix((np.ones(len(items)), (p, g)), shape=(p.max() + 1, g.max() + 1))
    return m.tocsr()


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def bcubed(gold: dict[str, str], pred: dict[str, str]) -> tuple[float, float, float]:
    """BCubed precision, recall (averaged over items) and their F1 (Amigó et al., 2009)."""
    m = _contingency(gold, pred)
    n = float(m.sum())
    sq = m.multiply(m)  # n_ij^2: each of the n_ij items in cell ij contributes n_ij / |cluster|
    pred_sizes = np.asarray(m.sum(axis=1)).ravel()
    gold_sizes = np.asarray(m.sum(axis=0)).ravel()
    p = float(np.asarray(sq.sum(axis=1)).ravel() @ (1.0 / pred_sizes)) / n
    r = float(np.asarray(sq.sum(axis=0)).ravel() @ (1.0 / gold_sizes)) / n
    return p, r, _f1(p, r)


def pairwise_prf(gold: dict[str, str], pred: dict[str, str]) -> tuple[float, float, float]:
    """Precision, recall and F1 over item pairs put in the same cluster (0/0 counts as 0)."""
    m = _contingency(gold, pred)

    def pairs(x: np.ndarray) -> float:
        return float((x * (x - 1) / 2).sum())

    tp = pairs(m.data)
    pred_pairs = pairs(np.asarray(m.sum(axis=1)).ravel())
    gold_pairs = pairs(np.asarray(m.sum(axis=0)).ravel())
    p = tp / pred_pairs if pred_pairs else 0.0
    r = tp / gold_pairs if gold_pairs else 0.0
    return p, r, _f1(p, r)


def ari(gold: dict[str, str], pred: dict[str, str]) -> float:
    """Adjusted Rand index (scikit-learn)."""
    from sklearn.metrics import adjusted_rand_score

    _contingency(gold, pred)  # same checks as the other metrics
    items = list(gold)
    return float(adjusted_rand_score([str(gold[i]) for i in items], [str(pred[i]) for i in items]))


def clusters_to_labels(clusters: list[list[str]], ids: list[str]) -> tuple[dict[str, str], int, int]:
    """Turn lists of ids into ``{id: label}`` over ``ids``.

    Returns ``(labels, missing, duplicated)``: ids absent from ``clusters`` become singletons, an id
    listed twice keeps its first cluster, ids not in ``ids`` are ignored.
    """
    wanted = set(ids)
    labels: dict[str, str] = {}
    dup = 0
    for k, group in enumerate(clusters):
        for i in group:
            i = str(i)
            if i not in wanted:
                continue
            if i in labels:
                dup += 1
                continue
            labels[i] = f"c{k}"
    missing = [i for i in ids if i not in labels]
    for i in missing:
        labels[i] = f"single:{i}"
    return labels, len(missing), dup


class _CachedTokenizer:
    """rouge-score's default tokenizer (Porter stemmer, no NLTK data) with stems and texts memoised.

    Gives the same tokens as ``DefaultTokenizer(use_stemmer=True)``; references are scored once per
    system, so caching makes the harness several times faster."""

    def __init__(self) -> None:
        from nltk.stem import porter
        from rouge_score import tokenize

        self._stemmer = SimpleNamespace(stem=lru_cache(maxsize=None)(porter.PorterStemmer().stem))
        self._tokenize = lru_cache(maxsize=1 << 16)(
            lambda text: tuple(tokenize.tokenize(text, self._stemmer))
        )

    def tokenize(self, text: str) -> tuple[str, ...]:
        return self._tokenize(text)


@lru_cache(maxsize=1)
def _scorer():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=_CachedTokenizer(), split_summaries=False)


def rouge_tokens(text: str) -> tuple[str, ...]:
    """The tokens ROUGE compares (rouge-score's tokenizer, stemmed)."""
    return _scorer()._tokenizer.tokenize(text)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``: each line split by nupunkt (which ships its model; no NLTK data)."""
    from nupunkt import sent_tokenize

    return [s.strip() for line in text.split("\n") if line.strip() for s in sent_tokenize(line) if s.strip()]


def rouge(summary: str, reference: str) -> dict[str, float]:
    """ROUGE-1/2/L/Lsum F1 (rouge-score, stemming on); sentences are put on lines for ROUGE-Lsum."""
    pred = "\n".join(split_sentences(summary))
    ref = "\n".join(split_sentences(reference))
    scores = _scorer().score(ref, pred)
    return {k: float(scores[k].fmeasure) for k in ROUGE_TYPES}


def accuracy_f1(gold: list[int], pred: list[int]) -> tuple[float, float]:
    """Accuracy and F1 of the positive class (label 1)."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    if not gold:
        raise ValueError("no labels to compare")
    g = np.asarray(gold, dtype=int)
    p = np.asarray(pred, dtype=int)
    tp = int(((g == 1) & (p == 1)).sum())
    prec = tp / int((p == 1).sum()) if (p == 1).any() else 0.0
    rec = tp / int((g == 1).sum()) if (g == 1).any() else 0.0
    return float((g == p).mean()), _f1(prec, rec)


def word_count(text: str) -> int:
    """Words as the length budget counts them (whitespace-separated tokens)."""
    return len(re.findall(r"\S+", text))


def paired_bootstrap(
    a: Sequence[float], b: Sequence[float], resamples: int = 2000, seed: int = 0
) -> tuple[float, float, float]:
    """Mean of ``a - b`` over paired items and its 95% percentile bootstrap interval ``(mean, lo, hi)``."""
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if d.size == 0:
        raise ValueError("no paired items")
    idx = np.random.default_rng(seed).integers(0, d.size, size=(resamples, d.size))
    means = d[idx].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(d.mean()), float(lo), float(hi)
