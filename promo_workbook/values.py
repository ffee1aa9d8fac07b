# values.py: read one cell the way a person typed it, into a normalised Value.
"""Cell values: turn what people type ("10万件", "≤50元/人", "3月4日", "是") into numbers,
fractions, dates, date ranges and booleans, keeping the raw value for messages.

Every input gives a Value whose status is "ok", "empty", "placeholder" or "unreadable";
``parse`` never raises for a cell's content (it raises ValueError only for an unknown kind,
which is a bug in the caller). Standard library only, so importing it stays cheap.
"""

from __future__ import annotations

import datetime as _dt
import math
import operator
import re
from collections import namedtuple
from dataclasses import dataclass, replace
from itertools import repeat
from typing import Any

from .dates import DateRange  # noqa: F401 (part of this module's API)
from .dates import NotOk as _NotOk
from .dates import date_from_object as _date_from_object
from .dates import date_from_text as _date_from_text
from .dates import excel_serial_to_date, is_date_format  # noqa: F401 (part of this module's API)
from .dates import make_date as _make_date
from .dates import unreadable as _unreadable
from .placeholders import RANGE_SEP as _RANGE_SEP
from .placeholders import RELATIVE as _RELATIVE
from .placeholders import RELATIVE_RANGE as _RELATIVE_RANGE
from .placeholders import clean as _clean
from .placeholders import is_empty_marker, is_placeholder  # noqa: F401 (part of this module's API)
from .placeholders import placeholder_reason as _placeholder_reason

__all__ = [
    "KINDS", "STATUSES", "DateRange", "Value", "excel_serial_to_date", "is_date_format",
    "is_empty_marker", "is_placeholder", "parse", "parse_date", "parse_number", "percent_slip",
    "PlainColumn", "plain_column", "plain_numbers",
]

# Public API.

KINDS = ("text", "number", "money", "percent", "date", "daterange", "yesno", "rate_target")
STATUSES = ("ok", "empty", "placeholder", "unreadable")


