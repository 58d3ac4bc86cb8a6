"""Corpus commands: ``ingest``, ``cluster``, ``stories``, ``show`` (registered on the main Typer app)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .cli_common import BriefFormat, InputErrors, error
from .scale.cli import (
    AddressOption,
    CpusOption,
    Engine,
    EngineOption,
    OutputOption,
    cluster_with_ray,
    ingest_with_ray,
)
from .store import STORY_BRIEF_LIMIT

DEFAULT_DB = Path("storyline.db")


class ClusterFormat(StrEnum):
    jsonl = "jsonl"
    json = "json"


class StoriesFormat(StrEnum):
    table = "table"
    json = "json"


def _write_rows(rows: list[dict], fmt: ClusterFormat) -> None:
    """The ``cluster`` output: JSON lines (the contract) or one JSON array."""
    if fmt == ClusterFormat.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def register(app: typer.Typer) -> None:
    """Add the corpus commands to ``app``."""

    @app.command()
    def ingest(
        inputs: Annotated[
            list[str],
            typer.Argument(
                help="Files, directories (subdirectories too), .jsonl, RSS/Atom feeds, WARC files or http(s) URLs."
            ),
        ],
        db: Annotated[Path, typer.Option("--db", help="SQLite corpus file.")] = DEFAULT_DB,
        fetch: Annotated[bool, typer.Option("--fetch", help="Fetch the page of each feed entry.")] = False,
        allow_private: Annotated[
            bool, typer.Option("--allow-private", help="Allow URLs on private and loopback addresses.")
        ] = False,
        batch: Annotated[int, typer.Option("--batch", min=1, help="Articles per transaction.")] = 500,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
        engine: EngineOption = Engine.local,
        address: AddressOption = None,
        cpus: CpusOption = None,
        output: OutputOption = None,
    ) -> None:
        """Add articles to the corpus: deduplicate them and group them into stories."""
        bad = InputErrors()
        if engine == Engine.ray:
            summary = ingest_with_ray(
                inputs,
                db,
                address=address,
                cpus=cpus,
                batch_size=batch,
                fetch=fetch,
                allow_private=allow_private,
                output=output,
                on_error=bad,
            )
        else:
            from .corpus import ingest as run_ingest
            from .store import Store

            with Store(db) as store:
                summary = run_ingest(
                    inputs,
                    store,
                    fetch=fetch,
                    allow_private=allow_private,
                    batch_size=batch,
                    progress=False if quiet else None,
                    on_error=bad,
                )
        typer.echo(summary.line())
        if summary.errors:  # (the rest was stored)
            raise typer.Exit(1)

    @app.command()
    def cluster(
        paths: Annotated[
            list[str], typer.Argument(help="Article files, directories, feeds, WARC files, URLs.")
        ],
        fmt: Annotated[
            ClusterFormat, typer.Option("--format", "-f", help="Output format.")
        ] = ClusterFormat.jsonl,
        allow_private: Annotated[
            bool, typer.Option("--allow-private", help="Allow URLs on private and loopback addresses.")
        ] = False,
        engine: EngineOption = Engine.local,
        address: AddressOption = None,
        cpus: CpusOption = None,
    ) -> None:
        """Group articles into stories (stateless): one line per article {"id": ..., "story": ...}."""
        bad = InputErrors()
        if engine == Engine.ray:
            rows = cluster_with_ray(
                paths, address=address, cpus=cpus, allow_private=allow_private, on_error=bad
            )
            _write_rows(rows, fmt)
            bad.exit_if_any()
            return
        from .corpus import iter_inputs
        from .grouping import cluster_articles

        articles = []
        for item in iter_inputs(paths, allow_private=allow_private):
            if isinstance(item, str):
                bad(item)
            else:
                articles.append(item)
        _unique(articles)
        if not articles:
            error("no usable articles in the input")
            raise typer.Exit(1)
        groups = cluster_articles(articles)
        story = {i: f"s{k + 1}" for k, g in enumerate(groups) for i in g}
        _write_rows([{"id": a.id, "story": story[a.id]} for a in articles], fmt)
        bad.exit_if_any()

    @app.command()
    def stories(
        db: Annotated[Path, typer.Option("--db", help="SQLite corpus file.")] = DEFAULT_DB,
        fmt: Annotated[
            StoriesFormat, typer.Option("--format", "-f", help="Output format.")
        ] = StoriesFormat.table,
        limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="At most this many (0: all).")] = 0,
    ) -> None:
        """List the stored stories, most recent first."""
        from .store import Store

        with Store(db, readonly=True) as store:
            rows = store.stories(limit or None)
        if fmt == StoriesFormat.json:
            sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(show_lines=False)
        table.add_column("story", justify="right")
        table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=60)
        table.add_column("articles", justify="right")
        table.add_column("sources", justify="right")
        table.add_column("first seen", no_wrap=True)
        table.add_column("last seen", no_wrap=True)
        for r in rows:
            table.add_row(
                str(r["id"]), r["title"] or "", str(r["articles"]), str(r["independent_sources"]),
                r["first_seen"] or "", r["last_seen"] or "",
            )  # fmt: skip
        Console(width=max(140, Console().width)).print(table)

    @app.command()
    def show(
        story: Annotated[int, typer.Argument(help="Story number (see 'storyline stories').")],
        db: Annotated[Path, typer.Option("--db", help="SQLite corpus file.")] = DEFAULT_DB,
        fmt: Annotated[BriefFormat, typer.Option("--format", "-f", help="Output format.")] = BriefFormat.md,
        out: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
        ] = None,
        max_articles: Annotated[
            int,
            typer.Option(
                "--max-articles",
                min=1,
                help="Read at most this many of a big story's articles (originals first, then copies; "
                "at most 2000).",
            ),
        ] = STORY_BRIEF_LIMIT,
    ) -> None:
        """The brief of one stored story (claims, discrepancies, quotes, provenance, summary)."""
        import storyline

        from .errors import StorylineError
        from .pipeline import MAX_ARTICLES
        from .render import render
        from .store import Store, limited_note

        with Store(db, readonly=True) as store:
            stored, total = store.brief_articles(story, min(max_articles, MAX_ARTICLES))
        if not stored:
            raise StorylineError(f"no story {story} in {db}")
        if total > len(stored):
            print(f"storyline: note: {limited_note(total, len(stored))}", file=sys.stderr)
        result = storyline.brief([s.article for s in stored])
        text = render(result.to_dict(), fmt.value)
        if out is None or str(out) == "-":
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")


def _unique(articles: list) -> None:
    """Distinct ids (a repeated id gets a numeric suffix), as ``read_paths`` does."""
    from .ingest import unique_ids

    for a, new in zip(articles, unique_ids([a.id for a in articles]), strict=True):
        a.id = new
