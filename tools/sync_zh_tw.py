"""Add the missing zh-TW text to templates/*.yaml, converted from zh-CN by OpenCC.

The spec keeps Traditional Chinese as data (no converter at run time). This maintenance
script fills in a zh-TW entry wherever a zh-CN entry has none, editing the YAML as text so
comments and layout stay as written. Review the diff: OpenCC's character conversion (s2t,
the seed's own convention: 項目, 數據, 點擊) is right almost always, not always.

    python tools/sync_zh_tw.py            # edit files in place
    python tools/sync_zh_tw.py --check    # exit 1 if any zh-TW is missing
"""
import re
import sys
from pathlib import Path

import opencc

# Words where character-level conversion picks the wrong Traditional form.
FIXES = {"覆盤": "復盤", "裏": "裡", "佔": "佔"}
FLOW = re.compile(r"zh-CN: (\"[^\"]*\"|'[^']*'|[^,}]*?), (?!zh-TW)")
BLOCK = re.compile(r"^(\s*)zh-CN: (.*)$")


def convert(converter, text):
    out = converter.convert(text)
    for wrong, right in FIXES.items():
        out = out.replace(wrong, right)
    return out


def sync(text, converter):
    lines = text.split("\n")
    result = []
    for i, line in enumerate(lines):
        block = BLOCK.match(line)
        if block and not line.rstrip().endswith(",") and "{" not in line:
            result.append(line)
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if not nxt.strip().startswith("zh-TW:"):
                result.append(f"{block.group(1)}zh-TW: {convert(converter, block.group(2))}")
            continue
        result.append(FLOW.sub(lambda m: f"zh-CN: {m.group(1)}, zh-TW: {convert(converter, m.group(1))}, ", line))
    return "\n".join(result)


def main(argv):
    converter = opencc.OpenCC("s2t")
    missing = False
    for path in sorted(Path(__file__).resolve().parent.parent.joinpath("templates").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        new = sync(text, converter)
        if new != text:
            missing = True
            if "--check" not in argv:
                path.write_text(new, encoding="utf-8")
                print(f"updated {path.name}")
    return 1 if missing and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
