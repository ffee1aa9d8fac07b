"""--annotate (issue 5): a copy of the user's workbook with each finding's cell highlighted and
commented, keeping everything the original had — proved part by part and cell by cell."""
import datetime as dt
import re
import shutil
import warnings
import zipfile
from pathlib import Path

import pytest

from fixtures_injection import finding, injection_plan, rich_workbook, sheet_xml
from promo_workbook.annotator import FILLS, MAX_NOTES, annotate
from promo_workbook.checker import check
from promo_workbook.errors import InputFileError, UsageError
from promo_workbook.checker.render import message
from support.libreoffice import recalculate, requires_libreoffice, to_pdf

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TODAY = dt.date(2026, 3, 20)
pytestmark = pytest.mark.filterwarnings("ignore:Unknown extension is not supported")
NAMES = [f"{kind}-{lang}" for kind in ("example", "consistent", "mistakes") for lang in ("zh-CN", "zh-TW", "en")]
# Parts annotate may rewrite; every other part must come out byte for byte.
EDITABLE = re.compile(r"^(\[Content_Types\]\.xml|xl/styles\.xml|xl/worksheets/(_rels/)?sheet\d+\.xml(\.rels)?|"
                      r"xl/comments\d+\.xml|xl/drawings/vmlDrawing\d+\.vml)$")


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    folder = tmp_path_factory.mktemp("annotated")
    out = {}
    for name in NAMES:
        src = SAMPLES / f"{name}.xlsx"
        report = check(src, today=TODAY)
        result = annotate(src, report.findings, folder / f"{name}.annotated.xlsx", report.lang)
        out[name] = (src, result.path, report)
    return out


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rich")
    src = rich_workbook(folder / "rich.xlsx")
    findings = [
        finding("Data", "B3"),                      # a cell that already has a comment
        finding("Data", "C4", "warning"),           # a formula cell
        finding("Data", "C4", "info"),              # a second finding on the same cell
        finding("Data", "E2", "info"),              # an empty cell in a row that exists
        finding("Data", "Z7"),                      # past the last cell of its row
        finding("Data", "D40"),                     # a row that does not exist
        finding("Data", None, row=5),               # a row, no cell
        finding(None, None),                        # the workbook as a whole
        finding("Empty", "B2", "warning"),          # a sheet with no comments or drawing
    ]
    out = annotate(src, findings, folder / "rich.annotated.xlsx", "en").path
    return src, out, findings


def _cells(path, data_only=False):
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if getattr(c, "value", None) is not None:
                    out[(ws.title, c.coordinate)] = c.value
    wb.close()
    return out


