# workbook.py: the portfolio workbook's sheets, values only, through the summary's Grid.
"""Campaigns (one row per plan, totals and averages), Channels (folded across languages,
ranked), Calendar (every phase on one date axis, today marked), Findings (errors and
warnings with links to their cells) and Charts. Every string goes through ``Grid.text``
(``write_string``): a campaign named ``=HYPERLINK(...)`` stays text.
"""
from __future__ import annotations

import datetime as dt
import math
import os

from ..batch.engine import fold_name
from .figures import status_of
from .words import text as _t

__all__ = ["write_sheets", "CAMPAIGN_COLUMNS", "CHANNEL_COLUMNS"]

# (key, number format) per Campaigns column; "text" columns are user text.
CAMPAIGN_COLUMNS = (
    ("campaign", "text"), ("product", "text"), ("scenario", "text"), ("owner", "text"), ("start", "date"),
    ("end", "date"), ("status", "text"), ("budget", "money"), ("reserve", "percent"), ("channels", "integer"),
    ("goals_met", "integer"), ("goals", "integer"), ("achievement", "percent"), ("impressions", "integer"),
    ("clicks", "integer"), ("conversions", "integer"), ("cvr", "percent"), ("cpa", "money2"), ("roi", "ratio"),
    ("errors", "integer"), ("warnings", "integer"), ("verdict", "text"), ("file", "text"),
)
CHANNEL_COLUMNS = (
    ("rank", "integer"), ("channel", "text"), ("target_impressions", "integer"), ("impressions", "integer"),
    ("clicks", "integer"), ("expected_conversions", "integer"), ("conversions", "integer"), ("spend", "money"),
    ("ctr", "percent"), ("cvr", "percent"), ("cpa", "money2"), ("campaign_count", "integer"),
)
HEAD = 3          # the header row of every table (title, note, blank above)
MAX_AXIS = 200    # calendar columns at most: a day each, or a few days each for a long portfolio
MAX_CHART_ROWS = 60


# Public API.

def write_sheets(wb, plans: list, unreadable: list, channels: list, out: str, lang: str, today: dt.date,
                 look_parts) -> None:
    look, Grid, print_setup = look_parts
    ctx = {"wb": wb, "look": look, "Grid": Grid, "lang": lang, "today": today, "out": out,
           "print_setup": print_setup}
    _campaigns(ctx, plans, unreadable)
    _channels(ctx, channels)
    _calendar(ctx, plans)
    _findings(ctx, plans, unreadable)
    _charts(ctx, plans, channels)


def file_url(path: str, out: str, sheet: str | None = None, cell: str | None = None) -> str | None:
    """external:plan.xlsx (relative to the portfolio's folder), with #'Sheet'!A1 when given."""
    try:
        base = os.path.relpath(os.path.abspath(path), os.path.dirname(os.path.abspath(out)))
    except ValueError:
        base = os.path.abspath(path)
    if "#" in base or len(base) > 1000:
        return None
    url = "external:" + base.replace(os.sep, "/")
    if sheet:
        url += "#'" + sheet.replace("'", "''") + "'!" + (cell or "A1")
    return url


# Private API.

def _sheet(ctx, key: str, title: str):
    ws = ctx["wb"].add_worksheet(_t(f"sheet.{key}", ctx["lang"]))
    g = ctx["Grid"](ws, ctx["look"])
    g.text(0, 0, title, "title", measure=False)
    g.text(1, 0, _t("made_by", ctx["lang"]), "subtitle", measure=False)
    name = _t(f"sheet.{key}", ctx["lang"]).replace("&", "&&")
    ctx["print_setup"](ws, "&L" + name + "&R&P / &N", repeat=(HEAD, HEAD))
    return ws, g


def _header(g, columns, lang: str) -> None:
    for col, (key, _) in enumerate(columns):
        g.text(HEAD, col, _t(f"col.{key}", lang), "header")
    g.ws.freeze_panes(HEAD + 1, 1)


