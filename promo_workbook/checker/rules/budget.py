"""Family T, the budget and the channel plan (docs/checks.md D 16-17)."""
from __future__ import annotations

from ..lookup import fold, list_key
from ..recompute import budget_total, line_amount
from ..registry import Rule, register
from ..view import PlanView
from ._util import CACHED, EVALUATED, TYPED, RowRule, TableRule, close, num, pct, shown


@register
class BudgetSubtotal(TableRule):
    code, table_key = "T161", "budget"
    owns_value = "budget.subtotal"  # F133 leaves this derived value to this rule

    def check(self, plan: PlanView, table, config):
        tol = config["check"]["sum_tolerance"]
        for row in table.rows:
            qty, price = row.num("quantity"), row.num("unit_price")
            value, how = shown(plan, table, row, "subtotal")
            if qty is None or price is None or how not in (TYPED, EVALUATED, CACHED) or not isinstance(value, (int, float)):
                continue
            if not close(value, qty * price, tol, 0.005):
                yield self.at(table, row.cell("subtotal"), actual=num(value), expected=num(qty * price),
                              qty=num(qty), price=num(price))


@register
class BudgetTotal(Rule):
    code = "T162"

    def run(self, plan: PlanView, config):
        table = plan.table("budget")
        if table is None or table.totals is None:
            return
        cell = table.totals.cell("subtotal")
        expected = budget_total(plan)
        if cell is None or expected is None:
            return
        if cell.formula:
            value, _how = _total_shown(plan, table, cell)
        else:
            value = cell.value if cell.ok else None
        if isinstance(value, (int, float)) and not close(value, expected, config["check"]["sum_tolerance"], 0.005):
            yield self.at(table, cell, actual=num(value), expected=num(expected))


def _total_shown(plan, table, cell):
    """A totals formula's value: evaluated over the lines as they show (else a trusted cache)."""
    from ..recompute import shown_budget_total

    from ..evaluate import NotEvaluable, evaluate

    try:
        evaluate(cell.formula, lambda ref: 0.0)  # evaluable at all?
    except NotEvaluable:
        if plan.trust_cache and isinstance(cell.cached, (int, float)):
            return cell.cached, CACHED
        return None, None
    return shown_budget_total(plan), EVALUATED


@register
class ReserveShare(Rule):
    code = "T163"

    def run(self, plan: PlanView, config):
        table = plan.table("budget")
        total = budget_total(plan)
        if table is None or not total:
            return
        lo, hi = config["check"]["reserve_min"], config["check"]["reserve_max"]
        reserve = sum(line_amount(plan, r) or 0 for r in table.rows
                      if list_key(plan.spec, "budget_item", r.text("item")) == "reserve")
        share = reserve / total
        if not lo - 1e-9 <= share <= hi + 1e-9:
            anchor = table.totals.cell("reserve_share") if table.totals and table.totals.cell("reserve_share") else None
            row = None if anchor else (table.totals.row if table.totals else None)
            yield self.at(table, anchor, row=row, actual=pct(share), expected=f"{pct(lo)}–{pct(hi)}")


@register
class LineWithoutAmount(RowRule):
    code, table_key = "T164", "budget"

    def check_row(self, plan: PlanView, table, row, config):
        subtotal = row.cell("subtotal")
        typed_junk = subtotal is not None and subtotal.formula is None and subtotal.status == "unreadable"
        if line_amount(plan, row) is None and not typed_junk:
            if any(row.filled(k) for k in ("quantity", "unit_price")) and not all(row.ok(k) for k in ("quantity", "unit_price")):
                return  # a quantity or price that cannot be read: V061 says which
            yield self.at(table, row.cell("subtotal"), row=row.row, item=row.text("details") or row.text("item") or "")


@register
class ChannelShareSum(Rule):
    code = "T171"

    def run(self, plan: PlanView, config):
        table = plan.table("channels")
        if table is None or not table.rows:
            return
        shares = [r.num("budget_share") for r in table.rows if r.num("budget_share") is not None]
        if not shares:
            return
        total = sum(shares)
        tol = config["check"]["sum_tolerance"]
        anchor = table.totals.cell("budget_share") if table.totals else None
        row = None if anchor else table.rows[-1].row
        if total > 1 + tol:
            yield self.at(table, anchor, row=row, severity="error", actual=pct(total), expected="100%", reserve="")
            return
        if close(total, 1, tol):
            return
        from .plausibility import zero_quantity_rows

        if zero_quantity_rows(plan):
            return  # a costed line of zero quantity leaves the budget short (T165): the reserve's share is moot
        total_budget = budget_total(plan)
        reserve = sum(line_amount(plan, r) or 0 for r in plan.rows("budget")
                      if list_key(plan.spec, "budget_item", r.text("item")) == "reserve")
        share = reserve / total_budget if total_budget else 0
        if share and close(total + share, 1, max(tol, 0.01)):
            return
        text = self.text("with_reserve", plan.lang, pct(share), pct(total + share)) if share else ""
        yield self.at(table, anchor, row=row, actual=pct(total), expected="100%", reserve=text)


@register
class ConversionsOverImpressions(RowRule):
    code, table_key = "T172", "channels"

    def check_row(self, plan: PlanView, table, row, config):
        imp, conv = row.num("target_impressions"), row.num("expected_conversions")
        if imp is not None and conv is not None and conv > imp:
            yield self.at(table, row.cell("expected_conversions"), actual=num(conv), expected=num(imp))


@register
class DuplicateChannel(TableRule):
    code, table_key = "T173", "channels"

    def check(self, plan: PlanView, table, config):
        seen = {}
        for row in table.rows:
            name = fold(row.text("channel"))
            if not name:
                continue
            if name in seen:
                yield self.at(table, row.cell("channel"), actual=row.text("channel"), first=seen[name])
            else:
                seen[name] = row.row
