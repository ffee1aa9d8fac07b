# arrays.py: cells an array formula fills are formula cells, not constants typed over one.
"""Excel's array formulas (<f t="array" ref="E5:E10">, entered with Ctrl+Shift+Enter) and
dynamic-array spills (a formula in E5 whose results fill E5:E10) write the formula once, on
the anchor cell, and only values in the other cells of ``ref``. Read as written, those cells
look like constants typed over the column's formula. Every cell of the range is therefore
given the anchor's formula, its text as written (what Excel's formula bar shows, greyed, for
a spilled cell). The ranges come from the formula scan (scan.py); a range is clipped to the
sheet's used area, which the cell limit already bounds.
"""
from __future__ import annotations

import re

from ..a1 import col_index

__all__ = ["ARRAY_FORMULA", "spill"]

# The anchor's address and its array formula's ref, whichever order <f>'s attributes come in.
ARRAY_FORMULA = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*>\s*<f(?=[^>]*\bt="array")[^>]*\bref="'
                           rb'([A-Z]{1,3})([0-9]+)(?::([A-Z]{1,3})([0-9]+))?"')


def spill(found, arrays: list[tuple[bytes, ...]]) -> None:
    """Add the formula of each array's anchor to the other cells of its range (scan.SheetFormulas)."""
    if not arrays:
        return
    rows, cols = found.extent
    for a_col, a_row, c0, r0, c1, r1 in arrays:
        anchor = (col_index(a_col.decode()), int(a_row))
        tid = found.find(*anchor)
        if tid < 0:
            continue
        template = found.templates[tid].replace(b"\0", a_row)  # the anchor's text, as written
        first_col, first_row = col_index(c0.decode()), int(r0)
        last_col, last_row = (col_index(c1.decode()), int(r1)) if c1 else (first_col, first_row)
        for row in range(first_row, min(last_row, rows) + 1):
            for col in range(first_col, min(last_col, cols - 1) + 1):
                if (col, row) != anchor and found.find(col, row) < 0:
                    found.add(col, row, template)
    found.sort()
