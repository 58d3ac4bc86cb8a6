"""The web service of ``storyline serve``: server-rendered pages and a JSON API (FastAPI + Jinja2).

Pages: the story list (``/``), a story page (``/stories/{id}``), an article page (``/articles/{id}``) and a
"new story" page (``/new``) that builds a brief from pasted texts or uploaded files without storing it.
API (OpenAPI docs at ``/docs``): ``/api/stories``, ``/api/stories/{id}``, ``/api/stories/{id}/brief``,
``/api/articles/{id}``, ``POST /api/articles`` (ingest) and ``POST /api/brief`` (a brief, not stored).

Safety: every string from an article is escaped by the templates (autoescape on, brief data never marked
safe); a strict Content-Security-Policy on every response; request bodies over ``max_body`` bytes and
requests with more than ``max_articles`` articles get a 413 JSON answer; cross-site writes get a 403;
every ``POST`` needs ``Authorization: Bearer <token>`` when a token is set (``STORYLINE_TOKEN``).
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import __version__
from .errors import InputError
from .model import Article
from .render import html as report
from .render.common import safe_url
from .web import forms
from .web.reading import reading_view
from .web.security import DOCS_CSP, Guard, page_csp, token_ok

DEFAULT_MAX_BODY = 5 * 1024 * 1024  # bytes in one request
DEFAULT_MAX_ARTICLES = 100  # articles in one brief or ingest request
WEB = Path(__file__).parent / "web"


# ---------------------------------------------------------------- API models


class ArticleIn(BaseModel):
    """One article: ``text`` is required; the rest is optional metadata."""

    id: str | None = Field(None, max_length=300, description="Source id (default: a1, a2, ...).")
    source: str | None = Field(None, max_length=300, description="Outlet name.")
    title: str | None = Field(None, max_length=2000)
    text: str = Field(..., min_length=1, description="The article text (plain text).")
    date: str | None = Field(None, max_length=64, description="ISO 8601 date.")
    url: str | None = Field(None, max_length=4000)


class BriefRequest(BaseModel):
    """A set of articles about one event."""

    articles: list[ArticleIn] = Field(..., min_length=1)
    words: int = Field(100, ge=0, le=2000, description="Summary length in words.")
    title: str | None = Field(None, max_length=2000, description="Story title (default: chosen).")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "articles": [
                        {
                            "id": "a",
                            "source": "Outlet A",
                            "text": "The council approved the budget on Monday.",
                        },
                        {
                            "id": "b",
                            "source": "Outlet B",
                            "text": "On Monday the council approved the budget.",
                        },
                    ],
                    "words": 60,
                }
            ]
        }
    }


class IngestRequest(BaseModel):
    """Articles to add to the corpus."""

    articles: list[ArticleIn] = Field(..., min_length=1)


# ---------------------------------------------------------------- helpers

_bearer = HTTPBearer(auto_error=False, description="The server's token (STORYLINE_TOKEN).")


def require_token(
    request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    """Dependency of every write endpoint: 401 unless the request carries the server's token (if any)."""
    header = f"Bearer {creds.credentials}" if creds else request.headers.get("authorization")
    if not token_ok(request.app.state.token, header):
        raise HTTPException(
            401, "a valid token is required: Authorization: Bearer <token>", {"WWW-Authenticate": "Bearer"}
        )


def templates() -> jinja2.Environment:
    """Web templates first, then the report templates they extend (one source of truth for the brief)."""
    return _environment()


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("storyline", "web/templates"),
                jinja2.PackageLoader("storyline", "render/templates"),
            ]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _report_asset(name: str) -> str:
    env = report.environment()
    return env.loader.get_source(env, name)[0]  # type: ignore[union-attr]


def swatch_styles() -> list[str]:
    """The exact ``style`` values of the provenance legend's swatches (allowed by hash in the CSP)."""
    return [f"background: {c}" for c in report.PALETTE]


# The pipeline is not thread-safe (segment.stem shares one stateful Snowball stemmer), and handlers run on
# a thread pool: briefs are built one at a time. The GIL would serialise this CPU-bound work anyway.
_PIPELINE = threading.Lock()


def build_brief(articles: list[Article], *, words: int = 100, title: str | None = None) -> dict[str, Any]:
    """The brief dict of ``articles`` with the cleaned texts of its sources (for the reading view).

    Returns ``{"brief": ..., "errors": [...], "texts": {source id: cleaned text}}``; raises
    :class:`~storyline.errors.InputError` when no usable article remains.
    """
    import storyline
    from storyline.clean import clean_article
    from storyline.pipeline import as_articles

    arts, errors = as_articles(articles)
    with _PIPELINE:
        result = storyline.brief(arts, words=words, title=title)
        texts = {a.id: clean_article(a).text for a in arts}
    return {"brief": result.to_dict(), "errors": errors + result.errors, "texts": texts}


