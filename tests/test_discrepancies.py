"""Date discrepancies: sources that state different dates for the same thing, and only those."""

from __future__ import annotations

import storyline

BASE = (
    "The old footbridge over the Wend river in Larkmoor collapsed {when}, injuring four walkers, "
    "the county fire service said{said}."
)
OTHER = "Engineers had closed the bridge to cyclists last spring after finding rust in its main cables."


def _dates(*variants: tuple[str, str]) -> list[dict]:
    articles = [
        {"id": f"s{k}", "text": BASE.format(when=when, said=said) + " " + OTHER}
        for k, (when, said) in enumerate(variants)
    ]
    brief = storyline.brief(articles).to_dict()
    return [d for d in brief["discrepancies"] if d["kind"] == "date"]


def test_different_dates_for_the_same_event_are_a_discrepancy():
    found = _dates(("on Monday", ""), ("on Tuesday", ""))
    assert len(found) == 1
    assert {v["text"]: v["sources"] for v in found[0]["variants"]} == {"Monday": ["s0"], "Tuesday": ["s1"]}


def test_a_second_date_beside_the_shared_one_is_not_a_discrepancy():
    # s1 gives the same day as s0 and, besides it, the day of the statement
    assert _dates(("on Monday", ""), ("on Monday", " on Tuesday")) == []
    assert _dates(("on Monday", " on Tuesday"), ("on Monday", "")) == []
