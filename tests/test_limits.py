"""Every input limit refuses with one clear line, and each test fails if its limit is removed.

Also: legacy encodings are detected, not assumed (cp1252, Latin-1, UTF-16 with a BOM, Shift-JIS).
"""

from __future__ import annotations

import json

import pytest

import storyline
import storyline.ingest as ingest
import storyline.pipeline as pipeline
from storyline.errors import InputError, StorylineError
from storyline.ingest import decode_bytes, read_paths
from storyline.segment import MAX_SENTENCE_CHARS, split_sentences

SENTENCE = "Heavy rain flooded the valley road on Tuesday, forcing the county to close it for two days. "


def _one_line(errors: list[str]) -> None:
    assert errors and all(e and "\n" not in e for e in errors), errors


# --- per-article size -------------------------------------------------------------------------------


def test_file_over_the_article_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 2000)
    (tmp_path / "small.txt").write_text(SENTENCE * 5)
    (tmp_path / "big.txt").write_text(SENTENCE * 40)  # 3.6 KB
    arts, errors = read_paths([str(tmp_path)])
    assert [a.id for a in arts] == ["small"]
    _one_line(errors)
    assert len(errors) == 1 and "big.txt" in errors[0] and "over the" in errors[0] and "limit" in errors[0]


def test_article_limit_from_environment(tmp_path, monkeypatch):
    (tmp_path / "big.html").write_text("<html><body><p>" + SENTENCE * 40 + "</p></body></html>")
    monkeypatch.setenv("STORYLINE_MAX_FILE_MB", "0.002")  # 2 KB
    arts, errors = read_paths([str(tmp_path)])
    assert arts == [] and len(errors) == 1 and "STORYLINE_MAX_FILE_MB" in errors[0]
    monkeypatch.setenv("STORYLINE_MAX_FILE_MB", "1")
    arts, errors = read_paths([str(tmp_path)])
    assert [a.id for a in arts] == ["big"] and errors == []


