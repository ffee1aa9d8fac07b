# reading_cases.py: hostile-corpus cases for how a package is read (issue 13), built by build_corpus.py.
"""Cases on the reading half of issue 13: part names and relationship targets resolved as
Excel resolves them, ambiguous packages refused, python-calamine given only what was scanned,
inputs that are not plans. Each maker takes the folder and ``kit``, the build_corpus module
(its Case, _edit, _parts, _zip, _sheet_of, _add_rows), and returns a Case."""
from __future__ import annotations

import re

FAR_CELL = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def backslash_parts(folder, kit):
    """Every sheet part named with backslashes, as some Windows zip tools write them."""
    parts = [(name.replace("/", "\\") if name.startswith("xl/worksheets/") else name, data)
             for name, data in kit._parts()]
    path = kit._zip(folder / "backslash-parts.xlsx", parts)
    return kit.Case("backslash-parts", path, "report", what="sheet parts named xl\\worksheets\\sheetN.xml: read")


def backslash_twin(folder, kit):
    """A backslash-named twin of a sheet part holding a cell at XFD1048576 (python-calamine
    read it unscanned and aborted the process)."""
    name = kit._sheet_of("Goals")
    data = dict(kit._parts())[name]
    twin = (name.replace("/", "\\"), kit._add_rows(data, FAR_CELL))
    path = kit._zip(folder / "backslash-twin.xlsx", kit._parts() + [twin])
    return kit.Case("backslash-twin", path, "refused", r"zip entries .* name the same part",
                    "a sheet part and its backslash-named twin (with a cell at XFD1048576)")


def backslash_far_cell(folder, kit):
    """The only copy of a sheet part, backslash-named, with a cell at XFD1048576: scanned and
    counted like any part (it reached calamine unscanned before)."""
    name = kit._sheet_of("Goals")
    parts = [(n.replace("/", "\\"), kit._add_rows(d, FAR_CELL)) if n == name else (n, d) for n, d in kit._parts()]
    path = kit._zip(folder / "backslash-far-cell.xlsx", parts)
    return kit.Case("backslash-far-cell", path, "report",
                    what="a backslash-named sheet part with a cell at XFD1048576: scanned, read sparse")


def many_far_cells(folder, kit):
    """1,500 values along the sheet's last row: too many to leave out, so the used area counts."""
    name = kit._sheet_of("Goals")
    cells = b"".join(f'<c r="{_letters(i)}1048576"><v>1</v></c>'.encode() for i in range(1500))
    path = kit._edit(folder / "many-far-cells.xlsx", {name: lambda b: kit._add_rows(b, b'<row r="1048576">' + cells
                                                                                       + b"</row>")})
    return kit.Case("many-far-cells", path, "refused", r"sheet 'Goals' \(1,048,576 rows x 1,500 columns from A1\)"
                    r".*limit max_cells", "1,500 values on row 1048576: too many to read apart")


def _letters(i: int) -> str:
    from promo_workbook.a1 import col_letter

    return col_letter(i)


def second_workbook(folder, kit):
    """_rels/.rels names xl/workbook2.xml while xl/workbook.xml routes a sheet to another file."""
    parts = dict(kit._parts())
    rels = parts["_rels/.rels"].replace(b'Target="xl/workbook.xml"', b'Target="xl/workbook2.xml"')
    other = parts["xl/_rels/workbook.xml.rels"].replace(b'Target="worksheets/sheet1.xml"',
                                                          b'Target="worksheets/other.xml"')
    path = kit._edit(folder / "second-workbook.xlsx", {"_rels/.rels": rels, "xl/_rels/workbook.xml.rels": other},
                     add=[("xl/workbook2.xml", parts["xl/workbook.xml"]),
                          ("xl/_rels/workbook2.xml.rels", parts["xl/_rels/workbook.xml.rels"]),
                          ("xl/worksheets/other.xml", kit._add_rows(parts["xl/worksheets/sheet1.xml"], FAR_CELL))])
    return kit.Case("second-workbook", path, "refused", r"a second workbook part xl/workbook\.xml",
                    "two workbook parts: the one _rels/.rels names and xl/workbook.xml")


