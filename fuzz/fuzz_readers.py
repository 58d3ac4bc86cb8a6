"""Bounded fuzz harness over the readers: bytes decoding, HTML, JSON lines and whole files/directories.

The only acceptable outcome of a reader is an article (or, for the batch readers, articles plus one-line
error messages) or :class:`storyline.errors.InputError` with a one-line message; anything else is a crash.

Inputs: random bytes, truncated and mangled copies of small valid pages written here, deeply nested tags,
huge attribute values, NUL bytes, mixed encodings and byte-order marks.

``tests/test_fuzz_readers.py`` runs every target with a fixed example budget; for a longer local run::

    python fuzz/fuzz_readers.py --examples 2000          # per target, derandomized
    python fuzz/fuzz_readers.py --seconds 600 --random   # keep going with fresh seeds for 10 minutes
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.errors import InputError
from storyline.ingest import decode_bytes, read_html, read_paths
from storyline.ingest.jsonl import parse_jsonl
from storyline.model import Article

# --- seeds (our own words) ---------------------------------------------------------------------------

BODY = [
    "Heavy rain flooded the valley road on Tuesday, forcing the county to close it for two days.",
    "About 300 homes lost power, and crews worked through the night to restore it, a utility said.",
    'The mayor said "we will reopen the road as soon as the water goes down," according to a statement.',
    "Café owners on the main street counted the damage on Wednesday; one called it “the worst in years”.",
]
VALID_HTML = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Flood closes valley road</title>"
    "<meta property='og:site_name' content='Example News'></head><body><nav><a href='/'>Home</a></nav>"
    "<article><h1>Flood closes valley road</h1>" + "".join(f"<p>{p}</p>" for p in BODY) + "</article>"
    "<script>var x = 1;</script><footer>Copyright 2025 Example News</footer></body></html>"
)
VALID_JSONL = "\n".join(
    json.dumps({"id": f"r{k}", "source": "Example", "title": "Flood", "text": p}, ensure_ascii=k % 2 == 0)
    for k, p in enumerate(BODY)
)
VALID_TEXT = "Flood Closes Valley Road\n\n" + "\n\n".join(BODY) + "\n\nAdvertisement\nShare this article\n"
SEEDS = [VALID_HTML.encode(), VALID_JSONL.encode(), VALID_TEXT.encode()]
BOMS = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b""]
ENCODINGS = [
    "utf-8",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "cp1252",
    "latin-1",
    "shift_jis",
    "koi8-r",
]
SJIS_TEXT = "東京で大雨が降り、道路が閉鎖されたと市が発表した。"

# --- strategies --------------------------------------------------------------------------------------


@st.composite
def mangled(draw: st.DrawFn, seeds: list[bytes] = SEEDS) -> bytes:
    """A seed cut, spliced, overwritten and sprinkled with junk bytes."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["truncate", "delete", "insert", "flip", "dup", "nul"]))
        pos = draw(st.integers(0, len(data)))
        if op == "truncate":
            del data[pos:]
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 64))]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=32))
        elif op == "flip" and data:
            k = min(pos, len(data) - 1)
            data[k] ^= 1 << draw(st.integers(0, 7))
        elif op == "dup":
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 200))]
        else:
            data[pos:pos] = b"\x00" * draw(st.integers(1, 4))
    return bytes(draw(st.sampled_from(BOMS))) + bytes(data)


@st.composite
def mixed_encodings(draw: st.DrawFn) -> bytes:
    """Pieces of text encoded in different encodings, glued together (what broken feeds serve)."""
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        text = draw(st.sampled_from(BODY + [SJIS_TEXT, "Ärger über Straßen", "Привет мир"]))
        enc = draw(st.sampled_from(ENCODINGS))
        parts.append(text.encode(enc, errors="replace"))
    return draw(st.sampled_from(BOMS)) + b"\n".join(parts)


