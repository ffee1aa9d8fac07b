# build.py: turn a located table into TableData whose rows build their cells on demand.
"""From a Location (identify.py) and the sheet's values and formulas to a TableData.

Which rows: a metadata table runs from its first block row to the row above its totals
row (rows inserted anywhere in between included), or to the end of the sheet; a table
found by its headers runs from the row under the header to its totals row, the next
table's header or the end of the sheet (region.py). Rows whose input cells are all empty are
left out, and so is the next stacked table's title.

How a cell becomes a Cell (model.py):
- a typed value is parsed by values.parse with the column's kind (spec Column.parse_kind), the
  campaign start from the Cover and the workbook's date system; percent and date cells
  whose meaning depends on the number format get it from the cell's style;
- a formula cell that only copies another cell (=IF('活动目标'!$B$5="","",'活动目标'!$B$5))
  takes that cell's value (source "link:…");
- any other formula cell takes its cached result when the producer calculates (trust
  cache), else status "unreadable", reason "formula-not-calculated": the checker
  recomputes derived values itself;
- dropdown labels are mapped to their list item key in any language (Cell.item);
- the seed's combined cells fill the columns the template split them into (a column's `splits` in the spec).
"""
from __future__ import annotations

import datetime as dt
import re
from array import array
from itertools import zip_longest
from dataclasses import dataclass, field
from operator import itemgetter

from ..spec import CHANNELS_LIST, FORMAT_KINDS, Spec, Table
from ..values import Value, parse
from .fold import fold
from .identify import Location, parse_ref
from .model import Cell, ColumnInfo, MissingColumn, Row, TableData, cell_tail, each_content, error_value
from .shared_cells import CACHE_LIMIT, needs_format as _needs_format, shared_cells
from .splits import Splitter, apply_split
from .region import find_totals, title_rows

__all__ = ["ColumnArrays", "Context", "build_table", "cell_value", "list_items"]

_NONE = object()  # "not given": None is a value here
NOT_CALCULATED = "formula-not-calculated"

_REF = r"(?:(?:'(?:[^']|'')+'|[^'!(),=\s]+)!)?\$?[A-Z]{1,3}\$?[0-9]+"
_LINK = re.compile(rf'^=\s*(?:IF\(\s*({_REF})\s*=\s*""\s*,\s*""\s*,\s*({_REF})\s*\)|({_REF}))\s*$', re.I)


# Public API.

@dataclass
class Context:
    """What every cell of the workbook is read with."""

    spec: Spec
    lang: str | None
    book: object              # read.Book: values(), formulas(), number_format()
    campaign_start: dt.date | None = None
    date1904: bool = False
    trust_cache: bool = False

    def parse(self, raw, kind: str, number_format: str | None = None) -> Value:
        return parse(raw, kind, campaign_start=self.campaign_start, number_format=number_format,
                     date1904=self.date1904)


def build_table(ctx: Context, loc: Location, columns: dict[str, ColumnInfo],
                missing: dict[str, MissingColumn], extra: dict[str, ColumnInfo]) -> TableData:
    values = ctx.book.values(loc.sheet) or []
    first, end, totals_row = _row_span(ctx, loc, columns, values)
    builder = _Builder(ctx, loc.table, loc.sheet, columns, extra, totals_row)
    numbers = builder.filled_rows(values, first, end, check_titles=loc.identified_by == "headers")
    notes = ()
    if loc.identified_by == "metadata" and loc.first_row and loc.first_row != loc.header_row + 1:
        notes = (f"rows between the header and row {loc.first_row} were inserted and are read too",)
    return TableData(loc.table, loc.sheet, loc.header_row, loc.identified_by, columns=columns,
                     missing_columns=missing, extra_columns=extra, rows=numbers,
                     totals_row=totals_row, builder=builder, notes=notes)


def cell_value(ctx: Context, sheet: str, col: int, row: int, kind: str, items=None, *, key: str = "",
               label: str = "") -> Cell:
    """One stand-alone cell (the Cover's fields), read like a table cell."""
    from ..a1 import col_letter

    values = ctx.book.values(sheet) or []
    raw = values[row - 1][col] if row - 1 < len(values) and col < len(values[row - 1]) else ""
    formulas = ctx.book.formulas(sheet)
    formula = formulas.formula(col, row) if formulas.available else None
    value = ctx.parse(raw, kind)
    if formula is not None and not ctx.trust_cache:
        value = Value(raw, None, kind, "unreadable", NOT_CALCULATED)
    item = items.get(fold(value.value)) if items and value.ok and isinstance(value.value, str) else None
    return Cell.of(key, label, sheet, col_letter(col), row, value, formula, raw if formula else None, item)


