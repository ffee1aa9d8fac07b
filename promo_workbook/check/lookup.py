"""Matching what people typed to what the spec means: dropdown labels in any language,
goal metrics by kind (impressions, conversions, revenue, acquisition cost), channel names.

Text is folded before comparing, as the reader folds headers (``reader/fold.py``: one
folding for the whole tool).
"""
from __future__ import annotations

from ..reader.fold import fold, fold_script

__all__ = ["fold", "fold_script", "list_key", "metric_kind", "direction_of_metric"]


# Public API.

def list_key(spec, list_name: str, text: str | None) -> str | None:
    """The key of the dropdown item whose label (in any language) the text is, else None."""
    if not text:
        return None
    return _list_index(spec, list_name).get(fold(text))


def metric_kind(spec, metric: str | None) -> str | None:
    """'impressions' / 'conversions' / 'revenue' / 'acquisition_cost' / 'ltv' or None."""
    folded = fold(metric)
    if not folded:
        return None
    for kind, words in spec.workbook["metric_kinds"].items():
        if any(fold(w) and fold(w) in folded for w in words):
            return kind
    return None


def direction_of_metric(plan, metric: str | None, target_cell=None) -> str:
    """Higher or lower is better: the goals table says, else the target's comparator, else the
    metric's kind (a cost is lower-is-better), else higher."""
    folded = fold(metric)
    for row in plan.rows("goals"):
        if folded and fold(row.text("metric")) == folded:
            key = list_key(plan.spec, "direction", row.text("direction"))
            if key:
                return key
            cell = row.cell("target")
            if cell is not None and cell.direction:
                return cell.direction
    if target_cell is not None and target_cell.direction:
        return target_cell.direction
    if metric_kind(plan.spec, metric) == "acquisition_cost":
        return "lower"
    return "higher"


# Private API.

_INDEXES: dict = {}


def _list_index(spec, list_name: str) -> dict[str, str]:
    key = (id(spec), list_name)
    if key in _INDEXES:
        return _INDEXES[key]
    index = _INDEXES[key] = {}
    for item in spec.lists[list_name]:
        for label in item.label.all():
            index[fold(label)] = item.key
        index.setdefault(fold(item.key), item.key)
    return index
