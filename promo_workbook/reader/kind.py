# kind.py: whether a workbook is a plan at all, or one of the tool's own outputs.
"""A workbook with none of the sixteen tables is not a plan: a sales sheet, an empty workbook,
or the tool's own summary. Checking one anyway would print sixteen "template not found"
warnings and exit 0, an answer to a question nobody asked; it is refused instead, with what
the file seems to be.

The tool's own outputs are known by the marks they carry:

    summary          docProps/core.xml description "promo-workbook" and a title starting with
                     the summary's (common.title_plain in templates/summary.yaml), no _meta
    annotated copy   a comments part whose author is the annotator's ("promo-workbook check",
                     annotate.author in templates/summary.yaml): read as the plan it copies,
                     with a note
"""
from __future__ import annotations

import re

from ..errors import InputFileError
from .package import Package
from .parts import show
from .xmlchunks import unescape

__all__ = ["annotated_note", "not_a_plan", "refuse_summary"]

TOOL = "promo-workbook"
_AUTHOR = re.compile(rb"<(?:\w+:)?author>\s*" + re.escape(TOOL.encode()), re.IGNORECASE)
_DESCRIPTION = re.compile(rb"<dc:description>\s*" + re.escape(TOOL.encode()) + rb"\s*</dc:description>")
_TITLE = re.compile(rb"<dc:title>([^<]*)</dc:title>")
_COMMENTS = re.compile(r"^xl/comments[^/]*\.xml$", re.IGNORECASE)


# Public API.

def refuse_summary(pkg: Package, sheets: list[str]) -> None:
    """Refuse the tool's own summary workbook (it has no _meta sheet: a plan the tool wrote does)."""
    if "_meta" not in sheets and _is_summary(pkg):
        raise InputFileError(pkg.path, f"{show(pkg.path.name)} is a promo-workbook summary, not a plan; check the "
                                       "plan it was made from instead")


def not_a_plan(pkg: Package, sheets: list[str]) -> InputFileError:
    """The error for a workbook in which no table of the toolkit was found."""
    name = pkg.path.name
    listed = ", ".join(show(s, 40) for s in sheets[:8]) + (", …" if len(sheets) > 8 else "")
    return InputFileError(pkg.path, f"no table of the planning toolkit in {show(name)} (sheets: {listed or 'none'}); "
                                    "is this a promo-workbook plan?")


def annotated_note(pkg: Package) -> str | None:
    """A note when the workbook is an annotated copy the tool wrote (its comments are findings)."""
    if pkg.zip is None:
        return None
    for name in list(pkg.zip.NameToInfo):
        if _COMMENTS.match(name):
            data = pkg.part(name) or b""
            if _AUTHOR.search(data[:4096]):
                return ("this is an annotated copy written by promo-workbook check: it is read as the plan it "
                        "copies, and its comments are earlier findings, not part of the plan")
    return None


# Private API.

def _is_summary(pkg: Package) -> bool:
    """Our description, and a title that starts as the summary's does (a plan the tool wrote
    carries the description too, under the campaign's or the toolkit's title)."""
    core = pkg.part("docProps/core.xml") if pkg.zip is not None else None
    if not core or not _DESCRIPTION.search(core):
        return False
    from ..spec import LANGUAGES
    from ..summary.words import words

    title = _TITLE.search(core)
    text = unescape(title.group(1)) if title else ""
    return any(text.startswith(words().text("common.title_plain", lang)) for lang in LANGUAGES)
