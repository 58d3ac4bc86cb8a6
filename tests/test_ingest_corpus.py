"""Corpus readers (feeds, WARC, URLs) and the corpus commands, on fixtures made here."""

import gzip
import http.server
import io
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from corpus_fixtures import make_article, make_corpus, page

from storyline.errors import InputError
from storyline.ingest.feeds import parse_feed, read_feed
from storyline.ingest.url import check_host, fetch, read_url
from storyline.ingest.warc import read_warc

ROOT = Path(__file__).resolve().parent.parent


def rss(items: list[dict], with_content: bool = True) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Example Wire</title>']
    for a in items:
        body = f"<description><![CDATA[<p>{a['text']}</p>]]></description>" if with_content else ""
        out.append(
            f"<item><title>{a['title']}</title><link>{a.get('link', 'http://example.invalid/' + a['id'])}</link>"
            f"<guid>{a['id']}</guid><pubDate>Tue, 01 Apr 2025 08:00:00 GMT</pubDate>{body}</item>"
        )
    out.append("</channel></rss>")
    return "".join(out)


def atom(items: list[dict]) -> str:
    out = [
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title>'
    ]
    for a in items:
        out.append(
            f"<entry><id>urn:{a['id']}</id><title>{a['title']}</title><updated>2025-04-01T08:00:00Z</updated>"
            f'<link href="http://example.invalid/{a["id"]}"/><content type="html">&lt;p&gt;{a["text"]}&lt;/p&gt;</content></entry>'
        )
    out.append("</feed>")
    return "".join(out)


# --- feeds ---------------------------------------------------------------------------------------


def test_rss_and_atom_entries_become_articles(tmp_path):
    items = make_corpus(1)
    (tmp_path / "wire.rss").write_text(rss(items))
    arts, errors = read_feed(tmp_path / "wire.rss")
    assert errors == []
    assert [a.id for a in arts] == [a["id"] for a in items]
    assert arts[0].source == "Example Wire" and arts[0].text == items[0]["text"]
    assert arts[0].date and arts[0].url.endswith(items[0]["id"])
    arts, errors = parse_feed(atom(items).encode(), name="atom.xml")
    assert errors == [] and len(arts) == len(items) and arts[1].title == items[1]["title"]


def test_malformed_feed_clear_error_and_entries_kept(tmp_path):
    items = make_corpus(1)
    broken = rss(items).replace("</channel></rss>", "<item><title>cut off")  # truncated document
    arts, errors = parse_feed(broken.encode(), name="broken.rss")
    assert len(arts) == len(items)
    assert len(errors) >= 1 and errors[0].startswith("broken.rss: ")
    arts, errors = parse_feed(b"this is not xml at all <<<", name="junk.xml")
    assert arts == [] and len(errors) == 1 and "junk.xml" in errors[0]
    arts, errors = parse_feed(rss(items, with_content=False).encode(), name="bare.rss")
    assert arts == [] and all("no text" in e and "--fetch" in e for e in errors)


# --- WARC ----------------------------------------------------------------------------------------


def write_warc(path: Path, pages: list[tuple[str, str, str]], gz: bool = True) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        for url, ctype, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.0")
            rec = w.create_warc_record(
                url, "response", payload=io.BytesIO(body.encode()), http_headers=headers
            )
            w.write_record(rec)


def warc_pages() -> list[tuple[str, str, str]]:
    a, b = make_article("flood", 1), make_article("wildfire", 1)
    return [
        ("http://news.invalid/flood", "text/html; charset=utf-8", page(a["title"], a["text"])),
        ("http://news.invalid/logo.png", "image/png", "PNG..."),
        ("http://news.invalid/empty", "text/html", "<html><body><nav>Home</nav></body></html>"),
        ("http://news.invalid/fire", "text/html", page(b["title"], b["text"])),
    ]


def test_warc_html_responses(tmp_path):
    write_warc(tmp_path / "crawl.warc.gz", warc_pages())
    arts, errors = read_warc(tmp_path / "crawl.warc.gz")
    assert [a.url for a in arts] == ["http://news.invalid/flood", "http://news.invalid/fire"]
    assert "Riverton" in arts[0].text and arts[0].meta["format"] == "warc"
    assert len(errors) == 1 and "news.invalid/empty" in errors[0]  # the page without an article


