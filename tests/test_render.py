"""Renderers: JSON, Markdown and the self-contained HTML report (incl. its safety against article text)."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from html import unescape
from html.parser import HTMLParser

import jinja2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.model import Brief, Claim, Derivation, Mention, Quote, SourceReport, SummarySentence
from storyline.render import html as html_mod
from storyline.render import render, render_html, render_json, render_markdown

XSS = "<script>alert(1)</script>"
ATTR = '" onerror="x'
JS_URL = "javascript:alert(1)"


def sample_brief() -> dict:
    """A fictional story (a footbridge closure in an invented town) with payloads planted everywhere."""
    s1, s2, s3, s4 = "valley-courier", "northwire", f"ledger{ATTR}", "hill-post"
    return {
        "schema": "storyline.brief/1",
        "story": {
            "title": f"Larkmoor footbridge closed after flood {XSS}",
            "articles": 4,
            "independent_sources": 2,
        },
        "sources": [
            {
                "id": s1,
                "name": "Valley Courier",
                "path": "pile/valley-courier.txt",
                "title": "Flood shuts Larkmoor footbridge",
                "words": 412,
                "boilerplate_removed": ["Subscribe for 1 € a week", XSS],
                "loaded_terms": [],
                "derived_from": [],
                "omits": ["c4"],
                "url": "https://courier.example/larkmoor-bridge",
                "date": "2031-03-04",
            },
            {
                "id": s2,
                "name": f"Northwire {XSS}",
                "path": None,
                "title": f"Bridge closed {ATTR}",
                "words": 388,
                "boilerplate_removed": [],
                "loaded_terms": ["chaos"],
                "derived_from": [{"source": s1, "overlap": 0.71}],
                "omits": [],
                "url": JS_URL,
            },
            {
                "id": s3,
                "name": f"Daily Ledger{ATTR}",
                "path": None,
                "title": "Footbridge shut",
                "words": 240,
                "boilerplate_removed": [],
                "loaded_terms": ["reckless"],
                "derived_from": [{"source": s2, "overlap": 0.45}, {"source": s1, "overlap": 0.3}],
                "omits": [f"c2{ATTR}"],
                "url": " javascript:alert(1)",
            },
            {
                "id": s4,
                "name": "Hill Post",
                "path": None,
                "title": "Engineers inspect Larkmoor crossing",
                "words": 530,
                "boilerplate_removed": [],
                "loaded_terms": [],
                "derived_from": [],
                "omits": [],
                "url": "http://hill.example/a?x=1&y=2",
            },
        ],
        "claims": [
            {
                "id": "c1",
                "text": "The Larkmoor footbridge was closed on Tuesday after the river rose.",
                "status": "consensus",
                "sources": [s1, s2, s3, s4],
                "independent_sources": 2,
                "mentions": [
                    {"source": s1, "text": "The footbridge was closed on Tuesday after the river rose."},
                    {"source": s2, "text": "The footbridge closed Tuesday amid chaos as the river rose."},
                    {"source": s3, "text": "Officials shut the bridge on Tuesday."},
                    {"source": s4, "text": "The crossing has been closed since Tuesday."},
                ],
            },
            {
                "id": f"c2{ATTR}",
                "text": f"About 3,000 people use the bridge daily {XSS} | a pipe.",
                "status": "partial",
                "sources": [s1, s2],
                "independent_sources": 1,
                "mentions": [
                    {"source": s1, "text": f"About 3,000 people cross it each day {ATTR}."},
                    {"source": s2, "text": "Some 3,000 people use it daily."},
                ],
            },
            {
                "id": "c3",
                "text": "Engineers will inspect the piers on Friday.",
                "status": "single",
                "sources": [s4],
                "independent_sources": 1,
                "mentions": [{"source": s4, "text": "Engineers will inspect the piers on Friday."}],
            },
            {
                "id": "c4",
                "text": f"The council called the repairs reckless {JS_URL}.",
                "status": "partial",
                "sources": [s3, s4],
                "independent_sources": 2,
                "mentions": [{"source": s3, "text": "The council's reckless repairs were blamed."}],
            },
        ],
        "discrepancies": [
            {
                "kind": "number",
                "about": f"daily users {XSS}",
                "claim": f"c2{ATTR}",
                "variants": [
                    {"text": "about 3,000", "sources": [s1]},
                    {"text": f"some 3,000 {ATTR}", "sources": [s2]},
                ],
            },
            {
                "kind": "<b>date</b>",
                "about": "closure day",
                "claim": "c404",
                "variants": [{"text": "Tuesday", "sources": [s1, s3]}, {"text": "Monday", "sources": [s4]}],
            },
        ],
        "quotes": [
            {
                "text": f"We will not reopen it until it is safe {XSS}",
                "speaker": "Mayor Ina Brook",
                "sources": [s1, s2],
                "exact": True,
            },
            {"text": "It is a disgrace", "speaker": f"Resident {ATTR}", "sources": [s3], "exact": False},
        ],
        "summary": [
            {
                "text": "The Larkmoor footbridge was closed on Tuesday after the river rose.",
                "sources": [s1, s3],
                "claim": "c1",
            },
            {"text": f"Engineers will inspect the piers on Friday {XSS}.", "sources": [s4], "claim": "c3"},
        ],
    }


class _Page(HTMLParser):
    """Collects tags, attributes, script bodies and style bodies of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("script", "style") else None
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles.append(data)


def parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    p.close()
    return p


def unsafe_findings(page: str) -> list[str]:
    """Everything in ``page`` that could run code or load from the network; empty when safe."""
    found = []
    for raw in (XSS, ATTR, "<b>date</b>", "<img"):
        if raw in page:
            found.append(f"raw payload {raw!r}")
    p = parse(page)
    if len(p.scripts) != 1:
        found.append(f"{len(p.scripts)} script elements")
    for tag, attrs in p.tags:
        if tag in ("img", "iframe", "object", "embed", "link", "base", "frame", "form"):
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            value = (value or "").strip().lower()
            if name.startswith("on") or name in ("src", "srcdoc", "action", "formaction", "xlink:href"):
                found.append(f"<{tag} {name}=...>")
            if name == "href" and not (value.startswith("#") or value.startswith(("http://", "https://"))):
                found.append(f"href={value!r}")
            if name == "href" and value.startswith("http") and tag != "a":
                found.append(f"<{tag} href={value!r}> loads a resource")
            if name == "style" and ("url(" in value or "@import" in value or "expression(" in value):
                found.append(f"style={value!r}")
    css = " ".join(p.styles).lower()
    if "@import" in css or re.search(r"url\(\s*['\"]?(?!#)", css):
        found.append("external CSS resource")
    if re.search(r"https?://", " ".join(p.scripts)):
        found.append("URL in script")
    return found


@pytest.fixture(scope="module")
def brief() -> dict:
    return sample_brief()


@pytest.fixture(scope="module")
def page(brief) -> str:
    return render_html(brief)


# --- JSON -------------------------------------------------------------------------------------


def test_json_round_trip(brief):
    out = render_json(brief)
    assert out.endswith("}\n")
    assert json.loads(out) == brief
    assert "1 €" in out  # ensure_ascii=False
    assert '\n  "story": {' in out  # indent 2


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_sections_and_counts(brief):
    md = render_markdown(brief)
    assert md.splitlines()[0].startswith("# Larkmoor footbridge closed after flood")
    assert "4 articles · 2 independent sources · 4 claims · 2 discrepancies · 2 quotes" in md
    for heading in (
        "## Summary",
        "## Claims",
        "### Consensus (1)",
        "### Partial (2)",
        "### One independent source (1)",
        "## Discrepancies",
        "## Quotes",
        "## Sources",
    ):
        assert heading in md.splitlines(), heading
    # citation marks are source numbers in brief order: s1 and s3 -> [1,3]
    assert "after the river rose. [1,3]" in md
    assert "- [3] **Daily Ledger" in md


