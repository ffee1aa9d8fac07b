# engine.py: the one place the batch and the rollup call the checker, the summary and the annotator.
"""An adapter over the rest of the tool, so that a rename of ``check``, ``summary`` or
``annotate`` is one edit here. Everything a worker process does runs in ``run_one``, which
returns a small, picklable ``Record``: the report without the checker's view (the view holds
every cell and must not cross processes), what the outputs wrote, and, for the rollup, the
plan's figures reduced to a few dozen numbers (``rollup/figures.py``).
"""
from __future__ import annotations

import dataclasses
import time
import zipfile
from dataclasses import dataclass, field

__all__ = ["Record", "Task", "run_one", "warm", "to_text", "to_json_text", "is_own_output", "SEVERITIES"]

SEVERITIES = ("error", "warning", "info")


# Public API.

@dataclass
class Task:
    """What one worker does with one plan."""

    index: int
    path: str
    options: dict = field(default_factory=dict)   # check(): lang, select, ignore, today, config
    summary: str | None = None                    # write the summary here
    annotate: str | None = None                   # write the annotated copy here
    figures: bool = False                         # reduce the plan's figures for the rollup
    render: str | None = None                     # "text", "colour" or "json": render the report in the worker
    limit: int | None = None                      # --max-findings: findings (text: lines) rendered at most


@dataclass
class Record:
    """One plan's result: a report, or the one-line error that stopped it."""

    index: int
    file: str
    report: object = None            # check.Report without its view; None when unreadable
    error: str | None = None         # the one-line error when the file could not be checked
    seconds: float = 0.0
    notes: list = field(default_factory=list)     # lines for stderr: "wrote ...", output failures
    figures: dict | None = None      # the rollup's figures (Task.figures)
    rendered: str | None = None      # the report as Task.render asked

    @property
    def counts(self) -> dict:
        if self.report is None:
            return {s: 0 for s in SEVERITIES}
        tally = {s: 0 for s in SEVERITIES}
        for f in self.report.findings:
            if f.severity in tally:
                tally[f.severity] += 1
        return tally

    def exit_code(self, strict: bool = False) -> int:
        if self.report is None:
            return 2
        counts = self.counts
        return 1 if counts["error"] or (strict and counts["warning"]) else 0

    @property
    def verdict(self) -> str:
        if self.report is None:
            return "unreadable"
        counts = self.counts
        return "errors" if counts["error"] else "warnings" if counts["warning"] else "ok"


def run_one(task: Task) -> Record:
    """Check one plan (and write its outputs); never raises for a bad file: the error is the record's."""
    from ..errors import PromoWorkbookError

    started = time.perf_counter()
    record = Record(task.index, task.path)
    try:
        with _deadline(task):
            report = _check(task.path, task.options)
    except PromoWorkbookError as exc:
        record.error = _one_line(exc)
    except MemoryError:
        record.error = f"{task.path}: out of memory; the file is too big for this computer"
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else f"{task.path}: "
        record.error = _one_line(where + str(exc.strerror or exc))
    except Exception as exc:  # a bug in one plan must not stop the others
        record.error = _one_line(f"{task.path}: internal error: {type(exc).__name__}: {exc}")
    if record.error is not None:
        record.seconds = time.perf_counter() - started
        return record
    lang, today = task.options.get("lang"), task.options.get("today")
    if task.summary:
        _output(record, "summary", lambda: _write_summary(task.path, report, task.summary, lang, today))
    if task.annotate:
        _output(record, "annotate", lambda: _write_annotated(task.path, report, task.annotate, lang))
    if task.figures:
        from ..rollup.figures import reduce_figures

        figs = _summary_figures(report, today)
        record.figures = reduce_figures(figs, report, task.path, _rhythm(report.view))
    if task.render == "json":
        record.rendered = to_json_text(report, task.limit)
    elif task.render in ("text", "colour"):
        record.rendered = to_text(report, colour=task.render == "colour", limit=task.limit)
    record.report = dataclasses.replace(report, view=None)
    record.seconds = time.perf_counter() - started
    return record


def _deadline(task: Task):
    """Each plan's check under its own max_seconds (deadline.py), without the watchdog: a pool
    worker must not end itself."""
    from ..deadline import running
    from ..limits import Limits

    return running("check", task.path, Limits.from_config(task.options.get("config")).max_seconds)


def warm() -> None:
    """Import the checker and its rules now: a pool's workers forked after this inherit them
    instead of each importing them again (half a second each)."""
    from ..checker import check  # noqa: F401
    from ..checker.registry import all_rules
    from ..reader import read  # noqa: F401

    all_rules()


def to_text(report, colour: bool = False, limit: int | None = None) -> str:
    from ..checker.render import to_text as render

    return render(report, colour=colour, limit=limit)


def to_json_text(report, limit: int | None = None) -> str:
    from ..checker.render import to_json

    return to_json(report, limit)


def message(finding, lang: str) -> str:
    from ..checker.render import message as render

    return render(finding, lang)


def load_config(path):
    from ..checker.config import load_config as load

    return load(path)


def summary_words():
    from ..summary.words import words

    return words()


