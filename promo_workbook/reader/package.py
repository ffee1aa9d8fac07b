# package.py: the workbook file as a package: its format, sheets, styles and small XML parts.
"""Open a workbook file and read what python-calamine does not give: the sheet part of each
sheet, the 1904 date system, number formats, and the small XML parts the producer
fingerprint needs.

Every input is untrusted (promo_workbook.limits). Before python-calamine or anything else
sees a part, the package is checked:

- the zip's directory: entry count, each part once (names compared without case, as
  calamine looks them up), only stored or deflated parts, no encrypted entries, the declared
  sizes within max_unzipped_bytes and each part's ratio within max_ratio;
- every XML part's prolog (whatever its name or encoding): a DOCTYPE or ENTITY declaration,
  the way to entity-expansion and external-entity attacks, makes the file unreadable;
- every part is inflated once, capped at its declared size, so a zip header that lies about
  a part's size cannot pass (sheet parts are inflated by the formula scan instead, which
  also bounds their cells: see scan.py and read.py).

Small parts are parsed with defusedxml; sheet parts are never parsed as XML here, only
scanned (see scan.py). An OLE file is legacy .xls, or an encrypted (password) workbook,
which is refused with a clear message.
"""
from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputFileError
from ..limits import Budget
from .parts import SheetInfo, office_document, parse_styles, parse_workbook, show

__all__ = ["Package", "SheetInfo", "detect_format", "format_code", "open_package", "open_part", "sheet_parts", "show"]

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PROLOG_LIMIT = 64 * 1024  # the root element must start within this many bytes
ZIP_FORMATS = ("xlsx", "xlsm", "ods", "xlsb")
XML_SUFFIXES = (".xml", ".rels", ".vml")
RAW_CHUNK = 1024 * 1024
# Zip errors are many: a damaged or hostile zip may raise any of these from zipfile or zlib.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError, zlib.error,
              NotImplementedError, RuntimeError, ValueError, struct.error, OverflowError, UnicodeError)
BUILTIN_FORMATS = {9: "0%", 10: "0.00%", 14: "mm-dd-yy", 22: "m/d/yy h:mm"}


# Public API.

@dataclass
class Package:
    """An opened .xlsx/.xlsm (zip) package; for other formats only ``format`` is set."""

    path: Path
    format: str                                  # xlsx, xlsm, xlsb, xls, ods
    zip: zipfile.ZipFile | None = None
    sheets: list[SheetInfo] = field(default_factory=list)
    date1904: bool = False
    workbook_xml: bytes = b""
    workbook_part: str = "xl/workbook.xml"
    far: dict[str, list] = field(default_factory=dict)  # sheet part -> far cells left out (sparse.py)
    _styles: tuple[dict, list] | None = None
    _lower: dict[str, str] | None = None

    def entry(self, part: str) -> str | None:
        """The zip entry holding a part (names compared as part names: without case, a
        backslash read as a slash), by the name the reader uses for it; None when absent."""
        if self.zip is None:
            return None
        if part in self.zip.NameToInfo:
            return part
        return self._entries().get(part.replace("\\", "/").lower())

    def _entries(self) -> dict[str, str]:
        if self._lower is None:
            self._lower = {n.lower(): n for n in self.zip.NameToInfo if "\\" not in n}
        return self._lower

    def sheet(self, name: str) -> SheetInfo | None:
        return next((s for s in self.sheets if s.name == name), None)

    def part(self, name: str, limit: int = 16 * 1024 * 1024) -> bytes | None:
        """A small part's bytes (DOCTYPE-checked), or None when the package lacks it."""
        name = self.entry(name) if self.zip is not None else None
        if name is None:
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
        return format_code(numfmts, xfs[style])

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def _load_styles(self) -> tuple[dict, list]:
        if self._styles is None:
            self._styles = parse_styles(self, self.part("xl/styles.xml") or b"")
        return self._styles


def format_code(custom: dict[int, str], fmt_id: int) -> str:
    """A number format id as its code: the workbook's own, a built-in one, or the id as text."""
    return custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id) or str(fmt_id)


