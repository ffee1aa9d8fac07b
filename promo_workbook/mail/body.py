# body.py: the email's two bodies, plain text and HTML, from the facts (engine.py).
"""The plain-text and the HTML body say the same: the verdict, the campaign (dates, owner,
budget), the key figures, the top findings with their cells, the note, what is attached.

Every piece of text that came from the plan, the file name or the sender's note is escaped
with ``html.escape`` in the HTML body; control characters are removed from both. The HTML is
one table-based page with inline styles only (mail clients drop <style> blocks and scripts),
in the summary's colours."""
from __future__ import annotations

import datetime as dt
import html
import re

from .settings import clean_text
from .words import headline, tally, text

__all__ = ["Section", "sections", "plain_body", "html_body", "MAX_NOTE"]

MAX_NOTE = 2000                       # characters of a note kept
NAVY = "#1F3864"
GRID = "#D9D9D9"
TONES = {"bad": ("#F8CBAD", "#9C0006"), "warn": ("#FFEB9C", "#9C5700"), "good": ("#C6EFCE", "#006100")}
SEVERITY_TONE = {"error": "bad", "warning": "warn", "info": None}
FONT = ("-apple-system,'Segoe UI','PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',"
        "'Noto Sans CJK TC','Microsoft JhengHei',Arial,sans-serif")


class Section:
    """What both bodies show, in words already: built once, laid out twice."""

    def __init__(self, facts: dict, lang: str, attachments: list[tuple[str, str]], note: str | None,
                 version: str, today: dt.date):
        counts = facts.get("counts") or {}
        self.lang = lang
        self.title = clean_text((facts.get("cover") or {}).get("campaign"), 200) or clean_text(facts.get("file"), 200)
        self.headline, self.tone = headline(counts, lang)
        self.tally = tally(counts, lang)
        self.intro = text("intro", lang, file=clean_text(facts.get("file"), 200))
        self.campaign = _campaign(facts, lang)
        self.figures = _figures(facts, lang)
        self.findings = _findings(facts, lang)
        total = facts.get("findings_total", len(self.findings))
        self.findings_title = text("section.findings", lang, shown=len(self.findings), total=f"{total:,}")
        sheet = clean_text((facts.get("findings_sheet") or {}).get(lang), 40) or \
            {"zh-CN": "检查结果", "zh-TW": "檢查結果"}.get(lang, "Findings")
        self.more = text("findings.more", lang, rest=f"{total - len(self.findings):,}", sheet=sheet) \
            if total > len(self.findings) else None
        self.note = _note(note)
        self.attachments = [(clean_text(name, 200), text("attached." + kind, lang)) for name, kind in attachments]
        self.footer = text("footer", lang, version=version, today=today.isoformat())


def sections(facts, lang, attachments, note, version, today) -> Section:
    return Section(facts, lang, attachments, note, version, today)


def plain_body(s: Section) -> str:
    colon = ": " if s.lang == "en" else "："
    lines = [f"{s.title} — {s.headline}", s.tally, "", s.intro, ""]
    if s.note:
        lines += [text("section.note", s.lang), *("  " + line for line in s.note.split("\n")), ""]
    lines.append(text("section.campaign", s.lang))
    lines += [f"  {label}{colon}{value}" for label, value in s.campaign]
    lines += ["", text("section.figures", s.lang)]
    lines += [f"  {label}{colon}{value}" for label, value, _ in s.figures] or ["  " + text("kpi.none", s.lang)]
    lines += ["", s.findings_title if s.findings else text("findings.none", s.lang)]
    for i, (severity, _, where, message) in enumerate(s.findings, 1):
        lines.append(f"  {i}. [{severity}] {where}  {message}")
    if s.more:
        lines.append("  " + s.more)
    if s.attachments:
        lines += ["", text("attached.title", s.lang)]
        lines += [f"  - {name} — {what}" for name, what in s.attachments]
    lines += ["", "— ", s.footer]
    return "\n".join(lines) + "\n"


