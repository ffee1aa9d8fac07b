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
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from typing import Any

from ..reader.model import Cell
from ..values import plain_column, plain_number


# Public API.

def num_of(c: Cell | None) -> float | None:
    """The number a cell holds (``row.num``): None when it is absent, not ok or not a number."""
    if c is None or c.status != "ok":
        return None
    value = c.value
    if type(value) is float or type(value) is int:  # nearly always: settled without isinstance
        return value
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def date_of(c: Cell | None) -> dt.date | None:
    """The date a cell holds (``row.date``), else None."""
    return c.value if c is not None and c.status == "ok" and isinstance(c.value, dt.date) else None


def text_of(c: Cell | None) -> str | None:
    """A filled cell's text, stripped (``row.text``): its value when that is text, else what was typed."""
    if c is None or c.status == "empty" or c.raw is None:
        return None
    return str(c.value if isinstance(c.value, str) else c.raw).strip() or None


_READ = {"num": num_of, "date": date_of, "text": text_of}


class Row:
    """One row of a table as the rules see it: ``row`` (the Excel row) and its cells.

    A table's row builds each cell when a rule first asks for it (``row.num("clicks")`` builds
    the clicks cell only) and ``cells``, the whole {key: Cell} mapping, when asked for: a rule
    that reads three columns of a 200,000-row log builds three cells a row, not the row. The
    cells are the reader's (reader/model.py: Cell), shared with the table's column-wise access
    (TableView.cells_where). ``Row(row, cells)`` is a row whose cells are given (the totals).
    """

    __slots__ = ("row", "_cells", "_rows", "_i")

    def __init__(self, row: int, cells: dict | None = None, rows: "LazyRows | None" = None, i: int = -1):
        self.row, self._cells, self._rows, self._i = row, cells, rows, i

    def __repr__(self) -> str:
        return f"Row({self.row}, {self.cells!r})"

    def index_in(self, rows) -> int | None:
        """This row's position in ``rows`` (a table's LazyRows) when it is one of them."""
        return self._i if self._rows is rows and self._rows is not None else None

    @property
    def cells(self) -> dict[str, Cell]:
        if self._cells is None:
            self._cells = self._rows.cells_of(self._i)
        return self._cells

    # These run for every row in most rules: they read c.status rather than the c.ok property.

    def cell(self, key: str) -> Cell | None:
        return self._cells.get(key) if self._cells is not None else self._rows.cell(self._i, key)

    def ok(self, key: str) -> bool:
        c = self._cells.get(key) if self._cells is not None else self._rows.cell(self._i, key)
        return c is not None and c.status == "ok"

    def num(self, key: str) -> float | None:
        if self._cells is None:
            # A plain cell's number is known from its column: the cell is not built to read it.
            known = self._rows.plain(key)
            if known is not None and known[0][self._i]:
                return known[1][self._i]
            return num_of(self._rows.cell(self._i, key))
        return num_of(self._cells.get(key))

    def date(self, key: str) -> dt.date | None:
        return date_of(self._cells.get(key) if self._cells is not None else self._rows.cell(self._i, key))

    def text(self, key: str) -> str | None:
        return text_of(self._cells.get(key) if self._cells is not None else self._rows.cell(self._i, key))

    def filled(self, key: str) -> bool:
        c = self._cells.get(key) if self._cells is not None else self._rows.cell(self._i, key)
        return c is not None and c.status != "empty"


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

    def placed_by_column(self, key: str):
        """``i -> place(key, rows[i])`` without the row, for a column found in the sheet whose
        cells sit in it; None otherwise (a split's target, an exhaustive view: place cells)."""
        letter = self.letters.get(key)
        if letter is None or self.exhaustive or key in self.memo(
                "split_targets", lambda: set(self.spec.split_targets(self.letters))):
            return None
        numbers, label = self.rows.numbers, self.labels.get(key)
        return lambda i: {"ref": f"{letter}{numbers[i]}", "row": numbers[i], "column": label}

    def place(self, key: str, row: Row) -> dict:
        """Where a finding about column ``key`` of ``row`` stands, as ``Rule.at``'s keywords:
        the reference, row and header of a column found in the sheet (where its own cell sits:
        the cell is not built to say so); else the cell (a split's target sits in its source's)."""
        letter = self.letters.get(key)
        if letter is None or key in self.memo("split_targets", lambda: set(self.spec.split_targets(self.letters))):
            return {"cell": row.cell(key)}
        return {"ref": f"{letter}{row.row}", "row": row.row, "column": self.labels.get(key)}

    def cells_at(self, indices: list[int], key: str) -> list:
        """Column ``key``'s cell of each of the rows at ``indices`` (None where a row has none)."""
        rows = self.rows
        if isinstance(rows, LazyRows):
            return rows.cells(indices, key)
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
        numbers = [None] * len(col.raw)
        raw, kind = col.raw, col.kind
        for i in np.flatnonzero(known & ~col.empty).tolist():
            numbers[i] = plain_number(raw[i], kind)
        return known.tolist(), numbers

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
            known = known & (~_np().isnan(col.num) | col.empty)
            values = [None if v != v else v for v in col.num.tolist()]
        else:
            values = col.date if how == "date" else col.text
            if values is None:
                known = known & col.empty
                values = [None] * len(rows)
        out = list(values)
        todo = _np().flatnonzero(~known).tolist()
        if isinstance(rows, LazyRows):  # the other cells built in one pass over the column
            read = _READ[how]
            for i, cell in zip(todo, rows.cells(todo, key)):
                out[i] = read(cell)
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
            todo = [i for i, flag in enumerate(known[0]) if not flag] if known is not None else list(range(len(rows)))
            for i, cell in zip(todo, rows.cells(todo, key)):
                out[i] = num_of(cell)
            return out
        return self.memo(("numbers", key), work)

    @property
    def by_ref(self) -> "_ByRef":
        """"C5" -> the row cell there, for formula evaluation; a row is built when asked for."""
        return self.memo("by_ref", lambda: _ByRef(self))


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


