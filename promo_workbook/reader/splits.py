"""The seed's combined cells split into the template's columns (a column's `splits` in the
spec): "100%(目标500单)" typed in the achievement column also gives the day's target,
"X.1-X.3" a start and an end day.

    apply_split(ctx, split, cells)   fill a row's split target from its source cell
    Splitter                         the same for one cell at a time, decided once per distinct
                                     source content (a log repeats "100%(目标500单)" down a column)
"""
from __future__ import annotations

from ..values import DateRange, Value
from .model import Cell, cell_tail

CACHE_LIMIT = 4096  # decisions kept per table
_NONE = object()


# Public API.

def apply_split(ctx, split: tuple, cells: dict, percent: bool = False) -> None:
    src_key, dst_key, what = split
    src = cells.get(src_key)
    dst = cells.get(dst_key)
    if src is None or not src.ok or (dst is not None and (dst.status != "empty" or dst.formula)):
        return
    item = None
    if what in ("range_start", "range_end"):
        if not isinstance(src.value, DateRange):
            return
        day = src.value.start if what == "range_start" else src.value.end
        status, reason = ("ok", None) if day else ("placeholder", "relative-day")
        new = Value(src.raw, day, "date", status, reason, from_text=True, warnings=src.warnings)
    elif what == "target":
        if src.target is None:
            return
        new = Value(src.raw, src.target, "number", "ok", unit=src.unit, from_text=True)
    elif what == "direction":
        if src.direction is None:
            return
        label = ctx.spec.list_label("direction", src.direction, ctx.lang or "zh-CN")
        new, item = Value(src.raw, label, "text", "ok", from_text=True), src.direction
    elif what == "unit":
        if not src.unit:
            return
        new = Value(src.raw, src.unit, "text", "ok", from_text=True)
    else:  # pragma: no cover - spec.SPLIT_TAKES lists only the cases above
        return
    label = dst.label if dst is not None else dst_key
    cells[dst_key] = Cell.of(dst_key, label, src.sheet, src.column, src.row, new, item=item, source=f"split:{src_key}",
                             percent=percent)


class Splitter:
    """A table's split target cells, one at a time (build.py: cell, split_cells). ``percent``:
    the keys of the table's percent columns (a split-filled cell may be a scale slip too)."""

    def __init__(self, ctx, percent: set[str]):
        self.ctx, self.percent = ctx, percent
        self._done: dict = {}    # (split, target's label, source's fields) -> (label, fields after the place), or None
        self._shared: dict = {}  # (split, id(source), id(target)) -> (source, target, the result)

    def cell(self, split: tuple, src: Cell, dst: Cell | None) -> Cell | None:
        """apply_split's result for one cell: what it takes from ``src`` is decided once per
        distinct source cell content."""
        label = dst.label if dst is not None else None
        try:  # what apply_split reads of the source
            memo_key = (split, label, src.status, type(src.raw), src.raw, type(src.value), src.value, src.warnings,
                        src.target, src.unit, src.direction)
            tail = self._done.get(memo_key, _NONE)
        except TypeError:  # an unhashable value: decide this one alone
            memo_key, tail = None, _NONE
        if tail is _NONE:
            cells = {split[0]: src} if dst is None else {split[0]: src, split[1]: dst}
            apply_split(self.ctx, split, cells, split[1] in self.percent)
            made = cells.get(split[1])
            tail = None if made is None or made is dst else (made.label, cell_tail(made))
            if memo_key is not None and len(self._done) < CACHE_LIMIT:
                self._done[memo_key] = tail
        if tail is None:
            return dst
        return Cell(split[1], tail[0], src.sheet, src.column, src.row, *tail[1])

    def shared_cell(self, split: tuple, src: Cell, dst: Cell | None) -> Cell | None:
        """``cell`` for a source (and target) cell shared by the rows typed alike (build.py:
        cells(..., shared=True)): the result is shared too, one per distinct pair."""
        key = (split, id(src), id(dst))
        found = self._shared.get(key)
        if found is None:  # the pair is kept with the result: their ids stay theirs
            found = self._shared[key] = (src, dst, self.cell(split, src, dst))
        return found[2]
