"""Spec formulas, written over column names, resolved to plain A1 Excel formulas.

Placeholders (the only syntax the spec's formulas use besides Excel itself):

    {col}              this row's cell of a column of the current table      C5
    {col[]}            the current table's whole input block of a column     $C$5:$C$19
    {col.total}        the current table's totals-row cell of a column       $F$20
    {table.col[]}      another table's block, with its sheet                 '预算明细'!$C$5:$C$19
    {table.col.total}  another table's totals cell
    {table.col#}       another table's cell in the same block position       '活动目标'!$B$5
    {label:list.item}  a dropdown label in the workbook's language, quoted   "风险备用金"
    {kpi:key}          a Dashboard key-figure cell                           $C$6
    {row_label}        the Dashboard helper row's label, quoted
    {i}                the 1-based position of the row in its block

Only plain references and functions that Excel, WPS and LibreOffice share are used
(structured references came back from LibreOffice as #N/A; see docs/reading.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .a1 import col_letter
from .errors import SpecError
from .spec import PLACEHOLDER, Column, Spec, Table

SUFFIXES = ("[]", "#", ".total")


# Public API.

def cell(row: int, col: int, absolute: bool = False) -> str:
    """0-based row and column to an A1 reference."""
    dollar = "$" if absolute else ""
    return f"{dollar}{col_letter(col)}{dollar}{row + 1}"


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def quote_text(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@dataclass
class Block:
    """Where one table (or one Dashboard helper table) sits on its sheet; 0-based."""

    sheet: str
    columns: dict[str, int]
    first_row: int
    last_row: int
    totals_row: int | None = None

    def range(self, key: str, with_sheet: bool = False) -> str:
        col = self.columns[key]
        ref = f"{cell(self.first_row, col, True)}:{cell(self.last_row, col, True)}"
        return f"{quote_sheet(self.sheet)}!{ref}" if with_sheet else ref


@dataclass
class Context:
    """Everything a placeholder may point at while one formula is being written."""

    spec: Spec
    lang: str
    blocks: dict[str, Block]          # table key -> block
    current: Block
    row: int = 0                      # the 0-based row being written
    kpis: dict[str, str] = field(default_factory=dict)  # key -> absolute A1 on the Dashboard
    row_label: str | None = None
    sheet_of_formula: str | None = None  # the sheet the formula lives on
    anchor_columns: bool = False      # same-row refs as $C5: a rule over whole rows
    memo: dict = field(default_factory=dict, repr=False)  # column_formula's per-column templates

    @property
    def index(self) -> int:
        return self.row - self.current.first_row + 1


def resolve(text: str, ctx: Context) -> str:
    """Replace every placeholder in a spec formula by its A1 reference or literal."""
    return PLACEHOLDER.sub(lambda m: _resolve_one(m.group(1), ctx), text)


def column_formula(column: Column, ctx: Context) -> str:
    """The full formula of a derived cell, guarded so an unfilled row shows blank.

    A column's formulas differ from row to row only in the current row's number, unless they
    use the row's index ({i}, {col#}): those are resolved once per column at a sentinel row
    and the row number substituted (a table of 100,000 rows, one resolution per column)."""
    texts = (column.formula, column.only_if or "", *column.blank_if_empty, *column.blank_if_zero)
    if any("{i}" in t or "#}" in t or "{row_label}" in t for t in texts):
        return _column_formula(column, ctx)
    key = (id(column), ctx.current.sheet, ctx.sheet_of_formula, ctx.anchor_columns)
    template = ctx.memo.get(key)
    if template is None:
        row = ctx.row
        ctx.row = SENTINEL_ROW
        try:
            template = ctx.memo[key] = _column_formula(column, ctx)
        finally:
            ctx.row = row
    return template.replace(_SENTINEL_TEXT, str(ctx.row + 1))


SENTINEL_ROW = 1048575  # 0-based; Excel row 1048576 lies past every block (layout.MAX_ROWS)
_SENTINEL_TEXT = str(SENTINEL_ROW + 1)


def _column_formula(column: Column, ctx: Context) -> str:
    expr = resolve(column.formula, ctx)
    if column.only_if:
        expr = f'IF({resolve(column.only_if, ctx)},{expr},"")'
    guards = [f'{resolve("{" + ref + "}", ctx)}=""' for ref in column.blank_if_empty]
    guards += [f'N({resolve("{" + ref + "}", ctx)})=0' for ref in column.blank_if_zero]
    if guards:
        cond = guards[0] if len(guards) == 1 else f"OR({','.join(guards)})"
        expr = f'IF({cond},"",{expr})'
    return "=" + expr


def check_placeholders(spec: Spec, table: Table | None, text: str, file: str, where: str) -> None:
    """Fail loading if a formula names a column, table, list item or key that does not exist."""
    for token in PLACEHOLDER.findall(text):
        check_reference(spec, table, token, file, where)


def check_reference(spec: Spec, table: Table | None, token: str, file: str, where: str) -> None:
    problem = _reference_problem(spec, table, token)
    if problem:
        raise SpecError(file, where, f"{{{token}}}: {problem}")


# Private API.

def _split(token: str) -> tuple[str | None, str, str]:
    """'budget.subtotal.total' -> ('budget', 'subtotal', '.total'); 'qty' -> (None, 'qty', '')."""
    suffix = next((s for s in SUFFIXES if token.endswith(s)), "")
    body = token[: len(token) - len(suffix)] if suffix else token
    table, _, col = body.rpartition(".")
    return (table or None), col, suffix


def _reference_problem(spec: Spec, table: Table | None, token: str) -> str | None:
    if token in ("row_label", "i") or token.startswith("kpi:"):
        return None
    if token.startswith("label:"):
        name, _, item = token[6:].partition(".")
        if name not in spec.lists or item not in {it.key for it in spec.lists[name]}:
            return "unknown list item"
        return None
    table_key, col, suffix = _split(token)
    if table_key is None:
        if table is None:
            return None  # Dashboard helper columns are checked when written
        target = table
    else:
        try:
            target = spec.table(table_key)
        except KeyError:
            return f"unknown table {table_key!r}"
        if suffix == "":
            return "a reference to another table needs [] , # or .total"
    if not target.has_column(col):
        return f"unknown column {col!r} in {target.source}"
    if suffix == ".total" and not (target.totals and col in target.totals.cells):
        return "that column has no total"
    return None


def _resolve_one(token: str, ctx: Context) -> str:
    if token == "i":
        return str(ctx.index)
    if token == "row_label":
        return quote_text(ctx.row_label or "")
    if token.startswith("kpi:"):
        return ctx.kpis[token[4:]]
    if token.startswith("label:"):
        name, _, item = token[6:].partition(".")
        return quote_text(ctx.spec.list_label(name, item, ctx.lang))
    table_key, col, suffix = _split(token)
    block = ctx.current if table_key is None else ctx.blocks[table_key]
    here = ctx.sheet_of_formula or ctx.current.sheet
    prefix = "" if block.sheet == here else quote_sheet(block.sheet) + "!"
    if suffix == "[]":
        return prefix + block.range(col)
    if suffix == ".total":
        if block.totals_row is None:  # the spec check rejects this; a hand-made layout may lack totals
            raise KeyError(f"{token}: that table has no totals row")
        return prefix + cell(block.totals_row, block.columns[col], True)
    if suffix == "#":
        return prefix + cell(block.first_row + ctx.index - 1, block.columns[col], True)
    ref = cell(ctx.row, block.columns[col])
    return prefix + ("$" + ref if ctx.anchor_columns else ref)
