"""Family V, cell values (docs/checks.md B 6-12): what was typed into each input cell."""
from __future__ import annotations

from itertools import compress

from ...spec import CHANNELS_LIST
from ...values import ERROR_VALUES
from .. import runs
from ..lookup import fold, list_key
from ..registry import Rule, register
from ..rows import each_content
from ..view import PlanView, _np
from ._util import day

NUMERIC = ("number", "money", "percent")


def _percent_slip(cell) -> bool:
    """3.2 meant as 3.2%: the view has already read it as 3.2% (other rules use that) and flags it."""
    return cell.slip


def _input_cells(plan: PlanView, kinds, also=None, holds=None):
    """(table, column, cell) for every filled input cell of the given kinds that may hold a
    finding: those the view's columns do not describe as plain, and the plain ones that
    ``also(table, spec column, view column)`` (a boolean array) picks. ``holds(cell)``: the
    rule's test of what a cell holds (never of where it is), when it has one: a cell failing it
    is not built, what it holds read from a cell shared by the rows typed alike."""
    for table, col, indices in _input_rows(plan, kinds, also):
        if holds is not None:
            kept = each_content(table.contents_at(indices, col.key), lambda c: _filled(c) and holds(c))
            indices = list(compress(indices, kept))
        for cell in table.cells_at(indices, col.key):
            if _filled(cell):
                yield table, col, cell


def _input_rows(plan: PlanView, kinds, also=None):
    """(table, column, row indices) behind _input_cells: every row when the view is exhaustive."""
    for table in plan.tables.values():
        for col in table.spec.columns:
            if col.kind not in kinds or col.key in table.missing:
                continue
            # Column by column: a row's other cells are not built for this one's sake.
            mask = table.any_column([col.key], lambda c, table=table, col=col:
                                    ~c.plain if also is None else ~c.plain | also(table, col, c))
            yield table, col, list(range(len(table.rows))) if table.exhaustive else _np().flatnonzero(mask).tolist()


def _filled(cell) -> bool:
    """An input cell typed into: no formula, not empty."""
    return cell is not None and cell.formula is None and cell.status != "empty"


@register
class NotANumber(Rule):
    code = "V061"

    def run(self, plan, config):
        for table, _col, cell in _input_cells(plan, NUMERIC, holds=_unreadable):
            if _unreadable(cell):
                yield self.at(table, cell, actual=str(cell.raw))


@register
class NotADate(Rule):
    code = "V062"

    def run(self, plan, config):
        for table, _col, cell in _input_cells(plan, ("date",)):
            if cell.status == "unreadable" and cell.error is None:
                yield self.at(table, cell, actual=str(cell.raw))


def computed_with(table) -> set[str]:
    """Input columns the table's own formulas compute with ({quantity}*{unit_price})."""
    import re

    return {key for c in table.spec.columns if c.formula for key in re.findall(r"\{(\w+)\}", c.formula)
            if "." not in key}


def approximate(col, cell) -> bool:
    """A number the planner marked as not exact: 约5000, 5000左右, ~5000, 大概5千, or a bound
    such as 5000+ outside a target column (a target may be a bound: ≤50元)."""
    return cell.ok and cell.from_text and ("approximate" in cell.warnings
                                           or (cell.direction is not None and col.key != "target"))


def _approximate_input(table, col, cell) -> bool:
    """An approximate number (V072) in a column the table's formulas compute with (V071
    leaves it to V072)."""
    return col.key in computed_with(table) and approximate(col, cell)


def _as_number(col, cell) -> str:
    """The number a text cell was read as, shown as it is meant: 0.3 in a percent column as 30%."""
    return f"{cell.value * 100:g}%" if col.kind == "percent" else f"{cell.value:,}"


def explained_rows(plan: PlanView, table) -> set[int]:
    """Excel rows of ``table`` holding text (V061) or an approximate number (V072) in a cell its
    formulas compute with: the app shows #VALUE! there, and the cell's finding explains it
    (V121 leaves those rows' formulas alone, F141 those rows)."""
    def find():
        used = computed_with(table)
        return {cell.row for t, col, cell in _input_cells(plan, NUMERIC, holds=_read_from_text_or_unreadable)
                if t is table and col.key in used
                and (approximate(col, cell) or _unreadable(cell))}
    return table.memo("explained_rows", find)


