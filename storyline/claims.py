"""Claims: claim groups -> :class:`~storyline.model.Claim` with support, status and a representative text."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .align import Alignment
from .model import Claim, Mention
from .provenance import Provenance

STATUS_ORDER = {"consensus": 0, "partial": 1, "single": 2}


def claim_status(independent: int, total_independent: int, n_sources: int, total_sources: int) -> str:
    """``consensus``: every independent source carries it; ``partial``: two or more; ``single``: one."""
    if total_sources > 1 and (independent >= total_independent or n_sources == total_sources):
        return "consensus"
    if independent >= 2:
        return "partial"
    return "single"


def centrality(alignment: Alignment) -> np.ndarray:
    """Cosine of each sentence's stem vector with the story's centroid (a TF-IDF-weighted bag)."""
    bank = alignment.bank
    if len(bank) == 0:
        return np.zeros(0)
    if bank.idf_weights is not None:
        x = bank.weighted
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        centroid = np.asarray(x.sum(axis=0)).ravel()
        dots = x @ centroid
    else:  # binary bags: every sum below is a small integer, exact in any order
        rows, width = bank.rows["unigrams"]
        cols = np.fromiter((c for r in rows for c in r), dtype=np.int64)
        centroid = np.bincount(cols, minlength=max(width, 1)).astype(np.float64)
        owner = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
        dots = np.bincount(owner, weights=centroid[cols], minlength=len(rows))
        norms = np.sqrt(bank.length)
    c_norm = np.linalg.norm(centroid)
    if c_norm == 0:
        return np.zeros(len(bank))
    return dots / (np.maximum(norms, 1e-9) * c_norm)


def representative(
    alignment: Alignment, members: list[int], rank: dict[str, int], loaded: Callable[[str], float] | None
) -> int:
    """The mention that agrees most with the others, is most neutral, longest, from the earliest source."""
    if len(members) == 1:
        return members[0]
    sents = alignment.sentences

    def key(k: int) -> tuple[float, int, int]:
        agree = sum(alignment.score(k, m) for m in members if m != k)
        penalty = loaded(sents[k].text) if loaded else 0.0
        return (-(agree - penalty), -len(sents[k].text), rank[sents[k].article])

    return min(members, key=key)


def _mean(values: list[float]) -> float:
    """``float(np.mean(values))``: numpy adds fewer than 8 numbers one by one, as done here."""
    if len(values) >= 8:
        return float(np.mean(values))
    total = 0.0
    for v in values:
        total += v
    return total / len(values)


def build_claims(
    alignment: Alignment,
    prov: Provenance,
    order: list[str],
    loaded: Callable[[str], float] | None = None,
) -> list[Claim]:
    """One claim per group; ids ``c1``.. in order of support, then position in the articles."""
    sents = alignment.sentences
    rank = {a: k for k, a in enumerate(order)}
    total_indep = max(prov.independent, 1)
    cent = centrality(alignment).tolist()
    drafts = []
    for group in alignment.groups:
        members = sorted(group, key=lambda k: rank[sents[k].article])
        sources = [sents[k].article for k in members]
        indep = prov.independent_count(sources)

        rep = representative(alignment, members, rank, loaded)
        position = _mean([sents[k].position for k in members])
        drafts.append(
            (indep, len(sources), position, members, sources, rep, _mean([cent[k] for k in members]))
        )
    drafts.sort(key=lambda d: (-d[0], -d[1], d[2]))
    claims = []
    for n, (indep, n_src, position, members, sources, rep, c) in enumerate(drafts, 1):
        claims.append(
            Claim(
                id=f"c{n}",
                text=sents[rep].text,
                status=claim_status(indep, total_indep, n_src, len(order)),
                sources=sources,
                independent_sources=indep,
                mentions=[Mention(source=sents[k].article, text=sents[k].text, sentence=k) for k in members],
                score=c,
                position=position,
                representative=rep,
            )
        )
    return claims


def omissions(claims: list[Claim], prov: Provenance, source: str) -> list[str]:
    """Well-supported claims (carried by a majority of the independent sources, at least two) a source leaves out."""
    need = max(2, prov.independent // 2 + 1)
    return [c.id for c in claims if c.independent_sources >= need and source not in c.sources]
