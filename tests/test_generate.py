"""The generated workbook's structure: sheets, formulas, validation, metadata, determinism."""
import datetime as dt
import hashlib

import openpyxl
import pytest

import promo_workbook
from promo_workbook.layout import HEADER_ROW, plan_layout
from promo_workbook.spec import load_spec
from promo_workbook.writer.tables import column_width, wrapped_lines

LANGS = ("zh-CN", "zh-TW", "en")


@pytest.fixture(scope="module")
def spec():
    return load_spec()


def _open(path):
    return openpyxl.load_workbook(path)  # formulas as text, validations parsed


@pytest.mark.parametrize("lang", LANGS)
def test_sheets_cover_guide_dashboard_and_sixteen_tables(example_books, spec, lang):
    wb = _open(example_books[lang])
    names = wb.sheetnames
    expected = [spec.workbook["sheets"][k](lang) for k in ("cover", "guide", "dashboard")]
    expected += [t.sheet(lang) for t in spec.tables] + [spec.accepted.sheet(lang), "_lists", "_meta"]
    assert names == expected
    assert wb["_lists"].sheet_state == "hidden" and wb["_meta"].sheet_state == "hidden"
    for table in spec.tables:
        ws = wb[table.sheet(lang)]
        headers = [c.value for c in ws[HEADER_ROW + 1]][: len(table.columns)]
        assert headers == [c.label(lang) for c in table.columns]


@pytest.mark.parametrize("lang", LANGS)
def test_every_derived_cell_is_a_formula(example_books, spec, lang):
    wb = _open(example_books[lang])
    layouts = plan_layout(spec, lang, example=True)
    for key, tl in layouts.items():
        ws = wb[tl.block.sheet]
        for col in tl.table.columns:
            letter = openpyxl.utils.get_column_letter(tl.block.columns[col.key] + 1)
            for row in range(tl.block.first_row + 1, tl.block.last_row + 2):
                value = ws[f"{letter}{row}"].value
                if col.derived or (col.link and col.key not in _example_keys(tl.table, row - tl.block.first_row - 1)):
                    assert isinstance(value, str) and value.startswith("="), (key, col.key, row, value)
        if tl.table.totals:
            for col_key in tl.table.totals.cells:
                letter = openpyxl.utils.get_column_letter(tl.block.columns[col_key] + 1)
                assert str(ws[f"{letter}{tl.block.totals_row + 1}"].value).startswith("=")


def _example_keys(table, index):
    return set(table.example[index]) if index < len(table.example) else set()


def test_formulas_use_plain_references_and_shared_functions(example_books):
    allowed = {"SUM", "SUMIF", "SUMIFS", "COUNTIF", "COUNTIFS", "COUNTA", "IF", "IFERROR", "AND", "OR", "ROUND",
               "MIN", "MAX", "AVERAGE", "INDEX", "MATCH", "TODAY", "N", "TEXT", "ISNUMBER"}
    import re

    wb = _open(example_books["zh-CN"])
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    assert "[" not in c.value and "#This Row" not in c.value, c.value
                    seen |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", c.value))
    assert seen <= allowed, seen - allowed
    assert {"SUM", "IF", "SUMIF", "ROUND"} <= seen


@pytest.mark.parametrize("lang", LANGS)
def test_every_input_column_is_validated_with_a_prompt(blank_books, spec, lang):
    wb = _open(blank_books[lang])
    layouts = plan_layout(spec, lang)
    for key, tl in layouts.items():
        ws = wb[tl.block.sheet]
        rules = {}
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                rules[rng.min_col - 1] = dv
        for col in tl.table.columns:
            if col.derived or col.link or col.kind == "text":
                continue
            dv = rules.get(tl.block.columns[col.key])
            assert dv is not None, (key, col.key)
            assert dv.showInputMessage and dv.prompt, (key, col.key)
            assert dv.showErrorMessage and dv.error
            expected = {"dropdown": "list", "number": "decimal", "money": "decimal", "percent": "decimal",
                        "date": "custom" if col.dates == "campaign" else "date"}[col.kind]
            assert dv.type == expected, (key, col.key, dv.type)
            if col.kind == "percent":
                assert (dv.formula1, dv.formula2) == ("0", "1")
            if col.kind == "date" and col.dates == "campaign":
                assert "CampaignStart" in dv.formula1 and "CampaignEnd" in dv.formula1


def test_prompts_are_in_the_workbook_language(blank_books):
    for lang, word in (("zh-CN", "请"), ("zh-TW", "請"), ("en", "Enter")):
        ws = _open(blank_books[lang])["_lists"].parent.worksheets[3 + 6]  # the budget sheet
        prompts = [dv.prompt for dv in ws.data_validations.dataValidation if dv.prompt]
        assert prompts and any(word in p for p in prompts), (lang, prompts)


