"""samples/build.py: the consistent plan is complete and agrees with itself across the tables,
its formulas are the generator's, the mistakes sit where the .cells.json says, and LibreOffice
computes the plan without an error value and with the achievements the plan implies.
"""
import datetime as dt
import importlib.util
import json
import math
import sys
from pathlib import Path

import openpyxl
import pytest

import promo_workbook
from promo_workbook.spec import LANGUAGES, load_spec
from promo_workbook.values import is_placeholder
from promo_workbook.writer import cover, dashboard
from support.libreoffice import recalculate, requires_libreoffice

BUILD = Path(__file__).resolve().parent.parent / "samples" / "build.py"
START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 15)
ERRORS = ("#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "Err:")


def _import_build():
    module_spec = importlib.util.spec_from_file_location("samples_build", BUILD)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_spec.name] = module
    module_spec.loader.exec_module(module)
    return module


build = _import_build()


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("samples")
    build.build_all(folder)
    return folder


class Plan:
    """One built workbook read back with openpyxl, addressed by table and column key."""

    def __init__(self, path: Path, lang: str, data_only: bool = False):
        self.wb = openpyxl.load_workbook(path, data_only=data_only)
        self.lang, self.spec = lang, load_spec()
        self.layouts = build.plan_layouts(lang)[1]

    def ws(self, table):
        return self.wb[self.layouts[table].block.sheet]

    def value(self, table, column, row):
        block = self.layouts[table].block
        return self.ws(table).cell(block.first_row + row + 1, block.columns[column] + 1).value

    def total(self, table, column):
        block = self.layouts[table].block
        return self.ws(table).cell(block.totals_row + 1, block.columns[column] + 1).value

    def rows(self, table):
        """The block's rows with any input value, as {column key: value}."""
        tl = self.layouts[table]
        inputs = [c.key for c in tl.table.columns if not c.derived and not c.link]
        out = []
        for i in range(tl.rows):
            row = {c.key: self.value(table, c.key, i) for c in tl.table.columns}
            if any(row[k] not in (None, "") for k in inputs):
                out.append(row)
        return out

    def cover(self, key):
        fields = [f["key"] for f in self.spec.workbook["cover"]["fields"]]
        ws = self.wb[self.spec.workbook["sheets"]["cover"](self.lang)]
        return ws.cell(cover.FIRST_FIELD_ROW + fields.index(key) + 1, cover.VALUE_COL + 1).value

    def kpi(self, key):
        keys = [k["key"] for k in self.spec.workbook["dashboard"]["kpis"]]
        ws = self.wb[self.spec.workbook["sheets"]["dashboard"](self.lang)]
        return ws.cell(dashboard.KPI_FIRST_ROW + keys.index(key) + 1, dashboard.VALUE_COL + 1).value

    def label(self, list_name, key):
        return self.spec.list_label(list_name, key, self.lang)


def _day(value):
    return value.date() if isinstance(value, dt.datetime) else value


def _round(x):
    return math.floor(x + 0.5)  # Excel's ROUND for the positive numbers here


@pytest.fixture(scope="module")
def plans(out):
    return {lang: Plan(out / f"consistent-{lang}.xlsx", lang) for lang in LANGUAGES}


def _mistake_row(table, column):
    return next(m.row for m in build.MISTAKES if (m.table, m.column) == (table, column))


def _goal_rows(plan):
    """(metric, target, direction key, actual) for each goal, the review row beside it."""
    directions = {plan.label("direction", k): k for k in ("higher", "lower")}
    return [(g["metric"], g["target"], directions[g["direction"]], plan.value("review", "actual", i))
            for i, g in enumerate(plan.rows("goals"))]


def _goal(plan, metric_key):
    names = {"sales": build.GOALS[0]["metric"][plan.lang], "impressions": build.GOALS[2]["metric"][plan.lang]}
    return next(row for row in _goal_rows(plan) if row[0] == names[metric_key])


# Files.

def test_every_file_is_written(out):
    for lang in LANGUAGES:
        for name in (f"example-{lang}.xlsx", f"consistent-{lang}.xlsx", f"mistakes-{lang}.xlsx",
                     f"mistakes-{lang}.cells.json"):
            assert (out / name).stat().st_size > 0, name
    assert (out / "README.md").is_file()


