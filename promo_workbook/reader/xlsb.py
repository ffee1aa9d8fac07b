# xlsb.py: an .xlsb's records: its cells' number formats, and its sheets' size before calamine reads them.
"""python-calamine gives an .xlsb cell's number, not how it is shown, so 110% (stored 1.1)
would be taken for a bare 1.1 typed into a percent column ("1.1 percent points"). The format
is read here from the BIFF12 records themselves (Microsoft's [MS-XLSB]):

- xl/workbook.bin: BrtBundleSh (type 156) names each sheet and its relationship id; the
  workbook's relationships (XML, as in an .xlsx) give its part, resolved as for an .xlsx;
- xl/styles.bin: BrtFmt (44) holds a custom format's id and code; the BrtXF records (47)
  between BrtBeginCellXfs (617) and BrtEndCellXfs (618) are the cell formats a cell's style
  index counts (ixfeParent u16, then the format id u16); the cell-style XFs (626..627) are not;
- a sheet part: BrtRowHdr (0) starts a row (its number, u32, first); a cell record (1..11, and
  62, a rich string) starts with its column (u32) and its style index (24 bits); the "short"
  cell records (12..18) leave the column out: the previous cell's + 1.

A record is its type (1-2 bytes of 7 bits, the high bit saying another byte follows), its size
(1-4 such bytes) and that many bytes. Nothing is read past a record's size or a part's declared
size (package.open_part), and small parts are capped; anything unexpected means no format for
what is left, so the value stands as calamine read it: these formats refine values, they never
refuse a file calamine reads.

python-calamine reads an .xlsb from the file itself, so the same cell records are first walked
to measure each sheet's used area against the cell limit (xlsb_cells, from read()): calamine
builds a sheet as a dense grid and aborts the process when it cannot. There a damaged sheet
part is refused, since calamine reads a short record's fields from the bytes past it.
"""
from __future__ import annotations

import struct
import zipfile

from .. import deadline
from ..errors import InputFileError
from ..limits import Budget
from .package import ZIP_ERRORS, Package, format_code, open_part
from .parts import office_document, show, workbook_rels

__all__ = ["XlsbFormats", "read_formats", "xlsb_cells"]

SMALL_PART = 16 * 1024 * 1024  # workbook.bin, styles.bin: a few KB in practice
CHUNK = 1024 * 1024
_ROW, _BUNDLE_SHEET, _FORMAT, _XF = 0, 156, 44, 47
_BEGIN_CELL_XFS, _END_CELL_XFS, _END_SHEET_DATA = 617, 618, 146
_CELLS = frozenset(range(1, 12)) | {62}   # a Cell first: column u32, style 24 bits, flags 8 bits
_SHORT_CELLS = frozenset(range(12, 19))   # no column: style 24 bits, flags 8 bits
_BLANKS = frozenset({1, 12})               # BrtCellBlank, BrtShortBlank: a style, no value
_MAX_XFS = 1 << 16                         # Excel writes at most 65,430
# Anything a damaged or hostile part may raise while it is read record by record.
_FAILURES = (*ZIP_ERRORS, InputFileError, MemoryError)


# Public API.

class XlsbFormats:
    """Each sheet's part and the cell formats of styles.bin; a column's style indexes are read
    from its sheet's part when a cell of it first asks, once."""

    def __init__(self, parts: dict[str, str], xfs: list[int], codes: dict[int, str]):
        self.parts, self.xfs, self.codes = parts, xfs, codes
        self._columns: dict[tuple[str, int], dict[int, int]] = {}  # (sheet, col) -> {row: style}

    def number_format(self, opener, sheet: str, col: int, row: int) -> str | None:
        """The format code of a cell (row from 1, col from 0); ``opener()`` gives the zip as a
        context manager. None when unknown: no such sheet, cell or style, or a damaged part."""
        part = self.parts.get(sheet)
        if part is None or not self.xfs:
            return None
        if (sheet, col) not in self._columns:
            styles: dict[int, int] = {}
            try:
                with opener() as zf:
                    _column_styles(zf, part, col, styles)
            except _FAILURES:
                pass  # the styles read before the damage stand
            self._columns[(sheet, col)] = styles
        style = self._columns[(sheet, col)].get(row)
        if style is None or style >= len(self.xfs):
            return None
        return format_code(self.codes, self.xfs[style])