def list_items(spec: Spec, list_name: str) -> dict[str, str]:
    """Folded label (any language) -> item key of a dropdown list."""
    return {fold(label): item.key for item in spec.lists[list_name] for label in item.label.all()}


# Private API.

@dataclass
class ColumnArrays:
    """A column over a table's rows: what python-calamine read, and which cells hold formulas."""

    raw: list                 # row i's raw value (a formula cell's cached result)
    tids: object              # numpy int array: the formula template id of row i, -1 for none; or None
    formulas: object          # scan.SheetFormulas of the sheet, for a template's text
    index: int                # 0-based column index
    kind: str                 # the parse kind (spec Column.parse_kind)
    derived: bool
    split_from: str | None = None  # the column whose cell fills an empty one here (a column's `splits` in the spec)


@dataclass
class _Col:
    key: str
    index: int
    letter: str
    kind: str
    label: str = ""                # the header as found
    percent: bool = False          # a percent column: a number may be a scale slip (Cell.of)
    derived: bool = False
    items: dict | None = None      # folded label -> list item key
    yes_no: bool = False
    has_formulas: bool = False
    cache: dict | None = None
    tails: dict = field(default_factory=dict)  # (type, raw, number format) -> a typed cell's fields after its place
    shared: dict = field(default_factory=dict)  # the same key -> one Cell for all the rows typed so (cells(shared=True))


