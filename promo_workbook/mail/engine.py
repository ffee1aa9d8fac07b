# engine.py: the one place where the mail package reaches the checker, the summary and the annotated copy.
"""The mail package's adapter to promo-workbook's library.

Every call the mail package makes into the checker (messages, the config file), the summary
(its figures, the workbook) and the annotated copy goes through this module, so that a name
moving in the library changes this file only. What it hands on is plain data (``facts``: a
JSON-able dict), from which message.py builds the email: the web page stores the same dict
beside its report and sends the very message the command line sends.

    load_config(path)                        -> dict   the --config file (its [mail] table kept raw)
    mail_table(config)                       -> dict | None
    facts(report, figures=None, config=None) -> dict   what the email says
    write_summary(report, source, out, ...)  -> Path
    write_annotated(report, source, out, lang)
"""
from __future__ import annotations

import datetime as dt
import heapq
import os
from pathlib import Path

from ..jsonsafe import json_safe as _clean

__all__ = ["LANGS", "TOP_FINDINGS", "load_config", "mail_table", "facts", "write_summary", "write_annotated"]

LANGS = ("zh-CN", "zh-TW", "en")
TOP_FINDINGS = 10
_RANK = {"error": 0, "warning": 1, "info": 2}


# Public API.

def load_config(path=None) -> dict:
    """The check's config from the TOML file at ``path`` (defaults without one); its ``[mail]``
    section is kept as a raw table (``mail_table``) for settings.py to read."""
    from ..checker.config import load_config as _load

    return _load(path)


def mail_table(config: dict | None) -> dict | None:
    """The config's ``[mail]`` table, or None when the file has no such section."""
    table = (config or {}).get("mail")
    return table if isinstance(table, dict) else None


def facts(report, *, figures=None, config: dict | None = None, file: str | None = None) -> dict:
    """What the email says, as plain data: the file, the language, the counts, the Cover, the
    key figures and the top findings (most severe first, then in the report's order) with their
    messages in every language. ``figures``: the summary's figures when already worked out."""
    from ..checker.render import message

    if figures is None and getattr(report, "view", None) is not None:
        try:
            figures = _summary_figures(report, config)
        except Exception:  # noqa: BLE001 - the figures are a bonus; the verdict and findings are the message
            figures = None
    findings = report.findings
    order = heapq.nsmallest(TOP_FINDINGS, range(len(findings)), key=lambda i: (_RANK.get(findings[i].severity, 3), i))
    top = [{"code": f.code, "name": f.name, "severity": f.severity, "sheet": f.sheet, "cell": f.cell, "row": f.row,
            "messages": {lang: message(f, lang) for lang in LANGS}}
           for f in (findings[i] for i in order)]
    return _clean({
        "file": os.path.basename(str(file or report.file)),
        "lang": report.lang,
        "counts": {s: report.count(s) for s in ("error", "warning", "info")},
        "findings_total": len(findings),
        "findings": top,
        "findings_sheet": _findings_sheet(),
        "cover": _cover(figures),
        "figures": _key_figures(figures),
    })


def write_summary(report, source, out, *, lang=None, today=None, config=None) -> Path:
    """The summary workbook of the checked plan (``source``: its path) at ``out``."""
    from ..summary import write_summary as _write

    return Path(_write(report.view if report.view is not None else str(source), report, out, lang=lang,
                       today=today, config=config))


def write_annotated(report, source, out, *, lang=None) -> Path:
    """The annotated copy of the plan at ``source`` (an .xlsx or .xlsm) at ``out``."""
    from ..annotator import annotate

    done = annotate(str(source), report.findings, out, lang=lang or report.lang, accepted=report.accepted)
    return Path(getattr(done, "path", out))


# Private API.

def _summary_figures(report, config):
    from ..summary import summary_figures

    return summary_figures(report.view, report, config=config)


def _findings_sheet() -> dict:
    """The summary's Findings sheet as it is named in each language."""
    try:
        from ..summary.words import words

        return {lang: words().sheet("findings", lang) for lang in LANGS}
    except Exception:  # noqa: BLE001 - only a name in a sentence
        return {}


def _cover(figs) -> dict:
    keys = ("campaign", "product", "scenario", "owner", "currency", "start", "end", "budget")
    cover = dict(getattr(figs, "cover", None) or {})
    return {key: (cover.get(key).isoformat() if isinstance(cover.get(key), dt.date) else cover.get(key))
            for key in keys}


def _key_figures(figs) -> dict:
    if figs is None:
        return {}
    budget, total = figs.budget, figs.total
    achieved = [g.achievement for g in figs.goals if g.achievement is not None]
    return {
        "goals": len(figs.goals),
        "goals_met": figs.goals_met,
        "goals_judged": len(achieved),
        "achievement": sum(achieved) / len(achieved) if achieved else None,
        "budget_total": budget.lines_total,
        "reserve_share": budget.reserve_share,
        "reserve_status": budget.reserve_status,
        "reserve_range": list(budget.reserve_range),
        "conversions": total.conversions if total.rows else None,
        "revenue": figs.revenue,
        "roi": figs.roi,
    }


