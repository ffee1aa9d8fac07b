"""The annotated copy on files built to break it (issue 13): non-numeric style attributes,
two sheets of one name, Strict Open XML. Each is a copy or a one-line refusal before the
check runs, never a traceback or a silent "0 cells marked"."""
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from promo_workbook.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TODAY = "2026-03-20"
STRICT = {b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": b"http://purl.oclc.org/ooxml/spreadsheetml/main",
          b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
          b"http://purl.oclc.org/ooxml/officeDocument/relationships"}


def rewrite(src: Path, out: Path, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, change(info.filename, zin.read(info)))
    return out


def check(*args):
    return CliRunner().invoke(cli, ["check", *map(str, args), "--today", TODAY])


def test_a_style_attribute_that_is_not_a_number_is_annotated(tmp_path):
    def bad_styles(name, data):
        if name.startswith("xl/worksheets/sheet"):
            data = re.sub(rb'(<c [^>]*?\bs=")\d+"', rb'\g<1>5x"', data)
            data = re.sub(rb'(<row [^>]*?)>', rb'\1 s="7x" customFormat="1">', data, count=3)
        return data
    src = rewrite(SAMPLES / "mistakes-en.xlsx", tmp_path / "plan.xlsx", bad_styles)
    out = tmp_path / "checked.xlsx"
    result = check(src, "--annotate", out)
    assert result.exit_code == 1, result.output
    assert re.search(r"wrote .*checked\.xlsx \((\d+) cells marked\)", result.output).group(1) != "0"
    with zipfile.ZipFile(out) as copy:  # openpyxl cannot open it (the s="5x" left alone); the zip tells
        assert any(name.startswith("xl/comments") for name in copy.namelist())
        assert copy.testzip() is None


def test_two_sheets_of_one_name_are_refused_before_the_check(tmp_path):
    def twin(name, data):
        if name == "xl/workbook.xml":
            names = re.findall(rb'<sheet [^>]*name="([^"]+)"', data)
            data = data.replace(b'name="' + names[4] + b'"', b'name="' + names[3].upper() + b'"', 1)
        return data
    src = rewrite(SAMPLES / "mistakes-en.xlsx", tmp_path / "plan.xlsx", twin)
    result = check(src, "--annotate", tmp_path / "checked.xlsx")
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert "two sheets are named" in result.output and str(src) in result.output
    assert not (tmp_path / "checked.xlsx").exists()


def test_strict_open_xml_says_it_cannot_be_marked(tmp_path):
    def strict(name, data):
        for old, new in STRICT.items():
            data = data.replace(old, new)
        return data
    src = rewrite(SAMPLES / "mistakes-en.xlsx", tmp_path / "plan.xlsx", strict)
    result = check(src, "--annotate", tmp_path / "checked.xlsx")
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert "Strict Open XML" in result.output and "0 cells marked" not in result.output


@pytest.mark.parametrize("name", ["mistakes-en.xlsx", "consistent-zh-CN.xlsx"])
def test_ordinary_workbooks_pass_the_preflight(tmp_path, name):
    result = check(SAMPLES / name, "--annotate", tmp_path / "c.xlsx")
    assert result.exit_code in (0, 1) and (tmp_path / "c.xlsx").exists(), result.output


@pytest.mark.parametrize("part", ["xl/_rels/workbook.xml.rels", "_rels/.rels", "xl/workbook.xml"])
def test_a_damaged_package_is_the_readers_to_name_not_an_internal_error(tmp_path, part):
    """Found by bench/fuzz.py --structure --cli: the annotate preflight parsed a damaged part
    before the reader and ended in an internal error (ParseError)."""
    src = rewrite(SAMPLES / "mistakes-en.xlsx", tmp_path / "plan.xlsx",
                  lambda name, data: data[:len(data) // 2] if name == part else data)
    result = check(src, "--annotate", tmp_path / "checked.xlsx")
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert "internal error" not in result.output and str(src) in result.output
