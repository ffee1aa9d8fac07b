# package.py: the workbook file as a package: its format, sheets, styles and small XML parts.
"""Open a workbook file and read what python-calamine does not give: the sheet part of each
sheet, the 1904 date system, number formats, and the small XML parts the producer
fingerprint needs.

Every XML part is checked before anything parses it: a DOCTYPE or ENTITY declaration
(the way to entity-expansion attacks) makes the file unreadable. Small parts are parsed with
defusedxml; sheet parts are never parsed as XML here, only scanned (see scan.py).
"""
from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputFileError

__all__ = ["Package", "SheetInfo", "detect_format", "open_package"]

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PROLOG_LIMIT = 64 * 1024  # the root element must start within this many bytes
BUILTIN_FORMATS = {9: "0%", 10: "0.00%", 14: "mm-dd-yy", 22: "m/d/yy h:mm"}


# Public API.

@dataclass(frozen=True)
class SheetInfo:
    name: str
    part: str | None      # "xl/worksheets/sheet3.xml"; None outside .xlsx/.xlsm
    hidden: bool = False


@dataclass
class Package:
    """An opened .xlsx/.xlsm (zip) package; for other formats only ``format`` is set."""

    path: Path
    format: str                                  # xlsx, xlsm, xlsb, xls, ods
    zip: zipfile.ZipFile | None = None
    sheets: list[SheetInfo] = field(default_factory=list)
    date1904: bool = False
    workbook_xml: bytes = b""
    _styles: tuple[dict, list] | None = None

    def sheet(self, name: str) -> SheetInfo | None:
        return next((s for s in self.sheets if s.name == name), None)

    def part(self, name: str, limit: int = 16 * 1024 * 1024) -> bytes | None:
        """A small part's bytes (DOCTYPE-checked), or None when the package lacks it."""
        if self.zip is None or name not in self.zip.NameToInfo:
            return None
        info = self.zip.getinfo(name)
        if info.file_size > limit:
            raise InputFileError(self.path, f"part {name} is implausibly large ({info.file_size:,} bytes)")
        data = self.zip.read(name)
        _check_prolog(self.path, name, data[:PROLOG_LIMIT])
        return data

    def number_format(self, style: int) -> str | None:
        """The number format code of a cell style index (s="…"), or None when unknown."""
        numfmts, xfs = self._load_styles()
        if not 0 <= style < len(xfs):
            return None
        fmt_id = xfs[style]
        return numfmts.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id) or str(fmt_id)

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def _load_styles(self) -> tuple[dict, list]:
        if self._styles is None:
            self._styles = _parse_styles(self, self.part("xl/styles.xml") or b"")
        return self._styles


def detect_format(path: Path) -> str:
    """xlsx / xlsm / xlsb / ods / xls from the file's bytes (the extension only breaks ties)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
    except FileNotFoundError:
        raise InputFileError(path, "file not found") from None
    except IsADirectoryError:
        raise InputFileError(path, "is a folder, not a workbook") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot open: {exc.strerror or exc}") from None
    if head.startswith(OLE_MAGIC):
        return "xls"
    if not head.startswith(ZIP_MAGIC):
        raise InputFileError(path, f"not an .xlsx workbook (the file {_describe(head)})")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputFileError(path, f"not an .xlsx workbook (damaged zip: {exc})") from None
    if b"opendocument.spreadsheet" in mimetype:
        return "ods"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return "xlsm" if path.suffix.lower() == ".xlsm" or "xl/vbaProject.bin" in names else "xlsx"
    raise InputFileError(path, "not an .xlsx workbook (a zip file without a workbook inside)")


def open_package(path: Path, fmt: str) -> Package:
    """Open the zip, check every XML part's prolog, and list the sheets with their parts."""
    pkg = Package(path, fmt)
    if fmt not in ("xlsx", "xlsm"):
        return pkg
    try:
        pkg.zip = zipfile.ZipFile(path)
        _check_all_prologs(pkg)
        workbook_part = _office_document(pkg)
        pkg.workbook_xml = pkg.part(workbook_part) or b""
        if not pkg.workbook_xml:
            raise InputFileError(path, "not an .xlsx workbook (no workbook part)")
        pkg.sheets, pkg.date1904 = _parse_workbook(pkg, workbook_part)
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as exc:
        pkg.close()
        raise InputFileError(path, f"not an .xlsx workbook (damaged package: {exc})") from None
    except InputFileError:
        pkg.close()
        raise
    return pkg


