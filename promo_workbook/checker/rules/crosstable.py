"""Family X, across tables (docs/checks.md E 25-32): goals against the review, the channel plan
against goals and budget, daily metrics against the plan and the review, dates against the
rhythm, misses against improvements, the persona against the channel plan."""
from __future__ import annotations

import re

from ..lookup import fold, mentions_metric, metric_kind, same_metric
from ..recompute import budget_total, expected_value, line_amount
from ..registry import Rule, register
from ..view import PlanView
from ._util import close, day, num, pct
from .schedule import valid_phases


def _review_started(plan: PlanView) -> bool:
    return any(r.num("actual") is not None for r in plan.rows("review"))


def _goal_rows(plan: PlanView, kind: str):
    return [r for r in plan.rows("goals") if metric_kind(plan.spec, r.text("metric")) == kind and r.num("target")]


def _review_rows(plan: PlanView, kind: str):
    return [r for r in plan.rows("review") if metric_kind(plan.spec, r.text("metric")) == kind and r.num("actual") is not None]


@register
class GoalMissingFromReview(Rule):
    code = "X251"

    def run(self, plan, config):
        if not _review_started(plan):
            return
        reviewed = [r.text("metric") for r in plan.rows("review") if r.text("metric")]
        table = plan.table("goals")
        for row in plan.rows("goals"):
            metric = row.text("metric")
            if metric and not any(same_metric(plan.spec, metric, other) for other in reviewed):
                yield self.at(table, row.cell("metric"), metric=metric)


@register
class ReviewTargetDiffers(Rule):
    code = "X252"
    owns_required = "review"  # the review's rows mirror the goals: X25x compare them

    def run(self, plan, config):
        goals = [r for r in plan.rows("goals") if r.text("metric")]
        table = plan.table("review")
        for row in plan.rows("review"):
            goal = _matching_goal(plan, goals, row.text("metric"))
            if goal is None:
                continue
            planned, reviewed = goal.num("target"), row.num("target")
            if unit_factor(planned, reviewed):
                continue  # 万 and 元 mixed: X253 says so
            if planned is not None and reviewed is not None and not close(planned, reviewed, 1e-9, 1e-9):
                yield self.at(table, row.cell("target"), actual=num(reviewed), expected=num(planned),
                              metric=row.text("metric"))


_FACTORS = {1_000: "千", 10_000: "万"}


def unit_factor(a, b) -> int | None:
    """1,000 or 10,000 when one number is about that many times the other (a unit factor
    mixed up: 150 万元 beside 1,500,000 元); else None."""
    if not a or not b or a * b < 0:
        return None
    ratio = max(abs(a), abs(b)) / min(abs(a), abs(b))
    return next((f for f in _FACTORS if f / 2 <= ratio <= f * 2), None)


@register
class UnitFactorMixed(Rule):
    code = "X253"

    def run(self, plan, config):
        goals = [r for r in plan.rows("goals") if r.text("metric")]
        table = plan.table("review")
        for row in plan.rows("review"):
            goal = _matching_goal(plan, goals, row.text("metric"))
            planned = goal.num("target") if goal is not None else None
            pairs = (("target", row.num("target"), planned), ("actual", row.num("actual"), row.num("target") or planned))
            for key, value, against in pairs:
                factor = unit_factor(value, against)
                if factor:
                    yield self.at(table, row.cell(key), actual=num(value), expected=num(against),
                                  factor=f"{factor:,}", metric=row.text("metric") or "")
                    break


def _matching_goal(plan, goals, metric):
    """The goal row of this metric: the same name folded first, else one that means the same."""
    exact = [g for g in goals if fold(g.text("metric")) == fold(metric)]
    return (exact or [g for g in goals if same_metric(plan.spec, g.text("metric"), metric)] or [None])[0]


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
    code = "X261"
    kind, column = "impressions", "target_impressions"


@register
class ConversionsCoverGoal(_CoverageRule):
    code = "X262"
    kind, column = "conversions", "expected_conversions"


