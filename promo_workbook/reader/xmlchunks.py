# xmlchunks.py: a sheet part read in chunks that never split a cell, for regex scans.
"""Streaming a worksheet part without an XML parser: the part decompressed in chunks cut
just before a cell starts, the namespace prefix its elements carry, character data
unescaped, and the style index of chosen cells (scan.py and extent.py scan these chunks); an
.ods's content.xml in chunks that never split a tag (ods.py and extent.py scan those)."""
from __future__ import annotations

import re
import zipfile
from operator import itemgetter

from ..a1 import col_index, col_letter
from ..limits import Budget
from .package import open_part

__all__ = ["CHUNK", "COLUMNS", "ODS_COLUMNS_REPEATED", "ODS_ROWS_REPEATED", "chunks", "open_sheet", "scan_styles", "sheet_prefix", "tag_chunks", "unescape"]

CHUNK = 4 * 1024 * 1024
# An .ods table's repeats (table:number-rows-repeated="3" on a row, -columns- on a cell), which
# ods.py and extent.py both count out.
ODS_ROWS_REPEATED = re.compile(rb'number-rows-repeated="([0-9]+)"')
ODS_COLUMNS_REPEATED = re.compile(rb'number-columns-repeated="([0-9]+)"')


# Public API.

def open_sheet(zf: zipfile.ZipFile, part: str, budget: Budget | None):
    """The part, opened against the budget (inflated size checked) when one is given."""
    return open_part(zf, part) if budget is not None and zf.filename else zf.open(part)


def sheet_prefix(fh) -> tuple[bytes, bytes]:
    """The namespace prefix of the sheet's elements ("x:" in <x:worksheet>), and the bytes read."""
    head = fh.read(CHUNK)
    m = _ROOT.search(head)
    return ((m.group(1) + b":") if m and m.group(1) else b""), head


def chunks(fh, head: bytes, prefix: bytes, budget: Budget | None = None):
    """(data, cut): scan data[:cut]; a cell never straddles the cut, the rest carries over."""
    marker = b"<" + prefix + b"c "
    data = head
    while True:
        parts = [data]
        while True:
            more = fh.read(CHUNK)
            if not more:
                data = b"".join(parts)
                yield data, len(data)
                return
            window = parts[-1][1 - len(marker):] + more  # a marker may straddle the two reads
            parts.append(more)
            found = window.rfind(marker)
            if found >= 0:
                break
            if budget is not None:  # one enormous cell: keep reading until the next one starts
                budget.tick("scanning one enormous cell")
        data = b"".join(parts)
        cut = len(data) - len(window) + found
        if cut > 0:
            yield data, cut
            data = data[cut:]


def tag_chunks(fh, budget: Budget | None, doing: str):
    """(data, cut) over a streamed XML part (an .ods's content.xml): scan data[:cut], which
    ends before the last "<" read so far, so no tag straddles the cut; the rest carries over.
    The budget is ticked once a chunk, ``doing`` saying what for."""
    carry = b""
    while True:
        more = fh.read(CHUNK)
        data = carry + more
        cut = data.rfind(b"<") if more else len(data)
        if budget is not None:
            budget.tick(doing)
        yield data, max(cut, 0)
        if not more:
            return
        carry = data[cut:] if cut >= 0 else data


def scan_styles(zf: zipfile.ZipFile, part: str, columns: set[int], addressed: bool = False) -> dict[tuple[int, int], int]:
    """Style index (s="…") of every cell in the given 0-based columns: (column, row) -> style.
    ``addressed``: the part is known to write every cell <c r="…" (scan_formulas' fast scan
    read it), so the chunks need not be checked for cells that do not."""
    if not columns:
        return {}
    styles = {}
    with zf.open(part) as fh:
        prefix, head = sheet_prefix(fh)
        letters = b"|".join(sorted(col_letter(c).encode() for c in columns))
        tag = b"<" + re.escape(prefix) + b"c"
        # The address anywhere among the attributes: <c r="B2" s="3"> and <c s="3" r="B2"> alike.
        anywhere = re.compile(tag + rb'\s([^>]*?\br="(' + letters + rb')([0-9]+)"[^>]*)>')
        # Where every cell carries its address first (as Excel, WPS, LibreOffice, xlsxwriter and
        # openpyxl write), the search starts at the address itself: several times faster.
        first = re.compile(tag + rb' r="(' + letters + rb')([0-9]+)"([^>]*)>')
        opening, address_first = b"<" + prefix + b"c ", b"<" + prefix + b'c r="'
        other_space = re.compile(tag + rb"[\t\n\r\f\v]")  # what else \s matches after "<c"
        for data, cut in chunks(fh, head, prefix):
            if addressed or (data.count(opening, 0, cut) == data.count(address_first, 0, cut)
                             and other_space.search(data, 0, cut) is None):
                found = first.findall(data, 0, cut)
                cols, rows, attrs = (map(itemgetter(k), found) for k in (0, 1, 2))
            else:
                found = anywhere.findall(data, 0, cut)
                attrs, cols, rows = (map(itemgetter(k), found) for k in (0, 1, 2))
            # At C speed: a column has a few distinct attribute texts, each one's style found once.
            styles.update(zip(zip(map(COLUMNS.__getitem__, cols), map(int, rows)), map(_STYLE_OF.__getitem__, attrs)))
    return styles


def unescape(text: bytes) -> str:
    """XML character data to text: the five entities and numeric character references."""
    s = text.decode("utf-8", "replace")
    if "&" not in s:
        return s
    return _ENTITY.sub(_entity, s)


# Private API.

_STYLE = re.compile(rb'(?<![\w:-])s="([0-9]+)"')


class _StyleOf(dict):
    """A cell's attribute text -> its style index (0 without s=), found on first use."""

    def __missing__(self, attrs: bytes) -> int:
        m = _STYLE.search(attrs)
        value = int(m.group(1)) if m else 0
        if len(self) < 4096:  # attribute texts are few; a hostile part must not grow this
            self[attrs] = value
        return value


_STYLE_OF = _StyleOf()


class _ColumnIndex(dict):
    """b"AB" -> 27, filled on first use."""

    def __missing__(self, letters: bytes) -> int:
        self[letters] = value = col_index(letters.decode())
        return value


COLUMNS = _ColumnIndex()  # b"AB" -> 27, shared by the scans
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|quot|amp|lt|gt|apos);")
_NAMED = {"quot": '"', "amp": "&", "lt": "<", "gt": ">", "apos": "'"}
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>]")


def _entity(m: re.Match) -> str:
    name = m.group(1)
    if name.startswith("#"):
        try:
            code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        except ValueError:
            return m.group(0)
        if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF:
            return chr(code)
        return m.group(0)  # not a character XML allows (a surrogate, NUL): kept as written
    return _NAMED[name]
