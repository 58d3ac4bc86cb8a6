"""``storyline serve``: the web pages and JSON API (registered on the main Typer app)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated

import typer

LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost``."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str) -> list[str] | None:
    """``Host`` headers to accept: loopback names when bound to loopback (refuses DNS rebinding), else any."""
    if is_loopback(host):
        return sorted({*LOOPBACK_NAMES, host})
    return None


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app``."""

    @app.command()
    def serve(
        db: Annotated[
            Path | None,
            typer.Option("--db", help="SQLite corpus file (default: ./storyline.db when it exists)."),
        ] = None,
        host: Annotated[
            str, typer.Option("--host", help="Address to bind; the default serves this machine only.")
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    ) -> None:
        """Serve story pages and the JSON API (OpenAPI docs at /docs). Set STORYLINE_TOKEN to require a
        token (Authorization: Bearer ...) on every write."""
        import uvicorn

        from .service import create_app

        if db is None and Path("storyline.db").exists():
            db = Path("storyline.db")
        token = os.environ.get("STORYLINE_TOKEN") or None
        if not is_loopback(host) and token is None:
            typer.echo(
                f"storyline: warning: serving on {host} without STORYLINE_TOKEN: anyone who can reach it "
                "can add articles and build briefs",
                err=True,
            )
        web = create_app(str(db) if db is not None else None, token, allowed_hosts=allowed_hosts(host))
        shown = f"[{host}]" if ":" in host else host
        typer.echo(
            f"storyline: serving {'corpus ' + str(db) if db else 'without a corpus (ad-hoc briefs only)'} "
            f"at http://{shown}:{port}/ (API docs at /docs)",
            err=True,
        )
        uvicorn.run(web, host=host, port=port, log_level="info", server_header=False, proxy_headers=False)