def test_damaged_warc_keeps_records_before_the_damage(tmp_path):
    good = tmp_path / "good.warc.gz"
    write_warc(good, warc_pages())
    data = good.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: int(len(data) * 0.8)])
    arts, errors = read_warc(cut)
    assert len(arts) >= 1 and errors and all(str(cut) in e for e in errors)
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"GET / HTTP/1.1\r\n\r\nnot a warc" * 20)
    arts, errors = read_warc(junk)
    assert arts == [] and len(errors) == 1 and "WARC" in errors[0]
    gzjunk = tmp_path / "junk.warc.gz"
    gzjunk.write_bytes(gzip.compress(b"nothing like a warc record\n" * 10))
    arts, errors = read_warc(gzjunk)
    assert arts == [] and errors and all(str(gzjunk) in e for e in errors)


# --- URLs ----------------------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):  # noqa: N802
        route = self.routes.get(self.path)
        if route is None:
            self.send_response(404)
            self.end_headers()
            return
        status, headers, body = route
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    a, b = make_article("election", 1), make_article("flood", 2)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{srv.server_port}"
    items = [dict(a, link=f"{base}/a.html"), dict(b, link=f"{base}/b.html")]
    _Handler.routes = {
        "/a.html": (200, {"Content-Type": "text/html"}, page(a["title"], a["text"]).encode()),
        "/b.html": (200, {"Content-Type": "text/html"}, page(b["title"], b["text"]).encode()),
        "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, rss(items, with_content=False).encode()),
        "/moved": (302, {"Location": "/a.html"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/big": (200, {"Content-Type": "text/html"}, b"<html>" + b"x" * 200_000 + b"</html>"),
    }
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield base
    srv.shutdown()


def test_url_page_and_redirect(server):
    arts, errors = read_url(f"{server}/moved", allow_private=True)
    assert errors == [] and len(arts) == 1
    assert arts[0].url == f"{server}/a.html" and "Alvarez" in arts[0].text


def test_url_refused_without_allow_private(server):
    arts, errors = read_url(f"{server}/a.html")
    assert arts == [] and "refusing" in errors[0] and "--allow-private" in errors[0]
    with pytest.raises(InputError, match="private or local"):
        check_host("http://10.1.2.3/x")
    with pytest.raises(InputError, match="only http"):
        check_host("file:///etc/passwd")


def test_url_limits(server):
    with pytest.raises(InputError, match="redirects"):
        fetch(f"{server}/loop", allow_private=True, max_redirects=3)
    with pytest.raises(InputError, match="limit"):
        fetch(f"{server}/big", allow_private=True, max_bytes=10_000)
    with pytest.raises(InputError, match="HTTP 404"):
        fetch(f"{server}/nothing", allow_private=True)


def test_feed_url_with_fetch(server):
    arts, errors = read_url(f"{server}/feed.xml", allow_private=True, fetch_entries=True)
    assert errors == [] and len(arts) == 2
    assert "Alvarez" in arts[0].text and arts[0].source == "Example Wire"
    arts, errors = read_url(f"{server}/feed.xml", allow_private=True)  # no --fetch: entries have no text
    assert arts == [] and len(errors) == 2


# --- the commands --------------------------------------------------------------------------------


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_cli_ingest_stories_show_cluster(tmp_path, server):
    rows = make_corpus(4)
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows) + "{broken\n")
    (tmp_path / "wire.rss").write_text(rss(make_corpus(1, seed=5)))
    write_warc(tmp_path / "crawl.warc.gz", warc_pages())
    db = str(tmp_path / "c.db")
    r = run("ingest", str(tmp_path / "a.jsonl"), str(tmp_path / "wire.rss"), str(tmp_path / "crawl.warc.gz"),
            f"{server}/b.html", "--db", db)  # fmt: skip
    assert r.returncode == 1, r.stderr  # the rest is stored; the status says some input failed
    assert "Traceback" not in r.stderr
    err = [line for line in r.stderr.splitlines() if line]
    assert len(err) == 3 and all(line.startswith("storyline: error: ") for line in err), err
    assert any("a.jsonl:21: invalid JSON" in line for line in err)
    assert any("refusing" in line for line in err)  # the URL without --allow-private
    assert "added 27 articles" in r.stdout and "3 errors" in r.stdout
    r = run("ingest", f"{server}/b.html", "--db", db, "--allow-private")
    assert r.returncode == 0 and "added 1 articles" in r.stdout
    r = run("ingest", str(tmp_path / "a.jsonl"), "--db", db)
    assert "added 0 articles" in r.stdout and "20 already stored" in r.stdout
    r = run("stories", "--db", db, "--format", "json")
    stories = json.loads(r.stdout)
    assert sum(s["articles"] for s in stories) == 28
    assert {"id", "title", "articles", "independent_sources", "first_seen", "last_seen"} <= set(stories[0])
    r = run("stories", "--db", db)
    assert r.returncode == 0 and "articles" in r.stdout
    big = max(stories, key=lambda s: s["articles"])
    r = run("show", str(big["id"]), "--db", db, "--format", "json")
    assert r.returncode == 0, r.stderr
    brief = json.loads(r.stdout)
    assert brief["schema"] == "storyline.brief/1" and brief["story"]["articles"] == big["articles"]
    r = run("show", str(big["id"]), "--db", db, "--format", "json", "--max-articles", "2")
    assert r.returncode == 0 and brief_size(r.stdout) == 2
    assert f"the story has {big['articles']} articles; this brief reads 2 of them" in r.stderr
    r = run("show", "99999", "--db", db)
    assert r.returncode != 0 and "no story 99999" in r.stderr and "Traceback" not in r.stderr
    r = run("cluster", str(tmp_path / "a.jsonl"))
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert r.returncode == 1 and len(lines) == 20 and set(lines[0]) == {"id", "story"}  # (line 21 is broken)
    r = run("cluster", str(tmp_path / "missing.jsonl"))
    assert r.returncode == 1 and "no such file" in r.stderr