@dataclass(frozen=True, slots=True)
class Value:
    """One cell: what it held (raw), what it means (value), and how sure we are (status)."""

    raw: object
    value: object
    kind: str
    status: str
    reason: str | None = None
    unit: str | None = None
    direction: str | None = None
    target: float | None = None
    per: str | None = None
    from_text: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def parse(raw, kind: str, *, year: int | None = None,
          campaign_start: _dt.date | None = None, number_format: str | None = None,
          date1904: bool = False) -> Value:
    """Read one cell as ``kind``; the result's status says whether it could be read."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
    ctx = _Context(year, campaign_start, number_format, date1904)
    try:
        return _parse(raw, kind, ctx)
    except _NotOk as exc:
        return Value(raw, None, kind, exc.status, exc.reason)
    except Exception:  # noqa: BLE001 - one odd cell must never stop a whole workbook check
        return Value(raw, None, kind, "unreadable", "internal-error")


def parse_date(raw, *, year=None, campaign_start=None, number_format=None,
               date1904=False) -> Value:
    """``parse(raw, "date", ...)``: a date object, an Excel serial or date text."""
    return parse(raw, "date", year=year, campaign_start=campaign_start,
                 number_format=number_format, date1904=date1904)


def parse_number(raw, *, kind="number", number_format=None) -> Value:
    """``parse`` for the number kinds: number, money, percent and rate_target."""
    if kind not in _NUMBER_KINDS:
        raise ValueError(f"parse_number reads {_NUMBER_KINDS}, not {kind!r}")
    return parse(raw, kind, number_format=number_format)


def percent_slip(value: Value, has_formula: bool) -> tuple[Any, bool]:
    """What a number in a percent column means: (the value, whether it was a scale slip).

    3.2 typed where 3.2% is meant reads as 3.2%: ``parse(raw, "percent")`` has divided it
    already (warning "percent-scale"); a Value parsed otherwise (another kind, a cached result)
    holding a number above 1 and up to 100 is divided here unless a formula produced it.
    """
    number = value.value
    if value.status != "ok" or not isinstance(number, (int, float)) or isinstance(number, bool):
        return number, False
    if "percent-scale" in value.warnings:
        return number, True
    if 1 <= number <= 100 and not has_formula:
        return number / 100, True
    return number, False


@dataclass
class PlainColumn:
    """A column's raw values classified at once (numpy arrays), for rules that test every row.
    ``plain[i]``: the cell's meaning is certain from its raw value alone, without ``parse``: a
    finite number (a 0-1 fraction in a percent column; below 2**53, where a float holds it
    exactly), a date object in a date column, text starting with an ordinary Chinese character
    in a text column, or empty. ``num``: a plain number (NaN otherwise); ``empty``; ``text``/
    ``date``: the plain texts/dates (None otherwise; the lists None for other kinds). Of the
    other cells, ``may_be_empty`` and ``may_be_placeholder`` say which ``parse`` may read as
    "empty" ("-", "无") or "placeholder" (X月X日, *经理): false in both is filled, whatever it is."""

    num: Any
    plain: Any
    empty: Any
    text: list | None = None
    date: list | None = None
    may_be_empty: Any = None
    may_be_placeholder: Any = None


def plain_column(raw: list, kind: str) -> PlainColumn:
    """Classify a column's raw values (see PlainColumn) by type and once per distinct value."""
    import numpy as np

    n = len(raw)
    empty = np.fromiter(map(operator.eq, raw, repeat("")), dtype=bool, count=n)
    lo, hi = (0.0, 1.0) if kind in _FRACTION_KINDS else (-_EXACT_FLOATS, _EXACT_FLOATS)
    text = date = None
    nums = np.full(n, _NAN)
    types = set(map(type, raw))
    if kind in _NUMBER_KINDS and types == _FLOATS:  # as calamine reads numbers: at C speed
        floats = np.array(raw, dtype=float)
        with np.errstate(invalid="ignore"):
            nums = np.where((lo <= floats) & ((floats < hi) if kind in _FRACTION_KINDS else (floats <= hi)), floats, _NAN)
    elif kind in _NUMBER_KINDS and not types.isdisjoint(_NUMBERS):  # a bare 1 is no plain fraction: 1 % or 100 %
        top = hi if kind not in _FRACTION_KINDS else math.nextafter(hi, 0.0)
        nums = np.fromiter((v if (type(v) is float or type(v) is int) and lo <= v <= top else _NAN for v in raw),
                           dtype=float, count=n)
    elif kind == "date":
        date = _each_value(raw, lambda v: v.date() if type(v) is _dt.datetime else v if type(v) is _dt.date else None)
    elif kind == "text":
        text = _each_value(raw, lambda v: v.strip() if type(v) is str and v and "\u4e00" <= v[0] <= "\u9fff"
                           and v[0] not in _NOT_ORDINARY else None)
    found = date if date is not None else text
    plain = empty | (np.fromiter(map(operator.is_not, found, repeat(None)), dtype=bool, count=n)
                     if found is not None else ~np.isnan(nums))
    may_be_empty, may_be_placeholder = _unfilled(raw, kind, ~plain, np)
    return PlainColumn(nums, plain, empty, text, date, may_be_empty | empty, may_be_placeholder)


def _each_value(raw: list, meaning) -> list:
    """``[meaning(v) for v in raw]``, once per distinct value: ``meaning`` words 1, 1.0 and True alike."""
    try:
        found = {v: meaning(v) for v in set(raw)}
    except TypeError:  # an unhashable value: never from a reader
        return list(map(meaning, raw))
    return list(map(found.__getitem__, raw))


def plain_numbers(nums, kind: str) -> list:
    """``parse(raw, kind).value`` of each plain number of a column (PlainColumn.num; None where
    it is NaN): a fraction in a percent column as a float (0 and -0.0 as 0.0), else a whole
    number as an int (20000.0 -> 20000). Worked out for the whole column at once."""
    import numpy as np

    known = ~np.isnan(nums)
    out = (nums + 0.0).astype(object)  # -0.0 as 0.0
    if kind not in _FRACTION_KINDS:
        whole = known & (nums == np.floor(nums))
        out[whole] = nums[whole].astype(np.int64).astype(object)
    out[~known] = None
    return out.tolist()


