"""Single planted mistakes in a realistic plan no rule was written against (issue 12).

The plan (tests/support/planted.py: a cold-brew tea, a 12-day Mid-Autumn campaign, three
channels, every table filled, every day logged) is written by a script, then opened, edited
and saved by LibreOffice through UNO, as a user's app would: one copy per planted mistake and
per harmless edit. Each mistake must be found at its cell with its intended severity, and bring
no other error or warning than the knock-on effects it is listed with; the consistent plan and
the harmless edits get no error or warning at all.
"""
import datetime as dt

import pytest

from fixtures import lo_edit
from promo_workbook.checker import check
from promo_workbook.spec import load_spec
from support.libreoffice import requires_uno
from support.planted import CHANNELS, END, PRICE, T, consistent_plan, daily_rows, layouts, ref, sheet

pytestmark = [requires_uno, pytest.mark.libreoffice]  # conftest marks libreoffice tests slow
TODAY = dt.date(2026, 9, 20)
LANGS = ("en", "zh-CN", "zh-TW")


def _day(d: int, c: int) -> int:
    """Row of the daily block (0-based) of campaign day d (0-based) and channel c."""
    return d * len(CHANNELS) + c


def _label(lang, list_name, key):
    return load_spec().list_label(list_name, key, lang)


def _cover(lang, field):
    spec = load_spec()
    fields = [f["key"] for f in spec.workbook["cover"]["fields"]]
    return spec.workbook["sheets"]["cover"](lang), f"C{5 + fields.index(field)}"


def _set(lang, table, column, n, value, op="set"):
    return {"op": op, "sheet": sheet(lang, table), "cell": ref(lang, table, column, n), "value": value}


def _clear(lang, table, column, n):
    return {"op": "clear", "sheet": sheet(lang, table), "cell": ref(lang, table, column, n)}


def _clear_row(lang, table, n):
    first, last = layouts(lang)[table].table.columns[0].key, layouts(lang)[table].table.columns[-1].key
    return {"op": "clear", "sheet": sheet(lang, table), "cell": f"{ref(lang, table, first, n)}:{ref(lang, table, last, n)}"}


class Planted:
    """One planted mistake: the edits, where it is found (table, column, n; or a Cover field)
    with which code and severity, and the knock-on codes it may also bring."""

    def __init__(self, name, edits, code, severity, at, knock_on=()):
        self.name, self.edits, self.code, self.severity, self.at, self.knock_on = name, edits, code, severity, at, knock_on

    def where(self, lang):
        if self.at[0] == "cover":
            return _cover(lang, self.at[1])
        return sheet(lang, self.at[0]), ref(lang, *self.at)


DAILY = daily_rows()