def read_formats(pkg: Package) -> XlsbFormats:
    """The sheets' parts and the cell formats of an open .xlsb package; none when damaged."""
    try:
        parts, rels = _sheet_parts(pkg)
        styles = next((part for kind, part in rels.values() if kind.endswith("/styles")), "xl/styles.bin")
        xfs, codes = _styles(_small(pkg, styles))
    except _FAILURES:
        return XlsbFormats({}, [], {})
    return XlsbFormats(parts, xfs, codes)


def xlsb_cells(pkg: Package, budget: Budget) -> int:
    """Cells python-calamine materialises for an .xlsb, counted before it reads any sheet: per
    sheet, its part's used area from A1 (rows up to the last cell holding a value, times the
    columns up to the rightmost one; blank styled cells, which calamine leaves out, count
    nothing). calamine builds that grid densely and aborts the process when it cannot: one
    number at XFD1048576 asks for 17 billion cells. A worksheet part no sheet names counts once
    too, in case calamine finds it another way. A damaged part (a record too short for its row
    or column, sheet data cut short) is refused: calamine would read past the damage."""
    try:
        named, _ = _sheet_parts(pkg)
    except _FAILURES:
        named = {}
    uses = list(named.values())
    uses += [n for n in pkg.zip.NameToInfo if n.lower().startswith("xl/worksheets/") and n.lower().endswith(".bin")
             and pkg.entry(n) == n and n not in uses]
    total, areas = 0, {}
    for part in uses:
        if part not in areas:
            entry = pkg.entry(part)
            try:
                areas[part] = _area(pkg.zip, entry, budget) if entry else 0
            except _Damaged as exc:
                names = [name for name, named_part in named.items() if named_part == part]
                what = f"sheet {show(names[0])!r}" if names else f"part {show(part)}"
                raise InputFileError(pkg.path, f"{what} is damaged and cannot be read ({exc})") from None
        total += areas[part]
    return total


# Private API: records.

def _records(fh, head: int, tick):
    """A part's records as (type, size, buffer, offset of the body in it), read in chunks: at
    least min(size, ``head``) bytes of the body are in the buffer, the rest is skipped, never
    read past the record's size. Ends at the part's end or a damaged header or body. (One
    loop with the one-byte header fields inline: a 200,000-row sheet has millions of records.)"""
    buf, at, eof = b"", 0, False
    while True:
        if len(buf) - at < 6 + head and not eof:  # the longest header: 2 bytes of type, 4 of size
            more = fh.read(CHUNK)
            eof = not more
            tick()
            buf, at = buf[at:] + more, 0
        end = len(buf)
        if at >= end:
            return
        kind = buf[at]
        at += 1
        if kind >= 0x80:  # a second byte of type; a third is damage
            if at >= end or buf[at] >= 0x80:
                return
            kind = (kind & 0x7F) | buf[at] << 7
            at += 1
        if at >= end:
            return
        size = buf[at]
        at += 1
        if size >= 0x80:
            size, at = _long_size(buf, at - 1, end)
            if size < 0:
                return
        if at + (size if size < head else head) > end:
            return  # cut short
        yield kind, size, buf, at
        at += size
        if at > end:  # a body longer than what is buffered: skip the rest unread
            left, buf, at = at - end, b"", 0
            while left > 0:
                more = fh.read(min(CHUNK, left))
                if not more:
                    return
                tick()
                left -= len(more)


def _long_size(buf: bytes, at: int, end: int) -> tuple[int, int]:
    """A record size of 2-4 bytes; -1 when cut short or longer (damage)."""
    size = 0
    for shift in (0, 7, 14, 21):
        if at >= end:
            return -1, at
        byte = buf[at]
        at += 1
        size |= (byte & 0x7F) << shift
        if byte < 0x80:
            return size, at
    return -1, at


def _bodies(data: bytes, head: int = 1024):
    """A small part's records as (type, the first ``head`` bytes of the body)."""
    for kind, size, buf, at in _records(_Bytes(data), head, deadline.check):
        yield kind, buf[at:at + min(size, head)]


class _Damaged(Exception):
    """A sheet part python-calamine may read otherwise than its records say."""


