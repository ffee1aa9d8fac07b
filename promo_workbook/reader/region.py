# region.py: where a table found by its headers ends: its totals row and the next table's title.
"""A table found by its headers (every .ods/.xls, any .xlsx without the metadata sheet) keeps
every row between its header and the next real table header (identify.find_by_headers: a
row matching the next table's columns). Two kinds of rows in that span are not data:

- the next table's title: a row holding one text that names a template, directly above the
  next header (only blank or title rows between them). The same text further up, say a note
  mentioning "Budget Detail" in one cell, is a data row;
- the totals row: its first column says 合计 / 總計 / Total, it is the last filled row of the
  span, and its figures are the sums of the rows above (a cached value equal to the sum, or
  a SUM formula) for the columns the template sums; a row with no such figure counts only
  under the template's own totals label (完成率 over a checklist). A retailer named "Total"
  in the middle of a table, or a last row whose figures are not the sums, is a data row.
"""
from __future__ import annotations

import math

from ..spec import Spec, Table
from .fold import fold
from .identify import is_title_row

__all__ = ["find_totals", "title_rows"]

SUM_TOLERANCE = 0.005  # relative: a total rounded to what the cell shows


# Public API.

def title_rows(spec: Spec, values: list, first: int, end: int) -> set[int]:
    """Rows first..end that are the next table's title: title rows in the trailing run of
    blank and title rows of the span."""
    found = set()
    for n in range(min(end, len(values)), first - 1, -1):
        row = values[n - 1]
        if all(v == "" or v is None for v in row):
            continue
        if not is_title_row(spec, row):
            break
        found.add(n)
    return found


def find_totals(spec: Spec, table: Table, columns: dict, values: list, first: int, end: int,
                formula=None) -> int | None:
    """The totals row of a table found by its headers, or None (see the module's docstring).

    ``formula(col, row)`` gives a cell's formula text, or None."""
    labels = {fold(x) for x in spec.workbook["totals_labels"]}
    if table.totals:
        labels |= {fold(x) for x in table.totals.label.all()}
    lo = min((c.index for c in columns.values()), default=0)
    titles = title_rows(spec, values, first, end)
    last = next((n for n in range(min(end, len(values)), first - 1, -1)
                 if n not in titles and any(v != "" and v is not None for v in values[n - 1])), None)
    if last is None or last <= first:
        return None
    cell = values[last - 1][lo] if lo < len(values[last - 1]) else ""
    if not (isinstance(cell, str) and 0 < len(cell) <= 12 and fold(cell) in labels):
        return None
    figures = [info.index for key, info in columns.items() if info.index != lo and _summed(table, key)]
    sums = _sums(values, figures, first, last, formula)
    own = table.totals is not None and fold(cell) in {fold(x) for x in table.totals.label.all()}
    return last if sums is not None and (sums > 0 or own) else None


# Private API.

def _summed(table: Table, key: str) -> bool:
    """A column whose total is its sum: the template's totals cell says SUM(…), or (a table
    without a totals row in the template) a number or money column."""
    if table.totals:
        return str(table.totals.cells.get(key, "")).upper().startswith("SUM(")
    return table.has_column(key) and table.column(key).parse_kind in ("number", "money")


def _sums(values: list, cols: list[int], first: int, last: int, formula) -> int | None:
    """How many figures of row ``last`` are the sums of their columns above; None when one is not."""
    sums = 0
    for ci in cols:
        total = values[last - 1][ci] if ci < len(values[last - 1]) else ""
        text = formula(ci, last) if formula is not None else None
        if text and text.replace(" ", "").upper().startswith(("=SUM(", "=SUBTOTAL(")):
            sums += 1
            continue
        if not _number(total):
            continue
        above = sum(v for r in range(first, last) for v in [_cell(values, r, ci)] if _number(v))
        if abs(total - above) > SUM_TOLERANCE * max(1.0, abs(above)):
            return None
        sums += 1
    return sums


def _cell(values: list, row: int, ci: int):
    cells = values[row - 1]
    return cells[ci] if ci < len(cells) else ""


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