def html_body(s: Section) -> str:
    e = _e
    bg, fg = TONES[s.tone]
    out = [
        f'<!DOCTYPE html><html lang="{e(s.lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{e(s.title)}</title></head>",
        f'<body style="margin:0;padding:0;background:#F3F4F6;font-family:{FONT};color:#1F2328;">',
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#F3F4F6;">'
        '<tr><td align="center" style="padding:24px 12px;">',
        '<table role="presentation" width="640" cellpadding="0" cellspacing="0" '
        'style="width:100%;max-width:640px;background:#FFFFFF;border:1px solid #E5E7EB;border-radius:6px;">',
        f'<tr><td style="padding:20px 24px 8px 24px;"><div style="font-size:20px;font-weight:bold;color:{NAVY};">'
        f"{e(s.title)}</div></td></tr>",
        f'<tr><td style="padding:8px 24px;"><div style="background:{bg};color:{fg};padding:12px 16px;'
        f'border-radius:4px;font-size:16px;font-weight:bold;">{e(s.headline)}'
        f'<div style="font-size:13px;font-weight:normal;margin-top:4px;">{e(s.tally)}</div></div></td></tr>',
        f'<tr><td style="padding:8px 24px;font-size:14px;">{e(s.intro)}</td></tr>',
    ]
    if s.note:
        out.append(f'<tr><td style="padding:8px 24px;">{_heading(text("section.note", s.lang))}'
                   f'<div style="border-left:3px solid {NAVY};padding:6px 12px;background:#F8FAFC;font-size:14px;">'
                   f'{"<br>".join(e(line) for line in s.note.split(chr(10)))}</div></td></tr>')
    out.append(f'<tr><td style="padding:8px 24px;">{_heading(text("section.campaign", s.lang))}'
               f'{_pairs([(label, value, None) for label, value in s.campaign])}</td></tr>')
    figures = _pairs(s.figures) if s.figures else f'<p style="font-size:14px;">{e(text("kpi.none", s.lang))}</p>'
    out.append(f'<tr><td style="padding:8px 24px;">{_heading(text("section.figures", s.lang))}{figures}</td></tr>')
    out.append(f'<tr><td style="padding:8px 24px;">'
               f'{_heading(s.findings_title if s.findings else text("findings.none", s.lang))}'
               f"{_findings_table(s)}</td></tr>")
    if s.attachments:
        items = "".join(f'<li style="margin:2px 0;"><strong>{e(name)}</strong> — {e(what)}</li>'
                        for name, what in s.attachments)
        out.append(f'<tr><td style="padding:8px 24px;">{_heading(text("attached.title", s.lang))}'
                   f'<ul style="margin:0;padding-left:20px;font-size:14px;">{items}</ul></td></tr>')
    out.append(f'<tr><td style="padding:12px 24px 20px 24px;font-size:12px;color:#6B7280;'
               f'border-top:1px solid {GRID};">{e(s.footer)}</td></tr>')
    out.append("</table></td></tr></table></body></html>")
    return "\n".join(out) + "\n"


# Private API.

def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _heading(label: str) -> str:
    return (f'<div style="font-size:15px;font-weight:bold;color:{NAVY};margin:8px 0 6px 0;'
            f'border-bottom:2px solid {NAVY};padding-bottom:3px;">{_e(label)}</div>')


def _pairs(rows) -> str:
    cells = []
    for label, value, tone in rows:
        style = ""
        if tone in TONES:
            bg, fg = TONES[tone]
            style = f"background:{bg};color:{fg};"
        cells.append(f'<tr><td style="padding:4px 8px;border-bottom:1px solid {GRID};color:#4B5563;width:40%;">'
                     f"{_e(label)}</td>"
                     f'<td style="padding:4px 8px;border-bottom:1px solid {GRID};font-weight:bold;{style}">'
                     f"{_e(value)}</td></tr>")
    return ('<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
            f'style="border-collapse:collapse;font-size:14px;">{"".join(cells)}</table>')


def _findings_table(s: Section) -> str:
    if not s.findings:
        return ""
    rows = []
    for severity, key, where, message in s.findings:
        tone = SEVERITY_TONE.get(key)
        bg, fg = TONES[tone] if tone else ("#DDEBF7", NAVY)
        rows.append(
            f'<tr><td style="padding:5px 6px;border-bottom:1px solid {GRID};vertical-align:top;white-space:nowrap;">'
            f'<span style="background:{bg};color:{fg};padding:1px 6px;border-radius:3px;font-size:12px;">'
            f"{_e(severity)}</span></td>"
            f'<td style="padding:5px 6px;border-bottom:1px solid {GRID};vertical-align:top;white-space:nowrap;'
            f"font-family:Consolas,Menlo,monospace;font-size:13px;\">{_e(where)}</td>"
            f'<td style="padding:5px 6px;border-bottom:1px solid {GRID};vertical-align:top;">{_e(message)}</td></tr>')
    more = (f'<p style="font-size:13px;color:#4B5563;margin:6px 0 0 0;">{_e(s.more)}</p>' if s.more else "")
    return ('<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
            f'style="border-collapse:collapse;font-size:14px;">{"".join(rows)}</table>{more}')