def dotdot_targets(folder, kit):
    """Every sheet target written "../xl/worksheets/sheetN.xml" (valid; LibreOffice opens it)."""
    def rels(data: bytes) -> bytes:
        return re.sub(rb'Target="worksheets/', b'Target="../xl/worksheets/', data)
    path = kit._edit(folder / "dotdot-targets.xlsx", {"xl/_rels/workbook.xml.rels": rels})
    return kit.Case("dotdot-targets", path, "report", what='sheet targets "../xl/worksheets/…": every table found')


def strict_open_xml(folder, kit):
    """The sample in Strict Open XML's namespaces (ISO/IEC 29500 strict): read as usual."""
    def strict(data: bytes) -> bytes:
        return (data.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                             b"http://purl.oclc.org/ooxml/spreadsheetml/main")
                .replace(b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                         b"http://purl.oclc.org/ooxml/officeDocument/relationships"))
    path = kit._zip(folder / "strict-open-xml.xlsx", [(name, strict(data)) for name, data in kit._parts()])
    return kit.Case("strict-open-xml", path, "report", what="Strict Open XML namespaces: read as usual")


def array_formulas(folder, kit):
    """A derived column turned into one array formula over the table (E5:E7), values only below."""
    name = kit._sheet_of("Channels")

    def arrays(data: bytes) -> bytes:
        data = re.sub(rb'<c r="E5"( s="[0-9]+")?><f>[^<]*</f>', rb'<c r="E5"\1><f t="array" ref="E5:E7">'
                      rb'IF(OR(D5:D7="",N(C5:C7)=0),"",D5:D7/C5:C7)</f>', data)
        return re.sub(rb'(<c r="E[67]"(?: s="[0-9]+")?>)<f>[^<]*</f>', rb"\1", data)
    path = kit._edit(folder / "array-formulas.xlsx", {name: arrays})
    return kit.Case("array-formulas", path, "report", what="an array formula's range: formula cells, not constants")


def style_before_address(folder, kit):
    """Every cell written <c s="…" r="…"> (valid: attributes have no order)."""
    def swap(data: bytes) -> bytes:
        return re.sub(rb'<c r="([A-Z]+[0-9]+)" s="([0-9]+)"', rb'<c s="\2" r="\1"', data)
    parts = [(n, swap(d) if n.startswith("xl/worksheets/") else d) for n, d in kit._parts()]
    path = kit._zip(folder / "style-before-address.xlsx", parts)
    return kit.Case("style-before-address", path, "report", what='cells written <c s="…" r="…">')


def damaged_sheet(folder, kit):
    name = kit._sheet_of("Budget")
    path = kit._edit(folder / "damaged-sheet.xlsx", {name: lambda b: b[:len(b) // 2]})
    return kit.Case("damaged-sheet", path, "refused", r"sheet 'Budget' is damaged",
                    "the Budget sheet's XML cut off mid-element")


def summary_workbook(folder, kit):
    from promo_workbook.checker import check
    from promo_workbook.summary import write_summary

    path = folder / "summary-of-sample.xlsx"
    write_summary(kit.SAMPLE, check(kit.SAMPLE), path)
    return kit.Case("summary-workbook", path, "refused", r"is a promo-workbook summary, not a plan",
                    "the tool's own summary workbook")


def annotated_copy(folder, kit):
    from promo_workbook.annotator import annotate
    from promo_workbook.checker import check

    path = folder / "annotated-sample.xlsx"
    report = check(kit.SAMPLE)
    annotate(kit.SAMPLE, report.findings, path, report.lang)
    return kit.Case("annotated-copy", path, "report", what="the tool's own annotated copy: read, with a note")


CASES = [backslash_parts, backslash_twin, backslash_far_cell, many_far_cells, second_workbook, dotdot_targets,
         strict_open_xml, array_formulas, style_before_address, damaged_sheet, summary_workbook, annotated_copy]
NAMES = ["backslash-parts", "backslash-twin", "backslash-far-cell", "many-far-cells", "second-workbook",
         "dotdot-targets", "strict-open-xml", "array-formulas", "style-before-address", "damaged-sheet",
         "summary-workbook", "annotated-copy"]
