# test_values.py: every form docs/reading.md lists, the seed's example values, and "never raises".
import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promo_workbook.values import (
    KINDS, STATUSES, DateRange, Value, excel_serial_to_date, is_date_format, is_empty_marker,
    is_placeholder, parse, parse_date, parse_number,
)

ROOT = Path(__file__).resolve().parent.parent
D = dt.date
START = D(2026, 3, 1)  # campaign start used by the relative-day rows
Y = {"year": 2026}
CS = {"campaign_start": START}


def ok(value, **fields):
    return {"status": "ok", "value": value, **fields}


def bad(reason):
    return {"status": "unreadable", "reason": reason, "value": None}


def ph(reason=None):
    return {"status": "placeholder", "value": None, **({"reason": reason} if reason else {})}


EMPTY = {"status": "empty", "value": None}

# (raw, kind, keyword arguments, expected fields)
CASES = [
    # Empty markers, for every kind.
    *[(raw, kind, {}, EMPTY) for kind in KINDS
      for raw in (None, "", "   ", "\u3000", "-", "—", "–", "/", "无", "無", "N/A", "n/a", "NA",
                  "空")],
    # Placeholders.
    ("X月X日", "date", {}, ph("unfilled-date")),
    ("x月x日", "date", {}, ph("unfilled-date")),
    ("X月X日", "text", {}, ph("unfilled-date")),
    ("3月X日", "date", Y, ph("unfilled-date")),
    ("X.4", "date", {}, ph("relative-day")),
    ("X.4", "text", {}, ph("relative-day")),
    ("X.1-X.3", "date", {}, ph("relative-day")),
    ("X.1-X.3", "date", CS, ph("relative-day")),
    ("*经理", "text", {}, ph("starred-role")),
    ("*专员", "text", {}, ph("starred-role")),
    ("*專員", "text", {}, ph("starred-role")),
    ("＊主管", "text", {}, ph("starred-role")),
    ("*Specialist", "text", {}, ph("starred-role")),
    ("XXX", "text", {}, ph("xxx")),
    ("xxx", "number", {}, ph("xxx")),
    ("XX万件", "number", {}, ph("xxx")),
    ("(如:张三)", "text", {}, ph("example-text")),
    ("（如：张三）", "text", {}, ph("example-text")),
    ("(如小红书)", "text", {}, ph("example-text")),
    ("(e.g. Douyin)", "text", {}, ph("example-text")),
    ("e.g. Douyin", "text", {}, ph("example-text")),
    ("待定", "date", {}, ph("to-be-decided")),
    ("TBD", "number", {}, ph("to-be-decided")),
    ("tbd", "text", {}, ph("to-be-decided")),
    # Not placeholders.
    ("XXL", "text", {}, ok("XXL")),
    ("经理", "text", {}, ok("经理")),
    ("(如果下雨则延期)", "text", {}, ok("(如果下雨则延期)")),
    ("待完成", "text", {}, ok("待完成")),
    ("*", "text", {}, ok("*")),
    # Text.
    ("  抖音信息流  ", "text", {}, ok("抖音信息流")),
    ("A品牌", "text", {}, ok("A品牌")),
    (10000, "text", {}, ok("10000")),
    (10000.0, "text", {}, ok("10000")),
    (2.5, "text", {}, ok("2.5")),
    (True, "text", {}, ok("TRUE")),
    ("#N/A", "text", {}, bad("excel-error")),
    # Plain numbers.
    (20000, "number", {}, ok(20000, from_text=False)),
    (20000.0, "money", {}, ok(20000, from_text=False)),
    (3.5, "number", {}, ok(3.5)),
    (-5, "number", {}, ok(-5)),
    ("50000", "number", {}, ok(50000, from_text=True)),
    ("'123", "number", {}, ok(123, from_text=True)),
    ("１２３", "number", {}, ok(123)),
    ("1,234,567", "number", {}, ok(1234567)),
    ("1，234", "number", {}, ok(1234)),
    ("-50", "number", {}, ok(-50)),
    ("−50", "number", {}, ok(-50)),
    ("12.5", "number", {}, ok(12.5)),
    (".5", "number", {}, ok(0.5)),
    ("1,23", "number", {}, bad("not-a-number")),
    ("15-30", "number", {}, bad("not-a-number")),
    ("1080*1920px", "number", {}, bad("not-a-number")),
    ("abc", "number", {}, bad("not-a-number")),
    (True, "number", {}, bad("not-a-number")),
    (False, "money", {}, bad("not-a-number")),
    (D(2026, 3, 4), "number", {}, bad("is-a-date")),
    (float("nan"), "number", {}, bad("not-finite")),
    (float("inf"), "money", {}, bad("not-finite")),
    (float("-inf"), "date", {}, bad("not-finite")),
    (float("nan"), "text", {}, bad("not-finite")),
    ("9" * 400, "number", {}, bad("too-large")),
    (10**400, "number", {}, bad("too-large")),
    ("#DIV/0!", "number", {}, bad("excel-error")),
    ("#REF!", "percent", {}, bad("excel-error")),
    # Numbers from other libraries (pandas hands over numpy scalars; Decimal; Fraction).
    (Decimal("12.5"), "number", {}, ok(12.5)),
    (Decimal("3.2"), "percent", {}, ok(0.032, warnings=("percent-scale",))),
    (Decimal("NaN"), "number", {}, bad("not-finite")),
    (Decimal(46085), "date", {}, ok(D(2026, 3, 4))),
    (Fraction(1, 2), "money", {}, ok(0.5)),
    (type("Float64", (float,), {})(0.4), "percent", {}, ok(0.4)),
    (1j, "number", {}, bad("not-a-number")),
    (dt.timedelta(days=1), "number", {}, bad("not-a-number")),
    (dt.time(10, 30), "date", {}, bad("not-a-date")),
    ([1, 2], "date", {}, bad("not-a-date")),
    # Chinese magnitudes and internet shorthand.
    ("10万件", "number", {}, ok(100000, unit="件", from_text=True)),
    ("9.5万件", "number", {}, ok(95000, unit="件")),
    ("100万", "number", {}, ok(1000000, unit=None)),
    ("110万", "number", {}, ok(1100000)),
    ("1.1万", "number", {}, ok(11000)),
    ("50萬", "number", {}, ok(500000)),
    ("1.2亿", "number", {}, ok(120000000)),
    ("3億", "number", {}, ok(300000000)),
    ("5千", "number", {}, ok(5000)),
    ("10w", "number", {}, ok(100000)),
    ("10W", "number", {}, ok(100000)),
    ("１０ｗ", "number", {}, ok(100000)),
    ("3k", "number", {}, ok(3000)),
    ("3K", "number", {}, ok(3000)),
    ("2.5k", "number", {}, ok(2500)),
    ("3km", "number", {}, ok(3, unit="km")),
    ("10万粉", "number", {}, ok(100000, unit="粉")),
    ("10万+", "number", {}, ok(100000, direction="higher")),
    ("五万", "number", {}, bad("not-a-number")),
    ("约五万", "number", {}, bad("not-a-number")),
    ("约5万", "number", {}, ok(50000, warnings=("approximate",))),
    ("大约5万", "number", {}, ok(50000, warnings=("approximate",))),
    ("約5萬", "number", {}, ok(50000, warnings=("approximate",))),
    ("5万左右", "number", {}, ok(50000, warnings=("approximate",))),
    # Units.
    ("1人", "number", {}, ok(1, unit="人")),
    ("1套", "number", {}, ok(1, unit="套")),
    ("10天", "number", {}, ok(10, unit="天")),
    ("50篇", "number", {}, ok(50, unit="篇")),
    ("3张", "number", {}, ok(3, unit="张")),
    ("3張", "number", {}, ok(3, unit="張")),
    ("1份", "number", {}, ok(1, unit="份")),
    ("2次", "number", {}, ok(2, unit="次")),
    ("5个", "number", {}, ok(5, unit="个")),
    ("5000单", "number", {}, ok(5000, unit="单")),
    ("500單", "number", {}, ok(500, unit="單")),
    ("50条", "number", {}, ok(50, unit="条")),
    # Money and currency.
    ("20000", "money", {}, ok(20000)),
    ("300/天", "money", {}, ok(300, per="天", unit=None)),
    ("300元/天", "money", {}, ok(300, unit="元/天", per="天")),
    ("48元/人", "money", {}, ok(48, unit="元/人")),
    ("25元/人", "money", {}, ok(25, unit="元/人")),
    ("50元", "money", {}, ok(50, unit="元")),
    ("¥1,234", "money", {}, ok(1234, unit="元")),
    ("￥500", "money", {}, ok(500, unit="元")),
    ("RMB 500", "money", {}, ok(500, unit="元")),
    ("CNY500", "money", {}, ok(500, unit="元")),
    ("500RMB", "money", {}, ok(500, unit="RMB")),
    ("$20", "money", {}, ok(20, unit="$")),
    ("-¥50", "money", {}, ok(-50, unit="元")),
    ("1.5万元", "money", {}, ok(15000, unit="元")),
    # Comparators: lower is better.
    ("≤50元/人", "money", {}, ok(50, unit="元/人", direction="lower")),
    ("<=50", "number", {}, ok(50, direction="lower")),
    ("＜＝50", "number", {}, ok(50, direction="lower")),
    ("<50", "number", {}, ok(50, direction="lower")),
    ("不超过50", "number", {}, ok(50, direction="lower")),
    ("不超過50", "number", {}, ok(50, direction="lower")),
    ("50以内", "number", {}, ok(50, direction="lower", unit=None)),
    ("50以內", "number", {}, ok(50, direction="lower")),
    ("50元以内", "money", {}, ok(50, direction="lower", unit="元")),
    ("最多50", "number", {}, ok(50, direction="lower")),
    ("低于50", "number", {}, ok(50, direction="lower")),
    ("50以下", "number", {}, ok(50, direction="lower")),
    # Comparators: higher is better.
    ("≥3%", "percent", {}, ok(0.03, direction="higher")),
    (">=1000", "number", {}, ok(1000, direction="higher")),
    ("＞＝1000", "number", {}, ok(1000, direction="higher")),
    ("不低于1000", "number", {}, ok(1000, direction="higher")),
    ("不低於1000", "number", {}, ok(1000, direction="higher")),
    ("至少200", "number", {}, ok(200, direction="higher")),
    ("50以上", "number", {}, ok(50, direction="higher")),
    ("超过50条", "number", {}, ok(50, direction="higher", unit="条")),
    # Percent.
    ("40%", "percent", {}, ok(0.4, from_text=True, warnings=())),
    ("3.2%", "percent", {}, ok(0.032)),
    ("3.1%", "percent", {}, ok(0.031)),
    ("2.8%", "percent", {}, ok(0.028)),
    ("４０％", "percent", {}, ok(0.4)),
    ("40 %", "percent", {}, ok(0.4)),
    ("5‰", "percent", {}, ok(0.005)),
    ("100%", "percent", {}, ok(1.0)),
    ("0.4", "percent", {}, ok(0.4, warnings=())),
    ("3.2", "percent", {}, ok(0.032, warnings=("percent-scale",))),
    ("40", "percent", {}, ok(0.4, warnings=("percent-scale",))),
    (0.4, "percent", {"number_format": "0%"}, ok(0.4, warnings=(), from_text=False)),
    (1.04, "percent", {"number_format": "0.00%"}, ok(1.04, warnings=("out-of-range",))),
    (0.032, "percent", {}, ok(0.032, warnings=())),
    (1, "percent", {}, ok(0.01, warnings=("percent-scale",))),        # issue 13: like 1.5, not 100% silently
    (1, "percent", {"number_format": "0%"}, ok(1.0, warnings=())),      # shown as 100%
    (40, "percent", {}, ok(0.4, warnings=("percent-scale",))),
    (3.2, "percent", {}, ok(0.032, warnings=("percent-scale",))),
    (150, "percent", {}, ok(150.0, warnings=("out-of-range",))),
    (-0.1, "percent", {}, ok(-0.1, warnings=("out-of-range",))),
    ("104%", "percent", {}, ok(1.04, warnings=("out-of-range",))),
    ("95%", "percent", {}, ok(0.95)),
    ("40%", "number", {}, ok(0.4, unit="%")),
    ("abc%", "percent", {}, bad("not-a-number")),
    (True, "percent", {}, bad("not-a-number")),
    # Rate with a hidden target.
    ("100%(目标500单)", "rate_target", {}, ok(1.0, target=500, unit="单")),
    ("56%(目标500单)", "rate_target", {}, ok(0.56, target=500, unit="单")),
    ("56%（目標500單）", "rate_target", {}, ok(0.56, target=500, unit="單")),
    ("100% (目标: 500单)", "rate_target", {}, ok(1.0, target=500, unit="单")),
    ("100%（目标：5千单）", "rate_target", {}, ok(1.0, target=5000)),
    ("100%", "rate_target", {}, ok(1.0, target=None)),
    (1, "rate_target", {"number_format": "0%"}, ok(1.0, target=None)),
    ("100%(目标很多)", "rate_target", {}, bad("bad-target")),
    ("很好(目标500单)", "rate_target", {}, bad("not-a-number")),
    # Dates: objects and Excel serials.
    (D(2026, 3, 4), "date", {}, ok(D(2026, 3, 4), from_text=False)),
    (dt.datetime(2026, 3, 4, 15, 30), "date", {}, ok(D(2026, 3, 4))),
    (46085, "date", {}, ok(D(2026, 3, 4), warnings=())),
    (46085.75, "date", {}, ok(D(2026, 3, 4))),
    (46085, "date", {"number_format": "yyyy-mm-dd"}, ok(D(2026, 3, 4), warnings=())),
    (46085, "date", {"number_format": "31"}, ok(D(2026, 3, 4), warnings=())),
    (46085, "date", {"number_format": "General"},
     ok(D(2026, 3, 4), warnings=("not-date-formatted",))),
    (44623, "date", {"date1904": True}, ok(D(2026, 3, 4))),
    (1, "date", {}, ok(D(1900, 1, 1))),
    (59, "date", {}, ok(D(1900, 2, 28))),
    (60, "date", {}, bad("fake-1900-02-29")),
    (60.5, "date", {}, bad("fake-1900-02-29")),
    (61, "date", {}, ok(D(1900, 3, 1))),
    (60, "date", {"date1904": True}, ok(D(1904, 3, 1))),
    (0, "date", {}, bad("serial-out-of-range")),
    (0, "date", {"date1904": True}, ok(D(1904, 1, 1))),
    (-5, "date", {}, bad("serial-out-of-range")),
    (10**12, "date", {}, bad("serial-out-of-range")),
    (10**400, "date", {}, bad("serial-out-of-range")),
    (20260304, "date", {}, ok(D(2026, 3, 4))),
    (20260230, "date", {}, bad("invalid-date")),
    (True, "date", {}, bad("not-a-date")),
    # Dates: text with a year.
    ("2026-03-04", "date", {}, ok(D(2026, 3, 4), from_text=True, warnings=())),
    ("2026/3/4", "date", {}, ok(D(2026, 3, 4))),
    ("2026.3.4", "date", {}, ok(D(2026, 3, 4))),
    ("2026年3月4日", "date", {}, ok(D(2026, 3, 4))),
    ("2026年3月4号", "date", {}, ok(D(2026, 3, 4))),
    ("２０２６－０３－０４", "date", {}, ok(D(2026, 3, 4))),
    ("2026-03-04 10:30:00", "date", {}, ok(D(2026, 3, 4))),
    ("20260304", "date", {}, ok(D(2026, 3, 4))),
    ("'2026-03-04", "date", {}, ok(D(2026, 3, 4))),
    ("2026年3月4日(周三)", "date", {}, ok(D(2026, 3, 4))),
    ("2026年3月4日 星期三", "date", {}, ok(D(2026, 3, 4))),
    ("26/3/4", "date", {}, ok(D(2026, 3, 4), warnings=("two-digit-year",))),
    ("26-03-04", "date", {}, ok(D(2026, 3, 4), warnings=("two-digit-year",))),
    # A two-digit year last (issue 13): the campaign decides, else ambiguous, never 2003 silently.
    ("03/05/26", "date", {}, bad("ambiguous-date")),
    ("03/05/26", "date", {"campaign_start": D(2026, 3, 1)}, bad("ambiguous-date")),  # March 5 or May 3
    ("03/25/26", "date", {"campaign_start": D(2026, 3, 1)}, ok(D(2026, 3, 25), warnings=("two-digit-year",))),
    ("25.03.26", "date", {}, bad("ambiguous-date")),                                  # 2025-03-26 or 2026-03-25
    ("25.03.26", "date", {"campaign_start": D(2026, 3, 1)}, ok(D(2026, 3, 25), warnings=("two-digit-year",))),
    ("26/03/04", "date", {"campaign_start": D(2026, 3, 1)}, ok(D(2026, 3, 4), warnings=("two-digit-year",))),
    ("04/13/2026", "date", {}, ok(D(2026, 4, 13))),
    ("13/04/2026", "date", {}, ok(D(2026, 4, 13))),
    ("04/03/2026", "date", {}, bad("ambiguous-date")),
    ("2026-02-30", "date", {}, bad("invalid-date")),
    ("2026-13-01", "date", {}, bad("invalid-date")),
    ("2.30", "date", Y, bad("invalid-date")),
    # Dates: text without a year.
    ("3月4日", "date", Y, ok(D(2026, 3, 4), from_text=True)),
    ("3.4", "date", Y, ok(D(2026, 3, 4))),
    ("3/4", "date", Y, ok(D(2026, 3, 4))),
    ("03-04", "date", Y, ok(D(2026, 3, 4))),
    ("3.4", "date", CS, ok(D(2026, 3, 4), warnings=())),
    ("3月4日", "date", {}, bad("no-year")),
    ("3.4", "date", {}, bad("no-year")),
    ("1.3", "date", {"campaign_start": D(2025, 12, 20)},
     ok(D(2026, 1, 3), warnings=("year-rollover",))),
    ("12.28", "date", {"campaign_start": D(2026, 1, 5)},
     ok(D(2025, 12, 28), warnings=("year-rollover",))),
    ("1.3", "date", {"year": 2025, "campaign_start": D(2025, 12, 20)}, ok(D(2025, 1, 3))),
    # Dates: the seed's relative days and words that are not dates.
    ("X.4", "date", CS, ok(D(2026, 3, 4), warnings=("relative-day",))),
    ("x.10", "date", CS, ok(D(2026, 3, 10))),
    ("X.0", "date", CS, bad("invalid-date")),
    ("下周", "date", Y, bad("not-a-date")),
    ("明天", "date", Y, bad("not-a-date")),
    ("尽快", "date", CS, bad("not-a-date")),
    # Date ranges.
    ("X.1-X.3", "daterange", {}, ok(DateRange(None, None, 1, 3), warnings=())),
    ("X.1-X.3", "daterange", CS,
     ok(DateRange(D(2026, 3, 1), D(2026, 3, 3), 1, 3), warnings=("relative-day",))),
    ("X.4-X.10", "daterange", CS, ok(DateRange(D(2026, 3, 4), D(2026, 3, 10), 4, 10))),
    ("X.11-X.15", "daterange", {}, ok(DateRange(None, None, 11, 15))),
    ("X.4", "daterange", {}, ok(DateRange(None, None, 4, 4))),
    ("3.1-3.3", "daterange", Y, ok(DateRange(D(2026, 3, 1), D(2026, 3, 3)), from_text=True)),
    ("3.1–3.3", "daterange", Y, ok(DateRange(D(2026, 3, 1), D(2026, 3, 3)))),
    ("3.1 - 3.3", "daterange", Y, ok(DateRange(D(2026, 3, 1), D(2026, 3, 3)))),
    ("3.1-3.3", "daterange", CS, ok(DateRange(D(2026, 3, 1), D(2026, 3, 3)))),
    ("3月1日-3月3日", "daterange", Y, ok(DateRange(D(2026, 3, 1), D(2026, 3, 3)))),
    ("3/1~3/3", "daterange", Y, ok(DateRange(D(2026, 3, 1), D(2026, 3, 3)))),
    ("3/1～3/3", "daterange", Y, ok(DateRange(D(2026, 3, 1), D(2026, 3, 3)))),
    ("3月1日至3月3日", "daterange", Y, ok(DateRange(D(2026, 3, 1), D(2026, 3, 3)))),
    ("3月1日到3月3日", "daterange", Y, ok(DateRange(D(2026, 3, 1), D(2026, 3, 3)))),
    ("3月1日-3日", "daterange", Y, ok(DateRange(D(2026, 3, 1), D(2026, 3, 3)))),
    ("2026-03-01 — 2026-03-03", "daterange", {}, ok(DateRange(D(2026, 3, 1), D(2026, 3, 3)))),
    ("2026-03-01~2026-03-03", "daterange", {}, ok(DateRange(D(2026, 3, 1), D(2026, 3, 3)))),
    ("2026.3.1-3.3", "daterange", {}, ok(DateRange(D(2026, 3, 1), D(2026, 3, 3)))),
    ("12.28-1.3", "daterange", {"year": 2025}, ok(DateRange(D(2025, 12, 28), D(2026, 1, 3)))),
    ("2026-03-05 — 2026-03-01", "daterange", {},
     ok(DateRange(D(2026, 3, 5), D(2026, 3, 1)), warnings=("end-before-start",))),
    ("3.4", "daterange", Y, ok(DateRange(D(2026, 3, 4), D(2026, 3, 4)))),
    ("2026-03-04", "daterange", {}, ok(DateRange(D(2026, 3, 4), D(2026, 3, 4)))),
    (D(2026, 3, 4), "daterange", {}, ok(DateRange(D(2026, 3, 4), D(2026, 3, 4)))),
    (46085, "daterange", {}, ok(DateRange(D(2026, 3, 4), D(2026, 3, 4)))),
    ("3.1-3.3", "daterange", {}, bad("no-year")),
    ("3.1-3.32", "daterange", Y, bad("invalid-date")),
    ("预热期", "daterange", Y, bad("not-a-date-range")),
    ("X月X日-X月X日", "daterange", {}, ph("unfilled-date")),
    ("X月X日", "daterange", {}, ph("unfilled-date")),
    # Yes / no.
    *[(raw, "yesno", {}, ok(True)) for raw in (
        "是", "对", "對", "Y", "y", "yes", "YES", "✓", "√", "✔", "TRUE", "true", True, 1, 1.0,
        "1", "已完成", "完成", "Ｙ")],
    *[(raw, "yesno", {}, ok(False)) for raw in (
        "否", "错", "錯", "N", "n", "no", "No", "✗", "×", "✘", "FALSE", "false", False, 0,
        "0", "未完成")],
    ("也许", "yesno", {}, bad("not-yes-no")),
    ("x", "yesno", {}, bad("not-yes-no")),
    (2, "yesno", {}, bad("not-yes-no")),
    (D(2026, 3, 4), "yesno", {}, bad("not-yes-no")),
]

