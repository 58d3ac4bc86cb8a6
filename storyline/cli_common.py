"""What the command modules share: the brief's output formats, the one-line error and the exit status."""

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


class InputErrors:
    """Prints each bad input as one error line and remembers it: a command that used the rest of its input
    still exits with status 1 (:meth:`exit_if_any`), so scripts see that something was left out."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, message: str) -> None:
        self.count += 1
        error(message)

    def exit_if_any(self) -> None:
        if self.count:
            raise typer.Exit(1)
