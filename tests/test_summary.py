"""The summary workbook (issue 5): every part there, every value equal to what the checker's
view computes, no formula anywhere, user text kept as text, readable when printed, and quick
and small for a bench-size plan."""
import datetime as dt
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from fixtures_injection import ANALYSIS, CHANNEL_PREFIX, OWNER, injection_plan
from promo_workbook.checker import check
from promo_workbook.checker.lookup import fold, list_key, metric_kind
from promo_workbook.checker.recompute import budget_total, expected_value, line_amount
from promo_workbook.checker.view import from_plan
from promo_workbook.errors import SpecError, UsageError
from promo_workbook.reader import read
from promo_workbook.spec import load_spec
from promo_workbook.summary import summary_figures, write_summary
from promo_workbook.checker.render import message
from promo_workbook.summary.figures import MAX_PER_RULE
from promo_workbook.summary.words import words
from support.libreoffice import pdf_to_pngs, requires_libreoffice, requires_pdftoppm, to_pdf

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TODAY = dt.date(2026, 3, 20)
LANGS = ("zh-CN", "zh-TW", "en")
NAMES = [f"{kind}-{lang}" for kind in ("example", "consistent", "mistakes") for lang in LANGS]
KEYS = ("overview", "goals", "budget", "channels", "daily", "findings")


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """Each sample's summary, with the check's report and an independent view of the plan."""
    folder = tmp_path_factory.mktemp("summaries")
    out = {}
    for name in NAMES:
        src = SAMPLES / f"{name}.xlsx"
        report = check(src, today=TODAY)
        path = write_summary(src, report, folder / f"{name}.summary.xlsx", today=TODAY)
        view = from_plan(read(src), load_spec(), report.lang, TODAY)
        out[name] = (path, report, view)
    return out


def _load(path):
    import openpyxl

    return openpyxl.load_workbook(path)


def _t(key, lang, **values):
    return words().text(key, lang, **values)


def _num(x):
    return None if x == "—" else x


def _approx(a, b):
    if a is None or b is None:
        return a is None and b is None
    return a == pytest.approx(b, rel=1e-9, abs=1e-9)


