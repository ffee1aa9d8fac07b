# xls.py: what python-calamine does not tell of a legacy .xls: percent formats, empty-text formulas.
"""Two facts of a BIFF8 .xls that python-calamine's values lose, read from the file's records:

- which number cells are shown as percentages (their XF's number format has a "%"), so 110%
  (stored 1.1) is not taken for a bare 1.1 typed into a percent column ("1.1 percent points");
  only those of 1 or more are kept: below 1 a number means the same either way;
- which formula cells hold an empty text result (=IF(A5="","",…) down a column): Excel marks
  the result as empty text, which calamine reads as 0.0; LibreOffice (7.4) stores the number
  0 for it. Either way the blank rows of a template came back as hundreds of phantom rows of
  zeros. A formula whose cached result is 0 and whose tokens hold "" is read as empty text:
  a true 0 from such a formula is a derived value, which the checker recomputes anyway;
- which cells hold an error value (#VALUE!, a formula's result or typed): calamine reads them
  as empty cells.

The .xls is an OLE compound file: its "Workbook" stream is found through the sector tables,
every chain bounded by the file's sector count (a loop in a hostile file ends there). The
stream is a list of records: the globals (BOUNDSHEET: each sheet's name and offset; FORMAT and
XF: number formats), then each sheet's cells. Anything unexpected ends the reading quietly:
these facts refine values, they never refuse a file calamine reads.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

__all__ = ["XlsFacts", "read_facts"]

PERCENT_FORMAT = "0%"
_BUILTIN_PERCENT = {9, 10}
_END, _FREE = 0xFFFFFFFE, 0xFFFFFFFF
_BOF, _EOF, _BOUNDSHEET, _FORMAT, _XF = 0x0809, 0x000A, 0x0085, 0x041E, 0x00E0
_BOOLERR = 0x0205
_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
           0x2A: "#N/A"}
_NUMBER, _RK, _MULRK, _FORMULA, _SHRFMLA = 0x0203, 0x027E, 0x00BD, 0x0006, 0x04BC


# Public API.

@dataclass
class XlsFacts:
    percents: dict[str, set[tuple[int, int]]] = field(default_factory=dict)    # sheet -> {(row, col)}
    empty_text: dict[str, set[tuple[int, int]]] = field(default_factory=dict)  # sheet -> {(row, col)}
    errors: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)  # sheet -> {(row, col): "#N/A"}

    def number_format(self, sheet: str, col: int, row: int) -> str | None:
        return PERCENT_FORMAT if (row, col) in self.percents.get(sheet, ()) else None


def read_facts(path) -> XlsFacts:
    facts = XlsFacts()
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        stream = _workbook_stream(data)
        if stream:
            _read_records(stream, facts)
    except (struct.error, IndexError, ValueError, OverflowError, MemoryError, OSError):
        pass  # a damaged file: calamine's values stand as they are
    return facts


# Private API: the OLE compound file.

def _workbook_stream(data: bytes) -> bytes | None:
    if len(data) < 512:
        return None
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if not 7 <= shift <= 16 or not 2 <= mini_shift < shift:
        return None
    size = 1 << shift
    n_sectors = max(0, (len(data) - 512) // size + 1)
    fat_count, dir_start = struct.unpack_from("<II", data, 0x2C)
    cutoff, minifat_start, _minifat_count, dif_start, dif_count = struct.unpack_from("<IIIII", data, 0x38)
    fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < _END]
    for _ in range(min(dif_count, n_sectors)):
        if dif_start >= n_sectors:
            break
        entries = struct.unpack_from(f"<{size // 4}I", data, (dif_start + 1) * size)
        fat_sectors += [s for s in entries[:-1] if s < _END]
        dif_start = entries[-1]
    fat = []
    for s in fat_sectors[:fat_count or len(fat_sectors)]:
        fat.extend(struct.unpack_from(f"<{size // 4}I", data, (s + 1) * size))

    def chain(start: int) -> bytes:
        out, seen = [], 0
        while start < len(fat) and start < n_sectors and seen <= n_sectors:
            out.append(data[(start + 1) * size:(start + 2) * size])
            start, seen = fat[start], seen + 1
        return b"".join(out)

    directory = chain(dir_start)
    root = None
    for i in range(0, len(directory) - 127, 128):
        entry = directory[i:i + 128]
        name_len, kind = struct.unpack_from("<HB", entry, 0x40)
        name = entry[:max(0, name_len - 2)].decode("utf-16-le", "replace")
        start, length = struct.unpack_from("<II", entry, 0x74)
        if kind == 5:
            root = (start, length)
        elif kind == 2 and name in ("Workbook", "Book"):
            if length >= cutoff:
                return chain(start)[:length]
            if root is None:
                return None
            mini_stream = chain(root[0])
            minifat_raw = chain(minifat_start)
            minifat = struct.unpack(f"<{len(minifat_raw) // 4}I", minifat_raw)
            mini, out, seen = 1 << mini_shift, [], 0
            while start < len(minifat) and seen <= len(minifat):
                out.append(mini_stream[start * mini:(start + 1) * mini])
                start, seen = minifat[start], seen + 1
            return b"".join(out)[:length]
    return None


# Private API: BIFF8 records.

def _records(stream: bytes, offset: int):
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        yield kind, stream[offset + 4:offset + 4 + length]
        offset += 4 + length
        if kind == _EOF:
            return


def _read_records(stream: bytes, facts: XlsFacts) -> None:
    formats: dict[int, str] = {}
    xf_formats: list[int] = []
    sheets: list[tuple[str, int]] = []
    for kind, body in _records(stream, 0):
        if kind == _FORMAT and len(body) >= 5:
            formats[struct.unpack_from("<H", body)[0]] = _unicode(body, 2, wide_count=True)
        elif kind == _XF and len(body) >= 4:
            xf_formats.append(struct.unpack_from("<H", body, 2)[0])
        elif kind == _BOUNDSHEET and len(body) >= 8 and body[5] == 0:  # a worksheet
            sheets.append((_unicode(body, 6, wide_count=False), struct.unpack_from("<I", body)[0]))
    percent_xf = {i for i, f in enumerate(xf_formats) if f in _BUILTIN_PERCENT or "%" in formats.get(f, "")}
    for name, offset in sheets:
        percents, empty, errors = set(), set(), {}
        zeros, shared = [], {}  # formula cells holding 0; shared formulas' tokens by their top-left cell
        for kind, body in _records(stream, offset):
            if kind == _SHRFMLA and len(body) >= 10:
                shared[struct.unpack_from("<HxxB", body)] = _tokens(body, 8)
            if kind == _NUMBER and len(body) >= 14:
                row, col, xf = struct.unpack_from("<HHH", body)
                if xf in percent_xf and struct.unpack_from("<d", body, 6)[0] >= 1:
                    percents.add((row + 1, col))
            elif kind == _BOOLERR and len(body) >= 8 and body[7] == 1 and body[6] in _ERRORS:
                row, col = struct.unpack_from("<HH", body)
                errors[(row + 1, col)] = _ERRORS[body[6]]
            elif kind == _RK and len(body) >= 10:
                row, col, xf, rk = struct.unpack_from("<HHHI", body)
                if xf in percent_xf and _rk(rk) >= 1:
                    percents.add((row + 1, col))
            elif kind == _MULRK and len(body) >= 6:
                row, first = struct.unpack_from("<HH", body)
                for i in range((len(body) - 6) // 6):
                    xf, rk = struct.unpack_from("<HI", body, 4 + 6 * i)
                    if xf in percent_xf and _rk(rk) >= 1:
                        percents.add((row + 1, first + i))
            elif kind == _FORMULA and len(body) >= 14:
                row, col, xf = struct.unpack_from("<HHH", body)
                if body[12:14] == b"\xff\xff":
                    if body[6] == 3:  # an empty text result
                        empty.add((row + 1, col))
                    elif body[6] == 2 and body[8] in _ERRORS:  # an error value: calamine reads it as empty
                        errors[(row + 1, col)] = _ERRORS[body[8]]
                elif body[6:14] == bytes(8):  # 0: perhaps LibreOffice's "" (see the docstring)
                    zeros.append((row, col, _tokens(body, 20)))
                elif xf in percent_xf and struct.unpack_from("<d", body, 6)[0] >= 1:
                    percents.add((row + 1, col))
        for row, col, tokens in zeros:
            if tokens[:1] == b"\x01" and len(tokens) >= 5:  # ptgExp: the shared formula at (row, col)
                tokens = shared.get(struct.unpack_from("<HH", tokens, 1), b"")
            if b"\x17\x00\x00" in tokens or b"\x17\x00\x01" in tokens:  # ptgStr "": no characters
                empty.add((row + 1, col))
        facts.percents[name], facts.empty_text[name], facts.errors[name] = percents, empty, errors


def _tokens(body: bytes, at: int) -> bytes:
    """A formula's parsed tokens: their size (2 bytes) at ``at``, then the tokens."""
    size = struct.unpack_from("<H", body, at)[0] if len(body) >= at + 2 else 0
    return body[at + 2:at + 2 + size]


def _rk(rk: int) -> float:
    if rk & 2:
        value = float(rk >> 2 if rk < 0x80000000 else (rk >> 2) - (1 << 30))
    else:
        value = struct.unpack("<d", struct.pack("<Q", (rk & 0xFFFFFFFC) << 32))[0]
    return value / 100 if rk & 1 else value


def _unicode(body: bytes, at: int, wide_count: bool) -> str:
    """An XLUnicodeString (2-byte count) or ShortXLUnicodeString (1-byte count)."""
    if wide_count:
        count, at = struct.unpack_from("<H", body, at)[0], at + 2
    else:
        count, at = body[at], at + 1
    flags, at = body[at], at + 1
    if flags & 0x1:
        return body[at:at + 2 * count].decode("utf-16-le", "replace")
    return body[at:at + count].decode("latin-1")
