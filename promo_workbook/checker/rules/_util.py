"""Helpers the rules share: number formatting for messages, and what a derived cell shows."""
from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Context, Decimal

from ... import formulas as spec_formulas
from ...a1 import col_index
from ..compiled import evaluate_at, evaluate_rows
from ..evaluate import NotEvaluable, normalise
from ..recompute import expected_value
from ..registry import Rule
from ..rows import each_content
from ..view import UNKNOWN, PlanView, Row, TableView

TEMPLATE, EVALUATED, CACHED, TYPED = "template", "evaluated", "cached", "typed"


# Public API.

def num(x) -> str:
    if x is None:
        return "—"
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    if isinstance(x, int):
        return f"{x:,}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def pct(x) -> str:
    """0.3125 -> 31.3%: half away from zero, as spreadsheet apps display it.

    The percentage's shortest decimal text (repr) rounded at its first decimal, which is what
    Decimal(repr(x * 100)).quantize(Decimal("0.1"), ROUND_HALF_UP) gives: the second decimal
    digit says up or down. Texts with an exponent (1e-05) go through Decimal itself."""
    if x is None:
        return "—"
    text = repr(x * 100)
    whole, point, decimals = text.partition(".")
    if text in ("inf", "-inf"):  # 1e307 × 100: no tenths to round to
        shown = text
    elif not point or "e" in decimals:
        shown = str(Decimal(text).quantize(_TENTH, rounding=ROUND_HALF_UP, context=_WIDE))
    else:
        sign, whole = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
        tenths = int(whole + decimals[0]) + (len(decimals) > 1 and decimals[1] >= "5")
        shown = f"{sign}{tenths // 10}.{tenths % 10}"
    return f"{shown}%".replace(".0%", "%")


_TENTH = Decimal("0.1")
_WIDE = Context(prec=400)  # the tenths of any float's percentage (1e308: 311 digits), not the default 28


def pct_many(values) -> list[str]:
    """``[pct(x) for x in values]``, the usual floats worked out at once.

    A float's tenths of a percent are floor(|x|·1000) plus one when the rest is over a half:
    what pct's rounding of the shortest decimal text gives, unless that rest is within a
    millionth of a half (where the text's last digits decide), the number is outside
    [1e-4, 1e6) percent (texts with an exponent, coarse floats) or not a float: pct itself."""
    import numpy as np

    n = len(values)
    with np.errstate(invalid="ignore", over="ignore"):  # 1e307 × 100: inf, worded by pct
        floats = np.array(values, dtype=float) if set(map(type, values)) == _FLOAT else \
            np.fromiter((v if type(v) is float else _NAN for v in values), dtype=float, count=n)
        x = floats * 100
        size = np.abs(x)
        whole = np.floor(size * 10)
        rest = size * 10 - whole
        fast = (size < 1e6) & ((size >= 1e-4) | (size == 0)) & (np.abs(rest - 0.5) > 1e-6)
    tenths = np.where(fast, whole + (rest > 0.5), 0).astype(np.int64)
    keys = np.where(np.signbit(x), -tenths - 1, tenths).tolist()  # a negative's tenths kept apart
    words = {key: _tenths_text(key) for key in set(keys)}
    out = list(map(words.__getitem__, keys))
    for i in np.flatnonzero(~fast).tolist():  # the others as pct words them
        out[i] = pct(values[i])
    return out


def _tenths_text(key: int) -> str:
    negative, t = key < 0, -key - 1 if key < 0 else key
    return f"{'-' if negative else ''}{t // 10}{f'.{t % 10}' if t % 10 else ''}%"


def num_many(values) -> list[str]:
    """``[num(x) for x in values]``, each distinct value worded once (at C speed otherwise)."""
    try:
        if len(set(map(type, values))) == 1:  # one type: keyed by the value itself
            words = {v: num(v) for v in set(values)}
            return list(map(words.__getitem__, values))
        typed = list(zip(map(type, values), values))  # 1 and 1.0 and True word alike, but kept apart
        words = {key: num(key[1]) for key in set(typed)}
    except TypeError:  # an unhashable value
        return [num(v) for v in values]
    return list(map(words.__getitem__, typed))


