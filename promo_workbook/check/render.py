"""Reports for people (text, grouped by sheet, coloured on a terminal) and machines (JSON,
the schema of docs/report-schema.md). Messages are rendered here, in the report's language."""
from __future__ import annotations

import json
import math

from ..terminal import safe
from .model import Finding, Report
from .registry import REGISTRY, all_rules

LABELS = {
    "zh-CN": {"error": "错误", "warning": "警告", "info": "提示", "workbook": "工作簿",
              "verdict_ok": "通过：没有错误或警告", "verdict": "{errors} 个错误，{warnings} 个警告，{infos} 个提示",
              "checked": "检查了 {sheets} 张工作表、{rows} 行，用时 {seconds:.2f} 秒", "row": "第 {row} 行"},
    "zh-TW": {"error": "錯誤", "warning": "警告", "info": "提示", "workbook": "活頁簿",
              "verdict_ok": "通過：沒有錯誤或警告", "verdict": "{errors} 個錯誤，{warnings} 個警告，{infos} 個提示",
              "checked": "檢查了 {sheets} 張工作表、{rows} 列，用時 {seconds:.2f} 秒", "row": "第 {row} 列"},
    "en": {"error": "error", "warning": "warning", "info": "info", "workbook": "Workbook",
           "verdict_ok": "Passed: no errors or warnings", "verdict": "{errors} error(s), {warnings} warning(s), {infos} info",
           "checked": "checked {sheets} sheets, {rows} rows in {seconds:.2f} s", "row": "row {row}"},
}
COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


# Public API.

def message(finding: Finding, lang: str) -> str:
    """The finding's message in ``lang``; a code no rule is registered under still says something."""
    rule = REGISTRY.get(finding.code)
    if rule is None:
        all_rules()  # importing the rules registers them (a report built without running them)
        rule = REGISTRY.get(finding.code)
    if rule is None:  # a finding made outside the registry
        return f"{finding.name}: {_plain(finding.actual)} ≠ {_plain(finding.expected)}"
    params = {"column": finding.column or "", "sheet": finding.sheet or "", "cell": finding.cell or ""}
    params["expected"] = _plain(finding.expected)
    params["actual"] = _plain(finding.actual)
    params.update({k: _plain(v) for k, v in finding.params.items()})
    try:
        return rule.messages[lang].format(**params)
    except (KeyError, IndexError):  # a template naming a parameter the rule did not give
        return rule.messages["en"].format_map(_Default(params))


def to_json(report: Report) -> str:
    """The report as indented JSON: the same text json.dumps(..., indent=2) writes."""
    from . import gc_paused

    with gc_paused():  # a dict per finding, next to the checked view's millions of objects
        findings = [finding_dict(f, report.lang) for f in report.findings]
        data = {
            "file": report.file,
            "schema_version": report.schema_version,
            "valid": report.valid,
            "stats": {"errors": report.count("error"), "warnings": report.count("warning"),
                      "infos": report.count("info"), "sheets": report.sheets, "rows": report.rows,
                      "seconds": round(report.seconds, 3)},
            "findings": [],
        }
        head = json.dumps(data, ensure_ascii=False, indent=2)
        laid_out = _findings_json(findings) if head.endswith(_EMPTY_TAIL) else None
        if laid_out is None:  # not the usual shape: let json lay it out
            data["findings"] = findings
            return json.dumps(data, ensure_ascii=False, indent=2)
        return head[:-len(_EMPTY_TAIL)] + '"findings": ' + laid_out + "\n}"


def finding_dict(f: Finding, lang: str) -> dict:
    return {"code": f.code, "name": f.name, "severity": f.severity, "template": f.template, "sheet": f.sheet,
            "cell": f.cell, "row": f.row, "column": f.column, "message": message(f, lang),
            "expected": _jsonable(f.expected), "actual": _jsonable(f.actual)}


def to_text(report: Report, colour: bool = False) -> str:
    import click

    labels = LABELS[report.lang]
    style = (lambda text, **kw: click.style(text, **kw)) if colour else (lambda text, **kw: text)
    lines = []
    current = object()
    for f in report.findings:
        if f.sheet != current:
            current = f.sheet
            title = safe(f.sheet) if f.sheet is not None else labels["workbook"]
            lines.append("" if not lines else "")
            lines.append(style(title, bold=True))
        where = f.cell or (labels["row"].format(row=f.row) if f.row else "")
        severity = style(labels[f.severity], fg=COLOURS[f.severity], bold=f.severity == "error")
        lines.append(f"  {where:<8} {f.code} {severity}  {safe(message(f, report.lang))}")
    counts = {"errors": report.count("error"), "warnings": report.count("warning"), "infos": report.count("info")}
    if lines:
        lines.append("")
    checked = labels["checked"].format(sheets=report.sheets, rows=report.rows, seconds=report.seconds)
    if counts["errors"] == 0 and counts["warnings"] == 0:
        verdict = style(labels["verdict_ok"], fg="green", bold=True)
        if counts["infos"]:
            verdict += f" ({labels['verdict'].format(**counts)})"
    else:
        verdict = style(labels["verdict"].format(**counts), fg="red" if counts["errors"] else "yellow", bold=True)
    lines.append(f"{safe(report.file)}: {verdict} — {checked}")
    return "\n".join(lines).lstrip("\n")


# Private API.

# With indent, the json module falls back to its pure-Python encoder: a third of a large
# check's time for 100,000+ findings. Findings are flat mappings of scalars, so they are laid
# out here exactly as json.dumps(indent=2) would, each scalar encoded by json's C helpers.
_EMPTY_TAIL = '"findings": []\n}'
_ITEM_INDENT, _FIELD_INDENT = " " * 4, " " * 6


def _findings_json(findings: list[dict]) -> str | None:
    """The findings list as it sits at depth 1 of the report (its items at depth 2), or None
    when one is not a non-empty mapping of str keys to JSON scalars."""
    if not findings:
        return None
    keys: dict[str, str] = {}  # key -> its indented, encoded prefix
    items = []
    for f in findings:
        if not f:
            return None
        fields = []
        for k, v in f.items():
            prefix = keys.get(k)
            if prefix is None:
                if type(k) is not str:
                    return None
                prefix = keys[k] = f"{_FIELD_INDENT}{_json_str(k)}: "
            if v is not None and type(v) not in _SCALARS:
                return None
            fields.append(prefix + _json_scalar(v))
        items.append(_ITEM_OPEN + ",\n".join(fields) + _ITEM_CLOSE)
    return "[\n" + ",\n".join(items) + "\n  ]"


_SCALARS = (str, int, float, bool)
_ITEM_OPEN, _ITEM_CLOSE = _ITEM_INDENT + "{\n", "\n" + _ITEM_INDENT + "}"
_json_str = json.encoder.encode_basestring  # ensure_ascii=False: the C function json uses


def _json_scalar(value) -> str:
    if type(value) is str:
        return _json_str(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is float and not math.isfinite(value):
        return json.dumps(value)  # NaN / Infinity, as json writes them
    return repr(value)  # int, float: json uses their repr too

class _Default(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _plain(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
