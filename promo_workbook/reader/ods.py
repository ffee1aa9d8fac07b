# ods.py: which cells of an .ods are percentages, for the number-format lookup python-calamine lacks.
"""python-calamine gives an .ods cell's number, not how it is shown, so 110% (stored 1.1)
would be taken for a bare 1.1 typed into a percent column, i.e. "1.1 percent points". In
OpenDocument a percentage says so on the cell itself (office:value-type="percentage"), so one
streaming pass over content.xml finds them; only those of 1 or more are kept (below 1 a
number means the same either way), repeated cells as blocks. The same pass keeps the error
values (#VALUE!, #DIV/0!) formulas show, which calamine reads as empty cells.
"""
from __future__ import annotations

import re
import zipfile

from ..limits import Budget
from .xmlchunks import ODS_COLUMNS_REPEATED, ODS_ROWS_REPEATED, open_sheet, tag_chunks, unescape

__all__ = ["OdsPercents", "percent_cells"]

PERCENT_FORMAT = "0%"  # what Book.number_format reports for such a cell


# Public API.

class OdsPercents:
    """Percentage cells of 1 or more per sheet: single cells and repeated blocks (Excel rows, 0-based columns)."""

    def __init__(self):
        self.cells: dict[str, set[tuple[int, int]]] = {}
        self.blocks: dict[str, list[tuple[int, int, int, int]]] = {}  # (row0, row1, col0, col1), inclusive
        self.errors: dict[str, dict[tuple[int, int], str]] = {}  # sheet -> {(row, col): "#VALUE!"}

    def has(self, sheet: str, col: int, row: int) -> bool:
        if (row, col) in self.cells.get(sheet, ()):
            return True
        return any(r0 <= row <= r1 and c0 <= col <= c1 for r0, r1, c0, c1 in self.blocks.get(sheet, ()))


def percent_cells(zf: zipfile.ZipFile, budget: Budget | None = None) -> OdsPercents:
    found = OdsPercents()
    sheet, row, column, rows_repeat, next_row = "", 0, 0, 1, 1
    with open_sheet(zf, "content.xml", budget) as fh:
        for data, cut in tag_chunks(fh, budget, "reading the number formats of content.xml"):
            for m in _TOKEN.finditer(data, 0, cut):
                kind, attrs = m.group(1), m.group(2)
                if kind == b"table":
                    name = _NAME.search(attrs)
                    sheet, next_row = (unescape(name.group(1)) if name else ""), 1
                elif kind == b"table-row":
                    row, rows_repeat, column = next_row, _repeat(attrs, ODS_ROWS_REPEATED), 0
                    next_row += rows_repeat
                else:
                    span = _repeat(attrs, ODS_COLUMNS_REPEATED)
                    if b"percentage" in attrs and _TYPE.search(attrs):
                        _keep(found, sheet, row, rows_repeat, column, span, attrs)
                    elif b'value-type="error"' in attrs:  # calamine reads an error value as empty
                        text = _ERROR_TEXT.match(data, m.end())
                        if text:
                            found.errors.setdefault(sheet, {})[(row, column)] = unescape(text.group(1))
                    column += span
    return found


# Private API.

def _keep(found: OdsPercents, sheet: str, row: int, rows: int, column: int, span: int, attrs: bytes) -> None:
    value = _VALUE.search(attrs)
    try:
        number = float(value.group(1)) if value else 0.0
    except ValueError:
        return
    if not number >= 1:
        return
    if rows == 1 and span == 1:
        found.cells.setdefault(sheet, set()).add((row, column))
    else:
        found.blocks.setdefault(sheet, []).append((row, row + rows - 1, column, column + span - 1))


def _repeat(attrs: bytes, pattern) -> int:
    m = pattern.search(attrs)
    return max(1, min(int(m.group(1)), 1 << 20)) if m else 1


_TOKEN = re.compile(rb"<table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)/?>")
_ERROR_TEXT = re.compile(rb"<text:p>(#[A-Z0-9/!?]{1,8})</text:p>")
_NAME = re.compile(rb'table:name="([^"]*)"')
_TYPE = re.compile(rb'office:value-type="percentage"')
_VALUE = re.compile(rb'office:value="([-+0-9.eE]+)"')
