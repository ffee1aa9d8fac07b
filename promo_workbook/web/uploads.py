# uploads.py: take a workbook upload into a fresh job folder, and run the job in a worker.
"""Shared by the check page and the API:

    upload = await receive(request, desk, kind)      the form's fields and the file, saved
    result = await run_job(desk, "check", args)      a worker's answer, or a Refusal

A ``Refusal`` carries the HTTP status and the word key of what went wrong; the page shows it
in the page's language, the API as ``{"error": ...}`` in English.
"""
from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.requests import Request

from .app import BodyTooLarge, Desk, LOG, size_text
from .forms import upload_name
from .store import Job
from .worker import Busy, Crashed, JobError, TimedOut

__all__ = ["Refusal", "Upload", "receive", "run_check", "run_job"]

CHUNK = 1 << 20
FIELDS_MAX = 20


BASELINE = "baseline-report.json"  # an uploaded baseline's name in the job folder


# Public API.

class Refusal(Exception):
    def __init__(self, status: int, key: str, headers: dict | None = None, **params):
        super().__init__(key)
        self.status, self.key, self.headers, self.params = status, key, headers, params


@dataclass
class Upload:
    job: Job
    name: str                 # the file's name as the user knows it (folders and unsafe characters removed)
    size: int
    fields: dict              # the form's other fields, as text
    baseline: str | None = None  # a previous JSON report uploaded with it (docs/accepting.md), saved here


async def receive(request: Request, desk: Desk, kind: str) -> Upload:
    """Parse the multipart form; save its ``file`` into a new job folder. Refusal when there is
    no file, an empty one, one too big, or not a workbook by its name. (A busy server answers
    503 only after the upload is read: a client still sending its file would not see an earlier
    answer.)"""
    limit = desk.settings.max_upload_bytes
    try:
        form = await request.form(max_files=2, max_fields=FIELDS_MAX)  # the plan and an optional baseline
    except BodyTooLarge:
        raise Refusal(413, "error.too_big", limit=size_text(limit)) from None
    except Exception as exc:  # a malformed multipart body (starlette raises its own HTTPException)
        LOG.info("unreadable form: %s", type(exc).__name__)
        raise Refusal(422, "error.no_file") from None
    try:
        upload = form.get("file")
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise Refusal(422, "error.no_file")
        name = upload_name(upload.filename)
        if name is None:
            raise Refusal(422, "error.type")
        job = desk.store.create(kind)
        try:
            size = await _save(upload, job.path(name), limit)
        except BaseException:
            desk.store.discard(job)
            raise
        baseline = form.get("baseline")
        if isinstance(baseline, UploadFile) and baseline.filename:
            try:
                await _save(baseline, job.path(BASELINE), limit)
            except BaseException:
                desk.store.discard(job)
                raise
            baseline = str(job.path(BASELINE))
        else:
            baseline = None
        job.data.update({"name": name, "size": size})
        desk.store.save(job)
        return Upload(job, name, size, fields, baseline)
    finally:
        await form.close()


async def run_check(desk: Desk, upload: Upload, outputs: list, **args) -> dict:
    """Check the uploaded plan in a worker with the server's config, writing ``outputs`` into
    the upload's job folder; ``args``: lang, today, select, ignore."""
    job = upload.job
    if upload.baseline:
        args["baseline"] = upload.baseline
    return await run_job(desk, "check", {"path": str(job.path(upload.name)), "name": upload.name,
                                         "folder": str(job.folder), "config": desk.check_config,
                                         "outputs": list(outputs), **args})


async def run_job(desk: Desk, op: str, args: dict) -> dict:
    """A worker's result for the job, or a Refusal saying why there is none."""
    try:
        return await desk.pool.run(op, args)
    except Busy as exc:
        raise Refusal(503, "error.busy", {"Retry-After": str(exc.retry_after)}, seconds=exc.retry_after) from None
    except TimedOut:
        LOG.warning("%s job stopped after %g s", op, desk.settings.check_timeout_s)
        raise Refusal(422, "error.timeout", seconds=f"{desk.settings.check_timeout_s:g}") from None
    except Crashed as exc:
        LOG.warning("%s job: worker process died (%s)", op, exc)
        raise Refusal(422, "error.crashed") from None
    except JobError as exc:
        if exc.status >= 500:
            LOG.error("%s job failed: %s", op, exc.trace or exc.message)
            raise Refusal(500, "error.internal") from None
        key = "error.unreadable" if exc.kind == "input" else "error.input"
        raise Refusal(exc.status, key, message=exc.message) from None


# Private API.

async def _save(upload: UploadFile, path, limit: int) -> int:
    """Copy the upload into ``path`` (created 0600) chunk by chunk; Refusal past ``limit``."""
    import os

    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while True:
            chunk = await upload.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise Refusal(413, "error.too_big", limit=size_text(limit))
            out.write(chunk)
    if size == 0:
        raise Refusal(422, "error.empty_file")
    return size
