# scan.py: formula text and cell styles streamed out of a sheet part, without an XML parser.
"""What python-calamine does not return: which cells hold formulas, their text, and the
Excel error values (#DIV/0!, #N/A) that calamine reads as empty cells.

A sheet part is decompressed in chunks and scanned with one regular expression that matches
only cells whose first child is <f>. That runs at C speed; a full XML parse of a
2,000,000-cell sheet in Python would take longer than calamine reading every value.

Formulas are stored compactly: the row number inside each formula text is replaced by a
sentinel byte (lossless: the text never contains NUL), so the 200,000 copies of
``IF(OR(F5="",N(E5)=0),"",F5/E5)`` down a column share one template, and the sheet keeps
three parallel arrays (row, column, template id): 10 bytes a formula cell. Excel's shared
formulas (<f t="shared" si="0"/>) are kept as a reference to their master and translated
to the cell's position when asked for.

The scan relies on cells carrying their address first (<c r="E5" …>), as Excel, WPS,
LibreOffice, xlsxwriter and openpyxl all write; a sheet whose cells do not (the address is
optional in the standard) is read with ElementTree.iterparse instead, counting positions.
"""
from __future__ import annotations

import re
import zipfile
from array import array
from bisect import bisect_left
from functools import lru_cache
from itertools import repeat
from operator import itemgetter

from ..a1 import col_index, col_letter
from ..errors import InputFileError
from ..limits import Budget
from .arrays import ARRAY_FORMULA, spill
from .parts import show
from .xmlchunks import COLUMNS as _COLS, unescape
from .xmlchunks import chunks as _chunks, open_sheet as _open, sheet_prefix as _prefix

__all__ = ["SheetFormulas", "scan_formulas"]

ROW_MARK = b"\x00"
SHARED_MARK = b"\x01"
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384  # Excel's grid: A1:XFD1048576
MAX_OUTSIDE = 1000  # cells beyond the bound recorded one by one (sparse.py)
DEFAULT_BOUND = (999, 26)  # rows, columns assumed when the sheet's <dimension> is missing or implausible


# Public API.

