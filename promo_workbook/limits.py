# limits.py: how much of a workbook the reader takes in: bytes unzipped, cells, seconds.
"""Limits that keep a hostile or broken workbook from exhausting memory or time.

Files arrive by email from anyone, so the reader treats every input as untrusted. Each limit
has a default that reads the bench workbook (bench/bench_read.py: 2.2 million cells, 20 MB
zipped, 139 MB unzipped, its largest part 26 times its zipped size, read in 3-5 s, counted
as 2.5 million cells) with room to spare, and each can be raised or lowered: as
``read(path, limits=...)`` (a ``Limits``, or a mapping like the ``[limits]`` section of a
``--config`` TOML file, or a whole config holding one).

    max_unzipped_bytes  500,000,000  the zip's parts together, as declared and as inflated;
                                     a part that inflates past its declared size is refused
    max_ratio           200          unzipped / zipped size of any part over 1 MB (Excel's
                                     own files stay under 30; a deflate bomb is ~1,000)
    max_cells           10,000,000   cells the reader materialises: each sheet counts its
                                     whole used area from A1 (what python-calamine builds),
                                     and the shared-strings table counts its strings
    max_seconds         60           wall-clock budget for reading, checked as it goes; on the
                                     command line, for the whole command (deadline.py)
    max_parts           10,000       entries in the zip (a workbook has a few dozen)

Exceeding a limit raises InputFileError with one line naming the file, what was too big and
the setting that allows it.
"""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from dataclasses import dataclass

from . import deadline
from .errors import InputFileError, UsageError

__all__ = ["Budget", "Limits"]

RATIO_GRACE = 1_000_000  # parts that unzip to less than this are never refused for their ratio


# Public API.

@dataclass(frozen=True)
class Limits:
    max_unzipped_bytes: int = 500_000_000
    max_ratio: float = 200.0
    max_cells: int = 10_000_000
    max_seconds: float = 60.0
    max_parts: int = 10_000

    @classmethod
    def from_config(cls, value=None) -> Limits:
        """None (the defaults), a Limits, a ``[limits]`` mapping, or a whole config with one."""
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        if not isinstance(value, Mapping):
            raise UsageError(f"limits must be a Limits or a mapping, not {type(value).__name__}")
        if any(isinstance(v, Mapping) for v in value.values()):  # a whole config: its [limits], if any
            value = value.get("limits") or {}
        fields = {f.name: f.type for f in dataclasses.fields(cls)}
        out = {}
        for key, raw in value.items():
            if key not in fields:
                raise UsageError(f"limits: {key}: unknown setting (known: {', '.join(fields)})")
            if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not raw > 0:
                raise UsageError(f"limits: {key}: expected a positive number, got {raw!r}")
            out[key] = float(raw) if fields[key] == "float" else int(raw)
        return cls(**out)


class Budget:
    """One read's running account against its Limits: cells taken, and the deadline."""

    def __init__(self, path, limits: Limits | None = None):
        self.path = path
        self.limits = limits or Limits()
        self.started = time.monotonic()
        self.deadline = self.started + self.limits.max_seconds
        self.cells = 0

    def tick(self, doing: str = "") -> None:
        """Refuse to go on once the time budget is spent (the read's, and the command's: deadline.py)."""
        deadline.check()
        if time.monotonic() > self.deadline:
            where = f" ({doing})" if doing else ""
            raise InputFileError(self.path, f"gave up reading after {self.limits.max_seconds:g} s{where}; "
                                            f"the file is too big or too complex (limit max_seconds)")

    def check_parts(self, count: int) -> None:
        if count > self.limits.max_parts:
            raise InputFileError(self.path, f"refused: the zip holds {count:,} entries, more than "
                                            f"{self.limits.max_parts:,} (limit max_parts)")

    def check_unzipped(self, total: int) -> None:
        if total > self.limits.max_unzipped_bytes:
            raise InputFileError(self.path, f"refused: its parts unzip to {_size(total)}, more than "
                                            f"{_size(self.limits.max_unzipped_bytes)} (limit max_unzipped_bytes)")

    def check_ratio(self, part: str, unzipped: int, zipped: int) -> None:
        if unzipped > RATIO_GRACE and unzipped > self.limits.max_ratio * max(zipped, 1):
            raise InputFileError(self.path, f"refused: {part} would unzip {unzipped / max(zipped, 1):,.0f} times "
                                            f"its size, like a decompression bomb (limit max_ratio "
                                            f"{self.limits.max_ratio:g})")

    def take_cells(self, cells: int, what: str) -> None:
        """Count cells about to be materialised; refuse past max_cells."""
        self.cells += cells
        if self.cells > self.limits.max_cells:
            raise InputFileError(self.path, f"refused: {what} brings the cells to read to {self.cells:,}, more "
                                            f"than {self.limits.max_cells:,} (limit max_cells)")

    def room(self) -> int:
        """Cells still allowed."""
        return max(self.limits.max_cells - self.cells, 0)


# Private API.

def _size(n: int) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.0f} MB" if n >= 1e6 else f"{n:,} bytes"
