"""Findings held as runs (checker/runs.py) stand for the findings they replace.

A rule that finds one mistake down most of a column yields one FindingRun; the report reads
as the sorted list of Finding it stands for. Held to that: every sample and rule case, and
the messy logs of test_check_columns, checked with runs from a single finding up
(RUN_MIN = 1) and with none, give the same findings, JSON and text, byte for byte; the
sequence behaves as a list (length, order, indexing, heads, counts, pickling); the merge of
runs with single findings sorts as the findings themselves sort.
"""
from __future__ import annotations

import pickle
import random
import re
from pathlib import Path

import pytest

from promo_workbook.checker import check_plan, runs
from promo_workbook.checker.model import Finding
from promo_workbook.checker.render import to_json, to_text
from promo_workbook.reader import read
from test_check_columns import _messy_log
from test_check_prefilter import TODAY
from test_rules import CASES, _case_id, _config, apply_edits

ROOT = Path(__file__).resolve().parent.parent


def _outputs(path: Path, run_min: int, monkeypatch, config=None, limit=None):
    monkeypatch.setattr(runs, "RUN_MIN", run_min)
    report = check_plan(read(path), today=TODAY, config=config)
    as_list = [(tuple(f), f.params) for f in report.findings]
    text = re.sub(r'"seconds": [0-9.e-]+', "", to_json(report, limit))
    return report, as_list, text, to_text(report, limit=limit).split("\n")[:-1]  # the last line: the time taken


def _same_with_and_without_runs(path: Path, monkeypatch, config=None, expect_runs: bool = False):
    with_runs, *outputs = _outputs(path, 1, monkeypatch, config)
    without, *reference = _outputs(path, 10**9, monkeypatch, config)
    assert isinstance(without.findings, list)
    if expect_runs:
        assert isinstance(with_runs.findings, runs.Findings) and with_runs.findings.runs
    assert outputs == reference
    assert {s: with_runs.count(s) for s in ("error", "warning", "info")} == \
        {s: without.count(s) for s in ("error", "warning", "info")}
    return with_runs


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "samples").glob("*.xlsx")))
def test_samples_report_the_same_with_runs(name, monkeypatch):
    _same_with_and_without_runs(ROOT / "samples" / name, monkeypatch)


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_rule_cases_report_the_same_with_runs(case, tmp_path, monkeypatch):
    lang = case.get("lang", "en")
    path = apply_edits(ROOT / "samples" / f"consistent-{lang}.xlsx", tmp_path / "case.xlsx", lang, case["edits"])
    _same_with_and_without_runs(path, monkeypatch, _config(case.get("config")))


