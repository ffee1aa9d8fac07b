"""The daily rates the workbook shows, against their definitions (docs/checks.md D 19): the
conversion rate (T193) and the day's achievement of its target (T194). A rate typed by hand is
compared at the precision it was typed with, any other within the tolerance."""
from __future__ import annotations

import functools
from itertools import compress, repeat
from operator import and_, eq, is_, is_not, itemgetter, not_

from .. import runs
from ..recompute import expected_at, expected_column
from ..registry import register
from ..rows import each_content
from ._util import CACHED, EVALUATED, TYPED, UNSEEN, close, num, num_many, pct, pct_many, shown, shown_column
from ._util import RowRule, template_cells


class RateRule(RowRule):
    """A rate the workbook shows (``column``) that differs from its definition. The template's
    own formula shows the definition, and an empty typed cell shows nothing: only the other
    cells are candidates. ``params(plan, row)``: the message's own parameters."""

    column = ""

    def params(self, plan, row) -> dict:
        return {}

    def params_at(self, plan, table, i: int, row) -> dict:
        """``params`` for row ``i`` of ``table``, where the columns worked out at once tell."""
        return self.params(plan, row)

    def candidates(self, plan, table):
        key = self.column
        return table.any_column([key], lambda c: ~c.empty) & ~template_cells(plan, table, key)

    def check_rows(self, plan, table, indices, config):
        rows, key, tol = table.rows, self.column, config["check"]["sum_tolerance"]
        shown_at, (expected_at_row, exact) = shown_column(plan, table, key), expected_column(table, key)
        # What each row shows (worked out for the row where the column does not tell), then
        # the rows showing a number by a way compared, and their definitions: at C speed, but
        # for the rows the columns do not tell.
        at = list(indices)
        seen = list(map(shown_at.__getitem__, at))
        for p in compress(range(len(at)), map(is_, seen, repeat(UNSEEN))):
            seen[p] = shown(plan, table, rows[at[p]], key)
        values, hows = list(map(itemgetter(0), seen)), list(map(itemgetter(1), seen))
        number = {t: issubclass(t, (int, float)) for t in set(map(type, values))}
        keep = list(map(and_, map(_COMPARED.__contains__, hows), map(number.__getitem__, map(type, values))))
        at, values, hows = list(compress(at, keep)), list(compress(values, keep)), list(compress(hows, keep))
        definitions = list(map(expected_at_row.__getitem__, at))
        for p in compress(range(len(at)), map(not_, map(exact.__getitem__, at))):
            definitions[p] = expected_at(plan, table, key, rows[at[p]])
        if None in definitions:
            keep = list(map(is_not, definitions, repeat(None)))
            at, values, hows, definitions = (list(compress(x, keep)) for x in (at, values, hows, definitions))
        typed = list(compress(at, map(eq, hows, repeat(TYPED))))  # compared as typed: what was typed, read at once
        raw = dict(zip(typed, each_content(table.contents_at(typed, key), _raw_of)))
        differ = differ_many(values, hows, definitions, list(map(raw.get, at)), tol)
        found = list(compress(at, differ))
        values, expectations = list(compress(values, differ)), list(compress(definitions, differ))
        letter = runs.run_letter(table, key, len(found))
        if letter is not None:
            yield runs.FindingRun(self, table, letter, table.labels.get(key), [rows.numbers[i] for i in found],
                                  actual=runs.Each(pct_many(values)), expected=runs.Each(pct_many(expectations)),
                                  **self.params_each(plan, table, found))
            return
        for i, value, expected in zip(found, values, expectations):
            row = rows[i]
            yield self._finding(table, row, key, value, expected, self.params_at(plan, table, i, row))

    def params_each(self, plan, table, indices: list[int]) -> dict:
        """``params_at`` of the rows at ``indices``, each parameter as a list (runs.Each)."""
        each = [self.params_at(plan, table, i, table.rows[i]) for i in indices]
        return {name: runs.Each(p[name] for p in each) for name in (each[0] if each else ())}

    def check_row(self, plan, table, row, config):
        key = self.column
        value, how = shown(plan, table, row, key)
        if how not in (TYPED, EVALUATED, CACHED) or not isinstance(value, (int, float)):
            return
        expected = expected_at(plan, table, key, row)
        if expected is not None and _differs(value, how, expected, row.cell(key).raw if how == TYPED else None,
                                             config["check"]["sum_tolerance"]):
            yield self._finding(table, row, key, value, expected, self.params(plan, row))

    def _finding(self, table, row, key: str, value, expected, params: dict):
        return self.at(table, **table.place(key, row), actual=pct(value), expected=pct(expected), **params)


