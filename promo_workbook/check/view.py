"""The plan as the rules see it: tables of rows of cells, each cell parsed and located.

An adapter over the reader's Plan (``from_plan``) so rules stay short: ``row.num("quantity")``,
``row.text("owner")``, ``row.cell("subtotal").ref``. Only rows with at least one filled input
cell are listed; the totals row is apart.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any


# Public API.

# Cell and Row are slotted: the view holds one Cell per cell of every table (millions on a
# 300,000-row workbook) and the rules read their attributes over and over.
@dataclass(slots=True)
class Cell:
    key: str
    label: str
    ref: str
    row: int
    sheet: str | None = None
    raw: Any = None
    value: Any = None
    status: str = "empty"      # ok | empty | placeholder | unreadable
    reason: str | None = None
    unit: str | None = None
    direction: str | None = None
    target: float | None = None
    from_text: bool = False
    warnings: tuple = ()
    formula: str | None = None
    cached: Any = None
    number_format: str | None = None
    error: str | None = None   # an Excel error value (#DIV/0!) held by the cell
    slip: bool = False         # 3.2 in a percent column, read as the 3.2% it was meant to be

    @property
    def filled(self) -> bool:
        return self.status != "empty" or self.formula is not None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(slots=True)
class Row:
    row: int
    cells: dict[str, Cell]

    # These run for every row in most rules: they read c.status rather than the c.ok property.

    def cell(self, key: str) -> Cell | None:
        return self.cells.get(key)

    def ok(self, key: str) -> bool:
        c = self.cells.get(key)
        return c is not None and c.status == "ok"

    def num(self, key: str) -> float | None:
        c = self.cells.get(key)
        if c is None or c.status != "ok":
            return None
        value = c.value
        if type(value) is float or type(value) is int:  # nearly always: settled without isinstance
            return value
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def date(self, key: str) -> dt.date | None:
        c = self.cells.get(key)
        return c.value if c is not None and c.status == "ok" and isinstance(c.value, dt.date) else None

    def text(self, key: str) -> str | None:
        c = self.cells.get(key)
        if c is None or c.status == "empty" or c.raw is None:
            return None
        return str(c.value if isinstance(c.value, str) else c.raw).strip() or None

    def filled(self, key: str) -> bool:
        c = self.cells.get(key)
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

    @cached_property
    def by_ref(self) -> dict[str, Cell]:
        """"C5" -> the row cell there, for formula evaluation.

        Built on first use: most checks evaluate no typed-over formula, and indexing every
        cell of a 200,000-row table up front costs a second.
        """
        return {c.ref: c for row in self.rows for c in row.cells.values()}


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

    def table(self, key: str) -> TableView | None:
        return self.tables.get(key)

    def rows(self, key: str) -> list[Row]:
        table = self.tables.get(key)
        return table.rows if table else []


def from_plan(plan, spec, lang: str, today: dt.date) -> PlanView:
    """Adapt the reader's Plan (promo_workbook.reader.model) to the rules' view."""
    tables = {}
    rows_total = 0
    for key, data in plan.tables.items():
        labels = {k: c.header for k, c in data.columns.items()}
        kinds = {c.key: c.kind for c in data.template.columns}
        letters = {k: c.letter for k, c in data.columns.items()}
        rows = []
        for source in data.rows:
            cells = {k: _cell(k, labels.get(k, k), c, kinds.get(k)) for k, c in source.cells.items()}
            rows.append(Row(source.number, cells))
        rows_total += len(rows)
        totals = None
        if data.totals_row:
            cells = {k: _cell(k, labels.get(k, k), c) for k, c in data.totals.items()}
            totals = Row(data.totals_row, cells)
        last = (data.totals_row - 1) if data.totals_row else (rows[-1].row if rows else data.header_row + 1)
        tables[key] = TableView(
            number=data.number, key=key, sheet=data.sheet, spec=data.template, rows=rows, totals=totals,
            labels=labels, missing={k: m.closest for k, m in data.missing_columns.items()},
            from_metadata=data.identified_by == "metadata", first_row=data.header_row + 1, last_row=last,
            totals_row=data.totals_row, letters=letters)
    cover_labels = {f["key"]: f["label"](lang) for f in spec.workbook["cover"]["fields"]}
    cover = {k: _cell(k, cover_labels.get(k, k), c) for k, c in plan.cover.items()}
    start, end = (cover.get(k).value if cover.get(k) is not None and cover[k].ok else None for k in ("start", "end"))
    missing = sorted(spec.table(k).number for k in plan.missing)
    meta = plan.metadata or {}
    view = PlanView(path=plan.path, lang=lang, spec=spec, tables=tables, missing_templates=missing, cover=cover,
                    start=start if isinstance(start, dt.date) else None, end=end if isinstance(end, dt.date) else None,
                    trust_cache=plan.trust_cache, producer=str(getattr(plan.producer, "application", "") or ""),
                    schema_version=_int(meta.get("schema_version")), today=today, sheets=len(plan.sheets),
                    workbook_lang=plan.language or lang)
    view.rows_total = rows_total
    return view


def _int(value):
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError, OverflowError):  # inf from a hostile cell
        return None


ERRORS = ("#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")


def _cell(key: str, label: str, c, kind: str | None = None) -> Cell:
    v = c.value
    raw, value, status = v.raw, v.value, v.status
    slip = False
    if kind == "percent" and status == "ok" and isinstance(value, (int, float)):
        if "percent-scale" in v.warnings:
            slip = True
        elif 1 < value <= 100 and c.formula is None:
            value, slip = value / 100, True
    cached = c.cached
    # Positional: this runs once per cell of the workbook, and keywords cost a third more.
    return Cell(key, label, f"{c.column}{c.row}", c.row, c.sheet, raw, value, status, v.reason, v.unit,
                v.direction, v.target, v.from_text, tuple(v.warnings), c.formula, cached, None,
                _error(raw, cached), slip)


def _error(raw, cached) -> str | None:
    """The Excel error value a cell holds, typed or as its formula's cached result."""
    # Every error value starts with "#": most cells are settled without strip() and a lookup.
    if isinstance(raw, str) and "#" in raw and raw.strip() in ERRORS:
        return raw.strip()
    if isinstance(cached, str) and "#" in cached and cached.strip() in ERRORS:
        return cached.strip()
    return None
