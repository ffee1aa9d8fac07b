"""Generate the planning workbook (xlsxwriter): Cover, Guide, Dashboard, the sixteen tables,
and the hidden lists and metadata sheets.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..formulas import Context
from ..layout import MAX_ROWS, accepted_layout, plan_layout
from ..spec import LANGUAGES, load_spec

FIXED_CREATED = dt.datetime(2026, 1, 1)  # document properties stay the same run to run


# Public API.

@dataclass
class NewOptions:
    """What `promo-workbook new` can set; every field optional."""

    lang: str = "en"
    campaign: str | None = None
    product: str | None = None
    scenario: str | None = None      # the Cover's scenario: a list key (new_product) or its label in any language
    start: dt.date | None = None
    end: dt.date | None = None
    budget: float | None = None
    owner: str | None = None
    channels: list[str] = field(default_factory=list)
    rows: int | None = None
    example: bool = False
    today: dt.date | None = None


def generate(path: str | Path, options: NewOptions | None = None) -> Path:
    """Write a new planning workbook to ``path`` (atomically) and return the path."""
    import xlsxwriter

    from .. import atomic
    from . import cover, dashboard, example, guide, meta, tables, validation
    from .styles import Styles
    from .worksheet import PlainFormulaWorksheet

    opts = _complete(options or NewOptions())
    spec = load_spec()
    lang = opts.lang
    layouts = plan_layout(spec, lang, opts.rows, opts.example)
    target = Path(path)
    with atomic.output(target) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False,
                                            "strings_to_urls": False})
        props = spec.workbook["properties"]
        wb.set_properties({"title": opts.campaign or props["title"](lang), "subject": props["subject"](lang),
                           "author": opts.owner or "", "created": FIXED_CREATED,
                           "comments": "promo-workbook"})
        wb.set_calc_mode("auto")
        styles = Styles(wb, lang)
        sheets = spec.workbook["sheets"]
        footer = _footer(opts, spec, lang)
        add = functools.partial(wb.add_worksheet, worksheet_class=PlainFormulaWorksheet)
        ws_cover = add(sheets["cover"](lang))
        ws_guide = add(sheets["guide"](lang))
        ws_dash = add(sheets["dashboard"](lang))
        table_sheets = {key: add(tl.block.sheet) for key, tl in layouts.items()}
        accepted = accepted_layout(spec, lang)  # findings reviewed and accepted (docs/accepting.md)
        ws_accepted = add(accepted.block.sheet)
        ws_lists = add(meta.LISTS_SHEET)
        ws_meta = add(meta.META_SHEET)

        blocks = {key: tl.block for key, tl in layouts.items()}
        ctx = Context(spec, lang, blocks, next(iter(blocks.values())))
        cover_cells = cover.write_cover(wb, ws_cover, ctx, styles, _cover_values(opts, spec), footer)
        guide.write_guide(ws_guide, ctx, styles, {k: tl.block.sheet for k, tl in layouts.items()}, footer)
        channels = _channel_names(opts, spec, lang)
        for key, tl in layouts.items():
            ctx.current = tl.block
            rows = None
            if opts.example:
                rows = example.example_rows(spec, tl.table, lang, opts.start, channels)
            if key == "channels" and opts.channels:
                rows = rows or []
                rows += [{} for _ in range(len(opts.channels) - len(rows))]
                for row, name in zip(rows, opts.channels):
                    row["channel"] = name
            tables.write_table(table_sheets[key], tl, ctx, styles, rows, footer)
        ctx.current = accepted.block
        tables.write_table(ws_accepted, accepted, ctx, styles, None, footer)
        for name, ref in _table_names(layouts):
            wb.define_name(name, ref)
        days = (opts.end - opts.start).days + 1 if opts.start and opts.end else None
        dashboard.write_dashboard(wb, ws_dash, ctx, styles, layouts, days, footer)
        meta.write_lists(wb, ws_lists, spec, lang)
        validation.add_rule_codes(wb, ws_lists, ws_accepted, accepted.block, ctx)
        meta.write_meta(ws_meta, spec, lang, [*layouts.values(), accepted], ws_cover.name, cover_cells, opts.example)
        wb.close()
    return target


# Private API.

def _complete(opts: NewOptions) -> NewOptions:
    if opts.lang not in LANGUAGES:
        raise UsageError(f"unknown language {opts.lang!r}; choose one of {', '.join(LANGUAGES)}")
    if opts.rows is not None and not 1 <= opts.rows <= MAX_ROWS:
        raise UsageError(f"--rows must be between 1 and {MAX_ROWS}")
    if opts.example and opts.start is None:
        opts.start = opts.today or dt.date.today()
    if opts.start and opts.end is None:
        opts.end = opts.start + dt.timedelta(days=14)  # the seed's 3 + 7 + 5 days
    if opts.start and opts.end and opts.end < opts.start:
        raise UsageError(f"--end {opts.end} is before --start {opts.start}")
    if opts.budget is not None and not math.isfinite(opts.budget):
        raise UsageError(f"--budget must be a number, not {opts.budget}")
    if opts.example and opts.budget is None:
        opts.budget = 39000  # the seed's budget total
    if len(opts.channels) > 200:
        raise UsageError("at most 200 channels")
    _consistent(opts)
    if opts.scenario is not None:
        from ..checker.lookup import list_key
        from ..spec import load_spec

        scenarios = load_spec().lists["scenario"]
        key = list_key(load_spec(), "scenario", opts.scenario)
        if key is None:
            choices = ", ".join(item.key for item in scenarios)
            raise UsageError(f"unknown scenario {opts.scenario!r}; choose one of {choices} (or its label)")
        opts.scenario = key
    return opts


def _consistent(opts: NewOptions) -> None:
    """Refuse options the workbook could not honour: more channels than the channel plan's rows
    (they would be dropped), or the worked example with its own channels or days overridden
    (it would contradict itself: its channel plan and its 15 days are one story)."""
    from ..layout import channel_rows

    if opts.example and opts.channels:
        raise UsageError("--example fills in the worked example's own channels; leave out --channels "
                         "(or leave out --example)")
    if opts.example and opts.end is not None and opts.start is not None \
            and opts.end != opts.start + dt.timedelta(days=14):
        raise UsageError("--example is the worked example's 15 days from --start; leave out --end "
                         "(or leave out --example)")
    room = channel_rows(load_spec(), opts.rows, opts.example)
    if len(opts.channels) > room:
        raise UsageError(f"--channels names {len(opts.channels)} channels but the channel plan has {room} rows; "
                         f"give --rows {len(opts.channels)} (or fewer channels)")


def _cover_values(opts: NewOptions, spec) -> dict:
    lang = opts.lang
    values = {"campaign": opts.campaign, "product": opts.product, "start": opts.start, "end": opts.end,
              "budget": opts.budget, "owner": opts.owner, "version": "v1.0",
              "currency": spec.list_label("currency", "CNY", lang), "updated": opts.today or dt.date.today(),
              "_example": opts.example}
    if opts.example:
        ex = spec.workbook["example"]
        for key in ("campaign", "product", "owner"):
            values[key] = values[key] or ex[key](lang)
        values["scenario"] = spec.list_label("scenario", "new_product", lang)
    if opts.scenario:
        values["scenario"] = spec.list_label("scenario", opts.scenario, lang)
    return values


def _channel_names(opts: NewOptions, spec, lang: str) -> list[str]:
    from .example import example_channels

    names = example_channels(spec, lang)
    for i, name in enumerate(opts.channels[: len(names)]):
        names[i] = name
    return names


def _table_names(layouts) -> list[tuple[str, str]]:
    from ..formulas import cell, quote_sheet

    out = []
    for tl in layouts.values():
        block = tl.block
        for name, ref in tl.table.names.items():
            if ref.endswith(".total"):
                key = ref[: -len(".total")]
                target = cell(block.totals_row, block.columns[key], True)
            else:
                target = block.range(ref)
            out.append((name, f"={quote_sheet(block.sheet)}!{target}"))
    return out


def _footer(opts: NewOptions, spec, lang: str) -> str:
    page = spec.workbook["text"]["footer_page"](lang)
    name = (opts.campaign or "").replace("&", "&&")[:60]
    return f"&L{name}&R{page}"
