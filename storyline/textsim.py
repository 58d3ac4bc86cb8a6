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

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz

from .clean import normalize
from .segment import content_stem_tuple

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


BITSET_CELLS = 50_000_000  # sentences x columns at most: pair overlaps from Python-int bitsets, not scipy


class SentenceBank:
    """Bags of stems for a list of sentences, ready for pairwise scoring.

    Each bag is kept as its sorted column ids (and, lazily, as a Python-int bitset); the scipy matrices
    ``unigrams``, ``weighted``, ``bigrams`` and ``numbers`` are built on first use, so a small story never
    pays for sparse-matrix construction.
    """

    def __init__(
        self,
        norms: list[str],
        rows: dict[str, tuple[list[list[int]], int]],
        idf_weights: np.ndarray | None = None,
    ) -> None:
        self.norms = norms
        self.rows = rows  # kind -> (sorted column ids per sentence, number of columns)
        self.idf_weights = idf_weights  # None: ``weighted`` is the binary ``unigrams``
        self._text_ids: list[int] | None = None
        self._csr: dict[str, sp.csr_matrix] = {}
        self._bits: dict[str, list[int]] = {}
        self._sets: dict[str, list[set[int]]] = {}
        self.length = np.array([len(r) for r in rows["unigrams"][0]], dtype=np.float64)
        if idf_weights is None:
            self.weight_sum = self.length.copy()
        else:
            self.weight_sum = np.asarray(self.weighted.sum(axis=1)).ravel()

    def __len__(self) -> int:
        return len(self.norms)

    def csr(self, kind: str) -> sp.csr_matrix:
        """Binary presence matrix (sentences x columns) of ``unigrams``, ``bigrams`` or ``numbers``."""
        mat = self._csr.get(kind)
        if mat is None:
            rows, width = self.rows[kind]
            indptr = np.zeros(len(rows) + 1, dtype=np.int32)
            np.cumsum([len(r) for r in rows], out=indptr[1:])
            indices = np.fromiter((c for r in rows for c in r), dtype=np.int32, count=int(indptr[-1]))
            data = np.ones(len(indices), dtype=np.float64)
            mat = self._csr[kind] = sp.csr_matrix((data, indices, indptr), shape=(len(rows), max(width, 1)))
        return mat

    def bits(self, kind: str) -> list[int]:
        """Each sentence's columns of ``kind`` as one Python int (bit ``c`` set for column ``c``)."""
        out = self._bits.get(kind)
        if out is None:
            out = self._bits[kind] = [sum(1 << c for c in r) for r in self.rows[kind][0]]
        return out

    def sets(self, kind: str) -> list[set[int]]:
        """Each sentence's columns of ``kind`` as a set."""
        out = self._sets.get(kind)
        if out is None:
            out = self._sets[kind] = [set(r) for r in self.rows[kind][0]]
        return out

    def text_ids(self) -> list[int]:
        """The same id for identical texts (numbered in order of first appearance)."""
        if self._text_ids is None:
            first_of: dict[str, int] = {}
            self._text_ids = [first_of.setdefault(t, len(first_of)) for t in self.norms]
        return self._text_ids

    def sizes(self, kind: str) -> np.ndarray:
        """Number of columns of ``kind`` each sentence has."""
        return np.array([len(r) for r in self.rows[kind][0]], dtype=np.float64)

    @property
    def unigrams(self) -> sp.csr_matrix:  # binary presence, n x V
        return self.csr("unigrams")

    @property
    def bigrams(self) -> sp.csr_matrix:  # binary presence of stem bigrams
        return self.csr("bigrams")

    @property
    def numbers(self) -> sp.csr_matrix:  # binary presence of number tokens
        return self.csr("numbers")

    @property
    def weighted(self) -> sp.csr_matrix:  # presence x idf
        mat = self._csr.get("weighted")
        if mat is None:
            uni = self.unigrams
            if self.idf_weights is None:
                mat = uni.copy()
            else:
                mat = sp.csr_matrix(uni.multiply(self.idf_weights[None, :]))
            self._csr["weighted"] = mat
        return mat


def _presence(rows: list[tuple[str, ...]] | list[list[str]]) -> tuple[list[list[int]], int]:
    """Sorted column ids of each row's distinct items (columns numbered in order of first use)."""
    vocab: dict[str, int] = {}
    setdefault = vocab.setdefault
    out = []
    for row in rows:
        out.append(sorted({setdefault(t, len(vocab)) for t in row}))
    return out, len(vocab)


