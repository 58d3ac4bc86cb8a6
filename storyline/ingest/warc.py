"""WARC crawl files (warcio): every HTML ``response`` record with status 200 becomes an article."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Article

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")


def is_warc(path: str | Path) -> bool:
    return str(path).lower().endswith(WARC_SUFFIXES)


def iter_warc(path: str | Path) -> Iterator[Article | InputError]:
    """Yield articles (and :class:`InputError` for bad records) from a WARC file.

    A damaged file ends the iteration with one error after the records read so far.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from . import article_size_limit, read_html
    from .decode import format_size

    class _Quiet(ArchiveIterator):
        INC_RECORD = ""  # warcio writes this warning to stderr; counted in err_count instead

    name = str(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        yield InputError(f"{name}: cannot read ({exc.strerror or exc})")
        return
    n = 0
    with fh:
        it = _Quiet(fh)
        try:
            for record in it:
                if record.rec_type != "response":
                    continue
                n += 1
                uri = record.rec_headers.get_header("WARC-Target-URI") or f"{Path(name).stem}-{n}"
                http = record.http_headers
                status = http.get_statuscode() if http else None
                ctype = (http.get_header("Content-Type") or "").lower() if http else ""
                if status and status != "200":
                    continue
                if ctype and "html" not in ctype:
                    continue
                try:
                    limit = article_size_limit()
                    data = record.content_stream().read(limit + 1 if limit else -1)
                    if limit and len(data) > limit:  # bounded decompression: no gzip bomb fills memory
                        yield InputError(
                            f"{name}: record {n} ({uri}): payload over {format_size(limit)}, skipped"
                        )
                        continue
                    art = read_html(data, id=uri, url=uri)
                except InputError as exc:
                    yield InputError(f"{name}: record {n} ({uri}): {_tail(str(exc))}")
                    continue
                except Exception as exc:  # noqa: BLE001 - a damaged payload (bad gzip, truncation)
                    yield InputError(f"{name}: record {n} ({uri}): unreadable ({type(exc).__name__})")
                    continue
                art.path = name
                art.meta = {**art.meta, "format": "warc", "warc": name}
                if not art.date:
                    art.date = record.rec_headers.get_header("WARC-Date")
                yield art
        except ArchiveLoadFailed as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "bad record"
            yield InputError(f"{name}: not a valid WARC file after {n} records ({first})")
        except Exception as exc:  # noqa: BLE001 - truncated gzip members and the like
            yield InputError(f"{name}: damaged WARC file after {n} records ({type(exc).__name__})")
            return
        if it.err_count:
            yield InputError(
                f"{name}: {it.err_count} records with a wrong Content-Length (file may be damaged)"
            )


def _tail(msg: str) -> str:
    """Drop the repeated name prefix of a reader error."""
    return msg.split(": ", 1)[1] if ": " in msg else msg


def read_warc(path: str | Path) -> tuple[list[Article], list[str]]:
    """Read a WARC file; returns ``(articles, errors)``."""
    arts: list[Article] = []
    errors: list[str] = []
    for item in iter_warc(path):
        if isinstance(item, InputError):
            errors.append(str(item))
        else:
            arts.append(item)
    if not arts and not errors:
        errors.append(f"{path}: no HTML responses in the WARC file")
    return arts, errors
