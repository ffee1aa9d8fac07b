"""The rules' row picking (checker/view.py: Column, rows_where) never changes what is found.

Rules that would visit every row of a table first pick, from the table's columns, the rows
that can hold a finding, and build only those. Checked exhaustively they visit every row
as before. Both must give the same findings, message data included, on every rule case (the
messy cells of tests/rules/cases.yaml), the samples, and with cached results trusted (as for
a file saved by Excel) as well as not.
"""
import datetime as dt
import types
from pathlib import Path

import pytest

from promo_workbook.checker import check_plan
from promo_workbook.checker.view import LazyRows
from promo_workbook.reader import read
from test_rules import CASES, _case_id, _config, apply_edits

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 3, 20)


def _figures(plan, prefilter: bool):
    """The summary's figures, computed with row picking on or off."""
    from promo_workbook.summary.figures import compute

    report = check_plan(plan, today=TODAY, exhaustive=not prefilter)
    return compute(report.view, report)


def _findings(plan, prefilter: bool, config=None):
    report = check_plan(plan, today=TODAY, config=config, exhaustive=not prefilter)
    return [(f.code, f.sheet, f.cell, f.row, f.column, repr(f.expected), repr(f.actual), repr(sorted(f.params.items())))
            for f in report.findings]


def _same_both_ways(path: Path, config=None):
    for trusted in (False, True):
        plan = read(path)
        if trusted:  # as if a calculating app had saved it: cached results are values
            plan.producer = types.SimpleNamespace(trust_cache=True, application="Microsoft Excel")
        picked = _findings(plan, True, config)
        assert picked == _findings(read(path) if not trusted else plan, False, config), (path.name, trusted)


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_rule_case_findings_do_not_depend_on_row_picking(case, tmp_path):
    lang = case.get("lang", "en")
    path = apply_edits(ROOT / "samples" / f"consistent-{lang}.xlsx", tmp_path / "case.xlsx", lang, case["edits"])
    _same_both_ways(path, _config(case.get("config")))


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "samples").glob("*.xlsx")))
def test_sample_findings_do_not_depend_on_row_picking(name):
    _same_both_ways(ROOT / "samples" / name)


@pytest.mark.parametrize("name", ["example-zh-CN.xlsx", "mistakes-en.xlsx", "consistent-zh-TW.xlsx"])
def test_summary_figures_do_not_depend_on_row_picking(name):
    path = ROOT / "samples" / name
    assert _figures(read(path), True) == _figures(read(path), False)


def test_rows_are_built_only_where_a_finding_can_be(tmp_path):
    """On a clean daily-metrics table of 2,000 rows the rules build almost no rows (the bench's
    layout: formulas with cached results), and find and sum what they did."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_read import build

    path = build(tmp_path / "bench.xlsx", daily_rows=2_000, feedback_rows=500)
    built = {}
    original = LazyRows._build

    def counting(self, i):
        built[self._data.key] = built.get(self._data.key, 0) + 1
        return original(self, i)

    LazyRows._build = counting
    try:
        report = check_plan(read(path), today=TODAY)
        assert report.rows > 2_500
        assert built.get("daily", 0) < 20 and built.get("feedback", 0) == 0, built
        built.clear()
        check_plan(read(path), today=TODAY, exhaustive=True)  # the oracle visits every row
        assert built.get("daily", 0) >= 2_000, built
    finally:
        LazyRows._build = original
    _same_both_ways(path)
    assert _figures(read(path), True) == _figures(read(path), False)


def test_stale_caches_are_found_the_same_with_row_picking(tmp_path):
    """Saved results that disagree with the recomputation (F141, cached results trusted), on
    daily rows whose inputs are plain: found with row picking as without."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_read import build

    path = build(tmp_path / "bench.xlsx", daily_rows=300, feedback_rows=10)

    def stale_plan():
        plan = read(path)
        plan.producer = types.SimpleNamespace(trust_cache=True, application="Microsoft Excel")
        daily = plan.tables["daily"]
        values = daily._builder.values
        for n, (key, cached) in enumerate([("clicks", 1.5), ("cvr", "#DIV/0!"), ("achievement", ""),
                                           ("clicks", None), ("cvr", 0.0001), ("achievement", 0.99)]):
            row, col = daily.row_numbers[10 + 40 * n] - 1, daily.columns[key].index
            values[row][col] = values[row][col] * cached if cached == 1.5 else "" if cached is None else cached
        return plan

    picked = _findings(stale_plan(), True)
    assert picked == _findings(stale_plan(), False)
    assert len([f for f in picked if f[0] == "F141"]) >= 5, picked
