# words.py: templates/summary.yaml, the summary workbook's words, loaded strictly.
"""The summary's sheet names, titles, headings and labels are data (``templates/summary.yaml``).

    words() -> Words          the whole file; ``words().text("goals.columns.target", lang)``

Every leaf is a mapping with exactly zh-CN, zh-TW and en (a ``Text``); anything else, a
placeholder that is not in every language, or a sheet name Excel would refuse is a SpecError
naming ``templates/summary.yaml`` and the path inside it.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

from ..errors import SpecError
from ..spec import LANGUAGES, Text, templates_dir

FILE = "templates/summary.yaml"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
SHEETS = ("overview", "goals", "budget", "channels", "daily", "findings")


# Public API.

class Words:
    """The loaded file: nested mappings whose leaves are Texts."""

    def __init__(self, tree: dict):
        self.tree = tree

    def get(self, path: str):
        node = self.tree
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(f"{FILE}: {path}")
            node = node[part]
        return node

    def text(self, path: str, lang: str, **values) -> str:
        text = self.get(path)
        if not isinstance(text, Text):
            raise KeyError(f"{FILE}: {path} is not a text")
        out = text(lang)
        return out.format(**values) if values else out

    def sheet(self, key: str, lang: str) -> str:
        return self.text(f"sheets.{key}", lang)


@functools.lru_cache(maxsize=2)
def words(directory: str | None = None) -> Words:
    root = Path(directory) if directory else templates_dir()
    return Words(_load(root / "summary.yaml"))


# Private API.

def _load(path: Path) -> dict:
    import yaml

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as exc:
        raise SpecError(FILE, "", f"cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise SpecError(FILE, "", f"not valid YAML: {exc}") from None
    tree = _convert(data, "")
    sheets = tree.get("sheets")
    if not isinstance(sheets, dict) or set(sheets) != set(SHEETS):
        raise SpecError(FILE, "sheets", f"expected exactly {', '.join(SHEETS)}")
    for lang in LANGUAGES:
        names = [sheets[k](lang) for k in SHEETS]
        if len(set(names)) != len(names):
            raise SpecError(FILE, "sheets", f"sheet names repeat in {lang}")
        for key, name in zip(SHEETS, names):
            if not name or len(name) > 31 or set(name) & set("[]:*?/\\") or name.startswith("'"):
                raise SpecError(FILE, f"sheets.{key}.{lang}", f"{name!r} is not a valid sheet name")
    return tree


def _convert(value, where: str):
    if not isinstance(value, dict):
        raise SpecError(FILE, where, f"expected a mapping, found {type(value).__name__}")
    keys = set(value)
    if keys & set(LANGUAGES) or not value:
        if keys != set(LANGUAGES):
            extra = sorted(keys - set(LANGUAGES)) or sorted(set(LANGUAGES) - keys)
            raise SpecError(FILE, where, f"a text needs exactly {', '.join(LANGUAGES)} (check {extra[0]!r})")
        texts = []
        for lang in LANGUAGES:
            if not isinstance(value[lang], str):
                raise SpecError(FILE, f"{where}.{lang}", f"expected text, found {value[lang]!r}")
            texts.append(value[lang])
        holes = [set(PLACEHOLDER.findall(t)) for t in texts]
        if any(h != holes[0] for h in holes):
            raise SpecError(FILE, where, "the languages' placeholders differ")
        return Text(*texts)
    return {str(k): _convert(v, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
