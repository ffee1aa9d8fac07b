"""`promo-workbook export`: JSON and CSV, Chinese intact, user text never a formula in the CSV."""
import csv
import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from promo_workbook.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_json_to_stdout():
    result = CliRunner().invoke(cli, ["export", str(SAMPLES / "consistent-zh-CN.xlsx")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["language"] == "zh-CN"
    budget = data["tables"]["budget"]
    assert budget["rows"][0]["cells"]["item"]["value"] == "渠道投放"
    assert budget["rows"][0]["cells"]["quantity"]["value"] == 500


def test_json_to_a_file_never_over_the_input(tmp_path):
    src = tmp_path / "plan.xlsx"
    src.write_bytes((SAMPLES / "consistent-en.xlsx").read_bytes())
    result = CliRunner().invoke(cli, ["export", str(src), "--out", str(src)])
    assert result.exit_code == 2 and "refusing to write over the input" in result.output
    assert src.read_bytes() == (SAMPLES / "consistent-en.xlsx").read_bytes()
    out = tmp_path / "plan.json"
    assert CliRunner().invoke(cli, ["export", str(src), "--out", str(out)]).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["tables"]["goals"]["rows"][1]["cells"]["metric"]["value"]


def test_csv_one_file_per_table_with_bom(tmp_path):
    result = CliRunner().invoke(cli, ["export", str(SAMPLES / "consistent-zh-TW.xlsx"), "--format", "csv",
                                      "--out", str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (tmp_path / "csv").iterdir())
    assert len(files) == 16 and files[6] == "07-budget.csv"
    raw = (tmp_path / "csv" / "07-budget.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0]["item"] == "渠道投放" and rows[0]["quantity"] == "500"


def test_csv_defuses_formula_like_text(tmp_path):
    src = tmp_path / "inject.xlsx"
    wb = openpyxl.load_workbook(SAMPLES / "consistent-en.xlsx")
    ws = wb["Feedback"]
    ws["B5"].value = '=HYPERLINK("http://example.invalid","click")'
    ws["B5"].data_type = "s"
    ws["D5"].value = "@SUM(1)"
    wb.save(src)
    assert CliRunner().invoke(cli, ["export", str(src), "--format", "csv", "--out", str(tmp_path / "o")]).exit_code == 0
    rows = list(csv.DictReader((tmp_path / "o" / "13-feedback.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0]["content"].startswith("'=HYPERLINK") and rows[0]["action"] == "'@SUM(1)"


def test_unreadable_file_is_one_line_exit_2(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    result = CliRunner().invoke(cli, ["export", str(bad)])
    assert result.exit_code == 2
    assert "bad.xlsx" in result.output and "Traceback" not in result.output


def test_json_export_streams_a_row_at_a_time_and_writes_what_json_dumps_writes():
    """Issue 13: the whole document was one string (200,000 daily rows: 4.8 GB peak; streamed:
    0.23 GB). The streamed text is byte for byte json.dumps(plan.to_dict(), indent=2)."""
    import io

    from promo_workbook import export
    from promo_workbook.reader import read

    for name in ("consistent-zh-CN.xlsx", "mistakes-en.xlsx"):
        plan = read(SAMPLES / name)
        out = io.StringIO()
        export.stream_json(plan, out)
        assert out.getvalue() == json.dumps(plan.to_dict(), ensure_ascii=False, indent=2) + "\n"
        built = []
        rows = plan.to_dict(lazy=True)["tables"]["daily"]["rows"]
        for row in rows:  # made as they are reached, not held
            built.append(type(row))
        assert len(built) == len(plan.table("daily").rows) and not list.__len__(rows)
