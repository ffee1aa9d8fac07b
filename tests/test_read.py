"""read(): our generated workbooks read back exactly what was filled in — also after users
rename and reorder sheets, move and add columns, insert rows, and save from LibreOffice —
plus file formats, producer fingerprints and the errors a bad file gives."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from promo_workbook import InputFileError, load_spec, new_workbook
from promo_workbook.reader import Plan, read
from promo_workbook.values import is_empty_marker, is_placeholder
from promo_workbook.writer.example import example_channels, example_rows
from fixtures import lo_edit
from support.libreoffice import recalculate, requires_libreoffice, requires_uno

LANGS = ("zh-CN", "zh-TW", "en")
START = dt.date(2026, 3, 1)


# Fixtures and helpers.

@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """lang -> path of a generated workbook with the worked example."""
    folder = tmp_path_factory.mktemp("generated")
    return {lang: new_workbook(folder / f"example-{lang}.xlsx", lang=lang, example=True, start=START)
            for lang in LANGS}


def expected_tables(lang: str) -> dict[str, list[dict]]:
    """table key -> the rows the generator filled in (dropdown labels, channel names, dates)."""
    spec = load_spec()
    channels = example_channels(spec, lang)
    out = {table.key: example_rows(spec, table, lang, START, channels) for table in spec.tables}
    goals = out["goals"]
    for i, row in enumerate(out["review"]):  # the review's first columns link to the goals
        row.update({k: goals[i][k] for k in ("dimension", "metric", "target")})
    for key in ("swot", "persona"):  # fixed rows: the dimension labels are always there
        labels = spec.list_labels(spec.table(key).fixed_rows, lang)
        for row, label in zip(out[key], labels, strict=True):
            row["dimension"] = label
    return out


def assert_cell(cell, expected, where: str) -> None:
    """A cell read back as written: the normalised value, or for placeholders the raw text."""
    assert cell is not None, where
    if isinstance(expected, str) and (is_placeholder(expected) or is_empty_marker(expected)):
        assert cell.status in ("placeholder", "empty"), where
        assert cell.raw == expected, where
    else:
        assert cell.ok, f"{where}: {cell.value}"
        assert cell.value == expected, where


def assert_reads_back(plan: Plan, lang: str, new_rows: dict[str, int] | None = None) -> None:
    """Every example value of every table is read back, in order (``new_rows``: rows users added)."""
    assert plan.missing == []
    for key, rows in expected_tables(lang).items():
        table = plan.table(key)
        got = list(table.rows)
        assert len(got) == len(rows) + (new_rows or {}).get(key, 0), key
        original = [r for r in got if not any(c.raw == "NEW" for c in r.cells.values())]
        for i, (row, want) in enumerate(zip(original, rows, strict=True)):
            for col, value in want.items():
                assert_cell(row.cells.get(col), value, f"{key} row {i + 1} {col}")


def rewrite_like_excel(src: Path, dst: Path, renames: dict[str, str], order: list[str] | None = None) -> Path:
    """Rename and reorder sheets with openpyxl, rewriting every formula the way Excel does."""
    import openpyxl

    wb = openpyxl.load_workbook(src)
    for old, new in renames.items():
        wb[old].title = new

    def fix(text: str) -> str:
        for old, new in renames.items():
            text = text.replace(f"'{old}'!", f"'{new}'!").replace(f"{old}!", f"'{new}'!")
        return text

    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.value = fix(cell.value)
    for name in list(wb.defined_names):
        wb.defined_names[name].attr_text = fix(wb.defined_names[name].attr_text)
    if order:
        wb._sheets.sort(key=lambda ws: order.index(ws.title) if ws.title in order else len(order))
    wb.save(dst)
    return dst


def permute_columns(ws, order: list[int], first_row: int = 4) -> None:
    """Rewrite rows from ``first_row`` with their cells in a new column order (0-based)."""
    width = ws.max_column
    for r in range(first_row, ws.max_row + 1):
        values = [ws.cell(r, c + 1).value for c in range(width)]
        for c, src in enumerate(order):
            ws.cell(r, c + 1).value = values[src] if src < len(values) else None


def patch_zip(src: Path, dst: Path, patch) -> Path:
    """Copy a package, passing each part's bytes through ``patch(name, data)``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = patch(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
        extra = patch("<add>", None)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def sheet_part(path: Path, name: str) -> str:
    from promo_workbook.reader.package import detect_format, open_package

    pkg = open_package(path, detect_format(path))
    try:
        return pkg.sheet(name).part
    finally:
        pkg.close()