@register
class ChannelBudgetVsLines(Rule):
    code = "X271"

    def run(self, plan, config):
        budget_rows = [r for r in plan.rows("budget") if r.text("channel")]
        if not budget_rows:
            return
        from .plausibility import zero_quantity_rows

        unpriced = {fold(r.text("channel")) for r in zero_quantity_rows(plan)}  # T165 explains those
        tol = max(config["check"]["sum_tolerance"], 0.005)
        checked = []
        for row in plan.rows("channels"):
            share, name = row.num("budget_share"), row.text("channel")
            if share is not None and name and fold(name) not in unpriced:
                lines = sum(line_amount(plan, r) or 0 for r in budget_rows if fold(r.text("channel")) == fold(name))
                checked.append((row, share, name, lines))
        cover = plan.cover.get("budget")
        totals = [t for t in (cover.value if cover is not None and cover.ok and isinstance(cover.value, (int, float))
                              else None, budget_total(plan)) if t]
        if not totals or not checked:
            return
        # The Cover's budget, unless the lines' own total explains more channels (then the Cover
        # is the one mistake, T166's, and not every channel's).
        off = [[c for c in checked if not close(c[3], c[1] * total, tol, 0.5)] for total in totals]
        total, wrong = min(zip(totals, off), key=lambda t: len(t[1]))
        table = plan.table("channels")
        for row, share, name, lines in wrong:
            yield self.at(table, row.cell("budget_share"), actual=num(lines), expected=num(round(share * total, 2)),
                          share=pct(share), channel=name)


@register
class UnknownChannel(Rule):
    code = "X281"

    def run(self, plan, config):
        names = {fold(r.text("channel")): r.text("channel") for r in plan.rows("channels") if r.text("channel")}
        if not names or plan.table("daily") is None:
            return
        listed = "、".join(names.values()) if plan.lang.startswith("zh") else ", ".join(names.values())
        table = plan.table("daily")
        for i, name in enumerate(table.values_of("channel", "text")):
            if name and fold(name) not in names:
                yield self.at(table, table.rows[i].cell("channel"), actual=name, expected=listed)


def daily_coverage(plan: PlanView) -> tuple[float, int, int] | None:
    """(share, days logged, campaign days) of the least-covered channel of the daily log, counting
    the campaign's days on which it has a row; None without a campaign window or a log."""
    def find():
        if not (plan.start and plan.end) or plan.end < plan.start or plan.table("daily") is None:
            return None
        total = (plan.end - plan.start).days + 1
        planned = {fold(r.text("channel")) for r in plan.rows("channels") if r.text("channel")}
        days: dict[str, set] = {}
        for date, name in zip(plan.table("daily").values_of("date", "date"), plan.table("daily").values_of("channel", "text")):
            # A channel not in the plan (X281, often a typo) is not a channel the log must cover.
            if date and name and plan.start <= date <= plan.end and (not planned or fold(name) in planned):
                days.setdefault(fold(name), set()).add(date)
        if not days:
            return None
        least = min(len(d) for d in days.values())
        return least / total, least, total
    return plan.memo("daily_coverage", find)


def _daily_covers(plan: PlanView, config) -> bool:
    coverage = daily_coverage(plan)
    return coverage is None or coverage[0] >= config["check"]["daily_coverage"] - 1e-9


def _daily_complete(plan: PlanView, config) -> bool:
    """The log covers the campaign and misses no planned channel's day (X282 reports a gap,
    which also explains why its totals fall short of the review's)."""
    from .plausibility import daily_gaps

    return _daily_covers(plan, config) and not daily_gaps(plan)


class _DailyVsReview(Rule):
    kind = ""
    column = ""

    def run(self, plan, config):
        if not _daily_complete(plan, config):
            return  # partial data: X293 says how much is covered, X282 which days are missing
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
    code = "X291"
    kind, column = "impressions", "impressions"


@register
class ConversionsVsReview(_DailyVsReview):
    code = "X292"
    kind, column = "conversions", "conversions"


@register
class DailyCoverage(Rule):
    code = "X293"

    def run(self, plan, config):
        coverage = daily_coverage(plan)
        if coverage is None or _daily_covers(plan, config) or not any(
                _review_rows(plan, kind) for kind in ("impressions", "conversions")):
            return
        share, logged, total = coverage
        table = plan.table("daily")
        yield self.at(table, row=table.rows[0].row if table.rows else table.first_row, actual=pct(share),
                      logged=logged, total=total, expected=pct(config["check"]["daily_coverage"]))


@register
class DatesOutsideRhythm(Rule):
    code = "X301"

    def run(self, plan, config):
        spans = valid_phases(plan)
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
    code = "X311"

    def run(self, plan, config):
        texts = " ".join(fold(r.text(k)) for r in plan.rows("improvements") for k in ("shortfall", "details", "action"))
        table = plan.table("review")
        for row in plan.rows("review"):
            achieved = expected_value(plan, "review", "achievement", row)
            metric = row.text("metric")
            if achieved is not None and achieved < 1 - 1e-9 and metric and not mentions_metric(plan.spec, metric, texts):
                yield self.at(table, row.cell("achievement") or row.cell("actual"), actual=pct(achieved), metric=metric)


PREFERRED = re.compile(r"(偏好渠道|偏好管道|preferred channels?)\s*[:：]\s*([^;；。\n]+)", re.IGNORECASE)


@register
class PersonaChannels(Rule):
    code = "X321"

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
