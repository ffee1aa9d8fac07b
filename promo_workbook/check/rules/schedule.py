"""Family T, the campaign's dates: rhythm phases (docs/checks.md D 18) and materials (D 23)."""
from __future__ import annotations

import datetime as dt

from ..lookup import list_key
from ..registry import Rule, register
from ..view import PlanView
from ._util import day

PHASE_ORDER = ("warmup", "burst", "sustain")


def phases(plan: PlanView):
    """(row, phase key, start, end) for every rhythm row with both dates readable."""
    out = []
    for row in plan.rows("rhythm"):
        start, end = row.date("start"), row.date("end")
        if start and end:
            out.append((row, list_key(plan.spec, "phase", row.text("phase")), start, end))
    return out


@register
class PhaseOrder(Rule):
    code, name, severity = "T181", "rhythm.order", "warning"
    messages = {
        "zh-CN": "阶段顺序应为 预热期 → 爆发期 → 延续期，“{actual}”排在了“{before}”之后。",
        "zh-TW": "階段順序應為 預熱期 → 爆發期 → 延續期，「{actual}」排在了「{before}」之後。",
        "en": "Phases run warm-up → peak → follow-through; “{actual}” comes after “{before}”.",
    }
    what = "Phases out of the order 预热期 → 爆发期 → 延续期 (by date)."
    why = "A peak before its warm-up launches to an audience that was never primed."
    bad = "爆发期 03-01–03-07, 预热期 03-08–03-10"
    good = "预热期 03-01–03-03, 爆发期 03-04–03-10, 延续期 03-11–03-15"

    def run(self, plan: PlanView, config):
        table = plan.table("rhythm")
        ordered = sorted((p for p in phases(plan) if p[1]), key=lambda p: (p[2], p[0].row))
        for prev, cur in zip(ordered, ordered[1:]):
            if PHASE_ORDER.index(cur[1]) < PHASE_ORDER.index(prev[1]):
                yield self.at(table, cur[0].cell("phase"), actual=cur[0].text("phase"), before=prev[0].text("phase"))


@register
class PhaseStartAfterEnd(Rule):
    code, name, severity = "T182", "rhythm.start-after-end", "error"
    messages = {
        "zh-CN": "开始日期 {actual} 晚于结束日期 {expected}。",
        "zh-TW": "開始日期 {actual} 晚於結束日期 {expected}。",
        "en": "The start {actual} is after the end {expected}.",
    }
    what = "A phase that ends before it starts."
    why = "Its length is negative and every date check around it is off."
    bad = "爆发期 03-10 – 03-04"
    good = "爆发期 03-04 – 03-10"

    def run(self, plan: PlanView, config):
        table = plan.table("rhythm")
        for row, _, start, end in phases(plan):
            if start > end:
                yield self.at(table, row.cell("start"), actual=day(start), expected=day(end))


@register
class PhaseOverlap(Rule):
    code, name, severity = "T183", "rhythm.overlap", "error"
    messages = {
        "zh-CN": "“{actual}”从 {start} 开始，与“{other}”（到 {other_end} 结束）重叠。",
        "zh-TW": "「{actual}」從 {start} 開始，與「{other}」（到 {other_end} 結束）重疊。",
        "en": "“{actual}” starts {start}, overlapping “{other}” which ends {other_end}.",
    }
    what = "Two phases that share days."
    why = "Tasks and budgets of two phases collide on the same days."
    bad = "预热期 03-01–03-03, 爆发期 03-03–03-10"
    good = "爆发期 03-04–03-10"

    def run(self, plan: PlanView, config):
        table = plan.table("rhythm")
        ordered = sorted((p for p in phases(plan) if p[2] <= p[3]), key=lambda p: p[2])
        for prev, cur in zip(ordered, ordered[1:]):
            if cur[2] <= prev[3]:
                yield self.at(table, cur[0].cell("start"), actual=cur[0].text("phase") or "", start=day(cur[2]),
                              other=prev[0].text("phase") or "", other_end=day(prev[3]),
                              expected=day(prev[3] + dt.timedelta(days=1)))


@register
class PhaseGap(Rule):
    code, name, severity = "T184", "rhythm.gap", "warning"
    messages = {
        "zh-CN": "“{before}”在 {end} 结束，“{actual}”到 {start} 才开始，中间空了 {days} 天。",
        "zh-TW": "「{before}」在 {end} 結束，「{actual}」到 {start} 才開始，中間空了 {days} 天。",
        "en": "“{before}” ends {end} and “{actual}” starts only {start}: {days} day(s) with no phase.",
    }
    what = "Days between two phases that belong to neither."
    why = "Momentum from the warm-up is lost; nobody owns those days."
    bad = "预热期 ends 03-03, 爆发期 starts 03-06"
    good = "爆发期 starts 03-04"

    def run(self, plan: PlanView, config):
        table = plan.table("rhythm")
        ordered = sorted((p for p in phases(plan) if p[2] <= p[3]), key=lambda p: p[2])
        for prev, cur in zip(ordered, ordered[1:]):
            gap = (cur[2] - prev[3]).days - 1
            if gap > 0:
                yield self.at(table, cur[0].cell("start"), actual=cur[0].text("phase") or "", before=prev[0].text("phase") or "",
                              end=day(prev[3]), start=day(cur[2]), days=gap, expected=day(prev[3] + dt.timedelta(days=1)))