def _mistakes():
    tmall5, wechat4 = _day(4, 0), _day(3, 1)
    return [
        Planted("a day twenty times its neighbours", lambda l: [_set(l, "daily", "impressions", tmall5,
                                                                     DAILY[tmall5]["impressions"] * 20)],
                "T197", "warning", ("daily", "impressions", tmall5), knock_on=("X291",)),
        Planted("SWOT weaknesses emptied", lambda l: [_clear(l, "swot", "details", 1)],
                "S042", "warning", ("swot", "details", 1)),
        Planted("persona row emptied", lambda l: [_clear(l, "persona", "description", 3)],
                "S042", "warning", ("persona", "description", 3)),
        Planted("improvement due before the campaign ends", lambda l: [_set(l, "improvements", "deadline", 0, "2026-08-20", "date")],
                "V113", "warning", ("improvements", "deadline", 0)),
        Planted("approximate impressions", lambda l: [_set(l, "daily", "impressions", wechat4,
                                                           T("约{}", "~{}", "約{}")[l].format(DAILY[wechat4]["impressions"]))],
                "V072", "warning", ("daily", "impressions", wechat4)),
        Planted("approximate quantity", lambda l: [_set(l, "budget", "quantity", 2, T("300左右", "about 300", "大概300")[l])],
                "V072", "warning", ("budget", "quantity", 2)),
        Planted("CTR typed 3 for 3%", lambda l: [_set(l, "daily", "ctr", _day(6, 0), 3)],
                "V082", "error", ("daily", "ctr", _day(6, 0))),
        Planted("budget share typed 30 for 30%", lambda l: [_set(l, "channels", "budget_share", 1, 30)],
                "V082", "error", ("channels", "budget_share", 1)),
        Planted("campaign ends before it starts", lambda l: [{"op": "date", "sheet": _cover(l, "end")[0],
                                                              "cell": _cover(l, "end")[1], "value": "2026-08-25"}],
                "V114", "error", ("cover", "end")),
        Planted("a costed line of zero quantity", lambda l: [_set(l, "budget", "quantity", 3, 0)],
                "T165", "warning", ("budget", "quantity", 3)),
        Planted("Cover budget disagrees with the lines", lambda l: [{"op": "set", "sheet": _cover(l, "budget")[0],
                                                                     "cell": _cover(l, "budget")[1], "value": 100000}],
                "T166", "error", ("cover", "budget")),
        Planted("a cost marked higher-is-better", lambda l: [_set(l, "goals", "direction", 1, _label(l, "direction", "higher"))],
                "T203", "warning", ("goals", "direction", 1)),
        Planted("a competitor pasted twice", lambda l: _copy_row(l, "competitors", 0, 2),
                "S043", "warning", ("competitors", "competitor", 2)),
        Planted("done, but the note says not", lambda l: [_set(l, "checklist", "notes", 1,
                                                               T("备用麦克风尚未到货", "Spare microphone not yet delivered",
                                                                 "備用麥克風還沒到貨")[l])],
                "T223", "warning", ("checklist", "done", 1)),
        Planted("a goal set twice", lambda l: [
            _set(l, "goals", "dimension", 4, _label(l, "goal_dimension", "business")),
            _set(l, "goals", "metric", 4, T("销量数", "Number of units sold", "銷量數")[l]),
            _set(l, "goals", "target", 4, 9000), _set(l, "goals", "direction", 4, _label(l, "direction", "higher")),
            _set(l, "goals", "owner", 4, "Lin"), _set(l, "goals", "deadline", 4, END.isoformat(), "date")],
                "T204", "warning", ("goals", "metric", 4)),
        Planted("a day missing in the middle", lambda l: [_clear_row(l, "daily", _day(5, 2))],
                "X282", "warning", ("daily", "date", _day(4, 2))),
        Planted("a daily row copying the day before", lambda l: [
            _set(l, "daily", "impressions", _day(7, 0), DAILY[_day(6, 0)]["impressions"]),
            _set(l, "daily", "conversions", _day(7, 0), DAILY[_day(6, 0)]["conversions"])],
                "T198", "warning", ("daily", "impressions", _day(7, 0)), knock_on=("X291", "X292")),
        Planted("GMV reviewed in 万", lambda l: [_set(l, "review", "actual", 3, round(sum(r["conversions"] for r in DAILY) * PRICE / 10000, 2))],
                "X253", "warning", ("review", "actual", 3)),
        Planted("text in a number cell", lambda l: [_set(l, "daily", "impressions", _day(2, 2), T("约五万", "lots", "約五萬")[l])],
                "V061", "error", ("daily", "impressions", _day(2, 2)), knock_on=("X291",)),
        Planted("a subtotal typed over", lambda l: [_set(l, "budget", "subtotal", 1, 11000)],
                "F131", "error", ("budget", "subtotal", 1), knock_on=("T161", "X271")),
        # The app's saved conversion rate divides by the typed clicks: right for what is typed, not stale.
        Planted("clicks typed over", lambda l: [_set(l, "daily", "clicks", _day(8, 1), 999)],
                "F131", "error", ("daily", "clicks", _day(8, 1))),
        Planted("a progress date a year off", lambda l: [_set(l, "progress", "date", 1, "2025-09-04", "date")],
                "V111", "warning", ("progress", "date", 1)),
        Planted("a channel typo in the log", lambda l: [_set(l, "daily", "channel", _day(4, 1),
                                                             T("微信社区", "WeChat grops", "微信社區")[l])],
                "X281", "error", ("daily", "channel", _day(4, 1))),
        Planted("material due after launch", lambda l: [_set(l, "materials", "due", 1, "2026-09-05", "date")],
                "T231", "warning", ("materials", "due", 1)),
        Planted("a two-word starred owner", lambda l: [_set(l, "materials", "owner", 0, T("*剪辑师", "*Video editor", "*剪輯師")[l])],
                "S032", "warning", ("materials", "owner", 0)),
        Planted("checklist No without a note", lambda l: [_set(l, "checklist", "done", 2, _label(l, "yes_no", "no")),
                                                          _clear(l, "checklist", "notes", 2)],
                "T221", "warning", ("checklist", "notes", 2)),
        Planted("overlapping phases", lambda l: [_set(l, "rhythm", "start", 1, "2026-09-03", "date")],
                "T183", "error", ("rhythm", "start", 1)),
    ]