def _campaign(facts: dict, lang: str) -> list[tuple[str, str]]:
    cover = facts.get("cover") or {}
    rows = [("campaign", clean_text(cover.get("campaign"), 200) or text("no_campaign", lang)),
            ("product", clean_text(cover.get("product"), 200)), ("dates", _dates(cover, lang)),
            ("owner", clean_text(cover.get("owner"), 200)),
            ("budget", _money(cover.get("budget"), cover.get("currency"))),
            ("file", clean_text(facts.get("file"), 200))]
    return [(text("field." + key, lang), value) for key, value in rows if value]


def _figures(facts: dict, lang: str) -> list[tuple[str, str, str | None]]:
    f = facts.get("figures") or {}
    currency = (facts.get("cover") or {}).get("currency")
    rows = []
    if f.get("goals"):
        tone = "good" if f.get("goals_met") == f.get("goals") else "warn"
        rows.append(("goals_met", text("kpi.goals_met_value", lang, met=f.get("goals_met", 0), total=f["goals"]), tone))
    if f.get("achievement") is not None:
        rows.append(("achievement", _percent(f["achievement"]), "good" if f["achievement"] >= 1 - 1e-9 else "warn"))
    if f.get("budget_total") is not None:
        rows.append(("budget_total", _money(f["budget_total"], currency), None))
    if f.get("reserve_share") is not None:
        value = _percent(f["reserve_share"])
        low_high = f.get("reserve_range") or ()
        if len(low_high) == 2:
            value += text("kpi.reserve_range", lang, low=_percent(low_high[0]), high=_percent(low_high[1]))
        rows.append(("reserve_share", value, f.get("reserve_status")))
    if f.get("conversions") is not None:
        rows.append(("conversions", _number(f["conversions"]), None))
    if f.get("roi") is not None:
        rows.append(("roi", f"{f['roi']:,.2f}", None))
    return [(text("kpi." + key, lang), value, tone if tone in TONES else None) for key, value, tone in rows]


def _findings(facts: dict, lang: str) -> list[tuple[str, str, str, str]]:
    out = []
    for f in facts.get("findings") or ():
        severity = f.get("severity") or "info"
        sheet = clean_text(f.get("sheet"), 60) or text("workbook", lang)
        cell = clean_text(f.get("cell"), 20)
        where = f"{sheet}!{cell}" if cell else sheet
        messages = f.get("messages") or {}
        message = clean_text(messages.get(lang) or messages.get("en") or f.get("name") or f.get("code"), 500)
        label = text("severity." + severity, lang) if severity in ("error", "warning", "info") else severity
        out.append((label, severity, where, message))
    return out


def _note(note: str | None) -> str | None:
    if not note:
        return None
    lines = [clean_text(line) for line in re.split(r"\r\n|\r|\n", str(note))]
    kept = "\n".join(lines).strip("\n")
    kept = re.sub(r"\n{3,}", "\n\n", kept)
    if len(kept) > MAX_NOTE:
        kept = kept[:MAX_NOTE - 1].rstrip() + "…"
    return kept or None


def _dates(cover: dict, lang: str) -> str | None:
    start, end = cover.get("start"), cover.get("end")
    if not start and not end:
        return None
    shown = f"{start or '?'} – {end or '?'}"
    try:
        days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days + 1
    except (TypeError, ValueError):
        days = 0
    if days > 0:
        shown += (" " if lang == "en" else "") + ("(" if lang == "en" else "（") + text("days", lang, days=days) \
            + (")" if lang == "en" else "）")
    return shown


def _number(value) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if abs(value - round(value)) < 0.005 else f"{value:,.2f}"


def _money(value, currency) -> str | None:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    currency = clean_text(currency, 12)
    return _number(value) + (f" {currency}" if currency else "")


def _percent(value) -> str:
    shown = f"{value * 100:,.1f}"
    return (shown[:-2] if shown.endswith(".0") else shown) + "%"
