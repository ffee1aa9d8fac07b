"""A small evaluator for the formulas people type over a template's: arithmetic on cells.

The checker never trusts cached results (xlsxwriter caches 0, openpyxl nothing). When a
derived cell holds a formula that is not the template's, this works out what it computes
when it is plain arithmetic on same-sheet cells (=D6/C6, =ROUND(C5*D5,0), =SUM(F5:F8)), so
a wrong formula is found even in a file no spreadsheet app has calculated. Anything beyond
that (text functions, other sheets) is reported as not evaluable, never guessed. The wrappers a
seed-layout workbook puts around its arithmetic are worked out too: IFERROR(x, "") is x, or ""
where x divides by zero or reads text; IF(a>0, x, "") compares and picks.
"""
from __future__ import annotations

import re
from typing import Callable

TOKEN = re.compile(r"""\s*(?:
    (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?%?)
  | (?P<str>"(?:[^"]|"")*")
  | (?P<cmp><>|<=|>=|=|<|>)
  | (?P<range>\$?[A-Z]{1,3}\$?\d+:\$?[A-Z]{1,3}\$?\d+)
  | (?P<ref>\$?[A-Z]{1,3}\$?\d+)(?![\w(])
  | (?P<func>[A-Z][A-Z0-9.]*)\(
  | (?P<op>[-+*/^(),])
)""", re.VERBOSE)
REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


class NotEvaluable(Exception):
    """The formula uses something this evaluator does not do."""


class _ErrorValue(NotEvaluable):
    """What the app shows as an error value (#DIV/0!, #VALUE!): IFERROR catches it."""


# Public API.

def normalise(formula: str) -> str:
    """Formula text compared loosely: no '=', '$', spaces or sheet-name quotes, upper case.

    One pass over the text, so any formula normalises in time linear in its length (a
    pattern with '' inside a repeated group took 232 s on 150,000 characters): quoted texts
    ("...") are kept as they are, a quoted sheet name ('...'!) loses its quotes."""
    text = formula.lstrip("=").replace("$", "").replace(" ", "")
    out: list[str] = []
    pos, n = 0, len(text)
    while True:
        found = _QUOTE.search(text, pos)
        if found is None:
            out.append(text[pos:])
            break
        start = found.start()
        out.append(text[pos:start])
        mark = text[start]
        end = _closing(text, start + 1, mark)
        if end < 0:  # never closed: the rest as it is
            out.append(text[start:])
            break
        inner = text[start + 1:end]
        if mark == "'" and inner and end + 1 < n and text[end + 1] == "!":
            out.append(inner.replace("''", "'"))
        else:
            out.append(text[start:end + 1])
        pos = end + 1
    return "".join(out).upper()


def evaluate(formula: str, lookup: Callable[[str], object]) -> float:
    """Value of an arithmetic formula; ``lookup("C5")`` gives a cell's number (or None/text).
    Bounded: a formula longer than Excel allows, or nested deeper than MAX_DEPTH, is not
    evaluable (not a RecursionError); so is a result too big for a float."""
    text = formula.lstrip("=")
    if len(text) > MAX_LENGTH:
        raise NotEvaluable(f"longer than {MAX_LENGTH:,} characters")
    tokens = _tokenize(text)
    parser = _Parser(tokens, lookup)
    try:
        value = parser.comparison()
    except OverflowError:
        raise NotEvaluable("a result too big for a number") from None
    if parser.pos != len(tokens):
        raise NotEvaluable("trailing tokens")
    return value


MAX_LENGTH = 8192  # Excel's own limit on a formula's text
MAX_DEPTH = 100    # parentheses, signs and function calls nested in one another


# Private API.

_QUOTE = re.compile("['\"]")


def _closing(text: str, at: int, mark: str) -> int:
    """Where the quoted text opened before ``at`` closes (a doubled mark is one inside it); -1 if never."""
    while True:
        at = text.find(mark, at)
        if at < 0:
            return -1
        if text.startswith(mark, at + 1):
            at += 2
            continue
        return at


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.upper()
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise NotEvaluable(f"cannot read {text[pos:pos + 10]!r}")
        kind = m.lastgroup
        tokens.append((kind, m.group(kind)))
        pos = m.end()
    return tokens


def _cells(rng: str) -> list[str]:
    a, b = rng.split(":")
    (c1, r1), (c2, r2) = REF.match(a).groups(), REF.match(b).groups()
    if c1 != c2:
        raise NotEvaluable("two-dimensional ranges")
    return [f"{c1}{r}" for r in range(int(r1), int(r2) + 1)]


def apply_function(name: str, args: list) -> float:
    """A function other than IF/IFERROR applied to its evaluated arguments (a range: a list)."""
    if any(isinstance(a, str) for a in args):
        raise _ErrorValue(f"text in {name}")
    flat = [x for a in args for x in (a if isinstance(a, list) else [a])]
    if name == "SUM":
        return float(sum(flat))
    if name == "ROUND" and len(args) == 2:
        return float(round(args[0], int(args[1])))
    if name in ("N", "VALUE") and len(args) == 1 and not isinstance(args[0], list):
        return float(args[0])
    if name == "ABS" and len(args) == 1:
        return abs(args[0])
    if name in ("MIN", "MAX", "AVERAGE") and flat:
        return {"MIN": min, "MAX": max}.get(name, lambda xs: sum(xs) / len(xs))(flat)
    raise NotEvaluable(f"function {name}")


