"""Fetching pages over HTTP(S) with httpx: timeouts, a size cap, bounded redirects, no private hosts.

Every hop of a redirect chain is checked: the host must resolve to public addresses only (no loopback,
private, link-local, multicast or reserved ranges) unless ``allow_private`` is set. (A host that
resolves differently between the check and the connection could still slip through; run behind an
egress proxy where that matters.)
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..errors import InputError
from ..model import Article

TIMEOUT = 10.0  # seconds, for connect and for each read
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "storyline/0.1 (+https://example.invalid/storyline)"
_URL = re.compile(r"^https?://", re.I)


def is_url(text: str) -> bool:
    """Whether an input names an http(s) URL."""
    return bool(_URL.match(text))


@dataclass
class Fetched:
    url: str  # the final URL after redirects
    data: bytes
    content_type: str


def check_host(url: str, allow_private: bool = False) -> None:
    """Raise :class:`InputError` unless the URL is http(s) with a public host (or ``allow_private``)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"}:
        raise InputError(f"{url}: only http and https URLs can be fetched")
    host = parts.hostname
    if not host:
        raise InputError(f"{url}: URL has no host")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"{url}: cannot resolve host {host!r} ({exc})") from None
    for info in infos:
        addr = ipaddress.ip_address(info[4][0].split("%")[0])
        if not addr.is_global or addr.is_multicast:
            raise InputError(
                f"{url}: refusing to fetch from private or local address {addr} (use --allow-private)"
            )


def fetch(
    url: str,
    *,
    allow_private: bool = False,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    client: object | None = None,
) -> Fetched:
    """GET a URL following at most ``max_redirects`` redirects; raises :class:`InputError`."""
    import httpx

    own = client is None
    http = (
        httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT})
        if own
        else client
    )
    try:
        current = url
        for _hop in range(max_redirects + 1):
            check_host(current, allow_private)
            try:
                with http.stream("GET", current) as resp:
                    if resp.is_redirect:
                        loc = resp.headers.get("location")
                        if not loc:
                            raise InputError(f"{url}: redirect without a location")
                        current = urljoin(current, loc)
                        continue
                    if resp.status_code >= 400:
                        raise InputError(f"{url}: HTTP {resp.status_code}")
                    declared = resp.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise InputError(
                            f"{url}: response is {int(declared)} bytes, over the {max_bytes} limit"
                        )
                    chunks, size = [], 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise InputError(f"{url}: response is over the {max_bytes} byte limit")
                        chunks.append(chunk)
                    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                    return Fetched(str(resp.url), b"".join(chunks), ctype)
            except httpx.TimeoutException:
                raise InputError(f"{url}: timed out after {timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise InputError(f"{url}: cannot fetch ({type(exc).__name__}: {exc})") from None
        raise InputError(f"{url}: more than {max_redirects} redirects")
    finally:
        if own:
            http.close()


def _looks_like_feed(data: bytes, ctype: str) -> bool:
    if any(t in ctype for t in ("rss", "atom")):
        return True
    head = data[:2048].lstrip().lower()
    return (
        head.startswith(b"<?xml")
        and (b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head)
        or (head.startswith(b"<rss") or head.startswith(b"<feed"))
    )


def read_url(
    url: str, *, allow_private: bool = False, fetch_entries: bool = False, **fetch_options: object
) -> tuple[list[Article], list[str]]:
    """Articles behind a URL: an HTML page (one article) or an RSS/Atom feed (its entries)."""
    from . import read_html
    from .feeds import parse_feed

    try:
        got = fetch(url, allow_private=allow_private, **fetch_options)  # type: ignore[arg-type]
    except InputError as exc:
        return [], [str(exc)]
    if _looks_like_feed(got.data, got.content_type):
        return parse_feed(
            got.data, name=url, fetch_entries=fetch_entries, allow_private=allow_private, **fetch_options
        )
    try:
        return [read_html(got.data, id=_url_id(got.url), url=got.url)], []
    except InputError as exc:
        return [], [str(exc)]


def _url_id(url: str) -> str:
    """An article id from a URL: host and path, without scheme and query."""
    parts = urlsplit(url)
    path = parts.path.strip("/")
    return f"{parts.hostname or 'url'}/{path}" if path else (parts.hostname or url)
