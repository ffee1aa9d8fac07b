"""Family S, workbook structure (docs/checks.md A 1-5): templates and columns found, examples and
placeholders left in, rows half filled, sections the plan needs left empty."""
from __future__ import annotations

from ..lookup import fold_script
from ..registry import Rule, owned, register
from ..view import PlanView, _np

NEEDED_SECTIONS = ("goals", "channels", "budget")


@register
class TemplateMissing(Rule):
    code = "S011"

    def run(self, plan: PlanView, config):
        for number in plan.missing_templates:
            table = plan.spec.table(number)
            yield self.at(None, number=number, title=table.title(plan.lang))


@register
class ColumnMissing(Rule):
    code = "S021"

    def run(self, plan: PlanView, config):
        for table in plan.tables.values():
            for key, closest in table.missing.items():
                col = table.spec.column(key)
                if col.origin == "added" and not table.from_metadata:
                    continue  # typed by hand in the seed's layout: our added columns are optional
                if any(row.cell(key) is not None and row.cell(key).status != "empty" for row in table.rows):
                    continue  # filled from another column (a date range split into start and end)
                severity = "error" if col.required and not col.derived else "warning"
                closest_text = self.text("closest", plan.lang, closest) if closest else ""
                yield self.at(table, row=None, column=col.label(plan.lang), severity=severity,
                              expected=col.label(plan.lang), actual=closest, closest=closest_text)


@register
class ExampleLeft(Rule):
    code = "S031"

    def run(self, plan: PlanView, config):
        for table in plan.tables.values():
            examples = _example_texts(table.spec)
            if not examples:
                continue
            # The examples are kept in every language, so a script-preserving fold is enough.
            known = set().union(*examples)
            for row in table.rows_where(_example_like(table, examples)):
                texts = {fold_script(c.raw) for c in row.cells.values() if isinstance(c.raw, str)}
                if len(texts & known) < 2:
                    continue
                for example in examples:
                    if len(example) >= 2 and example <= texts:
                        first = next(k for k in row.cells if isinstance(row.cells[k].raw, str)
                                     and fold_script(row.cells[k].raw) in example)
                        yield self.at(table, row.cells[first], actual=row.text(first))
                        break


@register
class Placeholder(Rule):
    code = "S032"

    def run(self, plan: PlanView, config):
        for table in plan.tables.values():
            maybe = table.any_column([c.key for c in table.spec.columns if c.key not in table.missing],
                                     lambda c: c.may_be_placeholder)
            for row in table.rows_where(maybe):
                for cell in row.cells.values():
                    if cell.status == "placeholder" and cell.formula is None:
                        yield self.at(table, cell, actual=str(cell.raw))
        for cell in plan.cover.values():
            if cell.status == "placeholder":
                yield self.at(None, cell, actual=str(cell.raw))


@register
class RowIncomplete(Rule):
    code = "S041"

    def run(self, plan: PlanView, config):
        for table in plan.tables.values():
            if table.key in owned("owns_required"):  # a table's own rule words its required cells
                continue
            yield from required_cells(self, plan, table, [c.key for c in table.spec.columns if c.required])


@register
class PrefilledRowEmpty(Rule):
    """In a table whose row labels the template fills in (SWOT's S/W/O/T, the persona's four
    dimensions), a labelled row left empty while the table is being filled: S041 cannot see
    it, since a label alone does not start a row."""
    code = "S042"

    def run(self, plan: PlanView, config):
        for table in plan.tables.values():
            if not table.spec.fixed_rows or table.key in owned("owns_required"):
                continue
            label_key = table.spec.columns[0].key
            keys = [c.key for c in table.spec.columns if c.required and c.key != label_key and not c.derived
                    and c.key not in table.missing]
            started = {r.row for r in table.rows if any(_filled(r.cell(k)) for k in keys)}
            if not started:
                continue  # not begun at all: nothing half done
            for row in table.rows:
                if row.row in started or not row.text(label_key):
                    continue
                for key in keys:
                    letter = table.letters.get(key)
                    yield self.at(table, ref=f"{letter}{row.row}" if letter else None, row=row.row,
                                  column=table.label(key, plan.lang), label=row.text(label_key))


def _filled(cell) -> bool:
    return cell is not None and (cell.status != "empty" or cell.formula is not None)


