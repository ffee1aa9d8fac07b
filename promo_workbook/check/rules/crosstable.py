"""Family X, across tables (docs/checks.md E 25-32): goals against the review, the channel plan
against goals and budget, daily metrics against the plan and the review, dates against the
rhythm, misses against improvements, the persona against the channel plan."""
from __future__ import annotations

import re

from ..lookup import fold, metric_kind
from ..recompute import budget_total, expected_value, line_amount
from ..registry import Rule, register
from ..view import PlanView
from ._util import close, day, num, pct
from .schedule import phases


def _review_started(plan: PlanView) -> bool:
    return any(r.num("actual") is not None for r in plan.rows("review"))


def _goal_rows(plan: PlanView, kind: str):
    return [r for r in plan.rows("goals") if metric_kind(plan.spec, r.text("metric")) == kind and r.num("target")]


def _review_rows(plan: PlanView, kind: str):
    return [r for r in plan.rows("review") if metric_kind(plan.spec, r.text("metric")) == kind and r.num("actual") is not None]


@register
class GoalMissingFromReview(Rule):
    code, name, severity = "X251", "review.goal-missing", "error"
    messages = {
        "zh-CN": "目标“{metric}”没有出现在效果复盘表中。",
        "zh-TW": "目標「{metric}」沒有出現在效果復盤表中。",
        "en": "The goal “{metric}” is missing from the results review.",
    }
    what = "A goal of the goals table that the results review leaves out."
    why = "A goal dropped from the review is usually the one that was missed."
    bad = "Goals 销量, 新客获取成本, 曝光量; review 销量, 曝光量"
    good = "All three reviewed"

    def run(self, plan, config):
        if not _review_started(plan):
            return
        reviewed = {fold(r.text("metric")) for r in plan.rows("review")}
        table = plan.table("goals")
        for row in plan.rows("goals"):
            metric = row.text("metric")
            if metric and fold(metric) not in reviewed:
                yield self.at(table, row.cell("metric"), metric=metric)


@register
class ReviewTargetDiffers(Rule):
    code, name, severity = "X252", "review.target-differs", "error"
    owns_required = "review"  # the review's rows mirror the goals: X25x compare them
    messages = {
        "zh-CN": "“{metric}”在复盘表中的目标值 {actual} 与活动目标表的 {expected} 不一致。",
        "zh-TW": "「{metric}」在復盤表中的目標值 {actual} 與活動目標表的 {expected} 不一致。",
        "en": "The review's target for “{metric}”, {actual}, differs from the goals table's {expected}.",
    }
    what = "A goal reviewed against a different target than the one planned."
    why = "Moving the target after the fact turns a miss into a hit."
    bad = "Goals 销量 100000; review 销量 target 95000"
    good = "Review target 100000 (linked from the goals table)"

    def run(self, plan, config):
        goals = {fold(r.text("metric")): r for r in plan.rows("goals") if r.text("metric")}
        table = plan.table("review")
        for row in plan.rows("review"):
            goal = goals.get(fold(row.text("metric")))
            if goal is None:
                continue
            planned, reviewed = goal.num("target"), row.num("target")
            if planned is not None and reviewed is not None and not close(planned, reviewed, 1e-9, 1e-9):
                yield self.at(table, row.cell("target"), actual=num(reviewed), expected=num(planned),
                              metric=row.text("metric"))


class _CoverageRule(Rule):
    kind = ""
    column = ""

    def run(self, plan, config):
        goals = _goal_rows(plan, self.kind)
        rows = [r for r in plan.rows("channels") if r.num(self.column) is not None]
        if not goals or not rows:
            return
        planned = sum(r.num(self.column) for r in rows)
        goal = goals[0]
        target = goal.num("target")
        if planned < target * (1 - config["check"]["sum_tolerance"]):
            table = plan.table("channels")
            anchor = table.totals.cell(self.column) if table.totals else None
            yield self.at(table, anchor, row=None if anchor else rows[-1].row, actual=num(planned), expected=num(target),
                          share=pct(planned / target), metric=goal.text("metric"))


@register
class ImpressionsCoverGoal(_CoverageRule):
    code, name, severity = "X261", "channels.impressions-vs-goal", "warning"
    kind, column = "impressions", "target_impressions"
    messages = {
        "zh-CN": "各渠道目标曝光量合计 {actual}，只覆盖“{metric}”目标 {expected} 的 {share}。",
        "zh-TW": "各渠道目標曝光量合計 {actual}，只涵蓋「{metric}」目標 {expected} 的 {share}。",
        "en": "Channel target impressions add up to {actual}, only {share} of the “{metric}” goal of {expected}.",
    }
    what = "Σ channel target impressions below the impressions goal."
    why = "If every channel hits its target, the goal is still missed."
    bad = "Goal 曝光量 1000000; channels 500000 + 300000"
    good = "Channels adding up to 1000000"


