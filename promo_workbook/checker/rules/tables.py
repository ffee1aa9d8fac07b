"""Family T, the execution and review tables (docs/checks.md D 19-22, 24): daily metrics, goals,
results review, checklist, and the required cells of risks, progress, feedback, lessons and
improvements. The daily rates (T193, T194) and what every rate rule shares: rates.py."""
from __future__ import annotations

from ..lookup import fold, list_key
from ..recompute import column_floats, daily_expected, daily_values, expected_at, expected_column
from ..recompute import expected_value
from ..registry import Rule, register
from ..view import _np
from ._util import UNSEEN, day, num, pct, shown, shown_column
from ._util import template_cells
from ._util import RowRule, TableRule
from .rates import RateRule
from .structure import RequiredCells

_NAN = float("nan")


def _clicks_near(table, key: str, above: bool):
    """Rows where the recomputed clicks (round(impressions × CTR), or the clicks typed without
    them) come within one of ``key``'s number: above it (clicks over impressions) or below it
    (conversions over clicks); and the rows where either is not known at once.

    Known from the plain number cells of the columns (recompute.daily_expected), or, for a log
    without a clicks column, from the numbers worked out at once (recompute.daily_values)."""
    np = _np()
    plain = daily_expected(table, "clicks")
    if plain is not None:
        (clicks, _), other = plain, table.column(key).num
        known = ~table.any_column([key, "impressions", "ctr", "clicks"], lambda c: ~c.plain)
    else:
        found = daily_values(table, "clicks")
        if found is None:
            return np.ones(len(table.rows), dtype=bool)
        (clicks, exact), (other, other_exact, _) = found, column_floats(table, key)
        known = exact & other_exact
    with np.errstate(invalid="ignore"):
        near = clicks > other - 1 if above else clicks < other + 1  # NaN (no number) compares false
    return near | ~known


def _shows_own(plan, table, key: str):
    """Rows whose ``key`` cell may show a value of its own (not the template's formula, which
    shows the recomputed one); none when no row has the cell."""
    if table.absent(key):
        return _np().zeros(len(table.rows), dtype=bool)
    return ~template_cells(plan, table, key)


@register
class ClicksOverImpressions(RowRule):
    code, table_key = "T191", "daily"

    def candidates(self, plan, table):
        # Rows whose clicks are the template's round(impressions × CTR) hold no finding unless
        # that product comes near the impressions.
        return _shows_own(plan, table, "clicks") | _clicks_near(table, "impressions", above=True)

    def check_rows(self, plan, table, indices, config):
        rows = table.rows
        impressions, shown_at = table.numbers("impressions"), shown_column(plan, table, "clicks")
        expected, exact = expected_column(table, "clicks")
        for i in indices:
            imp = impressions[i]
            if imp is None:
                continue
            clicks, how = shown_at[i] if shown_at[i] is not UNSEEN else shown(plan, table, rows[i], "clicks")
            if how is None:
                clicks = expected[i] if exact[i] else expected_at(plan, table, "clicks", rows[i])
            if _more_clicks(clicks, imp):
                yield self._finding(table, rows[i], clicks, imp)

    def check_row(self, plan, table, row, config):
        imp = row.num("impressions")
        clicks, how = shown(plan, table, row, "clicks")
        if how is None:
            clicks = expected_at(plan, table, "clicks", row)
        if imp is not None and _more_clicks(clicks, imp):
            yield self._finding(table, row, clicks, imp)

    def _finding(self, table, row, clicks, imp):
        return self.at(table, row.cell("clicks") or row.cell("ctr"), actual=num(clicks), expected=num(imp))


def _more_clicks(clicks, impressions) -> bool:
    return isinstance(clicks, (int, float)) and clicks > impressions