@pytest.mark.parametrize("seed", [1, 5])
def test_a_messy_log_reports_the_same_with_runs(seed, tmp_path, monkeypatch):
    path = _messy_log(tmp_path / "log.xlsx", seed)
    report = _same_with_and_without_runs(path, monkeypatch, expect_runs=True)
    # A head of the report (--max-findings) is still made of runs, and says the same.
    for limit in (0, 1, 7, len(report.findings) // 2):
        assert _outputs(path, 1, monkeypatch, limit=limit)[2:] == _outputs(path, 10**9, monkeypatch, limit=limit)[2:]


def test_findings_read_as_the_list_they_stand_for(tmp_path, monkeypatch):
    path = _messy_log(tmp_path / "log.xlsx", 2)
    monkeypatch.setattr(runs, "RUN_MIN", 1)
    held = check_plan(read(path), today=TODAY).findings
    monkeypatch.setattr(runs, "RUN_MIN", 10**9)
    plain = check_plan(read(path), today=TODAY).findings
    assert isinstance(held, runs.Findings) and len(held) == len(plain) > 100
    assert held == plain and list(held) == plain and plain == list(held)
    assert held[0] == plain[0] and held[-1] == plain[-1] and held[5:9] == plain[5:9]
    assert list(held[:10]) == plain[:10] and len(held[:10]) == 10 and len(held[:0]) == 0
    assert pickle.loads(pickle.dumps(held)) == plain
    assert held + [] == plain and [] + held == plain
    assert sorted(held.severities().items()) == sorted({s: sum(f.severity == s for f in plain)
                                                         for s in {f.severity for f in plain}}.items())


class _Rule:
    name, severity = "a rule", "warning"

    def __init__(self, code):
        self.code = code


class _Table:
    def __init__(self, number, sheet):
        self.number, self.sheet = number, sheet


def test_runs_and_single_findings_merge_in_report_order():
    """Random runs and single findings (templates, rows, columns and codes colliding on
    purpose) sort as the Findings they stand for sort, equal keys in the rules' order."""
    rng = random.Random(7)
    order = {n: i for i, n in enumerate([3, 12, 1, 7])}
    for _ in range(200):
        items, flat = [], []
        for _ in range(rng.randint(0, 8)):
            rule, table = _Rule(rng.choice(["T193", "V082", "V111"])), _Table(rng.choice([3, 12, 1, 99]), "日报")
            if rng.random() < 0.5:
                rows = sorted(rng.sample(range(1, 40), rng.randint(0, 12)))
                if rng.random() < 0.2:
                    rng.shuffle(rows)  # a run's rows out of order: it sorts them, stably
                run = runs.FindingRun(rule, table, rng.choice(["B", "F", "AA"]), "label", rows,
                                      actual=runs.Each(range(len(rows))), expected="x", value=runs.Each(rows))
                items.append(run)
                flat.extend(run)
            else:
                cell = rng.choice(["B", "F", "AA", None])
                row = rng.choice([None, rng.randint(1, 40)])
                f = Finding(rule.code, rule.name, "error", table.number, table.sheet,
                            f"{cell}{row or 1}" if cell else None, row, "label", {"value": 1}, "x", rng.random())
                items.append(f)
                flat.append(f)
        got = runs.ordered(items, order)
        expected = sorted(flat, key=runs._key_of(order))
        assert [tuple(f) for f in got] == [tuple(f) for f in expected]
        assert [f.params for f in got] == [f.params for f in expected]


def test_a_columns_numbers_are_worded_as_one_at_a_time():
    """pct_many and num_many (a run's values worded at once) give what pct and num give for
    each value: halves at the first decimal, negatives and -0.0, tiny and huge numbers, ints,
    bools, None, NaN and infinities; pct no longer fails on the numbers Decimal cannot round."""
    from promo_workbook.checker.rules._util import num, num_many, pct, pct_many

    rng = random.Random(11)
    edge = [None, 0, 1, 0.0, -0.0, 1e-9, -1e-7, 1e5, 1e7, 1e30, 1.7e308, float("nan"), float("inf"),
            -float("inf"), True, False, 5, -3, 2**60, 0.0015, 0.00015, 0.0005, 9999.9995, -0.001, -0.0004, 0.125]
    values = edge + [rng.choice([rng.random(), round(rng.uniform(-2, 2), 4), rng.randint(0, 2000) / 2000,
                                 round(rng.uniform(0, 1), 3) + 0.0005, rng.randint(-10**6, 10**6) / 10**rng.randint(0, 8),
                                 rng.uniform(-1e5, 1e5)]) for _ in range(50_000)]
    assert pct_many(values) == [pct(v) for v in values]
    assert num_many(values) == [num(v) for v in values]
    floats = [v for v in values if type(v) is float]  # one type: keyed by value
    assert num_many(floats) == [num(v) for v in floats]
    assert pct_many([]) == num_many([]) == []
    assert [pct(v) for v in (1e30, float("inf"), -float("inf"))] == ["100000000000000000000000000000000%", "inf%",
                                                                     "-inf%"]


def test_a_rate_typed_too_large_to_round_is_reported(tmp_path):
    """A conversion rate typed as 1e30 (past Decimal's 28 digits once a percent) used to stop
    the check with an internal error while its message was worded."""
    import openpyxl

    from promo_workbook.checker import check

    wb = openpyxl.load_workbook(ROOT / "samples" / "consistent-en.xlsx")
    wb["Daily Metrics"]["G5"] = 1e30
    wb.save(tmp_path / "huge.xlsx")
    report = check(tmp_path / "huge.xlsx", today=TODAY)
    found = {(f.code, f.cell) for f in report.findings}
    assert ("T193", "G5") in found and ("F131", "G5") in found
    assert "100000000000000000000000000000000%" in to_text(report)
