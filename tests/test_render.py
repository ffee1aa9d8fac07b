"""Looked at as a person would: LibreOffice prints the workbook to PDF, pages become PNGs.

Every sheet prints, every header is there in the printed text, no number is cut to ###,
and the Dashboard page carries its charts' colours.
"""
import re
import shutil
import subprocess

import pytest

from promo_workbook.spec import load_spec
from support.libreoffice import pdf_to_pngs, requires_libreoffice, requires_pdftoppm, to_pdf

pytestmark = [requires_libreoffice, requires_pdftoppm, pytest.mark.libreoffice]


def _pdf_text(pdf):
    exe = shutil.which("pdftotext")
    return subprocess.run([exe, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def rendered(example_books, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    result = {}
    for lang in ("zh-CN", "en"):
        pdf = to_pdf(example_books[lang], out / lang)
        result[lang] = (pdf, _pdf_text(pdf), pdf_to_pngs(pdf, out / lang, dpi=40))
    return result


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_sheet_prints_with_its_headers(rendered, lang):
    spec = load_spec()
    pdf, text, pngs = rendered[lang]
    flat = re.sub(r"\s+", "", text)
    assert len(pngs) >= 19  # Cover, Guide, Dashboard and sixteen tables
    for table in spec.tables:
        assert re.sub(r"\s+", "", table.title(lang)) in flat, table.title(lang)
        for col in table.columns:
            # Headers may wrap onto two lines; every word of them must be printed.
            for word in col.label(lang).split():
                assert word.replace(" ", "") in flat, (table.key, col.label(lang))


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_no_value_is_cut(rendered, lang):
    _, text, _ = rendered[lang]
    assert "###" not in text


def test_dashboard_draws_its_charts(rendered):
    from PIL import Image

    _, _, pngs = rendered["zh-CN"]
    dashboard = Image.open(pngs[3]).convert("RGB")  # Cover, Guide (2 pages), Dashboard
    colours = dashboard.getcolors(maxcolors=1_000_000)
    # LibreOffice's default series colours: blue 004586, orange ff420e, yellow ffd320, green 579d1c,
    # or the Office palette xlsxwriter asks for (4f81bd, c0504d, 9bbb59, 8064a2).
    saturated = sum(count for count, (r, g, b) in colours if max(r, g, b) - min(r, g, b) > 80)
    assert saturated > 2000, saturated
