# build_corpus.py: build the hostile-input corpus (issue 6) into a folder it is given.
"""Hostile, broken and huge inputs for ``promo-workbook check`` and ``export``.

Every case is made here from the sample workbook in ``samples/`` (nothing is downloaded),
into a folder the caller gives; the corpus is not committed. Each case says what it is and
what the tool must do with it:

    refused   exit code 2 and one line on stderr naming the file and the problem
    report    a normal report (check exits 0 or 1) and a normal export

Two cases need LibreOffice (a real BIFF .xls, and a workbook encrypted with a password by
LibreOffice itself); without it they are built as ``skip`` cases. The encrypted container
is also built by hand (an OLE compound file with EncryptionInfo and EncryptedPackage
streams, what Excel writes), so the password case never depends on LibreOffice.

    python tests/hostile/build_corpus.py OUT     # build into OUT and list the cases
"""
from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import struct
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "example-en.xlsx"
sys.path.insert(0, str(ROOT / "tests"))  # fixtures.lo_edit and support.*, also when run as a script
sys.path.insert(0, str(Path(__file__).resolve().parent))
import reading_cases  # noqa: E402
BOMB_BYTES = 600_000_000       # past the default max_unzipped_bytes (500 MB)
MILLION_STRINGS = 2_000_000    # a big shared-strings table that is still within max_cells
DEEP = 100_000                 # levels of nested elements
LONGEST = 32_767               # the most characters an Excel cell holds


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    expect: str            # "refused" | "report" | "skip"
    problem: str = ""      # a regex the one-line error must match (refused)
    what: str = ""
    why_skipped: str = ""


# Public API.

def build(folder: Path, libreoffice: bool | None = None) -> list[Case]:
    """Build every case into ``folder`` (created); LibreOffice cases when it is available."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    canary = canary_files(folder)
    cases = [make(folder) for make in _SIMPLE]
    cases += [make(folder, sys.modules[__name__]) for make in reading_cases.CASES]
    cases += _xxe_cases(folder, canary)
    if libreoffice is None:
        from fixtures.lo_edit import available

        libreoffice = available()
    cases += _libreoffice_cases(folder) if libreoffice else [
        Case(name, folder / file, "skip", why_skipped="LibreOffice (soffice with python3-uno) is not installed")
        for name, file in LIBREOFFICE_FILES.items()]
    return cases


def canary_files(folder: Path) -> dict:
    """A secret file and a FIFO the external-entity cases point at. Reading the file would put
    its token in the output; opening the FIFO for reading would block until a writer comes."""
    where = folder / "canary"
    where.mkdir(exist_ok=True)
    token_file = where / "secret.txt"
    if not token_file.exists():
        token_file.write_text(f"CANARY-{secrets.token_hex(8)}\n", encoding="ascii")
    fifo = where / "secret.fifo"
    if hasattr(os, "mkfifo") and not fifo.exists():
        os.mkfifo(fifo)
    return {"file": token_file, "token": token_file.read_text(encoding="ascii").strip(),
            "fifo": fifo if fifo.exists() else None}


# Private API: helpers.

def _sample() -> bytes:
    return SAMPLE.read_bytes()


def _parts(data: bytes | None = None) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data or _sample())) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def _zip(path: Path, parts: list[tuple[str, bytes]], method=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in parts:
            zf.writestr(name, data)
    return path


def _edit(path: Path, changes: dict, drop=(), add=()) -> Path:
    """The sample with some parts replaced (bytes, or a function of the old bytes), dropped, added."""
    out = []
    for name, data in _parts():
        if name in drop:
            continue
        change = changes.get(name)
        out.append((name, change(data) if callable(change) else change if change is not None else data))
    return _zip(path, out + list(add))


def _sheet_of(title: str) -> str:
    """The sample's part for a sheet title."""
    parts = dict(_parts())
    rels = dict(re.findall(rb'Id="(rId[0-9]+)"[^>]*Target="([^"]+)"', parts["xl/_rels/workbook.xml.rels"]))
    rels.update({k: v for v, k in re.findall(rb'Target="([^"]+)"[^>]*Id="(rId[0-9]+)"',
                                              parts["xl/_rels/workbook.xml.rels"])})
    rid = re.search(rb'<sheet name="' + re.escape(title.encode()) + rb'"[^>]*r:id="(rId[0-9]+)"',
                    parts["xl/workbook.xml"]).group(1)
    return "xl/" + rels[rid].decode().lstrip("/").removeprefix("xl/")


