# engine.py: the one place where the web page reaches the library (new, check, summary, rules).
"""The planning desk's adapter to promo-workbook's library.

Every call the web package makes into the generator, the checker, the summary and the
annotated copy goes through this module, so that a name moving in the library changes this
file only. It imports neither FastAPI nor Jinja2: the worker processes (``worker.py``) run
``make_workbook`` and ``check_upload`` from here, and the server process only ``rules``,
``palette``, ``load_check_config`` and the option lists.

    make_workbook(path, options)           -> Path        a new planning workbook
    check_upload(path, name=..., ...)      -> dict        check, then write the asked-for outputs (the
                                                          report page's JSON carries the email's facts,
                                                          from the mail package's own adapter)
    rules()                                -> list[dict]  every rule's code, docs and messages
    load_check_config(path, data)          -> dict        the check's thresholds from a TOML file
    palette()                              -> dict        the workbook's colours, for the CSS
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import os
from pathlib import Path

from ..errors import InputFileError, PromoWorkbookError, UsageError
from ..jsonsafe import json_safe as _clean

__all__ = ["LANGS", "MAX_ROWS", "OUTPUTS", "make_workbook", "check_upload", "rules", "rule", "load_check_config",
           "palette", "scenario_options", "supports_scenario", "output_names"]

LANGS = ("zh-CN", "zh-TW", "en")
MAX_ROWS = 5000                 # input rows per table a web user may ask for (the CLI allows 100,000)
MAX_PAGE_FINDINGS = 2000        # findings listed on the report page; the downloads hold them all
MAX_DAYS = 400                  # days in the daily chart
MAX_CHANNELS = 40               # channels in the channel table
OUTPUTS = ("json", "summary", "annotated", "page")
ANNOTATABLE = (".xlsx", ".xlsm")


# Public API.

def make_workbook(path, options: dict) -> Path:
    """Write a new planning workbook to ``path``; ``options`` as NewOptions' fields, dates as
    ISO text (what crosses the worker's pipe)."""
    from .. import new_workbook

    values = dict(options)
    for key in ("start", "end", "today"):
        if isinstance(values.get(key), str):
            values[key] = dt.date.fromisoformat(values[key])
    return Path(new_workbook(path, **values))


def check_upload(path, *, name: str, folder, lang: str | None = None, select=None, ignore=None,
                 today: str | None = None, config: dict | None = None, outputs=("json",), baseline=None) -> dict:
    """Check the workbook at ``path`` (uploaded as ``name``) and write ``outputs`` into ``folder``:
    ``json`` (the report of ``check --format json``), ``summary``, ``annotated`` (for .xlsx and
    .xlsm) and ``page`` (what the report page shows, in every language). Returns the verdict,
    the counts, and for each output its file name or why it could not be made."""
    from .. import check
    from ..checker.render import to_json

    folder = Path(folder)
    day = dt.date.fromisoformat(today) if today else None
    try:
        report = check(str(path), lang=lang, select=select, ignore=ignore, today=day, config=config,
                       baseline=baseline)
    except InputFileError as exc:  # named by the user's file name, not our temporary copy's path
        raise InputFileError(name, _without_folder(str(exc.problem), folder)) from None
    except PromoWorkbookError as exc:
        raise UsageError(_without_folder(str(exc).replace(str(path), name), folder)) from None
    report.file = name  # the report names the file as the user knows it, not our temporary copy
    names = output_names(name)
    result = {"valid": report.valid, "lang": report.lang,
              "counts": {s: report.count(s) for s in ("error", "warning", "info")},
              "files": {}, "problems": {}}

    def output(kind, write):
        try:
            write(folder / names[kind])
            result["files"][kind] = names[kind]
        except PromoWorkbookError as exc:
            result["problems"][kind] = _without_folder(str(exc), folder)

    if "json" in outputs:
        output("json", lambda out: _write_text(out, to_json(report)))
    if "summary" in outputs:
        output("summary", lambda out: _summary(path, report, out, lang, day, config))
    if "annotated" in outputs:
        if Path(path).suffix.lower() in ANNOTATABLE:
            output("annotated", lambda out: _annotate(path, report, out, lang))
        else:
            result["problems"]["annotated"] = "the annotated copy is made for .xlsx and .xlsm workbooks only"
    if "page" in outputs:
        page = _page(report, name, result, config)
        _write_text(folder / names["page"], json.dumps(page, ensure_ascii=False))
        result["files"]["page"] = names["page"]
    return result


def output_names(name: str) -> dict:
    """The file names of a check's outputs, from the uploaded file's name."""
    stem, ext = os.path.splitext(name)
    ext = ext.lower() if ext.lower() in ANNOTATABLE else ".xlsx"
    return {"json": f"{stem}-report.json", "summary": f"{stem}-summary.xlsx",
            "annotated": f"{stem}-checked{ext}", "page": "page.json"}


@functools.lru_cache(maxsize=1)
def rules() -> tuple:
    """Every rule as a dict: code, name, severity, family, item, what, why, bad, good, messages."""
    from ..checker.registry import all_rules

    return tuple({"code": r.code, "name": r.name, "severity": r.severity, "family": r.family, "item": r.item,
                  "what": r.what, "why": r.why, "bad": r.bad, "good": r.good, "messages": dict(r.messages)}
                 for r in all_rules())


def rule(code: str) -> dict | None:
    code = (code or "").upper()
    return next((r for r in rules() if r["code"] == code), None)


def load_check_config(path=None, data: dict | None = None) -> dict:
    """The check's thresholds (``[check]``, ``[benchmarks]``, ``[limits]``) from the TOML file at
    ``path``; its ``[web]`` section, which checker/config.py accepts and leaves alone, is read by
    web/config.py. (``data``, the file already parsed, is not needed: kept for callers.)"""
    from ..checker.config import load_config

    return load_config(path)


def palette() -> dict:
    """The workbook's colours (writer/styles.py) and the annotated copy's severity fills."""
    from ..annotator import FILLS
    from ..writer import styles

    out = {"navy": styles.NAVY, "header": styles.HEADER_FILL, "input": styles.INPUT_FILL,
           "formula": styles.FORMULA_FILL, "formula-text": styles.FORMULA_FONT, "example": styles.EXAMPLE_FONT,
           "total": styles.TOTAL_FILL, "grid": styles.GRID,
           "bad-text": styles.HIGHLIGHTS["bad"]["font_color"], "good": styles.HIGHLIGHTS["good"]["bg_color"],
           "good-text": styles.HIGHLIGHTS["good"]["font_color"],
           "warn-text": styles.HIGHLIGHTS["warn"]["font_color"]}
    for severity, argb in FILLS.items():
        out[severity] = "#" + argb[-6:]
    return out


def supports_scenario() -> bool:
    """Whether NewOptions takes a scenario (the Cover's dropdown) yet."""
    from ..writer import NewOptions

    return "scenario" in {f.name for f in dataclasses.fields(NewOptions)}


@functools.lru_cache(maxsize=1)
def scenario_options() -> tuple:
    """The Cover's scenario dropdown: (key, {lang: label})."""
    from ..spec import load_spec

    spec = load_spec()
    return tuple((item.key, {lang: spec.list_label("scenario", item.key, lang) for lang in LANGS})
                 for item in spec.lists["scenario"])


# Private API.

def _summary(path, report, out, lang, today, config):
    from ..summary import write_summary

    write_summary(report.view if report.view is not None else str(path), report, out, lang=lang, today=today,
                  config=config)


def _annotate(path, report, out, lang):
    from ..annotator import annotate

    annotate(str(path), report.findings, out, lang=lang or report.lang, accepted=report.accepted)


def _page(report, name: str, result: dict, config: dict | None) -> dict:
    """What the report page shows: the verdict, findings (with messages in every language) and
    the summary's figures, as plain JSON."""
    from ..checker.render import message

    rank = {"error": 0, "warning": 1, "info": 2}
    findings = report.findings
    if len(findings) > MAX_PAGE_FINDINGS:  # the most severe first, then back in sheet order
        keep = sorted(range(len(findings)), key=lambda i: (rank.get(findings[i].severity, 3), i))
        findings = [findings[i] for i in sorted(keep[:MAX_PAGE_FINDINGS])]
    listed = [{"code": f.code, "name": f.name, "severity": f.severity, "template": f.template, "sheet": f.sheet,
               "cell": f.cell, "row": f.row, "column": f.column,
               "messages": {lang: message(f, lang) for lang in LANGS}} for f in findings]
    figs = figures = None
    try:
        if report.view is not None:
            from ..summary import summary_figures

            figs = summary_figures(report.view, report, config=config)
            figures = _figures(figs)
    except Exception:  # noqa: BLE001 - the figures are a bonus; the findings are the report
        figures = None
    return {"file": name, "lang": report.lang, "valid": report.valid, "counts": result["counts"],
            "sheets": report.sheets, "rows": report.rows, "seconds": round(report.seconds, 3),
            "findings": listed, "findings_total": len(report.findings), "figures": figures,
            "accepted": _accepted(report),
            "mail": _mail_facts(report, figs, config, name)}


def _accepted(report) -> list[dict]:
    """The accepted findings (docs/accepting.md) the page lists, with their reasons."""
    from ..checker.accept import describe
    from ..checker.render import message

    return [{"code": a.finding.code, "name": a.finding.name, "severity": a.finding.severity,
             "where": describe(a.finding), **a.to_dict(),
             "messages": {lang: message(a.finding, lang) for lang in LANGS}}
            for a in getattr(report, "accepted", ())[:MAX_PAGE_FINDINGS]]


def _mail_facts(report, figs, config: dict | None, name: str) -> dict | None:
    """What the "Email this summary" form sends (the mail package's facts: the very message
    `summary --mail-to` sends)."""
    try:
        from ..mail.engine import facts

        return facts(report, figures=figs, config=config, file=name)
    except Exception:  # noqa: BLE001 - without them the report page simply offers no email
        return None


def _figures(figs) -> dict | None:
    """Key figures and chart data from the summary's figures (summary/figures.py)."""
    budget, total = figs.budget, figs.total
    return _clean({
        "cover": {key: (value.isoformat() if isinstance(value, dt.date) else value)
                  for key, value in figs.cover.items()},
        "budget": {"cover": budget.cover, "lines_total": budget.lines_total, "reserve": budget.reserve,
                   "reserve_share": budget.reserve_share, "difference": budget.difference,
                   "items": [{"key": i.key, "label": i.label, "amount": i.amount, "share": i.share}
                             for i in budget.items]},
        "goals": [{"metric": g.metric, "dimension": g.dimension, "direction": g.direction, "unit": g.unit,
                   "target": g.target, "actual": g.actual, "achievement": g.achievement, "status": g.status}
                  for g in figs.goals],
        "goals_met": figs.goals_met,
        "total": {"impressions": total.impressions, "clicks": total.clicks, "conversions": total.conversions,
                  "ctr": total.ctr, "cvr": total.cvr, "rows": total.rows},
        "revenue": figs.revenue, "roi": figs.roi, "cpa": figs.cpa,
        "days": [{"date": d.date.isoformat(), "conversions": d.conversions, "target": d.target,
                  "impressions": d.impressions, "clicks": d.clicks} for d in figs.days[:MAX_DAYS]],
        "days_total": len(figs.days),
        "channels": [{"name": c.name, "in_plan": c.in_plan, "impressions": c.impressions,
                      "target_impressions": c.target_impressions, "conversions": c.conversions,
                      "expected_conversions": c.expected_conversions, "budget": c.budget, "rows": c.rows}
                     for c in figs.channels[:MAX_CHANNELS]],
        "completeness": [{"number": c.number, "title": c.title, "sheet": c.sheet, "status": c.status,
                          "share": c.share} for c in figs.completeness],
    })


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _without_folder(message: str, folder: Path) -> str:
    return message.replace(str(folder) + os.sep, "").replace(str(folder), "")
