"""Check a completed plan for consistency within and across its tables (docs/checks.md).

    check(path) -> Report      read the workbook, run every selected rule, gather findings

The rules live in ``rules/``, one small class each, registered by code; ``render.py`` turns
a Report into text or JSON.
"""
from __future__ import annotations

import datetime as dt
import gc
import time
from contextlib import contextmanager

from .model import Finding, Report

__all__ = ["Finding", "Report", "check", "check_plan"]


# Public API.

def check(path, *, lang: str | None = None, select=None, ignore=None, today: dt.date | None = None,
          config: dict | None = None, baseline=None) -> Report:
    """Read ``path`` and check it; messages in ``lang`` (default: the workbook's language).
    ``baseline``: a previous JSON report (its path, or accept.load_baseline's Baseline) whose
    findings are reported as accepted (docs/accepting.md)."""
    from .. import deadline
    from ..reader import read

    started = time.perf_counter()
    if baseline is not None and not hasattr(baseline, "keys_for"):
        from .accept import load_baseline

        baseline = load_baseline(baseline)
    with gc_paused():
        deadline.phase("reading")
        plan = read(path, limits=config)  # a config's [limits] section, if it has one
        deadline.phase("checking rules")
        return check_plan(plan, lang=lang, select=select, ignore=ignore, today=today, config=config, started=started,
                          baseline=baseline)


def check_plan(plan, *, lang=None, select=None, ignore=None, today=None, config=None, started=None,
               exhaustive: bool = False, baseline=None) -> Report:
    """Check a Plan already read; ``exhaustive``: every rule visits every row (the tests' oracle
    for the rules' row picking; slow on big tables). Findings the workbook's acceptance sheet
    or ``baseline`` (accept.Baseline) accept are set apart in ``Report.accepted``."""
    from .. import deadline
    from .accept import settle
    from ..spec import load_spec
    from .config import load_config
    from .registry import selected
    from .runs import ordered
    from .view import from_plan

    started = started or time.perf_counter()
    spec = load_spec()
    lang = lang or plan.language or "en"
    config = config or load_config()
    with gc_paused():
        deadline.phase("checking rules")
        view = from_plan(plan, spec, lang, today or dt.date.today(), config, exhaustive=exhaustive)
        found: list = []  # Findings, and FindingRuns (runs.py) for a mistake repeated down a column
        rules = selected(select, ignore)
        for rule in rules:
            deadline.check()
            found.extend(rule.run(view, config))
        findings = ordered(found, {t.number: i for i, t in enumerate(spec.tables)})
        findings, accepted = settle(findings, view.accepted, baseline, str(plan.path), {r.code for r in rules}, lang)
    return Report(file=str(plan.path), schema_version=view.schema_version, findings=findings,
                  sheets=view.sheets, rows=view.rows_total, seconds=time.perf_counter() - started,
                  lang=lang, view=view, accepted=accepted)


@contextmanager
def gc_paused():
    """Run the block without CPython's cyclic garbage collector, then restore it.

    Reading a workbook and building the rules' view allocate millions of objects that live
    until the report is written (a Cell per cell), and almost no reference cycles. The
    collector would walk that growing heap again and again: a third of the time of a
    200,000-row check. Reference counting still frees everything short-lived meanwhile.

    What the block made and kept is long-lived: it joins the oldest generation at once
    (freeze, then unfreeze: two list splices), where the next young collection would
    otherwise walk all of it first (0.14 s after that check). Garbage cycles among it are
    still found, by the next full collection.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
