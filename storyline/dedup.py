"""Exact and near-duplicate articles: content hashes, vectorised MinHash and LSH banding.

MinHash here is plain numpy over a whole batch at once: word 3-shingles are hashed to 32 bits with a
stable hash (so signatures can be stored and compared across runs) and signed with one-permutation
hashing (:class:`MinHasher`). It estimates the same Jaccard similarity as ``datasketch.MinHash``; see
``bench/bench_ingest.py`` for the side-by-side measurement of speed and agreement.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

NUM_PERM = 128
BANDS = 32  # 32 bands x 4 rows: pairs with Jaccard >= ~0.5 become candidates with probability > 0.95
SHINGLE = 3
NEAR_JACCARD = 0.5  # estimated Jaccard at or above which two articles are near copies
NEAR_CONTAINMENT = 0.8  # ... or this share of the newer article's shingles is in the earlier one
_PUNCT = re.compile(r"[^\w\s]+")
_MASK32 = np.uint64(0xFFFFFFFF)


def content_hash(text: str) -> str:
    """SHA-1 of the text with case, punctuation and white space folded (exact-copy key)."""
    return hashlib.sha1(" ".join(_PUNCT.sub(" ", text.lower()).split()).encode("utf-8")).hexdigest()


def words(text: str) -> list[str]:
    """Lower-case words without punctuation (the shingling tokens)."""
    return _PUNCT.sub(" ", text.lower()).split()


_P = 1_000_003  # odd, so invertible modulo 2**64
_PINV = pow(_P, -1, 2**64)
_ASCII_WORD = np.zeros(128, dtype=bool)
for _c in "abcdefghijklmnopqrstuvwxyz0123456789":
    _ASCII_WORD[ord(_c)] = True


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
    n = len(texts)
    hashes: list[np.ndarray] = []
    counts = np.zeros(n, dtype=np.int64)
    i = 0
    while i < n:
        j, size = i, 0
        while j < n and (j == i or size + len(texts[j]) < chunk_chars):
            size += len(texts[j]) + 1
            j += 1
        h, c = _token_hashes(texts[i:j])
        hashes.append(h)
        counts[i:j] = c
        i = j
    flat = np.concatenate(hashes) if hashes else np.zeros(0, np.uint64)
    return flat, counts


def _token_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    n = len(texts)
    joined = "\x00".join(texts).lower() + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    small = codes < 128
    isword = _ASCII_WORD[np.where(small, codes, 0)]
    isword |= ~small
    isword &= ~(
        ((codes >= 0x2000) & (codes <= 0x206F))
        | ((codes >= 0x3000) & (codes <= 0x303F))
        | ((codes >= 0x80) & (codes <= 0xBF))  # Latin-1 punctuation and symbols
    )
    edge = np.diff(isword.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edge == 1)
    ends = np.flatnonzero(edge == -1)  # exclusive
    pw, pinv = _powers(len(codes) + 1)
    with np.errstate(over="ignore"):
        prefix = np.empty(len(codes) + 1, dtype=np.uint64)
        prefix[0] = 0
        np.cumsum(codes * pw[: len(codes)], out=prefix[1:])
        h = (prefix[ends] - prefix[starts]) * pinv[starts]
        h ^= h >> np.uint64(31)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(29)
    seps = np.flatnonzero(codes == 0)  # one after each text
    owner = np.searchsorted(seps, starts)
    return h, np.bincount(owner, minlength=n)[:n].astype(np.int64)


def shingle_hashes(texts: Sequence[str], k: int = SHINGLE) -> list[np.ndarray]:
    """Unique 32-bit hashes of the word k-shingles of each text (a text shorter than k words gives one
    shingle of all its words; an empty text none)."""
    flat, lens = token_hashes(texts)
    n = len(lens)
    ends = np.cumsum(lens)
    starts = ends - lens
    with np.errstate(over="ignore"):
        combo = flat * np.uint64(0x9E3779B97F4A7C15)
        for j in range(1, k):
            nxt = np.zeros_like(flat)
            nxt[:-j] = flat[j:]
            combo = (combo ^ (combo >> np.uint64(29))) * np.uint64(0xC2B2AE3D27D4EB4F) + nxt
        mixed = (combo ^ (combo >> np.uint64(32))) & _MASK32
    # shingle i of a text is valid when it starts at least k words before the text's end
    doc = np.repeat(np.arange(n, dtype=np.uint64), lens)
    pos = np.arange(len(flat)) - np.repeat(starts, lens)
    valid = pos <= np.repeat(lens, lens) - k
    keys = (doc[valid] << np.uint64(32)) | mixed[valid]
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
    owner = (keys >> np.uint64(32)).astype(np.int64)
    bounds = np.searchsorted(owner, np.arange(n + 1))
    vals = keys & _MASK32
    return [vals[bounds[i] : bounds[i + 1]] for i in range(n)]


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
        n, k = len(shingles), self.num_perm
        empty = np.uint32(0xFFFFFFFF)
        if n == 0:
            return np.zeros((0, k), dtype=np.uint32)
        sizes = np.fromiter((len(s) for s in shingles), dtype=np.int64, count=n)
        flat = np.concatenate(shingles).astype(np.uint64) if sizes.sum() else np.zeros(0, np.uint64)
        doc = np.repeat(np.arange(n, dtype=np.uint64), sizes)
        with np.errstate(over="ignore"):
            h = flat * self.a + self.b
            h ^= h >> np.uint64(31)
            h *= np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(27)
        cell = doc * np.uint64(k) + (h >> self.bits)
        vals = (h & _MASK32).astype(np.uint32)
        vals[vals == empty] -= np.uint32(1)  # keep the all-ones value for "empty"
        sig = np.full(n * k, empty, dtype=np.uint32)
        np.minimum.at(sig, cell.astype(np.intp), vals)
        sig = sig.reshape(n, k)
        return _densify(sig, empty)


def _densify(sig: np.ndarray, empty: np.uint32) -> np.ndarray:
    """Fill each empty bin from the next non-empty bin to its right (circularly), offset by distance."""
    n, k = sig.shape
    missing = sig == empty
    if not missing.any():
        return sig
    full = ~missing
    idx = np.where(np.concatenate([full, full], axis=1), np.arange(2 * k)[None, :], 4 * k)
    nxt = np.minimum.accumulate(idx[:, ::-1], axis=1)[:, ::-1][:, :k]
    rows = np.arange(n)[:, None]
    ok = nxt < 2 * k
    src = np.where(ok, nxt % k, 0)
    dist = (nxt - np.arange(k)[None, :]).astype(np.uint64)
    with np.errstate(over="ignore"):
        filled = (sig[rows, src].astype(np.uint64) + dist * np.uint64(0x9E3779B9)) & _MASK32
    out = np.where(missing & ok, filled.astype(np.uint32), sig)
    out[~full.any(axis=1)] = empty
    return out


def jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray | float:
    """Estimated Jaccard similarity: share of equal MinHash values (row-wise for 2-D input)."""
    return np.mean(sig_a == sig_b, axis=-1)


def containment(j: float, size_a: int, size_b: int) -> float:
    """Share of A's shingles found in B given their Jaccard similarity and set sizes."""
    if size_a <= 0:
        return 0.0
    inter = j * (size_a + size_b) / (1.0 + j)
    return float(min(1.0, inter / size_a))


