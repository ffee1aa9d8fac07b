# xmlscan.py: reading workbook XML safely with byte offsets, and editing it by splicing.
"""expat with DTDs and entities refused (what defusedxml does for the tree parsers), element
offsets as expat reports them, and ``splice`` to change a part at those offsets only, so every
byte not edited stays as it was."""
from __future__ import annotations

import re
from dataclasses import dataclass
from xml.parsers import expat

from ..a1 import col_letter
from ..errors import InputFileError

CELL = re.compile(r"^\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6})$")


# Public API.

@dataclass
class El:
    name: str               # local name
    attrs: dict
    start: int              # offset of "<"
    tag_end: int            # offset after the start tag's ">"
    empty: bool
    end: int = -1           # offset after the element's last ">"
    close: int = -1         # offset of the end tag's "</" (== tag_end - 2 for an empty element)


def safe_parser():
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _forbid
    parser.EntityDeclHandler = _forbid
    parser.UnparsedEntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid
    return parser


def parse_tree(data: bytes):
    from defusedxml import ElementTree

    return ElementTree.fromstring(data, forbid_dtd=True)


def utf8(data: bytes) -> bytes:
    """Parts are UTF-8 in practice; a UTF-16 part is re-encoded so offsets and insertions agree."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
        text = re.sub(r'encoding=["\']utf-16["\']', 'encoding="UTF-8"', text, count=1, flags=re.IGNORECASE)
        return text.encode("utf-8")
    return data


def tag_end(data: bytes, start: int) -> int:
    """Offset just after the '>' closing the tag that starts at ``start`` (quotes respected)."""
    end = data.find(b">", start)
    if end >= 0 and data.find(b"'", start, end) < 0 and data.count(b'"', start, end) % 2 == 0:
        return end + 1   # the usual tag: no quote left open before the first '>'
    i, quote = start + 1, 0
    n = len(data)
    while i < n:
        ch = data[i]
        if quote:
            if ch == quote:
                quote = 0
        elif ch in (34, 39):
            quote = ch
        elif ch == 62:
            return i + 1
        i += 1
    raise InputFileError("workbook", "a part ends inside a tag")


def element_at(local: str, attrs: dict, data: bytes, at: int) -> El:
    """The element whose start tag begins at ``at`` (the parser's offset at its start event)."""
    end = tag_end(data, at)
    return El(local, attrs, at, end, data[end - 2] == 47)  # 47 is "/": an empty element, <x/>


def close(el: El, data: bytes, at: int) -> None:
    """Record where ``el`` ends; ``at`` is the parser's offset at its end event."""
    if el.empty:
        el.end, el.close = el.tag_end, el.tag_end
    else:
        el.close = at
        el.end = tag_end(data, at)


def parse_all(parser, data: bytes, what: str) -> None:
    """Feed the whole part to ``parser``; a malformed part is the input's problem, said in one line."""
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, LookupError, ValueError) as exc:  # LookupError: an unknown declared encoding
        raise InputFileError("workbook", f"{what} is not well-formed XML ({exc})") from None


def scan(data: bytes, keep) -> tuple[list[El], str]:
    """Elements for which ``keep(local name, path)`` is true, with offsets; and the root's prefix."""
    parser = safe_parser()
    stack: list = []
    found: list[El] = []
    prefix = [None]

    def start(name, attrs):
        local = name.rpartition(":")[2]
        if prefix[0] is None:
            prefix[0] = name[: len(name) - len(local)]
        path = stack + [local]
        el = None
        if keep(local, path):
            el = element_at(local, attrs, data, parser.CurrentByteIndex)
            found.append(el)
        stack.append(local)
        opened.append(el)

    def end(name):
        stack.pop()
        el = opened.pop()
        if el is not None:
            close(el, data, parser.CurrentByteIndex)

    opened: list = []
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.buffer_text = True
    parse_all(parser, data, "a part")
    return found, prefix[0] or ""


def splice(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Replace data[start:end] by text, for every edit (non-overlapping)."""
    out, at = [], 0
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1])):
        out.append(data[at:start])
        out.append(text)
        at = end
    out.append(data[at:])
    return b"".join(out)


def set_attr(tag: bytes, name: str, value: str) -> bytes:
    """A start tag with one attribute set (replaced when present, else added before the end)."""
    pattern = re.compile(rb"(\s" + name.encode() + rb'\s*=\s*)(["\'])(.*?)\2', re.S)
    if pattern.search(tag):
        return pattern.sub(lambda m: m.group(1) + b'"' + value.encode() + b'"', tag, count=1)
    cut = len(tag) - (2 if tag.endswith(b"/>") else 1)
    return tag[:cut].rstrip() + f' {name}="{value}"'.encode() + tag[cut:]


def prefixed(xml: str, p: str) -> str:
    """Element names of a snippet put in the part's prefix for its main namespace."""
    if not p:
        return xml
    return re.sub(r"<(/?)([A-Za-z])", lambda m: f"<{m.group(1)}{p}{m.group(2)}", xml)


def cell_index(ref: str | None):
    if not ref:
        return None
    m = CELL.match(ref.strip().upper())
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    row = int(m.group(2))
    return (row, col) if col <= 16384 and row <= 1_048_576 else None


def letters(col: int) -> str:
    """1-based column number to letters (expat-era callers count from 1)."""
    return col_letter(col - 1)


# Private API.

class _Unsafe(InputFileError):
    pass


def _forbid(*args):
    raise _Unsafe("workbook", "a part of the workbook declares a DTD or entities; refusing to read it")
