"""docs/: the generated pages are in sync with the code, every rule and check item is documented,
every relative link resolves, and nothing cites a document that is not in the repository."""
import dataclasses
import re
from pathlib import Path

import pytest

from promo_workbook.checker.config import DEFAULTS, load_config
from promo_workbook.checker.registry import all_rules
from promo_workbook.limits import Limits
from samples import build as samples_build
from tools import gen_docs

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LINKED = [ROOT / "README.md", ROOT / "CHANGELOG.md", ROOT / "samples" / "README.md", *sorted(DOCS.glob("*.md"))]
SCANNED_DIRS = ("promo_workbook", "tests", "samples", "bench", "tools")
SCANNED_FILES = ("README.md", "CHANGELOG.md")
FOREIGN_DOCS = re.compile(r"\b(?:CHECKS|TEMPLATES|READING|STYLE)\.md\b")
CODE = re.compile(r"\b[SVFTXB]\d{3}\b")


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# (a) Generated pages.

def test_generated_docs_are_in_sync():
    stale = [p.relative_to(ROOT).as_posix() for p in gen_docs.stale()]
    assert stale == [], f"out of date: {stale}; run python tools/gen_docs.py"


def test_gen_docs_check_mode_exit_code():
    assert gen_docs.main(["--check"]) == 0


def test_samples_readme_is_what_build_writes():
    assert read(ROOT / "samples" / "README.md") == samples_build.readme_text(), "run python samples/build.py"


# (b) Every rule and every check item documented.

def test_every_rule_has_a_section():
    text = read(DOCS / "rules.md")
    for rule in all_rules():
        assert f'<a id="{rule.code.lower()}"></a>' in text, rule.code
        assert f"\n### {rule.code} `{rule.name}`\n" in text, rule.code
        section = text.split(f"\n### {rule.code} ", 1)[1].split("\n### ", 1)[0]
        for part in (rule.what, rule.why, rule.bad, rule.good):
            assert gen_docs._esc(part) in section, (rule.code, part)


def test_every_check_item_has_a_paragraph_naming_its_rules():
    text = read(DOCS / "checks.md")
    by_item: dict[int, set[str]] = {}
    for rule in all_rules():
        by_item.setdefault(rule.item, set()).add(rule.code)
    assert sorted(by_item) == list(range(0, 34))  # 0: the acceptance sheet
    for item, codes in by_item.items():
        anchor = f'<a id="item-{item}"></a>'
        assert text.count(anchor) == 1, item
        paragraph = re.split(r'<a id="item-\d+"></a>|\n## ', text.split(anchor, 1)[1])[0]
        assert paragraph.lstrip().startswith(f"**{item}. "), item
        assert set(CODE.findall(paragraph)) == codes, item


def test_checks_md_states_the_severity_policy():
    text = read(DOCS / "checks.md")
    policy = text.split('<a id="severity-policy"></a>', 1)[1].split("\n## ", 2)[1]
    for severity in ("error", "warning", "info"):
        assert f"**{severity}**" in policy


def test_every_template_table_has_a_section():
    from promo_workbook.spec import load_spec

    text = read(DOCS / "templates.md")
    for table in load_spec().tables:
        assert f'<a id="{table.key}"></a>' in text
        section = text.split(f'<a id="{table.key}"></a>', 1)[1].split("<a id=", 1)[0]
        for column in table.columns:
            assert f"| `{column.key}` | {gen_docs._esc(column.label('zh-CN'))} |" in section, (table.key, column.key)


# The settings: docs/config.md against the code.

def test_config_defaults_agree_with_limits():
    limits = {f.name: f.default for f in dataclasses.fields(Limits)}
    assert DEFAULTS["limits"] == limits


def test_config_md_lists_every_setting_with_its_default():
    text = read(DOCS / "config.md")
    rows = {}
    section = None
    for line in text.splitlines():
        if m := re.fullmatch(r"### `\[(\w+)\]`", line):
            section = m[1]
        elif section and (m := re.match(r"\| `(\w+)` \| `([^`]*)` \|", line)):
            rows[(section, m[1])] = m[2]
    expected = {(s, k): gen_docs.toml_value(v) for s, k, v in gen_docs.config_settings()}
    assert rows == expected
    assert set(DEFAULTS) == {s for s, _ in rows}
    for section, values in DEFAULTS.items():
        assert {k for s, k in rows if s == section} == set(values)


def test_config_md_example_is_a_valid_config(tmp_path):
    example = re.search(r"```toml\n(.*?)```", read(DOCS / "config.md"), re.S)
    assert example, "docs/config.md has no TOML example"
    path = tmp_path / "promo.toml"
    path.write_text(example[1], encoding="utf-8")
    config = load_config(path)
    Limits.from_config(config)
    assert config != load_config()


# (c) Relative links resolve.

def _links(text: str) -> list[str]:
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)
    text = text.replace("\\[", "").replace("\\]", "")
    return re.findall(r"\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", text)


def _anchors(text: str) -> set[str]:
    ids = set(re.findall(r'<a id="([^"]+)"></a>', text))
    for heading in re.findall(r"^#+\s+(.*)$", text, flags=re.M):
        ids.add(re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", heading.strip().lower())))
    return ids


@pytest.mark.parametrize("doc", LINKED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_point_at_files(doc):
    assert doc.is_file()
    for link in _links(read(doc)):
        if re.match(r"^[a-z][a-z0-9+.-]*:", link):  # https:, mailto:
            continue
        target, _, fragment = link.partition("#")
        path = (doc.parent / target).resolve() if target else doc
        assert path.exists(), f"{doc.relative_to(ROOT)}: {link} points at nothing"
        if fragment and path.suffix == ".md":
            assert fragment in _anchors(read(path)), f"{doc.relative_to(ROOT)}: {link}: no such anchor"


# (d) Nothing cites a document outside the repository.

def _text_files():
    for name in SCANNED_FILES:
        yield ROOT / name
    for folder in SCANNED_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path != Path(__file__).resolve():
                yield path


def _text(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def test_no_reference_to_documents_outside_the_repository():
    here = {p.name for p in ROOT.rglob("*.md") if ".venv" not in p.parts and ".git" not in p.parts}
    found = []
    for path in [*_text_files(), *sorted(DOCS.glob("*.md"))]:
        text = _text(path)
        if text is None:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            names = [m for m in FOREIGN_DOCS.findall(line) if m not in here]
            if names:  # (paths outside the clone: tests/test_self_contained.py)
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert found == []
