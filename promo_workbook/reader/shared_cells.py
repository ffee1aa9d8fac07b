# shared_cells.py: one Cell for all the rows of a column typed alike.
"""A column's cells where only what they hold matters (a rule reading a column's values): the
rows whose cells are typed alike (same type, raw value and number format; no formula, no
merged range over them) share one Cell, made for the first of them. Worked out at C speed,
but for the cells built: a 200,000-row log has a few hundred distinct typed values."""
from __future__ import annotations

import datetime as dt
from itertools import compress, repeat
from operator import is_, itemgetter, sub

CACHE_LIMIT = 4096  # per column: the parsed values and typed cells build.py keeps, the cells shared here
# The types whose raw values key the cells typed alike (what a reader gives; anything else is built alone).
_HASHED = frozenset({str, int, float, bool, type(None), dt.datetime, dt.date, dt.time, dt.timedelta})
# The kinds needs_format may say yes for, and for what types of value.
_FORMAT_KINDS = ("percent", "rate_target", "date", "daterange")
_NUMBERS = frozenset({int, float})


def shared_cells(builder, col, numbers) -> list:
    """build.py's ``cells(numbers, col.key, shared=True)``: the rows typed alike (no formula, no
    merged range) share one Cell, made for the first of them."""
    keys = typed_keys(builder, col, numbers)  # (type, raw, number format), or None: not typed alike
    shared = col.shared
    # The cells not typed alike, and the first row of each typed value not seen yet, are built
    # in one pass; the other rows typed alike then share the first's (all at C speed but the
    # building). Values past the cache's limit are not shared: built in a second pass.
    out = list(map(shared.get, keys))
    for last in (False, True):
        todo = list(compress(range(len(out)), map(is_, out, repeat(None))))
        if not todo:
            break
        if not last:
            todo_keys = list(map(keys.__getitem__, todo))
            first = dict(zip(reversed(todo_keys), reversed(todo)))  # each key's first row
            first.pop(None, None)
            todo = sorted(list(compress(todo, map(is_, todo_keys, repeat(None)))) + list(first.values()))
        built = builder.cells(list(map(numbers.__getitem__, todo)), col.key)
        for j, cell in zip(todo, built):
            out[j] = cell
            if keys[j] is not None and len(shared) < CACHE_LIMIT:
                shared.setdefault(keys[j], cell)
        if not last:
            out, built = list(map(shared.get, keys)), out
            for j in todo:
                if out[j] is None:
                    out[j] = built[j]
    return out


def typed_keys(builder, col, numbers) -> list:
    """Each row's (type, raw, number format) where its cell is typed (no formula, no merged
    range over it) and hashable; None elsewhere."""
    values, i, kind = builder.values, col.index, col.kind
    if builder.width is None:
        builder.width = min(map(len, values), default=0)  # calamine's rows are all as wide
    if numbers and max(numbers) <= len(values) and i < builder.width:  # each row holds the cell: at C speed
        raws = list(map(itemgetter(i), map(values.__getitem__, map(sub, numbers, repeat(1)))))
    else:
        width = len(values)
        raws = [(values[n - 1][i] if i < len(values[n - 1]) else "") if n <= width else "" for n in numbers]
    types = set(map(type, raws))
    formats = repeat(None)
    if kind in _FORMAT_KINDS and not types.isdisjoint(_NUMBERS):  # only a number's format may matter
        if bool in types or not types <= _HASHED:  # True == 1: told apart by type
            typed = [t if t[0] in _HASHED else None for t in zip(map(type, raws), raws)]
            verdicts = {t: needs_format(kind, t[1]) for t in set(typed) if t is not None}  # once per distinct value
            needs = list(compress(range(len(typed)), map(verdicts.get, typed)))
        else:  # 1 and 1.0 need it alike
            verdicts = {raw: needs_format(kind, raw) for raw in set(raws)}
            needs = list(compress(range(len(raws)), map(verdicts.__getitem__, raws)))
        found = builder.ctx.book.number_formats(builder.sheet, i, list(map(numbers.__getitem__, needs))) if needs else ()
        formats = found if len(needs) == len(raws) else map(dict(zip(needs, found)).get, range(len(raws)))
    keys = list(zip(map(type, raws), raws, formats))
    if not types <= _HASHED:  # never from calamine: such a cell is built alone
        keys = [key if key[0] in _HASHED else None for key in keys]
    if col.has_formulas:
        formula_at = builder.formulas.formula
        keys = [None if formula_at(i, n) is not None else key for n, key in zip(numbers, keys)]
    merged_rows = {n for n, c in builder.merged if c == i} if builder.merged else ()
    if merged_rows:
        keys = [None if n in merged_rows else key for n, key in zip(numbers, keys)]
    return keys


def needs_format(kind: str, raw) -> bool:
    """Whether a cell's number format changes what its number means."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return False
    if kind in ("percent", "rate_target"):
        return 1 <= raw <= 100
    return kind in ("date", "daterange")
