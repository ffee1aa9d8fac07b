"""The Dashboard: live key figures over the tables, the helper tables behind the charts,
and the charts (budget split, channel target vs actual, daily conversions, goal achievement).

Everything here is a formula; nothing is computed by the generator.
"""
from __future__ import annotations

from .. import formulas
from ..formulas import Block, Context, cell
from ..layout import TableLayout

KPI_FIRST_ROW = 4
LABEL_COL, VALUE_COL = 1, 2
CHART_COL = 4
HELPER_GAP = 2
CHART_W, CHART_H = 500, 290
DEFAULT_DAYS = 31


# Public API.

def write_dashboard(workbook, ws, ctx: Context, styles, layouts: dict[str, TableLayout], days: int | None, footer: str) -> None:
    spec, lang = ctx.spec, ctx.lang
    dash = spec.workbook["dashboard"]
    ctx.current = Block(ws.name, {}, KPI_FIRST_ROW, KPI_FIRST_ROW)
    ctx.sheet_of_formula = ws.name
    ws.set_column(0, 0, 2)
    ws.set_column(LABEL_COL, LABEL_COL, 24 if lang.startswith("zh") else 28)
    ws.set_column(VALUE_COL, VALUE_COL, 16)
    ws.set_column(3, 3, 2)
    ws.set_column(CHART_COL, CHART_COL + 12, 11)
    ws.set_row(0, 30)
    ws.write_string(0, LABEL_COL, dash["title"](lang), styles.get("title"))
    ws.write_string(1, LABEL_COL, dash["note"](lang), styles.get("subtitle"))
    ws.write_string(KPI_FIRST_ROW - 1, LABEL_COL, dash["kpi_title"](lang), styles.get("section"))

    kpis = dash["kpis"]
    ctx.kpis = {k["key"]: cell(KPI_FIRST_ROW + n, VALUE_COL, True) for n, k in enumerate(kpis)}
    for n, kpi in enumerate(kpis):
        row = KPI_FIRST_ROW + n
        ws.set_row(row, 22, None, {"hidden": True} if kpi.get("hidden") else None)
        ws.write_string(row, LABEL_COL, kpi["label"](lang), styles.get("label"))
        ws.write_formula(row, VALUE_COL, "=" + formulas.resolve(kpi["formula"], ctx), styles.get("kpi_value", kpi["format"]), "")

    helper_row = KPI_FIRST_ROW + len(kpis) + 2 + 2 * 18  # below the two rows of charts
    helpers = _write_helpers(ws, ctx, styles, layouts, days, helper_row)
    ws.set_h_pagebreaks([helper_row])  # the charts' data prints on its own page
    _add_charts(workbook, ws, ctx, layouts, helpers)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_footer(footer)
    ctx.sheet_of_formula = None


# Private API.

def _helper_rows(rows: dict, ctx: Context, layouts, days: int | None) -> list[str | None]:
    """One entry per helper row: the row label for list-driven tables, else None."""
    if "list" in rows:
        return ctx.spec.list_labels(rows["list"], ctx.lang)
    if "table" in rows:
        return [None] * layouts[rows["table"]].rows
    return [None] * (days or DEFAULT_DAYS)


def _write_helpers(ws, ctx: Context, styles, layouts, days, top: int) -> dict[str, Block]:
    lang = ctx.lang
    blocks = {}
    col0 = LABEL_COL
    for table in ctx.spec.workbook["dashboard"]["tables"]:
        columns = {c["key"]: col0 + i for i, c in enumerate(table["columns"])}
        labels = _helper_rows(table["rows"], ctx, layouts, days)
        block = Block(ws.name, columns, top + 2, top + 1 + len(labels))
        ws.write_string(top, col0, table["title"](lang), styles.get("section"))
        for c in table["columns"]:
            ws.write_string(top + 1, columns[c["key"]], c["label"](lang), styles.get("header"))
        ctx.current = block
        for n, label in enumerate(labels):
            ctx.row, ctx.row_label = block.first_row + n, label
            for c in table["columns"]:
                ws.write_formula(ctx.row, columns[c["key"]], "=" + formulas.resolve(c["formula"], ctx),
                                 styles.get("formula", c["format"]), "")
        blocks[table["key"]] = block
        col0 += len(columns) + 1
    return blocks


def _add_charts(workbook, ws, ctx: Context, layouts, helpers: dict[str, Block]) -> None:
    lang = ctx.lang
    for n, spec_chart in enumerate(ctx.spec.workbook["dashboard"]["charts"]):
        kind = spec_chart["type"]
        chart = workbook.add_chart({"type": kind})
        source = spec_chart["table"]
        if source.startswith("@"):
            block = layouts[source[1:]].block
            names = {k: layouts[source[1:]].table.column(k).label(lang) for k in spec_chart["values"]}
        else:
            block = helpers[source]
            table = next(t for t in ctx.spec.workbook["dashboard"]["tables"] if t["key"] == source)
            names = {c["key"]: c["label"](lang) for c in table["columns"]}
        cat_col = block.columns[spec_chart["categories"]]
        for key in spec_chart["values"]:
            col = block.columns[key]
            series = {
                "name": names[key],
                "categories": [block.sheet, block.first_row, cat_col, block.last_row, cat_col],
                "values": [block.sheet, block.first_row, col, block.last_row, col],
            }
            if kind == "pie":
                series["data_labels"] = {"percentage": True, "category": False}
            elif kind == "line":
                series["marker"] = {"type": "circle", "size": 5}
            chart.add_series(series)
        chart.set_title({"name": spec_chart["title"](lang), "name_font": {"size": 11}})
        chart.set_size({"width": CHART_W, "height": CHART_H})
        if kind in ("column", "bar", "line"):
            chart.set_legend({"position": "bottom"})
            axis = chart.set_x_axis if kind != "bar" else chart.set_y_axis
            value_axis = chart.set_y_axis if kind != "bar" else chart.set_x_axis
            value_axis({"num_format": "0%" if spec_chart["key"] == "goals" else "#,##0", "min": 0,
                        "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
            if kind == "line":
                axis({"num_format": "m/d", "date_axis": False})
        if spec_chart["key"] == "goals":
            chart.set_legend({"none": True})
        row = KPI_FIRST_ROW - 1 + (n // 2) * 18
        ws.insert_chart(row, CHART_COL, chart, {"x_offset": (n % 2) * (CHART_W + 16), "y_offset": 4,
                                                "object_position": 1})