def look(workbook, lang: str):
    """The summary's formats (house colours) and its injection-safe Grid class."""
    from ..summary.look import Grid, Look, print_setup

    return Look(workbook, lang), Grid, print_setup


def fold_name(text: str | None) -> str:
    """A channel name folded as the checker folds text (case, width, Traditional/Simplified script)."""
    from ..checker.lookup import fold

    return fold(text) or ""


def channel_synonyms() -> dict:
    """{folded label: (canonical key, {lang: label})} for the channels the spec names in every
    language (its worked example): 小红书, 小紅書 and Xiaohongshu meet."""
    from ..spec import load_spec

    out = {}
    for table in load_spec().tables:
        if table.key != "channels":
            continue
        for i, row in enumerate(getattr(table, "example", None) or ()):
            name = row.get("channel") if isinstance(row, dict) else None
            if not isinstance(name, dict):
                continue
            labels = {str(lang): str(label) for lang, label in name.items()}
            for label in labels.values():
                out[fold_name(label)] = (f"spec:{i}", labels)
    return out


def is_own_output(path: str) -> bool:
    """Whether ``path`` is a summary workbook or an annotated copy the tool wrote.

    The summary: its document comments are "promo-workbook" (as a generated plan's are) and
    its sheets are the summary's (an Overview, nothing else) in one language (templates/summary.yaml).
    The annotated copy: a comments part whose author is the annotator's ("promo-workbook
    check" in the plan's language). The portfolio (``rollup``): its comments are "promo-workbook
    portfolio". The summary and the annotator write no dedicated marker, so these are the most
    reliable signs there are."""
    if not path.lower().endswith((".xlsx", ".xlsm")):
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if _is_summary(zf, names):
                return True
            authors = _annotate_authors()
            for name in names:
                if name.startswith("xl/comments") and name.endswith(".xml"):
                    data = zf.read(name)[:20000].decode("utf-8", "replace")
                    if any(f"<author>{a}</author>" in data for a in authors):
                        return True
    except (OSError, zipfile.BadZipFile, KeyError, RuntimeError, ValueError):
        return False
    return False


# Private API.

def _check(path, options):
    from ..checker import check

    return check(path, **options)


def _summary_figures(report, today):
    from ..summary import summary_figures

    return summary_figures(report.view, report, today=today)


def _write_summary(path, report, out, lang, today) -> str:
    from ..summary import write_summary

    written = write_summary(report.view if report.view is not None else path, report, out, lang=lang, today=today)
    return f"wrote {written}"


def _write_annotated(path, report, out, lang) -> str:
    from ..annotator import annotate

    done = annotate(path, report.findings, out, lang=lang or report.lang, accepted=report.accepted)
    return f"wrote {done.path} ({done.cells} cells marked)"


def _output(record: Record, option: str, write) -> None:
    from ..errors import PromoWorkbookError

    try:
        record.notes.append(write())
    except (PromoWorkbookError, OSError) as exc:
        record.notes.append(_one_line(f"promo-workbook: error: --{option}: {exc}"))


def _rhythm(view) -> list:
    """The rhythm table's phases: (phase as typed, start, end, the phase list's key or None)."""
    import datetime as dt

    from ..checker.lookup import list_key

    table = view.table("rhythm") if view is not None else None
    if table is None:
        return []
    out = []
    for row in view.rows("rhythm"):
        start, end = row.date("start"), row.date("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date):
            name = row.text("phase") or ""
            out.append((name, start, end, list_key(view.spec, "phase", name)))
    return out


def _one_line(exc) -> str:
    from ..terminal import safe

    return safe(str(exc))


_SUMMARY_SHEETS: list | None = None


def _summary_sheet_sets() -> list:
    global _SUMMARY_SHEETS
    if _SUMMARY_SHEETS is None:
        text = summary_words()
        keys = list(text.get("sheets"))
        _SUMMARY_SHEETS = [(text.sheet("overview", lang), frozenset(text.sheet(k, lang) for k in keys))
                           for lang in ("zh-CN", "zh-TW", "en")]
    return _SUMMARY_SHEETS


def _annotate_authors() -> list:
    from xml.sax.saxutils import escape

    text = summary_words()
    return [escape(text.text("annotate.author", lang)) for lang in ("zh-CN", "zh-TW", "en")]


def _is_summary(zf, names) -> bool:
    import re

    if "docProps/core.xml" not in names or "xl/workbook.xml" not in names:
        return False
    core = zf.read("docProps/core.xml")[:20000].decode("utf-8", "replace")
    if "promo-workbook portfolio</dc:description>" in core:   # rollup/__init__.py writes this one
        return True
    if "promo-workbook</dc:description>" not in core:
        return False
    book = zf.read("xl/workbook.xml")[:200000].decode("utf-8", "replace")
    sheets = frozenset(_unescape(s) for s in re.findall(r'<sheet\b[^>]*?\bname="([^"]*)"', book))
    # The Overview always, the other sheets as the plan had data for them, nothing else.
    return any(first in sheets and sheets <= every for first, every in _summary_sheet_sets())


def _unescape(text: str) -> str:
    from xml.sax.saxutils import unescape

    return unescape(text, {"&quot;": '"', "&apos;": "'"})