def story_context(
    brief: dict[str, Any],
    texts: dict[str, str] | None = None,
    links: dict[str, str] | None = None,
    notices: list[str] | None = None,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The story page's view: the report's context plus the reading view, notices and store metadata."""
    ctx = report.context(brief)
    meta = {"id": None, "adhoc": False, "first_seen": None, "last_seen": None, **(meta or {})}
    ctx.update(reading=reading_view(brief, texts, links), notices=notices or [], meta=meta, links=links or {})
    return ctx


# ---------------------------------------------------------------- the app


def create_app(
    db: str | None = None,
    token: str | None = None,
    *,
    max_body: int = DEFAULT_MAX_BODY,
    max_articles: int = DEFAULT_MAX_ARTICLES,
    allowed_hosts: list[str] | None = None,
) -> FastAPI:
    """The storyline web app.

    ``db``: path of the corpus database (story list, story and article pages, ingest); without it only
    the ad-hoc brief (``/new``, ``POST /api/brief``) works. ``token``: required on every ``POST`` as
    ``Authorization: Bearer <token>``; default ``$STORYLINE_TOKEN``; empty or unset means no token.
    ``allowed_hosts``: ``Host`` header values to accept (defence against DNS rebinding); None accepts any.
    """
    token = token if token is not None else os.environ.get("STORYLINE_TOKEN")
    app = FastAPI(
        title="storyline",
        version=__version__,
        description=(
            "Many overlapping news reports of one event -> one source-attributed account. "
            "Write endpoints (every POST) need `Authorization: Bearer <token>` when the server has a token."
        ),
        docs_url=None,
        redoc_url=None,
    )
    app.state.token = token or None
    app.state.max_body = max_body
    app.state.max_articles = max_articles
    app.state.corpus = _open_corpus(db)
    env = templates()
    csp = page_csp(swatch_styles())

    if allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    app.add_middleware(Guard, max_body=max_body, csp=csp, csp_for={"/docs": DOCS_CSP})  # outermost

    def page(name: str, code: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("token_required", app.state.token is not None)
        ctx.setdefault("has_corpus", app.state.corpus is not None)
        ctx.setdefault("version", __version__)
        return HTMLResponse(env.get_template(name).render(**ctx), status_code=code)

    def check_count(n: int) -> None:
        if n > app.state.max_articles:
            raise HTTPException(413, f"{n} articles in one request; the limit is {app.state.max_articles}")

    def need_corpus() -> Any:
        if app.state.corpus is None:
            raise HTTPException(404, "this server has no corpus database (start it with --db PATH)")
        return app.state.corpus

    # ------------------------------------------------------------ errors

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
        return page("error.html.j2", exc.status_code, status=exc.status_code, message=str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        from fastapi.encoders import jsonable_encoder

        errors = [{k: e[k] for k in ("loc", "msg", "type") if k in e} for e in exc.errors()]
        if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": jsonable_encoder(errors)}, 422)
        message = "; ".join(f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg', '')}" for e in errors)
        return page("error.html.j2", 422, status=422, message=message)

    # ------------------------------------------------------------ static files and docs

    static_files = {"report.css": "text/css", "report.js": "text/javascript"}

    @app.get("/static/report.css", include_in_schema=False)
    @app.get("/static/report.js", include_in_schema=False)
    def report_asset(request: Request) -> Response:
        name = request.url.path.rsplit("/", 1)[-1]
        return Response(_report_asset(name), media_type=static_files[name] + "; charset=utf-8")

    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    _mount_docs(app, page)

    # ------------------------------------------------------------ API

    @app.get("/api/health", tags=["service"], summary="Liveness check")
    def health() -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "corpus": app.state.corpus is not None}

    @app.post(
        "/api/brief",
        tags=["briefs"],
        summary="Build a brief from a set of articles (nothing is stored)",
        dependencies=[Depends(require_token)],
        responses={
            200: {"description": "The storyline.brief/1 JSON, plus `errors` (articles that were skipped)."},
            401: {"description": "Token missing or wrong."},
            413: {"description": "Request body or article count over the limit."},
            422: {"description": "Invalid request, or no usable article text."},
        },
    )
    def api_brief(req: BriefRequest) -> dict[str, Any]:
        check_count(len(req.articles))
        articles = [Article.from_dict(a.model_dump()) for a in req.articles]
        try:
            out = build_brief(articles, words=req.words, title=req.title)
        except InputError as exc:
            raise HTTPException(422, str(exc)) from None
        return {**out["brief"], "errors": out["errors"]}

    # ------------------------------------------------------------ pages

    @app.get("/new", response_class=HTMLResponse, include_in_schema=False)
    def new_story() -> HTMLResponse:
        return page(
            "new.html.j2", accept=forms.ACCEPT, max_articles=app.state.max_articles, max_body=max_body
        )

    @app.post("/new", response_class=HTMLResponse, include_in_schema=False)
    async def new_story_post(request: Request) -> HTMLResponse:
        limit = app.state.max_articles
        form = await request.form(max_files=limit + 1, max_fields=16, max_part_size=max_body)
        supplied = form.get("token")
        if not token_ok(
            app.state.token,
            request.headers.get("authorization"),
            supplied if isinstance(supplied, str) else None,
        ):
            raise HTTPException(401, "a valid token is required to build a brief on this server")
        texts = form.get("texts")
        articles, errors = forms.pasted_articles(texts if isinstance(texts, str) else "")
        for item in form.getlist("files"):
            if isinstance(item, str) or not item.filename:
                continue
            got, errs = forms.file_articles(item.filename, await item.read())
            articles += got
            errors += errs
        check_count(len(articles))
        if not articles:
            msg = "; ".join(errors) if errors else "paste some articles or choose files first"
            raise HTTPException(422, f"no articles to build a brief from: {msg}")
        words = _int(form.get("words"), 100, 0, 2000)
        title = form.get("title") if isinstance(form.get("title"), str) else None
        try:
            out = await run_in_threadpool(
                build_brief, articles, words=words, title=(title or "").strip() or None
            )
        except InputError as exc:
            raise HTTPException(422, str(exc)) from None
        ctx = story_context(out["brief"], out["texts"], notices=out["errors"], meta={"adhoc": True})
        return page("story.html.j2", **ctx)

    _corpus_routes(app, page, need_corpus, check_count)
    return app


def _int(v: Any, default: int, lo: int, hi: int) -> int:
    try:
        return min(max(int(str(v).strip()), lo), hi)
    except (TypeError, ValueError):
        return default


def _mount_docs(app: FastAPI, page: Any) -> None:
    """Swagger UI at ``/docs`` from the local ``swagger-ui-bundle-v2`` package (no CDN); without the
    package, ``/docs`` says where the schema is instead."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        swagger_ui_path = None
    if swagger_ui_path is not None:
        app.mount("/docs/assets", StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:
        return page("docs.html.j2" if swagger_ui_path is not None else "docs-offline.html.j2", active="docs")


def _open_corpus(db: str | None) -> Any:
    """The corpus at ``db`` (created when missing), or None without a database."""
    if db is None:
        return None
    from .web.corpus import Corpus

    return Corpus(str(db))


PAGE_SIZE = 50


def _corpus_routes(app: FastAPI, page: Any, need_corpus: Any, check_count: Any) -> None:
    """Story list, story and article pages, and their JSON API (need the corpus store)."""
    from urllib.parse import urlencode

    from .web.corpus import SORTS, article_href, iso

    def story_id(raw: str) -> int:
        if not raw.isdigit() or len(raw) > 18:
            raise HTTPException(404, f"no story {raw!r}")
        return int(raw)

    def stored_brief(raw: str) -> dict[str, Any]:
        sid = story_id(raw)
        got = need_corpus().brief(sid, lambda arts: build_brief(arts))
        if got is None:
            raise HTTPException(404, f"no story {sid}")
        return got

    def listing(q: str, sort: str, offset: int) -> dict[str, Any]:
        sort = sort if sort in SORTS else "recent"
        offset = max(offset, 0)
        rows, total = app.state.corpus.stories(q, sort, PAGE_SIZE, offset) if app.state.corpus else ([], 0)
        return {"stories": rows, "total": total, "q": q, "sort": sort, "offset": offset}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(q: str = "", sort: str = "recent", offset: int = 0) -> HTMLResponse:
        ctx = listing(q.strip()[:200], sort, offset)

        def url(o: int) -> str:
            return "/?" + urlencode(
                {k: v for k, v in (("q", ctx["q"]), ("sort", ctx["sort"]), ("offset", o)) if v}
            )

        o, n, total = ctx["offset"], len(ctx["stories"]), ctx["total"]
        nav = {
            "shown_from": o + 1 if n else 0,
            "shown_to": o + n,
            "prev_url": url(max(o - PAGE_SIZE, 0)) if o > 0 else None,
            "next_url": url(o + PAGE_SIZE) if o + n < total else None,
        }
        for r in ctx["stories"]:
            r["href"] = f"/stories/{r['id']}"
        return page("index.html.j2", **ctx, **nav)

    @app.get("/stories/{sid}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(sid: str) -> HTMLResponse:
        got = stored_brief(sid)
        links = {m.article.id: article_href(m.article.id) for m in got["members"]}
        meta = {"id": got["id"], "first_seen": _day(got["first_seen"]), "last_seen": _day(got["last_seen"])}
        return page("story.html.j2", **story_context(got["brief"], got["texts"], links, got["errors"], meta))

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> HTMLResponse:
        got = need_corpus().article(article_id)
        if got is None:
            raise HTTPException(404, f"no article {article_id!r}")
        a = got["stored"].article
        for link in got["derived_from"] + got["copied_by"]:
            link["href"] = article_href(link["article"])
            link["percent"] = f"{round(link['overlap'] * 100)}%"
        return page(
            "article.html.j2",
            a=a,
            url=safe_url(a.url),
            story=got["story"],
            first_seen=_day(iso(got["stored"].first_seen)),
            words=len(a.text.split()),
            paragraphs=[p for p in a.text.split("\n") if p.strip()],
            derived_from=got["derived_from"],
            copied_by=got["copied_by"],
        )

    @app.get("/api/stories", tags=["stories"], summary="List stories (search titles, sort, page)")
    def api_stories(q: str = "", sort: str = "recent", limit: int = 50, offset: int = 0) -> dict[str, Any]:
        need_corpus()
        rows, total = app.state.corpus.stories(q.strip()[:200], sort if sort in SORTS else "recent",
                                               min(max(limit, 1), 500), max(offset, 0))  # fmt: skip
        return {"total": total, "stories": rows}

    @app.get("/api/stories/{sid}", tags=["stories"], summary="One story and its articles")
    def api_story(sid: str) -> dict[str, Any]:
        got = need_corpus().story(story_id(sid))
        if got is None:
            raise HTTPException(404, f"no story {sid}")
        members = got.pop("members")
        got["articles_list"] = [_article_summary(m) for m in members]
        return got

    @app.get("/api/stories/{sid}/brief", tags=["stories"], summary="The brief of a stored story")
    def api_story_brief(sid: str) -> dict[str, Any]:
        got = stored_brief(sid)
        return {**got["brief"], "errors": got["errors"]}

    @app.get("/api/articles/{article_id:path}", tags=["articles"], summary="One stored article")
    def api_article(article_id: str) -> dict[str, Any]:
        got = need_corpus().article(article_id)
        if got is None:
            raise HTTPException(404, f"no article {article_id!r}")
        a = got["stored"].article
        return {
            **_article_summary(got["stored"]),
            "text": a.text,
            "boilerplate_removed": list(a.boilerplate_removed),
            "derived_from": got["derived_from"],
            "copied_by": got["copied_by"],
        }

    @app.post(
        "/api/articles",
        tags=["articles"],
        summary="Ingest articles into the corpus (deduplicated, grouped into stories)",
        dependencies=[Depends(require_token)],
        responses={401: {"description": "Token missing or wrong."}, 413: {"description": "Over a limit."}},
    )
    async def api_ingest(req: IngestRequest) -> dict[str, Any]:
        corpus = need_corpus()
        check_count(len(req.articles))
        articles = [Article.from_dict(a.model_dump()) for a in req.articles]
        for k, a in enumerate(articles, 1):
            a.id = a.id or f"api-{k}"
        import asyncio

        summary = await asyncio.wrap_future(corpus.ingest(articles))
        return {
            "added": summary.added,
            "exact_duplicates": summary.exact_duplicates,
            "near_duplicates": summary.near_duplicates,
            "already_stored": summary.already_stored,
            "stories": sorted(summary.stories_touched),
            "errors": summary.errors,
        }


def _day(stamp: str | None) -> str | None:
    """``2026-03-04T00:00:00Z`` -> ``2026-03-04``; other times keep hours and minutes (UTC)."""
    if not stamp:
        return None
    day, _, clock = stamp.partition("T")
    return day if clock in ("", "00:00:00Z") else f"{day} {clock[:5]} UTC"


def _article_summary(m: Any) -> dict[str, Any]:
    from .web.corpus import iso

    a = m.article
    return {
        "id": a.id,
        "source": a.source,
        "title": a.title,
        "date": a.date,
        "url": a.url,
        "story": m.story,
        "words": len(a.text.split()),
        "first_seen": iso(m.first_seen),
    }