def _campaigns(ctx, plans, unreadable) -> None:
    lang, today = ctx["lang"], ctx["today"]
    ws, g = _sheet(ctx, "campaigns", _t("title.campaigns", lang, n=len(plans) + len(unreadable),
                                         today=today.isoformat()))
    _header(g, CAMPAIGN_COLUMNS, lang)
    row = HEAD + 1
    for plan in plans:
        values = _campaign_values(plan, today)
        for col, (key, number) in enumerate(CAMPAIGN_COLUMNS):
            value, status = values[key], None
            if key == "verdict":
                status = {"ok": "good", "warnings": "warn", "errors": "bad"}[value]
                value = _t(f"verdict.{value}", lang)
            elif key == "status" and value:
                status = {"running": "good", "planned": "neutral", "finished": "neutral"}[value]
                value = _t(f"status.{value}", lang)
            elif key == "achievement" and value is not None:
                status = "good" if value >= 1 - 1e-9 else "bad"
            if key == "file":
                g.link(row, col, file_url(plan["file"], ctx["out"]), os.path.basename(plan["file"]))
            elif number == "text":
                g.text(row, col, value, "cell", status)
            else:
                g.number(row, col, value, number, "cell", status)
        row += 1
    for file, error in unreadable:
        for col, (key, _) in enumerate(CAMPAIGN_COLUMNS):
            if key == "verdict":
                g.text(row, col, _t("verdict.unreadable", lang), "cell", "bad")
            elif key == "file":
                g.link(row, col, file_url(file, ctx["out"]), os.path.basename(file))
            elif key == "campaign":
                g.text(row, col, error, "cell", measure=False)
            else:
                g.blank(row, col)
        row += 1
    if plans:
        _totals(g, row, plans, today, lang)
    for col, (key, _) in enumerate(CAMPAIGN_COLUMNS):
        g.fit(col, maximum=40 if key in ("campaign", "file", "product") else 16)
    g.fit_rows(14)


def _campaign_values(plan: dict, today) -> dict:
    verdict = "errors" if plan["errors"] else "warnings" if plan["warnings"] else "ok"
    return {
        "campaign": plan["campaign"], "product": plan["product"], "scenario": plan["scenario"],
        "owner": plan["owner"], "start": plan["start"], "end": plan["end"], "status": status_of(plan, today),
        "budget": plan["budget"], "reserve": plan["reserve_share"], "channels": plan["channel_count"],
        "goals_met": plan["goals_met"], "goals": plan["goals_total"], "achievement": plan["achievement"],
        "impressions": plan["impressions"], "clicks": plan["clicks"], "conversions": plan["conversions"],
        "cvr": plan["cvr"], "cpa": plan["cpa"], "roi": plan["roi"], "errors": plan["errors"],
        "warnings": plan["warnings"], "verdict": verdict, "file": plan["file"],
    }


def _totals(g, row: int, plans, today, lang) -> None:
    """A total row (sums; rates over the sums) and an average row (means of the plans that have the figure)."""
    def total(key):
        values = [p[key] for p in plans if p[key] is not None]
        return sum(values) if values else None

    def mean(key):
        values = [p[key] for p in plans if p[key] is not None]
        return sum(values) / len(values) if values else None

    clicks, conversions = total("clicks"), total("conversions")
    spent = sum(p["budget"] for p in plans if p["budget"] is not None and p["conversions"])
    sums = {"budget": total("budget"), "channels": total("channel_count"), "goals_met": total("goals_met"),
            "goals": total("goals_total"), "impressions": total("impressions"), "clicks": clicks,
            "conversions": conversions, "errors": total("errors"), "warnings": total("warnings"),
            "cvr": conversions / clicks if clicks and conversions is not None else None,
            "cpa": spent / conversions if conversions else None}
    means = {"budget": mean("budget"), "reserve": mean("reserve_share"), "channels": mean("channel_count"),
             "achievement": mean("achievement"), "impressions": mean("impressions"), "clicks": mean("clicks"),
             "conversions": mean("conversions"), "cvr": mean("cvr"), "cpa": mean("cpa"), "roi": mean("roi")}
    for r, label, values in ((row, "row.total", sums), (row + 1, "row.average", means)):
        g.text(r, 0, _t(label, lang), "total")
        for col, (key, number) in enumerate(CAMPAIGN_COLUMNS[1:], start=1):
            if key in values:
                shown = "ratio" if (label == "row.average" and number == "integer") else number
                g.number(r, col, values[key], shown, "total")
            else:
                g.blank(r, col, "total")


