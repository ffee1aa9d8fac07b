# overview.py: the summary's first sheet, the one a manager reads.
"""Overview: the verdict, the campaign, the key figures against the check's thresholds, the
goals chart, table completeness and the findings by rule (sheets.py lays out the others)."""
from __future__ import annotations

import os

from . import charts
from .look import DASH, Grid, print_setup
from .sheets import LEFT, TOP, Context, write_title


# Public API.

def write_overview(ctx: Context, ws, names: dict, goal_rows, daily_chart) -> None:
    g, figs = Grid(ws, ctx.look), ctx.figs
    cover, budget, total = figs.cover, figs.budget, figs.total
    write_title(ctx, ws, g, 8)
    counts = {k: f"{n:,}" for k, n in figs.counts.items()}
    if figs.counts["error"]:
        verdict, status = ctx.t("overview.verdict_errors", errors=counts["error"], warnings=counts["warning"],
                                infos=counts["info"]), "bad"
    elif figs.counts["warning"]:
        verdict, status = ctx.t("overview.verdict_warnings", warnings=counts["warning"], infos=counts["info"]), "warn"
    else:
        verdict, status = ctx.t("overview.verdict_ok", infos=counts["info"]), "good"
    ws.set_row(TOP - 1, 6)
    ws.set_row(TOP, 30)
    ws.merge_range(TOP, LEFT, TOP, LEFT + 8, "", ctx.look.get("verdict", status=status))
    ws.write_string(TOP, LEFT, verdict, ctx.look.get("verdict", status=status))

    # Campaign facts and key figures, left.
    row = TOP + 2
    g.text(row, LEFT, ctx.t("overview.campaign_title"), "section", measure=False)
    g.blank(row, LEFT + 1, "section")
    fields = [
        ("campaign", cover["campaign"]), ("product", cover["product"]), ("scenario", cover["scenario"]),
        ("dates", _dates(ctx)), ("owner", cover["owner"]),
    ]
    for key, value in fields:
        row += 1
        g.text(row, LEFT, ctx.t(f"overview.fields.{key}"), "label")
        g.text(row, LEFT + 1, value if value else DASH)
    row += 1
    currency = cover["currency"]
    g.text(row, LEFT, ctx.t("overview.fields.budget") + (f" ({currency})" if currency else ""), "label")
    g.number(row, LEFT + 1, cover["budget"], "money")
    row += 1
    g.text(row, LEFT, ctx.t("overview.fields.file"), "label")
    g.text(row, LEFT + 1, os.path.basename(figs.file))

    row += 2
    g.text(row, LEFT, ctx.t("overview.kpi_title"), "section", measure=False)
    g.blank(row, LEFT + 1, "section")
    share = budget.reserve_share
    reserve_status = budget.reserve_status
    met, goals = figs.goals_met, len(figs.goals)
    states = {goal.status for goal in figs.goals}
    goals_status = "bad" if "missed" in states else "warn" if "pending" in states else "good"
    daily = total.rows > 0
    kpis = [
        ("budget_lines", budget.lines_total, "money", None),
        ("reserve_share", share, "percent", reserve_status),
        ("goals_met", ctx.t("overview.goals_met_value", met=met, total=goals) if goals else None, "text",
         goals_status if goals else None),
        ("impressions", total.impressions if daily else None, "integer", None),
        ("clicks", total.clicks if daily else None, "integer", None),
        ("conversions", total.conversions if daily else None, "integer", None),
        ("ctr", total.ctr, "percent", None),
        ("cvr", total.cvr, "percent", None),
        ("cpa", figs.cpa, "money2", None),
        ("roi", figs.roi, "ratio", None),
    ]
    for key, value, number, status in kpis:
        row += 1
        g.text(row, LEFT, ctx.t(f"overview.kpis.{key}"), "label")
        if number == "text":
            g.text(row, LEFT + 1, value or DASH, "kpi", status=status)
        else:
            g.number(row, LEFT + 1, value, number, "kpi", status=status)
    left_end = row

    # Completeness of the sixteen tables, right.
    col = LEFT + 3
    row = TOP + 2
    heads = ("number", "table", "rows", "filled", "required", "share", "status")
    g.text(row, col, ctx.t("overview.completeness_title"), "section", measure=False)
    for i in range(1, len(heads)):
        g.blank(row, col + i, "section")
    row += 1
    for i, key in enumerate(heads):
        g.text(row, col + i, ctx.t(f"overview.completeness.{key}"), "header")
    status_colour = {"complete": "good", "partial": "warn", "empty": "neutral", "missing": "bad"}
    for item in figs.completeness:
        row += 1
        g.number(row, col, item.number, "integer", "center")
        g.text(row, col + 1, item.title)
        for i, value in enumerate((item.rows, item.filled, item.required)):
            g.number(row, col + 2 + i, value if item.sheet else None, "integer")
        g.number(row, col + 5, item.share, "percent")
        g.text(row, col + 6, ctx.t(f"overview.status.{item.status}"), "center", status=status_colour[item.status])
    row += 1
    ws.merge_range(row, col, row + 1, col + 6, "", ctx.look.get("wrapnote"))
    ws.write_string(row, col, ctx.t("overview.completeness_note"), ctx.look.get("wrapnote"))
    right_end = row + 1

    # Findings by rule, under both.
    row = max(left_end, right_end) + 2
    _rules(ctx, g, row, names)

    ws.set_column(0, 0, 2)
    g.fit(LEFT, 14, 26)
    g.fit(LEFT + 1, 16, 36)
    ws.set_column(LEFT + 2, LEFT + 2, 3)
    g.fit(col, 5, 6)
    g.fit(col + 1, 16, 32)
    for i in range(2, 7):
        g.fit(col + i, 8, 12)
    # The two charts that say most: goals, and conversions day by day (data on their sheets).
    offset = 2
    if goal_rows is not None:
        first, last, statuses = goal_rows
        chart = charts.goal_chart(ctx.workbook, ctx.t("sheets.goals"), first, last, LEFT + 1, LEFT + 6, statuses,
                                  ctx.t("goals.chart"), ctx.look.font)
        height = max(220, 90 + 34 * len(statuses))
        chart.set_size({"width": 460, "height": height})
        ws.insert_chart(TOP + 2, col + 7, chart, {"x_offset": 16, "y_offset": offset, "object_position": 1})
        offset += height + 12
    if daily_chart is not None:
        chart = daily_chart()
        chart.set_size({"width": 460, "height": 280})
        ws.insert_chart(TOP + 2, col + 7, chart, {"x_offset": 16, "y_offset": offset, "object_position": 1})
    ws.set_column(col + 7, col + 7, 2)
    g.fit_rows(ctx.line)
    print_setup(ws, ctx.footer)
    ws.set_row(0, 30)


