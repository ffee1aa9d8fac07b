"""The workbook's look: colours, fonts and number formats, created once per workbook.

Input cells are tinted yellow, formula cells grey with blue text, example values teal; the
Guide's colour key describes exactly these, so change both together.
"""
from __future__ import annotations

NAVY = "#1F3864"
HEADER_FILL = "#1F4E78"
INPUT_FILL = "#FFF8E1"
FORMULA_FILL = "#EDEDED"
FORMULA_FONT = "#1F4E78"
EXAMPLE_FONT = "#0E7C86"
TOTAL_FILL = "#DDEBF7"
GRID = "#BFBFBF"

NUMBER_FORMATS = {
    "text": "General",
    "integer": "#,##0",
    "number": "#,##0",
    "money": "#,##0.00",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "ratio": "0.00",
}
HIGHLIGHTS = {
    "bad": {"bg_color": "#F8CBAD", "font_color": "#9C0006"},
    "good": {"bg_color": "#C6EFCE", "font_color": "#006100"},
    "warn": {"bg_color": "#FFEB9C", "font_color": "#9C5700"},
}


# Public API.

class Styles:
    """Format objects by role and number format; xlsxwriter wants each created once."""

    def __init__(self, workbook, lang: str):
        self.workbook = workbook
        # A CJK font keeps Chinese legible in LibreOffice and WPS; Excel maps it too.
        self.font = "Microsoft YaHei" if lang.startswith("zh") else "Calibri"
        self._cache: dict = {}

    def get(self, role: str, number_format: str = "text"):
        key = (role, number_format)
        if key not in self._cache:
            props = {"font_name": self.font, "font_size": 10, "valign": "vcenter"}
            props.update(_ROLES[role])
            if role in ("input", "example", "formula", "total", "kpi_value", "cell"):
                props["num_format"] = NUMBER_FORMATS[number_format]
            self._cache[key] = self.workbook.add_format(props)
        return self._cache[key]

    def highlight(self, style: str):
        key = ("highlight", style)
        if key not in self._cache:
            self._cache[key] = self.workbook.add_format(HIGHLIGHTS[style])
        return self._cache[key]


# Private API.

_BORDER = {"border": 1, "border_color": GRID}
_ROLES = {
    "title": {"bold": True, "font_size": 16, "font_color": NAVY},
    "subtitle": {"font_size": 11, "font_color": "#595959"},
    "guidance": {"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"},
    "header": {"bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_FILL, "text_wrap": True,
               "align": "center", **_BORDER},
    "input": {"bg_color": INPUT_FILL, "text_wrap": True, **_BORDER},
    "example": {"bg_color": INPUT_FILL, "font_color": EXAMPLE_FONT, "text_wrap": True, **_BORDER},
    "formula": {"bg_color": FORMULA_FILL, "font_color": FORMULA_FONT, **_BORDER},
    "total": {"bold": True, "bg_color": TOTAL_FILL, "top": 2, "bottom": 1, "left": 1, "right": 1,
              "border_color": GRID},
    "label": {"bold": True, "font_color": NAVY, **_BORDER, "bg_color": "#F2F2F2"},
    "section": {"bold": True, "font_size": 12, "font_color": NAVY, "bottom": 2, "bottom_color": NAVY},
    "kpi_value": {"bold": True, "font_size": 12, "font_color": FORMULA_FONT, "bg_color": FORMULA_FILL,
                  "align": "right", **_BORDER},
    "cell": {**_BORDER, "text_wrap": True},
    "link": {"font_color": "#0563C1", "underline": 1, **_BORDER},
    "key_input": {"bg_color": INPUT_FILL, **_BORDER},
    "key_formula": {"bg_color": FORMULA_FILL, "font_color": FORMULA_FONT, **_BORDER},
    "key_example": {"bg_color": INPUT_FILL, "font_color": EXAMPLE_FONT, **_BORDER},
    "note": {"italic": True, "font_color": EXAMPLE_FONT},
    "meta": {},
}