def _channels(ctx, channels) -> None:
    lang = ctx["lang"]
    ws, g = _sheet(ctx, "channels", _t("title.channels", lang))
    _header(g, CHANNEL_COLUMNS, lang)
    for i, ch in enumerate(channels):
        row = HEAD + 1 + i
        values = {**ch, "rank": i + 1}
        for col, (key, number) in enumerate(CHANNEL_COLUMNS):
            if number == "text":
                g.text(row, col, values[key])
            else:
                g.number(row, col, values[key], number)
    for col in range(len(CHANNEL_COLUMNS)):
        g.fit(col, maximum=30)


def _calendar(ctx, plans) -> None:
    lang, today, wb = ctx["lang"], ctx["today"], ctx["wb"]
    ws, g = _sheet(ctx, "calendar", _t("title.calendar", lang))
    phases = [(p, name, start, end, key) for p in plans for name, start, end, key in p["phases"]]
    dates = [d for _, _, s, e, _ in phases for d in (s, e)] + [today]
    first, last = min(dates), max(dates)
    step = max(1, math.ceil(((last - first).days + 1) / MAX_AXIS))
    days = [first + dt.timedelta(days=i) for i in range(0, (last - first).days + 1, step)]
    left = ("campaign", "phase", "start", "end")
    for col, key in enumerate(left):
        g.text(HEAD, col, _t(f"col.{key}", lang), "header")
    head = wb.add_format({"font_size": 8, "rotation": 90, "align": "center", "bg_color": "#1F4E78",
                          "font_color": "#FFFFFF", "num_format": "mm-dd", "border": 1, "border_color": "#BFBFBF"})
    mark = wb.add_format({"font_size": 8, "rotation": 90, "align": "center", "bg_color": "#C00000",
                          "font_color": "#FFFFFF", "num_format": "mm-dd", "bold": True})
    fills = [wb.add_format({"bg_color": c, "border": 1, "border_color": "#FFFFFF"})
             for c in ("#1F4E78", "#ED7D31", "#70AD47", "#FFC000", "#5B9BD5", "#7030A0")]
    today_fill = wb.add_format({"left": 2, "left_color": "#C00000"})
    column_of_today = None
    for i, day in enumerate(days):
        is_today = day <= today < day + dt.timedelta(days=step)
        ws.write_datetime(HEAD, len(left) + i, dt.datetime(day.year, day.month, day.day), mark if is_today else head)
        ws.set_column(len(left) + i, len(left) + i, 2.6)
        if is_today:
            column_of_today = len(left) + i
    ws.set_row(HEAD, 42)
    names: dict = {}
    for r, (plan, name, start, end, key) in enumerate(phases):
        row = HEAD + 1 + r
        g.text(row, 0, plan["campaign"] or os.path.basename(plan["file"]))
        g.text(row, 1, name)
        g.number(row, 2, start, "date")
        g.number(row, 3, end, "date")
        fill = fills[names.setdefault(key or fold_name(name), len(names)) % len(fills)]  # a colour per phase
        for i, day in enumerate(days):
            if start < day + dt.timedelta(days=step) and day <= end:
                ws.write_blank(row, len(left) + i, None, fill)
            elif len(left) + i == column_of_today:
                ws.write_blank(row, len(left) + i, None, today_fill)
    g.fit(0, maximum=30)
    g.fit(1, maximum=16)
    g.fit(2)
    g.fit(3)
    ws.freeze_panes(HEAD + 1, len(left))


