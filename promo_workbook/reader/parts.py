# parts.py: the workbook's small XML parts, parsed safely.
"""The small parts every reader needs before the sheets: where the workbook part is
(_rels/.rels), its sheets and their parts (xl/workbook.xml and its relationships), the date
system, and the number formats of xl/styles.xml; parsed with DTDs and entities refused. The
``pkg`` these take is a package.Package (its ``path`` names the file in errors)."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ..errors import InputFileError

__all__ = ["SheetInfo", "calamine_path", "local", "office_document", "parse_styles", "parse_workbook",
           "parse_xml", "show"]


# Public API.

@dataclass(frozen=True)
class SheetInfo:
    name: str
    part: str | None      # "xl/worksheets/sheet3.xml"; None outside .xlsx/.xlsm
    hidden: bool = False
    # The part is the one python-calamine opens for the sheet too (same path from the target).
    canonical: bool = False


def show(value, limit: int = 80) -> str:
    """Text from a file made safe for a one-line message: control characters escaped, cut short."""
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text[:limit + 1])
    return text if len(text) <= limit else text[:limit] + "…"


def parse_xml(pkg, name: str, data: bytes):
    """A small part as an ElementTree element; DTDs and entities refused (defusedxml)."""
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        return DET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise InputFileError(pkg.path, f"refused {show(name)}: {type(exc).__name__}") from None
    except Exception as exc:  # noqa: BLE001 - ParseError and friends: a damaged part
        raise InputFileError(pkg.path, f"not an .xlsx workbook (damaged {show(name)}: {show(exc, 120)})") from None


def local(tag: str) -> str:
    """An element's tag without its namespace: '{…main}sheet' -> 'sheet'."""
    return tag.rpartition("}")[2]


def office_document(pkg) -> str:
    """The workbook part the package's relationships name (xl/workbook.xml when they do not)."""
    rels = pkg.part("_rels/.rels")
    if rels:
        for rel in parse_xml(pkg, "_rels/.rels", rels):
            if rel.get("Type", "").endswith("/officeDocument"):
                return rel.get("Target", "").lstrip("/")
    return "xl/workbook.xml"


def parse_workbook(pkg, workbook_part: str) -> tuple[list[SheetInfo], bool]:
    root = parse_xml(pkg, workbook_part, pkg.workbook_xml)
    folder = posixpath.dirname(workbook_part)
    rels_name = posixpath.join(folder, "_rels", posixpath.basename(workbook_part) + ".rels")
    targets = {}
    rels = pkg.part(rels_name)
    if rels:
        for rel in parse_xml(pkg, rels_name, rels):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            targets[rel.get("Id")] = (part, part == calamine_path(target))
    sheets, date1904 = [], False
    for el in root.iter():
        tag = local(el.tag)
        if tag == "workbookPr":
            date1904 = el.get("date1904", "").lower() in ("1", "true")
        elif tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if local(k) == "id"), None)
            part, canonical = targets.get(rid, (None, False))
            sheets.append(SheetInfo(el.get("name", ""), part, el.get("state", "visible") != "visible", canonical))
    return sheets, date1904


def calamine_path(target: str) -> str:
    """Where python-calamine looks for a sheet's part, from its relationship target as written
    (calamine's xlsx reader: "/xl/…" and "xl/…" as they are, anything else under "xl/")."""
    if target.startswith("/xl/"):
        return target[1:]
    return target if target.startswith("xl/") else "xl/" + target


def parse_styles(pkg, data: bytes) -> tuple[dict, list]:
    if not data:
        return {}, []
    root = parse_xml(pkg, "xl/styles.xml", data)
    numfmts, xfs = {}, []
    for el in root:
        tag = local(el.tag)
        if tag == "numFmts":
            for fmt in el:
                try:
                    numfmts[int(fmt.get("numFmtId", "-1"))] = fmt.get("formatCode", "")
                except ValueError:
                    continue
        elif tag == "cellXfs":
            for xf in el:
                try:
                    xfs.append(int(xf.get("numFmtId", "0")))
                except ValueError:
                    xfs.append(0)
    return numfmts, xfs
