# bench_batch.py: many plans at once (issue 16): `check --jobs 2` against `--jobs 1`, and the rollup.
"""Benchmark the batch check and the portfolio rollup on 200 plans of typical size.

The plans: the worked example generated in the three languages with varied campaigns,
dates and budgets, and the samples with mistakes (a fifth of them), copied into one folder.
Each measure is a whole `python -m promo_workbook` process; its wall time and peak memory
(ru_maxrss of the children: the CLI and its workers) are printed.

Targets: `check --jobs 2` in at most 0.6x the time of `check --jobs 1` on a 2-core machine;
`rollup` of the same plans in under 60 s and under 500 MB peak (the largest process).

    python bench/bench_batch.py                 # 200 plans in a temp folder
    python bench/bench_batch.py --plans 50 --keep DIR
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("zh-CN", "zh-TW", "en")


def make_plans(folder: Path, count: int) -> None:
    sys.path.insert(0, str(ROOT))
    import promo_workbook

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        path = folder / f"plan-{i:03d}.xlsx"
        if path.exists():
            continue
        if i % 5 == 4:
            shutil.copy(ROOT / "samples" / f"mistakes-{LANGS[i % 3]}.xlsx", path)
        else:
            promo_workbook.new_workbook(path, lang=LANGS[i % 3], campaign=f"Campaign {i}",
                                        start=dt.date(2026, 1 + i % 12, 1 + i % 20), budget=10000 + 500 * i,
                                        example=True)


def measure(args: list[str]) -> tuple[float, float]:
    """Wall seconds and the peak resident memory (MB) of the largest process it ran."""
    launcher = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
                "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
                "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", launcher, sys.executable, "-m", "promo_workbook", *args],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="Build (or reuse) the plans in this folder.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "plans"
        started = time.perf_counter()
        make_plans(folder, args.plans)
        print(f"{args.plans} plans in {folder} ({time.perf_counter() - started:.1f} s to build); "
              f"{os.cpu_count()} CPUs")
        one, one_mb = measure(["check", str(folder), "--jobs", "1"])
        two, two_mb = measure(["check", str(folder), "--jobs", "2"])
        print(f"check --jobs 1  {one:6.1f} s  {one_mb:5.0f} MB")
        print(f"check --jobs 2  {two:6.1f} s  {two_mb:5.0f} MB  ratio {two / one:.2f} (target <= 0.6)")
        out = Path(tmp) / "portfolio.xlsx"
        roll, roll_mb = measure(["rollup", str(folder), "-o", str(out), "--jobs", "2"])
        print(f"rollup --jobs 2 {roll:6.1f} s  {roll_mb:5.0f} MB  (targets < 60 s, < 500 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
