# daily.py: the summary's channel and day figures, from the daily metrics in one pass.
"""Channels (planned and found in the daily log) and days, with the funnel's rates: the
daily-metrics table aggregated per (date, channel) in one pass, reading the rows the view's
columns describe from the arrays and building only the others."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..checker import view as _view
from ..checker.lookup import fold
from ..checker.recompute import clicks as clicks_of
from ..checker.recompute import expected_value

MAX_DAY_CHANNELS = 8          # channel columns (chart series) on the daily sheet; the rest are "other"
NUMBERS = frozenset((int, float))
EMPTY = frozenset(("empty", "placeholder"))   # a cell not filled in
DAILY_READ = ("date", "channel", "impressions", "ctr", "conversions")   # the cells daily_figures counts as filled
OTHER = "\x00other"   # the key of the daily sheet's "other channels" column
NONE = "\x00none"     # daily rows with no channel


def _div(a, b):
    if a is None or not b:
        return None
    return a / b


def _ratio(numerator: str, denominator: str, *, reported: bool = False) -> property:
    """A read-only ratio of two fields; ``reported``: None until the daily log has a row."""
    def ratio(self):
        if reported and not self.rows:
            return None
        return _div(getattr(self, numerator), getattr(self, denominator))
    return property(ratio, doc=f"{numerator} / {denominator}")


class _Funnel:
    """Click-through and conversion rates of anything with impressions, clicks and conversions."""

    ctr = _ratio("clicks", "impressions")
    cvr = _ratio("conversions", "clicks")


@dataclass
class Channel(_Funnel):
    name: str
    in_plan: bool
    key: str = ""               # the folded name: the key of Day.by_channel
    target_impressions: float | None = None
    expected_conversions: float | None = None
    budget: float | None = None
    impressions: float = 0
    clicks: float = 0
    conversions: float = 0
    rows: int = 0
    revenue: float | None = None

    impressions_rate = _ratio("impressions", "target_impressions", reported=True)
    conversions_rate = _ratio("conversions", "expected_conversions", reported=True)
    cpa = _ratio("budget", "conversions")
    roi = _ratio("revenue", "budget")


@dataclass
class Day(_Funnel):
    date: dt.date
    rows: int = 0
    impressions: float = 0
    clicks: float = 0
    conversions: float = 0
    target: float = 0
    target_conversions: float = 0   # conversions on the rows that have a daily target
    by_channel: dict[str, float] = field(default_factory=dict)

    achievement = _ratio("target_conversions", "target")



def daily_figures(view):
    """One pass over the daily metrics, gathered per (date, channel); channels, days and the
    total are then added up from those few groups.

    Clicks are the checker's (``recompute.clicks``: impressions × CTR rounded; a typed number
    only where the cell holds no formula)."""
    plan_channels: dict[str, Channel] = {}
    for row in view.rows("channels"):
        name = row.text("channel")
        if not name or fold(name) in plan_channels:
            continue
        budget = expected_value(view, "channels", "budget_amount", row)
        plan_channels[fold(name)] = Channel(name, True, fold(name), row.num("target_impressions"),
                                            row.num("expected_conversions"), budget)
    groups: dict[tuple, list] = {}    # (date or None, channel key) -> [rows, impressions, clicks, conversions,
    keys: dict = {}                   #   target, conversions on rows with a target]; raw channel -> (key, name)
    filled = 0                        # of the cells in DAILY_READ, those filled in (for completeness)
    for n, raw, date, impressions, ctr, typed_clicks, conversions, target in _daily_rows(view):
        filled += n
        found = keys.get(raw)
        if found is None:
            name = str(raw).strip() if raw is not None else ""
            found = keys[raw] = (fold(name) if name else NONE, name)
        group = groups.get((date, found))
        if group is None:
            group = groups[(date, found)] = [0, 0, 0, 0, 0, 0]
        group[0] += 1
        if impressions is not None:
            group[1] += impressions
        row_clicks = clicks_of(impressions, ctr, typed_clicks)
        if row_clicks is not None:
            group[2] += row_clicks
        if conversions is not None:
            group[3] += conversions
            if target:
                group[4] += target
                group[5] += conversions

    extra: dict[str, Channel] = {}
    total = Channel("", False)
    days: dict[dt.date, Day] = {}
    for (date, (key, name)), (rows, impressions, clicks, conversions, target, hit) in groups.items():
        channel = plan_channels.get(key) or extra.get(key)
        if channel is None:
            channel = extra[key] = Channel(name, False, key)
        for bucket in (channel, total):
            bucket.rows += rows
            bucket.impressions += impressions
            bucket.clicks += clicks
            bucket.conversions += conversions
        if date is None:
            continue
        day = days.get(date)
        if day is None:
            day = days[date] = Day(date)
        day.rows += rows
        day.impressions += impressions
        day.clicks += clicks
        day.conversions += conversions
        day.target += target
        day.target_conversions += hit
        if conversions:
            day.by_channel[key] = day.by_channel.get(key, 0) + conversions
    channels = list(plan_channels.values()) + list(extra.values())
    with_data = [c for c in channels if c.rows]
    other = len(with_data) > MAX_DAY_CHANNELS
    if other:
        top = {id(c) for c in sorted(with_data, key=lambda c: -c.conversions)[: MAX_DAY_CHANNELS - 1]}
        with_data = [c for c in with_data if id(c) in top]
        shown = {c.key for c in with_data}
        for day in days.values():
            rest = sum(v for k, v in day.by_channel.items() if k not in shown)
            if rest:
                day.by_channel[OTHER] = rest
    return channels, total, [days[d] for d in sorted(days)], with_data, other, filled


DAILY_ROW = ("channel", "date", "impressions", "ctr", "clicks", "conversions", "daily_target")


def _daily_rows(view):
    """Per daily row: (cells of DAILY_READ filled in, channel as typed, date, impressions, CTR,
    clicks typed by hand, conversions, daily target), each None when not a usable value.

    Rows whose cells the view's columns describe (Column.plain) are read from the columns;
    the others are built and read cell by cell, the same way.
    """
    table = view.table("daily")
    if table is None:
        return
    rows = table.rows
    columns = {key: table.column(key) for key in DAILY_ROW}
    if any(c is None for c in columns.values()) or table.exhaustive:
        yield from (_daily_row(row) for row in rows)
        return
    np = _view._np()
    plain = np.logical_and.reduce([c.plain for c in columns.values()])
    typed = columns["clicks"].tid < 0 if columns["clicks"].tid is not None else np.ones(len(plain), dtype=bool)
    lists = {}
    for key in ("impressions", "ctr", "clicks", "conversions", "daily_target"):
        values = columns[key].num.tolist()
        whole = key != "ctr"  # a whole number is read as an int, as the parser reads it
        lists[key] = [None if v != v else int(v) if whole and v.is_integer() else v for v in values]
    channel, date = columns["channel"], columns["date"]
    counted = np.add.reduce([~columns[k].empty for k in DAILY_READ]).tolist()
    for i, ok in enumerate(plain.tolist()):
        if not ok:
            yield _daily_row(rows[i])
            continue
        clicks = lists["clicks"][i] if typed[i] else None
        target = lists["daily_target"][i]
        yield (counted[i], channel.text[i], date.date[i], lists["impressions"][i], lists["ctr"][i], clicks,
               lists["conversions"][i], target if target else None)


def _daily_row(row) -> tuple:
    numbers, empty = NUMBERS, EMPTY
    get = row.cells.get
    filled = sum(1 for key in DAILY_READ if (c := get(key)) is not None and c.status not in empty)
    c = get("channel")
    raw = None if c is None or c.status == "empty" else (c.value if isinstance(c.value, str) else c.raw)
    c = get("date")
    date = c.value if c is not None and c.status == "ok" else None
    if date is not None and type(date) is not dt.date:
        date = date.date() if isinstance(date, dt.datetime) else date if isinstance(date, dt.date) else None

    def number(key):
        c = get(key)
        return c.value if c is not None and c.status == "ok" and type(c.value) in numbers else None

    c = get("clicks")
    clicks = number("clicks") if c is not None and c.formula is None else None
    target = number("daily_target")
    return filled, raw, date, number("impressions"), number("ctr"), clicks, number("conversions"), target or None