def build_bank(norms: Sequence[str], idf: bool = False) -> SentenceBank:
    """Vectorise normalised sentences; ``idf=True`` weights stems by their rarity among them."""
    stems = [content_stem_tuple(s) for s in norms]
    rows = {
        "unigrams": _presence(stems),
        "bigrams": _presence([[f"{a} {b}" for a, b in zip(s, s[1:], strict=False)] for s in stems]),
        "numbers": _presence([[t for t in s if t[0].isdigit()] for s in stems]),
    }
    weights = None
    if idf and len(norms) > 2:
        rows_u, width = rows["unigrams"]
        df = np.bincount(np.fromiter((c for r in rows_u for c in r), dtype=np.int64), minlength=max(width, 1))
        weights = np.log((len(norms) + 1) / (df + 1)) + 1.0
    return SentenceBank(norms=list(norms), rows=rows, idf_weights=weights)


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


def _shared(bank: SentenceBank, kind: str, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Number of ``kind`` columns sentences ``i[k]`` and ``j[k]`` share (exact small integers as floats)."""
    rows, width = bank.rows[kind]
    if len(rows) * width <= BITSET_CELLS:
        bits = bank.bits(kind)
        return np.fromiter(
            ((bits[x] & bits[y]).bit_count() for x, y in zip(i.tolist(), j.tolist(), strict=True)),
            dtype=np.float64,
            count=len(i),
        )
    mat = bank.csr(kind)
    return _rowdot(mat, mat, i, j)


def _token_set(bank: SentenceBank, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """RapidFuzz token-set ratio per pair, computed once per distinct pair of texts (copies repeat)."""
    text_ids = np.array(bank.text_ids(), dtype=np.int64)
    ti, tj = text_ids[i], text_ids[j]
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


SMALL_PAIRS = 1000  # pairs at most: features in plain Python (numpy's per-call overhead dominates)


def pair_features(bank: SentenceBank, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Feature matrix (len(i) x 7) for the sentence pairs ``(i[k], j[k])`` of ``bank``."""
    if len(i) <= SMALL_PAIRS and bank.idf_weights is None:
        rows = feature_rows(bank, np.asarray(i).tolist(), np.asarray(j).tolist())
        return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    eps = 1e-9
    if bank.idf_weights is None:
        overlap = _shared(bank, "unigrams", i, j)
    else:
        overlap = _rowdot(bank.weighted, bank.unigrams, i, j)
    wi, wj = bank.weight_sum[i], bank.weight_sum[j]
    dice = 2 * overlap / (wi + wj + eps)
    containment = overlap / (np.minimum(wi, wj) + eps)
    max_overlap = overlap / (np.maximum(wi, wj) + eps)
    b_ov = _shared(bank, "bigrams", i, j)
    b_n = bank.sizes("bigrams")
    bigram_dice = 2 * b_ov / (b_n[i] + b_n[j] + eps)
    n_ov = _shared(bank, "numbers", i, j)
    n_n = bank.sizes("numbers")
    ni, nj = n_n[i], n_n[j]
    mismatch = ((ni > 0) & (nj > 0) & ~((n_ov == ni) & (n_ov == nj))).astype(np.float64)
    token_set = _token_set(bank, i, j)
    li, lj = bank.length[i], bank.length[j]
    length_ratio = np.minimum(li, lj) / (np.maximum(li, lj) + eps)
    return np.column_stack([dice, containment, max_overlap, bigram_dice, mismatch, token_set, length_ratio])


def feature_rows(bank: SentenceBank, i: list[int], j: list[int]) -> list[tuple[float, ...]]:
    """:func:`pair_features` of a binary-weighted bank, one tuple per pair, in plain Python.

    Every feature is the same IEEE arithmetic on the same numbers as the vectorised version, so the values
    are identical (min/max of two floats, integer overlaps, one division or two).
    """
    eps = 1e-9
    uni, big, num = bank.sets("unigrams"), bank.sets("bigrams"), bank.sets("numbers")
    length = bank.length.tolist()
    text_id, norms = bank.text_ids(), bank.norms
    ratio_of: dict[tuple[int, int], float] = {}  # token-set ratio once per distinct pair of texts
    out = []
    for x, y in zip(i, j, strict=True):
        lx, ly = length[x], length[y]
        lo, hi = (lx, ly) if lx <= ly else (ly, lx)
        overlap = float(len(uni[x] & uni[y]))
        b_n = len(big[x]) + len(big[y])
        nx, ny = len(num[x]), len(num[y])
        mismatch = 0.0
        if nx and ny:
            n_ov = len(num[x] & num[y])
            mismatch = 0.0 if n_ov == nx and n_ov == ny else 1.0
        tx, ty = text_id[x], text_id[y]
        key = (tx, ty) if tx <= ty else (ty, tx)
        ratio = ratio_of.get(key)
        if ratio is None:
            ratio = ratio_of[key] = fuzz.token_set_ratio(norms[x], norms[y]) / 100.0
        out.append(
            (
                2 * overlap / (lx + ly + eps),
                overlap / (lo + eps),
                overlap / (hi + eps),
                2 * float(len(big[x] & big[y])) / (float(b_n) + eps),
                mismatch,
                ratio,
                lo / (hi + eps),
            )
        )
    return out


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
