"""Hostile, broken and huge inputs (issue 6): never crash, never lose data, never let content in.

The corpus (tests/hostile/build_corpus.py) is built once per session into a temporary folder.
Every case goes through ``check`` and ``export`` as a user runs them: a fresh process each,
measured by a small wrapper process (wall time, and the child's peak RSS from
RUSAGE_CHILDREN, which a fresh wrapper keeps free of pytest's own memory).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promo_workbook import InputFileError
from promo_workbook.checker.config import DEFAULTS, load_config
from promo_workbook.errors import UsageError
from promo_workbook.limits import Limits
from promo_workbook.reader import read
from promo_workbook.reader.extent import measure_extent
from promo_workbook.reader.scan import _at_most, scan_formulas

sys.path.insert(0, str(Path(__file__).parent / "hostile"))
import build_corpus  # noqa: E402

from support.libreoffice import is_ci  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "example-en.xlsx"
SECONDS, PEAK_KB = 10.0, 1024 * 1024   # every command: within 10 s and 1 GB
TIMEOUT = 40                            # a command still running after this is killed and fails

# Run one command and report how it went; peak RSS is the largest child's (only this one).
RUNNER = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
try:
    p = subprocess.run(sys.argv[2:], capture_output=True, timeout=float(sys.argv[1]))
    rc, out, err = p.returncode, p.stdout, p.stderr
except subprocess.TimeoutExpired as exc:
    rc, out, err = "timeout", exc.stdout or b"", exc.stderr or b""
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": rc, "seconds": seconds, "rss_kb": rss,
                  "out": out.decode("utf-8", "replace"), "err": err.decode("utf-8", "replace")}))
"""


@dataclasses.dataclass
class Run:
    rc: int | str
    seconds: float
    rss_kb: int
    out: str
    err: str


def _run(args: list[str], cwd: Path) -> Run:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout, whatever is installed
    env.pop("PROMO_WORKBOOK_DEBUG", None)
    p = subprocess.run([sys.executable, "-c", RUNNER, str(TIMEOUT), sys.executable, "-m", "promo_workbook", *args],
                       capture_output=True, text=True, cwd=cwd, env=env, timeout=TIMEOUT + 30, check=True)
    return Run(**json.loads(p.stdout))


def _digest(path: Path):
    if not path.exists():
        return None
    if path.is_dir():
        return ("dir", sorted(p.name for p in path.iterdir()))
    st_ = path.stat()
    return (hashlib.sha256(path.read_bytes()).hexdigest(), st_.st_ino, st_.st_mtime_ns, st_.st_size)


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    cases = {case.name: case for case in build_corpus.build(folder)}
    return folder, cases


@pytest.fixture(scope="session")
def runs(corpus, tmp_path_factory):
    """Every case through check (text and JSON) and export (JSON and CSV), two at a time."""
    folder, cases = corpus
    out = tmp_path_factory.mktemp("hostile-out")
    before = {name: _digest(case.path) for name, case in cases.items()}
    listing = _listing(folder)
    jobs = {}
    for name, case in cases.items():
        if case.expect == "skip":
            continue
        target = str(case.path)
        jobs[(name, "check")] = ["check", target]
        jobs[(name, "check-json")] = ["check", target, "--format", "json"]
        jobs[(name, "export")] = ["export", target, "--out", str(out / f"{name}.json")]
        jobs[(name, "export-csv")] = ["export", target, "--format", "csv", "--out", str(out / f"{name}-csv")]
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {key: pool.submit(_run, args, out) for key, args in jobs.items()}
        results = {key: future.result() for key, future in futures.items()}
    after = {name: _digest(case.path) for name, case in cases.items()}
    return {"results": results, "before": before, "after": after, "listing": (listing, _listing(folder)),
            "out": out}


def test_corpus_has_every_case_the_issue_lists(corpus):
    folder, cases = corpus
    assert set(cases) == set(build_corpus.NAMES)
    assert len(cases) >= 25
    kinds = {case.expect for case in cases.values()}
    assert kinds <= {"refused", "report", "skip"}


