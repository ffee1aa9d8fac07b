"""What a check produces: findings, and the report that gathers them.

Findings hold data, not sentences: the message is rendered from the rule's template in the
language the report is written in, only when it is written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}  # worst first


# Public API.

@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: str
    template: int | None       # 1-16; None for workbook-level findings
    sheet: str | None          # as the user named it
    cell: str | None           # A1, or None for a row or a table
    row: int | None            # Excel row number
    column: str | None         # the column's label as found in the workbook
    params: dict = field(default_factory=dict, compare=False)
    expected: Any = None
    actual: Any = None

    def sort_key(self):
        return (self.template if self.template is not None else 0, self.row or 0, self.cell or "", self.code)


@dataclass
class Report:
    file: str
    schema_version: int | None
    findings: list[Finding]
    sheets: int
    rows: int
    seconds: float
    lang: str
    # The checked plan as the rules saw it (check/view.py), so the summary and the annotated
    # copy reuse it instead of reading the workbook again.
    view: Any = field(default=None, repr=False, compare=False)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def valid(self) -> bool:
        return self.count("error") == 0

    def exit_code(self, strict: bool = False) -> int:
        if self.count("error") or (strict and self.count("warning")):
            return 1
        return 0
