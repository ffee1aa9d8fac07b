# mailform.py: "Email this summary" on the report page, when the server's config has a [mail] section.
"""The report page's email form: to, cc, a note, and whether to attach the annotated copy.

    POST /report/{token}/mail    send the message; then 303 back to the report, which says
                                 to whom it went (or the form again with the problem, 4xx/5xx)

It sends the very message ``summary --mail-to`` sends: built by the mail package from the
facts the worker stored with the report (``page.json``'s ``mail``) and the summary workbook in
the job's folder. The sender is ``[mail] from``; nothing the visitor types reaches a header but
the addresses, each checked. Limits, so that the page is no open relay: ``web_per_report``
messages per report (kept with the job, so every server process counts them), ``web_per_hour``
per server process, at most ``MAX_RECIPIENTS`` recipients, and, with ``web_allowed_domains``,
recipients only in those domains. SMTP runs on a thread, off the event loop. Failures are logged
as one line (the kind of failure, never the note or the plan's text) and told to the visitor
without the server's name or address.
"""
from __future__ import annotations

import asyncio
import collections
import functools
import json
import threading
import time
from dataclasses import dataclass, field

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from starlette.requests import Request

from ..errors import UsageError

__all__ = ["router", "MailDesk", "MAX_RECIPIENTS", "MAX_NOTE"]

router = APIRouter()
MAX_RECIPIENTS = 10
MAX_NOTE = 2000
HOUR = 3600.0


# Public API.

@dataclass
class MailDesk:
    """The [mail] settings and the per-process hourly count."""

    settings: object
    sent: collections.deque = field(default_factory=collections.deque)   # times of recent attempts
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_table(cls, table, path: str | None) -> MailDesk:
        """The settings of the config's [mail] table, checked now: a server that cannot send
        (no host, no from, no password in its variable) does not start."""
        from ..mail import settings_from
        from ..mail.settings import one_address

        settings = settings_from(table, None, path or "config")
        where = path or "config"
        if not settings.sender:
            raise UsageError(f"{where}: mail.from: the web page sends as [mail] from; set it")
        settings.check_sendable(one_address(settings.sender, f"{where}: mail.from"))
        return cls(settings)

    @property
    def sender(self) -> str:
        return getattr(self.settings, "sender", "") or ""

    def take(self, now: float | None = None) -> float | None:
        """Count one attempt; None when allowed, else the seconds until one is."""
        now = time.monotonic() if now is None else now
        limit = self.settings.web_per_hour
        with self.lock:
            while self.sent and now - self.sent[0] >= HOUR:
                self.sent.popleft()
            if len(self.sent) >= limit:
                return max(1.0, HOUR - (now - self.sent[0])) if self.sent else HOUR
            self.sent.append(now)
            return None


def mail_context(desk, job, form: dict | None = None) -> dict | None:
    """What report.html needs for the form (None: no form), from the desk and the job."""
    if desk.mail is None:
        return None
    files = job.data.get("files", {})
    state = {"typed": {}, "errors": {}, "problem": None}   # "typed", not "values": a dict's method in Jinja
    state.update(form or {})
    sent = job.data.get("mail_sent")
    used = int(job.data.get("mail_attempts", 0))
    return {"sender": desk.mail.sender, "annotated": "annotated" in files, "summary": "summary" in files,
            "sent": sent, "left": max(0, desk.mail.settings.web_per_report - used), **state}


