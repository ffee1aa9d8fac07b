"""Family T, the execution and review tables (docs/checks.md D 19-22, 24): daily metrics, goals,
results review, checklist, and the required cells of risks, progress, feedback, lessons and
improvements."""
from __future__ import annotations


from ..lookup import fold, list_key
from ..recompute import daily_expected, expected_value
from ..registry import Rule, register
from ..view import _np
from ._util import CACHED, EVALUATED, TYPED, close, day, num, pct, shown, template_cells
from .structure import RequiredCells

_NAN = float("nan")


def _compare_rate(rule, plan, table_key, key, config, params):
    """Findings where a rate the workbook shows differs from its definition."""
    table = plan.table(table_key)
    if table is None:
        return
    tol = config["check"]["sum_tolerance"]
    # The template's own formula shows the definition; an empty typed cell shows nothing.
    maybe = table.any_column([key], lambda c: ~c.empty) & ~template_cells(plan, table, key)
    for row in table.rows_where(maybe):
        value, how = shown(plan, table, row, key)
        expected = expected_value(plan, table_key, key, row)
        if how not in (TYPED, EVALUATED, CACHED) or not isinstance(value, (int, float)) or expected is None:
            continue
        # A rate typed by hand is rounded to what it shows (3.1%, 104%): compare at that precision.
        places = _decimals(row.cell(key).raw) if how == TYPED else None
        if places is not None:
            if round(expected * 100, places) != round(value * 100, places):
                yield rule.at(table, row.cell(key), actual=pct(value), expected=pct(expected), **params(row))
        elif not close(value, expected, tol, 1e-4):
            yield rule.at(table, row.cell(key), actual=pct(value), expected=pct(expected), **params(row))


def _unplain(table, *keys):
    """Rows where any of ``keys`` holds a cell the view's columns do not describe."""
    return table.any_column(keys, lambda c: ~c.plain)


def _clicks_near(table, key: str, above: bool):
    """Rows where the recomputed clicks (round(impressions × CTR)) come within one of ``key``'s
    number: above it (clicks over impressions) or below it (conversions over clicks).

    Only plain number cells are compared here (NaN compares false); _unplain picks the others.
    """
    expected, other = daily_expected(table, "clicks"), table.column(key)
    if expected is None or other is None:
        return _np().ones(len(table.rows), dtype=bool)
    clicks = expected[0]
    return clicks > other.num - 1 if above else clicks < other.num + 1


def _decimals(raw) -> int | None:
    if not isinstance(raw, str) or "%" not in raw:
        return None
    number = raw.split("%")[0]
    return len(number.split(".")[1]) if "." in number else 0


@register
class ClicksOverImpressions(Rule):
    code, name, severity = "T191", "daily.clicks-over-impressions", "error"
    messages = {
        "zh-CN": "点击量 {actual} 超过曝光量 {expected}。",
        "zh-TW": "點擊量 {actual} 超過曝光量 {expected}。",
        "en": "Clicks {actual} exceed impressions {expected}.",
    }
    what = "More clicks than impressions on a day (a CTR above 100%, or clicks typed by hand)."
    why = "Nobody clicks an ad they never saw."
    bad = "曝光量 50000, 点击率 320% → 点击量 160000"
    good = "点击率 3.2% → 1600"

    def run(self, plan, config):
        table = plan.table("daily")
        if table is None:
            return
        # Rows whose clicks are the template's round(impressions × CTR) hold no finding unless
        # that product comes near the impressions.
        maybe = _unplain(table, "impressions", "ctr", "clicks") | ~template_cells(plan, table, "clicks") \
            | _clicks_near(table, "impressions", above=True)
        for row in table.rows_where(maybe):
            imp = row.num("impressions")
            clicks, how = shown(plan, table, row, "clicks")
            if how is None:
                clicks = expected_value(plan, "daily", "clicks", row)
            if imp is not None and isinstance(clicks, (int, float)) and clicks > imp:
                yield self.at(table, row.cell("clicks") or row.cell("ctr"), actual=num(clicks), expected=num(imp))


