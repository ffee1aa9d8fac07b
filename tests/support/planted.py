"""A realistic plan no rule was written against, for planting single mistakes (tests/test_planted.py).

A different product and campaign than the samples: a cold-brew osmanthus oolong tea, a
12-day Mid-Autumn campaign on Tmall, WeChat groups and Bilibili, every table filled, every
day of the campaign in the daily log. ``consistent_plan(lang, path)`` writes it through the
generator and openpyxl (a script, as a planner's assistant would); the test then opens and
saves it in LibreOffice, as a user's app would. ``ref(lang, table, column, n)`` is the A1 of
a cell (``n`` 0-based in the table's block, None for the totals row) and ``sheet(lang, table)``
its sheet: the planted edits address cells as a user does.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

import promo_workbook
from promo_workbook.a1 import col_letter
from promo_workbook.layout import plan_layout
from promo_workbook.spec import load_spec

START, END = dt.date(2026, 9, 1), dt.date(2026, 9, 12)
BUDGET, PRICE, CAC_ACTUAL = 80_000, 68, 32
DAYS = (END - START).days + 1


def T(zh_cn: str, en: str, zh_tw: str | None = None) -> dict:
    return {"zh-CN": zh_cn, "zh-TW": zh_tw or zh_cn, "en": en}


CHANNELS = [
    {"name": T("天猫", "Tmall", "天貓"), "format": T("直通车+店铺直播", "Search ads + store live streams", "直通車+店鋪直播"),
     "impressions": 400_000, "conversions": 4_000, "share": 0.4, "ctr": 0.03, "owner": T("孙悦", "Sun Yue"),
     "curve": [52, 61, 70, 86, 97, 104, 111, 99, 90, 78, 66, 57]},
    {"name": T("微信社群", "WeChat groups", "微信社群"), "format": T("社群团购+小程序券", "Group buys + mini-program coupons", "社群團購+小程式券"),
     "impressions": 150_000, "conversions": 2_400, "share": 0.3, "ctr": 0.06, "owner": T("郑凯", "Zheng Kai", "鄭凱"),
     "curve": [48, 57, 66, 80, 93, 101, 108, 103, 94, 83, 71, 62]},
    {"name": T("B站", "Bilibili", "B站"), "format": T("UP主测评视频", "Creator review videos", "UP主測評影片"),
     "impressions": 250_000, "conversions": 1_600, "share": 0.2, "ctr": 0.025, "owner": T("何琳", "He Lin"),
     "curve": [40, 55, 69, 84, 95, 106, 112, 104, 92, 81, 70, 59]},
]
OWNER = T("林晓", "Lin Xiao", "林曉")


def C(i: int) -> dict:
    return CHANNELS[i]["name"]


def spread(total: int, weights: list[int]) -> list[int]:
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    for i in sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))[: total - sum(shares)]:
        shares[i] += 1
    return shares


def daily_rows() -> list[dict]:
    per = [(spread(ch["impressions"] * 105 // 100, ch["curve"]), spread(ch["conversions"] * 105 // 100, ch["curve"]),
            spread(ch["conversions"], ch["curve"])) for ch in CHANNELS]
    return [{"date": START + dt.timedelta(days=d), "channel": C(i), "impressions": per[i][0][d], "ctr": ch["ctr"],
             "conversions": per[i][1][d], "daily_target": per[i][2][d]}
            for d in range(DAYS) for i, ch in enumerate(CHANNELS)]


def _tables() -> dict[str, list[dict]]:
    names = "、".join(c["name"]["zh-CN"] for c in CHANNELS)
    names_tw = "、".join(c["name"]["zh-TW"] for c in CHANNELS)
    names_en = ", ".join(c["name"]["en"] for c in CHANNELS)
    daily = daily_rows()
    sales = sum(r["conversions"] for r in daily)
    impressions = sum(r["impressions"] for r in daily)
    return {
        "swot": [{"details": T("冷泡工艺专利，老客复购率41%", "Patented cold-brew process; 41% repeat purchase")},
                 {"details": T("新品牌知名度低，预算8万元", "Young brand, little known; budget of 80,000")},
                 {"details": T("中秋送礼需求旺，桂花季话题热", "Mid-Autumn gifting demand; osmanthus season trending")},
                 {"details": T("大牌茶饮中秋礼盒价格战", "Big tea brands in a Mid-Autumn gift-box price war")}],
        "persona": [{"description": T("25-35岁一二线城市白领，女性占六成", "Office workers aged 25-35 in tier-1/2 cities, 60% women")},
                    {"description": T(f"午休和晚间刷手机；偏好渠道：{names}", f"Browse at lunch and in the evening; preferred channels: {names_en}",
                                      f"午休和晚間滑手機；偏好渠道：{names_tw}")},
                    {"description": T("想喝无糖又有香气的茶，怕苦涩", "Want sugar-free tea with aroma, dislike bitterness")},
                    {"description": T("冲泡教程、办公室场景短视频", "Brewing tutorials, office-life short videos")}],
        "competitors": [
            {"competitor": T("茶颜山", "Chayanshan"), "theme": T("中秋礼盒满299减50", "Gift box: 50 off 299"),
             "channels": T("天猫、抖音", "Tmall, Douyin"), "offer": T("满减", "Spend-and-save"),
             "feedback": T("礼盒好看但茶偏苦", "Pretty box, bitter tea"), "differentiation": T("冷泡不苦，第二件半价", "Cold brew, not bitter; second box half price")},
            {"competitor": T("叶语", "Yeyu", "葉語"), "theme": T("桂花拿铁联名", "Osmanthus latte collab"),
             "channels": T("小红书", "Xiaohongshu", "小紅書"), "offer": T("联名赠品", "Collab gift"),
             "feedback": T("联名款断货", "Collab item sold out"), "differentiation": T("现货充足，次日达", "In stock, next-day delivery")}],
        "goals": [
            {"dimension": ("goal_dimension", "business"), "metric": T("销量", "Units sold", "銷量"), "target": 8000,
             "unit": T("件", "units"), "direction": ("direction", "higher"), "measure": T("活动期间订单件数", "Units ordered during the campaign"),
             "owner": OWNER, "deadline": END},
            {"dimension": ("goal_dimension", "user"), "metric": T("新客获客成本", "New-customer acquisition cost", "新客獲客成本"), "target": 40,
             "unit": T("元/人", "CNY/person"), "direction": ("direction", "lower"), "measure": T("投放费用/新客数", "Spend / new customers", "投放費用/新客數"),
             "owner": CHANNELS[1]["owner"], "deadline": END},
            {"dimension": ("goal_dimension", "brand"), "metric": T("曝光量", "Impressions"), "target": 800000,
             "unit": T("次", "views"), "direction": ("direction", "higher"), "measure": T("各渠道曝光之和", "Sum over channels"),
             "owner": CHANNELS[2]["owner"], "deadline": END},
            {"dimension": ("goal_dimension", "business"), "metric": T("GMV", "GMV"), "target": 8000 * PRICE,
             "unit": T("元", "CNY"), "direction": ("direction", "higher"), "measure": T("支付订单金额", "Paid order value"),
             "owner": OWNER, "deadline": END}],
        "rhythm": [
            {"phase": ("phase", "warmup"), "start": START, "end": START + dt.timedelta(days=2),
             "tasks": T("中秋桂花季话题预告，社群预约", "Teasers for the osmanthus season; group sign-ups"), "owner": CHANNELS[1]["owner"],
             "deliverables": T("预告海报3张", "3 teaser posters")},
            {"phase": ("phase", "burst"), "start": START + dt.timedelta(days=3), "end": START + dt.timedelta(days=8),
             "tasks": T("天猫直播，UP主视频上线", "Tmall live streams; creator videos go live"), "owner": CHANNELS[0]["owner"],
             "deliverables": T("直播6场", "6 live streams")},
            {"phase": ("phase", "sustain"), "start": START + dt.timedelta(days=9), "end": END,
             "tasks": T("复购券、晒单返现", "Repurchase coupons; review cash-back"), "owner": CHANNELS[1]["owner"],
             "deliverables": T("复购券模板", "Repurchase coupon template")}],
        "channels": [{"channel": ch["name"], "format": ch["format"], "target_impressions": ch["impressions"],
                      "expected_conversions": ch["conversions"], "budget_share": ch["share"], "owner": ch["owner"]}
                     for ch in CHANNELS],
        "budget": [
            {"item": ("budget_item", "channel"), "details": T("天猫直通车(千次曝光)", "Tmall search ads (per thousand views)"), "quantity": 400,
             "quantity_unit": T("千次", "thousand"), "unit_price": 50, "owner": CHANNELS[0]["owner"], "channel": C(0)},
            {"item": ("budget_item", "channel"), "details": T("天猫店铺直播主播", "Tmall live-stream host"), "quantity": 1,
             "quantity_unit": T("人", "person"), "unit_price": 12000, "owner": CHANNELS[0]["owner"], "channel": C(0)},
            {"item": ("budget_item", "channel"), "details": T("社群小程序优惠券", "Group mini-program coupons"), "quantity": 300,
             "quantity_unit": T("张", "coupons"), "unit_price": 40, "owner": CHANNELS[1]["owner"], "channel": C(1)},
            {"item": ("budget_item", "channel"), "details": T("社群运营与兼职客服", "Group running and part-time service"), "quantity": 12,
             "quantity_unit": T("天", "days"), "unit_price": 1000, "owner": CHANNELS[1]["owner"], "channel": C(1)},
            {"item": ("budget_item", "channel"), "details": T("B站UP主测评合作", "Bilibili creator reviews"), "quantity": 2,
             "quantity_unit": T("位", "creators"), "unit_price": 6000, "owner": CHANNELS[2]["owner"], "channel": C(2)},
            {"item": ("budget_item", "channel"), "details": T("B站视频素材与封面", "Bilibili video assets and covers"), "quantity": 1,
             "quantity_unit": T("套", "set"), "unit_price": 4000, "owner": CHANNELS[2]["owner"], "channel": C(2)},
            {"item": ("budget_item", "reserve"), "details": T("风险备用金(追加投放)", "Contingency (extra spend)"), "quantity": 1,
             "quantity_unit": T("项", "lot"), "unit_price": 8000, "owner": OWNER}],
        "materials": [
            {"material": T("中秋主视觉海报", "Mid-Autumn key visual"), "spec": T("1080×1920，PNG", "1080×1920, PNG"),
             "due": dt.date(2026, 8, 25), "owner": CHANNELS[2]["owner"], "status": ("material_status", "done")},
            {"material": T("直播脚本", "Live-stream script"), "spec": T("6场，每场2小时", "6 shows of 2 hours"),
             "due": dt.date(2026, 8, 27), "owner": CHANNELS[0]["owner"], "status": ("material_status", "done")},
            {"material": T("社群话术", "Group chat scripts"), "spec": T("预热、开售、复购三套", "Teaser, launch and repurchase sets"),
             "due": dt.date(2026, 8, 28), "owner": CHANNELS[1]["owner"], "status": ("material_status", "done")},
            {"material": T("UP主测评简报", "Creator review brief"), "spec": T("卖点与禁用词", "Selling points and banned words"),
             "due": dt.date(2026, 8, 29), "owner": CHANNELS[2]["owner"], "status": ("material_status", "done")}],
        "checklist": [
            {"check": T("物料审核完毕", "Materials proofread"), "owner": OWNER, "done": ("yes_no", "yes"), "notes": T("已终审", "Signed off")},
            {"check": T("直播设备测试", "Live-stream kit tested"), "owner": CHANNELS[0]["owner"], "done": ("yes_no", "yes"),
             "notes": T("备用麦克风已测试", "Spare microphone tested")},
            {"check": T("优惠券配置核对", "Coupon settings checked"), "owner": CHANNELS[1]["owner"], "done": ("yes_no", "yes"),
             "notes": T("面额与门槛已核对", "Values and thresholds verified")},
            {"check": T("客服培训", "Service team trained"), "owner": CHANNELS[1]["owner"], "done": ("yes_no", "yes"),
             "notes": T("4人完成培训", "4 agents trained")}],
        "risks": [
            {"risk_type": ("risk_type", "tech"), "trigger": T("直播中断超5分钟", "Live stream down for over 5 minutes"),
             "response": T("切换备用推流，发补偿券", "Switch to the backup stream; send make-good coupons"), "owner": CHANNELS[0]["owner"]},
            {"risk_type": ("risk_type", "pr"), "trigger": T("单日差评超20条", "Over 20 bad reviews in a day"),
             "response": T("2小时内回应并发声明", "Answer within 2 hours and issue a statement"), "owner": OWNER},
            {"risk_type": ("risk_type", "conversion"), "trigger": T("连续两天达成率低于80%", "Two days under 80% of target"),
             "response": T("追加社群专属券", "Add group-only coupons"), "owner": CHANNELS[1]["owner"]}],
        "progress": [
            {"date": START, "planned": T("预热海报发布", "Teaser posters out"), "actual": T("按时发布", "Out on time"), "on_plan": ("yes_no", "yes")},
            {"date": START + dt.timedelta(days=3), "planned": T("首场直播", "First live stream"), "actual": T("按时开播", "Started on time"),
             "on_plan": ("yes_no", "yes")},
            {"date": START + dt.timedelta(days=9), "planned": T("复购券发放", "Repurchase coupons sent"), "actual": T("已发放", "Sent"),
             "on_plan": ("yes_no", "yes")}],
        "daily": daily,
        "feedback": [
            {"type": ("feedback_type", "offer"), "content": T("第二件半价很划算", "Second box half price is a good deal"),
             "profile": T("老客", "Returning customer"), "action": T("延续到复购期", "Keep it in the follow-through")},
            {"type": ("feedback_type", "experience"), "content": T("冷泡说明看不懂", "Cold-brew instructions unclear"),
             "profile": T("新客", "New customer"), "action": T("详情页加图解", "Add a diagram to the product page")}],
        "review": [
            {"actual": sales, "analysis": T("直播转化高于预期", "Live streams converted above plan")},
            {"actual": CAC_ACTUAL, "analysis": T("社群拉新成本低", "Group referrals were cheap")},
            {"actual": impressions, "analysis": T("UP主视频自然传播", "Creator videos spread on their own")},
            {"actual": sales * PRICE, "analysis": T("销量带动GMV", "Units sold carried GMV")}],
        "lessons": [
            {"lesson": T("社群预约有效", "Group sign-ups work"), "details": T("预约用户转化率是普通用户3倍", "Sign-ups converted 3x"),
             "reuse": T("下次提前一周预约", "Open sign-ups a week earlier"), "owner": CHANNELS[1]["owner"]},
            {"lesson": T("UP主视频长尾", "Creator videos have a long tail"), "details": T("活动后仍有曝光", "Views kept coming after the campaign"),
             "reuse": T("保留置顶", "Keep them pinned"), "owner": CHANNELS[2]["owner"]}],
        "improvements": [
            {"shortfall": T("冷泡说明不清", "Unclear cold-brew instructions"), "details": T("客服咨询30%与冲泡有关", "30% of questions were about brewing"),
             "action": T("包装加二维码教程", "QR-code tutorial on the pack"), "owner": CHANNELS[2]["owner"], "deadline": dt.date(2026, 10, 15)},
            {"shortfall": T("直播间互动少", "Little live-stream interaction"), "details": T("平均停留40秒", "Average stay 40 seconds"),
             "action": T("每20分钟抽奖", "A draw every 20 minutes"), "owner": CHANNELS[0]["owner"], "deadline": dt.date(2026, 10, 31)}],
    }


def layouts(lang: str):
    return plan_layout(load_spec(), lang)


def sheet(lang: str, table: str) -> str:
    return layouts(lang)[table].block.sheet


def ref(lang: str, table: str, column: str, n: int | None) -> str:
    block = layouts(lang)[table].block
    row = block.totals_row if n is None else block.first_row + n  # 0-based
    return f"{col_letter(block.columns[column])}{row + 1}"


def consistent_plan(lang: str, path: Path) -> Path:
    """Write the consistent plan in ``lang`` to ``path`` (.xlsx)."""
    spec = load_spec()
    names = [c["name"][lang] for c in CHANNELS]
    promo_workbook.new_workbook(path, lang=lang, start=START, end=END, today=dt.date(2026, 8, 20), budget=BUDGET,
                                campaign=T("中秋桂花季", "Mid-Autumn osmanthus season")[lang],
                                product=T("桂花乌龙冷泡茶", "Cold-brew osmanthus oolong", "桂花烏龍冷泡茶")[lang],
                                owner=OWNER[lang], channels=names)
    wb = openpyxl.load_workbook(path)
    lay = layouts(lang)
    for table, rows in _tables().items():
        block = lay[table].block
        ws = wb[block.sheet]
        for n, row in enumerate(rows):
            for key, value in row.items():
                if isinstance(value, dict):
                    value = value[lang]
                elif isinstance(value, tuple):
                    value = spec.list_label(value[0], value[1], lang)
                elif isinstance(value, dt.date):
                    value = dt.datetime.combine(value, dt.time())
                ws.cell(block.first_row + 1 + n, block.columns[key] + 1).value = value
    wb.save(path)
    return path