# Private API.

def _unfilled(raw: list, kind: str, unplain, np) -> tuple:
    """(may be empty, may be placeholder) over a column's cells that are not plain: only text
    can be either, decided once per distinct value (no text equals a number; 1, 1.0 and True
    decide alike). A date may be relative (X.3, resolved against the campaign's start) or a
    range with placeholder ends: any date text may be."""
    def verdict(v):
        if type(v) is not str:
            return v is None, False
        text = _clean(v)
        return is_empty_marker(v), (kind in _DATE_KINDS or _placeholder_reason(text) is not None
                                    or _placeholder_reason(_SPACES.sub(" ", text)) is not None)
    maybe_empty, maybe_placeholder = np.zeros(len(raw), dtype=bool), np.zeros(len(raw), dtype=bool)
    at = np.flatnonzero(unplain).tolist()
    values = raw if len(at) == len(raw) else list(map(raw.__getitem__, at))
    found = _each_value(values, verdict) if str in set(map(type, values)) else None  # no text: only None is empty
    maybe_empty[at] = np.fromiter(map(operator.is_, values, repeat(None)) if found is None else map(_FIRST, found),
                                  dtype=bool, count=len(at))
    if found is not None:
        maybe_placeholder[at] = np.fromiter(map(_SECOND, found), dtype=bool, count=len(at))
    return maybe_empty, maybe_placeholder


from .typed_words import APPROX as _APPROX, CURRENCY as _CURRENCY, MAGNITUDES as _MAGNITUDES  # noqa: E402
from .typed_words import HIGHER_AFTER as _HIGHER_AFTER, HIGHER_BEFORE as _HIGHER_BEFORE  # noqa: E402
from .typed_words import LOWER_AFTER as _LOWER_AFTER, LOWER_BEFORE as _LOWER_BEFORE  # noqa: E402
from .typed_words import NO as _NO, YES as _YES  # noqa: E402

_NUMBER_KINDS = ("number", "money", "percent", "rate_target")
# A 0-1 number in a percent or rate-with-target column is read as that fraction, with no warning.
_FRACTION_KINDS = ("percent", "rate_target")
_NAN = float("nan")
_FLOATS, _NUMBERS = {float}, frozenset({float, int})
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)
# Text whose first character is a CJK ideograph (which NFKC leaves alone) other than these is
# read as itself: they start the placeholders (例如…, 如:, 待定) and empty marks (无, 空).
_NOT_ORDINARY = frozenset("例比如待无無空")
_DATE_KINDS = ("date", "daterange")
MAX_VALUE_TEXT = 200   # characters of a number or date cell looked at
_SPACES = re.compile(r"\s+")
# Superscript and subscript digits: NFKC would turn "10²" into "102".
_RAISED_DIGITS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉")
_PERCENT_SHIFT = {"%": 2, "‰": 3}

