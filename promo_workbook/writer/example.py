"""The seed's worked example, turned into cell values for one language and start date.

Seed dates "X.n" (day n of the campaign) become start + n - 1; dropdown keys become their
labels; a channel reference (a number) becomes that row of the channel plan's example.
Placeholders the seed leaves unfilled ("X月X日", "*经理") stay as the seed shows them.
"""
from __future__ import annotations

import datetime as dt
import re

from ..spec import CHANNELS_LIST, Spec, Table, _text

RELATIVE_DAY = re.compile(r"^X\.(\d+)$")


# Public API.

def example_rows(spec: Spec, table: Table, lang: str, start: dt.date, channels: list[str]) -> list[dict]:
    rows = []
    for row in table.example:
        values = {}
        for key, raw in row.items():
            values[key] = _value(spec, table, key, raw, lang, start, channels)
        rows.append(values)
    return rows


def example_channels(spec: Spec, lang: str) -> list[str]:
    table = spec.table("channels")
    return [_text(table.source, "", row["channel"])(lang) for row in table.example]


# Private API.

def _value(spec: Spec, table: Table, key: str, raw, lang: str, start: dt.date, channels: list[str]):
    col = table.column(key)
    if isinstance(raw, dict):
        raw = _text(table.source, key, raw)(lang)
    if col.list == CHANNELS_LIST:
        return channels[raw - 1]
    if col.kind == "dropdown":
        return spec.list_label(col.list, str(raw), lang)
    if isinstance(raw, str):
        match = RELATIVE_DAY.match(raw)
        if match and col.kind == "date":
            return start + dt.timedelta(days=int(match.group(1)) - 1)
    return raw
