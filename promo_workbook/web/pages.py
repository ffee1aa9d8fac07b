# pages.py: the HTML pages: New plan, Check a plan (and its report), Rules, downloads.
"""Routes for people, in the page's language (i18n.py):

    GET  /                      the New-plan form          POST /new     the .xlsx download
    GET  /check                 the upload form            POST /check   the report page
    GET  /report/{token}        the report again (another language, a reload) while it is kept
    POST /report/{token}/mail   "Email this summary" (mailform.py; when the config has [mail])
    GET  /download/{token}/{k}  k = summary | annotated | json
    GET  /rules, /rules/{code}  every rule; one rule
    GET  /palette.css           the workbook's colours as CSS variables (engine.palette)
"""
from __future__ import annotations

import datetime as dt
import json
import os

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.requests import Request

from . import charts, engine
from .app import Desk, size_text
from .forms import FIELDS, content_disposition, download_name, parse_new
from .i18n import LANGS
from .uploads import Refusal, receive, run_check, run_job

__all__ = ["router", "MEDIA_TYPES"]

router = APIRouter()
MEDIA_TYPES = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
               ".json": "application/json"}
DOWNLOADS = ("summary", "annotated", "json")
DOWNLOAD_WORDS = {"summary": "report.summary", "annotated": "report.annotated", "json": "report.json"}
SEVERITIES = ("error", "warning", "info")


# Public API.

@router.get("/")
async def new_page(request: Request):
    return _new_form(request, _desk(request), {}, {})


@router.post("/new")
async def new_post(request: Request):
    desk = _desk(request)
    form = await request.form(max_files=0, max_fields=40)
    values = {k: v for k, v in form.multi_items() if k in FIELDS and isinstance(v, str)}
    options, errors = parse_new(values, desk.language(request))
    if errors:
        return _new_form(request, desk, values, errors, status=422)
    job = desk.store.create("new")
    name = download_name(options.get("campaign"))
    path = job.path(name)
    try:
        await run_job(desk, "new", {"path": str(path), "options": options})
    except Refusal as refusal:
        desk.store.discard(job)
        return _new_form(request, desk, values, {}, status=refusal.status, headers=refusal.headers,
                         problem=(refusal.key, refusal.params))
    return file_response(path, name, BackgroundTask(desk.store.discard, job))


@router.get("/check")
async def check_page(request: Request):
    return _check_form(request, _desk(request))


@router.post("/check")
async def check_post(request: Request):
    desk = _desk(request)
    try:
        upload = await receive(request, desk, "check")
    except Refusal as refusal:
        return _check_form(request, desk, refusal=refusal)
    job = upload.job
    lang = upload.fields.get("lang") or None
    today = (upload.fields.get("today") or "").strip() or None
    try:
        if lang is not None and lang not in LANGS:
            raise Refusal(422, "error.choice")
        if today is not None:
            try:
                today = dt.date.fromisoformat(today).isoformat()
            except ValueError:
                raise Refusal(422, "error.date") from None
        result = await run_check(desk, upload, engine.OUTPUTS, lang=lang, today=today)
    except Refusal as refusal:
        desk.store.discard(job)
        return _check_form(request, desk, refusal=refusal)
    finally:
        _remove(job.path(upload.name))  # the outputs are made; the upload itself is not kept
    job.data.update({"files": result["files"], "problems": result["problems"]})
    desk.store.renew(job)  # the links live keep_minutes from now, however long the check took
    return _report(request, desk, job)


@router.get("/report/{token}")
async def report_page(request: Request, token: str):
    desk = _desk(request)
    job = desk.store.get(token)
    if job is None or job.kind != "check" or "page" not in job.data.get("files", {}):
        return desk.refuse(request, 404, "error.expired")
    return _report(request, desk, job)


@router.get("/download/{token}/{kind}")
async def download(request: Request, token: str, kind: str):
    desk = _desk(request)
    job = desk.store.get(token)
    name = (job.data.get("files") or {}).get(kind) if job is not None and kind in DOWNLOADS else None
    if name is None or not job.path(name).is_file():
        return desk.refuse(request, 404, "error.expired")
    return file_response(job.path(name), name)


@router.get("/rules")
async def rules_page(request: Request):
    rules = engine.rules()
    return _desk(request).render(request, "rules.html", rules=rules, page="rules")


@router.get("/rules/{code}")
async def rule_page(request: Request, code: str):
    desk = _desk(request)
    rule = engine.rule(code)
    if rule is None:
        return desk.refuse(request, 404, "error.not_found")
    if rule["code"] != code:
        return RedirectResponse(f"{request.scope.get('root_path', '').rstrip('/')}/rules/{rule['code']}", 308)
    return desk.render(request, "rule.html", rule=rule, page="rules")


