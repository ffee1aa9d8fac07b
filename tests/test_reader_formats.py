"""How a package is read (issue 13): part names and targets resolved as Excel does, ambiguous
packages refused, python-calamine fed only what was scanned, inputs that are not plans named
for what they are. Built by the hostile corpus' reading cases, run through the CLI."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from promo_workbook.cli import cli
from promo_workbook.reader import read

sys.path.insert(0, str(Path(__file__).parent / "hostile"))
import build_corpus  # noqa: E402
import reading_cases  # noqa: E402

SAMPLE = build_corpus.SAMPLE


def _check(path: Path):
    return CliRunner().invoke(cli, ["check", str(path)], catch_exceptions=False)


def _rows(plan) -> dict:
    return {key: [row.to_dict() for row in table.rows] for key, table in plan.tables.items()}


@pytest.mark.parametrize("make", [reading_cases.backslash_parts, reading_cases.dotdot_targets,
                                  reading_cases.strict_open_xml])
def test_valid_part_names_and_targets_read_the_same_values(tmp_path, make):
    case = make(tmp_path, build_corpus)
    assert _rows(read(case.path)) == _rows(read(SAMPLE))


@pytest.mark.parametrize("make", [reading_cases.backslash_twin, reading_cases.many_far_cells,
                                  reading_cases.second_workbook, reading_cases.damaged_sheet,
                                  reading_cases.summary_workbook])
def test_ambiguous_damaged_or_foreign_packages_are_refused_in_one_line(tmp_path, make):
    import re

    case = make(tmp_path, build_corpus)
    result = _check(case.path)
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert str(case.path) in lines[0] and re.search(case.problem, lines[0]), lines[0]


@pytest.mark.parametrize("make", [build_corpus._huge_dimension, reading_cases.backslash_far_cell])
def test_one_stray_cell_at_xfd1048576_is_read_sparse(tmp_path, make):
    """The cell limit counts the cells present: the far cell is left out of the grid and noted."""
    case = make(tmp_path) if make is build_corpus._huge_dimension else make(tmp_path, build_corpus)
    plan = read(case.path)
    assert _rows(plan) == _rows(read(SAMPLE))
    assert any("XFD1048576" in note and "far from the rest" in note for note in plan.notes)


@pytest.mark.parametrize("make", [build_corpus._no_templates, build_corpus._empty_workbook])
def test_a_workbook_without_any_table_is_not_taken_for_a_plan(tmp_path, make):
    case = make(tmp_path)
    result = _check(case.path)
    assert result.exit_code == 2
    assert f"no table of the planning toolkit in {case.path.name} (sheets: " in result.output
    assert "is this a promo-workbook plan?" in result.output


def test_an_annotated_copy_reads_as_its_plan_with_a_note(tmp_path):
    case = reading_cases.annotated_copy(tmp_path, build_corpus)
    plan = read(case.path)
    assert _rows(plan) == _rows(read(SAMPLE))
    assert any("annotated copy" in note for note in plan.notes)


def test_a_plan_the_tool_wrote_without_its_metadata_is_no_summary(tmp_path):
    """The summary is known by its title as well as the tool's mark, which plans carry too."""
    import zipfile

    out = tmp_path / "no-meta.xlsx"
    with zipfile.ZipFile(SAMPLE) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b'name="_meta"', b'name="notmeta"')
            zout.writestr(info, data)
    assert read(out).tables


# Header-matched tables (no metadata): every row up to the next real header.

def _without_meta(tmp_path, edit) -> Path:
    import openpyxl

    wb = openpyxl.load_workbook(build_corpus.ROOT / "samples" / "consistent-en.xlsx")
    del wb["_meta"]
    edit(wb)
    out = tmp_path / "no-meta.xlsx"
    wb.save(out)
    return out


def test_a_competitor_named_total_is_a_data_row(tmp_path):
    def edit(wb):
        ws = wb["Competitors"]
        ws["A6"] = "Total"          # a retailer's name, in the middle of the table

    table = read(_without_meta(tmp_path, edit)).table("competitors")
    assert [r.number for r in table.rows] == [5, 6, 7] and table.totals_row is None
    assert table.rows[1]["competitor"].raw == "Total"


def test_a_last_total_row_whose_figures_are_not_sums_is_data(tmp_path):
    def edit(wb):
        ws = wb["Budget"]
        ws["A12"], ws["C12"], ws["E12"] = "Total", 1, 5   # a line item called Total, 1 x 5

    table = read(_without_meta(tmp_path, edit)).table("budget")
    assert 12 in [r.number for r in table.rows]


