"""The web service: API, pages, limits, token, cross-site refusal, CSP and escaping of hostile articles.

Each protection has a test that fails when the protection is taken out (checked by hand: autoescape off,
the Guard middleware off, the count check off, the token check off).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import storyline
from storyline.ingest import read_paths
from storyline.service import create_app
from storyline.web.forms import file_articles, pasted_articles
from storyline.web.reading import reading_view, spans

from datapaths import EXAMPLE, EXAMPLE_JSONL

HTML = {"accept": "text/html"}
XSS = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
ATTR = '" onmouseover="alert(3)'
JS_URL = "javascript:alert(4)"


# ---------------------------------------------------------------- fixtures


def example_rows() -> list[dict]:
    articles, errors = read_paths([str(EXAMPLE)])
    assert not errors
    return [
        {"id": a.id, "source": a.source, "title": a.title, "text": a.text, "url": a.url} for a in articles
    ]


def hostile_rows() -> list[dict]:
    """A fictional event (a footbridge closure in an invented town) with payloads in every field."""
    return [
        {
            "id": f"valley{ATTR}",
            "source": f"Valley {ATTR} Courier {XSS}",
            "title": f"Larkmoor footbridge closed after flood {IMG}",
            "url": JS_URL,
            "text": (
                "The Larkmoor footbridge was closed on Monday after flood water damaged its northern pier. "
                f"A warning sign on the bridge displayed the text {XSS} for an hour. "
                f"Engineers said the repairs would take three weeks {IMG}. "
                "The council said a ferry would run in the meantime."
            ),
        },
        {
            "id": "northwire",
            "source": f"Northwire {IMG}",
            "title": f"Flood shuts Larkmoor footbridge {XSS}",
            "url": "https://northwire.example/larkmoor",
            "text": (
                "The Larkmoor footbridge was closed on Monday after flood water damaged its northern pier. "
                f"Engineers said the repairs would take four weeks. Residents were told to use the ferry {ATTR}. "
                f"One resident said the closure was a {JS_URL} disaster."
            ),
        },
        {
            "id": "hill-post",
            "source": "Hill Post",
            "title": "Footbridge shut in Larkmoor",
            "text": (
                "Flood water damaged the northern pier of the Larkmoor footbridge, which was closed on Monday. "
                "The council said a ferry would run until the repairs are done. "
                f'<a href="{JS_URL}">Click here</a> for updates.'
            ),
        },
    ]


@pytest.fixture()
def client() -> TestClient:
    return TestClient(create_app(token=""))


@pytest.fixture()
def corpus(tmp_path: Path) -> TestClient:
    """A corpus holding the shipped example (5 files), served without a token."""
    from storyline.corpus import ingest
    from storyline.store import Store

    db = tmp_path / "corpus.db"
    with Store(db) as store:
        summary = ingest([str(EXAMPLE)], store, progress=False)
    assert summary.added == 5
    return TestClient(create_app(str(db), token=""))


class Audit(HTMLParser):
    """Collects everything in a page that could run script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            v = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and v.startswith(
                ("javascript:", "data:text/html", "vbscript:")
            ):
                self.problems.append(f"<{tag} {name}={value}>")
            if name == "style":
                self.styles.append(value or "")
        if tag == "script":
            src = dict(attrs).get("src")
            if not src or not src.startswith("/"):
                self.problems.append(f"<script src={src!r}>")
            self.scripts.append(src or "")
            self._in_script = True
        if tag in ("iframe", "object", "embed", "base", "form") and tag != "form":
            self.problems.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data[:40]!r}")


def audit(html: str) -> Audit:
    a = Audit()
    a.feed(html)
    a.close()
    return a


def assert_inert(html: str) -> None:
    """Nothing in ``html`` can run script: no inline or foreign script, no handler, no script URL."""
    found = audit(html)
    assert not found.problems, found.problems


def css_hash(value: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(value.encode()).digest()).decode() + "'"


# ---------------------------------------------------------------- API


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/api/health").json()["status"] == "ok"
    paths = client.get("/openapi.json").json()["paths"]
    for p in (
        "/api/brief",
        "/api/stories",
        "/api/stories/{sid}",
        "/api/stories/{sid}/brief",
        "/api/articles",
    ):
        assert p in paths, p


def test_docs_are_served_without_a_cdn(client: TestClient) -> None:
    page = client.get("/docs", headers=HTML)
    assert page.status_code == 200
    found = audit(page.text)
    assert not found.problems
    assert all(s.startswith("/") for s in found.scripts)  # nothing from another host
    assert "cdn" not in page.text.lower()
    pytest.importorskip("swagger_ui_bundle")
    assert "/docs/assets/swagger-ui-bundle.js" in found.scripts
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert (
        "'unsafe-inline'" not in page.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    )


