"""The per-article work of one shard, done on a worker with the local engine's own functions.

Cleaning (:func:`storyline.clean.clean_article`), content hashes, shingles and MinHash signatures
(:meth:`storyline.dedup.Deduplicator.features`: one pass over the shard's texts, the same seeds and
parameters), ingest keys (:func:`storyline.corpus.ingest_key`), LSH band keys
(:meth:`storyline.dedup.LSHIndex.band_keys`), story terms and dates
(:func:`storyline.grouping.article_terms`, :func:`storyline.grouping.parse_date`). Signatures are
computed for the whole shard at once (vectorised), so a shard is one ``map_batches`` batch.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import Article


@dataclass
class Block:
    """One shard after the per-article work; row ``k`` is the shard's ``k``-th article read.

    ``kept[k]`` is False when cleaning failed or left no text (ingest mode; the reason is in
    ``dropped``). Signature rows of dropped articles are zero and never used.
    """

    articles: list[Article]
    kept: np.ndarray
    hashes: list[str]
    keys: list[str]
    sigs: np.ndarray
    sizes: np.ndarray
    terms: list[dict[str, float]]
    dates: list[float | None]
    errors: list[tuple[int, str]] = field(default_factory=list)  # (articles read before it, line)
    dropped: dict[int, str] = field(default_factory=dict)  # row -> error line

    def __len__(self) -> int:
        return len(self.articles)

    def meta(self) -> dict[str, Any]:
        """What the driver needs to plan the run (small): ids, keys, hashes, kept flags, dates, errors,
        shingle counts and a 128-bit digest of each signature (to find repeated signatures)."""
        return {
            "n": len(self.articles),
            "ids": [a.id for a in self.articles],
            "kept": self.kept,
            "keys": self.keys,
            "hashes": self.hashes,
            "dates": self.dates,
            "errors": self.errors,
            "dropped": self.dropped,
            "sizes": self.sizes,
            "sigkeys": [
                hashlib.blake2b(s.tobytes() + int(z).to_bytes(8, "little"), digest_size=16).digest()
                for s, z in zip(self.sigs, self.sizes.tolist(), strict=True)
            ],
        }


def prepare(items: list[Article | str], *, mode: str = "ingest", num_perm: int | None = None) -> Block:
    """Clean and featurise the articles of one shard (``items`` as :func:`read_shard` yields them).

    ``mode="ingest"`` drops articles that fail to clean or have no text left (as ``Ingestor`` does);
    ``mode="cluster"`` keeps every article (as ``cluster_articles`` does)."""
    from ..clean import clean_article
    from ..corpus import ingest_key
    from ..dedup import NUM_PERM, Deduplicator, content_hash
    from ..grouping import article_terms, parse_date

    arts: list[Article] = []
    errors: list[tuple[int, str]] = []
    for it in items:
        if isinstance(it, str):
            errors.append((len(arts), it))
        else:
            arts.append(it)
    n = len(arts)
    cleaned: list[Article] = []
    kept = np.ones(n, dtype=bool)
    dropped: dict[int, str] = {}
    for k, a in enumerate(arts):
        if mode == "cluster":
            cleaned.append(clean_article(a))
            continue
        try:
            c = clean_article(a)
        except Exception as exc:  # noqa: BLE001 - one bad article never stops the shard
            dropped[k] = f"{a.id}: cannot clean ({type(exc).__name__}: {exc})"
            kept[k] = False
            cleaned.append(a)
            continue
        if not c.text.strip():
            dropped[k] = f"{a.id}: no text left after cleaning"
            kept[k] = False
        cleaned.append(c)
    dd = Deduplicator(num_perm=num_perm or NUM_PERM)
    idx = np.flatnonzero(kept)
    sigs = np.zeros((n, dd.hasher.num_perm), dtype=np.uint32)
    sizes = np.zeros(n, dtype=np.int64)
    hashes = [""] * n
    if len(idx):  # content hashes and signatures from one pass over the kept texts
        h, s, z = dd.features([cleaned[k].text for k in idx.tolist()])
        sigs[idx], sizes[idx] = s, z
        for k, hk in zip(idx.tolist(), h, strict=True):
            hashes[k] = hk
    for k in np.flatnonzero(~kept).tolist():
        hashes[k] = content_hash(cleaned[k].text)
    keys = [ingest_key(a, h) for a, h in zip(cleaned, hashes, strict=True)]
    terms = [article_terms(a.text, a.title) if kept[k] else {} for k, a in enumerate(cleaned)]
    dates = [parse_date(a.date) for a in cleaned]
    return Block(cleaned, kept, hashes, keys, sigs, sizes, terms, dates, errors, dropped)
