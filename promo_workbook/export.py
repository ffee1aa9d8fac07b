"""Export a plan read back from a workbook: JSON (one document) or CSV (one file per table).

CSV files are UTF-8 with a byte-order mark so Excel opens Chinese text correctly, and every
text that a spreadsheet app would take for a formula (=, +, -, @ first) gets a leading
apostrophe, so it stays text when the CSV is opened.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import atomic

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# Public API.

def to_json(plan) -> str:
    return json.dumps(plan.to_dict(), ensure_ascii=False, indent=2)


def write_json(plan, out: Path, source: str | Path) -> Path:
    atomic.refuse_input(out, source)
    with atomic.output(out) as tmp:
        tmp.write_text(to_json(plan) + "\n", encoding="utf-8")
    return out


def write_csv(plan, folder: Path, source: str | Path) -> list[Path]:
    """One CSV per table found, named NN-key.csv, in ``folder`` (created if needed)."""
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in plan.tables.values():
        frame = table.to_frame()
        for column in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[column]):
                frame[column] = frame[column].map(_defuse).astype(object)
        out = folder / f"{table.number:02d}-{table.key}.csv"
        atomic.refuse_input(out, source)
        with atomic.output(out) as tmp:
            frame.to_csv(tmp, index=False, encoding="utf-8-sig")
        written.append(out)
    return written


# Private API.

def _defuse(value):
    """Text that a spreadsheet would run as a formula gets a leading quote mark (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
