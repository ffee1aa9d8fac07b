# extent.py: how much of a sheet python-calamine will build, before it builds it.
"""The used area of a sheet part or an .ods, counted against the cell limit before
python-calamine loads it: the exact measure, the quick capture-free pass for the plain
layout, and the cells of an .ods's tables (repeats counted out)."""
from __future__ import annotations

import re
import zipfile

from ..a1 import col_index, col_letter
from ..limits import Budget
from .parts import show
from .scan import _ROW_OF, _at_most, _bound, _number
from .xmlchunks import ODS_COLUMNS_REPEATED, ODS_ROWS_REPEATED, tag_chunks
from .xmlchunks import chunks as _chunks, open_sheet as _open, sheet_prefix as _prefix

__all__ = ["measure_extent", "ods_cells", "quick_extent"]


# Public API.

def measure_extent(zf: zipfile.ZipFile, part: str, budget: Budget | None = None) -> tuple[int, int]:
    """The used area from A1 of a sheet whose cells all carry their address first (as
    scan_formulas found): rows and columns up to the last cell with any content; calamine
    builds its grid up to the last cell with a value, so this is never less. Slower than the
    scan's bound; asked for only when that bound would refuse the sheet."""
    rows = cols = 0
    with _open(zf, part, budget) as fh:
        prefix, head = _prefix(fh)
        p = re.escape(prefix)
        valued = re.compile(rb"<" + p + rb'c r="([A-Za-z]+)([0-9]+)"[^>]*(?<!/)>(?!</' + p + rb"c>)")
        for data, cut in _chunks(fh, head, prefix, budget):
            if budget is not None:
                budget.tick(f"measuring {show(part)}")
            refs = valued.findall(data, 0, cut)
            if refs:
                letters = {ref[0].upper() for ref in refs}
                rows = max(rows, max(map(int, map(_ROW_OF, refs))))
                cols = max(cols, max(col_index(c.decode()) for c in letters) + 1)
    return rows, cols


def quick_extent(zf: zipfile.ZipFile, part: str, budget: Budget) -> tuple[int, int] | None:
    """The extent scan_formulas will find for a part in the plain layout, from a few C-level
    passes that capture nothing; None when the part is not in that layout.

    Plain layout: no namespace prefix, every cell element written ``<c r="…"`` (address
    first, so python-calamine places each cell at its address) and no element under any
    prefix named ``c``. Then the extent is the bound scan_formulas starts from (the
    <dimension>'s, or DEFAULT_BOUND) whenever no address lies outside it, which one regex
    search per chunk tells. read() uses it to let calamine load a big sheet while the sheet's
    formulas are still being scanned; the full scan still counts it against the limit.
    """
    with _open(zf, part, budget) as fh:
        prefix, head = _prefix(fh)
        if prefix or b"\0" in head[:4096]:
            return None
        rows, cols = _bound(head, budget.room())
        inside = (_at_most(col_letter(cols - 1), "AZ") + _at_most(str(rows), "09")).encode() + b'"'
        outside = re.compile(rb'<c r="(?!' + inside + rb")")
        for data, cut in _chunks(fh, head, b"", budget):
            budget.tick(f"scanning {show(part)}")
            if _ODD_CELL.search(data, 0, cut) or _PREFIXED_CELL.search(data, 0, cut) or outside.search(data, 0, cut):
                return None
    return rows, cols


# Cell elements not written <c r="…": without attributes, with other white space, or under a
# namespace prefix (scan_formulas takes its slow path or its foreign check for those).
# (Two patterns, each with a literal start the regex engine can skip to: one alternation of
# both would be tried at every byte, ten times slower.)
_ODD_CELL = re.compile(rb'<c(?:[>/\t\n\r]| (?!r="))')
_PREFIXED_CELL = re.compile(rb":c[\s>/]")


def ods_cells(zf: zipfile.ZipFile, budget: Budget | None = None) -> int:
    """Cells python-calamine materialises for an .ods: per table, the rows up to the last
    row holding a value times the widest such row, repeats (number-rows-repeated,
    number-columns-repeated) counted out. Empty repeated rows and cells, which LibreOffice
    writes to the sheet's edge, count nothing."""
    total = 0
    with _open(zf, "content.xml", budget) as fh:
        rows = width = last = 0        # this table: rows so far, widest row, rows up to the last value
        repeat = column = filled = 0   # this row
        for data, cut in tag_chunks(fh, budget, "scanning content.xml"):
            for m in _ODS_TOKEN.finditer(data, 0, cut):
                kind, attrs, empty = m.groups()
                if kind == b"table":
                    total += last * width
                    rows = width = last = 0
                elif kind == b"table-row":
                    repeat, column, filled = _repeat(attrs, ODS_ROWS_REPEATED), 0, 0
                    if empty:
                        rows += repeat
                elif kind is None:  # </table:table-row>
                    if filled:
                        width, last = max(width, filled), rows + repeat
                    rows += repeat
                else:
                    column += _repeat(attrs, ODS_COLUMNS_REPEATED)
                    if b"value-type" in attrs or not empty:
                        filled = column
    return total + last * width


def _repeat(attrs: bytes, pattern) -> int:
    m = pattern.search(attrs)
    return _number(m.group(1)) or 1 if m else 1


_ODS_TOKEN = re.compile(rb"<table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>"
                        rb"|</table:table-row>")
