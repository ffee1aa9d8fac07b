"""A workbook typed by hand in the seed's layout (Traditional headers, typed text values) is
checked as well as a generated one: the seed's own inconsistencies are found at their cells."""
import datetime as dt

import pytest

from fixtures.handmade import build
from promo_workbook.checker import check

TODAY = dt.date(2026, 3, 20)


@pytest.mark.parametrize("stacked", [False, True], ids=["sheet-per-table", "all-tables-on-one-sheet"])
def test_seed_inconsistencies_are_found(tmp_path, stacked):
    path = build(tmp_path / "hand.xlsx", stacked=stacked, cover=not stacked)
    report = check(path, today=TODAY)
    found = {}
    for f in report.findings:
        found.setdefault(f.code, []).append(f)
    assert "S011" not in found  # every one of the sixteen tables identified
    # 兼职客服(2人) | 10天 | 300/天 | 6000: 10 x 300 is 3000.
    [staff] = found["T161"]
    assert (staff.params["qty"], staff.params["price"], staff.actual, staff.expected) == ("10", "300", "6,000", "3,000")
    # The seed's daily report: 500 of 1,600 clicks is 31.3%, not 3.1%; 280 of 840 is 33.3%, not 3.3%.
    rates = sorted((f.row, f.params["conv"], f.params["clicks"]) for f in found["T193"])
    assert [r[1:] for r in rates] == [("500", "1,600"), ("280", "840")]
    assert {f.code for f in report.findings} >= {"T163", "T171", "X262", "S032", "V071"}
    if not stacked:  # with the Cover's dates: the daily report covers 2 of the campaign's 15 days, so
        # its totals are not compared with the review (X291/X292); one info says how much it covers
        assert "X293" in found and not {"X291", "X292"} & set(found)
    else:  # no campaign window to measure coverage against: the totals are compared
        assert {"X291", "X292"} <= set(found)
    # The reserve line "风险备用金 | - | - | - | 10000" says not applicable: no missing-cell warning.
    budget_rows = {f.row for f in report.findings if f.code == "S041" and f.template == 7}
    assert not budget_rows


def test_handmade_and_generated_agree_on_the_plan_level_findings(tmp_path, example_books):
    hand = check(build(tmp_path / "hand.xlsx", cover=True), today=TODAY)
    generated = check(example_books["zh-TW"], today=TODAY)
    plan_level = {"T163", "T171", "X262", "X291", "X292", "X293"}
    assert {f.code for f in hand.findings} & plan_level == {f.code for f in generated.findings} & plan_level


def test_seed_layout_rate_formula_is_judged_by_meaning(tmp_path):
    """=IFERROR(E/(C*D),"") is conversions ÷ (impressions × CTR) in the seed's daily layout: the
    right rate, worked out through its IFERROR, not "a formula that differs from the template"."""
    import openpyxl

    path = build(tmp_path / "hand.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["日報"]
    header = next(r for r in ws.iter_rows() if any(c.value == "轉化率" for c in r))
    col = {c.value: c.column_letter for c in header if c.value}
    rows = [r[0].row for r in ws.iter_rows(min_row=header[0].row + 1) if r[0].value]
    for n in rows:
        ws[f"{col['轉化率']}{n}"] = f'=IFERROR({col["轉化量"]}{n}/({col["曝光量"]}{n}*{col["率"]}{n}),"")'
    wb.save(path)
    codes = [(f.code, f.cell) for f in check(path, today=TODAY).findings if f.template == 12]
    assert not [c for c in codes if c[0] in ("F132", "T193")], codes
    assert len(rows) == 2
