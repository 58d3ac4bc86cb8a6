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
from .framing import loaded_terms, loaded_terms_of_parts
from .model import Article, Brief, SourceReport
from .provenance import provenance
from .segment import content_stem_tuple, word_count
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


SMALL_TITLES = 24  # up to this many titles, pairwise overlaps are counted with sets (no sparse matrix)


def _title_agreement(titles: list[str]) -> list[float]:
    """Each title's mean Dice overlap of content stems with every other title, rounded to 12 decimals
    (equal overlaps tie, the first title wins).

    The overlaps are exact small integers, counted with sets (few titles) or one sparse product (many),
    so every path gives bit-identical scores.
    """
    n = len(titles)
    bags = [set(content_stem_tuple(normalize(t))) for t in titles]
    if 2 <= n <= 3:  # at most two scores to add per title: plain floats give numpy's sum and rounding exactly
        out = []
        for i, a in enumerate(bags):
            total = 0.0
            for j, b in enumerate(bags):
                if j != i:
                    total += 2 * len(a & b) / max(len(a) + len(b), 1)
            out.append(round(total / (n - 1) * 1e12) / 1e12)  # np.round(x, 12) is rint(x * 1e12) / 1e12
        return out
    if 0 < n <= SMALL_TITLES:
        counts = [[len(a & b) for b in bags] for a in bags]
        shared = np.array(counts, dtype=float)
        size = np.diagonal(shared).copy()
    else:
        from scipy import sparse

        vocab: dict[str, int] = {}
        rows, cols = [], []
        for r, bag in enumerate(bags):
            for stem in bag:
                rows.append(r)
                cols.append(vocab.setdefault(stem, len(vocab)))
        x = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(len(vocab), 1)))
        shared = (x @ x.T).toarray()
        size = np.asarray(x.sum(axis=1)).ravel()
    dice = 2 * shared / np.maximum(size[:, None] + size[None, :], 1)
    np.fill_diagonal(dice, 0.0)
    return np.round(dice.sum(axis=1) / (n - 1), 12).tolist()


def story_title(articles: list[Article], claims: list, fallback_words: int = 14) -> str:
    """The title sharing most words with the other titles, and neutral; else the top claim, shortened."""
    titles = [a.title for a in articles if a.title]
    if len(titles) == 1:
        return titles[0]
    if titles:
        # score = agreement - 0.2 * loaded terms; the first best wins. Titles are scored in order of
        # agreement, their upper bound, until no later one can reach (or, earlier, tie) the best score.
        agree = _title_agreement(titles)
        best, top = -1, 0.0
        for k in sorted(range(len(titles)), key=lambda k: (-agree[k], k)):
            if best >= 0 and (agree[k] < top or (agree[k] == top and k > best)):
                break
            score = agree[k] - 0.2 * _loaded_count(titles[k])
            if best < 0 or score > top or (score == top and k < best):
                best, top = k, score
        return titles[best]
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
    parts: dict[str, list[str]] = {a.id: [] for a in cleaned}  # each article's sentences
    for s in alignment.sentences:
        parts[s.article].append(s.text)
    sources = [
        SourceReport(
            id=a.id,
            name=a.name,
            path=a.path,
            title=a.title,
            words=word_count(a.text),
            boilerplate_removed=list(a.boilerplate_removed),
            loaded_terms=loaded_terms_of_parts(a.text, parts[a.id]),
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