@register
class ConversionsCoverGoal(_CoverageRule):
    code, name, severity = "X262", "channels.conversions-vs-goal", "warning"
    kind, column = "conversions", "expected_conversions"
    messages = {
        "zh-CN": "各渠道预计转化量合计 {actual}，只覆盖“{metric}”目标 {expected} 的 {share}。",
        "zh-TW": "各渠道預計轉化量合計 {actual}，只涵蓋「{metric}」目標 {expected} 的 {share}。",
        "en": "Channel expected conversions add up to {actual}, only {share} of the “{metric}” goal of {expected}.",
    }
    what = "Σ channel expected conversions below the sales or conversion goal."
    why = "The seed's own example plans 10,000 conversions for a 100,000-unit sales goal: the plan cannot reach it."
    bad = "Goal 销量 100000; channels 5000 + 3000 + 2000"
    good = "Expected conversions adding up to the goal"


@register
class ChannelBudgetVsLines(Rule):
    code, name, severity = "X271", "budget.channel-share-vs-lines", "warning"
    messages = {
        "zh-CN": "“{channel}”预算占比 {share} × 总预算 = {expected}，但预算明细中关联它的金额为 {actual}。",
        "zh-TW": "「{channel}」預算佔比 {share} × 總預算 = {expected}，但預算明細中關聯它的金額為 {actual}。",
        "en": "“{channel}” gets {share} × the budget = {expected}, but the budget lines tied to it come to {actual}.",
    }
    what = "A channel's budget share × total budget against the budget lines tied to that channel."
    why = "Two numbers for one channel's money: the plan and the spending disagree."
    bad = "抖音 40% of 39000 = 15600; line 抖音KOL合作 20000"
    good = "Lines tied to 抖音 adding up to 15600"

    def run(self, plan, config):
        budget_rows = [r for r in plan.rows("budget") if r.text("channel")]
        if not budget_rows:
            return
        cover = plan.cover.get("budget")
        total = cover.value if cover is not None and cover.ok and isinstance(cover.value, (int, float)) else budget_total(plan)
        if not total:
            return
        table = plan.table("channels")
        tol = max(config["check"]["sum_tolerance"], 0.005)
        for row in plan.rows("channels"):
            share, name = row.num("budget_share"), row.text("channel")
            if share is None or not name:
                continue
            lines = sum(line_amount(plan, r) or 0 for r in budget_rows if fold(r.text("channel")) == fold(name))
            if not close(lines, share * total, tol, 0.5):
                yield self.at(table, row.cell("budget_share"), actual=num(lines), expected=num(round(share * total, 2)),
                              share=pct(share), channel=name)


@register
class UnknownChannel(Rule):
    code, name, severity = "X281", "daily.channel-unknown", "error"
    messages = {
        "zh-CN": "渠道“{actual}”不在推广渠道规划表中（{expected}）。",
        "zh-TW": "渠道「{actual}」不在推廣渠道規劃表中（{expected}）。",
        "en": "The channel “{actual}” is not in the channel plan ({expected}).",
    }
    what = "A channel in the daily metrics that the channel plan does not have."
    why = "Its results count toward no channel target; often a typo (抖音 vs 抖音号)."
    bad = "数据日报 渠道 快手 with a plan of 抖音, 小红书, 社群"
    good = "Add 快手 to the channel plan, or fix the name"

    def run(self, plan, config):
        names = {fold(r.text("channel")): r.text("channel") for r in plan.rows("channels") if r.text("channel")}
        if not names or plan.table("daily") is None:
            return
        listed = "、".join(names.values()) if plan.lang.startswith("zh") else ", ".join(names.values())
        table = plan.table("daily")
        for i, name in enumerate(table.values_of("channel", "text")):
            if name and fold(name) not in names:
                yield self.at(table, table.rows[i].cell("channel"), actual=name, expected=listed)


class _DailyVsReview(Rule):
    kind = ""
    column = ""

    def run(self, plan, config):
        daily = [v for v in plan.values_of("daily", self.column) if v is not None]
        reviewed = _review_rows(plan, self.kind)
        if not daily or not reviewed:
            return
        total = sum(daily)
        row = reviewed[0]
        actual = row.num("actual")
        if not close(total, actual, config["check"]["sum_tolerance"], 0.5):
            yield self.at(plan.table("review"), row.cell("actual"), actual=num(actual), expected=num(total),
                          metric=row.text("metric"))


@register
class ImpressionsVsReview(_DailyVsReview):
    code, name, severity = "X291", "review.impressions-vs-daily", "warning"
    kind, column = "impressions", "impressions"
    messages = {
        "zh-CN": "复盘中“{metric}”实际值 {actual}，但数据日报的曝光量合计为 {expected}。",
        "zh-TW": "復盤中「{metric}」實際值 {actual}，但數據日報的曝光量合計為 {expected}。",
        "en": "The review's actual “{metric}” is {actual}, but the daily metrics add up to {expected} impressions.",
    }
    what = "Σ daily impressions against the impressions actual in the results review."
    why = "The review should rest on the numbers recorded during the campaign."
    bad = "Daily impressions adding up to 80000; review 曝光量 1100000"
    good = "The same figure in both"