def _alt(words) -> str:
    """A regex alternation that tries longer words first, so "<=" wins over "<"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUMBER = re.compile(
    rf"(?P<approx>(?i:{_alt(_APPROX)}))?\s*"
    rf"(?P<before>{_alt(_LOWER_BEFORE + _HIGHER_BEFORE)})?\s*"
    r"(?P<sign>[-+])?\s*"
    r"(?P<cur>[¥$]|(?i:rmb|cny|usd)|人民币|人民幣)?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d*)?|\.\d+)\s*"
    r"(?P<mag>百万|百萬|千万|千萬|万|萬|亿|億|千(?![克米瓦])|百(?![克米])|(?i:mil|mn|bn)(?![A-Za-z])"
    r"|[wWkKMB](?![A-Za-z]))?\s*"
    r"(?P<pct>[%‰])?\s*"
    r"(?P<unit>[^\W\d_]{1,4}?)??\s*"  # lazy: "50以内" is a comparator, not the unit "以内"
    r"(?:/\s*(?P<per>[^\W\d_]{1,4}?))?\s*"  # lazy too: "元/人以内" is per 人, at most
    rf"(?P<after>{_alt(_LOWER_AFTER + _HIGHER_AFTER)})?\s*"
    r"(?P<about>左右)?"
)
_RATE_TARGET = re.compile(r"(?P<rate>[^()]+?)\s*\(\s*(?:目标|目標|target)\s*:?\s*"
                          r"(?P<target>[^()]+?)\s*\)", re.I)
# Excel's error values: the ones a formula returns, and the newer data-type and connection
# ones that only count when typed (one home for every module that recognises them).
ERROR_VALUES = ("#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")
NEWER_ERROR_VALUES = ("#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!")
_EXCEL_ERROR = re.compile("|".join(map(re.escape, ERROR_VALUES + NEWER_ERROR_VALUES)), re.I)


_Context = namedtuple("_Context", "year campaign_start number_format date1904")


def _parse(raw, kind: str, ctx: _Context) -> Value:
    if is_empty_marker(raw):
        return Value(raw, None, kind, "empty")
    if isinstance(raw, str):
        return _parse_text_cell(raw, kind, ctx)
    cell = _plain(raw)
    if isinstance(cell, float) and not math.isfinite(cell):
        raise _unreadable("not-finite")
    if kind == "text":
        return Value(raw, _as_text(cell), kind, "ok")
    if kind in _DATE_KINDS:
        day, warnings = _date_from_object(cell, ctx)
        value = DateRange(day, day) if kind == "daterange" else day
        return Value(raw, value, kind, "ok", warnings=warnings)
    if kind == "yesno":
        return Value(raw, _yesno(_as_text(cell)), kind, "ok")
    return _number_from_object(raw, cell, kind, ctx)


def _plain(raw):
    """numpy scalars, Decimal and Fraction as int/float (pandas hands those over); else raw."""
    if type(raw) in (bool, int, float) or raw is None:  # numpy.float64 is a float subclass
        return raw
    for convert, hook in ((int, "__index__"), (float, "__float__")):
        if hasattr(raw, hook):
            try:
                return convert(raw)
            except (TypeError, ValueError, OverflowError):
                return raw
    return raw


def _parse_text_cell(raw: str, kind: str, ctx: _Context) -> Value:
    if kind in _NUMBER_KINDS and not _RAISED_DIGITS.isdisjoint(raw):
        raise _unreadable("raised-digits")  # "10²" is not 102
    text = _clean(raw)
    if kind not in ("text", "yesno"):
        # Bounded work: no number or date is longer than this, and one space stands for any run
        # (the number pattern has several optional parts each followed by \s*, which would
        # backtrack polynomially over a long run of spaces).
        if len(text) > MAX_VALUE_TEXT:
            raise _unreadable("too-large" if text.replace(",", "").replace(".", "").isdigit() else "too-long")
        text = _SPACES.sub(" ", text)
    if _EXCEL_ERROR.fullmatch(text):
        raise _unreadable("excel-error")
    if kind in _DATE_KINDS and (_RELATIVE.fullmatch(text) or _RELATIVE_RANGE.fullmatch(text)):
        return _relative(raw, text, kind, ctx.campaign_start)
    reason = _placeholder_reason(text)
    if reason:
        raise _NotOk("placeholder", reason)
    if kind == "text":
        return Value(raw, raw.strip(), kind, "ok")
    if kind == "yesno":
        return Value(raw, _yesno(text), kind, "ok")
    text = text.lstrip("'").strip()  # a leading apostrophe forces text in Excel
    if kind == "date":
        day, warnings, _ = _date_from_text(text, ctx.year, ctx.campaign_start)
        return Value(raw, day, kind, "ok", from_text=True, warnings=warnings)
    if kind == "daterange":
        return _daterange_from_text(raw, text, ctx)
    if kind == "rate_target":
        return _rate_target(raw, text)
    return _number_from_text(raw, text, kind)


def _as_text(raw) -> str:
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


# Numbers, money and percentages.

def _number_from_object(raw, cell, kind: str, ctx: _Context) -> Value:
    if isinstance(cell, _dt.date):
        raise _unreadable("is-a-date")
    if isinstance(cell, bool) or not isinstance(cell, (int, float)):
        raise _unreadable("not-a-number")
    if kind in ("percent", "rate_target"):
        as_fraction = "%" in (ctx.number_format or "")
        return _percent(*_exact(cell), as_fraction, Value(raw, None, kind, "ok"))
    return Value(raw, _whole_or_float(cell), kind, "ok")


# Below 2**53 every whole float is exact and every other float is what its repr() reads back
# as, so such a float gives _exact/_to_python's result without the round trip through text.
_EXACT_FLOATS = float(2**53)


def _whole_or_float(number: int | float) -> int | float:
    """_to_python(*_exact(number), integral=True): ints for whole numbers (2.0 -> 2)."""
    if type(number) is float and -_EXACT_FLOATS < number < _EXACT_FLOATS:
        return int(number) if number.is_integer() else number
    return _to_python(*_exact(number), integral=True)


def _number_from_text(raw, text: str, kind: str) -> Value:
    m = _NUMBER.fullmatch(text)
    if not m:
        raise _unreadable("not-a-number")
    mantissa, exp = _exact(m["num"])
    mantissa *= -1 if m["sign"] == "-" else 1
    exp += _MAGNITUDES.get((m["mag"] or "").lower(), 0) - _PERCENT_SHIFT.get(m["pct"], 0)
    unit = m["unit"] or _CURRENCY.get((m["cur"] or "").lower())
    if m["pct"] and kind not in ("percent", "rate_target"):
        unit = unit or m["pct"]
    if unit and m["per"]:
        unit = f"{unit}/{m['per']}"
    warnings = ("approximate",) if m["approx"] or m["about"] else ()
    found = Value(raw, None, kind, "ok", unit=unit, direction=_direction(m), per=m["per"],
                  from_text=True, warnings=warnings)
    if kind in ("percent", "rate_target"):
        return _percent(mantissa, exp, bool(m["pct"]), found)
    return replace(found, value=_to_python(mantissa, exp, integral=True))


def _direction(m: re.Match) -> str | None:
    word = m["before"] or m["after"]
    if word in _LOWER_BEFORE or word in _LOWER_AFTER:
        return "lower"
    if word in _HIGHER_BEFORE or word in _HIGHER_AFTER:
        return "higher"
    return None


def _percent(mantissa: int, exp: int, is_fraction: bool, found: Value) -> Value:
    """A fraction from a percent cell; a bare 3.2 is read as 3.2 % (percent points), and so is
    a bare 1 (1 %, the same slip; 100 % is typed 100% or formatted as a percentage)."""
    warnings = found.warnings
    if not is_fraction and 1 <= _to_python(mantissa, exp, integral=False) <= 100:
        exp -= 2
        warnings += ("percent-scale",)
    value = _to_python(mantissa, exp, integral=False)
    if not 0 <= value <= 1:
        warnings += ("out-of-range",)
    return replace(found, value=value, warnings=warnings)


def _exact(number: int | float | str) -> tuple[int, int]:
    """A number as mantissa × 10**exp, so that 1.1万 is 11000 and not 11000.000000000002.

    Floats go through repr(), the shortest text that reads back as the same float.
    """
    if isinstance(number, int):
        if abs(number) > 10**300:
            raise _unreadable("too-large")
        return number, 0
    text, _, shift = (repr(float(number)) if isinstance(number, float) else number).partition("e")
    whole, _, frac = text.replace(",", "").partition(".")
    if len(whole) + len(frac) > 300:
        raise _unreadable("too-large")
    return int(whole + frac or "0"), int(shift or 0) - len(frac)


def _to_python(mantissa: int, exp: int, *, integral: bool) -> int | float:
    """int when whole (JSON-friendly: 100000, not 100000.0), else a correctly rounded float."""
    if exp < 0 and mantissa % 10**-exp:
        return mantissa / 10**-exp
    value = mantissa * 10**exp if exp >= 0 else mantissa // 10**-exp
    if abs(value) > 10**300:
        raise _unreadable("too-large")
    return value if integral else float(value)


def _rate_target(raw, text: str) -> Value:
    """"100%(目标500单)": the seed hides the day's target inside the achievement rate."""
    m = _RATE_TARGET.fullmatch(text)
    if not m:
        return _number_from_text(raw, text, "rate_target")
    rate = _number_from_text(raw, m["rate"], "rate_target")
    try:
        target = _number_from_text(m["target"], m["target"], "number")
    except _NotOk as exc:
        raise _unreadable("bad-target") from exc
    return replace(rate, target=target.value, unit=target.unit,
                   warnings=rate.warnings + target.warnings)


