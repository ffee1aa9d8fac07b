"""Family F, formulas (docs/checks.md C 13-15): formulas typed over, caches that disagree, totals
that no longer cover their rows."""
from __future__ import annotations

import re

import numpy as np

from ..evaluate import normalise
from ..recompute import daily_expected, expected_value
from ..registry import Rule, owned, register
from ..view import PlanView, TableView
from .values import explained_rows
from ._util import CACHED, EVALUATED, TYPED, UNSEEN, close, num, shown, shown_column, template_cells, template_formula

# Derived columns whose wrong values have a rule of their own in family T.
_NAN = float("nan")
_NUMBER_KINDS = ("number", "money", "percent", "rate_target")
RANGE = re.compile(r"\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)")


def _derived(plan: PlanView):
    """(table, column) for every derived column of the plan's tables that the sheet has."""
    for table in plan.tables.values():
        for col in table.spec.columns:
            if col.derived and col.key not in table.missing:
                yield table, col


def _column_has_formulas(table: TableView, key: str) -> bool:
    if table.from_metadata:
        return True
    col = table.column(key)
    if col is not None:
        return col.tid is not None and bool((col.tid >= 0).any())
    return any(r.cell(key) is not None and r.cell(key).formula for r in table.rows)


def _has_formula(col) -> object:
    return col.tid >= 0 if col.tid is not None else np.zeros(len(col.raw), dtype=bool)


def _typed(col) -> object:
    """Cells with no formula that are not plainly empty: typed over, or typed by hand."""
    return ~col.empty if col.tid is None else (col.tid < 0) & ~col.empty


@register
class FormulaOverwritten(Rule):
    code = "F131"

    def run(self, plan: PlanView, config):
        for table, col in _derived(plan):
            if not _column_has_formulas(table, col.key):
                continue  # typed by hand throughout: the table's own rules compare the values
            for row in table.rows_where(table.any_column([col.key], _typed)):
                cell = row.cell(col.key)
                if cell is None or cell.formula is not None or cell.status == "empty":
                    continue
                expected = expected_value(plan, table.key, col.key, row)
                yield self.at(table, cell, actual=_show(cell.value if cell.ok else cell.raw, col),
                              expected=_show(expected, col))


@register
class FormulaChanged(Rule):
    code = "F132"

    def run(self, plan: PlanView, config):
        for table, col in _derived(plan):
            # The template's formula, verbatim, shows what the checker computes.
            changed = table.any_column([col.key], _has_formula) & ~template_cells(plan, table, col.key)
            rows = table.rows
            indices = range(len(rows)) if table.exhaustive else np.flatnonzero(changed).tolist()
            # Worked out a column at a time for many rows (never in the exhaustive oracle).
            column = shown_column(plan, table, col.key) if table.most(len(indices)) and not table.exhaustive \
                else None
            for i in indices:
                found = column[i] if column is not None else UNSEEN
                if (found if found is not UNSEEN else shown(plan, table, rows[i], col.key))[1] is not None:
                    continue  # what it shows is known: the formula means something we can check
                cell = rows.cell(i, col.key)
                if cell is not None and cell.formula is not None:
                    yield self.at(table, cell, actual=cell.formula,
                                  expected=template_formula(plan, table, col.key, rows.numbers[i]) or "—")


@register
class WrongResult(Rule):
    code = "F133"

    def run(self, plan: PlanView, config):
        tol = config["check"]["sum_tolerance"]
        for table, col in _derived(plan):
            if f"{table.key}.{col.key}" in owned("owns_value") or col.value_format == "text":
                continue
            typed_over = _column_has_formulas(table, col.key)  # a typed number there is F131's
            # A template formula shows the definition itself; an empty typed cell shows nothing.
            maybe = table.any_column([col.key], lambda c: ~c.empty) & ~template_cells(plan, table, col.key)
            for row in table.rows_where(maybe):
                value, how = shown(plan, table, row, col.key)
                expected = expected_value(plan, table.key, col.key, row)
                if how == TYPED and typed_over:
                    continue
                if how in (TYPED, EVALUATED, CACHED) and isinstance(value, (int, float)) and expected is not None \
                        and not close(value, expected, tol, 1e-6):
                    yield self.at(table, row.cell(col.key), actual=_show(value, col), expected=_show(expected, col))


