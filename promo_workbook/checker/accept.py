"""Accepted findings (docs/accepting.md): after the rules run, a finding that a row of the
workbook's acceptance sheet names (rule code and cell), or that a previous report given as
``--baseline`` already held, is set apart as accepted: listed with its reason, not counted
as an error, warning or info, and not in the exit code.

    settle(findings, acceptances, baseline, codes, view) -> (findings, accepted)
    load_baseline(path) -> Baseline        a JSON report (single, batch json or jsonl)

An acceptance names the finding's place as the report shows it: ``'Budget'!E5`` (a cell),
``'Budget'!7:7`` (a row), ``Budget`` (the whole sheet), ``E5`` (that cell on any sheet) or
nothing (the rule everywhere). One that matches no finding of a rule that ran is stale
(S001): its cell was changed or fixed, or the address is wrong. The baseline matches a
finding by code, sheet, cell, row and its expected and actual values, so a finding whose
cell was changed shows again; entries it no longer matches are fixed findings, not reported.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .model import Finding

__all__ = ["Accepted", "Baseline", "OWN_CODES", "describe", "load_baseline", "settle"]

STALE, NO_REASON = "S001", "S002"
OWN_CODES = (STALE, NO_REASON)  # findings about the acceptances themselves are not accepted
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]+)$")
_ROW = re.compile(r"^\$?([0-9]+)(?::\$?([0-9]+))?$")


# Public API.

class Accepted(NamedTuple):
    """A finding set apart as accepted, with the acceptance's words."""

    finding: Finding
    reason: str
    by: str
    date: Any            # a date, the text typed, or None
    source: str          # "sheet" (the workbook's acceptance sheet) or "baseline"

    def to_dict(self) -> dict:
        date = self.date.isoformat() if hasattr(self.date, "isoformat") else self.date
        return {"reason": self.reason, "by": self.by, "date": date}


@dataclass
class Baseline:
    """A previous JSON report's findings, per checked file: what ``--baseline`` accepts."""

    path: str
    # the report's "file" -> {(code, sheet, cell, row): {(expected, actual) as JSON text}}
    reports: dict[str, dict] = field(default_factory=dict)

    def keys_for(self, file: str) -> dict:
        """The keys of the report about ``file``: the same path, else the same file name, else
        the only report the baseline holds."""
        if file in self.reports:
            return self.reports[file]
        absolute = os.path.abspath(file)
        for name, keys in self.reports.items():
            if os.path.abspath(name) == absolute:
                return keys
        base = os.path.basename(file)
        same = [keys for name, keys in self.reports.items() if os.path.basename(name) == base]
        if len(same) == 1:
            return same[0]
        return next(iter(self.reports.values())) if len(self.reports) == 1 else {}


