"""End to end in real headless Chromium: the app under uvicorn on a loopback port, driven by Playwright.

Opens the story list and a story page, clicks a claim and checks that its mentions light up everywhere,
builds a story from uploaded files, checks that hostile article text runs nothing and that the CSP
blocks nothing of the pages' own; saves screenshots under ``docs/screenshots/`` (or
``$STORYLINE_SCREENSHOTS``). Skips when Chromium or the ``playwright`` package is absent.
The browser is Debian's ``/usr/bin/chromium`` (or ``$STORYLINE_CHROMIUM``); none is downloaded.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from datapaths import EXAMPLE, EXAMPLE_JSONL, ROOT

CHROMIUM = os.environ.get("STORYLINE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(os.environ.get("STORYLINE_SCREENSHOTS") or ROOT / "docs" / "screenshots")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")

# Two more fictional events (invented places, people and outlets), so the story list has several rows.
EXTRA = [
    {
        "id": "larkmoor-ledger-ferry",
        "source": "Larkmoor Ledger",
        "title": "Larkmoor council approves harbor ferry budget",
        "date": "2026-03-06",
        "text": (
            "Larkmoor town council approved a budget of 2.4 million for a new harbor ferry on Friday. "
            "The ferry will link the old quay with the Saltmarsh district from June. "
            "Councillor Ada Brennick said the service would carry 600 passengers a day."
        ),
    },
    {
        "id": "saltmarsh-times-ferry",
        "source": "Saltmarsh Times",
        "title": "Ferry plan wins council vote in Larkmoor",
        "date": "2026-03-06",
        "text": (
            "Larkmoor town council on Friday approved a 2.4 million budget for a harbor ferry. "
            "The new ferry will run between the old quay and the Saltmarsh district from June. "
            "Residents of Saltmarsh had asked for a crossing for years."
        ),
    },
    {
        "id": "ridge-radio-fire",
        "source": "Ridge Radio",
        "title": "Wildfire near Ashford Ridge forces evacuation of 200 homes",
        "date": "2026-03-02",
        "text": (
            "A wildfire near Ashford Ridge forced the evacuation of 200 homes on Monday night. "
            "Fire crews from three counties fought the blaze through the night. "
            "No injuries were reported, the county fire service said."
        ),
    },
    {
        "id": "valley-post-fire",
        "source": "Valley Post",
        "title": "Ashford Ridge residents evacuated as wildfire spreads",
        "date": "2026-03-02",
        "text": (
            "About 200 homes near Ashford Ridge were evacuated on Monday night as a wildfire spread. "
            "Crews from three counties fought the fire overnight. "
            "The county fire service said nobody was hurt."
        ),
    },
]


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A corpus with the shipped example and two small stories, served by uvicorn on a free port."""
    import json

    import uvicorn

    from storyline.corpus import ingest
    from storyline.service import create_app
    from storyline.store import Store

    tmp = tmp_path_factory.mktemp("e2e")
    extra = tmp / "extra.jsonl"
    extra.write_text("".join(json.dumps(r) + "\n" for r in EXTRA), encoding="utf-8")
    db = tmp / "corpus.db"
    with Store(db) as store:
        ingest([str(EXAMPLE), str(EXAMPLE_JSONL), str(extra)], store, progress=False)
    app = create_app(str(db), token="")
    sock = _free_socket()
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    srv.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Page:
    """A fresh page that records console errors, failed requests and dialogs (alert() from XSS)."""

    def __init__(self, browser: object, width: int = 1440, height: int = 1000) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _dialog(self, d: object) -> None:
        self.dialogs.append(d.message)
        d.dismiss()

    def close(self) -> None:
        self.page.close()


def _shot(page: object, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=full_page)


def _mentions(page: object, claim: str) -> dict:
    """How many reading-view sentences of a claim there are and how many are highlighted."""
    return page.evaluate(
        """(id) => {
            const all = document.querySelectorAll(`.rbody .rs[data-claim='${id}']`);
            const lit = document.querySelectorAll(`.rbody .rs.hl[data-claim='${id}']`);
            const other = document.querySelectorAll(`.rbody .rs.hl:not([data-claim='${id}'])`);
            return {all: all.length, lit: lit.length, other: other.length};
        }""",
        claim,
    )


