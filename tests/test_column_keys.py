"""Column and table keys written as string literals in the checker and the summary are keys the
template spec has: a misspelt key would silently read None (an empty cell) and a rule would
never fire. Rules also declare what they read or own (`reads`, `owns_required`, `owns_value`),
which the registry checks against the spec when the rules are first listed."""
import ast
from pathlib import Path

import pytest

from promo_workbook.checker.registry import Rule, all_rules, check_declarations
from promo_workbook.errors import SpecError
from promo_workbook.spec import load_spec

PACKAGE = Path(__file__).resolve().parent.parent / "promo_workbook"
SOURCES = sorted([*PACKAGE.glob("checker/**/*.py"), *PACKAGE.glob("summary/*.py")])
CELL_METHODS = {"num", "text", "date", "cell", "filled", "ok", "column"}  # row.num("key"), table.column("key")
TABLE_METHODS = {"rows", "table"}                                           # plan.rows("key"), plan.table("key")


def literal_keys():
    """(file:line, method, key) for every call ``x.method("key", ...)`` in the sources."""
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
                continue
            method, first = node.func.attr, node.args[0]
            if isinstance(node.func.value, ast.Name) and node.func.value.id == "self":
                continue  # a rule's own self.text("closest", ...): a message piece, not a cell
            second = node.args[1] if len(node.args) > 1 else None
            how = second.value if isinstance(second, ast.Constant) else None
            if method == "values_of" and (second is None or how in ("num", "date", "text")):  # table.values_of("column")
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield f"{path.relative_to(PACKAGE)}:{node.lineno}", "num", first.value
            elif method == "values_of":  # plan.values_of("table", "column")
                for arg, kind in zip(node.args[:2], ("rows", "num")):
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        yield f"{path.relative_to(PACKAGE)}:{node.lineno}", kind, arg.value
            elif (method in CELL_METHODS | TABLE_METHODS and isinstance(first, ast.Constant)
                  and isinstance(first.value, str) and "." not in first.value):  # words.text("a.b") is not a key
                yield f"{path.relative_to(PACKAGE)}:{node.lineno}", method, first.value


def test_every_literal_key_is_in_the_spec():
    spec = load_spec()
    tables = {t.key for t in spec.tables}
    columns = {c.key for t in spec.tables for c in t.columns}
    columns |= {f["key"] for f in spec.workbook["cover"]["fields"]}  # view.cover.get("budget")
    found = list(literal_keys())
    assert len(found) > 100  # the scan sees the rules' keys
    unknown = [(where, method, key) for where, method, key in found
               if key not in (tables if method in TABLE_METHODS else columns)]
    assert unknown == []


def test_declarations_are_checked_against_the_spec():
    assert all_rules()  # every registered rule's declarations hold

    class Misspelt(Rule):
        code, reads = "T999", {"daily": ("impresions",)}

    class NoSuchTable(Rule):
        code, owns_required = "T998", "budgets"

    for rule in (Misspelt(), NoSuchTable()):
        with pytest.raises(SpecError, match=rule.code):
            check_declarations([rule])