class LazyRows:
    """A table's rows as a read-only sequence: each Row made on first access, each of its
    Cells built on first access too, one column at a time (kept per column, so that a cell
    is built once whether a rule reaches it by row or by column).

    Most rules read a few small tables row by row; the daily metrics and feedback tables can
    hold hundreds of thousands of rows that the rules mostly look at column by column.
    """

    __slots__ = ("numbers", "view", "_data", "_rows", "_columns", "_plain")

    def __init__(self, data):
        self.numbers = data.row_numbers
        self.view: "TableView | None" = None  # set by from_plan: the table's column arrays
        self._plain: dict = {}
        self._data = data
        self._rows: list = [None] * len(self.numbers)
        self._columns: dict[str, list] = {}   # key -> row i's Cell (None: the row has none), or _UNBUILT

    def cell(self, i: int, key: str) -> Cell | None:
        """Row i's cell of column ``key`` (0 <= i < len), built once."""
        column = self._columns.get(key)
        if column is None:
            if key not in self._data.row_keys:
                return None  # a column the table does not have, nor a split fills
            column = self._columns[key] = [_UNBUILT] * len(self._rows)
        c = column[i]
        if c is _UNBUILT:
            c = column[i] = self._data.cell_at(i, key, lambda k: self.cell(i, k))
        return c

    def plain(self, key: str):
        """(known, numbers) for column ``key``, lists over the rows: where ``known[i]``, row i's
        cell holds no formula and ``num(key)`` is ``numbers[i]`` (None: empty), as parse says
        (values.plain_number); None when the column cannot tell (absent, or the view checks
        exhaustively and builds every cell it reads)."""
        found = self._plain.get(key, _UNBUILT)
        if found is _UNBUILT:
            found = self._plain[key] = self.view.plain_numbers(key) if self.view is not None else None
        return found

    def cells(self, indices: list[int], key: str) -> list:
        """``[cell(i, key) for i in indices]``: the cells not built yet are built in one pass."""
        if key not in self._data.row_keys:
            return [None] * len(indices)  # a column the table does not have, nor a split fills
        column = self._columns.get(key)
        if column is None:
            column = self._columns[key] = [_UNBUILT] * len(self._rows)
        todo = [i for i in indices if column[i] is _UNBUILT]
        sources = self._data.split_sources(key)
        if len(todo) > 1 and key in self._data.row_keys and not sources:
            for i, c in zip(todo, self._data.cells_at(todo, key)):
                column[i] = c
        elif len(todo) > 1 and sources:  # a split's target: its sources' cells in a pass first
            built = {source: self.cells(todo, source) for source in sources}
            for i, c in zip(todo, self._data.split_cells_at(todo, key, built)):
                column[i] = c
        return [column[i] if column[i] is not _UNBUILT else self.cell(i, key) for i in indices]

    def cells_of(self, i: int) -> dict[str, Cell]:
        """Row i's cells, in the reader's order."""
        out = {}
        for key in self._data.row_keys:
            c = self.cell(i, key)
            if c is not None:
                out[key] = c
        return out

    def keys_at(self, letter: str) -> list[str]:
        """The keys whose cell may sit in column ``letter`` (reader TableData.keys_at)."""
        return self._data.keys_at(letter)

    def __len__(self) -> int:
        return len(self._rows)

    def __bool__(self) -> bool:
        return bool(self._rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self._rows)))]
        row = self._rows[i]
        if row is None:
            row = self._rows[i] = self._build(i if i >= 0 else i + len(self._rows))
        return row

    def __iter__(self):
        rows = self._rows
        for i, row in enumerate(rows):
            yield row if row is not None else self[i]

    def index(self, excel_row: int) -> int | None:
        """The position of Excel row ``excel_row`` in the table, or None."""
        numbers = self.numbers
        if type(numbers) is range:  # no row left out: arithmetic (bisect on a range is slow)
            i = excel_row - numbers.start
            return i if 0 <= i < len(numbers) else None
        i = bisect_left(numbers, excel_row)
        return i if i < len(self.numbers) and self.numbers[i] == excel_row else None

    def _build(self, i: int) -> Row:
        return Row(self.numbers[i], None, self, i)