def test_api_brief_matches_the_python_api(client: TestClient) -> None:
    rows = example_rows()
    r = client.post("/api/brief", json={"articles": rows, "words": 80})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got.pop("errors") == []
    assert got == storyline.brief(rows, words=80).to_dict()
    assert got["schema"] == "storyline.brief/1"
    assert {s["id"] for s in got["sources"]} == {r["id"] for r in rows}


def test_api_brief_reports_skipped_articles(client: TestClient) -> None:
    rows = example_rows()[:3] + [{"id": "tiny", "text": "Too short."}]
    got = client.post("/api/brief", json={"articles": rows}).json()
    assert [s["id"] for s in got["sources"]] == [r["id"] for r in rows[:3]]
    assert len(got["errors"]) == 1 and "tiny" in got["errors"][0]


@pytest.mark.parametrize(
    "body",
    [{}, {"articles": []}, {"articles": [{"id": "a"}]}, {"articles": [{"text": "x"}], "words": -1}, [1, 2]],
)
def test_api_brief_rejects_invalid_requests(client: TestClient, body: object) -> None:
    r = client.post("/api/brief", json=body)
    assert r.status_code == 422
    assert r.json()["detail"]


def test_api_brief_without_usable_text_is_a_clear_422(client: TestClient) -> None:
    r = client.post(
        "/api/brief", json={"articles": [{"id": "a", "text": "Hi."}, {"id": "b", "text": "   ..."}]}
    )
    assert r.status_code == 422
    assert "no article text" in r.json()["detail"]


def test_api_brief_rejects_text_bodies(client: TestClient) -> None:
    """A cross-site form can send text/plain without a preflight: it must not be parsed as JSON."""
    r = client.post(
        "/api/brief", content=json.dumps({"articles": example_rows()}), headers={"content-type": "text/plain"}
    )
    assert r.status_code == 422


# ---------------------------------------------------------------- limits


def test_article_count_limit() -> None:
    c = TestClient(create_app(token="", max_articles=3))
    rows = example_rows()
    assert c.post("/api/brief", json={"articles": rows[:3]}).status_code == 200
    r = c.post("/api/brief", json={"articles": rows[:4]})
    assert r.status_code == 413
    assert r.json()["detail"] == "4 articles in one request; the limit is 3"


def test_article_count_limit_on_the_form() -> None:
    c = TestClient(create_app(token="", max_articles=2))
    texts = "\n---\n".join(
        f"Report {k}\n\nThe council approved the new harbor budget on Monday, officials said."
        for k in range(3)
    )
    r = c.post("/new", data={"texts": texts}, headers=HTML)
    assert r.status_code == 413
    assert "limit is 2" in r.text


def test_request_size_limit_with_content_length() -> None:
    c = TestClient(create_app(token="", max_body=4000))
    small = {"articles": [{"id": "a", "text": "The council approved the new harbor budget on Monday."}]}
    assert c.post("/api/brief", json=small).status_code == 200
    big = {"articles": [{"id": "a", "text": "word " * 2000}]}
    r = c.post("/api/brief", json=big)
    assert r.status_code == 413
    assert r.json()["detail"].startswith("request body of 10,")
    assert "limit of 4,000 bytes" in r.json()["detail"]


