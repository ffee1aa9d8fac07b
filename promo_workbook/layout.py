"""Where every table sits in a generated workbook: sheet names, rows, column positions.

The generator writes by this layout and records it in the hidden metadata sheet, which is
how the reader later finds each table even after users rename or reorder sheets.
"""
from __future__ import annotations

from dataclasses import dataclass

from .formulas import Block
from .spec import Spec, Table

TITLE_ROW, GUIDANCE_ROW, HEADER_ROW = 0, 1, 3  # 0-based: title, guidance line, header
FIRST_DATA_ROW = HEADER_ROW + 1
MAX_ROWS = 100_000


# Public API.

@dataclass(frozen=True)
class TableLayout:
    table: Table
    block: Block

    @property
    def rows(self) -> int:
        return self.block.last_row - self.block.first_row + 1


def block_rows(table: Table, spec: Spec, rows: int | None, example: bool) -> int:
    """Input rows for one table: fixed tables keep their list, others take --rows or their default."""
    if table.fixed_rows:
        return len(spec.lists[table.fixed_rows])
    wanted = rows if rows is not None else table.rows
    return max(wanted, len(table.example) if example else 1)


def channel_rows(spec: Spec, rows: int | None = None, example: bool = False) -> int:
    """How many channels the channel plan of a new workbook holds (``new --channels`` must fit)."""
    return block_rows(spec.table("channels"), spec, rows, example)


def plan_layout(spec: Spec, lang: str, rows: int | None = None, example: bool = False) -> dict[str, TableLayout]:
    """Table key -> its layout. The results review mirrors the goals block row for row."""
    layouts = {}
    for table in spec.tables:
        count = block_rows(table, spec, rows, example)
        if table.key == "review":
            count = max(count, layouts["goals"].rows)
        columns = {col.key: i for i, col in enumerate(table.columns)}
        last = FIRST_DATA_ROW + count - 1
        totals = last + 1 if table.totals else None
        block = Block(table.sheet(lang), columns, FIRST_DATA_ROW, last, totals)
        layouts[table.key] = TableLayout(table, block)
    return layouts


def accepted_layout(spec: Spec, lang: str) -> TableLayout:
    """The acceptance sheet's layout: its default rows, whatever --rows says (acceptances are few)."""
    table = spec.accepted
    columns = {col.key: i for i, col in enumerate(table.columns)}
    block = Block(table.sheet(lang), columns, FIRST_DATA_ROW, FIRST_DATA_ROW + table.rows - 1, None)
    return TableLayout(table, block)
