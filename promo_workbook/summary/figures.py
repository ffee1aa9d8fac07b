# figures.py: every number the summary shows, computed from the checker's PlanView.
"""The summary's figures, worked out once from the plan as the checker sees it.

    compute(view, report) -> Figures

Nothing here is read back from a cached formula result: derived values come from the
checker's own arithmetic (``checker/recompute.py``) and goals are matched by metric as the
checker matches them (``checker/lookup.py``). The sheets only lay these numbers out, so a test
can compare the workbook cell by cell with this object. Large tables are aggregated here in
one pass; no raw row reaches the summary.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field

from ..checker.model import SEVERITY_RANK
from ..checker.lookup import direction_of_metric, fold, list_key, metric_kind
from ..checker import view as _view
from ..checker.recompute import budget_total, expected_value, line_amount
from .daily import (DAILY_READ, EMPTY, MAX_DAY_CHANNELS, NONE, OTHER, Channel, Day,  # noqa: F401 (re-exported)
                    _div, daily_figures)

SEVERITY_ORDER = SEVERITY_RANK
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
    accepted: list = field(default_factory=list)  # check.accept.Accepted, at most MAX_FINDING_ROWS

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
    channels, total, days, day_channels, other, daily_filled = daily_figures(view)
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
        findings=listed, findings_total=len(report.findings),
        accepted=list(getattr(report, "accepted", ()))[:MAX_FINDING_ROWS])




# Private API.



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
