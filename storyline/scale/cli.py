"""``--engine local|ray`` and ``--address`` for ``storyline ingest`` / ``storyline cluster``.

The corpus commands (:mod:`storyline.cli_corpus`) add the two options with the annotated types below
and, when ``--engine ray``, call :func:`cluster_with_ray` or :func:`ingest_with_ray` instead of the
local code; both take the same inputs and give the same output as the local engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer


class Engine(StrEnum):
    local = "local"
    ray = "ray"


EngineOption = Annotated[
    Engine,
    typer.Option(
        "--engine", help="local: this process; ray: Ray workers (needs the 'ray' extra of storyline)."
    ),
]
AddressOption = Annotated[
    str | None,
    typer.Option(
        "--address",
        help="Ray cluster to join (auto, host:6379 or ray://host:10001); default: start a local Ray.",
    ),
]
CpusOption = Annotated[
    int | None,
    typer.Option("--cpus", min=1, help="CPUs of the local Ray (default: all); ignored with --address."),
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", help="Also write one row per article (.jsonl or .parquet) (--engine ray)."),
]


def cluster_with_ray(
    paths: Sequence[str],
    *,
    address: str | None = None,
    cpus: int | None = None,
    allow_private: bool = False,
    on_error: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """The rows ``storyline cluster`` prints (``{"id", "story"}`` in input order), computed on Ray.

    Raises :class:`storyline.errors.StorylineError` when no article could be read."""
    from .pipeline import run_cluster_ray

    res = run_cluster_ray(
        paths, address=address, num_cpus=cpus, allow_private=allow_private, on_error=on_error
    )
    return res.rows


def ingest_with_ray(
    inputs: Sequence[str],
    db: str | Path,
    *,
    address: str | None = None,
    cpus: int | None = None,
    batch_size: int = 500,
    fetch: bool = False,
    allow_private: bool = False,
    output: str | Path | None = None,
    on_error: Callable[[str], None] | None = None,
) -> Any:
    """``storyline ingest`` into a new (empty) corpus on Ray; returns the local engine's
    :class:`storyline.corpus.IngestSummary` (same counts, same ``line()``)."""
    from .pipeline import run_ingest_ray

    res = run_ingest_ray(
        inputs,
        db=db,
        output=output,
        address=address,
        num_cpus=cpus,
        batch_size=batch_size,
        fetch=fetch,
        allow_private=allow_private,
        on_error=on_error,
    )
    return res.summary