@pytest.mark.parametrize("name", build_corpus.NAMES)
@pytest.mark.parametrize("command", ["check", "check-json", "export", "export-csv"])
def test_case_ends_cleanly(runs, corpus, name, command):
    """Exit 2 and one line naming the file and the problem, or a normal report; within 10 s and
    1 GB; no traceback."""
    folder, cases = corpus
    case = cases[name]
    if case.expect == "skip":
        if is_ci():
            pytest.fail(f"{name}: {case.why_skipped}")
        pytest.skip(case.why_skipped)
    run = runs["results"][(name, command)]
    assert run.rc != "timeout", f"{name} {command}: still running after {TIMEOUT} s"
    assert run.seconds <= SECONDS, f"{name} {command}: {run.seconds:.1f} s"
    assert run.rss_kb <= PEAK_KB, f"{name} {command}: peak {run.rss_kb / 1024:.0f} MB"
    for stream in (run.out, run.err):
        assert "Traceback" not in stream
        assert "internal error" not in stream
    if case.expect == "refused":
        lines = run.err.strip().splitlines()
        assert run.rc == 2, (run.rc, run.err)
        assert len(lines) == 1, run.err
        assert str(case.path) in lines[0]
        assert re.search(case.problem, lines[0]), lines[0]
        assert run.out == ""
    elif command.startswith("check"):
        assert run.rc in (0, 1), run.err
        assert run.err == ""
        assert str(case.path) in run.out
        if command == "check-json":
            assert json.loads(run.out)["file"] == str(case.path)
    else:
        assert run.rc == 0, run.err
        assert run.err.startswith("wrote "), run.err
        if command == "export":
            plan = json.loads((runs["out"] / f"{name}.json").read_text(encoding="utf-8"))
            assert plan["path"] == str(case.path)


def test_inputs_are_untouched(runs, corpus):
    """Byte-identical (sha256), same inode and mtime, and nothing new beside them."""
    folder, cases = corpus
    for name in cases:
        assert runs["after"][name] == runs["before"][name], name
    listing_before, listing_after = runs["listing"]
    assert listing_after == listing_before


def test_refused_cases_write_no_output(runs, corpus):
    folder, cases = corpus
    for name, case in cases.items():
        if case.expect == "refused":
            assert not (runs["out"] / f"{name}.json").exists(), name
            assert not (runs["out"] / f"{name}-csv").exists(), name


def test_canary_never_reaches_any_output(runs, corpus):
    """The external-entity cases point at a canary file: its token appears nowhere."""
    folder, cases = corpus
    token = build_corpus.canary_files(folder)["token"]
    for run in runs["results"].values():
        assert token not in run.out and token not in run.err
    for path in runs["out"].rglob("*"):
        if path.is_file():
            assert token not in path.read_text(encoding="utf-8", errors="replace"), path


def test_canary_is_never_opened(corpus, tmp_path):
    """Under strace: no open() of the canary file or FIFO by any process of the command. (The
    FIFO cases also prove it without strace: opening the FIFO for reading would block.)"""
    folder, cases = corpus
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed")
    canary = build_corpus.canary_files(folder)
    log = tmp_path / "trace.log"
    xxe = [name for name in cases if name.startswith("xxe-")]
    for name in xxe:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        p = subprocess.run([strace, "-f", "-qq", "-e", "trace=open,openat,openat2,creat", "-o", str(log),
                            sys.executable, "-m", "promo_workbook", "check", str(cases[name].path)],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False)
        if not log.exists() or "ptrace" in p.stderr.lower():
            pytest.skip(f"strace cannot trace here: {p.stderr.strip()[:200]}")
        trace = log.read_text(encoding="utf-8", errors="replace")
        assert str(cases[name].path) in trace  # the trace works: the input was opened
        assert str(canary["file"]) not in trace, name
        if canary["fifo"]:
            assert str(canary["fifo"]) not in trace, name


def test_macro_is_never_run(runs, corpus):
    folder, cases = corpus
    assert not (folder / "MACRO-RAN").exists()
    assert runs["results"][("macro", "check")].rc in (0, 1)


def test_report_never_prints_terminal_control_characters(runs):
    run = runs["results"][("control-characters", "check")]
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", run.out), "raw control characters in the report"


def test_formula_text_is_defused_in_csv(runs):
    """Text meant to run as a formula in a spreadsheet app gets a leading quote in CSV."""
    csvs = list((runs["out"] / "formula-text-csv").glob("*.csv"))
    text = "\n".join(p.read_text(encoding="utf-8-sig") for p in csvs)
    assert "cmd|" in text
    for field in re.findall(r"(?:^|,)\"?([^,\"\n]*cmd\|)", text, flags=re.M):
        assert field.startswith("'"), field