def load_baseline(path) -> Baseline:
    """Read a report written by ``check --format json`` (one plan, or a batch's array) or
    ``--format jsonl``; UsageError naming the file when it is not one."""
    from ..errors import UsageError

    try:
        with open(path, encoding="utf-8-sig") as stream:
            text = stream.read()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: the baseline is not a JSON report (not UTF-8 text)") from None
    try:
        data = json.loads(text)
        reports = data if isinstance(data, list) else [data]
    except ValueError:
        try:  # jsonl: one report per line
            reports = [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError:
            raise UsageError(f"{path}: the baseline is not a JSON report from `check --format json`") from None
    baseline = Baseline(str(path))
    for report in reports:
        if not isinstance(report, dict) or ("findings" not in report and "error" not in report):
            raise UsageError(f"{path}: the baseline is not a JSON report from `check --format json` "
                             "(no \"findings\")")
        findings = report.get("findings") or []
        if not isinstance(findings, list) or not all(isinstance(f, dict) for f in findings):
            raise UsageError(f"{path}: the baseline's \"findings\" is not a list of findings")
        keys = baseline.reports.setdefault(str(report.get("file", "")), {})
        for f in findings:
            where = (f.get("code"), f.get("sheet"), f.get("cell"), f.get("row"))
            keys.setdefault(where, set()).add(_values(f.get("expected"), f.get("actual")))
    return baseline


def settle(findings: list, acceptances: list, baseline: Baseline | None, file: str, codes: set,
           lang: str) -> tuple[list, list]:
    """Split ``findings`` into those still counted (with a finding for each stale acceptance
    or one without a reason, at its row) and the accepted ones. ``codes``: the rules that ran;
    an acceptance of another rule is neither used nor stale."""
    if not acceptances and baseline is None:
        return findings, []  # the usual case: nothing to set apart, the list as the rules sorted it
    from .registry import REGISTRY

    targets = [(a, _target(a.cell)) for a in acceptances if a.code not in OWN_CODES]
    by_code: dict[str, list] = {}
    for i, (acceptance, target) in enumerate(targets):
        by_code.setdefault(acceptance.code, []).append((i, acceptance, target))
    used: set[int] = set()
    keys = baseline.keys_for(file) if baseline is not None else {}
    kept, accepted, baseline_words = [], [], None
    own = [f for f in findings if f.code in OWN_CODES]  # about the acceptance sheet: listed last
    for f in findings:
        if f.code in OWN_CODES:
            continue
        match = None
        for i, acceptance, target in by_code.get(f.code, ()):
            if _matches(target, f):
                used.add(i)
                match = match or acceptance
        seen = keys.get((f.code, f.sheet, f.cell, f.row)) if keys and match is None else None
        if match is not None:
            accepted.append(Accepted(f, match.reason, match.by, match.date, "sheet"))
        elif seen and _values(_json_value(f.expected), _json_value(f.actual)) in seen:
            if baseline_words is None:
                baseline_words = _words(lang)["baseline"]
            accepted.append(Accepted(f, baseline_words.format(file=os.path.basename(baseline.path)), "", None,
                                     "baseline"))
        else:
            kept.append(f)
    kept.extend(own)
    for i, (acceptance, _) in enumerate(targets):
        known = acceptance.code in REGISTRY
        if i not in used and (acceptance.code in codes or not known) and STALE in codes:
            kept.append(_about(REGISTRY[STALE], acceptance, "cell"))
    return kept, accepted


def reasonless(acceptances: list) -> list:
    """S002's findings: an acceptance that gives no reason, at its reason cell."""
    from .registry import REGISTRY

    return [_about(REGISTRY[NO_REASON], a, "reason") for a in acceptances
            if a.code and a.code not in OWN_CODES and not a.reason]


def describe(f: Finding) -> str:
    """A finding's place as an acceptance names it: 'Budget'!E5, 'Budget'!7:7, Budget or ""."""
    from ..formulas import quote_sheet

    if f.sheet is None:
        return f.cell or ""
    if f.cell:
        return f"{quote_sheet(f.sheet)}!{f.cell}"
    if f.row:
        return f"{quote_sheet(f.sheet)}!{f.row}:{f.row}"
    return f.sheet


# Private API.

def _target(text: str) -> tuple:
    """(sheet or None, "cell"/"row"/"sheet"/"any", value) from an acceptance's cell text."""
    text = (text or "").strip().lstrip("=").strip()
    sheet = None
    if "!" in text:
        sheet, _, text = text.rpartition("!")
        sheet = sheet.strip()
        if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
            sheet = sheet[1:-1].replace("''", "'")
        text = text.strip()
    ref = text.upper().replace(" ", "")
    if m := _CELL.match(ref):
        return sheet, "cell", f"{m.group(1)}{m.group(2)}"
    if m := _ROW.match(ref):
        return sheet, "row", int(m.group(1))
    if sheet is None and text:  # a sheet name alone
        return text, "sheet", None
    return sheet, "sheet" if sheet else "any", None


def _matches(target: tuple, f: Finding) -> bool:
    from ..reader.fold import fold

    sheet, kind, value = target
    if sheet is not None and (f.sheet is None or fold(f.sheet) != fold(sheet)):
        return False
    if kind == "cell":
        return f.cell == value
    if kind == "row":
        return f.row == value
    return True


def _values(expected, actual) -> tuple:
    """A finding's expected and actual values, as comparable text."""
    return (json.dumps(expected, ensure_ascii=False, sort_keys=True, default=str),
            json.dumps(actual, ensure_ascii=False, sort_keys=True, default=str))


def _json_value(value):
    """A finding's expected or actual value as the JSON report holds it (render._jsonable)."""
    from .render import _jsonable

    return json.loads(json.dumps(_jsonable(value), ensure_ascii=False))


def _about(rule, acceptance, key: str) -> Finding:
    """A finding about an acceptance row, at its ``key`` cell (or the row)."""
    cell = acceptance.where(key)
    target = acceptance.cell or "—"
    if cell is not None:
        return rule.at(None, cell, code=acceptance.code or "—", target=target)
    return rule.at(_Sheet(acceptance.sheet), row=acceptance.row, code=acceptance.code or "—", target=target)


class _Sheet(NamedTuple):
    sheet: str | None


def _words(lang: str) -> dict:
    from ..spec import load_spec

    return {k: v(lang) for k, v in load_spec().workbook["accepted"].items()}