# Generated workbooks, untouched.

@pytest.mark.parametrize("lang", LANGS)
def test_generated_workbook_reads_back_every_example_value(generated, lang):
    plan = read(generated[lang])
    assert plan.language == lang
    assert plan.metadata["format"] == "promo-workbook"
    assert {t.identified_by for t in plan.tables.values()} == {"metadata"}
    assert_reads_back(plan, lang)
    assert plan.cover["start"].value == START
    assert plan.cover["budget"].value == 39000
    assert plan.cover["currency"].item == "CNY"
    assert plan.campaign_start == START


def test_generated_workbook_cells_know_their_place_and_formula(generated):
    plan = read(generated["zh-CN"])
    budget = plan.table("budget")
    assert budget.sheet == "预算明细" and budget.header_row == 4 and budget.totals_row == 20
    first = budget.rows[0]
    assert first.number == 5
    assert first["unit_price"].ref == "E5" and first["unit_price"].address == "'预算明细'!E5"
    assert first["item"].item == "channel"
    assert first["subtotal"].formula == '=IF(OR(C5="",E5=""),"",C5*E5)'
    assert budget.totals["subtotal"].formula == "=SUM($F$5:$F$19)"
    # xlsxwriter caches nothing real: derived cells say so instead of pretending
    assert plan.producer.name == "xlsxwriter" and plan.trust_cache is False
    assert first["subtotal"].status == "unreadable" and first["subtotal"].reason == "formula-not-calculated"
    assert first["quantity"].formula is None


def test_review_links_to_goals_are_followed(generated):
    review = read(generated["en"]).table(14)
    row = review.rows[1]
    assert row["metric"].value == "New-customer acquisition cost"
    assert row["target"].value == 50
    assert row["target"].source.startswith("link:")
    assert row["target"].formula.startswith("=IF(")


def test_plan_table_lookup_and_missing(generated):
    plan = read(generated["en"])
    assert plan.table(7) is plan.table("budget")
    with pytest.raises(KeyError):
        plan.table(17)
    assert len(plan.tables) == 16 and plan.missing == []


def test_to_dict_is_plain_json(generated):
    plan = read(generated["zh-TW"])
    data = json.loads(json.dumps(plan.to_dict(), ensure_ascii=False))
    daily = data["tables"]["daily"]
    first = daily["rows"][0]
    assert first["row"] == 5
    assert first["cells"]["date"]["value"] == "2026-03-04"
    assert first["cells"]["ctr"]["value"] == 0.032 and first["cells"]["ctr"]["cell"] == "D5"
    assert first["cells"]["cvr"]["formula"].startswith("=IF(")
    assert data["producer"]["name"] == "xlsxwriter" and data["trust_cache"] is False
    goals = data["tables"]["goals"]["rows"]
    assert goals[0]["cells"]["deadline"]["status"] == "placeholder"
    assert goals[0]["cells"]["deadline"]["raw"] == "X月X日"


def test_to_frame_has_values_and_raw_columns(generated):
    frame = read(generated["zh-CN"]).table("channels").to_frame()
    assert list(frame["row"]) == [5, 6, 7]
    assert list(frame["target_impressions"]) == [500000, 300000, 200000]
    assert list(frame["budget_share"]) == [0.4, 0.3, 0.2]
    assert "budget_share_raw" in frame.columns and "owner_raw" in frame.columns
    assert frame["owner"].isna().all()  # "*专员" is a placeholder, its raw text kept
    assert frame["owner_raw"][0] == "*专员"


def test_blank_workbook_has_no_rows_but_every_table(tmp_path):
    plan = read(new_workbook(tmp_path / "blank.xlsx", lang="en"))
    assert plan.missing == []
    assert len(plan.table("goals")) == 0 and len(plan.table("daily")) == 0
    assert len(plan.table("swot")) == 4  # the fixed dimension rows are filled in
    assert plan.cover["start"].status == "empty"


# Users' edits.