@register
class ConversionsOverClicks(Rule):
    code, name, severity = "T192", "daily.conversions-over-clicks", "error"
    messages = {
        "zh-CN": "转化量 {actual} 超过点击量 {expected}。",
        "zh-TW": "轉化量 {actual} 超過點擊量 {expected}。",
        "en": "Conversions {actual} exceed clicks {expected}.",
    }
    what = "More conversions than clicks on a day."
    why = "Conversions come from clicks; a conversion rate above 100% is a data error."
    bad = "点击量 840, 转化量 2800"
    good = "转化量 280"

    def run(self, plan, config):
        table = plan.table("daily")
        if table is None:
            return
        maybe = _unplain(table, "conversions", "impressions", "ctr", "clicks") \
            | ~template_cells(plan, table, "clicks") | _clicks_near(table, "conversions", above=False)
        for row in table.rows_where(maybe):
            conv = row.num("conversions")
            clicks = expected_value(plan, "daily", "clicks", row)
            if conv is not None and clicks is not None and conv > clicks:
                yield self.at(table, row.cell("conversions"), actual=num(conv), expected=num(clicks))


@register
class ConversionRate(Rule):
    code, name, severity = "T193", "daily.conversion-rate", "error"
    owns_value = "daily.cvr"  # F133 leaves this derived value to this rule
    messages = {
        "zh-CN": "转化率应为 转化量 {conv} ÷ 点击量 {clicks} = {expected}，表中为 {actual}。",
        "zh-TW": "轉化率應為 轉化量 {conv} ÷ 點擊量 {clicks} = {expected}，表中為 {actual}。",
        "en": "Conversion rate should be conversions {conv} ÷ clicks {clicks} = {expected}; the sheet shows {actual}.",
    }
    what = "A conversion rate that is not conversions ÷ clicks."
    why = "The seed's own example shows 3.1% for 500 conversions from 1,600 clicks (31.3%): a rate invented or divided by the wrong base."
    bad = "曝光量 50000, 点击率 3.2%, 转化量 500, 转化率 3.1%"
    good = "转化率 31.3% (500 ÷ 1600)"

    def run(self, plan, config):
        yield from _compare_rate(self, plan, "daily", "cvr", config,
                                 lambda row: {"conv": num(row.num("conversions")),
                                              "clicks": num(expected_value(plan, "daily", "clicks", row))})


@register
class DailyAchievement(Rule):
    code, name, severity = "T194", "daily.achievement", "error"
    owns_value = "daily.achievement"  # F133 leaves this derived value to this rule
    messages = {
        "zh-CN": "目标达成率应为 转化量 ÷ 日目标 = {expected}，表中为 {actual}。",
        "zh-TW": "目標達成率應為 轉化量 ÷ 日目標 = {expected}，表中為 {actual}。",
        "en": "Achievement should be conversions ÷ daily target = {expected}; the sheet shows {actual}.",
    }
    what = "A daily achievement that is not conversions ÷ the day's target."
    why = "Achievement drives the daily red/green; a wrong one hides a bad day."
    bad = "转化量 280, 目标 500, 达成率 65%"
    good = "56%"

    def run(self, plan, config):
        yield from _compare_rate(self, plan, "daily", "achievement", config, lambda row: {})


@register
class DailyDuplicate(Rule):
    code, name, severity = "T195", "daily.duplicate", "error"
    messages = {
        "zh-CN": "{date} 的“{channel}”已在第 {first} 行记录过。",
        "zh-TW": "{date} 的「{channel}」已在第 {first} 列記錄過。",
        "en": "{date} for “{channel}” is already recorded in row {first}.",
    }
    what = "Two rows for the same (date, channel)."
    why = "Totals count that day twice."
    bad = "03-04 抖音 on rows 5 and 9"
    good = "One row per day and channel"

    def run(self, plan, config):
        table = plan.table("daily")
        if table is None:
            return
        np = _np()
        days, channels, named = _day_channel(table)
        found = np.flatnonzero(named & (channels > 0))  # a name that folds to nothing names no channel
        keys = days[found] * (int(channels.max(initial=0)) + 1) + channels[found]
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        rows = table.rows
        for at in np.flatnonzero(first[inverse] != np.arange(len(found))).tolist():
            row = rows[int(found[at])]
            yield self.at(table, row.cell("date"), date=day(row.date("date")), channel=row.text("channel"),
                          first=rows.numbers[int(found[first[inverse[at]]])])


