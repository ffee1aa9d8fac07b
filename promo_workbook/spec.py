"""The template spec: templates/*.yaml loaded strictly into frozen dataclasses.

Every part of the tool (generator, reader, checker, summary) reads the sixteen tables, their
labels, dropdown lists and formulas from here and nowhere else. Loading is strict in the
frictionless-py way: an unknown key, a missing key, a wrong type or a reference to a column,
list or table that does not exist is a SpecError naming the file and the path inside it.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SpecError

LANGUAGES = ("zh-CN", "zh-TW", "en")
COLUMN_KINDS = ("text", "number", "money", "percent", "date", "dropdown", "formula")
FORMATS = ("text", "integer", "number", "money", "percent", "date", "ratio")
ORIGINS = ("seed", "added")
DATE_RANGES = ("campaign", "after", "any")  # after: work that follows the campaign (improvements)
# How a column's cells may be read besides its kind: the seed's combined cells.
READ_AS = ("daterange", "rate_target")
# What a combined seed cell gives the column it fills (values.Value attributes).
SPLIT_TAKES = ("range_start", "range_end", "target", "direction", "unit")
# A formula column's (or totals cell's) number format -> the parse kind of its values.
FORMAT_KINDS = {"percent": "percent", "money": "money", "integer": "number", "number": "number",
                "ratio": "number", "date": "date", "text": "text"}
CHANNELS_LIST = "@channels"  # a dropdown fed by the channel plan's names
PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


# Public API.

@dataclass(frozen=True)
class Text:
    """One piece of interface text in every language."""

    zh_CN: str
    zh_TW: str
    en: str

    def __call__(self, lang: str) -> str:
        return getattr(self, lang.replace("-", "_"))

    def all(self) -> tuple[str, str, str]:
        return (self.zh_CN, self.zh_TW, self.en)


@dataclass(frozen=True)
class ListItem:
    key: str
    label: Text


@dataclass(frozen=True)
class Column:
    key: str
    label: Text
    origin: str
    kind: str
    required: bool = False
    width: int = 12
    list: str | None = None
    dates: str | None = None
    formula: str | None = None
    format: str | None = None
    blank_if_empty: tuple[str, ...] = ()
    blank_if_zero: tuple[str, ...] = ()
    only_if: str | None = None
    link: str | None = None
    # The seed's own layout (a hand-made workbook): header texts it uses besides the labels,
    # how its cells are read when the kind is not enough, and the columns one of its cells
    # fills, as (column, what to take from the parsed value).
    aliases: tuple[str, ...] = ()
    read_as: str | None = None
    splits: tuple[tuple[str, str], ...] = ()

    @property
    def derived(self) -> bool:
        return self.kind == "formula"

    @property
    def value_format(self) -> str:
        """The number format family of the cell: a formula's declared format, else its kind."""
        if self.format:
            return self.format
        return {"dropdown": "text", "number": "number"}.get(self.kind, self.kind)

    @property
    def parse_kind(self) -> str:
        """The values.parse kind for this column's cells."""
        if self.read_as:
            return self.read_as
        if self.kind == "dropdown":
            return "text"
        if self.kind == "formula":
            return FORMAT_KINDS.get(self.value_format, "text")
        return self.kind


@dataclass(frozen=True)
class Totals:
    label: Text
    cells: dict[str, str]
    formats: dict[str, str]


@dataclass(frozen=True)
class Highlight:
    target: str  # a column key, "row", or "<column>.total"
    when: str
    style: str


@dataclass(frozen=True)
class Table:
    number: int
    key: str
    phase: str
    sheet: Text
    title: Text
    guidance: Text
    columns: tuple[Column, ...]
    rows: int = 10
    fixed_rows: str | None = None
    totals: Totals | None = None
    names: dict[str, str] = field(default_factory=dict)
    highlight: tuple[Highlight, ...] = ()
    example: tuple[dict[str, Any], ...] = ()
    source: str = ""

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    def has_column(self, key: str) -> bool:
        return any(col.key == key for col in self.columns)

    def splits(self, present) -> list[tuple[str, str, str]]:
        """(source, target, take) for each combined seed cell among the ``present`` columns."""
        return [(col.key, into, take) for col in self.columns if col.key in present for into, take in col.splits]

    def split_targets(self, present) -> list[str]:
        """Columns this table's rows may get from a combined seed cell, given the columns found."""
        targets = []
        for _, into, _ in self.splits(present):
            if into not in targets:
                targets.append(into)
        return targets


