"""The template spec: the sixteen tables as the seed defines them, loaded strictly."""
import shutil

import pytest

from promo_workbook.errors import SpecError
from promo_workbook.spec import LANGUAGES, load_spec, templates_dir

# The seed's own columns (section 四 of the toolkit), converted to Simplified, in its order.
SEED_COLUMNS = {
    1: ["维度", "具体内容"],
    2: ["维度", "具体描述"],
    3: ["竞品名称", "近期活动主题", "推广渠道", "优惠力度", "用户反馈", "差异化突破口"],
    4: ["目标维度", "具体指标", "目标值", "衡量标准", "负责人", "完成时限"],
    5: ["阶段", "日期", "核心任务", "负责人", "产出物"],
    6: ["渠道名称", "投放形式", "目标曝光量", "预计转化量", "预算占比", "负责人"],
    7: ["项目名称", "明细内容", "数量", "单价(元)", "合计(元)", "负责人"],
    8: ["物料名称", "规格要求", "交付时间", "负责人", "完成状态"],
    9: ["检查项", "负责人", "完成状态(是/否)", "备注"],
    10: ["风险类型", "触发条件", "应对措施", "负责人"],
    11: ["日期", "计划任务", "实际完成情况", "偏差说明", "解决措施"],
    12: ["日期", "渠道", "曝光量", "点击率", "转化量", "转化率", "目标达成率"],
    13: ["反馈类型", "具体内容", "用户画像", "处理建议"],
    14: ["目标维度", "具体指标", "目标值", "实际值", "达成率", "原因分析"],
    15: ["成功经验", "具体描述", "应用场景", "负责人"],
    16: ["不足点", "具体描述", "改进措施", "负责人", "完成时限"],
}
# docs/templates.md's added columns, zh-CN label -> formula or input.
ADDED_COLUMNS = {
    4: {"单位": False, "指标方向": False},
    5: {"开始日期": False, "结束日期": False, "天数": True},
    6: {"预计转化率": True, "预算金额": True},
    7: {"单位": False, "关联渠道": False, "备用金占比": True},
    11: {"按计划完成": False},
    12: {"点击量": True, "日目标转化量": False},
}
# docs/templates.md "formula" among the seed's own columns.
SEED_FORMULAS = {7: {"合计(元)"}, 12: {"转化率", "目标达成率"}, 14: {"达成率"}, 5: {"日期"}}


@pytest.fixture(scope="module")
def spec():
    return load_spec()


def test_sixteen_tables_in_order(spec):
    assert [t.number for t in spec.tables] == list(range(1, 17))


@pytest.mark.parametrize("number", range(1, 17))
def test_seed_columns_carry_the_seed_names_in_order(spec, number):
    table = spec.table(number)
    seed = [c.label("zh-CN") for c in table.columns if c.origin == "seed"]
    assert seed == SEED_COLUMNS[number]


@pytest.mark.parametrize("number", range(1, 17))
def test_added_columns_follow_templates_md(spec, number):
    table = spec.table(number)
    added = {c.label("zh-CN"): c.derived for c in table.columns if c.origin == "added"}
    assert added == ADDED_COLUMNS.get(number, {})
    formulas = {c.label("zh-CN") for c in table.columns if c.origin == "seed" and c.derived}
    assert formulas == SEED_FORMULAS.get(number, set())


def test_every_text_exists_in_every_language(spec):
    for table in spec.tables:
        for col in table.columns:
            assert all(col.label(lang).strip() for lang in LANGUAGES), (table.key, col.key)
        assert all(table.guidance(lang) for lang in LANGUAGES)


def test_dropdowns_match_the_seed(spec):
    assert spec.list_labels("budget_item", "zh-CN") == ["渠道投放", "物料制作", "人员成本", "风险备用金", "其他"]
    assert spec.list_labels("phase", "zh-CN") == ["预热期", "爆发期", "延续期"]
    assert spec.list_labels("goal_dimension", "zh-TW") == ["業務目標", "用戶目標", "品牌目標"]


def _copy_templates(tmp_path):
    target = tmp_path / "templates"
    shutil.copytree(templates_dir(), target)
    return target


def _load_fresh(directory):
    load_spec.cache_clear()
    try:
        return load_spec(str(directory))
    finally:
        load_spec.cache_clear()


def test_unknown_key_names_file_and_path(tmp_path):
    root = _copy_templates(tmp_path)
    path = root / "07-budget.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - {key: quantity, origin: seed,",
                                                              "  - {key: quantity, colour: red, origin: seed,"),
                    encoding="utf-8")
    with pytest.raises(SpecError, match=r"templates/07-budget.yaml: columns\[2\].colour: unknown key"):
        _load_fresh(root)


def test_bad_formula_reference_is_an_error(tmp_path):
    root = _copy_templates(tmp_path)
    path = root / "07-budget.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("'{quantity}*{unit_price}'", "'{quantity}*{price}'"),
                    encoding="utf-8")
    with pytest.raises(SpecError, match=r"07-budget.yaml: columns\[5\]: \{price\}: unknown column"):
        _load_fresh(root)


def test_missing_language_is_an_error(tmp_path):
    root = _copy_templates(tmp_path)
    path = root / "01-swot.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("zh-TW: 維度, ", ""), encoding="utf-8")
    with pytest.raises(SpecError, match=r"01-swot.yaml: columns\[0\].label.zh-TW: required key missing"):
        _load_fresh(root)


def test_example_dropdown_value_must_exist(tmp_path):
    root = _copy_templates(tmp_path)
    path = root / "08-materials.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("status: todo}", "status: later}", 1), encoding="utf-8")
    with pytest.raises(SpecError, match=r"example\[0\].status: 'later' is not a key of list material_status"):
        _load_fresh(root)


def test_traditional_text_is_in_sync():
    opencc = pytest.importorskip("opencc")
    import importlib.util
    import pathlib

    tool = pathlib.Path(__file__).resolve().parent.parent / "tools" / "sync_zh_tw.py"
    module_spec = importlib.util.spec_from_file_location("sync_zh_tw", tool)
    sync = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(sync)
    converter = opencc.OpenCC("s2t")
    for path in templates_dir().glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert sync.sync(text, converter) == text, f"{path.name}: run tools/sync_zh_tw.py"


def test_seed_layout_data_lives_in_the_spec():
    """The seed's own layout (aliases, how its combined cells are read and split) is spec data."""
    spec = load_spec()
    daily, rhythm = spec.table("daily"), spec.table("rhythm")
    assert "率" in daily.column("ctr").aliases
    assert daily.column("achievement").parse_kind == "rate_target"
    assert rhythm.column("dates").parse_kind == "daterange"
    assert rhythm.split_targets({"dates"}) == ["start", "end"]
    assert spec.table("goals").splits({"target"}) == [("target", "direction", "direction"), ("target", "unit", "unit")]
    assert "合计" in spec.workbook["totals_labels"]


@pytest.mark.parametrize("old, new, where", [
    ("splits: [{into: quantity_unit, take: unit}]", "splits: [{into: units, take: unit}]",
     r"columns\[2\].splits\[0\].into: unknown column 'units'"),
    ("splits: [{into: quantity_unit, take: unit}]", "splits: [{into: quantity_unit, take: colour}]",
     r"columns\[2\].splits\[0\].take: 'colour' is not one of"),
])
def test_a_bad_split_names_file_and_path(tmp_path, old, new, where):
    root = _copy_templates(tmp_path)
    path = root / "07-budget.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(SpecError, match=r"templates/07-budget.yaml: " + where):
        _load_fresh(root)
