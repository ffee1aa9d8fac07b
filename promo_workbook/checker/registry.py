"""The rule registry: one small class per rule, registered by its stable code.

Codes are a family letter and three digits: the first two are the docs/checks.md item the rule
implements, the third tells rules of one item apart (T161 budget.subtotal, T162 budget.total).

    S  structure        A 1-5 (0: accepted findings)     V  cell values     B 6-12     F  formulas   C 13-15
    T  within a table   D 16-24   X  across tables   E 25-32    B  benchmarks F 33

Rules yield findings; they never print. A rule's class holds its logic; its name, severity,
messages (templates per language, rendered by ``render.py`` at output time) and documentation
are data, in ``templates/rules.yaml``, joined to the class by code when it is registered.
"""
from __future__ import annotations

import functools
import re
from typing import Iterator

from .model import Finding

_new = tuple.__new__

CODE = re.compile(r"^[SVFTXB]\d{3}$")
FAMILIES = {"S": "structure", "V": "values", "F": "formulas", "T": "within-table", "X": "cross-table",
            "B": "benchmark"}
REGISTRY: dict[str, "Rule"] = {}
_CHECKED: set[str] = set()  # codes whose declarations were checked against the spec


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
    # Ownership, declared where it is true and collected by ``owned``: a table whose required
    # cells this rule reports (the generic S041 leaves them), a derived value "table.column"
    # this rule checks (the generic F133 leaves it).
    owns_required: str | None = None
    owns_value: str | None = None
    texts: dict[str, dict[str, str]] = {}   # named pieces of a message, per language (rules.yaml)
    # Columns the rule reads by key, {table key: (column keys)}: checked against the spec when
    # the rules are first listed, so that a misspelt key fails loudly instead of reading None.
    reads: dict[str, tuple[str, ...]] = {}

    def text(self, name: str, lang: str, *args) -> str:
        """A named piece of this rule's message in ``lang`` (its ``texts`` in rules.yaml)."""
        return self.texts[name][lang].format(*args)

    def declared_columns(self) -> list[tuple[str, str | None]]:
        """(table key, column key or None) for everything this rule declares it reads or owns."""
        out = [(table, column) for table, columns in self.reads.items() for column in columns]
        if self.owns_required:
            out.append((self.owns_required, None))
        if self.owns_value:
            out.append(tuple(self.owns_value.split(".", 1)))
        return out

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
        # Finding's own fields in order, made as the tuple it is: this runs once per finding.
        return _new(Finding, (self.code, self.name, severity or self.severity, getattr(table, "number", None),
                              sheet, ref, excel_row, label, params or None, expected, actual))


def register(cls: type[Rule]) -> type[Rule]:
    """Register a rule class under its code, with its name, severity, messages and docs from
    templates/rules.yaml."""
    if not CODE.match(cls.code):
        raise ValueError(f"bad rule code {cls.code!r}")
    if cls.code in REGISTRY:
        raise ValueError(f"duplicate rule code {cls.code}")
    meta = rule_data().get(cls.code)
    if meta is None:
        raise ValueError(f"rule {cls.code} ({cls.__name__}) has no entry in templates/rules.yaml")
    for key, value in meta.items():
        setattr(cls, key, value)
    REGISTRY[cls.code] = cls()
    return cls


@functools.lru_cache(maxsize=1)
def rule_data() -> dict[str, dict]:
    """templates/rules.yaml, checked: each code has exactly the keys of RULE_KEYS, a known
    severity and a message in every language."""
    from ..errors import SpecError
    from ..spec import LANGUAGES, load_yaml, templates_dir
    from .model import SEVERITIES

    path = templates_dir() / "rules.yaml"
    data = load_yaml(path)
    for code, meta in data.items():
        if not CODE.match(str(code)) or not isinstance(meta, dict):
            raise SpecError("templates/rules.yaml", str(code), "expected a rule code with a mapping")
        if not set(RULE_KEYS) <= set(meta) <= set(RULE_KEYS) | {"texts"}:
            wrong = sorted((set(meta) - {"texts"}) ^ set(RULE_KEYS))[0]
            raise SpecError("templates/rules.yaml", f"{code}.{wrong}", "unknown key" if wrong in meta else "required key missing")
        if meta["severity"] not in SEVERITIES:
            raise SpecError("templates/rules.yaml", f"{code}.severity", f"{meta['severity']!r} is not one of {', '.join(SEVERITIES)}")
        for where, texts in [("messages", meta["messages"])] + [(f"texts.{k}", v) for k, v in meta.get("texts", {}).items()]:
            if not isinstance(texts, dict) or set(texts) != set(LANGUAGES):
                raise SpecError("templates/rules.yaml", f"{code}.{where}", f"expected one message in each of {', '.join(LANGUAGES)}")
    return data


RULE_KEYS = ("name", "severity", "messages", "what", "why", "bad", "good")


def all_rules() -> list[Rule]:
    from . import rules  # noqa: F401  (importing registers every rule)

    ordered = sorted(REGISTRY.values(), key=lambda r: (r.item, r.code))
    if set(rule_data()) != set(REGISTRY):  # an entry in rules.yaml with no rule class
        from ..errors import SpecError

        stray = sorted(set(rule_data()) - set(REGISTRY))[0]
        raise SpecError("templates/rules.yaml", stray, "no rule class is registered under this code")
    if len(_CHECKED) != len(ordered):
        check_declarations(ordered)
        _CHECKED.update(rule.code for rule in ordered)
    return ordered


def check_declarations(rules) -> None:
    """Raise SpecError naming the rule when a table or column it declares is not in the spec."""
    from ..errors import SpecError
    from ..spec import load_spec

    spec = load_spec()
    for rule in rules:
        for table_key, column in rule.declared_columns():
            try:
                table = spec.table(table_key)
                if column is not None:
                    table.column(column)
            except KeyError:
                where = f"{table_key}.{column}" if column else table_key
                raise SpecError(f"rule {rule.code}", "reads" if column else "owns_required",
                                f"declares {where!r}, which the template spec does not have") from None


def owned(attribute: str) -> set[str]:
    """What the registered rules declare they own (``owns_required`` or ``owns_value``)."""
    return {value for rule in all_rules() if (value := getattr(rule, attribute))}


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