# Private API.

def _rules(ctx: Context, g: Grid, row: int, names: dict, limit: int = 15) -> None:
    rules = ctx.figs.rules
    g.text(row, LEFT, ctx.t("overview.rules_title"), "section", measure=False)
    g.blank(row, LEFT + 1, "section")
    if not rules:
        g.text(row + 1, LEFT, ctx.t("overview.rules_none"), "note", measure=False)
        return
    row += 1
    for i, key in enumerate(("code", "rule", "severity", "count")):
        col = (LEFT, LEFT + 1, LEFT + 4, LEFT + 5)[i]
        g.text(row, col, ctx.t(f"overview.rules.{key}"), "header", measure=False)
    g.ws.merge_range(row, LEFT + 1, row, LEFT + 3, "", ctx.look.get("header"))
    g.ws.write_string(row, LEFT + 1, ctx.t("overview.rules.rule"), ctx.look.get("header"))
    colours = {"error": "bad", "warning": "warn", "info": "neutral"}
    for rule in rules[:limit]:
        row += 1
        g.text(row, LEFT, rule.code, "center", measure=False)
        g.ws.merge_range(row, LEFT + 1, row, LEFT + 3, "", ctx.look.get("cell"))
        g.ws.write_string(row, LEFT + 1, rule.name, ctx.look.get("cell"))
        g.text(row, LEFT + 4, ctx.t(f"severity.{rule.severity}"), "center", status=colours.get(rule.severity),
               measure=False)
        g.number(row, LEFT + 5, rule.count, "integer")
    if len(rules) > limit:
        rest = rules[limit:]
        g.text(row + 1, LEFT, ctx.t("overview.rules_more", rules=len(rest), count=f"{sum(r.count for r in rest):,}",
                                    sheet=names["findings"]), "note", measure=False)


def _dates(ctx: Context) -> str | None:
    start, end = ctx.figs.cover["start"], ctx.figs.cover["end"]
    if not start and not end:
        return None
    text = f"{start.isoformat() if start else '?'} – {end.isoformat() if end else '?'}"
    if start and end and end >= start:
        text += "  (" + ctx.t("common.days", days=(end - start).days + 1) + ")"
    return text