def test_output_onto_the_input_is_refused(corpus, tmp_path):
    folder, cases = corpus
    target = tmp_path / "plan.xlsx"
    shutil.copyfile(SAMPLE, target)
    before = _digest(target)
    run = _run(["export", str(target), "--out", str(target)], tmp_path)
    assert run.rc == 2 and len(run.err.strip().splitlines()) == 1, run.err
    assert _digest(target) == before


# Limits: configurable, clear, and the defaults.

def test_limit_defaults_are_the_config_defaults():
    assert DEFAULTS["limits"] == dataclasses.asdict(Limits())
    assert Limits.from_config(load_config()) == Limits()


def test_limits_from_a_config_file(tmp_path):
    toml = tmp_path / "limits.toml"
    toml.write_text("[limits]\nmax_cells = 1000\nmax_seconds = 5\n", encoding="utf-8")
    limits = Limits.from_config(load_config(toml))
    assert limits.max_cells == 1000 and isinstance(limits.max_cells, int) and limits.max_seconds == 5.0
    with pytest.raises(InputFileError, match=r"limit max_cells"):
        read(SAMPLE, limits=load_config(toml))


@pytest.mark.parametrize("bad", [{"max_cellz": 1}, {"max_cells": -1}, {"max_cells": "many"}, {"max_ratio": True}])
def test_bad_limits_are_usage_errors(bad):
    with pytest.raises(UsageError):
        Limits.from_config(bad)


@pytest.mark.parametrize("limits, problem", [
    ({"max_cells": 2000}, r"refused: sheet '.*' \(.* rows x .* columns from A1\) brings the cells to read to .*"
                          r"more than 2,000 \(limit max_cells\)"),
    ({"max_unzipped_bytes": 100_000}, r"parts unzip to .* more than 100,000 bytes \(limit max_unzipped_bytes\)"),
    ({"max_parts": 10}, r"the zip holds \d+ entries, more than 10 \(limit max_parts\)"),
    ({"max_seconds": 1e-9}, r"gave up reading after .* s .*\(limit max_seconds\)"),
])
def test_each_limit_refuses_with_a_clear_message(limits, problem):
    with pytest.raises(InputFileError, match=problem) as exc:
        read(SAMPLE, limits=limits)
    assert str(SAMPLE) in str(exc.value) and "\n" not in str(exc.value)


def test_ratio_and_strings_limits(corpus):
    folder, cases = corpus
    strings = cases["million-strings"].path
    with pytest.raises(InputFileError, match=r"would unzip .* times its size.*limit max_ratio 2\)"):
        read(strings, limits={"max_ratio": 2})
    with pytest.raises(InputFileError, match=r"shared-strings table \(2,\d{3},\d{3} strings\).*limit max_cells"):
        read(strings, limits={"max_cells": 1_000_000})
    assert len(read(strings).tables) == 16  # the defaults read it


def test_a_sheet_past_max_cells_names_the_sheet_and_its_area(corpus):
    folder, cases = corpus
    with pytest.raises(InputFileError, match=r"sheet 'Goals' \(1,048,576 rows x 1,500 columns from A1\)"):
        read(cases["many-far-cells"].path)


# The bound on a sheet's used area: sound (never smaller than what calamine builds).

@given(top=st.integers(1, 10**8), n=st.integers(0, 10**9))
def test_at_most_pattern_compares_numbers(top, n):
    assert bool(re.fullmatch(_at_most(str(top), "09"), str(n))) == (n <= top)


@given(top=st.integers(0, 16383), n=st.integers(0, 16383))
def test_at_most_pattern_compares_column_letters(top, n):
    from promo_workbook.a1 import col_letter

    assert bool(re.fullmatch(_at_most(col_letter(top), "AZ"), col_letter(n))) == (n <= top)


_CELL_FORMS = [
    '<c r="{ref}"><v>{v}</v></c>',
    '<c r="{ref}" s="0"><v>{v}</v></c>',
    '<c s="0" r="{ref}"><v>{v}</v></c>',          # address not first: the slow path
    '<c r="{lower}"><v>{v}</v></c>',              # calamine reads lower-case addresses too
    '<c r="{ref}"><f>1+{v}</f><v>{v}</v></c>',
    '<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>',
    '<c r="{ref}"/>',                              # no value: calamine skips it
    '<c r="{ref}"><x/><v>{v}</v></c>',             # something before the value (calamine refuses it)
    '<x:c r="{ref}" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:v>{v}</x:v></x:c>',
]