class _Builder:
    """Builds Rows of one table from the sheet's values; shared by all of its rows."""

    def __init__(self, ctx: Context, table: Table, sheet: str, columns: dict[str, ColumnInfo],
                 extra: dict[str, ColumnInfo], totals_row: int | None):
        self.ctx, self.table, self.sheet, self.totals_row = ctx, table, sheet, totals_row
        self.values = ctx.book.values(sheet) or []
        self.formulas = ctx.book.formulas(sheet)
        self.merged = ctx.book.merged_fills(sheet)
        self.width: int | None = None  # the shortest row's length (shared_cells.py), found when first asked
        formula_cols = set(self.formulas.cols) if self.formulas.available else set()
        self.cols = [self._col(info, formula_cols) for info in columns.values()]
        self.extra = [_Col(key, info.index, info.letter, "text", info.header, has_formulas=info.index in formula_cols,
                           cache={}) for key, info in extra.items()]
        self.percent = {c.key for c in table.columns if c.kind == "percent"}  # split-filled cells too
        present = set(columns)
        self.splits = table.splits(present)  # (source, target, take): the seed's combined cells
        # For building one cell of a row (``cell``): the columns by key, the splits into each
        # target, a row's keys in the order row() puts them, and the keys a letter may hold.
        self.by_key = {c.key: c for c in self.cols}
        self.into: dict[str, list] = {}
        for split in self.splits:
            self.into.setdefault(split[1], []).append(split)
        self.chained = any(s[0] in self.into for s in self.splits)  # none in the spec: then row() decides
        self.splitter = Splitter(ctx, self.percent)  # a split target's cells, one at a time
        self.keys = dict.fromkeys([c.key for c in self.cols] + [k for k in self.into if k not in self.by_key])
        self.keys_by_letter: dict[str, list[str]] = {}
        for key in self.keys:
            letters = [self.by_key[key].letter] if key in self.by_key else []
            letters += [self.by_key[s[0]].letter for s in self.into.get(key, ())]
            for letter in dict.fromkeys(letters):
                self.keys_by_letter.setdefault(letter, []).append(key)
        self._transposed = None  # (row numbers, columns over them) for column_arrays

    # Rows.

    def filled_rows(self, values: list, first: int, end: int, check_titles: bool):
        """Excel rows first..end holding anything in an input or extra column."""
        idx = sorted({c.index for c in self.cols if not c.derived} | {c.index for c in self.extra})
        end = min(end, len(values))
        if first > end:
            return range(first, first)
        width = len(values[0]) if values else 0
        idx = [i for i in idx if i < width]
        derived = [c for c in self.cols if c.derived and c.index < width]
        if idx:  # one C-level tuple comparison per row: this runs over 200,000-row tables
            get = itemgetter(*idx)
            empty = get([""] * width)
            try:
                empties = [n for n in range(first, end + 1) if get(values[n - 1]) == empty]
            except IndexError:  # ragged rows (never from calamine): compare cell by cell
                empties = [n for n in range(first, end + 1)
                           if all(i >= len(values[n - 1]) or values[n - 1][i] == "" for i in idx)]
        else:
            empties = list(range(first, end + 1))
        drop = {n for n in empties if not self._typed_derived(derived, n)}
        if check_titles:  # the next stacked table's title, just above its header (region.py)
            drop |= title_rows(self.ctx.spec, values, first, end)
        if not drop:
            return range(first, end + 1)
        return array("I", (n for n in range(first, end + 1) if n not in drop))

    def row(self, n: int) -> Row:
        raw_row = self.values[n - 1] if n - 1 < len(self.values) else []
        width = len(raw_row)
        cells = {c.key: self._cell(c, n, raw_row[c.index] if c.index < width else "") for c in self.cols}
        for split in self.splits:
            apply_split(self.ctx, split, cells, split[1] in self.percent)
        extra = {c.key: self._cell(c, n, raw_row[c.index] if c.index < width else "") for c in self.extra}
        return Row(n, self.sheet, cells, extra)

    def cell(self, n: int, key: str, source=None) -> Cell | None:
        """Row n's cell of column ``key`` as ``row(n).cells.get(key)`` holds it, building no
        other cell but a split's source (``source(key)`` gives it when the caller has it)."""
        if self.chained:
            return self.row(n).cells.get(key)
        col = self.by_key.get(key)
        cell = None
        if col is not None:
            raw_row = self.values[n - 1] if n - 1 < len(self.values) else []
            cell = self._cell(col, n, raw_row[col.index] if col.index < len(raw_row) else "")
        for split in self.into.get(key, ()):
            src = source(split[0]) if source is not None else self.cell(n, split[0])
            if src is None or not src.ok or (cell is not None and (cell.status != "empty" or cell.formula)):
                continue  # what apply_split leaves alone
            cell = self.splitter.cell(split, src, cell)
        return cell

    def split_cells(self, numbers, key: str, sources: dict, shared: bool = False) -> list:
        """``[cell(n, key) for n in numbers]`` for a split's target, given its sources' cells
        (``sources``: source key -> the cell of each of ``numbers``), in one pass; ``shared``
        as for ``cells`` (the sources given the same way)."""
        if self.chained:
            return [self.cell(n, key) for n in numbers]
        splits = self.into.get(key, ())
        if shared and key not in self.by_key and len(splits) == 1:  # one result per distinct source
            split = splits[0]
            return each_content(sources[split[0]], lambda src: None if src is None or src.status != "ok"
                                else self.splitter.shared_cell(split, src, None))
        base = self.cells(numbers, key, shared) if key in self.by_key else [None] * len(numbers)
        split_cell = self.splitter.shared_cell if shared else self.splitter.cell
        out = []
        for j, cell in enumerate(base):
            for split in splits:
                src = sources[split[0]][j]
                if src is None or src.status != "ok" or (cell is not None and (cell.status != "empty" or cell.formula)):
                    continue  # what apply_split leaves alone
                cell = split_cell(split, src, cell)
            out.append(cell)
        return out

    def cells(self, numbers, key: str, shared: bool = False) -> list:
        """``[cell(n, key) for n in numbers]``, built in one pass over the column: what every
        cell shares (the column, its number formats, the cells typed alike) is looked up once.

        ``shared``: the cells typed alike (no formula, no merged range) are one Cell, made for
        the first of their rows: what each row's cell holds, not where it is (a rule reading
        a column's values builds no cell per row for them). Never for placing a finding."""
        col = self.by_key.get(key)
        if col is None or self.chained or key in self.into:
            return [self.cell(n, key) for n in numbers]
        if shared:
            return shared_cells(self, col, numbers)
        values, i, sheet, kind = self.values, col.index, self.sheet, col.kind
        width = len(values)
        formula_at = self.formulas.formula if col.has_formulas else None
        merged, tails = self.merged, col.tails
        format_at = None
        out = []
        add = out.append
        for n in numbers:
            raw_row = values[n - 1] if n <= width else ()
            raw = raw_row[i] if i < len(raw_row) else ""
            formula = formula_at(i, n) if formula_at is not None else None
            if formula is not None or (merged and (n, i) in merged):
                add(self._cell(col, n, raw, formula))
                continue
            number_format = None
            if _needs_format(kind, raw):
                if format_at is None:
                    format_at = self.ctx.book.format_lookup(sheet, i)
                number_format = format_at(n)
            try:
                tail = tails.get((type(raw), raw, number_format))
            except TypeError:  # an unhashable raw value: never from calamine, but be safe
                tail = None
            add(Cell(col.key, col.label, sheet, col.letter, n, *tail) if tail is not None
                else self._typed_cell(col, n, raw))
        return out

    def totals(self) -> dict[str, Cell]:
        n = self.totals_row
        raw_row = self.values[n - 1] if n and n - 1 < len(self.values) else []
        formats = self.table.totals.formats if self.table.totals else {}
        out = {}
        for c in self.cols:
            raw = raw_row[c.index] if c.index < len(raw_row) else ""
            # A totals cell may show another format than its column; a sum is never a slip.
            c = _Col(c.key, c.index, c.letter, FORMAT_KINDS.get(formats.get(c.key), c.kind), c.label,
                     derived=c.derived, has_formulas=c.has_formulas, cache={})
            out[c.key] = self._cell(c, n, raw)
        return out

    def column_values(self, key: str, numbers) -> list[Cell | None]:
        col = next((c for c in self.cols if c.key == key), None)
        if col is None or any(s[1] == key for s in self.splits):
            return [self.row(n).cells.get(key) for n in numbers]
        values, i = self.values, col.index
        return [self._cell(col, n, values[n - 1][i] if i < len(values[n - 1]) else "") for n in numbers]

    def column_arrays(self, key: str, numbers) -> "ColumnArrays | None":
        """One column's raw values and formula template ids over ``numbers``, for checks that
        look at a whole column at once; None when the column is absent. A split (a column's `splits` in the spec)
        may fill an empty cell of it from another column: ColumnArrays.split_from names that."""
        col = next((c for c in self.cols if c.key == key), None)
        if col is None:
            return None
        if self._transposed is None or self._transposed[0] is not numbers:
            # Every column of the rows at once: one C-level transpose instead of a pass per column.
            values = self.values
            self._transposed = (numbers, list(zip_longest(*(values[n - 1] for n in numbers), fillvalue="")))
        columns, i = self._transposed[1], col.index
        raw = list(columns[i]) if i < len(columns) else [""] * len(numbers)
        tids = None
        if col.has_formulas:
            tids = self.formulas.column_ids(i, numbers)
        split_from = next((s[0] for s in self.splits if s[1] == key), None)
        return ColumnArrays(raw, tids, self.formulas, i, col.kind, col.derived, split_from)

    # Cells.

    def _col(self, info: ColumnInfo, formula_cols: set) -> _Col:
        spec_col = self.table.column(info.key)
        items = None
        if spec_col.list and spec_col.list != CHANNELS_LIST:
            items = list_items(self.ctx.spec, spec_col.list)
        return _Col(info.key, info.index, info.letter, spec_col.parse_kind, info.header, spec_col.kind == "percent",
                    spec_col.derived, items, spec_col.list == "yes_no", info.index in formula_cols, {})

    def _cell(self, col: _Col, n: int, raw, formula=_NONE) -> Cell:
        """Row n's cell of ``col`` holding ``raw``; ``formula``: the cell's formula (None: none)
        when the caller has looked it up."""
        if formula is _NONE:
            formula = self.formulas.formula(col.index, n) if col.has_formulas else None
        source = self.merged.get((n, col.index)) if self.merged else None
        if formula is None and source is None:
            return self._typed_cell(col, n, raw)
        if formula is None:
            value = self._parse(col, raw, n)
            item = self._item(col, value) if col.items is not None else None
            return Cell.of(col.key, col.label, self.sheet, col.letter, n, value, None, None, item, source,
                           percent=col.percent)
        link = None if col.derived else _link(formula, self.sheet)
        if link is not None:
            value = self._parse(col, self.ctx.book.raw(*link), n, cache=False)
            source = "link:" + formula.lstrip("=")
        elif self.ctx.trust_cache:
            value = self._parse(col, raw, n)
        else:
            return self.uncalculated_cell(col, n, raw, formula, source)
        item = self._item(col, value) if col.items is not None else None
        return Cell.of(col.key, col.label, self.sheet, col.letter, n, value, formula, raw, item, source,
                       percent=col.percent)

    def uncalculated_cell(self, col: _Col, n: int, raw, formula: str, source=None) -> Cell:
        """A formula cell whose cached result is not trusted: what ``Cell.of`` makes of
        ``Value(raw, None, kind, "unreadable", NOT_CALCULATED)`` (nothing parsed, no dropdown
        item, no slip), made directly: a column of formulas down a 200,000-row log has as many
        distinct cached results as rows (tests/test_read.py holds the two equal)."""
        return Cell(col.key, col.label, self.sheet, col.letter, n, raw, None, col.kind, "unreadable", NOT_CALCULATED,
                    None, None, None, None, False, (), formula, raw, None, source, error_value(raw, raw), False)

    def _typed_cell(self, col: _Col, n: int, raw) -> Cell:
        """A cell holding what was typed (no formula, no merged range over it): all but its
        place is decided once per distinct raw value and number format of the column, as the
        fields after the place (Cell's order), since a log repeats a few values many times."""
        number_format = self.ctx.book.number_format(self.sheet, col.index, n) if _needs_format(col.kind, raw) else None
        key = (type(raw), raw, number_format)
        try:
            tail = col.tails.get(key)
        except TypeError:  # an unhashable raw value: never from calamine, but be safe
            tail, key = None, None
        if tail is None:
            value = self.ctx.parse(raw, col.kind, number_format)
            item = self._item(col, value) if col.items is not None else None
            cell = Cell.of(col.key, col.label, self.sheet, col.letter, n, value, None, None, item, None,
                           percent=col.percent)
            if key is not None and len(col.tails) < CACHE_LIMIT:
                col.tails[key] = cell_tail(cell)
            return cell
        return Cell(col.key, col.label, self.sheet, col.letter, n, *tail)

    def _parse(self, col: _Col, raw, n: int, cache: bool = True) -> Value:
        # A number whose meaning depends on its cell's format (3.2 in a percent column) is kept
        # per format: a log repeats a few such values down a column.
        number_format = self.ctx.book.number_format(self.sheet, col.index, n) if _needs_format(col.kind, raw) else None
        key = (type(raw), raw, number_format)
        try:
            hit = col.cache.get(key) if cache else None
        except TypeError:  # an unhashable raw value: never from calamine, but be safe
            hit, cache = None, False
        if hit is not None:
            return hit
        value = self.ctx.parse(raw, col.kind, number_format)
        if cache and len(col.cache) < CACHE_LIMIT:
            col.cache[key] = value
        return value

    def _item(self, col: _Col, value: Value) -> str | None:
        if col.items is None or not value.ok:
            return None
        item = col.items.get(fold(value.value)) if isinstance(value.value, str) else None
        if item is None and col.yes_no:
            yes = parse(value.raw, "yesno")
            item = ("yes" if yes.value else "no") if yes.ok else None
        return item

    def _typed_derived(self, derived: list[_Col], n: int) -> bool:
        """A derived cell holding a typed value (no formula) makes its row non-empty."""
        row = self.values[n - 1]
        return any(row[c.index] != "" and not (c.has_formulas and self.formulas.has(c.index, n)) for c in derived)


def _row_span(ctx: Context, loc: Location, columns: dict, values: list) -> tuple[int, int, int | None]:
    """(first data row, last data row, totals row) in Excel rows."""
    first = loc.header_row + 1  # rows inserted between the header and the block count too
    end = loc.region_end or len(values)
    totals = loc.totals_row
    if totals is None and loc.identified_by == "headers":
        formulas = ctx.book.formulas(loc.sheet)
        totals = find_totals(ctx.spec, loc.table, columns, values, first, end,
                             formulas.formula if formulas.available else None)
    if totals is not None and totals > loc.header_row:
        end = min(end, totals - 1)
    return first, end, totals




def _link(formula: str, here: str) -> tuple[str, int, int] | None:
    """The cell a copying formula reads: =X, =IF(X="","",X) -> (sheet, column, row)."""
    m = _LINK.match(formula)
    if not m:
        return None
    if m.group(1) and m.group(1).replace("$", "") != m.group(2).replace("$", ""):
        return None
    ref = m.group(2) or m.group(3)
    return parse_ref(ref if "!" in ref else f"'{here}'!{ref}")