def pick(name: str, first, error, second, second_error, third, third_error):
    """IFERROR/IF from their guarded arguments: (value, None) or (None, the error value) each."""
    if name == "IFERROR":
        if second_error:
            raise second_error
        return second if error else first
    if error:
        raise error
    picked, picked_error = (second, second_error) if first else (third, third_error)
    if picked_error:
        raise picked_error
    return False if picked is None else picked


def literal(kind: str, text: str):
    """A number ("num": 5, 2.5, 50%) or text ("str": "a""b") token's value."""
    if kind == "str":
        return text[1:-1].replace('""', '"')
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


def compare(op: str, value, right) -> bool:
    """``value op right`` as the app compares: text and a number are never equal."""
    if isinstance(value, str) != isinstance(right, str):
        return op == "<>"
    return {"=": value == right, "<>": value != right, "<": value < right, ">": value > right,
            "<=": value <= right, ">=": value >= right}[op]


def number_of(value, ref: str) -> float:
    """A referenced cell's value in arithmetic: empty is 0, text or a date is #VALUE!."""
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _ErrorValue(f"{ref} is not a number")  # the app shows #VALUE!
    return float(value)


def range_numbers(values: list) -> list:
    """Like Excel's SUM: text and blanks inside a range count for nothing."""
    return [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]


class Cursor:
    """A position in a formula's tokens, and how deep the signs and brackets nest there."""

    def __init__(self, tokens):
        self.tokens, self.pos, self.depth = tokens, 0, 0

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self):
        tok = self.peek()
        self.pos += 1
        return tok

    def _expect(self, op: str) -> None:
        if self.take() != ("op", op):
            raise NotEvaluable(f"expected {op!r}")


class _Parser(Cursor):
    def __init__(self, tokens, lookup):
        super().__init__(tokens)
        self.lookup = lookup

    def comparison(self):
        value = self.expr()
        if self.peek()[0] == "cmp":
            op = self.take()[1]
            return compare(op, value, self.expr())
        return value

    def expr(self) -> float:
        value = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            value = value + self.term() if op == "+" else value - self.term()
        return value

    def term(self) -> float:
        value = self.power()
        while self.peek() in (("op", "*"), ("op", "/")):
            op = self.take()[1]
            right = self.power()
            if op == "*":
                value *= right
            elif right == 0:
                raise _ErrorValue("division by zero")
            else:
                value /= right
        return value

    def power(self) -> float:
        value = self.unary()
        while self.peek() == ("op", "^"):
            self.take()
            value = value ** self.unary()
        return value

    def unary(self) -> float:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise NotEvaluable(f"nested more than {MAX_DEPTH} deep")
        try:
            if self.peek() == ("op", "-"):
                self.take()
                return -self.unary()
            if self.peek() == ("op", "+"):
                self.take()
                return self.unary()
            return self.atom()
        finally:
            self.depth -= 1

    def atom(self) -> float:
        kind, text = self.take()
        if kind in ("num", "str"):
            return literal(kind, text)
        if kind == "ref":
            return self._number(text)
        if kind == "op" and text == "(":
            value = self.expr()
            self._expect(")")
            return value
        if kind == "func":
            return self._call(text)
        raise NotEvaluable(f"unexpected {text!r}")

    def _number(self, ref: str) -> float:
        return number_of(self.lookup(ref.replace("$", "")), ref)

    def _args(self) -> list:
        args = []
        if self.peek() == ("op", ")"):
            self.take()
            return args
        while True:
            if self.peek()[0] == "range":
                args.append(range_numbers([self.lookup(c) for c in _cells(self.take()[1])]))
            else:
                args.append(self.comparison())
            kind, text = self.take()
            if (kind, text) == ("op", ")"):
                return args
            if (kind, text) != ("op", ","):
                raise NotEvaluable("bad argument list")

    def _call(self, name: str) -> float:
        if name in ("IFERROR", "IF"):
            return self._conditional(name)
        return apply_function(name, self._args())

    def _conditional(self, name: str):
        """IFERROR(x, alt) and IF(test, x, y): each branch parsed in turn, an error value in
        the first IFERROR argument caught (as the app does), not one in an untaken IF branch."""
        first, error = self._guarded()
        self._expect(",")
        second, second_error = self._guarded()
        third, third_error = None, None
        if name == "IF" and self.peek() == ("op", ","):
            self.take()
            third, third_error = self._guarded()
        self._expect(")")
        return pick(name, first, error, second, second_error, third, third_error)

    def _guarded(self):
        """(value, None) or (None, the error value) for one argument; parsing goes on past it."""
        start = self.pos
        try:
            return self.comparison(), None
        except _ErrorValue as exc:
            self.pos = start
            self._skip_argument()
            return None, exc

    def _skip_argument(self) -> None:
        depth = 0
        while self.pos < len(self.tokens):
            kind, text = self.peek()
            if depth == 0 and (kind, text) in (("op", ","), ("op", ")")):
                return
            if kind == "func" or (kind, text) == ("op", "("):
                depth += 1
            elif (kind, text) == ("op", ")"):
                depth -= 1
            self.pos += 1
