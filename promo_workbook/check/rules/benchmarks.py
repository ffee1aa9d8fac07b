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
    code, name, severity = "B331", "benchmark.roi", "info"
    messages = {
        "zh-CN": "ROI 为 1:{actual}（收入 {revenue} ÷ 预算 {budget}），低于电商参考值 1:{expected}。",
        "zh-TW": "ROI 為 1:{actual}（收入 {revenue} ÷ 預算 {budget}），低於電商參考值 1:{expected}。",
        "en": "ROI is 1:{actual} (revenue {revenue} ÷ budget {budget}), below the e-commerce reference of 1:{expected}.",
    }
    what = "Revenue (a GMV/销售额 metric in the review, else its goal) ÷ budget below 1:3."
    why = "The reference seed's e-commerce campaigns aim for ROI ≥ 1:3."
    bad = "GMV 90000 on a budget of 39000 (1:2.3)"
    good = "GMV 120000 (1:3.1)"

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
    code, name, severity = "B332", "benchmark.cpm", "info"
    messages = {
        "zh-CN": "千次曝光成本 {actual} 元（预算 {budget} ÷ 曝光 {impressions} × 1000），高于品牌参考值 {expected} 元。",
        "zh-TW": "千次曝光成本 {actual} 元（預算 {budget} ÷ 曝光 {impressions} × 1000），高於品牌參考值 {expected} 元。",
        "en": "Cost per thousand impressions is {actual} (budget {budget} ÷ {impressions} impressions × 1000), above the brand reference of {expected}.",
    }
    what = "Budget ÷ impressions × 1000 above 30 (brand campaigns)."
    why = "A reference seed's brand campaigns keep CPM at or below 30 yuan."
    bad = "39000 for 1000000 impressions is 39"
    good = "Under 30"

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
    code, name, severity = "B333", "benchmark.cpa", "info"
    messages = {
        "zh-CN": "每次转化成本 {actual} 元（预算 {budget} ÷ 转化 {conversions}），高于参考值 {expected} 元。",
        "zh-TW": "每次轉化成本 {actual} 元（預算 {budget} ÷ 轉化 {conversions}），高於參考值 {expected} 元。",
        "en": "Cost per conversion is {actual} (budget {budget} ÷ {conversions} conversions), above the reference of {expected}.",
    }
    what = "Budget ÷ conversions above 150 (lead-generation CPA)."
    why = "A reference seed keeps the cost per lead at or below 150 yuan."
    bad = "39000 for 200 conversions is 195"
    good = "Under 150"

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
    code, name, severity = "B334", "benchmark.ltv-cac", "info"
    messages = {
        "zh-CN": "用户终身价值 {ltv} 只有获客成本 {cac} 的 {actual} 倍，参考值至少 {expected} 倍。",
        "zh-TW": "用戶終身價值 {ltv} 只有獲客成本 {cac} 的 {actual} 倍，參考值至少 {expected} 倍。",
        "en": "Lifetime value {ltv} is only {actual} × the acquisition cost {cac}; the reference is at least {expected} ×.",
    }
    what = "A lifetime-value metric below 3 × the acquisition-cost metric."
    why = "A reference seed asks for LTV ≥ 3 × CAC for acquisition to pay back."
    bad = "LTV 120, CAC 50"
    good = "LTV 200, CAC 50"

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
    code, name, severity = "B335", "benchmark.phase-budget", "info"
    messages = {
        "zh-CN": "“{phase}”的预算占 {actual}，参考分配为 {expected}（预热20% / 爆发50% / 长尾30%）。",
        "zh-TW": "「{phase}」的預算佔 {actual}，參考分配為 {expected}（預熱20% / 爆發50% / 長尾30%）。",
        "en": "“{phase}” takes {actual} of the budget; the reference split is {expected} (warm-up 20% / peak 50% / long tail 30%).",
    }
    what = "When budget lines name a phase in their details, each phase's share against 20% / 50% / 30%."
    why = "A reference seed spends most in the peak and keeps a long tail."
    bad = "预热期 lines 60% of the phase-tagged budget"
    good = "Around 20% / 50% / 30%"

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