class _NumberFromText(Rule):
    """The numbers read from text in input cells, in two parts that never overlap: the
    approximate ones in columns a formula computes with (V072), and the others (V071)."""

    approximate = False

    def shown_raw(self, cell) -> str:
        return str(cell.raw)

    def run(self, plan, config):
        for table, col, cell in _input_cells(plan, NUMERIC, holds=_read_from_text):
            if _read_from_text(cell) and _approximate_input(table, col, cell) == self.approximate:
                yield self.at(table, cell, actual=self.shown_raw(cell), value=_as_number(col, cell))


@register
class ApproximateNumber(_NumberFromText):
    code = "V072"
    approximate = True

    def shown_raw(self, cell) -> str:
        return str(cell.raw).strip()


@register
class NumberAsText(_NumberFromText):
    code = "V071"


@register
class RateOutOfRange(Rule):
    code = "V081"

    def run(self, plan, config):
        for table, _col, cell in _input_cells(plan, ("percent",), holds=_out_of_range):
            if _out_of_range(cell):
                yield self.at(table, cell, actual=f"{cell.value * 100:g}%", expected="0%–100%")


@register
class PercentScale(Rule):
    code = "V082"

    def run(self, plan, config):
        worded: dict = {}  # a column of slips repeats a few typed values: their texts are made once

        def texts(cell):
            key = (type(cell.raw), cell.raw, cell.value)
            found = worded.get(key)
            if found is None:
                shown = cell.raw if isinstance(cell.raw, str) else f"{cell.raw:g}"
                found = worded[key] = (shown, f"{shown}%", f"{cell.value * 10000:g}%")
            return found

        for table, col, indices in _input_rows(plan, ("percent",)):
            held = table.contents_at(indices, col.key)
            kept = each_content(held, _slip)
            slips, held = list(compress(indices, kept)), list(compress(held, kept))
            letter = runs.run_letter(table, col.key, len(slips))
            if letter is not None:  # each at its row of the column: what it holds is all the finding needs
                words = each_content(held, texts)
                yield runs.FindingRun(self, table, letter, table.labels.get(col.key),
                                      [table.rows.numbers[i] for i in slips],
                                      **dict(zip(("actual", "expected", "literal"), map(runs.Each, zip(*words)))))
                continue
            for cell in table.cells_at(slips, col.key):
                actual, expected, literal = texts(cell)
                yield self.at(table, cell, actual=actual, expected=expected, literal=literal)


def _slip(cell) -> bool:
    return _filled(cell) and cell.ok and _percent_slip(cell)


def _unreadable(cell) -> bool:
    return cell.status == "unreadable" and cell.error is None


def _read_from_text(cell) -> bool:
    return cell.ok and cell.from_text


def _read_from_text_or_unreadable(cell) -> bool:
    return _read_from_text(cell) or _unreadable(cell)


def _out_of_range(cell) -> bool:
    return cell.ok and not _percent_slip(cell) and not 0 <= cell.value <= 1


@register
class Negative(Rule):
    code = "V091"

    def run(self, plan, config):
        for table, _col, cell in _input_cells(plan, ("number", "money"), lambda t, s, c: c.num < 0):
            if cell.ok and isinstance(cell.value, (int, float)) and cell.value < 0:
                yield self.at(table, cell, actual=cell.value)


@register
class NotInList(Rule):
    code = "V101"

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
    code = "V111"

    def run(self, plan, config):
        if not (plan.start and plan.end) or plan.end < plan.start:
            return  # an inverted window is one mistake, at the Cover (V114)
        window, start, end = f"{day(plan.start)} – {day(plan.end)}", plan.start, plan.end
        days: dict = {}  # a log's dates repeat down the column: each worded once

        def shown(d):
            text = days.get(d)
            if text is None:
                text = days[d] = day(d)
            return text

        def outside(column):  # decided once per distinct date: a log's repeat down the column
            verdicts = {d: d is not None and not start <= d <= end for d in set(column.date)}
            return _np().fromiter(map(verdicts.__getitem__, column.date), dtype=bool, count=len(column.date))

        def placed(table, col):
            """How a plain date's finding is placed by its column and row (no cell built), or None."""
            column = table.column(col.key)
            if col.dates != "campaign" or column is None or column.date is None:
                return None, column
            return table.placed_by_column(col.key), column

        def left(table, col, column):  # the dates outside that are not placed by their column
            if col.dates != "campaign" or column.date is None:
                return _np().zeros(len(column.raw), dtype=bool)
            where = placed(table, col)[0]
            return outside(column) & ~column.described if where is not None else outside(column)

        for table in plan.tables.values():
            for col in table.spec.columns:
                if col.kind == "date" and col.key not in table.missing:
                    where, column = placed(table, col)
                    if where is None:
                        continue
                    found = _np().flatnonzero(outside(column) & column.described).tolist()
                    letter = runs.run_letter(table, col.key, len(found))
                    if letter is not None:
                        dates = list(map(column.date.__getitem__, found))
                        worded = {d: shown(d) for d in set(dates)}
                        yield runs.FindingRun(self, table, letter, table.labels.get(col.key),
                                              [table.rows.numbers[i] for i in found],
                                              actual=runs.Each(map(worded.__getitem__, dates)), expected=window)
                        continue
                    for i in found:
                        yield self.at(table, **where(i), actual=shown(column.date[i]), expected=window)
        for table, col, cell in _input_cells(plan, ("date",), left):
            if col.dates == "campaign" and cell.ok and not start <= cell.value <= end:
                yield self.at(table, cell, actual=shown(cell.value), expected=window)


