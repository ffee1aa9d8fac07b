# bench_check.py: time `promo-workbook check` against python-calamine, and its growth with rows.
"""Benchmark the checker (issue 4, Done-when 6; issue 11, findings that cost little).

Two cases, each timed against python-calamine reading every cell of the same file:

few findings   the bench workbook of bench_read.py (200,000 daily-metrics rows, 100,000
               feedback rows, derived columns as formulas with cached results), and one with
               a tenth of the rows for the growth from 10x rows
every row      a daily log typed by hand in the seed's layout (headers typed, no _meta sheet)
               of 200,000 rows with a systematic mistake in each: the Cover's campaign a year
               early (every date outside it, V111), CTR typed as 3.2 for 3.2% (V082), and the
               conversion rate over impressions, =IFERROR(E4/C4,""), where the template
               divides by clicks (T193; the seed's own =IFERROR(E4/(C4*D4),"") means the same
               as the template's and is no longer reported): about 600,000 findings

Each measure runs in a fresh process:

    calamine   python-calamine reading every cell of every sheet into Python lists
               (bench_read.measure: the read itself, and the child's peak memory)
    check      the whole `python -m promo_workbook check FILE --format json` process, all
               rules, its report written to a file: wall time and peak memory (ru_maxrss of
               the check process, taken by a small launcher so the bench's own memory does
               not count)

and prints the ratios. Targets: few findings <= 2.5x calamine's time (goal 1.5x), growth
<= 11x for 10x rows; every row <= 5x calamine's time and under 1 GB peak memory.

    python bench/bench_check.py                  # build into a temp folder, run, print
    python bench/bench_check.py --keep DIR       # keep (or reuse) the three workbooks in DIR
    python bench/bench_check.py --repeat 3       # best of three runs of each, interleaved
    python bench/bench_check.py --only every-row # one case (few-findings, every-row)
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_read import CHANNELS, ROOT, build, channel_name, measure  # noqa: E402

TARGET_RATIO = 2.5
TARGET_GROWTH = 11.0
TARGET_EVERY_ROW = 5.0
TARGET_EVERY_ROW_MB = 1024
EVERY_ROW_ROWS = 200_000
CALAMINE = """
import python_calamine
wb = python_calamine.CalamineWorkbook.from_path(path)
sheets = [wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names]
note = f"{sum(len(r) for s in sheets for r in s):,} cells"
"""


# Public API.

def build_every_row(path: Path, rows: int = EVERY_ROW_ROWS) -> Path:
    """A daily log typed in the seed's layout (模板12 数据监测日报表) with findings on every row.

    A Cover typed as label | value, and one sheet "日报": the title merged above the seed's
    seven headers, typed by hand, then one row per day and channel (500 channels, as in
    bench_read.py). The mistakes are the same on every row, as a user repeats them:
    the Cover's dates typed with last year's year, CTR typed as a number of percent (3.2) in
    a column without a percent format, and the conversion rate as conversions over
    impressions (not over clicks, impressions × CTR), saved with the result Excel computes. The achievement is typed as
    the seed shows it, "100%(目标500单)", and agrees with the conversions.
    """
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    percent = wb.add_format({"num_format": "0.0%"})
    cover = wb.add_worksheet("封面")
    cover.write_string(0, 0, "产品推广活动策划")
    fields = [("活动名称", "新品上市推广活动"), ("推广产品", "新品"), ("开始日期", dt.datetime(2025, 3, 1)),
              ("结束日期", dt.datetime(2025, 3, 15)), ("总预算", 39000), ("活动负责人", "王敏")]
    for i, (label, value) in enumerate(fields, start=2):
        cover.write_string(i, 0, label)
        if isinstance(value, dt.datetime):
            cover.write_datetime(i, 1, value, date_format)
        elif isinstance(value, str):
            cover.write_string(i, 1, value)
        else:
            cover.write_number(i, 1, value)
    ws = wb.add_worksheet("日报")
    ws.merge_range(0, 0, 0, 6, "模板12:数据监测日报表")
    for c, header in enumerate(["日期", "渠道", "曝光量", "点击率", "转化量", "转化率", "目标达成率"]):
        ws.write_string(2, c, header)
    start, noise = dt.datetime(2026, 3, 1), random.Random(20260301)
    for n in range(rows):
        r, channel = 3 + n, n % CHANNELS
        swing = 1 + noise.uniform(-0.15, 0.15)
        impressions = round((20_000 + (channel * 37) % 50_000) * swing)
        ctr_typed = round(1 + (channel % 40) / 10, 1)  # 1.0 .. 4.9, meant as percents
        conversions = min(round((100 + channel % 450) * swing), round(impressions * ctr_typed / 100) // 2)
        ws.write_datetime(r, 0, start + dt.timedelta(days=n // CHANNELS), date_format)
        ws.write_string(r, 1, channel_name(channel))
        ws.write_number(r, 2, impressions)
        ws.write_number(r, 3, ctr_typed)
        ws.write_number(r, 4, conversions)
        x = r + 1
        ws.write_formula(r, 5, f'=IFERROR(E{x}/C{x},"")', percent, conversions / impressions)
        ws.write_string(r, 6, f"{round(conversions / 500 * 100)}%(目标500单)")
    wb.close()
    return path


def check_process(path: Path, out: Path | None = None) -> dict:
    """Run `python -m promo_workbook check path --format json` (its report to ``out``, else
    discarded): wall seconds and peak RSS (MB) of that process, and its exit code."""
    launcher = subprocess.run([sys.executable, "-c", _LAUNCHER, str(out or "/dev/null"), sys.executable, "-m",
                               "promo_workbook", "check", str(path), "--format", "json"],
                              cwd=ROOT, capture_output=True, text=True, check=False)
    if launcher.returncode != 0:
        raise RuntimeError(launcher.stderr)
    result = json.loads(launcher.stdout.strip().splitlines()[-1])
    if result["code"] not in (0, 1):
        raise RuntimeError(f"check exited with {result['code']}:\n{launcher.stderr}")
    return result


def report_stats(path: Path) -> dict:
    """The "stats" of a JSON report, read from its head (the findings follow them)."""
    with open(path, encoding="utf-8") as fh:
        head = "".join(line for _, line in zip(range(14), fh))
    return json.loads(head[:head.index('"findings"')].rstrip().rstrip(",") + "}")["stats"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="folder to build into (or reuse)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measure; the best is kept")
    parser.add_argument("--only", choices=("few-findings", "every-row"), help="run one case")
    args = parser.parse_args(argv)
    cases = [args.only] if args.only else ["few-findings", "every-row"]
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        files = {"large": folder / "large.xlsx", "small": folder / "small.xlsx", "every-row": folder / "every-row.xlsx"}
        if "few-findings" in cases:
            if not files["large"].exists():
                build(files["large"])
            if not files["small"].exists():
                build(files["small"], daily_rows=20_000, feedback_rows=10_000)
        if "every-row" in cases and not files["every-row"].exists():
            build_every_row(files["every-row"])
        _compile_package()
        runs: dict[str, list] = {}
        report = Path(tmp) / "report.json"
        for _ in range(max(1, args.repeat)):  # interleaved: a busy moment slows all alike
            for case in cases:
                for name in (("large", "small") if case == "few-findings" else ("every-row",)):
                    if name != "small":
                        runs.setdefault(f"calamine {name}", []).append(measure(CALAMINE, files[name]))
                    runs.setdefault(f"check {name}", []).append(check_process(files[name], report))
                    runs.setdefault(f"stats {name}", []).append(report_stats(report))
        best = {k: _best(v) for k, v in runs.items() if not k.startswith("stats")}
        ok = True
        if "few-findings" in cases:
            ok &= _print_case("few findings (bench_read.py's workbook)", best["calamine large"], best["check large"],
                              runs["stats large"][-1], TARGET_RATIO, None)
            growth = best["check large"]["seconds"] / best["check small"]["seconds"]
            print(f"  check, a tenth the rows  {best['check small']['seconds']:7.2f} s   growth {growth:4.1f} x "
                  f"for 10 x rows (target <= {TARGET_GROWTH})")
            ok &= growth <= TARGET_GROWTH
        if "every-row" in cases:
            ok &= _print_case("findings on every row (seed layout)", best["calamine every-row"], best["check every-row"],
                              runs["stats every-row"][-1], TARGET_EVERY_ROW, TARGET_EVERY_ROW_MB)
    return 0 if ok else 1


# Private API.

def _compile_package() -> None:
    """The package's modules compiled to bytecode, as pip installs them (python-calamine's are).
    Where PYTHONDONTWRITEBYTECODE is set (as on CI machines), an editable checkout would
    otherwise compile every module again in each measured run: 0.2 s no installed copy pays."""
    import compileall

    compileall.compile_dir(str(ROOT / "promo_workbook"), quiet=1)


def _best(runs: list[dict]) -> dict:
    """The fastest run's time (and the least CPU time, where measured); the smallest peak memory."""
    best = {"seconds": min(r["seconds"] for r in runs), "rss_mb": min(r["rss_mb"] for r in runs)}
    if all("cpu" in r for r in runs):
        best["cpu"] = min(r["cpu"] for r in runs)
    return best