_NAN = float("nan")
_FLOAT = {float}


def day(d) -> str:
    return d.isoformat() if isinstance(d, (dt.date, dt.datetime)) else str(d)


def close(a: float, b: float, rel: float, abs_tol: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)


SENTINEL_ROW = 1048575  # 0-based; Excel row 1048576 appears in no template formula
_SENTINEL_TEXT = str(SENTINEL_ROW + 1)
_UNSEEN = object()  # a memo's "not computed yet": None is a result
UNSEEN = _UNSEEN


def template_formula(plan: PlanView, table: TableView, key: str, excel_row: int) -> str | None:
    """The formula the template puts in this cell, at the columns and rows the user has now.

    Resolved once per column for a sentinel row, then the row number is substituted: a
    column's formulas differ only in their relative row (thousands of rows, one resolution).
    """
    cache = plan.memo("template_formulas", dict)
    column = (table.key, key)
    text = cache.get(column, _UNSEEN)
    if text is _UNSEEN:
        text = cache[column] = _template_for_sentinel(plan, table, key)
    return None if text is None else text.replace(_SENTINEL_TEXT, str(excel_row))


def template_cells(plan: PlanView, table: TableView, key: str):
    """A boolean array over ``table.rows``: the cell holds the template's formula verbatim.

    Decided once per formula template of the column (a copied-down column has one): its text
    at the template's first row and at the sentinel row must both be the template formula's.
    """
    import numpy as np

    memo = plan.memo("template_cells", dict)
    if (table.key, key) in memo:
        return memo[(table.key, key)]
    col = table.column(key)
    out = np.zeros(len(table.rows), dtype=bool)
    if col is not None and col.tid is not None:
        tids = col.tid
        for tid in np.unique(tids[tids >= 0]).tolist():
            at = tids == tid
            n = table.rows.numbers[int(np.argmax(at))]
            sentinel = SENTINEL_ROW + 1
            here, there = col.formulas.template_text(tid, n), col.formulas.template_text(tid, sentinel)
            if here is not None and here == template_formula(plan, table, key, n) \
                    and there == template_formula(plan, table, key, sentinel) \
                    and _SENTINEL_TEXT not in col.formulas.template_text(tid, 0):
                out |= at
    memo[(table.key, key)] = out
    return out


def _template_for_sentinel(plan: PlanView, table: TableView, key: str) -> str | None:
    blocks = _blocks(plan)
    if table.key not in blocks:
        return None
    col = table.spec.column(key)
    ctx = spec_formulas.Context(plan.spec, plan.workbook_lang, blocks, blocks[table.key], row=SENTINEL_ROW)
    try:
        return spec_formulas.column_formula(col, ctx)
    except KeyError:
        return None  # a column the formula needs is missing; reported by S021


def shown_column(plan: PlanView, table: TableView, key: str) -> list:
    """What each row of ``table`` shows in column ``key``, as ``shown`` gives it, where it is
    known from the column (_shown_column); UNSEEN where ``shown`` works it out for the row."""
    column = table.memoized(("shown", key))
    if column is None:
        column = table.memo(("shown", key), lambda: _shown_column(plan, table, key))
    return column


def shown(plan: PlanView, table: TableView, row: Row, key: str):
    """_shown, kept: from the column worked out at once when a rule working on most rows has
    asked for it (shown_column), else by the row's key (a few rows do not pay for the column)."""
    column = table.memoized(("shown", key))
    i = row.index_in(table.rows) if column is not None else None
    if i is not None:
        found = column[i]
        if found is _UNSEEN:
            found = column[i] = _shown(plan, table, row, key)
        return found
    memo = plan.memo("shown", dict)
    mkey = (table.key, row.row, key)
    found = memo.get(mkey, _UNSEEN)
    if found is _UNSEEN:
        found = memo[mkey] = _shown(plan, table, row, key)
    return found


