"""Bounded work on hostile formulas (issue 13): the normaliser is linear, the evaluator has
a length and a depth bound; a check of such a file ends quickly with findings, not a hang
or an internal error."""
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from promo_workbook.check.evaluate import NotEvaluable, evaluate, normalise
from promo_workbook.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.mark.parametrize("formula", ["=" + "'" * 150_000, "='" + "a'" * 75_000, '="' + '""' * 75_000,
                                     "=" + "'!" * 75_000, "=" + "'a''" * 37_500])
def test_a_150000_character_formula_normalises_in_well_under_a_second(formula):
    started = time.perf_counter()
    normalise(formula)
    assert time.perf_counter() - started < 0.5


def test_normalise_keeps_its_meaning():
    assert normalise("='My Sheet'!$A$1+'it''s'!B2") == "MYSHEET!A1+IT'S!B2"
    assert normalise('=IF(A1="it\'s",\'X\'!A1,0)') == 'IF(A1="IT\'S",X!A1,0)'  # a quote inside text is text
    assert normalise("=ROUND(C5 * D5, 0)") == "ROUND(C5*D5,0)"


@pytest.mark.parametrize("formula, why", [
    ("=" + "(" * 150 + "1" + ")" * 150, "nested more than"),
    ("=" + "-" * 500 + "1", "nested more than"),
    ("=" + "+".join(["A1"] * 3000), "longer than"),
    ("=9^9^9^9", "too big"),
])
def test_the_evaluator_is_bounded(formula, why):
    with pytest.raises(NotEvaluable, match=why):
        evaluate(formula, lambda ref: 1)


def test_a_check_with_a_huge_formula_ends_quickly(tmp_path):
    wb = openpyxl.load_workbook(SAMPLES / "consistent-en.xlsx")
    wb["Daily Metrics"]["E5"] = "=" + "'" * 150_000
    wb["Daily Metrics"]["E6"] = "=" + "(" * 3000 + "C6" + ")" * 3000
    src = tmp_path / "long.xlsx"
    wb.save(src)
    started = time.perf_counter()
    result = CliRunner().invoke(cli, ["check", str(src), "--today", "2026-03-20"])
    assert time.perf_counter() - started < 20
    assert result.exit_code in (0, 1) and "internal error" not in result.output, result.output[-500:]
    assert "E5" in result.output and "E6" in result.output
