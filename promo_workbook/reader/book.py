# book.py: the workbook's sheets as python-calamine values plus scanned formulas, loaded once.
"""Sheet access for the reader.

Values come from python-calamine (``to_python(skip_empty_area=False)``, so list indexes are
Excel positions), formulas and error values from scan.py; both are loaded once per sheet
and kept. Calamine reads Excel error values (#DIV/0!) as empty cells: they are put back from
the scan. A cell merged down one column is copied into the rows it covers, source noted.
read() asks for sheets to be loaded ahead, on one worker thread, as their parts are scanned.
"""
from __future__ import annotations

import threading
from itertools import repeat
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ..errors import InputFileError
from .calamine_copy import calamine_copy
from .ods import PERCENT_FORMAT, OdsPercents, percent_cells
from .package import Package
from .xls import XlsFacts, read_facts
from .xlsb import read_formats
from .parts import show
from ..a1 import col_letter
from .scan import SheetFormulas, scan_formulas
from .xmlchunks import scan_styles

__all__ = ["Book"]


# Public API.

class Book:
    """Sheet values (python-calamine) and formulas (scan.py), loaded once per sheet.

    After read() returns, a Book reopens the file only for what rows ask for lazily: the
    number format of an ambiguous percent or date cell, or a sheet a link formula points at.
    """

    def __init__(self, path: Path, pkg: Package):
        self.path, self.format = path, pkg.format
        self.parts = {s.name: s.part for s in pkg.sheets}
        self.date1904 = pkg.date1904
        self._pkg = pkg
        self._values: dict[str, list] = {}
        self._merged: dict[str, dict] = {}
        self._formulas: dict[str, SheetFormulas] = {}
        self._styles: dict[tuple[str, int], dict] = {}
        self._ods_percents = None  # ods.OdsPercents, read when a cell first asks
        self._xls_facts = None  # xls.XlsFacts, read when a sheet or a cell first asks
        self._calamine = None
        self.problems: list[str] = []
        # Sheets loaded ahead on a second thread (preload): name -> Future of (values, merged).
        # One lock serialises every use of the calamine workbook between the two threads.
        self._ahead: dict[str, Future] = {}
        self._worker: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        pkg.number_format(0)  # styles.xml is small: parse it while the package is open
        # An .xlsb's sheets, parts and styles.bin (small) too; its cells' styles when asked.
        self._xlsb_formats = read_formats(pkg) if self.format == "xlsb" else None
        wb = self._workbook()
        self.sheet_names = [m.name for m in wb.sheets_metadata if _is_worksheet(m)]
        self.hidden = {m.name for m in wb.sheets_metadata if "Visible" not in str(m.visible)}

    @property
    def formulas_available(self) -> bool:
        return self.format in ("xlsx", "xlsm")

    def values(self, name: str) -> list[list] | None:
        if name not in self._values:
            if name not in self.sheet_names:
                return None
            self._load(name)
        return self._values[name]

    def merged_fills(self, name: str) -> dict:
        self.values(name)
        return self._merged.get(name, {})

    def raw(self, sheet: str, col: int, row: int):
        values = self.values(sheet) or []
        if 0 < row <= len(values) and 0 <= col < len(values[row - 1]):
            return values[row - 1][col]
        return ""

    def formulas(self, name: str) -> SheetFormulas:
        if name not in self._formulas:
            part = self.parts.get(name)
            self._formulas[name] = SheetFormulas(available=False)
            if self.formulas_available and part:
                try:
                    with self._zip() as zf:
                        self._formulas[name] = scan_formulas(zf, part)
                except Exception as exc:  # noqa: BLE001 - a damaged part: values may still be read
                    self.problems.append(f"sheet {name!r}: formulas unreadable ({type(exc).__name__})")
        return self._formulas[name]

    def number_format(self, sheet: str, col: int, row: int) -> str | None:
        if self.format == "ods":
            return self._ods_number_format(sheet, col, row)
        if self.format == "xls":
            return self._xls().number_format(sheet, col, row)
        if self._xlsb_formats is not None:
            return self._xlsb_formats.number_format(self._zip, sheet, col, row)
        part = self.parts.get(sheet)
        if not self.formulas_available or not part:
            return None
        style = self._column_styles(sheet, col, part).get((col, row))
        return self._pkg.number_format(style) if style is not None else None

    def format_lookup(self, sheet: str, col: int):
        """``row -> number_format(sheet, col, row)`` for one column: for .xlsx the column's
        styles are looked up once and each style's format once (a column of 200,000 cells
        has a few styles); other formats ask number_format."""
        part = self.parts.get(sheet)
        if self.format in ("ods", "xls") or self._xlsb_formats is not None or not self.formulas_available or not part:
            return lambda row: self.number_format(sheet, col, row)
        styles, formats, code = self._column_styles(sheet, col, part), {}, self._pkg.number_format

        def lookup(row: int) -> str | None:
            style = styles.get((col, row))
            if style is None:
                return None
            found = formats.get(style, formats)  # the dict itself: not looked up yet
            if found is formats:
                found = formats[style] = code(style)
            return found
        return lookup

    def number_formats(self, sheet: str, col: int, rows: list[int]) -> list:
        """``[number_format(sheet, col, row) for row in rows]``: for .xlsx the column's styles
        looked up at C speed and each style's format found once."""
        lookup = self.format_lookup(sheet, col)
        styles = self._styles.get((sheet, col)) if self.format not in ("ods", "xls") else None
        if styles is None or self._xlsb_formats is not None:
            return list(map(lookup, rows))
        found = list(map(styles.get, zip(repeat(col), rows)))
        formats = {style: None if style is None else self._pkg.number_format(style) for style in set(found)}
        return list(map(formats.__getitem__, found))

    def _column_styles(self, sheet: str, col: int, part: str) -> dict[tuple[int, int], int]:
        """The style index of each cell of one column of an .xlsx sheet, scanned once."""
        if (sheet, col) not in self._styles:
            scanned = self._formulas.get(sheet)
            with self._zip() as zf:
                self._styles[(sheet, col)] = scan_styles(zf, part, {col}, scanned is not None and scanned.addressed)
        return self._styles[(sheet, col)]

    def _ods(self) -> OdsPercents:
        if self._ods_percents is None:
            with zipfile.ZipFile(self.path) as zf:
                self._ods_percents = percent_cells(zf) if "content.xml" in zf.NameToInfo else OdsPercents()
        return self._ods_percents

    def _ods_number_format(self, sheet: str, col: int, row: int) -> str | None:
        return PERCENT_FORMAT if self._ods().has(sheet, col, row) else None

    def _xls(self) -> XlsFacts:
        if self._xls_facts is None:
            self._xls_facts = read_facts(self.path)
        return self._xls_facts

    def forget(self, names: list[str]) -> None:
        """Drop the values of sheets that hold no table (they are reloaded if asked for)."""
        for name in names:
            self._values.pop(name, None)
            self._merged.pop(name, None)

    def preload(self, name: str) -> None:
        """Start loading a sheet's values on a second thread; values(name) then waits for it.

        Only for sheets whose part has been scanned and counted (read._prescan): python-calamine
        allocates the sheet's whole grid.
        """
        if name in self._ahead or name in self._values or name not in self.sheet_names:
            return
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="promo-workbook-calamine")
        self._ahead[name] = self._worker.submit(self._calamine_sheet, name)

    def reopen(self) -> None:
        """Let the loads ahead finish and drop calamine's workbook: the next use rebuilds its copy."""
        self.close()

    def close(self) -> None:
        if self._worker is not None:  # let a sheet being loaded finish before the workbook closes
            self._worker.shutdown(wait=True, cancel_futures=True)
            self._worker = None
            self._ahead.clear()  # a sheet asked for later is loaded then
        if self._calamine is not None:
            self._calamine.close()
            self._calamine = None

    def _calamine_sheet(self, name: str) -> tuple[list, list]:
        """(values, merged ranges) of a sheet from python-calamine; raises what calamine raises."""
        with self._lock:
            sheet = self._workbook().get_sheet_by_name(name)
            values = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
            sheet = None  # calamine's own copy of the sheet goes before the next one is read
        return values, merged

    def _workbook(self):
        if self._calamine is None:
            import python_calamine

            try:
                if self._pkg.zip is not None and self.format in ("xlsx", "xlsm"):
                    # Never the file itself: a copy of the parts the reader checked (calamine_copy.py).
                    self._calamine = python_calamine.CalamineWorkbook.from_filelike(
                        calamine_copy(self._pkg, self._pkg.workbook_part))
                elif self.path.suffix.lower().lstrip(".") == self.format:
                    self._calamine = python_calamine.CalamineWorkbook.from_path(str(self.path))
                else:
                    with open(self.path, "rb") as fh:
                        self._calamine = python_calamine.CalamineWorkbook.from_filelike(fh)
            except (KeyboardInterrupt, SystemExit, MemoryError):
                raise
            except BaseException as exc:  # noqa: BLE001 - calamine's errors are many and untyped; a Rust
                # panic arrives as pyo3's PanicException, which derives from BaseException
                raise InputFileError(self.path, f"not an .xlsx workbook ({_calamine_problem(exc)})") from None
        return self._calamine

    def _zip(self):
        if self._pkg.zip is not None and self._pkg.zip.fp is not None:
            return _Borrowed(self._pkg.zip)
        from .package import alias_backslash_names

        return alias_backslash_names(zipfile.ZipFile(self.path))

    def _load(self, name: str) -> None:
        part = self.parts.get(name)
        if self._pkg.zip is not None and self.formulas_available and self._pkg.entry(part or "") is None:
            where = f"its part {show(part)} is missing" if part else "the workbook names no part for it"
            raise InputFileError(self.path, f"sheet {show(name)!r} is damaged and cannot be read ({where})")
        errors = self.formulas(name).errors  # scanned first (unless loaded ahead)
        ahead = self._ahead.pop(name, None)
        try:
            values, merged = ahead.result() if ahead is not None else self._calamine_sheet(name)
        except (InputFileError, KeyboardInterrupt, SystemExit, MemoryError):
            raise
        except BaseException as exc:  # noqa: BLE001 - a damaged sheet (even a calamine panic): refused, named
            raise InputFileError(self.path, f"sheet {show(name)!r} is damaged and cannot be read "
                                            f"({show(_calamine_problem(exc), 120)})") from None
        if self.format == "xls":  # calamine reads an empty text formula result as 0.0, an error as empty
            _put_empty_text(values, self._xls().empty_text.get(name, ()))
            errors = self._xls().errors.get(name, {})
        elif self.format == "ods":
            errors = self._ods().errors.get(name, {})
        self._values[name] = values
        self._merged[name] = _fill_merged(values, merged)
        _put_errors(values, errors)


