"""checker/compiled.evaluate_at gives evaluate()'s result (or raises its exception) for every
formula: generated ones, copied down to other rows (the compiled shape reused), and junk."""
from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from promo_workbook.checker import compiled
from promo_workbook.checker.compiled import evaluate_at
from promo_workbook.checker.evaluate import evaluate

COLUMNS = ["C", "D", "E", "AB"]
VALUES = [0, 0.0, 1, 2.5, -3, 1e308, "", None, "text", True, dt.date(2026, 3, 1), 7]
FUNCTIONS = ["SUM", "ROUND", "IFERROR", "IF", "MIN", "MAX", "AVERAGE", "ABS", "N", "VALUE", "LOG10", "AB1.X"]


def _ref(rng: random.Random, row: int) -> str:
    col = rng.choice(COLUMNS)
    r = max(1, row + rng.randint(-3, 3))
    return "".join([rng.choice(["", "$"]), col, rng.choice(["", "", "$"]), str(r)])


def _expr(rng: random.Random, row: int, depth: int = 0) -> str:
    pick = rng.random()
    if depth > 4 or pick < 0.3:
        return rng.choice([_ref(rng, row), _ref(rng, row), str(rng.randint(0, 9)), "2.5", "1E3", "50%", '""',
                           '"E5"', '"a""b"', "0"])
    if pick < 0.6:
        op = rng.choice(["+", "-", "*", "/", "^", "=", "<>", "<", ">=", "/"])
        return f"{_expr(rng, row, depth + 1)}{op}{_expr(rng, row, depth + 1)}"
    if pick < 0.7:
        return f"({_expr(rng, row, depth + 1)})"
    if pick < 0.75:
        return f"-{_expr(rng, row, depth + 1)}"
    name = rng.choice(FUNCTIONS)
    args = [_expr(rng, row, depth + 1) for _ in range(rng.randint(0, 3))]
    if rng.random() < 0.3:
        top = max(1, row + rng.randint(-3, 0))
        col = rng.choice(COLUMNS)
        args.append(f"{col}{top}:{rng.choice([col, col, 'D'])}{top + rng.randint(0, 3)}")
    return f"{name}({','.join(args)})"


def _junk(rng: random.Random, text: str) -> str:
    """Break the text now and then: a dropped or doubled character, lower case, spaces."""
    if rng.random() < 0.2 and text:
        i = rng.randrange(len(text))
        text = text[:i] + rng.choice(["", text[i] * 2, " ", ",", ")", "(", '"', "'", "!", "{"]) + text[i + 1:]
    if rng.random() < 0.1:
        text = text.lower()
    return text


def _shift(text: str, by: int) -> str:
    """The formula copied ``by`` rows down, as an app writes it (relative rows move)."""
    def move(m):
        if m.group(1) is None or m.group(3):
            return m.group(0)
        return f"{m.group(2)}{m.group(3)}{int(m.group(4)) + by}"
    return re.sub(r'("(?:[^"]|"")*")|(?<![\w.$])(\$?[A-Z]{1,3})(\$?)(\d+)(?![\w(])',
                  lambda m: m.group(0) if m.group(1) else move(m), text)


def _outcome(fn, *args):
    try:
        return ("value", repr(fn(*args)))
    except Exception as exc:  # noqa: BLE001 - the exception's type is the outcome compared
        return ("raises", type(exc).__name__)


@pytest.mark.parametrize("seed", range(8))
def test_same_as_the_interpreter(seed):
    rng = random.Random(seed)
    compiled._COMPILED.clear()
    compiled._BY_TEMPLATE.clear()
    for _ in range(400):
        row = rng.randint(4, 40)
        text = "=" + _junk(rng, _expr(rng, row))
        cells = {f"{c}{r}": rng.choice(VALUES) for c in COLUMNS for r in range(1, 50)}
        for at, formula in ((row, text), (row + 1, _shift(text, 1)), (row + 7, _shift(text, 7)), (row, text)):
            expected = _outcome(evaluate, formula, cells.get)
            assert _outcome(evaluate_at, formula, at, cells.get) == expected, (formula, at)


