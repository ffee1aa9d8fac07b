# model.py: what read() returns: a Plan of tables, rows and cells, each value with its cell.
"""The reader's data model.

    Plan                     the workbook: Cover fields, language, producer, tables by key
    ├── cover                {field key: Cell}
    └── tables               {template key: TableData}, in template order
        ├── columns          {column key: ColumnInfo}   where each column was found
        ├── missing_columns  {column key: MissingColumn} with the closest header found
        ├── extra_columns    {header text: ColumnInfo}  unknown columns, kept
        ├── rows             Row per non-empty data row, built when asked for
        │   └── cells        {column key: Cell}    raw + meaning + sheet/A1 + formula
        └── totals           {column key: Cell}    the totals row, if any

Rows are materialised lazily: read() loads every value and formula of the workbook, but a
Row and its Cells (each parsed) are built only when a row is accessed, so a
300,000-row table costs no more memory than the raw values python-calamine returned.
"""
from __future__ import annotations

import datetime as dt
import math
import operator
from dataclasses import dataclass, field, fields
from typing import Any

from ..formulas import quote_sheet
from ..values import ERROR_VALUES, DateRange, Value, percent_slip

__all__ = ["Cell", "error_value", "ColumnInfo", "MissingColumn", "Plan", "Row", "TableData", "jsonable"]


# Public API.