@register
class DateBeforeItsWindow(Rule):
    """Dates of the work that follows the campaign (improvements, dates: after) fall after it
    ends: an improvement follows from the review, and the review from the campaign."""
    code = "V113"

    def run(self, plan, config):
        if not plan.start or (plan.end and plan.end < plan.start):
            return  # no window, or an inverted one (V114)
        bound = plan.end or plan.start

        def early(table, col, column):
            if col.dates != "after" or column.date is None:
                return _np().zeros(len(column.raw), dtype=bool)
            return _np().fromiter((d is not None and d < bound for d in column.date), dtype=bool,
                                  count=len(column.date))

        for table, col, cell in _input_cells(plan, ("date",), early):
            if col.dates == "after" and cell.ok and cell.value < bound:
                yield self.at(table, cell, actual=day(cell.value), expected=day(bound))


@register
class CampaignEndsBeforeStart(Rule):
    """The root cause of every "outside the campaign": reported once, at the Cover's end date;
    V111 and X301 stay silent while the window is inverted."""
    code = "V114"

    def run(self, plan, config):
        if plan.start and plan.end and plan.end < plan.start:
            yield self.at(None, plan.cover.get("end"), actual=day(plan.end), expected=day(plan.start))


@register
class TwoDigitYear(Rule):
    code = "V112"

    def run(self, plan, config):
        for table, _col, cell in _input_cells(plan, ("date",)):
            if cell.ok and "two-digit-year" in cell.warnings:
                yield self.at(table, cell, actual=str(cell.raw), value=day(cell.value))


@register
class ErrorValue(Rule):
    code = "V121"

    def run(self, plan, config):
        for table in plan.tables.values():
            explained = explained_rows(plan, table)
            for cell in _error_candidates(table):
                if cell.formula is not None and explained and (cell.row in explained or not cell.ok):
                    continue  # the app's #VALUE! from text or an approximate number (V061, V072), and
                    # the totals and shares it spreads to in the table: the cause is reported
                if cell.error or (isinstance(cell.raw, str) and cell.raw.strip() in ERROR_VALUES):
                    yield self.at(table, cell, actual=cell.error or cell.raw.strip())


def _may_hold_error(col):
    np = _np()
    unplain = np.flatnonzero(~col.plain).tolist()  # a plain cell holds none: only the others are looked at
    hashed = np.zeros(len(col.raw), dtype=bool)
    if unplain:
        raw = col.raw
        hashed[unplain] = [type(raw[i]) is str and "#" in raw[i] for i in unplain]
    return ~col.plain & (hashed if col.tid is None else hashed | (col.tid >= 0))


def _error_candidates(table):
    """Every cell of the table that may hold an error value, column by column, then the totals.

    A plain cell holds none (view.Column), nor one without a formula (a cached result) whose
    raw value has no '#' (every error value starts with one); a cell a split fills from a
    combined cell holds its raw value."""
    present = [c.key for c in table.spec.columns if c.key not in table.missing]
    targets = [key for key in table.spec.split_targets(table.letters) if key not in present]
    for key in present:
        yield from table.cells_where(table.any_column([key], _may_hold_error), key)
    for key in targets:
        yield from table.cells_where(table.any_column(table.split_sources(key), _may_hold_error), key)
    if table.totals:
        yield from table.totals.cells.values()
