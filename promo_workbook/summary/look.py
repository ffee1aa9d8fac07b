# look.py: the summary's formats, and a grid that writes user text as text and sizes columns.
"""Formats in the house colours (``writer/styles.py``) and ``Grid``, a thin writer over one
worksheet: every string goes through ``write_string`` (a feedback line starting with ``=``
stays text), missing numbers show a dash, and each column remembers its widest content so
it can be sized to fit Chinese text (a CJK character is two columns wide).
"""
from __future__ import annotations

import math
import unicodedata

from ..writer.styles import FORMULA_FONT, GRID, HEADER_FILL, HIGHLIGHTS, NAVY, TOTAL_FILL

NUMBER_FORMATS = {
    "text": "General",
    "integer": "#,##0",
    "money": "#,##0",
    "money2": "#,##0.00",
    "percent": "0.0%",
    "ratio": "0.00",
    "date": "yyyy-mm-dd",
}
STATUS = {
    "good": HIGHLIGHTS["good"],
    "bad": HIGHLIGHTS["bad"],
    "warn": HIGHLIGHTS["warn"],
    "neutral": {"bg_color": "#F2F2F2", "font_color": "#595959"},
    "muted": {"font_color": "#A6A6A6"},  # an accepted finding: listed, greyed, not counted
}
DASH = "—"
WRAPPING = ("cell", "header", "wrapnote")
# Series colours: the house navy first, then colours that stay apart when printed in grey.
PALETTE = ("#1F4E78", "#ED7D31", "#70AD47", "#FFC000", "#5B9BD5", "#A5A5A5", "#9E480E", "#7030A0")


# Public API.

