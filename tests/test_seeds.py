"""The acceptance checks of the core brief on the five real seed reports (skipped when absent)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.data


def _by_prefix(brief: dict, prefix: str) -> dict:
    return next(s for s in brief["sources"] if s["id"].startswith(prefix))


def test_body_bags_remark_single_source(seeds_brief):
    claims = [c for c in seeds_brief["claims"] if any("body bags" in m["text"] for m in c["mentions"])]
    assert claims and all(len(c["sources"]) == 1 and c["sources"][0].startswith("003") for c in claims)
    quotes = [q for q in seeds_brief["quotes"] if "body bags" in q["text"]]
    assert quotes and quotes[0]["sources"][0].startswith("003") and "Kirby" in (quotes[0]["speaker"] or "")


def test_over_10000_troops_exactly_three_sources(seeds_brief):
    claims = [c for c in seeds_brief["claims"] if any("10,000" in m["text"] for m in c["mentions"])]
    assert len(claims) == 1
    assert sorted(s[:3] for s in claims[0]["sources"]) == ["001", "003", "004"]


def test_casualty_figure_is_a_discrepancy(seeds_brief):
    numbers = [d for d in seeds_brief["discrepancies"] if d["kind"] == "number"]
    assert any(any("3,000" in v["text"] for v in d["variants"]) for d in numbers)


def test_junk_removed_and_reported(seeds_brief):
    assert "Advertisements" in _by_prefix(seeds_brief, "001")["boilerplate_removed"]
    assert any(
        line.startswith("Stay tuned") for line in _by_prefix(seeds_brief, "003")["boilerplate_removed"]
    )


def test_rewrite_found_and_fewer_independent_sources(seeds_brief):
    assert any(s["derived_from"] for s in seeds_brief["sources"])
    assert seeds_brief["story"]["independent_sources"] < 5
