"""Accepting a finding (docs/accepting.md): the acceptance sheet in the workbook and
`check --baseline`, through the public API and the CLI.

Plans start from the consistent English sample; a mistake is planted and accepted by writing
the acceptance sheet's rows with openpyxl (as a user fills the sheet), and once through
LibreOffice (the file saved by a spreadsheet app).
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from promo_workbook.checker import check
from promo_workbook.checker.registry import REGISTRY, all_rules
from promo_workbook.cli import cli
from promo_workbook.layout import accepted_layout, plan_layout
from promo_workbook.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 3, 20)
REASON = "The platform reports CTR in percent points"


def edit(src: Path, dst: Path, *, ctr=None, accept=(), drop_meta=False, rename=None, lang="en") -> Path:
    """A copy of ``src`` with the first daily row's CTR set to ``ctr`` and acceptance rows
    (code, cell, reason, by, date) written on the acceptance sheet."""
    spec = load_spec()
    daily = plan_layout(spec, lang)["daily"].block
    acc = accepted_layout(spec, lang).block
    wb = openpyxl.load_workbook(src)
    if ctr is not None:
        wb[daily.sheet].cell(daily.first_row + 1, daily.columns["ctr"] + 1).value = ctr
    for n, row in enumerate(accept):
        for key, value in zip(("code", "cell", "reason", "by", "date"), row):
            if isinstance(value, dt.date):
                value = dt.datetime.combine(value, dt.time())
            wb[acc.sheet].cell(acc.first_row + 1 + n, acc.columns[key] + 1).value = value
    if drop_meta:
        del wb["_meta"]
    if rename:
        wb[acc.sheet].title = rename
    wb.save(dst)
    return dst


@pytest.fixture
def plan(tmp_path):
    return ROOT / "samples" / "consistent-en.xlsx", tmp_path


def _codes(report):
    return [(f.code, f.sheet, f.cell) for f in report.findings if f.severity != "info"]


def test_accept_in_the_sheet_then_change_the_cell(plan):
    src, tmp = plan
    planted = check(edit(src, tmp / "planted.xlsx", ctr=3.2), today=TODAY)
    assert _codes(planted) == [("V082", "Daily Metrics", "D5")]
    row = ("V082", "'Daily Metrics'!D5", REASON, "Wang Min", dt.date(2026, 3, 18))
    accepted = check(edit(src, tmp / "accepted.xlsx", ctr=3.2, accept=[row]), today=TODAY)
    assert _codes(accepted) == []
    assert accepted.exit_code(strict=True) == 0
    [a] = accepted.accepted
    assert (a.finding.code, a.finding.cell, a.reason, a.by, a.date) == ("V082", "D5", REASON, "Wang Min",
                                                                       dt.date(2026, 3, 18))
    assert a.finding == next(f for f in planted.findings if f.code == "V082")
    # The cell is corrected: the acceptance no longer matches anything and says so, at its row.
    fixed = check(edit(src, tmp / "fixed.xlsx", ctr=0.032, accept=[row]), today=TODAY)
    assert fixed.accepted == []
    assert [(f.code, f.severity, f.sheet, f.cell) for f in fixed.findings if f.severity != "info"] == [
        ("S001", "warning", "Accepted findings", "B5")]


def test_an_acceptance_without_a_reason_is_a_warning_and_still_accepts(plan):
    src, tmp = plan
    report = check(edit(src, tmp / "p.xlsx", ctr=3.2, accept=[("V082", "'Daily Metrics'!D5")]), today=TODAY)
    assert [a.finding.code for a in report.accepted] == ["V082"]
    assert _codes(report) == [("S002", "Accepted findings", "C5")]


@pytest.mark.parametrize("where", ["'Daily Metrics'!D5", "=Daily Metrics!$D$5", "daily metrics!d5", "D5",
                                   "Daily Metrics", "'Daily Metrics'!5:5", ""])
def test_the_ways_to_name_a_place(plan, where):
    src, tmp = plan
    report = check(edit(src, tmp / "p.xlsx", ctr=3.2, accept=[("v082", where, REASON)]), today=TODAY)
    assert [a.finding.cell for a in report.accepted] == ["D5"]
    assert _codes(report) == []


def test_another_cell_or_sheet_does_not_match(plan):
    src, tmp = plan
    rows = [("V082", "'Daily Metrics'!D6", REASON), ("V082", "Budget!D5", REASON), ("T161", "'Daily Metrics'!D5", REASON)]
    report = check(edit(src, tmp / "p.xlsx", ctr=3.2, accept=rows), today=TODAY)
    assert report.accepted == []
    assert _codes(report) == [("V082", "Daily Metrics", "D5")] + [("S001", "Accepted findings", f"B{r}") for r in (5, 6, 7)]


def test_rules_not_run_are_neither_accepted_nor_stale(plan):
    src, tmp = plan
    path = edit(src, tmp / "p.xlsx", ctr=3.2, accept=[("V082", "'Daily Metrics'!D5", REASON)])
    assert _codes(check(path, today=TODAY, select=["T"])) == []
    assert _codes(check(path, today=TODAY, ignore=["V"])) == []
    assert _codes(check(path, today=TODAY, ignore=["S001"])) == []


def test_found_by_its_header_without_metadata_under_another_name(plan):
    src, tmp = plan
    path = edit(src, tmp / "p.xlsx", ctr=3.2, accept=[("V082", "'Daily Metrics'!D5", REASON)], drop_meta=True,
                rename="Waivers")
    report = check(path, today=TODAY)
    assert [a.finding.code for a in report.accepted] == ["V082"]
    assert not [f for f in report.findings if f.code in ("S001", "S002", "V082")]


@pytest.mark.parametrize("lang, sheet", [("zh-CN", "数据日报"), ("zh-TW", "數據日報")])
def test_chinese_plans(tmp_path, lang, sheet):
    src = ROOT / "samples" / f"consistent-{lang}.xlsx"
    path = edit(src, tmp_path / "p.xlsx", ctr=3.2, accept=[("V082", f"'{sheet}'!D5", "平台以百分点报点击率")],
                lang=lang)
    report = check(path, today=TODAY)
    assert [a.finding.code for a in report.accepted] == ["V082"]
    assert _codes(report) == []


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_cli_text_and_json(plan):
    src, tmp = plan
    path = edit(src, tmp / "p.xlsx", ctr=3.2, accept=[("V082", "'Daily Metrics'!D5", REASON, "Wang Min",
                                                        dt.date(2026, 3, 18))])
    text = _run("check", path, "--today", "2026-03-20", "--strict")
    assert text.exit_code == 0, text.output
    section = text.output.split("Accepted findings (not counted as errors or warnings)\n", 1)[1]
    assert section.startswith("  'Daily Metrics'!D5 V082 error  ")
    assert f"✓ {REASON} (Wang Min, 2026-03-18)" in section
    assert "Passed: no errors or warnings" in text.output and "(1 accepted)" in text.output
    out = _run("check", path, "--today", "2026-03-20", "--format", "json")
    assert out.exit_code == 0
    report = json.loads(out.output)
    assert json.dumps(report, ensure_ascii=False, indent=2) + "\n" == out.output  # laid out as json.dumps
    assert report["valid"] is True and report["stats"]["warnings"] == 0 and report["stats"]["accepted"] == 1
    last = report["findings"][-1]
    assert (last["code"], last["sheet"], last["cell"], last["severity"]) == ("V082", "Daily Metrics", "D5", "error")
    assert last["accepted"] == {"reason": REASON, "by": "Wang Min", "date": "2026-03-18"}
    assert all("accepted" not in f for f in report["findings"][:-1])


def test_baseline_round_trip(tmp_path):
    mistakes = ROOT / "samples" / "mistakes-en.xlsx"
    before = _run("check", mistakes, "--today", "2026-03-20", "--format", "json")
    assert before.exit_code == 1
    (tmp_path / "base.json").write_text(before.output, encoding="utf-8")
    stats = json.loads(before.output)["stats"]
    again = _run("check", mistakes, "--today", "2026-03-20", "--format", "json", "--baseline", tmp_path / "base.json",
                 "--strict")
    assert again.exit_code == 0, again.output
    report = json.loads(again.output)
    assert report["stats"]["accepted"] == stats["errors"] + stats["warnings"] + stats["infos"]
    assert (report["stats"]["errors"], report["stats"]["warnings"], report["stats"]["infos"]) == (0, 0, 0)
    assert all(f["accepted"]["reason"] == "already in the baseline report base.json" for f in report["findings"])
    text = _run("check", mistakes, "--today", "2026-03-20", "--baseline", tmp_path / "base.json").output
    assert (f"\n  {report['stats']['accepted']} more findings already in the baseline report base.json, not listed "
            "here (--format json lists them).\n") in text
    assert f"({report['stats']['accepted']} accepted)" in text
    # One more mistake since the baseline: only it counts.
    src = ROOT / "samples" / "consistent-en.xlsx"
    (tmp_path / "base2.json").write_text(_run("check", src, "--today", "2026-03-20", "--format", "json").output,
                                         encoding="utf-8")
    changed = edit(src, tmp_path / "consistent-en.xlsx", ctr=3.2)
    report = check(changed, today=TODAY, baseline=tmp_path / "base2.json")
    assert _codes(report) == [("V082", "Daily Metrics", "D5")]
    assert [a.finding.code for a in report.accepted] == [f.code for f in check(src, today=TODAY).findings]


def test_baseline_from_a_batch_report(tmp_path):
    files = [shutil.copy(ROOT / "samples" / f"mistakes-{lang}.xlsx", tmp_path) for lang in ("en", "zh-CN")]
    for fmt in ("jsonl", "json"):
        base = _run("check", *files, "--today", "2026-03-20", "--format", fmt)
        (tmp_path / f"base.{fmt}").write_text(base.output, encoding="utf-8")
        again = _run("check", *files, "--today", "2026-03-20", "--format", "jsonl", "--baseline",
                     tmp_path / f"base.{fmt}", "--strict")
        assert again.exit_code == 0, again.output
        reports = [json.loads(line) for line in again.output.splitlines()]
        assert [r["valid"] and r["stats"]["warnings"] == 0 and r["stats"]["accepted"] > 9 for r in reports] == [True] * 2


@pytest.mark.parametrize("content, words", [
    ('{"findings": 3}', "not a list of findings"),
    ('{"x": 1}', "no \"findings\""),
    ("not json", "not a JSON report"),
    (None, "cannot read the baseline"),
])
def test_a_bad_baseline_is_one_line_and_exit_2(tmp_path, content, words):
    base = tmp_path / "base.json"
    if content is not None:
        base.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(ROOT / "samples" / "consistent-en.xlsx"), "--baseline", str(base)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and str(base) in result.output and words in result.output


def test_summary_shows_accepted_findings_greyed(plan):
    src, tmp = plan
    path = edit(src, tmp / "p.xlsx", ctr=3.2, accept=[("V082", "'Daily Metrics'!D5", REASON, "Wang Min")])
    out = _run("check", path, "--today", "2026-03-20", "--summary", tmp / "s.xlsx")
    assert out.exit_code == 0, out.output
    ws = openpyxl.load_workbook(tmp / "s.xlsx")["Findings"]
    [row] = [r for r in ws.iter_rows() if any(c.value == "Accepted" for c in r)]
    cells = [c for c in row if c.value is not None]
    assert [c.value for c in cells][2:6] == ["V082", REGISTRY["V082"].name, "Daily Metrics", "D5"]
    assert cells[-1].value.endswith(f"✓ Accepted: {REASON} (Wang Min)")
    assert all(c.font.color.rgb == "FFA6A6A6" for c in cells)


def test_a_new_workbook_has_the_acceptance_sheet_with_its_metadata(tmp_path):
    from promo_workbook import new_workbook
    from promo_workbook.reader import read

    path = new_workbook(tmp_path / "new.xlsx", lang="zh-TW")
    wb = openpyxl.load_workbook(path)
    assert "檢查確認" in wb.sheetnames
    assert [c.value for c in wb["檢查確認"][4]] == ["規則代碼", "儲存格", "確認理由", "確認人", "確認日期"]
    [codes] = [d for d in wb["檢查確認"].data_validations.dataValidation if str(d.sqref) == "A5:A24"]
    assert codes.type == "list" and codes.formula1 == "List_rule_codes"
    listed = [c.value for c in next(col for col in wb["_lists"].iter_cols() if col[0].value == "rule_codes")[1:]]
    assert listed == sorted(r.code for r in all_rules()) and "S001" in listed
    assert read(path).accepted == []
    assert check(path).accepted == []


@pytest.mark.libreoffice
def test_accept_and_change_the_cell_in_libreoffice(plan):
    """The round trip as a user makes it: the cells typed in LibreOffice (through UNO) and the
    file saved by it, then the planted cell corrected there."""
    from fixtures import lo_edit
    from support.libreoffice import requires_uno

    if requires_uno.args[0]:
        pytest.skip(requires_uno.kwargs["reason"])
    src, tmp = plan
    accept = [{"op": "set", "sheet": "Accepted findings", "cell": ref, "value": value} for ref, value in (
        ("A5", "V082"), ("B5", "'Daily Metrics'!D5"), ("C5", REASON), ("D5", "Wang Min"), ("E5", "2026-03-18"))]
    typed = lo_edit.edit(src, tmp / "typed.xlsx", [{"op": "set", "sheet": "Daily Metrics", "cell": "D5", "value": 3.2},
                                                   *accept])
    report = check(typed, today=TODAY)
    assert [(a.finding.code, a.finding.cell, a.reason, a.by, a.date) for a in report.accepted] == [
        ("V082", "D5", REASON, "Wang Min", dt.date(2026, 3, 18))]
    assert _codes(report) == []
    fixed = lo_edit.edit(typed, tmp / "fixed.xlsx", [{"op": "set", "sheet": "Daily Metrics", "cell": "D5",
                                                      "value": 0.032}])
    report = check(fixed, today=TODAY)
    assert report.accepted == []
    assert _codes(report) == [("S001", "Accepted findings", "B5")]


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient` is deprecated")
def test_the_web_report_lists_accepted_findings(plan):
    from web import requires_web

    if requires_web.args[0]:
        pytest.skip(requires_web.kwargs["reason"])
    from fastapi.testclient import TestClient

    from promo_workbook.web import create_app
    from promo_workbook.web.config import WebSettings

    src, tmp = plan
    path = edit(src, tmp / "p.xlsx", ctr=3.2, accept=[("V082", "'Daily Metrics'!D5", "<b>" + REASON + "</b>", "Wang Min")])
    with TestClient(create_app(WebSettings(work_dir=str(tmp / "desk"), max_concurrent_checks=1))) as client:
        html = client.post("/check", files={"file": ("p.xlsx", path.read_bytes())}).text
    section = html.split('id="accepted"', 1)[1].split("</section>", 1)[0]
    assert "Accepted findings (1, not counted as errors or warnings)" in section
    assert "&lt;b&gt;" + REASON + "&lt;/b&gt; · Wang Min" in section  # the reason is text, never markup
    assert "&#39;Daily Metrics&#39;!D5" in section and 'href="/rules/V082"' in section
    assert 'class="finding sev-warning"' not in html


def test_the_annotated_copy_marks_accepted_findings_in_grey(plan):
    from promo_workbook.annotator import FILLS

    src, tmp = plan
    path = edit(src, tmp / "p.xlsx", ctr=3.2, accept=[("V082", "'Daily Metrics'!D5", REASON)])
    out = _run("check", path, "--today", "2026-03-20", "--annotate", tmp / "a.xlsx")
    assert out.exit_code == 0, out.output
    cell = openpyxl.load_workbook(tmp / "a.xlsx")["Daily Metrics"]["D5"]
    assert cell.fill.fgColor.rgb == FILLS["accepted"] != FILLS["warning"]
    assert cell.comment.text.startswith("[V082 accepted] ") and cell.comment.text.endswith(f"✓ {REASON}")


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient` is deprecated")
def test_the_web_takes_a_baseline_report(tmp_path):
    from web import requires_web

    if requires_web.args[0]:
        pytest.skip(requires_web.kwargs["reason"])
    from fastapi.testclient import TestClient

    from promo_workbook.web import create_app
    from promo_workbook.web.config import WebSettings

    mistakes = ROOT / "samples" / "mistakes-en.xlsx"
    base = _run("check", mistakes, "--today", "2026-03-20", "--format", "json").output.encode()
    plan = ("file", ("mistakes-en.xlsx", mistakes.read_bytes()))
    with TestClient(create_app(WebSettings(work_dir=str(tmp_path / "desk"), max_concurrent_checks=1))) as client:
        report = client.post("/api/check", files=[plan, ("baseline", ("old.json", base))],
                             data={"today": "2026-03-20"}).json()
        html = client.post("/check", files=[plan, ("baseline", ("old.json", base))]).text
        bad = client.post("/api/check", files=[plan, ("baseline", ("old.json", b'{"x": 1}'))])
    stats = json.loads(base)["stats"]
    assert report["valid"] and report["stats"]["accepted"] == stats["errors"] + stats["warnings"] + stats["infos"]
    assert 'id="accepted"' in html and 'class="finding sev-error"' not in html
    assert bad.status_code == 422 and "the baseline is not a JSON report" in bad.json()["error"]
    assert str(tmp_path) not in bad.json()["error"]
