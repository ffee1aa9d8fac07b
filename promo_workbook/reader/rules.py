# rules.py: the reader's knowledge of the seed's own layout, kept as data.
"""Where a hand-made workbook in the seed's layout differs from the template, as data.

- ALIASES: header texts the seed uses for a column besides the spec's three labels. The
  seed's daily-metrics header has "率" alone where "點擊率" (CTR) was meant.
- KINDS: how a column's cells are parsed when the spec's kind is not enough: the seed's
  rhythm "日期" holds a range ("X.1-X.3"), the daily achievement hides the day's target
  ("100%(目標500單)").
- SPLITS: a seed cell that holds what the template splits into two columns. When the
  target column is absent, or its cell empty, its value is taken from the source cell:
  rhythm dates -> start, end; daily achievement -> daily_target; a goal's "≤50元/人" ->
  direction lower and unit 元/人; a budget quantity "10天" -> unit 天.
- TOTALS_LABELS: first-cell texts that mark a totals row in a hand-made table.

These belong in the template spec (a column's `aliases`), once the spec grows that key.
"""
from __future__ import annotations

from ..spec import Column, Table

__all__ = ["ALIASES", "FORMAT_KINDS", "KINDS", "SPLITS", "TOTALS_LABELS", "parse_kind", "split_targets"]

ALIASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("daily", "ctr"): ("率",),
}

KINDS: dict[tuple[str, str], str] = {
    ("rhythm", "dates"): "daterange",
    ("daily", "achievement"): "rate_target",
}

# (table, source column, target column, what to take from the source Value)
SPLITS: tuple[tuple[str, str, str, str], ...] = (
    ("rhythm", "dates", "start", "range_start"),
    ("rhythm", "dates", "end", "range_end"),
    ("daily", "achievement", "daily_target", "target"),
    ("goals", "target", "direction", "direction"),
    ("goals", "target", "unit", "unit"),
    ("budget", "quantity", "quantity_unit", "unit"),
)

TOTALS_LABELS = ("合计", "总计", "小计", "total", "totals", "sum")

# A formula column's (or totals cell's) number format -> the parse kind of its values.
FORMAT_KINDS = {"percent": "percent", "money": "money", "integer": "number", "number": "number",
                 "ratio": "number", "date": "date", "text": "text"}


# Public API.

def parse_kind(table: Table | None, column: Column) -> str:
    """The values.parse kind for a column's cells."""
    if table is not None and (table.key, column.key) in KINDS:
        return KINDS[(table.key, column.key)]
    if column.kind == "dropdown":
        return "text"
    if column.kind == "formula":
        return FORMAT_KINDS.get(column.value_format, "text")
    return column.kind


def split_targets(table_key: str, present: set | dict | list) -> list[str]:
    """Columns a table's rows may get from a combined seed cell, given the columns found."""
    targets = []
    for key, src, dst, _ in SPLITS:
        if key == table_key and src in present and dst not in targets:
            targets.append(dst)
    return targets
