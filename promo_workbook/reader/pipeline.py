# read.py: read(path) -> Plan: open, identify, and wire up every table of a workbook.
"""The reader's entry point.

    read(path, limits=None)
    ├── detect_format / open_package     package.py   format, zip checks, DOCTYPE check, sheets
    ├── fingerprint                      producer.py  who saved it, trust the cache?
    ├── _prescan                         scan.py      every sheet part: inflated under its cap,
    │                                                 formulas, used area counted against max_cells
    ├── Book                             book.py      values by python-calamine, formulas by scan.py
    ├── read_meta / find_by_headers      identify.py  where each template is
    ├── the Cover                        metadata cells, else labels found on a sheet
    └── build_table                      build.py     TableData with lazy rows

Values of every sheet that holds a table are loaded with python-calamine (all of them, in
read()); formula text comes from streaming the sheet parts. Nothing here raises for a
cell's content; a file that is not a workbook, or one past a limit (promo_workbook.limits:
size, ratio, cells, time), raises InputFileError.

Every sheet part is scanned before python-calamine loads that sheet: calamine builds each
sheet as a dense grid from its first to its last cell and aborts the process (it does not
raise) when that grid cannot be allocated, so a cell at XFD1048576 must never reach it. A
sheet whose part is scanned and fits the cell limit is loaded on a second thread while the
other parts are scanned (Book.preload; python-calamine releases the GIL). An .xlsb's sheet
parts are measured from their cell records (xlsb.py) before any sheet is loaded.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import InputFileError
from ..limits import Budget, Limits
from ..spec import Spec, load_spec
from .book import Book
from .accepted import read_acceptances
from .build import Context, build_table, cell_value, list_items
from .fold import fold
from .kind import annotated_note, not_a_plan, refuse_summary
from .identify import Location, find_by_headers, finish_columns, guess_language, location_from_meta, read_meta
from .model import Plan
from .package import Package, detect_format, open_package, sheet_parts
from .parts import show
from .producer import fingerprint
from .extent import measure_extent, ods_cells, quick_extent
from .scan import SheetFormulas, scan_formulas
from .sparse import split_far
from .xlsb import xlsb_cells

__all__ = ["read"]

META_SHEET, LISTS_SHEET = "_meta", "_lists"
COVER_MIN_LABELS = 3
COVER_SCAN_ROWS = 60
QUICK_EXTENT_SIZE = 8 * 1024 * 1024  # unzipped bytes: a part worth a second, capture-free pass


# Public API.

def read(path, *, limits: Limits | dict | None = None) -> Plan:
    """Read a planning workbook (.xlsx, .xlsm; .xls, .xlsb, .ods for values) into a Plan.

    ``limits``: a Limits, or a mapping such as a config's ``[limits]`` section; the defaults
    read the bench workbook. The file is only ever opened for reading.
    """
    path = Path(path)
    budget = Budget(path, Limits.from_config(limits))
    try:
        fmt = detect_format(path, budget)
        pkg = open_package(path, fmt, budget)
        book = None
        try:
            producer = fingerprint(pkg)
            book = Book(path, pkg)
            # A sheet whose part is scanned and within the cell limit is loaded by python-calamine
            # on a second thread (calamine releases the GIL) while the next part is scanned.
            formulas = _prescan(pkg, budget, ready=book.preload)
            book._formulas.update(formulas)  # scanned already: Book would scan them again
            if pkg.far:  # calamine reads a copy without the far cells: reopen it once the loads ahead end
                book.reopen()
                book.problems.extend(_far_notes(pkg))
            refuse_summary(pkg, book.sheet_names)
            plan = _read(book, producer, load_spec(), budget)
            if not plan.tables:
                raise not_a_plan(pkg, book.sheet_names)
            note = annotated_note(pkg)
            if note:
                plan.notes.append(note)
            return plan
        finally:
            if book is not None:
                book.close()
            pkg.close()
    except MemoryError:
        raise InputFileError(path, "too big to read: the computer ran out of memory (see the [limits] "
                                   "settings)") from None
    except RecursionError:
        raise InputFileError(path, "not an .xlsx workbook (nested too deeply to read)") from None
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":  # python-calamine's Rust panics (a BaseException)
            raise
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputFileError(path, f"not an .xlsx workbook (python-calamine failed on it: {show(text, 120)})") from None


# Private API.

def _prescan(pkg: Package, budget: Budget, ready=None) -> dict[str, SheetFormulas]:
    """Scan every part that may be read as a sheet: formulas, and its used area counted
    against max_cells (with the shared strings) before python-calamine sees any of it. A part
    counts once for every sheet that names it: calamine reads it for each.

    ``ready(sheet name)`` is called for each sheet as soon as its part is scanned and the
    sheets announced so far fit in the cell limit together, so its values can be loaded
    while the other parts are scanned; the limit itself is applied after all are scanned,
    as before, so what is refused and the message do not change."""
    if pkg.format == "ods" and pkg.zip is not None and "content.xml" in pkg.zip.NameToInfo:
        budget.take_cells(ods_cells(pkg.zip, budget), "the .ods sheets")
    if pkg.format == "xlsb" and pkg.zip is not None:
        budget.take_cells(xlsb_cells(pkg, budget), "the .xlsb sheets")
    by_part = {}
    announced = 0
    parts = sheet_parts(pkg)
    early_ok = {s.name for s in pkg.sheets if s.part in parts}  # calamine reads the very part scanned

    def announce(part: str, extent: tuple[int, int]) -> bool:
        nonlocal announced
        sheets = [s.name for s in pkg.sheets if s.part == part and s.name in early_ok]
        cells = extent[0] * extent[1] * len(sheets)
        if not sheets or announced + cells > budget.room():
            return False
        announced += cells
        for name in sheets:
            ready(name)
        return True

    if ready is not None:  # smallest first: the big sheets are scanned while the small ones load
        parts.sort(key=lambda part: pkg.zip.getinfo(part).file_size)
    for part in parts:
        early = False
        if ready is not None and pkg.zip.getinfo(part).file_size >= QUICK_EXTENT_SIZE:
            # A big part in the plain layout: its extent is known before its formulas are.
            quick = quick_extent(pkg.zip, part, budget)
            early = quick is not None and announce(part, quick)
        found = by_part[part] = scan_formulas(pkg.zip, part, budget)
        if found.cells > budget.room() and not found.exact:
            found.extent = measure_extent(pkg.zip, part, budget)  # the bound was loose: count exactly
        if found.cells > budget.room() and split_far(found, budget.room()):
            pkg.far[part] = found.far  # a few stray cells far away: left out of calamine's grid (sparse.py)
            early = True  # and never loaded ahead from the copy that still holds them
        if ready is not None and not early:
            announce(part, found.extent)
    named = {s.part for s in pkg.sheets}
    uses = [(f"sheet {show(s.name)!r}", s.part) for s in pkg.sheets if s.part in by_part]
    uses += [(f"part {show(part)}", part) for part in by_part if part not in named]
    for what, part in uses:
        rows, columns = by_part[part].extent
        far = by_part[part].far
        budget.take_cells(rows * columns + len(far), f"{what} ({rows:,} rows x {columns:,} columns from A1"
                          + (f", and {len(far):,} cells far from them)" if far else ")"))
    return {s.name: by_part[s.part] for s in pkg.sheets if s.part in by_part}


def _far_notes(pkg: Package) -> list[str]:
    from ..a1 import col_letter

    notes = []
    for sheet in pkg.sheets:
        far = pkg.far.get(sheet.part)
        if far:
            cells = ", ".join(f"{col_letter(c)}{r}" for r, c in far[:5]) + (", …" if len(far) > 5 else "")
            notes.append(f"sheet {show(sheet.name)!r}: {len(far):,} cell(s) far from the rest ({cells}) not read")
    return notes


def _read(book: Book, producer, spec: Spec, budget: Budget) -> Plan:
    meta = _metadata(book)
    budget.tick("reading the metadata")
    locations = _locate(book, spec, meta, budget)
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
        budget.tick(f"reading {table.key}")
        loc = locations.get(table.key)
        if loc is None:
            plan.missing.append(table.key)
            continue
        columns, missing, extra = finish_columns(spec, loc, _header_cells(book, loc), lang)
        plan.tables[table.key] = build_table(ctx, loc, columns, missing, extra)
    accepted = locations.get(spec.accepted.key)
    if accepted is not None:
        columns, _, _ = finish_columns(spec, accepted, _header_cells(book, accepted), lang)
        plan.accepted = read_acceptances(build_table(ctx, accepted, columns, {}, {}))
    book.forget([n for n in unclaimed if n not in {ref[0] for ref in cover_cells.values()}])
    book.close()
    plan.notes.extend(book.problems)
    return plan


def _metadata(book: Book):
    if META_SHEET not in book.sheet_names:
        return None
    formulas = book.formulas(META_SHEET)
    return read_meta(book.values(META_SHEET) or [], formulas.formula)


def _locate(book: Book, spec: Spec, meta, budget: Budget) -> dict[str, Location]:
    """Template key -> Location: from the metadata first, then by headers on the other sheets."""
    locations = {}
    names = set(book.sheet_names)
    wanted = spec.tables + (spec.accepted,)  # the sixteen tables and the acceptance sheet
    for table in wanted if meta else ():
        info = meta.tables.get(table.number)
        loc = location_from_meta(table, info, names) if info and info.get("key") == table.key else None
        if loc:
            locations[table.key] = loc
    missing = [t for t in wanted if t.key not in locations]
    if missing:
        claimed = {loc.sheet for loc in locations.values()}
        others = [n for n in book.sheet_names if n not in claimed and n not in (META_SHEET, LISTS_SHEET)]
        sheets = []
        for name in others:
            budget.tick(f"reading sheet {name!r}")
            sheets.append((name, book.values(name) or []))
        for loc in find_by_headers(spec, missing, sheets):
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
        out[field["key"]] = cell_value(ctx, ref[0], ref[1], ref[2], kind, items, key=field["key"],
                                       label=field["label"](ctx.lang or "zh-CN"))
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
