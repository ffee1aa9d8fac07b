# worker.py: the processes that check uploads and make workbooks, and the pool that runs them.
"""Uploads are untrusted, so the server never reads one itself: each check (and each new
workbook) runs in a worker process, ``python -m promo_workbook.web.worker``, that speaks one
JSON line in and one JSON line out over its standard input and output:

    {"ready": true}                   once its imports are done (a job's clock starts after it)
    {"op": "check", "args": {...}}    ->  {"ok": true, "result": {...}}
    {"op": "new", "args": {...}}      ->  {"ok": false, "status": 422, "error": "one line"}

The server keeps ``max_concurrent_checks`` of them warm (``WorkerPool``). A job that passes
``check_timeout_s`` gets its process killed and a fresh one started; a process that dies
(a crash, the kernel's OOM killer) is replaced the same way. Jobs beyond the workers wait, at
most ``max_queued_checks`` of them; past that the pool says ``Busy`` (503 with Retry-After).
A worker is retired after ``MAX_JOBS`` jobs, so that nothing a file did lingers for long.

The worker imports the library, never FastAPI; nothing it prints reaches the protocol (its
standard output is moved to standard error, which is discarded), and an unexpected exception
is reported as its type and where it happened, never its message (which may quote a cell).
"""
from __future__ import annotations

import asyncio
import json
import math
import os
import sys
import time
import traceback

__all__ = ["Busy", "Crashed", "JobError", "TimedOut", "WorkerPool", "main"]

MAX_JOBS = 200          # jobs per worker process before it is replaced
LINE_LIMIT = 1 << 20    # bytes of one answer line
START_TIMEOUT = 60.0    # seconds a new worker may take to import the library and say it is ready
READY = '{"ready": true}'


# Public API.

class Busy(Exception):
    """Every worker is busy and the queue is full; ``retry_after`` seconds is a fair wait."""

    def __init__(self, retry_after: int):
        super().__init__(f"busy; retry after {retry_after} s")
        self.retry_after = retry_after


class TimedOut(Exception):
    """The job ran past its wall-clock limit; its process was killed."""


class Crashed(Exception):
    """The worker process died during the job."""


class WorkerPool:
    """``size`` warm worker processes, a bounded queue in front of them, and a timeout per job."""

    def __init__(self, size: int, queued: int, timeout: float, *, cwd: str | None = None, command=None):
        self.size, self.queued, self.timeout, self.cwd = size, queued, timeout, cwd
        self.command = list(command or [sys.executable, "-m", "promo_workbook.web.worker"])
        self._slots: asyncio.Queue | None = None
        self._admitted = 0            # jobs running or waiting for a worker
        self._seconds = 1.0           # a running average of a job's time, for Retry-After
        self._started = False

    async def start(self) -> None:
        if self._started:
            return
        self._started = True
        self._slots = asyncio.Queue()
        for _ in range(self.size):
            self._slots.put_nowait(await self._spawn())

    @property
    def full(self) -> bool:
        """Every worker busy and the queue full: a new job would be refused. (Counted from
        admission to the end of the job, so a slot is free again before its answer is sent.)"""
        return self._admitted >= self.size + self.queued

    def retry_after(self) -> int:
        waiting = max(0, self._admitted - self.size)
        return max(1, math.ceil(self._seconds * (waiting + 1) / max(1, self.size)))

    async def run(self, op: str, args: dict) -> dict:
        """Run one job: its result, or JobError / Busy / TimedOut / Crashed."""
        await self.start()
        if self.full:
            raise Busy(self.retry_after())
        self._admitted += 1
        try:
            answer = await self._run_admitted(op, args)
        finally:
            self._admitted -= 1
        if not answer.get("ok"):
            raise JobError(answer.get("status", 500), answer.get("error", "internal error"), answer.get("trace"),
                           answer.get("kind", "input"))
        return answer["result"]

    async def _run_admitted(self, op: str, args: dict) -> dict:
        try:
            worker = await asyncio.wait_for(self._slots.get(), timeout=self.timeout)
        except asyncio.TimeoutError:
            raise Busy(self.retry_after()) from None
        started = time.monotonic()
        try:
            if worker is None or not worker.alive or worker.jobs >= MAX_JOBS:
                if worker is not None:
                    await worker.stop()
                worker = await self._spawn()
            return await worker.call({"op": op, "args": args}, self.timeout)
        except BaseException:
            # Timed out, crashed, or the request was cancelled mid-job: whatever the process is
            # doing now, its next answer would be this job's. It goes; its slot gets a fresh one.
            if worker is not None:
                worker.discard()
            worker = None
            raise
        finally:
            self._seconds = 0.8 * self._seconds + 0.2 * (time.monotonic() - started)
            self._slots.put_nowait(worker)

    async def close(self) -> None:
        if self._slots is None:
            return
        workers = []
        while not self._slots.empty():
            workers.append(self._slots.get_nowait())
        for worker in workers:
            if worker is not None:
                await worker.stop()
        self._started = False
        self._slots = None

    async def _spawn(self) -> _Worker:
        proc = await asyncio.create_subprocess_exec(
            *self.command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL, cwd=self.cwd, limit=LINE_LIMIT)
        return _Worker(proc)


