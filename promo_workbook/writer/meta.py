"""The hidden sheets: dropdown lists, and the metadata the reader relies on.

The metadata does not store sheet names or row numbers as plain text: it stores formulas
that point at each table's header and block cells (='预算明细'!$C$4). When a user renames a
sheet, inserts rows or moves a column, the spreadsheet app rewrites those references, so the
metadata stays true without the tool ever seeing the edit.
"""
from __future__ import annotations

from .. import __version__
from ..formulas import cell, quote_sheet
from ..layout import HEADER_ROW, TableLayout
from ..spec import Spec
from .validation import list_name

LISTS_SHEET = "_lists"
META_SHEET = "_meta"
FORMAT_ID = "promo-workbook"
TABLES_HEADER_ROW = 7  # 0-based row of the tables section header
TABLE_COLUMNS = ("template", "key", "header", "first", "last", "totals")


# Public API.

def write_lists(workbook, ws, spec: Spec, lang: str) -> None:
    for col, (name, items) in enumerate(spec.lists.items()):
        ws.write_string(0, col, name)
        for row, item in enumerate(items, start=1):
            ws.write_string(row, col, item.label(lang))
        ref = f"{cell(1, col, True)}:{cell(len(items), col, True)}"
        workbook.define_name(list_name(name), f"={quote_sheet(ws.name)}!{ref}")
    ws.hide()


def write_meta(ws, spec: Spec, lang: str, layouts: list[TableLayout], cover_sheet: str,
               cover_cells: dict[str, str], example: bool) -> None:
    rows = [("format", FORMAT_ID), ("schema_version", spec.schema_version), ("language", lang),
            ("generator", __version__), ("example", "yes" if example else "no")]
    for r, (key, value) in enumerate(rows):
        ws.write_string(r, 0, key)
        if isinstance(value, int):
            ws.write_number(r, 1, value)
        else:
            ws.write_string(r, 1, value)
    for c, name in enumerate(TABLE_COLUMNS):
        ws.write_string(TABLES_HEADER_ROW, c, name)
    ws.write_string(TABLES_HEADER_ROW, len(TABLE_COLUMNS), "columns: key, header cell ...")
    for n, tl in enumerate(layouts):  # the sixteen tables and the acceptance sheet (number 0)
        row = TABLES_HEADER_ROW + 1 + n
        block, table = tl.block, tl.table
        sheet = quote_sheet(block.sheet)
        ws.write_number(row, 0, table.number)
        ws.write_string(row, 1, table.key)
        _ref(ws, row, 2, sheet, HEADER_ROW, 0, table.columns[0].label(lang))
        _ref(ws, row, 3, sheet, block.first_row, 0, "")
        _ref(ws, row, 4, sheet, block.last_row, 0, "")
        if block.totals_row is not None:
            _ref(ws, row, 5, sheet, block.totals_row, 0, table.totals.label(lang))
        for i, col in enumerate(table.columns):
            ws.write_string(row, len(TABLE_COLUMNS) + 2 * i, col.key)
            _ref(ws, row, len(TABLE_COLUMNS) + 2 * i + 1, sheet, HEADER_ROW, block.columns[col.key], col.label(lang))
    row = TABLES_HEADER_ROW + len(layouts) + 2
    ws.write_string(row, 0, "cover")
    for n, (key, ref) in enumerate(cover_cells.items()):
        ws.write_string(row + 1 + n, 0, key)
        ws.write_formula(row + 1 + n, 1, f"={quote_sheet(cover_sheet)}!{ref}", None, "")
    ws.hide()


# Private API.

def _ref(ws, row: int, col: int, sheet: str, target_row: int, target_col: int, cached: str) -> None:
    ws.write_formula(row, col, f"={sheet}!{cell(target_row, target_col, True)}", None, cached)
