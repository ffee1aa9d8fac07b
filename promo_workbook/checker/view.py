"""The plan as the rules see it: tables of rows of cells, each cell parsed and located.

An adapter over the reader's Plan (``from_plan``) so rules stay short: ``row.num("quantity")``,
``row.text("owner")``, ``row.cell("subtotal").ref``. Only rows with at least one filled input
cell are listed; the totals row is apart.

A table's rows are built when first touched (LazyRows). Rules that would look at every row of
a table (daily metrics and feedback can hold hundreds of thousands) read its columns as arrays
instead (``table.column(key)``, a Column), pick the rows that can hold a finding, and build
only those (``table.rows_where(mask)``); ``table.values_of(key)`` gives a column's values
the way ``row.num``/``row.date``/``row.text`` would. An exhaustive view (``from_plan(...,
exhaustive=True)``) makes every rule look at every row: tests/test_check_prefilter.py holds
the findings equal both ways.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from itertools import compress
from operator import not_
from typing import Any

from ..reader.model import Cell
from ..values import plain_column, plain_numbers
from .rows import READ_AS, UNKNOWN, LazyRows, Row, ByRef, each_content, num_of

__all__ = ["UNKNOWN", "Column", "LazyRows", "PlanView", "Row", "TableView", "from_plan"]


# Public API.

@dataclass
class TableView:
    number: int
    key: str
    sheet: str
    spec: Any                               # promo_workbook.spec.Table
    rows: list[Row]
    totals: Row | None = None
    labels: dict[str, str] = field(default_factory=dict)     # column key -> header as found
    missing: dict[str, str | None] = field(default_factory=dict)  # column key -> closest header
    from_metadata: bool = False
    first_row: int | None = None            # the input block as the workbook declares it (Excel rows)
    last_row: int | None = None
    totals_row: int | None = None
    letters: dict[str, str] = field(default_factory=dict)   # column key -> column letters as found

    def label(self, key: str, lang: str) -> str:
        return self.labels.get(key) or self.spec.column(key).label(lang)

    source: Any = None                      # the reader's TableData, for whole-column arrays
    trust_cache: bool = False               # formula cells hold their cached result as their value
    exhaustive: bool = False                # rows_where lists every row (the oracle for row picking)
    _columns: dict = field(default_factory=dict, repr=False)
    _memos: dict = field(default_factory=dict, repr=False)

    def memo(self, key, compute):
        """``compute()``, worked out once per key for this table (see PlanView.memo)."""
        if key not in self._memos:
            self._memos[key] = compute()
        return self._memos[key]

    def most(self, count: int) -> bool:
        """Whether work on ``count`` of the table's rows is better done a column at a time
        (a fifth of its rows or more): else row by row, a few rows not paying for the column."""
        return count >= 64 and count * 5 >= len(self.rows)

    def memoized(self, key, default=None):
        """What ``memo(key, …)`` worked out, or ``default``: for callers that run per row and
        would otherwise make a ``compute`` function each time."""
        return self._memos.get(key, default)

    def column(self, key: str) -> "Column | None":
        """The column ``key`` as arrays over ``rows`` (see Column); None when it is absent."""
        if key not in self._columns:
            arrays = self.source.column_arrays(key) if self.source is not None else None
            col = self._columns[key] = Column.build(key, arrays, self.trust_cache) if arrays is not None else None
            if col is not None and arrays.split_from:
                # The other column's cell fills an empty one here only when it is not plain
                # ("X.1-X.3", "100%(目标500单)"): those rows are not described here.
                source = self.column(arrays.split_from)
                keep = source.plain if source is not None else _np().zeros(len(col.raw), dtype=bool)
                col.plain, col.empty = col.plain & keep, col.empty & keep
                col.may_be_placeholder = col.may_be_placeholder | ~keep  # a relative day split off
        return self._columns[key]

    def rows_where(self, mask) -> list[Row]:
        """The rows whose entry in ``mask`` (a boolean array over ``rows``) is true, in order.

        Rules that would visit every row of a 200,000-row table compute from the columns which
        rows can hold a finding, and build only those.
        """
        if self.exhaustive:
            return list(self.rows)
        rows = self.rows
        return [rows[i] for i in _np().flatnonzero(mask).tolist()]

    def cells_where(self, mask, key: str):
        """Column ``key``'s cells of the rows whose entry in ``mask`` is true, in row order,
        building no other cell of those rows (every row's when the view is exhaustive)."""
        rows = self.rows
        if not isinstance(rows, LazyRows):
            picked = rows if self.exhaustive else self.rows_where(mask)
            cells = (row.cell(key) for row in picked)
        else:
            cells = rows.cells(list(range(len(rows))) if self.exhaustive else _np().flatnonzero(mask).tolist(), key)
        return (c for c in cells if c is not None)

    def absent(self, key: str) -> bool:
        """Whether no row has a cell in column ``key``: not found in the sheet, and no split
        fills it from another column."""
        return key not in self.letters and key not in self._split_targets()

    def run_letter(self, key: str) -> str | None:
        """The letters a run of findings about column ``key`` stands in (runs.FindingRun: each
        at its row of that column), or None: findings made one by one at their cells (a split's
        target, an absent column, an exhaustive view)."""
        return None if self.exhaustive else self._own_letter(key)

    def placed_by_column(self, key: str):
        """``i -> place(key, rows[i])`` without the row, for a column found in the sheet whose
        cells sit in it; None otherwise (a split's target, an exhaustive view: place cells)."""
        letter = self.run_letter(key)
        if letter is None:
            return None
        numbers, label = self.rows.numbers, self.labels.get(key)
        return lambda i: {"ref": f"{letter}{numbers[i]}", "row": numbers[i], "column": label}

    def place(self, key: str, row: Row) -> dict:
        """Where a finding about column ``key`` of ``row`` stands, as ``Rule.at``'s keywords:
        the reference, row and header of a column found in the sheet (where its own cell sits:
        the cell is not built to say so); else the cell (a split's target sits in its source's)."""
        letter = self._own_letter(key)
        if letter is None:
            return {"cell": row.cell(key)}
        return {"ref": f"{letter}{row.row}", "row": row.row, "column": self.labels.get(key)}

    def _own_letter(self, key: str) -> str | None:
        """The letters of the column ``key``'s cells sit in: its own, unless it is absent or a
        split's target (filled from another column's combined cell)."""
        return None if key in self._split_targets() else self.letters.get(key)

    def _split_targets(self) -> set:
        targets = self._memos.get("split_targets")
        if targets is None:
            targets = self.memo("split_targets", lambda: set(self.spec.split_targets(self.letters)))
        return targets

    def cells_at(self, indices: list[int], key: str) -> list:
        """Column ``key``'s cell of each of the rows at ``indices`` (None where a row has none)."""
        rows = self.rows
        if isinstance(rows, LazyRows):
            return rows.cells(indices, key)
        return [rows[i].cell(key) for i in indices]

    def contents_at(self, indices: list[int], key: str) -> list:
        """What column ``key``'s cell of each of the rows at ``indices`` holds (LazyRows.contents:
        read its value, not its place)."""
        rows = self.rows
        if isinstance(rows, LazyRows):
            return rows.contents(indices, key)
        return [rows[i].cell(key) for i in indices]

    def prefetch(self, mask, keys) -> None:
        """Build the cells of columns ``keys`` of the rows ``mask`` picks (None: every row) in
        one pass per column, before a rule reads them row by row."""
        rows = self.rows
        if not keys or not isinstance(rows, LazyRows):
            return
        indices = list(range(len(rows))) if mask is None or self.exhaustive else _np().flatnonzero(mask).tolist()
        for key in keys:
            rows.cells(indices, key)

    def split_sources(self, key: str) -> list[str]:
        """The columns whose combined cell may fill ``key`` (the spec's ``splits``)."""
        return [source for source, into, _ in self.spec.splits(self.letters) if into == key]

    def any_column(self, keys, test) -> Any:
        """A boolean array over ``rows``: true where ``test(column)`` is true for any of ``keys``.

        A column that cannot be read as arrays (absent from the table) counts as true
        everywhere, so the rule looks at every row.
        """
        np = _np()
        out = np.zeros(len(self.rows), dtype=bool)
        for key in keys:
            col = self.column(key)
            if col is None:
                return np.ones(len(self.rows), dtype=bool)
            out |= test(col)
        return out

    def plain_numbers(self, key: str):
        """LazyRows.plain for column ``key``: worked out from its Column; None when the column
        is absent or the view is exhaustive (the oracle reads every value from its cell)."""
        col = None if self.exhaustive or key in self.missing else self.column(key)
        if col is None or col.kind not in _NUMERIC:
            return None
        np = _np()
        known = col.described & (~np.isnan(col.num) | col.empty)
        return known.tolist(), plain_numbers(np.where(known & ~col.empty, col.num, np.nan), col.kind)

    def values_of(self, key: str, how: str = "num") -> list:
        """``row.num(key)`` (or ``date``, ``text``) of every row, in order, building only the rows
        whose cell the column does not describe."""
        rows = self.rows
        if key in self.missing:
            return [None] * len(rows)
        col = self.column(key)
        if col is None or self.exhaustive:
            getter = getattr(Row, how)
            return [getter(row, key) for row in rows]
        known = col.described
        if how == "num":
            blank = _np().isnan(col.num)
            known = known & (~blank | col.empty)
            values = col.num.astype(object)  # floats, NaN as None: at C speed
            values[blank] = None
            values = values.tolist()
        else:
            values = col.date if how == "date" else col.text
            if values is None:
                known = known & col.empty
                values = [None] * len(rows)
        out = list(values)
        todo = _np().flatnonzero(~known).tolist()
        if isinstance(rows, LazyRows):  # the other cells built in one pass over the column
            read = READ_AS[how]
            for i, value in zip(todo, each_content(rows.contents(todo, key), read)):
                out[i] = value
        else:
            getter = getattr(Row, how)
            for i in todo:
                out[i] = getter(rows[i], key)
        return out

    def numbers(self, key: str) -> list:
        """``row.num(key)`` of every row, exactly (a whole number as the int it reads as): from
        the column arrays where they tell, else from the cells, built in one pass."""
        found = self._memos.get(("numbers", key))
        if found is not None:  # asked per row by some callers: no function made each time
            return found

        def work():
            rows = self.rows
            if not isinstance(rows, LazyRows):
                return [row.num(key) for row in rows]
            known = rows.plain(key)
            out = list(known[1]) if known is not None else [None] * len(rows)
            todo = list(compress(range(len(rows)), map(not_, known[0]))) if known is not None else list(range(len(rows)))
            for i, number in zip(todo, each_content(rows.contents(todo, key), num_of)):
                out[i] = number
            return out
        return self.memo(("numbers", key), work)

    @property
    def by_ref(self) -> "ByRef":
        """"C5" -> the row cell there, for formula evaluation; a row is built when asked for."""
        return self.memo("by_ref", lambda: ByRef(self))


@dataclass
class PlanView:
    path: str
    lang: str
    spec: Any
    tables: dict[str, TableView]
    missing_templates: list[int]
    cover: dict[str, Cell]
    start: dt.date | None
    end: dt.date | None
    trust_cache: bool
    producer: str
    schema_version: int | None
    today: dt.date
    sheets: int = 0
    workbook_lang: str = "en"   # the language the workbook was written in (its formulas' labels)
    # The thresholds the plan is judged by (checker/config.py): the check's, and so the summary's.
    config: dict = field(default_factory=dict, repr=False)
    exhaustive: bool = False    # every table's rows_where lists every row (see TableView)
    rows_total: int = 0         # rows with content over every table
    accepted: list = field(default_factory=list)  # the acceptance sheet's rows (reader/accepted.py)
    _memos: dict = field(default_factory=dict, repr=False)

    def memo(self, key, compute):
        """``compute()``, worked out once per key while the plan is checked: what several rules
        (and the summary) derive from the same cells. ``memo("shown", dict)`` gives a dict a
        helper fills entry by entry."""
        if key not in self._memos:
            self._memos[key] = compute()
        return self._memos[key]

    def table(self, key: str) -> TableView | None:
        return self.tables.get(key)

    def rows(self, key: str) -> list[Row]:
        table = self.tables.get(key)
        return table.rows if table else []

    def values_of(self, table_key: str, key: str, how: str = "num") -> list:
        """TableView.values_of for a table by key; [] when the table is absent."""
        table = self.tables.get(table_key)
        return table.values_of(key, how) if table else []


def from_plan(plan, spec, lang: str, today: dt.date, config: dict | None = None, *,
              exhaustive: bool = False) -> PlanView:
    """Adapt the reader's Plan (promo_workbook.reader.model) to the rules' view; ``config`` as
    checker/config.py's load_config() gives (its defaults when None). ``exhaustive``: rules visit
    every row instead of the rows their columns pick (slow; the oracle in the tests)."""
    if config is None:
        from .config import load_config

        config = load_config()
    tables = {}
    rows_total = 0
    for key, data in plan.tables.items():
        labels = {k: c.header for k, c in data.columns.items()}
        letters = {k: c.letter for k, c in data.columns.items()}
        rows = LazyRows(data)
        rows_total += len(rows)
        totals = None
        if data.totals_row:
            totals = Row(data.totals_row, dict(data.totals))
        last = (data.totals_row - 1) if data.totals_row else (rows.numbers[-1] if rows else data.header_row + 1)
        tables[key] = TableView(
            number=data.number, key=key, sheet=data.sheet, spec=data.template, rows=rows, totals=totals,
            labels=labels, missing={k: m.closest for k, m in data.missing_columns.items()},
            from_metadata=data.identified_by == "metadata", first_row=data.header_row + 1, last_row=last,
            totals_row=data.totals_row, letters=letters, source=data, trust_cache=plan.trust_cache,
            exhaustive=exhaustive)
        rows.view = tables[key]
    cover_labels = {f["key"]: f["label"](lang) for f in spec.workbook["cover"]["fields"]}
    cover = {k: replace(c, label=cover_labels.get(k, k)) for k, c in plan.cover.items()}  # in the check's language
    start, end = (cover.get(k).value if cover.get(k) is not None and cover[k].ok else None for k in ("start", "end"))
    missing = sorted(spec.table(k).number for k in plan.missing)
    meta = plan.metadata or {}
    view = PlanView(path=plan.path, lang=lang, spec=spec, tables=tables, missing_templates=missing, cover=cover,
                    start=start if isinstance(start, dt.date) else None, end=end if isinstance(end, dt.date) else None,
                    trust_cache=plan.trust_cache, producer=str(getattr(plan.producer, "application", "") or ""),
                    schema_version=_int(meta.get("schema_version")), today=today, sheets=len(plan.sheets),
                    workbook_lang=plan.language or lang, config=config, exhaustive=exhaustive,
                    rows_total=rows_total, accepted=list(getattr(plan, "accepted", ())))
    return view


class Column:
    """One column as arrays over a table's rows, for rules that test every row.

    ``plain[i]`` is true when row i's Cell is fully described here: no formula, a raw value
    whose parse is certain from its type alone (a finite number, a 0-1 fraction in a percent
    column, a date object, text starting with an ordinary Chinese character, or empty), no
    warnings, no error value; or a formula cell of a derived column whose saved result is a
    number or empty. Everything else is not plain, and a rule builds that row to look at it.

        num     the number a plain cell holds; NaN otherwise, and for every formula cell
                (``values_of`` builds those rows to read them)
        empty   plain and empty
        text    the stripped text of a plain text cell, else None (a list)
        date    the date of a plain date cell, else None (a list)
        tid     a formula cell's template id, -1 for none (numpy ints); None: no formulas
        may_be_empty, may_be_placeholder
                cells without a formula that may read as empty / a placeholder (see
                values.PlainColumn); false in both: filled, whatever the value
    """

    __slots__ = ("key", "raw", "plain", "num", "empty", "text", "date", "tid", "formulas", "kind", "derived", "index",
                 "may_be_empty", "may_be_placeholder")

    @classmethod
    def build(cls, key: str, arrays, trust_cache: bool = False) -> "Column":
        np = _np()
        col = cls()
        col.key = key
        raw, kind = arrays.raw, arrays.kind
        col.raw, col.kind, col.derived, col.index = raw, kind, arrays.derived, arrays.index
        col.tid, col.formulas = arrays.tids, arrays.formulas
        n = len(raw)
        # What the raw values mean is values.py's to say; formulas are this view's.
        classified = plain_column(raw, kind)
        nums, plain, col.empty, col.text, col.date = (classified.num, classified.plain, classified.empty,
                                                      classified.text, classified.date)
        col.may_be_empty, col.may_be_placeholder = classified.may_be_empty, classified.may_be_placeholder
        lo, hi = (0.0, 1.0) if kind in _FRACTIONS else (-_EXACT, _EXACT)
        if col.tid is not None:
            formula = col.tid >= 0
            if arrays.derived and not trust_cache:  # the cached result is kept, but not read as a value
                cached_ok = np.fromiter((type(v) is not str or v == "" for v in raw), dtype=bool, count=n)
                plain = np.where(formula, cached_ok, plain)
            elif arrays.derived:  # the cached result read as the cell's value
                numeric = kind in _NUMERIC
                cached_ok = np.fromiter((v == "" or (numeric and (type(v) is float or type(v) is int) and lo <= v <= hi)
                                         for v in raw), dtype=bool, count=n)
                plain = np.where(formula, cached_ok, plain)
            else:  # a copying formula (=B5 of another sheet) takes another cell's value
                plain = plain & ~formula
            nums = np.where(formula, _NAN, nums)
            col.empty = col.empty & ~formula
            col.may_be_empty, col.may_be_placeholder = col.may_be_empty & ~formula, col.may_be_placeholder & ~formula
            if col.text is not None:
                col.text = [None if f else t for t, f in zip(col.text, formula.tolist())]
            if col.date is not None:
                col.date = [None if f else d for d, f in zip(col.date, formula.tolist())]
        col.plain, col.num = plain, nums
        return col

    @property
    def described(self):
        """Plain cells holding no formula: their value is the one held here."""
        return self.plain if self.tid is None else self.plain & (self.tid < 0)


_NAN, _EXACT = float("nan"), float(2**53)
# A 0-1 number in a percent or rate-with-target column is read as that fraction, with no warning.
_FRACTIONS = ("percent", "rate_target")
_NUMERIC = ("number", "money") + _FRACTIONS


def _np():
    import numpy

    return numpy


def _int(value):
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError, OverflowError):  # inf from a hostile cell
        return None
