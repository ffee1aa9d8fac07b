# bench_check.py: time `promo-workbook check` against python-calamine, and its growth with rows.
"""Benchmark the checker (issue 4, Done-when 6).

Builds the bench workbook of bench_read.py (200,000 daily-metrics rows, 100,000 feedback rows,
derived columns as formulas with cached results) and one with a tenth of the rows, then, each
in a fresh process, times

    calamine   python-calamine reading every cell of every sheet into Python lists
    check      the whole `promo-workbook check FILE --format json` process, all rules

and prints the ratio check / calamine (target <= 2.5) and the growth from the small to the
large workbook (10x rows, target <= 11x time).

    python bench/bench_check.py                  # build into a temp folder, run, print
    python bench/bench_check.py --keep DIR       # keep (or reuse) the two workbooks in DIR
    python bench/bench_check.py --repeat 3       # best of three runs of each, interleaved
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_read import ROOT, build, measure  # noqa: E402

TARGET_RATIO = 2.5
TARGET_GROWTH = 11.0
CALAMINE = """
import python_calamine
wb = python_calamine.CalamineWorkbook.from_path(path)
sheets = [wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names]
note = f"{sum(len(r) for s in sheets for r in s):,} cells"
"""


def check_process(path: Path) -> float:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "promo_workbook", "check", str(path), "--format", "json"],
                         cwd=ROOT, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise RuntimeError(out.stderr)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="folder to build into (or reuse)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measure; the best is kept")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        large, small = folder / "large.xlsx", folder / "small.xlsx"
        if not large.exists():
            build(large)
        if not small.exists():
            build(small, daily_rows=20_000, feedback_rows=10_000)
        runs = {"calamine": [], "large": [], "small": []}
        for _ in range(max(1, args.repeat)):  # interleaved: a busy moment slows all three alike
            runs["calamine"].append(measure(CALAMINE, large)["seconds"])
            runs["large"].append(check_process(large))
            runs["small"].append(check_process(small))
        calamine, check_large, check_small = (min(runs[k]) for k in ("calamine", "large", "small"))
    ratio, growth = check_large / calamine, check_large / check_small
    print(f"calamine, every cell     {calamine:7.2f} s")
    print(f"check (whole process)    {check_large:7.2f} s   {ratio:5.1f} x calamine   (target <= {TARGET_RATIO})")
    print(f"check, a tenth the rows  {check_small:7.2f} s   growth {growth:4.1f} x for 10 x rows (target <= {TARGET_GROWTH})")
    return 0 if ratio <= TARGET_RATIO and growth <= TARGET_GROWTH else 1


if __name__ == "__main__":
    sys.exit(main())