def detect_format(path: Path, budget: Budget | None = None) -> str:
    """xlsx / xlsm / xlsb / ods / xls from the file's bytes (the extension only breaks ties)."""
    budget = budget or Budget(path)
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
        budget.check_unzipped(os.path.getsize(path))  # calamine reads a legacy file whole
        if _ole_encrypted(path):
            raise InputFileError(path, "is password-protected (an encrypted workbook): open it in Excel, remove the "
                                       "password (File > Info > Protect Workbook), save, and check it again")
        return "xls"
    if not head.startswith(ZIP_MAGIC):
        raise InputFileError(path, f"not an .xlsx workbook (the file {_describe(head)})")
    count = _zip_entry_count(path)
    if count is not None:
        budget.check_parts(count)
    try:
        with zipfile.ZipFile(path) as zf:
            names = {n.replace("\\", "/") for n in zf.namelist()}  # some Windows zip tools write backslashes
            mimetype = b""
            if "mimetype" in names:
                with zf.open("mimetype") as fh:
                    mimetype = fh.read(100)
    except ZIP_ERRORS as exc:
        raise InputFileError(path, f"not an .xlsx workbook (damaged zip: {show(exc, 120)})") from None
    if b"opendocument.spreadsheet" in mimetype:
        return "ods"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return "xlsm" if path.suffix.lower() == ".xlsm" or "xl/vbaProject.bin" in names else "xlsx"
    raise InputFileError(path, "not an .xlsx workbook (a zip file without a workbook inside)")


def open_package(path: Path, fmt: str, budget: Budget | None = None) -> Package:
    """Open the zip, check its directory, sizes and every XML part's prolog, list the sheets
    with their parts, and inflate every part but the sheets (capped at its declared size)."""
    pkg = Package(path, fmt)
    if fmt not in ZIP_FORMATS:
        return pkg
    budget = budget or Budget(path)
    try:
        pkg.zip = zipfile.ZipFile(path)
        _check_members(pkg, budget)
        _check_all_prologs(pkg)
        if fmt in ("xlsx", "xlsm"):
            pkg.workbook_part = office_document(pkg)
            pkg.workbook_xml = pkg.part(pkg.workbook_part) or b""
            if not pkg.workbook_xml:
                raise InputFileError(path, "not an .xlsx workbook (no workbook part)")
            pkg.sheets, pkg.date1904 = parse_workbook(pkg, pkg.workbook_part)
        _inflate_others(pkg, budget, set(sheet_parts(pkg)))
    except InputFileError:
        pkg.close()
        raise
    except ZIP_ERRORS as exc:
        pkg.close()
        raise InputFileError(path, f"not an .xlsx workbook (damaged package: {show(exc, 120)})") from None
    return pkg


def sheet_parts(pkg: Package) -> list[str]:
    """Every part read as a sheet: the ones the workbook's sheets name, as resolved. Only these
    (scanned and counted) reach python-calamine, in a copy of the package (calamine_copy.py)."""
    if pkg.zip is None or pkg.format not in ("xlsx", "xlsm"):
        return []
    return list(dict.fromkeys(s.part for s in pkg.sheets if s.part in pkg.zip.NameToInfo))


def alias_backslash_names(zf: zipfile.ZipFile) -> zipfile.ZipFile:
    """Make a part named with backslashes (some Windows zip tools write them) known by its part
    name too, in every ZipFile the reader opens on the file (a reopened one included)."""
    for info in zf.infolist():
        if "\\" in info.filename:
            zf.NameToInfo.setdefault(info.filename.replace("\\", "/"), info)
    return zf