def test_renamed_and_reordered_sheets_are_found_by_metadata(generated, tmp_path):
    names = {"活动目标": "目标 2026", "数据日报": "Daily", "预算明细": "O'Brien 预算"}
    order = ["Daily", "封面", "O'Brien 预算", "目标 2026"]
    path = rewrite_like_excel(generated["zh-CN"], tmp_path / "renamed.xlsx", names, order)
    plan = read(path)
    assert plan.sheets[:4] == order
    assert plan.table("goals").sheet == "目标 2026"
    assert plan.table("budget").sheet == "O'Brien 预算"
    assert plan.table("daily").identified_by == "metadata"
    assert plan.producer.name == "openpyxl" and not plan.trust_cache
    assert_reads_back(plan, "zh-CN")


def test_without_metadata_tables_are_found_by_headers_with_moved_and_extra_columns(generated, tmp_path):
    import openpyxl

    wb = openpyxl.load_workbook(generated["zh-TW"])
    del wb["_meta"]
    permute_columns(wb["活動目標"], [7, 6, 5, 4, 3, 2, 1, 0])      # every goal column reversed
    ws = wb["推廣渠道"]
    permute_columns(ws, [0, 8, 1, 2, 3, 4, 5, 6, 7])                 # an extra column B
    ws["B4"] = "備註(內部)"
    ws["B5"] = "先試投"
    wb["預算明細"]["C4"] = "件數"                                     # a renamed header
    wb.save(tmp_path / "no-meta.xlsx")
    plan = read(tmp_path / "no-meta.xlsx")
    assert plan.metadata is None and plan.language == "zh-TW"
    assert {t.identified_by for t in plan.tables.values()} == {"headers"}
    goals = plan.table("goals")
    assert goals.columns["dimension"].letter == "H" and goals.columns["deadline"].letter == "A"
    channels = plan.table("channels")
    assert list(channels.extra_columns) == ["備註(內部)"]
    assert channels.rows[0].extra["備註(內部)"].raw == "先試投"
    assert channels.columns["channel"].letter == "A" and channels.columns["format"].letter == "C"
    budget = plan.table("budget")
    assert "quantity" in budget.missing_columns
    assert budget.missing_columns["quantity"].closest == "件數"
    assert budget.missing_columns["quantity"].closest_column == "C"
    # every value still reads back (not the review's links: openpyxl left them pointing at
    # the goals' old columns, which no spreadsheet app would do)
    want = expected_tables("zh-TW")
    for key in ("goals", "channels", "daily", "rhythm", "checklist", "persona"):
        for row, expected in zip(plan.table(key).rows, want[key], strict=True):
            for col, value in expected.items():
                assert_cell(row.cells.get(col), value, f"{key} {col}")


@pytest.mark.libreoffice
@requires_libreoffice
def test_libreoffice_round_trip_reads_back_and_trusts_the_recalculated_cache(generated, tmp_path):
    plan = read(recalculate(generated["zh-CN"], tmp_path))
    assert plan.producer.name == "libreoffice" and plan.trust_cache
    assert_reads_back(plan, "zh-CN")
    daily = plan.table("daily").rows[0]
    assert daily["clicks"].value == 1600 and daily["clicks"].formula.startswith("=IF(")
    assert daily["achievement"].value == 1
    assert plan.table("budget").totals["subtotal"].value == 39000
    assert plan.table("review").rows[1]["achievement"].value == pytest.approx(50 / 48)


