# app.py: the app factory, its shared state (the Desk), the guard middleware and error pages.
"""``create_app(config)`` builds the FastAPI app: pages (pages.py), the API (api.py), static
files, and around them one middleware (``Guard``) that

- refuses a request body over its limit (413: uploads ``max_upload_bytes``, anything else 64 KB),
  by its Content-Length before reading it and by counting while it streams;
- adds the security headers (a strict Content-Security-Policy: the app's own scripts, styles
  and images only) to every response;
- logs one line per request: method, path (tokens shortened), status, milliseconds, body bytes.

Errors are ``{"error": message}`` under /api/ and a page elsewhere; never a traceback.
"""
from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request

from .. import __version__
from . import engine
from .config import WebSettings, read_toml, settings_from
from .i18n import COOKIE, HTML_LANG, LANGS, negotiate, words
from .store import Store
from .worker import WorkerPool

__all__ = ["create_app", "BodyTooLarge", "Desk", "Guard", "LOG", "size_text"]

LOG = logging.getLogger("promo_workbook.web")
HERE = Path(__file__).resolve().parent
SMALL_BODY = 64 * 1024                 # any request body but an upload's
UPLOAD_PATHS = ("/check", "/api/check", "/api/summary")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
SWEEP_EVERY = 60.0                    # seconds between sweeps of expired jobs


# Public API.

def create_app(config=None) -> FastAPI:
    """The planning desk. ``config``: a TOML file's path (its ``[web]`` section and the check's
    thresholds), a ``WebSettings``, or None: the file named by $PROMO_WORKBOOK_CONFIG, if any,
    else the defaults. Several processes may serve it (``uvicorn --factory --workers N``)."""
    desk = Desk.from_config(config if config is not None else os.environ.get("PROMO_WORKBOOK_CONFIG") or None)
    app = FastAPI(title="promo-workbook", version=__version__, docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=desk.lifespan)
    app.state.desk = desk
    from . import api, mailform, pages

    app.include_router(pages.router)
    app.include_router(mailform.router)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(BodyTooLarge, _too_large)
    app.add_middleware(Guard, desk=desk)
    if not LOG.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
        LOG.propagate = False
    return app


@dataclass
class Desk:
    """What every request shares: settings, the check's thresholds, the job store, the workers,
    the templates."""

    settings: WebSettings
    check_config: dict
    config_file: str | None
    store: Store
    pool: WorkerPool
    mail: Any = None        # mailform.MailDesk when the config file has a [mail] section, else None

    @classmethod
    def from_config(cls, config) -> Desk:
        path = None
        mail = None
        if isinstance(config, WebSettings):
            settings, check_config = config.resolved(), engine.load_check_config(None)
        else:
            path = str(config) if config is not None else None
            data = read_toml(path) if path else {}
            settings = settings_from(data, path or "config")
            check_config = engine.load_check_config(path, data)
            if "mail" in data:
                from .mailform import MailDesk

                mail = MailDesk.from_table(data["mail"], path)
        store = Store(settings.work_dir, settings.keep_minutes * 60)
        store.prepare()
        pool = WorkerPool(settings.max_concurrent_checks, settings.max_queued_checks, settings.check_timeout_s,
                          cwd=str(store.root))
        return cls(settings, check_config, path, store, pool, mail)

    @contextlib.asynccontextmanager
    async def lifespan(self, app):
        self.store.sweep()
        await self.pool.start()
        sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())
        LOG.info("ready: %d worker(s), uploads up to %d bytes, links kept %g min, work folder %s",
                 self.pool.size, self.settings.max_upload_bytes, self.settings.keep_minutes, self.store.root)
        try:
            yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            await self.pool.close()

    async def _sweep_forever(self):
        every = min(SWEEP_EVERY, max(1.0, self.settings.keep_minutes * 60 / 2))
        while True:
            await asyncio.sleep(every)
            try:
                await asyncio.get_running_loop().run_in_executor(None, self.store.sweep)
            except Exception as exc:  # a sweep that fails is tried again next time
                LOG.warning("sweep failed: %s", type(exc).__name__)

    # Pages.

    def language(self, request: Request) -> str:
        lang, _ = negotiate(request.query_params.get("lang"), request.cookies.get(COOKIE),
                            request.headers.get("accept-language"))
        return lang

    def render(self, request: Request, template: str, status: int = 200, headers=None, **context) -> HTMLResponse:
        """A page in the request's language; ``?lang=`` is remembered in the cookie."""
        lang, remember = negotiate(request.query_params.get("lang"), request.cookies.get(COOKIE),
                                   request.headers.get("accept-language"))
        base = request.scope.get("root_path", "").rstrip("/")
        path = request.url.path[len(base):] if base and request.url.path.startswith(base) else request.url.path
        # The language links reload the page; after a POST they lead to the form instead.
        context.setdefault("switch_path", path if request.method in ("GET", "HEAD") else "/")
        html = _templates().get_template(template).render(
            t=words().for_lang(lang), lang=lang, html_lang=HTML_LANG[lang], langs=LANGS, base=base, path=path,
            version=__version__, settings=self.settings, keep=f"{self.settings.keep_minutes:g}", **context)
        response = HTMLResponse(html, status_code=status, headers=headers)
        response.headers["cache-control"] = "no-store"
        response.headers["vary"] = "Accept-Language, Cookie"
        if remember:
            response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, path=base or "/", samesite="lax",
                                httponly=True, secure=request.url.scheme == "https")
        return response

    def refuse(self, request: Request, status: int, key: str, headers=None, **params) -> Response:
        """An error: ``{"error": ...}`` (English) under /api/, else the error page."""
        if _is_api(request.url.path, request.scope.get("root_path", "")):
            return JSONResponse({"error": words().text(key, "en", **params)}, status_code=status, headers=headers)
        return self.render(request, "error.html", status=status, headers=headers, key=key, params=params)


