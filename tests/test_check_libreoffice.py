"""The check on files saved by LibreOffice (a calculating app: cached values are trusted)."""
import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import pytest

from promo_workbook.checker import check
from support.libreoffice import recalculate, requires_libreoffice

pytestmark = [requires_libreoffice, pytest.mark.libreoffice]
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TODAY = dt.date(2026, 3, 20)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    out = tmp_path_factory.mktemp("lo-check")
    return {name: recalculate(SAMPLES / f"{name}.xlsx", out) for name in ("mistakes-en", "mistakes-zh-CN", "consistent-en")}


@pytest.mark.parametrize("name", ["mistakes-en", "mistakes-zh-CN"])
def test_mistakes_found_at_the_same_cells_after_libreoffice(saved, name):
    report = check(saved[name], today=TODAY)
    found = {(f.sheet, f.cell) for f in report.findings}
    for mistake in json.loads((SAMPLES / f"{name}.cells.json").read_text(encoding="utf-8")):
        assert (mistake["sheet"], mistake["cell"]) in found, mistake
    script = check(SAMPLES / f"{name}.xlsx", today=TODAY)
    # LibreOffice's own recalculation adds what it shows: #VALUE! where text sits in a number cell.
    extra = {(f.code, f.cell) for f in report.findings} - {(f.code, f.cell) for f in script.findings}
    assert {code for code, _ in extra} <= {"V121"}


def test_consistent_plan_stays_clean_after_libreoffice(saved):
    report = check(saved["consistent-en"], today=TODAY)
    assert [(f.code, f.cell) for f in report.findings if f.severity != "info"] == []


def test_stale_cached_value_is_reported(saved, tmp_path):
    """F141: a calculating app saved a result that no longer matches the inputs (manual calc)."""
    src = saved["consistent-en"]
    patched = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as zout:
        sheet_part = _sheet_part(zin, "Budget")
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == sheet_part:
                text = data.decode("utf-8")
                text, n = re.subn(r'(<c r="F5"[^>]*>\s*<f[^>]*>[^<]*</f>\s*<v>)[^<]*(</v>)', r"\g<1>12345\g<2>", text)
                assert n == 1
                data = text.encode("utf-8")
            zout.writestr(item, data)
    report = check(patched, today=TODAY)
    stale = [(f.code, f.sheet, f.cell, f.actual, f.expected) for f in report.findings if f.code == "F141"]
    assert stale == [("F141", "Budget", "F5", "12,345", "20,000")]
    # The same edit in a file no calculating app saved (openpyxl/xlsxwriter) is not reported.
    assert not [f for f in check(SAMPLES / "consistent-en.xlsx", today=TODAY).findings if f.code == "F141"]


def _sheet_part(zin: zipfile.ZipFile, name: str) -> str:
    workbook = zin.read("xl/workbook.xml").decode("utf-8")
    rels = zin.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    rid = re.search(rf'<sheet name="{re.escape(name)}"[^>]*r:id="([^"]+)"', workbook).group(1)
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
    path = target.group(1) or target.group(2)
    return path.lstrip("/") if path.startswith("/") else "xl/" + path
