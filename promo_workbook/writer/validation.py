"""Data validation for input columns: dropdowns, numbers, rates and dates, with prompts.

Short lists are written inline; a list longer than Excel's 255-character inline limit, or the
channel dropdown that follows the channel plan, points at a range through a defined name.
Date columns tied to the campaign accept only dates between the Cover's start and end (any
date while the Cover has none yet).
"""
from __future__ import annotations

import datetime as dt

from ..formulas import Block, Context, cell, quote_sheet
from ..spec import CHANNELS_LIST, Column

INLINE_LIMIT = 255
EARLIEST = dt.date(2000, 1, 1)


# Public API.

def list_name(list_key: str) -> str:
    """The defined name of a dropdown list's range on the hidden lists sheet."""
    return "List_" + list_key


def add(ws, block: Block, i: int, col: Column, ctx: Context, styles) -> None:
    """Validation for one column's whole input block (nothing for text and formulas)."""
    if col.derived or col.link:
        return
    rule = rule_for(col, ctx, cell(block.first_row, i))
    if rule:
        ws.data_validation(block.first_row, i, block.last_row, i, rule)


def rule_for(col: Column, ctx: Context, top_left: str) -> dict | None:
    text = ctx.spec.workbook["text"]
    lang = ctx.lang
    if col.kind == "dropdown":
        rule = {"validate": "list", "source": _list_source(col, ctx), "input_message": text["prompt_list"](lang),
                "error_message": text["error_list"](lang)}
    elif col.kind in ("number", "money"):
        rule = {"validate": "decimal", "criteria": ">=", "value": 0, "input_message": text["prompt_number"](lang),
                "error_message": text["error_number"](lang)}
    elif col.kind == "percent":
        rule = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1,
                "input_message": text["prompt_percent"](lang), "error_message": text["error_percent"](lang)}
    elif col.kind == "date" and col.dates == "campaign":
        rule = {"validate": "custom", "value": date_in_campaign(top_left),
                "input_message": text["prompt_date_campaign"](lang), "error_message": text["error_date"](lang)}
    elif col.kind == "date":
        rule = {"validate": "date", "criteria": ">=", "value": dt.datetime.combine(EARLIEST, dt.time()),
                "input_message": text["prompt_date"](lang), "error_message": text["error_date"](lang)}
    else:
        return None
    rule["input_title"] = col.label(lang)[:32]
    rule["error_title"] = text["error_title"](lang)[:32]
    rule["ignore_blank"] = True
    return rule


def date_in_campaign(ref: str) -> str:
    return (f"=AND(ISNUMBER({ref}),OR(CampaignStart=\"\",{ref}>=CampaignStart),"
            f"OR(CampaignEnd=\"\",{ref}<=CampaignEnd))")


# Private API.

def _list_source(col: Column, ctx: Context):
    if col.list == CHANNELS_LIST:
        return "=ChannelNames"
    labels = ctx.spec.list_labels(col.list, ctx.lang)
    if len(",".join(labels)) <= INLINE_LIMIT and not any("," in label for label in labels):
        return labels
    return "=" + list_name(col.list)


def add_rule_codes(workbook, ws_lists, ws, block: Block, ctx: Context) -> None:
    """The acceptance sheet's code column: a dropdown of the checker's rule codes (from
    templates/rules.yaml), listed on the hidden lists sheet after the spec's lists."""
    from ..checker.registry import rule_data

    codes = sorted(rule_data())
    col = len(ctx.spec.lists)
    ws_lists.write_string(0, col, "rule_codes")
    for row, code in enumerate(codes, start=1):
        ws_lists.write_string(row, col, code)
    name = list_name("rule_codes")
    workbook.define_name(name, f"={quote_sheet(ws_lists.name)}!{cell(1, col, True)}:{cell(len(codes), col, True)}")
    text = ctx.spec.workbook["text"]
    i = block.columns["code"]
    ws.data_validation(block.first_row, i, block.last_row, i, {
        "validate": "list", "source": "=" + name, "input_title": ctx.spec.accepted.column("code").label(ctx.lang)[:32],
        "input_message": text["prompt_list"](ctx.lang), "error_title": text["error_title"](ctx.lang)[:32],
        "error_message": text["error_list"](ctx.lang), "ignore_blank": True})
