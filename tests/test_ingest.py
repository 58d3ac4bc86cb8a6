import json

from storyline.ingest import read_paths

HTML = """<!doctype html><html><head><title>Flood closes valley road - Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2025-04-02T08:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Flood closes valley road</h1>
<p>Heavy rain flooded the valley road on Tuesday, forcing officials to close it for two days, the county said.</p>
<p>About 300 homes lost power, and crews worked through the night to restore it, a utility spokesperson said.</p>
<p>&lt;script&gt;alert(1)&lt;/script&gt; was written on a sign by a prankster, police said on Wednesday.</p>
</article><script>var tracker = "MUST_NOT_APPEAR";</script><footer>Copyright 2025</footer></body></html>"""


def test_text_markdown_html_jsonl(tmp_path):
    (tmp_path / "wire.txt").write_text(
        "Flood Closes Valley Road\n\nHeavy rain flooded the road on Tuesday.\n"
    )
    (tmp_path / "post.md").write_text(
        "# Valley road shut\n\n*By A. Writer*\n\nThe [road](http://x) was shut.\n"
    )
    (tmp_path / "news.html").write_text(HTML)
    rows = [{"id": "r1", "text": "Rain fell all day.", "source": "R"}, {"id": "r2", "text": "Roads shut."}]
    (tmp_path / "more.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    arts, errors = read_paths([str(tmp_path)])
    assert errors == []
    by = {a.id: a for a in arts}
    assert set(by) == {"wire", "post", "news", "r1", "r2"}
    assert by["post"].title == "Valley road shut" and "road was shut" in by["post"].text
    news = by["news"]
    assert news.title == "Flood closes valley road"
    assert news.source == "Example News"
    assert news.date.startswith("2025-04-02")
    assert "MUST_NOT_APPEAR" not in news.text and "Home" not in news.text
    assert "<script>alert(1)</script>" in news.text  # kept as text; renderers escape it
    assert by["r1"].source == "R"


def test_bad_inputs_each_one_error_rest_processed(tmp_path):
    (tmp_path / "good.txt").write_text("Rain flooded the valley road on Tuesday, officials said.\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin.txt").write_bytes(
        "Le caf\xe9 a ferm\xe9 ses portes mardi, a dit le maire.".encode("latin-1")
    )
    (tmp_path / "nothing.html").write_text("<html><body><nav>Home</nav></body></html>")
    (tmp_path / "rows.jsonl").write_text('{"id": "ok", "text": "Fine row here."}\nnot json\n{"id": "x"}\n')
    empty_dir = tmp_path / "emptydir"
    empty_dir.mkdir()
    arts, errors = read_paths([str(tmp_path), str(tmp_path / "missing.txt"), str(empty_dir)])
    ids = {a.id for a in arts}
    assert ids == {"good", "latin", "ok"}
    latin = next(a for a in arts if a.id == "latin")
    assert "caf\u00e9" in latin.text
    joined = "\n".join(errors)
    assert len(errors) == 7, joined
    for needle in [
        "empty.txt: file is empty",
        "binary.txt: binary data",
        "nothing.html: no article text",
        "rows.jsonl:2: invalid JSON",
        "rows.jsonl:3:",
        "missing.txt: no such file",
        "emptydir: directory holds no",
    ]:
        assert needle in joined, needle
    assert all("\n" not in e for e in errors)


def test_duplicate_stems_get_distinct_ids(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "wire.txt").write_text("One text about rain.\n")
    (tmp_path / "b" / "wire.txt").write_text("Another text about rain.\n")
    arts, _ = read_paths([str(tmp_path / "a"), str(tmp_path / "b")])
    assert [a.id for a in arts] == ["wire", "wire-2"]