def open_part(zf: zipfile.ZipFile, name: str) -> _Inflater:
    """A part as a file-like object that inflates it from the zip's raw bytes and refuses it
    as soon as it grows past its declared size (zipfile would silently stop there)."""
    return _Inflater(zf, zf.getinfo(name))


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
    """Refuse DOCTYPE/ENTITY declarations before the root element (entity-expansion attacks).

    UTF-16 and UTF-32 text is read with its NUL bytes dropped: the markup that matters is ASCII.
    """
    if b"\0" in head:
        head = head.replace(b"\0", b"")
    name = show(name)
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
    """Every part named like XML or starting like XML, whatever reader will open it."""
    for info in pkg.zip.infolist():
        if info.is_dir() or not info.file_size:
            continue
        head = _Inflater(pkg.zip, info).read(PROLOG_LIMIT)
        if info.filename.lower().endswith(XML_SUFFIXES) or _looks_like_xml(head):
            _check_prolog(pkg.path, info.filename, head)


def _looks_like_xml(head: bytes) -> bool:
    head = head[:1024].replace(b"\0", b"")
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        head = head.removeprefix(bom)
    return head.lstrip().startswith(b"<")


def _check_members(pkg: Package, budget: Budget) -> None:
    """The zip's directory: count, duplicates, methods, encryption, declared sizes, ratios."""
    infos = pkg.zip.infolist()
    budget.check_parts(len(infos))
    seen, total = {}, 0
    for info in infos:
        name = show(info.filename)
        key = info.filename.replace("\\", "/").lower()
        if key in seen:
            twin = seen[key]
            if twin == info.filename:
                raise InputFileError(pkg.path, f"not an .xlsx workbook (damaged package: part {name} appears twice)")
            raise InputFileError(pkg.path, f"refused: zip entries {show(twin)} and {name} name the same part "
                                           "(names differ only in case or slashes; apps would pick different ones)")
        seen[key] = info.filename
        if info.flag_bits & 0x1:
            raise InputFileError(pkg.path, f"is password-protected (part {name} is encrypted in the zip); "
                                           "save it again without a password")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InputFileError(pkg.path, f"not an .xlsx workbook (part {name} uses zip compression method "
                                           f"{info.compress_type}, which spreadsheet apps do not write)")
        total += info.file_size
        budget.check_ratio(name, info.file_size, info.compress_size)
    budget.check_unzipped(total)
    alias_backslash_names(pkg.zip)


def _inflate_others(pkg: Package, budget: Budget, skip: set[str]) -> None:
    """Inflate every part the sheet scan will not, so none holds more than its header says;
    count the shared strings (python-calamine keeps every one in memory) against max_cells."""
    for info in pkg.zip.infolist():
        if info.is_dir() or info.filename.replace("\\", "/") in skip:
            continue
        budget.tick(f"unzipping {show(info.filename)}")
        fh = _Inflater(pkg.zip, info)
        strings = info.filename.lower() == "xl/sharedstrings.xml"
        count, tail = 0, b""
        while True:
            data = fh.read(4 * RAW_CHUNK)
            if not data:
                break
            if strings:
                window = tail + data
                count += _strings_in(window) - _strings_in(tail)
                tail = window[-16:]
        if strings:
            budget.take_cells(count, f"the shared-strings table ({count:,} strings)")


_STRING = re.compile(rb"<(?:[\w.-]+:)?si[\s>/]")
_UNPREFIXED_STRING = re.compile(rb"<si[\s>/]")


def _strings_in(data: bytes) -> int:
    """How many times _STRING matches in ``data``; where no element has a namespace prefix (no
    ":si" anywhere), by a pattern with a literal start the regex engine skips to (_STRING has
    none: it tried every "<" of LibreOffice's 230 MB table, a second)."""
    return len((_STRING if b":si" in data else _UNPREFIXED_STRING).findall(data))


