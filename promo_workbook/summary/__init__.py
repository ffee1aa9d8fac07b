# summary: the workbook a planner emails after the check (issue 5).
"""The summary workbook: one screen that says whether the campaign is on plan, and the
figures behind it.

    write_summary(source, report, out_path, lang=None) -> Path

``source`` is the checked plan: a path, the reader's ``Plan``, or the checker's ``PlanView``
(fastest: nothing is read or adapted again; a Report that carries ``.view`` is used the same
way). Sheets, in the plan's language: Overview, Goals, Budget, Channels, Daily trend,
Findings, with four charts. Every figure is a value the tool computed (``figures.py``), never
a formula; every user text is written as text. The file is written atomically and never over
the plan.

Modules: words (templates/summary.yaml), figures (the numbers), look (formats, the grid
writer), sheets (the layout), charts.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ..checker import gc_paused
from ..errors import UsageError

__all__ = ["write_summary", "summary_figures"]


# Public API.

def write_summary(source, report, out_path, lang: str | None = None, *, today: dt.date | None = None,
                  config: dict | None = None) -> Path:
    """Write the summary of ``source`` (checked as ``report``) to ``out_path``; returns the path.
    Thresholds (the reserve's range, tolerances) are the check's: ``config`` when given, else
    the one the report's view was checked with, else the defaults."""
    from .. import atomic

    out = Path(out_path)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: the summary is an .xlsx workbook; name it *.xlsx")
    view = _view(source, report, today, config)
    atomic.refuse_input(out, view.path, report.file)
    # No cyclic collection while the summary is built: many small objects next to a plan of
    # millions, and each full collection would walk them all (seconds on a bench-size plan).
    with gc_paused():
        return _write(view, report, out, lang)


def summary_figures(source, report, *, today: dt.date | None = None, config: dict | None = None):
    """The Figures the summary shows (for tests and other outputs): see figures.py."""
    from .figures import compute

    return compute(_view(source, report, today, config), report)


# Private API.

def _write(view, report, out: Path, lang: str | None) -> Path:
    import xlsxwriter

    from .. import atomic
    from ..spec import LANGUAGES, load_spec
    from .figures import compute
    from .look import Look
    from .sheets import Context, write_all
    from .words import words

    lang = lang or report.lang or view.lang
    if lang not in LANGUAGES:
        raise UsageError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    figs = compute(view, report, lang=lang)
    text = words()
    campaign = figs.cover["campaign"]
    title = text.text("common.title", lang, campaign=campaign) if campaign else text.text("common.title_plain", lang)
    footer = "&L" + (campaign or "").replace("&", "&&")[:60] + "&R" + text.text("common.footer", lang)
    with atomic.output(out) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False,
                                            "strings_to_urls": False})
        wb.set_properties({"title": title, "subject": os.path.basename(figs.file), "comments": "promo-workbook",
                           "created": dt.datetime.combine(figs.today, dt.time())})
        ctx = Context(workbook=wb, spec=load_spec(), look=Look(wb, lang), words=text, figs=figs, lang=lang,
                      footer=footer, link_base=_link_base(view.path, out))
        write_all(ctx)
        wb.close()
    return out


def _view(source, report, today, config=None):
    """The checker's PlanView of the plan: given, carried by the report, or built from a Plan/path;
    with ``config`` when given (a view's own thresholds otherwise)."""
    import dataclasses

    from ..checker.view import PlanView, from_plan
    from ..spec import load_spec

    view = source if isinstance(source, PlanView) else getattr(report, "view", None)
    if isinstance(view, PlanView):
        return view if config is None else dataclasses.replace(view, config=config)
    plan = source
    if isinstance(source, (str, os.PathLike)):
        from ..reader import read

        plan = read(source)
    lang = report.lang or plan.language or "en"
    return from_plan(plan, load_spec(), lang, today or dt.date.today(), config)


def _link_base(plan_path, out: Path) -> str | None:
    """The plan as the summary's hyperlinks name it: relative to the summary's folder when possible."""
    plan = Path(str(plan_path))
    try:
        base = os.path.relpath(plan.resolve(), out.resolve().parent)
    except ValueError:  # another drive on Windows
        base = str(plan.resolve())
    if "#" in base or len(base) > 1000:
        return None
    return base.replace(os.sep, "/")
