# figures.py: every number the summary shows, computed from the checker's PlanView.
"""The summary's figures, worked out once from the plan as the checker sees it.

    compute(view, report) -> Figures

Nothing here is read back from a cached formula result: derived values come from the
checker's own arithmetic (``check/recompute.py``) and goals are matched by metric as the
checker matches them (``check/lookup.py``). The sheets only lay these numbers out, so a test
can compare the workbook cell by cell with this object. Large tables are aggregated here in
one pass; no raw row reaches the summary.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field

from ..check.model import SEVERITY_RANK
from ..check.lookup import direction_of_metric, fold, list_key, metric_kind
from ..check import view as _view
from ..check.recompute import budget_total, expected_value, line_amount
from ..check.recompute import clicks as clicks_of

SEVERITY_ORDER = SEVERITY_RANK
MAX_DAY_CHANNELS = 8          # channel columns (chart series) on the daily sheet; the rest are "other"
MAX_FINDING_ROWS = 5000       # findings listed one per row; all are counted by rule
MAX_PER_RULE = 500            # of one rule: 200,000 "daily change" notes are a count, not a list


# Public API.

@dataclass
class Completeness:
    number: int
    key: str
    title: str
    sheet: str | None          # as found in the workbook; None when the table is missing
    rows: int = 0
    filled: int = 0
    required: int = 0

    @property
    def share(self) -> float | None:
        return self.filled / self.required if self.required else None

    @property
    def status(self) -> str:
        if self.sheet is None:
            return "missing"
        if not self.rows:
            return "empty"
        return "complete" if self.filled == self.required else "partial"


@dataclass
class Goal:
    dimension: str | None
    metric: str | None
    direction: str              # higher | lower
    unit: str | None
    target: float | None
    actual: float | None
    achievement: float | None
    analysis: str | None

    @property
    def status(self) -> str:
        if self.achievement is None:
            return "pending"
        return "met" if self.achievement >= 1 - 1e-9 else "missed"


@dataclass
class BudgetItem:
    key: str | None             # the budget_item list key, None for an item typed outside the list
    label: str
    lines: int
    amount: float
    share: float | None


@dataclass
class ChannelBudget:
    channel: str
    share: float | None
    planned: float | None
    lines: float
    status: str                 # agrees | differs | unknown

    @property
    def difference(self) -> float | None:
        return self.lines - self.planned if self.planned is not None else None


@dataclass
class Budget:
    cover: float | None
    lines_total: float | None
    reserve: float | None
    items: list[BudgetItem]
    channels: list[ChannelBudget]
    channel_lines: bool         # whether any budget line names its channel
    reserve_range: tuple = (0.10, 0.15)  # the check's [check] reserve_min/reserve_max

    @property
    def reserve_status(self) -> str | None:
        """"good" when the reserve's share is inside the configured range, "bad" outside, None unknown."""
        share = self.reserve_share
        if share is None:
            return None
        low, high = self.reserve_range
        return "good" if low - 1e-9 <= share <= high + 1e-9 else "bad"

    @property
    def difference(self) -> float | None:
        if self.cover is None or self.lines_total is None:
            return None
        return self.lines_total - self.cover

    @property
    def reserve_share(self) -> float | None:
        if self.reserve is None or not self.lines_total:
            return None
        return self.reserve / self.lines_total


class _Funnel:
    """Click-through and conversion rates of anything with impressions, clicks and conversions."""

    @property
    def ctr(self):
        return _div(self.clicks, self.impressions)

    @property
    def cvr(self):
        return _div(self.conversions, self.clicks)


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

    @property
    def impressions_rate(self):
        return _div(self.impressions, self.target_impressions) if self.rows else None

    @property
    def conversions_rate(self):
        return _div(self.conversions, self.expected_conversions) if self.rows else None

    @property
    def cpa(self):
        return _div(self.budget, self.conversions)

    @property
    def roi(self):
        return _div(self.revenue, self.budget)


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

    @property
    def achievement(self):
        return _div(self.target_conversions, self.target)


@dataclass
class RuleCount:
    code: str
    name: str
    severity: str
    count: int