def test_jsonl_row_over_the_article_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 2000)
    rows = [{"id": "ok", "text": SENTENCE}, {"id": "huge", "text": SENTENCE * 40}]
    (tmp_path / "rows.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    arts, errors = read_paths([str(tmp_path)])
    assert [a.id for a in arts] == ["ok"]
    _one_line(errors)
    assert len(errors) == 1 and "rows.jsonl:2:" in errors[0] and "limit" in errors[0]


@pytest.mark.parametrize("value", ["lots", "-1", "nan"])
def test_bad_limit_setting_is_one_clear_error(tmp_path, monkeypatch, value):
    (tmp_path / "a.txt").write_text(SENTENCE)
    monkeypatch.setenv("STORYLINE_MAX_FILE_MB", value)
    with pytest.raises(StorylineError) as err:
        read_paths([str(tmp_path)])
    assert "STORYLINE_MAX_FILE_MB" in str(err.value) and "\n" not in str(err.value)


# --- total input of one run -------------------------------------------------------------------------


def test_total_input_limit_skips_the_rest_in_one_line(tmp_path, monkeypatch):
    for k in range(5):
        (tmp_path / f"a{k}.txt").write_text(SENTENCE * 10)  # 940 bytes each
    monkeypatch.setattr(ingest, "MAX_TOTAL_BYTES", 2500)
    arts, errors = read_paths([str(tmp_path)])
    assert [a.id for a in arts] == ["a0", "a1"]
    _one_line(errors)
    assert len(errors) == 1 and "a2.txt and 2 more file(s)" in errors[0] and "limit for one run" in errors[0]
    # an explicit limit overrides the default; 0 means none (corpus ingest)
    assert len(read_paths([str(tmp_path)], max_total_bytes=0)[0]) == 5
    monkeypatch.setenv("STORYLINE_MAX_TOTAL_MB", "1")
    assert len(read_paths([str(tmp_path)])[0]) == 5


# --- articles per brief -----------------------------------------------------------------------------


def test_articles_per_brief_limit(monkeypatch):
    monkeypatch.setattr(pipeline, "MAX_ARTICLES", 3)
    rows = [
        {"id": f"s{k}", "text": SENTENCE + f"Crews worked {k} hours through the night."} for k in range(4)
    ]
    assert len(storyline.brief(rows[:3]).sources) == 3
    with pytest.raises(InputError) as err:
        storyline.brief(rows)
    assert "limit 3" in str(err.value) and "\n" not in str(err.value)


# --- very long lines --------------------------------------------------------------------------------


def test_run_on_line_is_cut_into_bounded_verbatim_sentences():
    words = [f"word{k % 997}" for k in range(120_000)]  # about 1 MB, no sentence end at all
    text = " ".join(words)
    sentences = split_sentences(text)
    assert max(len(s) for s in sentences) <= MAX_SENTENCE_CHARS
    assert len(sentences) >= len(text) // MAX_SENTENCE_CHARS
    assert "".join(sentences).replace(" ", "") == text.replace(" ", "")
    assert all(s in text for s in sentences[:50])
    # no white space at all: cut at the limit
    blob = "x" * (3 * MAX_SENTENCE_CHARS + 5)
    assert [len(s) for s in split_sentences(blob)] == [MAX_SENTENCE_CHARS] * 3 + [5]


def test_brief_of_run_on_lines_keeps_mentions_bounded():
    a = " ".join(f"alpha{k % 300} river flood" for k in range(6000))
    b = " ".join(f"alpha{k % 300} river bridge" for k in range(6000))
    doc = storyline.brief([{"id": "a", "text": a}, {"id": "b", "text": b}]).to_dict()
    mentions = [m for c in doc["claims"] for m in c["mentions"]]
    assert mentions and max(len(m["text"]) for m in mentions) <= MAX_SENTENCE_CHARS


# --- encodings --------------------------------------------------------------------------------------

ENCODED = {
    "cp1252": "The mayor said \u201cwe will rebuild\u201d after the flood \u2013 damage: \u20ac2 million.",
    "latin-1": "Le caf\u00e9 a ferm\u00e9 ses portes mardi apr\u00e8s l'inondation, a dit le maire.",
    "utf-16": "The caf\u00e9 closed on Tuesday \u2014 \u201cwe will rebuild\u201d, the owner said.",
    "shift_jis": "東京で大雨が降り、市内の道路が火曜日に閉鎖された。市の担当者は、水が引き次第、道路を再開すると述べた。",
    "cp1251": "Во вторник в городе закрыли мост после наводнения, сообщил мэр.",
}


@pytest.mark.parametrize("encoding", list(ENCODED))
def test_legacy_encodings_are_detected(encoding, tmp_path):
    text = ENCODED[encoding]
    data = text.encode(encoding)
    if encoding == "utf-16":
        assert data.startswith((b"\xff\xfe", b"\xfe\xff"))  # Python writes the BOM
    assert decode_bytes(data, "x") == text
    (tmp_path / "story.txt").write_bytes(data)
    arts, errors = read_paths([str(tmp_path)])
    assert errors == [] and arts[0].text.strip() == text


@pytest.mark.parametrize(
    ("text", "charset"),
    [
        (
            "Starosta \u0159ekl, \u017ee most z\u016fstane v \u00fater\u00fd zav\u0159en\u00fd.",
            "windows-1250",
        ),
        ("Во вторник закрыли мост.", "windows-1251"),
    ],
)
def test_declared_html_charset_is_used(text, charset):
    # Czech cp1250 reads as plausible cp1252 and charset-normalizer guesses cp850: only the declaration helps
    page = f"<html><head><meta charset='{charset}'></head><body><p>{text}</p></body></html>"
    assert text in decode_bytes(page.encode(charset), "x")


@pytest.mark.parametrize(
    "data", [b"\xef\xbb\xbf", b"\xef\xbb\xbf \n\t", b"\xff\xfe", b"\xff\xfe \x00\n\x00", b"\xfe\xff\x00 "]
)
def test_bom_and_white_space_only_is_an_empty_file(data):
    with pytest.raises(InputError, match="file is empty"):
        decode_bytes(data, "x")


def test_utf16_with_bom_still_refuses_binary():
    with pytest.raises(InputError, match="binary"):
        decode_bytes(b"\xff\xfe" + "".join(map(chr, range(1, 32))).encode("utf-16-le") * 4, "x")


def test_warc_record_decompression_is_bounded(tmp_path, monkeypatch):
    """A small gzip WARC whose record inflates past the article limit is refused, not read whole."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from storyline.ingest.warc import iter_warc

    path = tmp_path / "bomb.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        payload = b"<html><body><p>" + b"a " * (3 * 1024 * 1024) + b"</p></body></html>"
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.0")
        record = writer.create_warc_record(
            "http://bomb.example/a", "response", payload=io.BytesIO(payload), http_headers=headers
        )
        writer.write_record(record)
    assert path.stat().st_size < 100_000  # compresses to almost nothing
    monkeypatch.setenv("STORYLINE_MAX_FILE_MB", "1")
    out = list(iter_warc(str(path)))
    assert len(out) == 1 and "over 1 MB" in str(out[0])
