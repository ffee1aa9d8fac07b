"""The checker's own arithmetic: every derived value worked out again from the input cells.

One function per derived column, keyed like the spec (`budget.subtotal`). Each returns the
value the template's formula should show, or None when its inputs are not all there (the
formula shows blank then). The definitions are docs/templates.md's; the spec's formulas compute
the same thing in the workbook, and the LibreOffice tests hold the two together.
"""
from __future__ import annotations

from itertools import repeat
from operator import is_
from typing import Callable

from .lookup import direction_of_metric
from .view import PlanView, Row


# Public API.

def expected_value(plan: PlanView, table_key: str, column_key: str, row: Row):
    fn = _BY_KEYS.get((table_key, column_key))  # runs per row of a big log: no key text built
    return fn(plan, row) if fn else None


def expected_at(plan: PlanView, table, column_key: str, row: Row):
    """``expected_value`` for a row of ``table``: read from the column worked out at once when
    a rule working on most rows has asked for it (expected_column) and it holds the row's exact
    result; else worked out for the row (a few rows do not pay for the whole column)."""
    column = table.memoized(("expected_column", column_key))
    if column is not None:
        i = row.index_in(table.rows)
        if i is not None and column[1][i]:
            return column[0][i]
    return expected_value(plan, table.key, column_key, row)


def expected_column(table, column_key: str) -> tuple[list, list]:
    """(values, exact), lists over ``table.rows``: RECOMPUTE's value of each row (None for
    None) where ``exact`` says the column worked out at once holds it (daily_values); the
    other rows ask expected_at. Every row inexact for a table not worked out so."""
    done = table.memoized(("expected_column", column_key))
    if done is not None:  # asked per row by some callers: no function made each time
        return done

    def work():
        found = daily_values(table, column_key) if table.key == "daily" else None
        if found is None:
            return [None] * len(table.rows), [False] * len(table.rows)
        values, exact = found
        return [None if v != v else v for v in values.tolist()], exact.tolist()
    return table.memo(("expected_column", column_key), work)


def budget_total(plan: PlanView) -> float | None:
    """Σ subtotals as the lines show them (see line_amount)."""
    total, any_line = 0.0, False
    for row in plan.rows("budget"):
        amount = line_amount(plan, row)
        if amount is not None:
            total += amount
            any_line = True
    return total if any_line else None


def line_amount(plan: PlanView, row: Row) -> float | None:
    """A budget line's amount as the sheet shows it: a typed subtotal as typed (a lump sum, or a
    number that T161 reports when it does not multiply out), else quantity × unit price."""
    cell = row.cell("subtotal")
    if cell is not None and cell.formula is None and row.num("subtotal") is not None:
        return row.num("subtotal")
    return _product(row, "quantity", "unit_price")


def shown_budget_total(plan: PlanView) -> float | None:
    """The budget total as its cell shows it: a typed number, its formula evaluated over the
    lines as they show, or (no totals cell) the sum of the lines."""
    from .evaluate import NotEvaluable, evaluate

    table = plan.table("budget")
    cell = table.totals.cell("subtotal") if table is not None and table.totals else None
    if cell is None:
        return budget_total(plan)
    if cell.formula is None:
        return cell.value if cell.ok and isinstance(cell.value, (int, float)) else budget_total(plan)
    letter = table.letters.get("subtotal")
    values = {f"{letter}{row.row}": line_amount(plan, row) for row in table.rows} if letter else {}
    try:
        return evaluate(cell.formula, values.get)
    except NotEvaluable:
        return budget_total(plan)


def clicks(impressions: float | None, ctr: float | None, typed: float | None) -> float | None:
    """The daily clicks: impressions × CTR rounded (as the template's ROUND does, half to even
    like round()); without both, the clicks typed by hand (``typed``: a clicks cell holding no
    formula), else None. ``daily_expected`` computes the same over whole columns."""
    if impressions is not None and ctr is not None:
        return float(round(impressions * ctr))
    return typed


def achievement(target: float | None, actual: float | None, direction: str) -> float | None:
    if not target or not actual:
        return None
    return target / actual if direction == "lower" else actual / target


