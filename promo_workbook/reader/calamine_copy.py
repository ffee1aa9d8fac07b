# calamine_copy.py: the package python-calamine reads: only the parts the reader checked.
"""python-calamine resolves parts its own way (a relationship target under "xl/", names
looked up without case, backslashes as slashes), so given the user's file it could read a
part the safety scan never looked at: a backslash-named twin, a sheet a second workbook part
routes to, a part the scan resolved differently. It is therefore never given the file.

It gets a copy in memory, rebuilt from exactly the parts the reader resolved and checked,
under plain names: the workbook part as ``xl/workbook.xml``, its relationships rewritten to
point every sheet at ``xl/worksheets/sheetN.xml``, the shared strings and styles the workbook
names, and each sheet part the reader scans. Parts are copied as their compressed bytes
(no second inflate, memory about the file's size), with their sizes and CRC as the zip's
directory declares them; the package checks already made sure a part inflates to exactly its
declared size. Everything else in the package (drawings, comments, other sheets' parts) is
left out: calamine has no use for it.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from xml.sax.saxutils import quoteattr

from ..errors import InputFileError
from .package import ZIP_MAGIC, Package, open_part
from .parts import workbook_rels
from .sparse import deflate, without_far_cells

__all__ = ["calamine_copy"]

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_KEEP = {"/sharedStrings": "xl/sharedStrings.xml", "/styles": "xl/styles.xml"}
_SHEETS = ("/worksheet", "/chartsheet", "/dialogsheet", "/xlMacrosheet", "/macrosheet")
_CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  b'<Default Extension="xml" ContentType="application/xml"/>'
                  b'<Override PartName="/xl/workbook.xml" ContentType='
                  b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
_ROOT_RELS = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_RELS}">'
              f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
              "</Relationships>").encode()


# Public API.

def calamine_copy(pkg: Package, workbook_part: str) -> io.BytesIO:
    """The in-memory package python-calamine opens instead of ``pkg``'s file."""
    out = _ZipWriter()
    out.add("[Content_Types].xml", _CONTENT_TYPES)
    out.add("_rels/.rels", _ROOT_RELS)
    out.add("xl/workbook.xml", pkg.workbook_xml)
    rels, sheets = [], {}
    for rid, (kind, part) in workbook_rels(pkg, workbook_part).items():
        kind_tail = kind[kind.rfind("/"):]
        if kind_tail in _SHEETS:
            name = sheets.get(part)
            if name is None:
                name = sheets[part] = f"xl/worksheets/sheet{len(sheets) + 1}.xml"
                if part in pkg.far:  # stray cells far from the rest: the sheet without them (sparse.py)
                    out.deflated(name, without_far_cells(_inflated(pkg, part), pkg.far[part]))
                elif part in pkg.zip.NameToInfo:  # else a sheet without its part: the reader refuses it when read
                    out.raw(name, pkg, part)
        elif kind_tail in _KEEP and part in pkg.zip.NameToInfo and _KEEP[kind_tail] not in out.names:
            name = _KEEP[kind_tail]
            out.raw(name, pkg, part)
        else:
            continue
        rels.append(f"<Relationship Id={quoteattr(rid or '')} Type={quoteattr(kind)} Target=\"/{name}\"/>")
    out.add("xl/_rels/workbook.xml.rels", (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                            f'<Relationships xmlns="{_PKG_RELS}">{"".join(rels)}'
                                            "</Relationships>").encode())
    return out.finish(pkg)


# Private API.

class _ZipWriter:
    """A zip written by hand: parts added as bytes (stored) or as another zip's raw entries."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.central: list[bytes] = []
        self.names: set[str] = set()

    def add(self, name: str, data: bytes) -> None:
        self._entry(name, zipfile.ZIP_STORED, zlib.crc32(data), len(data), len(data), data)

    def raw(self, name: str, pkg: Package, part: str) -> None:
        info = pkg.zip.getinfo(part)
        self._entry(name, info.compress_type, info.CRC, info.compress_size, info.file_size, _raw_bytes(pkg, info))

    def deflated(self, name: str, data: bytes) -> None:
        packed = deflate(data)
        self._entry(name, zipfile.ZIP_DEFLATED, zlib.crc32(data), len(packed), len(data), packed)

    def finish(self, pkg: Package) -> io.BytesIO:
        start = self.buf.tell()
        for record in self.central:
            self.buf.write(record)
        size = self.buf.tell() - start
        if start > 0xFFFFFFFF:
            raise InputFileError(pkg.path, "too big to read (over 4 GB of parts)")
        self.buf.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(self.central), len(self.central),
                                   size, start, 0))
        self.buf.seek(0)
        return self.buf

    def _entry(self, name: str, method: int, crc: int, csize: int, usize: int, data: bytes) -> None:
        offset = self.buf.tell()
        encoded = name.encode("utf-8")
        if max(offset, csize, usize) > 0xFFFFFFFF:
            raise OverflowError("zip64")
        self.buf.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, method, 0, 0x21, crc, csize, usize,
                                   len(encoded), 0) + encoded)
        self.buf.write(data)
        self.central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, method, 0, 0x21, crc,
                                        csize, usize, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
        self.names.add(name)


def _inflated(pkg: Package, part: str) -> bytes:
    with open_part(pkg.zip, part) as fh:  # never past its declared size
        return fh.read()


def _raw_bytes(pkg: Package, info: zipfile.ZipInfo) -> bytes:
    """A part's compressed bytes as the zip holds them, after its local header."""
    with open(pkg.path, "rb") as fh:
        fh.seek(info.header_offset)
        header = fh.read(30)
        if len(header) < 30 or header[:4] != ZIP_MAGIC:
            raise InputFileError(pkg.path, f"not an .xlsx workbook (damaged part {info.filename}: no local header)")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        data = fh.read(info.compress_size)
    if len(data) != info.compress_size:
        raise InputFileError(pkg.path, f"not an .xlsx workbook (damaged part {info.filename}: cut short)")
    return data
