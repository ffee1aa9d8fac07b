# bench_shared.py: check a 200,000-row log whose derived columns are Excel shared formulas.
"""Benchmark the shared-formula path (issue 13).

Excel saves a filled-down column as one shared formula: the first cell holds the text
(``<f t="shared" ref="E5:E200004" si="0">…</f>``), every other cell only ``<f t="shared"
si="0"/>``. The reader translates each cell's formula from its group's master. This builds
bench_read's 200,000-row workbook, rewrites every formula column of the daily log as shared
formulas, and times ``promo-workbook check`` on it (wall seconds and peak memory, in a fresh
process, as bench_check does).

    python bench/bench_shared.py                  # build into a temp folder, run, print
    python bench/bench_shared.py --keep out.xlsx  # keep (or reuse) the workbook
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))


# Public API.

def build(path: Path, rows: int = 200_000) -> Path:
    """bench_read's workbook (``rows`` daily rows, few feedback rows), its daily formulas shared."""
    import bench_read

    plain = path.with_name(path.stem + "-plain.xlsx")
    bench_read.build(plain, daily_rows=rows, feedback_rows=100)
    part = _sheet_part(plain, "daily")
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                data = share(data)
            zout.writestr(info, data)
    plain.unlink()
    return path


def share(data: bytes) -> bytes:
    """Every formula column as one shared formula: the first cell the master, the rest by si."""
    masters: dict[bytes, bytes] = {}  # column letters -> si

    def one(m):
        col, row, attrs, text = m.group(1), m.group(2), m.group(3), m.group(4)
        si = masters.get(col)
        if si is None:
            si = masters[col] = str(len(masters)).encode()
            return b'<c r="' + col + row + b'"' + attrs + b'><f t="shared" ref="' + col + row + b":" + col \
                + b'1048576" si="' + si + b'">' + text + b"</f>"
        return b'<c r="' + col + row + b'"' + attrs + b'><f t="shared" si="' + si + b'"/>'
    return re.sub(rb'<c r="([A-Z]+)([0-9]+)"([^>]*)><f>([^<]*)</f>', one, data)


def check_process(path: Path, tmp: str, root: Path = ROOT) -> dict:
    """bench_check's measured `check --format json` run, with max_seconds raised (a loaded
    machine must not stop the bench at the default 60 s) and ``root`` the code checked."""
    import json
    import subprocess

    from bench_check import _LAUNCHER

    config = Path(tmp) / "bench.toml"
    config.write_text("[limits]\nmax_seconds = 3600\n", encoding="utf-8")
    launcher = subprocess.run([sys.executable, "-c", _LAUNCHER, "/dev/null", sys.executable, "-m", "promo_workbook",
                               "check", str(path), "--format", "json", "--config", str(config)],
                              cwd=root, capture_output=True, text=True, check=False,
                              env={**__import__("os").environ, "PYTHONPATH": str(root)})
    return json.loads(launcher.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep (or reuse) the workbook at this path")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--root", type=Path, default=ROOT, help="the promo-workbook source to time (another checkout)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "shared.xlsx"
        if not path.exists():
            build(path, args.rows)
        result = check_process(path, tmp, args.root)
        print(f"check of {args.rows:,} shared-formula rows: {result['seconds']:.1f} s, {result['rss_mb']:.0f} MB peak (exit {result['code']})")
    return 0


# Private API.

def _sheet_part(path: Path, key: str) -> str:
    """The worksheet part of a table's sheet (by the workbook's order of sheets)."""
    from promo_workbook.reader import read

    plan = read(path)
    sheet = plan.table(key).sheet
    with zipfile.ZipFile(path) as zf:
        workbook = zf.read("xl/workbook.xml").decode("utf-8")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    rid = re.search(r'<sheet [^>]*name="' + re.escape(sheet) + r'"[^>]*r:id="([^"]+)"', workbook).group(1)
    target = re.search(r'<Relationship [^>]*Id="' + rid + r'"[^>]*Target="([^"]+)"', rels) or \
        re.search(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="' + rid + '"', rels)
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


if __name__ == "__main__":
    sys.exit(main())
