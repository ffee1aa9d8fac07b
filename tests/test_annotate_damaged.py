"""The annotated copy of damaged workbooks the reader still reads (cases found by bench/fuzz.py):
a copy when the damage does not stop it, else a one-line InputFileError naming the file."""
import re
import zipfile
from pathlib import Path

import pytest

from promo_workbook.annotator import annotate
from promo_workbook.checker import check
from promo_workbook.errors import InputFileError

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _rewrite(src: Path, dst: Path, part_pattern: str, edit) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if re.fullmatch(part_pattern, info.filename):
                data = edit(data)
            zout.writestr(info, data)
    return dst


def _annotated(path: Path, tmp_path: Path):
    report = check(path)
    assert report.findings, "the case needs findings to annotate"
    return annotate(path, report.findings, tmp_path / "out.xlsx", report.lang)


def test_styles_without_cell_formats(tmp_path):
    path = _rewrite(SAMPLES / "mistakes-en.xlsx", tmp_path / "in.xlsx", r"xl/styles\.xml",
                    lambda d: re.sub(rb"<cellXfs[^>]*>.*?</cellXfs>", b'<cellXfs count="0"></cellXfs>', d, flags=re.S))
    done = _annotated(path, tmp_path)  # a copy: nothing in the damage stops the annotation
    assert done.cells > 0
    with zipfile.ZipFile(done.path) as zf:  # the input's cells point past its empty cellXfs, so no app
        styles = zf.read("xl/styles.xml")   # would open either file; the highlight styles are there
    assert re.search(rb"<cellXfs[^>]*>\s*<xf [^>]*applyFill=\"1\"", styles)


def test_a_cell_whose_reference_is_not_an_address(tmp_path):
    def damage(data: bytes) -> bytes:
        return re.sub(rb'<c r="B(\d+)"', rb'<c r="B"', data, count=1)

    path = _rewrite(SAMPLES / "mistakes-en.xlsx", tmp_path / "in.xlsx", r"xl/worksheets/sheet\d+\.xml", damage)
    # python-calamine cannot read such a sheet: the file is refused naming it (issue 13), before any copy
    with pytest.raises(InputFileError, match=r"sheet '.+' is damaged"):
        _annotated(path, tmp_path)


@pytest.mark.parametrize("declaration", [b'<?xml version="1.0" encoding="bogus"?>'])
def test_an_unknown_declared_encoding(tmp_path, declaration):
    path = _rewrite(SAMPLES / "mistakes-en.xlsx", tmp_path / "in.xlsx", r"xl/worksheets/sheet\d+\.xml",
                    lambda d: declaration + d[d.index(b"<worksheet"):])
    with pytest.raises(InputFileError, match=re.escape(str(path))):
        _annotated(path, tmp_path)