@dataclass
class Match:
    """A near or exact copy: this article repeats ``earlier`` (an index or key) with ``overlap``."""

    earlier: int
    overlap: float  # share of this article's shingles found in the earlier one
    jaccard: float
    exact: bool


class LSHIndex:
    """Banded LSH over MinHash signatures, in memory, holding at most ``capacity`` items.

    Signatures sit in one ``(capacity, num_perm)`` array used as a ring: inserting into a full index
    evicts the oldest item, so memory stays flat however long the stream. Keys are integers.
    """

    def __init__(self, num_perm: int = NUM_PERM, bands: int = BANDS, capacity: int = 200_000) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        self.bands, self.rows, self.capacity = bands, num_perm // bands, capacity
        self.tables: list[dict[int, list[int]]] = [{} for _ in range(bands)]
        self.mat = np.zeros((min(capacity, 1024), num_perm), dtype=np.uint32)
        self.sizes = np.zeros(len(self.mat), dtype=np.int64)
        self.slot_of: dict[int, int] = {}
        self.key_at: list[int | None] = []
        self._bkeys: list[list[int]] = []
        self._next = 0
        self._w = np.random.default_rng(7).integers(1, 2**63, size=self.rows, dtype=np.uint64)

    def band_keys(self, sigs: np.ndarray) -> np.ndarray:
        """``(n, bands)`` integer keys, one per band."""
        s = sigs.astype(np.uint64).reshape(len(sigs), self.bands, self.rows)
        with np.errstate(over="ignore"):
            return (s * self._w).sum(axis=2)

    def insert(self, key: int, sig: np.ndarray, size: int, bkeys: np.ndarray | None = None) -> int | None:
        """Insert an item; returns the key it evicted (the oldest) when the index was full."""
        bk = (self.band_keys(sig[None, :])[0] if bkeys is None else bkeys).tolist()
        slot = self._next % self.capacity
        self._next += 1
        evicted = None
        if slot < len(self.key_at):
            evicted = self.key_at[slot]
            if evicted is not None:
                self._unlink(evicted, slot, self._bkeys[slot])
            self.key_at[slot], self._bkeys[slot] = key, bk
        else:
            if slot >= len(self.mat):
                grow = min(self.capacity, 2 * len(self.mat))
                self.mat = np.resize(self.mat, (grow, self.mat.shape[1]))
                self.sizes = np.resize(self.sizes, grow)
            self.key_at.append(key)
            self._bkeys.append(bk)
        self.mat[slot] = sig
        self.sizes[slot] = size
        self.slot_of[key] = slot
        for t, k in zip(self.tables, bk, strict=True):
            t.setdefault(k, []).append(slot)
        return evicted

    def _unlink(self, key: int, slot: int, bk: list[int]) -> None:
        if self.slot_of.get(key) == slot:
            del self.slot_of[key]
        for t, k in zip(self.tables, bk, strict=True):
            lst = t.get(k)
            if lst:
                try:
                    lst.remove(slot)
                except ValueError:
                    pass
                if not lst:
                    del t[k]

    def candidate_slots(self, bkeys: np.ndarray) -> np.ndarray:
        """Slots of the items sharing at least one band with ``bkeys``, ascending."""
        out: set[int] = set()
        for t, k in zip(self.tables, bkeys.tolist(), strict=True):
            hit = t.get(k)
            if hit:
                out.update(hit)
        return np.fromiter(out, dtype=np.int64, count=len(out))

    def candidates(self, sig: np.ndarray, bkeys: np.ndarray | None = None) -> set[int]:
        """Keys of the items sharing at least one band with ``sig``."""
        bk = self.band_keys(sig[None, :])[0] if bkeys is None else bkeys
        return {self.key_at[s] for s in self.candidate_slots(bk).tolist()}

    def signature(self, key: int) -> np.ndarray:
        return self.mat[self.slot_of[key]]

    def __len__(self) -> int:
        return len(self.slot_of)


