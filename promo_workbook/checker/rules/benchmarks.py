"""Family B, benchmarks (docs/checks.md F 33): the reference figures of the other seeds. Advice,
not laws: every rule here is info-level and its threshold configurable ([benchmarks])."""
from __future__ import annotations

from ..lookup import fold, metric_kind
from ..recompute import budget_total, line_amount
from ..registry import Rule, register
from ..view import PlanView
from ._util import num, pct


def _actual(plan: PlanView, kind: str):
    """(row, value) of the review's actual for a metric kind, else the goal's target, else None."""
    for key, column in (("review", "actual"), ("goals", "target")):
        for row in plan.rows(key):
            if metric_kind(plan.spec, row.text("metric")) == kind and row.num(column) is not None:
                return row, row.num(column), key
    return None, None, None


def _daily_sum(plan: PlanView, column: str):
    values = [v for v in plan.values_of("daily", column) if v is not None]
    return sum(values) if values else None


def _achieved(plan: PlanView, kind: str):
    """(row, value, source) as _actual, but a goal's target gives way to the daily log's total
    of that kind (its column has the kind's name) when there is one: what was done, if known."""
    row, value, source = _actual(plan, kind)
    if row is None or source != "review":
        value = _daily_sum(plan, kind) or value
    return row, value, source


@register
class Roi(Rule):
    code = "B331"

    def run(self, plan, config):
        row, revenue, source = _actual(plan, "revenue")
        budget = budget_total(plan)
        if revenue is None or not budget:
            return
        roi, floor = revenue / budget, config["benchmarks"]["roi_min"]
        if roi < floor:
            cell = row.cell("actual" if source == "review" else "target")
            yield self.at(plan.table(source), cell, actual=f"{roi:.2f}", expected=f"{floor:g}", revenue=num(revenue),
                          budget=num(budget))


class _CostPer(Rule):
    """The budget spent per unit of a metric kind (per ``per`` units) against a ceiling of
    [benchmarks]; ``anchor`` says where the finding stands: (table, cell, row)."""

    kind = ""
    per = 1
    ceiling = ""

    def anchor(self, plan, row, source):
        raise NotImplementedError

    def run(self, plan, config):
        row, figure, source = _achieved(plan, self.kind)
        budget = budget_total(plan)
        if not figure or not budget:
            return
        cost, ceiling = budget / figure * self.per, config["benchmarks"][self.ceiling]
        if cost > ceiling:
            table, cell, at_row = self.anchor(plan, row, source)
            yield self.at(table, cell, row=at_row, actual=f"{cost:.1f}", expected=f"{ceiling:g}", budget=num(budget),
                          **{self.kind: num(figure)})


@register
class Cpm(_CostPer):
    code = "B332"
    kind, per, ceiling = "impressions", 1000, "cpm_max"

    def anchor(self, plan, row, source):
        """At the figure's own cell; without one (the figure is the daily log's), at the total row."""
        table = plan.table(source) if row is not None else plan.table("budget")
        cell = row.cell("actual" if source == "review" else "target") if row is not None else None
        return table, cell, None if cell else (table.totals.row if table.totals else None)


@register
class Cpa(_CostPer):
    code = "B333"
    kind, ceiling = "conversions", "cpa_max"

    def anchor(self, plan, row, source):
        table = plan.table("budget")
        return table, table.totals.cell("subtotal") if table and table.totals else None, None


@register
class LtvCac(Rule):
    code = "B334"

    def run(self, plan, config):
        ltv_row, ltv, _ = _actual(plan, "ltv")
        cac_row, cac, _ = _actual(plan, "acquisition_cost")
        if not ltv or not cac:
            return
        ratio, floor = ltv / cac, config["benchmarks"]["ltv_cac_min"]
        if ratio < floor:
            source = "review" if plan.table("review") and ltv_row in plan.rows("review") else "goals"
            cell = ltv_row.cell("actual" if source == "review" else "target")
            yield self.at(plan.table(source), cell, actual=f"{ratio:.1f}", expected=f"{floor:g}", ltv=num(ltv), cac=num(cac))


@register
class PhaseBudgetSplit(Rule):
    code = "B335"

    def run(self, plan, config):
        totals, tagged = {}, 0.0
        for row in plan.rows("budget"):
            details = fold(row.text("details"))
            amount = line_amount(plan, row)
            if not amount:
                continue
            for item in plan.spec.lists["phase"]:
                if any(fold(label) in details for label in item.label.all()):
                    totals[item.key] = totals.get(item.key, 0) + amount
                    tagged += amount
                    break
        if len(totals) < 2:
            return
        reference = config["benchmarks"]["phase_budget"]
        tolerance = config["benchmarks"]["phase_budget_tolerance"]
        table = plan.table("budget")
        for key, amount in totals.items():
            share = amount / tagged
            if key in reference and abs(share - reference[key]) > tolerance:
                yield self.at(table, row=table.totals.row if table.totals else None, actual=pct(share),
                              expected=pct(reference[key]), phase=plan.spec.list_label("phase", key, plan.lang))