@register
class ConversionsOverClicks(RowRule):
    code, table_key = "T192", "daily"

    def candidates(self, plan, table):
        return _shows_own(plan, table, "clicks") | _clicks_near(table, "conversions", above=False)

    def check_rows(self, plan, table, indices, config):
        rows, conversions = table.rows, table.numbers("conversions")
        expected, exact = expected_column(table, "clicks")
        for i in indices:
            conv = conversions[i]
            if conv is None:
                continue
            clicks = expected[i] if exact[i] else expected_at(plan, table, "clicks", rows[i])
            if clicks is not None and conv > clicks:
                yield self.at(table, rows[i].cell("conversions"), actual=num(conv), expected=num(clicks))

    def check_row(self, plan, table, row, config):
        conv = row.num("conversions")
        clicks = expected_at(plan, table, "clicks", row)
        if conv is not None and clicks is not None and conv > clicks:
            yield self.at(table, row.cell("conversions"), actual=num(conv), expected=num(clicks))


@register
class DailyDuplicate(TableRule):
    code, table_key = "T195", "daily"

    def check(self, plan, table, config):
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
class DailySpike(TableRule):
    code, table_key = "T196", "daily"

    def check(self, plan, table, config):
        limit = config["check"]["spike_threshold"]
        np = _np()
        days, channels, named = _day_channel(table)
        found = np.flatnonzero(named)
        # Each channel's rows by date; rows of one day keep their order.
        order = found[np.lexsort((found, days[found], channels[found]))]
        prev, cur = order[:-1], order[1:]
        pairs = (channels[prev] == channels[cur]) & (days[cur] - days[prev] == 1)
        prev, cur = prev[pairs], cur[pairs]
        # A day T197 calls an anomaly, and the day after it (the return), are said there.
        anomalous = np.array(sorted({i for i, _ in _anomalies(table, config)}), dtype=np.int64)
        flagged = np.isin(cur, anomalous) | np.isin(prev, anomalous)
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


@register
class DailyAnomaly(TableRule):
    code, table_key = "T197", "daily"

    def check(self, plan, table, config):
        factor = config["check"]["anomaly_factor"]
        for i, key in _anomalies(table, config):
            row = table.rows[i]
            value, around = row.num(key), _neighbours(table, i, key)
            yield self.at(table, row.cell(key), actual=num(value), expected=" / ".join(num(v) for v in around),
                          channel=row.text("channel"), metric=table.label(key, plan.lang), factor=f"{factor:g}")


def _anomalies(table, config) -> list[tuple[int, str]]:
    """(row index, column key) of the days whose conversions or impressions are at least
    ``anomaly_factor`` times every neighbouring day's of the same channel, or as many times
    below: the toolkit asks that such a day be investigated within 2 hours."""
    factor = config["check"]["anomaly_factor"]

    def find():
        np = _np()
        before, after = neighbour_rows(table)
        out, seen = [], np.zeros(len(table.rows), dtype=bool)
        for key in ("conversions", "impressions"):
            series = np.array([_NAN if v is None else v for v in table.values_of(key)], dtype=float)
            padded = np.append(series, _NAN)  # index -1: no neighbour
            a, b = padded[before], padded[after]
            has_a, has_b = before >= 0, after >= 0
            with np.errstate(invalid="ignore"):
                usable = (has_a | has_b) & ~np.isnan(series) & (series >= 0) \
                    & (~has_a | (a > 0)) & (~has_b | (b > 0))
                high = np.fmax(np.where(has_a, a, _NAN), np.where(has_b, b, _NAN))
                low = np.fmin(np.where(has_a, a, _NAN), np.where(has_b, b, _NAN))
                odd = usable & ((series >= factor * high) | (series * factor <= low)) & ~seen
            # A day odd only next to an odd day (the first day before a spike) is the spike's.
            odd_at = np.append(odd, False)
            odd &= (has_a & ~odd_at[before]) | (has_b & ~odd_at[after])
            out += [(int(i), key) for i in np.flatnonzero(odd).tolist()]
            seen |= odd
        return sorted(out)
    return table.memo(("anomalies", factor), find)


def neighbour_rows(table):
    """For each daily row, the row of the same channel the day before and the day after (-1: none)."""
    def find():
        np = _np()
        days, channels, named = _day_channel(table)
        # Each (day, channel) as one number; a day and channel held by several rows is the last's.
        width = int(channels.max(initial=0)) + 1
        keys = days * width + channels
        rows = np.flatnonzero(named)
        order = rows[np.lexsort((rows, keys[rows]))]
        ordered = keys[order]
        last = np.append(ordered[1:] != ordered[:-1], True)[:len(ordered)]
        known, at = ordered[last], order[last]

        def row_of(wanted):  # the row holding each of ``wanted`` (-1: none)
            if not len(known):
                return np.full(len(keys), -1, dtype=np.int64)
            pos = np.minimum(np.searchsorted(known, wanted), len(known) - 1)
            return np.where(named & (known[pos] == wanted), at[pos], -1).astype(np.int64)
        return row_of(keys - width), row_of(keys + width)
    return table.memo("neighbour_rows", find)


