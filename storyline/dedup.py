"""Exact and near-duplicate articles: content hashes, vectorised MinHash and LSH banding.

MinHash here is plain numpy over a whole batch at once: word 3-shingles are hashed to 32 bits with a
stable hash (so signatures can be stored and compared across runs) and signed with one-permutation
hashing (:class:`MinHasher`). It estimates the same Jaccard similarity as ``datasketch.MinHash``; see
``bench/bench_ingest.py`` for the side-by-side measurement of speed and agreement.

A batch is folded once (lower-cased, joined, as code points) and both the content hashes and the
word hashes come from that one array (:meth:`Deduplicator.features`). The LSH search of a batch is a
sort-based join of its band keys with sorted arrays of the index's band keys (:class:`LSHIndex`), and
candidate pairs are screened with 4-bit fingerprints of the signatures, an upper bound on the number
of equal bins, before the exact comparison: the answers are those of checking every candidate.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

NUM_PERM = 128
BANDS = 32  # 32 bands x 4 rows: pairs with Jaccard >= ~0.5 become candidates with probability > 0.87
SHINGLE = 3
NEAR_JACCARD = 0.5  # estimated Jaccard at or above which two articles are near copies
NEAR_CONTAINMENT = 0.8  # ... or this share of the newer article's shingles is in the earlier one
_PUNCT = re.compile(r"[^\w\s]+")
_WORD = re.compile(r"\w")
_MASK32 = np.uint64(0xFFFFFFFF)
_ROW_BITS = 20  # an article's row in a chunk (chunks are at most 2**20 articles)
_SMALL_RUN = 1 << 13  # band keys kept in the small level before it joins the recent one
_BMP = 0x10000
_TIMSORT_UPTO = 1 << 19  # runs merged by a stable sort up to this many keys (more temporary memory)


def words(text: str) -> list[str]:
    """Lower-case words without punctuation (the shingling tokens)."""
    return _PUNCT.sub(" ", text.lower()).split()


# --- character classes ----------------------------------------------------------------------------

_CLASS: list[np.ndarray] = []  # the class bits of every code point below 0x10000
_REGEX_WORD, _TOKEN_CHAR = np.uint8(1), np.uint8(2)


def _class_table() -> np.ndarray:
    r"""Bits per code point of the Basic Multilingual Plane: 1 = regex ``\w``, 2 = token character
    (ASCII letters and digits; other characters outside the Latin-1 and general/CJK punctuation blocks)."""
    if not _CLASS:
        cps = np.arange(_BMP, dtype=np.uint32)
        chars = cps.tobytes().decode("utf-32-le", "surrogatepass")
        marked = re.sub(r"\W", "\x00", chars).encode("utf-32-le", "surrogatepass")
        tok = cps >= 128
        tok[(cps >= 0x80) & (cps <= 0xBF)] = False  # Latin-1 punctuation and symbols
        tok[(cps >= 0x2000) & (cps <= 0x206F)] = False
        tok[(cps >= 0x3000) & (cps <= 0x303F)] = False
        for c in "abcdefghijklmnopqrstuvwxyz0123456789":
            tok[ord(c)] = True
        table = (np.frombuffer(marked, dtype=np.uint32) != 0).astype(np.uint8)
        table |= tok.astype(np.uint8) << np.uint8(1)
        _CLASS[:] = [table]
    return _CLASS[0]


def _classify(codes: np.ndarray) -> np.ndarray:
    r"""The class bits of each code point; above the BMP every character is a token character and is
    ``\w``-tested one distinct character at a time."""
    table = _class_table()
    if len(codes) == 0 or int(codes.max()) < _BMP:
        return table[codes]
    big = codes >= _BMP
    out = table[np.where(big, 0, codes)]
    cps, inv = np.unique(codes[big], return_inverse=True)
    word = np.array([bool(_WORD.match(chr(c))) for c in cps.tolist()], dtype=np.uint8)
    out[big] = _TOKEN_CHAR | word[inv]
    return out


# --- folding a batch: lower-cased code points --------------------------------------------------------


def _chunks(texts: Sequence[str], chunk_chars: int) -> Iterator[tuple[int, int]]:
    """``[i, j)`` ranges of texts of about ``chunk_chars`` characters each (at least one text)."""
    n, i = len(texts), 0
    while i < n:
        j, size = i, 0
        while j < n and (j == i or size + len(texts[j]) < chunk_chars):
            size += len(texts[j]) + 1
            j += 1
        yield i, j
        i = j


def _fold(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of the lower-cased texts, each followed by a NUL, and the position of each NUL."""
    low = [t.lower() for t in texts]
    codes = np.frombuffer(("\x00".join(low) + "\x00").encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ends = np.cumsum(np.fromiter(map(len, low), dtype=np.int64, count=len(low)) + 1) - 1
    return codes, ends


# --- content hashes ------------------------------------------------------------------------------

_ASCII_FOLD = bytes(
    c + 32 if 65 <= c <= 90 else c if (48 <= c <= 57 or 97 <= c <= 122 or c == 95) else 32 for c in range(256)
)
# common non-word characters of news text (quotes, dashes, spaces), as UTF-8: replaced by a space
_SEPARATORS = [
    ch.encode("utf-8")
    for ch in "\u2019\u201c\u201d\u2014\u2013\u2018\u2015\u2026\u00a0\u00ad\u2022\u00ae\u00a3\u200b\ufeff"
    if not _WORD.match(ch)  # (none is a word character: each only separates words)
]


def content_hash(text: str) -> str:
    """SHA-1 of the text with case, punctuation and white space folded (exact-copy key): the words
    (runs of ``\\w``) of the lower-cased text joined by single spaces."""
    if text.isascii():
        raw = text.encode("ascii")
    else:
        raw = text.encode("utf-8", "surrogatepass")
        for sep in _SEPARATORS:
            if sep in raw:
                raw = raw.replace(sep, b" ")
        if not raw.isascii():
            return hashlib.sha1(" ".join(_PUNCT.sub(" ", text.lower()).split()).encode("utf-8")).hexdigest()
    return hashlib.sha1(b" ".join(raw.translate(_ASCII_FOLD).split())).hexdigest()


def content_hashes(texts: Sequence[str], chunk_chars: int = 1 << 16) -> list[str]:
    """:func:`content_hash` of many texts, vectorised over the batch."""
    out: list[str] = []
    for i, j in _chunks(texts, chunk_chars):
        out += _content_hashes(*_fold(texts[i:j]))
    return out


def _content_hashes(codes: np.ndarray, ends: np.ndarray, cls: np.ndarray | None = None) -> list[str]:
    cls = _classify(codes) if cls is None else cls
    word = (cls & _REGEX_WORD).view(bool)
    keep = word.copy()
    keep[1:] |= word[:-1]  # the words and the first non-word character after each (the space)
    kept = np.where(word, codes, np.uint32(32))[keep]
    text = kept.tobytes().decode("utf-32-le", "surrogatepass")
    # each text's words end with one space (at its NUL or before)
    stop = np.cumsum(
        np.add.reduceat(keep.view(np.uint8), np.concatenate(([0], ends[:-1] + 1)), dtype=np.int64)
    )
    out, start = [], 0
    sha1 = hashlib.sha1
    for e in stop.tolist():
        out.append(sha1(text[start : e - 1].encode("utf-8") if e > start else b"").hexdigest())
        start = e
    return out


# --- word hashes and shingles --------------------------------------------------------------------

_P = 1_000_003  # odd, so invertible modulo 2**64
_PINV = pow(_P, -1, 2**64)
_POWERS: list[np.ndarray] = []  # [p**j, p**-j] for j < len, grown on demand


def _powers(m: int) -> tuple[np.ndarray, np.ndarray]:
    if not _POWERS or len(_POWERS[0]) < m:
        size = max(m, 1 << 16)
        with np.errstate(over="ignore"):
            pw = np.full(size, _P, dtype=np.uint64)
            pw[0] = 1
            pinv = np.full(size, _PINV, dtype=np.uint64)
            pinv[0] = 1
            _POWERS[:] = [np.cumprod(pw), np.cumprod(pinv)]
    return _POWERS[0], _POWERS[1]


def token_hashes(texts: Sequence[str], chunk_chars: int = 1 << 16) -> tuple[np.ndarray, np.ndarray]:
    """Stable 64-bit hashes of the lower-case words of each text, many texts at once.

    Returns ``(hashes, counts)``: the words of all texts in order and how many belong to each text.
    A word is a run of ASCII letters and digits or of non-ASCII characters outside the punctuation
    blocks; each is hashed as a polynomial over its code points from prefix sums (no Python loop).
    """
    parts = [_token_hashes(*_fold(texts[i:j])) for i, j in _chunks(texts, chunk_chars)]
    if not parts:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _token_hashes(
    codes: np.ndarray, ends: np.ndarray, cls: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    cls = _classify(codes) if cls is None else cls
    tok = (cls >> np.uint8(1)).view(np.int8)
    edge = np.empty_like(tok)  # +1 where a word starts, -1 after it ends
    edge[:1] = tok[:1]
    np.subtract(tok[1:], tok[:-1], out=edge[1:])
    starts = np.flatnonzero(edge == 1)
    stops = np.flatnonzero(edge == -1)  # exclusive; every text ends with a NUL, so every run stops
    pw, pinv = _powers(len(codes) + 1)
    with np.errstate(over="ignore"):
        prefix = np.empty(len(codes) + 1, dtype=np.uint64)
        prefix[0] = 0
        np.cumsum(codes * pw[: len(codes)], out=prefix[1:])
        h = (prefix[stops] - prefix[starts]) * pinv[starts]
        h ^= h >> np.uint64(31)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(29)
    counts = np.diff(np.searchsorted(starts, ends), prepend=0)
    return h, counts.astype(np.int64)


def _shingles(flat: np.ndarray, lens: np.ndarray, k: int = SHINGLE) -> tuple[np.ndarray, np.ndarray]:
    """Distinct 32-bit k-shingle hashes of all texts, sorted by text then value, and the text of each."""
    n = len(lens)
    ends = np.cumsum(lens)
    starts = ends - lens
    with np.errstate(over="ignore"):
        combo = flat * np.uint64(0x9E3779B97F4A7C15)
        for j in range(1, k):
            nxt = np.zeros_like(flat)
            nxt[:-j] = flat[j:]
            combo = (combo ^ (combo >> np.uint64(29))) * np.uint64(0xC2B2AE3D27D4EB4F) + nxt
        combo ^= combo >> np.uint64(32)
        combo &= _MASK32
    # shingle i of a text is valid when it starts at least k words before the text's end
    last = np.zeros(len(flat) + 1, dtype=np.int64)  # +1 at each text's first invalid start
    cut = ends - np.minimum(lens, k - 1)
    np.add.at(last, cut[lens > 0], 1)
    np.add.at(last, ends[lens > 0], -1)
    valid = np.cumsum(last[:-1]) == 0
    doc = np.repeat(np.arange(n, dtype=np.uint64), lens)
    doc <<= np.uint64(32)
    combo |= doc
    keys = combo[valid]
    short = np.flatnonzero((lens > 0) & (lens < k))
    if len(short):  # texts shorter than k words: one shingle over all their words
        extra = []
        for i in short.tolist():
            acc = 0
            for v in flat[starts[i] : ends[i]].tolist():
                acc = (acc * 0x9E3779B1 + v) & 0xFFFFFFFFFFFFFFFF
            extra.append((acc ^ (acc >> 32)) & 0xFFFFFFFF)
        keys = np.concatenate([keys, (short.astype(np.uint64) << np.uint64(32)) | np.array(extra, np.uint64)])
    keys.sort()
    if len(keys):
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys & _MASK32, (keys >> np.uint64(32)).astype(np.int64)


def _shingles_of(texts: Sequence[str], k: int = SHINGLE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(values, text of each value, shingle count per text)`` of many texts."""
    flat, lens = token_hashes(texts)
    vals, doc = _shingles(flat, lens, k)
    return vals, doc, np.bincount(doc, minlength=len(texts)).astype(np.int64)


def shingle_hashes(texts: Sequence[str], k: int = SHINGLE) -> list[np.ndarray]:
    """Unique 32-bit hashes of the word k-shingles of each text (a text shorter than k words gives one
    shingle of all its words; an empty text none)."""
    vals, doc, sizes = _shingles_of(texts, k)
    bounds = np.concatenate(([0], np.cumsum(sizes))).tolist()
    return [vals[bounds[i] : bounds[i + 1]] for i in range(len(texts))]


class MinHasher:
    """Vectorised one-permutation MinHash with densification by rotation.

    One 64-bit mix per shingle: its top bits pick one of ``num_perm`` bins, its low 32 bits are the
    value, each bin keeps its minimum (Li, Owen & Zhang 2012); an empty bin borrows the value of the
    next non-empty bin to its right plus a distance offset (Shrivastava & Li 2014), so short texts get
    full signatures too. The share of equal bins estimates Jaccard similarity like classic MinHash at
    O(shingles) instead of O(shingles x num_perm) work.
    """

    def __init__(self, num_perm: int = NUM_PERM, seed: int = 1) -> None:
        if num_perm & (num_perm - 1):
            raise ValueError("num_perm must be a power of two")
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self.bits = np.uint64(64 - int(num_perm).bit_length() + 1)
        self.a = np.uint64(rng.integers(1, 2**63, dtype=np.uint64) | np.uint64(1))
        self.b = np.uint64(rng.integers(0, 2**63, dtype=np.uint64))

    def signatures(self, shingles: Sequence[np.ndarray]) -> np.ndarray:
        """Signatures ``(n, num_perm)`` uint32; an article without shingles gets all-ones."""
        n = len(shingles)
        sizes = np.fromiter((len(s) for s in shingles), dtype=np.int64, count=n)
        flat = np.concatenate(shingles).astype(np.uint64) if sizes.sum() else np.zeros(0, np.uint64)
        return self.signatures_flat(flat, np.repeat(np.arange(n, dtype=np.int64), sizes), n)

    def signatures_flat(self, vals: np.ndarray, doc: np.ndarray, n: int) -> np.ndarray:
        """Signatures of ``n`` articles from all their shingle values and the article of each."""
        k = self.num_perm
        empty = np.uint32(0xFFFFFFFF)
        if n == 0:
            return np.zeros((0, k), dtype=np.uint32)
        with np.errstate(over="ignore"):
            h = vals.astype(np.uint64) * self.a + self.b
            h ^= h >> np.uint64(31)
            h *= np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(27)
        cell = doc.astype(np.intp) * k + (h >> self.bits).astype(np.intp)
        v = (h & _MASK32).astype(np.uint32)
        v[v == empty] -= np.uint32(1)  # keep the all-ones value for "empty"
        sig = np.full(n * k, empty, dtype=np.uint32)
        np.minimum.at(sig, cell, v)
        return _densify(sig.reshape(n, k), empty)


def _densify(sig: np.ndarray, empty: np.uint32) -> np.ndarray:
    """Fill each empty bin from the next non-empty bin to its right (circularly), offset by distance
    (in place, on the rows with empty bins)."""
    n, k = sig.shape
    missing = sig == empty
    rows = np.flatnonzero(missing.any(axis=1))
    if not len(rows):
        return sig
    sub, miss = sig[rows], missing[rows]
    col = np.arange(k, dtype=np.int32)  # (32-bit arithmetic throughout: less memory traffic)
    nxt = np.minimum.accumulate(np.where(miss, np.int32(2 * k), col)[:, ::-1], axis=1)[:, ::-1]
    nxt = np.where(nxt == 2 * k, nxt[:, :1] + k, nxt)  # none to the right: the first one, a lap on
    ok = nxt < 2 * k  # rows without any value stay empty
    dist = (nxt - col).astype(np.uint32)
    with np.errstate(over="ignore"):  # (value + distance * 0x9E3779B9) modulo 2**32
        filled = np.take_along_axis(sub, nxt % k, axis=1) + dist * np.uint32(0x9E3779B9)
    sig[rows] = np.where(miss & ok, filled, sub)
    return sig


def jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray | float:
    """Estimated Jaccard similarity: share of equal MinHash values (row-wise for 2-D input)."""
    return np.mean(sig_a == sig_b, axis=-1)


def containment(j: float, size_a: int, size_b: int) -> float:
    """Share of A's shingles found in B given their Jaccard similarity and set sizes."""
    if size_a <= 0:
        return 0.0
    inter = j * (size_a + size_b) / (1.0 + j)
    return float(min(1.0, inter / size_a))


def passes(js: np.ndarray, size: np.ndarray, other: np.ndarray, near_jaccard: float, near_containment: float
           ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """``(passes, overlap)`` of pairs with estimated Jaccard ``js``: the near-copy rule (Jaccard at least
    ``near_jaccard`` or at least ``near_containment`` of the newer article's shingles in the earlier one;
    overlap is :func:`containment` element-wise). ``size`` must be positive."""
    inter = js * (size + other) / (1.0 + js)
    ov = np.minimum(1.0, inter / size)
    return (js >= near_jaccard) | (ov >= near_containment), ov


# --- signature fingerprints: a cheap upper bound on the number of equal bins -------------------------

_EVEN_BITS = np.uint64(0x5555555555555555)


def fingerprints(sigs: np.ndarray) -> np.ndarray:
    """4 bits of a hash of each signature value as two 2-bit planes, each packed 32 bins to a uint64:
    ``(n, 2 * ceil(num_perm / 32))``, the first plane's words first (bins past the last: 0)."""
    n, k = sigs.shape
    width = -(-k // 32)
    with np.errstate(over="ignore"):
        mixed = sigs * np.uint32(0x9E3779B1)
    bits = np.zeros((n, 2, width * 32), dtype=np.uint64)
    bits[:, 0, :k] = mixed >> np.uint32(30)
    bits[:, 1, :k] = (mixed >> np.uint32(28)) & np.uint32(3)
    bits = bits.reshape(n, 2 * width, 32) << (2 * np.arange(32, dtype=np.uint64))
    return np.bitwise_or.reduce(bits, axis=2)


def _popcount(x: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x)
    x = x - ((x >> np.uint64(1)) & _EVEN_BITS)  # numpy < 2: the classic SWAR popcount
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


def _differ(fa: np.ndarray, fb: np.ndarray) -> np.ndarray:
    """The low bit of every 2-bit group set where ``fa`` and ``fb`` differ (both are overwritten)."""
    fa ^= fb
    np.right_shift(fa, np.uint64(1), out=fb)
    fa |= fb
    fa &= _EVEN_BITS
    return fa


def _count_low_bits(x: np.ndarray) -> np.ndarray:
    """Per row, the number of set bits of ``x`` (only low bits of 2-bit groups; ``x`` is overwritten)."""
    if x.shape[1] % 2 == 0:  # two words to one: the odd words' bits move to the odd positions
        x[:, 1::2] <<= np.uint64(1)
        x = x[:, 0::2] | x[:, 1::2]
    c = _popcount(x)
    total = c[:, 0].astype(np.int16)
    for k in range(1, c.shape[1]):
        total += c[:, k]
    return total


def equal_bins_bound(fa: np.ndarray, fb: np.ndarray, num_perm: int, planes: int = 2) -> np.ndarray:
    """At least the number of equal signature bins of row-aligned pairs, from their :func:`fingerprints`
    (equal values have equal fingerprints; unequal ones agree on one plane with probability 1/4, on
    both 1/16). ``planes=1`` reads only the first plane."""
    width = -(-num_perm // 32)
    x = _differ(fa[:, :width].copy(), fb[:, :width].copy())
    if planes == 2:
        x |= _differ(fa[:, width:].copy(), fb[:, width:].copy())
    return num_perm - _count_low_bits(x)


@dataclass
class Match:
    """A near or exact copy: this article repeats ``earlier`` (an index or key) with ``overlap``."""

    earlier: int
    overlap: float  # share of this article's shingles found in the earlier one
    jaccard: float
    exact: bool


class LSHIndex:
    """Banded LSH over MinHash signatures, in memory, holding at most ``capacity`` items.

    Items get consecutive ordinals. Their signatures, fingerprints, sizes and keys sit in arrays used
    as a ring of ``capacity + margin`` rows, so memory stays flat however long the stream and a batch of
    up to ``margin`` items can be stored before it is searched. The band keys of all items live in
    sorted arrays of ``(band << s) | key`` with each item's ordinal (three levels of growing size, each
    merged into the next when it fills); evicted items are dropped from them lazily, when the largest
    level is rewritten, and skipped on lookup by ordinal (an item of ordinal ``o`` sees the items
    ``o - capacity .. o - 1``).
    """

    def __init__(
        self, num_perm: int = NUM_PERM, bands: int = BANDS, capacity: int = 200_000, margin: int = 4096
    ) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        self.num_perm, self.bands, self.rows, self.capacity = num_perm, bands, num_perm // bands, capacity
        if not 0 < margin <= 1 << _ROW_BITS:
            raise ValueError(f"margin must be in 1..{1 << _ROW_BITS}")
        self.margin = margin
        self.ring = capacity + margin
        self._kbits = np.uint64(max(1, (bands - 1).bit_length()))
        self._shift = np.uint64(64) - self._kbits
        self._band = np.arange(bands, dtype=np.uint64) << self._shift
        self._w = np.random.default_rng(7).integers(1, 2**63, size=self.rows, dtype=np.uint64)
        rows = min(self.ring, 1024)
        self.sig = np.zeros((rows, num_perm), dtype=np.uint32)
        self.fpa = np.zeros((rows, -(-num_perm // 32)), dtype=np.uint64)  # fingerprint planes
        self.fpb = np.zeros_like(self.fpa)
        self.sizes = np.zeros(rows, dtype=np.int64)
        self.keys = np.zeros(rows, dtype=np.int64)
        self.next = 0  # ordinal of the next item
        # [large, recent, small]: sorted band keys and ordinals, merged upwards as they fill
        self._levels = [(np.zeros(0, np.uint64), np.zeros(0, np.int64))] * 3
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []

    def band_keys(self, sigs: np.ndarray) -> np.ndarray:
        """``(n, bands)`` integer keys, one per band (below ``2**(64 - bits of the band number)``)."""
        s = sigs.astype(np.uint64).reshape(len(sigs), self.bands, self.rows)
        with np.errstate(over="ignore"):
            return (s * self._w).sum(axis=2) >> self._kbits

    def _reserve(self, upto: int) -> None:
        if upto > len(self.sig) and len(self.sig) < self.ring:
            grow = min(self.ring, max(upto, 2 * len(self.sig)))
            self.sig = np.resize(self.sig, (grow, self.num_perm))
            self.fpa = np.resize(self.fpa, (grow, self.fpa.shape[1]))
            self.fpb = np.resize(self.fpb, (grow, self.fpb.shape[1]))
            self.sizes = np.resize(self.sizes, grow)
            self.keys = np.resize(self.keys, grow)

    def store(self, keys: Sequence[int], sigs: np.ndarray, sizes: np.ndarray, bkeys: np.ndarray | None = None,
              fps: np.ndarray | None = None) -> int:  # fmt: skip
        """Add up to ``margin`` items (oldest first) without searching; returns the first one's ordinal."""
        n = len(sigs)
        if n > self.margin:
            raise ValueError(f"at most {self.margin} items at a time")
        first = self.next
        self._reserve(first + n)
        slots = np.arange(first, first + n) % self.ring
        self.sig[slots] = sigs
        fps = fingerprints(sigs) if fps is None else fps
        width = self.fpa.shape[1]
        self.fpa[slots], self.fpb[slots] = fps[:, :width], fps[:, width:]
        self.sizes[slots] = sizes
        self.keys[slots] = keys
        ck = ((self.band_keys(sigs) if bkeys is None else bkeys) | self._band).ravel()
        order = np.argsort(ck)
        self._pending.append((ck[order], order // self.bands + first))
        self.next += n
        return first

    def insert(self, key: int, sig: np.ndarray, size: int, bkeys: np.ndarray | None = None) -> int | None:
        """Insert one item; returns the key it evicted (the oldest) when the index was full."""
        first = self.store([key], sig[None, :], np.array([size]), None if bkeys is None else bkeys[None, :])
        if len(self._pending) >= 1024:
            self.flush()
        gone = first - self.capacity
        return int(self.keys[gone % self.ring]) if gone >= 0 else None

    def flush(self) -> None:
        """Merge the pending band keys into the sorted levels (dropping items evicted by then)."""
        if not self._pending:
            return
        if len(self._pending) == 1:
            ck, od = self._pending[0]
        else:
            ck = np.concatenate([p[0] for p in self._pending])
            od = np.concatenate([p[1] for p in self._pending])
            order = np.argsort(ck)
            ck, od = ck[order], od[order]
        self._pending = []
        (bk, bo), (rk, ro), (sk, so) = self._levels
        if len(ck) + len(sk) <= _SMALL_RUN:  # a few items at a time: into the small level only
            self._levels[2] = _merge(sk, so, ck, od)
            return
        if len(sk):
            ck, od = _merge(sk, so, ck, od)
        rk, ro = _merge(rk, ro, ck, od)
        if len(rk) > max(len(bk) // 4, 1 << 15):
            bk, bo = self._rewrite(bk, bo, rk, ro)
            rk, ro = rk[:0], ro[:0]
        self._levels = [(bk, bo), (rk, ro), (sk[:0], so[:0])]

    def _rewrite(
        self, bk: np.ndarray, bo: np.ndarray, rk: np.ndarray, ro: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The large level merged with the recent one, evicted items dropped: ``_merge(bk[keep],
        bo[keep], rk, ro)`` written band by band into the result (the keys of a band are contiguous),
        so that no filtered copy of the large level is made (less peak memory)."""
        keep = bo >= self.next - self.capacity
        keys = np.empty(int(np.count_nonzero(keep)) + len(rk), dtype=bk.dtype)
        ords = np.empty(len(keys), dtype=bo.dtype)
        bs = np.searchsorted(bk, self._band).tolist() + [len(bk)]
        rs = np.searchsorted(rk, self._band).tolist() + [len(rk)]
        at = 0
        for b in range(self.bands):
            part = slice(bs[b], bs[b + 1])
            k, o = _merge(
                bk[part][keep[part]], bo[part][keep[part]], rk[rs[b] : rs[b + 1]], ro[rs[b] : rs[b + 1]]
            )
            keys[at : at + len(k)], ords[at : at + len(k)] = k, o
            at += len(k)
        return keys, ords

    def lookup(
        self, ck: np.ndarray, rows: np.ndarray, presorted: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(row, ordinal)`` of every item in the sorted levels (live or not; not the pending ones)
        sharing a combined band key with a query (``ck[t]`` asked by ``rows[t]``; ``presorted``: ``ck``
        is ascending)."""
        if not presorted:  # sorted queries: each binary search starts where the last one ended
            order = np.argsort(ck)
            ck, rows = ck[order], rows[order]
        out_r, out_o = [], []
        for keys, ords in self._levels:
            if not len(keys):
                continue
            lo = np.searchsorted(keys, ck, "left")
            # most queries find nothing: the end of the run of equal keys is searched for the others only
            hit = np.flatnonzero(keys[np.minimum(lo, len(keys) - 1)] == ck)
            if not len(hit):
                continue
            cnt = np.zeros(len(ck), dtype=lo.dtype)
            cnt[hit] = np.searchsorted(keys, ck[hit], "right") - lo[hit]
            tot = int(cnt.sum())
            if tot:
                offs = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt) + np.arange(tot)
                out_r.append(np.repeat(rows, cnt))
                out_o.append(ords[offs])
        if not out_r:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(out_r), np.concatenate(out_o)

    def pending_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """The combined band keys (ascending) and ordinals of the items stored since the last flush."""
        if len(self._pending) == 1:
            return self._pending[0]
        if not self._pending:
            return np.zeros(0, np.uint64), np.zeros(0, np.int64)
        ck = np.concatenate([p[0] for p in self._pending])
        od = np.concatenate([p[1] for p in self._pending])
        order = np.argsort(ck)
        self._pending = [(ck[order], od[order])]
        return self._pending[0]

    def pending_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """``(later, earlier)`` ordinals of the pairs of pending items (stored since the last flush)
        that share a band key, once per shared band."""
        ck, od = self.pending_keys()
        if len(ck) < 2:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        new = np.concatenate(([True], ck[1:] != ck[:-1]))
        start = np.flatnonzero(new)
        rank = np.arange(len(ck)) - np.repeat(start, np.diff(np.append(start, len(ck))))
        tot = int(rank.sum())
        if not tot:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        pos = np.flatnonzero(rank)
        r = rank[pos]
        a = od[np.repeat(pos, r)]
        b = od[np.repeat(pos - r, r) + (np.arange(tot) - np.repeat(np.cumsum(r) - r, r))]
        return np.maximum(a, b), np.minimum(a, b)

    def combined(self, bkeys: np.ndarray) -> np.ndarray:
        """``(band << s) | key``: the band keys of all bands in one key space."""
        return bkeys | self._band

    def candidates(self, sig: np.ndarray, bkeys: np.ndarray | None = None) -> set[int]:
        """Keys of the items in the index sharing at least one band with ``sig``."""
        bk = self.band_keys(sig[None, :])[0] if bkeys is None else bkeys
        self.flush()
        _, o = self.lookup(self.combined(bk), np.zeros(self.bands, np.int64))
        o = o[o >= self.next - self.capacity]
        return set(self.keys[o % self.ring].tolist())

    def __len__(self) -> int:
        return min(self.next, self.capacity)


def _merge(ak: np.ndarray, ao: np.ndarray, bk: np.ndarray, bo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge two key-sorted runs (equal keys: ``a``'s first)."""
    if not len(ak):
        return bk, bo
    if len(ak) + len(bk) <= _TIMSORT_UPTO:  # a stable sort of the two runs is one linear merge (timsort)
        keys = np.concatenate((ak, bk))
        order = np.argsort(keys, kind="stable")
        return keys[order], np.concatenate((ao, bo))[order]
    pos = np.searchsorted(ak, bk, "right") + np.arange(len(bk))
    keys = np.empty(len(ak) + len(bk), dtype=ak.dtype)
    ords = np.empty(len(keys), dtype=ao.dtype)
    mask = np.ones(len(keys), dtype=bool)
    mask[pos] = False
    keys[pos], ords[pos] = bk, bo
    keys[mask], ords[mask] = ak, ao
    return keys, ords


class Deduplicator:
    """Finds, for each new article, the earliest stored article it copies (exact or near).

    Keys are caller-chosen integers (row ids), increasing in insertion order; :meth:`add_batch` checks a
    batch against everything inserted before *and* against earlier articles of the same batch, then
    inserts the batch. Among an article's LSH candidates that pass the near-copy rule the one with the
    highest overlap wins, the earliest key on a tie. ``max_items`` bounds memory: the oldest items
    leave the index (and the exact-hash map) first.
    """

    def __init__(
        self,
        *,
        num_perm: int = NUM_PERM,
        bands: int = BANDS,
        near_jaccard: float = NEAR_JACCARD,
        near_containment: float = NEAR_CONTAINMENT,
        max_items: int = 200_000,
    ) -> None:
        self.hasher = MinHasher(num_perm)
        self.lsh = LSHIndex(num_perm, bands, capacity=max_items)
        self.exact: dict[str, int] = {}
        self.hash_of: dict[int, str] = {}
        self.near_jaccard, self.near_containment = near_jaccard, near_containment
        self.max_items = max_items

    def signatures(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """MinHash signatures and shingle-set sizes of some texts."""
        vals, doc, sizes = _shingles_of(texts)
        return self.hasher.signatures_flat(vals, doc, len(texts)), sizes

    def features(
        self, texts: Sequence[str], chunk_chars: int = 1 << 16
    ) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Content hashes, MinHash signatures and shingle-set sizes of some texts (one fold of each chunk)."""
        hashes: list[str] = []
        parts = []
        for i, j in _chunks(texts, chunk_chars):
            codes, ends = _fold(texts[i:j])
            cls = _classify(codes)
            hashes += _content_hashes(codes, ends, cls)
            parts.append(_token_hashes(codes, ends, cls))
        flat = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.uint64)
        lens = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int64)
        vals, doc = _shingles(flat, lens)
        sizes = np.bincount(doc, minlength=len(texts)).astype(np.int64)
        return hashes, self.hasher.signatures_flat(vals, doc, len(texts)), sizes

    def add(self, key: int, sig: np.ndarray, size: int, chash: str | None = None) -> None:
        """Insert a known article (e.g. loaded from a store) without checking it."""
        if chash is not None and chash not in self.exact:
            self.exact[chash] = key
            self.hash_of[key] = chash
        self._forget(self.lsh.insert(key, sig, size))

    def _forget(self, key: int | None) -> None:
        if key is not None:
            h = self.hash_of.pop(key, None)
            if h is not None and self.exact.get(h) == key:
                del self.exact[h]

    def add_batch(
        self,
        keys: Sequence[int],
        texts: Sequence[str],
        hashes: Sequence[str] | None = None,
        sigs: np.ndarray | None = None,
        sizes: np.ndarray | None = None,
    ) -> tuple[list[Match | None], np.ndarray, np.ndarray]:
        """Check and insert a batch; returns (match or None per article, signatures, sizes)."""
        if sigs is None or sizes is None:
            if hashes is None:
                hashes, sigs, sizes = self.features(texts)
            else:
                sigs, sizes = self.signatures(texts)
        elif hashes is None:
            hashes = content_hashes(texts)
        hashes = list(hashes)
        keys = list(keys)
        out: list[Match | None] = [None] * len(keys)
        step = self.lsh.margin
        for a in range(0, len(keys), step):
            b = min(a + step, len(keys))
            self._add_chunk(keys[a:b], hashes[a:b], sigs[a:b], sizes[a:b], out, a)
        return out, sigs, sizes

    def _add_chunk(self, keys: list[int], hashes: list[str], sigs: np.ndarray, sizes: np.ndarray,
                   out: list[Match | None], at: int) -> None:  # fmt: skip
        lsh = self.lsh
        bkeys = lsh.band_keys(sigs)
        fps = fingerprints(sigs)
        lsh.flush()  # earlier items into the sorted levels; this chunk's band keys stay pending
        first = lsh.store(keys, sigs, sizes, bkeys, fps)
        # exact copies, in order: the hash map holds the earliest live article of each hash
        near = []
        exact, hash_of, ring, cap = self.exact, self.hash_of, lsh.ring, lsh.capacity
        ring_keys = lsh.keys
        for j, (key, h) in enumerate(zip(keys, hashes, strict=True)):
            earlier = exact.get(h)
            if earlier is not None:
                out[at + j] = Match(earlier, 1.0, 1.0, True)
            else:
                near.append(j)
                exact[h] = key
                hash_of[key] = h
            gone = first + j - cap
            if gone >= 0:
                self._forget(int(ring_keys[gone % ring]))
        q = np.array(near, dtype=np.int64)
        q = q[sizes[q] > 0] if len(q) else q
        if len(q):
            for j, (c, ov, js) in self._near(first, q, sigs, sizes, fps).items():
                out[at + j] = Match(c, ov, js, False)
        lsh.flush()

    def _may_pass(self, bound: np.ndarray, size: np.ndarray, other: np.ndarray) -> np.ndarray:
        """Whether pairs with at most ``bound`` equal bins may pass the near-copy rule (never False for
        one that passes): ``m / k >= near_jaccard`` or ``m * ((1 - c) * size + other) >= c * k * size``
        (the containment rule solved for the equal-bin count ``m``, with a little slack for rounding)."""
        k, c = self.lsh.num_perm, self.near_containment
        need = size * (c * k * (1 - 1e-9))
        return (bound >= self.near_jaccard * k * (1 - 1e-9)) | (bound * ((1 - c) * size + other) >= need)

    def _near(self, first: int, q: np.ndarray, sigs: np.ndarray, sizes: np.ndarray, fps: np.ndarray
              ) -> dict[int, tuple[int, float, float]]:  # fmt: skip
        """Best near copy (key, overlap, Jaccard) of each article ``q`` (rows) of the chunk just stored
        (not yet flushed), whose first ordinal is ``first``."""
        lsh = self.lsh
        wanted = np.zeros(len(sigs), dtype=bool)
        wanted[q] = True
        ck, od = lsh.pending_keys()  # this chunk's band keys, sorted: the queries are among them
        rows = od - first
        sel = wanted[rows]
        row, o = lsh.lookup(ck[sel], rows[sel], presorted=True)
        if len(sigs) > 1:  # pairs inside the chunk
            later, earlier = lsh.pending_pairs()
            later -= first
            sel = wanted[later]
            row, o = np.concatenate((row, later[sel])), np.concatenate((o, earlier[sel]))
        # earlier items still in the window: 0 <= (first + row) - 1 - o < capacity
        age = row - o
        age += first - 1
        live = age.view(np.uint64) < np.uint64(lsh.capacity)
        if not live.any():
            return {}
        # distinct (article, candidate) pairs, by candidate ordinal and article
        pk = o[live] << np.int64(_ROW_BITS)
        pk |= row[live]
        pk.sort()
        pk = pk[np.concatenate(([True], pk[1:] != pk[:-1]))]
        i, slot = pk & np.int64((1 << _ROW_BITS) - 1), (pk >> np.int64(_ROW_BITS)) % lsh.ring
        # screen with fingerprint bounds (one plane, then both; passing is monotone in the Jaccard
        # estimate, so a pair whose bound fails fails too), then count equal bins exactly
        if len(i) > 64:  # (a few pairs are cheaper to verify directly)
            width = lsh.fpa.shape[1]
            qa, qb = np.ascontiguousarray(fps[:, :width]), np.ascontiguousarray(fps[:, width:])
            differ = _differ(np.take(lsh.fpa, slot, axis=0), np.take(qa, i, axis=0))
            bound = lsh.num_perm - _count_low_bits(differ)
            maybe = self._may_pass(bound, sizes[i], lsh.sizes[slot])
            i, slot = i[maybe], slot[maybe]
            differ = _differ(np.take(lsh.fpa, slot, axis=0), np.take(qa, i, axis=0))
            differ |= _differ(np.take(lsh.fpb, slot, axis=0), np.take(qb, i, axis=0))
            bound = lsh.num_perm - _count_low_bits(differ)
            maybe = self._may_pass(bound, sizes[i], lsh.sizes[slot])
            i, slot = i[maybe], slot[maybe]
        same = np.take(sigs, i, axis=0) == np.take(lsh.sig, slot, axis=0)
        js = same.sum(axis=1, dtype=np.int64) / lsh.num_perm  # = np.mean(same, axis=1)
        ok, ov = passes(js, sizes[i], lsh.sizes[slot], self.near_jaccard, self.near_containment)
        i, key, ov, js = i[ok], lsh.keys[slot[ok]], ov[ok], js[ok]
        if not len(i):
            return {}
        order = np.lexsort((key, -ov, i))  # per article: highest overlap, then the earliest key
        i, key, ov, js = i[order], key[order], ov[order], js[order]
        top = np.concatenate(([True], i[1:] != i[:-1]))
        return {
            a: (b, c, d)
            for a, b, c, d in zip(
                i[top].tolist(), key[top].tolist(), ov[top].tolist(), js[top].tolist(), strict=True
            )
        }