def test_a_real_totals_row_ends_the_table(tmp_path):
    def edit(wb):
        ws = wb["Budget"]
        for n in range(12, 21):
            for col in "ABCDEFGHIJ":
                ws[f"{col}{n}"] = None
        ws["A12"] = "Total"
        ws["F12"] = "=SUM(F5:F11)"

    table = read(_without_meta(tmp_path, edit)).table("budget")
    assert table.totals_row == 12 and [r.number for r in table.rows] == list(range(5, 12))


def test_a_one_cell_row_naming_a_table_is_data_unless_it_heads_the_next_table(tmp_path):
    def edit(wb):
        ws = wb["Competitors"]
        ws.insert_rows(6)
        ws["F6"] = "Budget Detail"   # a note naming a table, alone on its row, mid-table

    table = read(_without_meta(tmp_path, edit)).table("competitors")
    assert [r.number for r in table.rows] == [5, 6, 7, 8]


# Number formats: a percentage shown as 110% is 1.1, whatever the file type or attribute order.

def _with_cvr(tmp_path, value, fmt) -> Path:
    import openpyxl

    wb = openpyxl.load_workbook(build_corpus.ROOT / "samples" / "consistent-en.xlsx")
    cell = wb["Channels"]["E5"]
    cell.value, cell.number_format = value, fmt
    out = tmp_path / "cvr.xlsx"
    wb.save(out)
    return out


def test_style_before_address_still_finds_the_number_format(tmp_path):
    import re
    import zipfile

    path = _with_cvr(tmp_path, 1.1, "0%")
    swapped = tmp_path / "swapped.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(swapped, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<c r="([A-Z]+[0-9]+)" s="([0-9]+)"', rb'<c s="\2" r="\1"', data)
            zout.writestr(info, data)
    for book in (path, swapped):
        cell = read(book).table("channels").rows[0]["expected_cvr"]
        assert cell.value == pytest.approx(1.1) and "percent-scale" not in cell.warnings, book.name
    # The fast formula scan vouches for the address-first layout, which lets the style scan skip
    # its own check; the swapped part is read by the slow scan, and the style scan checks.
    from promo_workbook.reader.scan import scan_formulas
    from promo_workbook.reader.xmlchunks import scan_styles

    part = "xl/worksheets/sheet9.xml"
    with zipfile.ZipFile(path) as plain, zipfile.ZipFile(swapped) as odd:
        assert scan_formulas(plain, part).addressed and not scan_formulas(odd, part).addressed
        assert scan_styles(plain, part, {4}, addressed=True) == scan_styles(plain, part, {4}) \
            == scan_styles(odd, part, {4}) != {}


def test_cells_an_array_formula_fills_are_no_constants(tmp_path):
    """<f t="array" ref="E5:E7"> on E5 and values only in E6:E7 (how Excel writes an array
    formula or a spill): E6 and E7 hold E5's formula, not constants typed over the column's."""
    import re
    import zipfile

    from promo_workbook.checker import check

    src = build_corpus.ROOT / "samples" / "consistent-en.xlsx"
    out = tmp_path / "array.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet9.xml":  # Channels
                data = re.sub(rb'<c r="E5" s="41"><f>[^<]*</f><v />', b'<c r="E5" s="41"><f t="array" ref="E5:E7">'
                              b'IF(OR(D5:D7="",N(C5:C7)=0),"",D5:D7/C5:C7)</f><v>0.01</v>', data)
                data = re.sub(rb'<c r="E([67])" s="41"><f>[^<]*</f><v />', rb'<c r="E\1" s="41"><v>0.01</v>', data)
            zout.writestr(info, data)
    cells = read(out).table("channels").rows
    assert [row["expected_cvr"].formula for row in cells] == ['=IF(OR(D5:D7="",N(C5:C7)=0),"",D5:D7/C5:C7)'] * 3
    assert not [f for f in check(out).findings if f.code == "F131"]


def test_backslash_parts_whose_number_formats_are_looked_up_late(tmp_path):
    """A cell whose meaning needs its number format (a percent typed 3.2) is looked up after the
    package was closed, in a zip opened again: its backslash-named part is still found there
    (the fuzz run's KeyError 'There is no item named xl/worksheets/sheetN.xml')."""
    import json

    mistakes = Path(build_corpus.SAMPLE).parent / "mistakes-zh-TW.xlsx"
    parts = [(name.replace("/", "\\") if name.startswith("xl/worksheets/") else name, data)
             for name, data in build_corpus._parts(mistakes.read_bytes())]
    path = build_corpus._zip(tmp_path / "backslash-mistakes.xlsx", parts)
    runner = CliRunner()
    ours = runner.invoke(cli, ["check", str(path), "--format", "json", "--today", "2026-03-20"])
    theirs = runner.invoke(cli, ["check", str(mistakes), "--format", "json", "--today", "2026-03-20"])
    assert ours.exit_code == theirs.exit_code == 1, ours.output[-500:]
    assert json.loads(ours.output)["findings"] == json.loads(theirs.output)["findings"]
