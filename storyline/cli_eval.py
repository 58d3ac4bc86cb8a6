"""``storyline eval summary|cluster|similarity DATA``: quality on labelled data, peers side by side.

``storyline/cli.py`` calls :func:`register` on its Typer app.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from .errors import StorylineError


class Format(StrEnum):
    table = "table"
    json = "json"


COLUMNS: dict[str, list[tuple[str, str]]] = {
    "summary": [
        ("rouge1", "R-1"),
        ("rouge2", "R-2"),
        ("rougeL", "R-L"),
        ("rougeLsum", "R-Lsum"),
        ("words", "words"),
        ("r1_gap_text", "storyline R-1 gap [95% CI]"),
    ],
    "cluster": [
        ("bcubed_p", "B3 P"),
        ("bcubed_r", "B3 R"),
        ("bcubed_f1", "B3 F1"),
        ("pair_p", "pair P"),
        ("pair_r", "pair R"),
        ("pair_f1", "pair F1"),
        ("ari", "ARI"),
        ("clusters", "clusters"),
    ],
    "similarity": [("accuracy", "acc"), ("f1", "F1"), ("auc", "AUC"), ("threshold", "threshold")],
}

Peers = Annotated[bool, typer.Option("--peers/--no-peers", help="Run the peer systems in the same command.")]
Limit = Annotated[int | None, typer.Option("--limit", min=1, help="Use only the first N items.")]
Fmt = Annotated[Format, typer.Option("--format", help="table (terminal) or json.")]
Data = Annotated[Path, typer.Argument(help="Labelled data file.", show_default=False)]


def _fmt(v: Any, digits: int = 1) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}f}" if abs(v) >= 1 or v == 0 else f"{v:.3g}"
    return str(v)


def render_table(result: dict[str, Any]) -> Any:
    """A rich table of one result: a row per system, its metrics, wall time and storyline's speed-up."""
    from rich.table import Table

    cols = COLUMNS[result["task"]]
    table = Table(title=f"storyline eval {result['task']}: {result['data']} ({result['items']} items)")
    table.add_column("system", style="bold", no_wrap=True)
    for _, head in cols:
        table.add_column(head, justify="right")
    table.add_column("seconds", justify="right")
    table.add_column("speed-up", justify="right")
    for name, row in result["systems"].items():
        if "r1_gap" in row:
            lo, hi = row["r1_gap_ci95"]
            row = {**row, "r1_gap_text": f"{row['r1_gap']:+.1f} [{lo:+.1f}, {hi:+.1f}]"}
        if not row.get("available"):
            table.add_row(name, *["[red]n/a[/red]"] * (len(cols) + 2))
            continue
        speed = row.get("speedup")
        table.add_row(
            name,
            *[_fmt(row.get(k)) for k, _ in cols],
            _fmt(row.get("seconds"), 2),
            "" if speed is None else (f"{speed:.1f}x" if speed >= 1 else f"{speed:.2g}x"),
        )
    return table


def _notes(result: dict[str, Any]) -> list[str]:
    notes = [result["metric"]]
    if result["task"] == "summary":
        notes.append(f"budget: {result['budget']} (mean {result['mean_budget']}); rule: {result['cut_rule']}")
    for name, row in result["systems"].items():
        if not row.get("available"):
            err = row.get("error") or next(iter(row.get("errors", [])), "failed")
            notes.append(f"[red]{name} unavailable: {err}[/red]")
            continue
        if row.get("threshold_fit"):
            notes.append(f"{name}: threshold {row['threshold']} ({row['threshold_fit']})")
        if row.get("failed"):
            notes.append(f"{name}: failed on {row['failed']} items, scored as empty")
    notes.append("speed-up: the system's seconds / storyline's seconds (>1: storyline is faster)")
    return notes


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress bar on stderr, one task per system; silent when not a terminal or disabled."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield lambda system, done, total: None
        return
    tasks: dict[str, Any] = {}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:

        def update(system: str, done: int, total: int) -> None:
            if system not in tasks:
                tasks[system] = bar.add_task(system, total=total)
            bar.update(tasks[system], completed=done)

        yield update


def _run(fn: Callable[..., dict[str, Any]], fmt: Format, path: Path, **kwargs: Any) -> None:
    from rich.console import Console

    try:
        with _progress(fmt is Format.table) as progress:
            result = fn(path, progress=progress, **kwargs)
    except (StorylineError, OSError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from None
    except ImportError as err:  # rouge-score, sumy: the eval extra
        typer.echo(f"error: {err.name or err} is not installed; pip install 'storyline[eval]'", err=True)
        raise typer.Exit(2) from None
    if fmt is Format.json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return
    console = Console()
    if not console.is_terminal:
        console = Console(width=140)  # piped: do not squeeze the table into 80 columns
    console.print(render_table(result))
    for note in _notes(result):
        console.print(note, style="dim", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``eval`` sub-command group to ``app``."""
    sub = typer.Typer(
        help="Measure quality on labelled data, with peer systems run side by side.", no_args_is_help=True
    )

    @sub.command("summary")
    def summary(
        data: Data,
        peers: Peers = True,
        limit: Limit = None,
        words: Annotated[
            int | None,
            typer.Option("--words", min=1, help="Fixed word budget (default: each reference's length)."),
        ] = None,
        oracle: Annotated[
            bool, typer.Option("--oracle", help="Add the greedy best-sentence oracle (reads the references).")
        ] = False,
        fmt: Fmt = Format.table,
    ) -> None:
        """ROUGE-1/2/L F1 of the cited summary against reference summaries (NeuS-style JSON lines)."""
        from .evaluate.run import evaluate_summary

        _run(evaluate_summary, fmt, data, peers=peers, limit=limit, words=words, oracle=oracle)

    @sub.command("cluster")
    def cluster(
        data: Data,
        peers: Peers = True,
        limit: Limit = None,
        threshold: Annotated[
            float | None,
            typer.Option(
                "--threshold", help="Peer's cosine-distance threshold (default: tuned on the gold labels)."
            ),
        ] = None,
        fmt: Fmt = Format.table,
    ) -> None:
        """BCubed, pairwise P/R/F1 and ARI on a labelled article set (JSON lines with a 'story' label)."""
        from .evaluate.run import evaluate_cluster

        _run(evaluate_cluster, fmt, data, peers=peers, limit=limit, threshold=threshold)

    @sub.command("similarity")
    def similarity(
        data: Data,
        peers: Peers = True,
        limit: Limit = None,
        train: Annotated[
            Path | None,
            typer.Option("--train", help="Pairs to fit the peer's threshold on (default: DATA itself)."),
        ] = None,
        fmt: Fmt = Format.table,
    ) -> None:
        """Accuracy and F1 of same_claim on labelled sentence pairs (MSRP-style TSV)."""
        from .evaluate.run import evaluate_similarity

        _run(evaluate_similarity, fmt, data, peers=peers, limit=limit, train=train)

    app.add_typer(sub, name="eval")


def main() -> None:
    """Stand-alone entry point (``python -m storyline.cli_eval eval ...``)."""
    app = typer.Typer(no_args_is_help=True)
    register(app)
    app()


if __name__ == "__main__":
    main()
