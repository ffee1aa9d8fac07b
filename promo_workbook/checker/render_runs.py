"""The JSON report's findings where some are held as runs (runs.py): each run's rows worded a
block at a time from its lists, and merged with the single findings in report order. The
text is the one render._json_items writes for the same findings one by one."""
from __future__ import annotations

from itertools import chain, islice, repeat

from .render import _CHUNK, _FIELD, _PLACE, _json_head, _json_items, _json_str, _json_value, _jsonable, _Messages
from .render import _CLOSE, QUOTE, _Plan, _plain, message, quote
from .runs import Each, Findings, FindingRun


def json_items(findings: Findings, lang: str):
    """The findings as render._json_items lays them out, in lists of _CHUNK."""
    import numpy as np

    messages = _Messages(lang, _json_str)
    # Each source's texts come a block (a list) at a time; chain walks a block at C speed.
    texts = [_json_items(findings.singles, lang)] + [_run_texts(run, messages) for run in findings.runs]
    taken = [chain.from_iterable(t) for t in texts]
    sources = findings.sources
    for start in range(0, len(sources), _CHUNK):
        here = sources[start:start + _CHUNK]
        if here.min() == here.max():  # one source's stretch: its texts as they come
            yield list(islice(taken[int(here[0])], len(here)))
            continue
        # Each source's next texts put in their places at once (a chunk of a log's runs interleaves
        # a few sources row by row).
        chunk = np.empty(len(here), dtype=object)
        for s, count in enumerate(np.bincount(here).tolist()):
            if count:
                chunk[here == s] = list(islice(taken[s], count))
        yield chunk.tolist()


def _run_texts(run: FindingRun, messages: _Messages):
    head = _json_head(run.code, run.name, run.severity, run.template, run.sheet)
    # A finding's text, as _json_items writes it: these pieces between its row (twice), message,
    # expected and actual values, joined at C speed.
    cell, row_field = repeat(f'{head}"{run.letter}'), repeat(f'",{_FIELD}"row": ')
    message_field = repeat(f',{_FIELD}"column": {_json_value(run.column)},{_FIELD}"message": ')
    expected_field, actual_field, close = repeat(f',{_FIELD}"expected": '), repeat(f',{_FIELD}"actual": '), repeat(_CLOSE)
    for a in range(0, len(run.rows), _CHUNK):
        b = min(a + _CHUNK, len(run.rows))
        rows = list(map(str, run.rows[a:b]))
        words = run_messages(messages, run, a, b)
        expected, actual = _json_field(run.expected, a, b), _json_field(run.actual, a, b)
        yield list(map("".join, zip(cell, rows, row_field, rows, message_field, words, expected_field, expected,
                                    actual_field, actual, close)))


def _json_field(value, a: int, b: int):
    if type(value) is Each:
        values = value[a:b]
        if _all_text(values):  # the usual: text (pct, a date) encoded at C speed
            return list(map(_json_str, values))
        return [_json_str(v) if type(v) is str else _json_value(_jsonable(v)) for v in values]
    return repeat(_json_str(value) if type(value) is str else _json_value(_jsonable(value)), b - a)


def run_messages(messages: _Messages, run: FindingRun, a: int, b: int) -> list[str]:
    """The finished messages of rows ``a`` to ``b`` of ``run``, as messages.get words each
    (each distinct set of shown values formatted once)."""
    plan = messages.plans.get(run.code, _UNSET)
    if plan is _UNSET:
        plan = messages.plans[run.code] = _Plan.of(run.code, messages.lang)
    columns = _shown_columns(plan, run, a, b) if plan is not None else None
    finish = messages.finish
    if columns is None:  # worded by message() itself, a finding at a time
        return [finish(message(run.finding(i), messages.lang)) for i in range(a, b)]
    template = plan.template
    if plan.done is None:  # the rule's messages were mostly different so far: each worded at C speed
        return list(map(finish, map(template.format, *columns)))
    done = _Worded(template, finish)
    out = list(map(done.__getitem__, zip(*columns)))  # each distinct set of values worded once
    if len(done) > (b - a) // 2:  # mostly different: the next rows are worded without looking back
        plan.done = None
    return out


class _Worded(dict):
    """The values a template shows -> the finished message, worded on first use."""

    __slots__ = ("template", "finish")

    def __init__(self, template: str, finish):
        super().__init__()
        self.template, self.finish = template, finish

    def __missing__(self, values: tuple) -> str:
        text = self[values] = self.finish(self.template.format(*values))
        return text


_UNSET = object()


def _shown_columns(plan: _Plan, run: FindingRun, a: int, b: int) -> list | None:
    """The text of each field the template shows, for rows ``a`` to ``b``, as _Plan.values
    works it out for one finding (params first, then expected, actual, the place); None when
    one is missing or a place is not text."""
    n, columns = b - a, []
    for name in plan.names:
        if name in run.params:
            value = run.params[name]
        elif name == "expected":
            value = run.expected
        elif name == "actual":
            value = run.actual
        elif name == "cell":
            columns.append([f"{run.letter}{row}" for row in run.rows[a:b]])
            continue
        elif name in _PLACE:
            value = (run.column if name == "column" else run.sheet) or ""
            if type(value) is not str:
                return None
            columns.append(repeat(value, n))
            continue
        else:
            return None
        if type(value) is Each:
            values = value[a:b]
            if _all_text(values) and max(map(len, values), default=0) <= QUOTE:
                columns.append(values)  # short texts show as they are (quote leaves them)
            else:
                columns.append([quote(v if type(v) is str else _plain(v)) for v in values])
        else:
            columns.append(repeat(quote(value if type(value) is str else _plain(value)), n))
    return columns


def _all_text(values: list) -> bool:
    return set(map(type, values)) <= _TEXT  # at C speed: no Python frame per value


_TEXT = {str}
