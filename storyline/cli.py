"""The ``storyline`` command line (Typer).

Every failure prints one line ``storyline: error: ...`` on stderr; no traceback unless ``STORYLINE_DEBUG=1``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import __version__
from .cli_common import BriefFormat, InputErrors, error
from .errors import StorylineError

if TYPE_CHECKING:
    from .model import Article

app = typer.Typer(
    name="storyline",
    help="Turn many overlapping news reports of one event into one source-attributed account.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def write_output(text: str, out: Path | None) -> None:
    """Write to a file (creating its folder) or to stdout."""
    if out is None or str(out) == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise StorylineError(f"cannot write {out}: {exc.strerror or exc}") from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"storyline {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """storyline: many reports of one event -> one trustworthy, source-attributed account."""


def read_brief_inputs(inputs: list[str], *, allow_private: bool = False) -> tuple[list[Article], list[str]]:
    """Articles and error lines for one brief: files and directories through
    :func:`storyline.ingest.read_paths` (its size limits), then http(s) URLs (a page is one article, a
    feed its entries), RSS/Atom files and WARC files through :func:`storyline.corpus.iter_inputs`."""
    from .corpus import iter_inputs
    from .ingest import read_paths
    from .ingest.feeds import FEED_SUFFIXES
    from .ingest.url import is_url
    from .ingest.warc import is_warc

    def streamed(raw: str) -> bool:
        return is_url(raw) or is_warc(raw) or Path(raw).suffix.lower() in FEED_SUFFIXES

    articles: list[Article]
    articles, errors = read_paths([p for p in inputs if not streamed(p)])
    for item in iter_inputs([p for p in inputs if streamed(p)], allow_private=allow_private):
        (errors if isinstance(item, str) else articles).append(item)
    return articles, errors


@app.command()
def brief(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Article files (.txt .md .html .jsonl) or directories; also http(s) URLs, RSS/Atom feeds "
            "and WARC files (read after the files)."
        ),
    ],
    fmt: Annotated[BriefFormat, typer.Option("--format", "-f", help="Output format.")] = BriefFormat.json,
    out: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    words: Annotated[int, typer.Option("--words", "-w", min=0, help="Summary length in words.")] = 100,
    title: Annotated[
        str | None, typer.Option("--title", help="Story title (default: chosen from the sources).")
    ] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow URLs on private and loopback addresses.")
    ] = False,
) -> None:
    """One story from many articles: claims x sources, discrepancies, quotes, provenance, cited summary."""
    from .pipeline import build_brief
    from .render import render

    bad = InputErrors()
    articles, errors = read_brief_inputs(paths, allow_private=allow_private)
    for line in errors:
        bad(line)
    if not articles:
        error("no usable articles in the input")
        raise typer.Exit(1)
    with _status(f"Building the brief of {len(articles)} articles", len(articles) >= 50):
        result = build_brief(articles, words=words, title=title)
    for line in result.errors:
        bad(line)
    write_output(render(result.to_dict(), fmt.value), out)
    bad.exit_if_any()


class _status:
    """A spinner on stderr for long work when stderr is a terminal."""

    def __init__(self, message: str, show: bool) -> None:
        self.message, self.show, self._ctx = message, show and sys.stderr.isatty(), None

    def __enter__(self) -> None:
        if self.show:
            from rich.console import Console

            self._ctx = Console(stderr=True).status(self.message)
            self._ctx.__enter__()

    def __exit__(self, *exc: object) -> None:
        if self._ctx is not None:
            self._ctx.__exit__(*exc)


def _register_extensions() -> None:
    """Commands that live in their own modules (corpus, evaluation)."""
    from importlib import import_module
    from importlib.util import find_spec

    for name in ("storyline.cli_corpus", "storyline.cli_eval", "storyline.cli_serve"):
        if find_spec(name) is not None:
            import_module(name).register(app)


_register_extensions()


def main() -> None:
    """Console entry point: run the app, turning every failure into one error line."""
    try:
        app()
    except StorylineError as exc:
        error(str(exc))
        sys.exit(1)
    except KeyboardInterrupt:
        error("interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the contract: never a traceback for the user
        if os.environ.get("STORYLINE_DEBUG"):
            raise
        error(f"{type(exc).__name__}: {exc} (set STORYLINE_DEBUG=1 for details)")
        sys.exit(1)


if __name__ == "__main__":
    main()
