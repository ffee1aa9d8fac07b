# words.py: what the email says, in zh-CN, zh-TW and en.
"""The email's words. Every entry has the three languages with the same {placeholders}
(tests/test_mail.py holds them to that). ``text(key, lang, **params)``; English counts are
made plural by ``count(n, word, lang)``."""
from __future__ import annotations

__all__ = ["WORDS", "text", "count", "verdict", "headline", "tally"]

WORDS = {
    "subject": {"zh-CN": "{campaign} — 计划检查：{verdict}", "zh-TW": "{campaign} — 計劃檢查：{verdict}",
                "en": "{campaign} — plan check: {verdict}"},
    "counts": {"zh-CN": "{errors} 个错误，{warnings} 个警告", "zh-TW": "{errors} 個錯誤，{warnings} 個警告",
               "en": "{errors}, {warnings}"},
    "passed": {"zh-CN": "通过，没有错误或警告", "zh-TW": "通過，沒有錯誤或警告", "en": "passed, no errors or warnings"},
    "headline.errors": {"zh-CN": "计划有 {errors} 个错误需要修改", "zh-TW": "計劃有 {errors} 個錯誤需要修改",
                        "en": "The plan has {errors} to fix"},
    "headline.warnings": {"zh-CN": "计划没有错误，有 {warnings} 个警告", "zh-TW": "計劃沒有錯誤，有 {warnings} 個警告",
                          "en": "No errors in the plan, {warnings}"},
    "headline.ok": {"zh-CN": "计划检查通过：没有错误或警告", "zh-TW": "計劃檢查通過：沒有錯誤或警告",
                    "en": "The plan passed the check: no errors or warnings"},
    "tally": {"zh-CN": "错误 {errors} · 警告 {warnings} · 提示 {infos}",
              "zh-TW": "錯誤 {errors} · 警告 {warnings} · 提示 {infos}",
              "en": "{errors} · {warnings} · {infos}"},
    "intro": {"zh-CN": "附件是“{file}”的检查总结。要点如下：", "zh-TW": "附件是「{file}」的檢查總結。要點如下：",
              "en": "Attached is the check summary of “{file}”. The main points:"},
    "section.campaign": {"zh-CN": "活动", "zh-TW": "活動", "en": "Campaign"},
    "section.figures": {"zh-CN": "关键数字", "zh-TW": "關鍵數字", "en": "Key figures"},
    "section.findings": {"zh-CN": "主要问题（{shown} 条，共 {total} 条）", "zh-TW": "主要問題（{shown} 條，共 {total} 條）",
                         "en": "Top findings ({shown} of {total})"},
    "section.note": {"zh-CN": "留言", "zh-TW": "留言", "en": "Note"},
    "field.campaign": {"zh-CN": "活动名称", "zh-TW": "活動名稱", "en": "Campaign"},
    "field.product": {"zh-CN": "推广产品", "zh-TW": "推廣產品", "en": "Product"},
    "field.dates": {"zh-CN": "活动时间", "zh-TW": "活動時間", "en": "Dates"},
    "field.owner": {"zh-CN": "负责人", "zh-TW": "負責人", "en": "Owner"},
    "field.budget": {"zh-CN": "总预算", "zh-TW": "總預算", "en": "Budget"},
    "field.file": {"zh-CN": "检查的文件", "zh-TW": "檢查的檔案", "en": "File checked"},
    "days": {"zh-CN": "共 {days} 天", "zh-TW": "共 {days} 天", "en": "{days} days"},
    "kpi.goals_met": {"zh-CN": "达成的目标", "zh-TW": "達成的目標", "en": "Goals met"},
    "kpi.goals_met_value": {"zh-CN": "{met} / {total}", "zh-TW": "{met} / {total}", "en": "{met} of {total}"},
    "kpi.achievement": {"zh-CN": "平均达成率", "zh-TW": "平均達成率", "en": "Average achievement"},
    "kpi.budget_total": {"zh-CN": "预算明细合计", "zh-TW": "預算明細合計", "en": "Budget lines total"},
    "kpi.reserve_share": {"zh-CN": "预留金占比", "zh-TW": "預留金占比", "en": "Reserve share"},
    "kpi.reserve_range": {"zh-CN": "（建议 {low}–{high}）", "zh-TW": "（建議 {low}–{high}）", "en": " (aim: {low}–{high})"},
    "kpi.conversions": {"zh-CN": "转化数", "zh-TW": "轉化數", "en": "Conversions"},
    "kpi.roi": {"zh-CN": "投资回报率（ROI）", "zh-TW": "投資報酬率（ROI）", "en": "ROI"},
    "kpi.none": {"zh-CN": "还没有可以计算的数字。", "zh-TW": "還沒有可以計算的數字。", "en": "No figures can be worked out yet."},
    "severity.error": {"zh-CN": "错误", "zh-TW": "錯誤", "en": "Error"},
    "severity.warning": {"zh-CN": "警告", "zh-TW": "警告", "en": "Warning"},
    "severity.info": {"zh-CN": "提示", "zh-TW": "提示", "en": "Info"},
    "findings.none": {"zh-CN": "没有发现问题。", "zh-TW": "沒有發現問題。", "en": "Nothing was found."},
    "findings.more": {"zh-CN": "其余 {rest} 条见附件的“{sheet}”工作表。", "zh-TW": "其餘 {rest} 條見附件的「{sheet}」工作表。",
                      "en": "The other {rest} are on the attachment's {sheet} sheet."},
    "workbook": {"zh-CN": "工作簿", "zh-TW": "活頁簿", "en": "Workbook"},
    "attached": {"zh-CN": "附件", "zh-TW": "附件", "en": "Attached"},
    "attached.summary": {"zh-CN": "总结工作簿（目标、预算、渠道、每日趋势和全部问题，附图表）",
                         "zh-TW": "總結活頁簿（目標、預算、渠道、每日趨勢和全部問題，附圖表）",
                         "en": "the summary workbook (goals, budget, channels, daily trend and every finding, with charts)"},
    "attached.annotated": {"zh-CN": "批注版（原工作簿，每个有问题的单元格已标色并加批注）",
                           "zh-TW": "批註版（原活頁簿，每個有問題的儲存格已標色並加批註）",
                           "en": "the annotated copy (the plan with each finding's cell coloured and commented)"},
    "footer": {"zh-CN": "由 promo-workbook {version} 检查并生成，{today}。", "zh-TW": "由 promo-workbook {version} 檢查並產生，{today}。",
               "en": "Checked and written by promo-workbook {version} on {today}."},
    "no_campaign": {"zh-CN": "（未填活动名称）", "zh-TW": "（未填活動名稱）", "en": "(no campaign name)"},
}