def _copy_row(lang, table, src, dst):
    from support.planted import _tables

    row = _tables()[table][src]
    ops = []
    for key, value in row.items():
        value = value[lang] if isinstance(value, dict) else value
        ops.append(_set(lang, table, key, dst, value))
    return ops


def _harmless(lang):
    lay = layouts(lang)
    budget, competitors = lay["budget"].block, lay["competitors"].block
    last = max(budget.columns.values())
    risks = __import__("support.planted", fromlist=["_tables"])._tables()["risks"]
    swap = []
    for n, row in ((0, risks[2]), (2, risks[0])):
        for key, value in row.items():
            value = _label(lang, *value) if isinstance(value, tuple) else value[lang]
            swap.append(_set(lang, "risks", key, n, value))
    return {
        "renamed sheet": [{"op": "rename", "sheet": sheet(lang, "goals"), "to": T("我的目标", "My goals", "我的目標")[lang]}],
        "extra note column": [{"op": "set", "sheet": budget.sheet, "cell": f"{_letter(last + 1)}{budget.first_row}",
                               "value": T("备注", "Notes", "備註")[lang]},
                              {"op": "set", "sheet": budget.sheet, "cell": f"{_letter(last + 1)}{budget.first_row + 1}",
                               "value": T("已签合同", "Contract signed", "已簽合約")[lang]}],
        "hidden row": [{"op": "hide_row", "sheet": sheet(lang, "materials"), "row": lay["materials"].block.first_row + 1}],
        "reordered rows": swap,
        "reordered sheets": [{"op": "move_sheet", "sheet": sheet(lang, "daily"), "to": 0},
                             {"op": "move_sheet", "sheet": sheet(lang, "swot"), "to": 8}],
        "moved column": [{"op": "move_column", "sheet": competitors.sheet, "from": competitors.columns["offer"],
                          "to": max(competitors.columns.values()) + 1}],
        "seed-layout conversion-rate formula": [
            # LibreOffice's API formula syntax separates arguments with ";" (saved as "," in .xlsx).
            _set(lang, "daily", "cvr", n, "=IFERROR({f}/({c}*{r});\"\")".format(
                f=ref(lang, "daily", "conversions", n), c=ref(lang, "daily", "impressions", n), r=ref(lang, "daily", "ctr", n)),
                 "formula") for n in range(3)],
    }


def _letter(index):
    from promo_workbook.a1 import col_letter

    return col_letter(index)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """{lang: {variant name: LibreOffice-saved path}}: the consistent plan, each harmless edit
    and the planted mistakes (PLANTED), in one LibreOffice session per language."""
    out = {}
    for lang in LANGS:
        tmp = tmp_path_factory.mktemp(f"planted-{lang}")
        src = consistent_plan(lang, tmp / "plan.xlsx")
        variants = {"consistent": []} | _harmless(lang)
        if lang in MISTAKE_LANGS:
            variants |= {f"mistake {m.name}": m.edits(lang) for m in _mistakes()}
        names = list(variants)
        paths = lo_edit.edit_many(src, [(tmp / f"v{i}.xlsx", variants[name]) for i, name in enumerate(names)])
        out[lang] = dict(zip(names, paths))
    return out


def _serious(path):
    return [(f.code, f.severity, f.sheet, f.cell) for f in check(path, today=TODAY).findings if f.severity != "info"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_plan_and_its_harmless_edits_are_clean(saved, lang):
    for name, path in saved[lang].items():
        if not name.startswith("mistake"):
            assert _serious(path) == [], name


# Every mistake in English and in simplified Chinese (zh-TW shares zh-CN's rules and words).
MISTAKE_LANGS = ("en", "zh-CN")
PLANTED = [pytest.param(lang, m, id=f"{lang}-{m.name}") for lang in MISTAKE_LANGS for m in _mistakes()]


@pytest.mark.parametrize("lang, mistake", PLANTED)
def test_each_planted_mistake_is_found_at_its_cell(saved, lang, mistake):
    findings = check(saved[lang][f"mistake {mistake.name}"], today=TODAY).findings
    at = mistake.where(lang)
    found = [(f.code, f.severity) for f in findings if (f.sheet, f.cell) == at]
    assert (mistake.code, mistake.severity) in found, [(f.code, f.severity, f.sheet, f.cell) for f in findings]
    others = [(f.code, f.severity, f.cell) for f in findings if f.severity != "info" and f.code != mistake.code
              and f.code not in mistake.knock_on]
    assert others == []
