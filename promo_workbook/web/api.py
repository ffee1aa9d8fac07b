# api.py: the HTTP API: check (JSON report), new (.xlsx), summary (.xlsx), health.
"""Routes for programs. Errors are ``{"error": "one line"}`` with 4xx (bad input or an
unreadable workbook 422, too large 413, busy 503 with Retry-After), never a traceback.

    POST /api/check     multipart: file, optional lang, today (YYYY-MM-DD), select, ignore
                        (comma-separated codes, prefixes or families) -> the JSON report of
                        ``promo-workbook check --format json``, HTTP 200 whatever it found
    POST /api/new       JSON body with the ``new`` options -> the .xlsx
    POST /api/summary   multipart: file, optional lang, today -> the summary .xlsx
    GET  /healthz       {"status": "ok"}
"""
from __future__ import annotations

import datetime as dt
import json

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from starlette.background import BackgroundTask
from starlette.requests import Request

from .app import Desk
from .forms import download_name, parse_new
from .i18n import LANGS, words
from .pages import file_response
from .uploads import Refusal, receive, run_check, run_job

__all__ = ["router"]

router = APIRouter()


# Public API.

@router.get("/healthz")
async def healthz():
    return JSONResponse({"status": "ok"}, headers={"cache-control": "no-store"})


@router.post("/api/check")
async def api_check(request: Request):
    def respond(desk: Desk, job, result: dict) -> Response:
        body = job.path(result["files"]["json"]).read_bytes()
        desk.store.discard(job)
        return Response(body, media_type="application/json", headers={"cache-control": "no-store"})

    return await _checked_upload(request, "api-check", ["json"], respond, select=True)


@router.post("/api/summary")
async def api_summary(request: Request):
    def respond(desk: Desk, job, result: dict) -> Response:
        name = result["files"].get("summary")
        if name is None:
            raise Refusal(422, "error.unreadable", message=result["problems"].get("summary", "no summary"))
        return file_response(job.path(name), name, BackgroundTask(desk.store.discard, job))

    return await _checked_upload(request, "api-summary", ["summary"], respond, select=False)


@router.post("/api/new")
async def api_new(request: Request):
    desk = _desk(request)
    try:
        values = json.loads(await request.body() or b"{}")
    except ValueError:
        return JSONResponse({"error": "the body is not JSON"}, status_code=422)
    if not isinstance(values, dict):
        return JSONResponse({"error": "the body must be a JSON object of options"}, status_code=422)
    options, errors = parse_new(values, "en")
    if errors:
        field, (key, params) = next(iter(errors.items()))
        return JSONResponse({"error": f"{field}: {words().text(key, 'en', **params)}"}, status_code=422)
    job = desk.store.create("api-new")
    name = download_name(options.get("campaign"))
    try:
        await run_job(desk, "new", {"path": str(job.path(name)), "options": options})
    except Refusal as refusal:
        desk.store.discard(job)
        return _error(refusal)
    return file_response(job.path(name), name, BackgroundTask(desk.store.discard, job))


# Private API.

def _desk(request: Request) -> Desk:
    return request.app.state.desk


async def _checked_upload(request: Request, kind: str, outputs: list, respond, *, select: bool) -> Response:
    """Receive an upload, check it into ``outputs`` and answer with ``respond(desk, job,
    result)``; a Refusal on the way (or from ``respond``) is the JSON error and ends the job."""
    desk = _desk(request)
    try:
        upload = await receive(request, desk, kind)
    except Refusal as refusal:
        return _error(refusal)
    try:
        result = await run_check(desk, upload, outputs, **_check_args(upload.fields, select=select))
        return respond(desk, upload.job, result)
    except Refusal as refusal:
        desk.store.discard(upload.job)
        return _error(refusal)


def _error(refusal: Refusal) -> JSONResponse:
    return JSONResponse({"error": words().text(refusal.key, "en", **refusal.params)}, status_code=refusal.status,
                        headers=refusal.headers)


def _check_args(fields: dict, select: bool) -> dict:
    """lang, today and (for the check) select / ignore from the form; Refusal when one is bad."""
    args = {}
    lang = (fields.get("lang") or "").strip()
    if lang:
        if lang not in LANGS:
            raise Refusal(422, "error.input", message=f"lang must be one of {', '.join(LANGS)}")
        args["lang"] = lang
    today = (fields.get("today") or "").strip()
    if today:
        try:
            args["today"] = dt.date.fromisoformat(today).isoformat()
        except ValueError:
            raise Refusal(422, "error.input", message=f"today: {today[:40]!r} is not a date like 2026-03-01") \
                from None
    for key in ("select", "ignore") if select else ():
        codes = [c.strip() for c in (fields.get(key) or "").replace("，", ",").split(",") if c.strip()]
        if codes:
            args[key] = codes
    return args