# The seed's own sample values, each in the kind of column it sits in (docs/templates.md).
SEED_CASES = [
    ("10万件", "number", {}, ok(100000, unit="件")),
    ("≤50元/人", "number", {}, ok(50, unit="元/人", direction="lower")),
    ("100万", "number", {}, ok(1000000)),
    ("*经理", "text", {}, ph("starred-role")),
    ("X月X日", "date", CS, ph("unfilled-date")),
    ("X.1-X.3", "daterange", CS, ok(DateRange(D(2026, 3, 1), D(2026, 3, 3), 1, 3))),
    ("50万", "number", {}, ok(500000)),
    ("5000单", "number", {}, ok(5000, unit="单")),
    ("40%", "percent", {}, ok(0.4)),
    ("1人", "number", {}, ok(1, unit="人")),
    (20000, "money", {}, ok(20000)),
    ("1套", "number", {}, ok(1, unit="套")),
    ("10天", "number", {}, ok(10, unit="天")),
    ("300/天", "money", {}, ok(300, per="天")),
    ("-", "money", {}, EMPTY),
    ("是", "yesno", {}, ok(True)),
    ("否", "yesno", {}, ok(False)),
    ("X.4", "date", CS, ok(D(2026, 3, 4))),
    (50000, "number", {}, ok(50000)),
    ("3.2%", "percent", {}, ok(0.032)),
    ("3.1%", "percent", {}, ok(0.031)),
    ("100%(目标500单)", "rate_target", {}, ok(1.0, target=500)),
    ("56%(目标500单)", "rate_target", {}, ok(0.56, target=500)),
    ("9.5万件", "number", {}, ok(95000, unit="件")),
    ("48元/人", "number", {}, ok(48, unit="元/人")),
    ("110万", "number", {}, ok(1100000)),
    ("104%", "percent", {}, ok(1.04)),
]


