# annotate: a copy of the user's workbook with each finding's cell highlighted and commented.
"""``annotate(src, findings, out, lang)``: the plan workbook as it was, plus the check's findings.

The copy must keep everything the original had (values, formulas, validations and their
extensions, conditional formats, charts, images, defined names). Loading and saving with
openpyxl drops charts, images and validation extensions, so this edits the package itself:
every zip part is copied byte for byte except

    xl/styles.xml                 three fills appended (error / warning / info) and, per
                                  cell style a highlighted cell had, one cellXfs clone
    xl/worksheets/sheetN.xml      the highlighted cells' s= attributes (cells added where the
                                  finding points at an empty cell), <legacyDrawing r:id>
    its _rels, [Content_Types]    the comments and VML drawing parts
    xl/commentsN.xml              new, or the sheet's own comments with ours added
    xl/drawings/vmlDrawingN.vml   new, or the sheet's own legacy drawing with our notes added

XML is read with expat with DTDs and entities refused (as defusedxml does), and edited by
splicing at the byte offsets expat reports, so nothing else in a part moves.

Modules: xmlscan (safe parsing with offsets, splicing), package (zip, relationships, content
types), sheet (cells, styles), notes (comments and their VML drawing).
"""
from __future__ import annotations

import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from ..checker.model import SEVERITY_RANK
from ..errors import InputFileError, UsageError
from .sheet import FILLS

__all__ = ["annotate", "Annotated", "FILLS", "MAX_NOTES"]

RANK = {**SEVERITY_RANK, "accepted": len(SEVERITY_RANK)}  # accepted findings: after every counted one
MAX_NOTES = 10_000          # comments written; every finding's cell is still highlighted


# Public API.

@dataclass
class Annotated:
    """What annotate() did: the output path and how many cells were marked."""

    path: Path
    cells: int = 0             # cells highlighted
    comments: int = 0          # cells given a comment
    skipped: int = 0           # findings past MAX_NOTES whose cells are highlighted without a comment


def annotate(src, findings, out, lang: str | None = None, accepted=()) -> Annotated:
    """Copy ``src`` to ``out`` with each finding's cell highlighted and commented (in ``lang``).

    Every finding's cell is highlighted in its most severe finding's colour; the first
    MAX_NOTES cells (errors first) also get a comment listing their findings. ``accepted``
    (check.accept.Accepted, Report.accepted): findings marked in grey, with their reason,
    unless the cell has a counted finding too."""
    from .. import atomic
    from ..checker.render import LABELS

    src, out = Path(src), Path(out)
    atomic.refuse_input(out, src)
    if src.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError(f"{src}: --annotate works on .xlsx and .xlsm workbooks")
    if out.suffix.lower() != src.suffix.lower():
        raise UsageError(f"{out}: the annotated copy keeps the input's type; name it *{src.suffix.lower()}")
    lang = lang or "en"
    labels = LABELS.get(lang, LABELS["en"])
    try:
        zin = zipfile.ZipFile(src)
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputFileError(src, f"not a readable .xlsx package ({exc})") from None
    try:
        with zin:
            return _annotate(zin, out, [*findings, *accepted], lang, labels)
    except InputFileError as exc:
        if exc.path == "workbook":  # raised deep in a part's XML, which does not know the file's name
            raise InputFileError(src, exc.problem) from None
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:  # a damaged zip entry
        raise InputFileError(src, f"not a readable .xlsx package ({exc})") from None
    except (ElementTree.ParseError, ValueError, KeyError) as exc:  # a part the reader passed over, damaged
        raise InputFileError(src, f"cannot make the annotated copy: a part of the package is damaged ({exc})") from None


def preflight(src) -> None:
    """Refuse now, before a check runs, a workbook whose annotated copy could not be made: one
    saved as Strict Open XML, or with two sheets of one name (package.Package says why)."""
    from .package import Package

    try:
        with zipfile.ZipFile(src) as zin:
            Package(zin)
    except InputFileError as exc:
        if exc.path == "workbook":
            raise InputFileError(src, exc.problem) from None
        raise
    except Exception:  # noqa: BLE001 - a package too damaged to look into: the reader says so in its own words
        return


def _annotate(zin, out, findings, lang, labels) -> Annotated:
    from .. import atomic
    from .package import Edits, Package
    from .sheet import Styles, annotate_sheet

    package = Package(zin)
    notes = _group(package, findings, labels)
    ranked = sorted(((RANK[n.severity], n.order, part, where) for part, cells in notes.items()
                     for where, n in cells.items()))
    result = Annotated(out)
    commented: dict[str, dict] = defaultdict(dict)
    for _, _, part, where in ranked[:MAX_NOTES]:
        note = commented[part][where] = notes[part][where]
        note.lines = [_line(f, prefix, labels, lang) for f, prefix in note.findings]
    result.skipped = sum(len(notes[part][where].findings) for _, _, part, where in ranked[MAX_NOTES:])
    edits = Edits(package)
    if notes:
        styles = Styles(package, edits)
        for part, cells in notes.items():
            annotate_sheet(package, edits, styles, part, cells, commented.get(part, {}), lang)
            result.cells += len(cells)
        result.comments = min(len(ranked), MAX_NOTES)
        styles.save()
    with atomic.output(out) as tmp:
        edits.write(zin, tmp)
    return result


# Private API.

def _line(item, prefix: str, labels: dict, lang: str) -> str:
    """A comment's line for a finding, or for an accepted one with its reason."""
    from ..checker.render import message

    f = getattr(item, "finding", item)
    if f is item:
        return f"[{f.code} {labels.get(f.severity, f.severity)}] {prefix}{message(f, lang)}"
    from ..spec import load_spec

    words = load_spec().workbook["accepted"]
    return f"[{f.code} {words['label'](lang)}] {prefix}{message(f, lang)} ✓ {item.reason or '—'}"


@dataclass
class Note:
    """The findings on one cell: the most severe one's colour, and the comment's lines."""

    severity: str
    order: int                                      # the first finding's place in the report
    findings: list = field(default_factory=list)    # (finding, prefix)
    lines: list = field(default_factory=list)       # rendered only for the cells that get a comment


def _group(package, findings, labels: dict) -> dict[str, dict[tuple[int, int], Note]]:
    """{sheet part: {(row, col): note}}; findings without a placeable cell go to A1 of the first sheet."""
    from .xmlscan import cell_index

    folded = {name.casefold(): part for name, part in package.sheets.items()}
    first = next(iter(package.sheets.values()), None)
    out: dict[str, dict] = defaultdict(dict)
    for order, item in enumerate(findings):
        f = getattr(item, "finding", item)  # an accepted finding (check.accept.Accepted) holds one
        part = package.sheets.get(f.sheet) if f.sheet is not None else None
        if part is None and f.sheet is not None:
            part = folded.get(f.sheet.casefold())
        where = cell_index(f.cell) if part else None
        if where is None and part and f.row and 1 <= f.row <= 1_048_576:
            where = (f.row, 1)
        prefix = ""
        if part is None:
            part, where = first, None
            prefix = f"{f.sheet or labels['workbook']}{'!' + f.cell if f.cell else ''}: "
        if part is None:
            continue
        where = where or (1, 1)
        note = out[part].get(where)
        severity = "accepted" if f is not item else f.severity if f.severity in RANK else "info"
        if note is None:
            note = out[part][where] = Note(severity, order)
        elif RANK[severity] < RANK[note.severity]:
            note.severity = severity
        note.findings.append((item, prefix))
    return out