def _add_rows(xml: bytes, rows: bytes) -> bytes:
    return xml.replace(b"</sheetData>", rows + b"</sheetData>", 1)


def _openpyxl_edit(path: Path, edit) -> Path:
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLE)
    edit(wb)
    wb.save(path)
    return path


def _inputs(ws, first_row=5):
    """Cells of a template sheet's input block that hold a typed value (not a formula)."""
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if cell.value is not None and not (isinstance(cell.value, str) and cell.value.startswith("=")):
                yield cell


# Private API: the cases.

def _empty(folder):
    path = folder / "empty.xlsx"
    path.write_bytes(b"")
    return Case("empty", path, "refused", r"is empty", "a 0-byte file")


def _text(folder):
    path = folder / "notes.xlsx"
    path.write_text("Campaign notes\nBudget: 50,000\n", encoding="utf-8")
    return Case("text", path, "refused", r"plain text", "a text file named .xlsx")


def _csv(folder):
    path = folder / "budget-export.xlsx"
    path.write_text("Item,Quantity,Unit price\n抖音达人,1,20000\n=cmd|' /C calc'!A0,1,1\n", encoding="utf-8")
    return Case("csv", path, "refused", r"plain text, e\.g\. CSV", "a CSV file renamed .xlsx")


def _html(folder):
    path = folder / "web-report.xlsx"
    path.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>", encoding="utf-8")
    return Case("html", path, "refused", r"XML or HTML", "an HTML table saved as .xlsx (what web exports do)")


def _binary(folder):
    path = folder / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(2000))
    return Case("binary", path, "refused", r"unknown format", "an image renamed .xlsx")


