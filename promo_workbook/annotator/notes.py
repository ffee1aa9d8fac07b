# notes.py: the comments part and its legacy (VML) drawing: new ones, or ours added to a sheet's own.
"""A comment needs two parts: ``xl/commentsN.xml`` (the text) and a VML drawing with one note
shape per comment (where and how it shows). A sheet's own comments keep theirs; ours are added,
appended to a comment already on the same cell. VML is edited as text: Excel's is often not
well-formed XML."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from ..errors import InputFileError
from .package import MAIN
from .xmlscan import cell_index, letters, prefixed, scan, splice

if TYPE_CHECKING:
    from . import Note
    from .package import Edits, Package

MAX_NOTE_CHARS = 32_000     # Excel keeps at most 32,767 characters in a comment
BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SHAPETYPE = ('<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
             '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')
VML_NS = {"v": "urn:schemas-microsoft-com:vml", "o": "urn:schemas-microsoft-com:office:office",
          "x": "urn:schemas-microsoft-com:office:excel"}


# Public API.

def new_comments(notes: dict, lang: str) -> bytes:
    items = "".join(f'<comment ref="{letters(c)}{r}" authorId="0"><text>{_run(_note_text(n))}</text></comment>'
                    for (r, c), n in sorted(notes.items()))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="{MAIN}"><authors>'
            f"<author>{escape(_author(lang))}</author></authors><commentList>{items}</commentList></comments>").encode()


def merge_comments(data: bytes, notes: dict, lang: str) -> bytes:
    """Our notes added to a sheet's own comments: appended to a comment already on the cell."""
    found, p = scan(data, _comment_parts)
    root = found[0]
    authors_el = next((e for e in found if e.name == "authors"), None)
    list_el = next((e for e in found if e.name == "commentList"), None)
    authors = [e for e in found if e.name == "author"]
    edits = []
    author = escape(_author(lang))
    names = [data[a.tag_end:a.close].decode("utf-8", "replace") for a in authors]
    if author in names:
        author_id = names.index(author)
    else:
        author_id = len(authors)
        _append(edits, authors_el, "authors", p, prefixed(f"<author>{author}</author>", p).encode(), root.tag_end)
    existing, comment = {}, None
    for el in found:   # in document order: each <text> follows its <comment>
        if el.name == "comment":
            comment = el
        elif el.name == "text" and comment is not None and comment.start < el.start < comment.end and not el.empty:
            where = cell_index(comment.attrs.get("ref"))
            if where is not None:
                existing[where] = el
    new = []
    for (r, c), note in sorted(notes.items()):
        if (r, c) in existing:
            text = existing[(r, c)]
            edits.append((text.close, text.close, prefixed(_run("\n" + _note_text(note)), p).encode()))
        else:
            new.append(prefixed(f'<comment ref="{letters(c)}{r}" authorId="{author_id}"><text>'
                                f"{_run(_note_text(note))}</text></comment>", p))
    if new:
        _append(edits, list_el, "commentList", p, "".join(new).encode(), root.close)
    return splice(data, edits)


def new_vml(notes: dict, idmap: int, first_id: int) -> bytes:
    ns = " ".join(f'xmlns:{k}="{v}"' for k, v in VML_NS.items())
    return (f'<xml {ns}><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{idmap}"/></o:shapelayout>'
            f"{SHAPETYPE}{_shapes(notes, max(first_id, idmap * 1024 + 1))}</xml>").encode()


def merge_vml(data: bytes, notes: dict, first_id: int) -> bytes:
    """Our notes appended to a sheet's own legacy drawing (edited as text: VML is often not XML)."""
    end = data.rfind(b"</xml>")
    if end < 0:
        raise InputFileError("workbook", "a sheet's legacy drawing (VML) could not be understood")
    declared = all(f'xmlns:{k}="{v}"'.encode() in data or f"xmlns:{k}='{v}'".encode() in data for k, v in VML_NS.items())
    declare = "" if declared else " " + " ".join(f'xmlns:{k}="{v}"' for k, v in VML_NS.items())
    extra = "" if b"_x0000_t202" in data else SHAPETYPE.replace("<v:shapetype ", f"<v:shapetype{declare} ", 1)
    return data[:end] + (extra + _shapes(notes, first_id, declare)).encode() + data[end:]


def next_shape(package: Package, edits: Edits) -> int:
    ids = [int(m) for data in _vml_parts(package, edits) for m in re.findall(rb"_x0000_s(\d+)", data)]
    return max(ids, default=1024) + 1


def next_idmap(package: Package, edits: Edits) -> int:
    used = [int(x) for data in _vml_parts(package, edits)
            for m in re.findall(rb'idmap[^>]*?data\s*=\s*["\']([0-9, ]+)["\']', data) for x in m.split(b",") if x.strip()]
    return max(used, default=0) + 1


# Private API.

def _comment_parts(local: str, path: list) -> bool:
    """The comments part's root, authors, author names, comment list, comments and their text."""
    depth = len(path)
    return depth == 1 or (depth == 2 and local in ("authors", "commentList")) or (
        depth == 3 and local in ("author", "comment")) or (depth == 4 and local == "text")

def _note_text(note: Note) -> str:
    text = "\n".join(note.lines)
    text = BAD_XML_CHARS.sub("", text)
    if len(text) > MAX_NOTE_CHARS:
        text = text[: MAX_NOTE_CHARS - 1] + "…"
    return text


def _author(lang: str) -> str:
    from ..summary.words import words

    return words().text("annotate.author", lang)


def _run(text: str) -> str:
    return ('<r><rPr><sz val="9"/><color indexed="81"/><rFont val="Tahoma"/><family val="2"/></rPr>'
            f'<t xml:space="preserve">{escape(text)}</t></r>')


def _shapes(notes: dict, first_id: int, declare: str = "") -> str:
    from ..summary.look import text_width

    out = []
    for n, ((r, c), note) in enumerate(sorted(notes.items())):
        lines = sum(max(1, -(-int(text_width(part, 1.8)) // 44)) for part in _note_text(note).split("\n"))
        height = min(40, lines + 1)
        top = max(r - 2, 0)
        out.append(
            f'<v:shape id="_x0000_s{first_id + n}" type="#_x0000_t202"{declare} style="position:absolute;'
            f'margin-left:60pt;margin-top:2pt;width:240pt;height:{12 * height + 6}pt;z-index:{n + 1};visibility:hidden" '
            'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
            '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
            '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f"<x:Anchor>{c}, 15, {top}, 10, {c + 4}, 15, {top + height}, 4</x:Anchor><x:AutoFill>False</x:AutoFill>"
            f"<x:Row>{r - 1}</x:Row><x:Column>{c - 1}</x:Column></x:ClientData></v:shape>")
    return "".join(out)


def _vml_parts(package: Package, edits: Edits) -> list[bytes]:
    names = [n for n in package.names if n.lower().endswith(".vml")] + [n for n in edits.added if n.lower().endswith(".vml")]
    return [edits.get(n) for n in names]


def _append(edits: list, el, name: str, p: str, xml: bytes, missing_at: int) -> None:
    """Put ``xml`` after the last child of ``el`` (a <p:name> element), or, when the part has
    no such element (``el`` is None) or only an empty one, a new one holding it."""
    if el is not None and not el.empty:
        edits.append((el.close, el.close, xml))
        return
    wrapped = f"<{p}{name}>".encode() + xml + f"</{p}{name}>".encode()
    edits.append((missing_at, missing_at, wrapped) if el is None else (el.start, el.end, wrapped))
