# read.py: read(path) -> Plan: open, identify, and wire up every table of a workbook.
"""The reader's entry point.

    read(path)
    ├── detect_format / open_package     package.py   format, sheets, DOCTYPE check
    ├── fingerprint                      producer.py  who saved it, trust the cache?
    ├── Book                             book.py      values by python-calamine, formulas by scan.py
    ├── read_meta / find_by_headers      identify.py  where each template is
    ├── the Cover                        metadata cells, else labels found on a sheet
    └── build_table                      build.py     TableData with lazy rows

Values of every sheet that holds a table are loaded with python-calamine (all of them, in
read()); formula text comes from streaming the sheet parts. Nothing here raises for a
cell's content; a file that is not a workbook raises InputFileError.
"""
from __future__ import annotations

from pathlib import Path

from ..spec import Spec, load_spec
from .book import Book
from .build import Context, build_table, cell_value, list_items
from .fold import fold
from .identify import Location, find_by_headers, finish_columns, guess_language, location_from_meta, read_meta
from .model import Plan
from .package import detect_format, open_package
from .producer import fingerprint

__all__ = ["read"]

META_SHEET, LISTS_SHEET = "_meta", "_lists"
COVER_MIN_LABELS = 3
COVER_SCAN_ROWS = 60


# Public API.

def read(path) -> Plan:
    """Read a planning workbook (.xlsx, .xlsm; .xls, .xlsb, .ods for values) into a Plan."""
    path = Path(path)
    fmt = detect_format(path)
    pkg = open_package(path, fmt)
    try:
        producer = fingerprint(pkg)
        book = Book(path, pkg)
        return _read(book, producer, load_spec())
    finally:
        pkg.close()


# Private API.

def _read(book: Book, producer, spec: Spec) -> Plan:
    meta = _metadata(book)
    locations = _locate(book, spec, meta)
    claimed = {loc.sheet for loc in locations.values()}
    unclaimed = [n for n in book.sheet_names if n not in claimed and n not in (META_SHEET, LISTS_SHEET)]
    lang = (meta.language if meta else None) or guess_language(
        list(locations.values()), lambda loc: _header_cells(book, loc))
    plan = Plan(str(book.path), book.format, lang, producer, book.date1904, book.formulas_available,
                metadata=dict(meta.values) if meta else None, sheets=list(book.sheet_names))
    if meta is None and META_SHEET in book.sheet_names:
        plan.notes.append("the _meta sheet is not promo-workbook metadata; tables were found by their headers")
    ctx = Context(spec, lang, book, date1904=book.date1904, trust_cache=producer.trust_cache)
    cover_cells = meta.cover if meta and meta.cover else _cover_by_labels(spec, book, unclaimed)
    plan.cover = _read_cover(ctx, spec, cover_cells)
    ctx.campaign_start = plan.campaign_start  # dates typed without a year take the campaign's
    for table in spec.tables:
        loc = locations.get(table.key)
        if loc is None:
            plan.missing.append(table.key)
            continue
        columns, missing, extra = finish_columns(spec, loc, _header_cells(book, loc), lang)
        plan.tables[table.key] = build_table(ctx, loc, columns, missing, extra)
    book.forget([n for n in unclaimed if n not in {ref[0] for ref in cover_cells.values()}])
    book.close()
    plan.notes.extend(book.problems)
    return plan


def _metadata(book: Book):
    if META_SHEET not in book.sheet_names:
        return None
    formulas = book.formulas(META_SHEET)
    return read_meta(book.values(META_SHEET) or [], formulas.formula)


def _locate(book: Book, spec: Spec, meta) -> dict[str, Location]:
    """Template key -> Location: from the metadata first, then by headers on the other sheets."""
    locations = {}
    names = set(book.sheet_names)
    for table in spec.tables if meta else ():
        info = meta.tables.get(table.number)
        loc = location_from_meta(table, info, names) if info and info.get("key") == table.key else None
        if loc:
            locations[table.key] = loc
    missing = [t for t in spec.tables if t.key not in locations]
    if missing:
        claimed = {loc.sheet for loc in locations.values()}
        others = [n for n in book.sheet_names if n not in claimed and n not in (META_SHEET, LISTS_SHEET)]
        for loc in find_by_headers(spec, missing, [(n, book.values(n) or []) for n in others]):
            locations[loc.table.key] = loc
    return locations


def _header_cells(book: Book, loc: Location) -> list:
    values = book.values(loc.sheet) or []
    return values[loc.header_row - 1] if 0 < loc.header_row <= len(values) else []


def _cover_fields(spec: Spec) -> list[dict]:
    return spec.workbook["cover"]["fields"]


def _read_cover(ctx: Context, spec: Spec, cells: dict[str, tuple[str, int, int]]) -> dict:
    out = {}
    for field in _cover_fields(spec):
        ref = cells.get(field["key"])
        if not ref:
            continue
        kind = {"dropdown": "text", "money": "money", "date": "date"}.get(field["kind"], "text")
        items = list_items(spec, field["list"]) if field.get("list") else None
        out[field["key"]] = cell_value(ctx, ref[0], ref[1], ref[2], kind, items)
    return out


def _cover_by_labels(spec: Spec, book: Book, sheets: list[str]) -> dict[str, tuple[str, int, int]]:
    """Cover fields typed as label | value pairs on one sheet (at least three labels found)."""
    labels = {fold(text): f["key"] for f in _cover_fields(spec) for text in f["label"].all()}
    best: dict = {}
    for name in sheets:
        found = {}
        for r, row in enumerate((book.values(name) or [])[:COVER_SCAN_ROWS]):
            for c, v in enumerate(row):
                key = labels.get(fold(v)) if isinstance(v, str) and v.strip() else None
                if key and key not in found:
                    target = next((cc for cc in range(c + 1, min(c + 4, len(row))) if row[cc] != ""), c + 1)
                    found[key] = (name, target, r + 1)
        if len(found) >= COVER_MIN_LABELS and len(found) > len(best):
            best = found
    return best