@dataclass(frozen=True)
class Spec:
    schema_version: int
    tables: tuple[Table, ...]
    lists: dict[str, tuple[ListItem, ...]]
    workbook: dict[str, Any]  # Cover, Guide, Dashboard and interface text, Text-valued leaves
    # The acceptance sheet (templates/accepted.yaml): findings reviewed and accepted. Laid out
    # like a table but not one of the sixteen: number 0, not in ``tables``.
    accepted: Table | None = None

    def table(self, ref: int | str) -> Table:
        for table in self.tables:
            if ref in (table.number, table.key):
                return table
        raise KeyError(ref)

    def list_label(self, list_name: str, item_key: str, lang: str) -> str:
        for item in self.lists[list_name]:
            if item.key == item_key:
                return item.label(lang)
        raise KeyError(f"{list_name}.{item_key}")

    def list_labels(self, list_name: str, lang: str) -> list[str]:
        return [item.label(lang) for item in self.lists[list_name]]


def templates_dir() -> Path:
    """Where the YAML lives: inside the installed package, else the source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "workbook.yaml").is_file():
            return candidate
    raise SpecError("templates/", "", "template spec not found (is the package installed completely?)")


@functools.lru_cache(maxsize=4)
def load_spec(directory: str | None = None) -> Spec:
    """Load and cross-check every template file; cached, the spec never changes at run time."""
    root = Path(directory) if directory else templates_dir()
    lists = _load_lists(root / "lists.yaml")
    table_files = sorted(root.glob("[0-9][0-9]-*.yaml"))
    tables = tuple(_load_table(path, lists) for path in table_files)
    workbook = _load_workbook(root / "workbook.yaml")
    accepted = _load_table(root / "accepted.yaml", lists)
    spec = Spec(workbook.pop("schema_version"), tables, lists, workbook, accepted)
    _cross_check(spec, root)
    return spec


def load_yaml(path: Path) -> Any:
    """A YAML file of the package, read with libyaml where PyYAML has it (several times faster
    than the pure-Python loader: the rules' file is read at every check); SpecError if unreadable."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(path.name, "", f"cannot read: {exc.strerror}") from None
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise SpecError(path.name, "", f"not valid YAML: {exc}") from None


# Private API.

class _Node:
    """A mapping read key by key; leftover keys are errors naming their path."""

    def __init__(self, file: str, path: str, data: Any):
        if not isinstance(data, dict):
            raise SpecError(file, path, f"expected a mapping, found {type(data).__name__}")
        self.file, self.path, self.data, self.seen = file, path, data, set()

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, types: type | tuple, default: Any = ...) -> Any:
        self.seen.add(key)
        if key not in self.data:
            if default is ...:
                raise SpecError(self.file, self.at(key), "required key missing")
            return default
        value = self.data[key]
        if not isinstance(value, types) or (isinstance(value, bool) and types is int):
            raise SpecError(self.file, self.at(key), f"expected {_type_name(types)}, found {value!r}")
        return value

    def choice(self, key: str, choices: tuple, default: Any = ...) -> Any:
        value = self.get(key, str, default)
        if value is not None and value not in choices:
            raise SpecError(self.file, self.at(key), f"{value!r} is not one of {', '.join(choices)}")
        return value

    def text(self, key: str) -> Text:
        return _text(self.file, self.at(key), self.get(key, dict))

    def done(self) -> None:
        extra = sorted(set(self.data) - self.seen, key=str)
        if extra:
            raise SpecError(self.file, self.at(str(extra[0])), "unknown key")


def _type_name(types: type | tuple) -> str:
    types = types if isinstance(types, tuple) else (types,)
    return " or ".join({"str": "text", "dict": "a mapping", "list": "a list"}.get(t.__name__, t.__name__) for t in types)


def _text(file: str, path: str, data: Any) -> Text:
    node = _Node(file, path, data)
    values = [node.get(lang, str) for lang in LANGUAGES]
    node.done()
    return Text(*values)


