"""read() on a workbook typed by hand from the seed (issue 3, Done-when 1): Traditional
headers, the seed's example values as the seed shows them, merged titles above the headers,
arbitrary sheet names — every table identified and every value normalised."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures import handmade
from promo_workbook.reader import read
from promo_workbook.values import DateRange

ALL = ["swot", "persona", "competitors", "goals", "rhythm", "channels", "budget", "materials", "checklist",
       "risks", "progress", "daily", "feedback", "review", "lessons", "improvements"]

# (table, row index, column) -> (normalised value, extra checks on the Cell)
EXPECTED = [
    ("goals", 0, "target", 100000, {"unit": "件"}),
    ("goals", 1, "target", 50, {"unit": "元/人", "direction": "lower"}),
    ("goals", 2, "target", 1000000, {}),
    ("channels", 0, "target_impressions", 500000, {}),
    ("channels", 0, "expected_conversions", 5000, {"unit": "單"}),
    ("channels", 0, "budget_share", 0.4, {}),
    ("channels", 2, "budget_share", 0.2, {}),
    ("budget", 0, "quantity", 1, {"unit": "人"}),
    ("budget", 0, "unit_price", 20000, {}),
    ("budget", 0, "subtotal", 20000, {}),
    ("budget", 2, "quantity", 10, {"unit": "天"}),
    ("budget", 2, "unit_price", 300, {"per": "天"}),
    ("budget", 2, "subtotal", 6000, {}),
    ("budget", 3, "subtotal", 10000, {}),
    ("daily", 0, "impressions", 50000, {}),
    ("daily", 0, "ctr", 0.032, {}),                       # under the seed's lone "率" header
    ("daily", 1, "ctr", 0.028, {}),
    ("daily", 0, "cvr", 0.031, {}),
    ("daily", 0, "achievement", 1.0, {"target": 500}),    # "100%(目標500單)"
    ("daily", 1, "achievement", 0.56, {"target": 500}),
    ("review", 0, "target", 100000, {"unit": "件"}),
    ("review", 0, "actual", 95000, {"unit": "件"}),
    ("review", 0, "achievement", 0.95, {}),
    ("review", 1, "target", 50, {"direction": "lower"}),
    ("review", 1, "actual", 48, {"unit": "元/人"}),
    ("review", 1, "achievement", 1.04, {}),
    ("review", 2, "actual", 1100000, {}),
    ("competitors", 0, "offer", "滿1000減300", {}),
    ("feedback", 1, "profile", "男,32歲,老用戶", {}),
]

# (table, column) -> list item keys of the rows, in order
ITEMS = [
    ("swot", "dimension", ["S", "W", "O", "T"]),
    ("persona", "dimension", ["demographics", "behaviour", "pain_points", "content"]),
    ("goals", "dimension", ["business", "user", "brand"]),
    ("rhythm", "phase", ["warmup", "burst", "sustain"]),
    ("budget", "item", ["channel", "materials", "staff", "reserve"]),
    ("materials", "status", ["todo", "todo", "todo"]),
    ("checklist", "done", ["yes", "no", "yes", "yes"]),
    ("risks", "risk_type", ["tech", "resource", "pr"]),
    ("feedback", "type", ["rules", "experience"]),
    ("review", "dimension", ["business", "user", "brand"]),
]


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("handmade")
    return {
        "sheets": read(handmade.build(folder / "handmade.xlsx")),
        "stacked": read(handmade.build(folder / "stacked.xlsx", stacked=True)),
        "cover": read(handmade.build(folder / "with-cover.xlsx", cover=True)),
    }


def test_the_fixture_is_the_seed_text():
    handmade.check_against_seed()


@pytest.mark.parametrize("variant", ["sheets", "stacked", "cover"])
def test_every_table_is_identified_by_its_traditional_headers(books, variant):
    plan = books[variant]
    assert plan.missing == []
    assert list(plan.tables) == ALL
    assert plan.language == "zh-TW"
    assert plan.metadata is None
    for number, _title, headers, rows in handmade.SEED_TABLES:
        table = plan.table(number)
        assert table.identified_by == "headers"
        body = [r for r in rows if r[0] != "總計"]
        assert len(table) == len(body), table.key
        assert [c.header for c in table.columns.values()] == headers, table.key
        assert table.extra_columns == {}


def test_sheet_names_and_header_positions_are_as_typed(books):
    plan = books["sheets"]
    for number, name in handmade.SHEET_NAMES.items():
        table = plan.table(number)
        assert table.sheet == name
        assert table.header_row == handmade.HEADER_ROW[number]
    assert plan.table("channels").columns["channel"].letter == "B"  # this one starts in column B
    assert plan.table("daily").columns["ctr"].header == "率"
    assert plan.table("daily").columns["ctr"].matched == "alias"


@pytest.mark.parametrize("table, index, column, value, checks", EXPECTED,
                         ids=[f"{t}-{i}-{c}" for t, i, c, *_ in EXPECTED])
@pytest.mark.parametrize("variant", ["sheets", "stacked"])
def test_seed_values_are_normalised(books, variant, table, index, column, value, checks):
    cell = books[variant].table(table).rows[index][column]
    assert cell.ok, cell.value
    assert cell.value == pytest.approx(value) if isinstance(value, float) else cell.value == value
    for name, expected in checks.items():
        assert getattr(cell, name) == expected, name


@pytest.mark.parametrize("table, column, items", ITEMS, ids=[f"{t}-{c}" for t, c, _ in ITEMS])
def test_dropdown_labels_map_to_list_items(books, table, column, items):
    assert [row[column].item for row in books["sheets"].table(table).rows] == items


def test_placeholders_are_recognised_not_read(books):
    plan = books["sheets"]
    goal = plan.table("goals").rows[0]
    assert goal["owner"].status == "placeholder" and goal["owner"].raw == "*經理"
    assert goal["deadline"].status == "placeholder" and goal["deadline"].reason == "unfilled-date"
    swot = plan.table("swot").rows[0]
    assert swot["details"].status == "placeholder" and swot["details"].raw.startswith("(如:")
    assert plan.table("progress").rows[0]["date"].status == "placeholder"  # "X.4" without a start date
    notes = plan.table("checklist").rows[0]["notes"]
    assert notes.status == "empty" and notes.raw == "-"


def test_combined_seed_cells_fill_the_split_columns(books):
    plan = books["sheets"]
    goals = plan.table("goals")
    assert set(goals.missing_columns) == {"unit", "direction"}
    first, second = goals.rows[0], goals.rows[1]
    assert first["unit"].value == "件" and first["unit"].source == "split:target"
    assert "direction" not in first.cells  # "10萬件" says nothing about the direction
    assert second["direction"].item == "lower" and second["direction"].value == "越低越好"
    assert second["direction"].ref == second["target"].ref
    daily = plan.table("daily").rows[0]
    assert daily["daily_target"].value == 500 and daily["daily_target"].source == "split:achievement"
    budget = plan.table("budget").rows[2]
    assert budget["quantity_unit"].value == "天"
    rhythm = plan.table("rhythm").rows[0]
    assert rhythm["dates"].value == DateRange(None, None, 1, 3)
    assert rhythm["start"].status == "placeholder"  # day 1 of a campaign with no start date yet


def test_totals_row_is_recognised(books):
    budget = books["sheets"].table("budget")
    assert budget.totals_row == handmade.HEADER_ROW[7] + 5
    assert budget.totals["subtotal"].value == 39000
    assert budget.totals["item"].raw == "總計"
    assert all(row["item"].raw != "總計" for row in budget.rows)


def test_cover_typed_as_labels_gives_the_campaign_dates(books):
    plan = books["cover"]
    assert plan.cover["campaign"].value == "新品上市推廣活動"
    assert plan.campaign_start == dt.date(2026, 3, 1)
    assert plan.cover["budget"].value == 39000
    rhythm = plan.table("rhythm").rows
    assert rhythm[0]["start"].value == dt.date(2026, 3, 1)
    assert rhythm[0]["end"].value == dt.date(2026, 3, 3)
    assert rhythm[2]["end"].value == dt.date(2026, 3, 15)
    assert plan.table("progress").rows[1]["date"].value == dt.date(2026, 3, 5)
    assert plan.table("daily").rows[0]["date"].value == dt.date(2026, 3, 4)


def test_vertically_merged_cells_fill_their_rows(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["階段", "日期", "核心任務", "負責人", "產出物"])
    ws.append(["預熱期", "X.1-X.2", "海報", "*運營", "海報3張"])
    ws.append([None, "X.3-X.3", "社群預告", "*運營", "話術1份"])
    ws.merge_cells("A2:A3")
    wb.save(tmp_path / "merged.xlsx")
    rows = read(tmp_path / "merged.xlsx").table("rhythm").rows
    assert [r["phase"].item for r in rows] == ["warmup", "warmup"]
    assert rows[1]["phase"].source == "merged:A2"


def test_without_opencc_traditional_headers_still_match_the_zh_tw_labels(tmp_path, monkeypatch):
    from promo_workbook.reader import fold, identify

    def clear():
        for cached in (fold.fold, identify._label_index, identify._titles):
            cached.cache_clear()

    monkeypatch.setattr(fold, "_converter", lambda: None)
    clear()
    try:
        plan = read(handmade.build(tmp_path / "handmade.xlsx"))
    finally:
        monkeypatch.undo()
        clear()
    assert plan.missing == []
    channels = plan.table("channels")  # the seed writes 占比, the zh-TW label 佔比
    assert channels.missing_columns["budget_share"].closest == "預算占比"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.one_of(st.text(max_size=30), st.integers(-10**12, 10**12),
                                st.floats(allow_nan=False, allow_infinity=False)), min_size=6, max_size=6))
def test_any_typed_values_read_without_an_exception(tmp_path, cells):
    import openpyxl
    from openpyxl.utils.exceptions import IllegalCharacterError

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["目標維度", "具體指標", "目標值", "衡量標準", "負責人", "完成時限"])
    try:
        ws.append(cells)
        ws.append(list(reversed(cells)))
    except IllegalCharacterError:
        return
    path = tmp_path / "random.xlsx"
    wb.save(path)
    goals = read(path).table("goals")
    for row in goals.rows:
        for cell in row.cells.values():
            assert cell.status in ("ok", "empty", "placeholder", "unreadable")
            assert cell.status == "ok" or cell.value is None


def test_missing_templates_are_listed_and_the_rest_still_read(tmp_path):
    import openpyxl

    path = handmade.build(tmp_path / "handmade.xlsx")
    wb = openpyxl.load_workbook(path)
    for number in (2, 3, 9, 16):
        del wb[handmade.SHEET_NAMES[number]]
    wb.save(path)
    plan = read(path)
    assert plan.missing == ["persona", "competitors", "checklist", "improvements"]
    assert len(plan.tables) == 12
    assert plan.table("goals").rows[1]["target"].value == 50
    with pytest.raises(KeyError):
        plan.table("persona")


def test_headers_with_units_and_a_year_less_date(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["日期(月/日)", "渠道", "曝光量(次)", "点击率(%)", "转化量(单)", "备注"])
    ws.append(["3月4日", "抖音", "5万", "3.2%", "500单", "ok"])
    wb.save(tmp_path / "units.xlsx")
    table = read(tmp_path / "units.xlsx").table("daily")
    assert {k: c.matched for k, c in table.columns.items()} == {
        "date": "contains", "channel": "exact", "impressions": "contains", "ctr": "exact", "conversions": "contains"}
    assert list(table.extra_columns) == ["备注"]
    row = table.rows[0]
    assert row["impressions"].value == 50000 and row["conversions"].value == 500
    assert row["date"].status == "unreadable" and row["date"].reason == "no-year"  # no Cover, no year
