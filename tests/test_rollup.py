"""`promo-workbook rollup PATH... -o portfolio.xlsx` (issue 16): the portfolio's figures are the plans' own."""
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from support.libreoffice import pdf_to_pngs, requires_libreoffice, requires_pdftoppm, to_pdf
from click.testing import CliRunner

import promo_workbook
from promo_workbook.batch.engine import fold_name, is_own_output
from promo_workbook.cli import cli
from promo_workbook.rollup import rollup
from promo_workbook.rollup.workbook import CAMPAIGN_COLUMNS, CHANNEL_COLUMNS, HEAD
from promo_workbook.summary import summary_figures

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TODAY = dt.date(2026, 5, 10)
LANGS = ("zh-CN", "zh-TW", "en")
INJECTION = '=HYPERLINK("http://x")'


def make_plans(folder: Path, count: int = 20) -> list[Path]:
    """``count`` plans: worked examples in three languages with varied campaigns, dates and
    budgets, the samples with mistakes (errors), and one campaign named like a formula."""
    paths = []
    for i in range(count):
        path = folder / f"plan-{i:02d}.xlsx"
        if i % 5 == 4:
            shutil.copy(SAMPLES / f"mistakes-{LANGS[i % 3]}.xlsx", path)
        else:
            campaign = INJECTION if i == 0 else f"Campaign {i} {'春季' if i % 2 else 'Autumn'}"
            promo_workbook.new_workbook(path, lang=LANGS[i % 3], campaign=campaign,
                                        start=dt.date(2026, 1 + i % 9, 1 + i), budget=10000 * (i + 1),
                                        owner=f"Owner {i}", example=True)
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    folder = tmp_path_factory.mktemp("portfolio")
    plans = make_plans(folder / "plans" if (folder / "plans").mkdir() is None else folder)
    (folder / "plans" / "broken.xlsx").write_text("a,b\n1,2\n", encoding="utf-8")
    out = folder / "portfolio.xlsx"
    done = rollup([folder / "plans"], out, lang="en", jobs=2, today=TODAY)
    return plans, out, done


def test_campaign_rows_equal_the_plans_summaries(portfolio):
    plans, out, done = portfolio
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Campaigns", "Channels", "Calendar", "Findings", "Charts"]
    ws = wb["Campaigns"]
    keys = [k for k, _ in CAMPAIGN_COLUMNS]
    rows = list(ws.iter_rows(min_row=HEAD + 2, max_row=HEAD + 1 + len(plans) + 1, values_only=True))
    assert len(done.plans) == len(plans) and len(done.unreadable) == 1
    for path, row in zip(plans, rows):
        values = dict(zip(keys, row))
        report = promo_workbook.check(path, today=TODAY)
        figs = summary_figures(path, report, today=TODAY)
        assert values["file"] == path.name
        assert values["campaign"] == figs.cover["campaign"]
        assert values["product"] == figs.cover["product"]
        assert values["start"].date() == figs.cover["start"] and values["end"].date() == figs.cover["end"]
        assert values["budget"] == figs.cover["budget"]
        assert values["reserve"] == pytest.approx(figs.budget.reserve_share)
        assert values["goals_met"] == figs.goals_met and values["goals"] == len(figs.goals)
        assert values["impressions"] == figs.total.impressions
        assert values["clicks"] == figs.total.clicks
        assert values["conversions"] == figs.total.conversions
        assert values["cpa"] == (pytest.approx(figs.cpa) if figs.cpa is not None else "—")
        assert values["roi"] == (pytest.approx(figs.roi) if figs.roi is not None else "—")
        assert values["errors"] == report.count("error") and values["warnings"] == report.count("warning")
        assert values["verdict"] == ("errors" if report.count("error") else
                                     "warnings" if report.count("warning") else "passed")
        start, end = figs.cover["start"], figs.cover["end"]
        assert values["status"] == ("planned" if TODAY < start else "finished" if TODAY > end else "running")
    broken = dict(zip(keys, rows[-1]))
    assert broken["verdict"] == "unreadable" and "plain text" in broken["campaign"]
    total = dict(zip(keys, next(ws.iter_rows(min_row=HEAD + 3 + len(plans), max_row=HEAD + 3 + len(plans),
                                             values_only=True))))
    assert total["campaign"] == "Total"
    assert total["budget"] == sum(p["budget"] for p in done.plans)
    assert total["errors"] == sum(p["errors"] for p in done.plans)


def test_user_text_starting_with_equals_stays_text(portfolio):
    plans, out, done = portfolio
    wb = openpyxl.load_workbook(out)
    cell = wb["Campaigns"].cell(HEAD + 2, 1)
    assert cell.value == INJECTION and cell.data_type == "s"
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)