def _check(raw, kind, kwargs, expected):
    got = parse(raw, kind, **kwargs)
    assert isinstance(got, Value)
    assert got.raw is raw
    assert got.kind == kind
    for field, want in expected.items():
        have = getattr(got, field)
        if isinstance(want, float):
            assert isinstance(have, float), (field, got)
            assert math.isclose(have, want, rel_tol=1e-12), (field, got)
        else:
            assert have == want and type(have) is type(want), (field, got)


@pytest.mark.parametrize(("raw", "kind", "kwargs", "expected"), CASES,
                         ids=[f"{r!r:.30}-{k}" for r, k, _, _ in CASES])
def test_parse(raw, kind, kwargs, expected):
    _check(raw, kind, kwargs, expected)


@pytest.mark.parametrize(("raw", "kind", "kwargs", "expected"), SEED_CASES,
                         ids=[f"{r!r:.30}-{k}" for r, k, _, _ in SEED_CASES])
def test_seed_example_values(raw, kind, kwargs, expected):
    _check(raw, kind, kwargs, expected)


def test_whole_numbers_come_back_as_int_for_json():
    assert type(parse("10万", "number").value) is int
    assert type(parse(1e5, "number").value) is int
    assert type(parse("1.5", "number").value) is float


def test_ok_property():
    assert parse("10", "number").ok
    assert not parse("abc", "number").ok
    assert not parse("", "number").ok