def _load_lists(path: Path) -> dict[str, tuple[ListItem, ...]]:
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise SpecError(path.name, "", "expected a mapping of list names")
    lists = {}
    for name, items in data.items():
        if not isinstance(items, list) or not items:
            raise SpecError(path.name, name, "expected a non-empty list")
        parsed = []
        for i, item in enumerate(items):
            node = _Node(path.name, f"{name}[{i}]", item)
            key = str(node.get("key", (str, int)))
            label = Text(*(node.get(lang, str) for lang in LANGUAGES))
            node.done()
            parsed.append(ListItem(key, label))
        keys = [item.key for item in parsed]
        if len(set(keys)) != len(keys):
            raise SpecError(path.name, name, "duplicate item keys")
        lists[name] = tuple(parsed)
    return lists


def _load_column(file: str, path: str, data: Any) -> Column:
    node = _Node(file, path, data)
    column = Column(
        key=node.get("key", str),
        label=node.text("label"),
        origin=node.choice("origin", ORIGINS),
        kind=node.choice("kind", COLUMN_KINDS),
        required=node.get("required", bool, False),
        width=node.get("width", int, 12),
        list=node.get("list", str, None),
        dates=node.choice("dates", DATE_RANGES, None),
        formula=node.get("formula", str, None),
        format=node.choice("format", FORMATS, None),
        blank_if_empty=tuple(node.get("blank_if_empty", list, [])),
        blank_if_zero=tuple(node.get("blank_if_zero", list, [])),
        only_if=node.get("only_if", str, None),
        link=node.get("link", str, None),
        aliases=tuple(node.get("aliases", list, [])),
        read_as=node.choice("read_as", READ_AS, None),
        splits=tuple(_load_split(file, f"{path}.splits[{i}]", s) for i, s in enumerate(node.get("splits", list, []))),
    )
    node.done()
    if (column.kind == "formula") != (column.formula is not None):
        raise SpecError(file, path, "kind formula and a formula go together")
    if (column.kind == "dropdown") != (column.list is not None):
        raise SpecError(file, path, "kind dropdown and a list go together")
    if (column.kind == "date") != (column.dates is not None):
        raise SpecError(file, path, "kind date needs dates: campaign, after or any")
    return column


def _load_split(file: str, path: str, data: Any) -> tuple[str, str]:
    node = _Node(file, path, data)
    split = (node.get("into", str), node.choice("take", SPLIT_TAKES))
    node.done()
    return split


def _load_table(path: Path, lists: dict) -> Table:
    file = f"templates/{path.name}"
    node = _Node(file, "", load_yaml(path))
    columns = tuple(_load_column(file, f"columns[{i}]", c) for i, c in enumerate(node.get("columns", list)))
    totals = None
    if "totals" in node.data:
        tnode = _Node(file, "totals", node.get("totals", dict))
        totals = Totals(tnode.text("label"), tnode.get("cells", dict), tnode.get("formats", dict, {}))
        tnode.done()
    highlight = []
    for i, item in enumerate(node.get("highlight", list, [])):
        hnode = _Node(file, f"highlight[{i}]", item)
        highlight.append(Highlight(hnode.get("target", str), hnode.get("when", str), hnode.choice("style", ("bad", "good", "warn"))))
        hnode.done()
    table = Table(
        number=node.get("number", int),
        key=node.get("key", str),
        phase=node.get("phase", str),
        sheet=node.text("sheet"),
        title=node.text("title"),
        guidance=node.text("guidance"),
        columns=columns,
        rows=node.get("rows", int, 10),
        fixed_rows=node.get("fixed_rows", str, None),
        totals=totals,
        names=node.get("names", dict, {}),
        highlight=tuple(highlight),
        example=tuple(node.get("example", list, [])),
        source=file,
    )
    node.done()
    return table


def _load_workbook(path: Path) -> dict:
    """workbook.yaml: free-form but every language mapping becomes a Text, checked."""
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("schema_version"), int):
        raise SpecError(path.name, "schema_version", "required integer missing")

    def convert(value: Any, where: str) -> Any:
        if isinstance(value, dict):
            if set(value) & set(LANGUAGES):
                return _text(path.name, where, value)
            return {k: convert(v, f"{where}.{k}" if where else k) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v, f"{where}[{i}]") for i, v in enumerate(value)]
        return value

    return convert(data, "")