def text_width(text: str, wide: float = 2) -> float:
    """Display columns: ``wide`` (2) for a wide (CJK, full-width) character, 1 otherwise."""
    if text.isascii():
        return len(text)
    return sum(wide if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class Look:
    """Format objects by role and number format, created once per workbook."""

    def __init__(self, workbook, lang: str):
        self.workbook = workbook
        self.font = "Microsoft YaHei" if lang.startswith("zh") else "Calibri"
        self._cache: dict = {}

    def get(self, role: str, number: str = "text", status: str | None = None):
        key = (role, number, status)
        if key not in self._cache:
            props = {"font_name": self.font, "font_size": 10, "valign": "vcenter"}
            props.update(_ROLES[role])
            if number != "text":
                props["num_format"] = NUMBER_FORMATS[number]
                props.setdefault("align", "right")
            if status:
                props.update(STATUS[status])
            self._cache[key] = self.workbook.add_format(props)
        return self._cache[key]


class Grid:
    """Writes cells on one worksheet and tracks the widest text of each column."""

    def __init__(self, ws, look: Look):
        self.ws, self.look = ws, look
        self.widths: dict[int, int] = {}      # widest text per column
        self.columns: dict[int, float] = {}   # width set per column
        self.wrapped: dict[int, list] = {}    # row -> [(first col, last col, text)] of wrapping cells

    def text(self, row: int, col: int, value, role: str = "cell", status: str | None = None, measure: bool = True,
             span: int = 1):
        text = "" if value is None else str(value)
        self.ws.write_string(row, col, text, self.look.get(role, "text", status))
        if measure:
            self._measure(col, text)
        if role in WRAPPING:
            self.wrapped.setdefault(row, []).append((col, col + span - 1, text))

    def number(self, row: int, col: int, value, number: str, role: str = "cell", status: str | None = None):
        fmt = self.look.get(role, number, status)
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            self.ws.write_string(row, col, DASH, fmt)
            return
        if number == "date":
            self.ws.write_datetime(row, col, _datetime(value), fmt)
            self._measure(col, "2026-03-01")
            return
        self.ws.write_number(row, col, value, fmt)
        self._measure(col, _shown(value, number))

    def blank(self, row: int, col: int, role: str = "cell", status: str | None = None):
        self.ws.write_blank(row, col, None, self.look.get(role, "text", status))

    def link(self, row: int, col: int, url: str | None, text: str, role: str = "link"):
        if url is None:
            self.text(row, col, text, "cell")
            return
        self.ws.write_url(row, col, url, self.look.get(role), string=text)
        self._measure(col, text)

    def fit(self, col: int, minimum: int = 6, maximum: int = 40, extra: float = 2.0) -> int:
        """Set the column to its widest text (within limits); returns the width set."""
        width = min(max(minimum, math.ceil(self.widths.get(col, 0) * 1.1 + extra)), maximum)
        return self.width(col, width)

    def width(self, col: int, width: float) -> float:
        self.ws.set_column(col, col, width)
        self.columns[col] = width
        return width

    def fit_rows(self, line: float, skip: tuple = ()) -> None:
        """Give rows whose wrapping text needs more than one line the height it needs.

        Spreadsheet apps do not all grow rows on open (LibreOffice keeps the default height
        for an .xlsx), so the height is worked out here from the column widths."""
        for row, cells in self.wrapped.items():
            if row in skip:
                continue
            lines = 1
            for first, last, text in cells:
                width = sum(self.columns.get(c, 8.43) for c in range(first, last + 1))
                room = width * 7 + 5 - 8          # pixels inside the cell at 96 dpi
                need = sum(max(1, math.ceil(_pixels(part) / room)) for part in text.split("\n"))
                lines = max(lines, need)
            if lines > 1:
                self.ws.set_row(row, round(line * lines + 4, 1))

    def _measure(self, col: int, text: str) -> None:
        if len(text) <= self.widths.get(col, 0) // 2:
            return   # cannot be wider, even if every character is wide
        width = max(text_width(line) for line in text.split("\n")) if "\n" in text else text_width(text)
        if width > self.widths.get(col, 0):
            self.widths[col] = width


def print_setup(ws, footer: str, landscape: bool = True, repeat: tuple[int, int] | None = None) -> None:
    """A4, one page wide, page numbers in the footer, the header rows on every page."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_footer(footer)
    if repeat is not None:
        ws.repeat_rows(*repeat)
    ws.hide_gridlines(2)


# Private API.

def _pixels(text: str) -> float:
    """About how wide a line of 10-point text prints: 13.5 px a CJK character, 5.2 px another."""
    if text.isascii():
        return len(text) * 5.2
    return sum(13.5 if unicodedata.east_asian_width(ch) in "WF" else 5.2 for ch in text)


def _datetime(value):
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value
    return dt.datetime(value.year, value.month, value.day)


def _shown(value, number: str) -> str:
    if number == "percent":
        return f"{value * 100:,.1f}%"
    if number in ("money2", "ratio"):
        return f"{value:,.2f}"
    if number in ("integer", "money"):
        return f"{value:,.0f}"
    return str(value)


_BORDER = {"border": 1, "border_color": GRID}
_ROLES = {
    "title": {"bold": True, "font_size": 16, "font_color": NAVY},
    "subtitle": {"font_size": 9, "font_color": "#7F7F7F"},
    "note": {"italic": True, "font_size": 9, "font_color": "#595959"},
    "wrapnote": {"italic": True, "font_size": 9, "font_color": "#595959", "text_wrap": True, "valign": "top"},
    "section": {"bold": True, "font_size": 12, "font_color": NAVY, "bottom": 2, "bottom_color": NAVY},
    "header": {"bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_FILL, "text_wrap": True,
               "align": "center", **_BORDER},
    "group": {"bold": True, "font_color": NAVY, "bg_color": "#DDEBF7", "align": "center", **_BORDER},
    "label": {"bold": True, "font_color": NAVY, "bg_color": "#F2F2F2", **_BORDER},
    "cell": {"text_wrap": True, **_BORDER},
    "center": {"align": "center", **_BORDER},
    "kpi": {"bold": True, "font_size": 11, "font_color": FORMULA_FONT, "align": "right", **_BORDER},
    "total": {"bold": True, "bg_color": TOTAL_FILL, "top": 2, "bottom": 1, "left": 1, "right": 1,
              "border_color": GRID},
    "link": {"font_color": "#0563C1", "underline": 1, **_BORDER},
    "verdict": {"bold": True, "font_size": 13, "align": "left", "indent": 1, **_BORDER},
}
