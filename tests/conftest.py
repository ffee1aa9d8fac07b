"""Shared fixtures: generated workbooks, built once per session."""
import datetime as dt

import pytest

import promo_workbook

START = dt.date(2026, 3, 1)


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