@register
class RhythmCoversCampaign(Rule):
    code, name, severity = "T185", "rhythm.window", "warning"
    messages = {
        "zh-CN": "活动节奏覆盖 {actual}，而封面上的活动期间是 {expected}。",
        "zh-TW": "活動節奏涵蓋 {actual}，而封面上的活動期間是 {expected}。",
        "en": "The rhythm spans {actual} while the Cover's campaign runs {expected}.",
    }
    what = "Phases that do not span the campaign window on the Cover (start late, end early, or run past it)."
    why = "Days of the campaign have no plan, or the plan runs outside the campaign."
    bad = "Cover 03-01–03-15, phases 03-01–03-12"
    good = "Phases from 03-01 to 03-15"

    def run(self, plan: PlanView, config):
        spans = [p for p in phases(plan) if p[2] <= p[3]]
        if not spans or not (plan.start and plan.end):
            return
        first, last = min(p[2] for p in spans), max(p[3] for p in spans)
        if (first, last) != (plan.start, plan.end):
            row = min(spans, key=lambda p: p[2])[0]
            yield self.at(plan.table("rhythm"), row.cell("start"), actual=f"{day(first)} – {day(last)}",
                          expected=f"{day(plan.start)} – {day(plan.end)}")


@register
class PhaseLength(Rule):
    code, name, severity = "T186", "rhythm.length", "info"
    messages = {
        "zh-CN": "“{phase}”为 {actual} 天，工具集建议 {expected} 天。",
        "zh-TW": "「{phase}」為 {actual} 天，工具集建議 {expected} 天。",
        "en": "“{phase}” lasts {actual} days; the toolkit suggests {expected}.",
    }
    what = "Phase lengths compared with the seed's 3 / 7 / 5 days (advice, configurable)."
    why = "A two-day peak or a month of warm-up is worth a second look."
    bad = "爆发期 2 days"
    good = "爆发期 7 days"

    def run(self, plan: PlanView, config):
        table = plan.table("rhythm")
        suggested = config["check"]["phase_days"]
        for row, key, start, end in phases(plan):
            days = (end - start).days + 1
            if key in suggested and days > 0 and days != int(suggested[key]):
                yield self.at(table, row.cell("end"), actual=days, expected=int(suggested[key]), phase=row.text("phase"))


@register
class MaterialLate(Rule):
    code, name, severity = "T231", "materials.due-after-launch", "warning"
    messages = {
        "zh-CN": "“{material}”{actual}才交付，晚于活动开始日 {expected}。",
        "zh-TW": "「{material}」{actual}才交付，晚於活動開始日 {expected}。",
        "en": "“{material}” is due {actual}, after the campaign launches on {expected}.",
    }
    what = "A material due after the launch (the first phase's start, else the Cover's start)."
    why = "Posters, videos and coupons are needed when the campaign goes live."
    bad = "活动主视觉图 due 03-05 for a launch on 03-01"
    good = "Due 02-27"

    def run(self, plan: PlanView, config):
        spans = phases(plan)
        launch = min((p[2] for p in spans), default=plan.start)
        if launch is None:
            return
        table = plan.table("materials")
        for row in plan.rows("materials"):
            due = row.date("due")
            if due and due > launch:
                yield self.at(table, row.cell("due"), actual=day(due), expected=day(launch), material=row.text("material") or "")


@register
class MaterialOverdue(Rule):
    code, name, severity = "T232", "materials.overdue", "warning"
    messages = {
        "zh-CN": "“{material}”应于 {actual} 交付，今天（{today}）仍是“{status}”。",
        "zh-TW": "「{material}」應於 {actual} 交付，今天（{today}）仍是「{status}」。",
        "en": "“{material}” was due {actual} and is still “{status}” today ({today}).",
    }
    what = "A material past its due date and not 已完成 (relative to --today, default today)."
    why = "A late material holds up the phase that needs it."
    bad = "直播短视频 due 03-02, 进行中, today 03-05"
    good = "已完成, or a new due date"

    def run(self, plan: PlanView, config):
        table = plan.table("materials")
        for row in plan.rows("materials"):
            due = row.date("due")
            status = list_key(plan.spec, "material_status", row.text("status"))
            if due and due < plan.today and status != "done":
                yield self.at(table, row.cell("status") or row.cell("due"), actual=day(due), today=day(plan.today),
                              status=row.text("status") or "—", material=row.text("material") or "")
