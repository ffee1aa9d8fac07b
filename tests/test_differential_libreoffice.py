"""What the reader reads against what LibreOffice shows (issue 13), on files LibreOffice saved.

Each case is converted with headless LibreOffice (tests/support/libreoffice.py); the reader's
value of a cell is compared with the cell as LibreOffice shows it."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from promo_workbook.reader import read

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "hostile"))
from support.libreoffice import convert, requires_libreoffice  # noqa: E402

pytestmark = [requires_libreoffice, pytest.mark.libreoffice]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cvr_110(tmp_path_factory) -> dict[str, Path]:
    """The consistent sample with Channels!E5 = 1.1 shown as 110%, saved by LibreOffice as
    .ods and .xls."""
    import openpyxl

    folder = tmp_path_factory.mktemp("cvr")
    wb = openpyxl.load_workbook(ROOT / "samples" / "consistent-en.xlsx")
    cell = wb["Channels"]["E5"]
    cell.value, cell.number_format = 1.1, "0%"
    src = folder / "cvr.xlsx"
    wb.save(src)
    return {"xlsx": src, **{fmt: convert(src, folder, fmt) for fmt in ("ods", "xls")}}


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_a_percentage_over_100_is_not_divided_again(cvr_110, fmt):
    cell = read(cvr_110[fmt]).table("channels").rows[0]["expected_cvr"]
    assert cell.value == pytest.approx(1.1) and "percent-scale" not in cell.warnings


def test_blank_template_rows_of_an_xls_are_no_phantom_rows(cvr_110):
    """LibreOffice stores 0 for the "" a formula gives in a blank row: those rows are not data."""
    xlsx, xls = read(cvr_110["xlsx"]), read(cvr_110["xls"])
    assert {k: len(t.rows) for k, t in xls.tables.items()} == {k: len(t.rows) for k, t in xlsx.tables.items()}


# Every table cell the reader reads equals what LibreOffice shows (tests/support/differential.py).

SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))


def _differences(path: Path, tmp_path: Path):
    from support.differential import compare, lo_sheets
    from support.libreoffice import to_csv_sheets

    return compare(read(path), lo_sheets(to_csv_sheets(path, tmp_path, shown=False)))


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_samples_read_as_libreoffice_shows_them(path, tmp_path):
    bad, counts = _differences(path, tmp_path)
    assert not bad, "\n".join(bad[:20])
    assert counts["compared"] > 50


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
@pytest.mark.parametrize("name", ["consistent-zh-CN", "mistakes-en"])
def test_libreoffice_saved_copies_read_as_libreoffice_shows_them(name, fmt, tmp_path):
    saved = convert(ROOT / "samples" / f"{name}.xlsx", tmp_path, fmt)
    bad, counts = _differences(saved, tmp_path)
    assert not bad, "\n".join(bad[:20])
    assert counts["compared"] > 50


# backslash-parts is left out: LibreOffice 7.4 does not open it ("source file could not be
# loaded"); test_reader_formats compares it with the sample it was made from instead.
@pytest.mark.parametrize("case", ["dotdot-targets", "annotated-copy"])
def test_valid_hostile_cases_read_as_libreoffice_shows_them(case, tmp_path):
    import build_corpus
    import reading_cases

    make = dict(zip(reading_cases.NAMES, reading_cases.CASES))[case]
    built = make(tmp_path, build_corpus)
    bad, counts = _differences(built.path, tmp_path)
    assert not bad, "\n".join(bad[:20])
    assert counts["compared"] > 50
