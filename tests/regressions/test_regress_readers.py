"""Reader crashes and contract breaks found by the fuzz harness and the limit tests, as tiny inputs."""

from __future__ import annotations

import json

import pytest

from storyline.errors import InputError
from storyline.ingest import decode_bytes
from storyline.ingest.jsonl import parse_jsonl


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf  ", b"\xff\xfe \x00", b"\xff\xfe"])
def test_bom_then_white_space_is_empty_not_blank_text(data):
    # fuzz (decode_bytes): the emptiness test ran before the BOM was removed, so '' or '  ' came back
    with pytest.raises(InputError, match="file is empty"):
        decode_bytes(data, "x")


@pytest.mark.parametrize("data", [b"\xff\xfe\x00\x00\x00\x00", b"\xfe\xff\x00\x01\x00\x02"])
def test_utf16_bom_does_not_let_binary_through(data):
    # found while fixing the above: a UTF-16 BOM skipped the binary check, NULs came back as text
    with pytest.raises(InputError, match="binary"):
        decode_bytes(data, "x")


def test_deeply_nested_json_row_is_an_error_line():
    # RecursionError escaped parse_jsonl (json.loads raises it, not JSONDecodeError)
    arts, errors = parse_jsonl('{"id": "a", "text": "Fine row."}\n' + "[" * 100_000 + "\n", "f.jsonl")
    assert [a.id for a in arts] == ["a"]
    assert errors == ["f.jsonl:2: invalid JSON (nested too deeply)"]


def test_overlong_integer_in_json_row_is_an_error_line():
    # ValueError (Python's 4,300-digit int limit) escaped parse_jsonl
    arts, errors = parse_jsonl('{"id": 1' + "0" * 5000 + ', "text": "x y z"}', "f.jsonl")
    assert arts == [] and errors == ["f.jsonl:1: invalid JSON (number too long)"]


def test_raw_line_separator_inside_a_json_string_keeps_the_row():
    # str.splitlines() split rows at U+2028/U+0085, which JSON allows raw inside strings
    row = json.dumps({"id": "a", "text": "One\u2028two\u0085three \u2029 four."}, ensure_ascii=False)
    arts, errors = parse_jsonl(row + "\r\n" + row.replace('"a"', '"b"'), "f.jsonl")
    assert errors == [] and [a.id for a in arts] == ["a", "b"]
    assert arts[0].text == "One\u2028two\u0085three \u2029 four."


def test_escaped_lone_surrogate_becomes_a_replacement_character():
    # "\ud800" is valid JSON but not writable as UTF-8: the brief of such a row failed at output time
    arts, errors = parse_jsonl(
        '{"id": "a\\udc00", "title": "T\\ud800", "text": "Rain \\ud800 fell."}', "f.jsonl"
    )
    assert errors == []
    art = arts[0]
    assert art.text == "Rain \ufffd fell." and art.title == "T\ufffd" and art.id == "a\ufffd"
    for value in (art.text, art.title, art.id):
        value.encode("utf-8")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("The mayor said \u201cwe will rebuild\u201d after the flood \u2013 \u20ac2 million.", "cp1252"),
        ("Le caf\u00e9 a ferm\u00e9 ses portes mardi apr\u00e8s l'inondation.", "latin-1"),
    ],
)
def test_short_western_legacy_text_is_not_misread(text, encoding):
    # charset-normalizer alone read these as cp775 and cp1250 ("\u014dwe will rebuild\u00f6")
    assert decode_bytes(text.encode(encoding), "x") == text


def test_corpus_ingest_survives_hostile_jsonl_rows(tmp_path):
    """`storyline ingest` streamed rows with json.loads directly: deep nesting and a lone surrogate killed it."""
    from storyline.corpus import ingest
    from storyline.store import Store

    good = (
        '{"id": "ok", "text": "Rain flooded the valley road on Tuesday, officials said, and crews worked."}'
    )
    surrogate = '{"id": "s", "text": "Rain \\ud800 fell on the town all day long, the weather office said."}'
    src = tmp_path / "rows.jsonl"
    src.write_text("\n".join([good, "[" * 100_000, surrogate]) + "\n", encoding="utf-8")
    store = Store(str(tmp_path / "c.db"))
    summary = ingest([str(src)], store)
    assert summary.added == 2
    assert any("nested too deeply" in e for e in summary.errors)