def _cells(zf: zipfile.ZipFile, part: str, tick, strict: bool = False):
    """(row from 1, column from 0, record type, style index) of each cell record of a sheet
    part, up to the end of its sheet data. ``strict``: a row or cell record too short for its
    row or column, or sheet data without its end, raises _Damaged (python-calamine reads such a
    record's fields from bytes past its end, where any row or column may be); otherwise those
    are passed over."""
    row, column = 0, -1
    unpack = struct.unpack_from
    for kind, size, buf, at in _records(open_part(zf, part), 8, tick):
        if kind in _CELLS:
            if size >= 8:
                column, style = unpack("<II", buf, at)
                yield row, column, kind, style & 0xFFFFFF
            elif strict:
                raise _Damaged(f"a cell record of {size} bytes")
        elif kind in _SHORT_CELLS:
            column += 1
            if size >= 4:
                yield row, column, kind, unpack("<I", buf, at)[0] & 0xFFFFFF
            elif strict:
                raise _Damaged(f"a cell record of {size} bytes")
        elif kind == _ROW:
            if size >= 4:
                row, column = unpack("<I", buf, at)[0] + 1, -1
            elif strict:
                raise _Damaged(f"a row record of {size} bytes")
        elif kind == _END_SHEET_DATA:
            return
    if strict:
        raise _Damaged("its cell records are cut short or malformed")


def _small(pkg: Package, name: str) -> bytes:
    entry = pkg.entry(name)
    if entry is None or pkg.zip.getinfo(entry).file_size > SMALL_PART:
        return b""
    return open_part(pkg.zip, entry).read()


class _Bytes:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, n: int) -> bytes:
        out, self.data = self.data[:n], self.data[n:]
        return out


def _wide_string(body: bytes, at: int) -> tuple[str | None, int]:
    """An XLWideString (u32 count of UTF-16 characters, then them); None when it does not fit
    (or is the 0xFFFFFFFF of an XLNullableWideString)."""
    if at + 4 > len(body):
        return None, at
    count = struct.unpack_from("<I", body, at)[0]
    end = at + 4 + 2 * count
    if end > len(body):
        return None, at
    return body[at + 4:end].decode("utf-16-le", "replace"), end


# Private API: the parts.

def _sheet_parts(pkg: Package) -> tuple[dict[str, str], dict]:
    """Sheet name -> its part, resolved as for an .xlsx; and the workbook's relationships."""
    workbook = office_document(pkg)
    rels = workbook_rels(pkg, workbook)
    return {name: rels[rid][1] for name, rid in _sheet_ids(_small(pkg, workbook)) if rid in rels}, rels


def _sheet_ids(data: bytes) -> list[tuple[str, str]]:
    """(sheet name, relationship id) of every BrtBundleSh in workbook.bin."""
    sheets = []
    for kind, body in _bodies(data):
        if kind == _BUNDLE_SHEET:
            rid, at = _wide_string(body, 8)  # after hsState and iTabID, u32 each
            name, _ = _wide_string(body, at) if rid is not None else (None, at)
            if name is not None:
                sheets.append((name, rid))
    return sheets


def _styles(data: bytes) -> tuple[list[int], dict[int, str]]:
    """The cell XFs' format ids, in order, and the custom format codes of styles.bin."""
    xfs, codes, in_cell_xfs = [], {}, False
    for kind, body in _bodies(data):
        if kind == _FORMAT and len(body) >= 2:
            code, _ = _wide_string(body, 2)
            if code is not None:
                codes[struct.unpack_from("<H", body)[0]] = code
        elif kind in (_BEGIN_CELL_XFS, _END_CELL_XFS):
            in_cell_xfs = kind == _BEGIN_CELL_XFS
        elif kind == _XF and in_cell_xfs and len(body) >= 4 and len(xfs) < _MAX_XFS:
            xfs.append(struct.unpack_from("<H", body, 2)[0])
    return xfs, codes


def _area(zf: zipfile.ZipFile, part: str, budget: Budget) -> int:
    rows = cols = 0
    for row, column, kind, _ in _cells(zf, part, lambda: budget.tick(f"scanning {show(part)}"), strict=True):
        if column >= cols and kind not in _BLANKS:
            cols = column + 1
        if row > rows and kind not in _BLANKS:
            rows = row
    return rows * cols


def _column_styles(zf: zipfile.ZipFile, part: str, col: int, styles: dict[int, int]) -> None:
    """Fill ``styles`` with {row: style index} of the column's cells in a sheet part."""
    for row, column, _, style in _cells(zf, part, deadline.check):
        if column == col and row:
            styles[row] = style
