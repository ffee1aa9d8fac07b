"""Option callbacks shared by the commands (cli.py and the commands of batch/ and rollup/)."""
from __future__ import annotations

import datetime as dt

import click

__all__ = ["parse_date"]


def parse_date(ctx, param, value):
    """A YYYY-MM-DD option as a date; a usage error naming the value otherwise."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-03-01") from None