class Deduplicator:
    """Finds, for each new article, the earliest stored article it copies (exact or near).

    Keys are caller-chosen integers (row ids); :meth:`add_batch` checks a batch against everything
    inserted before *and* against earlier articles of the same batch, then inserts the batch.
    ``max_items`` bounds memory: the oldest items leave the index (and the exact-hash map) first.
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
        sh = shingle_hashes(texts)
        return self.hasher.signatures(sh), np.fromiter((len(s) for s in sh), dtype=np.int64, count=len(sh))

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
        hashes = list(hashes) if hashes is not None else [content_hash(t) for t in texts]
        if sigs is None or sizes is None:
            sigs, sizes = self.signatures(texts)
        bkeys = self.lsh.band_keys(sigs) if len(sigs) else np.zeros((0, self.lsh.bands), np.uint64)
        out: list[Match | None] = []
        for j, key in enumerate(keys):
            sig, size, h = sigs[j], int(sizes[j]), hashes[j]
            earlier = self.exact.get(h)
            if earlier is not None:
                out.append(Match(earlier, 1.0, 1.0, True))
            else:
                out.append(self._near(sig, size, bkeys[j]))
                self.exact[h] = key
                self.hash_of[key] = h
            self._forget(self.lsh.insert(key, sig, size, bkeys[j]))
        return out, sigs, sizes

    def _near(self, sig: np.ndarray, size: int, bkeys: np.ndarray) -> Match | None:
        if size == 0:
            return None
        slots = self.lsh.candidate_slots(bkeys)
        if not len(slots):
            return None
        keys = np.fromiter((self.lsh.key_at[s] for s in slots.tolist()), dtype=np.int64, count=len(slots))
        order = np.argsort(keys, kind="stable")
        keys, slots = keys[order], slots[order]
        js = (self.lsh.mat[slots] == sig[None, :]).mean(axis=1)
        other = self.lsh.sizes[slots]
        inter = js * (size + other) / (1.0 + js)
        ov = np.minimum(1.0, inter / size)
        ok = (js >= self.near_jaccard) | (ov >= self.near_containment)
        if not ok.any():
            return None
        ov_ok = np.where(ok, ov, -1.0)
        best = int(np.argmax(ov_ok))  # highest overlap; the earliest key among ties
        return Match(int(keys[best]), float(ov[best]), float(js[best]), False)