_UNBUILT = object()
UNKNOWN = object()  # _ByRef.number: the column does not tell


class _ByRef:
    """"C5" -> the Cell there among a table's rows (a Mapping's get only)."""

    __slots__ = ("_table", "_plain", "_arrays")

    def __init__(self, table: TableView):
        self._table = table
        self._plain: dict = {}  # column letters -> LazyRows.plain of the column there, or None
        self._arrays: dict = {}  # column letters -> (known, numbers) as numpy arrays, for numbers_at

    def number(self, ref: str):
        """The number a plain cell at ``ref`` holds (None: empty) as its Cell would give it,
        without building the cell; UNKNOWN when its column does not tell (build it: ``get``)."""
        letters = ref.rstrip("0123456789")
        known = self._plain.get(letters, _UNBUILT)
        if known is _UNBUILT:
            known = self._plain[letters] = self._plain_at(letters)
        if known is None or not letters or len(letters) == len(ref):
            return UNKNOWN
        i = self._table.rows.index(int(ref[len(letters):]))
        return known[1][i] if i is not None and known[0][i] else UNKNOWN

    def numbers_at(self, letters: str, excel_rows):
        """``number`` for many cells of one column at once, as formula arithmetic reads them:
        (numbers, known), numpy arrays over ``excel_rows`` (a numpy int array). A cell outside
        the table's rows or columns reads as empty (0.0), as ``get`` finds no cell there; a
        cell its column does not describe is not known (build it)."""
        np = _np()
        rows = self._table.rows
        keys = rows.keys_at(letters) if isinstance(rows, LazyRows) else None
        if keys is None or len(keys) > 1:
            return np.zeros(len(excel_rows)), np.zeros(len(excel_rows), dtype=bool)
        numbers = rows.numbers
        if type(numbers) is range:
            at = excel_rows - numbers.start
            inside = (at >= 0) & (at < len(numbers))
        else:
            table_rows = np.asarray(numbers, dtype=np.int64)
            at = np.searchsorted(table_rows, excel_rows)
            inside = at < len(table_rows)
            inside[inside] = table_rows[at[inside]] == excel_rows[inside]
        at = np.where(inside, at, 0)
        if not keys:  # no column of the table there
            return np.zeros(len(excel_rows)), np.ones(len(excel_rows), dtype=bool)
        arrays = self._arrays.get(letters)
        if arrays is None:
            known = self._plain_at(letters)
            if known is None:
                arrays = (np.zeros(len(numbers), dtype=bool), np.zeros(len(numbers)))
            else:
                arrays = (np.array(known[0], dtype=bool),
                          np.array([0.0 if v is None else float(v) for v in known[1]], dtype=float))
            self._arrays[letters] = arrays
        return np.where(inside, arrays[1][at], 0.0), np.where(inside, arrays[0][at], True)

    def _plain_at(self, letters: str):
        """LazyRows.plain of the one column whose cells sit at ``letters``, or None."""
        rows = self._table.rows
        keys = rows.keys_at(letters) if isinstance(rows, LazyRows) else ()
        return rows.plain(keys[0]) if len(keys) == 1 else None

    def get(self, ref: str, default=None):
        letters = ref.rstrip("0123456789")
        digits = ref[len(letters):]
        if not letters or not digits:
            return default
        rows = self._table.rows
        i = rows.index(int(digits))
        if i is None:
            return default
        if not isinstance(rows, LazyRows):
            return next((cell for cell in rows[i].cells.values() if cell.ref == ref), default)
        # The first of the row's cells at that reference, building only the cells that may be there.
        for key in rows.keys_at(letters):
            cell = rows.cell(i, key)
            if cell is not None and cell.ref == ref:
                return cell
        return default


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
