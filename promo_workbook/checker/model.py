"""What a check produces: findings, and the report that gathers them.

Findings hold data, not sentences: the message is rendered from the rule's template in the
language the report is written in, only when it is written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter as _item
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}  # worst first
_new = tuple.__new__


# Public API.

class Finding(tuple):
    """One finding: where, which rule, and the data its message is rendered from.

    A tuple underneath (read by attribute): a large check holds hundreds of thousands of
    them, and a tuple is made at C speed and holds its eleven fields in half the memory of a
    dataclass instance. Compared and hashed without ``params``, as the dataclass it replaces
    (frozen, ``params`` with compare=False) was; empty params are held as None.
    """

    __slots__ = ()
    FIELDS = ("code", "name", "severity", "template", "sheet", "cell", "row", "column", "params", "expected",
              "actual")

    def __new__(cls, code: str, name: str, severity: str, template: int | None, sheet: str | None,
                cell: str | None, row: int | None, column: str | None, params: dict | None = None,
                expected: Any = None, actual: Any = None):
        return _new(cls, (code, name, severity, template, sheet, cell, row, column, params or None, expected, actual))

    code: str = property(_item(0))
    name: str = property(_item(1))
    severity: str = property(_item(2))
    template: int | None = property(_item(3))       # 1-16; None for workbook-level findings
    sheet: str | None = property(_item(4))          # as the user named it
    cell: str | None = property(_item(5))           # A1, or None for a row or a table
    row: int | None = property(_item(6))            # Excel row number
    column: str | None = property(_item(7))         # the column's label as found in the workbook
    expected: Any = property(_item(9))
    actual: Any = property(_item(10))

    @property
    def params(self) -> dict:
        params = self[8]
        return {} if params is None else params

    def sort_key(self):
        return (self.template if self.template is not None else 0, self.row or 0, self.cell or "", self.code)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self[:8] == other[:8] and self[9:] == other[9:]

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self):
        return hash(self[:8] + self[9:])

    def __lt__(self, other):  # not ordered, as the dataclass was not
        return NotImplemented

    __le__ = __gt__ = __ge__ = __lt__

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.FIELDS)
        return f"{self.__class__.__qualname__}({fields})"

    def __getnewargs__(self):
        return tuple(self)


@dataclass
class Report:
    file: str
    schema_version: int | None
    findings: list[Finding]  # or runs.Findings: the same sequence, some of it held as runs
    sheets: int
    rows: int
    seconds: float
    lang: str
    # The checked plan as the rules saw it (checker/view.py), so the summary and the annotated
    # copy reuse it instead of reading the workbook again.
    view: Any = field(default=None, repr=False, compare=False)
    # Findings set apart as accepted (checker/accept.py): listed, never counted.
    accepted: list = field(default_factory=list)

    def count(self, severity: str) -> int:
        tally = getattr(self.findings, "severities", None)  # runs.Findings counts its runs whole
        if tally is not None:
            return tally()[severity]
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def valid(self) -> bool:
        return self.count("error") == 0

    def exit_code(self, strict: bool = False) -> int:
        if self.count("error") or (strict and self.count("warning")):
            return 1
        return 0
