# store.py: the private folder where uploads and their outputs live for keep_minutes.
"""Job folders under ``work_dir/jobs/``, one per upload or new workbook, named by an
unguessable token (192 random bits) that is also the download link's key. Nothing lists them.

    store = Store(work_dir, keep_seconds); store.prepare()
    job = store.create("check")        a new folder and its token
    store.renew(job)                   kept for keep_seconds from now (when its report is ready)
    store.get(token)                   the job while it is fresh, else None (and it is deleted)
    store.discard(job)                 delete it now
    store.sweep()                      delete every expired folder (at start-up and every minute)

The state is on disk only, so several server processes sharing ``work_dir`` (uvicorn
``--workers``) serve each other's download links, and a restart finds what to sweep.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError

__all__ = ["Job", "Store", "TOKEN"]

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
META = "meta.json"


# Public API.

@dataclass
class Job:
    token: str
    folder: Path
    kind: str
    created: float
    expires: float
    data: dict = field(default_factory=dict)   # what the job keeps: upload name, output files, ...

    def path(self, name: str) -> Path:
        """A file in the job's folder; ``name`` must be a plain file name."""
        if not name or os.path.basename(name) != name or name in (".", "..", META):
            raise ValueError(f"not a plain file name: {name!r}")
        return self.folder / name


class Store:
    def __init__(self, root: str | os.PathLike, keep_seconds: float):
        self.root = Path(root)
        self.jobs = self.root / "jobs"
        self.keep_seconds = keep_seconds

    def prepare(self) -> None:
        """Make the folder (mode 0700) or check that an existing one is ours and private."""
        for folder in (self.root, self.jobs):
            try:
                folder.mkdir(mode=0o700, parents=folder is self.root, exist_ok=True)
                info = os.lstat(folder)
            except OSError as exc:
                raise UsageError(f"{folder}: cannot use as the web work folder: {exc.strerror}") from None
            if not stat.S_ISDIR(info.st_mode):
                raise UsageError(f"{folder}: the web work folder is not a folder (a link?)")
            if hasattr(os, "getuid") and info.st_uid != os.getuid():
                raise UsageError(f"{folder}: the web work folder belongs to another user")
            if stat.S_IMODE(info.st_mode) & 0o077:
                os.chmod(folder, 0o700)

    def create(self, kind: str, now: float | None = None) -> Job:
        now = time.time() if now is None else now
        while True:
            token = secrets.token_urlsafe(24)
            folder = self.jobs / token
            try:
                folder.mkdir(mode=0o700)
                break
            except FileExistsError:  # 2**-192: never, but cheap to handle
                continue
        job = Job(token, folder, kind, now, now + self.keep_seconds)
        self.save(job)
        return job

    def renew(self, job: Job, now: float | None = None) -> None:
        """Keep the job for ``keep_seconds`` from now (its report is ready now) and save it."""
        job.expires = (time.time() if now is None else now) + self.keep_seconds
        self.save(job)

    def save(self, job: Job) -> None:
        meta = {"kind": job.kind, "created": job.created, "expires": job.expires, "data": job.data}
        temp = job.folder / (META + ".tmp")
        temp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.replace(temp, job.folder / META)

    def get(self, token: str, now: float | None = None) -> Job | None:
        """The job with this token while it is fresh; an expired one is deleted."""
        if not isinstance(token, str) or not TOKEN.match(token):
            return None
        folder = self.jobs / token
        meta = _meta(folder)
        if meta is None:
            return None
        now = time.time() if now is None else now
        job = Job(token, folder, meta.get("kind", ""), meta.get("created", 0.0), meta.get("expires", 0.0),
                  meta.get("data") or {})
        if now >= job.expires:
            self.discard(job)
            return None
        return job

    def discard(self, job: Job | Path) -> None:
        folder = job.folder if isinstance(job, Job) else Path(job)
        shutil.rmtree(folder, ignore_errors=True)

    def sweep(self, now: float | None = None) -> int:
        """Delete every expired job folder (and stray files); returns how many went."""
        now = time.time() if now is None else now
        removed = 0
        try:
            entries = list(os.scandir(self.jobs))
        except OSError:
            return 0
        for entry in entries:
            meta = _meta(Path(entry.path)) if entry.is_dir(follow_symlinks=False) else None
            if meta is not None and isinstance(meta.get("expires"), (int, float)):
                expires = meta["expires"]
            else:  # half-made or foreign: judged by its age
                try:
                    expires = entry.stat(follow_symlinks=False).st_mtime + self.keep_seconds
                except OSError:
                    continue
            if now >= expires:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    try:
                        os.unlink(entry.path)
                    except OSError:
                        continue
                removed += 1
        return removed


# Private API.

def _meta(folder: Path) -> dict | None:
    try:
        data = json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
