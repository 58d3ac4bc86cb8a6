"""Input shards for the Ray engine: JSON lines split by byte range, Parquet row groups, whole files.

:func:`plan_shards` expands the inputs in the order :func:`storyline.corpus.iter_inputs` reads them
(directories sorted, files in order, lines in order) and cuts large JSON lines files into byte ranges
on line boundaries, counting lines so that every shard knows the line number it starts at (ids of rows
without one are ``<file stem>-<line>``, as the local reader makes them; rows go through the local
reader's :func:`storyline.ingest.jsonl.parse_row`). :func:`read_shard` runs on a
worker and yields what the local reader yields for that part of the input: articles and error lines.
Everything that is not JSON lines or Parquet (WARC files, HTML, text, feeds, URLs) is one shard read
by :func:`storyline.corpus.iter_inputs` itself.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..model import Article

SHARD_BYTES = 16 << 20  # a JSON lines shard covers about this many bytes
PARQUET_SUFFIXES = (".parquet", ".pq")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
_NEWLINES = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class Shard:
    """A piece of the input: ``kind`` is ``jsonl`` (bytes ``start:stop``, first line ``line``),
    ``parquet`` (row group ``start``), ``file`` (anything :func:`iter_inputs` reads) or ``error``."""

    kind: str
    path: str
    start: int = 0
    stop: int = 0
    line: int = 1
    message: str = ""
    fetch: bool = False  # feeds: fetch each entry's page (``file`` shards)
    allow_private: bool = False  # URLs on private and loopback addresses (``file`` shards)


def is_parquet(path: str | Path) -> bool:
    return str(path).lower().endswith(PARQUET_SUFFIXES)


def _dir_files(path: Path) -> list[Path]:
    """The files of a directory the local engine reads (same filter and order), plus Parquet files."""
    from ..corpus import FILE_SUFFIXES
    from ..ingest.feeds import FEED_SUFFIXES
    from ..ingest.warc import is_warc

    ok = FILE_SUFFIXES | FEED_SUFFIXES
    return sorted(
        p
        for p in path.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and (p.suffix.lower() in ok or is_warc(p) or is_parquet(p))
    )


def plan_shards(
    inputs: Iterable[str], shard_bytes: int = SHARD_BYTES, *, fetch: bool = False, allow_private: bool = False
) -> list[Shard]:
    """Shards of all inputs in reading order (missing paths become ``error`` shards)."""
    from ..ingest.url import is_url

    out: list[Shard] = []
    for raw in inputs:
        if is_url(raw):
            out.append(Shard("file", raw, fetch=fetch, allow_private=allow_private))
            continue
        path = Path(raw)
        if not path.exists():
            out.append(Shard("error", raw, message=f"{path}: no such file or directory"))
            continue
        files = _dir_files(path) if path.is_dir() else [path]
        if path.is_dir() and not files:
            out.append(Shard("error", raw, message=f"{path}: directory holds no article, feed or WARC files"))
        for f in files:
            name = f.name.lower()
            if name.endswith(JSONL_SUFFIXES):
                out.extend(_jsonl_shards(f, shard_bytes))
            elif is_parquet(f):
                out.extend(_parquet_shards(f))
            else:
                out.append(Shard("file", str(f), fetch=fetch, allow_private=allow_private))
    return out


def _jsonl_shards(path: Path, shard_bytes: int) -> list[Shard]:
    """Byte ranges ending on a newline, each with the number of its first line."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        return [Shard("error", str(path), message=f"{path}: cannot read ({exc.strerror or exc})")]
    shards: list[Shard] = []
    start, line, pos, lines, tail = 0, 1, 0, 0, b""
    with fh:
        while True:
            chunk = fh.read(4 << 20)
            if not chunk:
                break
            data = tail + chunk
            # a trailing "\r" may be the first half of "\r\n": keep it for the next chunk
            cut = len(data) - 1 if data.endswith(b"\r") else len(data)
            body, tail = data[:cut], data[cut:]
            ends = [m.end() for m in _NEWLINES.finditer(body)]
            base = pos
            for e in ends:
                lines += 1
                if base + e - start >= shard_bytes:
                    shards.append(Shard("jsonl", str(path), start, base + e, line))
                    start, line, lines = base + e, line + lines, 0
            pos += len(body)
        pos += len(tail)
    if pos > start:
        shards.append(Shard("jsonl", str(path), start, pos, line))
    return shards or [Shard("jsonl", str(path), 0, 0, 1)]


def _parquet_shards(path: Path) -> list[Shard]:
    try:
        import pyarrow.parquet as pq

        groups = pq.ParquetFile(path).num_row_groups
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one error line
        return [
            Shard("error", str(path), message=f"{path}: not a readable Parquet file ({type(exc).__name__})")
        ]
    return [Shard("parquet", str(path), g) for g in range(groups)]


def read_shard(shard: Shard) -> Iterator[Article | str]:
    """Articles and error lines of one shard, as the local reader gives them."""
    if shard.kind == "error":
        yield shard.message
    elif shard.kind == "jsonl":
        yield from _read_jsonl(shard)
    elif shard.kind == "parquet":
        yield from _read_parquet(shard)
    else:
        from ..corpus import iter_inputs

        yield from iter_inputs([shard.path], fetch=shard.fetch, allow_private=shard.allow_private)


def _read_jsonl(shard: Shard) -> Iterator[Article | str]:
    path = Path(shard.path)
    try:
        with open(path, "rb") as fh:
            fh.seek(shard.start)
            data = fh.read(shard.stop - shard.start)
    except OSError as exc:
        yield f"{path}: cannot read ({exc.strerror or exc})"
        return
    text = io.StringIO(data.decode("utf-8", errors="replace"), newline=None)
    for lineno, line in enumerate(text, shard.line):
        yield from _row(line, path, lineno)


def _row(line: str, path: Path, lineno: int) -> Iterator[Article | str]:
    """One JSON line -> an article or an error line, with the local reader's own row parser."""
    from ..ingest import article_size_limit
    from ..ingest.jsonl import parse_row

    art = parse_row(line, str(path), lineno, article_size_limit())
    if art is not None:
        yield art  # an Article (id and path defaulted by parse_row) or an error line


def _read_parquet(shard: Shard) -> Iterator[Article | str]:
    """One row group; rows are numbered from 1 across the file like lines."""
    import pyarrow.parquet as pq

    path = Path(shard.path)
    try:
        pf = pq.ParquetFile(path)
        first = sum(pf.metadata.row_group(g).num_rows for g in range(shard.start)) + 1
        rows = pf.read_row_group(shard.start).to_pylist()
    except Exception as exc:  # noqa: BLE001
        yield f"{path}: row group {shard.start} unreadable ({type(exc).__name__})"
        return
    for k, row in enumerate(rows):  # a row is read as the JSON line it would be
        line = json.dumps({key: v for key, v in row.items() if v is not None}, default=str)
        yield from _row(line, path, first + k)
