# bench_read.py: time read() against python-calamine on one large workbook, in one run.
"""Benchmark the reader (issue 3, Done-when 5).

Builds a large workbook in the template's layout as a spreadsheet app would save it —
200,000 daily-metrics rows and 100,000 feedback rows, the derived columns as formulas with
their cached results — then, each in a fresh subprocess, times

    calamine   python-calamine reading every cell of every sheet into Python lists
    read       promo_workbook.reader.pipeline(path)
    read+rows  read(path), then every row of every table normalised (Value objects)

and prints wall time, peak memory (the child's VmHWM), and the ratios to calamine.
Target: read's time and peak memory both <= 2.0 x calamine's.

The workbook is written by xlsxwriter with every derived cell as a full formula plus its
cached result and strings in the shared-strings table; Excel would write copied-down
formulas as shared formulas (shorter XML), so this is the harder case for the scan.

    python bench/bench_read.py                 # build into a temp folder, run, print
    python bench/bench_read.py --keep out.xlsx # keep (or reuse) the workbook at out.xlsx
    python bench/bench_read.py --repeat 3      # best of three runs each
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DAILY_ROWS = 200_000
FEEDBACK_ROWS = 100_000
TARGET_RATIO = 2.0
CHANNELS = 500  # daily rows per day: one per channel


# Public API.

def build(path: Path, daily_rows: int = DAILY_ROWS, feedback_rows: int = FEEDBACK_ROWS,
          lang: str = "zh-CN") -> Path:
    """Write the large workbook: the sixteen sheets in template layout plus _meta."""
    sys.path.insert(0, str(ROOT))
    import xlsxwriter

    from promo_workbook.formulas import Context, column_formula
    from promo_workbook.layout import plan_layout
    from promo_workbook.spec import load_spec
    from promo_workbook.writer import meta

    spec = load_spec()
    layouts = plan_layout(spec, lang)
    _resize(layouts["daily"], daily_rows)
    _resize(layouts["feedback"], feedback_rows)
    _resize(layouts["channels"], CHANNELS)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    fmt = {"date": wb.add_format({"num_format": "yyyy-mm-dd"}),
           "percent": wb.add_format({"num_format": "0.0%"}),
           "integer": wb.add_format({"num_format": "#,##0"})}
    cover = wb.add_worksheet("Cover")
    cover.write_string(4, 1, spec.workbook["cover"]["fields"][3]["label"](lang))
    cover.write_datetime(4, 2, dt.datetime(2026, 3, 1), fmt["date"])
    blocks = {key: tl.block for key, tl in layouts.items()}
    ctx = Context(spec, lang, blocks, blocks["swot"])
    for key, tl in layouts.items():
        ws = wb.add_worksheet(tl.block.sheet)
        ws.write_string(0, 0, f"{tl.table.number}  {tl.table.title(lang)}")
        for i, col in enumerate(tl.table.columns):
            ws.write_string(3, i, col.label(lang))
        if key == "daily":
            ctx.current = tl.block
            _write_daily(ws, tl, ctx, fmt, column_formula)
        elif key == "feedback":
            _write_feedback(ws, tl, spec, lang)
        elif key == "channels":
            _write_channels(ws, tl)
    meta.write_meta(wb.add_worksheet(meta.META_SHEET), spec, lang, list(layouts.values()), "Cover",
                    {"start": "$C$5"}, False)
    wb.close()
    return path


def measure(code: str, path: Path) -> dict:
    """Run one reader in a fresh interpreter; wall seconds and peak RSS (MB) of that child."""
    script = _CHILD.format(code=code)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True,
                         cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError(f"reader failed:\n{out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_wall"] = wall
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build into (or reuse) this .xlsx")
    parser.add_argument("--repeat", type=int, default=1, help="runs per reader; the best is kept")
    parser.add_argument("--build-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build_only:
        build(args.build_only)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-read-") as tmp:
        path = args.keep or Path(tmp) / "large.xlsx"
        if path.is_dir():  # a folder (as bench_check.py --keep takes): the workbook inside it
            path = path / "large.xlsx"
        if not path.exists():  # built in a child process, so this one stays small
            start = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--build-only", str(path)], check=True, cwd=ROOT)
            print(f"built {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.0f} s")
        results = {}
        for name, code in _READERS.items():
            runs = [measure(code, path) for _ in range(max(1, args.repeat))]
            results[name] = min(runs, key=lambda r: r["seconds"])
            results[name]["rss_mb"] = min(r["rss_mb"] for r in runs)
        _report(results)
        ok = all(results[n]["seconds"] <= TARGET_RATIO * results["calamine"]["seconds"]
                 and results[n]["rss_mb"] <= TARGET_RATIO * results["calamine"]["rss_mb"]
                 for n in ("read",))
    return 0 if ok else 1


# Private API.

def _resize(tl, rows: int) -> None:
    block = tl.block
    block.last_row = block.first_row + rows - 1
    if block.totals_row is not None:
        block.totals_row = block.last_row + 1


def _write_daily(ws, tl, ctx, fmt, column_formula) -> None:
    """Inputs as numbers, derived columns as formulas with the result Excel would cache.

    One row per (day, channel): 500 channels a day, as a plan with many placements reports
    them, so the rows are what a consistent plan holds, not duplicates. Each channel keeps its
    own level from day to day with some noise (within the spike threshold), and one row in
    ten thousand doubles, as a real report has a few days worth a look.
    """
    cols = tl.block.columns
    start = dt.datetime(2026, 3, 1)
    derived = [c for c in tl.table.columns if c.derived]
    noise = random.Random(20260301)
    for n in range(tl.rows):
        row = tl.block.first_row + n
        ctx.row = row
        channel = n % CHANNELS
        swing = 1 + noise.uniform(-0.15, 0.15) + (1.0 if n % 10_007 == 10_006 else 0.0)
        impressions = round((20_000 + (channel * 37) % 50_000) * swing)
        ctr = 0.01 + (channel % 40) / 1000
        clicks = round(impressions * ctr)
        conversions, target = min(round((100 + channel % 450) * swing), clicks // 2), 500
        cached = {"clicks": clicks, "cvr": conversions / clicks, "achievement": conversions / target}
        ws.write_datetime(row, cols["date"], start + dt.timedelta(days=n // CHANNELS), fmt["date"])
        ws.write_string(row, cols["channel"], channel_name(channel))
        ws.write_number(row, cols["impressions"], impressions, fmt["integer"])
        ws.write_number(row, cols["ctr"], ctr, fmt["percent"])
        ws.write_number(row, cols["conversions"], conversions, fmt["integer"])
        ws.write_number(row, cols["daily_target"], target, fmt["integer"])
        for col in derived:
            style = fmt["percent"] if col.format == "percent" else fmt["integer"]
            ws.write_formula(row, cols[col.key], column_formula(col, ctx), style, cached[col.key])


def channel_name(i: int) -> str:
    return f"渠道{i:03d}"


def _write_channels(ws, tl) -> None:
    cols = tl.block.columns
    for i in range(CHANNELS):
        ws.write_string(tl.block.first_row + i, cols["channel"], channel_name(i))


def _write_feedback(ws, tl, spec, lang: str) -> None:
    cols = tl.block.columns
    types = spec.list_labels("feedback_type", lang)
    for n in range(tl.rows):
        row = tl.block.first_row + n
        ws.write_string(row, cols["type"], types[n % len(types)])
        ws.write_string(row, cols["content"], f"优惠券使用门槛太高,满200减50,我只想买100元的东西 #{n}")
        ws.write_string(row, cols["profile"], f"女,{18 + n % 40}岁,{'新' if n % 2 else '老'}用户")
        ws.write_string(row, cols["action"], f"降低门槛至满100减30,工单{n}")


def _report(results: dict) -> None:
    base = results["calamine"]
    print(f"{'reader':<10} {'seconds':>8} {'peak MB':>8} {'time x':>7} {'mem x':>6}")
    for name, r in results.items():
        print(f"{name:<10} {r['seconds']:8.2f} {r['rss_mb']:8.0f} {r['seconds'] / base['seconds']:7.2f} "
              f"{r['rss_mb'] / base['rss_mb']:6.2f}   {r.get('note', '')}")
    print(f"target: read <= {TARGET_RATIO} x calamine in time and in peak memory")


# Peak memory is the child's VmHWM: Linux carries ru_maxrss over exec from the forking
# parent, which would charge the parent's own peak (building the workbook) to every reader.
_CHILD = """
import json, resource, sys, time
path = sys.argv[1]
start = time.perf_counter()
{code}
seconds = time.perf_counter() - start
try:
    with open("/proc/self/status") as fh:
        rss = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024
except (OSError, StopIteration):
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "rss_mb": rss, "note": note}}))
"""

_READERS = {
    "calamine": """
import python_calamine
wb = python_calamine.CalamineWorkbook.from_path(path)
sheets = [wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names]
note = f"{sum(len(r) for s in sheets for r in s):,} cells"
""",
    "read": """
from promo_workbook.reader import read
plan = read(path)
note = f"{sum(len(t) for t in plan.tables.values()):,} rows, cache trusted: {plan.trust_cache}"
""",
    "read+rows": """
from promo_workbook.reader import read
plan = read(path)
cells = sum(len(row.cells) for t in plan.tables.values() for row in t.rows)
note = f"{cells:,} cells normalised"
""",
}


if __name__ == "__main__":
    sys.exit(main())