class SheetFormulas:
    """Formula cells of one sheet in sheet order: parallel arrays of row, column, template id."""

    def __init__(self, available: bool = True):
        self.available = available
        self.rows = array("I")
        self.cols = array("H")
        self.ids = array("I")
        self.templates: list[bytes] = []
        self.shared: dict[bytes, tuple[int, int, bytes]] = {}  # si -> (row, column, text)
        self._ids: dict[bytes, int] = {}
        self._texts: dict[int, str] = {}
        self._groups: dict[bytes, _SharedGroup] = {}  # si -> its formula tokenised once
        self.errors: dict[tuple[int, int], str] = {}  # (row, col) -> "#DIV/0!": calamine reads ""
        self.extent = (0, 0)  # (rows, columns) from A1 that hold every cell: an upper bound
        self.exact = False  # True when extent is exactly calamine's (the slow scan counts it)
        self.bound = (0, 0)  # the bound the scan started from: every cell not in `outside` is within it
        self.outside: list[tuple[int, int]] = []  # (row, col) of cells beyond the bound, up to MAX_OUTSIDE + 1
        self.far: list[tuple[int, int]] = []  # cells left to be read apart (sparse.py)
        # True when the fast scan read the part: every cell element is <c r="…" (address first,
        # no other attribute or white space before it), which lets scan_styles skip its own check.
        self.addressed = False

    @property
    def cells(self) -> int:
        """Cells of the used area from A1: what python-calamine materialises for the sheet."""
        return self.extent[0] * self.extent[1]

    def __len__(self) -> int:
        return len(self.rows)

    def find(self, col: int, row: int) -> int:
        """The template id of the cell (0-based column, 1-based row), or -1 for no formula."""
        rows = self.rows
        i = bisect_left(rows, row)
        n = len(rows)
        while i < n and rows[i] == row:
            if self.cols[i] == col:
                return self.ids[i]
            i += 1
        return -1

    def has(self, col: int, row: int) -> bool:
        return self.find(col, row) >= 0

    def formula(self, col: int, row: int) -> str | None:
        """The formula of a cell as the formula bar shows it ("=A1*2"), or None."""
        tid = self.find(col, row)
        if tid < 0:
            return None
        text = self._texts.get(tid)
        if text is None:
            template = self.templates[tid]
            if template.startswith(SHARED_MARK):
                return self._shared(template[1:], col, row)
            text = self._texts[tid] = "=" + unescape(template)  # NUL survives unescaping
        return text.replace("\0", str(row))

    def column_ids(self, col: int, rows):
        """The template id of each of ``rows`` (sorted 1-based rows) in column ``col``, -1 where
        the cell holds no formula: a numpy array, found for a whole column at once."""
        import numpy as np

        wanted = np.asarray(rows, dtype=np.int64)
        out = np.full(len(wanted), -1, dtype=np.int64)
        if not len(self.rows) or not len(wanted):
            return out
        here = np.frombuffer(self.cols, dtype=np.uint16) == col
        f_rows = np.frombuffer(self.rows, dtype=np.uint32)[here].astype(np.int64)
        f_ids = np.frombuffer(self.ids, dtype=np.uint32)[here].astype(np.int64)
        if len(f_rows) > 1 and (np.diff(f_rows) <= 0).any():  # out of order: keep the first per row
            f_rows, first = np.unique(f_rows, return_index=True)
            f_ids = f_ids[first]
        at = np.searchsorted(f_rows, wanted)
        inside = at < len(f_rows)
        hit = np.zeros(len(wanted), dtype=bool)
        hit[inside] = f_rows[at[inside]] == wanted[inside]
        out[hit] = f_ids[at[hit]]
        return out

    def template_text(self, tid: int, row: int) -> str | None:
        """The formula of template ``tid`` at ``row``; None for a shared formula (its text depends
        on where the cell is relative to the master)."""
        template = self.templates[tid]
        if template.startswith(SHARED_MARK):
            return None
        text = self._texts.get(tid)
        if text is None:
            text = self._texts[tid] = "=" + unescape(template)
        return text.replace("\0", str(row))

    def add(self, col: int, row: int, template: bytes) -> None:
        tid = self._ids.get(template)
        if tid is None:
            tid = self._ids[template] = len(self.templates)
            self.templates.append(template)
        self.rows.append(row)
        self.cols.append(col)
        self.ids.append(tid)

    def sort(self) -> None:
        """Order by (row, column): needed only when cells came out of order (never from Excel)."""
        if self.rows.tolist() == sorted(self.rows):
            return
        order = sorted(range(len(self.rows)), key=lambda i: (self.rows[i], self.cols[i]))
        self.rows = array("I", (self.rows[i] for i in order))
        self.cols = array("H", (self.cols[i] for i in order))
        self.ids = array("I", (self.ids[i] for i in order))

    def _shared(self, si: bytes, col: int, row: int) -> str | None:
        master = self.shared.get(si)
        if master is None:
            return None
        m_row, m_col, text = master
        formula = "=" + unescape(text)
        if (m_row, m_col) == (row, col):
            return formula
        group = self._groups.get(si)
        if group is None:
            group = self._groups[si] = _SharedGroup(formula)
        return group.at(row - m_row, col - m_col)


class _SharedGroup:
    """One shared formula (Excel's filled-down column) tokenised once: each cell of the group
    translates only its references by its offset from the master, as openpyxl's Translator
    does for the whole formula (which tokenised it again for every row: 10 times slower)."""

    __slots__ = ("formula", "pieces")

    def __init__(self, formula: str):
        self.formula = formula
        self.pieces = None  # [(text, is a reference)], or None: the formula as it is
        try:
            from openpyxl.formula.tokenizer import Token, Tokenizer

            tokens = Tokenizer(formula).items
        except Exception:  # noqa: BLE001 - an untranslatable formula still is a formula
            return
        if not tokens or tokens[0].type == Token.LITERAL:  # as Translator: "" or the literal text
            self.pieces = [(tokens[0].value if tokens else "", False)]
            return
        self.pieces = [("=", False)] + [(t.value, t.type == Token.OPERAND and t.subtype == Token.RANGE)
                                        for t in tokens]

    def at(self, rows: int, cols: int) -> str:
        if self.pieces is None:
            return self.formula
        from openpyxl.formula.translate import Translator

        move = Translator.translate_range
        try:
            return "".join(move(text, rows, cols) if ref else text for text, ref in self.pieces)
        except Exception:  # noqa: BLE001 - a reference moved off the grid: the master's text
            return self.formula


def scan_formulas(zf: zipfile.ZipFile, part: str, budget: Budget | None = None) -> SheetFormulas:
    """Every formula cell of a sheet part, and a bound on its used area (``extent``).

    With a budget the part is inflated by package.open_part (never past its declared size)
    and the time limit is checked as the scan goes. A cell outside Excel's grid
    (XFD1048576) raises InputFileError: python-calamine would try to allocate it.
    """
    found = SheetFormulas()
    if _scan_fast(zf, part, found, budget):
        return found
    found = SheetFormulas()
    _scan_slow(zf, part, found, budget)
    found.sort()
    return found