@dataclass
class Figures:
    lang: str
    file: str
    today: dt.date
    cover: dict                       # campaign, product, scenario, start, end, owner, budget, currency
    counts: dict[str, int]            # error / warning / info
    completeness: list[Completeness]
    goals: list[Goal]
    budget: Budget
    channels: list[Channel]           # the plan's channels, then channels found only in the daily metrics
    total: Channel                    # every daily row, whatever its channel
    days: list[Day]
    day_channels: list[Channel]       # the daily sheet's channel columns (Day.by_channel[channel.key])
    other_channels: bool              # whether an "other channels" column (Day.by_channel[OTHER]) gathers the rest
    revenue: float | None
    rules: list[RuleCount]
    findings: list                    # check.Finding, errors first, at most MAX_PER_RULE of a rule, MAX_FINDING_ROWS in all
    findings_total: int

    @property
    def goals_met(self) -> int:
        return sum(1 for g in self.goals if g.status == "met")

    @property
    def roi(self):
        return _div(self.revenue, self.budget.lines_total)

    @property
    def cpa(self):
        return _div(self.budget.lines_total, self.total.conversions)


def compute(view, report, *, lang: str | None = None, file: str | None = None) -> Figures:
    """All figures of the summary, from the checker's PlanView and the check's Report; labels
    (table titles, budget items) in ``lang``, by default the report's."""
    lang = lang or report.lang or view.lang
    spec = view.spec
    counts = {s: report.count(s) for s in SEVERITY_ORDER}
    budget = _budget(view, lang, view.config["check"])
    channels, total, days, day_channels, other, daily_filled = _daily(view)
    revenue = _revenue(view)
    if revenue is not None and total.conversions:
        for ch in channels:
            ch.revenue = revenue * ch.conversions / total.conversions if ch.rows else None
    total.revenue = revenue
    total.budget = budget.lines_total
    ordered = sorted(report.findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 3))
    listed, per_rule = [], Counter()
    for f in ordered:
        if per_rule[f.code] < MAX_PER_RULE:
            per_rule[f.code] += 1
            listed.append(f)
            if len(listed) == MAX_FINDING_ROWS:
                break
    return Figures(
        lang=lang, file=file or str(view.path), today=view.today, cover=_cover(view),
        counts=counts, completeness=_completeness(view, spec, lang, {"daily": (DAILY_READ, daily_filled)}),
        goals=_goals(view),
        budget=budget, channels=channels, total=total, days=days, day_channels=day_channels,
        other_channels=other, revenue=revenue, rules=_rules(report.findings),
        findings=listed, findings_total=len(report.findings))


NUMBERS = frozenset((int, float))
EMPTY = frozenset(("empty", "placeholder"))   # a required cell not filled in
DAILY_READ = ("date", "channel", "impressions", "ctr", "conversions")   # the cells _daily counts as filled
OTHER = "\x00other"   # the key of the daily sheet's "other channels" column
NONE = "\x00none"     # daily rows with no channel


# Private API.

def _div(a, b):
    if a is None or not b:
        return None
    return a / b


def _number(cell):
    if cell is None or not cell.ok or isinstance(cell.value, bool) or not isinstance(cell.value, (int, float)):
        return None
    return cell.value


def _cover(view) -> dict:
    out = {}
    for key in ("campaign", "product", "scenario", "owner", "currency"):
        cell = view.cover.get(key)
        text = None
        if cell is not None and cell.status not in ("empty", "placeholder") and cell.raw is not None:
            text = str(cell.value if isinstance(cell.value, str) else cell.raw).strip() or None
        out[key] = text
    out["start"], out["end"] = view.start, view.end
    out["budget"] = _number(view.cover.get("budget"))
    return out


def _completeness(view, spec, lang: str, counted: dict | None = None) -> list[Completeness]:
    """Filled required cells per table; ``counted`` gives {table: (columns, filled)} already
    counted in another pass (the daily metrics' own), used when those are the required ones."""
    counted = counted or {}
    out = []
    for table in spec.tables:
        found = view.table(table.key)
        item = Completeness(table.number, table.key, table.title(lang), found.sheet if found else None)
        if found is not None:
            required = [c.key for c in table.columns if c.required]
            item.rows = len(found.rows)
            item.required = item.rows * len(required)
            if table.key in counted and set(required) == set(counted[table.key][0]):
                item.filled = counted[table.key][1]
                out.append(item)
                continue
            item.filled = _filled(found, required)
        out.append(item)
    return out