def _cross_check(spec: Spec, root: Path) -> None:
    """References between files: lists, tables, columns, phases, placeholders, examples."""
    from . import formulas

    numbers = [t.number for t in spec.tables]
    if numbers != list(range(1, 17)):
        raise SpecError("templates/", "", f"expected tables 1-16, found {numbers}")
    if spec.accepted.number != 0 or spec.accepted.key in {t.key for t in spec.tables}:
        raise SpecError(spec.accepted.source, "number", "the acceptance sheet is number 0, with a key of its own")
    phases = {p["key"] for p in spec.workbook["guide"]["phases"]}
    for lang in LANGUAGES:
        names = [t.sheet(lang) for t in spec.tables + (spec.accepted,)]
        names += [spec.workbook["sheets"][k](lang) for k in ("cover", "guide", "dashboard")]
        if len(set(names)) != len(names):
            raise SpecError("templates/", "sheet", f"sheet names repeat in {lang}")
        for name in names:
            if len(name) > 31 or set(name) & set("[]:*?/\\"):
                raise SpecError("templates/", "sheet", f"{name!r} is not a valid sheet name")
    for table in spec.tables + (spec.accepted,):
        file = table.source
        if table.phase not in phases:
            raise SpecError(file, "phase", f"unknown phase {table.phase!r}")
        keys = [c.key for c in table.columns]
        if len(set(keys)) != len(keys):
            raise SpecError(file, "columns", "duplicate column keys")
        if table.fixed_rows and table.fixed_rows not in spec.lists:
            raise SpecError(file, "fixed_rows", f"unknown list {table.fixed_rows!r}")
        for i, col in enumerate(table.columns):
            where = f"columns[{i}]"
            if col.list and col.list != CHANNELS_LIST and col.list not in spec.lists:
                raise SpecError(file, f"{where}.list", f"unknown list {col.list!r}")
            for ref in col.blank_if_empty + col.blank_if_zero:
                formulas.check_reference(spec, table, ref, file, where)
            for text in (col.formula, col.only_if):
                if text:
                    formulas.check_placeholders(spec, table, text, file, where)
            if col.link:
                other, _, other_col = col.link.partition(".")
                if not (other in {t.key for t in spec.tables} and spec.table(other).has_column(other_col)):
                    raise SpecError(file, f"{where}.link", f"unknown column {col.link!r}")
            for j, (into, _) in enumerate(col.splits):
                if not table.has_column(into):
                    raise SpecError(file, f"{where}.splits[{j}].into", f"unknown column {into!r}")
        if table.totals:
            for key, text in table.totals.cells.items():
                if not table.has_column(key):
                    raise SpecError(file, f"totals.cells.{key}", "unknown column")
                formulas.check_placeholders(spec, table, text, file, f"totals.cells.{key}")
        for name, ref in table.names.items():
            formulas.check_reference(spec, table, ref, file, f"names.{name}")
        for i, h in enumerate(table.highlight):
            formulas.check_placeholders(spec, table, h.when, file, f"highlight[{i}]")
        _check_example(spec, table)


def _check_example(spec: Spec, table: Table) -> None:
    channels = len(spec.table("channels").example)
    for i, row in enumerate(table.example):
        if not isinstance(row, dict):
            raise SpecError(table.source, f"example[{i}]", "expected a mapping")
        for key, value in row.items():
            where = f"example[{i}].{key}"
            if not table.has_column(key):
                raise SpecError(table.source, where, "unknown column")
            col = table.column(key)
            if col.derived:
                raise SpecError(table.source, where, "a formula column takes no example value")
            if isinstance(value, dict):
                _text(table.source, where, value)
            elif col.list == CHANNELS_LIST:
                if not (isinstance(value, int) and 1 <= value <= channels):
                    raise SpecError(table.source, where, f"expected a channel-plan example row 1-{channels}")
            elif col.kind == "dropdown" and str(value) not in {it.key for it in spec.lists[col.list]}:
                raise SpecError(table.source, where, f"{value!r} is not a key of list {col.list}")
