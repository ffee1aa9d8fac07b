# command.py: `promo-workbook check PATH...` with several plans: ordered output, a table, a progress bar.
"""The CLI's batch mode (cli.py parses the options and calls ``check_command``).

Text: each plan's report under a ``== FILE ==`` line, then a table (file, verdict, errors,
warnings, infos, seconds). ``--format jsonl``: one report per line, the schema of
``--format json`` (which has ``"file"``); ``--format json``: one array of them. An
unreadable plan is ``{"file": ..., "error": ...}``. Reports are printed in input order as
soon as every earlier one is done. The exit code is the worst: 2 when a plan was
unreadable, else 1 when one had errors (with --strict, warnings), else 0.
"""
from __future__ import annotations

import json
import os
import sys
import time

import click

from ..errors import UsageError
from ..terminal import safe
from . import output_names, run_tasks
from .engine import Task, load_config, to_json_text, to_text
from .inputs import expand

__all__ = ["check_command", "is_batch", "Progress", "prepare_folder"]


# Public API.

def is_batch(paths, fmt: str) -> bool:
    """Whether ``check PATH...`` is the batch: several paths, a folder, a glob, or --format jsonl.
    One file named outright keeps the single-file output, byte for byte."""
    import glob

    if len(paths) != 1 or fmt == "jsonl":
        return True
    path = paths[0]
    return os.path.isdir(path) or (not os.path.exists(path) and glob.has_magic(path))


def check_command(paths, *, fmt: str, jobs: int | None, strict: bool, summary_dir: str | None,
                  annotate_dir: str | None, config_path, mail=None, force: bool = False, max_findings=None,
                  **options) -> int:
    """Check every plan ``paths`` names and print the reports; returns the exit code."""
    if mail and any(mail):
        raise UsageError("the mail options send one plan's summary; give one FILE (or mail the folder's summaries)")
    files = expand(paths)
    if not files:
        if len(paths) == 1 and os.path.isdir(paths[0]):
            raise UsageError(f"{paths[0]}: is a folder with no workbooks (*.xlsx, *.xlsm, *.ods, *.xls) in it")
        raise UsageError(f"no workbooks (*.xlsx, *.xlsm, *.ods, *.xls) in {', '.join(map(str, paths))}")
    summaries = output_names(files, summary_dir, "summary") if summary_dir else None
    annotated = output_names(files, annotate_dir, "annotate") if annotate_dir else None
    _validate(files, summary_dir, summaries, annotate_dir, annotated, force)
    prepare_folder(summary_dir, "summary", files)
    prepare_folder(annotate_dir, "annotate", files)
    config = load_config(config_path)
    tasks = []
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    render = "json" if fmt != "text" else "colour" if colour else "text"
    for i, path in enumerate(files):
        annotate = annotated[i] if annotated and path.lower().endswith((".xlsx", ".xlsm")) else None
        tasks.append(Task(i, path, {**options, "config": config}, summary=summaries[i] if summaries else None,
                          annotate=annotate, render=render, limit=max_findings))
    records = []
    pending: dict = {}
    nxt = 0
    progress = Progress(len(tasks))
    first = True
    for record in run_tasks(tasks, jobs=jobs):
        progress.step()
        pending[record.index] = record
        while nxt in pending:
            done = pending.pop(nxt)
            records.append(done)
            progress.clear()
            _emit(done, fmt, colour, first)
            first = False
            nxt += 1
    progress.clear()
    if fmt == "json":
        click.echo("\n]")
    elif fmt == "text":
        click.echo(table(records))
    return max(record.exit_code(strict) for record in records)


def prepare_folder(folder: str | None, option: str, files: list[str]) -> list[str] | None:
    """The output paths in ``folder`` (created if missing), refusing a file or an input's name."""
    if not folder:
        return None
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise UsageError(f"{folder}: with several plans, give --{option} a folder")
    os.makedirs(folder, exist_ok=True)
    names = output_names(files, folder, option)
    inputs = {os.path.normcase(os.path.abspath(f)) for f in files}
    for name in names:
        if os.path.normcase(os.path.abspath(name)) in inputs:
            raise UsageError(f"{name}: --{option} would overwrite an input")
    return names


def table(records) -> str:
    """The final table: file, verdict, errors, warnings, infos, seconds, and a totals line."""
    head = ("file", "verdict", "errors", "warnings", "infos", "seconds")
    rows = [(safe(r.file), r.verdict, str(r.counts["error"]), str(r.counts["warning"]), str(r.counts["info"]),
             f"{r.seconds:.2f}") for r in records]
    totals = [sum(r.counts[s] for r in records) for s in ("error", "warning", "info")]
    bad = sum(1 for r in records if r.report is None)
    rows.append((f"{len(records)} files" + (f", {bad} unreadable" if bad else ""), "",
                 *map(str, totals), f"{sum(r.seconds for r in records):.2f}"))
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    lines = []
    for n, row in enumerate([head, *rows]):
        if n == len(rows):
            lines.append("  ".join("-" * w for w in widths))
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])] + [c.rjust(w) for c, w in zip(row[2:], widths[2:])]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


class Progress:
    """Files done / total and the time left, on stderr, only when stderr is a terminal."""

    def __init__(self, total: int, stream=None):
        self.total, self.done = total, 0
        self.stream = stream or sys.stderr
        self.on = self.stream.isatty()
        self.started = time.monotonic()
        self.shown = 0

    def step(self) -> None:
        self.done += 1
        if not self.on:
            return
        elapsed = time.monotonic() - self.started
        eta = elapsed / self.done * (self.total - self.done)
        width = 24
        filled = round(width * self.done / self.total)
        line = f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} files, {eta:.0f} s left"
        self.stream.write("\r" + line)
        self.stream.flush()
        self.shown = len(line)

    def clear(self) -> None:
        if self.on and self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown = 0


# Private API.

def _validate(files, summary_dir, summaries, annotate_dir, annotated, force) -> None:
    """Every output of the run checked before any plan is read (outputs.py): folders, clashes,
    existing files (--force)."""
    from ..outputs import Output, validate

    wanted = []
    if summaries:
        wanted.append(Output("--summary", summary_dir, folder=True, files=tuple(summaries)))
    if annotated:
        names = tuple(n for f, n in zip(files, annotated) if f.lower().endswith((".xlsx", ".xlsm")))
        wanted.append(Output("--annotate", annotate_dir, folder=True, files=names))
    validate(files, wanted, force=force)


def _emit(record, fmt: str, colour: bool, first: bool) -> None:
    for note in record.notes:
        click.echo(note, err=True)
    if fmt == "text":
        click.echo(f"== {safe(record.file)} ==")
        if record.report is None:
            click.echo(f"promo-workbook: error: {record.error}\n")
        else:
            click.echo((record.rendered or to_text(record.report, colour=colour)) + "\n")
        return
    text = _json(record)
    if fmt == "jsonl":
        click.echo(json.dumps(json.loads(text), ensure_ascii=False))
        return
    indented = "\n".join("  " + line for line in text.splitlines())
    click.echo(("[\n" if first else ",\n") + indented, nl=False)


def _json(record) -> str:
    if record.report is None:
        return json.dumps({"file": record.file, "error": record.error}, ensure_ascii=False, indent=2)
    return record.rendered or to_json_text(record.report)
