"""Family T, the budget and the channel plan (docs/checks.md D 16-17)."""
from __future__ import annotations

from ..lookup import fold, list_key
from ..recompute import budget_total, line_amount
from ..registry import Rule, register
from ..view import PlanView
from ._util import CACHED, EVALUATED, TYPED, close, num, pct, shown


@register
class BudgetSubtotal(Rule):
    code, name, severity = "T161", "budget.subtotal", "error"
    owns_value = "budget.subtotal"  # F133 leaves this derived value to this rule
    messages = {
        "zh-CN": "合计 {actual} 不等于 数量 {qty} × 单价 {price} = {expected}。",
        "zh-TW": "合計 {actual} 不等於 數量 {qty} × 單價 {price} = {expected}。",
        "en": "Subtotal {actual} is not quantity {qty} × unit price {price} = {expected}.",
    }
    what = "A budget line whose subtotal is not quantity × unit price."
    why = "The seed's own part-time staff line (2 people, 10 days at 300) comes to 6000 only if the quantity says 20 person-days."
    bad = "兼职客服(2人) | 10天 | 300/天 | 6000"
    good = "兼职客服 | 20 | 人天 | 300 | 6000"

    def run(self, plan: PlanView, config):
        table = plan.table("budget")
        if table is None:
            return
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
    code, name, severity = "T162", "budget.total", "error"
    messages = {
        "zh-CN": "总计 {actual} 不等于各行合计之和 {expected}。",
        "zh-TW": "總計 {actual} 不等於各行合計之和 {expected}。",
        "en": "The total {actual} is not the sum of the lines, {expected}.",
    }
    what = "A budget total that is not the sum of the line subtotals."
    why = "The total is the figure a manager approves."
    bad = "总计 38000 over lines adding up to 39000"
    good = "总计 = SUM of the subtotals"

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
    code, name, severity = "T163", "budget.reserve-share", "warning"
    messages = {
        "zh-CN": "风险备用金占预算 {actual}，建议 {expected}。",
        "zh-TW": "風險備用金佔預算 {actual}，建議 {expected}。",
        "en": "The contingency reserve is {actual} of the budget; the toolkit advises {expected}.",
    }
    what = "A contingency reserve outside 10%–15% of the budget (seed, section 三(三)3), or none."
    why = "Too little leaves no room for the risks planned for; too much is money not working."
    bad = "风险备用金 10000 of 39000 (25.6%)"
    good = "风险备用金 5000 of 45000 (11.1%)"

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
class LineWithoutAmount(Rule):
    code, name, severity = "T164", "budget.no-amount", "warning"
    messages = {
        "zh-CN": "预算行“{item}”没有金额（数量、单价或合计）。",
        "zh-TW": "預算行「{item}」沒有金額（數量、單價或合計）。",
        "en": "The budget line “{item}” has no amount (quantity, unit price or subtotal).",
    }
    what = "A budget line with no amount."
    why = "It is planned spending that the total leaves out."
    bad = "物料制作 | 主视觉海报设计 | (blank) | (blank)"
    good = "物料制作 | 主视觉海报设计 | 1 | 套 | 3000"

    def run(self, plan: PlanView, config):
        table = plan.table("budget")
        if table is None:
            return
        for row in table.rows:
            subtotal = row.cell("subtotal")
            typed_junk = subtotal is not None and subtotal.formula is None and subtotal.status == "unreadable"
            if line_amount(plan, row) is None and not typed_junk:
                if any(row.filled(k) for k in ("quantity", "unit_price")) and not all(row.ok(k) for k in ("quantity", "unit_price")):
                    continue  # a quantity or price that cannot be read: V061 says which
                yield self.at(table, row.cell("subtotal"), row=row.row, item=row.text("details") or row.text("item") or "")


@register
class ChannelShareSum(Rule):
    code, name, severity = "T171", "channels.share-sum", "warning"
    messages = {
        "zh-CN": "各渠道预算占比合计 {actual}{reserve}，应为 100%。",
        "zh-TW": "各渠道預算佔比合計 {actual}{reserve}，應為 100%。",
        "en": "Channel budget shares add up to {actual}{reserve}; they should make 100%.",
    }
    reserve_text = {"zh-CN": "（加上风险备用金 {0} 为 {1}）", "zh-TW": "（加上風險備用金 {0} 為 {1}）",
                    "en": " ({1} with the {0} reserve)"}
    what = "Channel budget shares above 100% (error), or short of 100% with no reserve to explain the rest."
    why = "Shares decide each channel's money; over 100% is money that does not exist."
    bad = "抖音 40% + 小红书 30% + 社群 20% = 90%, and a 25.6% reserve"
    good = "Shares of 90% and a 10% reserve, or shares of 100%"

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
        total_budget = budget_total(plan)
        reserve = sum(line_amount(plan, r) or 0 for r in plan.rows("budget")
                      if list_key(plan.spec, "budget_item", r.text("item")) == "reserve")
        share = reserve / total_budget if total_budget else 0
        if share and close(total + share, 1, max(tol, 0.01)):
            return
        text = self.reserve_text[plan.lang].format(pct(share), pct(total + share)) if share else ""
        yield self.at(table, anchor, row=row, actual=pct(total), expected="100%", reserve=text)


@register
class ConversionsOverImpressions(Rule):
    code, name, severity = "T172", "channels.conversions-over-impressions", "error"
    messages = {
        "zh-CN": "预计转化量 {actual} 超过了目标曝光量 {expected}。",
        "zh-TW": "預計轉化量 {actual} 超過了目標曝光量 {expected}。",
        "en": "Expected conversions {actual} exceed target impressions {expected}.",
    }
    what = "A channel expecting more conversions than it has impressions."
    why = "Nobody converts without seeing the ad; one of the two numbers is wrong."
    bad = "社群 | 目标曝光量 2000 | 预计转化量 20000"
    good = "社群 | 目标曝光量 200000 | 预计转化量 2000"

    def run(self, plan: PlanView, config):
        table = plan.table("channels")
        for row in plan.rows("channels"):
            imp, conv = row.num("target_impressions"), row.num("expected_conversions")
            if imp is not None and conv is not None and conv > imp:
                yield self.at(table, row.cell("expected_conversions"), actual=num(conv), expected=num(imp))


@register
class DuplicateChannel(Rule):
    code, name, severity = "T173", "channels.duplicate", "error"
    messages = {
        "zh-CN": "渠道“{actual}”重复出现（第一次在第 {first} 行）。",
        "zh-TW": "渠道「{actual}」重複出現（第一次在第 {first} 列）。",
        "en": "The channel “{actual}” appears twice (first in row {first}).",
    }
    what = "The same channel name on two rows of the channel plan."
    why = "Its budget share and targets are counted twice; daily metrics cannot tell the rows apart."
    bad = "抖音 on rows 5 and 8"
    good = "One row per channel; split formats in 投放形式."

    def run(self, plan: PlanView, config):
        table = plan.table("channels")
        seen = {}
        for row in plan.rows("channels"):
            name = fold(row.text("channel"))
            if not name:
                continue
            if name in seen:
                yield self.at(table, row.cell("channel"), actual=row.text("channel"), first=seen[name])
            else:
                seen[name] = row.row
