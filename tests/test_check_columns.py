"""Rules that work on most of a table's rows decide them a column at a time (the shown values,
the recomputed definitions, a copied-down formula evaluated for all its rows at once); an
exhaustive check decides every row alone. On a messy log where most rows are candidates —
formulas typed over in many ways, slips, text, approximate numbers, error values, gaps —
both give the same findings, message data included, with cached results trusted and not.
The rule cases are too small for the column way (TableView.most): this is its oracle.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from promo_workbook.checker.recompute import daily_values, expected_value
from promo_workbook.checker.view import from_plan
from promo_workbook.reader import read
from test_check_prefilter import _same_both_ways

ROWS = 480
CVR_FORMULAS = ['=IFERROR(E{r}/C{r},"")', "=E{r}/C{r}", '=IF(C{r}>0,E{r}/C{r},"")', "=ROUND(E{r}/C{r},4)",
                '=IFERROR(E{r}/(C{r}*D{r}),"")', "=E{r}/C{r}*100%", "=-E{r}/-C{r}", '=IF(C{r}=0,"-",E{r}/C{r})',
                "=E{r}/C{r}^1", "=E{r}/C$4", '=IFERROR(E{r}/C{r},"n/a")', "=SUM(E{r}:E{r})/C{r}", "=E{r}/F{r}"]


def _messy_log(path: Path, seed: int) -> Path:
    """A daily log typed in the seed's layout, every row a little different."""
    import xlsxwriter

    rng = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    date_format, percent = wb.add_format({"num_format": "yyyy-mm-dd"}), wb.add_format({"num_format": "0.0%"})
    cover = wb.add_worksheet("封面")
    for i, (label, value) in enumerate([("活动名称", "秋季推广"), ("开始日期", dt.datetime(2026, 9, 1)),
                                        ("结束日期", dt.datetime(2026, 9, 20)), ("总预算", 50000)], start=2):
        cover.write_string(i, 0, label)
        if isinstance(value, dt.datetime):
            cover.write_datetime(i, 1, value, date_format)
        else:
            cover.write(i, 1, value)
    ws = wb.add_worksheet("日报")
    for c, header in enumerate(["日期", "渠道", "曝光量", "点击率", "转化量", "转化率", "目标达成率"]):
        ws.write_string(2, c, header)
    for n in range(ROWS):
        r, x = 3 + n, 4 + n
        if n % 97 == 50:
            continue  # an empty row now and then: the table's rows are no longer a plain range
        day = dt.datetime(2026, 9, 1) + dt.timedelta(days=rng.randint(-3, 24))
        ws.write_datetime(r, 0, day, date_format) if rng.random() < 0.9 else ws.write_string(r, 0, rng.choice(["9月5日", "X月X日", ""]))
        ws.write_string(r, 1, rng.choice(["抖音", "小红书", "微信", "B站"]))
        impressions = rng.choice([rng.randint(0, 60000), 0, 25000])
        if rng.random() < 0.9:
            ws.write_number(r, 2, impressions)
        else:
            ws.write_string(r, 2, rng.choice(["约2万", "2.5万", "待定", "#N/A", "98765432109876543210"]))
        ctr = rng.choice([round(rng.uniform(0.5, 5), 1), round(rng.uniform(0.005, 0.05), 4), 1, 0])
        if rng.random() < 0.85:
            ws.write_number(r, 3, ctr, percent if rng.random() < 0.3 else None)
        else:
            ws.write_string(r, 3, rng.choice(["3.2%", "约3%", "", "3,2%"]))
        conversions = rng.randint(0, 900)
        ws.write_number(r, 4, conversions) if rng.random() < 0.93 else ws.write_string(r, 4, rng.choice(["100左右", "-", "", "12345678901234567890"]))
        kind = rng.random()
        if kind < 0.75:
            cached = conversions / impressions if impressions else ""
            ws.write_formula(r, 5, rng.choice(CVR_FORMULAS).format(r=x), percent, rng.choice([cached, 0, "#DIV/0!"]))
        elif kind < 0.9:
            ws.write_number(r, 5, round(rng.uniform(0, 0.1), 4), percent)
        else:
            ws.write_string(r, 5, rng.choice(["1.2%", "约1%", "#DIV/0!", ""]))
        target = rng.choice([500, 400, 0])
        achievement = rng.random()
        if achievement < 0.7:
            ws.write_string(r, 6, f"{round(conversions / target * 100) if target else 0}%(目标{target}单)")
        elif achievement < 0.85:
            ws.write_string(r, 6, f"{rng.randint(0, 200)}.{rng.randint(0, 9)}%")
        else:
            ws.write_number(r, 6, rng.choice([0.95, 1.02, 87]))
    wb.close()
    return path


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_messy_log_gives_the_same_findings_column_by_column_and_row_by_row(seed, tmp_path):
    _same_both_ways(_messy_log(tmp_path / "log.xlsx", seed))