def daily_expected(table, key: str):
    """The daily table's derived column ``key`` recomputed for every row at once, as
    RECOMPUTE does row by row: (values, valid), numpy arrays over ``table.rows``.

    ``values`` is NaN where RECOMPUTE gives None; ``valid`` marks the rows whose inputs the
    view's columns describe (Column.plain), the only rows where ``values`` holds. None for a
    column not recomputed here or a table without the columns.
    """
    import numpy as np

    cols = {k: table.column(k) for k in ("impressions", "ctr", "clicks", "conversions", "daily_target")}
    if any(c is None for c in cols.values()) or key not in ("clicks", "cvr", "achievement"):
        return None
    imp, ctr, clicks, conv, target = cols.values()
    with np.errstate(divide="ignore", invalid="ignore"):
        product = np.round(imp.num * ctr.num)  # NaN when either is empty; rounds half to even, as round()
        if key == "clicks":
            return product, imp.plain & ctr.plain
        if key == "cvr":
            # Without impressions × CTR, _clicks reads a clicks cell that holds no formula.
            typed = clicks.tid < 0 if clicks.tid is not None else np.ones(len(product), dtype=bool)
            valid = imp.plain & ctr.plain & conv.plain & ~(np.isnan(product) & typed)
            return np.where(product != 0, conv.num / product, np.nan), valid
        # achievement: a plain achievement cell holds no "(目标500单)" target of its own
        achieved = table.column("achievement")
        valid = conv.plain & target.plain & (achieved.plain if achieved is not None else True)
        return np.where(target.num != 0, conv.num / target.num, np.nan), valid


def daily_values(table, key: str):
    """RECOMPUTE's daily ``clicks``, ``cvr`` or ``achievement`` for every row at once, from the
    rows' numbers as ``row.num`` reads them (TableView.numbers): (values, exact), numpy arrays
    over ``table.rows``. ``values`` is NaN where RECOMPUTE gives None; ``exact`` marks the rows
    where ``values`` holds RECOMPUTE's float itself (the same IEEE operations in the same
    order). Left to the row: a whole number too big for a float, two whole numbers multiplied
    (Python keeps an int), a product that does not round. None for another column."""
    import numpy as np

    if key not in ("clicks", "cvr", "achievement"):
        return None
    conv, conv_exact, conv_int = column_floats(table, "conversions")
    if key == "achievement":
        target, target_exact, _ = (a.copy() for a in column_floats(table, "daily_target"))
        missing = np.isnan(target) & target_exact  # None (NaN and inexact: a number too big, left to the row)
        if missing.any():  # "100%(目标500单)": the target typed into the achievement cell
            rows = np.flatnonzero(missing).tolist()
            cells = table.contents_at(rows, "achievement")
            typed, typed_exact, _ = _floats([c.target if c is not None else None for c in cells])
            target[rows], target_exact[rows] = typed, typed_exact
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.where(~np.isnan(conv) & ~np.isnan(target) & (target != 0), conv / target, np.nan)
        return values, conv_exact & target_exact
    imp, imp_exact, imp_int = column_floats(table, "impressions")
    ctr, ctr_exact, ctr_int = column_floats(table, "ctr")
    with np.errstate(invalid="ignore", over="ignore"):
        product = imp * ctr
        both = ~np.isnan(imp) & ~np.isnan(ctr)
        typed, typed_exact = _typed_clicks(table)
        exact = imp_exact & ctr_exact & np.where(both, ~(imp_int & ctr_int) & np.isfinite(product), typed_exact)
        clicks = np.where(both, np.round(product), typed)
    if key == "clicks":
        return clicks, exact
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(~np.isnan(clicks) & (clicks != 0) & ~np.isnan(conv), conv / clicks, np.nan)
    return values, exact & conv_exact


# Private API.

_EXACT = 2 ** 53


def column_floats(table, key: str):
    """(floats, exact, ints) of a column's numbers (``row.num`` of each row), numpy arrays:
    NaN for None, whether the float is the number itself, whether it is an int. Worked out
    once per table (daily_values reads a column for each of the values it works out)."""
    return table.memo(("floats", key), lambda: _floats(table.numbers(key)))


