"""The Guide sheet: the six phases, which tables belong to each (linked), the colour key,
and how to run the check."""
from __future__ import annotations

from ..formulas import Context, quote_sheet


# Public API.

def write_guide(ws, ctx: Context, styles, sheet_names: dict[str, str], footer: str) -> None:
    spec, lang = ctx.spec, ctx.lang
    guide = spec.workbook["guide"]
    ws.set_column(0, 0, 3)
    ws.set_column(1, 1, 26 if lang.startswith("zh") else 28)
    ws.set_column(2, 2, 26)
    ws.set_column(3, 3, 70)
    ws.set_row(0, 30)
    ws.write_string(0, 1, guide["title"](lang), styles.get("title"))
    ws.merge_range(1, 1, 1, 3, guide["intro"](lang), styles.get("guidance"))
    ws.set_row(1, 30)
    row = 3
    for col, key in enumerate(("phase", "table", "what"), start=1):
        ws.write_string(row, col, guide["headers"][key](lang), styles.get("header"))
    for phase in guide["phases"]:
        tables = [t for t in spec.tables if t.phase == phase["key"]]
        first = row + 1
        for table in tables:
            row += 1
            ws.set_row(row, 42)
            target = f"internal:{quote_sheet(sheet_names[table.key])}!A1"
            ws.write_url(row, 2, target, styles.get("link"), f"{table.number}  {table.title(lang)}")
            ws.write_string(row, 3, table.guidance(lang), styles.get("cell"))
        if len(tables) > 1:
            ws.merge_range(first, 1, row, 1, phase["label"](lang), styles.get("label"))
        else:
            ws.write_string(first, 1, phase["label"](lang), styles.get("label"))
    row += 2
    ws.write_string(row, 1, guide["colour_key_title"](lang), styles.get("section"))
    for key in ("input", "formula", "example"):
        row += 1
        ws.write_string(row, 1, "", styles.get("key_" + key))
        ws.merge_range(row, 2, row, 3, guide["colour_key"][key](lang), styles.get("cell"))
    row += 2
    ws.write_string(row, 1, guide["check_title"](lang), styles.get("section"))
    ws.set_row(row + 1, 36)
    ws.merge_range(row + 1, 1, row + 1, 3, guide["check"](lang), styles.get("guidance"))
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_footer(footer)