@st.composite
def hostile_html(draw: st.DrawFn) -> bytes:
    """Deep nesting, huge attributes, unclosed tags, entities, NULs, comments and CDATA around a body."""
    depth = draw(st.sampled_from([0, 10, 300, 3000]))
    tag = draw(st.sampled_from(["div", "span", "p", "b", "table", "article", "x-y", "svg", "template"]))
    attr = "x" * draw(st.sampled_from([0, 10, 70_000, 600_000]))
    body = "".join(f"<p class='{attr[:50]}'>{p}</p>" for p in BODY)
    junk = draw(
        st.lists(
            st.sampled_from(
                [
                    "<",
                    ">",
                    "</",
                    "<!--",
                    "-->",
                    "<![CDATA[",
                    "]]>",
                    "&",
                    "&#0;",
                    "&#xD800;",
                    "&#99999999;",
                    "&amp",
                    "\x00",
                    "<script>",
                    "</script>",
                    "<style>",
                    "<?xml version='1.0'?>",
                    "<!DOCTYPE",
                    "<meta charset='shift_jis'>",
                    "<meta http-equiv='content-type' content='text/html; charset=x'>",
                    "<html>",
                    "<body>",
                    "</html>",
                    "<br/>",
                    '<a href="javascript:alert(1)">',
                    "<p",
                    '<img src="' + attr + '">',
                    "\ud7ff",
                    "\u202e",
                    "<math><mi>",
                ]
            ),
            max_size=12,
        )
    )
    page = (
        f"<html><head><title t='{attr}'>T</title></head><body>"
        + f"<{tag}>" * depth
        + "".join(junk)
        + f"<article data-x='{attr}'>{body}</article>"
        + f"</{tag}>" * draw(st.integers(0, depth))
    )
    enc = draw(st.sampled_from(["utf-8", "utf-16", "cp1252", "shift_jis"]))
    return page.encode(enc, errors="replace")


# characters that JSON carries but naive line handling or UTF-8 output trips on
JSON_HAZARDS = ["\ud800", "\udc80", "\u2028", "\u2029", "\x85", "\x00", "\ufeff", "\r", "\x1c"]
json_text = st.lists(st.one_of(st.text(max_size=10), st.sampled_from(JSON_HAZARDS)), max_size=6).map("".join)
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    json_text,
    st.sampled_from(BODY),
    st.tuples(st.sampled_from(BODY), json_text).map(" ".join),
)
# whole rows that break parsers (a fuzzing dictionary): deep nesting, huge numbers, odd literals
NASTY_ROWS = [
    "[" * 100_000,
    '{"a":' * 50_000,
    '{"id": "n", "text": "x", "n": 1' + "0" * 5000 + "}",
    '{"id": 1' + "0" * 4400 + ', "text": "Flood."}',
    '{"id": "n", "text": 1e999999}',
    '{"id": NaN, "text": "Flood on Tuesday."}',
    '{"id": "s", "text": "Flood \\ud800 on Tuesday."}',
    '{"id": "d", "text": "a", "text": "b"}',
    '"just a string"',
    "{}",
]
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
ROW_PIECES = [
    '{"id": "x", "text": "',
    '"}',
    "\\ud800",
    "\\udfff\\ud800",
    "\u2028",
    "\u0085",
    "\u2029",
    "\r",
    "\\u0000",
    '", "title": ',
    '"text": ',
    '"id": ',
    "1" + "0" * 5000,
    "1e999999",
    "NaN",
    "-Infinity",
    "[" * 3000,
    "]" * 3000,
    '{"a":' * 2000,
    "null",
    "true",
    ",",
    ":",
    "{",
    "}",
    "\x00",
    "\ufeff",
]


@st.composite
def hostile_jsonl(draw: st.DrawFn) -> bytes:
    """JSON lines built from rows of random JSON and raw pieces that break naive parsers."""
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.integers(0, 3))
        if kind == 0:  # a well-formed row with odd values
            row = draw(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "id": json_value,
                        "text": st.one_of(json_value, st.sampled_from(BODY)),
                        "title": json_value,
                        "source": json_value,
                        "date": json_value,
                        "url": json_value,
                    },
                )
            )
            rows.append(json.dumps(row, ensure_ascii=draw(st.booleans())))
        elif kind == 1:  # any JSON value as a row
            rows.append(json.dumps(draw(json_value), ensure_ascii=draw(st.booleans())))
        elif kind == 2:  # raw pieces glued together
            rows.append("".join(draw(st.lists(st.sampled_from(ROW_PIECES), max_size=8))))
        else:
            rows.append(draw(st.sampled_from(NASTY_ROWS)))
    text = draw(st.sampled_from(["\n", "\r\n"])).join(rows)
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])), errors="surrogatepass")


tiny_bytes = st.tuples(
    st.sampled_from(BOMS), st.sampled_from([b"", b" ", b"\n", b" \x00", b"\t\r\n", b"\x00", b"\x0c\x0b"])
).map(b"".join)
any_bytes = st.one_of(
    tiny_bytes,
    st.binary(max_size=2000),
    mangled(),
    mixed_encodings(),
    hostile_html(),
    st.text(max_size=500).map(lambda t: t.encode("utf-8")),
)
SUFFIXES = [".txt", ".md", ".html", ".htm", ".jsonl", ".ndjson", ".bin", ""]

# --- oracles -----------------------------------------------------------------------------------------


