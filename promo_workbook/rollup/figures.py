# figures.py: one plan's figures, reduced to what the portfolio shows.
"""``reduce_figures(figs, report, path, phases)`` turns the summary's Figures of one plan
(``summary_figures``) into a small dict of plain values: the rollup keeps only these, never a
plan, so a portfolio of thousands of plans stays small in memory. It runs in the worker.
"""
from __future__ import annotations

import datetime as dt

__all__ = ["reduce_figures", "status_of", "MAX_FINDINGS_PER_PLAN"]

MAX_FINDINGS_PER_PLAN = 200      # errors and warnings listed per plan; all are counted


# Public API.

def reduce_figures(figs, report, path: str, phases) -> dict:
    """The plain figures of one plan (see the Campaigns, Channels, Calendar and Findings sheets)."""
    from ..batch.engine import message

    cover = dict(figs.cover)
    achievements = [g.achievement for g in figs.goals if g.achievement is not None]
    total = figs.total
    planned = {c.channel: c.planned for c in figs.budget.channels}
    channels = []
    for ch in figs.channels:
        channels.append({
            "name": ch.name, "in_plan": ch.in_plan,
            "target_impressions": ch.target_impressions, "expected_conversions": ch.expected_conversions,
            "budget": ch.budget if ch.budget is not None else planned.get(ch.name),
            "impressions": ch.impressions if ch.rows else None, "clicks": ch.clicks if ch.rows else None,
            "conversions": ch.conversions if ch.rows else None,
        })
    lang = report.lang
    findings = []
    for f in report.findings:
        if f.severity not in ("error", "warning"):
            continue
        if len(findings) >= MAX_FINDINGS_PER_PLAN:
            break
        findings.append({"severity": f.severity, "code": f.code, "sheet": f.sheet, "cell": f.cell, "row": f.row,
                         "message": message(f, lang)})
    counts = figs.counts
    return {
        "file": path, "lang": figs.lang,
        "campaign": cover.get("campaign"), "product": cover.get("product"), "scenario": cover.get("scenario"),
        "owner": cover.get("owner"), "start": cover.get("start"), "end": cover.get("end"),
        "budget": cover.get("budget") if cover.get("budget") is not None else figs.budget.lines_total,
        "reserve_share": figs.budget.reserve_share,
        "channel_count": sum(1 for c in figs.channels if c.in_plan),
        "goals_met": figs.goals_met, "goals_total": len(figs.goals),
        "achievement": sum(achievements) / len(achievements) if achievements else None,
        "impressions": total.impressions if total.rows else None,
        "clicks": total.clicks if total.rows else None,
        "conversions": total.conversions if total.rows else None,
        "cvr": total.cvr if total.rows else None,
        "cpa": figs.cpa, "revenue": figs.revenue, "roi": figs.roi,
        "errors": counts.get("error", 0), "warnings": counts.get("warning", 0), "infos": counts.get("info", 0),
        "channels": channels,
        "phases": [(str(name), start, end, key) for name, start, end, key in phases],
        "findings": findings, "findings_total": counts.get("error", 0) + counts.get("warning", 0),
    }


def status_of(plan: dict, today: dt.date) -> str | None:
    """planned / running / finished, from the campaign's dates and ``today``; None without dates."""
    start, end = plan.get("start"), plan.get("end")
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        return None
    if today < start:
        return "planned"
    return "finished" if today > end else "running"