@pytest.mark.parametrize("seed", [1, 4])
def test_the_daily_values_worked_out_at_once_are_the_rows_own(seed, tmp_path):
    """daily_values holds, where it says it is exact, what RECOMPUTE gives row by row."""
    from promo_workbook.checker.config import load_config
    from promo_workbook.spec import load_spec

    plan = read(_messy_log(tmp_path / "log.xlsx", seed))
    view = from_plan(plan, load_spec(), "zh-CN", dt.date(2026, 9, 30), load_config())
    table = view.table("daily")
    for key in ("clicks", "cvr", "achievement"):
        values, exact = daily_values(table, key)
        assert exact.sum() > ROWS // 2
        for i, row in enumerate(table.rows):
            if exact[i]:
                expected = expected_value(view, "daily", key, row)
                assert (expected is None) == (values[i] != values[i]), (key, row.row)
                assert expected is None or float(expected) == values[i], (key, row.row, expected, values[i])


@pytest.mark.parametrize("seed", [2, 6])
def test_what_a_cell_holds_is_read_the_same_from_a_shared_cell(seed, tmp_path):
    """LazyRows.contents gives, for a column's values, one cell for the rows typed alike
    (reader cells(shared=True)): what it holds equals the row's own cell, field by field
    after the place, in every column the log has (split targets included), asked for in
    pieces and in any order, before and after the rows' own cells are built."""
    from promo_workbook.checker.config import load_config
    from promo_workbook.reader.model import cell_tail
    from promo_workbook.spec import load_spec

    path = _messy_log(tmp_path / "log.xlsx", seed)
    table = from_plan(read(path), load_spec(), "zh-CN", dt.date(2026, 9, 30), load_config()).table("daily")
    own = from_plan(read(path), load_spec(), "zh-CN", dt.date(2026, 9, 30), load_config()).table("daily")
    rng = random.Random(seed)
    n = len(table.rows)
    shared = 0
    for key in table.source.row_keys:
        order = list(range(n))
        rng.shuffle(order)
        some = sorted(order[: n // 3])
        if key == "ctr":  # some of its cells built first: those are read as they are
            table.rows.cells(some[::2], key)
        held = table.rows.contents(some, key) + table.rows.contents(list(range(n)), key)
        cells = own.rows.cells(some, key) + own.rows.cells(list(range(n)), key)
        assert len(held) == len(cells) == len(some) + n
        for got, cell in zip(held, cells):
            assert (got is None) == (cell is None), key
            if cell is not None:
                assert cell_tail(got) == cell_tail(cell) and got.key == cell.key, (key, cell.ref)
                shared += got.row != cell.row
    assert shared > n  # most of them were shared cells
    # A column's contents also say which distinct cell each row holds: each_content reads
    # through that (once per distinct cell) what reading each row's own cell gives.
    from promo_workbook.reader.model import each_content

    coded = 0
    for key in table.source.row_keys:
        order = list(range(n))
        rng.shuffle(order)
        some = order[: n // 2] + order[:5]  # unsorted, with repeats
        held = table.rows.contents(some, key)
        coded += getattr(held, "coded", lambda: None)() is not None
        tail = lambda c: None if c is None else cell_tail(c)  # noqa: E731
        assert each_content(held, tail) == list(map(tail, own.rows.cells(some, key))), key
    assert coded >= 3


def test_each_days_neighbours_are_the_same_channels_day_before_and_after(monkeypatch):
    """tables.neighbour_rows (worked out with numpy) against a plain search: for each row with
    a date and a channel, the last row of the same channel the day before and the day after."""
    import numpy as np

    from promo_workbook.checker.rules import tables

    class Table:
        def memo(self, key, compute):
            return compute()

    def last(days, channels, named, day, channel):
        found = [j for j in range(len(named)) if named[j] and days[j] == day and channels[j] == channel]
        return found[-1] if found else -1

    rng = random.Random(3)
    for _ in range(400):
        n = rng.randint(0, 50)
        named = np.array([rng.random() < 0.8 for _ in range(n)], dtype=bool)
        days = np.array([rng.randint(739000, 739008) if ok else 0 for ok in named], dtype=np.int64)
        channels = np.array([rng.randint(0, 4) if ok else 0 for ok in named], dtype=np.int64)
        found = (days, channels, named)
        monkeypatch.setattr(tables, "_day_channel", lambda table, found=found: found)
        before, after = tables.neighbour_rows(Table())
        assert before.tolist() == [last(*found, days[j] - 1, channels[j]) if named[j] else -1 for j in range(n)]
        assert after.tolist() == [last(*found, days[j] + 1, channels[j]) if named[j] else -1 for j in range(n)]


def test_a_columns_numbers_become_the_same_floats_at_once():
    """recompute._floats (a column's numbers as floats, whether each is exact, whether an int)
    at C speed equals the value-by-value way: gaps, -0.0, ints at and past 2**53 and past the
    float range, NaN."""
    import numpy as np

    from promo_workbook.checker.recompute import _floats, _floats_one_by_one

    rng = random.Random(8)
    edge = [None, 0, 1, -1, 2**53, -2**53, 2**53 + 1, -2**53 - 1, 2**53 - 1, 2**60, 10**400, -10**400, 0.5, -0.0,
            1e308, float("nan"), float(2**53), 3.25]
    for _ in range(3000):
        numbers = [rng.choice(edge) if rng.random() < 0.3 else rng.choice([rng.randint(-10**6, 10**6),
                                                                            rng.random() * 1e6, None])
                   for _ in range(rng.randint(0, 30))]
        for got, want in zip(_floats(numbers), _floats_one_by_one(numbers)):
            assert got.dtype == want.dtype and np.array_equal(got, want, equal_nan=True), numbers


def test_rates_compared_at_once_differ_where_one_by_one_they_do():
    """rates.differ_many (many rows at once, numpy) gives _differs' answer for every row: rates
    typed with and without decimals, evaluated and cached ones, halves at the typed precision,
    ints, -0.0, NaN and infinities, tolerances of zero and more."""
    from promo_workbook.checker.rules._util import CACHED, EVALUATED, TYPED
    from promo_workbook.checker.rules.rates import _differs, differ_many

    rng = random.Random(12)
    edge = [0.0, -0.0, 1.0, 0.005, 0.015, 0.125, 1.005, 2.5, 0.0045, 1e-9, 1e300, float("nan"), float("inf"),
            -float("inf"), 3, 0, 10**20]
    for tol in (0.0, 1e-6, 0.01, 0.5):
        # The tolerances' own edges: a difference of exactly 1e-4, and of exactly tol × the value.
        values, hows, expected, raws = [0.0, 1e-4, 0.5, 2.0], [EVALUATED] * 4, [1e-4, 0.0, 0.5 + 0.5 * tol, 2.0 * (1 - tol)], \
            [None] * 4
        for _ in range(4000):
            v = rng.choice(edge) if rng.random() < 0.2 else rng.choice([rng.random(), rng.randint(0, 2000) / 1000,
                                                                       round(rng.uniform(0, 2), 3) + 0.00005])
            e = v if rng.random() < 0.2 else (v * (1 + rng.choice([0, 1e-7, 1e-3, 0.1])) if isinstance(v, float)
                                              else rng.choice(edge + [rng.random()]))
            how = rng.choice([TYPED, TYPED, EVALUATED, CACHED])
            raw = rng.choice(["100%(目标500单)", "3.2%", "3.25%", "12%", 0.5, None, "约5%"]) if how == TYPED else None
            values.append(v)
            hows.append(how)
            expected.append(e)
            raws.append(raw)
        assert differ_many(values, hows, expected, raws, tol) == \
            [_differs(v, h, e, r, tol) for v, h, e, r in zip(values, hows, expected, raws)]


def test_gc_paused_restores_the_collector_and_its_cycles_are_still_collected():
    """The objects a paused block keeps join the oldest generation (checker.gc_paused): the
    collector is on again afterwards, and a garbage cycle made in the block is still freed."""
    import gc
    import weakref

    from promo_workbook.checker import gc_paused

    class Node:
        pass

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        node = Node()
        node.me = node
        ref = weakref.ref(node)
        del node
    assert gc.isenabled() and ref() is not None
    gc.collect()
    assert ref() is None


def test_a_formula_whose_digit_skeleton_differs_is_never_the_templates():
    """F141 skips, a formula template at a time, the rows whose formula cannot be the template's
    even loosely (formulas._may_be_template): the text with each run of digits as one mark is
    the same in every row of a copied-down formula, so where it differs from the template's at
    one row, normalise() tells them apart at every row; loose copies of the template (spaces,
    $, case) keep the same skeleton and are looked at row by row."""
    from promo_workbook.checker.evaluate import normalise
    from promo_workbook.checker.rules.formulas import _DIGITS

    templates = ['=IFERROR(E{r}/(C{r}*D{r}),"")', "=C{r}*D{r}", '=IF(OR(F{r}="",N(E{r})=0),"",F{r}/E{r})']
    loose = ['= iferror( E{r} / ( C{r} * D{r} ) ,"")', "=$C{r}*$D{r}", "=c{r}*d{r}",
             '=if(or(F{r}="",n(E{r})=0),"",F{r}/E{r})']
    formulas = CVR_FORMULAS + loose + ["=C{r}*D1{r}", "=C1{r}*D{r}", "=C{r}1*D{r}", '=IFERROR(E{r}/(C{r}*D{r}),"1")']

    def skeleton(text):
        return _DIGITS.sub("#", normalise(text))

    kept = 0
    for template in templates:
        for formula in formulas:
            for first in (4, 9, 10, 99, 1234):
                if skeleton(formula.format(r=first)) == skeleton(template.format(r=first)):
                    kept += 1
                    continue
                for row in (1, 4, 5, 10, 11, 41, 100, 12345, 1048575):
                    assert normalise(formula.format(r=row)) != normalise(template.format(r=row)), (formula, template, row)
    assert kept >= 15  # the loose copies (and the template's own text) are looked at row by row
