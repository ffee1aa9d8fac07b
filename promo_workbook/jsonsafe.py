"""Figures as plain JSON data, for what crosses a process or goes into a message: numbers as
int or float (NaN and infinities as None), dates as ISO text, anything else as its text."""
from __future__ import annotations

import datetime as dt
import math
import numbers

__all__ = ["json_safe"]


def json_safe(value):
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