def test_unknown_kind_is_a_caller_bug():
    with pytest.raises(ValueError):
        parse("1", "integer")


def test_parse_date_and_parse_number_shortcuts():
    assert parse_date("3.4", campaign_start=START).value == D(2026, 3, 4)
    assert parse_date(44623, date1904=True).value == D(2026, 3, 4)
    assert parse_date(46085, number_format="0.00").warnings == ("not-date-formatted",)
    assert parse_number("40%", kind="percent").value == 0.4
    assert parse_number(0.4, kind="percent", number_format="0%").warnings == ()
    assert parse_number("≤50元/人").direction == "lower"
    with pytest.raises(ValueError):
        parse_number("1", kind="date")


@pytest.mark.parametrize("text", ["", " ", "-", "—", "–", "/", "无", "無", "N/A", "n/a", "NA", "空"])
def test_is_empty_marker(text):
    assert is_empty_marker(text)


@pytest.mark.parametrize("text", ["0", "x", "是", "--5", 0, False])
def test_is_not_empty_marker(text):
    assert not is_empty_marker(text)


@pytest.mark.parametrize("text", ["X月X日", "x月x日", "X.4", "X.1-X.3", "*经理", "＊專員", "XXX",
                                  "xxx", "(如:张三)", "（如：张三）", "(如张三)", "(e.g. x)",
                                  "待定", "TBD"])
