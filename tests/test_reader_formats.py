"""How a package is read (issue 13): part names and targets resolved as Excel does, ambiguous
packages refused, python-calamine fed only what was scanned, inputs that are not plans named
for what they are. Built by the hostile corpus' reading cases, run through the CLI."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from promo_workbook.cli import cli
from promo_workbook.reader import read

sys.path.insert(0, str(Path(__file__).parent / "hostile"))
import build_corpus  # noqa: E402
import reading_cases  # noqa: E402

SAMPLE = build_corpus.SAMPLE


def _check(path: Path):
    return CliRunner().invoke(cli, ["check", str(path)], catch_exceptions=False)


def _rows(plan) -> dict:
    return {key: [row.to_dict() for row in table.rows] for key, table in plan.tables.items()}


@pytest.mark.parametrize("make", [reading_cases.backslash_parts, reading_cases.dotdot_targets])
def test_valid_part_names_and_targets_read_the_same_values(tmp_path, make):
    case = make(tmp_path, build_corpus)
    assert _rows(read(case.path)) == _rows(read(SAMPLE))


@pytest.mark.parametrize("make", [reading_cases.backslash_twin, reading_cases.backslash_far_cell,
                                  reading_cases.second_workbook, reading_cases.damaged_sheet,
                                  reading_cases.summary_workbook])
def test_ambiguous_damaged_or_foreign_packages_are_refused_in_one_line(tmp_path, make):
    import re

    case = make(tmp_path, build_corpus)
    result = _check(case.path)
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert str(case.path) in lines[0] and re.search(case.problem, lines[0]), lines[0]


@pytest.mark.parametrize("make", [build_corpus._no_templates, build_corpus._empty_workbook])
def test_a_workbook_without_any_table_is_not_taken_for_a_plan(tmp_path, make):
    case = make(tmp_path)
    result = _check(case.path)
    assert result.exit_code == 2
    assert f"no table of the planning toolkit in {case.path.name} (sheets: " in result.output
    assert "is this a promo-workbook plan?" in result.output


def test_an_annotated_copy_reads_as_its_plan_with_a_note(tmp_path):
    case = reading_cases.annotated_copy(tmp_path, build_corpus)
    plan = read(case.path)
    assert _rows(plan) == _rows(read(SAMPLE))
    assert any("annotated copy" in note for note in plan.notes)


def test_a_plan_the_tool_wrote_without_its_metadata_is_no_summary(tmp_path):
    """The summary is known by its title as well as the tool's mark, which plans carry too."""
    import zipfile

    out = tmp_path / "no-meta.xlsx"
    with zipfile.ZipFile(SAMPLE) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b'name="_meta"', b'name="notmeta"')
            zout.writestr(info, data)
    assert read(out).tables
