# sparse.py: a few stray cells far from the rest of a sheet do not make it a 16k x 1M grid.
"""python-calamine builds each sheet as a dense grid from A1 to its last cell, so one stray
value at XFD1048576 would make 17 billion cells: counted that way the cell limit refuses the
file, and let through calamine aborts the process. The limit should count the cells present.

When a sheet's used area is past the limit, the scan (scan.py) knows the bound its cells
were checked against and every cell beyond it, one by one (up to MAX_OUTSIDE). The sheet's
core is that bound widened by the cells beyond it, nearest first, while it stays within the
limit; the cells left are "far". The limit then counts the core's cells plus one per far
cell, and python-calamine gets the sheet without its far cells (calamine_copy.py), so its
grid is the core. A far cell is far from every table; the plan notes it, by address.
"""
from __future__ import annotations

import re
import zlib

from ..a1 import col_letter
from .scan import MAX_OUTSIDE, SheetFormulas

__all__ = ["split_far", "without_far_cells"]


# Public API.

def split_far(found: SheetFormulas, room: int) -> bool:
    """Shrink ``found.extent`` to the sheet's core and list its far cells in ``found.far``;
    False (nothing changed) when the cells beyond the bound are too many to tell apart or
    the core itself is past the limit."""
    rows, cols = found.bound
    if not found.outside or len(found.outside) > MAX_OUTSIDE or rows * cols > room:
        return False
    far = []
    for row, col in sorted(found.outside, key=lambda rc: max(rows, rc[0]) * max(cols, rc[1] + 1)):
        grown = (max(rows, row), max(cols, col + 1))
        if grown[0] * grown[1] <= room // 2:  # half the room: the core stays well within the limit
            rows, cols = grown
        else:
            far.append((row, col))
    if not far:
        return False
    found.extent, found.far = (rows, cols), far
    return True


def without_far_cells(data: bytes, far: list[tuple[int, int]]) -> bytes:
    """A sheet part's XML with its far cells (and its <dimension>, which claims them) left out."""
    addresses = b"|".join(f"{col_letter(col)}{row}".encode() for row, col in far)
    cell = re.compile(rb'<(?:[\w.-]+:)?c\s[^>]*?\br="(?:' + addresses + rb')"(?:[^>]*?/>|[^>]*>.*?</(?:[\w.-]+:)?c>)',
                      re.S)
    data = cell.sub(b"", data)
    return _DIMENSION.sub(b"", data, count=1)


def deflate(data: bytes) -> bytes:
    """Raw deflate (as a zip entry holds it)."""
    squeeze = zlib.compressobj(6, zlib.DEFLATED, -15)
    return squeeze.compress(data) + squeeze.flush()


_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s[^>]*/>")
