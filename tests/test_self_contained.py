"""The repository stands alone: no code, test, doc or data file names a path outside the clone
(a developer's home, the machine's shared folder, a sibling checkout). A contributor's fresh
clone and CI's must need nothing but what the repository and its declared packages hold."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = {".py", ".yaml", ".yml", ".toml", ".cfg", ".md", ".txt", ".json", ".sh", ""}
SKIP_DIRS = {"__pycache__", "build", "dist"}  # and hidden folders (.git, caches, venvs) but .ci
# An absolute path in quotes or after whitespace: "/a/b" or '/a/b'.
ABSOLUTE = re.compile(r"""(?:(?<=["'`\s(=])|^)(/[A-Za-z0-9_.~-]+(?:/[A-Za-z0-9_.~-]+)+)""", re.M)
# First components of the places a machine keeps people's and projects' files. (Paths under
# /usr, /bin, /proc or /tmp name the system's own programs and files; "/api/check" is a URL
# route and "/xl/workbook.xml" a part inside a zip: none of those is data outside the clone.)
OUTSIDE = {"work", "home", "root", "mnt", "media", "Users", "srv", "opt", "data", "shared", "workspace"}
# (The examples below are built from pieces so that this file names no such path itself.)
SHARED = "/".join(("", "work", "shared"))
SIBLING = re.compile(r"\.\./shared\b|" + re.escape(SHARED))


def repo_files():
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        folders = rel.parts[:-1]
        if any(part in SKIP_DIRS or part.endswith(".egg-info") or (part.startswith(".") and part != ".ci")
               for part in folders):
            continue
        if path.is_file() and path.suffix in TEXT and path.stat().st_size < 2_000_000:
            yield rel, path


def outside_paths(text: str) -> list[str]:
    found = []
    for m in ABSOLUTE.finditer(text):
        if m.group(1).split("/")[1] in OUTSIDE:
            found.append(m.group(1))
    return found + SIBLING.findall(text)


def test_no_file_names_a_path_outside_the_repository():
    offenders = {}
    for rel, path in repo_files():
        if rel == Path("tests/test_self_contained.py"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if found := outside_paths(text):
            offenders[str(rel)] = sorted(set(found))[:5]
    assert not offenders, offenders


def test_the_scan_would_catch_one():
    seed = SHARED + "/seeds/000.txt"
    assert outside_paths(f'SEED = Path("{seed}")') == [seed, SHARED]
    home = "/".join(("", "home", "li", "plan.xlsx"))
    assert outside_paths(f"open('{home}')") == [home]
    assert outside_paths("see ../shared/spec/") == ["../shared"]
    assert outside_paths('SYSTEM_PYTHON = "/usr/bin/python3"; part = "/xl/worksheets/sheet1.xml"') == []
    opt = "/".join(("", "opt", "plans", "q3.xlsx"))
    assert outside_paths(f'@app.post("/api/check") ... "{opt}"') == [opt]