def test_markdown_counts_in_the_singular(brief):
    one = copy.deepcopy(brief)
    one["sources"], one["claims"], one["discrepancies"], one["quotes"] = (
        one["sources"][:1],
        one["claims"][:1],
        [],
        [],
    )
    one["story"]["articles"], one["story"]["independent_sources"] = 1, 1
    assert "1 article · 1 independent source · 1 claim · 0 discrepancies · 0 quotes" in render_markdown(one)
    page = render_html(one)
    assert "<b>1</b>article</li>" in page and "<b>1</b>independent source</li>" in page
    assert "<b>0</b>discrepancies</li>" in page


def test_markdown_claims_table_escapes_pipes(brief):
    md = render_markdown(brief)
    row = next(line for line in md.splitlines() if "3,000 people use the bridge" in line)
    assert "\\| a pipe" in row
    unescaped = re.findall(r"(?<!\\)\|", row)
    assert len(unescaped) == 5  # 4 columns
    assert row.rstrip().endswith("| [1,2] | 1 |")


def test_markdown_discrepancies_quotes_sources(brief):
    md = render_markdown(brief)
    assert "- **number** — daily users" in md
    assert "  - “about 3,000” [1]" in md
    assert "“It is a disgrace” — Resident" in md and "(wording differs between sources)" in md
    mayor = next(line for line in md.splitlines() if "Mayor Ina Brook" in line)
    assert "differs" not in mayor
    assert "- Derived from: [1] Valley Courier (71% overlap)" in md
    assert (
        "- Derived from: [2] Northwire \\<script>alert(1)\\</script> (45% overlap), [1] Valley Courier (30% overlap)"
        in md
    )
    assert "- Loaded terms: **reckless**" in md
    assert "- Omits: c4 (“The council called the repairs reckless" in md
    assert "- Boilerplate removed: “Subscribe for 1 € a week”" in md
    assert "<https://courier.example/larkmoor-bridge>" in md and "<http://hill.example/a?x=1&y=2>" in md


def test_markdown_untrusted_text(brief):
    md = render_markdown(brief)
    assert XSS not in md  # no raw HTML for Markdown viewers
    assert "\\<script>alert(1)\\</script>" in md
    assert "<javascript:" not in md and "< javascript:" not in md
    evil = copy.deepcopy(brief)
    evil["claims"][0]["text"] = "line one\n# injected heading\n- injected item"
    assert "\n# injected heading" not in render_markdown(evil)
    evil["claims"][0]["text"] = "see [here](javascript:alert(1)) now"
    assert "](javascript:" not in render_markdown(evil)


# --- HTML: safety -----------------------------------------------------------------------------


def test_html_has_no_unsafe_content(page):
    assert unsafe_findings(page) == []
    assert "<script>alert" not in page
    assert 'href="javascript' not in page.lower()
    # the planted text is still shown, escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34; onerror=&#34;x" in page


def test_checks_would_fail_without_autoescape(brief, monkeypatch):
    env = html_mod.environment()
    unsafe = jinja2.Environment(loader=env.loader, autoescape=False, trim_blocks=True, lstrip_blocks=True)
    monkeypatch.setattr(html_mod, "environment", lambda: unsafe)
    findings = unsafe_findings(render_html(brief))
    assert any("raw payload" in f for f in findings)
    assert any("script elements" in f for f in findings)


def test_html_autoescape_is_on():
    env = html_mod.environment()
    assert env.autoescape is True


def test_html_only_safe_links(page, brief):
    p = parse(page)
    external = [a.get("href") for t, a in p.tags if t == "a" and (a.get("href") or "").startswith("http")]
    assert external == ["https://courier.example/larkmoor-bridge", "http://hill.example/a?x=1&y=2"]
    for t, a in p.tags:
        if t == "a" and (a.get("href") or "").startswith("http"):
            assert "noopener" in a.get("rel", "")
    ids_ = [a["id"] for _, a in p.tags if "id" in a]
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", i) for i in ids_), ids_
    assert len(ids_) == len(set(ids_))
    for _, a in p.tags:  # every internal link has a target
        href = a.get("href") or ""
        if href.startswith("#"):
            assert href[1:] in ids_, href


