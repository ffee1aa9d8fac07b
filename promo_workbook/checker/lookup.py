"""Matching what people typed to what the spec means: dropdown labels in any language,
goal metrics by kind (impressions, conversions, revenue, acquisition cost), channel names.

Text is folded before comparing, as the reader folds headers (``reader/fold.py``: one
folding for the whole tool).
"""
from __future__ import annotations

from ..reader.fold import fold, fold_script

__all__ = ["fold", "fold_script", "list_key", "metric_kind", "direction_of_metric", "same_metric", "mentions_metric"]


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


def same_metric(spec, a: str | None, b: str | None, *, by_kind: bool = True) -> bool:
    """Two metric names that mean the same: equal once folded, one the other with a counting
    word or a qualifier before it (新增会员 / 新增会员数 / 会员, members / new members), or words of one metric kind."""
    fa, fb = _stem(fold(a)), _stem(fold(b))
    if not fa or not fb:
        return False
    if fa == fb or (min(len(fa), len(fb)) >= 2 and (fa.endswith(fb) or fb.endswith(fa))):
        return True
    kind = metric_kind(spec, a) if by_kind else None
    return kind is not None and kind == metric_kind(spec, b)


def mentions_metric(spec, metric: str | None, folded_text: str) -> bool:
    """The (folded) text names the metric: its own stem or a word of its kind, in any language."""
    stem = _stem(fold(metric))
    if stem and stem in folded_text:
        return True
    kind = metric_kind(spec, metric)
    return kind is not None and any(fold(w) and fold(w) in folded_text for w in spec.workbook["metric_kinds"][kind])


def direction_of_metric(plan, metric: str | None, target_cell=None) -> str:
    """Higher or lower is better: the goals table says, else the target's comparator, else the
    metric's kind (a cost is lower-is-better), else higher."""
    folded = fold(metric)
    goals = plan.rows("goals")
    same = [r for r in goals if folded and fold(r.text("metric")) == folded] \
        or [r for r in goals if same_metric(plan.spec, r.text("metric"), metric)]
    for row in same:
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

# Counting words that do not change which metric is meant: 新增会员数 is 新增会员.
_COUNT_SUFFIXES = ("数量", "數量", "人数", "人數", "数", "數", "量", "count", "number")
_COUNT_PREFIXES = ("numberof", "no.of", "new")


def _stem(folded: str) -> str:
    for prefix in _COUNT_PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix) + 1:
            folded = folded[len(prefix):]
            break
    for suffix in _COUNT_SUFFIXES:
        if folded.endswith(suffix) and len(folded) > len(suffix) + 1:
            return folded[: -len(suffix)]
    return folded


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
