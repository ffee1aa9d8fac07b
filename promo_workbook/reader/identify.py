# identify.py: which sheet and rows hold which template: by our metadata, else by headers.
"""Find the sixteen tables in a workbook.

1. Metadata: the hidden ``_meta`` sheet holds formulas pointing at every table's header,
   block and column header cells ('预算明细'!$C$4). Spreadsheet apps rewrite them when a
   sheet is renamed, rows are inserted or a column moves, so their TEXT locates the table.
2. Headers: every other sheet is scanned for a row whose cells fold (fold.py) to a
   template's column labels in any language (or a seed alias, the column's `aliases`); in the first 30
   rows a header that holds a label counts too ("曝光量(次)"). A row counts when at least
   two labels and 40% of the template's columns match; each template takes its best row,
   each row one template. Large sheets are scanned in their first 30 rows; small ones in
   full, so tables stacked on one sheet are found too.

Either way the column map is then completed the same way: exact label, alias, containment
("目标值(件)" holds "目标值"), and for columns still missing the most similar unclaimed header
is recorded for the checker. Unknown non-empty header cells are kept as extra columns.
"""
from __future__ import annotations

import math

import difflib
import functools
import re
from dataclasses import dataclass, field

from ..spec import LANGUAGES, Spec, Table
from .fold import fold, fold_script
from .model import ColumnInfo, MissingColumn
from ..a1 import col_index, col_letter

__all__ = ["Location", "MetaInfo", "find_by_headers", "finish_columns", "guess_language", "is_title_row",
           "location_from_meta", "parse_ref", "read_meta"]

META_FORMAT = "promo-workbook"
SCAN_ROWS = 30            # header rows searched in a large sheet
FULL_SCAN_ROWS = 2000     # sheets up to this many rows are searched in full
MIN_MATCHES, MIN_SHARE = 2, 0.4
CONTAINS_MIN = 2          # a label must be this long to match by containment
HEADER_MAX = 24           # longer cells are data, not headers
CLOSEST_MIN = 0.4         # a closest header below this similarity is not worth naming

_REF = re.compile(r"^=?\s*(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?([0-9]+)\s*$")


# Public API.

@dataclass
class Location:
    """Where one template's table sits; rows 1-based, columns 0-based."""

    table: Table
    sheet: str
    header_row: int
    identified_by: str                        # metadata | headers
    columns: dict[str, tuple[int, str]]       # key -> (column index, how matched)
    first_row: int | None = None              # metadata: first block row
    last_row: int | None = None               # metadata: last block row
    totals_row: int | None = None
    region_end: int | None = None             # headers: the next table's header row - 1


@dataclass
class MetaInfo:
    values: dict[str, object]
    tables: dict[int, dict] = field(default_factory=dict)   # number -> parsed refs
    cover: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # key -> (sheet, col, row)

    @property
    def language(self) -> str | None:
        lang = self.values.get("language")
        return lang if lang in LANGUAGES else None


def parse_ref(formula: str | None) -> tuple[str, int, int] | None:
    """"='预算明细'!$C$4" or "=预算明细!$C$4" -> ("预算明细", 2, 4); None for #REF! and the rest."""
    if not formula or "#REF!" in formula:
        return None
    m = _REF.match(formula)
    if not m:
        return None
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2).strip()
    return sheet, col_index(m.group(3)), int(m.group(4))


def read_meta(values: list[list], formula) -> MetaInfo | None:
    """Parse the _meta sheet; ``formula(col, row)`` gives a cell's formula text (1-based row)."""
    kv, header = {}, None
    for r, row in enumerate(values):
        key = _text(row, 0)
        if key == "template":
            header = r
            break
        if key:
            value = row[1] if len(row) > 1 else None
            kv[key] = int(value) if isinstance(value, float) and value.is_integer() else value
    if kv.get("format") != META_FORMAT or header is None:
        return None
    meta = MetaInfo(kv)
    r = header + 1
    while r < len(values) and _number(values[r], 0) is not None:
        meta.tables[_number(values[r], 0)] = _meta_table(values[r], r + 1, formula)
        r += 1
    cover = next((i for i in range(r, len(values)) if _text(values[i], 0) == "cover"), None)
    for i in range(cover + 1, len(values)) if cover is not None else ():
        key = _text(values[i], 0)
        if not key:
            break
        ref = parse_ref(formula(1, i + 1))
        if ref:
            meta.cover[key] = ref
    return meta


def location_from_meta(table: Table, info: dict, sheets: set[str]) -> Location | None:
    header = info.get("header")
    if not header or header[0] not in sheets:
        return None
    sheet, _, header_row = header
    columns = {key: (ref[1], "metadata") for key, ref in info.get("columns", {}).items()
               if ref and ref[0] == sheet and ref[2] == header_row and table.has_column(key)}

    def row_of(name):
        ref = info.get(name)
        return ref[2] if ref and ref[0] == sheet else None

    return Location(table, sheet, header_row, "metadata", columns, first_row=row_of("first"),
                    last_row=row_of("last"), totals_row=row_of("totals"))


