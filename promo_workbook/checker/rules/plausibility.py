"""Plausibility, as a manager reads a plan (issue 12): rows pasted twice, a budget stated twice
that disagrees, a costed line of nothing, a cost that should rise, a goal set twice, "done"
with a note saying otherwise, and a daily log that skips a planned channel or a day."""
from __future__ import annotations

import datetime as dt

from ..lookup import fold, list_key, same_metric
from ..recompute import budget_total, expected_value
from ..registry import Rule, register
from ..view import PlanView, _np
from ._util import RowRule, TableRule, close, day, num
from .tables import neighbour_rows

_NAN = float("nan")

# Tables whose rows repeat by design or have a duplicate rule of their own: the daily metrics
# (T195 one row per day and channel, T198 a day repeating the day before), the channel plan
# (T173), SWOT and the persona (one row per fixed label), the review (a mirror of the goals).
_OWN_DUPLICATE_RULE = {"daily", "channels", "swot", "persona", "review"}


@register
class DuplicateRow(Rule):
    code = "S043"

    def run(self, plan: PlanView, config):
        for table in plan.tables.values():
            if table.key in _OWN_DUPLICATE_RULE or not table.rows:
                continue
            keys = [c.key for c in table.spec.columns if not c.derived and c.key not in table.missing]
            columns = [table.column(k) for k in keys]
            if any(c is None for c in columns):
                continue
            # Compared as held (text stripped): a pasted row holds what its original holds.
            seen: dict[tuple, int] = {}
            for i, values in enumerate(zip(*(c.raw for c in columns))):
                values = tuple(v.strip() if isinstance(v, str) else v for v in values)
                if sum(v not in (None, "") for v in values) < 2:
                    continue  # one cell is not a row's worth of content
                if values in seen:
                    row = table.rows[i]
                    first_key = next(k for k, v in zip(keys, values) if v not in (None, ""))
                    yield self.at(table, row.cell(first_key), row=row.row, first=table.rows.numbers[seen[values]])
                else:
                    seen[values] = i


def zero_quantity_rows(plan: PlanView):
    """Budget lines with a unit price and a quantity of zero (T165)."""
    return [r for r in plan.rows("budget") if r.num("quantity") == 0 and r.num("unit_price")]


@register
class ZeroQuantity(Rule):
    code = "T165"

    def run(self, plan: PlanView, config):
        table = plan.table("budget")
        for row in zero_quantity_rows(plan):
            yield self.at(table, row.cell("quantity"), actual=num(row.num("unit_price")), item=row.text("details") or "")


def _lines_total(plan: PlanView):
    """The budget lines as they should be (quantity × unit price; a subtotal typed wrong is T161's)."""
    amounts = [expected_value(plan, "budget", "subtotal", r) for r in plan.rows("budget")]
    return sum(a for a in amounts if a is not None) if any(a is not None for a in amounts) else budget_total(plan)


def cover_budget_agrees(plan: PlanView, config) -> bool:
    """The Cover's total budget is the budget lines' (or either is missing)."""
    cover = plan.cover.get("budget")
    total = _lines_total(plan)
    if cover is None or not cover.ok or not isinstance(cover.value, (int, float)) or not total:
        return True
    return close(cover.value, total, config["check"]["sum_tolerance"], 0.5)


@register
class CoverBudgetDiffers(Rule):
    code = "T166"

    def run(self, plan: PlanView, config):
        if zero_quantity_rows(plan) or cover_budget_agrees(plan, config):
            return  # a line of zero quantity (T165) is the likelier cause of a gap
        cover = plan.cover["budget"]
        yield self.at(None, cover, actual=num(cover.value), expected=num(_lines_total(plan)))


@register
class DailyRepeatsDayBefore(TableRule):
    code, table_key = "T198", "daily"

    def check(self, plan: PlanView, table, config):
        np = _np()
        before, _ = neighbour_rows(table)
        series = [np.array([_NAN if v is None else v for v in table.values_of(k)], dtype=float)
                  for k in ("impressions", "ctr", "conversions")]
        has = before >= 0
        j = np.where(has, before, 0)
        with np.errstate(invalid="ignore"):
            same = has & np.logical_and.reduce([(s == s[j]) & ~np.isnan(s) for s in series]) & (series[0] > 0)
        for i in np.flatnonzero(same).tolist():
            row = table.rows[i]
            yield self.at(table, row.cell("impressions"), row=row.row, channel=row.text("channel"),
                          date=day(row.date("date")), first=table.rows.numbers[int(before[i])])