@pytest.mark.libreoffice
@requires_uno
def test_edits_made_in_libreoffice_rename_move_insert(generated, tmp_path):
    ops = [
        {"op": "rename", "sheet": "SWOT分析", "to": "我的 SWOT"},
        {"op": "move_sheet", "sheet": "数据日报", "to": 0},
        {"op": "insert_rows", "sheet": "活动目标", "at": 5, "count": 2},      # inside the block
        {"op": "set", "sheet": "活动目标", "cell": "B6", "value": "NEW"},
        {"op": "set", "sheet": "活动目标", "cell": "C6", "value": 0.15},
        {"op": "insert_column", "sheet": "推广渠道", "at": 1},
        {"op": "set", "sheet": "推广渠道", "cell": "B4", "value": "备注X"},
        {"op": "insert_rows", "sheet": "预算明细", "at": 6, "count": 1},      # above the totals too
        {"op": "set", "sheet": "预算明细", "cell": "B7", "value": "NEW"},
        {"op": "move_column", "sheet": "预算明细", "from": 3, "to": 7},       # 单位 after 负责人
        {"op": "insert_rows", "sheet": "用户反馈", "at": 4, "count": 1},      # above the first row
    ]
    plan = read(lo_edit.edit(generated["zh-CN"], tmp_path / "edited.xlsx", ops))
    assert plan.sheets[0] == "数据日报"
    assert plan.table("swot").sheet == "我的 SWOT"
    assert {t.identified_by for t in plan.tables.values()} == {"metadata"}
    assert_reads_back(plan, "zh-CN", new_rows={"goals": 1, "budget": 1})
    goals = plan.table("goals")
    assert [r.number for r in goals.rows] == [5, 6, 8, 9]
    assert goals.rows[1]["target"].value == 0.15
    budget = plan.table("budget")
    assert budget.columns["quantity_unit"].letter == "G" and budget.columns["unit_price"].letter == "D"
    assert budget.rows[0]["subtotal"].value == 20000  # recalculated by LibreOffice, trusted
    assert budget.totals_row == 21 and budget.totals["subtotal"].value == 39000
    assert budget.rows[2].number == 7 and budget.rows[2]["details"].raw == "NEW"
    assert list(plan.table("channels").extra_columns) == ["备注X"]
    assert plan.table("channels").columns["format"].letter == "C"
    assert plan.table("feedback").rows[0].number == 6
    review = plan.table("review").rows[2]  # still linked to the goal that moved down
    assert review["metric"].value == "曝光量" and review["target"].value == 1000000


@pytest.mark.libreoffice
@requires_uno
@pytest.mark.parametrize("suffix", [".ods", ".xls"])
def test_ods_and_xls_are_read_for_values(generated, tmp_path, suffix):
    plan = read(lo_edit.edit(generated["en"], tmp_path / f"example{suffix}", []))
    assert plan.format == suffix[1:] and plan.formulas_available is False
    assert plan.language == "en"
    assert plan.missing == []
    assert {t.identified_by for t in plan.tables.values()} == {"headers"}
    goals = plan.table("goals").rows
    assert [r["target"].value for r in goals] == [100000, 50, 1000000]
    assert plan.table("daily").rows[0]["date"].value == dt.date(2026, 3, 4)
    assert plan.table("daily").rows[0]["clicks"].formula is None
    assert plan.cover["start"].value == START  # the Cover found by its labels


# File formats and odd files.

def test_xlsm_is_read(generated, tmp_path):
    path = tmp_path / "macro.xlsm"
    shutil.copy(generated["en"], path)
    plan = read(path)
    assert plan.format == "xlsm" and plan.missing == []


def test_wrong_sheet_dimension_is_ignored(generated, tmp_path):
    def patch(name, data):
        if data is not None and name.startswith("xl/worksheets/"):
            return re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:A1"/>', data)
        return data

    plan = read(patch_zip(generated["en"], tmp_path / "wps-dimension.xlsx", patch))
    assert_reads_back(plan, "en")


def test_1904_date_system(generated, tmp_path):
    def patch(name, data):
        if name == "xl/workbook.xml":
            return data.replace(b"<workbookPr ", b'<workbookPr date1904="1" ')
        return data

    plan = read(patch_zip(generated["en"], tmp_path / "mac.xlsx", patch))
    assert plan.date1904 is True
    # the same serial numbers now mean dates four years and a day later
    assert plan.table("daily").rows[0]["date"].value == dt.date(2030, 3, 5)


def test_excel_shared_formulas_are_translated(generated, tmp_path):
    part = sheet_part(generated["en"], "Daily Metrics")

    def patch(name, data):
        if name != part:
            return data
        master = rb'<c r="E5" s="(\d+)"><f>([^<]*)</f>'
        data = re.sub(master, rb'<c r="E5" s="\1"><f t="shared" ref="E5:E104" si="0">\2</f>', data)
        return re.sub(rb'<c r="E(\d+)" s="(\d+)"><f>[^<]*</f>',
                      lambda m: m.group(0) if m.group(1) == b"5" else
                      b'<c r="E' + m.group(1) + b'" s="' + m.group(2) + b'"><f t="shared" si="0"/>', data)

    plan = read(patch_zip(generated["en"], tmp_path / "shared.xlsx", patch))
    rows = plan.table("daily").rows
    assert rows[0]["clicks"].formula == '=IF(OR(C5="",D5=""),"",ROUND(C5*D5,0))'
    assert rows[1]["clicks"].formula == '=IF(OR(C6="",D6=""),"",ROUND(C6*D6,0))'


