"""One template table on its own sheet: title, guidance, header, input block, totals.

Input cells are blank and tinted, derived cells hold guarded formulas, every input column
gets its validation with a prompt, and the sheet is set up to print and to filter.
"""
from __future__ import annotations

import datetime as dt
import math

from .. import formulas
from ..formulas import Context, cell
from ..layout import FIRST_DATA_ROW, GUIDANCE_ROW, HEADER_ROW, TITLE_ROW, TableLayout
from ..spec import Column
from . import validation

ROW_HEIGHT = 15  # points per line of 10-point text
CJK_WIDTH = 1.15  # CJK glyphs are about twice as wide as the Latin unit widths assume


# Public API.

def write_table(ws, tl: TableLayout, ctx: Context, styles, example_rows: list[dict] | None, footer: str) -> None:
    table, block = tl.table, tl.block
    lang = ctx.lang
    last_col = len(table.columns) - 1
    _set_widths(ws, table.columns, lang)
    ws.set_row(TITLE_ROW, 26)
    ws.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, f"{table.number}  {table.title(lang)}" if table.number else table.title(lang), styles.get("title"))
    ws.set_row(GUIDANCE_ROW, 36 if lang.startswith("zh") else 44)
    ws.merge_range(GUIDANCE_ROW, 0, GUIDANCE_ROW, last_col, table.guidance(lang), styles.get("guidance"))
    ws.set_row(HEADER_ROW, 32)
    for i, col in enumerate(table.columns):
        ws.write_string(HEADER_ROW, i, col.label(lang), styles.get("header"))

    fixed = ctx.spec.list_labels(table.fixed_rows, lang) if table.fixed_rows else None
    for row in range(block.first_row, block.last_row + 1):
        ctx.row = row
        index = row - block.first_row
        values = example_rows[index] if example_rows and index < len(example_rows) else {}
        for i, col in enumerate(table.columns):
            _write_cell(ws, row, i, col, ctx, styles, values, fixed[index] if fixed and i == 0 else None)
        lines = max((wrapped_lines(values[c.key], column_width(c, lang)) for c in table.columns
                     if isinstance(values.get(c.key), str)), default=1)
        if lines > 1:
            # Excel does not grow a row for wrapped text on open; size it so nothing is cut.
            ws.set_row(row, ROW_HEIGHT * lines + 2)
    if table.totals:
        _write_totals(ws, tl, ctx, styles)
    for i, col in enumerate(table.columns):
        validation.add(ws, block, i, col, ctx, styles)
    _add_highlights(ws, tl, ctx, styles)

    ws.freeze_panes(FIRST_DATA_ROW, 0)
    ws.autofilter(HEADER_ROW, 0, block.last_row, last_col)
    _print_setup(ws, last_col, footer, ctx)


def column_width(col: Column, lang: str) -> float:
    """Column width in Excel character units for a language."""
    width = max(col.width * (CJK_WIDTH if lang.startswith("zh") else 1.0), 8)
    if not lang.startswith("zh"):
        # English headers are longer words; give each room for two wrapped lines.
        width = max(width, min(len(col.label(lang)) / 2 + 3, 22))
    return width


def text_width(text: str) -> float:
    """Display width in character units: CJK and full-width glyphs count two."""
    return sum(2.0 if ord(ch) > 0x2E80 else 1.1 for ch in text)


def wrapped_lines(text: str, width: float) -> int:
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in text.split("\n"))


# Private API.

def _set_widths(ws, columns: tuple[Column, ...], lang: str) -> None:
    for i, col in enumerate(columns):
        ws.set_column(i, i, column_width(col, lang))


def _write_cell(ws, row, i, col: Column, ctx: Context, styles, values: dict, fixed_label: str | None) -> None:
    fmt_name = col.value_format
    if col.derived:
        ws.write_formula(row, i, formulas.column_formula(col, ctx), styles.get("formula", fmt_name), "")
        return
    if col.link and not values.get(col.key):
        other, _, other_col = col.link.partition(".")
        ref = formulas.resolve("{" + f"{other}.{other_col}#" + "}", ctx)
        ws.write_formula(row, i, f'=IF({ref}="","",{ref})', styles.get("formula", fmt_name), "")
        return
    if fixed_label is not None:
        ws.write_string(row, i, fixed_label, styles.get("input", fmt_name))
        return
    if col.key in values:
        write_value(ws, row, i, values[col.key], styles.get("example", fmt_name))
    else:
        ws.write_blank(row, i, None, styles.get("input", fmt_name))


def write_value(ws, row: int, col: int, value, fmt) -> None:
    """Write a value by its Python type; text always as text, never as a formula."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, (dt.date, dt.datetime)):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()) if not isinstance(value, dt.datetime) else value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _write_totals(ws, tl: TableLayout, ctx: Context, styles) -> None:
    table, block = tl.table, tl.block
    row = block.totals_row
    ctx.row = row
    ws.set_row(row, 20)
    for i, col in enumerate(table.columns):
        fmt_name = table.totals.formats.get(col.key, col.value_format)
        text = table.totals.cells.get(col.key)
        if text:
            ws.write_formula(row, i, "=" + formulas.resolve(text, ctx), styles.get("total", fmt_name), "")
        elif i == 0:
            ws.write_string(row, i, table.totals.label(ctx.lang), styles.get("total"))
        else:
            ws.write_blank(row, i, None, styles.get("total"))


def _add_highlights(ws, tl: TableLayout, ctx: Context, styles) -> None:
    block = tl.block
    ctx.row = block.first_row  # conditional formulas are written for the range's top-left cell
    for h in tl.table.highlight:
        if h.target == "row":
            rng = f"{cell(block.first_row, 0)}:{cell(block.last_row, len(tl.table.columns) - 1)}"
            ctx.anchor_columns = True  # every cell of the row tests the row's own cells
            when = formulas.resolve(h.when, ctx)
            ctx.anchor_columns = False
        elif h.target.endswith(".total"):
            key = h.target[: -len(".total")]
            rng = cell(block.totals_row, block.columns[key])
            when = formulas.resolve(h.when, ctx)
        else:
            col = block.columns[h.target]
            rng = f"{cell(block.first_row, col)}:{cell(block.last_row, col)}"
            when = formulas.resolve(h.when, ctx)
        ws.conditional_format(rng, {"type": "formula", "criteria": "=" + when, "format": styles.highlight(h.style)})


def _print_setup(ws, last_col: int, footer: str, ctx: Context) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.set_footer(footer)