def _floats(numbers: list):
    """(floats with NaN for None, exact: the float is the number itself, is an int) as arrays.

    A whole number too big for a float (beyond 2**53) is not exact, its float NaN: it is left
    to the row (float() of it may even overflow). A column of floats and ints within 2**53,
    with gaps, is converted at C speed; any other goes value by value."""
    import numpy as np

    kinds = set(map(type, numbers))
    if not kinds <= _PLAIN_KINDS:
        return _floats_one_by_one(numbers)
    values = [np.nan if v is None else v for v in numbers] if type(None) in kinds else numbers
    try:
        floats = np.array(values, dtype=float)
    except OverflowError:  # an int past the float range
        return _floats_one_by_one(numbers)
    ints = np.fromiter(map(is_, map(type, numbers), repeat(int)), dtype=bool, count=len(numbers)) \
        if int in kinds else np.zeros(len(numbers), dtype=bool)
    if (ints & (np.abs(floats) >= _EXACT)).any():  # an int a float may not hold: value by value
        return _floats_one_by_one(numbers)
    return floats, np.ones(len(numbers), dtype=bool), ints


_PLAIN_KINDS = {int, float, type(None)}


def _floats_one_by_one(numbers: list):
    import numpy as np

    exact = np.array([v is None or type(v) is not int or -_EXACT <= v <= _EXACT for v in numbers], dtype=bool)
    floats = np.array([np.nan if v is None or not ok else float(v) for v, ok in zip(numbers, exact.tolist())],
                      dtype=float)
    ints = np.array([type(v) is int for v in numbers], dtype=bool)
    return floats, exact, ints


def _typed_clicks(table):
    """The clicks typed by hand (a clicks cell with no formula) of every row, NaN elsewhere,
    and where those are exact: what _clicks falls back on without impressions × CTR."""
    import numpy as np

    col = table.column("clicks")
    typed, exact, _ = column_floats(table, "clicks")
    if col is None:
        return np.full(len(typed), np.nan), np.ones(len(typed), dtype=bool)
    return (np.where(col.tid < 0, typed, np.nan), exact) if col.tid is not None else (typed, exact)

def _product(row: Row, a: str, b: str) -> float | None:
    x, y = row.num(a), row.num(b)
    return x * y if x is not None and y is not None else None


def _ratio(row: Row, num: str, den: str) -> float | None:
    x, y = row.num(num), row.num(den)
    return x / y if x is not None and y else None


def _clicks(row: Row) -> float | None:
    cell = row.cell("clicks")
    typed = row.num("clicks") if cell is not None and cell.formula is None else None
    return clicks(row.num("impressions"), row.num("ctr"), typed)


def _cvr(plan, row: Row) -> float | None:
    clicks, conv = _clicks(row), row.num("conversions")
    return conv / clicks if clicks and conv is not None else None


def _daily_achievement(plan, row: Row) -> float | None:
    conv = row.num("conversions")
    target = row.num("daily_target")
    if target is None:
        cell = row.cell("achievement")
        target = cell.target if cell is not None else None  # "100%(目标500单)" typed by hand
    return conv / target if conv is not None and target else None


def _reserve_row_share(plan, row: Row) -> float | None:
    from .lookup import list_key

    if list_key(plan.spec, "budget_item", row.text("item")) != "reserve":
        return None
    amount, total = line_amount(plan, row), shown_budget_total(plan)
    return amount / total if amount is not None and total else None


def _review_achievement(plan, row: Row) -> float | None:
    target_cell = row.cell("target")
    direction = direction_of_metric(plan, row.text("metric"), target_cell)
    return achievement(row.num("target"), row.num("actual"), direction)


def _days(plan, row: Row) -> float | None:
    start, end = row.date("start"), row.date("end")
    return float((end - start).days + 1) if start and end else None


def _budget_amount(plan, row: Row) -> float | None:
    share = row.num("budget_share")
    budget = plan.cover.get("budget")
    total = budget.value if budget is not None and budget.ok else None
    return share * total if share is not None and isinstance(total, (int, float)) else None


RECOMPUTE: dict[str, Callable] = {
    "budget.subtotal": lambda plan, row: _product(row, "quantity", "unit_price"),
    "budget.reserve_share": _reserve_row_share,
    "channels.expected_cvr": lambda plan, row: _ratio(row, "expected_conversions", "target_impressions"),
    "channels.budget_amount": _budget_amount,
    "rhythm.days": _days,
    "daily.clicks": lambda plan, row: _clicks(row),
    "daily.cvr": _cvr,
    "daily.achievement": _daily_achievement,
    "review.achievement": _review_achievement,
}
_BY_KEYS = {tuple(name.split(".", 1)): fn for name, fn in RECOMPUTE.items()}
