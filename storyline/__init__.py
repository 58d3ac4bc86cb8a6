"""storyline: many overlapping news reports of one event -> one source-attributed account.

Stage modules are named for what they do (``textsim``, ``pipeline``, ``grouping``) so that they never
shadow the API functions of the same purpose. Public API (the contract): :func:`brief`, :func:`cluster`, :func:`similarity`, :func:`same_claim`,
and the nouns :class:`Article` and :class:`Brief`.
"""

from __future__ import annotations

from typing import Any

from .model import Article, Brief

__version__ = "0.1.0"
__all__ = ["Article", "Brief", "brief", "cluster", "similarity", "same_claim", "__version__"]


def brief(articles: Any, **options: Any) -> Brief:
    """Build the :class:`Brief` of one story from ``Article`` objects or dicts."""
    from .pipeline import build_brief

    return build_brief(articles, **options)


def cluster(articles: Any, **options: Any) -> list[list[str]]:
    """Group articles into stories; returns lists of article ids."""
    from .grouping import cluster_articles

    return cluster_articles(articles, **options)


def similarity(a: str, b: str) -> float:
    """Sentence similarity in [0, 1] (lexical, number- and entity-aware)."""
    from .textsim import similarity as _similarity

    return _similarity(a, b)


def same_claim(a: str, b: str) -> bool:
    """Whether two sentences state the same claim."""
    from .textsim import same_claim as _same_claim

    return _same_claim(a, b)