@register
class StaleCache(Rule):
    code = "F141"

    def run(self, plan: PlanView, config):
        if not plan.trust_cache:
            return  # xlsxwriter caches 0 and openpyxl nothing: their caches mean nothing
        tol = config["check"]["sum_tolerance"]
        for table, col in _derived(plan):
            maybe = table.any_column([col.key], _has_formula) & ~_cache_agrees(plan, table, col.key, tol) \
                & _may_be_template(plan, table, col.key)
            for row in table.rows_where(maybe):
                cell = row.cell(col.key)
                if cell is None or cell.formula is None:
                    continue
                expected_text = template_formula(plan, table, col.key, row.row)
                if expected_text is None or normalise(cell.formula) != normalise(expected_text):
                    continue  # not the template's formula: F132 and the rate rules judge it
                explained = explained_rows(plan, table)
                if _app_reads_differently(table, row) or row.row in explained or (explained and not _number(cell.cached)):
                    continue
                expected = expected_value(plan, table.key, col.key, row)
                cached = cell.cached
                if expected is None:
                    continue
                if not isinstance(cached, (int, float)) or isinstance(cached, bool) or not close(cached, expected, tol, 1e-6):
                    yield self.at(table, cell, actual=_show(cached, col), expected=_show(expected, col))


@register
class TotalRangeShort(Rule):
    code = "F151"

    def run(self, plan: PlanView, config):
        for table in plan.tables.values():
            if table.totals is None:
                continue
            for key, cell in table.totals.cells.items():
                if not cell.formula or key in table.missing:
                    continue
                match = RANGE.search(cell.formula)
                if not match:
                    continue
                first, last = int(match.group(2)), int(match.group(4))
                rows = table.rows
                away = [i for i, n in enumerate(rows.numbers) if not first <= n <= last]
                outside = [rows[i].row for i in away if _has_value(rows[i], key)]
                if outside:
                    yield self.at(table, cell, actual=cell.formula, rows=", ".join(map(str, outside)),
                                  expected=f"{match.group(1)}{min([first] + outside)}:{match.group(3)}{max([last] + outside)}")


def _cache_agrees(plan: PlanView, table: TableView, key: str, tol: float):
    """Template formula cells of the daily metrics whose saved number agrees with the
    recomputation, by a margin (half the tolerance), or that recompute to nothing: F141 has
    nothing to say about them. Elsewhere, no cell (the rule looks at every formula)."""
    col = table.column(key)
    expected = daily_expected(table, key) if table.key == "daily" and col is not None else None
    if expected is None:
        return np.zeros(len(table.rows), dtype=bool)
    values, valid = expected
    cached = np.fromiter(((v if type(v) is float or type(v) is int else _NAN) for v in col.raw), dtype=float,
                         count=len(col.raw))
    with np.errstate(invalid="ignore"):
        gap = np.abs(cached - values)
        agree = gap <= 0.5 * np.maximum(tol * np.maximum(np.abs(cached), np.abs(values)), 1e-6)
    return template_cells(plan, table, key) & col.plain & valid & (np.isnan(values) | (~np.isnan(cached) & agree))


def _may_be_template(plan: PlanView, table: TableView, key: str):
    """A boolean array over ``table.rows``: false where the cell's formula cannot be the
    template's, even loosely (normalise). Decided once per formula template of the column: a
    copied-down formula differs from row to row only in its digits, so its text with every run of
    digits as one mark is the same in every row; where that differs from the template formula's,
    no row of it can be the template's. Shared formulas (text from their master) stay true;
    every row is false where the template has no formula for the table as it is."""
    col = table.column(key)
    if template_formula(plan, table, key, 1) is None:  # none where the table lacks a column it needs
        return np.zeros(len(table.rows), dtype=bool)
    out = np.ones(len(table.rows), dtype=bool)
    if col is None or col.tid is None:
        return out
    for tid in np.unique(col.tid[col.tid >= 0]).tolist():
        at = col.tid == tid
        n = table.rows.numbers[int(np.argmax(at))]
        text = col.formulas.template_text(tid, n)
        if text is not None and _DIGITS.sub("#", normalise(text)) != _DIGITS.sub("#", normalise(
                template_formula(plan, table, key, n))):
            out &= ~at
    return out


_DIGITS = re.compile(r"[0-9]+")


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _app_reads_differently(table: TableView, row) -> bool:
    """The app's saved answer is right for what is typed, and the checker computes with another
    reading: a percent slip (3.2 for 3.2%, V082), a number typed as text or an approximate one
    (#VALUE! in the app; V061, V071, V072), or a derived cell typed over that this formula uses
    (F131). The cause is reported where it is; the formula is not stale."""
    derived = {c.key for c in table.spec.columns if c.derived}
    for key, c in row.cells.items():
        if c.formula is not None:
            continue
        if c.slip or (c.kind in _NUMBER_KINDS and (c.status == "unreadable" or (c.ok and c.from_text))):
            return True
        if key in derived and c.status != "empty":
            return True
    return False


def _has_value(row, key: str) -> bool:
    cell = row.cell(key)
    return cell is not None and (cell.status == "ok" or cell.formula is not None)


def _show(value, col):
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return f"{value * 100:.1f}%" if col.value_format == "percent" else num(round(value, 2) if isinstance(value, float) else value)