# Dates and date ranges (the dates themselves: dates.py).
def _relative(raw, text: str, kind: str, campaign_start: _dt.date | None) -> Value:
    """The seed's "X.4" (day 4 of the campaign) and "X.1-X.3" (days 1 to 3)."""
    m = _RELATIVE.fullmatch(text) or _RELATIVE_RANGE.fullmatch(text)
    first, last = int(m[1]), int(m[m.lastindex])
    if first < 1 or last < 1:
        raise _unreadable("invalid-date")
    if kind == "date" and (campaign_start is None or m.re is _RELATIVE_RANGE):
        raise _NotOk("placeholder", "relative-day")
    start = end = None
    if campaign_start is not None:
        start = campaign_start + _dt.timedelta(days=first - 1)
        end = campaign_start + _dt.timedelta(days=last - 1)
    if kind == "date":
        return Value(raw, start, kind, "ok", from_text=True, warnings=("relative-day",))
    warnings = ("relative-day",) if start else ()
    warnings += ("end-before-start",) if last < first else ()
    return Value(raw, DateRange(start, end, first, last), kind, "ok", from_text=True,
                 warnings=warnings)


def _daterange_from_text(raw, text: str, ctx: _Context) -> Value:
    """Try each separator ("-", "~", "至", "—"...) until both sides read as dates."""
    reason = "not-a-date-range"
    for sep in _RANGE_SEP.finditer(text):
        left, right = text[:sep.start()], text[sep.end():]
        if _placeholder_reason(left) and _placeholder_reason(right):
            raise _NotOk("placeholder", "unfilled-date")
        try:
            start, warnings, _ = _date_from_text(left, ctx.year, ctx.campaign_start)
            end, more, written = _date_from_text(right, start.year, None, start.month)
        except _NotOk as exc:
            reason = exc.reason if exc.reason != "not-a-date" else reason
            continue
        if end < start and not written:  # "12.28-1.3" runs into the new year; "3.5-3.1" is reversed
            rolled = _make_date(end.year + 1, end.month, end.day)
            end = rolled if (rolled - start).days <= 183 else end
        warnings += tuple(w for w in more if w not in warnings)
        warnings += ("end-before-start",) if end < start else ()
        return Value(raw, DateRange(start, end), "daterange", "ok", from_text=True,
                     warnings=warnings)
    try:
        day, warnings, _ = _date_from_text(text, ctx.year, ctx.campaign_start)
    except _NotOk as exc:
        raise _unreadable(reason if exc.reason == "not-a-date" else exc.reason) from exc
    return Value(raw, DateRange(day, day), "daterange", "ok", from_text=True,
                 warnings=warnings)


# Yes / no.

def _yesno(text: str) -> bool:
    """是/否, Y/N, ✓/✗, TRUE/FALSE, 1/0 (numbers arrive here as text), 已完成/未完成."""
    word = text.lower()
    if word in _YES or word in _NO:
        return word in _YES
    raise _unreadable("not-yes-no")