def _print_case(title: str, calamine: dict, check: dict, stats: dict, target: float, target_mb: float | None) -> bool:
    ratio, memory = check["seconds"] / calamine["seconds"], check["rss_mb"] / calamine["rss_mb"]
    findings = stats["errors"] + stats["warnings"] + stats["infos"]
    mb_target = f", peak < {target_mb:,} MB" if target_mb else ""
    print(f"{title}: {stats['rows']:,} rows, {findings:,} findings")
    print(f"  calamine, every cell     {calamine['seconds']:7.2f} s {calamine['rss_mb']:7.0f} MB")
    print(f"  check (whole process)    {check['seconds']:7.2f} s {check['rss_mb']:7.0f} MB   "
          f"{ratio:5.1f} x calamine's time, {memory:4.1f} x its memory   (target <= {target} x{mb_target})")
    print(f"  check, CPU time          {check['cpu']:7.2f} s   (user + system: less sensitive to other work)")
    return ratio <= target and (target_mb is None or check["rss_mb"] < target_mb)


# The launcher is a small process of its own: Linux carries ru_maxrss over exec from the
# process that forks, so the check's peak is taken by one that never grew (as bench_read.py
# takes the child's VmHWM). Output goes to the file named first (a report, as `> report.json`).
_LAUNCHER = """
import json, os, subprocess, sys, time
with open(sys.argv[1], "wb") as out:
    start = time.perf_counter()
    child = subprocess.Popen(sys.argv[2:], stdout=out)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
                  "code": os.waitstatus_to_exitcode(status)}))
"""


if __name__ == "__main__":
    sys.exit(main())
