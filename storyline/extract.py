"""Cached fact extraction: a pile of copies repeats the same sentences, so each is analysed once."""

from __future__ import annotations

from functools import lru_cache

from . import facts
from .facts import DateMention, Quantity


@lru_cache(maxsize=65536)
def quantities(text: str) -> tuple[Quantity, ...]:
    """:func:`storyline.facts.extract_quantities`, cached per sentence text."""
    return tuple(facts.extract_quantities(text))


@lru_cache(maxsize=65536)
def dates(text: str) -> tuple[DateMention, ...]:
    """:func:`storyline.facts.extract_dates`, cached per sentence text."""
    return tuple(facts.extract_dates(text))