@settings(max_examples=40, deadline=None)
@given(cells=st.lists(st.tuples(st.integers(1, 3000), st.integers(0, 300), st.integers(0, len(_CELL_FORMS) - 1)),
                      min_size=1, max_size=12),
       dimension=st.sampled_from(["A1:A1", "A1:B8", "A1:XFD1048576", "", "B2", "A1:ZZ3000"]))
def test_scan_bound_covers_what_calamine_builds(tmp_path_factory, cells, dimension):
    """Cells placed anywhere, in every form calamine accepts: the scan's extent is never
    smaller than the grid python-calamine builds for the sheet."""
    import python_calamine

    from promo_workbook.a1 import col_letter

    path = tmp_path_factory.mktemp("bound") / "bound.xlsx"
    rows = "".join('<row r="{}">{}</row>'.format(
        r, _CELL_FORMS[form].format(ref=f"{col_letter(c)}{r}", lower=f"{col_letter(c).lower()}{r}", v=r))
        for r, c, form in sorted(cells))
    sheet_xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
                 'openxmlformats.org/spreadsheetml/2006/main">'
                 + (f'<dimension ref="{dimension}"/>' if dimension else "")
                 + f"<sheetData>{rows}</sheetData></worksheet>")
    part = build_corpus._sheet_of("SWOT")
    build_corpus._edit(path, {part: sheet_xml.encode()})
    with zipfile.ZipFile(path) as zf:
        found = scan_formulas(zf, part)
        measured = found.extent if found.exact else measure_extent(zf, part)
    try:
        sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("SWOT")
        grid = sheet.to_python(skip_empty_area=False)
    except python_calamine.CalamineError:
        return  # calamine refuses the sheet: it builds nothing

    height, width = len(grid), max((len(r) for r in grid), default=0)
    assert found.extent[0] >= height and found.extent[1] >= width, (found.extent, height, width)
    assert measured[0] >= height and measured[1] >= width, (measured, height, width)


# Fuzz smoke test: the harness in bench/ on a few hundred mutations.

def test_fuzz_smoke(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, str(ROOT / "bench" / "fuzz.py"), "--count", "200", "--seed",
                        str(random.Random().randrange(10**6) if os.environ.get("FUZZ_RANDOM") else 7),
                        "--workers", "2", "--report", str(tmp_path / "fuzz.json")],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=600, check=False)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    summary = json.loads((tmp_path / "fuzz.json").read_text(encoding="utf-8"))
    assert summary["count"] == 200 and summary["unexpected"] == [] and summary["crashes"] == []


# read() lets python-calamine load a big sheet before its formulas are scanned when
# quick_extent vouches for its extent: it must never vouch for less than the full scan finds.

def _extents(zf, part, path):
    from promo_workbook.limits import Budget
    from promo_workbook.reader.extent import quick_extent

    quick = full = None
    try:
        quick = quick_extent(zf, part, Budget(path, Limits()))
    except InputFileError:
        pass
    try:
        full = scan_formulas(zf, part, Budget(path, Limits())).extent
    except InputFileError as exc:
        full = exc
    return quick, full


def _covers(quick, full) -> bool:
    if quick is None:
        return True
    if isinstance(full, Exception):  # refused by the full scan: only for reasons other than a cell outside
        return "outside the sheet" not in str(full)
    return quick[0] >= full[0] and quick[1] >= full[1]


def test_quick_extent_never_vouches_for_less_than_the_scan(corpus):
    folder, cases = corpus
    checked = 0
    for case in cases.values():
        path = Path(case.path) if hasattr(case, "path") else folder / case.name
        if not path.is_file() or not zipfile.is_zipfile(path):
            continue
        with zipfile.ZipFile(path) as zf:
            for part in [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]:
                quick, full = _extents(zf, part, path)
                assert _covers(quick, full), (case.name, part, quick, full)
                checked += quick is not None
    assert checked > 10