class Guard:
    """Pure ASGI middleware: body limits, security headers, one log line per request."""

    def __init__(self, app, desk: Desk):
        self.app, self.desk = app, desk

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        state = {"status": 0, "bytes": 0}
        root = scope.get("root_path", "")
        path = scope.get("path", "")
        local = path[len(root):] if root and path.startswith(root) else path
        limit = self.desk.settings.max_upload_bytes + SMALL_BODY if local in UPLOAD_PATHS else SMALL_BODY

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (n, v) for n, v in SECURITY_HEADERS if n not in names]
            await send(message)

        async def counted_receive():
            message = await receive()
            if message["type"] == "http.request":
                state["bytes"] += len(message.get("body", b""))
                if state["bytes"] > limit:
                    raise BodyTooLarge()
            return message

        try:
            declared = _content_length(scope)
            if declared is not None and declared > limit:
                state["bytes"] = declared
                response = self.desk.refuse(Request(scope), 413, "error.too_big",
                                            limit=size_text(self.desk.settings.max_upload_bytes))
                response.headers["connection"] = "close"
                await response(scope, receive, send_with_headers)
            else:
                await self.app(scope, counted_receive, send_with_headers)
        except Exception as exc:  # a bug: one line in the log, a plain error page, no traceback anywhere
            LOG.error("internal error on %s %s: %s", scope.get("method", "-"), _redact(path), type(exc).__name__)
            if state["status"]:  # the response had begun: nothing better to do than to end it
                return
            response = self.desk.refuse(Request(scope), 500, "error.internal")
            await response(scope, receive, send_with_headers)
        finally:
            LOG.info("%s %s %d %.0fms %dB", scope.get("method", "-"), _redact(path), state["status"],
                     (time.perf_counter() - started) * 1000, state["bytes"])


class BodyTooLarge(Exception):
    """The request body passed its limit while it streamed in."""


def size_text(n: int) -> str:
    """25000000 -> '25 MB'."""
    for unit, step in (("GB", 10 ** 9), ("MB", 10 ** 6), ("KB", 10 ** 3)):
        if n >= step:
            return f"{n / step:.3g} {unit}"
    return f"{n} B"


# Private API.

@functools.lru_cache(maxsize=1)
def _templates():
    """The Jinja2 environment: every template autoescaped, whatever its name."""
    import jinja2

    from . import charts

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                             autoescape=jinja2.select_autoescape(["html", "svg", "xml"], default=True),
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["number"] = charts.number
    env.filters["percent"] = charts.percent
    return env


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _is_api(path: str, root: str = "") -> bool:
    local = path[len(root):] if root and path.startswith(root) else path
    return local.startswith("/api/") or local == "/healthz"


_TOKEN_IN_PATH = re.compile(r"(?<=/)([A-Za-z0-9_-]{6})[A-Za-z0-9_-]{26}(?=/|$)")


def _redact(path: str) -> str:
    """Download and report links carry a token: the log keeps its first six characters."""
    return _TOKEN_IN_PATH.sub(r"\1…", path)


async def _http_error(request: Request, exc: StarletteHTTPException):
    desk: Desk = request.app.state.desk
    key = {404: "error.not_found", 405: "error.method", 413: "error.too_big"}.get(exc.status_code)
    if key is None:
        if _is_api(request.url.path, request.scope.get("root_path", "")):
            return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)
        key = "error.internal" if exc.status_code >= 500 else "error.method"
    params = {"limit": size_text(desk.settings.max_upload_bytes)} if key == "error.too_big" else {}
    return desk.refuse(request, exc.status_code, key, **params)


async def _validation_error(request: Request, exc: RequestValidationError):
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
    message = f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", "invalid request"))
    if _is_api(request.url.path, request.scope.get("root_path", "")):
        return JSONResponse({"error": message}, status_code=422)
    return request.app.state.desk.refuse(request, 422, "error.method")


async def _too_large(request: Request, exc: BodyTooLarge):
    desk: Desk = request.app.state.desk
    return desk.refuse(request, 413, "error.too_big", limit=size_text(desk.settings.max_upload_bytes))
