"""Matching what people typed to what the spec means: dropdown labels in any language,
goal metrics by kind (impressions, conversions, revenue, acquisition cost), channel names.

Text is folded before comparing: NFKC (full-width forms), case, spaces and punctuation, and
Traditional characters to Simplified when OpenCC is installed.
"""
from __future__ import annotations

import functools
import re
import unicodedata

PUNCT = re.compile(r"[\s\u3000·・,，、;；:：()（）\[\]【】\"'“”‘’《》<>!！?？。.\-_/]+")


# Public API.

@functools.lru_cache(maxsize=65536)
def fold(text: str | None) -> str:
    """Folded for matching across scripts: also Traditional to Simplified (OpenCC, slow)."""
    return _t2s(quick_fold(text))


@functools.lru_cache(maxsize=65536)
def quick_fold(text: str | None) -> str:
    """Folded within one script: full-width forms, case, spaces and punctuation."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).lower()
    return PUNCT.sub("", text)


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


@functools.lru_cache(maxsize=1)
def _converter():
    try:
        import opencc
    except ImportError:
        return None
    return opencc.OpenCC("t2s")


def _t2s(text: str) -> str:
    if text.isascii():
        return text
    conv = _converter()
    return conv.convert(text) if conv else text