def _parts(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _load(path):
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


def _kept_xml(xml: bytes) -> dict:
    """What must not change in a sheet: validations, conditional formats, extensions, merges, drawings."""
    text = xml.decode("utf-8")
    out = {}
    for tag in ("dataValidations", "conditionalFormatting", "extLst", "mergeCells", "hyperlinks", "drawing",
                "tableParts", "sheetProtection", "autoFilter", "cols", "pageSetup", "headerFooter"):
        out[tag] = re.findall(rf"<{tag}[ >/].*?(?:</{tag}>|/>)", text, re.S)
    return out


# Everything the original had.

@pytest.mark.parametrize("name", NAMES)
def test_every_value_and_formula_is_kept(copies, name):
    src, out, _ = copies[name]
    assert _cells(out) == _cells(src)
    assert _cells(out, data_only=True) == _cells(src, data_only=True)


@pytest.mark.parametrize("name", NAMES)
def test_parts_are_copied_byte_for_byte(copies, name):
    src, out, _ = copies[name]
    before, after = _parts(src), _parts(out)
    assert set(before) <= set(after)
    for part, data in before.items():
        if not EDITABLE.match(part):
            assert after[part] == data, part
    for part, xml in sheet_xml(src).items():
        assert _kept_xml(after[part]) == _kept_xml(xml), part
        assert re.findall(rb"<f[ >].*?</f>|<f[^>]*/>", after[part]) == re.findall(rb"<f[ >].*?</f>|<f[^>]*/>", xml)


def test_charts_images_validations_and_names_are_kept(rich):
    src, out, _ = rich
    before, after = _parts(src), _parts(out)
    for pattern in (r"xl/charts/.*", r"xl/drawings/drawing\d+\.xml", r"xl/drawings/_rels/.*", r"xl/media/.*",
                    r"xl/tables/.*", r"xl/workbook\.xml", r"xl/sharedStrings\.xml", r"xl/theme/.*"):
        names = sorted(n for n in before if re.fullmatch(pattern, n))
        assert names, pattern
        assert sorted(n for n in after if re.fullmatch(pattern, n)) == names
        assert all(after[n] == before[n] for n in names)
    for part, xml in sheet_xml(src).items():
        kept = _kept_xml(after[part])
        assert kept == _kept_xml(xml)
    data = _kept_xml(after["xl/worksheets/sheet1.xml"])
    assert "x14:dataValidation " in data["extLst"][-1] and "D2:D6" in data["extLst"][-1]
    assert len(re.findall(r"<dataValidation ", "".join(data["dataValidations"]))) == 2
    assert _cells(out) == _cells(src)
    assert b'name="Amounts"' in after["xl/workbook.xml"]


def test_legacy_drawing_is_where_the_schema_wants_it(rich):
    _, out, _ = rich
    for part, xml in sheet_xml(out).items():
        children = re.findall(rb"<(\w+)[ />]", xml.split(b"</sheetData>")[1])
        tops = [c.decode() for c in children if c in (b"pageMargins", b"drawing", b"legacyDrawing", b"tableParts",
                                                      b"extLst", b"dataValidations")]
        assert tops.count("legacyDrawing") == 1, part
        order = ["dataValidations", "pageMargins", "drawing", "legacyDrawing", "tableParts", "extLst"]
        assert [t for t in order if t in tops] == sorted(set(tops), key=order.index), part


# The findings.

@pytest.mark.parametrize("name", NAMES)
def test_each_findings_cell_is_highlighted_and_carries_its_comment(copies, name):
    _, out, report = copies[name]
    wb = _load(out)
    rank = {"error": 0, "warning": 1, "info": 2}
    worst = {}
    for f in report.findings:
        if f.sheet and f.cell:
            key = (f.sheet, f.cell)
            worst[key] = min(worst.get(key, "info"), f.severity, key=rank.get)
            comment = wb[f.sheet][f.cell].comment
            assert comment is not None, key
            assert message(f, report.lang) in comment.text
            assert f.code in comment.text
    for (sheet, cell), severity in worst.items():
        assert wb[sheet][cell].fill.fgColor.rgb == FILLS[severity], (sheet, cell)


def test_comments_merge_with_the_sheets_own_and_land_everywhere(rich):
    _, out, findings = rich
    wb = _load(out)
    data = wb["Data"]
    assert data["B3"].comment.text.startswith("An existing comment")
    assert message(findings[0], "en") in data["B3"].comment.text
    c4 = data["C4"].comment.text
    assert "[T161 warning]" in c4 and "[T161 info]" in c4
    assert data["C4"].fill.fgColor.rgb == FILLS["warning"]
    for cell in ("E2", "Z7", "D40", "A5", "A1"):
        assert data[cell].comment is not None, cell
    assert "Workbook: " in data["A1"].comment.text
    assert wb["Empty"]["B2"].comment is not None
    assert wb["Empty"]["B2"].fill.fgColor.rgb == FILLS["warning"]
    assert data["C4"].value == "=B4/SUM($B$2:$B$6)"


def test_nothing_to_say_changes_nothing(tmp_path):
    src = SAMPLES / "consistent-en.xlsx"
    out = annotate(src, [], tmp_path / "copy.xlsx", "en").path
    assert _parts(out) == _parts(src)


def test_comments_are_capped_but_every_cell_is_highlighted(tmp_path):
    src = rich_workbook(tmp_path / "rich.xlsx")
    findings = [finding("Data", f"H{r}", "info") for r in range(1, MAX_NOTES + 501)]
    result = annotate(src, findings, tmp_path / "capped.xlsx", "en")
    assert (result.cells, result.comments, result.skipped) == (MAX_NOTES + 500, MAX_NOTES, 500)


# Safety.

def test_user_text_that_looks_like_a_formula_stays_text(tmp_path):
    plan = injection_plan(tmp_path / "injection.xlsx", "en")
    report = check(plan, today=TODAY)
    out = annotate(plan, report.findings, tmp_path / "injection.annotated.xlsx", "en").path
    for part, xml in sheet_xml(plan).items():
        after = sheet_xml(out)[part]
        assert re.findall(rb"<f[ >].*?</f>|<f[^>]*/>", after) == re.findall(rb"<f[ >].*?</f>|<f[^>]*/>", xml), part
    assert _cells(out) == _cells(plan)


def test_never_writes_over_the_input(tmp_path):
    src = tmp_path / "plan.xlsx"
    shutil.copy(SAMPLES / "mistakes-en.xlsx", src)
    report = check(src, today=TODAY)
    with pytest.raises(UsageError):
        annotate(src, report.findings, src, "en")
    with pytest.raises(UsageError):
        annotate(src, report.findings, tmp_path / "copy.xlsm", "en")
    assert _parts(src) == _parts(SAMPLES / "mistakes-en.xlsx")
    assert not list(tmp_path.glob(".~*"))


def test_a_part_with_a_dtd_is_refused(tmp_path):
    src = SAMPLES / "mistakes-en.xlsx"
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/styles.xml":
                data = data.replace(b"<styleSheet", b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><styleSheet', 1)
            zout.writestr(info, data)
    with pytest.raises(InputFileError):
        annotate(bad, check(src, today=TODAY).findings, tmp_path / "out.xlsx", "en")
    assert not (tmp_path / "out.xlsx").exists()


# Opened by a real application.

@requires_libreoffice
@pytest.mark.libreoffice
def test_the_copies_open_in_libreoffice(copies, rich, tmp_path):
    for path in (copies["mistakes-zh-CN"][1], copies["example-en"][1], rich[1]):
        assert to_pdf(path, tmp_path).stat().st_size > 0


@requires_libreoffice
@pytest.mark.libreoffice
def test_a_workbook_saved_by_libreoffice_is_annotated_too(rich, tmp_path):
    """LibreOffice writes its own comments and VML; ours are added beside them."""
    saved = recalculate(rich[0], tmp_path)
    out = annotate(saved, [finding("Data", "B3"), finding("Data", "E5", "info")], tmp_path / "lo.annotated.xlsx", "en").path
    wb = _load(out)
    assert "An existing comment" in wb["Data"]["B3"].comment.text
    assert "[T161 error]" in wb["Data"]["B3"].comment.text
    assert wb["Data"]["E5"].comment is not None
    assert _cells(out) == _cells(saved)
    assert to_pdf(out, tmp_path / "pdf").stat().st_size > 0


def test_prefixed_namespaces_and_cells_without_references(tmp_path):
    """A sheet written with a namespace prefix, without r= on rows and cells (both valid), and an
    attribute holding '>' and a quote."""
    src = rich_workbook(tmp_path / "rich.xlsx")
    odd = tmp_path / "odd.xlsx"
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<x:sheetData><x:row note="a>b, it\'s"><x:c t="inlineStr"><x:is><x:t>one</x:t></x:is></x:c><x:c><x:v>2</x:v></x:c>'
             '</x:row></x:sheetData><x:pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
             'footer="0.3"/></x:worksheet>').encode()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(odd, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, sheet if info.filename == "xl/worksheets/sheet2.xml" else zin.read(info.filename))
    findings = [finding("Empty", "B1"), finding("Empty", "D1", "warning"), finding("Empty", "C3", "info")]
    out = annotate(odd, findings, tmp_path / "odd.annotated.xlsx", "en").path
    xml = sheet_xml(out)["xl/worksheets/sheet2.xml"].decode()
    assert '<x:c r="D1"' in xml and '<x:row r="3"><x:c r="C3"' in xml and "<x:legacyDrawing " in xml
    assert xml.index("<x:legacyDrawing") > xml.index("<x:pageMargins")
    wb = _load(out)
    assert [[c.value for c in row] for row in wb["Empty"].iter_rows(max_col=2, max_row=1)] == [["one", 2]]
    for cell in ("B1", "D1", "C3"):
        assert wb["Empty"][cell].comment is not None, cell
    assert wb["Empty"]["B1"].fill.fgColor.rgb == FILLS["error"]
    assert _cells(out) == _cells(odd)
