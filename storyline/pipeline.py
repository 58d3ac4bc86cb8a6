"""The brief of one story: clean -> align -> provenance -> claims -> facts -> framing -> summary."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .align import align
from .claims import build_claims, omissions
from .clean import clean_article, normalize
from .discrepancies import find_discrepancies, quotes_and_discrepancies
from .errors import InputError
from .framing import loaded_terms
from .model import Article, Brief, SourceReport
from .provenance import provenance
from .segment import content_stems, word_count
from .summarize import DEFAULT_WORDS, summarize

MAX_ARTICLES = 2000  # one brief; corpora go through `storyline ingest`


def as_articles(items: Iterable[Article | dict[str, Any]]) -> tuple[list[Article], list[str]]:
    """Accept Articles or dicts; returns ``(articles, errors)`` with unique ids."""
    out: list[Article] = []
    errors: list[str] = []
    seen: set[str] = set()
    for k, item in enumerate(items):
        try:
            art = item if isinstance(item, Article) else Article.from_dict(item)
        except (TypeError, ValueError) as exc:
            errors.append(f"article {k + 1}: {exc}")
            continue
        if not art.id:
            art.id = f"a{k + 1}"
        base, n = art.id, 1
        while art.id in seen:
            n += 1
            art.id = f"{base}-{n}"
        seen.add(art.id)
        out.append(art)
    return out, errors


def _loaded_count(text: str) -> float:
    return float(len(loaded_terms(text)))


def _title_agreement(titles: list[str]) -> np.ndarray:
    """Each title's mean Dice overlap of content stems with every other title (one sparse product)."""
    from scipy import sparse

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for r, t in enumerate(titles):
        for stem in set(content_stems(normalize(t))):
            rows.append(r)
            cols.append(vocab.setdefault(stem, len(vocab)))
    n = len(titles)
    x = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(len(vocab), 1)))
    shared = (x @ x.T).toarray()
    size = np.asarray(x.sum(axis=1)).ravel()
    dice = 2 * shared / np.maximum(size[:, None] + size[None, :], 1)
    np.fill_diagonal(dice, 0.0)
    return np.round(dice.sum(axis=1) / (n - 1), 12)  # (rounded: equal overlaps tie, the first title wins)


def story_title(articles: list[Article], claims: list, fallback_words: int = 14) -> str:
    """The title sharing most words with the other titles, and neutral; else the top claim, shortened."""
    titles = [a.title for a in articles if a.title]
    if len(titles) == 1:
        return titles[0]
    if titles:
        score = _title_agreement(titles) - 0.2 * np.array([_loaded_count(t) for t in titles])
        return titles[int(np.argmax(score))]
    if claims:
        words = claims[0].text.split()
        return " ".join(words[:fallback_words]) + (" ..." if len(words) > fallback_words else "")
    return "Untitled story"


def build_brief(
    articles: Iterable[Article | dict[str, Any]],
    *,
    words: int = DEFAULT_WORDS,
    title: str | None = None,
) -> Brief:
    """Build the :class:`~storyline.model.Brief` of one story.

    Raises :class:`~storyline.errors.InputError` when no usable article remains; otherwise problems
    with single articles are listed in ``Brief.errors`` and the rest is processed.
    """
    arts, errors = as_articles(articles)
    if len(arts) > MAX_ARTICLES:
        raise InputError(f"{len(arts)} articles in one brief (limit {MAX_ARTICLES}); use `storyline ingest`")
    cleaned: list[Article] = []
    for art in arts:
        c = clean_article(art)
        if len(c.text.strip()) < 15:  # not even one short sentence (any script)
            errors.append(f"{art.path or art.id}: no article text after cleaning")
            continue
        cleaned.append(c)
    if not cleaned:
        raise InputError(errors[0] if errors else "no articles given")
    order = [a.id for a in cleaned]
    alignment = align(cleaned)
    prov = provenance(cleaned, alignment)
    claims = build_claims(alignment, prov, order, loaded=_loaded_count)
    quotes, quote_discrepancies = quotes_and_discrepancies(cleaned, alignment, claims)
    discrepancies = find_discrepancies(claims, alignment) + quote_discrepancies
    summary = summarize(
        claims,
        alignment,
        words=words,
        titles=[a.title for a in cleaned if a.title],
    )
    sources = [
        SourceReport(
            id=a.id,
            name=a.name,
            path=a.path,
            title=a.title,
            words=word_count(a.text),
            boilerplate_removed=list(a.boilerplate_removed),
            loaded_terms=loaded_terms(a.text),
            derived_from=prov.derived_from.get(a.id, []),
            omits=omissions(claims, prov, a.id),
            url=a.url,
            date=a.date,
        )
        for a in cleaned
    ]
    return Brief(
        title=title or story_title(cleaned, claims),
        sources=sources,
        claims=claims,
        discrepancies=discrepancies,
        quotes=quotes,
        summary=summary,
        independent_sources=prov.independent,
        errors=errors,
    )
