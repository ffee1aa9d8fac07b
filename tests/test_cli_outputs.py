"""The command line's outputs beside the report: `check --summary/--annotate` and `summary`.

Run as a user runs them (a subprocess, the installed console script's module), checking
what lands on disk, what is printed, the exit code, and that the input is never touched.
"""
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TODAY = "2026-03-20"


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "promo_workbook", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def plan(tmp_path):
    src = tmp_path / "计划 mistakes.xlsx"  # non-ASCII and a space, as mail attachments are named
    shutil.copyfile(SAMPLES / "mistakes-zh-CN.xlsx", src)
    return src


def test_check_writes_summary_and_annotated_copy_and_keeps_its_verdict(plan, tmp_path):
    before = digest(plan)
    summary, annotated = tmp_path / "summary.xlsx", tmp_path / "checked.xlsx"
    run = cli("check", plan, "--format", "json", "--today", TODAY, "--summary", summary, "--annotate", annotated)
    report = json.loads(run.stdout)
    assert run.returncode == 1 and report["stats"]["errors"] > 0  # the outputs do not change the verdict
    assert f"wrote {summary}" in run.stderr and f"wrote {annotated}" in run.stderr
    assert digest(plan) == before
    wb = openpyxl.load_workbook(summary, read_only=True)
    assert len(wb.sheetnames) == 6 and wb.sheetnames[0] == "概览"  # the plan's language
    findings = wb[wb.sheetnames[-1]]
    codes = [r[3] for r in findings.iter_rows(min_row=5, values_only=True) if r[3]]
    assert sorted(codes) == sorted(f["code"] for f in report["findings"])
    copy = openpyxl.load_workbook(annotated)
    first = report["findings"][0]
    if first["cell"]:
        assert copy[first["sheet"]][first["cell"]].comment is not None


def test_summary_command_names_its_output_after_the_input(plan, tmp_path):
    run = cli("summary", plan.name, "--today", TODAY, "--lang", "en", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    out = tmp_path / "计划 mistakes-summary.xlsx"
    assert out.exists() and openpyxl.load_workbook(out, read_only=True).sheetnames[0] == "Overview"
    assert run.stdout == ""  # the report itself is the check command's job


@pytest.mark.parametrize("option", ["--summary", "--annotate"])
def test_an_output_onto_the_input_is_refused_before_any_work(plan, option):
    before = digest(plan)
    for spelling in (plan, plan.parent / "." / plan.name):
        run = cli("check", plan, option, spelling)
        assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1, run.stderr
        assert "input" in run.stderr and run.stdout == ""
    assert digest(plan) == before


@pytest.mark.parametrize("args, problem", [
    (["--summary", "{tmp}/out.csv"], "name it *.xlsx"),
    (["--annotate", "{tmp}/out.xlsm"], "name it *.xlsx"),
    (["--summary", "{tmp}"], "is a folder"),
])
def test_bad_output_names_are_one_line_errors(plan, tmp_path, args, problem):
    args = [a.format(tmp=tmp_path) for a in args]
    run = cli("check", plan, *args)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and problem in run.stderr, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [plan.name]


def test_summary_of_a_file_that_is_not_a_workbook(tmp_path):
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    run = cli("summary", bad, "-o", tmp_path / "s.xlsx")
    assert run.returncode == 2 and str(bad) in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "s.xlsx").exists()


def test_error_lines_never_carry_terminal_control_characters(tmp_path):
    name = tmp_path / "a\nb\x1b[2J.xlsx"
    run = cli("check", name)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "\x1b" not in run.stderr, repr(run.stderr)


def test_annotate_names_the_file_when_a_sheet_declares_an_unknown_encoding(tmp_path):
    """Found by bench/fuzz.py: the reader takes the sheet (calamine ignores the declaration),
    expat refuses it; the annotated copy must fail as one line naming the file, not a traceback."""
    import zipfile

    src = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(SAMPLES / "mistakes-en.xlsx") as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = b'<?xml version="1.0" encoding="bogus"?>' + data[data.index(b"<worksheet"):]
            zout.writestr(info, data)
    out = tmp_path / "checked.xlsx"
    run = cli("check", src, "--annotate", out, "--today", TODAY)
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith(f"promo-workbook: error: {src}: ") and "encoding" in run.stderr, run.stderr
    assert run.stderr.count("\n") == 1 and not out.exists()
