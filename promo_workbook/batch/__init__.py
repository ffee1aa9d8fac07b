# batch: many plans at once (issue 16): check a folder in a process pool.
"""``check_many(paths, jobs=None, executor=None, **options)`` checks every plan ``paths``
names (files, folders searched recursively, globs; ``inputs.py``) and yields a ``Record`` per
plan as each completes: ``record.report`` (the check's Report, without its view) or
``record.error`` (the one line that says why the file could not be read).

The work runs in a ``concurrent.futures.ProcessPoolExecutor`` of ``jobs`` processes (default:
the CPU count), or in any ``concurrent.futures.Executor`` given as ``executor`` (a Dask
cluster's ``Client.get_executor()`` spreads it over machines). ``jobs=1`` without an
executor checks in this process, one plan after the other.

Modules: inputs (expanding PATH...), engine (the one adapter over checker/summary/annotate,
run in the workers), command (the CLI's batch mode: ordered output, the final table, the
progress bar).
"""
from __future__ import annotations

import os
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed

from .engine import Record, Task, run_one, warm
from .inputs import expand

__all__ = ["check_many", "expand", "run_tasks", "Record", "Task", "output_names"]


# Public API.

def check_many(paths, *, jobs: int | None = None, executor: Executor | None = None, **options):
    """Yield a Record for each plan ``paths`` names, as each check completes (Record.index is
    its place in the input order). ``options`` as ``check()``: lang, select, ignore, today, config."""
    tasks = [Task(i, path, dict(options)) for i, path in enumerate(expand(paths))]
    yield from run_tasks(tasks, jobs=jobs, executor=executor)


def run_tasks(tasks, *, jobs: int | None = None, executor: Executor | None = None):
    """Run ``tasks`` (engine.Task) and yield their Records as they complete."""
    tasks = list(tasks)
    if not tasks:
        return
    if executor is not None:
        yield from _run_on(executor, tasks)
        return
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    if jobs == 1:
        for task in tasks:
            yield run_one(task)
        return
    warm()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from _run_on(pool, tasks)


def output_names(paths, folder: str, kind: str) -> list[str]:
    """One output per input in ``folder``: NAME-summary.xlsx (kind "summary") or
    NAME-checked.EXT (kind "annotate"); a name two inputs share gets -2, -3, ..."""
    used: set[str] = set()
    out = []
    for path in paths:
        stem, ext = os.path.splitext(os.path.basename(path))
        suffix = "-summary.xlsx" if kind == "summary" else "-checked" + ext.lower()
        name, n = stem + suffix, 1
        while name.casefold() in used:
            n += 1
            name = f"{stem}-{n}{suffix}"
        used.add(name.casefold())
        out.append(os.path.join(folder, name))
    return out


# Private API.

def _run_on(executor: Executor, tasks):
    futures = {executor.submit(run_one, task): task for task in tasks}
    for future in as_completed(futures):
        task = futures[future]
        try:
            yield future.result()
        except Exception as exc:  # the worker died (killed, out of memory): this plan's record says so
            yield Record(task.index, task.path, error=f"{task.path}: the check stopped: {type(exc).__name__}: {exc}")
