"""The nouns every stage shares: Article, Sentence, Claim, Discrepancy, Quote, Brief.

Stages are plain functions over these dataclasses; nothing here does any work beyond
conversion to and from plain dicts (the contract's JSON).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA = "storyline.brief/1"


@dataclass
class Article:
    """One report by one outlet. ``text`` is the cleaned body once :func:`storyline.clean.clean_article` ran."""

    id: str
    text: str
    source: str | None = None  # outlet / site name
    title: str | None = None
    date: str | None = None  # ISO 8601 when known
    url: str | None = None
    path: str | None = None
    raw: str | None = None  # the text as read, before cleaning
    boilerplate_removed: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """Display name: the outlet when known, else the id."""
        return self.source or self.id

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Article:
        """Build from a dict ``{id, source?, title?, text, date?, url?}``; unknown keys go to ``meta``."""
        if not isinstance(row, dict):
            raise TypeError(f"article must be a dict or Article, got {type(row).__name__}")
        text = row.get("text")
        if not isinstance(text, str):
            raise ValueError(f"article {row.get('id')!r} has no 'text' string")
        known = {"id", "text", "source", "title", "date", "url", "path"}
        return cls(
            id=str(row.get("id") or row.get("url") or ""),
            text=text,
            source=_opt_str(row.get("source")),
            title=_opt_str(row.get("title")),
            date=_opt_str(row.get("date")),
            url=_opt_str(row.get("url")),
            path=_opt_str(row.get("path")),
            meta={k: v for k, v in row.items() if k not in known},
        )


def _opt_str(v: Any) -> str | None:
    return None if v is None or v == "" else str(v)


@dataclass
class Sentence:
    """A sentence of one article: ``text`` verbatim after cleaning, ``norm`` for matching."""

    article: str  # article id
    index: int  # position in the article (0-based)
    text: str
    norm: str  # de-obfuscated, quote-normalised, lower-cased
    position: float = 0.0  # index / number of sentences, in [0, 1)


@dataclass
class Mention:
    source: str
    text: str
    sentence: int = -1  # sentence index within the source

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "text": self.text}


@dataclass
class Claim:
    id: str
    text: str
    status: str  # consensus | partial | single
    sources: list[str]
    independent_sources: int
    mentions: list[Mention]
    score: float = 0.0  # centrality of the claim in the story, used by the summary
    position: float = 0.0  # mean relative position of its mentions in their articles
    representative: int = -1  # sentence index (in the story's alignment) whose text is ``text``

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "status": self.status,
            "sources": list(self.sources),
            "independent_sources": self.independent_sources,
            "mentions": [m.to_dict() for m in self.mentions],
        }


@dataclass
class Variant:
    text: str
    sources: list[str]


@dataclass
class Discrepancy:
    kind: str  # number | date | quote | attribution
    about: str
    claim: str | None
    variants: list[Variant]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "about": self.about,
            "claim": self.claim,
            "variants": [asdict(v) for v in self.variants],
        }


@dataclass
class Quote:
    text: str
    speaker: str | None
    sources: list[str]
    exact: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Derivation:
    source: str  # the article this one was derived from
    overlap: float  # fraction of this article's text found in ``source``

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "overlap": round(self.overlap, 3)}


@dataclass
class SourceReport:
    id: str
    name: str
    path: str | None
    title: str | None
    words: int
    boilerplate_removed: list[str] = field(default_factory=list)
    loaded_terms: list[str] = field(default_factory=list)
    derived_from: list[Derivation] = field(default_factory=list)
    omits: list[str] = field(default_factory=list)
    url: str | None = None
    date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {
            "id": self.id,
            "name": self.name,
            "path": self.path,
            "title": self.title,
            "words": self.words,
            "boilerplate_removed": list(self.boilerplate_removed),
            "loaded_terms": list(self.loaded_terms),
            "derived_from": [x.to_dict() for x in self.derived_from],
            "omits": list(self.omits),
        }
        if self.url:
            d["url"] = self.url
        if self.date:
            d["date"] = self.date
        return d


@dataclass
class SummarySentence:
    text: str
    sources: list[str]
    claim: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "sources": list(self.sources), "claim": self.claim}


@dataclass
class Brief:
    """The account of one story; :meth:`to_dict` gives the ``storyline.brief/1`` JSON."""

    title: str
    sources: list[SourceReport]
    claims: list[Claim]
    discrepancies: list[Discrepancy]
    quotes: list[Quote]
    summary: list[SummarySentence]
    independent_sources: int
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "story": {
                "title": self.title,
                "articles": len(self.sources),
                "independent_sources": self.independent_sources,
            },
            "sources": [s.to_dict() for s in self.sources],
            "claims": [c.to_dict() for c in self.claims],
            "discrepancies": [d.to_dict() for d in self.discrepancies],
            "quotes": [q.to_dict() for q in self.quotes],
            "summary": [s.to_dict() for s in self.summary],
        }
