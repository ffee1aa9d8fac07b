"""Smoke: every sample through every command, as a user runs them (the installed module in a
subprocess). CI runs this file with the other `smoke`-marked tests (the CLI tests and the
golden reports) on the oldest and newest supported Python it finds."""
import csv
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from promo_workbook.reader import read

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NAMES = sorted(p.stem for p in SAMPLES.glob("*.xlsx"))
TODAY = "2026-03-20"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "promo_workbook", *map(str, args)], capture_output=True,
                          text=True, timeout=120)


def test_there_are_samples_in_every_language():
    assert {name.split("-", 1)[1] for name in NAMES} == {"en", "zh-CN", "zh-TW"}
    assert len(NAMES) == 9


@pytest.mark.parametrize("lang", ["zh-CN", "zh-TW", "en"])
def test_new_then_check(tmp_path, lang):
    out = tmp_path / f"new-{lang}.xlsx"
    made = cli("new", out, "--lang", lang, "--example", "--start", "2026-03-01")
    assert made.returncode == 0, made.stderr
    report = cli("check", out, "--format", "json", "--today", TODAY)
    assert report.returncode in (0, 1), report.stderr
    data = json.loads(report.stdout)
    assert data["stats"]["sheets"] >= 16 and isinstance(data["findings"], list)


@pytest.mark.parametrize("name", NAMES)
def test_sample_reads(name):
    plan = read(SAMPLES / f"{name}.xlsx")
    assert len(plan.tables) == 16
    assert all(len(plan.tables[key].rows) > 0 for key in ("goals", "channels", "budget"))


@pytest.mark.slow  # five processes per sample; the quick loop has tests/test_cli_outputs.py
@pytest.mark.parametrize("name", NAMES)
def test_sample_through_every_command(tmp_path, name):
    src = SAMPLES / f"{name}.xlsx"
    before = src.read_bytes()

    text = cli("check", src, "--today", TODAY)
    assert text.returncode in (0, 1), text.stderr
    assert "Traceback" not in text.stdout + text.stderr
    report = cli("check", src, "--format", "json", "--today", TODAY)
    golden = json.loads((SAMPLES / f"{name}.report.json").read_text(encoding="utf-8"))
    data = json.loads(report.stdout)
    assert [(f["code"], f["sheet"], f["cell"]) for f in data["findings"]] == \
        [(f["code"], f["sheet"], f["cell"]) for f in golden["findings"]]
    assert report.returncode == (1 if golden["stats"]["errors"] else 0)

    summary = cli("summary", src, "-o", tmp_path / "summary.xlsx", "--today", TODAY)
    assert summary.returncode == 0, summary.stderr
    assert len(openpyxl.load_workbook(tmp_path / "summary.xlsx", read_only=True).sheetnames) >= 3

    exported = cli("export", src, "--out", tmp_path / "export.json")
    assert exported.returncode == 0, exported.stderr
    tables = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))
    assert tables
    as_csv = cli("export", src, "--format", "csv", "--out", tmp_path / "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    files = sorted((tmp_path / "csv").glob("*.csv"))
    assert files
    with files[0].open(encoding="utf-8-sig", newline="") as fh:
        assert next(csv.reader(fh))

    assert src.read_bytes() == before
