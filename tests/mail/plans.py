"""Plans for the mail tests: the samples, checked once, and a hostile copy of one."""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
HOSTILE_CAMPAIGN = 'Spring\r\nBcc: evil@example.com\r\n<script>alert("c")</script>'
HOSTILE_OWNER = '<b onmouseover="steal()">Wang</b>'
HOSTILE_CELL = '<img src=x onerror=alert(1)>'
SUBJECTS = {  # the sample's campaign and counts (10 errors, 9 warnings) in each language
    "zh-CN": "春季新品上市推广活动 — 计划检查：10 个错误，9 个警告",
    "zh-TW": "春季新品上市推廣活動 — 計劃檢查：10 個錯誤，9 個警告",
    "en": "Spring new product launch — plan check: 10 errors, 9 warnings",
}


def copy_sample(folder: Path, lang: str = "zh-CN", name: str | None = None) -> Path:
    """samples/mistakes-LANG.xlsx copied into ``folder`` (as ``name``): outputs land beside it."""
    target = Path(folder) / (name or f"mistakes-{lang}.xlsx")
    shutil.copyfile(SAMPLES / f"mistakes-{lang}.xlsx", target)
    return target


def hostile_plan(folder: Path) -> Path:
    """The English mistakes sample with markup and a header injection in the Cover and a cell."""
    import openpyxl

    path = copy_sample(folder, "en", "hostile.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Cover"]["C5"] = HOSTILE_CAMPAIGN
    wb["Cover"]["C12"] = HOSTILE_OWNER
    wb["Daily Metrics"]["C17"] = HOSTILE_CELL
    wb.save(path)
    return path


def checked(path: Path, lang: str | None = None):
    """(report, facts) of the plan at ``path``."""
    import promo_workbook
    from promo_workbook.mail import engine

    report = promo_workbook.check(str(path), lang=lang)
    return report, engine.facts(report, file=str(path))
