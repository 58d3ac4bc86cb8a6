"""What the command modules share: the brief's output formats and the one-line error."""

from __future__ import annotations

from enum import StrEnum

import typer


class BriefFormat(StrEnum):
    json = "json"
    md = "md"
    html = "html"


def error(message: str) -> None:
    """Print one error line on stderr."""
    typer.echo(f"storyline: error: {message}", err=True)
