# frame.py: a table as a pandas DataFrame (pandas imported only here).
"""``TableData.to_frame()``: one row per table row, in sheet order.

Columns: ``row`` (the Excel row), then per template column its normalised value under the
column key and what the cell held under ``<key>_raw``; unknown extra columns follow as
``extra:<header>`` with their raw values. Date ranges become "start/end" ISO text (or the
seed's "X.1/X.3"). Columns filled from a combined seed cell (a column's `splits` in the spec) are included.
"""
from __future__ import annotations

from ..values import DateRange

__all__ = ["range_text", "table_frame"]


# Public API.

def table_frame(table):
    import pandas as pd

    data = {"row": list(table.row_numbers)}
    keys = list(table.columns) + [k for k in table.template.split_targets(table.columns) if k not in table.columns]
    for key in keys:
        values = table.column_values(key)
        data[key] = [_plain(v.value) if v is not None and v.ok else None for v in values]
        data[f"{key}_raw"] = [v.raw if v is not None else None for v in values]
    for key in table.extra_columns:
        data[f"extra:{key}"] = [row.extra[key].raw for row in table.rows]
    return pd.DataFrame(data)


def range_text(value: DateRange) -> str:
    """"2026-03-01/2026-03-03", or the seed's relative days "X.1/X.3" without a start date."""
    def one(day, n):
        return day.isoformat() if day else (f"X.{n}" if n else "")

    return f"{one(value.start, value.start_day)}/{one(value.end, value.end_day)}"


# Private API.

def _plain(value):
    return range_text(value) if isinstance(value, DateRange) else value
