"""Story assignment on the driver, in the local engine's order, from features computed by workers.

The local story assignment (:class:`storyline.grouping.StoryClusterer`) is order-dependent: each
article joins the most similar story that exists when it comes, then fragments merge and look-alike
events split. Its result depends on every earlier decision, so the Ray engine runs this one step on the
driver, in the same order and with the same code, fed with terms, dates and duplicate hints that the
workers computed in parallel. That makes the stories identical to the local engine's; the price is
that this step does not get faster with more workers (see ``docs/scale.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..corpus import evict_stories
from ..grouping import WINDOW_DAYS, StoryClusterer, cluster_terms


def date_order(dates: Sequence[float | None]) -> list[int]:
    """The order :func:`storyline.grouping.cluster_articles` takes articles in."""
    from .. import grouping

    fn = getattr(grouping, "date_order", None) or grouping._date_order
    return fn(dates)


def batch_stories(
    ids: Sequence[str], terms: Sequence[dict[str, float]], dates: Sequence[float | None], **options: Any
) -> list[list[str]]:
    """Stories as :func:`storyline.grouping.cluster_articles` makes them (ids per story)."""
    if not ids:
        return []
    order = date_order(dates)
    groups = cluster_terms([terms[i] for i in order], [dates[i] for i in order], **options)
    return [[ids[order[j]] for j in sorted(g, key=lambda j: order[j])] for g in groups]


class OnlineStories:
    """The story side of :class:`storyline.corpus.Ingestor` on an empty store: batch by batch, with
    duplicate hints, stories outside the time window and beyond ``max_active`` forgotten.

    Articles are identified by their store rowid, which on an empty store is their position
    (from 1) among the articles added.
    """

    def __init__(self, *, window_days: float = WINDOW_DAYS, max_active: int = 20_000, **options: Any) -> None:
        self.clusterer = StoryClusterer(window_days=window_days, **options)
        self.window = window_days * 86400.0
        self.max_active = max_active
        self.index_of: dict[int, int] = {}  # rowid -> clusterer index (active articles)
        self.rowid_of: list[int] = []
        self.newest: float | None = None
        self.touch: dict[int, int] = {}
        self.batches = 0
        self.touched: set[int] = set()  # stories the last batch touched (alive after it)
        self.changed: set[int] = set()  # stories whose rows the last batch changed (to refresh in a store)
        self.rebuilt: set[int] = set()  # of which merged, split or given older rows (refreshed from all rows)
        self.moves: list[tuple[int, list[int]]] = []  # (story, rowids) the last batch moved
        self.created = 0  # stories the last batch created

    def skip_batch(self) -> None:
        """A read batch with nothing new in it (the local ingest still counts it)."""
        self.batches += 1

    def add_batch(
        self,
        rowids: Sequence[int],
        terms: Sequence[dict[str, float]],
        dates: Sequence[float | None],
        earlier: Sequence[int | None],
    ) -> list[int]:
        """Assign one batch; ``earlier[j]`` is the rowid the article copies (or None)."""
        self.batches += 1
        c = self.clusterer
        start = len(c.terms)
        here = {
            rowid: start + j for j, rowid in enumerate(rowids)
        }  # a copy of this batch's article: a hint too
        hints = [None if e is None else here.get(e, self.index_of.get(e)) for e in earlier]
        c.changes.clear()
        before = set(c.stories)
        stories = c.add(list(terms), list(dates), hints=hints)
        self.touched = {s for s in stories if s in c.stories}
        self.created = len(set(c.stories) - before)
        for j, rowid in enumerate(rowids):
            self.rowid_of.append(rowid)
            self.index_of[rowid] = start + j
        self.rebuilt = {k for old, new, _ in c.changes for k in (old, new)}
        changed = set(stories) | self.rebuilt
        self.changed = changed
        self.moves = [(new, [self.rowid_of[i] for i in members]) for _old, new, members in c.changes]
        dated = [d for d in dates if d is not None]
        if dated:
            self.newest = max(dated) if self.newest is None else max(self.newest, max(dated))
        for s in changed:
            self.touch[s] = self.batches
        self._evict()
        return stories

    def _evict(self) -> None:
        evict_stories(self)

    def final_stories(self) -> list[int]:
        """The story of every article added, after all merges and splits (what the store holds)."""
        return list(self.clusterer.story_of)