# Private API.

_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s+ref\s*=\s*"([^"]{0,40})"')


_SI = re.compile(rb'si="([0-9]+)"')


def _scan_fast(zf: zipfile.ZipFile, part: str, found: SheetFormulas, budget: Budget | None) -> bool:
    """The regex scan; False when a cell lacks its address first (r="…"), for the slow path.

    Per chunk the work is a handful of C-level map() calls over the matches, not a Python
    loop: well under a microsecond per formula cell. Chunks holding Excel's shared
    formulas take a slower pattern that also captures the <f> attributes.

    The same pass bounds the sheet's used area. The bound starts from the sheet's
    <dimension> (or DEFAULT_BOUND when that is missing or claims more than the budget
    allows); the patterns match, besides formula cells, every cell whose address lies outside
    the bound (rare: those are read one by one and widen the extent) and every cell whose
    address is not its first attribute (the slow path then counts positions as calamine does).
    Cells under a foreign namespace prefix, which calamine also reads, take the slow path.
    """
    path = zf.filename
    with _open(zf, part, budget) as fh:
        prefix, head = _prefix(fh)
        if b"\0" in head[:4096]:
            raise InputFileError(path, f"not an .xlsx workbook ({show(part)} is not UTF-8 text)")
        rows, cols = _bound(head, budget.room() if budget is not None else None)
        found.extent = found.bound = (rows, cols)
        plain, shared, errors, foreign = _patterns(prefix, rows, cols)
        colon = b":c" if not prefix else b"<"
        sheet_data = False  # calamine reads cells only after a <sheetData>: a part without one has none
        arrays = []
        for data, cut in _chunks(fh, head, prefix, budget):
            if budget is not None:
                budget.tick(f"scanning {show(part)}")
            sheet_data = sheet_data or data.find(b"sheetData", 0, cut + 9) >= 0
            if data.find(colon, 0, cut) >= 0 and foreign.search(data, 0, cut):
                return False
            if data.find(b't="e"', 0, cut) >= 0:  # error values (#DIV/0!): rare, so a second pass
                for col, row, text in errors.findall(data, 0, cut):
                    found.errors[(int(row), _COLS[col])] = unescape(text)
            if data.find(b'"array"', 0, cut) >= 0:  # array formulas: their ranges, for arrays.spill
                arrays += ARRAY_FORMULA.findall(data, 0, cut)
            if data.find(b'"shared"', 0, cut) >= 0:
                if not _take(path, found, shared.findall(data, 0, cut), _SHARED_AT, _add_shared):
                    return False
                continue
            if not _take(path, found, plain.findall(data, 0, cut), _PLAIN_AT, _add_plain):
                return False
    if not sheet_data:
        found.extent = (0, 0)
    found.sort()
    spill(found, arrays)
    found.addressed = True
    return True


# Match layouts of the two patterns: (outside-address, its formula …, column, row, formula …, bare)
_PLAIN_AT, _SHARED_AT = 2, 4


def _take(path, found: SheetFormulas, matches: list[tuple], at: int, add) -> bool:
    """Add the formula cells; widen the extent for cells outside the bound; False on a cell
    without its address first."""
    if not matches:
        return True
    if b"" in list(map(itemgetter(at), matches)):
        odd = [m for m in matches if not m[at]]
        matches = [m for m in matches if m[at]]
        for m in odd:
            if m[-1]:
                return False
            _outside(path, found, m, at)
    if matches:
        add(found, matches)
    return True


def _outside(path, found: SheetFormulas, m: tuple, at: int) -> None:
    """A cell whose address lies outside the bound: where calamine would put it."""
    ref = re.fullmatch(rb"([A-Za-z]+)([0-9]+)", m[0])
    if ref is None:
        return  # calamine refuses the sheet over such an address, places nothing
    letters, digits = ref.groups()
    row = _number(digits)
    col = col_index(letters.decode()) if len(letters) <= 4 else MAX_COLUMNS
    if row == 0:
        return  # calamine refuses the sheet over row 0 as well
    if row > MAX_ROWS or col >= MAX_COLUMNS:
        raise InputFileError(path, f"refused: cell {show(m[0], 24)} lies outside the sheet "
                                   "(Excel's last cell is XFD1048576)")
    found.extent = (max(found.extent[0], row), max(found.extent[1], col + 1))
    if len(found.outside) <= MAX_OUTSIDE:  # for sparse.split_far: a few cells far from the rest
        found.outside.append((row, col))
    if at == _PLAIN_AT:
        if m[1]:
            found.add(col, row, m[1].replace(digits, ROW_MARK))
    elif m[1] or m[2] or m[3]:
        _add_shared(found, [(letters.upper(), digits, m[1], m[2], m[3])], cols=[col])


