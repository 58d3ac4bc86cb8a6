"""Shared fixtures: briefs of the shipped example and of the seeds (skipped when absent)."""

from __future__ import annotations

import pytest

from datapaths import EXAMPLE, SEEDS, need


@pytest.fixture(scope="session")
def example_brief() -> dict:
    import storyline
    from storyline.ingest import read_paths

    articles, errors = read_paths([str(EXAMPLE)])
    assert not errors
    return storyline.brief(articles).to_dict()


@pytest.fixture(scope="session")
def seeds_brief() -> dict:
    import storyline
    from storyline.ingest import read_paths

    articles, _ = read_paths([str(need(SEEDS))])
    return storyline.brief(articles).to_dict()