def test_build_is_byte_for_byte_repeatable(out, tmp_path):
    build.build("en", tmp_path)
    for name in ("example-en.xlsx", "consistent-en.xlsx", "mistakes-en.xlsx", "mistakes-en.cells.json"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_example_is_the_generators_example(out, tmp_path, lang):
    fresh = promo_workbook.new_workbook(tmp_path / "x.xlsx", lang=lang, example=True, start=START, end=END,
                                        today=build.TODAY)
    assert (out / f"example-{lang}.xlsx").read_bytes() == fresh.read_bytes()


# The consistent plan: complete.

@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_table_and_required_cell_is_filled(plans, lang):
    plan = plans[lang]
    for field in plan.spec.workbook["cover"]["fields"]:
        assert plan.cover(field["key"]) not in (None, ""), field["key"]
    for key, tl in plan.layouts.items():
        rows = plan.rows(key)
        assert rows, f"{key} is empty"
        if tl.table.fixed_rows:
            assert len(rows) == tl.rows
        for n, row in enumerate(rows):
            for col in tl.table.columns:
                if col.required:  # review's linked columns hold their link formulas
                    assert row[col.key] not in (None, ""), f"{key} row {n + 1}: {col.key} is empty"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_placeholder_text(plans, lang):
    plan = plans[lang]
    sheets = [tl.block.sheet for tl in plan.layouts.values()] + [plan.spec.workbook["sheets"]["cover"](lang)]
    for name in sheets:
        for row in plan.wb[name].iter_rows(min_row=5):
            for c in row:
                if isinstance(c.value, str) and not c.value.startswith("="):
                    assert not is_placeholder(c.value), f"{name}!{c.coordinate}: {c.value}"
                    assert "X月X日" not in c.value and not c.value.startswith("*"), f"{name}!{c.coordinate}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_formulas_are_the_generators(plans, tmp_path, lang):
    rows = build.plan_layouts(lang)[0]
    names = [ch["name"][lang] for ch in build.CHANNELS]
    fresh = openpyxl.load_workbook(promo_workbook.new_workbook(tmp_path / "blank.xlsx", lang=lang, start=START, end=END,
                                                               budget=build.BUDGET, rows=rows, channels=names))
    plan = plans[lang]
    count = 0
    for ws in fresh.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    assert plan.wb[ws.title][c.coordinate].value == c.value, f"{ws.title}!{c.coordinate}"
                    count += 1
    assert count > 500  # every derived cell of every table, the Dashboard and _meta


# The consistent plan: numbers that agree.

@pytest.mark.parametrize("lang", LANGUAGES)
def test_budget_total_equals_cover_and_lines_tie_to_channel_shares(plans, lang):
    plan = plans[lang]
    lines = plan.rows("budget")
    amounts = [line["quantity"] * line["unit_price"] for line in lines]
    total = plan.cover("budget")
    assert sum(amounts) == total == build.BUDGET
    reserve_label = plan.label("budget_item", "reserve")
    reserve = sum(a for a, line in zip(amounts, lines) if line["item"] == reserve_label)
    assert 0.10 <= reserve / total <= 0.15
    channels = plan.rows("channels")
    shares = [ch["budget_share"] for ch in channels]
    assert sum(shares) + reserve / total == pytest.approx(1, abs=1e-12)
    for ch in channels:
        tied = sum(a for a, line in zip(amounts, lines) if line["channel"] == ch["channel"])
        assert tied == pytest.approx(ch["budget_share"] * total), ch["channel"]
    assert all(line["channel"] in {ch["channel"] for ch in channels} for line in lines if line["channel"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_channels_add_up_to_the_goals(plans, lang):
    plan = plans[lang]
    channels = plan.rows("channels")
    assert len({ch["channel"] for ch in channels}) == len(channels) == 3
    assert sum(ch["target_impressions"] for ch in channels) == _goal(plan, "impressions")[1]
    assert sum(ch["expected_conversions"] for ch in channels) == _goal(plan, "sales")[1]
    assert all(ch["expected_conversions"] <= ch["target_impressions"] for ch in channels)
    persona = plan.value("persona", "description", 1)  # 行为特征: 偏好渠道
    assert all(ch["channel"] in persona for ch in channels)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_goals_are_dated_inside_the_window(plans, lang):
    plan = plans[lang]
    goals = plan.rows("goals")
    assert len(goals) == 4
    assert all(START <= _day(g["deadline"]) <= END for g in goals)
    assert {g["direction"] for g in goals} == {plan.label("direction", "higher"), plan.label("direction", "lower")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_phases_are_contiguous(plans, lang):
    plan = plans[lang]
    phases = plan.rows("rhythm")
    assert [p["phase"] for p in phases] == [plan.label("phase", k) for k in ("warmup", "burst", "sustain")]
    starts, ends = [_day(p["start"]) for p in phases], [_day(p["end"]) for p in phases]
    assert starts[0] == _day(plan.cover("start")) and ends[-1] == _day(plan.cover("end"))
    assert all(starts[i + 1] == ends[i] + dt.timedelta(days=1) for i in range(len(phases) - 1))
    assert [(e - s).days + 1 for s, e in zip(starts, ends)] == [3, 7, 5]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_daily_metrics_are_complete_and_sane(plans, lang):
    plan = plans[lang]
    daily = plan.rows("daily")
    channels = [ch["channel"] for ch in plan.rows("channels")]
    keys = [(_day(r["date"]), r["channel"]) for r in daily]
    days = [START + dt.timedelta(days=n) for n in range((END - START).days + 1)]
    assert sorted(keys) == sorted((d, ch) for d in days for ch in channels)  # one row per (date, channel)
    for r in daily:
        assert 0 < r["ctr"] < 1 and r["daily_target"] > 0
        assert r["conversions"] <= _round(r["impressions"] * r["ctr"]) <= r["impressions"]
    for ch in channels:
        series = [r for r in daily if r["channel"] == ch]
        for key in ("impressions", "conversions"):
            for before, after in zip(series, series[1:]):
                assert 0.5 <= after[key] / before[key] <= 1.5, (ch, key, _day(after["date"]))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_daily_totals_are_the_review_actuals(plans, lang):
    plan = plans[lang]
    daily = plan.rows("daily")
    assert sum(r["impressions"] for r in daily) == _goal(plan, "impressions")[3]
    assert sum(r["conversions"] for r in daily) == _goal(plan, "sales")[3]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_goal_is_met_or_explained(plans, lang):
    plan = plans[lang]
    review = plan.rows("review")
    for i, (metric, target, direction, actual) in enumerate(_goal_rows(plan)):
        achievement = target / actual if direction == "lower" else actual / target
        assert achievement >= 1 or (review[i]["analysis"] and plan.rows("improvements")), metric


@pytest.mark.parametrize("lang", LANGUAGES)
def test_readiness_execution_and_review_tables(plans, lang):
    plan = plans[lang]
    launch = _day(plan.value("rhythm", "start", 0))
    done, yes = plan.label("material_status", "done"), plan.label("yes_no", "yes")
    assert all(_day(m["due"]) < launch and m["status"] == done for m in plan.rows("materials"))
    assert all(c["done"] == yes for c in plan.rows("checklist"))
    assert len(plan.rows("risks")) >= 3
    for p in plan.rows("progress"):
        assert START <= _day(p["date"]) <= END
        assert p["on_plan"] == yes or (p["deviation"] and p["resolution"])
    assert all(_day(i["deadline"]) > END for i in plan.rows("improvements"))
    assert plan.rows("feedback") and plan.rows("lessons")


# The mistakes.

@pytest.mark.parametrize("lang", LANGUAGES)
def test_mistakes_are_where_the_cells_json_says(out, plans, lang):
    entries = json.loads((out / f"mistakes-{lang}.cells.json").read_text(encoding="utf-8"))
    assert len(entries) == len(build.MISTAKES) >= 13
    good, bad = plans[lang].wb, openpyxl.load_workbook(out / f"mistakes-{lang}.xlsx")
    spec = load_spec()
    listed_rows = set()
    for e in entries:
        assert set(e) >= {"what", "table", "sheet", "cell"}
        assert spec.table(e["table"]).sheet(lang) == e["sheet"]
        places = [e] + e.get("also", [])
        assert any(good[p["sheet"]][p["cell"]].value != bad[p["sheet"]][p["cell"]].value for p in places), e["what"]
        listed_rows |= {(p["sheet"], bad[p["sheet"]][p["cell"]].row) for p in places}
    for ws in bad.worksheets:  # nothing was changed that the list does not name
        for row in ws.iter_rows():
            for c in row:
                if c.value != good[ws.title][c.coordinate].value:
                    assert (ws.title, c.row) in listed_rows, f"{ws.title}!{c.coordinate} changed but not listed"


def test_readme_lists_every_mistake(out):
    readme = (out / "README.md").read_text(encoding="utf-8")
    for lang in LANGUAGES:
        for e in json.loads((out / f"mistakes-{lang}.cells.json").read_text(encoding="utf-8")):
            assert f"| {e['cell']} |" in readme and e["sheet"] in readme and e["what"] in readme


# What the checker makes of them (skipped while there is no checker).

@pytest.mark.parametrize("lang", LANGUAGES)
def test_checker_passes_the_consistent_plan(out, lang):
    check = pytest.importorskip("promo_workbook.checker")
    report = check.check(out / f"consistent-{lang}.xlsx", today=build.TODAY)
    assert [(f.code, f.cell) for f in report.findings if f.severity != "info"] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_checker_finds_every_listed_mistake(out, lang):
    """Each mistake is found at its cell (or one of its "also" cells) by a rule of its docs/checks.md
    item: rule codes are a family letter, the two-digit item and an ordinal (T161 is item 16)."""
    check = pytest.importorskip("promo_workbook.checker")
    report = check.check(out / f"mistakes-{lang}.xlsx", today=build.TODAY)
    found = [f for f in report.findings if f.severity != "info"]
    for e in json.loads((out / f"mistakes-{lang}.cells.json").read_text(encoding="utf-8")):
        places = {(e["sheet"], e["cell"])} | {(p["sheet"], p["cell"]) for p in e.get("also", [])}
        assert any(f.code[1:3] == f"{e['check']:02d}" and (f.sheet, f.cell) in places for f in found), e["what"]


# Recalculated by LibreOffice.

@pytest.fixture(scope="module")
def computed(out, tmp_path_factory):
    folder = tmp_path_factory.mktemp("samples-recalc")
    books = {lang: Plan(recalculate(out / f"consistent-{lang}.xlsx", folder / lang), lang, data_only=True)
             for lang in LANGUAGES}
    books["mistakes"] = Plan(recalculate(out / "mistakes-zh-CN.xlsx", folder / "m"), "zh-CN", data_only=True)
    return books


@requires_libreoffice
@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", LANGUAGES)
def test_recalculated_plan_has_no_error_value(computed, lang):
    for ws in computed[lang].wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert not (isinstance(c.value, str) and c.value.startswith(ERRORS)), f"{ws.title}!{c.coordinate}"


@requires_libreoffice
@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", LANGUAGES)
def test_recalculated_plan_figures(computed, lang):
    plan = computed[lang]
    assert [round(plan.value("review", "achievement", i), 4) for i in range(4)] == [1.05, 1.25, 1.05, 1.05]
    assert plan.total("budget", "subtotal") == plan.kpi("total_budget") == plan.kpi("budget_lines") == 100_000
    assert plan.kpi("reserve_share") == pytest.approx(0.1)
    assert plan.kpi("channel_share") == pytest.approx(0.9)
    assert (plan.kpi("goals"), plan.kpi("goals_met")) == (4, 4)
    assert plan.kpi("readiness") == plan.kpi("materials_done") == 1
    assert (plan.kpi("impressions"), plan.kpi("conversions")) == (1_050_000, 10_500)
    assert plan.kpi("roi") == pytest.approx(15.75)
    lines = plan.rows("budget")
    for ch in plan.rows("channels"):
        assert ch["budget_amount"] == sum(line["subtotal"] for line in lines if line["channel"] == ch["channel"])
    for r in plan.rows("daily"):
        assert r["clicks"] == _round(r["impressions"] * r["ctr"])
        assert r["achievement"] >= 1


@requires_libreoffice
@pytest.mark.libreoffice
def test_recalculated_mistakes_show_their_effect(computed):
    plan = computed["mistakes"]
    assert plan.value("review", "achievement", 1) == pytest.approx(0.8)  # actual / target, the wrong way round
    assert plan.total("budget", "subtotal") == 88_000  # the short SUM, with the typed-over 18,000
    assert plan.value("daily", "clicks", _mistake_row("daily", "impressions")) == "#VALUE!"  # 约五万 × CTR
    row = _mistake_row("daily", "ctr")
    assert plan.value("daily", "clicks", row) > plan.value("daily", "impressions", row)  # CTR 3.2 = 320%
    assert plan.value("rhythm", "days", 1) == 8
    assert plan.kpi("readiness") == pytest.approx(0.8)
