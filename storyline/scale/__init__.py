"""The corpus pipeline on Ray: the same duplicate groups and stories as the local engine, more cores.

``pip install 'storyline[ray]'``; then :func:`run_cluster_ray` (``storyline cluster --engine ray``) and
:func:`run_ingest_ray` (``storyline ingest --engine ray``), on a local Ray or an existing cluster
(``address=``). See ``docs/scale.md`` for the stage graph, measured costs and projections.
"""

from __future__ import annotations

from typing import Any

__all__ = ["run_cluster_ray", "run_ingest_ray"]


def run_cluster_ray(*args: Any, **kwargs: Any) -> Any:
    from .pipeline import run_cluster_ray as fn

    return fn(*args, **kwargs)


def run_ingest_ray(*args: Any, **kwargs: Any) -> Any:
    from .pipeline import run_ingest_ray as fn

    return fn(*args, **kwargs)