@register
class DailySpike(Rule):
    code, name, severity = "T196", "daily.spike", "info"
    messages = {
        "zh-CN": "“{channel}”的{metric}从 {before} 变为 {actual}（{change}），按工具集要求应在2小时内排查。",
        "zh-TW": "「{channel}」的{metric}從 {before} 變為 {actual}（{change}），按工具集要求應在2小時內排查。",
        "en": "{metric} for “{channel}” went from {before} to {actual} ({change}); the toolkit asks for an investigation within 2 hours.",
    }
    what = "A day-over-day drop or spike in a channel's conversions or impressions beyond the threshold (50%)."
    why = "The seed asks for an investigation of abnormal changes within 2 hours."
    bad = "抖音 conversions 500 on 03-04, 120 on 03-05"
    good = "Investigated and noted in 执行进度跟踪表"

    def run(self, plan, config):
        table = plan.table("daily")
        if table is None:
            return
        limit = config["check"]["spike_threshold"]
        np = _np()
        days, channels, named = _day_channel(table)
        found = np.flatnonzero(named)
        # Each channel's rows by date; rows of one day keep their order.
        order = found[np.lexsort((found, days[found], channels[found]))]
        prev, cur = order[:-1], order[1:]
        pairs = (channels[prev] == channels[cur]) & (days[cur] - days[prev] == 1)
        prev, cur = prev[pairs], cur[pairs]
        flagged = np.zeros(len(cur), dtype=bool)
        rows = table.rows
        for key in ("conversions", "impressions"):  # conversions first: one finding per row
            values = table.values_of(key)
            series = np.array([_NAN if v is None else v for v in values], dtype=float)
            a, b = series[prev], series[cur]
            with np.errstate(divide="ignore", invalid="ignore"):
                jump = (a != 0) & ~np.isnan(a) & ~np.isnan(b) & (np.abs(b - a) / a > limit) & ~flagged
            for j in np.flatnonzero(jump).tolist():
                x, y, row = values[int(prev[j])], values[int(cur[j])], rows[int(cur[j])]
                yield self.at(table, row.cell(key), actual=num(y), before=num(x),
                              change=f"{(y - x) / x * 100:+.0f}%", channel=row.text("channel"),
                              metric=table.label(key, plan.lang))
            flagged |= jump


def _day_channel(table):
    """(day ordinals, channel codes, named) over the daily rows: a code per folded channel name
    (0 for a name that folds to nothing), and whether the row has both a date and a name."""
    memo = table.__dict__.setdefault("_day_channel", [])
    if memo:
        return memo[0]
    np = _np()
    codes, folded = {}, {}
    days, channels, named = [], [], []
    for date, name in zip(table.values_of("date", "date"), table.values_of("channel", "text")):
        ok = bool(date and name)
        named.append(ok)
        days.append(date.toordinal() if ok else 0)
        if ok and name not in folded:
            folded[name] = codes.setdefault(fold(name), len(codes) + 1) if fold(name) else 0
        channels.append(folded[name] if ok else 0)
    memo.append((np.array(days, dtype=np.int64), np.array(channels, dtype=np.int64), np.array(named, dtype=bool)))
    return memo[0]


@register
class GoalWithoutNumber(Rule):
    code, name, severity = "T201", "goals.not-measurable", "error"
    messages = {
        "zh-CN": "目标“{metric}”没有可衡量的目标值（SMART）。",
        "zh-TW": "目標「{metric}」沒有可衡量的目標值（SMART）。",
        "en": "The goal “{metric}” has no measurable target (SMART).",
    }
    what = "A goal with no number: 提升品牌知名度 is not a goal, 曝光量 100万 is."
    why = "A goal without a number cannot be reviewed; the seed's first rule."
    bad = "品牌目标 | 提升品牌知名度 | (blank)"
    good = "品牌目标 | 曝光量 | 1000000"

    def run(self, plan, config):
        table = plan.table("goals")
        if table is None or "target" in table.missing:
            return
        for row in table.rows:
            if row.num("target") is None and (row.cell("target") is None or row.cell("target").status != "unreadable"):
                yield self.at(table, row.cell("target"), row=row.row, metric=row.text("metric") or "")


@register
class GoalRequired(RequiredCells):
    code, name, severity = "T202", "goals.owner-deadline", "warning"
    messages = {
        "zh-CN": "目标缺少“{column}”。",
        "zh-TW": "目標缺少「{column}」。",
        "en": "The goal has no “{column}”.",
    }
    what = "A goal with no owner, no deadline, no direction or no metric."
    why = "SMART: somebody owns it, by a date."
    bad = "销量 | 100000 | 负责人 (blank)"
    good = "负责人 王敏, 完成时限 2026-03-15"

    table_key, required = "goals", ("dimension", "metric", "direction", "owner", "deadline")


