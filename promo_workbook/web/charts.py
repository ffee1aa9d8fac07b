# charts.py: the report page's key figures and charts, laid out as numbers for inline SVG.
"""The report page draws three charts from the summary's figures (engine.py hands them over as
plain data): the budget split, goal achievement and conversions per day. This module works out
every rectangle and line; the template only loops over them and writes SVG elements, so the
page needs no script and no chart library to show them.

    budget_chart(figures)   goals_chart(figures)   daily_chart(figures)   key_figures(figures)
"""
from __future__ import annotations

import math

__all__ = ["budget_chart", "goals_chart", "daily_chart", "key_figures", "number", "percent"]

WIDTH = 360            # the SVG's viewBox width: about the card's width on a phone and on a desk
ROW = 40               # height of one labelled bar
LABEL_MAX = 26         # characters of a label drawn before it is cut with …


# Public API.

def number(value, digits: int | None = None) -> str:
    """1234567.0 -> 1,234,567; 12.345 -> 12.35; None -> —."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if digits is None:
        digits = 0 if float(value).is_integer() or abs(value) >= 1000 else 2
    return f"{value:,.{digits}f}"


def percent(value) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value * 100:.1f}%"


def key_figures(figures: dict | None) -> list[dict]:
    """[{key, value}] of the figures the page shows in tiles; empty ones left out."""
    if not figures:
        return []
    budget, total = figures.get("budget") or {}, figures.get("total") or {}
    goals = figures.get("goals") or []
    tables = figures.get("completeness") or []
    tiles = [
        ("fig.budget", number(budget.get("cover")), budget.get("cover") is not None),
        ("fig.lines_total", number(budget.get("lines_total")), budget.get("lines_total") is not None),
        ("fig.reserve_share", percent(budget.get("reserve_share")), budget.get("reserve_share") is not None),
        ("fig.goals_met", f"{figures.get('goals_met', 0)} / {len(goals)}", bool(goals)),
        ("fig.impressions", number(total.get("impressions")), bool(total.get("rows"))),
        ("fig.clicks", number(total.get("clicks")), bool(total.get("rows"))),
        ("fig.conversions", number(total.get("conversions")), bool(total.get("rows"))),
        ("fig.ctr", percent(total.get("ctr")), total.get("ctr") is not None),
        ("fig.cvr", percent(total.get("cvr")), total.get("cvr") is not None),
        ("fig.cpa", number(figures.get("cpa"), 2), figures.get("cpa") is not None),
        ("fig.roi", number(figures.get("roi"), 2), figures.get("roi") is not None),
        ("fig.tables", f"{sum(1 for t in tables if t.get('status') == 'complete')} / {len(tables)}", bool(tables)),
    ]
    return [{"key": key, "value": value} for key, value, shown in tiles if shown]


def budget_chart(figures: dict | None) -> dict | None:
    """A labelled horizontal bar per budget item: its amount and share of the lines' total."""
    items = [i for i in ((figures or {}).get("budget") or {}).get("items", []) if (i.get("amount") or 0) > 0]
    if not items:
        return None
    top = max(i["amount"] for i in items)
    bars = []
    for n, item in enumerate(items):
        y = n * ROW
        bars.append({"label": _cut(item["label"]), "title": item["label"], "y": y + 15, "bar_y": y + 21,
                     "width": _w(item["amount"], top), "value": f"{number(item['amount'])} · {percent(item.get('share'))}",
                     "tone": "reserve" if item.get("key") == "reserve" else "plan"})
    return {"width": WIDTH, "height": len(items) * ROW + 4, "bars": bars}


def goals_chart(figures: dict | None) -> dict | None:
    """A bar per goal: its direction-aware achievement, with a line at 100%."""
    goals = [g for g in (figures or {}).get("goals", []) if g.get("metric")]
    if not goals:
        return None
    top = max([1.5] + [g["achievement"] for g in goals if g.get("achievement") is not None])
    top = min(top, 5.0)  # one goal at 10,000% must not flatten the others
    bars = []
    for n, goal in enumerate(goals):
        y = n * ROW
        value = goal.get("achievement")
        bars.append({"label": _cut(goal["metric"]), "title": goal["metric"], "y": y + 15, "bar_y": y + 21,
                     "width": _w(min(value, top), top) if value is not None else 0,
                     "value": percent(value) if value is not None else None, "status": goal.get("status", "pending")})
    return {"width": WIDTH, "height": len(goals) * ROW + 16, "bars": bars, "hundred": _w(1.0, top),
            "top": len(goals) * ROW}


def daily_chart(figures: dict | None) -> dict | None:
    """Columns of conversions per day, a line of the daily target, a few date and value ticks."""
    days = (figures or {}).get("days") or []
    if not days or not any((d.get("conversions") or 0) or (d.get("target") or 0) for d in days):
        return None
    left, right, top_pad, plot_h = 46, 6, 8, 170
    plot_w = WIDTH - left - right
    top = _nice(max(max(d.get("conversions") or 0 for d in days), max(d.get("target") or 0 for d in days)))
    step = plot_w / len(days)
    columns, points = [], []
    for n, day in enumerate(days):
        value = max(0.0, day.get("conversions") or 0)
        h = plot_h * value / top
        x = left + n * step
        columns.append({"x": round(x + step * 0.15, 2), "y": round(top_pad + plot_h - h, 2),
                        "width": round(max(step * 0.7, 0.5), 2), "height": round(h, 2),
                        "title": f"{day['date']}: {number(value)}"})
        if day.get("target"):
            points.append(f"{x + step / 2:.2f},{top_pad + plot_h - plot_h * day['target'] / top:.2f}")
    every = max(1, math.ceil(len(days) / 5))
    xticks = [{"x": round(left + n * step + step / 2, 2), "label": days[n]["date"][5:]}
              for n in range(0, len(days), every)]
    yticks = [{"y": round(top_pad + plot_h - plot_h * f, 2), "label": number(top * f)} for f in (0, 0.5, 1)]
    return {"width": WIDTH, "height": top_pad + plot_h + 24, "left": left, "right": WIDTH - right,
            "bottom": top_pad + plot_h, "columns": columns, "target": " ".join(points) if len(points) > 1 else None,
            "xticks": xticks, "yticks": yticks, "label_y": top_pad + plot_h + 17,
            "cut": figures.get("days_total", len(days)) > len(days), "shown": len(days),
            "total": figures.get("days_total", len(days))}


# Private API.

def _w(value: float, top: float) -> float:
    return round(max(0.0, WIDTH * 0.58 * value / top), 2) if top else 0.0


def _cut(text: str) -> str:
    text = str(text)
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def _nice(value: float) -> float:
    """A round number at or above ``value``: 1, 2, 2.5, 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * power:
            return factor * power
    return 10 * power