def parse_xml(pkg: Package, name: str, data: bytes):
    """A small part as an ElementTree element; DTDs and entities refused (defusedxml)."""
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        return DET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise InputFileError(pkg.path, f"refused {name}: {type(exc).__name__}") from None
    except Exception as exc:  # noqa: BLE001 - ParseError and friends: a damaged part
        raise InputFileError(pkg.path, f"not an .xlsx workbook (damaged {name}: {exc})") from None


def local(tag: str) -> str:
    """An element's tag without its namespace: '{…main}sheet' -> 'sheet'."""
    return tag.rpartition("}")[2]


# Private API.

def _describe(head: bytes) -> str:
    if not head:
        return "is empty"
    if head.lstrip().startswith((b"<", b"\xef\xbb\xbf<")):
        return "is XML or HTML text"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = head[:-3].decode("utf-8", "replace") if len(head) == 512 else "\0"
    if all(ch.isprintable() or ch in "\t\r\n" for ch in text):
        return "is plain text, e.g. CSV"
    return "has an unknown format"


def _check_prolog(path: Path, name: str, head: bytes) -> None:
    """Refuse DOCTYPE/ENTITY declarations before the root element (entity-expansion attacks)."""
    i = 0
    while True:
        i = head.find(b"<", i)
        if i < 0:
            if len(head) >= PROLOG_LIMIT:
                raise InputFileError(path, f"refused {name}: no root element in the first {PROLOG_LIMIT:,} bytes")
            return
        nxt = head[i + 1:i + 2]
        if nxt == b"?":
            i = head.find(b"?>", i) + 2 if head.find(b"?>", i) >= 0 else len(head)
        elif head.startswith(b"<!--", i):
            end = head.find(b"-->", i)
            i = end + 3 if end >= 0 else len(head)
        elif nxt == b"!":
            raise InputFileError(path, f"refused {name}: it declares a DOCTYPE or ENTITY")
        else:
            return


def _check_all_prologs(pkg: Package) -> None:
    for info in pkg.zip.infolist():
        if info.filename.lower().endswith((".xml", ".rels", ".vml")) and info.file_size:
            with pkg.zip.open(info) as fh:
                _check_prolog(pkg.path, info.filename, fh.read(PROLOG_LIMIT))


def _office_document(pkg: Package) -> str:
    rels = pkg.part("_rels/.rels")
    if rels:
        for rel in parse_xml(pkg, "_rels/.rels", rels):
            if rel.get("Type", "").endswith("/officeDocument"):
                return rel.get("Target", "").lstrip("/")
    return "xl/workbook.xml"


def _parse_workbook(pkg: Package, workbook_part: str) -> tuple[list[SheetInfo], bool]:
    root = parse_xml(pkg, workbook_part, pkg.workbook_xml)
    folder = posixpath.dirname(workbook_part)
    rels_name = posixpath.join(folder, "_rels", posixpath.basename(workbook_part) + ".rels")
    targets = {}
    rels = pkg.part(rels_name)
    if rels:
        for rel in parse_xml(pkg, rels_name, rels):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            targets[rel.get("Id")] = part
    sheets, date1904 = [], False
    for el in root.iter():
        tag = local(el.tag)
        if tag == "workbookPr":
            date1904 = el.get("date1904", "").lower() in ("1", "true")
        elif tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if local(k) == "id"), None)
            sheets.append(SheetInfo(el.get("name", ""), targets.get(rid), el.get("state", "visible") != "visible"))
    return sheets, date1904


def _parse_styles(pkg: Package, data: bytes) -> tuple[dict, list]:
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
