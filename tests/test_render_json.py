"""The JSON report is laid out by hand for speed; it must be the text json.dumps writes."""
import json

from promo_workbook.checker.model import Finding, Report
from promo_workbook.checker.registry import all_rules
from promo_workbook.checker.render import finding_dict, to_json

all_rules()  # registers the rules whose messages the findings are rendered with


def _report(findings):
    return Report(file="plan.xlsx", schema_version=1, findings=findings, sheets=3, rows=10, seconds=0.5, lang="en")


def _expected(report):
    data = json.loads(to_json(_report([])))
    data["findings"] = [finding_dict(f, report.lang) for f in report.findings]
    data["valid"], data["stats"] = report.valid, {**data["stats"], "errors": report.count("error"),
                                                  "warnings": report.count("warning"), "infos": report.count("info")}
    return json.dumps(data, ensure_ascii=False, indent=2)


def test_findings_are_laid_out_as_json_dumps_would():
    findings = [
        Finding("T161", "budget.subtotal", "error", 7, "预算 \"表\"", "F5", 5, "小计\n(元)", {}, 1.5, 10**30),
        Finding("V061", "value.not-a-number", "warning", None, None, None, None, None,
                {"actual": "约五万\x01\u2028"}, float("nan"), -0.0),
        Finding("S011", "structure.missing", "info", 1, "Cover", "B2", 2, "Start", {}, True, None),
    ]
    report = _report(findings)
    assert to_json(report) == _expected(report)


def test_no_findings():
    report = _report([])
    assert json.loads(to_json(report))["findings"] == []


def test_reports_written_in_pieces_equal_the_whole_text():
    """write_json/write_text (what a big report is streamed with) give to_json/to_text exactly."""
    import datetime as dt
    import io
    from pathlib import Path

    from promo_workbook.checker import check
    from promo_workbook.checker.render import to_json, to_text, write_json, write_text

    for path in sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.xlsx")):
        report = check(path, today=dt.date(2026, 3, 20))
        out = io.StringIO()
        write_json(report, out)
        assert out.getvalue() == to_json(report) + "\n", path.name
        for colour in (False, True):
            out = io.StringIO()
            write_text(report, out, colour=colour)
            assert out.getvalue().rstrip("\n") == to_text(report, colour=colour).rstrip("\n"), path.name


def test_a_big_report_is_written_before_all_its_findings_are_laid_out():
    """write_json streams: the first findings reach the stream while later ones are still to be
    laid out (a report of 600,000 findings held whole as text costs 400 MB more)."""
    from promo_workbook.checker import render

    findings = [Finding("V082", "value.percent-scale", "error", 12, "Daily", f"D{n}", n, "CTR",
                        {"actual": 3.2}, 0.032, 3.2) for n in range(5, 5 + 3 * render._CHUNK)]
    report = _report(findings)
    laid_out, seen_at_first_write = [0], []
    items = render._json_items

    def counting(*args):
        for batch in items(*args):
            laid_out[0] += 1
            yield batch

    class Stream:
        def write(self, text):
            if '"code"' in text and not seen_at_first_write:
                seen_at_first_write.append(laid_out[0])

    render._json_items = counting
    try:
        render.write_json(report, Stream())
    finally:
        render._json_items = items
    assert laid_out[0] >= 3 and seen_at_first_write == [1]