def _neighbours(table, i: int, key: str) -> list[float]:
    """The same channel's figures the day before and the day after row ``i`` (those there)."""
    before, after = neighbour_rows(table)
    values = table.values_of(key)
    return [float(values[j]) for j in (int(before[i]), int(after[i])) if j >= 0 and values[j] is not None]


def _day_channel(table):
    """(day ordinals, channel codes, named) over the daily rows: a code per folded channel name
    (0 for a name that folds to nothing), and whether the row has both a date and a name."""
    return table.memo("day_channel", lambda: _find_day_channel(table))


def _find_day_channel(table):
    np = _np()
    dates, names = table.values_of("date", "date"), table.values_of("channel", "text")
    named = [bool(date and name) for date, name in zip(dates, names)]
    codes, folded = {}, {}
    for name in dict.fromkeys(name for name, ok in zip(names, named) if ok):  # numbered as they first come
        folded[name] = codes.setdefault(fold(name), len(codes) + 1) if fold(name) else 0
    days = [date.toordinal() if ok else 0 for date, ok in zip(dates, named)]
    channels = [folded[name] if ok else 0 for name, ok in zip(names, named)]
    return np.array(days, dtype=np.int64), np.array(channels, dtype=np.int64), np.array(named, dtype=bool)


@register
class GoalWithoutNumber(Rule):
    code = "T201"

    def run(self, plan, config):
        table = plan.table("goals")
        if table is None or "target" in table.missing:
            return
        for row in table.rows:
            if row.num("target") is None and (row.cell("target") is None or row.cell("target").status != "unreadable"):
                yield self.at(table, row.cell("target"), row=row.row, metric=row.text("metric") or "")


@register
class GoalRequired(RequiredCells):
    code = "T202"

    table_key, required = "goals", ("dimension", "metric", "direction", "owner", "deadline")


@register
class ReviewAchievement(RateRule):
    code, table_key, column = "T211", "review", "achievement"
    owns_value = "review.achievement"  # F133 leaves this derived value to this rule

    def params(self, plan, row):
        from ..lookup import direction_of_metric

        direction = direction_of_metric(plan, row.text("metric"), row.cell("target"))
        return {"metric": row.text("metric") or "", "how": self.text(direction, plan.lang)}


@register
class ReviewAnalysis(RowRule):
    code, table_key = "T212", "review"

    def check_row(self, plan, table, row, config):
        achieved = expected_value(plan, "review", "achievement", row)
        if achieved is not None and achieved < 1 - 1e-9 and not row.filled("analysis"):
            yield self.at(table, row.cell("analysis"), row=row.row, actual=pct(achieved), metric=row.text("metric") or "")


@register
class ChecklistNoNote(RowRule):
    code, table_key = "T221", "checklist"

    def check_row(self, plan, table, row, config):
        if list_key(plan.spec, "yes_no", row.text("done")) == "no" and not _has_note(row):
            yield self.at(table, row.cell("notes") or row.cell("done"), row=row.row, check=row.text("check") or "")


def _has_note(row) -> bool:
    cell = row.cell("notes")
    return cell is not None and cell.status == "ok" and bool(str(cell.value).strip())


@register
class LaunchReadiness(Rule):
    code = "T222"

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
    code = "T241"

    table_key, required = "risks", ("risk_type", "trigger", "response", "owner")


@register
class ProgressDeviation(RequiredCells):
    code = "T242"
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
    code = "T243"

    table_key, required = "feedback", ("type", "content", "action")


@register
class LessonsRequired(RequiredCells):
    code = "T244"

    table_key, required = "lessons", ("lesson", "details", "owner")


@register
class ImprovementsRequired(RequiredCells):
    code = "T245"

    table_key, required = "improvements", ("shortfall", "action", "owner", "deadline")
