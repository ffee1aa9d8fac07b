# forms.py: the New-plan options from a form or a JSON body, validated, and the upload's name.
"""What ``POST /new`` and ``POST /api/new`` accept, checked before a worker is asked:

    parse_new(values, default_lang) -> (options, errors)

``options`` are NewOptions' fields with dates as ISO text (they cross a pipe to the worker);
``errors`` maps a field to (word key, params), which the form shows in the page's language
and the API in English. The generator checks again (engine.make_workbook).
"""
from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata

from . import engine

__all__ = ["FIELDS", "parse_new", "download_name", "upload_name", "content_disposition", "UPLOAD_TYPES"]

FIELDS = ("campaign", "product", "scenario", "start", "end", "budget", "owner", "channels", "lang", "rows",
          "example")
TEXT_MAX = {"campaign": 100, "product": 100, "owner": 60}
CHANNEL_MAX = 60
CHANNELS_MAX = 200
UPLOAD_TYPES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|]+')


# Public API.

def parse_new(values: dict, default_lang: str) -> tuple[dict, dict]:
    """Validate the New-plan fields (strings from a form; a JSON body may give numbers, a list
    of channels and a boolean). Unknown fields are errors."""
    options, errors = {}, {}
    for key in values:
        if key not in FIELDS or (key == "scenario" and not engine.supports_scenario()):
            errors[key] = ("error.choice", {})
    for key in ("campaign", "product", "owner"):
        text = _text(values.get(key))
        if text is None:
            continue
        if _CONTROL.search(text):
            errors[key] = ("error.control", {})
        elif len(text) > TEXT_MAX[key]:
            errors[key] = ("error.too_long", {"max": TEXT_MAX[key]})
        else:
            options[key] = text
    scenario = _text(values.get("scenario"))
    if scenario and "scenario" not in errors:
        if scenario in {key for key, _ in engine.scenario_options()}:
            options["scenario"] = scenario
        else:
            errors["scenario"] = ("error.choice", {})
    for key in ("start", "end"):
        text = _text(values.get(key))
        if text is None:
            continue
        try:
            options[key] = dt.date.fromisoformat(text).isoformat()
        except ValueError:
            errors[key] = ("error.date", {})
    if "start" in options and "end" in options and options["end"] < options["start"]:
        errors["end"] = ("error.end_before_start", {})
    budget = values.get("budget")
    if _text(budget) is not None:
        number = _number(budget)
        if number is None or number < 0:
            errors["budget"] = ("error.number", {})
        else:
            options["budget"] = number
    channels, problem = _channels(values.get("channels"))
    if problem:
        errors["channels"] = problem
    elif channels:
        options["channels"] = channels
    lang = _text(values.get("lang")) or default_lang
    if lang not in engine.LANGS:
        errors["lang"] = ("error.choice", {})
    options["lang"] = lang if lang in engine.LANGS else default_lang
    rows = values.get("rows")
    if _text(rows) is not None:
        number = _number(rows)
        if number is None or number != int(number) or not 1 <= number <= engine.MAX_ROWS:
            errors["rows"] = ("error.rows", {"max": engine.MAX_ROWS})
        else:
            options["rows"] = int(number)
    example = values.get("example")
    if isinstance(example, bool):
        options["example"] = example
    elif example is not None and str(example).strip().lower() not in ("", "0", "false", "off", "no"):
        if str(example).strip().lower() in ("1", "true", "on", "yes"):
            options["example"] = True
        else:
            errors["example"] = ("error.choice", {})
    _consistent(options, errors)
    return options, errors


def download_name(campaign: str | None, default: str = "promo-plan") -> str:
    """The .xlsx name for a campaign: its text with characters file systems refuse removed."""
    name = _UNSAFE_NAME.sub(" ", unicodedata.normalize("NFC", campaign or "")).strip().strip(".")
    name = re.sub(r"\s+", " ", name)[:80].strip()
    return (name or default) + ".xlsx"


def upload_name(filename: str | None) -> str | None:
    """The uploaded file's name without folders or unsafe characters; None when its type is
    not a workbook's."""
    base = re.split(r"[/\\]", filename or "")[-1]
    stem, ext = os.path.splitext(unicodedata.normalize("NFC", base))
    if ext.lower() not in UPLOAD_TYPES:
        return None
    stem = re.sub(r"\s+", " ", _UNSAFE_NAME.sub("_", stem)).strip().strip(".")[:100] or "plan"
    return stem + ext.lower()


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the UTF-8 ``filename*`` (RFC 6266, RFC 5987)."""
    from urllib.parse import quote

    stem, ext = os.path.splitext(name)
    ascii_stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", stem).strip(" _.") or "promo-plan"
    fallback = ascii_stem + re.sub(r"[^A-Za-z0-9.]", "", ext)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


# Private API.

def _consistent(options: dict, errors: dict) -> None:
    """What the generator refuses (writer._consistent), said on the field: more channels than
    the channel plan's rows, the worked example with its own channels or end overridden."""
    from ..layout import channel_rows
    from ..spec import load_spec

    example = options.get("example", False)
    channels = options.get("channels") or []
    if example and channels and "channels" not in errors:
        errors["channels"] = ("error.example_channels", {})
    elif channels and "channels" not in errors and "rows" not in errors:
        room = channel_rows(load_spec(), options.get("rows"), example)
        if len(channels) > room:
            errors["channels"] = ("error.channels_rows", {"rows": room})
    if example and "end" in options and "end" not in errors:
        start = dt.date.fromisoformat(options["start"]) if "start" in options else None
        if start is None or dt.date.fromisoformat(options["end"]) != start + dt.timedelta(days=14):
            errors["end"] = ("error.example_end", {})


def _text(value) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFC", value).strip()
    return text or None


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
        try:
            number = float(text)
        except ValueError:
            return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return number


def _channels(value) -> tuple[list, tuple | None]:
    if value is None or value == "":
        return [], None
    if isinstance(value, str):
        names = [part.strip() for part in re.split(r"[,，、;；\n]", value)]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        names = [v.strip() for v in value]
    else:
        return [], ("error.choice", {})
    names = [unicodedata.normalize("NFC", n) for n in names if n]
    if len(names) > CHANNELS_MAX:
        return [], ("error.channels_many", {"max": CHANNELS_MAX})
    if any(_CONTROL.search(n) for n in names):
        return [], ("error.control", {})
    if any(len(n) > CHANNEL_MAX for n in names):
        return [], ("error.too_long", {"max": CHANNEL_MAX})
    if len({n.casefold() for n in names}) != len(names):
        return [], ("error.channels_repeat", {})
    return names, None