def test_channels_fold_across_languages(portfolio):
    plans, out, done = portfolio
    ws = openpyxl.load_workbook(out)["Channels"]
    keys = [k for k, _ in CHANNEL_COLUMNS]
    rows = [dict(zip(keys, r)) for r in ws.iter_rows(min_row=HEAD + 2, values_only=True) if r[0] is not None]
    names = {fold_name(r["channel"]) for r in rows}
    # 小红书 (zh-CN), 小紅書 (zh-TW) and Xiaohongshu (en) are one channel, in every campaign
    xhs = [r for r in rows if fold_name(r["channel"]) in (fold_name("Xiaohongshu"), fold_name("小红书"))]
    assert len(xhs) == 1 and xhs[0]["campaign_count"] == len(plans)
    assert xhs[0]["channel"] == "Xiaohongshu"  # the spec's label in the portfolio's language
    assert len(names) == len(rows)
    expected = 0
    for path in plans:
        report = promo_workbook.check(path, today=TODAY)
        figs = summary_figures(path, report, today=TODAY)
        expected += sum(c.conversions for c in figs.channels
                        if fold_name(c.name) in (fold_name("Xiaohongshu"), fold_name("小红书"), fold_name("小紅書")))
    assert xhs[0]["conversions"] == expected
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))


def test_calendar_covers_every_phase(portfolio):
    plans, out, done = portfolio
    ws = openpyxl.load_workbook(out)["Calendar"]
    listed = [(r[0], r[1], r[2].date(), r[3].date()) for r in ws.iter_rows(min_row=HEAD + 2, max_col=4, values_only=True)
              if r[0] is not None]
    expected = [(p["campaign"], name, start, end) for p in done.plans for name, start, end, _ in p["phases"]]
    # a phase is one phase in every language: 预热期 / 預熱期 / Warm-up share a key (and a colour)
    assert {key for p in done.plans for *_, key in p["phases"]} == {"warmup", "burst", "sustain"}
    assert listed == expected and len(listed) >= 3 * len(plans)
    axis = [c.value.date() for c in ws[HEAD + 1][4:] if c.value is not None]
    assert axis[0] <= min(s for _, _, s, _ in listed) and axis[-1] >= max(s for _, _, s, _ in listed)
    assert axis[0] <= TODAY <= axis[-1] + dt.timedelta(days=7)


def test_findings_list_errors_and_warnings_with_links(portfolio):
    plans, out, done = portfolio
    ws = openpyxl.load_workbook(out)["Findings"]
    rows = list(ws.iter_rows(min_row=HEAD + 2))
    severities = {r[2].value for r in rows if r[2].value}
    assert severities <= {"error", "warning"} and "error" in severities
    linked = [r[5] for r in rows if r[5].hyperlink is not None]
    # xlsxwriter stores an external link's relative path with backslashes, as Excel does
    assert linked and linked[0].hyperlink.target.replace("\\", "/").startswith("plans/plan-")
    assert linked[0].hyperlink.location.startswith("'") and "!" in linked[0].hyperlink.location


def test_rollup_command(tmp_path):
    for name in ("consistent-en.xlsx", "mistakes-zh-CN.xlsx"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    out = tmp_path / "out" / "portfolio.xlsx"
    out.parent.mkdir()
    result = CliRunner().invoke(cli, ["rollup", str(tmp_path), "-o", str(out), "--lang", "zh-CN", "--jobs", "1",
                                      "--today", "2026-03-05"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "活动总览"
    assert "wrote" in result.output
    # a portfolio in the folder is the tool's own output, not a plan
    from promo_workbook.batch import expand

    assert str(out) not in expand([tmp_path]) and is_own_output(str(out))
    refused = CliRunner().invoke(cli, ["rollup", str(tmp_path), "-o", str(out), "--jobs", "1"])
    assert refused.exit_code == 2 and "already exists; use --force" in refused.output  # one overwrite rule
    again = CliRunner().invoke(cli, ["rollup", str(tmp_path), "-o", str(out), "--jobs", "1", "--force"],
                               catch_exceptions=False)
    assert again.exit_code == 0, again.output
    bad = CliRunner().invoke(cli, ["rollup", str(tmp_path), "-o", str(tmp_path / "p.ods")])
    assert bad.exit_code == 2 and "*.xlsx" in bad.output


@pytest.mark.libreoffice
@pytest.mark.slow
@requires_libreoffice
@requires_pdftoppm
def test_portfolio_opens_and_renders_in_libreoffice(portfolio, tmp_path):
    import numpy
    from PIL import Image

    pages = pdf_to_pngs(to_pdf(portfolio[1], tmp_path), tmp_path, dpi=40)
    assert len(pages) >= 5  # a page at least per sheet
    charts = numpy.asarray(Image.open(pages[-1]).convert("RGB")).astype(int)
    navy = (abs(charts - (0x1F, 0x4E, 0x78)).max(axis=2) < 20).sum()
    assert navy > 3000  # the bars of the budget, achievement and CPA charts on the Charts page