class JobError(Exception):
    """The job ran and refused its input (``status`` 4xx) or failed inside the library (500)."""

    def __init__(self, status: int, message: str, trace: str | None = None, kind: str = "input"):
        super().__init__(message)
        self.status, self.message, self.trace, self.kind = status, message, trace, kind


def main() -> None:
    """The worker process: answer jobs from standard input until it closes."""
    import warnings

    warnings.simplefilter("ignore")
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # anything printed goes where standard error goes (discarded), not into the protocol
    sys.stdout = sys.stderr
    _warm_up()
    protocol.write(READY + "\n")  # the pool's clock for a job starts after this
    protocol.flush()
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
            answer = {"ok": True, "result": _JOBS[request["op"]](**request["args"])}
        except Exception as exc:  # every failure becomes an answer; the loop goes on
            answer = _failure(exc)
        protocol.write(json.dumps(answer, ensure_ascii=False) + "\n")
        protocol.flush()


# Private API.

class _Worker:
    def __init__(self, proc):
        self.proc = proc
        self.jobs = 0
        self.ready = False

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None

    async def call(self, message: dict, timeout: float) -> dict:
        self.jobs += 1
        try:
            if not self.ready:  # a new process: its imports are not the job's time
                line = await asyncio.wait_for(self.proc.stdout.readline(), timeout=max(timeout, START_TIMEOUT))
                if line.strip() != READY.encode():
                    raise Crashed("the worker did not start")
                self.ready = True
            self.proc.stdin.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
            await self.proc.stdin.drain()
            line = await asyncio.wait_for(self.proc.stdout.readline(), timeout=timeout)
        except asyncio.TimeoutError:
            raise TimedOut() from None
        except (BrokenPipeError, ConnectionResetError, ValueError) as exc:  # ValueError: line over LINE_LIMIT
            raise Crashed(type(exc).__name__) from None
        if not line:
            raise Crashed("the worker process ended")
        try:
            return json.loads(line)
        except ValueError:
            raise Crashed("the worker answered something else than JSON") from None

    def discard(self) -> None:
        """Kill the process now (the event loop reaps it)."""
        if self.alive:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass

    async def kill(self) -> None:
        self.discard()
        await self.proc.wait()

    async def stop(self) -> None:
        """Close its input (it exits after the job in hand); kill it if it lingers."""
        if self.alive:
            try:
                self.proc.stdin.close()
                await asyncio.wait_for(self.proc.wait(), timeout=2)
            except (asyncio.TimeoutError, BrokenPipeError, ConnectionResetError):
                pass
        await self.kill()


def _check(**args) -> dict:
    from . import engine

    return engine.check_upload(**args)


def _new(path: str, options: dict) -> dict:
    from . import engine

    return {"path": str(engine.make_workbook(path, options))}


_JOBS = {"check": _check, "new": _new}


def _warm_up() -> None:
    """Import what a check needs before the first job comes, so its clock measures the check."""
    from . import engine

    engine.rules()
    import promo_workbook.annotator  # noqa: F401
    import promo_workbook.checker.render  # noqa: F401
    import promo_workbook.reader  # noqa: F401
    import promo_workbook.summary  # noqa: F401
    import promo_workbook.writer  # noqa: F401


def _failure(exc: BaseException) -> dict:
    from ..errors import InputFileError, PromoWorkbookError

    if isinstance(exc, PromoWorkbookError):
        return {"ok": False, "status": 422, "kind": "input" if isinstance(exc, InputFileError) else "usage",
                "error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__}
    if isinstance(exc, MemoryError):
        return {"ok": False, "status": 422, "error": "the file needs more memory than this server gives a check"}
    frames = traceback.extract_tb(exc.__traceback__)
    where = "; ".join(f"{os.path.basename(f.filename)}:{f.lineno}" for f in frames[-4:])
    return {"ok": False, "status": 500, "error": "internal error", "trace": f"{type(exc).__name__} at {where}"}


if __name__ == "__main__":
    main()