def test_request_size_limit_when_streamed() -> None:
    """A chunked body (no Content-Length) is counted as it arrives."""
    c = TestClient(create_app(token="", max_body=4000))
    body = json.dumps({"articles": [{"id": "a", "text": "word " * 2000}]}).encode()

    def chunks():
        for i in range(0, len(body), 1000):
            yield body[i : i + 1000]

    r = c.post("/api/brief", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "over the limit of 4,000 bytes" in r.json()["detail"]


def test_request_size_limit_on_uploads() -> None:
    c = TestClient(create_app(token="", max_body=4000))
    r = c.post("/new", files=[("files", ("big.txt", b"word " * 2000))], headers=HTML)
    assert r.status_code == 413
    assert "text/html" in r.headers["content-type"] and "over the limit" in r.text


# ---------------------------------------------------------------- token


def test_token_guards_every_write(tmp_path: Path) -> None:
    c = TestClient(create_app(str(tmp_path / "c.db"), token="s3cret"))
    small = {"articles": [{"id": "a", "text": "The council approved the new harbor budget on Monday."}]}
    for path in ("/api/brief", "/api/articles"):
        r = c.post(path, json=small)
        assert r.status_code == 401, path
        assert r.headers["www-authenticate"] == "Bearer"
        assert c.post(path, json=small, headers={"authorization": "Bearer wrong"}).status_code == 401
        assert c.post(path, json=small, headers={"authorization": "Basic s3cret"}).status_code == 401
        assert c.post(path, json=small, headers={"authorization": "Bearer s3cret"}).status_code == 200
    assert c.get("/api/stories").status_code == 200  # reads stay open
    assert c.get("/", headers=HTML).status_code == 200


def test_token_on_the_form() -> None:
    c = TestClient(create_app(token="s3cret"))
    form = c.get("/new", headers=HTML).text
    assert 'name="token"' in form
    texts = example_rows()[0]["text"] + "\n---\n" + example_rows()[1]["text"]
    assert c.post("/new", data={"texts": texts}, headers=HTML).status_code == 401
    assert c.post("/new", data={"texts": texts, "token": "nope"}, headers=HTML).status_code == 401
    assert c.post("/new", data={"texts": texts, "token": "s3cret"}, headers=HTML).status_code == 200


def test_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYLINE_TOKEN", "from-env")
    c = TestClient(create_app())
    small = {"articles": [{"id": "a", "text": "The council approved the new harbor budget on Monday."}]}
    assert c.post("/api/brief", json=small).status_code == 401
    assert c.post("/api/brief", json=small, headers={"authorization": "Bearer from-env"}).status_code == 200
    monkeypatch.setenv("STORYLINE_TOKEN", "")
    assert TestClient(create_app()).post("/api/brief", json=small).status_code == 200


# ---------------------------------------------------------------- cross-site, hosts, headers


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site", "origin": "http://localhost:9999"},
    ],
)
def test_cross_site_writes_are_refused(client: TestClient, headers: dict) -> None:
    small = {"articles": [{"id": "a", "text": "The council approved the new harbor budget on Monday."}]}
    r = client.post("/api/brief", json=small, headers=headers)
    assert r.status_code == 403
    assert r.json()["detail"] == "cross-site request refused"


def test_same_origin_writes_pass(client: TestClient) -> None:
    small = {"articles": [{"id": "a", "text": "The council approved the new harbor budget on Monday."}]}
    same = {"origin": "http://testserver", "sec-fetch-site": "same-origin"}
    assert client.post("/api/brief", json=small, headers=same).status_code == 200


def test_unknown_hosts_are_refused() -> None:
    c = TestClient(
        create_app(token="", allowed_hosts=["127.0.0.1", "localhost"]), base_url="http://127.0.0.1"
    )
    assert c.get("/api/health").status_code == 200
    assert c.get("/api/health", headers={"host": "rebound.example"}).status_code == 400