def _findings(ctx, plans, unreadable) -> None:
    lang, out = ctx["lang"], ctx["out"]
    ws, g = _sheet(ctx, "findings", _t("title.findings", lang))
    columns = ("file", "campaign", "severity", "code", "sheet", "cell", "message")
    for col, key in enumerate(columns):
        g.text(HEAD, col, _t(f"col.{key}", lang), "header")
    ws.freeze_panes(HEAD + 1, 0)
    row = HEAD + 1
    for file, error in unreadable:
        g.link(row, 0, file_url(file, out), os.path.basename(file))
        g.blank(row, 1)
        g.text(row, 2, _t("severity.error", lang), "cell", "bad")
        for col in (3, 4, 5):
            g.blank(row, col)
        g.text(row, 6, error, measure=False)
        row += 1
    for plan in plans:
        for f in plan["findings"]:
            g.link(row, 0, file_url(plan["file"], out), os.path.basename(plan["file"]))
            g.text(row, 1, plan["campaign"])
            g.text(row, 2, _t(f"severity.{f['severity']}", lang), "cell",
                   "bad" if f["severity"] == "error" else "warn")
            g.text(row, 3, f["code"])
            g.text(row, 4, f["sheet"])
            cell = f["cell"] or (f"A{f['row']}" if f["row"] else None)
            g.link(row, 5, file_url(plan["file"], out, f["sheet"], cell) if f["sheet"] else None, cell or "")
            g.text(row, 6, f["message"], measure=False)
            row += 1
        more = plan["findings_total"] - len(plan["findings"])
        if more > 0:
            g.text(row, 0, os.path.basename(plan["file"]))
            g.text(row, 6, _t("more", lang, n=more), "note", measure=False)
            row += 1
    for col in range(6):
        g.fit(col, maximum=30)
    g.width(6, 80)
    g.fit_rows(14)


def _charts(ctx, plans, channels) -> None:
    lang, wb = ctx["lang"], ctx["wb"]
    ws, g = _sheet(ctx, "charts", _t("sheet.charts", lang))
    campaigns = _t("sheet.campaigns", lang)
    n = min(len(plans), MAX_CHART_ROWS)
    font = ctx["look"].font
    col_of = {key: i for i, (key, _) in enumerate(CAMPAIGN_COLUMNS)}
    if n:
        _bar(wb, ws, "B4", _t("chart.budget", lang), campaigns, n, col_of["budget"], font, "#,##0", "column")
        _bar(wb, ws, "J4", _t("chart.achievement", lang), campaigns, n, col_of["achievement"], font, "0%", "bar")
    if channels:
        m = min(len(channels), MAX_CHART_ROWS)
        chart = _bar(wb, None, None, _t("chart.cpa", lang), _t("sheet.channels", lang), m,
                     [k for k, _ in CHANNEL_COLUMNS].index("cpa"), font, "#,##0", "bar", cat_col=1)
        ws.insert_chart("B22", chart)
    ranked = sorted((p for p in plans if p["roi"] is not None), key=lambda p: -p["roi"])[:MAX_CHART_ROWS]
    if ranked:
        top = 40
        g.text(top, 12, _t("col.campaign", lang), "header")
        g.text(top, 13, _t("col.roi", lang), "header")
        for i, plan in enumerate(ranked):
            g.text(top + 1 + i, 12, plan["campaign"] or os.path.basename(plan["file"]))
            g.number(top + 1 + i, 13, plan["roi"], "ratio")
        chart = wb.add_chart({"type": "bar"})
        chart.set_size({"width": 500, "height": 320})
        name = _t("sheet.charts", lang)
        chart.add_series({"categories": [name, top + 1, 12, top + len(ranked), 12],
                          "values": [name, top + 1, 13, top + len(ranked), 13],
                          "fill": {"color": "#70AD47"}, "data_labels": {"value": True, "num_format": "0.00"}})
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"none": True})
        chart.set_title({"name": _t("chart.roi", lang), "name_font": {"name": font, "size": 11}})
        ws.insert_chart("J22", chart)
        g.fit(12, maximum=30)


def _bar(wb, ws, where, title, sheet, n, val_col, font, num_format, kind, cat_col=0):
    chart = wb.add_chart({"type": kind})
    chart.add_series({"categories": [sheet, HEAD + 1, cat_col, HEAD + n, cat_col],
                      "values": [sheet, HEAD + 1, val_col, HEAD + n, val_col],
                      "fill": {"color": "#1F4E78"}, "gap": 60})
    axis = {"num_format": num_format, "num_font": {"name": font, "size": 9}}
    if num_format == "0%":
        axis["min"] = 0
    if kind == "bar":
        chart.set_x_axis(axis)
        chart.set_y_axis({"reverse": True, "num_font": {"name": font, "size": 9}})
    else:
        chart.set_y_axis(axis)
        chart.set_x_axis({"num_font": {"name": font, "size": 9}})
    chart.set_legend({"none": True})
    chart.set_title({"name": title, "name_font": {"name": font, "size": 11}})
    chart.set_size({"width": 500, "height": 320})
    if ws is not None:
        ws.insert_chart(where, chart)
    return chart
