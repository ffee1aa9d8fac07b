# package.py: the workbook's zip: its parts, relationships and content types.
"""``Package`` reads the zip's part names, the workbook's sheets (name -> part) and any part's
relationships; ``Edits`` holds the parts changed or added and writes the copy, every other part
byte for byte, in the original order."""
from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

from ..errors import InputFileError
from .xmlscan import parse_tree, prefixed, scan, splice, utf8

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_OFFICE = DOC_REL + "/officeDocument"
REL_COMMENTS = DOC_REL + "/comments"
REL_VML = DOC_REL + "/vmlDrawing"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"


# Public API.

class Package:
    """The zip's part names, content types, and the workbook's sheets (name -> part)."""

    def __init__(self, zin: zipfile.ZipFile):
        self.zin = zin
        self.names = {info.filename: info for info in zin.infolist()}
        self.lower = {n.lower() for n in self.names}
        if "[Content_Types].xml" not in self.names:
            raise InputFileError(zin.filename, "not an Office Open XML workbook (no [Content_Types].xml)")
        workbook = next((t for _, t, kind in self.rels("") if kind == REL_OFFICE), "xl/workbook.xml")
        self.workbook = workbook
        ids = {rid: target for rid, target, _ in self.rels(workbook)}
        root = parse_tree(self.read(workbook))
        if root.tag.startswith("{" + STRICT_MAIN):
            raise InputFileError(zin.filename, "is saved as Strict Open XML, which the annotated copy cannot mark; "
                                               "save it as an ordinary Excel workbook (.xlsx) and check it again")
        self.sheets: dict[str, str] = {}
        seen: set[str] = set()
        for sheet in root.iter(f"{{{MAIN}}}sheet"):
            name = sheet.get("name") or ""
            if name.casefold() in seen:  # Excel takes sheet names regardless of case
                raise InputFileError(zin.filename, f"two sheets are named {name!r}; the annotated copy cannot tell "
                                                   "which one a finding is on (rename one)")
            seen.add(name.casefold())
            target = ids.get(sheet.get(f"{{{DOC_REL}}}id"))
            if target in self.names:
                self.sheets[name] = target
        styles = [t for _, t, kind in self.rels(workbook) if kind.endswith("/styles")]
        self.styles = styles[0] if styles and styles[0] in self.names else None

    def read(self, name: str) -> bytes:
        return utf8(self.zin.read(name))

    def rels_name(self, part: str) -> str:
        folder, base = posixpath.split(part)
        return posixpath.join(folder, "_rels", base + ".rels")

    def rels(self, part: str) -> list[tuple[str, str, str]]:
        """(id, target part name, type) of a part's relationships; external targets left out."""
        name = self.rels_name(part) if part else "_rels/.rels"
        if name not in self.names:
            return []
        out = []
        for rel in parse_tree(self.read(name)).iter(f"{{{PKG_REL}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            out.append((rel.get("Id"), resolve(part, rel.get("Target", "")), rel.get("Type", "")))
        return out

    def new_name(self, pattern: str, taken: set) -> str:
        n = 1
        while pattern.format(n).lower() in self.lower or pattern.format(n).lower() in taken:
            n += 1
        taken.add(pattern.format(n).lower())
        return pattern.format(n)


class Edits:
    """Parts replaced or added; everything else is copied as it is."""

    def __init__(self, package: Package):
        self.package = package
        self.changed: dict[str, bytes] = {}
        self.added: dict[str, bytes] = {}
        self.taken: set = set()
        self.types: list[tuple[str, str, str]] = []   # ("Default"|"Override", key, content type)

    def get(self, name: str) -> bytes:
        if name in self.changed:
            return self.changed[name]
        if name in self.added:
            return self.added[name]
        return self.package.read(name)

    def put(self, name: str, data: bytes) -> None:
        if name in self.package.names:
            self.changed[name] = data
        else:
            self.added[name] = data

    def exists(self, name: str) -> bool:
        return name in self.package.names or name in self.added

    def write(self, zin: zipfile.ZipFile, target: Path) -> None:
        if self.types:
            self.put("[Content_Types].xml", content_types(self.get("[Content_Types].xml"), self.types))
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                copy = zipfile.ZipInfo(info.filename, info.date_time)
                copy.compress_type = info.compress_type
                copy.external_attr = info.external_attr
                copy.create_system = info.create_system
                data = self.changed.get(info.filename)
                zout.writestr(copy, data if data is not None else zin.read(info.filename))
            for name, data in self.added.items():
                zout.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


class Ids:
    """Relationship ids not yet used in a rels part."""

    def __init__(self, data: bytes):
        self.used = set(re.findall(rb'Id\s*=\s*["\']([^"\']+)["\']', data))
        self.n = 0

    def next(self) -> str:
        self.n += 1
        while f"rId{self.n}".encode() in self.used:
            self.n += 1
        self.used.add(f"rId{self.n}".encode())
        return f"rId{self.n}"


def add_rels(edits: Edits, name: str, new_rels: list) -> bytes:
    added = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target={quoteattr(target)}/>'
                    for rid, kind, target in new_rels).encode()
    if not edits.exists(name):
        return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<Relationships xmlns="' + PKG_REL.encode() + b'">' + added + b"</Relationships>")
    data = edits.get(name)
    found, p = scan(data, _root)
    root = found[0]
    added = prefixed(added.decode(), p).encode()
    if root.empty:
        return splice(data, [(root.start, root.end, data[root.start:root.tag_end - 2].rstrip() + b">" + added
                               + f"</{p}Relationships>".encode())])
    return splice(data, [(root.close, root.close, added)])


def content_types(data: bytes, types: list) -> bytes:
    found, _ = scan(data, _root_and_children)
    root = found[0]
    defaults = {e.attrs.get("Extension", "").lower() for e in found if e.name == "Default"}
    overrides = {e.attrs.get("PartName", "").lower() for e in found if e.name == "Override"}
    xml = []
    for kind, key, ctype in dict.fromkeys(types):
        if kind == "Default" and key.lower() not in defaults:
            defaults.add(key.lower())
            xml.append(f'<Default Extension="{key}" ContentType="{ctype}"/>')
        elif kind == "Override" and key.lower() not in overrides:
            overrides.add(key.lower())
            xml.append(f'<Override PartName={quoteattr(key)} ContentType="{ctype}"/>')
    return splice(data, [(root.close, root.close, "".join(xml).encode())])


def resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def relative(source: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


# Private API.

def _root(local: str, path: list) -> bool:
    return len(path) == 1


def _root_and_children(local: str, path: list) -> bool:
    return len(path) <= 2