@router.post("/report/{token}/mail")
async def mail_post(request: Request, token: str):
    from .pages import _desk, _report

    desk = _desk(request)
    job = desk.store.get(token)
    if desk.mail is None:
        return desk.refuse(request, 404, "error.not_found")
    if job is None or job.kind != "check" or "page" not in job.data.get("files", {}):
        return desk.refuse(request, 404, "error.expired")
    form = await request.form(max_files=0, max_fields=10)
    values = {key: form.get(key) if isinstance(form.get(key), str) else "" for key in ("to", "cc", "note")}
    values["annotated"] = form.get("annotated") == "1"

    def again(status: int, errors=None, problem=None, headers=None):
        state = {"typed": values, "errors": errors or {}, "problem": problem}
        return _report(request, desk, job, status=status, headers=headers, mail_form=state)

    to, cc, errors = _addresses(values, desk.mail.settings)
    if len(values["note"]) > MAX_NOTE:
        errors["note"] = ("error.too_long", {"max": MAX_NOTE})
    if errors:
        return again(422, errors)
    files = job.data.get("files", {})
    if "summary" not in files or not job.path(files["summary"]).is_file():
        return again(422, problem=("mail.no_summary", {}))
    if int(job.data.get("mail_attempts", 0)) >= desk.mail.settings.web_per_report:
        return again(429, problem=("mail.too_many_report", {"max": desk.mail.settings.web_per_report}))
    wait = desk.mail.take()
    if wait is not None:
        return again(429, problem=("mail.too_many", {"minutes": max(1, round(wait / 60))}),
                     headers={"retry-after": str(int(wait))})
    job.data["mail_attempts"] = int(job.data.get("mail_attempts", 0)) + 1
    desk.store.save(job)

    page = json.loads(job.path(files["page"]).read_text(encoding="utf-8"))
    facts = page.get("mail")
    if not facts:
        return again(422, problem=("mail.no_summary", {}))
    attachments = _attachments(job, files, values["annotated"])
    send = functools.partial(_send, facts, desk.mail.settings, to, cc, values["note"] or None, attachments,
                             page.get("lang"))
    try:
        await asyncio.get_running_loop().run_in_executor(None, send)
    except Exception as exc:  # MailError (or a bug): the visitor is told in their words, the log gets one line
        from .app import LOG

        kind = getattr(exc, "kind", None)
        LOG.warning("mail not sent: %s (%s)", kind or type(exc).__name__, _where(desk.mail.settings))
        if kind == "recipient":
            return again(422, problem=("mail.refused_recipient", {"address": getattr(exc, "address", "") or ""}))
        if kind == "size":
            return again(422, problem=("mail.too_big", {}))
        return again(502, problem=("mail.failed", {}))
    job.data["mail_sent"] = {"to": [a.addr_spec for a in to], "cc": [a.addr_spec for a in cc], "at": time.time()}
    desk.store.save(job)
    base = request.scope.get("root_path", "").rstrip("/")
    return RedirectResponse(f"{base}/report/{job.token}#mail", status_code=303)


# Private API.

def _addresses(values: dict, settings) -> tuple[list, list, dict]:
    from ..mail import parse_addresses

    errors, lists = {}, {}
    for key in ("to", "cc"):
        try:
            lists[key] = parse_addresses(values[key], key)
        except UsageError:
            errors[key] = ("mail.bad_address", {})
            lists[key] = []
    if not lists["to"] and "to" not in errors:
        errors["to"] = ("mail.no_to", {})
    if len(lists["to"]) + len(lists["cc"]) > MAX_RECIPIENTS and not errors:
        errors["to" if len(lists["to"]) > MAX_RECIPIENTS else "cc"] = ("mail.too_many_recipients",
                                                                      {"max": MAX_RECIPIENTS})
    allowed = tuple(getattr(settings, "web_allowed_domains", ()) or ())
    if allowed and not errors:
        for key in ("to", "cc"):
            outside = [a.addr_spec for a in lists[key] if not _in_domains(a.domain, allowed)]
            if outside:
                errors[key] = ("mail.domain", {"address": outside[0], "domains": ", ".join(allowed)})
    return lists["to"], lists["cc"], errors


def _in_domains(domain: str, allowed) -> bool:
    domain = domain.lower()
    return any(domain == d or domain.endswith("." + d) for d in allowed)


def _attachments(job, files: dict, annotated: bool) -> list:
    from ..mail.message import Attachment

    out = [Attachment(job.path(files["summary"]), "summary")]
    if annotated and files.get("annotated") and job.path(files["annotated"]).is_file():
        out.append(Attachment(job.path(files["annotated"]), "annotated"))
    return out


def _send(facts, settings, to, cc, note, attachments, lang):
    from ..mail import send_facts

    return send_facts(facts, settings, to=to, cc=cc, note=note, attachments=attachments, lang=lang)


def _where(settings) -> str:
    return getattr(settings, "where", "?")
