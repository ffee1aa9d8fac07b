"""The generator's worksheet class writes every formula exactly as xlsxwriter would, faster."""
import openpyxl
import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from promo_workbook import new_workbook
from promo_workbook.writer.worksheet import PlainFormulaWorksheet


def _both(formula):
    plain, usual = PlainFormulaWorksheet(), Worksheet()
    return plain._prepare_formula(formula), usual._prepare_formula(formula)


@pytest.fixture(scope="module")
def template_formulas(tmp_path_factory):
    """Every formula the generator writes, in each language."""
    out = set()
    for lang in ("zh-CN", "zh-TW", "en"):
        path = new_workbook(tmp_path_factory.mktemp(lang) / "p.xlsx", lang=lang, example=True)
        for ws in openpyxl.load_workbook(path).worksheets:
            for row in ws.iter_rows():
                out.update(c.value for c in row if isinstance(c.value, str) and c.value.startswith("="))
    return sorted(out)


def test_every_template_formula_is_written_as_xlsxwriter_writes_it(template_formulas):
    assert len(template_formulas) > 100
    for formula in template_formulas:
        mine, theirs = _both(formula)
        assert mine == theirs, formula


@pytest.mark.parametrize("formula", [
    "=FILTER(A1:A9,B1:B9>0)", "=XLOOKUP(A1,B:B,C:C)", "{=SORT(A1:A9)}", "=SUM(A1:A9)+UNIQUE(B1:B9)",
    "=IF(A1>0,SEQUENCE(3),0)", "=_xlfn.XLOOKUP(A1,B:B,C:C)", "=sum(a1:a3)", "=LAMBDA(x,x+1)(2)",
    "=XSINGLE(A1)", "=MAP(A1:A3,LAMBDA(v,v*2))", "=\"FILTER(\"&A1",
])
def test_newer_functions_are_still_prefixed(formula):
    mine, theirs = _both(formula)
    assert mine == theirs


def test_a_workbook_can_use_the_class(tmp_path):
    wb = xlsxwriter.Workbook(str(tmp_path / "w.xlsx"))
    ws = wb.add_worksheet("x", worksheet_class=PlainFormulaWorksheet)
    ws.write_formula(0, 0, "=FILTER(B1:B3,B1:B3>1)")
    ws.write_formula(1, 0, "=SUM(B1:B3)")
    wb.close()
    ws = openpyxl.load_workbook(tmp_path / "w.xlsx")["x"]
    first = ws["A1"].value  # a dynamic-array function: xlsxwriter writes it as an array formula
    assert "_xlfn._xlws.FILTER" in getattr(first, "text", first) and ws["A2"].value == "=SUM(B1:B3)"
