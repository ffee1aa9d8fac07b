"""Every rule fires on a bad example and stays silent on a good one (tests/rules/cases.yaml).

Cases start from the fully consistent sample plan, change a few cells with openpyxl (a file
filled by a script: no cached values), and compare the findings of the case's rule.
"""
import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
import yaml

from promo_workbook.checker import check
from promo_workbook.checker.config import DEFAULTS, load_config
from promo_workbook.checker.registry import all_rules
from promo_workbook.layout import accepted_layout, plan_layout
from promo_workbook.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
CASES = yaml.safe_load((Path(__file__).parent / "rules" / "cases.yaml").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 3, 20)


def _case_id(case):
    return f"{case['rule']}-{case.get('name', 'fires' if case['expect'] else 'silent').replace(' ', '-')}"


def apply_edits(src: Path, dst: Path, lang: str, edits: list) -> Path:
    spec = load_spec()
    layouts = {**plan_layout(spec, lang, example=False), "accepted": accepted_layout(spec, lang)}
    wb = openpyxl.load_workbook(src)

    def sheet_of(key):
        return wb[layouts[key].block.sheet]

    def put(ws, row, col, value):
        if isinstance(value, dt.date):
            value = dt.datetime.combine(value, dt.time())
        ws.cell(row, col).value = value

    for edit in edits:
        if isinstance(edit, list):
            table, column, n, value = edit
            block = layouts[table].block
            put(sheet_of(table), block.first_row + n, block.columns[column] + 1, value)
        elif "total" in edit:
            table, column, value = edit["total"]
            block = layouts[table].block
            put(sheet_of(table), block.totals_row + 1, block.columns[column] + 1, value)
        elif "clear" in edit:
            tl = layouts[edit["clear"]]
            ws = sheet_of(edit["clear"])
            for col in tl.table.columns:
                if not col.derived:
                    for row in range(tl.block.first_row + 1, tl.block.last_row + 2):
                        ws.cell(row, tl.block.columns[col.key] + 1).value = None
        elif "delete_sheet" in edit:
            del wb[layouts[edit["delete_sheet"]].block.sheet]
        elif "drop_meta" in edit:
            del wb["_meta"]
        elif "header" in edit:
            table, column, text = edit["header"]
            sheet_of(table).cell(layouts[table].block.first_row, layouts[table].block.columns[column] + 1).value = text
        elif "cover" in edit:
            field, value = edit["cover"]
            fields = [f["key"] for f in spec.workbook["cover"]["fields"]]
            put(wb[spec.workbook["sheets"]["cover"](lang)], 5 + fields.index(field), 3, value)
        else:
            raise ValueError(f"unknown edit {edit}")
    wb.save(dst)
    return dst


def _config(overrides):
    config = load_config()
    for section, values in (overrides or {}).items():
        config[section].update(values)
    return config


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_rule_case(case, tmp_path):
    lang = case.get("lang", "en")
    src = ROOT / "samples" / f"consistent-{lang}.xlsx"
    path = apply_edits(src, tmp_path / "case.xlsx", lang, case["edits"])
    report = check(path, today=TODAY, config=_config(case.get("config")))
    found = sorted([f.code, f.template, f.cell] for f in report.findings if f.code == case["rule"])
    assert found == sorted(case["expect"]), [(f.code, f.cell, f.severity) for f in report.findings]


def test_every_rule_has_a_firing_case():
    fired = {c["rule"] for c in CASES if c["expect"]}
    assert {r.code for r in all_rules()} <= fired | {"F141"}  # F141 needs a calculating app: test_check.py


@pytest.mark.parametrize("lang", ["zh-CN", "zh-TW", "en"])
def test_consistent_plan_has_no_errors_or_warnings(lang):
    report = check(ROOT / "samples" / f"consistent-{lang}.xlsx", today=TODAY)
    serious = [(f.code, f.sheet, f.cell) for f in report.findings if f.severity != "info"]
    assert serious == []
    assert report.exit_code(strict=True) == 0


def test_registry_is_honest():
    codes = [r.code for r in all_rules()]
    assert len(codes) == len(set(codes))
    items = {r.item for r in all_rules()}
    assert items == set(range(0, 34))  # every docs/checks.md item; 0: the acceptance sheet
    for rule in all_rules():
        assert re.fullmatch(r"[SVFTXB]\d{3}", rule.code)
        assert rule.severity in ("error", "warning", "info")
        assert re.fullmatch(r"[a-z]+(\.[a-z0-9-]+)+", rule.name), rule.name
        assert rule.what and rule.why and rule.bad and rule.good, rule.code
        placeholders = {lang: set(re.findall(r"\{(\w+)\}", text)) for lang, text in rule.messages.items()}
        assert set(placeholders) == {"zh-CN", "zh-TW", "en"}, rule.code
        assert placeholders["zh-CN"] == placeholders["zh-TW"] == placeholders["en"], rule.code


def test_config_defaults_are_documented():
    from promo_workbook.checker import config

    for values in DEFAULTS.values():
        for key in values:
            assert key in config.__doc__, key