def find_by_headers(spec: Spec, tables: list[Table], sheets: list[tuple[str, list[list]]]) -> list[Location]:
    """Locate the given templates by header rows in the given sheets (name, values)."""
    index = _label_index(spec)
    wanted = {t.key: t for t in tables}
    candidates = []
    for order, (name, values) in enumerate(sheets):
        limit = len(values) if len(values) <= FULL_SCAN_ROWS else SCAN_ROWS
        for r in range(min(limit, len(values))):
            loose = spec if r < SCAN_ROWS else None  # units in headers ("目标值(件)"), near the top
            for key, cols in _match_row(index, values[r], loose).items():
                table = wanted.get(key)
                if table is None:
                    continue
                share = len(cols) / len(table.columns)
                if len(cols) >= MIN_MATCHES and share >= MIN_SHARE:
                    candidates.append((-len(cols), -share, order, r, name, table, cols))
    candidates.sort(key=lambda c: c[:4])
    taken_tables, taken_rows, found = set(), set(), []
    for _, _, _, r, name, table, cols in candidates:
        if table.key in taken_tables or (name, r) in taken_rows:
            continue
        taken_tables.add(table.key)
        taken_rows.add((name, r))
        found.append(Location(table, name, r + 1, "headers", dict(cols)))
    for loc in found:  # a table's region ends where the next table on its sheet begins
        below = [other.header_row for other in found if other.sheet == loc.sheet and other.header_row > loc.header_row]
        loc.region_end = min(below) - 1 if below else None
    return found


def finish_columns(spec: Spec, loc: Location, header_cells: list, lang: str | None
                   ) -> tuple[dict[str, ColumnInfo], dict[str, MissingColumn], dict[str, ColumnInfo]]:
    """Complete a location's column map; return (columns, missing, extra)."""
    table = loc.table
    index = _label_index(spec)
    assigned = dict(loc.columns)
    claimed = {ci for ci, _ in assigned.values()}
    folded = {ci: fold(v) for ci, v in enumerate(header_cells) if ci not in claimed and _filled(v)}
    for ci, f in folded.items():  # exact labels and aliases
        for tkey, ckey, how in index.get(f, ()):
            if tkey == table.key and ckey not in assigned and ci not in claimed:
                assigned[ckey] = (ci, how)
                claimed.add(ci)
    _match_contained(table, assigned, claimed, folded)
    columns = {}
    for col in table.columns:
        if col.key in assigned:
            ci, how = assigned[col.key]
            columns[col.key] = ColumnInfo(col.key, ci, col_letter(ci), _cell_text(header_cells, ci), how)
    unclaimed = {ci: f for ci, f in folded.items() if ci not in claimed}
    missing = {col.key: _closest(col, header_cells, unclaimed, lang) for col in table.columns
               if col.key not in columns}
    extra = {}
    for ci in sorted(unclaimed):
        text = _cell_text(header_cells, ci)
        key = text if text not in extra else f"{text} ({col_letter(ci)})"
        extra[key] = ColumnInfo(key, ci, col_letter(ci), text, "extra")
    return columns, missing, extra


def guess_language(locations: list[Location], cells_of) -> str | None:
    """The language whose labels the found headers use most (labels equal in two don't vote).

    ``cells_of(location)`` gives the location's header row cells.
    """
    votes = dict.fromkeys(LANGUAGES, 0)
    for loc in locations:
        cells = cells_of(loc)
        for key, (ci, _) in loc.columns.items():
            text = fold_script(_cell_text(cells, ci))
            labels = loc.table.column(key).label
            langs = [lang for lang in LANGUAGES if fold_script(labels(lang)) == text]
            if len(langs) == 1:
                votes[langs[0]] += 1
    best = max(votes, key=votes.get)
    return best if votes[best] else None


def is_title_row(spec: Spec, row: list) -> bool:
    """A row holding one text that names a template ("模板5:活动节奏规划表", "Budget Detail")."""
    texts = [v for v in row if _filled(v)]
    if len(texts) != 1 or not isinstance(texts[0], str):
        return False
    f = fold(texts[0])
    return bool(re.match(r"模板\d+", f)) or any(t and t in f for t in _titles(spec))


# Private API.

def _meta_table(row: list, excel_row: int, formula) -> dict:
    info = {"key": _text(row, 1)}
    for name, col in (("header", 2), ("first", 3), ("last", 4), ("totals", 5)):
        info[name] = parse_ref(formula(col, excel_row))
    columns, col = {}, 6
    while col < len(row) and _text(row, col):
        columns[_text(row, col)] = parse_ref(formula(col + 1, excel_row))
        col += 2
    info["columns"] = columns
    return info