def _shown_column(plan: PlanView, table: TableView, key: str) -> list:
    """_shown of every row of ``table``'s column ``key``, where the column's arrays tell it
    without building the row's cells; _UNSEEN elsewhere (shown() then asks _shown).

    A plain typed number shows itself (LazyRows.plain), and so does any other typed value (its
    cells built in one pass over the column); a formula other than the template's,
    copied down the column, is evaluated from its text (the scan's template at the row: the
    cell's own formula) as _shown evaluates it. Left to _shown: the template's formula (its
    value is recomputed from the row), a shared formula (its text depends on the master), a
    formula that cannot be evaluated (its cached result may show), and everything when the
    view is exhaustive (the oracle: tests/test_check_prefilter.py).
    """
    rows = table.rows
    if not table.exhaustive and table.absent(key):
        return [(None, None)] * len(rows)  # no row has the cell: _shown's answer for each
    out = [_UNSEEN] * len(rows)
    col = None if table.exhaustive else table.column(key)
    if col is None:
        return out
    import numpy as np

    known = rows.plain(key)
    if known is not None:
        flags, numbers = known
        for i in [i for i, flag in enumerate(flags) if flag]:
            out[i] = (numbers[i], TYPED) if numbers[i] is not None else (None, None)
    # The other cells holding no formula, built in one pass: what was typed shows itself.
    typed = np.ones(len(rows), dtype=bool) if col.tid is None else col.tid < 0
    if known is not None:
        typed &= ~np.array(known[0], dtype=bool)
    todo = np.flatnonzero(typed).tolist()
    for i, found in zip(todo, each_content(rows.contents(todo, key), _typed_shows)):
        if found is not _UNSEEN:
            out[i] = found
    if col.tid is None:
        return out

    excel_rows, tids = rows.numbers, col.tid.tolist()
    changed: dict[int, list[int]] = {}  # formula template -> rows holding a formula not the template's
    for i in np.flatnonzero((col.tid >= 0) & ~template_cells(plan, table, key)).tolist():
        changed.setdefault(tids[i], []).append(i)
    for tid, picked in list(changed.items()):
        if col.formulas.template_text(tid, excel_rows[picked[0]]) is None:
            del changed[tid]  # a shared formula: its text depends on the master
        elif template_formula(plan, table, key, excel_rows[picked[0]]) is not None:  # the rows typed as the template's
            changed[tid] = [i for i in picked if not _same_formula(col.formulas.template_text(tid, excel_rows[i]),
                                                                   template_formula(plan, table, key, excel_rows[i]))]

    def value_at(ref):
        return _lookup(table, ref)
    for tid, picked in changed.items():
        # One template copied down: worked out for all its rows at once where its cells are plain.
        at = [excel_rows[i] for i in picked]
        found = evaluate_rows(col.formulas.template_text(tid, at[0]), at[0], np.array(at), table.by_ref.numbers_at)
        if found is not None:
            values, decided = found
            for j in np.flatnonzero(decided).tolist():
                out[picked[j]] = (values[j], EVALUATED)
            picked = [picked[j] for j in np.flatnonzero(~decided).tolist()]
        for i in picked:
            n = excel_rows[i]
            try:
                out[i] = (evaluate_at(col.formulas.template_text(tid, n), n, value_at), EVALUATED)
            except Exception:  # noqa: BLE001 - not evaluable (or worse): _shown decides, as it always did
                continue
    return out


def _typed_shows(cell):
    """What a cell holding no formula shows, as _shown says; _UNSEEN for a formula cell."""
    if cell is None:
        return None, None
    if cell.formula is not None:
        return _UNSEEN
    value = cell.value if cell.ok else None
    return (value, TYPED) if value is not None else (None, None)