@router.get("/palette.css")
async def palette_css():
    body = ":root {\n" + "".join(f"  --{name}: {colour};\n" for name, colour in engine.palette().items()) + "}\n"
    return Response(body, media_type="text/css", headers={"cache-control": "public, max-age=3600"})


@router.get("/favicon.ico")
async def favicon():
    from .app import HERE

    return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml",
                        headers={"cache-control": "public, max-age=86400"})


def file_response(path, name: str, background=None) -> FileResponse:
    """The file as an attachment named ``name`` (RFC 6266 with a UTF-8 ``filename*``)."""
    media = MEDIA_TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")
    return FileResponse(path, media_type=media, background=background,
                        headers={"content-disposition": content_disposition(name), "cache-control": "no-store"})


def group_findings(findings: list[dict], lang: str) -> list[dict]:
    """Findings by sheet, then by row, in the report's order; each with its message in ``lang``
    and its rule's one-line explanation."""
    groups, by_sheet = [], {}
    for f in findings:
        sheet = by_sheet.get(f["sheet"])
        if sheet is None:
            sheet = by_sheet[f["sheet"]] = {"sheet": f["sheet"], "rows": [], "by_row": {},
                                            "counts": dict.fromkeys(SEVERITIES, 0)}
            groups.append(sheet)
        row = sheet["by_row"].get(f["row"])
        if row is None:
            row = sheet["by_row"][f["row"]] = {"row": f["row"], "findings": []}
            sheet["rows"].append(row)
        rule = engine.rule(f["code"]) or {}
        row["findings"].append({**f, "message": f["messages"].get(lang) or f["messages"].get("en", ""),
                                "what": rule.get("what", "")})
        if f["severity"] in sheet["counts"]:
            sheet["counts"][f["severity"]] += 1
    for sheet in groups:
        del sheet["by_row"]
    return groups


# Private API.

def _desk(request: Request) -> Desk:
    return request.app.state.desk


def _new_form(request, desk: Desk, values: dict, errors: dict, status: int = 200, headers=None, problem=None):
    lang = desk.language(request)
    values = dict(values)
    values.setdefault("lang", lang)
    return desk.render(request, "new.html", status=status, headers=headers, page="new", switch_path="/",
                       values=values, errors=errors, problem=problem, max_rows=engine.MAX_ROWS,
                       scenarios=engine.scenario_options() if engine.supports_scenario() else ())


def _check_form(request, desk: Desk, refusal: Refusal | None = None):
    problem = (refusal.key, refusal.params) if refusal else None
    return desk.render(request, "check.html", status=refusal.status if refusal else 200, switch_path="/check",
                       headers=refusal.headers if refusal else None, page="check", problem=problem,
                       rule_count=len(engine.rules()),
                       limit=size_text(desk.settings.max_upload_bytes), max_bytes=desk.settings.max_upload_bytes)


def _report(request, desk: Desk, job, status: int = 200, headers=None, mail_form: dict | None = None):
    from .mailform import mail_context

    lang = desk.language(request)
    page = json.loads(job.path(job.data["files"]["page"]).read_text(encoding="utf-8"))
    figures = page.get("figures")
    counts = page["counts"]
    verdict = "errors" if counts["error"] else ("warnings" if counts["warning"] else "ok")
    files = job.data.get("files", {})
    downloads = [{"kind": kind, "word": DOWNLOAD_WORDS[kind], "name": files.get(kind),
                  "problem": job.data.get("problems", {}).get(kind)} for kind in DOWNLOADS]
    expires = dt.datetime.fromtimestamp(job.expires, dt.timezone.utc)
    mail = mail_context(desk, job, mail_form) if page.get("mail") else None
    if mail is not None and mail["sent"]:
        sent_at = dt.datetime.fromtimestamp(mail["sent"]["at"], dt.timezone.utc)
        mail["sent_iso"] = sent_at.isoformat(timespec="seconds").replace("+00:00", "Z")
        mail["sent_text"] = sent_at.strftime("%H:%M UTC")
    return desk.render(
        request, "report.html", status=status, headers=headers, mail=mail, page="check", report=page,
        verdict=verdict, token=job.token,
        groups=group_findings(page["findings"], lang), downloads=downloads,
        accepted=[{**a, "message": a["messages"].get(lang) or a["messages"].get("en", "")}
                  for a in page.get("accepted", ())],
        expires_iso=expires.isoformat(timespec="seconds").replace("+00:00", "Z"),
        expires_text=expires.strftime("%H:%M UTC"), switch_path=f"/report/{job.token}",
        tiles=charts.key_figures(figures), budget=charts.budget_chart(figures), goals=charts.goals_chart(figures),
        daily=charts.daily_chart(figures))


def _remove(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
