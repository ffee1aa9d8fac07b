"""Bounded work on hostile formulas (issue 13): the normaliser is linear, the evaluator has
a length and a depth bound; a check of such a file ends quickly with findings, not a hang
or an internal error."""
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from promo_workbook.checker.evaluate import NotEvaluable, evaluate, normalise
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


@pytest.mark.parametrize("formula", [
    '=IF(OR(C5="",D5=""),"",ROUND(C5*D5,0))', "=SUM($C$5:C5)/'Daily Metrics'!$B$2", "=A:A+3:3+B$7+$C8",
    "=my_name*2+Sheet2!A1:B2", '="A1"&B1', "=", "=A1", "=-XFD1048576+A1", "={1,2;3,4}*A1",
])
@pytest.mark.parametrize("rows, cols", [(0, 1), (1, 0), (57, 0), (199_999, 2), (-3, 0)])
def test_shared_formulas_translate_as_openpyxl_does(formula, rows, cols):
    """Each shared group is tokenised once; every cell's text is what openpyxl's Translator
    gives for the whole formula (the reader's old way, one Translator per cell)."""
    from openpyxl.formula.translate import Translator

    from promo_workbook.reader.scan import SheetFormulas

    found = SheetFormulas()
    found.shared[b"0"] = (10, 2, formula[1:].encode())
    dest = (10 + rows, 2 + cols)
    try:
        want = Translator(formula, origin="C10").translate_formula(
            f"{openpyxl.utils.get_column_letter(dest[1] + 1)}{dest[0]}")
    except Exception:  # noqa: BLE001
        want = formula
    assert found._shared(b"0", dest[1], dest[0]) == want