@register
class ConversionRate(RateRule):
    code, table_key, column = "T193", "daily", "cvr"
    owns_value = "daily.cvr"  # F133 leaves this derived value to this rule

    def params(self, plan, row):
        return _conversion_words(row.num("conversions"), expected_at(plan, plan.table("daily"), "clicks", row))

    def params_at(self, plan, table, i, row):
        clicks, exact = expected_column(table, "clicks")
        return _conversion_words(table.numbers("conversions")[i],
                                 clicks[i] if exact[i] else expected_at(plan, table, "clicks", row))

    def params_each(self, plan, table, indices):
        (clicks, exact), conversions = expected_column(table, "clicks"), table.numbers("conversions")
        rows = table.rows
        return {"conv": runs.Each(num_many([conversions[i] for i in indices])),
                "clicks": runs.Each(num_many([clicks[i] if exact[i] else expected_at(plan, table, "clicks", rows[i])
                                              for i in indices]))}


def _conversion_words(conversions, clicks) -> dict:
    return {"conv": num(conversions), "clicks": num(clicks)}


@register
class DailyAchievement(RateRule):
    code, table_key, column = "T194", "daily", "achievement"
    # Typed by hand, compared at their typed precision; a target typed into the cell is split off.
    prefetch = ("achievement", "daily_target")
    owns_value = "daily.achievement"  # F133 leaves this derived value to this rule


def _raw_of(cell):
    return cell.raw if cell is not None else None


def _differs(value, how: str, expected: float, raw, tol: float) -> bool:
    """Whether a rate shown (``value``, ``how`` it is shown, ``raw`` as typed) differs from its
    definition. A rate typed by hand is rounded to what it shows (3.1%, 104%): compared at
    that precision; any other within the tolerance."""
    places = _decimals(raw) if how == TYPED else None
    if places is not None:
        return round(expected * 100, places) != round(value * 100, places)
    return not close(value, expected, tol, 1e-4)


@functools.lru_cache(maxsize=4096)  # a log's typed rates repeat: "100%(目标500单)"
def _decimals(raw) -> int | None:
    if not isinstance(raw, str) or "%" not in raw:
        return None
    number = raw.split("%")[0]
    return len(number.split(".")[1]) if "." in number else 0


_COMPARED = frozenset({TYPED, EVALUATED, CACHED})  # how a rate is shown when it is compared


def differ_many(values: list, hows: list, expected: list, raws: list, tol: float) -> list[bool]:
    """``[_differs(v, h, e, r, tol) for ...]`` over many rows: rows whose value and definition are
    floats decided at once with numpy — math.isclose's test, and round(x, 0) as numpy's rint (both
    round the float itself half to even) for a rate typed without decimals — by the same IEEE
    operations; the others (a rate typed with decimals, an int, a negative tolerance) one by one."""
    import numpy as np

    places_of = {raw: _decimals(raw) for raw in set(raws)}
    places = list(map(places_of.__getitem__, raws))
    # Floats both, typed without decimals or not typed (and a tolerance that is no nonsense): at once.
    floats = map(and_, map(is_, map(type, values), repeat(float)), map(is_, map(type, expected), repeat(float)))
    at_once = list(map(and_, floats, map(_WHOLE_OR_UNTYPED.__contains__, places))) if tol >= 0 else [False] * len(values)
    out = [None] * len(values)
    for i in compress(range(len(values)), map(not_, at_once)):
        out[i] = _differs(values[i], hows[i], expected[i], raws[i], tol)
    if any(at_once):
        a = np.array(list(compress(values, at_once)), dtype=float)
        b = np.array(list(compress(expected, at_once)), dtype=float)
        typed = np.fromiter(map(eq, compress(places, at_once), repeat(0)), dtype=bool)
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.abs(b - a)
            near = (a == b) | (~(np.isinf(a) | np.isinf(b))
                               & ((diff <= np.abs(tol * b)) | (diff <= np.abs(tol * a)) | (diff <= 1e-4)))
            differs = np.where(typed, np.rint(b * 100) != np.rint(a * 100), ~near).tolist()
        if len(differs) == len(out):
            return differs
        for i, d in zip(compress(range(len(values)), at_once), differs):
            out[i] = d
    return out


_WHOLE_OR_UNTYPED = frozenset({None, 0})  # the places a rate compared at once was typed with
