# sheet.py: one worksheet's highlights and comments, and the highlight styles.
"""``annotate_sheet`` restyles each finding's cell (adding the cell where the finding points at
an empty one), and hangs the comments part and the VML drawing on the sheet; ``Styles`` adds one
fill per severity and one cellXfs clone per (cell style, severity) to ``xl/styles.xml``."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..errors import InputFileError
from .notes import merge_comments, merge_vml, new_comments, new_vml, next_idmap, next_shape
from .package import CT_COMMENTS, CT_VML, DOC_REL, REL_COMMENTS, REL_VML, Edits, Ids, Package, add_rels, relative
from .xmlscan import El, cell_index, close, element_at, letters, parse_all, safe_parser, scan, set_attr, splice

FILLS = {"error": "FFF8CBAD", "warning": "FFFFEB9C", "info": "FFDDEBF7",
         "accepted": "FFEDEDED"}  # an accepted finding (docs/accepting.md): grey
# Where <legacyDrawing> goes: before the first of these children of <worksheet> (CT_Worksheet order).
AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                "tableParts", "extLst")


# Public API.

class Styles:
    """Highlight styles: one fill per severity, one cellXfs clone per (style, severity)."""

    def __init__(self, package: Package, edits: Edits):
        self.package, self.edits = package, edits
        self.part = package.styles
        self.clones: dict[tuple[int, str], int] = {}
        self.fills: dict[str, int] = {}
        if self.part is None:
            raise InputFileError(package.zin.filename, "the workbook has no styles part")
        self.data = package.read(self.part)
        found, self.prefix = scan(self.data, _style_parts)
        self.fills_el = next((e for e in found if e.name == "fills"), None)
        self.xfs_el = next((e for e in found if e.name == "cellXfs"), None)
        if self.fills_el is None or self.xfs_el is None:
            raise InputFileError(package.zin.filename, "the styles part has no fills or cell formats")
        self.fill_count = sum(1 for e in found if e.name == "fill" and self.fills_el.start < e.start < self.fills_el.end)
        self.xfs = [e for e in found if e.name == "xf" and self.xfs_el.start < e.start < self.xfs_el.end]
        self.new_fills: list[bytes] = []
        self.new_xfs: list[bytes] = []

    def style(self, base: int, severity: str) -> int:
        key = (base, severity)
        if key not in self.clones:
            if self.xfs:
                xf = self.xfs[base] if 0 <= base < len(self.xfs) else self.xfs[0]
                tag, rest = self.data[xf.start:xf.tag_end], self.data[xf.tag_end:xf.end]
            else:  # a damaged styles part with no cell formats: start from Excel's default one
                tag, rest = f'<{self.prefix}xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'.encode(), b""
            tag = set_attr(set_attr(tag, "fillId", str(self._fill(severity))), "applyFill", "1")
            self.new_xfs.append(tag + rest)
            self.clones[key] = len(self.xfs) + len(self.new_xfs) - 1
        return self.clones[key]

    def _fill(self, severity: str) -> int:
        if severity not in self.fills:
            p = self.prefix
            self.new_fills.append(
                f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{FILLS[severity]}"/>'
                f'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>'.encode())
            self.fills[severity] = self.fill_count + len(self.new_fills) - 1
        return self.fills[severity]

    def save(self) -> None:
        if not self.new_xfs:
            return
        edits = []
        for el, added, total in ((self.fills_el, self.new_fills, self.fill_count + len(self.new_fills)),
                                 (self.xfs_el, self.new_xfs, len(self.xfs) + len(self.new_xfs))):
            if not added:
                continue
            tag = set_attr(self.data[el.start:el.tag_end], "count", str(total))
            if el.empty:
                p = self.prefix
                tag = tag[:-2].rstrip() + b">"
                edits.append((el.start, el.end, tag + b"".join(added) + f"</{p}{el.name}>".encode()))
            else:
                edits.append((el.start, el.tag_end, tag))
                edits.append((el.close, el.close, b"".join(added)))
        self.edits.put(self.part, splice(self.data, edits))


def annotate_sheet(package: Package, edits: Edits, styles: Styles, part: str, cells: dict,
                   commented: dict, lang: str) -> None:
    """Highlight ``cells`` ({(row, col): Note}) of one worksheet part; comment those in ``commented``."""
    data = package.read(part)
    targets: dict[int, dict[str, int]] = defaultdict(dict)
    for r, c in cells:
        targets[r][f"{letters(c)}{r}"] = c
    found = _scan_sheet(data, targets)
    prefix = found.prefix
    changes: list[tuple[int, int, bytes]] = []

    # Cells: restyle the ones there, add the ones that are not.
    for (r, c), note in sorted(cells.items()):
        row = found.rows.get(r)
        cell = row.cells.get(c) if row is not None else None
        if cell is not None:
            base = _style_index(cell.attrs.get("s"))
            tag = set_attr(data[cell.start:cell.tag_end], "s", str(styles.style(base, note.severity)))
            changes.append((cell.start, cell.tag_end, tag))
            continue
        base = _base_style(row, found.cols, c)
        new = f'<{prefix}c r="{letters(c)}{r}" s="{styles.style(base, note.severity)}"/>'.encode()
        found.insert_cell(r, c, new)
    changes += found.insertions(data, prefix)

    # Comments and their VML drawing.
    if commented:
        existing = package.rels(part)
        ids = Ids(edits.get(package.rels_name(part)) if edits.exists(package.rels_name(part)) else b"")
        new_rels = []
        comments = next((target for _, target, kind in existing if kind == REL_COMMENTS), None)
        if comments and edits.exists(comments):
            edits.put(comments, merge_comments(edits.get(comments), commented, lang))
        else:
            name = package.new_name("xl/comments{}.xml", edits.taken)
            edits.put(name, new_comments(commented, lang))
            edits.types.append(("Override", "/" + name, CT_COMMENTS))
            new_rels.append((ids.next(), REL_COMMENTS, relative(part, name)))
        legacy = next((e for e in found.top if e.name == "legacyDrawing"), None)
        rid = _attr(legacy.attrs, "id") if legacy is not None else None
        vml = next((target for i, target, _ in existing if i == rid), None) if rid else None
        if vml is not None and edits.exists(vml):
            edits.put(vml, merge_vml(edits.get(vml), commented, next_shape(package, edits)))
        else:
            name = package.new_name("xl/drawings/vmlDrawing{}.vml", edits.taken)
            edits.put(name, new_vml(commented, next_idmap(package, edits), next_shape(package, edits)))
            edits.types.append(("Default", "vml", CT_VML))
            rid = ids.next()
            new_rels.append((rid, REL_VML, relative(part, name)))
            changes += _legacy_tag(data, found, prefix, rid, legacy)
        if new_rels:
            edits.put(package.rels_name(part), add_rels(edits, package.rels_name(part), new_rels))
    edits.put(part, splice(data, changes))


# Private API.

def _style_parts(local: str, path: list) -> bool:
    """The styles elements Styles edits: <fills> and its fills, <cellXfs> and its xfs."""
    if len(path) == 2:
        return local in ("fills", "cellXfs")
    return len(path) == 3 and path[1] in ("cellXfs", "fills") and local in ("xf", "fill")


class _SheetScan:
    def __init__(self):
        self.root = None
        self.prefix = ""
        self.top: list[El] = []
        self.sheet_data: El | None = None
        self.rows: dict[int, "_RowInfo"] = {}
        self.row_starts: list[tuple[int, int]] = []     # (row number, start offset), in order
        self.cols: list[tuple[int, int, int]] = []      # (min, max, style)
        self.pending: dict[int, list] = defaultdict(list)  # row -> [(col, xml)] of cells to add

    def insert_cell(self, r: int, c: int, xml: bytes) -> None:
        self.pending[r].append((c, xml))

    def insertions(self, data: bytes, p: str) -> list[tuple[int, int, bytes]]:
        out = []
        missing: dict[int, list] = {}
        for r, cells in self.pending.items():
            cells.sort()
            row = self.rows.get(r)
            if row is None:
                missing[r] = cells
                continue
            # a cell whose r= is not an address (a damaged file) cannot anchor an insertion
            columns = [(at[1], start) for ref, start in row.raw if (at := cell_index(ref)) is not None]
            for c, xml in cells:
                after = [start for col, start in columns if col > c]
                if after:
                    out.append((after[0], after[0], xml))
                elif row.el.empty:
                    tag = data[row.el.start:row.el.tag_end]
                    out.append((row.el.start, row.el.end, tag[:-2].rstrip() + b">" + b"".join(x for _, x in cells)
                                + f"</{p}row>".encode()))
                    break
                else:
                    out.append((row.el.close, row.el.close, xml))
        if missing:
            sd = self.sheet_data
            if sd is None:
                raise InputFileError("workbook", "a worksheet has no sheetData")
            blocks = defaultdict(list)
            for r in sorted(missing):
                xml = f'<{p}row r="{r}">'.encode() + b"".join(x for _, x in missing[r]) + f"</{p}row>".encode()
                at = next((start for n, start in self.row_starts if n > r), None)
                blocks[at].append(xml)
            for at, xmls in blocks.items():
                if at is not None:
                    out.append((at, at, b"".join(xmls)))
                elif sd.empty:
                    tag = data[sd.start:sd.tag_end]
                    out.append((sd.start, sd.end, tag[:-2].rstrip() + b">" + b"".join(xmls) + f"</{p}sheetData>".encode()))
                else:
                    out.append((sd.close, sd.close, b"".join(xmls)))
        return out


@dataclass
class _RowInfo:
    el: El
    cells: dict = field(default_factory=dict)    # col -> El, the finding cells found in the row
    raw: list = field(default_factory=list)      # (ref, start offset) of every cell in the row


def _scan_sheet(data: bytes, targets: dict[int, dict[str, int]]) -> _SheetScan:
    """One pass over a worksheet: its top-level children, where every row starts, the cols, and
    in the rows that hold findings, where each cell is (the finding cells with their tags).

    Written for speed: a sheet can hold millions of elements, and below a cell (values,
    formulas, inline strings) nothing is looked at."""
    scan = _SheetScan()
    parser = safe_parser()
    depth = 0
    opened: list = []           # the El (or None) of each open element down to depth 4
    state = {"section": "", "row": 0, "info": None, "want": None}

    def start(name, attrs):
        nonlocal depth
        depth += 1
        if depth > 4:
            return
        local = name.rpartition(":")[2]
        el = None
        if depth == 4:
            info = state["info"]
            if info is not None and local == "c":
                at = parser.CurrentByteIndex
                ref = attrs.get("r")
                if ref is None:   # cells may leave out r=: the next column
                    previous = cell_index(info.raw[-1][0])[1] if info.raw else 0
                    ref = f"{letters(previous + 1)}{state['row']}"
                info.raw.append((ref, at))
                col = state["want"].get(ref)
                if col is not None:
                    el = info.cells[col] = element_at(local, attrs, data, at)
        elif depth == 3:
            section = state["section"]
            if section == "sheetData" and local == "row":
                at = parser.CurrentByteIndex
                r = attrs.get("r")
                row = state["row"] = int(r) if r and r.isdigit() else state["row"] + 1
                scan.row_starts.append((row, at))
                want = targets.get(row)
                state["want"] = want
                state["info"] = None
                if want is not None:
                    el = element_at(local, attrs, data, at)
                    state["info"] = scan.rows[row] = _RowInfo(el)
            elif section == "cols" and local == "col":
                try:
                    scan.cols.append((int(attrs.get("min", 0)), int(attrs.get("max", 0)),
                                      _style_index(attrs.get("style"))))
                except ValueError:
                    pass
        else:
            el = element_at(local, attrs, data, parser.CurrentByteIndex)
            if depth == 1:
                scan.root = el
                scan.prefix = name[: len(name) - len(local)]
            else:
                state["section"] = local
                scan.top.append(el)
                if local == "sheetData":
                    scan.sheet_data = el
        opened.append(el)

    def end(name):
        nonlocal depth
        depth -= 1
        if depth >= 4:
            return
        el = opened.pop()
        if depth == 2:
            state["info"] = None
        if el is not None:
            close(el, data, parser.CurrentByteIndex)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.buffer_text = True
    parse_all(parser, data, "a worksheet")
    return scan


def _style_index(text) -> int:
    """A cell's or row's s= attribute as a style index; one that is not a whole number
    (s="5x", a damaged file) is taken as the default style, 0, instead of stopping the copy."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() else 0


