# parts.py: the workbook's small XML parts, parsed safely.
"""The small parts every reader needs before the sheets: where the workbook part is
(_rels/.rels), its sheets and their parts (xl/workbook.xml and its relationships), the date
system, and the number formats of xl/styles.xml; parsed with DTDs and entities refused. The
``pkg`` these take is a package.Package (its ``path`` names the file in errors)."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ..errors import InputFileError

__all__ = ["SheetInfo", "local", "office_document", "parse_styles", "parse_workbook", "parse_xml", "resolve",
           "show", "workbook_rels"]


# Public API.

@dataclass(frozen=True)
class SheetInfo:
    name: str
    part: str | None      # "xl/worksheets/sheet3.xml"; None outside .xlsx/.xlsm
    hidden: bool = False
    rid: str | None = None  # its relationship in the workbook's rels


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


def resolve(source: str, target: str) -> str:
    """A relationship's target as a part name, as Excel resolves it: relative to the folder of
    the part the relationship belongs to ("" for the package's own _rels/.rels), absolute when
    it starts with "/", "." and ".." folded, %-escapes decoded, backslashes read as slashes."""
    from urllib.parse import unquote

    target = unquote(target.strip()).replace("\\", "/")
    if target.startswith("/"):
        joined = target
    else:
        joined = posixpath.join("/" + posixpath.dirname(source), target)
    return posixpath.normpath(joined).lstrip("/")


def office_document(pkg) -> str:
    """The workbook part the package's relationships name (xl/workbook.xml when they do not).

    Refused: two workbook relationships, or a workbook part other than the one named while
    xl/workbook.xml is there too (apps disagree on which one is the workbook)."""
    rels = pkg.part("_rels/.rels")
    named = []
    if rels:
        named = [resolve("", rel.get("Target", "")) for rel in parse_xml(pkg, "_rels/.rels", rels)
                 if rel.get("Type", "").endswith("/officeDocument")]
    if len(set(named)) > 1:
        raise InputFileError(pkg.path, "refused: _rels/.rels names two workbook parts "
                                       f"({show(named[0])} and {show(named[1])}); which one is the plan is ambiguous")
    part = pkg.entry(named[0]) if named else None
    if named and part is None:
        raise InputFileError(pkg.path, f"not an .xlsx workbook (no workbook part: _rels/.rels names {show(named[0])})")
    usual = pkg.entry("xl/workbook.xml")
    if part and usual and part != usual:
        raise InputFileError(pkg.path, f"refused: a second workbook part {show(usual)} besides {show(part)}, "
                                       "the one _rels/.rels names; apps differ on which one they read")
    return part or usual or "xl/workbook.xml"


def workbook_rels(pkg, workbook_part: str) -> dict[str, tuple[str, str]]:
    """The workbook's relationships: Id -> (type, part name as resolved)."""
    folder = posixpath.dirname(workbook_part)
    rels_name = posixpath.join(folder, "_rels", posixpath.basename(workbook_part) + ".rels")
    data = pkg.part(pkg.entry(rels_name) or rels_name)
    if not data:
        return {}
    out = {}
    for rel in parse_xml(pkg, rels_name, data):
        if rel.get("TargetMode", "").lower() == "external":
            continue
        part = resolve(workbook_part, rel.get("Target", ""))
        out[rel.get("Id")] = (rel.get("Type", ""), pkg.entry(part) or part)
    return out


def parse_workbook(pkg, workbook_part: str) -> tuple[list[SheetInfo], bool]:
    root = parse_xml(pkg, workbook_part, pkg.workbook_xml)
    targets = workbook_rels(pkg, workbook_part)
    sheets, date1904 = [], False
    for el in root.iter():
        tag = local(el.tag)
        if tag == "workbookPr":
            date1904 = el.get("date1904", "").lower() in ("1", "true")
        elif tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if local(k) == "id"), None)
            part = targets[rid][1] if rid in targets else None
            sheets.append(SheetInfo(el.get("name", ""), part, el.get("state", "visible") != "visible", rid))
    return sheets, date1904


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
