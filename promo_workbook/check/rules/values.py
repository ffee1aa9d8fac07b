"""Family V, cell values (docs/checks.md B 6-12): what was typed into each input cell."""
from __future__ import annotations

from ...spec import CHANNELS_LIST
from ...values import ERROR_VALUES
from ..lookup import fold, list_key
from ..registry import Rule, register
from ..view import PlanView, _np
from ._util import day

NUMERIC = ("number", "money", "percent")


def _percent_slip(cell) -> bool:
    """3.2 meant as 3.2%: the view has already read it as 3.2% (other rules use that) and flags it."""
    return cell.slip


def _input_cells(plan: PlanView, kinds, also=None):
    """(table, column, cell) for every filled input cell of the given kinds that may hold a
    finding: those the view's columns do not describe as plain, and the plain ones that
    ``also(table, spec column, view column)`` (a boolean array) picks."""
    for table in plan.tables.values():
        columns = [c for c in table.spec.columns if c.kind in kinds and c.key not in table.missing]
        if not columns:
            continue
        specs = {c.key: c for c in columns}
        mask = table.any_column(specs, lambda c, table=table, specs=specs:
                                ~c.plain if also is None else ~c.plain | also(table, specs[c.key], c))
        for row in table.rows_where(mask):
            for col in columns:
                cell = row.cell(col.key)
                if cell is not None and cell.formula is None and cell.status != "empty":
                    yield table, col, cell


@register
class NotANumber(Rule):
    code, name, severity = "V061", "value.not-a-number", "error"
    messages = {
        "zh-CN": "“{column}”需要数字，这里是“{actual}”，无法计算。",
        "zh-TW": "「{column}」需要數字，這裡是「{actual}」，無法計算。",
        "en": "“{column}” needs a number; “{actual}” cannot be computed with.",
    }
    what = "Text where a number is needed, quoted as typed (约五万, 若干, 待定)."
    why = "Every sum, share and rate that uses the cell silently drops it."
    bad = "曝光量: 约五万"
    good = "曝光量: 50000 (or 5万, which is read as 50,000)"

    def run(self, plan, config):
        for table, _col, cell in _input_cells(plan, NUMERIC):
            if cell.status == "unreadable" and cell.error is None:
                yield self.at(table, cell, actual=str(cell.raw))


@register
class NotADate(Rule):
    code, name, severity = "V062", "value.not-a-date", "error"
    messages = {
        "zh-CN": "“{column}”需要日期，这里是“{actual}”。",
        "zh-TW": "「{column}」需要日期，這裡是「{actual}」。",
        "en": "“{column}” needs a date; found “{actual}”.",
    }
    what = "Text where a date is needed (下周, 月底, 2026-02-30)."
    why = "Schedules, windows and overdue items cannot be checked against words."
    bad = "交付时间: 下周"
    good = "交付时间: 2026-02-27"

    def run(self, plan, config):
        for table, _col, cell in _input_cells(plan, ("date",)):
            if cell.status == "unreadable" and cell.error is None:
                yield self.at(table, cell, actual=str(cell.raw))


@register
class NumberAsText(Rule):
    code, name, severity = "V071", "value.number-as-text", "info"
    messages = {
        "zh-CN": "“{actual}”是以文本形式保存的数字，已按 {value} 读取；表格里的公式不会把它当数字。",
        "zh-TW": "「{actual}」是以文字形式儲存的數字，已按 {value} 讀取；表格裡的公式不會把它當數字。",
        "en": "“{actual}” is a number stored as text, read as {value}; the workbook's own formulas will not count it.",
    }
    what = "Numbers typed with units or magnitudes (10万件, ≤50元/人, '123): read, but not by Excel."
    why = "The checker understands them; SUM and the Dashboard in the workbook do not."
    bad = "目标值: 10万件 (text)"
    good = "目标值: 100000, 单位: 件"

    def run(self, plan, config):
        for table, col, cell in _input_cells(plan, NUMERIC):
            if cell.ok and cell.from_text:
                value = f"{cell.value * 100:g}%" if col.kind == "percent" else f"{cell.value:,}"
                yield self.at(table, cell, actual=str(cell.raw), value=value)