def _base_style(row: "_RowInfo | None", cols, c: int) -> int:
    """The style an empty cell shows: its row's when the row has one, else its column's."""
    if row is not None and row.el.attrs.get("customFormat") in ("1", "true") and row.el.attrs.get("s"):
        return _style_index(row.el.attrs["s"])
    for low, high, style in cols:
        if low <= c <= high:
            return style
    return 0


def _attr(attrs: dict, local: str):
    for key, value in attrs.items():
        if key.rpartition(":")[2] == local:
            return value
    return None


def _legacy_tag(data: bytes, found: _SheetScan, prefix: str, rid: str, legacy) -> list:
    """<legacyDrawing r:id> in its schema place (replacing one whose drawing is missing)."""
    root = found.root
    rp = next((k.partition(":")[2] for k, v in root.attrs.items() if k.startswith("xmlns:") and v == DOC_REL), None)
    tag = (f'<{prefix}legacyDrawing {rp}:id="{rid}"/>' if rp else
           f'<{prefix}legacyDrawing xmlns:r="{DOC_REL}" r:id="{rid}"/>').encode()
    if legacy is not None:
        return [(legacy.start, legacy.end, tag)]
    after = next((e for e in found.top if e.name in AFTER_LEGACY), None)
    at = after.start if after is not None else root.close
    return [(at, at, tag)]
