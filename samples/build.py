"""Build the sample workbooks: the seed's worked example, a complete consistent plan, and the
same plan with typical mistakes at known cells.

    python samples/build.py [--lang zh-CN|zh-TW|en|all] [--out DIR]

Each workbook starts as ``promo_workbook.new_workbook(...)``; the plans are then filled with
openpyxl by table key and column key (positions from ``promo_workbook.layout``), so the
generator's formulas stay exactly as it wrote them. The mistakes are listed in
``mistakes-<lang>.cells.json`` and in README.md, both written from ``MISTAKES`` below.
Output is byte-for-byte the same run to run.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import re
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))  # this checkout's package, not an installed copy

import promo_workbook  # noqa: E402
from promo_workbook import atomic  # noqa: E402
from promo_workbook.formulas import cell as a1  # noqa: E402
from promo_workbook.layout import TableLayout, plan_layout  # noqa: E402
from promo_workbook.spec import LANGUAGES, Spec, load_spec  # noqa: E402
from promo_workbook.writer.cover import FIRST_FIELD_ROW, VALUE_COL  # noqa: E402

SAMPLES = Path(__file__).resolve().parent
START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 15)
TODAY = dt.date(2026, 3, 20)
BUDGET = 100_000
FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # zip entries and "modified", so files are reproducible


# Public API.

def build(lang: str, out: Path) -> list[Path]:
    """Write example-, consistent- and mistakes-<lang> (.xlsx, and the mistakes' .cells.json)."""
    out.mkdir(parents=True, exist_ok=True)
    written = [promo_workbook.new_workbook(out / f"example-{lang}.xlsx", lang=lang, example=True,
                                           start=START, end=END, today=TODAY)]
    book = _consistent_book(lang)
    written.append(_save(book.wb, out / f"consistent-{lang}.xlsx"))
    cells = [m.apply(book) for m in MISTAKES]
    written.append(_save(book.wb, out / f"mistakes-{lang}.xlsx"))
    cells_path = out / f"mistakes-{lang}.cells.json"
    with atomic.output(cells_path) as tmp:
        tmp.write_text(json.dumps(cells, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    written.append(cells_path)
    return written


def build_all(out: Path = SAMPLES, langs: tuple[str, ...] = LANGUAGES) -> list[Path]:
    written = [path for lang in langs for path in build(lang, out)]
    readme = out / "README.md"
    with atomic.output(readme) as tmp:
        tmp.write_text(readme_text(), encoding="utf-8")
    return written + [readme]


def plan_layouts(lang: str) -> tuple[int | None, dict[str, TableLayout]]:
    """The ``rows`` option the plans are generated with, and the layout that gives."""
    spec = load_spec()
    rows = None if plan_layout(spec, lang)["daily"].rows >= len(daily_rows()) else len(daily_rows())
    return rows, plan_layout(spec, lang, rows)


class Day(NamedTuple):
    """One row of the daily metrics."""

    date: dt.date
    channel: int  # index into CHANNELS
    impressions: int
    ctr: float
    conversions: int
    target: int


def daily_rows() -> list[Day]:
    """One row per day and channel, ordered by date, then channel.

    Each channel's actuals are 105% of its plan, spread over the days by a smooth curve
    (3-day warm-up, 7-day peak, 5-day follow-through), so every day's achievement is ~105%.
    """
    per_channel = []
    for ch in CHANNELS:
        weights = ch["curve"]
        per_channel.append((_spread(ch["impressions"] * 105 // 100, weights),
                            _spread(ch["conversions"] * 105 // 100, weights),
                            _spread(ch["conversions"], weights)))
    rows = []
    for day in range((END - START).days + 1):
        for i, ch in enumerate(CHANNELS):
            imps, convs, targets = per_channel[i]
            rows.append(Day(START + dt.timedelta(days=day), i, imps[day], ch["ctr"], convs[day], targets[day]))
    return rows


# The consistent plan. Texts are {zh-CN, zh-TW, en}; zh-TW written by hand in the seed's
# characters. P("wang") is a person, C(0) a channel name, L(list, key) a dropdown label.

def T(zh_cn: str, zh_tw: str, en: str) -> dict:
    return {"zh-CN": zh_cn, "zh-TW": zh_tw, "en": en}


@dataclass(frozen=True)
class P:
    key: str


@dataclass(frozen=True)
class C:
    index: int


@dataclass(frozen=True)
class L:
    list: str
    key: str


PEOPLE = {
    "wang": T("王敏", "王敏", "Wang Min"), "li": T("李娜", "李娜", "Li Na"),
    "zhang": T("张伟", "張偉", "Zhang Wei"), "liu": T("刘洋", "劉洋", "Liu Yang"),
    "chen": T("陈静", "陳靜", "Chen Jing"), "zhao": T("赵磊", "趙磊", "Zhao Lei"),
    "zhou": T("周婷", "周婷", "Zhou Ting"),
}

CHANNELS = [
    {"name": T("抖音", "抖音", "Douyin"), "impressions": 500_000, "conversions": 5_000, "share": 0.4,
     "ctr": 0.032, "curve": [50, 62, 71, 88, 97, 103, 108, 112, 101, 93, 82, 71, 63, 58, 51],
     "format": T("信息流广告+KOL合作(10万粉)", "信息流廣告+KOL合作(10萬粉)", "In-feed ads + KOL (100k followers)"),
     "owner": P("zhang")},
    {"name": T("小红书", "小紅書", "Xiaohongshu"), "impressions": 300_000, "conversions": 3_000, "share": 0.3,
     "ctr": 0.028, "curve": [60, 68, 73, 79, 86, 91, 94, 99, 92, 87, 83, 78, 74, 70, 66],
     "format": T("KOC种草笔记(50篇)+笔记加热", "KOC種草筆記(50篇)+筆記加熱", "KOC notes (50 posts) + boosting"),
     "owner": P("li")},
    {"name": T("社群", "社群", "Communities"), "impressions": 200_000, "conversions": 2_000, "share": 0.2,
     "ctr": 0.05, "curve": [40, 52, 61, 77, 88, 96, 101, 104, 99, 95, 89, 82, 76, 68, 62],
     "format": T("福利通知+邀请裂变", "福利通知+邀請裂變", "Perk announcements + referrals"),
     "owner": P("chen")},
]
SALES_TARGET = sum(ch["conversions"] for ch in CHANNELS)          # 10,000
IMPRESSIONS_TARGET = sum(ch["impressions"] for ch in CHANNELS)    # 1,000,000
PRICE = 150  # average order value: GMV target = 10,000 x 150
CAC_TARGET, CAC_ACTUAL, NEW_CUSTOMERS = 50, 40, 2_500             # 100,000 / 2,500 = 40

SEPARATORS = {"zh-CN": "、", "zh-TW": "、", "en": ", "}

COVER = {
    "campaign": T("春季新品上市推广活动", "春季新品上市推廣活動", "Spring new product launch"),
    "product": T("智能恒温杯X1", "智能恆溫杯X1", "Smart thermo mug X1"),
    "scenario": L("scenario", "new_product"),
    "owner": P("wang"),
}

SWOT = [
    T("恒温技术获两项专利,老用户复购率35%", "恆溫技術獲兩項專利,老用戶復購率35%",
      "Two patents on temperature control; 35% repeat purchase among existing users"),
    T("新品知名度低,总预算仅10万元", "新品知名度低,總預算僅10萬元", "New product little known; total budget only 100,000"),
    T("竞品A品牌近期售后负面集中,春季换新需求上升", "競品A品牌近期售後負面集中,春季換新需求上升",
      "Brand A's recent after-sales complaints; spring replacement demand rising"),
    T("3月同类新品集中上市,抖音获客成本同比上涨20%", "3月同類新品集中上市,抖音獲客成本同比上漲20%",
      "Several similar launches in March; Douyin acquisition cost up 20% year on year"),
]

PERSONA = [
    T("年龄:25-35岁;性别:女占比60%;地域:一二线城市占比70%(访谈12人,问卷260份)",
      "年齡:25-35歲;性別:女性佔比60%;地域:一二線城市佔比70%(訪談12人,問卷260份)",
      "Age 25-35; 60% women; 70% in tier-1 and tier-2 cities (12 interviews, 260 survey answers)"),
    T("活跃时段:19:00-22:00;偏好渠道:{channels};消费习惯:注重性价比,爱凑单",
      "活躍時段:19:00-22:00;偏好渠道:{channels};消費習慣:注重性價比,愛湊單",
      "Active 19:00-22:00; preferred channels: {channels}; value-conscious, likes bundling orders"),
    T("希望一键设定温度、续航一周,担心售后维修慢", "希望一鍵設定溫度、續航一週,擔心售後維修慢",
      "Wants one-touch temperature setting and a week of battery; worried about slow repairs"),
    T("真人实测视频、办公室场景种草笔记、优惠攻略", "真人實測影片、辦公室場景種草筆記、優惠攻略",
      "Real-user test videos, office-life recommendation notes, deal guides"),
]

COMPETITORS = [
    {"competitor": T("A品牌", "A品牌", "Brand A"),
     "theme": T("“春季焕新直降200”", "“春季煥新直降200”", "“Spring refresh: 200 off”"),
     "channels": T("抖音信息流、京东首页", "抖音信息流、京東首頁", "Douyin in-feed ads, JD.com home page"),
     "offer": T("满599减200", "滿599減200", "200 off orders over 599"),
     "feedback": T("“规则复杂,券难抢”", "“規則複雜,券難搶”", "“Rules too complex, coupons hard to get”"),
     "differentiation": T("无门槛直降券,规则一句话讲清", "無門檻直降券,規則一句話講清",
                          "No-minimum coupons; rules in one sentence")},
    {"competitor": T("B品牌", "B品牌", "Brand B"),
     "theme": T("“老用户邀请返利”", "“老用戶邀請返利”", "“Invite a friend, get cash back”"),
     "channels": T("社群、公众号", "社群、公眾號", "Communities, WeChat official account"),
     "offer": T("邀请1人返50元", "邀請1人返50元", "50 back per invited user"),
     "feedback": T("“返利周期长”", "“返利週期長”", "“Cash back takes too long”"),
     "differentiation": T("邀请返利24小时到账", "邀請返利24小時到帳", "Referral cash back paid within 24 hours")},
    {"competitor": T("C品牌", "C品牌", "Brand C"),
     "theme": T("“达人测评季”", "“達人測評季”", "“Creator review season”"),
     "channels": T("小红书、B站", "小紅書、B站", "Xiaohongshu, Bilibili"),
     "offer": T("买一送杯套", "買一送杯套", "Free sleeve with every mug"),
     "feedback": T("“测评千篇一律,不可信”", "“測評千篇一律,不可信”", "“Reviews all look alike, hard to trust”"),
     "differentiation": T("真实用户7天实测笔记", "真實用戶7天實測筆記", "7-day real-user test notes")},
]

GOALS = [
    {"dimension": L("goal_dimension", "business"), "metric": T("销量", "銷量", "Units sold"),
     "target": SALES_TARGET, "unit": T("单", "單", "orders"), "direction": L("direction", "higher"),
     "measure": T("活动期间实际下单量", "活動期間實際下單量", "Orders placed during the campaign"),
     "owner": P("wang"), "deadline": END},
    {"dimension": L("goal_dimension", "user"), "metric": T("新客获取成本", "新客獲取成本", "New-customer acquisition cost"),
     "target": CAC_TARGET, "unit": T("元/人", "元/人", "CNY/person"), "direction": L("direction", "lower"),
     "measure": T("活动新增用户成本总和/新增用户数", "活動新增用戶成本總和/新增用戶數",
                  "Total cost of new users / number of new users"),
     "owner": P("li"), "deadline": END},
    {"dimension": L("goal_dimension", "brand"), "metric": T("曝光量", "曝光量", "Impressions"),
     "target": IMPRESSIONS_TARGET, "unit": T("次", "次", "views"), "direction": L("direction", "higher"),
     "measure": T("各渠道曝光量总和", "各渠道曝光量總和", "Sum of impressions over all channels"),
     "owner": P("zhang"), "deadline": END},
    {"dimension": L("goal_dimension", "business"), "metric": L("revenue_metric", "gmv"),
     "target": SALES_TARGET * PRICE, "unit": T("元", "元", "CNY"), "direction": L("direction", "higher"),
     "measure": T("活动期间支付成交金额", "活動期間支付成交金額", "Paid order value during the campaign"),
     "owner": P("wang"), "deadline": END},
]

RHYTHM = [
    {"phase": L("phase", "warmup"), "start": dt.date(2026, 3, 1), "end": dt.date(2026, 3, 3),
     "tasks": T("发布悬念海报、社群预告、小红书笔记首发", "發布懸念海報、社群預告、小紅書筆記首發",
                "Teaser posters, community announcements, first Xiaohongshu notes"),
     "owner": P("li"), "deliverables": T("悬念海报3张、社群话术1份、笔记10篇", "懸念海報3張、社群話術1份、筆記10篇",
                                         "3 teaser posters, 1 community script, 10 notes")},
    {"phase": L("phase", "burst"), "start": dt.date(2026, 3, 4), "end": dt.date(2026, 3, 10),
     "tasks": T("开启抖音直播带货、发放大额券、KOL视频投放", "開啟抖音直播帶貨、發放大額券、KOL影片投放",
                "Douyin live-stream sales, big coupons, KOL videos"),
     "owner": P("zhang"), "deliverables": T("直播脚本7份、优惠券配置、KOL视频2条", "直播腳本7份、優惠券配置、KOL影片2支",
                                            "7 live-stream scripts, coupon set-up, 2 KOL videos")},
    {"phase": L("phase", "sustain"), "start": dt.date(2026, 3, 11), "end": dt.date(2026, 3, 15),
     "tasks": T("发放复购券、用户回访、社群晒单活动", "發放復購券、用戶回訪、社群曬單活動",
                "Repeat-purchase coupons, customer calls, community photo contest"),
     "owner": P("chen"), "deliverables": T("复购券模板、回访话术、晒单活动规则", "復購券模板、回訪話術、曬單活動規則",
                                           "Coupon template, call script, contest rules")},
]

BUDGET_LINES = [  # every line is quantity x unit price exactly; lines tied to a channel add up to its share
    {"item": L("budget_item", "channel"), "details": T("抖音信息流广告(按千次曝光计费)", "抖音信息流廣告(按千次曝光計費)",
                                                       "Douyin in-feed ads (per thousand impressions)"),
     "quantity": 500, "quantity_unit": T("千次", "千次", "thousand"), "unit_price": 40, "owner": P("zhang"), "channel": C(0)},
    {"item": L("budget_item", "channel"), "details": T("抖音KOL合作(10万粉,含短视频制作)", "抖音KOL合作(10萬粉,含短影片製作)",
                                                       "Douyin KOL (100k followers, video production included)"),
     "quantity": 1, "quantity_unit": T("人", "人", "person"), "unit_price": 20_000, "owner": P("zhang"), "channel": C(0)},
    {"item": L("budget_item", "channel"), "details": T("小红书KOC种草笔记", "小紅書KOC種草筆記", "Xiaohongshu KOC notes"),
     "quantity": 50, "quantity_unit": T("篇", "篇", "posts"), "unit_price": 500, "owner": P("li"), "channel": C(1)},
    {"item": L("budget_item", "channel"), "details": T("小红书笔记加热", "小紅書筆記加熱", "Xiaohongshu note boosting"),
     "quantity": 10, "quantity_unit": T("次", "次", "boosts"), "unit_price": 500, "owner": P("li"), "channel": C(1)},
    {"item": L("budget_item", "channel"), "details": T("社群邀请裂变返利(邀请1人返50元)", "社群邀請裂變返利(邀請1人返50元)",
                                                       "Community referral cash back (50 per invite)"),
     "quantity": 200, "quantity_unit": T("人", "人", "invites"), "unit_price": 50, "owner": P("chen"), "channel": C(2)},
    {"item": L("budget_item", "channel"), "details": T("社群福利券与运营(含海报物料、兼职客服)", "社群福利券與營運(含海報物料、兼職客服)",
                                                       "Community perks and running (posters, part-time service included)"),
     "quantity": 10, "quantity_unit": T("天", "天", "days"), "unit_price": 1_000, "owner": P("chen"), "channel": C(2)},
    {"item": L("budget_item", "reserve"), "details": T("风险备用金(追加投放、故障补偿)", "風險備用金(追加投放、故障補償)",
                                                       "Contingency (extra spend, outage compensation)"),
     "quantity": 1, "quantity_unit": T("项", "項", "lot"), "unit_price": 10_000, "owner": P("wang")},
]

MATERIALS = [  # all due before the warm-up starts on 03-01, all done (today is 03-20)
    {"material": T("活动主视觉图", "活動主視覺圖", "Campaign key visual"), "spec": T("1080*1920px,JPG格式", "1080*1920px,JPG格式", "1080*1920 px, JPG"),
     "due": dt.date(2026, 2, 24), "owner": P("zhao")},
    {"material": T("悬念海报", "懸念海報", "Teaser posters"), "spec": T("3张,1080*1440px", "3張,1080*1440px", "3 posters, 1080*1440 px"),
     "due": dt.date(2026, 2, 25), "owner": P("zhao")},
    {"material": T("优惠券模板", "優惠券模板", "Coupon template"), "spec": T("面额50元,有效期7天", "面額50元,有效期7天", "50 off, valid 7 days"),
     "due": dt.date(2026, 2, 26), "owner": P("chen")},
    {"material": T("直播短视频", "直播短影片", "Live-stream short video"), "spec": T("15-30秒,MP4格式", "15-30秒,MP4格式", "15-30 s, MP4"),
     "due": dt.date(2026, 2, 27), "owner": P("zhou")},
    {"material": T("直播脚本", "直播腳本", "Live-stream scripts"), "spec": T("7场,每场2小时", "7場,每場2小時", "7 shows of 2 hours"),
     "due": dt.date(2026, 2, 27), "owner": P("zhang")},
]

CHECKLIST = [
    {"check": T("所有物料内容审核(无错别字、信息准确)", "所有物料內容審核(無錯別字、資訊準確)", "All materials proofread (no typos, facts right)"),
     "owner": P("wang"), "notes": T("终审通过并归档", "終審通過並歸檔", "Final sign-off, filed")},
    {"check": T("直播设备测试(网络、摄像头、麦克风)", "直播設備測試(網路、攝影機、麥克風)", "Live-stream equipment tested (network, camera, microphone)"),
     "owner": P("liu"), "notes": T("已更换备用麦克风并复测", "已更換備用麥克風並複測", "Spare microphone replaced and retested")},
    {"check": T("各渠道上线时间确认", "各渠道上線時間確認", "Go-live time confirmed with every channel"),
     "owner": P("zhang"), "notes": T("三个渠道排期已书面确认", "三個渠道排期已書面確認", "All three schedules confirmed in writing")},
    {"check": T("客服团队培训完成", "客服團隊培訓完成", "Customer-service team trained"),
     "owner": P("chen"), "notes": T("6名客服完成话术培训", "6名客服完成話術培訓", "6 agents trained on the scripts")},
    {"check": T("活动页面与支付压力测试", "活動頁面與支付壓力測試", "Landing page and payment load-tested"),
     "owner": P("liu"), "notes": T("5000并发通过", "5000並發通過", "Passed at 5,000 concurrent users")},
]

RISKS = [
    {"risk_type": L("risk_type", "tech"), "trigger": T("H5页面无法加载/支付失败", "H5頁面無法載入/支付失敗", "Landing page won't load / payment fails"),
     "response": T("技术立即排查,2小时内修复;社群发布安抚话术并发放5元无门槛券", "技術立即排查,2小時內修復;社群發布安撫話術並發放5元無門檻券",
                   "Tech fixes within 2 hours; apology in the communities and a 5-yuan no-minimum coupon"),
     "owner": P("liu")},
    {"risk_type": L("risk_type", "resource"), "trigger": T("KOL素材延期24小时未提交", "KOL素材延期24小時未提交", "KOL content 24 hours late"),
     "response": T("启动备用KOL(同级别),调整排期,优先保证核心渠道上线", "啟動備用KOL(同級別),調整排期,優先保證核心渠道上線",
                   "Switch to a backup KOL of the same tier; keep the core channels on time"),
     "owner": P("zhang")},
    {"risk_type": L("risk_type", "pr"), "trigger": T("单日负面评论超50条", "單日負面評論超50條", "More than 50 negative comments in a day"),
     "response": T("客服2小时内响应,公关同步发布官方声明", "客服2小時內回應,公關同步發布官方聲明",
                   "Customer service answers within 2 hours; PR issues a statement"),
     "owner": P("zhou")},
    {"risk_type": L("risk_type", "conversion"), "trigger": T("爆发期连续2天转化低于日目标70%", "爆發期連續2天轉化低於日目標70%",
                                                             "Peak-phase conversions below 70% of target two days running"),
     "response": T("动用风险备用金追加抖音信息流投放,加大优惠力度", "動用風險備用金追加抖音信息流投放,加大優惠力度",
                   "Spend the contingency on more Douyin in-feed ads; raise the offer"),
     "owner": P("wang")},
]

PROGRESS = [
    {"date": dt.date(2026, 3, 1), "planned": T("发布悬念海报、社群预告", "發布懸念海報、社群預告", "Teaser posters and community announcement"),
     "actual": T("3张海报按时发布,预告触达1.2万人", "3張海報按時發布,預告觸達1.2萬人", "3 posters out on time; announcement reached 12,000"),
     "on_plan": L("yes_no", "yes")},
    {"date": dt.date(2026, 3, 4), "planned": T("抖音信息流广告上线", "抖音信息流廣告上線", "Douyin in-feed ads go live"),
     "actual": T("延期至14:00上线", "延期至14:00上線", "Live at 14:00, late"), "on_plan": L("yes_no", "no"),
     "deviation": T("素材审核未通过", "素材審核未通過", "Creative rejected in review"),
     "resolution": T("修改素材后重新提交,14:30上线", "修改素材後重新提交,14:30上線", "Creative fixed and resubmitted; live at 14:30")},
    {"date": dt.date(2026, 3, 5), "planned": T("首场直播带货", "首場直播帶貨", "First live-stream sale"),
     "actual": T("直播2小时,成交820单", "直播2小時,成交820單", "2-hour show, 820 orders"), "on_plan": L("yes_no", "yes")},
    {"date": dt.date(2026, 3, 11), "planned": T("发放复购券", "發放復購券", "Send repeat-purchase coupons"),
     "actual": T("复购券发放1.5万张", "復購券發放1.5萬張", "15,000 coupons sent"), "on_plan": L("yes_no", "yes")},
    {"date": dt.date(2026, 3, 15), "planned": T("用户回访", "用戶回訪", "Customer follow-up calls"),
     "actual": T("回访300人,满意度92%", "回訪300人,滿意度92%", "300 customers called, 92% satisfied"), "on_plan": L("yes_no", "yes")},
]

FEEDBACK = [
    {"type": L("feedback_type", "rules"), "content": T("“满减券门槛太高,只买一个杯子用不了”", "“滿減券門檻太高,只買一個杯子用不了”",
                                                       "“The coupon's minimum is too high for just one mug”"),
     "profile": T("女,28岁,新用户", "女,28歲,新用戶", "Woman, 28, new customer"),
     "action": T("增加满99减20小额券,推送券升级通知", "增加滿99減20小額券,推送券升級通知", "Add a 20-off-99 coupon and announce it")},
    {"type": L("feedback_type", "experience"), "content": T("“活动页面加载太慢”", "“活動頁面載入太慢”", "“The campaign page loads too slowly”"),
     "profile": T("男,32岁,老用户", "男,32歲,老用戶", "Man, 32, returning customer"),
     "action": T("压缩页面图片,2小时内完成优化", "壓縮頁面圖片,2小時內完成優化", "Compress the page images within 2 hours")},
    {"type": L("feedback_type", "offer"), "content": T("“邀请返利到账很快,愿意再推荐同事”", "“邀請返利到帳很快,願意再推薦同事”",
                                                       "“Referral cash back came fast; I'll invite colleagues”"),
     "profile": T("女,30岁,老用户", "女,30歲,老用戶", "Woman, 30, returning customer"),
     "action": T("保留24小时返利,下期增加办公室拼单", "保留24小時返利,下期增加辦公室拼單", "Keep 24-hour cash back; add office group orders next time")},
]

REVIEW_ANALYSIS = [
    T("爆发期直播转化超预期,各渠道日均达成105%", "爆發期直播轉化超預期,各渠道日均達成105%",
      "Live-stream sales beat plan; every channel at 105% of its daily target"),
    T(f"新增用户{NEW_CUSTOMERS}人,总投入{BUDGET}元,社群裂变拉新成本低", f"新增用戶{NEW_CUSTOMERS}人,總投入{BUDGET}元,社群裂變拉新成本低",
      f"{NEW_CUSTOMERS:,} new customers for {BUDGET:,} spent; community referrals were cheap"),
    T("小红书笔记自然传播带来额外曝光", "小紅書筆記自然傳播帶來額外曝光", "Xiaohongshu notes spread on their own"),
    T(f"客单价{PRICE}元,销量超目标带动GMV达成", f"客單價{PRICE}元,銷量超目標帶動GMV達成",
      f"Average order {PRICE}; the extra orders carried GMV"),
]

LESSONS = [
    {"lesson": T("直播+KOL组合投放", "直播+KOL組合投放", "Live stream + KOL"),
     "details": T("KOL短视频引流直播间,抖音转化5250单,超渠道目标5%", "KOL短影片導流直播間,抖音轉化5250單,超渠道目標5%",
                  "KOL videos fed the live stream; Douyin 5,250 orders, 5% over its target"),
     "reuse": T("新品推广、节日营销", "新品推廣、節日行銷", "Launches, holiday campaigns"), "owner": P("zhang")},
    {"lesson": T("社群邀请裂变", "社群邀請裂變", "Community referrals"),
     "details": T("返利24小时到账,带动新客2500人,获客成本40元/人", "返利24小時到帳,帶動新客2500人,獲客成本40元/人",
                  "Cash back within 24 hours; 2,500 new customers at 40 each"),
     "reuse": T("老用户激活、拉新", "老用戶激活、拉新", "Reactivation, acquisition"), "owner": P("chen")},
    {"lesson": T("KOC真实测评", "KOC真實測評", "Real-user KOC reviews"),
     "details": T("50篇笔记带来曝光31.5万,高于目标5%", "50篇筆記帶來曝光31.5萬,高於目標5%",
                  "50 notes brought 315,000 impressions, 5% over target"),
     "reuse": T("新品上市", "新品上市", "Launches"), "owner": P("li")},
]

IMPROVEMENTS = [
    {"shortfall": T("信息流首日延迟上线", "信息流首日延遲上線", "In-feed ads late on day one"),
     "details": T("素材审核未通过,延迟约5小时", "素材審核未通過,延遲約5小時", "Creative rejected; about 5 hours late"),
     "action": T("素材提前3天提交预审,备好替换素材", "素材提前3天提交預審,備好替換素材", "Submit creative 3 days early; keep a spare ready"),
     "owner": P("zhang"), "deadline": dt.date(2026, 4, 15)},
    {"shortfall": T("客服晚高峰响应慢", "客服晚高峰回應慢", "Slow service at evening peak"),
     "details": T("爆发期晚间平均响应12分钟,超标准(5分钟)", "爆發期晚間平均回應12分鐘,超標準(5分鐘)",
                  "Evening responses averaged 12 minutes against a 5-minute standard"),
     "action": T("晚高峰增加2名兼职客服,上线自动回复", "晚高峰增加2名兼職客服,上線自動回覆", "Two more part-time agents at peak; auto-replies"),
     "owner": P("chen"), "deadline": dt.date(2026, 4, 30)},
    {"shortfall": T("数据日报需手动汇总", "數據日報需手動彙總", "Daily metrics compiled by hand"),
     "details": T("三个渠道数据人工汇总,延迟2小时", "三個渠道數據人工彙總,延遲2小時", "Three channels merged by hand, 2 hours late"),
     "action": T("引入第三方数据监测工具,实时同步", "引入第三方數據監測工具,即時同步", "Bring in a monitoring tool with real-time sync"),
     "owner": P("liu"), "deadline": dt.date(2026, 5, 15)},
]


# The mistakes: each one edit at a known cell of the consistent plan.

@dataclass(frozen=True)
class Mistake:
    what: str
    why: str
    check: int                      # the item in docs/checks.md that should find it
    table: str
    column: str
    row: int | None                 # 0-based row in the block; None: the totals row
    value: Callable[["Book"], Any] | None = None  # what is typed there; None: no edit of its own
    clear: tuple[str, ...] = ()     # columns of the same row emptied
    report: str | None = None       # "table.column": where the finding belongs, if not the edited cell
    also: tuple[str, ...] = ()      # other columns of the row a checker may name instead
    knock_on: str = ""

    def places(self) -> list[tuple[str, str]]:
        """(table, column) of the row where a checker should report it, the first one preferred."""
        first = tuple(self.report.split(".")) if self.report else (self.table, self.column)
        edited = [(self.table, self.column)] if self.report else []
        return [first] + [(self.table, key) for key in self.also] + edited

    def apply(self, book: "Book") -> dict:
        """Make the edit; return its entry for the .cells.json."""
        if self.value is not None:
            book.cell(self.table, self.column, self.row).value = self.value(book)
        for key in self.clear:
            book.cell(self.table, key, self.row).value = None
        cells = [{"sheet": book.sheet(t), "cell": book.ref(t, c, self.row)} for t, c in self.places()]
        entry = {"what": self.what, "table": book.spec.table(self.places()[0][0]).number, **cells[0],
                 "check": self.check}
        if cells[1:]:
            entry["also"] = cells[1:]
        return entry


def _day_row(day: int, channel: int) -> int:
    return day * len(CHANNELS) + channel


MISTAKES = [
    Mistake("typed-over formula: budget subtotal replaced by a constant",
            "The subtotal of the Douyin KOL line is the typed number 18000 where the template had "
            "=quantity×unit price; it no longer follows its inputs.", 13, "budget", "subtotal", 1,
            value=lambda b: 18_000, knock_on="the Douyin lines add up to 38,000, not 40% × 100,000 (27)"),
    Mistake("subtotal differs from quantity × unit price",
            "1 × 20,000 = 20,000 but the line says 18,000.", 16, "budget", "subtotal", 1),
    Mistake("total misses rows",
            "The budget total is SUM over the first six lines only; the reserve line below the "
            "range is left out, so the total reads 88,000.", 15, "budget", "subtotal", None,
            value=lambda b: f"=SUM({b.ref('budget', 'subtotal', 0, True)}:{b.ref('budget', 'subtotal', 5, True)})",
            knock_on="total ≠ Cover budget; reserve share computed on the short total"),
    Mistake("daily-metrics channel not in the channel plan",
            "A typo in the channel name (小红薯 / 小紅薯 / Xiaohongsu): no such channel in the plan.",
            28, "daily", "channel", _day_row(5, 1),
            value=lambda b: {"zh-CN": "小红薯", "zh-TW": "小紅薯", "en": "Xiaohongsu"}[b.lang],
            knock_on="value outside the dropdown (10); Xiaohongshu has no row for 03-06 (19)"),
    Mistake("goal missing from the results review",
            "The GMV goal's review row was emptied (link formulas and values deleted): the goal is "
            "never reviewed.", 25, "review", "metric", 3,
            clear=("dimension", "metric", "target", "actual", "analysis"), report="goals.metric",
            knock_on="no revenue metric reviewed, so the Dashboard ROI is blank"),
    Mistake("overlapping phases",
            "The peak phase starts on 03-03, the day the warm-up ends.", 18, "rhythm", "start", 1,
            value=lambda b: dt.date(2026, 3, 3), knock_on="the peak lasts 8 days, not the seed's 7 (info)"),
    Mistake("lower-is-better achievement computed the wrong way round",
            "Acquisition cost is lower-is-better: achievement = target ÷ actual = 125%; the typed "
            "formula actual ÷ target shows 80%.", 21, "review", "achievement", 1,
            value=lambda b: f"={b.ref('review', 'actual', 1)}/{b.ref('review', 'target', 1)}",
            knock_on="a met goal shows as missed"),
    Mistake("text in a number cell",
            "Impressions must be a number; the cell holds the text 约五万 / 約五萬 / about fifty thousand.",
            6, "daily", "impressions", _day_row(4, 0),
            value=lambda b: {"zh-CN": "约五万", "zh-TW": "約五萬", "en": "about fifty thousand"}[b.lang],
            knock_on="clicks show #VALUE! once recalculated (12); Σ daily impressions ≠ review actual (29)"),
    Mistake("CTR typed as 3.2 instead of 3.2%",
            "A CTR of 3.2 is 320%; the peers are 0.032 in a percent-formatted column.", 8, "daily", "ctr",
            _day_row(7, 0), value=lambda b: 3.2, knock_on="clicks exceed impressions (19)"),
    Mistake("date outside the campaign window",
            "2025-03-05 (a year typo) is outside 2026-03-01 – 2026-03-15.", 11, "progress", "date", 2,
            value=lambda b: dt.date(2025, 3, 5), knock_on="outside the rhythm's span (30)"),
    Mistake("checklist item marked No without a note",
            "An item marked 否/No must say why and what is being done.", 22, "checklist", "done", 1,
            value=lambda b: b.label("yes_no", "no"), clear=("notes",), report="checklist.notes",
            knock_on="readiness 80%"),
    Mistake("percent-scale slip in a budget share",
            "The Xiaohongshu share is 30 (3000%) where 30% was meant; its peers are 0.4 and 0.2.",
            8, "channels", "budget_share", 1, value=lambda b: 30,
            knock_on="shares add up to 3060% (17); channel budget 3,000,000 vs lines 30,000 (27)"),
    Mistake("material overdue and not done",
            "Due 2026-02-26, still in progress on 2026-03-20 (today).", 23, "materials", "status", 2,
            value=lambda b: b.label("material_status", "doing"), also=("due",)),
    Mistake("approximate number in a computed cell",
            "Conversions typed as 约… / ~… : the workbook's rate formulas show #VALUE!, and nobody "
            "committed to the figure.", 7, "daily", "conversions", _day_row(9, 2),
            value=lambda b: {"zh-CN": "约{}", "zh-TW": "約{}", "en": "~{}"}[b.lang].format(
                b.cell("daily", "conversions", _day_row(9, 2)).value),
            knock_on="conversion rate and achievement show #VALUE! once recalculated (not reported again)"),
    Mistake("a day twenty times its neighbours",
            "Xiaohongshu impressions on 03-12 typed with an extra digit and more: twenty times the days "
            "around it.", 19, "daily", "impressions", _day_row(11, 1),
            value=lambda b: b.cell("daily", "impressions", _day_row(11, 1)).value * 20,
            knock_on="Σ daily impressions ≠ review actual (29)"),
    Mistake("improvement due before the campaign ends",
            "An improvement due 2026-02-20, before the campaign (2026-03-01 – 2026-03-15) even began.",
            11, "improvements", "deadline", 0, value=lambda b: dt.date(2026, 2, 20)),
]


# Private API.

class Book:
    """A generated workbook open in openpyxl, addressed by table and column key."""

    def __init__(self, path: Path, lang: str, spec: Spec, layouts: dict[str, TableLayout]):
        import openpyxl

        self.wb = openpyxl.load_workbook(path)
        self.lang, self.spec, self.layouts = lang, spec, layouts

    def sheet(self, table: str) -> str:
        return self.layouts[table].block.sheet

    def ref(self, table: str, column: str, row: int | None, absolute: bool = False) -> str:
        return _ref(self.layouts[table], column, row, absolute)

    def cell(self, table: str, column: str, row: int | None):
        return self.wb[self.sheet(table)][self.ref(table, column, row)]

    def label(self, list_name: str, key: str) -> str:
        return self.spec.list_label(list_name, key, self.lang)

    def resolve(self, value):
        if isinstance(value, dict):
            return value[self.lang]
        if isinstance(value, P):
            return PEOPLE[value.key][self.lang]
        if isinstance(value, C):
            return CHANNELS[value.index]["name"][self.lang]
        if isinstance(value, L):
            return self.label(value.list, value.key)
        return value

    def fill(self, table: str, rows: list[dict]) -> None:
        if len(rows) > self.layouts[table].rows:
            raise ValueError(f"{table}: {len(rows)} rows do not fit its {self.layouts[table].rows}-row block")
        for i, row in enumerate(rows):
            for key, value in row.items():
                target = self.cell(table, key, i)
                if isinstance(target.value, str) and target.value.startswith("="):
                    raise ValueError(f"{table}.{key} row {i}: refusing to type over the formula {target.value}")
                target.value = self.resolve(value)


def _consistent_book(lang: str) -> Book:
    rows, layouts = plan_layouts(lang)
    names = [ch["name"][lang] for ch in CHANNELS]
    with tempfile.TemporaryDirectory(prefix="promo-samples-") as tmp:
        path = promo_workbook.new_workbook(
            Path(tmp) / "plan.xlsx", lang=lang, start=START, end=END, today=TODAY, budget=BUDGET, rows=rows,
            campaign=COVER["campaign"][lang], product=COVER["product"][lang], owner=PEOPLE["wang"][lang],
            channels=names)
        book = Book(path, lang, load_spec(), layouts)
    _fill_plan(book, names)
    return book


def _fill_plan(book: Book, names: list[str]) -> None:
    lang = book.lang
    fields = [f["key"] for f in book.spec.workbook["cover"]["fields"]]
    cover = book.wb[book.spec.workbook["sheets"]["cover"](lang)]
    cover.cell(FIRST_FIELD_ROW + fields.index("scenario") + 1, VALUE_COL + 1).value = book.resolve(COVER["scenario"])

    book.fill("swot", [{"details": text} for text in SWOT])
    channels_text = SEPARATORS[lang].join(names)
    book.fill("persona", [{"description": text[lang].replace("{channels}", channels_text)} for text in PERSONA])
    book.fill("competitors", COMPETITORS)
    book.fill("goals", GOALS)
    book.fill("rhythm", RHYTHM)
    book.fill("channels", [{"channel": ch["name"], "format": ch["format"], "owner": ch["owner"],
                            "target_impressions": ch["impressions"], "expected_conversions": ch["conversions"],
                            "budget_share": ch["share"]} for ch in CHANNELS])
    book.fill("budget", BUDGET_LINES)
    book.fill("materials", [dict(m, status=L("material_status", "done")) for m in MATERIALS])
    book.fill("checklist", [dict(c, done=L("yes_no", "yes")) for c in CHECKLIST])
    book.fill("risks", RISKS)
    book.fill("progress", PROGRESS)
    daily = daily_rows()
    book.fill("daily", [{"date": d.date, "channel": C(d.channel), "impressions": d.impressions, "ctr": d.ctr,
                         "conversions": d.conversions, "daily_target": d.target} for d in daily])
    book.fill("feedback", FEEDBACK)
    sales, impressions = sum(d.conversions for d in daily), sum(d.impressions for d in daily)
    actuals = (sales, CAC_ACTUAL, impressions, sales * PRICE)  # the review mirrors GOALS row for row
    book.fill("review", [{"actual": value, "analysis": text} for value, text in zip(actuals, REVIEW_ANALYSIS)])
    book.fill("lessons", LESSONS)
    book.fill("improvements", IMPROVEMENTS)


def _ref(tl: TableLayout, column: str, row: int | None, absolute: bool = False) -> str:
    """A1 of a column's cell in a block row (0-based), or in the totals row for None."""
    if row is not None and not 0 <= row < tl.rows:
        raise ValueError(f"{tl.table.key}: row {row} is outside its {tl.rows}-row block")
    block = tl.block
    return a1(block.totals_row if row is None else block.first_row + row, block.columns[column], absolute)


def _spread(total: int, weights: list[int]) -> list[int]:
    """Integers in proportion to weights that add up to total exactly (largest remainder)."""
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _save(wb, path: Path) -> Path:
    """Save through openpyxl, then pin the zip timestamps and the modified date."""
    raw = io.BytesIO()
    wb.save(raw)
    fixed = dt.datetime(*FIXED_TIME).strftime("%Y-%m-%dT%H:%M:%SZ")
    with atomic.output(path) as tmp, zipfile.ZipFile(raw) as src, \
            zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + fixed.encode(), data)
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    return path


def readme_text() -> str:
    layouts = {lang: plan_layouts(lang)[1] for lang in LANGUAGES}
    daily = daily_rows()
    sales, impressions = sum(d.conversions for d in daily), sum(d.impressions for d in daily)
    lines = [
        "# Samples",
        "",
        "Generated by `python samples/build.py [--lang zh-CN|zh-TW|en|all] [--out DIR]` — do not edit the",
        "files or this README by hand; change `samples/build.py` and rebuild. The output is the same",
        "byte for byte on every run. Each workbook starts as `promo_workbook.new_workbook(...)` (campaign",
        "2026-03-01 – 2026-03-15, today 2026-03-20); the plans are filled in with openpyxl by table and",
        "column key, and every formula stays as the generator wrote it.",
        "",
        "| file | what it is |",
        "|---|---|",
        "| `example-<lang>.xlsx` | `new_workbook(..., example=True)`: the seed's worked example, "
        "placeholders and all |",
        "| `consistent-<lang>.xlsx` | a complete plan in which every table is filled and every number agrees |",
        "| `mistakes-<lang>.xlsx` | the consistent plan with the typical mistakes below, one edit each |",
        "| `mistakes-<lang>.cells.json` | those mistakes for tests: `[{what, table, sheet, cell, check, also?}]`; "
        "`table` is the template number, `check` the item of [docs/checks.md](../docs/checks.md), `also` "
        "other cells of the row where a checker may equally report it |",
        "",
        "## The consistent plan",
        "",
        f"- Budget {BUDGET:,} (Cover = budget total): channel lines tied through 关联渠道 "
        + " / ".join(f"{ch['name']['en']} {int(ch['share'] * BUDGET):,} ({ch['share']:.0%})" for ch in CHANNELS)
        + f", contingency reserve {BUDGET - sum(int(ch['share'] * BUDGET) for ch in CHANNELS):,} (10%);"
        " channel shares 90% + reserve 10% = 100%. Every line is quantity × unit price exactly.",
        f"- Goals: units sold {SALES_TARGET:,} (higher), acquisition cost {CAC_TARGET} CNY/person (lower), "
        f"impressions {IMPRESSIONS_TARGET:,} (higher), GMV {SALES_TARGET * PRICE:,} (higher); deadline 2026-03-15.",
        "- Channels: target impressions add up to the impressions goal, expected conversions to the sales goal.",
        "- Rhythm: warm-up 03-01 – 03-03, peak 03-04 – 03-10, follow-through 03-11 – 03-15 (3 / 7 / 5 days).",
        f"- Daily metrics: {len(daily)} rows, one per day and channel; totals {impressions:,} impressions and "
        f"{sales:,} conversions, the review's actuals. Actuals: {sales:,} units (105%), {CAC_ACTUAL} CNY/person "
        f"(125%, target ÷ actual), {impressions:,} impressions (105%), GMV {sales * PRICE:,} (105%).",
        "- Materials all done and due before 03-01; checklist all 是; improvement deadlines after the campaign.",
        "",
        "## The mistakes",
        "",
        "Cells are the same in every language; sheet names are zh-CN / zh-TW / en. *Check* is the item in",
        "[docs/checks.md](../docs/checks.md) that should report it. *Also expect* lists the knock-on findings.",
        "",
        "| # | what | check | sheet | cell | why it is wrong | also expect |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, m in enumerate(MISTAKES, 1):
        (table, column), edited = m.places()[0], (m.table, m.column)
        sheets = " / ".join(layouts[lang][table].block.sheet for lang in LANGUAGES)
        why = m.why
        if edited != (table, column):
            where = " / ".join(layouts[lang][m.table].block.sheet for lang in LANGUAGES)
            why += f" (The edit: {_ref(layouts['en'][m.table], m.column, m.row)} on {where}.)"
        cell = _ref(layouts["en"][table], column, m.row)
        lines.append(f"| {n} | {m.what} | {m.check} | {sheets} | {cell} | {why} | {m.knock_on} |")
    lines += ["", "Mistakes 1 and 2 are the same cell: one typed-over subtotal is both findings.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the sample workbooks.")
    parser.add_argument("--lang", choices=[*LANGUAGES, "all"], default="all")
    parser.add_argument("--out", type=Path, default=SAMPLES)
    args = parser.parse_args(argv)
    langs = LANGUAGES if args.lang == "all" else (args.lang,)
    for path in build_all(args.out, langs):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
