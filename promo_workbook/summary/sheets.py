# sheets.py: the summary's six sheets laid out from the Figures.
"""Overview, Goals, Budget, Channels, Daily trend and Findings, each written from the
``Figures`` (``figures.py``) by a ``Grid`` (``look.py``). Every value is a number or a text the
tool computed; the workbook holds no formula. Positions are 0-based (xlsxwriter's).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from . import charts
from ..checker.render import message
from .figures import MAX_PER_RULE, NONE, OTHER, Figures
from .look import DASH, Grid, Look, print_setup
from .words import Words

TOP = 3                 # the first row under a sheet's title and note
LEFT = 1                # column A is a narrow margin
CHART_W = 520          # a chart's width in pixels, when nothing asks for more


@dataclass
class Context:
    workbook: object
    spec: object              # promo_workbook.spec.Spec
    look: Look
    words: Words
    figs: Figures
    lang: str
    footer: str
    link_base: str | None     # the plan's path relative to the summary, for hyperlinks

    def t(self, path: str, **values) -> str:
        return self.words.text(path, self.lang, **values)

    @property
    def line(self) -> float:
        """The height of one line of 10-point text, in points (CJK fonts sit taller)."""
        return 14.5 if self.lang.startswith("zh") else 13.0


# Public API.

def write_all(ctx: Context) -> dict[str, object]:
    names = {key: ctx.t(f"sheets.{key}") for key in ("overview", "goals", "budget", "channels", "daily", "findings")}
    sheets = {key: ctx.workbook.add_worksheet(name) for key, name in names.items()}
    goal_rows = write_goals(ctx, sheets["goals"])
    daily_chart = write_daily(ctx, sheets["daily"])
    from .overview import write_overview  # it lays out the others' figures, so it comes after them

    write_overview(ctx, sheets["overview"], names, goal_rows, daily_chart)
    write_budget(ctx, sheets["budget"])
    write_channels(ctx, sheets["channels"])
    write_findings(ctx, sheets["findings"], names)
    sheets["overview"].activate()
    return sheets


def write_goals(ctx: Context, ws):
    """The goals table; returns (first row, last row, statuses) for the achievement charts."""
    g, figs = Grid(ws, ctx.look), ctx.figs
    write_title(ctx, ws, g, 8, note=ctx.t("goals.note"))
    heads = ("dimension", "metric", "direction", "target", "actual", "unit", "achievement", "status", "analysis")
    row = TOP
    for i, key in enumerate(heads):
        g.text(row, LEFT + i, ctx.t(f"goals.columns.{key}"), "header")
    colours = {"met": "good", "missed": "bad", "pending": "neutral"}
    spec = ctx.spec
    for goal in figs.goals:
        row += 1
        g.text(row, LEFT, goal.dimension or DASH)
        g.text(row, LEFT + 1, goal.metric or DASH)
        g.text(row, LEFT + 2, spec.list_label("direction", goal.direction, ctx.lang), "center")
        g.number(row, LEFT + 3, goal.target, _amount(goal.target))
        g.number(row, LEFT + 4, goal.actual, _amount(goal.actual))
        g.text(row, LEFT + 5, goal.unit or "", "center")
        g.number(row, LEFT + 6, goal.achievement, "percent", status=colours[goal.status])
        g.text(row, LEFT + 7, ctx.t(f"goals.status.{goal.status}"), "center", status=colours[goal.status])
        g.text(row, LEFT + 8, goal.analysis or "", measure=False)
    if not figs.goals:
        g.text(row + 1, LEFT, ctx.t("goals.empty"), "note", measure=False)
    ws.set_column(0, 0, 2)
    for i, (low, high) in enumerate(((10, 14), (12, 26), (10, 14), (10, 14), (10, 14), (6, 12), (9, 11), (8, 10))):
        g.fit(LEFT + i, low, high)
    g.width(LEFT + 8, 44)
    g.fit_rows(ctx.line)
    ws.freeze_panes(TOP + 1, 0)
    print_setup(ws, ctx.footer, repeat=(TOP, TOP))
    ws.set_row(0, 30)
    if not figs.goals:
        return None
    first, last = TOP + 1, TOP + len(figs.goals)
    statuses = [goal.status for goal in figs.goals]
    chart = charts.goal_chart(ctx.workbook, ws.name, first, last, LEFT + 1, LEFT + 6, statuses,
                              ctx.t("goals.chart"), ctx.look.font)
    chart.set_size({"width": CHART_W, "height": max(240, 90 + 34 * len(statuses))})
    ws.insert_chart(last + 2, LEFT, chart, {"x_offset": 0, "y_offset": 6, "object_position": 1})
    return first, last, statuses


def write_budget(ctx: Context, ws) -> None:
    g, budget = Grid(ws, ctx.look), ctx.figs.budget
    write_title(ctx, ws, g, 6)
    row = TOP
    _section(g, row, ctx.t("budget.totals_title"), 2)
    for key, value, number in (("cover", budget.cover, "money"), ("lines", budget.lines_total, "money"),
                               ("difference", budget.difference, "money"), ("reserve", budget.reserve, "money"),
                               ("reserve_share", budget.reserve_share, "percent")):
        row += 1
        g.text(row, LEFT, ctx.t(f"budget.totals.{key}"), "label")
        g.number(row, LEFT + 1, value, number, "kpi")

    row += 2
    _section(g, row, ctx.t("budget.items_title"), 4)
    row += 1
    for i, key in enumerate(("item", "lines", "amount", "share")):
        g.text(row, LEFT + i, ctx.t(f"budget.items.{key}"), "header")
    items_first = row + 1
    for item in budget.items:
        row += 1
        g.text(row, LEFT, item.label)
        g.number(row, LEFT + 1, item.lines, "integer")
        g.number(row, LEFT + 2, item.amount, "money")
        g.number(row, LEFT + 3, item.share, "percent")
    items_last = row
    row += 1
    g.text(row, LEFT, ctx.t("common.total"), "total")
    g.number(row, LEFT + 1, sum(i.lines for i in budget.items), "integer", "total")
    g.number(row, LEFT + 2, budget.lines_total, "money", "total")
    g.number(row, LEFT + 3, 1.0 if budget.lines_total else None, "percent", "total")

    row += 2
    _section(g, row, ctx.t("budget.channels_title"), 6)
    row += 1
    for i, key in enumerate(("channel", "share", "planned", "lines", "difference", "status")):
        g.text(row, LEFT + i, ctx.t(f"budget.channels.{key}"), "header")
    colours = {"agrees": "good", "differs": "bad", "unknown": "neutral"}
    for ch in budget.channels:
        row += 1
        g.text(row, LEFT, ch.channel)
        g.number(row, LEFT + 1, ch.share, "percent")
        g.number(row, LEFT + 2, ch.planned, "money")
        g.number(row, LEFT + 3, ch.lines if budget.channel_lines else None, "money")
        g.number(row, LEFT + 4, ch.difference if budget.channel_lines else None, "money")
        g.text(row, LEFT + 5, ctx.t(f"budget.status.{ch.status}"), "center", status=colours[ch.status])
    if budget.channels:
        row += 1
        shares = [c.share for c in budget.channels if c.share is not None]
        planned = [c.planned for c in budget.channels if c.planned is not None]
        g.text(row, LEFT, ctx.t("common.total"), "total")
        g.number(row, LEFT + 1, sum(shares) if shares else None, "percent", "total")
        g.number(row, LEFT + 2, sum(planned) if planned else None, "money", "total")
        g.number(row, LEFT + 3, sum(c.lines for c in budget.channels) if budget.channel_lines else None, "money", "total")
        g.blank(row, LEFT + 4, "total")
        g.blank(row, LEFT + 5, "total")
    if not budget.channel_lines and budget.channels:
        row += 1
        g.text(row, LEFT, ctx.t("budget.no_channel_lines"), "note", measure=False)

    ws.set_column(0, 0, 2)
    g.fit(LEFT, 16, 30)
    for i in range(1, 6):
        g.fit(LEFT + i, 11, 16)
    g.fit_rows(ctx.line)
    if budget.items and budget.lines_total:
        chart = charts.budget_chart(ctx.workbook, ws.name, items_first, items_last, LEFT, LEFT + 2,
                                    ctx.t("budget.chart"), ctx.look.font)
        chart.set_size({"width": 420, "height": 300})
        ws.insert_chart(TOP, LEFT + 7, chart, {"x_offset": 0, "y_offset": 2, "object_position": 1})
    print_setup(ws, ctx.footer)
    ws.set_row(0, 30)


def write_channels(ctx: Context, ws) -> None:
    g, figs = Grid(ws, ctx.look), ctx.figs
    write_title(ctx, ws, g, 12, note=ctx.t("channels.note"))
    heads = ("channel", "target_impressions", "impressions", "impressions_rate", "clicks", "ctr",
             "expected_conversions", "conversions", "conversions_rate", "cvr", "budget", "cpa", "roi")
    row = TOP
    for i, key in enumerate(heads):
        g.text(row, LEFT + i, ctx.t(f"channels.columns.{key}"), "header")
    shown = [c for c in figs.channels if c.in_plan or c.rows]
    for ch in shown:
        row += 1
        _channel_row(ctx, g, row, ch, _channel_name(ctx, ch), "cell")
    row += 1
    total = figs.total
    plan = [c for c in figs.channels if c.in_plan]
    total.target_impressions = _sum(c.target_impressions for c in plan)
    total.expected_conversions = _sum(c.expected_conversions for c in plan)
    _channel_row(ctx, g, row, total, ctx.t("common.total"), "total")
    ws.set_column(0, 0, 2)
    g.fit(LEFT, 12, 26)
    for i in range(1, len(heads)):
        g.fit(LEFT + i, 10, 14)
    g.fit_rows(ctx.line)
    ws.freeze_panes(TOP + 1, LEFT + 1)
    print_setup(ws, ctx.footer, repeat=(TOP, TOP))
    ws.set_row(0, 30)
    if any(c.rows for c in shown):
        chart = charts.funnel_chart(ctx.workbook, ws.name, TOP + 1, TOP + len(shown), LEFT, TOP,
                                    [LEFT + 2, LEFT + 4, LEFT + 7], ctx.t("channels.chart"), ctx.look.font)
        chart.set_size({"width": 640, "height": 300})
        ws.insert_chart(row + 2, LEFT, chart, {"x_offset": 0, "y_offset": 6, "object_position": 1})


def write_daily(ctx: Context, ws):
    """The per-day table and its chart; returns a maker of the same chart for the Overview (or None)."""
    g, figs = Grid(ws, ctx.look), ctx.figs
    heads = ("date", "impressions", "clicks", "ctr", "conversions", "cvr", "target", "achievement")
    extra = [(c.key, _channel_name(ctx, c)) for c in figs.day_channels]
    if figs.other_channels:
        extra.append((OTHER, ctx.t("daily.other")))
    write_title(ctx, ws, g, len(heads) + len(extra) - 1, note=ctx.t("daily.note"))
    group_row, row = TOP, TOP + 1
    for i, key in enumerate(heads):
        ws.merge_range(group_row, LEFT + i, row, LEFT + i, "", ctx.look.get("header"))
        g.text(group_row, LEFT + i, ctx.t(f"daily.columns.{key}"), "header")
    first_extra = LEFT + len(heads)
    if extra:
        if len(extra) > 1:
            ws.merge_range(group_row, first_extra, group_row, first_extra + len(extra) - 1, "", ctx.look.get("group"))
        g.text(group_row, first_extra, ctx.t("daily.by_channel"), "group", measure=False)
        for i, (_, name) in enumerate(extra):
            g.text(row, first_extra + i, name, "header")
    for day in figs.days:
        row += 1
        g.number(row, LEFT, day.date, "date", "center")
        for i, (value, number) in enumerate(((day.impressions, "integer"), (day.clicks, "integer"), (day.ctr, "percent"),
                                             (day.conversions, "integer"), (day.cvr, "percent"),
                                             (day.target or None, "integer"), (day.achievement, "percent"))):
            status = None
            if i == 6 and value is not None:
                status = "good" if value >= 1 - 1e-9 else "bad"
            g.number(row, LEFT + 1 + i, value, number, status=status)
        for i, (key, _) in enumerate(extra):
            g.number(row, first_extra + i, day.by_channel.get(key, 0), "integer")
    if figs.days:
        row += 1
        days = figs.days
        imp, clicks, conv = (sum(getattr(d, k) for d in days) for k in ("impressions", "clicks", "conversions"))
        target = sum(d.target for d in days)
        hit = sum(d.target_conversions for d in days)
        g.text(row, LEFT, ctx.t("common.total"), "total")
        for i, (value, number) in enumerate(((imp, "integer"), (clicks, "integer"), (clicks / imp if imp else None, "percent"),
                                             (conv, "integer"), (conv / clicks if clicks else None, "percent"),
                                             (target or None, "integer"), (hit / target if target else None, "percent"))):
            g.number(row, LEFT + 1 + i, value, number, "total")
        for i, (key, _) in enumerate(extra):
            g.number(row, first_extra + i, sum(d.by_channel.get(key, 0) for d in days), "integer", "total")
    else:
        g.text(row + 1, LEFT, ctx.t("daily.empty"), "note", measure=False)
    ws.set_column(0, 0, 2)
    g.fit(LEFT, 11, 12)
    for i in range(1, len(heads) + len(extra)):
        g.fit(LEFT + i, 9, 16)
    g.fit_rows(ctx.line, skip=(group_row,))
    ws.freeze_panes(TOP + 2, LEFT + 1)
    print_setup(ws, ctx.footer, repeat=(TOP, TOP + 1))
    ws.set_row(0, 30)
    if not (figs.days and extra):
        return None
    first, last = TOP + 2, TOP + 1 + len(figs.days)

    def chart():
        return charts.daily_chart(ctx.workbook, ws.name, first, last, LEFT, TOP + 1,
                                  [first_extra + i for i in range(len(extra))], ctx.t("daily.chart"), ctx.look.font)

    here = chart()
    here.set_size({"width": max(CHART_W, min(1100, 80 + 22 * len(figs.days))), "height": 320})
    ws.insert_chart(TOP + 2, first_extra + len(extra) + 1, here, {"x_offset": 4, "y_offset": 0, "object_position": 1})
    if len(figs.days) > 31:
        # A long campaign prints its table alone, legibly; the chart prints on the Overview.
        ws.print_area(0, 0, last + 1, first_extra + len(extra) - 1)
    return chart


def write_findings(ctx: Context, ws, names: dict) -> None:
    g, figs = Grid(ws, ctx.look), ctx.figs
    heads = ("number", "severity", "code", "rule", "sheet", "cell", "message")
    note = ctx.t("findings.note")
    if figs.findings_total > len(figs.findings):
        note = ctx.t("findings.capped", total=f"{figs.findings_total:,}", shown=f"{len(figs.findings):,}",
                     per_rule=f"{MAX_PER_RULE:,}", sheet=names["overview"]) + " " + note
    write_title(ctx, ws, g, len(heads) - 1, note=note)
    row = TOP
    for i, key in enumerate(heads):
        g.text(row, LEFT + i, ctx.t(f"findings.columns.{key}"), "header")
    colours = {"error": "bad", "warning": "warn", "info": "neutral"}
    for n, f in enumerate(figs.findings, 1):
        row += 1
        g.number(row, LEFT, n, "integer", "center")
        g.text(row, LEFT + 1, ctx.t(f"severity.{f.severity}"), "center", status=colours.get(f.severity))
        g.text(row, LEFT + 2, f.code, "center")
        g.text(row, LEFT + 3, f.name)
        g.text(row, LEFT + 4, f.sheet if f.sheet is not None else ctx.t("findings.workbook"))
        where = f.cell or (ctx.t("findings.row", row=f.row) if f.row else "")
        g.link(row, LEFT + 5, _url(ctx.link_base, f), where or DASH)
        g.text(row, LEFT + 6, message(f, ctx.lang), measure=False)
    row = _write_accepted(ctx, g, figs, row)
    if not figs.findings and not figs.accepted:
        g.text(row + 1, LEFT, ctx.t("findings.empty"), "note", measure=False)
    else:
        ws.autofilter(TOP, LEFT, row, LEFT + len(heads) - 1)
    ws.set_column(0, 0, 2)
    g.fit(LEFT, 5, 7)
    g.fit(LEFT + 1, 7, 9)
    g.fit(LEFT + 2, 7, 8)
    g.fit(LEFT + 3, 14, 32)
    g.fit(LEFT + 4, 10, 18)
    g.fit(LEFT + 5, 7, 10)
    g.width(LEFT + 6, 72)
    g.fit_rows(ctx.line)
    ws.freeze_panes(TOP + 1, 0)
    print_setup(ws, ctx.footer, repeat=(TOP, TOP))
    ws.set_row(0, 30)


# Private API.

def _write_accepted(ctx: Context, g: Grid, figs, row: int) -> int:
    """Accepted findings after the others, greyed, with the reason (docs/accepting.md)."""
    for n, a in enumerate(figs.accepted, len(figs.findings) + 1):
        f, row = a.finding, row + 1
        g.number(row, LEFT, n, "integer", "center", status="muted")
        g.text(row, LEFT + 1, ctx.t("findings.accepted"), "center", status="muted")
        g.text(row, LEFT + 2, f.code, "center", status="muted")
        g.text(row, LEFT + 3, f.name, status="muted")
        g.text(row, LEFT + 4, f.sheet if f.sheet is not None else ctx.t("findings.workbook"), status="muted")
        where = f.cell or (ctx.t("findings.row", row=f.row) if f.row else "")
        g.text(row, LEFT + 5, where or DASH, status="muted")
        who = ", ".join(str(x) for x in (a.by, a.to_dict()["date"]) if x)
        reason = ctx.t("findings.reason", reason=a.reason or DASH) + (f" ({who})" if who else "")
        g.text(row, LEFT + 6, f"{message(f, ctx.lang)}\n{reason}", status="muted", measure=False)
    return row


def write_title(ctx: Context, ws, g: Grid, span: int, note: str | None = None) -> None:
    campaign = ctx.figs.cover["campaign"]
    title = ctx.t("common.title", campaign=campaign) if campaign else ctx.t("common.title_plain")
    ws.write_string(0, LEFT, f"{title} · {ws.name}" if ws.name != ctx.t("sheets.overview") else title,
                    ctx.look.get("title"))
    made = ctx.t("common.made_by", file=os.path.basename(ctx.figs.file), today=ctx.figs.today.isoformat())
    text = f"{note}  {made}" if note else made
    ws.merge_range(1, LEFT, 1, LEFT + span, "", ctx.look.get("subtitle"))
    ws.write_string(1, LEFT, text, ctx.look.get("subtitle"))


def _section(g: Grid, row: int, text: str, span: int, col: int = LEFT) -> None:
    g.text(row, col, text, "section", measure=False)
    for i in range(1, span):
        g.blank(row, col + i, "section")


def _channel_row(ctx: Context, g: Grid, row: int, ch, name: str, role: str) -> None:
    data = ch.rows > 0
    values = (
        (ch.target_impressions, "integer"), (ch.impressions if data else None, "integer"),
        (ch.impressions_rate, "percent"), (ch.clicks if data else None, "integer"), (ch.ctr, "percent"),
        (ch.expected_conversions, "integer"), (ch.conversions if data else None, "integer"),
        (ch.conversions_rate, "percent"), (ch.cvr, "percent"), (ch.budget, "money"), (ch.cpa, "money2"),
        (ch.roi, "ratio"),
    )
    g.text(row, LEFT, name, role)
    for i, (value, number) in enumerate(values):
        status = None
        if i in (2, 7) and value is not None and role != "total":
            status = "good" if value >= 1 - 1e-9 else "bad"
        if value is None and i in (1, 3, 6):
            g.blank(row, LEFT + 1 + i, role)   # a gap in the funnel chart, not a zero on its log scale
            continue
        g.number(row, LEFT + 1 + i, value, number, role, status=status)


def _channel_name(ctx: Context, ch) -> str:
    if ch.key == NONE:
        return ctx.t("channels.no_channel")
    return ch.name + ("" if ch.in_plan else ctx.t("channels.not_in_plan"))


def _amount(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return "money2"
    return "integer"


def _sum(values):
    values = [v for v in values if v is not None]
    return sum(values) if values else None


def _url(base: str | None, finding) -> str | None:
    """external:plan.xlsx#'Sheet'!F6 — the finding's cell (or row, or sheet) in the plan workbook."""
    if base is None:
        return None
    if finding.sheet is None:
        return "external:" + base
    cell = finding.cell or (f"A{finding.row}" if finding.row else "A1")
    return "external:" + base + "#'" + finding.sheet.replace("'", "''") + "'!" + cell

