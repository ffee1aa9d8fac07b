# rollup: many campaigns in one portfolio workbook (issue 16).
"""``rollup(paths, out, lang=None, jobs=None, executor=None, today=None, config=None)``
checks every plan ``paths`` names (as ``check PATH...`` does: files, folders, globs) in a
process pool and writes one workbook: Campaigns, Channels (folded across languages),
Calendar, Findings and Charts. Each worker reduces its plan to a few dozen values
(``figures.py``) and only those come back, so memory grows with the number of plans, not with
their size. Values only, never a formula; user text always written as text.

Modules: figures (one plan's values, in the worker), words (labels), workbook (the sheets),
command (the CLI).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import UsageError

__all__ = ["rollup", "Portfolio", "fold_channels"]


class Portfolio:
    """What rollup() wrote: the path, the plans' figures (input order) and the unreadable files."""

    def __init__(self, path: Path, plans: list, unreadable: list, channels: list):
        self.path, self.plans, self.unreadable, self.channels = path, plans, unreadable, channels


# Public API.

def rollup(paths, out, *, lang: str | None = None, jobs: int | None = None, executor=None,
           today: dt.date | None = None, config: dict | None = None, on_record=None) -> Portfolio:
    """Write the portfolio of the plans ``paths`` names to ``out`` (.xlsx); returns a Portfolio.
    ``on_record(record)`` is called as each plan is done (the CLI's progress bar)."""
    from .. import atomic
    from ..batch import expand, run_tasks
    from ..batch.engine import Task

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: the portfolio is an .xlsx workbook; name it *.xlsx")
    if lang is not None and lang not in ("zh-CN", "zh-TW", "en"):
        raise UsageError(f"unknown language {lang!r}; choose one of zh-CN, zh-TW, en")
    files = [f for f in expand(paths) if not atomic.same_file(f, out)] if out.exists() else expand(paths)
    if not files:
        raise UsageError(f"no workbooks (*.xlsx, *.xlsm, *.ods, *.xls) in {', '.join(map(str, paths))}")
    atomic.refuse_input(out, *files)
    today = today or dt.date.today()
    options = {"lang": lang, "today": today}
    if config is not None:
        options["config"] = config
    tasks = [Task(i, f, options, figures=True) for i, f in enumerate(files)]
    results: dict = {}
    for record in run_tasks(tasks, jobs=jobs, executor=executor):
        results[record.index] = (record.file, record.error, record.figures)
        if on_record is not None:
            on_record(record)
    plans = [figs for _, error, figs in (results[i] for i in range(len(tasks))) if error is None]
    unreadable = [(file, error) for file, error, _ in (results[i] for i in range(len(tasks))) if error is not None]
    lang = lang or (plans[0]["lang"] if plans else "en")
    channels = fold_channels(plans, lang)
    _write(out, plans, unreadable, channels, lang, today)
    return Portfolio(out, plans, unreadable, channels)


def fold_channels(plans: list, lang: str | None = None) -> list[dict]:
    """Channels across plans: one per folded name (小红书 / 小紅書 / Xiaohongshu meet), summed,
    with CTR, CVR and CPA over the sums; ranked by conversions, then impressions."""
    from ..batch.engine import channel_synonyms, fold_name

    synonyms = channel_synonyms()
    merged: dict = {}
    for plan in plans:
        seen = set()
        for ch in plan["channels"]:
            folded = fold_name(ch["name"])
            if not folded:
                continue
            key, labels = synonyms.get(folded, (folded, {}))
            row = merged.setdefault(key, {"channel": labels.get(lang) or ch["name"], "campaign_count": 0, **{
                k: None for k in ("target_impressions", "impressions", "clicks", "expected_conversions",
                                  "conversions", "spend")}})
            for source, target in (("target_impressions", "target_impressions"), ("impressions", "impressions"),
                                   ("clicks", "clicks"), ("expected_conversions", "expected_conversions"),
                                   ("conversions", "conversions"), ("budget", "spend")):
                if ch[source] is not None:
                    row[target] = (row[target] or 0) + ch[source]
            if key not in seen:
                seen.add(key)
                row["campaign_count"] += 1
    rows = list(merged.values())
    for row in rows:
        row["ctr"] = _div(row["clicks"], row["impressions"])
        row["cvr"] = _div(row["conversions"], row["clicks"])
        row["cpa"] = _div(row["spend"], row["conversions"])
    rows.sort(key=lambda r: (-(r["conversions"] or 0), -(r["impressions"] or 0), r["channel"]))
    return rows


# Private API.

def _div(a, b):
    return a / b if a is not None and b else None


def _write(out: Path, plans, unreadable, channels, lang: str, today: dt.date) -> None:
    import xlsxwriter

    from .. import atomic
    from ..batch.engine import look
    from .words import text
    from .workbook import write_sheets

    with atomic.output(out) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False,
                                            "strings_to_urls": False})
        wb.set_properties({"title": text("title.campaigns", lang, n=len(plans) + len(unreadable),
                                         today=today.isoformat()),
                           "comments": "promo-workbook portfolio",
                           "created": dt.datetime.combine(today, dt.time())})
        write_sheets(wb, plans, unreadable, channels, str(out), lang, today, look(wb, lang))
        wb.close()
