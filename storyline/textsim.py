"""Sentence similarity: lexical, number-aware, vectorised over many pairs at once.

Each pair gets seven features (weighted Dice, containment, max-normalised overlap, stem-bigram Dice,
a number-mismatch flag, RapidFuzz token-set ratio, length ratio); a logistic model fitted on MSRP
train (``tools/fit_similarity.py``) turns them into a probability that the two sentences state the
same thing. ``similarity`` is that probability; ``same_claim`` thresholds it.

Within a story, words are weighted by their inverse document frequency over the story's sentences,
so the story's topic words ("North Korea") count less than the words that tell claims apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz

from .clean import normalize
from .segment import content_stems

FEATURES = (
    "dice",
    "containment",
    "max_overlap",
    "bigram_dice",
    "number_mismatch",
    "token_set",
    "length_ratio",
)
# Fitted by tools/fit_similarity.py on ../shared/data/dev/msrp_train.tsv (uniform word weights).
COEF = np.array([2.5059, 0.5602, 3.7680, -2.8737, -0.6115, 4.3761, 0.8184])
INTERCEPT = -6.3283
SAME_CLAIM_THRESHOLD = 0.5


@dataclass
class SentenceBank:
    """Sparse bags of stems for a list of sentences, ready for pairwise scoring."""

    norms: list[str]
    unigrams: sp.csr_matrix  # binary presence, n x V
    weighted: sp.csr_matrix  # presence x idf
    bigrams: sp.csr_matrix  # binary presence of stem bigrams
    numbers: sp.csr_matrix  # binary presence of number tokens
    weight_sum: np.ndarray
    length: np.ndarray  # number of content stems
    text_ids: np.ndarray | None = None  # same id for identical texts (filled on first use)

    def __len__(self) -> int:
        return len(self.norms)


def _presence(rows: list[list[str]]) -> tuple[sp.csr_matrix, dict[str, int]]:
    vocab: dict[str, int] = {}
    indptr = [0]
    indices: list[int] = []
    for row in rows:
        cols = {vocab.setdefault(t, len(vocab)) for t in row}
        indices.extend(sorted(cols))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    mat = sp.csr_matrix((data, indices, indptr), shape=(len(rows), max(len(vocab), 1)))
    return mat, vocab


def build_bank(norms: Sequence[str], idf: bool = False) -> SentenceBank:
    """Vectorise normalised sentences; ``idf=True`` weights stems by their rarity among them."""
    stems = [content_stems(s) for s in norms]
    uni, _ = _presence(stems)
    bi, _ = _presence([[f"{a} {b}" for a, b in zip(s, s[1:], strict=False)] for s in stems])
    num, _ = _presence([[t for t in s if t[0].isdigit()] for s in stems])
    if idf and len(norms) > 2:
        df = np.asarray(uni.sum(axis=0)).ravel()
        weights = np.log((len(norms) + 1) / (df + 1)) + 1.0
        weighted = sp.csr_matrix(uni.multiply(weights[None, :]))
    else:
        weighted = uni.copy()
    return SentenceBank(
        norms=list(norms),
        unigrams=uni,
        weighted=weighted,
        bigrams=bi,
        numbers=num,
        weight_sum=np.asarray(weighted.sum(axis=1)).ravel(),
        length=np.asarray(uni.sum(axis=1)).ravel(),
    )


def _rowdot(a: sp.csr_matrix, b: sp.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Dot products of rows ``a[i[k]]`` and ``b[j[k]]``: one sparse product, then a gather."""
    if len(i) == 0:
        return np.zeros(0)
    rows = np.unique(np.concatenate([i, j]))
    if len(rows) < a.shape[0] // 2:  # few sentences involved: multiply only their rows
        pos = np.full(a.shape[0], -1, dtype=np.int64)
        pos[rows] = np.arange(len(rows))
        a, b, i, j = a[rows], b[rows], pos[i], pos[j]
    prod = (a @ b.T).tocsr()
    return np.asarray(prod[i, j]).ravel()


