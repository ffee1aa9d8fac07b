"""evaluate() for a formula copied down a column: parsed once per shape, run per row.

A log of 200,000 rows typed over with =IFERROR(E4/C4,"") holds 200,000 texts of one formula;
evaluate() would tokenise and parse each. Here a formula's *shape* is its text with every
relative row number written as an offset from the cell's own row (E4 in row 4 and E5 in row
5 are both E{+0}); each shape is parsed once into nested closures that take the row and the
lookup, and only run afterwards.

Same results as evaluate(), by construction:
- the shape is found with the tokenizer's own patterns (strings first, a reference only
  where the tokenizer can start one and ends it), so two texts of one shape tokenise alike
  but for their relative rows;
- the closures evaluate in the parser's order and share its arithmetic (evaluate.py:
  apply_function, pick, compare, number_of, range_numbers), so lookups, error values caught by
  IFERROR and the exceptions raised are the interpreter's;
- a text the compiler does not accept whole (a syntax error, nesting deeper than MAX_DEPTH,
  trailing tokens) is left to the interpreter, which may still evaluate it (an argument it
  skips after an error value is never parsed).
tests/test_compiled.py holds the two equal on generated formulas and on shifted copies.
"""
from __future__ import annotations

import re
from typing import Callable

from .evaluate import (MAX_DEPTH, MAX_LENGTH, REF, Cursor, NotEvaluable, _ErrorValue, _tokenize, apply_function,
                       compare, evaluate, literal, number_of, pick, range_numbers)

__all__ = ["evaluate_at"]


# Public API.

def evaluate_at(formula: str, row: int, lookup: Callable[[str], object]):
    """``evaluate(formula, lookup)`` for the formula of a cell in Excel row ``row``."""
    text = formula.lstrip("=")
    if len(text) > MAX_LENGTH:
        return evaluate(formula, lookup)  # the interpreter says why
    upper = text.upper()
    if "\x00" in upper:  # the shape's own marker (XML cannot hold it; be safe elsewhere)
        return evaluate(formula, lookup)
    # The quick way to the shape: the text with its own row number marked, as scan.py keeps a
    # column's formulas. When every mark is a reference's whole row and no other reference is
    # relative, all texts of that template have one shape.
    template = upper.replace(str(row), "\x00")
    run = _BY_TEMPLATE.get(template)
    if run is None:
        shape = _SHAPE.sub(lambda m: _relative(m, row), upper)
        run = _COMPILED.get(shape)
        if run is None:
            if len(_COMPILED) >= CACHE_LIMIT:
                _COMPILED.clear()
            run = _COMPILED[shape] = _compile(upper, row)
        if _row_generic(template):
            if len(_BY_TEMPLATE) >= CACHE_LIMIT:
                _BY_TEMPLATE.clear()
            _BY_TEMPLATE[template] = run
    if run is _INTERPRET:
        return evaluate(formula, lookup)
    try:
        return run(row, lookup)
    except OverflowError:
        raise NotEvaluable("a result too big for a number") from None


CACHE_LIMIT = 4096  # shapes kept: a workbook has a few per column


# Private API.

# A string literal (kept whole), or a reference the tokenizer would read as one: not inside a
# number or a name (no word character, '.' or '$' before it) and not followed by one or '('.
_SHAPE = re.compile(r'"(?:[^"]|"")*"|(?<![\w.$])(\$?[A-Z]{1,3})(\$?)(\d+)(?![\w(])')
_INTERPRET = object()
_COMPILED: dict = {}  # shape -> closure, or _INTERPRET
_BY_TEMPLATE: dict = {}  # marked text of a row-generic template -> its shape's closure, or _INTERPRET


# A string literal, or a reference: the marked row (\x00) or digits.
_MARKED = re.compile(r'"(?:[^"]|"")*"|(?<![\w.$])(\$?[A-Z]{1,3})(\$?)(\d+|\x00)(?![\w(])')


def _row_generic(template: str) -> bool:
    """Whether every text this marked template stands for has one shape: each mark is the
    whole row of a relative reference, and every other reference's row is absolute."""
    marks = 0
    for m in _MARKED.finditer(template):
        if m.group(1) is None:
            if "\x00" in m.group(0):
                return False  # the row number inside a string: not a reference
        elif m.group(3) == "\x00":
            if m.group(2):
                return False  # $C$5 in row 5: absolute, and another row's would differ
            marks += 1
        elif not m.group(2):
            return False  # a relative reference to another row: its offset differs by row
    return marks == template.count("\x00")


