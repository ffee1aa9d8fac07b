# dates.py: dates as people type them and as spreadsheet apps store them.
"""Dates: Excel serial numbers (1900 and 1904 systems), date number formats, and the text
forms people type (2026-03-04, 2026年3月4日, 3/4, 3月4日, 20260304, 04/03/2026 when a
part above 12 settles it), a year taken from the campaign when none is written. values.py
builds Values and date ranges from these; a cell that cannot be a date raises NotOk.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass

__all__ = ["DateRange", "NotOk", "date_from_object", "date_from_text", "excel_serial_to_date", "is_date_format",
           "make_date", "unreadable"]


@dataclass(frozen=True, slots=True)
class DateRange:
    """Two dates, or the seed's relative days ("X.1-X.3") when no campaign start is known."""

    start: _dt.date | None
    end: _dt.date | None
    start_day: int | None = None
    end_day: int | None = None


class NotOk(Exception):
    """Raised deep in a reader; ``values.parse`` turns it into a placeholder/unreadable Value."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def unreadable(reason: str) -> NotOk:
    return NotOk("unreadable", reason)


def excel_serial_to_date(serial: float, date1904: bool = False) -> _dt.date:
    """The date of an Excel serial number; the time of day (fraction) is dropped.

    The 1900 system counts Lotus 1-2-3's non-existent 1900-02-29 as serial 60, so serials
    before it are one day off from a plain count; 60 itself is no date at all.
    """
    try:
        days = math.floor(serial)
    except (TypeError, ValueError, OverflowError) as exc:  # None, NaN, inf
        raise ValueError(f"not a date serial: {serial!r}") from exc
    if isinstance(serial, bool) or not (0 if date1904 else 1) <= days < 3_000_000:
        raise ValueError(f"serial {serial!r} is outside the years 1900-9999")
    if days == 60 and not date1904:
        raise ValueError("serial 60 is the fake 1900-02-29")
    base = _dt.date(1904, 1, 1) if date1904 else _dt.date(1899, 12, 31 if days < 60 else 30)
    try:
        return base + _dt.timedelta(days=days)
    except OverflowError as exc:
        raise ValueError(f"serial {serial!r} is past 9999-12-31") from exc


def is_date_format(number_format: str | None) -> bool:
    """True when a cell's number format shows a date.

    Also knows the CJK built-in ids (27–36, 50–58), which openpyxl does not treat as dates.
    Pure time formats ("h:mm", "[h]:mm:ss") are not dates.
    """
    if isinstance(number_format, int) and not isinstance(number_format, bool):
        return number_format in _DATE_FORMAT_IDS
    if not isinstance(number_format, str):
        return False
    builtin_id = number_format.strip()
    if builtin_id.isascii() and builtin_id.isdigit():  # a built-in id such as "31"
        return len(builtin_id) < 6 and int(builtin_id) in _DATE_FORMAT_IDS
    codes = _FORMAT_LITERALS.sub("", number_format).lower()
    if codes.strip() in ("", "general", "@"):
        return False
    if "y" in codes or "d" in codes:
        return True
    return "m" in codes and "h" not in codes and "s" not in codes


def date_from_object(raw, ctx) -> tuple[_dt.date, tuple[str, ...]]:
    """A date from a cell object: a date, a datetime, a number typed as 20260304, or an Excel
    serial (``ctx``: values._Context: date1904, number_format)."""
    if isinstance(raw, _dt.datetime):
        return raw.date(), ()
    if isinstance(raw, _dt.date):
        return raw, ()
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise unreadable("not-a-date")
    if 19000101 <= raw <= 99991231 and raw == math.floor(raw):  # typed as 20260304
        digits = str(int(raw))
        return make_date(int(digits[:4]), int(digits[4:6]), int(digits[6:])), ()
    if not ctx.date1904 and 60 <= raw < 61:
        raise unreadable("fake-1900-02-29")
    try:
        day = excel_serial_to_date(raw, ctx.date1904)
    except ValueError as exc:
        raise unreadable("serial-out-of-range") from exc
    shown_as_date = ctx.number_format is None or is_date_format(ctx.number_format)
    return day, () if shown_as_date else ("not-date-formatted",)


def make_date(year: int, month: int, day: int) -> _dt.date:
    try:
        return _dt.date(year, month, day)
    except ValueError as exc:
        raise unreadable("invalid-date") from exc


def date_from_text(text: str, year: int | None, campaign_start: _dt.date | None,
                    month: int | None = None) -> tuple[_dt.date, tuple[str, ...], bool]:
    """(date, warnings, year_was_written); ``month`` lets a range end be a bare day ("3日")."""
    text = _without_weekday(text)
    if m := (_YMD.fullmatch(text) or _COMPACT.fullmatch(text)):
        return make_date(int(m[1]), int(m[2]), int(m[3])), (), True
    if m := _DMY.fullmatch(text):
        return _day_first_or_month_first(int(m[1]), int(m[2]), int(m[3])), (), True
    if m := _YY_MD.fullmatch(text):
        return _two_digit_year(m, campaign_start), ("two-digit-year",), True
    if m := _MD.fullmatch(text):
        mon, day = int(m[1]), int(m[2])
    elif month and (m := _DAY.fullmatch(text)):
        mon, day = month, int(m[1])
    else:
        raise unreadable("not-a-date")
    return (*_month_day(mon, day, year, campaign_start), False)


def _two_digit_year(m: re.Match, campaign_start: _dt.date | None) -> _dt.date:
    """"26-03-04" is 2026-03-04; "03/05/26" may be 2003-05-26, 2026-03-05 or 2026-05-03.

    Every valid reading is a candidate: year first, and (when the last part has two digits)
    year last, month or day first. The ones within half a year of the campaign's start
    decide; without one near, a single valid reading does; a dash (yy-mm-dd, the ISO order)
    reads year first; anything else is ambiguous rather than guessed."""
    a, b, c = int(m[1]), int(m[2]), int(m[3])
    readings = [(2000 + a, b, c)]
    if len(m[3]) == 2:
        readings += [(2000 + c, a, b), (2000 + c, b, a)]
    found = []
    for year, month, day in readings:
        try:
            date = _dt.date(year, month, day)
        except ValueError:
            continue
        if date not in found:
            found.append(date)
    if not found:
        raise unreadable("invalid-date")
    if campaign_start is not None:
        near = [d for d in found if abs((d - campaign_start).days) <= 183]
        if len(near) == 1:
            return near[0]
        if near:
            raise unreadable("ambiguous-date")
    if len(found) == 1:
        return found[0]
    if m[0][2:3] == "-" and found[0].year == 2000 + a:
        return found[0]
    raise unreadable("ambiguous-date")


def _day_first_or_month_first(a: int, b: int, year: int) -> _dt.date:
    """"04/03/2026" is March 4 or April 3; only a part above 12 settles which."""
    if a > 12 or a == b:
        return make_date(year, b, a)
    if b > 12:
        return make_date(year, a, b)
    raise unreadable("ambiguous-date")


def _month_day(month: int, day: int, year: int | None,
               campaign_start: _dt.date | None) -> tuple[_dt.date, tuple[str, ...]]:
    """A date typed without a year takes the given year, else the campaign's.

    A campaign starting in late December has "1.3" in the next year, so a date more than
    half a year from the start moves to the neighbouring year (warning "year-rollover").
    """
    if year is not None:
        return make_date(year, month, day), ()
    if campaign_start is None:
        raise unreadable("no-year")
    found = make_date(campaign_start.year, month, day)
    gap = (found - campaign_start).days
    if abs(gap) <= 183:
        return found, ()
    try:
        return found.replace(year=found.year - (1 if gap > 0 else -1)), ("year-rollover",)
    except ValueError:  # 2.29 in a non-leap neighbour year, or past year 9999
        return found, ()


# Private API.

_DATE_FORMAT_IDS = frozenset({14, 15, 16, 17, 22, *range(27, 37), *range(50, 59)})
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_YMD = re.compile(rf"(\d{{4}})\s*[-/.年]\s*(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})\s*[日号號]?{_TIME}")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_YY_MD = re.compile(r"(\d{2})[-/.](\d{1,2})[-/.](\d{1,2})")
_MD = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号號]?")
_DAY = re.compile(r"(\d{1,2})\s*[日号號]?")
# A weekday after the date ("3月4日 周三", "3/4(星期三)"). Found by its word, then the spaces and
# the bracket before it are stripped: a pattern starting with \s* would backtrack over long runs
# of spaces at every position (cubic time; 2,000 spaces took 11 s).
_WEEKDAY = re.compile(r"(?:周|週|星期|礼拜|禮拜)[一二三四五六日天1-7]\s*\)?$")


def _without_weekday(text: str) -> str:
    m = _WEEKDAY.search(text)
    if m is None:
        return text
    head = text[:m.start()].rstrip()
    return head[:-1].rstrip() if head.endswith("(") else head
_FORMAT_LITERALS = re.compile(r'\[[^\]]*\]|"[^"]*"|\\.|[_*].')
