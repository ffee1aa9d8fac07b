"""Family T, the campaign's dates: rhythm phases (docs/checks.md D 18) and materials (D 23)."""
from __future__ import annotations

import datetime as dt

from ..lookup import list_key
from ..registry import Rule, register
from ..view import PlanView
from ._util import RowRule, day

PHASE_ORDER = ("warmup", "burst", "sustain")


def phases(plan: PlanView):
    """(row, phase key, start, end) for every rhythm row with both dates readable."""
    out = []
    for row in plan.rows("rhythm"):
        start, end = row.date("start"), row.date("end")
        if start and end:
            out.append((row, list_key(plan.spec, "phase", row.text("phase")), start, end))
    return out


def valid_phases(plan: PlanView):
    """The phases that end on or after their start (T182 reports the others)."""
    return [p for p in phases(plan) if p[2] <= p[3]]


@register
class PhaseOrder(Rule):
    code = "T181"

    def run(self, plan: PlanView, config):
        table = plan.table("rhythm")
        ordered = sorted((p for p in phases(plan) if p[1]), key=lambda p: (p[2], p[0].row))
        for prev, cur in zip(ordered, ordered[1:]):
            if PHASE_ORDER.index(cur[1]) < PHASE_ORDER.index(prev[1]):
                yield self.at(table, cur[0].cell("phase"), actual=cur[0].text("phase"), before=prev[0].text("phase"))


@register
class PhaseStartAfterEnd(Rule):
    code = "T182"

    def run(self, plan: PlanView, config):
        table = plan.table("rhythm")
        for row, _, start, end in phases(plan):
            if start > end:
                yield self.at(table, row.cell("start"), actual=day(start), expected=day(end))


class _PhaseJoin(Rule):
    """Where a phase meets the next one by start date (valid phases only): a finding stands at
    the later phase's start, which should be the day after the earlier one ends. ``params``
    gives the finding's own parameters from the two and the days between them, or None."""

    def params(self, prev, cur, gap: int) -> dict | None:
        raise NotImplementedError

    def run(self, plan: PlanView, config):
        table = plan.table("rhythm")
        ordered = sorted(valid_phases(plan), key=lambda p: p[2])
        for prev, cur in zip(ordered, ordered[1:]):
            params = self.params(prev, cur, (cur[2] - prev[3]).days - 1)
            if params is not None:
                yield self.at(table, cur[0].cell("start"), actual=cur[0].text("phase") or "", **params,
                              expected=day(prev[3] + dt.timedelta(days=1)))


@register
class PhaseOverlap(_PhaseJoin):
    code = "T183"

    def params(self, prev, cur, gap):
        if gap < 0:  # starts on or before the day the earlier phase ends
            return {"start": day(cur[2]), "other": prev[0].text("phase") or "", "other_end": day(prev[3])}
        return None


@register
class PhaseGap(_PhaseJoin):
    code = "T184"

    def params(self, prev, cur, gap):
        if gap > 0:
            return {"before": prev[0].text("phase") or "", "end": day(prev[3]), "start": day(cur[2]), "days": gap}
        return None


@register
class RhythmCoversCampaign(Rule):
    code = "T185"

    def run(self, plan: PlanView, config):
        spans = valid_phases(plan)
        if not spans or not (plan.start and plan.end) or plan.end < plan.start:
            return
        first, last = min(p[2] for p in spans), max(p[3] for p in spans)
        if (first, last) != (plan.start, plan.end):
            row = min(spans, key=lambda p: p[2])[0]
            yield self.at(plan.table("rhythm"), row.cell("start"), actual=f"{day(first)} – {day(last)}",
                          expected=f"{day(plan.start)} – {day(plan.end)}")


@register
class PhaseLength(Rule):
    code = "T186"

    def run(self, plan: PlanView, config):
        table = plan.table("rhythm")
        suggested = config["check"]["phase_days"]
        for row, key, start, end in phases(plan):
            days = (end - start).days + 1
            if key in suggested and days > 0 and days != int(suggested[key]):
                yield self.at(table, row.cell("end"), actual=days, expected=int(suggested[key]), phase=row.text("phase"))


@register
class MaterialLate(Rule):
    code = "T231"

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
class MaterialOverdue(RowRule):
    code, table_key = "T232", "materials"

    def check_row(self, plan: PlanView, table, row, config):
        due = row.date("due")
        status = list_key(plan.spec, "material_status", row.text("status"))
        if due and due < plan.today and status != "done":
            yield self.at(table, row.cell("status") or row.cell("due"), actual=day(due), today=day(plan.today),
                          status=row.text("status") or "—", material=row.text("material") or "")
