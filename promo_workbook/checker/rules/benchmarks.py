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


@register
class Cpm(Rule):
    code = "B332"

    def run(self, plan, config):
        row, impressions, source = _actual(plan, "impressions")
        daily = _daily_sum(plan, "impressions")
        impressions = impressions if row is not None and source == "review" else (daily or impressions)
        budget = budget_total(plan)
        if not impressions or not budget:
            return
        cpm, ceiling = budget / impressions * 1000, config["benchmarks"]["cpm_max"]
        if cpm > ceiling:
            cell = row.cell("actual" if source == "review" else "target") if row is not None else None
            table = plan.table(source) if row is not None else plan.table("budget")
            yield self.at(table, cell, row=None if cell else (table.totals.row if table.totals else None),
                          actual=f"{cpm:.1f}", expected=f"{ceiling:g}", budget=num(budget), impressions=num(impressions))


@register
class Cpa(Rule):
    code = "B333"

    def run(self, plan, config):
        row, conversions, source = _actual(plan, "conversions")
        if row is None or source != "review":
            conversions = _daily_sum(plan, "conversions") or conversions
        budget = budget_total(plan)
        if not conversions or not budget:
            return
        cpa, ceiling = budget / conversions, config["benchmarks"]["cpa_max"]
        if cpa > ceiling:
            table = plan.table("budget")
            anchor = table.totals.cell("subtotal") if table and table.totals else None
            yield self.at(table, anchor, actual=f"{cpa:.1f}", expected=f"{ceiling:g}", budget=num(budget),
                          conversions=num(conversions))


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