@register
class ConversionsVsReview(_DailyVsReview):
    code, name, severity = "X292", "review.conversions-vs-daily", "warning"
    kind, column = "conversions", "conversions"
    messages = {
        "zh-CN": "复盘中“{metric}”实际值 {actual}，但数据日报的转化量合计为 {expected}。",
        "zh-TW": "復盤中「{metric}」實際值 {actual}，但數據日報的轉化量合計為 {expected}。",
        "en": "The review's actual “{metric}” is {actual}, but the daily metrics add up to {expected} conversions.",
    }
    what = "Σ daily conversions against the sales/conversions actual in the results review."
    why = "The review should rest on the numbers recorded during the campaign."
    bad = "Daily conversions adding up to 780; review 销量 95000"
    good = "The same figure in both"


@register
class DatesOutsideRhythm(Rule):
    code, name, severity = "X301", "dates.outside-rhythm", "warning"
    messages = {
        "zh-CN": "{actual} 不在活动节奏的时间范围（{expected}）内。",
        "zh-TW": "{actual} 不在活動節奏的時間範圍（{expected}）內。",
        "en": "{actual} falls outside the rhythm's span ({expected}).",
    }
    what = "Dates in progress, daily metrics and materials outside the span of the rhythm's phases (materials: due after it ends)."
    why = "Work logged outside every phase belongs to no part of the plan."
    bad = "Progress on 03-20 with phases ending 03-15"
    good = "Dates inside the phases"

    def run(self, plan, config):
        spans = [p for p in phases(plan) if p[2] <= p[3]]
        if not spans:
            return
        first, last = min(p[2] for p in spans), max(p[3] for p in spans)
        span = f"{day(first)} – {day(last)}"
        window = (plan.start, plan.end) if plan.start and plan.end else None
        for key, column in (("progress", "date"), ("daily", "date")):
            for i, date in enumerate(plan.values_of(key, column, "date")):
                # Dates outside the Cover's window are already reported by V111.
                if date and not first <= date <= last and (window is None or window[0] <= date <= window[1]):
                    yield self.at(plan.table(key), plan.table(key).rows[i].cell(column), actual=day(date), expected=span)
        for row in plan.rows("materials"):
            due = row.date("due")
            if due and due > last:
                yield self.at(plan.table("materials"), row.cell("due"), actual=day(due), expected=span)


@register
class MissWithoutImprovement(Rule):
    code, name, severity = "X311", "review.miss-without-improvement", "info"
    messages = {
        "zh-CN": "“{metric}”未达成（{actual}），改进计划表中没有对应的改进项。",
        "zh-TW": "「{metric}」未達成（{actual}），改進計劃表中沒有對應的改進項。",
        "en": "“{metric}” was missed ({actual}) and no improvement item mentions it.",
    }
    what = "A missed goal that no improvement item mentions."
    why = "The seed's last step turns every miss into a dated improvement."
    bad = "销量 95%, improvement plan about customer service only"
    good = "An improvement item about 销量 / 曝光量"

    def run(self, plan, config):
        texts = " ".join(fold(r.text(k)) for r in plan.rows("improvements") for k in ("shortfall", "details", "action"))
        table = plan.table("review")
        for row in plan.rows("review"):
            achieved = expected_value(plan, "review", "achievement", row)
            metric = row.text("metric")
            if achieved is not None and achieved < 1 - 1e-9 and metric and fold(metric) not in texts:
                yield self.at(table, row.cell("achievement") or row.cell("actual"), actual=pct(achieved), metric=metric)


PREFERRED = re.compile(r"(偏好渠道|偏好管道|preferred channels?)\s*[:：]\s*([^;；。\n]+)", re.IGNORECASE)


@register
class PersonaChannels(Rule):
    code, name, severity = "X321", "persona.channels", "info"
    messages = {
        "zh-CN": "用户画像中的偏好渠道“{actual}”不在推广渠道规划表中。",
        "zh-TW": "用戶畫像中的偏好渠道「{actual}」不在推廣渠道規劃表中。",
        "en": "The persona's preferred channel “{actual}” is not in the channel plan.",
    }
    what = "A channel the persona prefers that the channel plan does not use."
    why = "The seed builds the channel strategy on the persona's preferred channels."
    bad = "偏好渠道: 小红书、抖音, plan: 抖音, 社群"
    good = "小红书 in the channel plan"

    def run(self, plan, config):
        planned = {fold(r.text("channel")) for r in plan.rows("channels") if r.text("channel")}
        if not planned:
            return
        table = plan.table("persona")
        for row in plan.rows("persona"):
            for cell in row.cells.values():
                match = PREFERRED.search(str(cell.raw or ""))
                if not match:
                    continue
                for name in re.split(r"[、,，/和及]| and ", match.group(2)):
                    name = name.strip()
                    if name and fold(name) not in planned and not any(fold(name) in p or p in fold(name) for p in planned):
                        yield self.at(table, cell, actual=name)