def test_cells_without_addresses_use_the_slow_scan(generated, tmp_path):
    part = sheet_part(generated["en"], "Daily Metrics")

    def patch(name, data):
        if name != part:
            return data
        return re.sub(rb'<c r="[A-Z]+[0-9]+"', b"<c", data)  # the address is optional in OOXML

    plan = read(patch_zip(generated["en"], tmp_path / "no-r.xlsx", patch))
    row = plan.table("daily").rows[1]
    assert row["cvr"].formula == '=IF(OR(F6="",N(E6)=0),"",F6/E6)'
    assert row["impressions"].value == 30000


def test_percent_cells_read_by_their_number_format(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Channel", "Format", "Target impressions", "Expected conversions", "Budget share", "Owner"])
    ws.append(["A", "x", 100, 1, 40, "me"])                 # 40 typed in a General cell: 40 %
    ws.append(["B", "x", 100, 1, 40, "me"])                 # 40 in a percent cell: 4000 %
    ws["E3"].number_format = "0%"
    ws.append(["C", "x", 100, 1, 0.2, "me"])
    wb.save(tmp_path / "percent.xlsx")
    rows = read(tmp_path / "percent.xlsx").table("channels").rows
    assert rows[0]["budget_share"].value == 0.4
    assert "percent-scale" in rows[0]["budget_share"].warnings
    # 4000% as stored: read as the 40% it was meant to be, flagged as a slip (the checker says so)
    assert rows[1]["budget_share"].value == 0.4 and rows[1]["budget_share"].slip
    assert "out-of-range" in rows[1]["budget_share"].warnings
    assert rows[2]["budget_share"].value == 0.2


# Who saved it.

def test_producer_wps_and_excel_markers(generated, tmp_path):
    def wps(name, data):
        if name == "<add>":
            return {"docProps/custom.xml": b'<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/custom-properties"><property name="KSOProductBuildVer" fmtid="x" pid="2">'
                    b"<vt:lpwstr>2052-12.1.0.16120</vt:lpwstr></property></Properties>"}
        if name == "xl/workbook.xml":
            return data.replace(b' fullCalcOnLoad="1"', b"")
        return data

    def excel(name, data):
        if name == "docProps/app.xml":
            return data.replace(b"12.0000", b"16.0300")
        if name == "xl/workbook.xml":
            data = data.replace(b' fullCalcOnLoad="1"', b"").replace(b'rupBuild="4505"', b'rupBuild="27425"')
            return data.replace(b'lastEdited="4"', b'lastEdited="7"')
        return data

    assert read(patch_zip(generated["en"], tmp_path / "wps.xlsx", wps)).producer.name == "wps"
    plan = read(patch_zip(generated["en"], tmp_path / "excel.xlsx", excel))
    assert plan.producer.name == "excel" and plan.trust_cache
    assert plan.table("daily").rows[0]["cvr"].status == "empty"  # trusted: the cached ""


# Errors.

@pytest.mark.parametrize("content, problem", [
    (b"", "is empty"),
    (b"date,channel\n2026-03-04,Douyin\n", "plain text"),
    (b"<html><body>not a workbook</body></html>", "XML or HTML"),
    (b"PK\x03\x04garbage", "damaged zip"),
    (bytes(range(256)), "unknown format"),
], ids=["empty", "csv", "html", "bad-zip", "binary"])
def test_not_a_workbook_is_an_input_file_error(tmp_path, content, problem):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match="not an .xlsx workbook") as exc:
        read(path)
    assert problem in str(exc.value)


