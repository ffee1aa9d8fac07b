"""Tests for tests/support/libreoffice.py, and a record of what LibreOffice 7.4
does to an xlsxwriter workbook on a headless recalculating convert.

Facts pinned here (LibreOffice 7.4.7, openpyxl 3.1):
- with the private profile (OOXMLRecalcMode=0) formulas are recalculated,
  including cross-sheet references to a sheet with a Chinese name and a
  defined name; without it they keep xlsxwriter's cached 0;
- =IF(...,"",...) that yields an empty string is saved as t="str" with an
  empty <v></v>; openpyxl(data_only=True) reads it back as None, not "";
- list data validations (inline, a range on another sheet, and a defined name
  such as =ChannelNames pointing at another, hidden sheet) and conditional
  formats (cellIs, expression, color scale, data bar) survive the convert.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

try:  # works whether or not the repository root itself is on sys.path
    from tests.support import libreoffice as lo
except ImportError:  # pragma: no cover - pytest's rootdir-less "prepend" mode
    from support import libreoffice as lo

requires_libreoffice = lo.requires_libreoffice
requires_pdftoppm = lo.requires_pdftoppm

DETAIL = "活动预算明细表"
CHANNELS = ["抖音", "小红书", "微信", "微博"]


def build_workbook(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Main")
    detail = wb.add_worksheet(DETAIL)
    lists = wb.add_worksheet("Lists")
    datefmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    red = wb.add_format({"bg_color": "#FFC7CE"})

    ws.write_row("A1", ["label", "qty", "price", "total", "date", "next day", "channel", "done"])
    ws.write_number("B2", 3)
    ws.write_number("C2", 4)
    ws.write_formula("D2", "=B2*C2")
    ws.write_formula("D3", "=SUM(D2:D2)")
    ws.write_datetime("E2", dt.datetime(2026, 3, 4), datefmt)
    ws.write_formula("F2", "=E2+1", datefmt)

    detail.write_row("A1", ["项目", "金额"])
    detail.write_row("A2", ["场地", 1000])
    detail.write_row("A3", ["物料", 250.5])
    detail.write_formula("B4", "=SUM(B2:B3)")
    ws.write_formula("D4", f"='{DETAIL}'!B4")
    wb.define_name("TotalBudget", f"='{DETAIL}'!$B$4")
    ws.write_formula("D6", "=TotalBudget*2")
    # B5 and C5 are empty: the IF yields "".
    ws.write_formula("D5", '=IF(OR(B5="",C5=""),"",B5*C5)')

    lists.write_column("A1", CHANNELS)
    lists.hide()
    wb.define_name("ChannelNames", "=Lists!$A$1:$A$4")
    ws.data_validation("G2:G20", {"validate": "list", "source": "=ChannelNames"})
    ws.data_validation("H2:H20", {"validate": "list", "source": ["是", "否"]})
    ws.data_validation("I2:I20", {"validate": "list", "source": "=Lists!$A$1:$A$4"})
    ws.data_validation("B2:C20", {"validate": "decimal", "criteria": ">=", "value": 0})

    ws.conditional_format("D2:D20", {"type": "cell", "criteria": ">", "value": 10, "format": red})
    ws.conditional_format(
        "B2:B20", {"type": "formula", "criteria": '=AND(B2<>"",B2>C2)', "format": red}
    )
    ws.conditional_format("C2:C20", {"type": "3_color_scale"})
    ws.conditional_format("E2:E20", {"type": "data_bar"})

    chart = wb.add_chart({"type": "column"})
    chart.add_series(
        {"categories": f"='{DETAIL}'!$A$2:$A$3", "values": f"='{DETAIL}'!$B$2:$B$3"}
    )
    ws.insert_chart("A10", chart)
    wb.close()
    return path


def load(path: Path, **kw) -> openpyxl.Workbook:
    # LibreOffice writes x14 extensions (data bar) that openpyxl warns about and drops.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(path, **kw)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- pure logic


def test_should_skip_only_when_missing_and_not_ci():
    assert lo.should_skip(None, {}) is True
    assert lo.should_skip(None, {"CI": "false"}) is True
    assert lo.should_skip(None, {"CI": "true"}) is False
    assert lo.should_skip(None, {"CI": "TRUE"}) is False
    assert lo.should_skip("/usr/bin/soffice", {}) is False
    assert lo.should_skip("/usr/bin/soffice", {"CI": "true"}) is False


def test_marker_is_a_skipif_marker():
    assert lo.requires_libreoffice.name == "skipif"
    assert lo.requires_libreoffice.args[0] == lo.should_skip(lo.soffice_path())


def test_recalculate_raises_clearly_without_soffice(tmp_path, monkeypatch):
    src = build_workbook(tmp_path / "w.xlsx")
    monkeypatch.setattr(lo, "soffice_path", lambda: None)
    with pytest.raises(RuntimeError, match="LibreOffice is not installed"):
        lo.recalculate(src, tmp_path / "out")
    with pytest.raises(RuntimeError, match="LibreOffice is not installed"):
        lo.to_pdf(src, tmp_path / "out")


def test_make_profile_sets_recalc_modes(tmp_path):
    url = lo.make_profile(tmp_path / "prof")
    assert url.startswith("file:///")
    xcu = (tmp_path / "prof" / "user" / "registrymodifications.xcu").read_text("utf-8")
    assert '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value>' in xcu
    assert '<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value>' in xcu


# ------------------------------------------------------ needs LibreOffice


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """(source, recalculated output, seconds for one recalculate)."""
    d = tmp_path_factory.mktemp("lo")
    src = build_workbook(d / "budget.xlsx")
    digest = sha256(src)
    start = time.perf_counter()
    out = lo.recalculate(src, d)  # same dir as src on purpose: must not overwrite
    seconds = time.perf_counter() - start
    print(f"\nlibreoffice recalculate: {seconds:.2f} s")
    assert sha256(src) == digest, "source workbook was modified"
    return src, out, seconds


@requires_libreoffice
def test_recalculate_computes_values(converted):
    src, out, seconds = converted
    assert out != src and out.name == "budget.recalc.xlsx" and out.is_file()
    assert seconds < lo.TIMEOUT

    before = load(src, data_only=True)["Main"]
    assert before["D2"].value == 0  # xlsxwriter's cached 0: why we recalculate

    wb = load(out, data_only=True)
    ws = wb["Main"]
    assert ws["D2"].value == 12
    assert ws["D3"].value == 12
    assert ws["D4"].value == pytest.approx(1250.5)  # cross-sheet, Chinese sheet name
    assert wb[DETAIL]["B4"].value == pytest.approx(1250.5)
    assert ws["D6"].value == pytest.approx(2501)  # defined name TotalBudget
    # The IF's "" comes back as None (LibreOffice writes t="str" with empty <v>).
    assert ws["D5"].value is None
    assert ws["E2"].value == dt.datetime(2026, 3, 4)
    assert ws["F2"].value == dt.datetime(2026, 3, 5)
    assert ws["E2"].is_date

    formulas = load(out)["Main"]
    assert formulas["D2"].value == "=B2*C2"
    assert formulas["D6"].value == "=TotalBudget*2"
    assert formulas["D4"].value == f"={DETAIL}!B4"  # quotes dropped, still valid


@requires_libreoffice
def test_validations_and_conditional_formats_survive(converted):
    _, out, _ = converted
    wb = load(out)
    assert wb.defined_names["ChannelNames"].attr_text == "Lists!$A$1:$A$4"
    assert wb.defined_names["TotalBudget"].attr_text == f"{DETAIL}!$B$4"
    assert wb["Lists"].sheet_state == "hidden"

    ws = wb["Main"]
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert set(dvs) == {"G2:G20", "H2:H20", "I2:I20", "B2:C20"}
    assert (dvs["G2:G20"].type, dvs["G2:G20"].formula1) == ("list", "ChannelNames")
    assert (dvs["H2:H20"].type, dvs["H2:H20"].formula1) == ("list", '"是,否"')
    assert (dvs["I2:I20"].type, dvs["I2:I20"].formula1) == ("list", "Lists!$A$1:$A$4")
    assert dvs["B2:C20"].type == "decimal"
    assert dvs["B2:C20"].operator == "greaterThanOrEqual"

    cf = {
        str(rng.sqref): [r.type for r in rules]
        for rng, rules in ws.conditional_formatting._cf_rules.items()
    }
    assert cf == {
        "D2:D20": ["cellIs"],
        "B2:B20": ["expression"],
        "C2:C20": ["colorScale"],
        "E2:E20": ["dataBar"],
    }


@requires_libreoffice
@requires_pdftoppm
def test_pdf_and_pngs(tmp_path):
    src = build_workbook(tmp_path / "budget.xlsx")
    pdf = lo.to_pdf(src, tmp_path / "pdf")
    assert pdf.name == "budget.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    pngs = lo.pdf_to_pngs(pdf, tmp_path / "png", dpi=40)
    assert len(pngs) >= 1
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@requires_libreoffice
def test_parallel_calls_do_not_collide(tmp_path):
    src = build_workbook(tmp_path / "w.xlsx")

    def one(i: int) -> float:
        out = lo.recalculate(src, tmp_path / f"out{i}")
        return load(out, data_only=True)["Main"]["D2"].value

    with ThreadPoolExecutor(max_workers=3) as pool:
        assert list(pool.map(one, range(3))) == [12, 12, 12]
