"""Shared fixtures: generated workbooks, built once per session; the smoke subset."""
import datetime as dt
from pathlib import Path

import pytest

import promo_workbook

START = dt.date(2026, 3, 1)

# The smoke subset (`pytest -m smoke`), which CI runs on the oldest and newest supported Python:
# every sample through every command, the golden reports and the CLI tests.
SMOKE_FILES = {"test_smoke.py", "test_sample_reports.py", "test_cli.py", "test_cli_outputs.py"}
# `slow`: left out of the quick development loop (`pytest -m "not slow"`): everything that starts
# LibreOffice, the hostile corpus (built and run through every command) and the fuzz smoke.
SLOW_FILES = {"test_hostile.py", "test_render.py", "test_libreoffice_recalc.py", "test_check_libreoffice.py",
              "test_libreoffice_support.py"}


def pytest_collection_modifyitems(items):
    for item in items:
        name = Path(str(item.fspath)).name
        if name in SMOKE_FILES:
            item.add_marker(pytest.mark.smoke)
        if name in SLOW_FILES or item.get_closest_marker("libreoffice") is not None:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def example_books(tmp_path_factory):
    """The --example workbook in each language, campaign 2026-03-01 .. 2026-03-15."""
    folder = tmp_path_factory.mktemp("examples")
    books = {}
    for lang in ("zh-CN", "zh-TW", "en"):
        books[lang] = promo_workbook.new_workbook(folder / f"example-{lang}.xlsx", lang=lang, example=True,
                                                  start=START, today=dt.date(2026, 2, 20))
    return books


@pytest.fixture(scope="session")
def blank_books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("blank")
    return {lang: promo_workbook.new_workbook(folder / f"blank-{lang}.xlsx", lang=lang,
                                              today=dt.date(2026, 2, 20))
            for lang in ("zh-CN", "zh-TW", "en")}
