""".xlsb number formats (issue 13): python-calamine gives an .xlsb cell's number only, so a
percentage of 100% or more shown as such (110%, stored 1.1) was taken for the percent-scale slip
and divided by 100. The fixture (tests/fixtures/xlsb/README.md) is the consistent sample saved
by SheetJS as .xlsb with Channels!E5 = 110% ("0%"), E6 = 250.0% ("0.0%") and E7 = 3.2 (General)
in the expected-conversion-rate column."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from promo_workbook.cli import cli
from promo_workbook.reader import read

XLSB = Path(__file__).parent / "fixtures" / "xlsb" / "percent-formats.xlsb"


def _cvr(path: Path):
    return [row["expected_cvr"] for row in read(path).table("channels").rows[:3]]


def test_percentages_of_100_or_more_keep_their_value():
    e5, e6, _ = _cvr(XLSB)
    assert e5.value == pytest.approx(1.1) and "percent-scale" not in e5.warnings
    assert e6.value == pytest.approx(2.5) and "percent-scale" not in e6.warnings


def test_a_general_number_over_1_is_still_the_percent_scale_slip():
    e7 = _cvr(XLSB)[2]
    assert e7.value == pytest.approx(0.032) and "percent-scale" in e7.warnings


def test_other_percent_cells_read_as_before():
    shares = [row["budget_share"].value for row in read(XLSB).table("channels").rows]
    assert shares[:3] == [pytest.approx(0.4), pytest.approx(0.3), pytest.approx(0.2)]


def _with_styles(tmp_path: Path, name: str, change) -> Path:
    out = tmp_path / f"{name}.xlsb"
    with zipfile.ZipFile(XLSB) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, change(data) if info.filename == "xl/styles.bin" else data)
    return out


# Damaged styles.bin that python-calamine still reads: the values stand, without formats from
# the damage on (a record type longer than 2 bytes; a record larger than the part).
NO_FORMATS = {
    "type-too-long": lambda data: b"\xff\xff\xff" + data,
    "size-past-the-part": lambda data: b"\x2f\xff\xff\xff\x7f" + data,
}
# ... or after the formats: those read before the damage count.
FORMATS_KEPT = {
    "cut-record-at-the-end": lambda data: data + b"\x2f\xff\xff\xff\x7f",
    "cut-header-at-the-end": lambda data: data + b"\xff\xff\xff",
}


@pytest.mark.parametrize("name", sorted(NO_FORMATS))
def test_a_damaged_styles_part_gives_no_formats_not_a_crash(tmp_path, name):
    cells = _cvr(_with_styles(tmp_path, name, NO_FORMATS[name]))
    assert [c.value for c in cells] == [pytest.approx(0.011), pytest.approx(0.025), pytest.approx(0.032)]


@pytest.mark.parametrize("name", sorted(FORMATS_KEPT))
def test_damage_after_the_formats_keeps_them(tmp_path, name):
    cells = _cvr(_with_styles(tmp_path, name, FORMATS_KEPT[name]))
    assert [c.value for c in cells] == [pytest.approx(1.1), pytest.approx(2.5), pytest.approx(0.032)]


@pytest.mark.parametrize("change", [lambda data: data[:len(data) // 2], lambda data: bytes(len(data)),
                                    lambda data: b""], ids=["cut-in-half", "zeros", "empty"])
def test_a_styles_part_calamine_refuses_is_one_line(tmp_path, change):
    path = _with_styles(tmp_path, "refused", change)
    result = CliRunner().invoke(cli, ["check", str(path)], catch_exceptions=False)
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and str(path) in lines[0], result.output


# A number far from the rest (XFD1048576) in a sheet part: python-calamine builds the sheet as
# a dense grid up to it and aborts the process (SIGABRT, a Rust backtrace) when it cannot.

def _record(kind: int, body: bytes) -> bytes:
    def varint(n: int) -> bytes:
        out = bytearray()
        while True:
            out.append((n & 0x7F) | (0x80 if n >> 7 else 0))
            n >>= 7
            if not n:
                return bytes(out)
    return varint(kind) + varint(len(body)) + body


def _with_far_cell(tmp_path: Path, cell_kind: int, value: bytes, cell: bytes | None = None) -> Path:
    import struct

    row = _record(0, struct.pack("<IIHBBBI", 1048575, 0, 300, 0, 0, 0, 0))   # BrtRowHdr
    cell = cell or _record(cell_kind, struct.pack("<II", 16383, 0) + value)   # column XFD, style 0
    end = _record(146, b"")                                                    # BrtEndSheetData
    out = tmp_path / f"far-{cell_kind}.xlsb"
    with zipfile.ZipFile(XLSB) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet9.bin":  # Channels
                assert data.count(end) == 1
                data = data.replace(end, row + cell + end)
            zout.writestr(info.filename, data)
    return out


def _check_in_a_process(path: Path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "promo_workbook", "check", str(path)],
                            capture_output=True, text=True, timeout=60)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr[-2000:]
    assert str(path) in lines[0]
    return lines[0]


def test_a_number_at_xfd1048576_is_refused_in_one_line_not_a_crash(tmp_path):
    import struct

    path = _with_far_cell(tmp_path, 5, struct.pack("<d", 1.5))  # BrtCellReal
    assert "max_cells" in _check_in_a_process(path)


def test_a_cell_record_too_short_for_its_column_is_a_damaged_sheet(tmp_path):
    """A 4-byte number cell (BrtCellReal holds 16) whose bytes say column 50,331,648, after a
    long row record: python-calamine reads the rest of the cell from the bytes the row left in
    its buffer and aborts the process building the grid (found by mutating the fixture)."""
    import struct

    long_row = _record(0, struct.pack("<IIHBBBIII", 1048575, 0, 300, 0, 0, 0, 1, 0, 7) + bytes(39))
    path = _with_far_cell(tmp_path, 5, b"", cell=long_row + _record(5, b"\x00\x00\x00\x03"))
    assert "sheet 'Channels' is damaged" in _check_in_a_process(path)


def test_a_blank_styled_cell_at_xfd1048576_counts_nothing(tmp_path):
    """python-calamine leaves blank cells (BrtCellBlank) out of its grid: nothing to refuse."""
    e5 = _cvr(_with_far_cell(tmp_path, 1, b""))[0]
    assert e5.value == pytest.approx(1.1)