def test_zip_without_a_workbook_and_missing_files(tmp_path):
    with zipfile.ZipFile(tmp_path / "other.xlsx", "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(InputFileError, match="not an .xlsx workbook"):
        read(tmp_path / "other.xlsx")
    with pytest.raises(InputFileError, match="file not found"):
        read(tmp_path / "nope.xlsx")
    with pytest.raises(InputFileError, match="folder"):
        read(tmp_path)


def test_doctype_in_any_part_is_refused(generated, tmp_path):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>')

    def patch(name, data):
        if name == "xl/sharedStrings.xml":
            return bomb + data[data.index(b"<sst"):]
        return data

    with pytest.raises(InputFileError, match="DOCTYPE"):
        read(patch_zip(generated["en"], tmp_path / "bomb.xlsx", patch))


# Damaged and odd content.

def test_damaged_parts_never_give_a_traceback(generated, tmp_path):
    """Bytes flipped, parts cut short, stray markup: a Plan with notes, or InputFileError."""
    import random

    with zipfile.ZipFile(generated["zh-CN"]) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    xml = sorted(n for n in parts if n.endswith(".xml"))
    for seed in range(40):
        rnd = random.Random(seed)
        target = rnd.choice(xml)
        data = bytearray(parts[target])
        if seed % 3 == 0:
            for _ in range(rnd.randint(1, 20)):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
        elif seed % 3 == 1:
            data = data[:rnd.randrange(len(data))]
        else:
            i = rnd.randrange(len(data))
            data[i:i] = rnd.choice([b"<", b"&", b'"', b"<f>x</f>", b'<c r="A1"><f>', b"<!DOCTYPE x>"])
        path = tmp_path / f"damaged-{seed}.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, body in parts.items():
                zf.writestr(name, bytes(data) if name == target else body)
        try:
            plan = read(path)
        except InputFileError:
            continue
        json.dumps(plan.to_dict(), ensure_ascii=False)
        for table in plan.tables.values():
            assert isinstance(table.totals, dict)


def test_excel_error_values_are_kept_not_read_as_empty(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Date", "Channel", "Impressions", "CTR", "Clicks", "Conversions"])
    ws.append(["#N/A", "Douyin", "#DIV/0!", 0.1, "=1/0", 3])  # openpyxl writes t="e" cells
    wb.save(tmp_path / "errors.xlsx")
    row = read(tmp_path / "errors.xlsx").table("daily").rows[0]
    assert row["date"].raw == "#N/A" and row["date"].reason == "excel-error"
    assert row["impressions"].raw == "#DIV/0!" and row["impressions"].status == "unreadable"
    assert row["clicks"].formula == "=1/0"


@pytest.mark.parametrize("raw", [0.0052, 3, "", "#DIV/0!", " #N/A ", "text", None, True])
def test_an_uncalculated_formula_cell_is_what_its_value_would_make(raw):
    """build.uncalculated_cell makes directly what Cell.of makes of the untrusted formula's Value."""
    from promo_workbook.reader.build import NOT_CALCULATED, _Col, _Builder
    from promo_workbook.reader.model import Cell
    from promo_workbook.values import Value

    for percent in (False, True):
        col = _Col("cvr", 5, "F", "percent", "转化率", percent=percent, derived=True, has_formulas=True)
        builder = _Builder.__new__(_Builder)
        builder.sheet = "日报"
        made = builder.uncalculated_cell(col, 9, raw, "=IFERROR(E9/C9,\"\")", None)
        expected = Cell.of("cvr", "转化率", "日报", "F", 9, Value(raw, None, "percent", "unreadable", NOT_CALCULATED),
                           "=IFERROR(E9/C9,\"\")", raw, None, None, percent=percent)
        assert made == expected


def test_shared_strings_are_counted_alike_with_and_without_a_namespace_prefix():
    """The shared strings counted against the cell limit (package._strings_in): by a pattern the
    regex engine can skip to where no element carries a prefix, else by the general one; both
    count what the general pattern finds, split between chunks or not."""
    import random

    from promo_workbook.reader.package import _STRING, _strings_in

    rng = random.Random(3)
    pieces = [b"<si>", b"<si ", b"<si/>", b"<si\t", b"<x:si>", b"<si", b"si>", b"<sia>", b"<t>", b"x", b":si",
              b"<si\x0b", b"<si\x0c", b"<s", b"i>", b"<ns-1.a:si/>"]
    for _ in range(5000):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 16)))
        assert _strings_in(data) == len(_STRING.findall(data)), data
