"""Findings held as runs: one rule, one column, many rows (a mistake repeated down a log).

A rule that finds the same mistake on most rows of a column yields one ``FindingRun``
instead of a Finding per row: the rows and the values that differ from row to row as lists,
the rest once. ``ordered`` sorts a check's findings and runs together into ``Findings``, a
sequence that reads as the sorted list of Finding it stands for (a Finding is made when one
is read), while the JSON and text writers word the runs' rows straight from their lists.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import islice
from operator import le

from .model import Finding

_new = tuple.__new__


# Fewer findings than this in a column are made one by one: a run pays off down a long log,
# and the tests set it to 1 to hold runs to the findings they stand for on every sample.
RUN_MIN = 64


def run_letter(table, key: str, count: int) -> str | None:
    """The letters a run of ``count`` findings about column ``key`` of ``table`` would stand
    in, or None: make them one by one (too few, or not at their column's own cells)."""
    return table.run_letter(key) if count >= RUN_MIN else None


class Each(list):
    """A run's value that differs from row to row: one per row, in the run's order."""

    __slots__ = ()


class FindingRun:
    """``len(rows)`` findings of one rule about the cells of one column (``letter``, its label
    ``column``) of one table. ``expected``, ``actual`` and each of ``params``: one value for
    every row, or an ``Each`` list. Rows ascending, as rules meet them down a sheet."""

    __slots__ = ("code", "name", "severity", "template", "sheet", "letter", "column", "rows", "expected", "actual",
                 "params")

    def __init__(self, rule, table, letter: str, column, rows: list[int], *, expected=None, actual=None,
                 severity=None, **params):
        self.code, self.name, self.severity = rule.code, rule.name, severity or rule.severity
        self.template, self.sheet = getattr(table, "number", None), getattr(table, "sheet", None)
        self.letter, self.column, self.rows = letter, column, rows
        self.expected, self.actual, self.params = expected, actual, params
        if not all(map(le, rows, islice(rows, 1, None))):  # ascending, checked at C speed
            self._sort_rows()

    def __len__(self) -> int:
        return len(self.rows)

    def value(self, name: str, i: int):
        """Row ``i``'s ``expected``, ``actual`` or parameter ``name``."""
        value = self.expected if name == "expected" else self.actual if name == "actual" else self.params[name]
        return value[i] if type(value) is Each else value

    def finding(self, i: int) -> Finding:
        """The Finding of the run's ``i``-th row, as ``Rule.at`` makes it."""
        row = self.rows[i]
        params = {name: value[i] if type(value) is Each else value for name, value in self.params.items()}
        return _new(Finding, (self.code, self.name, self.severity, self.template, self.sheet, f"{self.letter}{row}",
                              row, self.column, params or None, self.value("expected", i), self.value("actual", i)))

    def __iter__(self):
        return map(self.finding, range(len(self.rows)))

    def _sort_rows(self) -> None:
        order = sorted(range(len(self.rows)), key=self.rows.__getitem__)  # stable: equal rows keep their order

        def pick(value):
            return Each(value[i] for i in order) if type(value) is Each else value

        self.rows = [self.rows[i] for i in order]
        self.expected, self.actual = pick(self.expected), pick(self.actual)
        self.params = {name: pick(value) for name, value in self.params.items()}


class Findings(Sequence):
    """A check's findings in report order, some held as runs: ``singles`` (sorted Findings),
    ``runs``, and ``sources``, which says for each position in order where its finding comes
    from (0: the next single, k: the next row of ``runs[k - 1]``)."""

    def __init__(self, singles: list, runs: list, sources):
        self.singles, self.runs, self.sources = singles, runs, sources
        self._list = None

    def __len__(self) -> int:
        return len(self.sources)

    def __iter__(self):
        if self._list is not None:
            return iter(self._list)
        return self._walk()

    def _walk(self):
        nexts = [iter(self.singles).__next__] + [iter(run).__next__ for run in self.runs]
        for start in range(0, len(self.sources), 4096):
            yield from [nexts[s]() for s in self.sources[start:start + 4096].tolist()]

    def __getitem__(self, index):
        if isinstance(index, slice) and index.start in (None, 0) and index.step in (None, 1):
            stop = len(self) if index.stop is None else index.stop
            if stop >= 0:  # a head (--max-findings): still runs
                return Findings(self.singles, self.runs, self.sources[:stop])
        if self._list is None:
            self._list = list(self._walk())
        return self._list[index]

    def __eq__(self, other):
        if isinstance(other, (Findings, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None

    def __add__(self, other):
        return list(self) + list(other)

    def __radd__(self, other):
        return list(other) + list(self)

    def __repr__(self) -> str:
        return f"Findings({len(self)} findings, {len(self.runs)} runs)"

    def severities(self) -> Counter:
        """How many findings of each severity (a run counted without making its findings)."""
        tally = Counter()
        bounds = self._taken()
        for f in self.singles[:bounds[0]]:
            tally[f.severity] += 1
        for run, taken in zip(self.runs, bounds[1:]):
            tally[run.severity] += taken
        return tally

    def _taken(self) -> list[int]:
        """How many findings of each source the order holds (all of them unless it is a head)."""
        import numpy as np

        return np.bincount(self.sources, minlength=len(self.runs) + 1).tolist()

    def __reduce__(self):  # pickled (batch workers) as the plain list it stands for
        return list, (list(self),)


def ordered(items: list, order: dict):
    """``items`` (Findings and FindingRuns as the rules yielded them) in report order: by
    template (its rank in ``order``), row, column (A..Z, AA..) and code; equal keys keep the
    order the rules gave. A plain list when no run is among them, else ``Findings``."""
    key = _key_of(order)
    if not any(type(item) is FindingRun for item in items):
        singles = list(items)
        singles.sort(key=key if all(type(f) is Finding for f in singles) else _field_key_of(order))
        return singles
    import numpy as np

    runs = [item for item in items if type(item) is FindingRun and item.rows]
    singles = [item for item in items if type(item) is not FindingRun]
    single_keys = [key(f) if type(f) is Finding else _field_key_of(order)(f) for f in singles]
    letters = sorted({k[3] for k in single_keys} | {run.letter for run in runs}, key=lambda t: (len(t), t))
    codes = sorted({k[4] for k in single_keys} | {run.code for run in runs})
    letter_rank, code_rank = {t: i for i, t in enumerate(letters)}, {c: i for i, c in enumerate(codes)}
    total = len(singles) + sum(len(run.rows) for run in runs)
    template, row, letter, code, source = (np.empty(total, dtype=np.int64) for _ in range(5))
    # One block of keys per item, in the order the rules gave them: the position, the last
    # key, keeps that order among equal keys.
    at, s, r = 0, 0, 0
    for item in items:
        if type(item) is FindingRun:
            n = len(item.rows)
            if not n:
                continue
            r += 1
            template[at:at + n] = order.get(item.template, -1)
            row[at:at + n] = item.rows
            letter[at:at + n], code[at:at + n], source[at:at + n] = letter_rank[item.letter], code_rank[item.code], r
            at += n
        else:
            k = single_keys[s]
            template[at], row[at], letter[at], code[at], source[at] = k[0], k[1], letter_rank[k[3]], code_rank[k[4]], 0
            at += 1
            s += 1
    perm = np.lexsort((np.arange(total), code, letter, row, template))
    sources = source[perm]
    # The singles' positions in the flat order rank them: their order in the report.
    is_single = source == 0
    single_rank = np.empty(total, dtype=np.int64)
    single_rank[perm] = np.arange(total)
    by_rank = np.argsort(single_rank[is_single], kind="stable").tolist()
    return Findings([singles[i] for i in by_rank], runs, sources.astype(np.int32))


def _key_of(order: dict):
    """The sort key of a Finding, read by position from the tuple rules make: template rank,
    row, column (by length, then letters), code."""
    rank = order.get

    def by_position(f):
        letters = f[5].rstrip(_DIGITS) if f[5] else ""
        return (rank(f[3], -1), f[6] or 0, len(letters), letters, f[0])

    return by_position


def _field_key_of(order: dict):
    """_key_of for findings of another kind, read by name."""
    rank = order.get

    def by_field(f):
        letters = f.cell.rstrip(_DIGITS) if f.cell else ""
        return (rank(f.template, -1), f.row or 0, len(letters), letters, f.code)

    return by_field


_DIGITS = "0123456789"