_EN_NOUNS = {"error": ("error", "errors"), "warning": ("warning", "warnings"), "info": ("info", "infos")}


# Public API.

def text(key: str, lang: str, **params) -> str:
    entry = WORDS[key]
    template = entry.get(lang) or entry["en"]
    return template.format(**params) if params else template


def count(n: int, word: str, lang: str) -> str:
    """``3`` in Chinese (the noun is in the sentence), ``3 errors`` / ``1 error`` in English."""
    number = f"{n:,}"
    if lang != "en":
        return number
    one, many = _EN_NOUNS[word]
    return f"{number} {one if n == 1 else many}"


def verdict(counts: dict, lang: str) -> str:
    """The subject's verdict: "3 个错误，5 个警告", or "passed, ..." when neither."""
    if not counts.get("error") and not counts.get("warning"):
        return text("passed", lang)
    return text("counts", lang, errors=count(counts.get("error", 0), "error", lang),
                warnings=count(counts.get("warning", 0), "warning", lang))


def headline(counts: dict, lang: str) -> tuple[str, str]:
    """The body's first line and its tone (bad, warn, good)."""
    errors, warnings = counts.get("error", 0), counts.get("warning", 0)
    if errors:
        return text("headline.errors", lang, errors=count(errors, "error", lang)), "bad"
    if warnings:
        return text("headline.warnings", lang, warnings=count(warnings, "warning", lang)), "warn"
    return text("headline.ok", lang), "good"


def tally(counts: dict, lang: str) -> str:
    return text("tally", lang, errors=count(counts.get("error", 0), "error", lang),
                warnings=count(counts.get("warning", 0), "warning", lang),
                infos=count(counts.get("info", 0), "info", lang))