@pytest.mark.parametrize("cells, vouched", [
    (b'<c r="A1"><v>1</v></c>', True),
    (b'<c r="I20"><v>1</v></c>', True),
    (b'<c r="J1"><v>1</v></c>', False),            # a column past the <dimension>
    (b'<c r="A21000"><v>1</v></c>', False),        # a row past it (rounded up to 20...99)
    (b'<c r="XFD1048576"><v>1</v></c>', False),
    (b'<c><v>1</v></c>', False),                   # no address: placed by position
    (b'<c s="1" r="A1"><v>1</v></c>', False),      # address not first
    (b'<c\tr="A1"><v>1</v></c>', False),
    (b'<x:c r="A1"><v>1</v></x:c>', False),        # a prefixed cell, which calamine reads too
    (b'<c r="a1"><v>1</v></c>', False),            # lower-case address
])
def test_quick_extent_vouches_only_for_plain_cells_inside_the_dimension(tmp_path, cells, vouched):
    xml = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<dimension ref="A1:I20"/><sheetData><row r="1">' + cells + b"</row></sheetData></worksheet>")
    path = tmp_path / "s.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    with zipfile.ZipFile(path) as zf:
        quick, full = _extents(zf, "xl/worksheets/sheet1.xml", path)
    assert (quick is not None) == vouched, quick
    assert _covers(quick, full)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([b"", b" ", b' s="2"', b"\t"]),
                          st.text("ABCIJXZabc", min_size=1, max_size=3), st.integers(0, 1_100_000)),
                min_size=1, max_size=6),
       st.sampled_from([b"A1:I20", b"A1:C5", b"B2:XFD1048576", b"", b"A1:A1"]))
def test_quick_extent_property(tmp_path_factory, cells, dimension):
    body = b"".join(b"<c" + lead + b' r="' + letters.encode() + str(row).encode() + b'"><v>1</v></c>'
                    if lead != b" s=\"2\"" else b'<c s="2" r="' + letters.encode() + str(row).encode() + b'"><v>1</v></c>'
                    for lead, letters, row in cells)
    dim = b'<dimension ref="' + dimension + b'"/>' if dimension else b""
    xml = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + dim + \
        b'<sheetData><row r="1">' + body + b"</row></sheetData></worksheet>"
    path = tmp_path_factory.mktemp("quick") / "s.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    with zipfile.ZipFile(path) as zf:
        quick, full = _extents(zf, "xl/worksheets/sheet1.xml", path)
    assert _covers(quick, full), (quick, full, xml)


_OUTCOMES = r"""
import importlib, json, sys
read_module = importlib.import_module("promo_workbook.reader.pipeline")
read_module.QUICK_EXTENT_SIZE = int(sys.argv[1])
from promo_workbook import InputFileError
out = {}
for path in sys.argv[2:]:
    try:
        plan = read_module.read(path)
        out[path] = ["read", sorted((k, len(t)) for k, t in plan.tables.items()), plan.notes]
    except InputFileError as exc:
        out[path] = ["refused", str(exc)]
print(json.dumps(out))
"""


def test_loading_big_sheets_early_changes_no_outcome(corpus):
    """Every case read with the quick extent used for every part (not only parts of 8 MB and
    more) ends as it does otherwise: the same refusal, or the same tables and notes."""
    folder, cases = corpus
    paths = [str(c.path) for c in cases.values() if c.expect != "skip" and Path(c.path).is_file()]

    def outcomes(size: int) -> dict:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        p = subprocess.run([sys.executable, "-c", _OUTCOMES, str(size), *paths], capture_output=True, text=True,
                           env=env, timeout=300)
        assert p.returncode == 0, p.stderr[-2000:]
        return json.loads(p.stdout)

    usual, early = outcomes(8 * 1024 * 1024), outcomes(0)
    assert early == usual
    assert sum(v[0] == "refused" for v in usual.values()) >= 10


def _sample_with(tmp_path, change) -> Path:
    src = ROOT / "samples" / "consistent-en.xlsx"
    out = tmp_path / "changed.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            name, data = change(item.filename, zin.read(item.filename))
            if name:
                zout.writestr(name, data)
    return out


def test_calamine_reads_only_the_parts_the_reader_resolved(tmp_path):
    """python-calamine gets a copy of the checked parts (calamine_copy.py): a stray part no
    sheet names is not in it, and a target written "../xl/worksheets/sheet1.xml" (valid; Excel
    and LibreOffice open it) reads the same values as the sample."""
    plain = read(ROOT / "samples" / "consistent-en.xlsx")

    def extra(name, data):
        return name, data

    path = _sample_with(tmp_path, extra)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/worksheets/stray.xml", b"<worksheet/>")
    assert read(path).tables.keys() == plain.tables.keys()

    def roundabout(name, data):
        if name == "xl/_rels/workbook.xml.rels":
            data = data.replace(b'Target="/xl/worksheets/sheet1.xml"', b'Target="../xl/worksheets/sheet1.xml"')
        return name, data

    other = read(_sample_with(tmp_path, roundabout))
    assert other.tables.keys() == plain.tables.keys() and not other.missing
    for key, table in plain.tables.items():
        assert [r.to_dict() for r in other.tables[key].rows] == [r.to_dict() for r in table.rows]