def _add_plain(found: SheetFormulas, matches: list[tuple]) -> None:
    cols, rows, texts = map(_COL, matches), list(map(_ROW, matches)), map(_TEXT, matches)
    templates = list(map(bytes.replace, texts, rows, repeat(ROW_MARK)))
    for template in set(templates).difference(found._ids):
        found._ids[template] = len(found.templates)
        found.templates.append(template)
    found.rows.extend(map(int, rows))
    found.cols.extend(map(_COLS.__getitem__, cols))
    found.ids.extend(map(found._ids.__getitem__, templates))


def _add_shared(found: SheetFormulas, matches: list[tuple], cols: list[int] | None = None) -> None:
    """Excel's shared formulas: the master keeps the text, the others point at it by si."""
    if matches and len(matches[0]) > 5:
        matches = [m[4:9] for m in matches]
    for i, (col, row, attrs, text, slave) in enumerate(matches):
        column = cols[i] if cols else _COLS[col]
        if b"shared" in attrs or b"shared" in slave:
            si = _SI.search(attrs or slave)
            si = si.group(1) if si else b""
            if text:
                found.shared[si] = (int(row), column, text)
            found.add(column, int(row), SHARED_MARK + si)
        elif text:
            found.add(column, int(row), text.replace(row, ROW_MARK))


_COL, _ROW, _TEXT = itemgetter(2), itemgetter(3), itemgetter(4)  # zip(*m) is 5x slower
_ROW_OF = itemgetter(1)


def _bound(head: bytes, room: int | None) -> tuple[int, int]:
    """(rows, columns) to check every address against: the <dimension>'s, rounded up to two
    significant digits of rows, when it is plausible; else DEFAULT_BOUND."""
    m = _DIMENSION.search(head)
    end = re.fullmatch(rb"\$?([A-Z]{1,3})\$?([0-9]{1,7})", m.group(1).rpartition(b":")[2]) if m else None
    if end:
        cols, rows = col_index(end.group(1).decode()) + 1, int(end.group(2))
        digits = str(rows)
        rows = min(int(digits[:2] + "9" * (len(digits) - 2)), MAX_ROWS)
        limit = max(room or 0, DEFAULT_BOUND[0] * DEFAULT_BOUND[1])
        if 1 < rows * cols <= limit and cols <= MAX_COLUMNS and rows >= 1:
            return rows, cols
    return DEFAULT_BOUND


@lru_cache(maxsize=64)
def _patterns(prefix: bytes, rows: int, cols: int):
    """The plain, shared, error-value and foreign-prefix patterns for a prefix and a bound."""
    p = re.escape(prefix)
    inside = (_at_most(col_letter(cols - 1), "AZ") + _at_most(str(rows), "09")).encode() + b'"'
    formula = rb"<" + p + rb"f(?: [^>/]*)?>([^<]*)</" + p + rb"f>"
    shared_f = rb"(?:<" + p + rb"f([^>/]*)>([^<]*)</" + p + rb"f>|<" + p + rb"f([^>/]*)/>)"
    plain = re.compile(rb"<" + p + rb'c(?: r="(?:(?!' + inside + rb')([^"]*)"(?:[^>]*>' + formula
                       + rb')?|([A-Z]{1,3})([0-9]+)"[^>]*>' + formula + rb')|(?! r=")([\s>/]))')
    shared = re.compile(rb"<" + p + rb'c(?: r="(?:(?!' + inside + rb')([^"]*)"(?:[^>]*>' + shared_f
                        + rb')?|([A-Z]{1,3})([0-9]+)"[^>]*>' + shared_f + rb')|(?! r=")([\s>/]))')
    errors = re.compile(rb"<" + p + rb'c r="([A-Z]{1,3})([0-9]+)"(?: s="[0-9]+")? t="e"[^>]*>(?:<' + p
                        + rb"f[^>]*/>|<" + p + rb"f[^>]*>[^<]*</" + p + rb"f>)?<" + p + rb"v>([^<]*)</")
    foreign = re.compile(rb"<(?!" + p + rb"c[\s>/])(?:[\w.-]+:)?c[\s>/]" if prefix else rb"<[\w.-]+:c[\s>/]")
    return plain, shared, errors, foreign