def _token_set(bank: SentenceBank, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """RapidFuzz token-set ratio per pair, computed once per distinct pair of texts (copies repeat)."""
    if bank.text_ids is None:
        bank.text_ids = np.unique(np.array(bank.norms, dtype=object), return_inverse=True)[1].astype(np.int64)
    ti, tj = bank.text_ids[i], bank.text_ids[j]
    lo, hi = np.minimum(ti, tj), np.maximum(ti, tj)
    codes, first, inverse = np.unique(
        lo * (int(hi.max(initial=0)) + 1) + hi, return_index=True, return_inverse=True
    )
    del codes
    norms = bank.norms
    ratios = np.fromiter(
        (fuzz.token_set_ratio(norms[i[k]], norms[j[k]]) / 100.0 for k in first),
        dtype=np.float64,
        count=len(first),
    )
    return ratios[inverse]


def pair_features(bank: SentenceBank, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Feature matrix (len(i) x 7) for the sentence pairs ``(i[k], j[k])`` of ``bank``."""
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    eps = 1e-9
    overlap = _rowdot(bank.weighted, bank.unigrams, i, j)
    wi, wj = bank.weight_sum[i], bank.weight_sum[j]
    dice = 2 * overlap / (wi + wj + eps)
    containment = overlap / (np.minimum(wi, wj) + eps)
    max_overlap = overlap / (np.maximum(wi, wj) + eps)
    b_ov = _rowdot(bank.bigrams, bank.bigrams, i, j)
    b_n = np.asarray(bank.bigrams.sum(axis=1)).ravel()
    bigram_dice = 2 * b_ov / (b_n[i] + b_n[j] + eps)
    n_ov = _rowdot(bank.numbers, bank.numbers, i, j)
    n_n = np.asarray(bank.numbers.sum(axis=1)).ravel()
    ni, nj = n_n[i], n_n[j]
    mismatch = ((ni > 0) & (nj > 0) & ~((n_ov == ni) & (n_ov == nj))).astype(np.float64)
    token_set = _token_set(bank, i, j)
    li, lj = bank.length[i], bank.length[j]
    length_ratio = np.minimum(li, lj) / (np.maximum(li, lj) + eps)
    return np.column_stack([dice, containment, max_overlap, bigram_dice, mismatch, token_set, length_ratio])


def score_features(features: np.ndarray) -> np.ndarray:
    """Probability of 'same claim' for each feature row."""
    if len(features) == 0:
        return np.zeros(0)
    return 1.0 / (1.0 + np.exp(-(features @ COEF + INTERCEPT)))


def pair_scores(bank: SentenceBank, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Similarity in [0, 1] for the pairs ``(i[k], j[k])`` of ``bank``."""
    if len(i) == 0:
        return np.zeros(0)
    return score_features(pair_features(bank, i, j))


def similarity(a: str, b: str) -> float:
    """Similarity of two sentences in [0, 1] (probability they state the same thing)."""
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    bank = build_bank([na, nb])
    return float(pair_scores(bank, np.array([0]), np.array([1]))[0])


def same_claim(a: str, b: str) -> bool:
    """Whether two sentences state the same claim (``similarity >= SAME_CLAIM_THRESHOLD``)."""
    return similarity(a, b) >= SAME_CLAIM_THRESHOLD


def similarities(pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """Vectorised :func:`similarity` over many pairs."""
    norms: list[str] = []
    for a, b in pairs:
        norms.extend((normalize(a), normalize(b)))
    bank = build_bank(norms)
    idx = np.arange(0, len(norms), 2)
    scores = pair_scores(bank, idx, idx + 1)
    same = np.array([norms[k] == norms[k + 1] and norms[k] != "" for k in idx], dtype=bool)
    scores[same] = 1.0
    return scores