class _Inflater:
    """Read a zip part from the raw file: stored or deflated, never past its declared size."""

    def __init__(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo):
        self.path = Path(zf.filename or "")
        self.name = show(info.filename)
        self.size = info.file_size
        self._zf, self._info = zf, info
        self._left = info.compress_size
        self._offset = None
        self._inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        self._pending = b""
        self._produced = 0
        self._eof = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self, n: int = -1) -> bytes:
        want = n if n >= 0 else self.size + 1
        parts = []
        while want > 0 and not self._eof:
            if not self._pending:
                self._pending = self._raw()
            if self._inflate is None:
                piece, self._pending = self._pending[:want], self._pending[want:]
            elif self._pending:
                try:
                    piece = self._inflate.decompress(self._pending, want)
                except zlib.error as exc:
                    raise self._damaged(f"corrupt compressed data: {exc}") from None
                self._pending = self._inflate.unconsumed_tail
            else:
                piece = self._inflate.flush()  # input spent: the little zlib still holds
            self._produced += len(piece)
            if self._produced > self.size:
                raise InputFileError(self.path, f"refused: part {self.name} unzips to more than the {self.size:,} "
                                                "bytes its zip entry declares (a forged header)")
            parts.append(piece)
            want -= len(piece)
            if not piece and not self._pending or self._inflate is not None and self._inflate.eof:
                self._finish()
        return b"".join(parts)

    def _raw(self) -> bytes:
        if self._left <= 0:
            return b""
        with open(self.path, "rb") as fh:
            if self._offset is None:
                fh.seek(self._info.header_offset)
                header = fh.read(30)
                if len(header) < 30 or header[:4] != ZIP_MAGIC:
                    raise self._damaged("no local header")
                flags, name_len, extra_len = struct.unpack("<H", header[6:8])[0], *struct.unpack("<HH", header[26:30])
                local = fh.read(name_len).decode("utf-8" if flags & 0x800 else "cp437", "replace")
                if local != self._info.orig_filename:  # zipfile refuses such a part when it opens it
                    raise self._damaged(f"its local header names {show(local)}")
                self._offset = self._info.header_offset + 30 + name_len + extra_len
            fh.seek(self._offset)
            data = fh.read(min(self._left, RAW_CHUNK))
        if not data:
            raise self._damaged("cut short")
        self._offset += len(data)
        self._left -= len(data)
        return data

    def _finish(self) -> None:
        self._eof = True
        if self._produced != self.size or (self._inflate is not None and not self._inflate.eof):
            raise self._damaged(f"{self._produced:,} of {self.size:,} bytes")

    def _damaged(self, what: str) -> InputFileError:
        return InputFileError(self.path, f"not an .xlsx workbook (damaged part {self.name}: {what})")


def _zip_entry_count(path: Path) -> int | None:
    """Entries the zip's end record declares, read before zipfile builds its directory."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            fh.seek(max(0, size - 65536 - 22))
            tail = fh.read()
            end = tail.rfind(b"PK\x05\x06")
            if end < 0 or len(tail) < end + 22:
                return None
            count = struct.unpack("<H", tail[end + 10:end + 12])[0]
            locator = tail.rfind(b"PK\x06\x07", 0, end)
            if count == 0xFFFF and locator >= 0 and len(tail) >= locator + 20:
                fh.seek(struct.unpack("<Q", tail[locator + 8:locator + 16])[0])
                record = fh.read(56)
                if record[:4] == b"PK\x06\x06" and len(record) == 56:
                    count = struct.unpack("<Q", record[32:40])[0]
            return count
    except (OSError, struct.error, ValueError, OverflowError):
        return None


def _ole_encrypted(path: Path) -> bool:
    """An OLE compound file holding an EncryptedPackage stream: what Excel (and LibreOffice)
    write for a password-protected .xlsx. Directory entries sit on 128-byte boundaries: the
    stream name in UTF-16, its length in bytes at +64, type 2 (stream) at +66."""
    name = "EncryptedPackage".encode("utf-16-le")
    try:
        with open(path, "rb") as fh:
            carry = b""
            base = 0
            while True:
                block = fh.read(RAW_CHUNK)
                if not block:
                    return False
                data = carry + block
                start = base - len(carry)
                i = data.find(name)
                while i >= 0:
                    if (start + i) % 128 == 0 and data[i + 64:i + 67] == b"\x22\x00\x02":
                        return True
                    i = data.find(name, i + 1)
                carry = data[-128:]
                base += len(block)
    except OSError:
        return False
