"""Readers for the labelled evaluation sets.

Three formats (see ``../shared/data/dev/``):

* summary stories (NeuS): JSON lines ``{id, articles: [{id, source, title, text}], reference}``;
* labelled article sets (ECB+, UCI, BASIL): JSON lines ``{id, story, source, title, text, date, url}``
  where ``story`` is the gold label;
* sentence pairs (MSRP): tab-separated ``label, sentence1, sentence2`` (or the original five-column
  layout ``Quality, #1 ID, #2 ID, #1 String, #2 String`` with its header line).

Every reader raises :class:`storyline.errors.InputError` with one clear line when a file does not
have the expected shape.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError

ARTICLE_KEYS = ("id", "source", "title", "text", "date", "url")


@dataclass
class SummaryStory:
    """One story to summarise: the outlets' articles (no gold fields) and the reference summary."""

    id: str
    articles: list[dict[str, Any]]
    reference: str


@dataclass
class Pair:
    """A sentence pair with its gold label (1 = same meaning)."""

    label: int
    a: str
    b: str


def _check_file(path: str | Path) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if not p.is_file():
        raise InputError(f"{p}: not a file")
    return p


def _json_lines(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    p = _check_file(path)
    try:
        lines = p.read_text(encoding="utf-8").split("\n")  # not splitlines(): U+2028 may sit in strings
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 text") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{p}:{n}: not a JSON line ({err.msg})") from None
        if not isinstance(row, dict):
            raise InputError(f"{p}:{n}: expected a JSON object per line")
        yield n, row


def _article(row: dict[str, Any], where: str) -> dict[str, Any]:
    """The public article fields of ``row`` (gold fields such as ``story`` are left out)."""
    text = row.get("text")
    if not isinstance(text, str):
        raise InputError(f"{where}: article has no 'text' string")
    art = {k: row.get(k) for k in ARTICLE_KEYS if row.get(k) is not None}
    art["id"] = str(row.get("id", ""))
    return art


def read_stories(path: str | Path, limit: int | None = None) -> list[SummaryStory]:
    """Read NeuS-style stories; articles whose text is blank are dropped (an empty lead is no article)."""
    stories: list[SummaryStory] = []
    for n, row in _json_lines(path):
        where = f"{path}:{n}"
        if not isinstance(row.get("articles"), list) or not isinstance(row.get("reference"), str):
            raise InputError(
                f"{where}: expected a summary story with 'articles' (list) and 'reference' (string)"
            )
        arts = []
        for i, a in enumerate(row["articles"]):
            if not isinstance(a, dict):
                raise InputError(f"{where}: article {i} is not an object")
            art = _article(a, where)
            art["id"] = art["id"] or f"{row.get('id', n)}-{i}"
            if art["text"].strip():
                arts.append(art)
        if not row["reference"].strip():
            raise InputError(f"{where}: empty reference summary")
        stories.append(SummaryStory(id=str(row.get("id", n)), articles=arts, reference=row["reference"]))
        if limit is not None and len(stories) >= limit:
            break
    if not stories:
        raise InputError(f"{path}: no stories")
    return stories


def read_labelled_articles(
    path: str | Path, limit: int | None = None
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Read a labelled article set: ``(articles without gold fields, {article id: gold story})``."""
    articles: list[dict[str, Any]] = []
    gold: dict[str, str] = {}
    for n, row in _json_lines(path):
        where = f"{path}:{n}"
        if "story" not in row or "id" not in row:
            raise InputError(f"{where}: expected a labelled article with 'id', 'story' and 'text'")
        art = _article(row, where)
        if art["id"] in gold:
            raise InputError(f"{where}: duplicate article id {art['id']!r}")
        gold[art["id"]] = str(row["story"])
        articles.append(art)
        if limit is not None and len(articles) >= limit:
            break
    if not articles:
        raise InputError(f"{path}: no articles")
    return articles, gold


def read_pairs(path: str | Path, limit: int | None = None) -> list[Pair]:
    """Read MSRP-style pairs (three columns, or the original five with a header line)."""
    p = _check_file(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 text") from None
    pairs: list[Pair] = []
    for n, cols in enumerate(csv.reader(text.split("\n"), delimiter="\t", quoting=csv.QUOTE_NONE), 1):
        cols = [c.rstrip("\r") for c in cols]
        if not cols or not any(c.strip() for c in cols):
            continue
        if n == 1 and cols[0].strip().lower() in {"quality", "label"}:
            continue  # header
        if len(cols) == 5:
            cols = [cols[0], cols[3], cols[4]]
        if len(cols) != 3 or cols[0].strip() not in {"0", "1"}:
            raise InputError(f"{p}:{n}: expected a tab-separated pair 'label<TAB>sentence1<TAB>sentence2'")
        pairs.append(Pair(label=int(cols[0]), a=cols[1], b=cols[2]))
        if limit is not None and len(pairs) >= limit:
            break
    if not pairs:
        raise InputError(f"{p}: no sentence pairs")
    return pairs
