"""Export a plan read back from a workbook: JSON (one document) or CSV (one file per table).

Both stream: the JSON document is encoded a row at a time and the CSV files are written from
the column arrays, so a 200,000-row log is never held as one Python structure or one string.
CSV files are UTF-8 with a byte-order mark so Excel opens Chinese text correctly, and every
text that a spreadsheet app would take for a formula (=, +, -, @ first) gets a leading
apostrophe, so it stays text when the CSV is opened. The CSV folder is written as a temporary
folder and renamed into place: a failure leaves nothing behind.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import atomic

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# Public API.

def to_json(plan) -> str:
    return "".join(iter_json(plan))


def iter_json(plan):
    """The JSON document (as ``json.dumps(plan.to_dict(), indent=2)``) in pieces, a row at a time."""
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2)
    return encoder.iterencode(plan.to_dict(lazy=True))


def stream_json(plan, stream) -> None:
    from . import deadline

    pieces: list[str] = []
    for n, chunk in enumerate(iter_json(plan)):
        pieces.append(chunk)
        if not n & 0x3FFF:  # written some 16,000 pieces at a time (one write each is slow), and
            stream.write("".join(pieces))  # the command's max_seconds checked (deadline.py)
            pieces.clear()
            deadline.check()
    pieces.append("\n")
    stream.write("".join(pieces))


def write_json(plan, out: Path, source: str | Path) -> Path:
    atomic.refuse_input(out, source)
    with atomic.output(out) as tmp, open(tmp, "w", encoding="utf-8") as stream:
        stream_json(plan, stream)
    return out


def csv_names(folder: Path) -> list[Path]:
    """The files ``write_csv`` may write in ``folder``: NN-key.csv for every template table."""
    from .spec import load_spec

    return [folder / f"{table.number:02d}-{table.key}.csv" for table in load_spec().tables]


def check_csv_folder(folder: Path, source, *, force: bool = False) -> None:
    """Refuse, before reading, a CSV folder that cannot take the export (outputs.py's rule)."""
    from .outputs import Output, validate

    validate([source], [Output("--out", str(folder), folder=True, files=tuple(map(str, csv_names(folder))))],
             force=force)


def write_csv(plan, folder: Path, source: str | Path) -> list[Path]:
    """One CSV per table found, named NN-key.csv, in ``folder`` (created if needed)."""
    names = []
    for table in plan.tables.values():
        out = folder / f"{table.number:02d}-{table.key}.csv"
        atomic.refuse_input(out, source)
        names.append((table, out))
    with atomic.output_folder(folder) as tmp:
        for table, out in names:
            _write_table(table, tmp / out.name)
    return [out for _table, out in names]


# Private API.

def _write_table(table, path: Path) -> None:
    import pandas as pd

    frame = table.to_frame()
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(_defuse).astype(object)
    frame.to_csv(path, index=False, encoding="utf-8-sig")


def _defuse(value):
    """Text that a spreadsheet would run as a formula gets a leading quote mark (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