@register
class RateOutOfRange(Rule):
    code, name, severity = "V081", "value.rate-out-of-range", "error"
    messages = {
        "zh-CN": "“{column}”为 {actual}，比率应在 0% 到 100% 之间。",
        "zh-TW": "「{column}」為 {actual}，比率應在 0% 到 100% 之間。",
        "en": "“{column}” is {actual}; a rate lies between 0% and 100%.",
    }
    what = "A click-through rate or budget share below 0% or above 100%."
    why = "Clicks and budget amounts computed from it are impossible."
    bad = "点击率: 320%"
    good = "点击率: 3.2%"

    def run(self, plan, config):
        for table, _col, cell in _input_cells(plan, ("percent",)):
            if cell.ok and not _percent_slip(cell) and not 0 <= cell.value <= 1:
                yield self.at(table, cell, actual=f"{cell.value * 100:g}%", expected="0%–100%")


@register
class PercentScale(Rule):
    code, name, severity = "V082", "value.percent-scale", "warning"
    messages = {
        "zh-CN": "“{column}”填了 {actual}，看起来是想填 {actual}%（照原样计算会大100倍）。",
        "zh-TW": "「{column}」填了 {actual}，看起來是想填 {actual}%（照原樣計算會大100倍）。",
        "en": "“{column}” holds {actual}, which looks meant as {actual}% (taken literally it is 100 times too big).",
    }
    what = "3.2 typed where 3.2% was meant: a number above 1 in a percent column."
    why = "As typed it means 320%; every click count computed from it is a hundred times too high."
    bad = "点击率: 3.2"
    good = "点击率: 3.2%"

    def run(self, plan, config):
        for table, _col, cell in _input_cells(plan, ("percent",)):
            if cell.ok and _percent_slip(cell):
                shown = cell.raw if isinstance(cell.raw, str) else f"{cell.raw:g}"
                yield self.at(table, cell, actual=shown, expected=f"{shown}%")


@register
class Negative(Rule):
    code, name, severity = "V091", "value.negative", "error"
    messages = {
        "zh-CN": "“{column}”不能为负数（{actual}）。",
        "zh-TW": "「{column}」不能為負數（{actual}）。",
        "en": "“{column}” cannot be negative ({actual}).",
    }
    what = "A negative quantity, price, impression or conversion count."
    why = "It subtracts from totals that should only grow."
    bad = "数量: -2"
    good = "数量: 2"

    def run(self, plan, config):
        for table, _col, cell in _input_cells(plan, ("number", "money"), lambda t, s, c: c.num < 0):
            if cell.ok and isinstance(cell.value, (int, float)) and cell.value < 0:
                yield self.at(table, cell, actual=cell.value)


@register
class NotInList(Rule):
    code, name, severity = "V101", "value.not-in-list", "warning"
    messages = {
        "zh-CN": "“{actual}”不在“{column}”的下拉列表中（{expected}）。",
        "zh-TW": "「{actual}」不在「{column}」的下拉清單中（{expected}）。",
        "en": "“{actual}” is not one of the “{column}” choices ({expected}).",
    }
    what = "A value outside its dropdown list (pasting bypasses Excel's validation)."
    why = "Counts by category (reserve share, readiness, status) miss the row."
    bad = "项目名称: 备用金 (the list says 风险备用金)"
    good = "项目名称: 风险备用金"

    def run(self, plan, config):
        channels = {fold(r.text("channel")) for r in plan.rows("channels")} - {""}

        def outside(table, col, text: str) -> bool:
            if col.list == CHANNELS_LIST:
                return table.key != "daily" and bool(channels) and fold(text) not in channels  # daily: X281
            return list_key(plan.spec, col.list, text) is None

        def plain_outside(table, col, column):
            verdicts = {t: outside(table, col, t) for t in set(column.text or ()) if t}
            return _np().fromiter((bool(t) and verdicts[t] for t in column.text or [None] * len(column.raw)),
                                  dtype=bool, count=len(column.raw))

        for table, col, cell in _input_cells(plan, ("dropdown",), plain_outside):
            text = str(cell.raw).strip()
            if cell.status != "ok" or not text:
                continue
            if col.list == CHANNELS_LIST:
                if outside(table, col, text):
                    yield self.at(table, cell, actual=text, expected="、".join(sorted(channels)))
            elif outside(table, col, text):
                yield self.at(table, cell, actual=text, expected=" / ".join(plan.spec.list_labels(col.list, plan.lang)))