def _is_cost(plan: PlanView, metric: str | None) -> bool:
    folded = fold(metric)
    return bool(folded) and any(fold(w) in folded for w in plan.spec.workbook["cost_words"])


@register
class CostHigherIsBetter(RowRule):
    code, table_key = "T203", "goals"

    def check_row(self, plan: PlanView, table, row, config):
        if _is_cost(plan, row.text("metric")) and list_key(plan.spec, "direction", row.text("direction")) == "higher":
            yield self.at(table, row.cell("direction"), metric=row.text("metric"), actual=row.text("direction"))


@register
class GoalTwice(TableRule):
    code, table_key = "T204", "goals"

    def check(self, plan: PlanView, table, config):
        earlier = []
        for row in table.rows:
            metric = row.text("metric")
            if not metric:
                continue
            # By name only: 销量 and 订单数 are one kind of metric, and may well be two goals.
            first = next((r for r in earlier if same_metric(plan.spec, r.text("metric"), metric, by_kind=False)), None)
            if first is not None:
                yield self.at(table, row.cell("metric"), metric=metric, first=first.row)
            else:
                earlier.append(row)


@register
class DoneButNoteSaysNot(TableRule):
    code, table_key = "T223", "checklist"

    def check(self, plan: PlanView, table, config):
        words = [fold(w) for w in plan.spec.workbook["not_done_words"]]
        for row in table.rows:
            note = fold(row.text("notes"))
            if note and list_key(plan.spec, "yes_no", row.text("done")) == "yes" and any(w and w in note for w in words):
                yield self.at(table, row.cell("done"), check=row.text("check") or "", note=row.text("notes"))


def daily_gaps(plan: PlanView) -> list[tuple[str, list[int]]]:
    """(channel as planned, missing day ordinals) for each planned channel with no daily row on
    a day inside the log's span; a day with a row under a channel not in the plan (a typo,
    X281) is not a gap."""
    def find():
        planned = {fold(r.text("channel")): r.text("channel") for r in plan.rows("channels") if r.text("channel")}
        if plan.table("daily") is None or not planned:
            return []
        days: dict[str, set] = {}
        strays = set()
        for date, name in zip(plan.table("daily").values_of("date", "date"), plan.table("daily").values_of("channel", "text")):
            if date and name:
                if fold(name) in planned:
                    days.setdefault(fold(name), set()).add(date.toordinal())
                else:
                    strays.add(date.toordinal())
        logged = set().union(*days.values()) if days else set()
        if not logged:
            return []
        span = range(min(logged), max(logged) + 1)
        out = []
        for channel, name in planned.items():
            missing = [d for d in span if d not in days.get(channel, set()) and d not in strays]
            if missing:
                out.append((name, missing))
        return out
    return plan.memo("daily_gaps", find)


def _first_rows(table) -> dict:
    """(day's ordinal, folded channel) -> the first row holding them."""
    where: dict = {}
    names = table.values_of("channel", "text")
    folded = {name: fold(name) for name in set(names) if name}
    for i, (date, name) in enumerate(zip(table.values_of("date", "date"), names)):
        if date and name:
            where.setdefault((date.toordinal(), folded[name]), i)
    return where


@register
class DailyGaps(TableRule):
    code, table_key = "X282", "daily"

    def check(self, plan: PlanView, table, config):
        where = None
        for name, missing in daily_gaps(plan):
            if where is None:  # each day and channel's first row: looked up only for a gap
                where = _first_rows(table)
            # At the channel's row of the day before the first gap, where the missing row goes.
            i = where.get((missing[0] - 1, fold(name)), where.get((missing[-1] + 1, fold(name))))
            row = table.rows[i] if i is not None else table.rows[0]
            shown = [day(dt.date.fromordinal(d)) for d in missing[:5]] + (["…"] if len(missing) > 5 else [])
            yield self.at(table, row.cell("date"), row=row.row, channel=name, actual=", ".join(shown),
                          count=len(missing))