def _truncated(folder):
    path = folder / "truncated.xlsx"
    data = _sample()
    path.write_bytes(data[:len(data) // 2])
    return Case("truncated", path, "refused", r"damaged zip", "the first half of a workbook (a broken download)")


def _missing_workbook(folder):
    path = _edit(folder / "missing-workbook-part.xlsx", {}, drop=("xl/workbook.xml",))
    return Case("missing-workbook-part", path, "refused", r"no workbook part", "a zip without xl/workbook.xml")


def _missing_sheet(folder):
    path = _edit(folder / "missing-sheet-part.xlsx", {}, drop=(_sheet_of("Budget"),))
    return Case("missing-sheet-part", path, "refused", r"sheet 'Budget' is damaged",
                what="the Budget sheet's part is missing: refused naming the sheet (issue 13)")


def _corrupt_deflate(folder):
    path = folder / "corrupt-part.xlsx"
    data = bytearray(_sample())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo(_sheet_of("Budget"))
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    for i in range(start + 20, start + info.compress_size - 20, 7):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return Case("corrupt-part", path, "refused", r"damaged part", "a sheet part whose compressed bytes are garbage")


def _malformed_xml(folder):
    path = _edit(folder / "malformed-workbook-xml.xlsx",
                 {"xl/workbook.xml": lambda b: b[:len(b) // 2]})
    return Case("malformed-xml", path, "refused", r"damaged xl/workbook\.xml", "workbook.xml cut off mid-element")


def _duplicate_part(folder):
    parts = _parts()
    name = _sheet_of("Budget")
    parts.append((name.upper(), dict(parts)[name]))
    path = _zip(folder / "duplicate-part.xlsx", parts)
    return Case("duplicate-part", path, "refused", r"name the same part",
                "one part twice (names differ only in case; calamine and zipfile would pick different ones)")


def _unsupported_method(folder):
    path = folder / "bzip2-part.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in _parts():
            zf.writestr(name, data, compress_type=zipfile.ZIP_BZIP2 if name == "xl/styles.xml"
                        else zipfile.ZIP_DEFLATED)
    return Case("unsupported-method", path, "refused", r"compression method 12", "a part compressed with bzip2")


def _many_entries(folder):
    path = folder / "many-entries.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for name, data in _parts():
            zf.writestr(name, data)
        for i in range(12_000):
            zf.writestr(f"xl/media/x{i}.bin", b"")
    return Case("many-entries", path, "refused", r"limit max_parts", "12,000 empty zip entries")


def _bomb(folder):
    """A part that honestly declares 600 MB of spaces, zipped to about 600 KB."""
    path = folder / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in _parts():
            if name == "xl/sharedStrings.xml":
                with zf.open(name, "w") as fh:
                    block = b" " * (1 << 20)
                    fh.write(data[:data.index(b"<si>")])
                    for _ in range(BOMB_BYTES // len(block)):
                        fh.write(block)
                    fh.write(data[data.index(b"<si>"):])
            else:
                zf.writestr(name, data)
    return Case("bomb", path, "refused", r"unzip", "xl/sharedStrings.xml inflates to 600 MB (ratio ~1000)")


def _forged_sizes(zip_bytes: bytes, name: str, size: int) -> bytes:
    """Rewrite a part's declared uncompressed size in both the local and the central header."""
    data = bytearray(zip_bytes)
    raw = name.encode()
    local = data.find(b"PK\x03\x04")
    while local >= 0:
        n, e = struct.unpack("<HH", data[local + 26:local + 30])
        if data[local + 30:local + 30 + n] == raw:
            data[local + 22:local + 26] = struct.pack("<I", size)
            break
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        n = struct.unpack("<H", data[central + 28:central + 30])[0]
        if data[central + 46:central + 46 + n] == raw:
            data[central + 24:central + 28] = struct.pack("<I", size)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def _forged_bomb(folder, part: str, label: str):
    """A part of 200 MB whose zip headers claim 40 KB: only inflating with a cap catches it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in _parts():
            if name == part:
                with zf.open(name, "w") as fh:
                    cut = data.index(b"</sheetData>") if b"</sheetData>" in data else data.index(b"<si>")
                    fh.write(data[:cut])
                    row = b'<row r="9"><c r="A9" t="inlineStr"><is><t>' + b"x" * 4000 + b"</t></is></c></row>"
                    for _ in range(200_000_000 // (4 * len(row))):
                        fh.write(row * 4)
                    fh.write(data[cut:])
            else:
                zf.writestr(name, data)
    path = folder / f"forged-size-{label}.xlsx"
    path.write_bytes(_forged_sizes(buf.getvalue(), part, 40_000))
    return Case(f"forged-size-{label}", path, "refused", r"forged header",
                f"{part} is 200 MB but its zip headers say 40 KB")


def _forged_strings(folder):
    return _forged_bomb(folder, "xl/sharedStrings.xml", "strings")


def _forged_sheet(folder):
    return _forged_bomb(folder, _sheet_of("Budget"), "sheet")


def _billion_laughs(folder):
    entities = b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                        for i in range(1, 10))
    laughs = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">' + entities + b"]>\n"

    def bomb(data: bytes) -> bytes:
        body = data[data.index(b"?>") + 2:].lstrip()
        return laughs + body.replace(b"<t>", b"<t>&lol9;", 1)
    path = _edit(folder / "billion-laughs.xlsx", {"xl/sharedStrings.xml": bomb})
    return Case("billion-laughs", path, "refused", r"DOCTYPE or ENTITY", "entity expansion in the shared strings")


def _quadratic_blowup(folder):
    """No DOCTYPE, so it passes the prolog check: one huge attribute value, many times."""
    big = "x" * 200_000
    path = _edit(folder / "huge-attributes.xlsx", {
        "xl/workbook.xml": lambda b: b.replace(b"<workbookPr ", f'<workbookPr codeName="{big}" '.encode(), 1),
        _sheet_of("Goals"): lambda b: _add_rows(b, (f'<row r="40"><c r="A40" t="inlineStr" x="{big}">'
                                                    f"<is><t>{big}</t></is></c></row>").encode())})
    return Case("huge-attributes", path, "report", what="200,000-character attribute values and text")


def _huge_dimension(folder):
    sheet = _sheet_of("Goals")

    def far(b: bytes) -> bytes:
        b = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', b)
        return _add_rows(b, b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    path = _edit(folder / "huge-dimension.xlsx", {sheet: far})
    return Case("huge-dimension", path, "report", what="A1:XFD1048576 declared, and one value at XFD1048576: "
                "read sparse, the far cell noted (python-calamine would build 17 billion cells; issue 13)")


def _huge_dimension_declared(folder):
    sheet = _sheet_of("Goals")

    def declared(b: bytes) -> bytes:
        b = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', b)
        return _add_rows(b, b'<row r="1048576"><c r="XFD1048576" s="0"/></row>')
    path = _edit(folder / "huge-dimension-declared.xlsx", {sheet: declared})
    return Case("huge-dimension-declared", path, "report",
                what="A1:XFD1048576 declared, an empty styled cell at XFD1048576, little data")


def _outside_grid(folder):
    path = _edit(folder / "cell-outside-grid.xlsx", {_sheet_of("Goals"): lambda b: _add_rows(
        b, b'<row r="40"><c r="A4294967295"><v>1</v></c><c r="ZZZZ40"><v>1</v></c></row>')})
    return Case("cell-outside-grid", path, "refused", r"outside the sheet", "cells at A4294967295 and ZZZZ40")


def _row_outside_grid(folder):
    path = _edit(folder / "row-outside-grid.xlsx", {_sheet_of("Goals"): lambda b: _add_rows(
        b, b'<row r="4294967295"><c><v>1</v></c></row>')})
    return Case("row-outside-grid", path, "refused", r"outside the sheet",
                "a cell without an address in row 4294967295 (python-calamine would abort)")


def _many_sheets_one_part(folder):
    """20,000 sheet entries naming the same part: calamine would read it 20,000 times."""
    def many(b: bytes) -> bytes:
        rid = re.search(rb'<sheet name="Daily Metrics"[^>]*r:id="(rId[0-9]+)"', b).group(1)
        extra = b"".join(b'<sheet name="Copy %d" sheetId="%d" r:id="%s"/>' % (i, 1000 + i, rid) for i in range(20_000))
        return b.replace(b"</sheets>", extra + b"</sheets>", 1)
    path = _edit(folder / "many-sheets-one-part.xlsx", {"xl/workbook.xml": many})
    return Case("many-sheets-one-part", path, "refused", r"limit max_cells",
                "20,000 sheets that all name the Daily Metrics part")


def _million_strings(folder):
    def strings(data: bytes) -> bytes:
        head = data[:data.index(b"</sst>")]
        body = b"".join(b"<si><t>s%d</t></si>" % i for i in range(MILLION_STRINGS))
        return head + body + b"</sst>"
    path = _edit(folder / "million-strings.xlsx", {"xl/sharedStrings.xml": strings})
    return Case("million-strings", path, "report", what=f"{MILLION_STRINGS:,} extra shared strings")


def _deep_nesting(folder):
    deep = b"<x>" * DEEP + b"</x>" * DEEP
    path = _edit(folder / "deep-nesting.xlsx", {
        "xl/workbook.xml": lambda b: b.replace(b"</workbook>", b"<extLst>" + deep + b"</extLst></workbook>"),
        "xl/sharedStrings.xml": lambda b: b.replace(b"</sst>", b"<si><t>deep</t>" + deep + b"</si></sst>"),
        _sheet_of("Goals"): lambda b: _add_rows(b, b'<row r="40"><c r="A40" t="inlineStr"><is><t>deep</t>'
                                                   + deep + b"</is></c></row>")})
    return Case("deep-nesting", path, "report", what=f"{DEEP:,} nested elements in three parts")


def _no_templates(folder):
    import xlsxwriter

    path = folder / "no-templates.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sales")
    ws.write_row(0, 0, ["Region", "Q1", "Q2"])
    for i in range(1, 30):
        ws.write_row(i, 0, [f"Region {i}", i * 100, i * 120])
    wb.close()
    return Case("no-templates", path, "refused", r"no table of the planning toolkit in no-templates\.xlsx "
                r"\(sheets: Sales\); is this a promo-workbook plan\?", "an ordinary workbook with none of the sixteen tables")


def _empty_workbook(folder):
    import xlsxwriter

    path = folder / "empty-workbook.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet()
    wb.close()
    return Case("empty-workbook", path, "refused", r"no table of the planning toolkit .*\(sheets: Sheet1\)",
                "one empty sheet")


def _macro(folder):
    path = folder / "macro.xlsm"
    vba = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = \"Module1\"\r\nSub Auto_Open()\r\n"
           b"  Shell \"touch " + str(folder / "MACRO-RAN").encode() + b"\"\r\nEnd Sub\r\n")

    def types(b: bytes) -> bytes:
        b = b.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                      b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
        return b.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                                      b"</Types>")

    def rels(b: bytes) -> bytes:
        return b.replace(b"</Relationships>", b'<Relationship Id="rId999" Type="http://schemas.microsoft.com/office/'
                                              b'2006/relationships/vbaProject" Target="vbaProject.bin"/>'
                                              b"</Relationships>")
    _edit(path, {"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels},
          add=[("xl/vbaProject.bin", vba)])
    return Case("macro", path, "report", what="a .xlsm with a vbaProject.bin whose Auto_Open would create a file")


def _folder(folder):
    path = folder / "a-folder.xlsx"
    path.mkdir(exist_ok=True)
    return Case("directory", path, "refused", r"is a folder", "a directory named like a workbook")


def _missing(folder):
    return Case("missing-path", folder / "no-such-plan.xlsx", "refused", r"file not found",
                "a path that does not exist")


def _non_ascii(folder):
    where = folder / "计划 — Ünïcode ✓"
    where.mkdir(exist_ok=True)
    path = where / "推广计划 (最终版) ✓.xlsx"
    shutil.copyfile(SAMPLE, path)
    return Case("non-ascii-path", path, "report", what="a workbook in a folder and file with non-ASCII names")


def _circular(folder):
    def edit(wb):
        ws = wb["Budget"]
        ws["E5"] = "=F5/C5"               # unit price from the subtotal, which multiplies it
        ws["C6"] = "=C6+1"                # a cell that refers to itself
        wb["Goals"]["C5"] = "=D5"
        wb["Goals"]["D5"] = "=C5"
    path = _openpyxl_edit(folder / "circular.xlsx", edit)
    return Case("circular", path, "report", what="circular formulas in Budget and Goals")


def _errors_everywhere(folder):
    codes = ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]

    def edit(wb):
        for ws in wb.worksheets:
            if ws.title.startswith("_"):
                continue
            for i, cell in enumerate(_inputs(ws)):
                cell.value = codes[i % len(codes)]
    path = _openpyxl_edit(folder / "errors-everywhere.xlsx", edit)
    return Case("errors-everywhere", path, "report", what="every typed value replaced by an error value")


def _merged_over_data(folder):
    def edit(wb):
        for title, ref in (("Channels", "A5:H12"), ("Budget", "A5:I19"), ("Daily Metrics", "A5:C40")):
            wb[title].merge_cells(ref)
    path = _openpyxl_edit(folder / "merged-over-data.xlsx", edit)
    return Case("merged-over-data", path, "report", what="merged cells over three tables' data blocks")


def _long_cells(folder):
    def edit(wb):
        for title in ("Feedback", "Lessons", "SWOT"):
            for cell in _inputs(wb[title]):
                if isinstance(cell.value, str):
                    cell.value = ("长文本 long text " * 3000)[:LONGEST]
    path = _openpyxl_edit(folder / "long-cells.xlsx", edit)
    return Case("long-cells", path, "report", what=f"text cells of {LONGEST:,} characters")


def _formula_text(folder):
    texts = ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "+HYPERLINK(\"http://example.invalid\")",
             "-2+3+cmd|' /C calc'!A0", "\t=1+1", "=WEBSERVICE(\"http://example.invalid\")"]

    def edit(wb):
        for i, cell in enumerate(c for c in _inputs(wb["Feedback"]) if isinstance(c.value, str)):
            cell.value = texts[i % len(texts)]
            cell.data_type = "s"
    path = _openpyxl_edit(folder / "formula-text.xlsx", edit)
    return Case("formula-text", path, "report", what="text cells meant to run as formulas in a spreadsheet app")


def _control_chars(folder):
    """Escapes in text a report quotes (Budget's quantity, which must be a number) and elsewhere."""
    escapes = b"_x001B_[2J_x001B_]0;pwned_x0007_\x1b[31m"
    budget = _sheet_of("Budget")
    path = _edit(folder / "control-characters.xlsx", {
        "xl/sharedStrings.xml": lambda b: b.replace(b"<t>", b"<t>" + escapes, 3),
        budget: lambda b: re.sub(rb'<c r="C5" s="([0-9]+)"><v>1</v></c>',
                                 rb'<c r="C5" s="\1" t="inlineStr"><is><t>' + escapes + rb"ten</t></is></c>", b),
        _sheet_of("Feedback"): lambda b: _add_rows(b, b'<row r="60"><c r="B60" t="inlineStr"><is><t>'
                                                      b"_x001B_[31mred_x001B_[0m&#x9;&#xD;</t></is></c></row>")})
    return Case("control-characters", path, "report", what="terminal escape sequences in cell text")


def _utf16_doctype(folder):
    def utf16(data: bytes) -> bytes:
        body = data[data.index(b"?>") + 2:].lstrip()
        text = ('<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x [<!ENTITY e "boom">]>\n'
                + body.decode("utf-8"))
        return text.encode("utf-16")
    path = _edit(folder / "utf16-doctype.xlsx", {"docProps/app.xml": utf16})
    return Case("utf16-doctype", path, "refused", r"DOCTYPE or ENTITY", "a DOCTYPE in a UTF-16 part")


def _cfb_encrypted(folder):
    path = folder / "encrypted.xlsx"
    path.write_bytes(_cfb({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + secrets.token_bytes(4088),
                           "EncryptedPackage": struct.pack("<Q", 60000) + secrets.token_bytes(8184)}))
    return Case("encrypted", path, "refused", r"password-protected",
                "an OLE container with EncryptionInfo and EncryptedPackage, what Excel writes for a password")


def _ole_garbage(folder):
    path = folder / "ole-garbage.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + secrets.token_bytes(5000))
    return Case("ole-garbage", path, "refused", r"not an \.xlsx workbook", "OLE magic followed by noise")


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (v3, 512-byte sectors) holding streams of 4096 bytes or more."""
    sector = 512
    end, free, fat_mark = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    chains, data, next_sector = [], b"", 2  # sector 0: FAT, sector 1: directory
    for body in streams.values():
        body += b"\0" * (-len(body) % sector)
        count = len(body) // sector
        chains.append((next_sector, count))
        data += body
        next_sector += count
    fat = [fat_mark, end]
    for start, count in chains:
        fat += [start + i + 1 for i in range(count - 1)] + [end]
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child=free, right=free, start=end, size=0) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", free, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IQ", start, size))
    names = list(streams)
    directory = entry("Root Entry", 5, child=1)
    for i, name in enumerate(names):
        directory += entry(name, 2, right=i + 2 if i + 1 < len(names) else free,
                           start=chains[i][0], size=len(streams[name]))
    directory = directory.ljust(sector, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + data


def _xxe_cases(folder: Path, canary: dict) -> list[Case]:
    """External entities pointing at the canary file (and FIFO), in parts each reader opens."""
    cases = []
    targets = [("file", canary["file"])] + ([("fifo", canary["fifo"])] if canary["fifo"] else [])
    for label, target in targets:
        doctype = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{target.as_uri()}">]>\n'.encode()

        def inject(data: bytes, use: bytes, doctype=doctype) -> bytes:
            i = data.index(b"?>") + 2
            return data[:i] + b"\n" + doctype + data[i:].lstrip().replace(use, use + b"&xxe;", 1)
        path = _edit(folder / f"xxe-{label}-strings.xlsx", {"xl/sharedStrings.xml": lambda b, f=inject: f(b, b"<t>")})
        cases.append(Case(f"xxe-{label}-strings", path, "refused", r"DOCTYPE or ENTITY",
                          f"an external entity to the canary {label}, in the shared strings (python-calamine)"))
        path = _edit(folder / f"xxe-{label}-core.xlsx",
                     {"docProps/core.xml": lambda b, f=inject: f(b, b"<dc:creator>")})
        cases.append(Case(f"xxe-{label}-core", path, "refused", r"DOCTYPE or ENTITY",
                          f"an external entity to the canary {label}, in docProps/core.xml (defusedxml)"))
    param = f'<!DOCTYPE x [<!ENTITY % p SYSTEM "{canary["file"].as_uri()}"> %p;]>\n'.encode()
    path = _edit(folder / "xxe-parameter-entity.xlsx", {
        _sheet_of("Goals"): lambda b: b[:b.index(b"?>") + 2] + b"\n" + param + b[b.index(b"?>") + 2:].lstrip()})
    cases.append(Case("xxe-parameter-entity", path, "refused", r"DOCTYPE or ENTITY",
                      "a parameter entity to the canary file, in a sheet (the formula scan)"))
    return cases


# The cases only LibreOffice can make: case name -> file name.
LIBREOFFICE_FILES = {"legacy-biff": "legacy-biff.xls.xlsx", "encrypted-by-libreoffice": "encrypted-by-libreoffice.xlsx"}


def _libreoffice_cases(folder: Path) -> list[Case]:
    """A real BIFF .xls renamed .xlsx, and a workbook encrypted by LibreOffice with a password."""
    legacy, encrypted = (folder / LIBREOFFICE_FILES[name] for name in ("legacy-biff", "encrypted-by-libreoffice"))
    from fixtures.lo_edit import run_job

    with tempfile.TemporaryDirectory(prefix="hostile-lo-") as tmp:
        tmp = Path(tmp)
        work_xls, work_enc = tmp / "legacy.xls", tmp / "encrypted.xlsx"
        job = {"src": SAMPLE.as_uri(),
               "outputs": [{"url": work_xls.as_uri(), "filter": "MS Excel 97"},
                           {"url": work_enc.as_uri(), "filter": "Calc MS Excel 2007 XML", "password": "secret"}]}
        out = run_job([__file__, "--uno"], job, tmp)
        if out.returncode != 0 or not work_xls.exists() or not work_enc.exists():
            raise RuntimeError(f"LibreOffice failed ({out.returncode}):\n{out.stderr}\n{out.stdout}")
        shutil.move(work_xls, legacy)
        shutil.move(work_enc, encrypted)
    return [Case("legacy-biff", legacy, "report", what="a real BIFF8 .xls (LibreOffice) renamed .xlsx"),
            Case("encrypted-by-libreoffice", encrypted, "refused", r"password-protected",
                 "a workbook LibreOffice saved with a password (an encrypted OLE container)")]


NAMES = ["empty", "text", "csv", "html", "binary", "truncated", "missing-workbook-part", "missing-sheet-part",
         "corrupt-part", "malformed-xml", "duplicate-part", "unsupported-method", "many-entries", "bomb",
         "forged-size-strings", "forged-size-sheet", "billion-laughs", "huge-attributes", "huge-dimension",
         "huge-dimension-declared", "cell-outside-grid", "row-outside-grid", "many-sheets-one-part",
         "million-strings", "deep-nesting", "no-templates", "empty-workbook", "macro", "directory", "missing-path",
         "non-ascii-path", "circular", "errors-everywhere", "merged-over-data", "long-cells", "formula-text",
         "control-characters", "utf16-doctype", "encrypted", "ole-garbage", "xxe-file-strings", "xxe-file-core",
         "xxe-fifo-strings", "xxe-fifo-core", "xxe-parameter-entity", "legacy-biff", "encrypted-by-libreoffice",
         *reading_cases.NAMES]

_SIMPLE = [_empty, _text, _csv, _html, _binary, _truncated, _missing_workbook, _missing_sheet, _corrupt_deflate,
           _malformed_xml, _duplicate_part, _unsupported_method, _many_entries, _bomb, _forged_strings,
           _forged_sheet, _billion_laughs, _quadratic_blowup, _huge_dimension, _huge_dimension_declared,
           _outside_grid, _row_outside_grid, _many_sheets_one_part, _million_strings, _deep_nesting, _no_templates,
           _empty_workbook, _macro, _folder, _missing, _non_ascii, _circular, _errors_everywhere, _merged_over_data,
           _long_cells, _formula_text, _control_chars, _utf16_doctype, _cfb_encrypted, _ole_garbage]


def _uno_main() -> None:
    """Runs under the system Python with uno: open the sample, store it as each output."""
    import uno
    from com.sun.star.beans import NamedValue

    from fixtures.lo_edit import opened, prop

    def named(name, value):
        v = NamedValue()
        v.Name, v.Value = name, value
        return v

    job = json.loads(sys.stdin.read())
    with opened(job) as doc:
        for out in job["outputs"]:
            args = [prop("FilterName", out["filter"])]
            if out.get("password"):  # OOXML encryption wants EncryptionData; "Standard" is AES-128
                data = (named("OOXPassword", out["password"]), named("CryptoType", "Standard"))
                args.append(prop("EncryptionData", uno.Any("[]com.sun.star.beans.NamedValue", data)))
            doc.storeToURL(out["url"], tuple(args))


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--uno"]:
        _uno_main()
        return 0
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    for case in build(Path(argv[0])):
        print(f"{case.expect:8} {case.name:28} {case.what or case.why_skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