def _shown(plan: PlanView, table: TableView, row: Row, key: str):
    """(value, how) for a derived cell: what the workbook shows there, as far as it can be known.

    A typed constant shows itself; the template's own formula shows the recomputed value; any
    other formula is evaluated when it is plain arithmetic, else its cached value is used when
    the producing app calculates; otherwise (None, None).
    """
    cell = row.cell(key)
    if cell is None:
        return None, None
    if cell.formula is None:
        value = cell.value if cell.ok else None
        return (value, TYPED) if value is not None else (None, None)
    expected_text = template_formula(plan, table, key, row.row)
    if expected_text is not None and _same_formula(cell.formula, expected_text):
        return expected_value(plan, table.key, key, row), TEMPLATE
    try:
        return evaluate_at(cell.formula, cell.row, lambda ref: _lookup(table, ref)), EVALUATED
    except NotEvaluable:
        pass
    if plan.trust_cache and isinstance(cell.cached, (int, float)) and not isinstance(cell.cached, bool):
        return cell.cached, CACHED
    return None, None


# Private API.

def _same_formula(formula: str, expected: str) -> bool:
    # Most cells hold the template's formula verbatim: equal text needs no normalising.
    return formula == expected or normalise(formula) == normalise(expected)


def _lookup(table: TableView, ref: str):
    number = table.by_ref.number(ref)  # a plain cell: its number, the cell not built
    if number is not UNKNOWN:
        return number
    cell = table.by_ref.get(ref)
    if cell is None:
        return None
    if cell.ok and isinstance(cell.value, (int, float)):
        return cell.value
    if cell.formula is not None:
        raise NotEvaluable(f"{ref} is itself a formula")
    return cell.value if cell.ok else None


def _blocks(plan: PlanView) -> dict:
    return plan.memo("blocks", lambda: _find_blocks(plan))


def _find_blocks(plan: PlanView) -> dict:
    """Where each table sits as the user has it now, for resolving the template's formulas."""
    from ...formulas import Block

    blocks = {}
    for key, table in plan.tables.items():
        if table.first_row is None or not table.letters:
            continue
        columns = {k: col_index(letter) for k, letter in table.letters.items()}
        totals = table.totals_row - 1 if table.totals_row else None
        blocks[key] = Block(table.sheet, columns, table.first_row - 1, table.last_row - 1, totals)
    return blocks


class TableRule(Rule):
    """A rule over one table (``table_key``): silent when the plan has no such table (S-rules
    say that), else ``check`` finds what it finds in it."""

    table_key = ""

    def check(self, plan, table, config):
        raise NotImplementedError

    def run(self, plan, config):
        table = plan.table(self.table_key)
        if table is None:
            return
        yield from self.check(plan, table, config)


class RowRule(TableRule):
    """A rule over the rows of one table (``table_key``). It states which rows can hold a
    finding (``candidates``: a boolean array over the table's rows, from its column arrays;
    None for every row) and what it finds in one row (``check_row``); the engine picks the
    rows (every row when the plan is checked exhaustively, see view.TableView.rows_where)."""

    def candidates(self, plan, table):
        return None

    def check_row(self, plan, table, row, config):
        raise NotImplementedError

    # Columns whose cells check_row reads on (nearly) every candidate row: built in one pass
    # over each column first (view.TableView.prefetch), not one cell at a time.
    prefetch: tuple[str, ...] = ()

    def check(self, plan, table, config):
        mask = self.candidates(plan, table)
        if type(self).check_rows is not RowRule.check_rows and not table.exhaustive:
            indices = range(len(table.rows)) if mask is None else _np_flat(mask)
            if table.most(len(indices)):
                yield from self.check_rows(plan, table, indices, config)
                return
        table.prefetch(mask, self.prefetch)
        for row in table.rows if mask is None else table.rows_where(mask):
            yield from self.check_row(plan, table, row, config)

    def check_rows(self, plan, table, indices, config):
        """Optional: check_row's test over the rows at ``indices`` at once, from the columns
        worked out at once (TableView.numbers, shown_column, expected_column) rather than row
        by row. An exhaustive view always goes through check_row: the oracle this is held to
        (tests/test_check_prefilter.py)."""
        raise NotImplementedError


def _np_flat(mask) -> list:
    import numpy as np

    return np.flatnonzero(mask).tolist()
