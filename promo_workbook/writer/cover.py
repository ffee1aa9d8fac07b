"""The Cover sheet: the campaign's identity, dates and budget, as defined names.

CampaignStart, CampaignEnd and TotalBudget are workbook-level names every table's formulas
and date validation use, so the Cover is the single place to change them.
"""
from __future__ import annotations

from ..formulas import Context, cell, quote_sheet
from . import validation
from .tables import write_value

FIRST_FIELD_ROW = 4
LABEL_COL, VALUE_COL = 1, 2


# Public API.

def write_cover(workbook, ws, ctx: Context, styles, values: dict, footer: str) -> dict[str, str]:
    """Write the Cover; return field key -> absolute A1 of its value cell."""
    spec, lang = ctx.spec, ctx.lang
    cover = spec.workbook["cover"]
    ws.set_column(0, 0, 3)
    ws.set_column(LABEL_COL, LABEL_COL, 18 if lang.startswith("zh") else 20)
    ws.set_column(VALUE_COL, VALUE_COL, 44)
    ws.set_row(0, 34)
    ws.merge_range(0, LABEL_COL, 0, VALUE_COL, cover["title"](lang), styles.get("title"))
    ws.merge_range(1, LABEL_COL, 1, VALUE_COL, cover["subtitle"](lang), styles.get("subtitle"))
    cells = {}
    for n, field in enumerate(cover["fields"]):
        row = FIRST_FIELD_ROW + n
        kind = field["kind"]
        number_format = {"date": "date", "money": "money"}.get(kind, "text")
        ws.set_row(row, 22)
        ws.write_string(row, LABEL_COL, field["label"](lang), styles.get("label"))
        value = values.get(field["key"])
        role = "input"
        write_value(ws, row, VALUE_COL, value, styles.get(role, number_format))
        ref = cell(row, VALUE_COL, True)
        cells[field["key"]] = ref
        if "name" in field:
            workbook.define_name(field["name"], f"={quote_sheet(ws.name)}!{ref}")
        rule = _cover_rule(field, ctx)
        if rule:
            ws.data_validation(row, VALUE_COL, row, VALUE_COL, rule)
    if values.get("_example"):
        ws.write_string(FIRST_FIELD_ROW + len(cover["fields"]) + 1, LABEL_COL,
                        spec.workbook["text"]["example_note"](lang), styles.get("note"))
    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 1)
    ws.set_footer(footer)
    ws.activate()
    return cells


# Private API.

class _FieldColumn:
    """Adapts a Cover field to the shape validation.rule_for expects of a column."""

    def __init__(self, field: dict):
        self.kind = field["kind"]
        self.list = field.get("list")
        self.dates = field.get("dates")
        self.label = field["label"]
        self.derived = False
        self.link = None


def _cover_rule(field: dict, ctx: Context) -> dict | None:
    if field["kind"] == "text":
        return None
    return validation.rule_for(_FieldColumn(field), ctx, "C1")