def test_is_placeholder(text):
    assert is_placeholder(text)


@pytest.mark.parametrize("text", ["3月4日", "经理", "XXL", "待完成", "已完成", "3.4", "", None, 5])
def test_is_not_placeholder(text):
    assert not is_placeholder(text)


@pytest.mark.parametrize(("serial", "date1904", "expected"), [
    (1, False, D(1900, 1, 1)), (59, False, D(1900, 2, 28)), (61, False, D(1900, 3, 1)),
    (46085, False, D(2026, 3, 4)), (46085.999, False, D(2026, 3, 4)),
    (2958465, False, D(9999, 12, 31)),
    (0, True, D(1904, 1, 1)), (44623, True, D(2026, 3, 4)),
])
def test_excel_serial_to_date(serial, date1904, expected):
    assert excel_serial_to_date(serial, date1904) == expected


@pytest.mark.parametrize("serial", [60, 0, -1, 2958466, 10**400, float("nan"), float("inf"), True])
def test_excel_serial_to_date_rejects(serial):
    with pytest.raises(ValueError):
        excel_serial_to_date(serial)


@pytest.mark.parametrize("number_format", [
    "14", "22", "27", "31", "36", "50", "58", 27, "yyyy-mm-dd", "m/d", "m/d/yy", "mmm-yy",
    'yyyy"年"m"月"d"日"', 'm"月"d"日"', "[$-804]yyyy年m月d日", "[$-F800]dddd, mmmm dd, yyyy",
    "yyyy/m/d h:mm", r"yyyy\-mm\-dd", "[DBNum1][$-804]m月d日",
])
def test_is_date_format(number_format):
    assert is_date_format(number_format)