@dataclass(slots=True)
class Cell:
    """One cell of a table or of the Cover: what was typed (``raw``), what it means (the
    parsed ``value`` with its ``status`` and the rest of values.Value's fields, flattened),
    where it is, and how it was filled. The reader builds it; the checker's rules, the
    summary and export read this same object.

    Slotted and not frozen: a row builds one per column, for every row of a 300,000-row
    table, and the rules read the fields over and over. Treat it as read-only.
    """

    key: str                     # the spec's column (or Cover field) key
    label: str                   # the header as found in the workbook (the Cover: the spec's label)
    sheet: str | None
    column: str                  # column letters, "C"
    row: int                     # 1-based Excel row
    raw: Any = None              # the value as the file holds it ("" when empty)
    value: Any = None            # what it means: a number, fraction, date, DateRange, bool or text
    kind: str = "text"           # the kind it was parsed as (values.KINDS)
    status: str = "empty"        # ok | empty | placeholder | unreadable
    reason: str | None = None    # why a cell is not ok
    unit: str | None = None
    direction: str | None = None  # "lower" / "higher" for a bound such as ≤50元
    target: float | None = None  # a rate's target: "100%(目标500单)"
    per: str | None = None
    from_text: bool = False      # a number or date typed as text
    warnings: tuple = ()
    formula: str | None = None   # "=C5*D5" when the cell holds a formula
    cached: Any = None           # a formula cell's cached result, as saved
    item: str | None = None      # the dropdown list item key ("lower", "yes") when recognised
    source: str | None = None    # how a value not typed here was found: link:…, split:…, merged:…
    error: str | None = None     # an Excel error value (#DIV/0!) held, typed or as a cached result
    slip: bool = False           # 3.2 in a percent column, read as the 3.2% it was meant to be

    @classmethod
    def of(cls, key: str, label: str, sheet: str | None, column: str, row: int, v: Value, formula=None,
           cached=None, item=None, source=None, *, percent: bool = False) -> "Cell":
        """The cell holding parsed Value ``v``; ``percent``: a percent column's cell, where a
        number that is not a fraction may be a scale slip (values.percent_slip)."""
        value, slip = percent_slip(v, formula is not None) if percent else (v.value, False)
        # Positional: this runs once per cell read, and keywords cost a third more.
        return cls(key, label, sheet, column, row, v.raw, value, v.kind, v.status, v.reason, v.unit, v.direction,
                   v.target, v.per, v.from_text, tuple(v.warnings), formula, cached, item, source,
                   error_value(v.raw, cached), slip)

    @property
    def ref(self) -> str:
        """The cell's A1 reference in its sheet, "C5"."""
        return f"{self.column}{self.row}"

    @property
    def address(self) -> str:
        """The reference with its sheet, "'预算明细'!C5"."""
        return f"{quote_sheet(self.sheet)}!{self.column}{self.row}" if self.sheet else self.ref

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def filled(self) -> bool:
        return self.status != "empty" or self.formula is not None

    def to_dict(self) -> dict:
        out = {"value": jsonable(self.value), "raw": jsonable(self.raw), "cell": self.ref, "sheet": self.sheet,
               "kind": self.kind, "status": self.status}
        for name in ("reason", "unit", "direction", "target", "per"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        if self.warnings:
            out["warnings"] = list(self.warnings)
        if self.formula is not None:
            out["formula"] = self.formula
            out["cached"] = jsonable(self.cached)
        if self.item is not None:
            out["item"] = self.item
        if self.source is not None:
            out["source"] = self.source
        return out


_PLACE = 5  # Cell's fields before the value: key, label, sheet, column, row
# A cell's fields after its place, in order: what cells typed alike share (build.py keeps them
# per distinct typed value and makes each cell from its place and them).
cell_tail = operator.attrgetter(*tuple(f.name for f in fields(Cell))[_PLACE:])


def each_content(cells: list, read) -> list:
    """``[read(c) for c in cells]`` for cells the rows typed alike share (build.py:
    cells(shared=True); the checker's LazyRows.contents): ``read`` is called once per distinct
    cell, the rest is done at C speed, without a Python call per row. ``read`` must look only
    at what a cell holds, never at its place."""
    coded = cells.coded() if hasattr(cells, "coded") else None  # the checker's contents say which is which
    if coded is not None:
        import numpy as np

        distinct, codes = coded
        found = np.empty(len(distinct), dtype=object)
        for j in np.flatnonzero(np.bincount(codes, minlength=len(distinct))).tolist():
            found[j] = read(distinct[j])
        return found[codes].tolist()
    ids = list(map(id, cells))
    distinct = dict(zip(ids, cells))
    found = {key: read(cell) for key, cell in distinct.items()}
    return list(map(found.__getitem__, ids))


def error_value(raw, cached) -> str | None:
    """The Excel error value a cell holds, typed or as its formula's cached result."""
    # Every error value starts with "#": most cells are settled without strip() and a lookup.
    if isinstance(raw, str) and "#" in raw and raw.strip() in ERROR_VALUES:
        return raw.strip()
    if isinstance(cached, str) and "#" in cached and cached.strip() in ERROR_VALUES:
        return cached.strip()
    return None


@dataclass(frozen=True)
class ColumnInfo:
    key: str          # the spec's column key; for an extra column its header text
    index: int        # 0-based column index
    letter: str       # "C"
    header: str       # the header text as found in the workbook
    matched: str = "exact"  # metadata, exact, alias, contains

    def to_dict(self) -> dict:
        return {"column": self.letter, "header": self.header, "matched": self.matched}


@dataclass(frozen=True)
class MissingColumn:
    key: str
    label: str                    # the spec's label in the plan's language
    closest: str | None = None    # the most similar unclaimed header text, if any
    closest_column: str | None = None
    score: float = 0.0

    def to_dict(self) -> dict:
        return {"label": self.label, "closest": self.closest, "closest_column": self.closest_column,
                "score": round(self.score, 2)}


@dataclass(frozen=True)
class Row:
    number: int                       # 1-based Excel row
    sheet: str
    cells: dict[str, Cell]
    extra: dict[str, Cell] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Cell:
        return self.cells[key]

    def get(self, key: str) -> Cell | None:
        return self.cells.get(key)

    def value(self, key: str, default=None):
        """The normalised value of a column, or ``default`` when absent or not ok."""
        cell = self.cells.get(key)
        return cell.value if cell is not None and cell.ok else default

    def to_dict(self) -> dict:
        out = {"row": self.number, "cells": {k: c.to_dict() for k, c in self.cells.items()}}
        if self.extra:
            out["extra"] = {k: c.to_dict() for k, c in self.extra.items()}
        return out


class TableData:
    """One template's table as found in the workbook; rows are built on access."""

    def __init__(self, spec_table, sheet: str, header_row: int, identified_by: str, *,
                 columns: dict[str, ColumnInfo], missing_columns: dict[str, MissingColumn],
                 extra_columns: dict[str, ColumnInfo], rows, totals_row: int | None,
                 builder, notes: tuple[str, ...] = ()):
        self.template = spec_table
        self.number: int = spec_table.number
        self.key: str = spec_table.key
        self.sheet = sheet
        self.header_row = header_row
        self.identified_by = identified_by
        self.columns = columns
        self.missing_columns = missing_columns
        self.extra_columns = extra_columns
        self.totals_row = totals_row
        self.notes = notes
        self.row_numbers = rows          # a range or array of 1-based Excel rows
        self._builder = builder          # builds a Row from a row number (see build.py)
        self._totals: dict[str, Cell] | None = None

    def __len__(self) -> int:
        return len(self.row_numbers)

    def __repr__(self) -> str:
        return (f"<TableData {self.number} {self.key} sheet={self.sheet!r} header_row={self.header_row} "
                f"rows={len(self)} by={self.identified_by}>")

    @property
    def rows(self) -> "_Rows":
        return _Rows(self.row_numbers, self._builder.row)

    @property
    def totals(self) -> dict[str, Cell]:
        if self._totals is None:
            self._totals = self._builder.totals() if self.totals_row else {}
        return self._totals

    def column_values(self, key: str) -> list[Value]:
        """Every row's Value of one column, in row order (fast path for frames and checks)."""
        return self._builder.column_values(key, self.row_numbers)

    def column_arrays(self, key: str):
        """A column's raw values and formula ids over the rows, built without a Row per row
        (build.ColumnArrays); None when absent or filled from another column."""
        return self._builder.column_arrays(key, self.row_numbers)

    def row_at(self, i: int) -> Row:
        """The i-th row (0-based, as in ``rows``)."""
        return self._builder.row(self.row_numbers[i])

    def cell_at(self, i: int, key: str, source=None) -> Cell | None:
        """The i-th row's cell of column ``key`` (``row_at(i).cells.get(key)``), built alone;
        ``source(key)``: a split's source cell of that row, when the caller has it built."""
        return self._builder.cell(self.row_numbers[i], key, source)

    def cells_at(self, indices: list[int], key: str, shared: bool = False) -> list:
        """``[cell_at(i, key) for i in indices]``, built in one pass over the column; ``shared``:
        one Cell for the rows typed alike, what they hold and not where (build.py: cells)."""
        numbers = self.row_numbers
        return self._builder.cells([numbers[i] for i in indices], key, shared)

    def split_cells_at(self, indices: list[int], key: str, sources: dict, shared: bool = False) -> list:
        """``cells_at`` for a split's target, given its sources' cells at ``indices``."""
        numbers = self.row_numbers
        return self._builder.split_cells([numbers[i] for i in indices], key, sources, shared)

    def split_sources(self, key: str) -> list[str]:
        """The columns whose combined cell may fill column ``key`` (a column's `splits` in the spec)."""
        return [s[0] for s in self._builder.into.get(key, ())]

    @property
    def row_keys(self) -> dict[str, None]:
        """The keys a row's cells may have, in the order ``row_at(i).cells`` holds them (a dict
        used as an ordered set)."""
        return self._builder.keys

    def keys_at(self, letter: str) -> list[str]:
        """The keys whose cell may sit in column ``letter`` (a split's target sits in its
        source's column), in ``row_keys`` order."""
        return self._builder.keys_by_letter.get(letter, [])

    def to_frame(self):
        """A pandas DataFrame: Excel row, each column's normalised value, and its raw value."""
        from .frame import table_frame

        return table_frame(self)

    def to_dict(self, lazy: bool = False) -> dict:
        """Plain data; ``lazy``: the rows as a list that builds each row's dict as it is iterated
        (json's indenting encoder then holds one row at a time: export streams)."""
        return {
            "number": self.number, "key": self.key, "sheet": self.sheet, "header_row": self.header_row,
            "identified_by": self.identified_by, "totals_row": self.totals_row,
            "columns": {k: c.to_dict() for k, c in self.columns.items()},
            "missing_columns": {k: m.to_dict() for k, m in self.missing_columns.items()},
            "extra_columns": {k: c.to_dict() for k, c in self.extra_columns.items()},
            "rows": _LazyRows(self.rows) if lazy else [row.to_dict() for row in self.rows],
            "totals": {k: c.to_dict() for k, c in self.totals.items()},
            "notes": list(self.notes),
        }


@dataclass
class Plan:
    """A workbook read back: the Cover, the sixteen tables (or those found), and provenance."""

    path: str
    format: str                               # xlsx, xlsm, xlsb, xls, ods
    language: str | None
    producer: Any                             # producer.Producer
    date1904: bool
    formulas_available: bool
    cover: dict[str, Cell] = field(default_factory=dict)
    tables: dict[str, TableData] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # template keys not found
    metadata: dict[str, Any] | None = None    # the _meta sheet's key/values, when present
    sheets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # The acceptance sheet's rows (reader/accepted.py): findings people reviewed and accepted.
    accepted: list = field(default_factory=list)

    @property
    def trust_cache(self) -> bool:
        """Whether cached formula results were computed by the app that saved the file."""
        return bool(self.producer and self.producer.trust_cache)

    @property
    def campaign_start(self) -> dt.date | None:
        cell = self.cover.get("start")
        value = cell.value if cell is not None and cell.ok else None
        return value if isinstance(value, dt.date) else None

    def table(self, ref: int | str) -> TableData:
        """A table by template number (1-16) or key ("budget"); KeyError when not found."""
        for table in self.tables.values():
            if ref in (table.number, table.key):
                return table
        raise KeyError(f"template {ref!r} was not found in {self.path}")

    def to_dict(self, lazy: bool = False) -> dict:
        return {
            "path": self.path, "format": self.format, "language": self.language,
            "producer": self.producer.to_dict() if self.producer else None,
            "trust_cache": self.trust_cache, "date1904": self.date1904,
            "formulas_available": self.formulas_available,
            "metadata": jsonable(self.metadata), "sheets": list(self.sheets),
            "cover": {k: c.to_dict() for k, c in self.cover.items()},
            "tables": {k: t.to_dict(lazy) for k, t in self.tables.items()},
            "missing": list(self.missing), "notes": list(self.notes),
            "accepted": [a.to_dict() for a in self.accepted],
        }


def jsonable(value: Any) -> Any:
    """Plain JSON data: dates as ISO text, date ranges as mappings, tuples as lists."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or infinity
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, DateRange):
        return {"start": jsonable(value.start), "end": jsonable(value.end),
                "start_day": value.start_day, "end_day": value.end_day}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return str(value)


# Private API.

class _Rows:
    """A read-only sequence of Rows over row numbers; each Row built when indexed."""

    __slots__ = ("_numbers", "_build")

    def __init__(self, numbers, build):
        self._numbers, self._build = numbers, build

    def __len__(self) -> int:
        return len(self._numbers)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._build(n) for n in self._numbers[i]]
        return self._build(self._numbers[i])

    def __iter__(self):
        build = self._build
        for n in self._numbers:
            yield build(n)

    def __bool__(self) -> bool:
        return len(self._numbers) > 0


class _LazyRows(list):
    """A list to json's pure-Python (indenting) encoder, which asks its length and iterates it:
    each row's dict is made when the encoder reaches it and dropped after."""

    def __init__(self, rows):
        super().__init__()
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __bool__(self) -> bool:
        return len(self._rows) > 0

    def __iter__(self):
        for row in self._rows:
            yield row.to_dict()
