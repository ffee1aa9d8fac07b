# accepted.py: the acceptance sheet's rows as Acceptances (docs/accepting.md).
"""Findings people reviewed and accepted, as the workbook's acceptance sheet lists them.

The sheet ("检查确认 / 檢查確認 / Accepted findings", templates/accepted.yaml) is found like any
table, by the metadata or by its header (read.py); each row that names a rule code or a cell
is one Acceptance. What it accepts is decided by the checker (checker/accept.py), which also
reports an acceptance that matches nothing or gives no reason, at this row's cells.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .model import Cell, TableData, jsonable

__all__ = ["Acceptance", "read_acceptances"]


# Public API.

@dataclass(frozen=True)
class Acceptance:
    """One row of the acceptance sheet: the finding it accepts (rule code and cell address as
    the report shows them), why, by whom and when, and where the row itself is."""

    code: str
    cell: str
    reason: str
    by: str
    date: dt.date | str | None
    sheet: str | None = None           # the acceptance sheet, as the user named it
    row: int | None = None             # its Excel row
    cells: dict[str, Cell] = field(default_factory=dict, compare=False, repr=False)  # the row's cells

    def where(self, key: str) -> Cell | None:
        """The row's cell of one column (for a finding about this acceptance), if found."""
        return self.cells.get(key)

    def to_dict(self) -> dict:
        return {"code": self.code, "cell": self.cell, "reason": self.reason, "by": self.by,
                "date": jsonable(self.date), "sheet": self.sheet, "row": self.row}


def read_acceptances(table: TableData) -> list[Acceptance]:
    """Every row of the acceptance sheet that names a code or a cell."""
    out = []
    for row in table.rows:
        code, cell = _text(row.get("code")), _text(row.get("cell"))
        if not (code or cell):
            continue
        date = row.get("date")
        when = date.value if date is not None and date.ok else (_text(date) or None)
        out.append(Acceptance(code.upper(), cell, _text(row.get("reason")), _text(row.get("by")), when,
                              row.sheet, row.number, dict(row.cells)))
    return out


# Private API.

def _text(cell: Cell | None) -> str:
    """A cell's text as typed, trimmed: a placeholder or number still counts as written."""
    if cell is None or cell.raw is None or cell.raw == "":
        return ""
    raw = cell.raw
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()