def _at_most(top: str, span: str) -> str:
    """A pattern for the strings over span (A-Z or 0-9) that read as at most ``top``,
    counting a shorter string as smaller: "209999" -> [0-9]{1,5}|[0-1][0-9]{5}|20[0-9]{4}."""
    lo, hi = span
    any_ = f"[{lo}-{hi}]"
    alts = [f"{any_}{{1,{len(top) - 1}}}"] if len(top) > 1 else []
    for i, ch in enumerate(top):
        if top[i:] == hi * (len(top) - i):
            alts.append(f"{top[:i]}{any_}{{{len(top) - i}}}")
            return "(?:" + "|".join(alts) + ")"
        if ch > lo:
            rest = len(top) - i - 1
            alts.append(f"{top[:i]}[{lo}-{chr(ord(ch) - 1)}]" + (f"{any_}{{{rest}}}" if rest else ""))
    alts.append(top)
    return "(?:" + "|".join(alts) + ")"


def _scan_slow(zf: zipfile.ZipFile, part: str, found: SheetFormulas, budget: Budget | None) -> None:
    """defusedxml's iterparse, placing cells as python-calamine does: by their address, else
    the row's r="…" (or the row after the last) and the column after the last cell."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    path = zf.filename
    row, col, here, events = 0, 0, (1, 0), 0
    rows = cols = 0
    with _open(zf, part, budget) as fh:
        try:
            for event, el in DET.iterparse(fh, events=("start", "end"), forbid_dtd=True):
                events += 1
                if budget is not None and not events & 0xFFFF:
                    budget.tick(f"scanning {show(part)}")
                tag = el.tag.rpartition("}")[2] if isinstance(el.tag, str) else ""
                if event == "start":
                    if tag == "row":
                        m = re.fullmatch(r"[A-Za-z]*([0-9]+)", el.get("r") or "")
                        if m and _number(m.group(1)):
                            row = _number(m.group(1)) - 1
                    elif tag == "c":
                        here = _place(path, el.get("r"), row, col)
                        col = here[1]
                    continue
                if tag == "c":
                    children = {ch.tag.rpartition("}")[2]: ch for ch in el if isinstance(ch.tag, str)}
                    if len(el) or (el.text or "").strip():  # calamine keeps only cells with a value
                        rows, cols = max(rows, here[0]), max(cols, here[1] + 1)
                    f = children.get("f")
                    if f is not None:
                        _add_slow(found, here[1], here[0], f)
                    if el.get("t") == "e":
                        v = children.get("v")
                        found.errors[here] = (v.text or "") if v is not None else ""
                    el.clear()
                    col += 1
                elif tag == "row":
                    el.clear()
                    row, col = row + 1, 0
        except DefusedXmlException as exc:
            raise InputFileError(path, f"refused {show(part)}: {type(exc).__name__}") from None
        except (ParseError, LookupError, ValueError, UnicodeError) as exc:  # LookupError: an unknown encoding
            raise InputFileError(path, f"not an .xlsx workbook (damaged {show(part)}: {show(exc, 100)})") from None
    found.extent, found.exact = (rows, cols), True


def _number(digits):
    """A row number as calamine reads it; anything past Excel's grid is MAX_ROWS + 1."""
    digits = digits.lstrip("0" if isinstance(digits, str) else b"0")
    return (int(digits) if digits else 0) if len(digits) <= 8 else MAX_ROWS + 1


def _place(path, ref: str | None, row: int, col: int) -> tuple[int, int]:
    """(1-based row, 0-based column) of a cell, as calamine reads it; outside the grid refused."""
    if ref is None:
        place = (row + 1, col)
    else:
        m = re.fullmatch(r"([A-Za-z]+)([0-9]+)", ref)
        if m is None or not _number(m.group(2)):
            return (1, 0)  # calamine refuses the sheet over such an address
        place = (_number(m.group(2)), col_index(m.group(1)[:5]))
    if place[0] > MAX_ROWS or place[1] >= MAX_COLUMNS:
        raise InputFileError(path, f"refused: a cell at row {place[0]:,}, column {place[1] + 1:,} lies outside "
                                   "the sheet (Excel's last cell is XFD1048576)")
    return place


def _add_slow(found: SheetFormulas, column: int, row: int, f) -> None:
    from xml.sax.saxutils import escape

    text = escape(f.text or "", {'"': "&quot;"}).encode()
    if f.get("t") == "shared":
        si = (f.get("si") or "").encode()
        if text:
            found.shared[si] = (row, column, text)
        found.add(column, row, SHARED_MARK + si)
    elif text:
        found.add(column, row, text.replace(str(row).encode(), ROW_MARK))
