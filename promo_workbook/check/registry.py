"""The rule registry: one small class per rule, registered by its stable code.

Codes are a family letter and three digits: the first two are the docs/checks.md item the rule
implements, the third tells rules of one item apart (T161 budget.subtotal, T162 budget.total).

    S  structure        A 1-5     V  cell values     B 6-12     F  formulas   C 13-15
    T  within a table   D 16-24   X  across tables   E 25-32    B  benchmarks F 33

Rules yield findings; they never print. Messages are templates per language, rendered by
``render.py`` at output time.
"""
from __future__ import annotations

import re
from typing import Iterator

from .model import Finding

CODE = re.compile(r"^[SVFTXB]\d{3}$")
FAMILIES = {"S": "structure", "V": "values", "F": "formulas", "T": "within-table", "X": "cross-table",
            "B": "benchmark"}
REGISTRY: dict[str, "Rule"] = {}


# Public API.

class Rule:
    """A check. Subclasses set the class attributes and implement ``run``."""

    code = ""
    name = ""            # readable, dotted: budget.subtotal
    severity = "warning"
    messages: dict[str, str] = {}   # language -> template over the finding's params
    what = ""            # docs: what it finds
    why = ""             # why it matters
    bad = ""             # an example that fires
    good = ""            # the same, fixed

    @property
    def item(self) -> int:
        return int(self.code[1:3])

    @property
    def family(self) -> str:
        return FAMILIES[self.code[0]]

    def run(self, plan, config) -> Iterator[Finding]:
        raise NotImplementedError

    def at(self, table, cell=None, *, ref=None, row=None, column=None, expected=None, actual=None,
           severity=None, **params) -> Finding:
        """A finding at a cell (a view Cell: .ref, .row, .label), a given ref or row, or a table."""
        ref = ref or getattr(cell, "ref", None)
        excel_row = row if row is not None else getattr(cell, "row", None)
        label = column if column is not None else getattr(cell, "label", None)
        sheet = getattr(table, "sheet", None) or getattr(cell, "sheet", None)
        return Finding(self.code, self.name, severity or self.severity,
                       getattr(table, "number", None), sheet, ref, excel_row, label,
                       params, expected, actual)


def register(cls: type[Rule]) -> type[Rule]:
    rule = cls()
    if not CODE.match(rule.code):
        raise ValueError(f"bad rule code {rule.code!r}")
    if rule.code in REGISTRY:
        raise ValueError(f"duplicate rule code {rule.code}")
    REGISTRY[rule.code] = rule
    return cls


def all_rules() -> list[Rule]:
    from . import rules  # noqa: F401  (importing registers every rule)

    return sorted(REGISTRY.values(), key=lambda r: (r.item, r.code))


def selected(select: list[str] | None, ignore: list[str] | None) -> list[Rule]:
    """Rules chosen by code or prefix (`T16`, `T`, `T161`) or family name (`cross-table`)."""
    def matches(rule: Rule, patterns: list[str]) -> bool:
        return any(rule.code.startswith(p.upper()) or rule.family == p.lower() for p in patterns)

    rules = all_rules()
    for patterns in (select, ignore):
        for pattern in patterns or []:
            if not any(matches(r, [pattern]) for r in rules):
                from ..errors import UsageError

                raise UsageError(f"no rule matches {pattern!r}; `promo-workbook rules` lists them")
    if select:
        rules = [r for r in rules if matches(r, select)]
    if ignore:
        rules = [r for r in rules if not matches(r, ignore)]
    return rules
