"""Test support: compare every table cell the reader reads with what LibreOffice shows.

LibreOffice writes each sheet as CSV (support.libreoffice.to_csv_sheets with ``shown=False``):
numbers in full precision, a "%" after a number shown as a percentage, dates as ISO text,
text as typed, formulas recalculated. Each table cell of the plan is compared with the CSV
cell at its address:

    CSV text       the reader's side
    ""             nothing read (raw "" or None)
    "12.5%"        the percentage as a fraction: the cell's value for a percent column, else
                   its raw number / 100 ... either way 0.125
    "1234.5"       the raw number
    "2026-03-04"   the date (raw date or datetime, or the parsed value)
    other text     the raw text, stripped

Documented exceptions, each counted by its reason and never compared:
    formula-not-calculated   a formula whose cached result the reader does not trust: it reads
                             no value there (the checker recomputes it), LibreOffice shows its own
    merged, split            a value the reader copies on purpose into a cell LibreOffice shows
                             empty: the cells a merge covers; the seed's combined cell split
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections import Counter
from pathlib import Path

__all__ = ["compare", "lo_sheets"]

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?")


def lo_sheets(folder: Path) -> dict[str, list[list[str]]]:
    """Sheet name -> rows of CSV text, from to_csv_sheets' folder (files input-<sheet>.csv)."""
    out = {}
    for path in sorted(Path(folder).glob("*.csv")):
        name = path.stem.partition("-")[2]
        with open(path, encoding="utf-8", newline="") as fh:
            out[name] = list(csv.reader(fh))
    return out


def compare(plan, sheets: dict[str, list[list[str]]]) -> tuple[list[str], Counter]:
    """(disagreements as lines, how many cells were compared or skipped by reason)."""
    from promo_workbook.a1 import col_index

    bad, counts = [], Counter()
    for table in plan.tables.values():
        rows = sheets.get(table.sheet)
        if rows is None:
            bad.append(f"{table.sheet}: no CSV from LibreOffice")
            continue
        for row in table.rows:
            for cell in list(row.cells.values()) + list(row.extra.values()):
                r, c = cell.row - 1, col_index(cell.column)
                shown = rows[r][c] if r < len(rows) and c < len(rows[r]) else ""
                reason = _skip(cell)
                if reason:
                    counts[reason] += 1
                    continue
                counts["compared"] += 1
                if not _agrees(cell, shown.strip()):
                    bad.append(f"{table.sheet}!{cell.column}{cell.row}: LibreOffice shows {shown!r}, "
                               f"the reader read raw={cell.raw!r} value={cell.value!r}")
    return bad, counts


def _skip(cell) -> str | None:
    if cell.reason == "formula-not-calculated":
        return "formula-not-calculated"
    if cell.source and cell.source.split(":")[0] in ("merged", "split"):
        return cell.source.split(":")[0]  # a value the reader copied into the cell on purpose
    return None


def _agrees(cell, shown: str) -> bool:
    raw, value = cell.raw, cell.value
    if shown == "":
        return raw in ("", None) or (isinstance(raw, str) and not raw.strip())
    if isinstance(raw, str):
        return raw.strip() == shown or _same_number(raw, shown)
    if isinstance(raw, bool):
        return shown.upper() == str(raw).upper()
    if isinstance(raw, (dt.date, dt.datetime)) or _DATE.fullmatch(shown):
        got = value if isinstance(value, dt.date) else raw
        m = _DATE.fullmatch(shown)
        if not m or not isinstance(got, dt.date):
            return False
        day = got.date() if isinstance(got, dt.datetime) else got
        return day == dt.date(int(m[1]), int(m[2]), int(m[3]))
    if isinstance(raw, (int, float)):
        if shown.endswith("%") and _NUMBER.fullmatch(shown[:-1]):
            want = float(shown[:-1]) / 100
            got = value if isinstance(value, (int, float)) and not cell.slip else raw
            return _close(got, want) or _close(raw, want)
        if _NUMBER.fullmatch(shown):
            return _close(raw, float(shown))
    return False


def _same_number(raw: str, shown: str) -> bool:
    """A number stored as text: LibreOffice shows the text, the reader keeps it as text too."""
    return raw.strip().replace(",", "") == shown.replace(",", "")


def _close(a, b: float) -> bool:
    return isinstance(a, (int, float)) and math.isclose(float(a), b, rel_tol=1e-9, abs_tol=1e-12)
