# fold.py: fold header and label text so that spelling variants compare equal.
"""Text folding for matching headers, dropdown labels and titles.

"單價（元）", "单价(元)" and "单价 元" all fold to "单价元": NFKC (full-width forms to ASCII),
case folded, Traditional to Simplified through OpenCC's t2s table, and every space,
punctuation mark and symbol removed. OpenCC (opencc-python-reimplemented) is optional and
imported on first use; without it folding is NFKC-only, so Traditional headers still match
the zh-TW labels of the spec but not Simplified ones.
"""
from __future__ import annotations

import functools
import unicodedata

__all__ = ["fold", "fold_script", "has_opencc"]

_DROP = ("P", "S", "Z", "C")  # punctuation, symbols, separators, controls


# Public API.

@functools.lru_cache(maxsize=65536)
def fold(text) -> str:
    """The comparison form of a header or label: NFKC, casefold, t2s, no spaces or punctuation."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] not in _DROP)
    return _t2s(text)


@functools.lru_cache(maxsize=65536)
def fold_script(text) -> str:
    """Like ``fold`` but keeps the script: tells 維度 (zh-TW) from 维度 (zh-CN)."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in _DROP)


def has_opencc() -> bool:
    return _converter() is not None


# Private API.

@functools.lru_cache(maxsize=1)
def _converter():
    try:
        from opencc import OpenCC
    except ImportError:  # optional dependency: fold stays NFKC-only
        return None
    try:
        return OpenCC("t2s")
    except Exception:  # noqa: BLE001 - a broken OpenCC install must not stop reading
        return None


def _t2s(text: str) -> str:
    if text.isascii():
        return text
    converter = _converter()
    return converter.convert(text) if converter else text
