"""templates/rules.yaml: every rule's name, severity, messages and docs as data, joined to its
class by code; a malformed entry or a code on one side only is refused, naming it."""
import shutil

import pytest
import yaml

import promo_workbook.spec
from promo_workbook.checker import registry
from promo_workbook.errors import SpecError
from promo_workbook.spec import templates_dir


def test_every_rule_has_its_data_and_every_entry_its_rule():
    rules = registry.all_rules()
    assert {r.code for r in rules} == set(registry.rule_data())
    for rule in rules:
        assert rule.name and rule.what and rule.why and rule.bad and rule.good, rule.code
        assert set(rule.messages) == {"zh-CN", "zh-TW", "en"}


@pytest.mark.parametrize("edit, where", [
    (lambda d: d["T161"].pop("why"), r"T161.why: required key missing"),
    (lambda d: d["T161"].update(colour="red"), r"T161.colour: unknown key"),
    (lambda d: d["T161"].update(severity="fatal"), r"T161.severity: 'fatal' is not one of"),
    (lambda d: d["T161"]["messages"].pop("zh-TW"), r"T161.messages: expected one message in each"),
    (lambda d: d["T211"]["texts"]["lower"].pop("en"), r"T211.texts.lower: expected one message in each"),
])
def test_a_malformed_entry_is_refused(tmp_path, monkeypatch, edit, where):
    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    data = yaml.safe_load((folder / "rules.yaml").read_text(encoding="utf-8"))
    edit(data)
    (folder / "rules.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(promo_workbook.spec, "templates_dir", lambda: folder)
    registry.rule_data.cache_clear()
    try:
        with pytest.raises(SpecError, match=r"templates/rules.yaml: " + where):
            registry.rule_data()
    finally:
        registry.rule_data.cache_clear()


def test_a_class_without_data_is_refused():
    class Unknown(registry.Rule):
        code = "T999"

    with pytest.raises(ValueError, match=r"T999 \(Unknown\) has no entry in templates/rules.yaml"):
        registry.register(Unknown)
    assert "T999" not in registry.REGISTRY