def _text(row: list, i: int) -> str:
    v = row[i] if i < len(row) else ""
    return v.strip() if isinstance(v, str) else ""


def _number(row: list, i: int) -> int | None:
    v = row[i] if i < len(row) else None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v != int(v):
        return None
    return int(v)


def _filled(v) -> bool:
    return v is not None and v != "" and not (isinstance(v, str) and not v.strip())


def _cell_text(cells: list, ci: int) -> str:
    if ci >= len(cells) or not _filled(cells[ci]):
        return ""
    v = cells[ci]
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _per_spec(func):
    """Cache a function of the (unhashable, never-changing) Spec by identity."""
    cache: dict[int, tuple] = {}

    @functools.wraps(func)
    def wrapper(spec):
        hit = cache.get(id(spec))
        if hit is None or hit[0] is not spec:
            hit = cache[id(spec)] = (spec, func(spec))
        return hit[1]

    wrapper.cache_clear = cache.clear
    return wrapper


@_per_spec
def _label_index(spec: Spec) -> dict[str, tuple[tuple[str, str, str], ...]]:
    """folded text -> ((table key, column key, how), …) over every label and alias, of the
    sixteen tables and the acceptance sheet (found by its header like any table)."""
    index: dict[str, list] = {}
    for table in _all_tables(spec):
        for col in table.columns:
            texts = [(label, "exact") for label in col.label.all()]
            texts += [(alias, "alias") for alias in col.aliases]
            for text, how in texts:
                entry = (table.key, col.key, how)
                bucket = index.setdefault(fold(text), [])
                if not any(e[:2] == entry[:2] for e in bucket):
                    bucket.append(entry)
    return {k: tuple(v) for k, v in index.items()}


@_per_spec
def _labels(spec: Spec) -> tuple[tuple[str, str, str], ...]:
    """(folded label, table key, column key) for containment, longest labels first."""
    out = {(fold(label), t.key, c.key) for t in _all_tables(spec) for c in t.columns for label in c.label.all()}
    return tuple(sorted((x for x in out if len(x[0]) >= CONTAINS_MIN), key=lambda x: -len(x[0])))


def _all_tables(spec: Spec) -> tuple[Table, ...]:
    return spec.tables + ((spec.accepted,) if spec.accepted else ())


@_per_spec
def _titles(spec: Spec) -> tuple[str, ...]:
    return tuple({fold(text) for t in spec.tables for text in t.title.all()} - {""})


def _match_row(index: dict, row: list, spec: Spec | None = None) -> dict[str, dict[str, tuple[int, str]]]:
    """table key -> {column key: (column index, how)} for the labels found in one row.

    With ``spec``, a cell that is no label but holds one ("曝光量(次)") counts as well.
    """
    found: dict[str, dict] = {}
    loose = []
    for ci, v in enumerate(row):
        if not isinstance(v, str) or not v.strip():
            continue
        f = fold(v)
        hits = index.get(f, ())
        if not hits and spec is not None and CONTAINS_MIN < len(f) <= HEADER_MAX:
            loose.append((ci, f))
        for tkey, ckey, how in hits:
            _claim(found, tkey, ckey, ci, how)
    for ci, f in loose:
        for label, tkey, ckey in _labels(spec):
            if label in f:
                _claim(found, tkey, ckey, ci, "contains")
    return found


def _claim(found: dict, tkey: str, ckey: str, ci: int, how: str) -> None:
    cols = found.setdefault(tkey, {})
    if ckey not in cols and all(c != ci for c, _ in cols.values()):
        cols[ckey] = (ci, how)


def _match_contained(table: Table, assigned: dict, claimed: set, folded: dict) -> None:
    """"目标值(件)" holds the label 目标值: matched when exactly one column fits."""
    for col in table.columns:
        if col.key in assigned:
            continue
        labels = {fold(label) for label in col.label.all()} - {""}
        labels = {lab for lab in labels if len(lab) >= CONTAINS_MIN}
        fits = [ci for ci, f in folded.items() if ci not in claimed and f
                and any(lab in f or (len(f) >= CONTAINS_MIN and f in lab) for lab in labels)]
        if len(fits) == 1:
            assigned[col.key] = (fits[0], "contains")
            claimed.add(fits[0])


def _closest(col, header_cells: list, unclaimed: dict[int, str], lang: str | None) -> MissingColumn:
    label = col.label(lang or "en")
    best, best_ci = 0.0, None
    for ci, f in unclaimed.items():
        for lab in col.label.all():
            score = difflib.SequenceMatcher(None, fold(lab), f).ratio()
            if score > best:
                best, best_ci = score, ci
    if best_ci is None or best < CLOSEST_MIN:
        return MissingColumn(col.key, label)
    return MissingColumn(col.key, label, _cell_text(header_cells, best_ci), col_letter(best_ci), best)