@register
class ReviewAchievement(Rule):
    code, name, severity = "T211", "review.achievement", "error"
    owns_value = "review.achievement"  # F133 leaves this derived value to this rule
    messages = {
        "zh-CN": "“{metric}”的达成率应为 {expected}（{how}），表中为 {actual}。",
        "zh-TW": "「{metric}」的達成率應為 {expected}（{how}），表中為 {actual}。",
        "en": "Achievement for “{metric}” should be {expected} ({how}); the sheet shows {actual}.",
    }
    how_text = {
        "higher": {"zh-CN": "实际÷目标", "zh-TW": "實際÷目標", "en": "actual ÷ target"},
        "lower": {"zh-CN": "越低越好：目标÷实际", "zh-TW": "越低越好：目標÷實際", "en": "lower is better: target ÷ actual"},
    }
    what = "A results-review achievement not computed as actual ÷ target, or target ÷ actual when lower is better."
    why = "Computed the wrong way round, a cost that beat its target shows as a miss (96% instead of 104%)."
    bad = "新客获取成本 | ≤50 | 48 | 96%"
    good = "104%"

    def run(self, plan, config):
        from ..lookup import direction_of_metric

        def params(row):
            direction = direction_of_metric(plan, row.text("metric"), row.cell("target"))
            return {"metric": row.text("metric") or "", "how": self.how_text[direction][plan.lang]}

        yield from _compare_rate(self, plan, "review", "achievement", config, params)


@register
class ReviewAnalysis(Rule):
    code, name, severity = "T212", "review.analysis-missing", "warning"
    messages = {
        "zh-CN": "“{metric}”达成率 {actual}，未达成，需要原因分析。",
        "zh-TW": "「{metric}」達成率 {actual}，未達成，需要原因分析。",
        "en": "“{metric}” reached {actual}, short of target: say why in the analysis.",
    }
    what = "A missed goal (achievement < 100%) with no analysis."
    why = "The review exists to learn why; the seed requires it for every miss."
    bad = "销量 | 95% | (blank)"
    good = "销量 | 95% | 延期1天上线,曝光量略低"

    def run(self, plan, config):
        table = plan.table("review")
        for row in plan.rows("review"):
            achieved = expected_value(plan, "review", "achievement", row)
            if achieved is not None and achieved < 1 - 1e-9 and not row.filled("analysis"):
                yield self.at(table, row.cell("analysis"), row=row.row, actual=pct(achieved), metric=row.text("metric") or "")


@register
class ChecklistNoNote(Rule):
    code, name, severity = "T221", "checklist.no-without-note", "warning"
    messages = {
        "zh-CN": "“{check}”标为“否”，备注里需要写明原因和补救措施。",
        "zh-TW": "「{check}」標為「否」，備註裡需要寫明原因和補救措施。",
        "en": "“{check}” is marked No; the note must say why and what is being done.",
    }
    what = "A checklist item marked 否 without a note."
    why = "An open item with no plan is a launch risk nobody is handling."
    bad = "直播设备测试 | 否 | -"
    good = "直播设备测试 | 否 | 需更换备用麦克风"

    def run(self, plan, config):
        table = plan.table("checklist")
        for row in plan.rows("checklist"):
            if list_key(plan.spec, "yes_no", row.text("done")) == "no" and not _has_note(row):
                yield self.at(table, row.cell("notes") or row.cell("done"), row=row.row, check=row.text("check") or "")


def _has_note(row) -> bool:
    cell = row.cell("notes")
    return cell is not None and cell.status == "ok" and bool(str(cell.value).strip())