def test_cli_ingest_nothing_usable_exits_nonzero(tmp_path):
    r = run("ingest", str(tmp_path / "nope.txt"), "--db", str(tmp_path / "c.db"))
    assert r.returncode == 1 and "no such file" in r.stderr and "Traceback" not in r.stderr


def brief_size(out: str) -> int:
    return json.loads(out)["story"]["articles"]


def test_a_directory_is_read_with_its_subdirectories_but_not_hidden_ones(tmp_path):
    from storyline.corpus import iter_inputs

    root = tmp_path / "crawl"
    (root / "2026" / "03").mkdir(parents=True)
    (root / ".cache").mkdir()
    rows = make_corpus(1)
    (root / "top.txt").write_text(rows[0]["text"])
    (root / "2026" / "03" / "deep.txt").write_text(rows[1]["text"])
    (root / "2026" / "notes.bin").write_text("not an article")
    (root / ".cache" / "hidden.txt").write_text(rows[2]["text"])
    (root / "2026" / ".draft.txt").write_text(rows[3]["text"])
    got = [a for a in iter_inputs([str(root)]) if not isinstance(a, str)]
    assert sorted(a.id for a in got) == ["deep", "top"]


def test_cli_brief_reads_urls_feeds_and_warc_beside_files(tmp_path, server):
    (tmp_path / "a.txt").write_text(make_article("flood", 2)["text"])
    write_warc(tmp_path / "crawl.warc.gz", warc_pages())
    (tmp_path / "wire.rss").write_text(rss(make_corpus(1, seed=5)))
    r = run(
        "brief", "a.txt", f"{server}/b.html", "crawl.warc.gz", "wire.rss", "--allow-private", cwd=tmp_path
    )
    err = [line for line in r.stderr.splitlines() if line]
    assert r.returncode == 1 and len(err) == 1 and "news.invalid/empty" in err[0], r.stderr  # the empty page
    doc = json.loads(r.stdout)
    urls = [s.get("url") for s in doc["sources"]]
    assert doc["sources"][0]["id"] == "a"  # files first, then URLs, WARC and feeds in their order
    assert urls[1:4] == [f"{server}/b.html", "http://news.invalid/flood", "http://news.invalid/fire"]
    assert len(doc["sources"]) == 4 + len(make_corpus(1, seed=5))
    r = run("brief", "a.txt", f"{server}/b.html", cwd=tmp_path)  # no --allow-private: one line, exit 1
    err = [line for line in r.stderr.splitlines() if line]
    assert r.returncode == 1 and len(err) == 1 and "refusing" in err[0]
    assert [s["id"] for s in json.loads(r.stdout)["sources"]] == ["a"]