def _table(ws, first_header, skip=0):
    """Rows under the header row whose first cell is ``first_header`` (and ``skip`` more header
    rows), up to the first row with fewer than two values."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == first_header:
                col, r = cell.column, cell.row
                headers = []
                c = col
                while ws.cell(r, c).value is not None:
                    headers.append(ws.cell(r, c).value)
                    c += 1
                rows = []
                r += 1 + skip
                while sum(ws.cell(r, col + i).value is not None for i in range(len(headers))) >= 2:
                    rows.append({h: ws.cell(r, col + i).value for i, h in enumerate(headers)})
                    r += 1
                return rows
    raise AssertionError(f"no table headed {first_header!r} on {ws.title}")


def _label_value(ws, label):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == label:
                return ws.cell(cell.row, cell.column + 1).value
    raise AssertionError(f"no {label!r} on {ws.title}")


# Structure.

@pytest.mark.parametrize("name", NAMES)
def test_sheets_are_named_in_the_plans_language(books, name):
    path, report, _ = books[name]
    lang = name.split("-", 1)[1]
    assert report.lang == lang
    assert _load(path).sheetnames == [_t(f"sheets.{k}", lang) for k in KEYS]


@pytest.mark.parametrize("name", NAMES)
def test_the_summary_holds_no_formula(books, name):
    path, _, _ = books[name]
    with zipfile.ZipFile(path) as z:
        for part in z.namelist():
            if part.startswith("xl/worksheets/sheet"):
                assert not re.search(rb"<f[ >]", z.read(part)), part


@pytest.mark.parametrize("name", NAMES)
def test_the_charts_are_there(books, name):
    path, _, _ = books[name]
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)]
        kinds = sorted(re.search(rb"<c:(barChart|pieChart|doughnutChart|lineChart)", z.read(n)).group(1).decode()
                       for n in charts)
    # goal achievement and daily conversions by channel (each on its sheet and the Overview), the
    # channel funnel (bar charts all: columns are bars upright), the budget split
    assert kinds == ["barChart"] * 5 + ["doughnutChart"]


# Values, each against the checker's own view and arithmetic.

@pytest.mark.parametrize("name", NAMES)
def test_overview(books, name):
    path, report, view = books[name]
    lang = report.lang
    ws = _load(path)[_t("sheets.overview", lang)]
    campaign = view.cover["campaign"].value
    assert ws["B1"].value == _t("common.title", lang, campaign=campaign)
    errors, warnings, infos = (f"{report.count(s):,}" for s in ("error", "warning", "info"))
    if report.count("error"):
        verdict = _t("overview.verdict_errors", lang, errors=errors, warnings=warnings, infos=infos)
    elif report.count("warning"):
        verdict = _t("overview.verdict_warnings", lang, warnings=warnings, infos=infos)
    else:
        verdict = _t("overview.verdict_ok", lang, infos=infos)
    assert ws["B4"].value == verdict
    assert _label_value(ws, _t("overview.kpis.budget_lines", lang)) == budget_total(view)
    daily = view.rows("daily")
    impressions = sum(r.num("impressions") for r in daily if r.num("impressions") is not None)
    conversions = sum(r.num("conversions") for r in daily if r.num("conversions") is not None)
    assert _label_value(ws, _t("overview.kpis.impressions", lang)) == impressions
    assert _label_value(ws, _t("overview.kpis.conversions", lang)) == conversions
    rows = _table(ws, _t("overview.completeness.number", lang))
    spec = load_spec()
    assert [r[_t("overview.completeness.table", lang)] for r in rows] == [t.title(lang) for t in spec.tables]
    for table, row in zip(spec.tables, rows):
        found = view.table(table.key)
        required = [c.key for c in table.columns if c.required]
        filled = sum(1 for r in found.rows for k in required
                     if r.cell(k) is not None and r.cell(k).status not in ("empty", "placeholder"))
        assert row[_t("overview.completeness.filled", lang)] == filled
        assert row[_t("overview.completeness.required", lang)] == len(found.rows) * len(required)
    codes = {r[_t("overview.rules.code", lang)] for r in _table(ws, _t("overview.rules.code", lang))}
    assert codes <= {f.code for f in report.findings}


@pytest.mark.parametrize("name", NAMES)
def test_goals(books, name):
    path, report, view = books[name]
    lang = report.lang
    rows = _table(_load(path)[_t("sheets.goals", lang)], _t("goals.columns.dimension", lang))
    reviews = {fold(r.text("metric")): r for r in view.rows("review") if r.text("metric")}
    goals = [r for r in view.rows("goals") if r.text("metric")]
    assert [r[_t("goals.columns.metric", lang)] for r in rows][: len(goals)] == [g.text("metric") for g in goals]
    for goal, row in zip(goals, rows):
        review = reviews.get(fold(goal.text("metric")))
        achieved = expected_value(view, "review", "achievement", review) if review else None
        assert _approx(_num(row[_t("goals.columns.achievement", lang)]), achieved)
        assert _num(row[_t("goals.columns.actual", lang)]) == (review.num("actual") if review else None)
        status = "pending" if achieved is None else "met" if achieved >= 1 - 1e-9 else "missed"
        assert row[_t("goals.columns.status", lang)] == _t(f"goals.status.{status}", lang)


@pytest.mark.parametrize("name", NAMES)
def test_budget(books, name):
    path, report, view = books[name]
    lang = report.lang
    spec = load_spec()
    ws = _load(path)[_t("sheets.budget", lang)]
    total = budget_total(view)
    assert _label_value(ws, _t("budget.totals.lines", lang)) == total
    items = _table(ws, _t("budget.items.item", lang))
    by_item = {}
    for r in view.rows("budget"):
        key = list_key(spec, "budget_item", r.text("item"))
        by_item[key] = by_item.get(key, 0) + (line_amount(view, r) or 0)
    assert items[-1][_t("budget.items.item", lang)] == _t("common.total", lang)
    for row in items[:-1]:
        key = list_key(spec, "budget_item", row[_t("budget.items.item", lang)])
        assert row[_t("budget.items.amount", lang)] == pytest.approx(by_item[key])
    reserve = by_item.get("reserve")
    assert _approx(_num(_label_value(ws, _t("budget.totals.reserve_share", lang))), reserve / total if reserve else None)
    cover = view.cover["budget"].value
    channels = _table(ws, _t("budget.channels.channel", lang))[:-1]   # the total row last
    plan = [r for r in view.rows("channels") if r.text("channel")]
    assert [c[_t("budget.channels.channel", lang)] for c in channels] == [r.text("channel") for r in plan]
    for r, row in zip(plan, channels):
        assert row[_t("budget.channels.planned", lang)] == pytest.approx(r.num("budget_share") * cover)
        lines = sum(line_amount(view, b) or 0 for b in view.rows("budget") if fold(b.text("channel")) == fold(r.text("channel")))
        assert row[_t("budget.channels.lines", lang)] == pytest.approx(lines)
        differs = any(f.code == "X271" and f.cell == r.cell("budget_share").ref for f in report.findings)
        assert row[_t("budget.channels.status", lang)] == _t(f"budget.status.{'differs' if differs else 'agrees'}", lang)


@pytest.mark.parametrize("name", NAMES)
def test_channels(books, name):
    path, report, view = books[name]
    lang = report.lang
    rows = _table(_load(path)[_t("sheets.channels", lang)], _t("channels.columns.channel", lang))
    for r in view.rows("channels"):
        name_ = r.text("channel")
        row = next(x for x in rows if x[_t("channels.columns.channel", lang)] == name_)
        daily = [d for d in view.rows("daily") if fold(d.text("channel")) == fold(name_)]
        impressions = sum(d.num("impressions") or 0 for d in daily)
        clicks = sum(expected_value(view, "daily", "clicks", d) or 0 for d in daily)
        conversions = sum(d.num("conversions") or 0 for d in daily)
        assert row[_t("channels.columns.target_impressions", lang)] == r.num("target_impressions")
        if not daily:   # no daily rows: blank, so the log-scale funnel shows a gap
            assert row[_t("channels.columns.impressions", lang)] is None
            continue
        assert row[_t("channels.columns.impressions", lang)] == impressions
        assert row[_t("channels.columns.clicks", lang)] == clicks
        assert row[_t("channels.columns.conversions", lang)] == conversions
        assert row[_t("channels.columns.cvr", lang)] == pytest.approx(conversions / clicks)
        budget = expected_value(view, "channels", "budget_amount", r)
        assert _approx(_num(row[_t("channels.columns.cpa", lang)]), budget / conversions if budget else None)
    total = rows[-1]
    assert total[_t("channels.columns.channel", lang)] == _t("common.total", lang)
    revenue = next((r.num("actual") for r in view.rows("review")
                    if metric_kind(view.spec, r.text("metric")) == "revenue" and r.num("actual") is not None), None)
    roi = _num(total[_t("channels.columns.roi", lang)])
    assert _approx(roi, revenue / budget_total(view) if revenue else None)


@pytest.mark.parametrize("name", NAMES)
def test_daily_trend(books, name):
    path, report, view = books[name]
    lang = report.lang
    rows = _table(_load(path)[_t("sheets.daily", lang)], _t("daily.columns.date", lang), skip=1)
    days = {}
    for d in view.rows("daily"):
        if d.date("date") is None:
            continue
        day = days.setdefault(d.date("date"), [0, 0, 0])
        day[0] += d.num("impressions") or 0
        day[1] += expected_value(view, "daily", "clicks", d) or 0
        day[2] += d.num("conversions") or 0
    data = [r for r in rows if isinstance(r[_t("daily.columns.date", lang)], dt.datetime)]
    assert [r[_t("daily.columns.date", lang)].date() for r in data] == sorted(days)
    for row in data:
        imp, clicks, conv = days[row[_t("daily.columns.date", lang)].date()]
        assert (row[_t("daily.columns.impressions", lang)], row[_t("daily.columns.clicks", lang)],
                row[_t("daily.columns.conversions", lang)]) == (imp, clicks, conv)


@pytest.mark.parametrize("name", NAMES)
def test_findings_sheet_lists_every_finding_with_a_link(books, name):
    path, report, _ = books[name]
    lang = report.lang
    ws = _load(path)[_t("sheets.findings", lang)]
    rows = _table(ws, _t("findings.columns.number", lang))
    assert len(rows) == len(report.findings)
    listed = {(r[_t("findings.columns.code", lang)], r[_t("findings.columns.cell", lang)],
               r[_t("findings.columns.message", lang)]) for r in rows}
    for f in report.findings:
        where = f.cell or _t("findings.row", lang, row=f.row)
        assert (f.code, where, message(f, lang)) in listed
    links = {c.hyperlink.target + "#" + (c.hyperlink.location or "") for row in ws.iter_rows() for c in row if c.hyperlink}
    for f in report.findings:
        if f.sheet and f.cell:
            assert any(t.endswith(f"{name}.xlsx#'{f.sheet}'!{f.cell}") for t in links), (f.sheet, f.cell)


def test_figures_are_the_numbers_shown():
    report = check(SAMPLES / "consistent-en.xlsx", today=TODAY)
    figs = summary_figures(SAMPLES / "consistent-en.xlsx", report, today=TODAY)
    assert figs.goals_met == 4 and len(figs.goals) == 4
    assert figs.total.impressions == 1_050_000 and figs.total.conversions == 10_500
    assert figs.budget.lines_total == 100_000 and figs.budget.reserve_share == pytest.approx(0.10)
    assert figs.roi == pytest.approx(1_575_000 / 100_000)
    assert [c.status for c in figs.completeness] == ["complete"] * 16


# User text stays text.

def test_formula_looking_user_text_is_written_as_text(tmp_path):
    plan = injection_plan(tmp_path / "injection.xlsx", "en")
    report = check(plan, today=TODAY)
    out = write_summary(plan, report, tmp_path / "summary.xlsx", today=TODAY)
    with zipfile.ZipFile(out) as z:
        for part in z.namelist():
            if part.startswith("xl/worksheets/sheet"):
                assert not re.search(rb"<f[ >]", z.read(part)), part
    values = {c.value for ws in _load(out).worksheets for row in ws.iter_rows() for c in row}
    assert OWNER in values
    assert ANALYSIS in values
    assert CHANNEL_PREFIX + "Douyin" in values
    assert any(isinstance(v, str) and v.startswith("@") for v in values)


# Printed as a person would see it.

@pytest.fixture(scope="module")
def printed(books, tmp_path_factory):
    out = tmp_path_factory.mktemp("summary-pdf")
    result = {}
    for name in ("consistent-zh-CN", "mistakes-en", "example-zh-TW"):
        pdf = to_pdf(books[name][0], out / name)
        text = subprocess.run([shutil.which("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        result[name] = (text, pdf_to_pngs(pdf, out / name, dpi=40))
    return result


@requires_libreoffice
@requires_pdftoppm
@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ("consistent-zh-CN", "mistakes-en", "example-zh-TW"))
def test_the_summary_prints_every_sheet_uncut(printed, name):
    text, pngs = printed[name]
    lang = name.split("-", 1)[1]
    flat = re.sub(r"\s+", "", text)
    assert "###" not in text
    assert len(pngs) >= 6
    for key in ("overview.completeness_title", "overview.rules_title", "goals.columns.achievement",
                "budget.items_title", "budget.channels_title", "channels.columns.cvr", "daily.columns.achievement",
                "findings.columns.message"):
        for word in _t(key, lang).split():   # headers may wrap; every word of them is printed
            assert word in flat, key


@requires_libreoffice
@requires_pdftoppm
@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ("consistent-zh-CN", "mistakes-en"))
def test_the_charts_are_drawn(printed, name):
    from PIL import Image

    _, pngs = printed[name]
    # Overview (goals, daily), Goals, Budget (doughnut), Channels (funnel), Daily trend (stacked columns)
    for page in pngs[:5]:
        image = Image.open(page).convert("RGB")
        saturated = sum(n for n, (r, g, b) in image.getcolors(maxcolors=1_000_000) if max(r, g, b) - min(r, g, b) > 80)
        assert saturated > 400, page


# Big plans, outputs, the words file.

@pytest.mark.slow
def test_a_bench_size_plan_gives_a_small_summary_quickly(tmp_path):
    """200,000 daily rows and 200,000 findings of one rule: aggregated, the list capped, under 1 MB and 2 s."""
    view, report = _bench_view(200_000)
    started = time.perf_counter()
    out = write_summary(view, report, tmp_path / "bench-summary.xlsx")
    seconds = time.perf_counter() - started
    assert out.stat().st_size < 1_000_000
    assert seconds < 2.0, seconds
    ws = _load(out)[_t("sheets.findings", "zh-CN")]
    others = len(report.findings) - 200_000
    assert ws.max_row == 4 + MAX_PER_RULE + others
    assert f"{len(report.findings):,}" in ws["B2"].value
    overview = _load(out)[_t("sheets.overview", "zh-CN")]
    row = next(r for r in overview.iter_rows(values_only=True) if "T195" in r)
    assert [v for v in row if v is not None][-1] == 200_000   # the count, last in the row


def test_outputs_never_land_on_the_input(tmp_path):
    src = tmp_path / "plan.xlsx"
    shutil.copy(SAMPLES / "consistent-en.xlsx", src)
    report = check(src, today=TODAY)
    with pytest.raises(UsageError):
        write_summary(src, report, src)
    with pytest.raises(UsageError):
        write_summary(src, report, tmp_path / "summary.csv")
    assert not list(tmp_path.glob(".~*"))


def test_the_words_file_is_loaded_strictly(tmp_path):
    from promo_workbook.spec import templates_dir

    text = (templates_dir() / "summary.yaml").read_text(encoding="utf-8")
    (tmp_path / "summary.yaml").write_text(text.replace("en: Overview}", "fr: Aperçu}"), encoding="utf-8")
    with pytest.raises(SpecError, match=r"templates/summary.yaml: sheets.overview"):
        words(str(tmp_path))
    (tmp_path / "summary.yaml").write_text(text.replace("{campaign}\"}", "{campagne}\"}", 1), encoding="utf-8")
    with pytest.raises(SpecError, match="placeholders differ"):
        words(str(tmp_path))


# Private helpers.

def _bench_view(rows: int):
    """A PlanView like the bench workbook's: the consistent plan with `rows` daily rows."""
    from promo_workbook.checker.model import Finding, Report
    from promo_workbook.checker.view import Cell, Row

    report = check(SAMPLES / "consistent-zh-CN.xlsx", today=TODAY)
    view = from_plan(read(SAMPLES / "consistent-zh-CN.xlsx"), load_spec(), "zh-CN", TODAY)
    daily = view.tables["daily"]
    channels = ["抖音", "小红书", "社群", "快手"]
    start = dt.date(2026, 3, 1)
    built = []
    for n in range(rows):
        r = 5 + n
        values = {"date": start + dt.timedelta(days=n // 3000), "channel": channels[n % 4],
                  "impressions": 20_000 + (n * 37) % 50_000, "ctr": 0.01 + (n % 40) / 1000,
                  "conversions": 100 + n % 450, "daily_target": 500}
        cells = {k: Cell(k, k, None, "A", r, raw=v, value=v, status="ok") for k, v in values.items()}
        cells["clicks"] = Cell("clicks", "clicks", None, "E", r, formula="=ROUND(C5*D5,0)", status="unreadable")
        built.append(Row(r, cells))
    daily.rows = built
    findings = [Finding("T195", "daily.change", "info", 12, daily.sheet, f"F{5 + n}", 5 + n, "转化量",
                        {"actual": "1", "expected": "2"}) for n in range(rows)]
    report = Report(file=report.file, schema_version=1, findings=findings + report.findings, sheets=20, rows=rows,
                    seconds=0.0, lang="zh-CN")
    return view, report


def test_every_text_the_code_asks_for_is_in_the_words_file():
    """Meta-test: each literal key the summary and annotate code look up exists, in every language."""
    root = Path(__file__).resolve().parent.parent / "promo_workbook"
    source = "".join(p.read_text(encoding="utf-8") for d in ("summary", "annotate") for p in (root / d).glob("*.py"))
    keys = set(re.findall(r'(?:ctx\.t|\.text)\("([a-z_]+(?:\.[a-z_]+)+)"', source))
    assert len(keys) > 40
    for key in keys:
        for lang in LANGS:
            assert words().text(key, lang, campaign="x", file="x", today="x", days=1, errors=1, warnings=1, infos=1,
                                met=1, total=1, rules=1, count=1, sheet="x", shown=1, per_rule=1, row=1, reason="x")


def test_the_summary_judges_the_reserve_by_the_checks_config(tmp_path):
    """A reserve inside the default 10-15% but outside a configured range is coloured as the
    check reports it, whether the config comes with the report's view or is given."""
    from promo_workbook.checker.config import load_config

    sample = Path(__file__).resolve().parent.parent / "samples" / "consistent-en.xlsx"
    toml = tmp_path / "strict.toml"
    toml.write_text("[check]\nreserve_min = 0.2\nreserve_max = 0.3\n", encoding="utf-8")
    config = load_config(toml)
    default = check(sample, today=dt.date(2026, 3, 20))
    strict = check(sample, today=dt.date(2026, 3, 20), config=config)
    assert summary_figures(sample, default).budget.reserve_status == "good"
    assert summary_figures(sample, strict).budget.reserve_status == "bad"
    assert summary_figures(sample, default, config=config).budget.reserve_status == "bad"
    assert any(f.code.startswith("T16") or "reserve" in f.name for f in strict.findings)