def _filled(table, keys) -> int:
    """How many of the ``keys`` cells of the table's rows are filled in (status not in EMPTY);
    from the columns where they describe the cell, else from the built row."""
    rows = table.rows
    columns = [table.column(key) for key in keys]
    if any(c is None for c in columns) or table.exhaustive:
        return sum(1 for row in rows for key in keys
                   if (cell := row.cells.get(key)) is not None and cell.status not in EMPTY)
    filled = 0
    for key, col in zip(keys, columns):
        known = col.described
        filled += int((known & ~col.empty).sum())
        for i in _view._np().flatnonzero(~known).tolist():
            cell = rows[i].cells.get(key)
            filled += cell is not None and cell.status not in EMPTY
    return filled


def _goals(view) -> list[Goal]:
    reviews = {}
    for row in view.rows("review"):
        metric = row.text("metric")
        if metric:
            reviews.setdefault(fold(metric), row)
    out, seen = [], set()
    for row in view.rows("goals"):
        metric = row.text("metric")
        if not metric and row.num("target") is None:
            continue
        review = reviews.get(fold(metric)) if metric else None
        seen.add(fold(metric))
        out.append(_goal(view, metric, row, review))
    for key, review in reviews.items():
        if key not in seen:
            out.append(_goal(view, review.text("metric"), None, review))
    return out


def _goal(view, metric, goal, review) -> Goal:
    target_cell = (review.cell("target") if review is not None and review.num("target") is not None
                   else goal.cell("target") if goal is not None else None)
    target = _number(target_cell)
    direction = direction_of_metric(view, metric, target_cell)
    first = goal if goal is not None else review
    return Goal(
        dimension=first.text("dimension"), metric=metric, direction=direction,
        unit=goal.text("unit") if goal is not None else None, target=target,
        actual=review.num("actual") if review is not None else None,
        achievement=expected_value(view, "review", "achievement", review) if review is not None else None,
        analysis=review.text("analysis") if review is not None else None)


def _budget(view, lang: str, settings: dict) -> Budget:
    tolerance = settings["sum_tolerance"]
    spec = view.spec
    total = budget_total(view)
    amounts: dict[str, list] = {}
    labels: dict[str, tuple] = {}
    reserve = None
    lines = view.rows("budget")
    for row in lines:
        text = row.text("item")
        amount = line_amount(view, row)
        if text is None and amount is None:
            continue
        key = list_key(spec, "budget_item", text)
        group = key or ("?" + fold(text) if text else "other")
        if group not in labels:
            label = spec.list_label("budget_item", key, lang) if key else (text or spec.list_label("budget_item", "other", lang))
            labels[group] = (key or ("other" if not text else None), label)
        slot = amounts.setdefault(group, [0, 0.0])
        slot[0] += 1
        slot[1] += amount or 0.0
        if key == "reserve" and amount is not None:
            reserve = (reserve or 0.0) + amount
    order = [item.key for item in spec.lists["budget_item"]]
    groups = sorted(amounts, key=lambda g: (order.index(g) if g in order else len(order), g))
    items = [BudgetItem(labels[g][0], labels[g][1], amounts[g][0], amounts[g][1], _div(amounts[g][1], total))
             for g in groups]

    tied = [r for r in lines if r.text("channel")]
    cover = _number(view.cover.get("budget"))
    base = cover if cover is not None else total
    channels = []
    for row in view.rows("channels"):
        name = row.text("channel")
        if not name:
            continue
        share = row.num("budget_share")
        planned = share * base if share is not None and base else None
        spent = sum(line_amount(view, r) or 0.0 for r in tied if fold(r.text("channel")) == fold(name))
        if not tied or planned is None:
            status = "unknown"
        else:
            status = "agrees" if math.isclose(spent, planned, rel_tol=max(tolerance, 0.005), abs_tol=0.5) else "differs"
        channels.append(ChannelBudget(name, share, planned, spent, status))
    return Budget(cover, total, reserve, items, channels, bool(tied),
                  (settings["reserve_min"], settings["reserve_max"]))


def _daily(view):
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


def _revenue(view) -> float | None:
    """The review's actual of its first revenue metric (GMV, 销售额, ...), as the ROI rule takes it."""
    for row in view.rows("review"):
        if metric_kind(view.spec, row.text("metric")) == "revenue" and row.num("actual") is not None:
            return row.num("actual")
    return None


def _rules(findings) -> list[RuleCount]:
    counts = Counter(f.code for f in findings)
    first = {}
    for f in findings:
        first.setdefault(f.code, f)
    return sorted((RuleCount(c, first[c].name, first[c].severity, n) for c, n in counts.items()),
                  key=lambda r: (SEVERITY_ORDER.get(r.severity, 3), -r.count, r.code))