def test_channel_dropdowns_follow_the_channel_plan(blank_books, spec):
    wb = _open(blank_books["en"])
    ws = wb[spec.table("daily").sheet("en")]
    sources = {dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert "ChannelNames" in sources
    assert "ChannelNames" in wb.defined_names
    assert "Channels" in wb.defined_names["ChannelNames"].attr_text


def test_defined_names_for_the_cover(blank_books):
    wb = _open(blank_books["zh-CN"])
    for name in ("CampaignStart", "CampaignEnd", "TotalBudget", "CampaignName"):
        assert wb.defined_names[name].attr_text.startswith("'封面'!$C$")


def test_metadata_points_at_every_table(example_books, spec):
    wb = _open(example_books["zh-TW"])
    meta = wb["_meta"]
    assert [meta.cell(r, 2).value for r in range(1, 4)] == ["promo-workbook", 1, "zh-TW"]
    for n, table in enumerate(spec.tables):
        row = 9 + n
        assert meta.cell(row, 1).value == table.number
        assert meta.cell(row, 3).value == f"='{table.sheet('zh-TW')}'!$A$4"


def test_example_fills_the_seed_values(example_books, spec):
    wb = _open(example_books["zh-CN"])
    budget = wb[spec.table("budget").sheet("zh-CN")]
    assert [budget.cell(r, 1).value for r in range(5, 9)] == ["渠道投放", "物料制作", "人员成本", "风险备用金"]
    assert [budget.cell(r, 5).value for r in range(5, 9)] == [20000, 3000, 300, 10000]
    rhythm = wb[spec.table("rhythm").sheet("zh-CN")]
    assert rhythm["C5"].value == dt.datetime(2026, 3, 1) and rhythm["D7"].value == dt.datetime(2026, 3, 15)
    goals = wb[spec.table("goals").sheet("zh-CN")]
    assert goals["F5"].value == "≤50元/人" or goals["C6"].value == 50
    assert goals["H5"].value == "X月X日"  # the seed's placeholder stays for the planner to replace


def test_example_text_is_never_cut(example_books, spec):
    """Wrapped example text gets a row tall enough for all its lines (Excel won't grow it)."""
    for lang in LANGS:
        wb = _open(example_books[lang])
        for tl in plan_layout(spec, lang, example=True).values():
            ws = wb[tl.block.sheet]
            for index, _values in enumerate(tl.table.example):
                row = tl.block.first_row + index + 1
                height = ws.row_dimensions[row].height or 15
                for col in tl.table.columns:
                    value = ws.cell(row, tl.block.columns[col.key] + 1).value
                    if isinstance(value, str) and not value.startswith("="):
                        assert wrapped_lines(value, column_width(col, lang)) * 15 <= height, (tl.table.key, row, value)


def test_output_is_deterministic(tmp_path):
    a = promo_workbook.new_workbook(tmp_path / "a.xlsx", lang="en", example=True, start=dt.date(2026, 3, 1),
                                    today=dt.date(2026, 2, 1))
    b = promo_workbook.new_workbook(tmp_path / "b.xlsx", lang="en", example=True, start=dt.date(2026, 3, 1),
                                    today=dt.date(2026, 2, 1))
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


def test_rows_option_sizes_every_variable_block(tmp_path, spec):
    path = promo_workbook.new_workbook(tmp_path / "r.xlsx", lang="en", rows=3)
    layouts = plan_layout(spec, "en", rows=3)
    assert layouts["budget"].rows == 3 and layouts["swot"].rows == 4  # SWOT keeps its four dimensions
    ws = _open(path)[spec.table("budget").sheet("en")]
    assert ws["A8"].value == "Total"


def test_user_text_is_written_as_text(tmp_path):
    path = promo_workbook.new_workbook(tmp_path / "t.xlsx", lang="en", campaign="=HYPERLINK(\"x\")",
                                       owner="+1 boss", channels=["=cmd", "@home", "-dash"])
    wb = _open(path)
    assert wb["Cover"]["C5"].value == '=HYPERLINK("x")' and wb["Cover"]["C5"].data_type == "s"
    channels = wb["Channels"]
    assert [channels.cell(r, 1).data_type for r in (5, 6, 7)] == ["s", "s", "s"]


@pytest.mark.parametrize("args, words", [
    (["--channels", ",".join(f"C{n}" for n in range(12))], "names 12 channels but the channel plan has"),
    (["--rows", "3", "--channels", "A,B,C,D"], "names 4 channels but the channel plan has 3 rows; give --rows 4"),
    (["--example", "--channels", "A,B"], "--example fills in the worked example's own channels"),
    (["--example", "--start", "2026-03-01", "--end", "2026-03-31"], "--example is the worked example's 15 days"),
    (["--example", "--end", "2099-01-01"], "leave out --end"),
])
def test_new_refuses_options_it_could_not_honour(tmp_path, args, words):
    """Issue 13: channels beyond the channel plan's rows were dropped without a word, and the
    example with other channels or days contradicted itself."""
    from click.testing import CliRunner

    from promo_workbook.cli import cli

    out = tmp_path / "plan.xlsx"
    result = CliRunner().invoke(cli, ["new", str(out), "--lang", "en", *args])
    assert result.exit_code == 2 and words in result.output and result.output.count("\n") == 1, result.output
    assert not out.exists()


def test_new_takes_as_many_channels_as_rows_and_the_example_from_its_start(tmp_path):
    from click.testing import CliRunner

    from promo_workbook.cli import cli

    names = ",".join(f"C{n}" for n in range(8))
    ok = CliRunner().invoke(cli, ["new", str(tmp_path / "a.xlsx"), "--rows", "8", "--channels", names])
    assert ok.exit_code == 0, ok.output
    report = promo_workbook.check(tmp_path / "a.xlsx")
    assert [r.text("channel") for r in report.view.rows("channels") if r.text("channel")] == names.split(",")
    example = CliRunner().invoke(cli, ["new", str(tmp_path / "b.xlsx"), "--example", "--start", "2026-05-01",
                                       "--end", "2026-05-15"])
    assert example.exit_code == 0, example.output