def test_a_copied_down_formula_is_parsed_once():
    compiled._COMPILED.clear()
    compiled._BY_TEMPLATE.clear()
    cells = {f"{c}{r}": r for c in "CE" for r in range(1, 30)}
    for row in range(4, 20):
        assert evaluate_at(f'=IFERROR(E{row}/C{row},"")', row, cells.get) == 1.0
    assert len(compiled._COMPILED) == 1


def test_a_literal_marker_or_a_look_alike_is_not_a_reference():
    cells = {"E4": 2.0, "E5": 3.0}
    for formula, row in (('="E4"', 4), ('="E5"', 5), ("=1E4", 4), ("=1E5", 5), ("=E4*2", 4), ("=E5*2", 5)):
        assert _outcome(evaluate_at, formula, row, cells.get) == _outcome(evaluate, formula, cells.get)


@pytest.mark.parametrize("seed", range(4))
def test_a_marked_template_stands_for_one_shape(seed):
    """What makes the quick path safe: two texts of one row-generic template have one shape."""
    rng = random.Random(100 + seed)
    checked = 0
    for _ in range(600):
        row = rng.randint(4, 40)
        text = _junk(rng, _expr(rng, row)).upper()
        template = text.replace(str(row), "\x00")
        if "\x00" in text or not compiled._row_generic(template):
            continue
        for other in (row + 1, row + 13, 1000 + row):
            copy = template.replace("\x00", str(other))
            shapes = [compiled._SHAPE.sub(lambda m, r=r: compiled._relative(m, r), t) for t, r in ((text, row), (copy, other))]
            assert shapes[0] == shapes[1], (text, copy)
        checked += 1
    assert checked > 50


def _marked(rng: random.Random, depth: int = 0) -> str:
    """A formula template copied down a column: references to the cell's own row (\\0)."""
    pick = rng.random()
    if depth > 3 or pick < 0.35:
        return rng.choice([f"{rng.choice(COLUMNS)}\0", f"{rng.choice(COLUMNS)}\0", "$C$2", str(rng.randint(0, 9)), "2.5",
                           "50%", '""', '"x"', "0"])
    if pick < 0.65:
        return f"{_marked(rng, depth + 1)}{rng.choice(['+', '-', '*', '/', '/', '=', '<>', '<', '>='])}{_marked(rng, depth + 1)}"
    if pick < 0.72:
        return f"({_marked(rng, depth + 1)})"
    if pick < 0.77:
        return f"-{_marked(rng, depth + 1)}"
    if pick < 0.8:
        return f"ROUND({_marked(rng, depth + 1)},0)"
    name = rng.choice(["IFERROR", "IF", "IF"])
    args = [_marked(rng, depth + 1) for _ in range(2 if name == "IFERROR" else rng.choice([2, 3]))]
    return f"{name}({','.join(args)})"


@pytest.mark.parametrize("seed", range(6))
def test_many_rows_at_once_as_each_row(seed):
    """evaluate_rows decides a row only as evaluate_at evaluates it (same value, no error)."""
    import numpy as np

    rng = random.Random(200 + seed)
    rows = list(range(1000, 1040))
    decided_rows = 0
    for _ in range(150):
        template = "=" + _marked(rng)
        plain = {f"{c}{r}": rng.choice([0, 0.0, 1, 2.5, -3, 7, None, 1e308]) for c in COLUMNS for r in rows}
        plain["C2"] = rng.choice([4.0, 0.0, None])
        other = {ref: rng.choice(["text", dt.date(2026, 3, 1), True]) for ref in rng.sample(sorted(plain), 10)}
        cells = {**plain, **other}

        def numbers_at(letters, excel_rows, other=other, cells=cells):
            refs = [f"{letters}{r}" for r in excel_rows.tolist()]
            known = np.array([ref not in other for ref in refs])
            values = [0.0 if ref in other or cells.get(ref) is None else float(cells[ref]) for ref in refs]
            return np.array(values), known

        found = compiled.evaluate_rows(template.replace("\0", str(rows[0])), rows[0], np.array(rows), numbers_at)
        if found is None:
            continue
        values, decided = found
        for j, row in enumerate(rows):
            if not decided[j]:
                continue
            decided_rows += 1
            assert _outcome(evaluate_at, template.replace("\0", str(row)), row, cells.get) == ("value", repr(values[j])), \
                (template, row)
    assert decided_rows > 500