@register
class DateOutsideWindow(Rule):
    code, name, severity = "V111", "date.outside-window", "warning"
    messages = {
        "zh-CN": "{actual} 不在活动期间（{expected}）内。",
        "zh-TW": "{actual} 不在活動期間（{expected}）內。",
        "en": "{actual} is outside the campaign ({expected}).",
    }
    what = "A date in a campaign-dated column (rhythm, progress, daily metrics, goal deadlines) outside the Cover's start–end."
    why = "Either the date or the campaign window is wrong, and windowed totals miss the row."
    bad = "日期 2026-04-02 in a campaign running 2026-03-01 to 2026-03-15"
    good = "日期 2026-03-04"

    def run(self, plan, config):
        if not (plan.start and plan.end):
            return
        window = f"{day(plan.start)} – {day(plan.end)}"

        def outside(table, col, column):
            if col.dates != "campaign" or column.date is None:
                return _np().zeros(len(column.raw), dtype=bool)
            start, end = plan.start, plan.end
            return _np().fromiter((d is not None and not start <= d <= end for d in column.date), dtype=bool,
                                  count=len(column.date))

        for table, col, cell in _input_cells(plan, ("date",), outside):
            if col.dates == "campaign" and cell.ok and not plan.start <= cell.value <= plan.end:
                yield self.at(table, cell, actual=day(cell.value), expected=window)


@register
class TwoDigitYear(Rule):
    code, name, severity = "V112", "date.two-digit-year", "warning"
    messages = {
        "zh-CN": "“{actual}”只写了两位年份，已按 {value} 读取，请写完整年份。",
        "zh-TW": "「{actual}」只寫了兩位年份，已按 {value} 讀取，請寫完整年份。",
        "en": "“{actual}” has a two-digit year, read as {value}; write the full year.",
    }
    what = "A text date with a two-digit year (26/3/4)."
    why = "Apps disagree on the century; Excel's cutoff is 2029."
    bad = "26/3/4"
    good = "2026-03-04"

    def run(self, plan, config):
        for table, _col, cell in _input_cells(plan, ("date",)):
            if cell.ok and "two-digit-year" in cell.warnings:
                yield self.at(table, cell, actual=str(cell.raw), value=day(cell.value))


@register
class ErrorValue(Rule):
    code, name, severity = "V121", "cell.error-value", "error"
    messages = {
        "zh-CN": "单元格显示错误值 {actual}。",
        "zh-TW": "儲存格顯示錯誤值 {actual}。",
        "en": "The cell shows the error value {actual}.",
    }
    what = "An Excel error value in a cell: #DIV/0!, #REF!, #VALUE!, #NAME?, #N/A."
    why = "Everything that refers to the cell inherits the error."
    bad = "转化率: #DIV/0!"
    good = "转化率 blank until clicks are known (the template's formulas do this)."

    def run(self, plan, config):
        for table in plan.tables.values():
            maybe = table.any_column([c.key for c in table.spec.columns if c.key not in table.missing],
                                     lambda c: ~c.plain)
            for row in table.rows_where(maybe) + ([table.totals] if table.totals else []):
                for cell in row.cells.values():
                    if cell.error or (isinstance(cell.raw, str) and cell.raw.strip() in ERROR_VALUES):
                        yield self.at(table, cell, actual=cell.error or cell.raw.strip())
