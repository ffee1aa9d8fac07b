"""The --example workbook recalculated by a real engine (headless LibreOffice).

Every derived value is a formula; here LibreOffice computes them and the values must be the
seed's: budget 39000, achievement 95% / 104% / 110%, clicks, conversion rate and daily
achievement by their definitions, and the Dashboard's key figures. No cell shows an error.
"""
import math

import openpyxl
import pytest

from promo_workbook.layout import plan_layout
from promo_workbook.spec import load_spec
from support.libreoffice import recalculate, requires_libreoffice

pytestmark = [requires_libreoffice, pytest.mark.libreoffice]
ERRORS = ("#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "Err:")


@pytest.fixture(scope="module")
def computed(example_books, blank_books, tmp_path_factory):
    out = tmp_path_factory.mktemp("recalc")
    books = {}
    for lang in ("zh-CN", "zh-TW", "en"):
        books[lang] = openpyxl.load_workbook(recalculate(example_books[lang], out / lang), data_only=True)
        books["blank-" + lang] = openpyxl.load_workbook(recalculate(blank_books[lang], out / ("b" + lang)),
                                                        data_only=True)
    return books


def _column(wb, spec, lang, table, key, rows=None):
    tl = plan_layout(spec, lang, example=True)[table]
    ws = wb[tl.block.sheet]
    col = tl.block.columns[key] + 1
    first = tl.block.first_row + 1
    count = rows or len(tl.table.example)
    return [ws.cell(first + i, col).value for i in range(count)], ws, tl


def _total(wb, spec, lang, table, key):
    tl = plan_layout(spec, lang, example=True)[table]
    return wb[tl.block.sheet].cell(tl.block.totals_row + 1, tl.block.columns[key] + 1).value


@pytest.mark.parametrize("lang", ["zh-CN", "zh-TW", "en"])
def test_budget(computed, lang):
    spec, wb = load_spec(), computed[lang]
    qty, _, _ = _column(wb, spec, lang, "budget", "quantity")
    price, _, _ = _column(wb, spec, lang, "budget", "unit_price")
    subtotal, _, _ = _column(wb, spec, lang, "budget", "subtotal")
    for q, p, s in zip(qty, price, subtotal):
        if isinstance(q, (int, float)) and isinstance(p, (int, float)):
            assert s == q * p
    assert subtotal[2] == 6000  # the seed's part-time staff: 2 people x 10 days x 300
    assert _total(wb, spec, lang, "budget", "subtotal") == 39000
    assert _total(wb, spec, lang, "budget", "reserve_share") == pytest.approx(10000 / 39000)


@pytest.mark.parametrize("lang", ["zh-CN", "zh-TW", "en"])
def test_results_review_achievement_is_direction_aware(computed, lang):
    spec, wb = load_spec(), computed[lang]
    achievement, _, _ = _column(wb, spec, lang, "review", "achievement")
    assert [round(a, 2) for a in achievement] == [0.95, 1.04, 1.10]
    targets, _, _ = _column(wb, spec, lang, "review", "target")
    assert targets == [100000, 50, 1000000]  # linked from the goals table


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_daily_metrics_by_definition(computed, lang):
    spec, wb = load_spec(), computed[lang]
    get = lambda key: _column(wb, spec, lang, "daily", key)[0]  # noqa: E731
    for imp, ctr, clicks, conv, cvr, target, ach in zip(get("impressions"), get("ctr"), get("clicks"),
                                                        get("conversions"), get("cvr"), get("daily_target"),
                                                        get("achievement")):
        assert clicks == round(imp * ctr)
        assert cvr == pytest.approx(conv / clicks)
        assert ach == pytest.approx(conv / target)
    assert get("clicks") == [1600, 840]
    assert [round(a, 2) for a in get("achievement")] == [1.0, 0.56]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_channels_and_rhythm(computed, lang):
    spec, wb = load_spec(), computed[lang]
    amounts, _, _ = _column(wb, spec, lang, "channels", "budget_amount")
    assert amounts == [15600, 11700, 7800]  # share x the Cover's total budget
    assert _total(wb, spec, lang, "channels", "budget_share") == pytest.approx(0.9)
    days, _, _ = _column(wb, spec, lang, "rhythm", "days")
    assert days == [3, 7, 5]
    dates, _, _ = _column(wb, spec, lang, "rhythm", "dates")
    assert dates == ["3/1-3/3", "3/4-3/10", "3/11-3/15"]


@pytest.mark.parametrize("lang", ["zh-CN", "zh-TW", "en"])
def test_dashboard_key_figures(computed, lang):
    spec, wb = load_spec(), computed[lang]
    ws = wb[spec.workbook["sheets"]["dashboard"](lang)]
    kpis = {k["key"]: ws.cell(5 + n, 3).value for n, k in enumerate(spec.workbook["dashboard"]["kpis"])}
    assert kpis["total_budget"] == 39000 and kpis["budget_lines"] == 39000
    assert kpis["reserve_share"] == pytest.approx(10000 / 39000)
    assert kpis["channel_share"] == pytest.approx(0.9)
    assert kpis["goals"] == 3 and kpis["goals_met"] == 2
    assert kpis["avg_achievement"] == pytest.approx((0.95 + 50 / 48 + 1.1) / 3)
    assert kpis["readiness"] == pytest.approx(0.75)
    assert kpis["materials_done"] == 0
    assert (kpis["impressions"], kpis["clicks"], kpis["conversions"]) == (80000, 2440, 780)
    assert kpis["cvr"] == pytest.approx(780 / 2440)
    assert kpis["roi"] in (None, "")  # no revenue metric in the seed's goals


@pytest.mark.parametrize("name", ["zh-CN", "zh-TW", "en", "blank-zh-CN", "blank-zh-TW", "blank-en"])
def test_no_cell_shows_an_error(computed, name):
    wb = computed[name]
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert not value.startswith(ERRORS), (ws.title, value)
                if isinstance(value, float):
                    assert math.isfinite(value)
