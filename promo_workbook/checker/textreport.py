# textreport.py: the report for people, readable at any scale (render.py re-exports it).
"""The text report: findings grouped by sheet, then the verdict line.

At scale a rule may find the same thing on every row of a log: identical findings (same
rule, same column, same message) on consecutive rows are one line with the range and the
count, "F2:F200001 — 200,000 rows: …". ``limit`` (``--max-findings``) prints at most that
many lines of findings and then says how many findings were left out. The JSON report keeps
one finding per cell (render.py).
"""
from __future__ import annotations

from ..terminal import safe
from .model import Report

__all__ = ["to_text", "write_text"]

_CHUNK = 2000  # lines per piece of text yielded
_DIGITS = "0123456789"


# Public API.

def to_text(report: Report, colour: bool = False, limit: int | None = None) -> str:
    """The report for people: findings grouped by sheet, then the verdict line."""
    return "".join(_text_chunks(report, colour, limit))


def write_text(report: Report, stream, colour: bool = False, limit: int | None = None) -> None:
    """Write ``to_text(report, colour, limit)`` and a newline to the text stream ``stream``, in pieces."""
    from .. import deadline

    for n, chunk in enumerate(_text_chunks(report, colour, limit)):
        stream.write(chunk)
        if n % 16 == 15:
            deadline.check()
    stream.write("\n")


# Private API.

def _text_chunks(report: Report, colour: bool, limit):
    """The text of to_text in pieces (its leading blank lines dropped, as lstrip did)."""
    from .render import _joined

    leading = True
    for chunk in _joined(_text_lines(report, colour, limit), "\n"):
        if leading:
            chunk = chunk.lstrip("\n")
            if not chunk:
                continue
            leading = False
        yield chunk


def _text_lines(report: Report, colour: bool, limit):
    """The lines of to_text, in lists of about _CHUNK."""
    import click

    from .render import COLOURS, LABELS, _counts, _finding_fields, _Messages

    labels = LABELS[report.lang]
    style = (lambda text, **kw: click.style(text, **kw)) if colour else (lambda text, **kw: text)
    message_of = _Messages(report.lang, safe).get
    severities: dict = {}
    current = object()
    findings = report.findings
    batch: list = []
    add = batch.append
    lines = shown_findings = 0
    for f, text, count, last in _runs(findings, message_of, _finding_fields):
        if limit is not None and lines >= limit:
            break
        lines += 1
        shown_findings += count
        code, _, severity, _, sheet, cell, row, column, *_ = _finding_fields(f)
        if sheet != current:
            current = sheet
            title = safe(sheet) if sheet is not None else labels["workbook"]
            add("")
            add(style(title, bold=True))
        shown = severities.get(severity)
        if shown is None:
            shown = severities[severity] = style(labels[severity], fg=COLOURS[severity], bold=severity == "error")
        if count > 1:
            letters = cell.rstrip(_DIGITS)
            where = labels["run"].format(range=f"{cell}:{letters}{last}", count=count)
            add(f"  {where} {code} {shown}  {text}")
        else:
            where = cell or (labels["row"].format(row=row) if row else "")
            add(f"  {where:<8} {code} {shown}  {text}")
        if len(batch) >= _CHUNK:
            yield batch
            batch = []
            add = batch.append
    counts = _counts(findings)
    if findings:
        add("")
    left = len(findings) - shown_findings
    if left:
        add(labels["left_out"].format(count=left, limit=limit))
    if report.accepted:
        yield batch
        batch = _accepted_lines(report, style, labels, message_of)
        add = batch.append
    checked = labels["checked"].format(sheets=report.sheets, rows=report.rows, seconds=report.seconds)
    if counts["errors"] == 0 and counts["warnings"] == 0:
        verdict = style(labels["verdict_ok"], fg="green", bold=True)
        if counts["infos"]:
            verdict += f" ({labels['verdict'].format(**counts)})"
    else:
        verdict = style(labels["verdict"].format(**counts), fg="red" if counts["errors"] else "yellow", bold=True)
    if report.accepted:
        verdict += f" ({_accepted_words(report.lang)['count'].format(n=len(report.accepted))})"
    add(f"{safe(report.file)}: {verdict} — {checked}")
    yield batch


def _accepted_lines(report: Report, style, labels: dict, message_of) -> list[str]:
    """The accepted findings' own section: place, code, severity, message, then the reason."""
    from .accept import describe
    from .render import _finding_fields

    words = _accepted_words(report.lang)
    lines = [style(words["section"], bold=True)]
    # A baseline's findings are many and all alike: counted in one line, listed in the JSON.
    baseline = [a for a in report.accepted if a.source == "baseline"]
    for a in report.accepted:
        if a.source == "baseline":
            continue
        f = a.finding
        code, _, severity, _, sheet, cell, row, column, params, expected, actual = _finding_fields(f)
        who = ", ".join(safe(str(x)) for x in (a.by, a.to_dict()["date"]) if x)
        lines.append(f"  {safe(describe(f))} {code} {labels[severity]}  "
                     f"{message_of(f, code, column, sheet, cell, params, expected, actual)}")
        lines.append(f"      ✓ {safe(a.reason) or '—'}" + (f" ({who})" if who else ""))
    if baseline:
        lines.append("  " + safe(words["baseline_count"].format(n=f"{len(baseline):,}", reason=baseline[0].reason)))
    lines.append("")
    return lines


def _accepted_words(lang: str) -> dict:
    from ..spec import load_spec

    return {k: v(lang) for k, v in load_spec().workbook["accepted"].items()}


def _runs(findings, message_of, fields):
    """(first finding, its message, count, last row) in the findings' order: identical findings
    on consecutive rows of one column folded into one. Findings come sorted by table and row,
    so a run still open is one whose last row is this row or the one before; only those are
    held (with the lines waiting behind them), whatever the report's size."""
    from collections import deque

    waiting: deque = deque()   # [finding, text, count, last row, open] in output order
    open_runs: dict = {}       # (sheet, code, letters, text) -> its entry in waiting
    table = current = object()
    hold = waiting.append
    for f in findings:
        code, _, _, template, sheet, cell, row, column, params, expected, actual = fields(f)
        text = message_of(f, code, column, sheet, cell, params, expected, actual)
        letters = cell.rstrip(_DIGITS) if type(cell) is str and type(row) is int else ""
        if letters and cell[len(letters):] != str(row):
            letters = ""  # a cell outside its row's line: shown on its own
        if template != table or (row != current and open_runs):
            # A new table, or a new row: runs that did not reach the row before are over.
            keep = row - 1 if template == table and type(row) is int else None
            for key in [k for k, e in open_runs.items() if keep is None or e[3] < keep]:
                open_runs.pop(key)[4] = False
            table = template
        current = row
        if letters:
            key = (sheet, code, letters, text)
            entry = open_runs.get(key)
            if entry is not None and entry[3] == row - 1:
                entry[2] += 1
                entry[3] = row
                continue
            if entry is not None:
                entry[4] = False
            entry = open_runs[key] = [f, text, 1, row, True]
            hold(entry)
        else:
            hold([f, text, 1, row, False])
        while waiting and not waiting[0][4]:
            first, text, count, last, _ = waiting.popleft()
            yield first, text, count, last
    for first, text, count, last, _ in waiting:
        yield first, text, count, last
