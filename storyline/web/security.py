"""Protections of the web service: security headers and CSP, request-size limit, cross-site refusal, token.

Article text is untrusted everywhere: templates escape it (Jinja2 autoescape), and the
Content-Security-Policy below is a second wall: scripts only from this server's own files (no inline
script, no ``eval``), no plugins, no framing, forms only to this server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def style_hash(value: str) -> str:
    """The CSP source (``'sha256-...'``) allowing one exact inline style value."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(value.encode("utf-8")).digest()).decode("ascii") + "'"


def page_csp(style_attributes: Iterable[str] = ()) -> str:
    """CSP of the pages: own scripts and styles only; ``style_attributes`` are exact ``style=""`` values
    allowed by hash (the provenance legend's colour swatches), nothing else inline."""
    hashes = " ".join(sorted({style_hash(s) for s in style_attributes}))
    style = "style-src 'self'" + (f" 'unsafe-hashes' {hashes}" if hashes else "")
    return (
        "default-src 'none'; script-src 'self'; "
        f"{style}; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )


# Swagger UI (served from the local swagger-ui-bundle-v2 package) sets inline styles on its widgets.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def security_headers(csp: str) -> list[tuple[str, str]]:
    """Headers set on every response."""
    return [
        ("content-security-policy", csp),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
    ]


def token_ok(expected: str | None, authorization: str | None, supplied: str | None = None) -> bool:
    """Whether a request may write: no token configured, or ``Authorization: Bearer <token>`` (or the
    ``supplied`` form field, for the HTML form) matches it (constant-time comparison)."""
    if not expected:
        return True
    scheme, _, value = (authorization or "").partition(" ")
    candidate = value.strip() if scheme.lower() == "bearer" else (supplied or "")
    return bool(candidate) and hmac.compare_digest(candidate.encode("utf-8"), expected.encode("utf-8"))


def cross_site(headers: Headers) -> bool:
    """Whether a browser says the request comes from another origin.

    ``Sec-Fetch-Site`` (sent by current browsers) must be ``same-origin`` or ``none`` (typed, bookmarked);
    ``same-site`` is refused too, since another port of localhost is the same site. Without it, an
    ``Origin`` header must match ``Host``. Requests with neither (curl, httpx, scripts) pass.
    """
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site.lower() not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        return False
    try:
        return urlsplit(origin).netloc.lower() != headers.get("host", "").lower()
    except ValueError:
        return True


class _TooLarge(Exception):
    pass


def _wants_html(scope: Scope) -> bool:
    path = scope.get("path", "")
    accept = Headers(scope=scope).get("accept", "")
    return not path.startswith("/api/") and "text/html" in accept


def _error_body(scope: Scope, status: int, message: str) -> tuple[bytes, str]:
    if _wants_html(scope):
        from html import escape

        page = (
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>storyline: error</title>"
            "<link rel='stylesheet' href='/static/report.css'><link rel='stylesheet' href='/static/web.css'>"
            f"</head><body><main class='page'><section class='card'><h1>{status}</h1><p>{escape(message)}</p>"
            "<p><a href='/'>Back to the stories</a></p></section></main></body></html>"
        )
        return page.encode("utf-8"), "text/html; charset=utf-8"
    return json.dumps({"detail": message}).encode("utf-8"), "application/json"


class Guard:
    """ASGI middleware: security headers on every response; refuses cross-site writes (403) and request
    bodies over ``max_body`` bytes (413), whether announced by ``Content-Length`` or streamed."""

    def __init__(self, app: Callable, *, max_body: int, csp: str, csp_for: dict[str, str] | None = None):
        self.app, self.max_body, self.csp, self.csp_for = app, max_body, csp, csp_for or {}

    def _csp(self, path: str) -> str:
        for prefix, csp in self.csp_for.items():
            if path == prefix or path.startswith(prefix + "/"):
                return csp
        return self.csp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(self._csp(scope.get("path", "")))

        async def send_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for k, v in extra:
                    headers[k] = v
            await send(message)

        if scope["method"] not in SAFE_METHODS:
            headers = Headers(scope=scope)
            if cross_site(headers):
                await self._error(scope, send_headers, 403, "cross-site request refused")
                return
            length = headers.get("content-length")
            if length is not None:
                if not length.isdigit():
                    await self._error(scope, send_headers, 400, "invalid Content-Length header")
                    return
                if int(length) > self.max_body:
                    await self._error(scope, send_headers, 413, self._too_large(int(length)))
                    return

        received, too_big, started = 0, False, False

        async def counted_receive() -> Message:
            nonlocal received, too_big
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    too_big = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_big and not started:
                return  # the app's answer to a cut-off body is replaced by the 413 below
            started = started or message["type"] == "http.response.start"
            await send_headers(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except _TooLarge:
            pass
        if too_big and not started:
            await self._error(scope, send_headers, 413, self._too_large(received))

    def _too_large(self, size: int) -> str:
        return f"request body of {size:,} bytes is over the limit of {self.max_body:,} bytes"

    async def _error(self, scope: Scope, send: Send, status: int, message: str) -> None:
        body, ctype = _error_body(scope, status, message)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