def test_html_csp_hash_matches_script(page):
    p = parse(page)
    (script,) = p.scripts
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    metas = [
        a
        for t, a in p.tags
        if t == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    assert len(metas) == 1
    policy = {d.split()[0]: d.split()[1:] for d in metas[0]["content"].split(";") if d.strip()}
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == [f"'sha256-{digest}'"]
    assert policy["style-src"] == ["'unsafe-inline'"]
    # the CSP is the first thing in <head> after charset, before any style or script
    assert page.index("Content-Security-Policy") < page.index("<style>") < page.index("<script>")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(alphabet=st.sampled_from(list("<>\"'&=/ :;(){}ajvscrptonerl1`\\#")), min_size=1, max_size=40),
)
def test_html_safe_for_arbitrary_text(brief, payload):
    evil = copy.deepcopy(brief)
    evil["story"]["title"] = payload
    evil["sources"][0]["name"] = payload
    evil["sources"][0]["url"] = payload
    evil["sources"][1]["loaded_terms"] = [payload]
    evil["claims"][1]["text"] = payload
    evil["claims"][0]["mentions"][1]["text"] = payload + " chaos " + payload
    evil["quotes"][0]["speaker"] = payload
    p = parse(render_html(evil))
    assert len(p.scripts) == 1
    for tag, attrs in p.tags:
        assert tag not in ("img", "iframe", "object", "embed", "link", "base")
        for name, value in attrs.items():
            assert not name.startswith("on")
            if name == "href":
                assert value.startswith(("#", "http://", "https://")), value


# --- HTML: content ----------------------------------------------------------------------------


def test_html_header_and_summary(page, brief):
    p = parse(page)
    h1 = page[page.index("<h1>") : page.index("</h1>")]
    assert "Larkmoor footbridge closed after flood" in h1
    assert "<b>4</b>articles" in page and "<b>2</b>independent sources" in page
    summary = page[page.index('id="summary"') : page.index('id="claims"')]
    # first summary sentence cites sources 1 and 3, linked to their panels
    first = summary[summary.index("after the river rose.") :]
    first = first[: first.index("</sup>")]
    assert re.findall(r'href="#src-(\d+)"', first) == ["1", "3"]
    assert [a["id"] for t, a in p.tags if t == "article"] == ["src-1", "src-2", "src-3", "src-4"]


def test_html_matrix_cells(page, brief):
    p = parse(page)
    expected = sum(len(set(c["sources"])) for c in brief["claims"])
    filled = [a for t, a in p.tags if t == "td" and "on" in (a.get("class") or "").split()]
    assert len(filled) == expected == 9
    # per row: filled columns are exactly the claim's sources, in source order
    order = [s["id"] for s in brief["sources"]]
    for i, claim in enumerate(brief["claims"], 1):
        row = page[page.index(f'<tr id="claim-{i}"') :]
        row = row[: row.index("</tr>")]
        cells = re.findall(r'<td class="cell( on| omit)?"', row)
        assert len(cells) == len(order)
        got = {order[k] for k, c in enumerate(cells) if c == " on"}
        assert got == set(claim["sources"]), i
    # tooltip carries the source's own sentence; status badges present
    assert (
        'title="[2] Northwire &lt;script&gt;alert(1)&lt;/script&gt;: The footbridge closed Tuesday amid chaos'
        in page
    )
    assert page.count('<span class="badge st-partial">') == 3  # legend + 2 rows
    assert page.count('<span class="badge st-consensus">') == 2  # legend + row
    # omissions are marked in the matrix: source 1 omits c4, source 3 omits c2
    assert len(re.findall(r'<td class="cell omit"', page)) == 2