def _relative(m: re.Match, row: int) -> str:
    if m.group(1) is None or m.group(2):  # a string, or an absolute row ($C$5)
        return m.group(0)
    return f"{m.group(1)}\x00{int(m.group(3)) - row}\x00"


def _compile(upper: str, row: int, compiler=None, refused=_INTERPRET):
    """The closure for a formula's whole text (``compiler``: _Compiler's class or a subclass),
    or ``refused`` when the text does not compile whole."""
    try:
        tokens = _tokenize(upper)
        compiling = (compiler or _Compiler)(tokens, row)
        run = compiling.comparison()
    except NotEvaluable:
        return refused
    return run if compiling.pos == len(tokens) else refused


def _address(ref: str, row: int) -> tuple[str, Callable[[int], int]]:
    """A reference's column letters, and its row at another cell's row: it moves with the
    cell unless it is absolute ($5)."""
    m = re.fullmatch(r"\$?([A-Z]{1,3})(\$?)(\d+)", ref)
    letters, number = m.group(1), int(m.group(3))
    if m.group(2):
        return letters, lambda r: number
    offset = number - row
    return letters, lambda r: r + offset


class _Compiler(Cursor):
    """evaluate._Parser's grammar, building closures ``fn(row, lookup)`` instead of values."""

    def __init__(self, tokens, row):
        super().__init__(tokens)
        self.row = row

    def expect(self, op: str) -> None:
        self._expect(op)

    def comparison(self):
        left = self.expr()
        if self.peek()[0] != "cmp":
            return left
        op = self.take()[1]
        return self.compared(op, left, self.expr())

    def compared(self, op: str, left, right):
        return lambda r, lk: compare(op, left(r, lk), right(r, lk))

    def expr(self):
        return self._chain(self.term, {"+": _add, "-": _subtract})

    def term(self):
        return self._chain(self.power, {"*": _multiply, "/": _divide})

    def power(self):
        return self._chain(self.unary, {"^": _power})

    def _chain(self, operand, ops: dict):
        """operand (op operand)*, left to right, each operand worked out after the one before."""
        first = operand()
        rest = []
        while self.peek()[0] == "op" and self.peek()[1] in ops:
            rest.append((ops[self.take()[1]], operand()))
        return self.chained(first, rest) if rest else first

    def chained(self, first, rest: list):
        """The node for ``first`` followed by (operation, operand) pairs."""
        def run(r, lk):
            value = first(r, lk)
            for apply, fn in rest:
                value = apply(value, fn(r, lk))
            return value
        return run

    def unary(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise NotEvaluable(f"nested more than {MAX_DEPTH} deep")
        try:
            if self.peek() == ("op", "-"):
                self.take()
                return self.negated(self.unary())
            if self.peek() == ("op", "+"):
                self.take()
                return self.unary()
            return self.atom()
        finally:
            self.depth -= 1

    def atom(self):
        kind, text = self.take()
        if kind in ("num", "str"):
            return self.constant(literal(kind, text))
        if kind == "ref":
            return self.reference(text)
        if kind == "op" and text == "(":
            inner = self.expr()
            self.expect(")")
            return inner
        if kind == "func":
            return self.call(text)
        raise NotEvaluable(f"unexpected {text!r}")

    # The nodes: what a subclass builds differently.

    def negated(self, inner):
        return lambda r, lk: -inner(r, lk)

    def constant(self, value):
        return lambda r, lk: value

    def reference(self, text: str):
        letters, at = _address(text, self.row)
        return lambda r, lk: number_of(lk(f"{letters}{at(r)}"), text)

    def call(self, name: str):
        if name in ("IFERROR", "IF"):
            return self.conditional(name)
        args = self.arguments()
        return lambda r, lk: apply_function(name, [fn(r, lk) for fn in args])

    def arguments(self) -> list:
        args = []
        if self.peek() == ("op", ")"):
            self.take()
            return args
        while True:
            if self.peek()[0] == "range":
                args.append(self.cell_range(self.take()[1]))
            else:
                args.append(self.comparison())
            kind, text = self.take()
            if (kind, text) == ("op", ")"):
                return args
            if (kind, text) != ("op", ","):
                raise NotEvaluable("bad argument list")

    def cell_range(self, text: str):
        a, b = text.split(":")
        (c1, _), (c2, _) = REF.match(a).groups(), REF.match(b).groups()
        if c1 != c2:
            def flat(r, lk):
                raise NotEvaluable("two-dimensional ranges")
            return flat
        (_, top), (_, bottom) = _address(a, self.row), _address(b, self.row)
        return lambda r, lk: range_numbers([lk(f"{c1}{n}") for n in range(top(r), bottom(r) + 1)])

    def arguments_of(self, name: str) -> tuple:
        """IFERROR(x, alt) and IF(test, x[, y]): the arguments, each compiled; y None if absent."""
        first = self.comparison()
        self.expect(",")
        second = self.comparison()
        third = None
        if name == "IF" and self.peek() == ("op", ","):
            self.take()
            third = self.comparison()
        self.expect(")")
        return first, second, third

    def conditional(self, name: str):
        first, second, third = self.arguments_of(name)

        def run(r, lk):
            a, a_error = _guarded(first, r, lk)
            b, b_error = _guarded(second, r, lk)
            c, c_error = _guarded(third, r, lk) if third is not None else (None, None)
            return pick(name, a, a_error, b, b_error, c, c_error)
        return run


def _add(a, b):
    return a + b


def _subtract(a, b):
    return a - b


def _multiply(a, b):
    return a * b


def _divide(a, b):
    if b == 0:
        raise _ErrorValue("division by zero")
    return a / b


def _power(a, b):
    return a ** b


def _guarded(fn, r, lk):
    """(value, None) or (None, the error value) for one argument, as _Parser._guarded."""
    try:
        return fn(r, lk), None
    except _ErrorValue as exc:
        return None, exc


# Many rows at once.

def evaluate_rows(formula: str, row: int, rows, numbers_at):
    """``evaluate_at`` for the copies of ``formula`` (its text in Excel row ``row``) down the
    Excel rows ``rows`` (a numpy int array), all at once; None when the formula is not one this
    works out (a template that is not row-generic, a function other than IF and IFERROR, a
    range, a power): then each row goes through evaluate_at.

    ``numbers_at(letters, excel_rows)`` gives (numbers, known): what each referenced cell is
    in arithmetic (empty as 0.0) where ``known``, as evaluate_at's lookup would give it.
    Returns (values, decided): a list of each row's result (a float, or text) and a boolean
    array of the rows whose result it is; the others (a cell not known, an error value, a
    comparison's True or False, text in arithmetic) are left to evaluate_at.
    """
    import numpy as np

    text = formula.lstrip("=")
    if len(text) > MAX_LENGTH:
        return None
    upper = text.upper()
    if "\x00" in upper:
        return None
    template = upper.replace(str(row), "\x00")
    run = _VECTORS.get(template, _UNSEEN)
    if run is _UNSEEN:
        if len(_VECTORS) >= CACHE_LIMIT:
            _VECTORS.clear()
        run = _VECTORS[template] = _compile(upper, row, _VectorCompiler, None) if _row_generic(template) else None
    if run is None:
        return None
    rows = np.asarray(rows, dtype=np.int64)
    with np.errstate(all="ignore"):
        num, state, texts = run(rows, numbers_at)
    decided = (state == _NUM) | (state == _TEXT)
    values = num.tolist()
    if texts is not None:
        for i in np.flatnonzero(state == _TEXT).tolist():
            values[i] = texts[i]
    return values, decided


_VECTORS: dict = {}  # marked text of a row-generic template -> its vector closure, or None
_UNSEEN = object()
# What a row's value is: a number, text, an error value (_ErrorValue), not known here, a comparison's bool.
_NUM, _TEXT, _ERROR, _UNKNOWN, _BOOL = 0, 1, 2, 3, 4


def _raised(a_state, b_state):
    """The state of an operation on a then b where either may have raised: a's error or
    unknown first (b is not reached), then b's; None where both hold values."""
    import numpy as np

    a_stops = (a_state == _ERROR) | (a_state == _UNKNOWN)
    b_stops = (b_state == _ERROR) | (b_state == _UNKNOWN)
    return np.where(a_stops, a_state, np.where(b_stops, b_state, -1))


class _VectorCompiler(_Compiler):
    """_Compiler's grammar, building closures over many rows: ``fn(rows, numbers_at)`` ->
    (numbers, states, texts or None). What it does not model raises NotEvaluable at compile
    time (the formula then goes row by row)."""

    def compared(self, op: str, left, right):
        import numpy as np

        test = {"=": np.equal, "<>": np.not_equal, "<": np.less, ">": np.greater, "<=": np.less_equal,
                ">=": np.greater_equal}[op]

        def run(rows, lk):
            a, b = left(rows, lk), right(rows, lk)
            raised = _raised(a[1], b[1])
            numbers = (a[1] == _NUM) & (b[1] == _NUM)
            mixed = ((a[1] == _TEXT) & (b[1] == _NUM)) | ((a[1] == _NUM) & (b[1] == _TEXT))
            state = np.where(raised >= 0, raised, np.where(numbers | mixed, _BOOL, _UNKNOWN)).astype(np.int8)
            value = np.where(mixed, 1.0 if op == "<>" else 0.0, test(a[0], b[0]).astype(float))
            return value, state, None
        return run

    def chained(self, first, rest: list):
        """_Compiler's chain over many rows: the same operations on the numbers where both
        sides hold one; a division by zero is the error value; a power is left to the rows."""
        if any(apply is _power for apply, _ in rest):
            raise NotEvaluable("a power: row by row")
        import numpy as np

        def run(rows, lk):
            value, state, texts = first(rows, lk)
            for apply, fn in rest:
                right, right_state, _ = fn(rows, lk)
                raised = _raised(state, right_state)
                both = (state == _NUM) & (right_state == _NUM)
                zero = both & (right == 0) if apply is _divide else np.zeros(len(rows), dtype=bool)
                value = value / np.where(zero, 1.0, right) if apply is _divide else apply(value, right)
                state = np.where(raised >= 0, raised, np.where(zero, _ERROR, np.where(both, _NUM, _UNKNOWN)))
                state, texts = state.astype(np.int8), None
            return value, state, texts
        return run

    def negated(self, inner):
        import numpy as np

        def negate(rows, lk):
            value, state, _ = inner(rows, lk)
            keeps = (state == _NUM) | (state == _ERROR) | (state == _UNKNOWN)
            return -value, np.where(keeps, state, _UNKNOWN).astype(np.int8), None
        return negate

    def constant(self, value):
        import numpy as np

        if isinstance(value, str):
            def text(rows, lk):
                texts = np.empty(len(rows), dtype=object)
                texts[:] = value
                return np.zeros(len(rows)), np.full(len(rows), _TEXT, dtype=np.int8), texts
            return text
        return lambda rows, lk: (np.full(len(rows), value), np.zeros(len(rows), dtype=np.int8), None)

    def reference(self, text: str):
        import numpy as np

        letters, at = _address(text, self.row)
        offset = at(0)  # the row moves with the cell: at(r) - r; an absolute row: at(r) itself
        absolute = at(1) == offset

        def run(rows, lk):
            numbers, known = lk(letters, np.full(len(rows), offset) if absolute else rows + offset)
            return numbers, np.where(known, _NUM, _UNKNOWN).astype(np.int8), None
        return run

    def call(self, name: str):
        if name in ("IF", "IFERROR"):
            return self.conditional(name)
        raise NotEvaluable(f"{name}: row by row")

    def conditional(self, name: str):
        import numpy as np

        first, second, third = self.arguments_of(name)

        def run(rows, lk):
            parts = [first(rows, lk), second(rows, lk)] + ([third(rows, lk)] if third is not None else [])
            unknown = np.zeros(len(rows), dtype=bool)
            for _, state, _ in parts:  # every argument is worked out: what is not known here stops the row
                unknown |= state == _UNKNOWN
            (a, a_state, a_texts), (b, b_state, b_texts) = parts[0], parts[1]
            if name == "IFERROR":
                take_b = a_state == _ERROR
                state = np.where(b_state == _ERROR, _ERROR, np.where(take_b, b_state, a_state))
                value, texts = np.where(take_b, b, a), _pick_texts(take_b, b_texts, a_texts)
            else:
                c, c_state, c_texts = parts[2] if third is not None else (
                    np.zeros(len(rows)), np.full(len(rows), _BOOL, dtype=np.int8), None)  # no else: False
                truthy = a != 0
                state = np.where(a_state == _ERROR, _ERROR, np.where(truthy, b_state, c_state))
                state = np.where(a_state == _TEXT, _UNKNOWN, state)  # the truth of text: row by row
                value, texts = np.where(truthy, b, c), _pick_texts(truthy, b_texts, c_texts)
            return value, np.where(unknown, _UNKNOWN, state).astype(np.int8), texts
        return run


def _pick_texts(take, texts_if, texts_else):
    """The texts of the branch each row takes (None when neither branch holds text)."""
    import numpy as np

    if texts_if is None and texts_else is None:
        return None
    out = np.empty(len(take), dtype=object)
    if texts_else is not None:
        out[:] = texts_else
    if texts_if is not None:
        out[take] = texts_if[take]
    return out
