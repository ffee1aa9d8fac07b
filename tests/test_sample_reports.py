"""Golden reports: each sample plan's check report, in its language, as samples/*.report.json.

Regenerate after a deliberate change with `UPDATE_GOLDENS=1 python -m pytest tests/test_sample_reports.py`
and review the diff like code.
"""
import datetime as dt
import json
import os
from pathlib import Path

import pytest

from promo_workbook.checker import check
from promo_workbook.checker.render import to_json

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TODAY = dt.date(2026, 3, 20)
NAMES = [f"{kind}-{lang}" for kind in ("example", "consistent", "mistakes") for lang in ("zh-CN", "zh-TW", "en")]


def report_json(name: str) -> dict:
    report = check(SAMPLES / f"{name}.xlsx", today=TODAY)
    data = json.loads(to_json(report))
    data["file"] = f"samples/{name}.xlsx"
    data["stats"].pop("seconds")
    return data


@pytest.mark.parametrize("name", NAMES)
def test_report_matches_golden(name):
    data = report_json(name)
    golden = SAMPLES / f"{name}.report.json"
    if os.environ.get("UPDATE_GOLDENS"):
        golden.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert data == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["zh-CN", "zh-TW", "en"])
def test_mistakes_are_each_found_at_their_cell(lang):
    found = {(f["sheet"], f["cell"]) for f in report_json(f"mistakes-{lang}")["findings"]}
    for mistake in json.loads((SAMPLES / f"mistakes-{lang}.cells.json").read_text(encoding="utf-8")):
        assert (mistake["sheet"], mistake["cell"]) in found, mistake


def test_the_seeds_example_is_not_consistent():
    """The seed's worked example: what the check finds in it, and why (samples/README.md)."""
    codes = {f["code"] for f in report_json("example-zh-CN")["findings"]}
    assert {"S032", "T163", "T171", "X262", "X271", "X293"} <= codes