@pytest.mark.parametrize(
    "path", ["/", "/new", "/docs", "/api/health", "/static/web.css", "/nope", "/api/nope"]
)
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    r = client.get(path, headers=HTML)
    csp = r.headers.get("content-security-policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if " " in d.strip())
    assert directives.get("default-src") == "'none'"
    assert directives.get("script-src") == "'self'"
    assert directives.get("frame-ancestors") == "'none'"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_story_page_needs_no_inline_script_or_style(client: TestClient) -> None:
    rows = example_rows()
    texts = "\n---\n".join(r["text"] for r in rows)
    r = client.post("/new", data={"texts": texts}, headers=HTML)
    assert r.status_code == 200
    found = audit(r.text)
    assert not found.problems
    assert found.scripts == ["/static/report.js", "/static/story.js"]
    csp = r.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert found.styles, "the provenance legend has colour swatches"
    for style in found.styles:  # every style attribute is allowed by its hash
        assert css_hash(style) in csp, style
    for asset in found.scripts + ["/static/report.css", "/static/web.css"]:
        assert client.get(asset).status_code == 200


# ---------------------------------------------------------------- hostile article text


def test_hostile_articles_are_escaped_in_the_brief_page(client: TestClient) -> None:
    rows = hostile_rows()
    jsonl = "\n".join(json.dumps(r) for r in rows[:2]).encode()
    html_page = (
        f"<html><head><title>Hill Post {XSS}</title></head><body><article><h1>Footbridge {IMG}</h1>"
        f"<p>{rows[2]['text'].replace('<', '&lt;')}</p><p>Other news {XSS.replace('<', '&lt;')} "
        "from the valley, where the ferry now runs every half hour between the two banks of the river.</p>"
        "<script>alert(5)</script></article></body></html>"
    ).encode()
    r = client.post(
        "/new",
        data={"texts": f"Pasted {XSS}\n\n{rows[0]['text']}", "title": f"Title {IMG}"},
        files=[("files", ("pile.jsonl", jsonl)), ("files", (f"x{ATTR}.html", html_page))],
        headers=HTML,
    )
    assert r.status_code == 200, r.text[:500]
    assert_inert(r.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text  # the payload was shown, as text
    assert "&lt;img src=x onerror=alert(2)&gt;" in r.text
    assert "alert(5)" not in r.text  # the page's own script is not article text


def test_hostile_articles_are_escaped_in_the_corpus_pages(tmp_path: Path) -> None:
    c = TestClient(create_app(str(tmp_path / "h.db"), token=""))
    r = c.post("/api/articles", json={"articles": hostile_rows()})
    assert r.status_code == 200 and r.json()["added"] == 3
    stories = c.get("/api/stories").json()["stories"]
    pages = ["/", "/?q=" + XSS] + [f"/stories/{s['id']}" for s in stories]
    pages += [
        f"/articles/{a['id']}"
        for s in stories
        for a in c.get(f"/api/stories/{s['id']}").json()["articles_list"]
    ]
    rendered = ""
    for p in pages:
        page = c.get(p, headers=HTML)
        assert page.status_code == 200, p
        assert_inert(page.text)
        rendered += page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "&lt;img src=x onerror=alert(2)&gt;" in rendered
    assert 'href="javascript:' not in rendered.lower()


def test_error_pages_escape_what_they_echo(client: TestClient) -> None:
    r = client.get("/articles/" + XSS, headers=HTML)
    assert r.status_code == 404
    assert_inert(r.text)
    r = client.get("/", params={"offset": XSS}, headers=HTML)
    assert r.status_code == 422 and "text/html" in r.headers["content-type"]
    assert_inert(r.text)
    r = client.post("/new", files=[("files", (f"{XSS}.txt", b"\x00\x01\x02binary"))], headers=HTML)
    assert r.status_code == 422
    assert_inert(r.text)
    assert "binary data" in r.text


# ---------------------------------------------------------------- pages and corpus API


def test_new_story_page_and_upload(client: TestClient) -> None:
    form = client.get("/new", headers=HTML)
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    files = [("files", (p.name, p.read_bytes())) for p in sorted(EXAMPLE.iterdir())]
    r = client.post("/new", files=files, data={"words": "60"}, headers=HTML)
    assert r.status_code == 200
    brief = storyline.brief(read_paths([str(EXAMPLE)])[0], words=60).to_dict()
    assert brief["story"]["title"].replace("'", "&#39;") in r.text
    for k in range(1, len(brief["sources"]) + 1):
        assert f'id="read-{k}"' in r.text  # one column per source in the side-by-side view
    for c in brief["claims"][:10]:
        assert c["text"].replace("'", "&#39;").replace('"', "&#34;") in r.text


def test_story_list_search_sort_and_pages(corpus: TestClient) -> None:
    api = corpus.get("/api/stories").json()
    assert api["total"] >= 1
    top = api["stories"][0]
    page = corpus.get("/", headers=HTML).text
    assert f'href="/stories/{top["id"]}"' in page
    word = top["title"].split()[0]
    assert corpus.get("/api/stories", params={"q": word}).json()["total"] >= 1
    assert corpus.get("/api/stories", params={"q": "zzzz-no-such-word"}).json()["total"] == 0
    assert "No story matches" in corpus.get("/", params={"q": "zzzz-no-such-word"}, headers=HTML).text
    sizes = [s["articles"] for s in corpus.get("/api/stories", params={"sort": "size"}).json()["stories"]]
    assert sizes == sorted(sizes, reverse=True)


def test_story_page_from_the_corpus(corpus: TestClient) -> None:
    sid = corpus.get("/api/stories", params={"sort": "size"}).json()["stories"][0]["id"]
    story = corpus.get(f"/api/stories/{sid}").json()
    brief = corpus.get(f"/api/stories/{sid}/brief").json()
    assert brief["schema"] == "storyline.brief/1"
    assert len(brief["sources"]) == story["articles"] == len(story["articles_list"])
    page = corpus.get(f"/stories/{sid}", headers=HTML)
    assert page.status_code == 200
    for a in story["articles_list"]:
        assert f'href="/articles/{a["id"]}"' in page.text  # reading-view columns link to article pages
    shared = [c for c in brief["claims"] if len(c["sources"]) >= 2]
    assert shared
    n = brief["claims"].index(shared[0]) + 1
    assert len(re.findall(rf'class="rs shared" data-claim="{n}"', page.text)) == len(shared[0]["mentions"])
    assert corpus.get("/stories/999999", headers=HTML).status_code == 404
    assert corpus.get("/api/stories/abc").status_code == 404


def test_article_page_shows_cleaning_and_copies(corpus: TestClient) -> None:
    a = corpus.get("/api/articles/harbor-daily").json()
    assert "Advertisements" in a["boilerplate_removed"]  # the README's planted junk
    page = corpus.get("/articles/harbor-daily", headers=HTML).text
    assert "What cleaning removed" in page and "Advertisements" in page
    for link in a["derived_from"]:
        assert f'href="/articles/{link["article"]}"' in page
    assert corpus.get("/articles/no-such-article", headers=HTML).status_code == 404


def test_ingest_api_is_idempotent_and_refreshes_briefs(corpus: TestClient) -> None:
    sid = corpus.get("/api/stories", params={"sort": "size"}).json()["stories"][0]["id"]
    before = corpus.get(f"/api/stories/{sid}/brief").json()
    rows = [json.loads(line) for line in EXAMPLE_JSONL.read_text().splitlines() if line.strip()]
    r = corpus.post("/api/articles", json={"articles": rows})
    assert r.status_code == 200
    assert r.json()["added"] == len(rows)
    again = corpus.post("/api/articles", json={"articles": rows}).json()
    assert again["added"] == 0 and again["already_stored"] == len(rows)
    story = corpus.get(f"/api/stories/{sid}").json()
    after = corpus.get(f"/api/stories/{sid}/brief").json()
    assert len(after["sources"]) == story["articles"]
    if story["articles"] != len(before["sources"]):  # the new rows joined this story: a new brief
        assert len(after["sources"]) > len(before["sources"])


def test_corpus_routes_without_a_database(client: TestClient) -> None:
    assert "No corpus" in client.get("/", headers=HTML).text
    assert client.get("/api/stories").status_code == 404
    assert client.post("/api/articles", json={"articles": [{"text": "x"}]}).status_code == 404


# ---------------------------------------------------------------- helpers


def test_reading_view_spans_cover_the_text() -> None:
    body = "First  sentence here.\nSecond sentence,\n  wrapped. Third one."
    mentions = [
        ("Second sentence, wrapped.", 2, "shared"),
        ("First sentence here.", 1, "unique"),
        ("Absent.", 3, "unique"),
    ]
    parts = spans(body, mentions)
    assert [p["claim"] for p in parts if p["claim"]] == [1, 2]
    assert "".join(p["text"] if not p["break"] else "\n" for p in parts).split() == body.split()
    assert sum(p["break"] for p in parts) == 1  # the line break between the two sentences


def test_reading_view_without_text_lists_the_mentions() -> None:
    brief = {
        "sources": [{"id": "a"}, {"id": "b"}],
        "claims": [
            {
                "id": "c1",
                "sources": ["a", "b"],
                "mentions": [{"source": "a", "text": "A1."}, {"source": "b", "text": "B1."}],
            },
            {"id": "c2", "sources": ["a"], "mentions": [{"source": "a", "text": "A2."}]},
        ],
    }
    cols = reading_view(brief, {"b": "Intro. B1. Outro."})
    assert [c["full"] for c in cols] == [False, True]
    assert [(p["text"], p["kind"]) for p in cols[0]["spans"] if p["claim"]] == [
        ("A1.", "shared"),
        ("A2.", "unique"),
    ]
    assert (cols[1]["shared"], cols[1]["unique"]) == (1, 0)


def test_form_readers() -> None:
    arts, errs = pasted_articles("One\n\nThe first text.\n---\nTwo\n\nThe second text.\n  ----  \n\n")
    assert [a.id for a in arts] == ["pasted-1", "pasted-2"] and not errs
    arts, errs = file_articles("../../etc/a.jsonl", b'{"id": "x", "text": "Hello there all."}\nnot json\n')
    assert [a.id for a in arts] == ["x"] and len(errs) == 1 and errs[0].startswith("a.jsonl:2")
    arts, errs = file_articles("b.md", b"# Title here\n\nSome *text* of the article.")
    assert arts[0].id == "b" and arts[0].title == "Title here" and not errs
    arts, errs = file_articles("c.bin", b"\x00\x01\x02")
    assert not arts and "binary" in errs[0]


def test_serve_command_is_registered_and_binds_loopback() -> None:
    from typer.testing import CliRunner

    from storyline.cli import app
    from storyline.cli_serve import allowed_hosts, is_loopback

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output and "--db" in result.output
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    assert "localhost" in allowed_hosts("127.0.0.1") and allowed_hosts("0.0.0.0") is None