class Crash(AssertionError):
    """A reader broke its contract."""


def one_line(message: str) -> None:
    if not message or "\n" in message or "\r" in message or "Traceback" in message:
        raise Crash(f"not a one-line error message: {message!r}")


def check_article(art: object) -> None:
    if not isinstance(art, Article) or not isinstance(art.text, str) or not art.text.strip():
        raise Crash(f"not an article with text: {art!r}")
    if not isinstance(art.id, str):
        raise Crash(f"article id is not a string: {art.id!r}")
    for name in ("id", "text", "title", "source", "date", "url", "path"):
        value = getattr(art, name)
        if value is not None:
            try:
                value.encode("utf-8")  # every field must be writable as UTF-8 output
            except (AttributeError, UnicodeEncodeError) as exc:
                raise Crash(f"article {name} cannot be written: {exc}") from None


def check_decode(data: bytes) -> None:
    try:
        text = decode_bytes(data, "input")
    except InputError as exc:
        one_line(str(exc))
        return
    if not isinstance(text, str) or not text.strip():
        raise Crash(f"decode_bytes returned {text!r}")


def check_html(data: bytes | str) -> None:
    try:
        check_article(read_html(data, id="page"))
    except InputError as exc:
        one_line(str(exc))


def check_jsonl(data: bytes) -> None:
    try:
        text = decode_bytes(data, "rows.jsonl")
    except InputError as exc:
        one_line(str(exc))
        return
    articles, errors = parse_jsonl(text, "rows.jsonl")
    for art in articles:
        check_article(art)
    for line in errors:
        one_line(line)


def check_read_paths(files: list[tuple[str, bytes]], extra: list[str]) -> None:
    """Write ``files`` into a fresh folder and read it, plus ``extra`` paths (missing or odd)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for k, (suffix, data) in enumerate(files):
            (root / f"f{k}{suffix}").write_bytes(data)
        (root / "sub").mkdir()
        paths = [str(root), *(str(root / e) for e in extra)]
        articles, errors = read_paths(paths)
        for art in articles:
            check_article(art)
        if len({a.id for a in articles}) != len(articles):
            raise Crash("duplicate article ids")
        for line in errors:
            one_line(line)
        if not articles and not errors:
            raise Crash("nothing read and nothing reported")


# --- targets -----------------------------------------------------------------------------------------

file_list = st.lists(st.tuples(st.sampled_from(SUFFIXES), st.one_of(any_bytes, hostile_jsonl())), max_size=5)
extra_paths = st.lists(st.sampled_from(["missing.txt", "sub", "f0.bin", "f1", "nope/x.html"]), max_size=2)
TARGETS: dict[str, tuple[Callable[..., None], tuple[st.SearchStrategy, ...]]] = {
    "decode_bytes": (check_decode, (any_bytes,)),
    "read_html": (check_html, (st.one_of(any_bytes, hostile_html(), st.text(max_size=300)),)),
    "parse_jsonl": (check_jsonl, (st.one_of(hostile_jsonl(), mangled([SEEDS[1]]), any_bytes),)),
    "read_paths": (check_read_paths, (file_list, extra_paths)),
}


def fuzz_test(target: str, examples: int, derandomize: bool = True) -> Callable[[], None]:
    """A hypothesis test running ``target`` on ``examples`` inputs."""
    check, strategies = TARGETS[target]
    return settings(
        max_examples=examples,
        derandomize=derandomize,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )(given(*strategies)(check))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=500, help="inputs per target and round")
    parser.add_argument("--seconds", type=float, default=0, help="repeat rounds until this much time passed")
    parser.add_argument("--random", action="store_true", help="fresh random inputs each round")
    parser.add_argument("targets", nargs="*", default=list(TARGETS))
    args = parser.parse_args(argv)
    start, rounds, failed = time.monotonic(), 0, 0
    while True:
        for name in args.targets:
            t0 = time.monotonic()
            try:
                fuzz_test(name, args.examples, derandomize=not args.random)()
                status = "ok"
            except Exception as exc:  # noqa: BLE001 - report and go on with the other targets
                failed += 1
                notes = "\n".join(getattr(exc, "__notes__", []))  # hypothesis puts the failing input here
                status = f"CRASH {type(exc).__name__}: {str(exc)[:2000]}\n{notes[:4000]}"
            print(f"{name}: {args.examples} inputs, {time.monotonic() - t0:.1f}s, {status}", flush=True)
        rounds += 1
        if not args.random or time.monotonic() - start >= args.seconds:
            break
    print(f"{rounds} round(s), {rounds * args.examples * len(args.targets)} inputs, {failed} crash(es)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
