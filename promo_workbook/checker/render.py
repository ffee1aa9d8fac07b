"""Reports for people (text, grouped by sheet, coloured on a terminal) and machines (JSON,
the schema of docs/report-schema.md). Messages are rendered here, in the report's language."""
from __future__ import annotations

import itertools
import json
import math
import operator
import string
from collections import Counter

from .model import Finding, Report
from .registry import REGISTRY, all_rules

LABELS = {
    "zh-CN": {"error": "错误", "warning": "警告", "info": "提示", "workbook": "工作簿",
              "verdict_ok": "通过：没有错误或警告", "verdict": "{errors} 个错误，{warnings} 个警告，{infos} 个提示",
              "checked": "检查了 {sheets} 张工作表、{rows} 行，用时 {seconds:.2f} 秒", "row": "第 {row} 行",
              "run": "{range} — 共 {count:,} 行：", "left_out": "…… 另有 {count:,} 个发现未显示（--max-findings {limit}）"},
    "zh-TW": {"error": "錯誤", "warning": "警告", "info": "提示", "workbook": "活頁簿",
              "verdict_ok": "通過：沒有錯誤或警告", "verdict": "{errors} 個錯誤，{warnings} 個警告，{infos} 個提示",
              "checked": "檢查了 {sheets} 張工作表、{rows} 列，用時 {seconds:.2f} 秒", "row": "第 {row} 列",
              "run": "{range} — 共 {count:,} 列：", "left_out": "…… 另有 {count:,} 個發現未顯示（--max-findings {limit}）"},
    "en": {"error": "error", "warning": "warning", "info": "info", "workbook": "Workbook",
           "verdict_ok": "Passed: no errors or warnings", "verdict": "{errors} error(s), {warnings} warning(s), {infos} info",
           "checked": "checked {sheets} sheets, {rows} rows in {seconds:.2f} s", "row": "row {row}",
           "run": "{range} — {count:,} rows:", "left_out": "... {count:,} more findings not shown (--max-findings {limit})"},
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
    params["expected"] = quote(_plain(finding.expected))
    params["actual"] = quote(_plain(finding.actual))
    params.update({k: quote(_plain(v)) for k, v in finding.params.items()})
    try:
        return rule.messages[lang].format(**params)
    except (KeyError, IndexError):  # a template naming a parameter the rule did not give
        return rule.messages["en"].format_map(_Default(params))


def to_json(report: Report, limit: int | None = None) -> str:
    """The report as indented JSON: the same text json.dumps(..., indent=2) writes. ``limit``
    (--max-findings): the first findings only, and stats.omitted says how many were left out."""
    from . import gc_paused

    with gc_paused():
        return "".join(_json_chunks(report, limit))


def write_json(report: Report, stream, limit: int | None = None) -> None:
    """Write ``to_json(report, limit)`` and a newline (what ``click.echo(to_json(report))`` writes)
    to the text stream ``stream``, a few thousand findings at a time, never the whole text at once."""
    from .. import deadline
    from . import gc_paused

    with gc_paused():
        for chunk in _json_chunks(report, limit):
            stream.write(chunk)
            deadline.check()
    stream.write("\n")


def quote(text: str) -> str:
    """A cell's text as a message shows it: at most QUOTE characters, the rest said in a count
    (a 300 KB cell must not make a 300 KB message)."""
    if len(text) <= QUOTE:
        return text
    return f"{text[:QUOTE]}… (+{len(text) - QUOTE:,})"


QUOTE = 100


def finding_dict(f: Finding, lang: str) -> dict:
    return {"code": f.code, "name": f.name, "severity": f.severity, "template": f.template, "sheet": f.sheet,
            "cell": f.cell, "row": f.row, "column": f.column, "message": message(f, lang),
            "expected": _jsonable(f.expected), "actual": _jsonable(f.actual)}


def to_text(report: Report, colour: bool = False, limit: int | None = None) -> str:
    """The report for people (textreport.py): findings grouped by sheet, runs folded, then the verdict."""
    from .textreport import to_text as text

    return text(report, colour, limit)


def write_text(report: Report, stream, colour: bool = False, limit: int | None = None) -> None:
    """Write ``to_text(report, colour, limit)`` and a newline to ``stream``, in pieces."""
    from .textreport import write_text as write

    write(report, stream, colour, limit)


# Private API.

# The JSON report is laid out here as json.dumps(data, indent=2) lays it out (with an indent,
# json uses its pure-Python encoder: slow for 100,000+ findings), a finding at a time and
# without a dict per finding. What repeats from one finding to the next is encoded once: a
# rule's code, name and severity with the table and sheet, a column's label, and a message
# once per distinct set of the values it shows (a rule reporting every row of a log words
# the same few messages again and again).
_EMPTY_TAIL = '"findings": []\n}'
_CHUNK = 2000  # findings per piece of text yielded
_FIELD = "\n" + " " * 6  # a finding's fields sit at depth 3
_severity = operator.attrgetter("severity")


def _counts(findings) -> dict:
    severities = getattr(findings, "severities", None)  # runs.Findings counts its runs whole
    tally = severities() if severities is not None else Counter(map(_severity, findings))
    return {"errors": tally["error"], "warnings": tally["warning"], "infos": tally["info"]}


def _json_chunks(report: Report, limit=None):
    """The text of to_json in pieces: the head, the findings a chunk at a time, the tail."""
    findings = report.findings
    counts = _counts(findings)
    stats = {**counts, "accepted": len(report.accepted), "sheets": report.sheets, "rows": report.rows,
             "seconds": round(report.seconds, 3)}
    if limit is not None:
        stats["omitted"] = max(len(findings) - limit, 0)
        findings = findings[:limit]
    data = {
        "file": report.file,
        "schema_version": report.schema_version,
        "valid": counts["errors"] == 0,
        "stats": stats,
        "findings": [],
    }
    head = json.dumps(data, ensure_ascii=False, indent=2)
    if not findings and not report.accepted:
        yield head
        return
    if not head.endswith(_EMPTY_TAIL):  # not the usual shape: let json lay it out
        data["findings"] = [finding_dict(f, report.lang) for f in findings] + _accepted_dicts(report)
        yield json.dumps(data, ensure_ascii=False, indent=2)
        return
    yield head[:-len(_EMPTY_TAIL)] + '"findings": [\n'
    # The counted findings, then the accepted ones, each with its "accepted" (docs/accepting.md).
    # Chained, not unpacked into a list: the batches of text are written as they are made (a
    # list would hold the whole report, 240 MB for 600,000 findings, before the first byte).
    yield from _joined(itertools.chain(_json_items(findings, report.lang), _accepted_items(report)), ",\n")
    yield "\n  ]\n}"


def _accepted_items(report: Report):
    """The accepted findings as _json_items lays them out, each closing with its "accepted"
    object (worded once per distinct reason, by and date: a baseline's are all alike)."""
    accepted = report.accepted
    done: dict = {}
    i = 0
    for batch in _json_items([a.finding for a in accepted], report.lang):
        out = []
        for text in batch:
            words = tuple(accepted[i].to_dict().items())
            i += 1
            extra = done.get(words)
            if extra is None:
                extra = done[words] = json.dumps(dict(words), ensure_ascii=False, indent=2).replace("\n", _FIELD)
            out.append(f'{text[:-len(_CLOSE)]},{_FIELD}"accepted": {extra}{_CLOSE}')
        yield out


_CLOSE = "\n    }"  # how _json_items closes a finding


def _accepted_dicts(report: Report) -> list[dict]:
    return [{**finding_dict(a.finding, report.lang), "accepted": a.to_dict()} for a in report.accepted]


def _json_items(findings, lang: str):
    """Each finding as json.dumps(indent=2) writes it at depth 2 of the report, in lists of
    _CHUNK."""
    if getattr(findings, "runs", None):  # runs.Findings: its runs worded from their lists
        from .render_runs import json_items

        yield from json_items(findings, lang)
        return
    heads: dict = {}     # (code, name, severity, template, sheet, their types) -> text up to the cell
    columns: dict = {}   # column label -> text from the row's value to the message
    message_of = _Messages(lang, _json_str).get
    batch: list = []
    add = batch.append
    for f in findings:
        code, name, severity, template, sheet, cell, row, column, params, expected, actual = _finding_fields(f)
        key = (code, name, severity, template, sheet, type(template), type(sheet))
        try:
            head = heads[key]
        except KeyError:
            head = heads[key] = _json_head(code, name, severity, template, sheet)
        except TypeError:  # an unhashable field: not kept
            head = _json_head(code, name, severity, template, sheet)
        tail = columns.get(column) if type(column) is str else None
        if tail is None:
            tail = f',{_FIELD}"column": {_json_value(column)},{_FIELD}"message": '
            if type(column) is str:
                columns[column] = tail
        text = message_of(f, code, column, sheet, cell, params, expected, actual)
        cell = _json_str(cell) if type(cell) is str else _json_value(cell)
        row = int.__repr__(row) if type(row) is int else _json_value(row)
        expected = _json_str(expected) if type(expected) is str else _json_value(_jsonable(expected))
        actual = _json_str(actual) if type(actual) is str else _json_value(_jsonable(actual))
        add(f'{head}{cell},{_FIELD}"row": {row}{tail}{text},{_FIELD}"expected": {expected},'
            f'{_FIELD}"actual": {actual}\n    }}')
        if len(batch) == _CHUNK:
            yield batch
            batch = []
            add = batch.append
    yield batch


def _json_head(code, name, severity, template, sheet) -> str:
    return (f'    {{{_FIELD}"code": {_json_value(code)},{_FIELD}"name": {_json_value(name)},'
            f'{_FIELD}"severity": {_json_value(severity)},{_FIELD}"template": {_json_value(template)},'
            f'{_FIELD}"sheet": {_json_value(sheet)},{_FIELD}"cell": ')


_json_str = json.encoder.encode_basestring  # ensure_ascii=False: the C function json uses


def _json_value(value) -> str:
    """``value`` as json.dumps(indent=2) writes it as a field of a finding."""
    kind = type(value)
    if kind is str:
        return _json_str(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int or (kind is float and math.isfinite(value)):
        return repr(value)  # json writes ints and finite floats as their repr
    # NaN and infinities, subclasses of str and the numbers, containers: json itself, its
    # nested lines indented to this depth.
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", _FIELD)


def _joined(batches, separator: str):
    """``separator.join`` of the pieces in ``batches`` (lists), a batch at a time."""
    first = True
    for batch in batches:
        if not batch:
            continue
        yield separator.join(batch) if first else separator + separator.join(batch)
        first = False


class _Messages:
    """A report's messages in one language, finished (JSON-encoded, made terminal-safe) by
    ``finish``: each rendered once per distinct set of the values its template shows.

    ``message`` builds the parameters of every finding and formats the template; here only
    the parameters the template names are worked out, the same way, and the finished text
    is kept for the next finding that shows the same values. The rare case the fast way does
    not cover (no rule under the code, a template naming a parameter the finding lacks,
    positional or nested fields) goes through ``message`` itself.
    """

    LIMIT = 4096  # texts kept per rule before it starts over, or stops keeping them

    def __init__(self, lang: str, finish):
        self.lang, self.finish = lang, finish
        self.plans: dict = {}   # code -> _Plan, or None: message() words it

    def get(self, f, code, column, sheet, cell, params, expected, actual) -> str:
        try:
            plan = self.plans[code]
        except KeyError:
            plan = self.plans[code] = _Plan.of(code, self.lang)
        if plan is None:
            return self.finish(message(f, self.lang))
        if params is None and plan.pick is not None:
            values = plan.pick((column, sheet, cell, expected, actual))
            if tuple(map(type, values)) != plan.strings or max(map(len, values)) > QUOTE:
                values = plan.values(column, sheet, cell, params, expected, actual)  # worded (quoted)
        elif params is not None and plan.pick_params is not None:
            # The same for a finding with params whose shown fields are all short text: picked from
            # the params (which come first, as in values()) with the expected and actual values.
            try:
                values = plan.pick_params({"column": column, "sheet": sheet, "cell": cell, "expected": expected,
                                           "actual": actual, **params})
            except KeyError:  # a name the params lack: values() words it
                values = None
            if values is None or tuple(map(type, values)) != plan.strings or max(map(len, values)) > QUOTE:
                values = plan.values(column, sheet, cell, params, expected, actual)
        else:
            values = plan.values(column, sheet, cell, params, expected, actual)
        if values is None:  # a parameter the finding lacks (worded in English), a label not text
            return self.finish(message(f, self.lang))
        done = plan.done
        if done is None:
            return self.finish(plan.template.format(*values))
        text = done.get(values)
        if text is not None:
            plan.hits += 1
            return text
        if len(done) >= self.LIMIT:
            if plan.hits < self.LIMIT:  # mostly different: keep none
                plan.done = None
            done.clear()
            plan.hits = 0
        text = done[values] = self.finish(plan.template.format(*values))
        return text


class _Plan:
    """How one rule's message is worded from a finding: its template with the fields numbered
    (``template.format(*values)``), the names they show, and the texts done so far."""

    __slots__ = ("template", "names", "pick", "pick_params", "strings", "done", "hits")

    @classmethod
    def of(cls, code: str, lang: str) -> "_Plan | None":
        rule = REGISTRY.get(code)
        if rule is None:
            all_rules()
            rule = REGISTRY.get(code)
        template = getattr(rule, "messages", {}).get(lang) if rule is not None else None
        names = _fields(template) if type(template) is str else None
        if names is None:
            return None
        plan = cls()
        plan.template, plan.names, plan.done, plan.hits = _numbered(template, names), names, {}, 0
        # A finding without params whose shown fields are all text shows them as they are:
        # picked from (column, sheet, cell, expected, actual) at C speed. One name is picked
        # twice, so that the pick is a tuple too (the template shows {0} only).
        where = [_SHOWN.index(name) for name in names if name in _SHOWN]
        plan.pick = None
        plan.strings = (str,) * max(2, len(names))
        if len(where) == len(names) and where:
            plan.pick = operator.itemgetter(*(where * 2 if len(where) == 1 else where))
        # With params: every shown name a param or one of the finding's own fields.
        plan.pick_params = operator.itemgetter(*(names * 2 if len(names) == 1 else names)) if names else None
        return plan

    def values(self, column, sheet, cell, params, expected, actual) -> tuple | None:
        """The text of each shown field, as message() works it out; None if one is missing."""
        values = []
        for name in self.names:
            if params is not None and name in params:
                value = params[name]
                values.append(quote(value if type(value) is str else _plain(value)))
            elif name == "expected":
                values.append(quote(expected if type(expected) is str else _plain(expected)))
            elif name == "actual":
                values.append(quote(actual if type(actual) is str else _plain(actual)))
            elif name in _PLACE:
                value = (column if name == "column" else sheet if name == "sheet" else cell) or ""
                if type(value) is not str:
                    return None
                values.append(value)
            else:
                return None
        return tuple(values)


_SHOWN = ("column", "sheet", "cell", "expected", "actual")
_PLACE = ("column", "sheet", "cell")


def _fields(template: str) -> tuple | None:
    """The names a template's fields use, in order; None when one is positional, indexed or
    nested (message() formats those)."""
    names: list = []
    try:
        for _, field, spec, _ in string.Formatter().parse(template):
            if field is None:
                continue
            if not field.isidentifier() or "{" in (spec or ""):
                return None
            if field not in names:
                names.append(field)
    except ValueError:
        return None
    return tuple(names)


def _numbered(template: str, names: tuple) -> str:
    """``template`` with each named field numbered by its name's place in ``names``."""
    out = []
    for literal, field, spec, conversion in string.Formatter().parse(template):
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if field is not None:
            out.append("{" + str(names.index(field)) + (f"!{conversion}" if conversion else "")
                       + (f":{spec}" if spec else "") + "}")
    return "".join(out)


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


def _finding_fields(f) -> tuple:
    """A finding's eleven fields in order (params None when empty): a Finding is that tuple
    already; any other object with the attributes is read by name."""
    if type(f) is Finding:
        return f
    return (f.code, f.name, f.severity, f.template, f.sheet, f.cell, f.row, f.column, f.params or None,
            f.expected, f.actual)
