"""reader/shared_cells.py: the keys of the cells typed alike, worked out at C speed, are the
ones worked out row by row (type, raw value, number format where it matters; None for a
formula, a merged range, an unhashable value), whatever the mix of values and row lengths."""
from __future__ import annotations

import datetime as dt
import math
import random
from types import SimpleNamespace

import pytest

from promo_workbook.reader.shared_cells import needs_format, typed_keys

HASHED = (str, int, float, bool, type(None), dt.datetime, dt.date, dt.time, dt.timedelta)


def _row_by_row(builder, col, numbers) -> list:
    """The keys as the reader first worked them out, one row at a time."""
    values, i = builder.values, col.index
    keys = []
    for n in numbers:
        raw = (values[n - 1][i] if i < len(values[n - 1]) else "") if n <= len(values) else ""
        if type(raw) not in HASHED or builder.formulas.formula(i, n) is not None or (n, i) in builder.merged:
            keys.append(None)
            continue
        fmt = builder.ctx.book.number_formats(builder.sheet, i, [n])[0] if needs_format(col.kind, raw) else None
        keys.append((type(raw), raw, fmt))
    return keys


def _builder(values, formulas=(), merged=()):
    def number_formats(sheet, col, rows):
        return ["0%" if row % 3 else "General" for row in rows]

    return SimpleNamespace(values=values, width=None, sheet="日报", merged=dict.fromkeys(merged, "x"),
                           formulas=SimpleNamespace(formula=lambda c, n: "=A1" if (n, c) in formulas else None),
                           ctx=SimpleNamespace(book=SimpleNamespace(number_formats=number_formats)))


POOL = [1, 1.0, True, False, 0, 0.5, 50, 50.0, 101, float("nan"), float("inf"), -3, "", "3%", "1", None,
        dt.datetime(2026, 3, 1), dt.date(2026, 3, 1), dt.time(9, 30), dt.timedelta(days=1), ["unhashable"]]


@pytest.mark.parametrize("kind", ["percent", "rate_target", "date", "number", "text"])
@pytest.mark.parametrize("seed", range(6))
def test_typed_keys_at_once_are_the_row_by_row_keys(kind, seed):
    rng = random.Random(seed)
    pool = POOL if seed % 2 else [v for v in POOL if type(v) not in (bool, list)]
    width = 4
    values = [[rng.choice(pool) for _ in range(width)] for _ in range(300)]
    if seed % 3 == 0:  # some rows shorter: the row-by-row path
        for row in rng.sample(values, 20):
            del row[2:]
    formulas = {(n, 2) for n in rng.sample(range(1, 301), 15)}
    merged = {(n, 2) for n in rng.sample(range(1, 301), 10)} if seed % 2 else set()
    numbers = sorted(rng.sample(range(1, 320), 200))  # some past the last row
    col = SimpleNamespace(index=2, kind=kind, has_formulas=bool(seed % 2))
    builder = _builder(values, formulas if col.has_formulas else (), merged)
    got, want = typed_keys(builder, col, numbers), _row_by_row(builder, col, numbers)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if w is None or g is None:
            assert g is w
            continue
        assert g[0] is w[0] and g[2] == w[2]
        assert g[1] is w[1] or g[1] == w[1] or (isinstance(w[1], float) and math.isnan(w[1]) and math.isnan(g[1]))


def test_all_rows_full_and_in_range_take_the_fast_path():
    values = [[f"r{n}", n, n / 100] for n in range(1, 51)]
    builder = _builder(values)
    col = SimpleNamespace(index=2, kind="percent", has_formulas=False)
    numbers = list(range(1, 51))
    assert typed_keys(builder, col, numbers) == _row_by_row(builder, col, numbers)
    assert builder.width == 3