@register
class SectionEmpty(Rule):
    code = "S051"

    def run(self, plan: PlanView, config):
        for key in NEEDED_SECTIONS:
            table = plan.table(key)
            if table is not None and not table.rows:
                yield self.at(table, row=table.first_row, title=table.spec.title(plan.lang))


# Public helpers for rules of other families.

def required_cells(rule: Rule, plan: PlanView, table, keys):
    """Findings for started rows that leave any of ``keys`` empty."""
    present = [k for k in keys if k not in table.missing and not table.spec.column(k).derived]
    # Pre-filled cells (linked formulas, a fixed table's row labels) do not start a row.
    prefilled = {table.spec.columns[0].key} if table.spec.fixed_rows else set()
    # Only a cell that may read as empty can leave the row short.
    for row in table.rows_where(table.any_column(present, lambda c: c.may_be_empty)):
        if not any(c.status != "empty" and c.formula is None for k, c in row.cells.items() if k not in prefilled):
            continue
        for key in present:
            cell = row.cell(key)
            # A typed "-" or "无" is an answer (not applicable), not a forgotten cell.
            answered = cell is not None and (cell.status != "empty" or cell.formula is not None
                                             or str(cell.raw or "").strip() != "")
            if not answered:
                letter = table.letters.get(key)
                yield rule.at(table, ref=f"{letter}{row.row}" if letter else None, row=row.row,
                              column=table.label(key, plan.lang))


class RequiredCells(Rule):
    """Started rows of one table that leave one of its ``required`` cells empty, worded by the
    table's own rule (subclasses set code, messages, ``table_key`` and ``required``)."""

    table_key = ""
    required: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.owns_required = cls.table_key
        cls.reads = {cls.table_key: cls.required}

    def run(self, plan, config):
        table = plan.table(self.table_key)
        if table is not None:
            yield from required_cells(self, plan, table, self.required)


# Private API.

def _example_like(table, examples: list[set[str]]):
    """Rows that may hold every text of an example (as _example_texts folds them).

    Folding is the cost (feedback text is unique row by row), so columns with few distinct
    texts go first, and a column is folded only on rows that can still match an example:
    those where, for some example, the texts found so far plus the columns left reach its
    size.
    """
    np = _np()
    n = len(table.rows)
    examples = [e for e in examples if len(e) >= 2]
    columns = []
    for key in (c.key for c in table.spec.columns if c.key not in table.missing):
        col = table.column(key)
        if col is None:
            return np.ones(n, dtype=bool)
        columns.append((len(set(v for v in col.raw if isinstance(v, str))), key, col))
    columns.sort(key=lambda c: c[0])
    fold = fold_script.__wrapped__  # each text once: the lru cache would only churn here
    counts = [np.zeros(n, dtype=np.int64) for _ in examples]
    alive = np.ones(n, dtype=bool)
    for k, (_, _, col) in enumerate(columns):
        left = len(columns) - k
        alive = np.logical_or.reduce([c + left >= len(e) for c, e in zip(counts, examples)] + [np.zeros(n, bool)])
        need = np.flatnonzero(alive).tolist()
        if not need:
            break
        raw = col.raw
        # Each distinct text once: a code per text (0: not text), and per example which codes hit it.
        texts = list({raw[i] for i in need if isinstance(raw[i], str)})
        code = {t: j + 1 for j, t in enumerate(texts)}
        folded = [None] + [fold(t) for t in texts]
        rows = np.array([code.get(raw[i], 0) if isinstance(raw[i], str) else 0 for i in need], dtype=np.int64)
        wild = col.tid >= 0 if col.tid is not None and not col.derived else None  # a copy of another cell's text
        for count, example in zip(counts, examples):
            hits = np.array([f is not None and f in example for f in folded], dtype=bool)
            hit = np.zeros(n, dtype=bool)
            hit[need] = hits[rows]
            if wild is not None:
                hit |= wild
            count += hit
    return np.logical_or.reduce([c >= len(e) for c, e in zip(counts, examples)] + [np.zeros(n, bool)])


def _example_texts(spec_table) -> list[set[str]]:
    out = []
    for row in spec_table.example:
        for lang in ("zh_CN", "zh_TW", "en"):
            texts = set()
            for value in row.values():
                if isinstance(value, dict):
                    texts.add(fold_script(value.get(lang.replace("_", "-"))))
            texts.discard("")
            if texts:
                out.append(texts)
    return out
