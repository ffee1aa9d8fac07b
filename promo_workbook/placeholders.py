# placeholders.py: the template's "fill me in" marks and the marks people use for "nothing".
"""Text a cell holds when nobody has filled it: empty marks ("-", "/", "无", "N/A") and the
template's placeholders (X月X日, X.4, *经理, XXX, (如:…), 待定), and the one text clean-up
every reading starts from. Standard library only; ``values`` builds on it."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean", "is_empty_marker", "is_placeholder", "placeholder_reason", "RANGE_SEP",
           "RELATIVE", "RELATIVE_RANGE"]

_EMPTY_MARKERS = frozenset({"", "-", "--", "—", "——", "–", "/", "无", "無", "n/a", "na", "空"})
_TBD = frozenset({"待定", "待填", "待填写", "待填寫", "待补充", "待補充", "tbd", "tba"})
_SEP = r"\s*(?:-+|~+|–|—+|―|〜|至|到)\s*"
RANGE_SEP = re.compile(_SEP)
RELATIVE = re.compile(r"[xX]\s*\.\s*(\d{1,3})")
RELATIVE_RANGE = re.compile(rf"[xX]\s*\.\s*(\d{{1,3}}){_SEP}(?:[xX]\s*\.\s*)?(\d{{1,3}})")
_XMD = r"(?:[xX]{1,2}|\d{1,2})月(?:[xX]{1,2}|\d{1,2})[日号號]?"
_X_DATE = re.compile(rf"{_XMD}(?:{_SEP}{_XMD})?")
# A starred role of up to three words: *经理, *Customer service, *Video editor.
_STARRED_ROLE = re.compile(r"\*+\s*[^\W\d_]+(?:[ \-][^\W\d_]+){0,2}")
_XXX = re.compile(r"[xX]{2,}(?![A-Za-z])")
_EXAMPLE = re.compile(r"[(\[【]\s*(?:例如|比如|如(?!果)|例|e\.?g\.?)|(?:e\.g\.|eg:|例如:|比如:|如:)", re.I)


def clean(text: str) -> str:
    """Full-width forms to ASCII (NFKC), odd minus signs to "-", invisible marks stripped."""
    text = unicodedata.normalize("NFKC", text).replace("−", "-")
    return text.replace("\u200b", "").replace("\ufeff", "").strip()


def is_empty_marker(text) -> bool:
    """True for None and the marks people use for "nothing here": "", "-", "/", "无", "N/A"."""
    if text is None:
        return True
    return isinstance(text, str) and clean(text).lower() in _EMPTY_MARKERS


def is_placeholder(text: str) -> bool:
    """True for the template's "fill me in" marks: X月X日, X.4, *经理, XXX, (如:…), 待定."""
    return isinstance(text, str) and placeholder_reason(clean(text)) is not None


def placeholder_reason(text: str) -> str | None:
    """Why cleaned ``text`` is a placeholder (a short code for the finding), or None."""
    if _X_DATE.fullmatch(text) and "x" in text.lower():
        return "unfilled-date"
    if RELATIVE.fullmatch(text) or RELATIVE_RANGE.fullmatch(text):
        return "relative-day"
    if _STARRED_ROLE.fullmatch(text):
        return "starred-role"
    if _XXX.match(text):
        return "xxx"
    if _EXAMPLE.match(text):
        return "example-text"
    if text.lower() in _TBD:
        return "to-be-decided"
    return None
