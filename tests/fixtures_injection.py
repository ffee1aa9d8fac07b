"""Workbooks for the summary and annotate tests.

    injection_plan(path, lang)   the consistent sample with user text that looks like formulas:
                                 owner, channel names, goal metric, analysis, checklist notes and
                                 feedback starting with =, +, -, @ and =HYPERLINK(...) — all text
    rich_workbook(path)          an xlsxwriter workbook with what openpyxl would lose on save:
                                 a chart, an image, validations (one as an x14 extension),
                                 a data-bar extension, a table, a comment, defined names
    finding(...)                 a check Finding for a cell, with a real rule code
"""
from __future__ import annotations

import re
import shutil
import warnings
import zipfile
from pathlib import Path

from promo_workbook.checker.model import Finding
from promo_workbook.spec import load_spec

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
HYPERLINK = '=HYPERLINK("http://x","y")'
OWNER = "=cmd|' /C calc'!A0"
CHANNEL_PREFIX = "="           # "Douyin" becomes "=Douyin" everywhere
METRIC_PREFIX = "@"            # the first goal's metric
ANALYSIS = "-3 below plan: =SUM(A1)"
NOTE = "+1+1"
FEEDBACK = (HYPERLINK, "+1", "-2", "@SUM(1,2)")


def injection_plan(path: Path, lang: str = "en") -> Path:
    """The consistent plan with formula-looking user text, every piece of it stored as text."""
    import openpyxl

    spec = load_spec()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(SAMPLES / f"consistent-{lang}.xlsx")
    douyin = spec.table("channels").example[0]["channel"][lang]

    def put(cell, text):
        cell.value = text
        cell.data_type = "s"   # openpyxl would otherwise store a leading "=" as a formula

    def column(table_key, column_key):
        table = spec.table(table_key)
        ws = wb[table.sheet(lang)]
        label = table.column(column_key).label(lang)
        for cell in ws[4]:
            if cell.value == label:
                return ws, cell.column
        raise KeyError(column_key)

    cover = wb[spec.workbook["sheets"]["cover"](lang)]
    owner_label = next(f["label"](lang) for f in spec.workbook["cover"]["fields"] if f["key"] == "owner")
    for row in cover.iter_rows():
        for cell in row:
            if cell.value == owner_label:
                put(cover.cell(cell.row, cell.column + 1), OWNER)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == douyin and cell.data_type == "s":
                    put(cell, CHANNEL_PREFIX + douyin)
    ws, col = column("goals", "metric")
    put(ws.cell(5, col), METRIC_PREFIX + str(ws.cell(5, col).value))
    ws, col = column("review", "analysis")
    put(ws.cell(5, col), ANALYSIS)
    ws, col = column("checklist", "notes")
    put(ws.cell(5, col), NOTE)
    ws, col = column("feedback", "content")
    for i, text in enumerate(FEEDBACK):
        put(ws.cell(5 + i, col), text)
    wb.save(path)
    return path


def rich_workbook(path: Path) -> Path:
    """Sheets 'Data' (chart, image, comment, validations, data bar, table) and 'Empty'."""
    import xlsxwriter
    from PIL import Image

    png = path.with_suffix(".png")
    Image.new("RGB", (40, 30), (200, 30, 30)).save(png)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    ws = wb.add_worksheet("Data")
    ws.write_row(0, 0, ["Item", "Amount", "Share", "Note"])
    for i in range(1, 6):
        ws.write_string(i, 0, f"item {i}")
        ws.write_number(i, 1, i * 100)
        ws.write_formula(i, 2, f"=B{i + 1}/SUM($B$2:$B$6)", None, 0)
    ws.write_string(2, 3, "=not a formula")
    ws.write_formula(6, 1, "=SUM(B2:B6)", None, 1500)
    ws.write_comment("B3", "An existing comment")
    ws.data_validation("A2:A6", {"validate": "list", "source": ["item 1", "item 2", "item 3"]})
    ws.data_validation("B2:B6", {"validate": "integer", "criteria": ">=", "value": 0})
    ws.conditional_format("B2:B6", {"type": "data_bar", "data_bar_2010": True})
    ws.add_table("F1:G3", {"columns": [{"header": "Key"}, {"header": "Value"}]})
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"categories": "=Data!$A$2:$A$6", "values": "=Data!$B$2:$B$6"})
    ws.insert_chart("I2", chart)
    ws.insert_image("I20", str(png))
    wb.define_name("Amounts", "=Data!$B$2:$B$6")
    other = wb.add_worksheet("Empty")
    other.write_string(0, 0, "nothing here")
    wb.close()
    png.unlink()
    _add_validation_extension(path)
    return path


def finding(sheet, cell, severity="error", row=None, code="T161"):
    return Finding(code=code, name="budget.subtotal", severity=severity, template=7, sheet=sheet, cell=cell,
                   row=row, column="Amount", params={"qty": "1", "price": "2"}, expected=2, actual=3)


def sheet_xml(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml$", n)}


# Private API.

X14_VALIDATION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    "<x14:formula1><xm:f>Empty!$A$1:$A$1</xm:f></x14:formula1><xm:sqref>D2:D6</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext>")


def _add_validation_extension(path: Path) -> None:
    """Put an x14 data validation (a list from another sheet, as Excel 2010+ saves it) into Data."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                last = text.rfind("<extLst>")   # the worksheet's own, after any inside a rule
                if last >= 0 and text.rfind("</cfRule>") < last:
                    text = text[:last] + X14_VALIDATION + text[last + len("<extLst>"):]
                else:
                    text = text.replace("</worksheet>", X14_VALIDATION + "</extLst></worksheet>")
                data = text.encode()
            zout.writestr(info, data)
    shutil.move(tmp, path)