def test_story_list_story_page_and_claim_highlight(server: str, browser: object) -> None:
    p = Page(browser)
    page = p.page
    page.goto(server + "/")
    rows = page.locator("table.stories tbody tr")
    assert rows.count() >= 3
    _shot(page, "story-list.png")

    page.get_by_role("link", name="Kestrel Point Bridge").first.click()
    page.wait_for_selector("#reading .rcol")
    assert page.locator(".rcol").count() == page.locator("#sources .panel").count() >= 5
    _shot(page, "story-page.png")

    # the first claim carried by several sources: its sentences are in several columns
    claim = page.evaluate(
        """() => { for (const tr of document.querySelectorAll('#claims tbody tr[data-claim]')) {
                 const id = tr.getAttribute('data-claim');
                 if (document.querySelectorAll(`.rbody .rs[data-claim='${id}']`).length >= 3) return id; }
               return null; }"""
    )
    assert claim is not None
    assert _mentions(page, claim)["lit"] == 0
    page.locator(f"#claims tr[data-claim='{claim}'] summary").click()
    state = _mentions(page, claim)
    assert state["lit"] == state["all"] >= 3 and state["other"] == 0
    assert "hl" in (page.locator(f"#claims tr[data-claim='{claim}']").get_attribute("class") or "")
    status = page.locator("#reading-status").inner_text()
    assert f"{state['all']} mentions" in status
    page.locator("#reading").scroll_into_view_if_needed()
    _shot(page, "story-side-by-side.png")

    # a click on a highlighted sentence in the reading view clears it; another claim's sentence moves it
    page.locator(f".rbody .rs[data-claim='{claim}']").first.click()
    assert _mentions(page, claim)["lit"] == 0
    other = page.locator(f".rbody .rs:not([data-claim='{claim}'])").first
    other_id = other.get_attribute("data-claim")
    other.click()
    assert _mentions(page, other_id)["lit"] == _mentions(page, other_id)["all"] >= 1

    # source columns link to the article page: cleaned text, what cleaning removed
    page.locator(".rcol h3 a", has_text="harbor-daily").click()
    page.wait_for_selector(".reader")
    assert "Advertisements" in page.locator(".side").inner_text()
    assert not p.errors, p.errors
    p.close()


def test_new_story_from_uploaded_files(server: str, browser: object) -> None:
    p = Page(browser)
    page = p.page
    page.goto(server + "/new")
    page.set_input_files("#files", sorted(str(f) for f in EXAMPLE.iterdir()))
    page.click("form.newform button[type=submit]")
    page.wait_for_selector("#reading .rcol")
    assert "not stored" in page.locator(".eyebrow").first.inner_text().lower()
    sentence = page.locator("#summary .sent[data-claim]").first
    claim = sentence.get_attribute("data-claim")
    sentence.click()
    state = _mentions(page, claim)
    assert state["lit"] == state["all"] >= 1 and state["other"] == 0
    assert not p.errors, p.errors
    p.close()


def test_hostile_article_text_runs_nothing(server: str, browser: object) -> None:
    xss = "<script>alert(1)</script>"
    img = "<img src=x onerror=alert(2)>"
    attr = '" onmouseover="alert(3)" x="'
    texts = (
        f"Larkmoor footbridge closed {img}\n\nThe Larkmoor footbridge was closed on Monday after flood water "
        f"damaged its pier. A sign on it displayed {xss} for an hour. Engineers said repairs take three weeks{attr}.\n"
        "---\n"
        f"Flood shuts footbridge {xss}\n\nThe Larkmoor footbridge was closed on Monday after flood water damaged "
        f"its pier. Engineers said repairs take four weeks. Read more at javascript:alert(4) {img}."
    )
    p = Page(browser)
    page = p.page
    page.goto(server + "/new")
    page.fill("#texts", texts)
    page.fill("#title", f"Footbridge {img}")
    page.click("form.newform button[type=submit]")
    page.wait_for_selector("#reading .rcol")
    for el in page.locator(".rs").all()[:12]:  # hover and click what holds the payloads
        el.hover()
        el.click()
    page.wait_for_timeout(300)
    assert p.dialogs == []
    assert page.evaluate("document.querySelectorAll('img[src=x], script:not([src])').length") == 0
    assert xss in page.locator("#reading").inner_text()  # shown as text
    p.close()


def test_api_docs_render_offline(server: str, browser: object) -> None:
    pytest.importorskip("swagger_ui_bundle")
    p = Page(browser)
    page = p.page
    page.goto(server + "/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    assert page.locator(".swagger-ui .opblock").count() >= 6
    assert not p.errors, p.errors
    p.close()