@pytest.mark.parametrize("number_format", [
    None, "", "General", "0", "0.00", "0.00%", "0%", "#,##0", "#,##0.00_);[Red](#,##0.00)",
    '#,##0"元"', '0"天"', "@", "h:mm", "[h]:mm:ss", "mm:ss", "1", "9", "49", "59", 10,
    "[DBNum1][$-804]General", "0.0E+00", '"¥"#,##0.00', "0\x1f", "²", "٣١", "9" * 5000,
])
def test_is_not_date_format(number_format):
    assert not is_date_format(number_format)


ANY_CELL = st.one_of(st.text(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                     st.none(), st.booleans(), st.dates(), st.datetimes())
# Text built from the characters the parser cares about finds more corners than st.text().
CELL_TEXT = st.text(alphabet="0123456789.,-~/%‰万亿千wk元人单年月日号至Xx*()（）目标:≤≥<=>约 ", max_size=16)


@settings(max_examples=300, deadline=None, database=None)
@given(raw=st.one_of(ANY_CELL, CELL_TEXT), kind=st.sampled_from(KINDS),
       year=st.none() | st.integers(1, 9999),
       campaign_start=st.none() | st.dates(), date1904=st.booleans(),
       number_format=st.none() | st.text(max_size=8)
       | st.sampled_from(["General", "0%", "yyyy-mm-dd", "31", "@"]))
def test_never_raises(raw, kind, year, campaign_start, date1904, number_format):
    got = parse(raw, kind, year=year, campaign_start=campaign_start,
                number_format=number_format, date1904=date1904)
    assert isinstance(got, Value)
    assert got.status in STATUSES
    assert got.reason != "internal-error", got
    if got.status == "unreadable":
        assert got.reason
    if got.status != "ok":
        assert got.value is None
    if isinstance(raw, float) and not math.isfinite(raw):
        assert got.status == "unreadable"


@settings(max_examples=300, deadline=None, database=None)
@given(text=st.text(), kind=st.sampled_from(KINDS))
def test_helpers_never_raise(text, kind):
    assert isinstance(is_placeholder(text), bool)
    assert isinstance(is_empty_marker(text), bool)
    assert isinstance(is_date_format(text), bool)


def test_imports_only_the_standard_library_quickly():
    # Load values.py and the dates.py it uses on their own (not through the package __init__,
    # which loads the spec) after the standard modules every program has anyway; the brief is
    # "< 20 ms", the bound leaves room for a busy CI.
    code = (
        "import sys, time, types, importlib.util, dataclasses, datetime, re, unicodedata\n"
        "package = sys.modules['promo_workbook'] = types.ModuleType('promo_workbook')\n"
        "package.__path__ = ['promo_workbook']\n"
        "t = time.perf_counter()\n"
        "for name in ('dates', 'values'):\n"
        "    spec = importlib.util.spec_from_file_location('promo_workbook.' + name, f'promo_workbook/{name}.py')\n"
        "    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)\n"
        "    spec.loader.exec_module(module)\n"
        "print(time.perf_counter() - t)\n"
        "print(sorted({'pandas', 'openpyxl', 'opencc', 'numpy', 'yaml'} & set(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.splitlines()
    assert out[1] == "[]"
    assert float(out[0]) < 0.1


# plain_column: the values a rule may take without parse are the ones parse gives.

_RAW = st.one_of(
    st.just(""), st.integers(-10**18, 10**18), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(), st.datetimes(), st.booleans(),
    st.text(min_size=1, max_size=6), st.text(alphabet="营销抖音例如待定无空 -%万", min_size=1, max_size=6),
)


@settings(max_examples=400, deadline=None)
@given(raw=_RAW, kind=st.sampled_from(["number", "money", "percent", "rate_target", "date", "text"]))
def test_a_plain_cell_means_what_parse_says(raw, kind):
    from promo_workbook.values import parse, plain_column, plain_numbers

    column = plain_column([raw], kind)
    if not column.plain[0]:
        return
    parsed = parse(raw, kind)
    if column.empty[0]:
        assert parsed.status == "empty"
        return
    assert parsed.status == "ok" and not parsed.warnings, (raw, kind, parsed)
    if kind == "date":
        assert parsed.value == column.date[0]
    elif kind == "text":
        assert parsed.value == column.text[0]
    else:
        assert parsed.value == column.num[0] and type(parsed.value) in (int, float)
        exact = plain_numbers(column.num, kind)[0]  # what a row's num() reads without building the cell
        assert type(exact) is type(parsed.value) and exact == parsed.value and str(exact) == str(parsed.value), \
            (raw, kind, exact, parsed.value)


@settings(max_examples=300, deadline=None)
@given(raws=st.lists(st.one_of(_RAW, st.sampled_from([1, 1.0, True, 0.5, -0.0, float("nan"), "-", "无", "抖音"])),
                     max_size=40),
       kind=st.sampled_from(["number", "money", "percent", "rate_target", "date", "daterange", "text", "yesno"]),
       floats_only=st.booleans())
def test_a_column_classified_at_once_is_its_cells_classified_one_by_one(raws, kind, floats_only):
    """plain_column works a column out by type and once per distinct value (1, 1.0 and True,
    NaNs, a date and a datetime side by side): cell by cell, it says what each cell alone gives."""
    import numpy as np

    from promo_workbook.values import plain_column

    if floats_only:  # the path a column of floats (as calamine reads numbers) takes
        raws = [float(v) for v in raws if type(v) in (int, float) and abs(v) < 1e300]
    column = plain_column(raws, kind)
    for i, raw in enumerate(raws):
        alone = plain_column([raw], kind)
        for field in ("num", "plain", "empty", "may_be_empty", "may_be_placeholder"):
            assert np.array_equal(getattr(column, field)[i:i + 1], getattr(alone, field), equal_nan=True), \
                (field, raw, kind)
        for field in ("text", "date"):
            mine, own = getattr(column, field), getattr(alone, field)
            assert (mine is None) == (own is None) and (mine is None or mine[i] == own[0]), (field, raw, kind)


_UNFILLED_TEXT = st.one_of(
    st.sampled_from(["-", " / ", "无", "N/A", "待定", "TBD", "X月X日", "x月3日 - X月5日", "X.3", "X.1-X.4", "*经理",
                     "*Customer service", "XXX", "(如:抖音)", "e.g. 5%", "  待补充 ", "X  月  X  日"]),
    st.text(alphabet="X月日.*经理如例 -/无待定", min_size=1, max_size=8),
)


@settings(max_examples=400, deadline=None)
@given(raw=st.one_of(_RAW, _UNFILLED_TEXT),
       kind=st.sampled_from(["number", "money", "percent", "rate_target", "date", "daterange", "text", "yesno"]))
def test_a_cell_parse_reads_as_unfilled_is_flagged_by_its_column(raw, kind):
    """Rules about unfilled cells skip a cell its column says is filled: parse must agree."""
    from promo_workbook.values import parse, plain_column

    column = plain_column([raw], kind)
    parsed = parse(raw, kind, campaign_start=None)
    if parsed.status == "empty":
        assert column.may_be_empty[0], (raw, kind)
    if parsed.status == "placeholder":
        assert column.may_be_placeholder[0], (raw, kind)


@pytest.mark.parametrize("raw, kind, formula, expected", [
    (3.2, "percent", False, (0.032, True)),    # parse divided it already ("percent-scale")
    ("3.2", "percent", False, (0.032, True)),
    (0.032, "percent", False, (0.032, False)),
    (1, "percent", False, (0.01, True)),       # 1%, the same slip as 1.5 (issue 13)
    (3.2, "number", False, (0.032, True)),     # read as a plain number: divided here
    (3.2, "number", True, (3.2, False)),       # unless a formula produced it
    ("待定", "percent", False, (None, False)),
])
def test_percent_slip(raw, kind, formula, expected):
    from promo_workbook.values import percent_slip

    value, slip = percent_slip(parse(raw, kind), formula)
    assert (value if value is None else pytest.approx(value), slip) == expected


# Misreads of issue 13 (each failed before the fix).

@pytest.mark.parametrize("raw, value", [
    ("5M", 5_000_000), ("1.2M", 1_200_000), ("2.5B", 2_500_000_000), ("1.2 mil", 1_200_000),
    ("1.5bn", 1_500_000_000), ("5百", 500), ("3百万", 3_000_000),
])
def test_magnitudes_people_write(raw, value):
    assert parse(raw, "number").value == value


def test_a_lone_m_is_a_unit_not_a_million():
    v = parse("5m", "number")
    assert (v.value, v.unit) == (5, "m")


def test_raised_digits_are_not_read_as_more_digits():
    v = parse("10²", "number")
    assert v.status == "unreadable" and v.reason == "raised-digits"


def test_at_most_after_a_per_unit_keeps_its_direction():
    v = parse("50元/人以内", "number")
    assert (v.value, v.direction, v.unit, v.per) == (50, "lower", "元/人", "人")


def test_a_reversed_range_is_not_a_year_long_span():
    start = dt.date(2026, 3, 1)
    v = parse("3.5-3.1", "daterange", campaign_start=start)
    assert v.value.start == dt.date(2026, 3, 5) and v.value.end == dt.date(2026, 3, 1)
    assert "end-before-start" in v.warnings
    rolled = parse("12.28-1.3", "daterange", campaign_start=dt.date(2026, 1, 1))
    assert (rolled.value.end - rolled.value.start).days == 6  # still runs into the new year


@pytest.mark.parametrize("text", [
    "3月4日" + " " * 32_700 + "x", "1" + " " * 5_000 + "-" + " " * 5_000 + "x",
    "3" + " " * 5_000 + "(目标" + " " * 5_000, "3月4日" + " " * 5_000 + "周三", "5" + " " * 5_000 + "万",
])
@pytest.mark.parametrize("kind", ["date", "daterange", "rate_target", "number", "percent"])
def test_long_runs_of_spaces_parse_in_bounded_time(text, kind):
    """Each took seconds to days before (polynomial backtracking); now a fraction of a millisecond."""
    import time

    started = time.perf_counter()
    parse(text, kind)
    assert time.perf_counter() - started < 0.5  # generous for a loaded CI machine; ~0.1 ms here


def test_a_weekday_after_a_date_is_still_dropped():
    for text in ("3月4日 周三", "3/4(星期三)", "3月4日（周三）", "3月4日   礼拜三 "):
        assert parse(text, "date", year=2026).value == dt.date(2026, 3, 4), text
