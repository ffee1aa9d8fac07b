"""A table's rows and cells as the rules read them: built when first asked for.

    Row        one row: ``row.num("clicks")``, ``row.text("owner")``, ``row.cell("subtotal").ref``;
               a cell is built when a rule first asks for it, the whole row when ``cells`` is
    LazyRows   a table's rows, each Row made on first access, each cell kept per column so it
               is built once whether a rule reaches it by row or by column (``cells``), a
               plain number read from the column arrays without a cell (``plain``)
    ByRef     "C5" -> the cell there, for formula evaluation (``TableView.by_ref``)

The cells are the reader's (reader/model.py: Cell); view.py holds the tables and plan.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from itertools import compress, repeat
from operator import is_, is_not
from typing import TYPE_CHECKING

from ..reader.model import Cell, each_content

if TYPE_CHECKING:
    from .view import TableView

__all__ = ["READ_AS", "UNKNOWN", "ByRef", "LazyRows", "Row", "date_of", "each_content", "num_of", "text_of"]


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


READ_AS = {"num": num_of, "date": date_of, "text": text_of}


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


class LazyRows:
    """A table's rows as a read-only sequence: each Row made on first access, each of its
    Cells built on first access too, one column at a time (kept per column, so that a cell
    is built once whether a rule reaches it by row or by column).

    Most rules read a few small tables row by row; the daily metrics and feedback tables can
    hold hundreds of thousands of rows that the rules mostly look at column by column.
    """

    __slots__ = ("numbers", "view", "_data", "_rows", "_columns", "_plain", "_contents", "_codes", "_held_all")

    def __init__(self, data):
        self.numbers = data.row_numbers
        self.view: "TableView | None" = None  # set by from_plan: the table's column arrays
        self._plain: dict = {}
        self._data = data
        self._rows: list = [None] * len(self.numbers)
        self._columns: dict[str, list] = {}   # key -> row i's Cell (None: the row has none), or _UNBUILT
        self._contents: dict[str, list] = {}  # the same, or a Cell shared by the rows typed alike (contents)
        self._codes: dict[str, _Codes] = {}  # key -> which of its distinct held cells each row holds
        self._held_all: set[str] = set()  # the keys whose every row's content is held

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
        (values.plain_numbers); None when the column cannot tell (absent, or the view checks
        exhaustively and builds every cell it reads)."""
        found = self._plain.get(key, _UNBUILT)
        if found is _UNBUILT:
            found = self._plain[key] = self.view.plain_numbers(key) if self.view is not None else None
        return found

    def cells(self, indices: list[int], key: str) -> list:
        """``[cell(i, key) for i in indices]``: the cells not built yet are built in one pass."""
        if key not in self._data.row_keys:
            return [None] * len(indices)  # a column the table does not have, nor a split fills
        if len(indices) == 0:
            return []  # no column list made: contents() takes a column without one as having no cell built
        column = self._columns.get(key)
        if column is None:
            column = self._columns[key] = [_UNBUILT] * len(self._rows)
        todo = _unbuilt(indices, column)
        sources = self._data.split_sources(key)
        if len(todo) > 1 and key in self._data.row_keys and not sources:
            for i, c in zip(todo, self._data.cells_at(todo, key)):
                column[i] = c
        elif len(todo) > 1 and sources:  # a split's target: its sources' cells in a pass first
            built = {source: self.cells(todo, source) for source in sources}
            for i, c in zip(todo, self._data.split_cells_at(todo, key, built)):
                column[i] = c
        out = list(map(column.__getitem__, indices))
        for p in _unbuilt(range(len(out)), out):  # one cell left: built alone
            out[p] = self.cell(indices[p], key)
        return out

    def contents(self, indices: list[int], key: str) -> list:
        """What row i's cell of column ``key`` holds, for each i in ``indices``: the cell itself
        where it is built, else one Cell for all the rows typed alike, made for another of them
        (reader TableData.cells_at(shared=True)). For a column's values: read what a cell
        holds (value, status, raw), never where it is. An exhaustive view's are its cells."""
        if self.view is not None and self.view.exhaustive:
            return self.cells(indices, key)
        if key not in self._data.row_keys:  # no row has the cell: each_content reads None once
            return _Held([None] * len(indices), _Codes.none(len(indices)), range(len(indices)))
        held = self._contents.get(key)
        if held is None:
            held = self._contents[key] = [_UNBUILT] * len(self._rows)
        column = self._columns.get(key)
        todo = [] if key in self._held_all else _unbuilt(indices, held)
        if column is not None:  # a cell built already is what it holds
            todo = _unbuilt(todo, column)
        if todo:
            sources = self._data.split_sources(key)
            if not sources:
                found = self._data.cells_at(todo, key, shared=True)
            else:  # a split's target: from what its sources hold
                found = self._data.split_cells_at(todo, key, {s: self.contents(todo, s) for s in sources}, shared=True)
            for i, c in zip(todo, found):
                held[i] = c
            self._codes.setdefault(key, _Codes(len(held))).add(todo, found)
            if not any(map(is_, held, repeat(_UNBUILT))):
                self._held_all.add(key)
        out = _Held(map(held.__getitem__, indices), self._codes.get(key), indices)
        own = [] if column is None else \
            list(compress(range(len(indices)), map(is_not, map(column.__getitem__, indices), repeat(_UNBUILT))))
        if own:  # where a row's own cell is built, it is what is read
            out = list(out)
            for p in own:
                out[p] = column[indices[p]]
        return out

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


class _Codes:
    """The distinct cells a column's rows hold (LazyRows.contents) and, for each row, which:
    what lets each_content read a column once per distinct cell without hashing every row again."""

    __slots__ = ("codes", "distinct", "_index")

    def __init__(self, rows: int):
        import numpy as np

        self.codes = np.full(rows, -1, dtype=np.int32)
        self.distinct: list = []
        self._index: dict = {}  # id(cell) -> its place in distinct (the cells are kept alive there)

    @classmethod
    def none(cls, rows: int) -> "_Codes":
        """Every row holding no cell."""
        codes = cls(rows)
        codes.codes[:] = 0
        codes.distinct.append(None)
        codes._index[id(None)] = 0
        return codes

    def add(self, rows, cells: list) -> None:
        import numpy as np

        ids = list(map(id, cells))
        for key, cell in dict(zip(ids, cells)).items():
            if key not in self._index:
                self._index[key] = len(self.distinct)
                self.distinct.append(cell)
        self.codes[rows] = np.fromiter(map(self._index.__getitem__, ids), dtype=np.int32, count=len(ids))


class _Held(list):
    """LazyRows.contents' list, which also says which distinct cell each entry is (each_content
    reads it so). Read-only: a change to the list would not change its codes."""

    __slots__ = ("_codes", "_indices")

    def __init__(self, cells, codes: _Codes | None, indices):
        super().__init__(cells)
        self._codes, self._indices = codes, indices

    def coded(self):
        """(the distinct cells, which of them each entry is: a numpy array), or None."""
        if self._codes is None:
            return None
        import numpy as np

        return self._codes.distinct, self._codes.codes[np.asarray(self._indices, dtype=np.intp)]


def _unbuilt(indices, column: list) -> list:
    """The indices whose entry in ``column`` is _UNBUILT, found at C speed (a log's column is long)."""
    return list(compress(indices, map(is_, map(column.__getitem__, indices), repeat(_UNBUILT))))


UNKNOWN = object()  # ByRef.number: the column does not tell


class ByRef:
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


def _np():
    import numpy

    return numpy