def test_html_svg_graph(page, brief):
    svg = page[page.index("<svg") : page.index("</svg>")]
    n_derived = sum(len(s["derived_from"]) for s in brief["sources"])
    assert svg.count('<path class="edge"') == n_derived == 3
    assert svg.count("<circle") == len(brief["sources"])
    for pct in ("71%", "45%", "30%"):
        assert f">{pct}</text>" in svg
    # two independent groups: {1, 2, 3} and {4}, each a different colour
    groups = page[page.index('<ul class="groups">') :]
    groups = groups[: groups.index("</ul>")]
    assert groups.count("<li>") == 2
    fills = re.findall(r'<circle [^>]*fill="(#[0-9a-f]{6})"', svg)
    assert fills[0] == fills[1] == fills[2] != fills[3]


def test_html_discrepancies_quotes_panels(page):
    disc = page[page.index('id="discrepancies"') : page.index('id="quotes"')]
    assert 'class="badge k-number"' in disc and 'class="badge k-other"' in disc
    assert "&lt;b&gt;date&lt;/b&gt;" in disc
    assert disc.count("<li>“") == 4  # variants
    quotes = page[page.index('id="quotes"') : page.index('id="provenance"')]
    assert quotes.count("exact in all sources") == 1 and quotes.count("wording differs") == 1
    panels = page[page.index('id="sources"') :]
    assert "<mark>chaos</mark>" in panels and "<mark>reckless</mark>" in panels
    assert "71% overlap" in panels and "Reused by" in panels
    assert '<a href="#claim-4">c4</a>' in panels  # source 1 omits c4


def test_html_from_model_brief():
    b = Brief(
        title="Tiny",
        sources=[
            SourceReport(id="a", name="A", path=None, title="T", words=10),
            SourceReport(
                id="b", name="B", path=None, title=None, words=8, derived_from=[Derivation("a", 0.5)]
            ),
        ],
        claims=[Claim("c1", "x", "consensus", ["a", "b"], 1, [Mention("a", "x."), Mention("b", "x!")])],
        discrepancies=[],
        quotes=[Quote("q", None, ["a"])],
        summary=[SummarySentence("x.", ["a", "b"], "c1")],
        independent_sources=1,
    )
    page = render(b.to_dict(), "html")
    assert page.count('class="cell on"') == 2 and page.count('<path class="edge"') == 1
    assert render(b, "md") == render_markdown(b.to_dict())


# --- dispatch and robustness ------------------------------------------------------------------


def test_render_dispatch(brief):
    assert render(brief, "json") == render_json(brief)
    assert render(brief, "md") == render(brief, "markdown") == render_markdown(brief)
    assert render(brief, "HTML") == render_html(brief)
    with pytest.raises(ValueError):
        render(brief, "pdf")


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_render_partial_briefs(fmt):
    for b in (
        {},
        {"story": None, "sources": "x", "claims": [None, {"id": 3}]},
        {"claims": [{"sources": ["ghost"]}]},
    ):
        out = render(b, fmt)
        assert out.endswith("\n") or out.rstrip().endswith("</html>")
    page = render_html({"claims": [{"id": "c1", "sources": ["ghost"]}]})
    assert 'id="src-1"' in page and "not listed among its sources" in page


def _graph_geometry(page: str) -> tuple[float, float, list, list, list]:
    svg = page[page.index('<svg class="graph"') : page.index("</svg>")]
    x0, y0, w, h = map(float, re.search(r'viewBox="([^"]+)"', svg).group(1).split())
    assert (x0, y0) == (0, 0)
    circles = [
        tuple(map(float, m)) for m in re.findall(r'<circle cx="([-\d.]+)" cy="([-\d.]+)" r="([\d.]+)"', svg)
    ]
    labels = [(float(x), float(y), unescape(t)) for x, y, t in re.findall(r'<text class="nlabel" x="([-\d.]+)" y="([-\d.]+)">([^<]*)<', svg)]  # fmt: skip
    curves = [tuple(map(float, m)) for m in re.findall(r'd="M([-\d.]+),([-\d.]+) Q([-\d.]+),([-\d.]+) ([-\d.]+),([-\d.]+)"', svg)]  # fmt: skip
    return w, h, circles, labels, curves