@register
class LaunchReadiness(Rule):
    code, name, severity = "T222", "checklist.readiness", "info"
    messages = {
        "zh-CN": "上线准备完成 {actual}（{done}/{total} 项为“是”）。",
        "zh-TW": "上線準備完成 {actual}（{done}/{total} 項為「是」）。",
        "en": "Launch readiness {actual} ({done} of {total} items Yes).",
    }
    what = "The share of checklist items marked 是, when below 100%."
    why = "A one-line answer to “are we ready to launch?”."
    bad = "3 of 4 items 是"
    good = "4 of 4"

    def run(self, plan, config):
        table = plan.table("checklist")
        rows = [r for r in plan.rows("checklist") if r.text("check")]
        if not rows:
            return
        done = sum(1 for r in rows if list_key(plan.spec, "yes_no", r.text("done")) == "yes")
        if done < len(rows):
            anchor = table.totals.cell("done") if table.totals else None
            yield self.at(table, anchor, row=None if anchor else rows[-1].row, actual=pct(done / len(rows)),
                          done=done, total=len(rows), expected="100%")


@register
class RisksRequired(RequiredCells):
    code, name, severity = "T241", "risks.required", "warning"
    messages = {
        "zh-CN": "风险预案缺少“{column}”。",
        "zh-TW": "風險預案缺少「{column}」。",
        "en": "The risk has no “{column}”.",
    }
    what = "A risk with no trigger, response or owner."
    why = "A risk plan is its trigger and its response; without them it is a worry, not a plan."
    bad = "负面舆情 | (blank) | (blank) | *公关"
    good = "负面舆情 | 单日负面评论超50条 | 客服2小时内响应 | 李娜"

    table_key, required = "risks", ("risk_type", "trigger", "response", "owner")


@register
class ProgressDeviation(RequiredCells):
    code, name, severity = "T242", "progress.deviation", "warning"
    messages = {
        "zh-CN": "未按计划完成，需要填写“{column}”（24小时内响应）。",
        "zh-TW": "未按計劃完成，需要填寫「{column}」（24小時內響應）。",
        "en": "Off plan: “{column}” is needed (answered within 24 hours).",
    }
    what = "A progress entry not on plan without a deviation note and a resolution."
    why = "The seed asks for every deviation to be explained and answered within 24 hours."
    bad = "按计划完成 否 | 偏差说明 (blank)"
    good = "偏差说明 素材审核未通过 | 解决措施 修改素材后重新提交"
    table_key, required = "progress", ("date", "planned", "actual")

    def run(self, plan, config):
        table = plan.table("progress")
        for row in plan.rows("progress"):
            if list_key(plan.spec, "yes_no", row.text("on_plan")) != "no":
                continue
            for key in ("deviation", "resolution"):
                if key not in table.missing and not row.filled(key):
                    letter = table.letters.get(key)
                    yield self.at(table, ref=f"{letter}{row.row}" if letter else None, row=row.row,
                                  column=table.label(key, plan.lang))
        yield from super().run(plan, config)


@register
class FeedbackAction(RequiredCells):
    code, name, severity = "T243", "feedback.action", "warning"
    messages = {
        "zh-CN": "用户反馈缺少“{column}”。",
        "zh-TW": "用戶反饋缺少「{column}」。",
        "en": "The feedback entry has no “{column}”.",
    }
    what = "Feedback with no type or no suggested action."
    why = "Feedback without an action is a complaint filed, not handled."
    bad = "活动规则 | 门槛太高 | (blank)"
    good = "处理建议: 降低门槛至满100减30"

    table_key, required = "feedback", ("type", "content", "action")


@register
class LessonsRequired(RequiredCells):
    code, name, severity = "T244", "lessons.required", "warning"
    messages = {
        "zh-CN": "成功经验缺少“{column}”。",
        "zh-TW": "成功經驗缺少「{column}」。",
        "en": "The lesson has no “{column}”.",
    }
    what = "A lesson with no description or owner."
    why = "A lesson nobody owns is not reused."
    bad = "社群裂变 | (blank)"
    good = "社群裂变 | 带动新增用户2000人,成本25元/人 | 老用户激活 | 李娜"

    table_key, required = "lessons", ("lesson", "details", "owner")


@register
class ImprovementsRequired(RequiredCells):
    code, name, severity = "T245", "improvements.required", "warning"
    messages = {
        "zh-CN": "改进计划缺少“{column}”。",
        "zh-TW": "改進計劃缺少「{column}」。",
        "en": "The improvement has no “{column}”.",
    }
    what = "An improvement with no action, owner or deadline."
    why = "Without an owner and a date, the next campaign repeats the mistake."
    bad = "客服响应慢 | ... | (blank)"
    good = "增加2名兼职客服 | 张伟 | 2026-03-31"

    table_key, required = "improvements", ("shortfall", "action", "owner", "deadline")