# Private API.

class _Borrowed:
    """The package's open zip, lent to a `with` block without closing it."""

    def __init__(self, zf):
        self.zf = zf

    def __enter__(self):
        return self.zf

    def __exit__(self, *exc):
        return False


def _is_worksheet(meta) -> bool:
    return "Chart" not in str(meta.typ)


def _calamine_problem(exc: Exception) -> str:
    name = type(exc).__name__
    if "Password" in name or "password" in str(exc).lower() or "encrypt" in str(exc).lower():
        return "password-protected"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else name
    if name.endswith("XmlError"):  # calamine's XML errors may say no more than the element they stopped in
        text = f"its XML is malformed: {text}" if len(text) > 12 else f"its XML is malformed or cut off in a <{text}> element"
    return text[:160]


def _put_errors(values: list, errors: dict) -> None:
    """Error values (#DIV/0!, #N/A) back into the cells calamine read as empty."""
    for (row, col), text in errors.items():
        if row <= len(values) and col < len(values[row - 1]) and values[row - 1][col] == "":
            values[row - 1][col] = text


def _put_empty_text(values: list, cells) -> None:
    for row, col in cells:
        if row <= len(values) and col < len(values[row - 1]) and values[row - 1][col] == 0:
            values[row - 1][col] = ""


def _fill_merged(values: list, merged: list) -> dict:
    """Copy a cell merged down one column into the rows it covers (hand-made tables merge a
    phase over several rows); return (row, col) -> "merged:A5" for the filled cells. Merges
    across columns (titles, notes) are left alone."""
    fills = {}
    for (r0, c0), (r1, c1) in merged:
        if r1 <= r0 or c1 != c0 or r0 >= len(values) or c0 >= len(values[r0]):
            continue
        for r in range(r0 + 1, min(r1, len(values) - 1) + 1):
            if values[r][c0] == "":
                values[r][c0] = values[r0][c0]
                fills[(r + 1, c0)] = f"merged:{col_letter(c0)}{r0 + 1}"
    return fills