def _span(p0: float, p1: float, p2: float) -> tuple[float, float]:
    ts = [i / 100 for i in range(101)]
    vals = [(1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t * t * p2 for t in ts]
    return min(vals), max(vals)


@pytest.mark.parametrize(
    "names",
    [
        [
            "bay-post",
            "calloway-wire",
            "Coastline News",
            "harbor-daily",
            "the-morning-sentinel",
            "Gull Island Gazette",
            "Calloway Public Radio",
            "Eastmoor Courier",
        ],
        ["WWWWWWWWWWWWWWWWWWWWWW"] * 7,
    ],
)
def test_html_graph_labels_and_curves_stay_inside_the_canvas(names):
    ids = [f"s{i}" for i in range(len(names))]
    sources = [
        {"id": i, "name": n, "title": "t", "words": 10, "derived_from": []}
        for i, n in zip(ids, names, strict=True)
    ]
    # edges from both ends of the top row, the far right one long and bending sideways
    sources[0]["derived_from"] = [{"source": ids[4], "overlap": 0.5}]
    sources[3]["derived_from"] = [{"source": ids[-1], "overlap": 0.3}, {"source": ids[1], "overlap": 0.9}]
    page = render_html({"schema": "storyline.brief/1", "story": {"title": "Graph"}, "sources": sources})
    w, h, circles, labels, curves = _graph_geometry(page)
    assert len(circles) == len(labels) == len(names) and len(curves) == 3
    for cx, cy, r in circles:
        assert r <= cx <= w - r and r <= cy <= h - r
    for x, y, label in labels:
        # at least 6 px a character at 12 px: below any sans-serif font's width for these names
        right = x + 6 * len(label)
        assert right <= w and 8 <= y <= h - 8
        # and clear of the next article in the same row
        assert all(right <= cx - r for cx, cy, r in circles if cy == y and cx > x)
    for sx, sy, cx, cy, ex, ey in curves:
        (lo_x, hi_x), (lo_y, hi_y) = _span(sx, cx, ex), _span(sy, cy, ey)
        assert 0 <= lo_x and hi_x <= w and 0 <= lo_y and hi_y <= h
    # long names are cut with an ellipsis; the full name stays in the node's tooltip
    long = max(names, key=len)
    assert any(label.endswith("…") for _, _, label in labels)
    assert f"{long} — t</title>" in page


def test_html_matrix_of_a_big_story_keeps_the_sources_carrying_most_claims():
    from storyline.render.html import MATRIX_SOURCES

    n = MATRIX_SOURCES + 12
    sources = [{"id": f"s{k}", "name": f"Outlet {k}"} for k in range(n)]
    # source k carries claims 0 .. k % 3 - 1; the "busy" sources (every fourth from 5) carry all four
    busy = {f"s{k}" for k in range(5, n, 4)}
    claims = [
        {
            "id": f"c{j}",
            "text": f"Claim {j}.",
            "status": "partial",
            "sources": sorted({f"s{k}" for k in range(n) if j < k % 3} | busy),
        }
        for j in range(4)
    ]
    page = render_html({"schema": "storyline.brief/1", "sources": sources, "claims": claims})
    header = page[page.index('<table class="matrix">') : page.index("</thead>")]
    shown = [int(x) for x in re.findall(r'<span class="chip">(\d+)</span>', header)]
    assert len(shown) == MATRIX_SOURCES and shown == sorted(shown)
    assert {sources[k - 1]["id"] for k in shown} >= busy  # carried 4 claims each: never left out
    carried = {s["id"]: sum(s["id"] in c["sources"] for c in claims) for s in sources}
    left_out = {s["id"] for s in sources} - {sources[k - 1]["id"] for k in shown}
    assert max(carried[s] for s in left_out) <= min(carried[sources[k - 1]["id"]] for k in shown)
    assert f"the {MATRIX_SOURCES} of {n} sources that carry the most claims" in page
    row = page[page.index('<tr id="claim-1"') :]
    assert len(re.findall(r'<td class="cell', row[: row.index("</tr>")])) == MATRIX_SOURCES
