# fuzz.py: mutate the sample workbooks and run the reader and the checker on each (issue 6).
"""A mutational fuzz harness for ``read()`` and ``check``, run on demand.

Each mutation starts from one of ``samples/*.xlsx`` and applies one to three mutations, at the
zip level (bytes flipped in a part, a part cut short, dropped or duplicated, XML tags
swapped, row numbers and cell addresses changed, huge attribute values, entities and stray
markup injected, values, types, sheet names, relationship targets, styles, encodings and
dimensions changed) or to the zip file's raw bytes. Then, in the worker process, it runs
what the commands run: ``read()``, the checker, the text and JSON renderers and the JSON
export (every tenth case also each table's data frame), and writes the summary workbook and the
annotated copy of each case that reads.

An exception that is not the tool's own error (PromoWorkbookError) is a finding; so is an
error message of more than one line, a case slower than 10 s, and a worker that dies
(python-calamine aborts the process when it cannot allocate a sheet). Workers are separate
processes so that a crash is caught and the run goes on; the last case a worker started
names the culprit.

    python bench/fuzz.py --count 10000 --seed 1          # the full run: minutes
    python bench/fuzz.py --count 200 --seed 7 --workers 2 --report fuzz.json
    python bench/fuzz.py --replay 4711 --seed 1 --keep case.xlsx   # rebuild one case to look at
    python bench/fuzz.py --structure --cli --count 10000   # package-structure mutations, run as the CLI

Every case is reproducible from (seed, index). Exit code 0 when nothing unexpected was found.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
import zipfile
from pathlib import Path

from fuzz_structure import MUTATIONS as STRUCTURE, run_cli_case  # bench/ is on the path as the script's folder

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 25           # cases per worker task
SLOW = 10.0          # seconds: a case slower than this is a finding

SNIPPETS = [b"<", b">", b"&", b'"', b"<f>x</f>", b'<c r="A1">', b"<!DOCTYPE x>", b"]]>", b"<![CDATA[", b"&#0;",
            b"&#xD800;", b"&#1114112;", b"&lol;", b"\x00", b"\xff\xfe", b"\xc3", b"<row>", b"</row>",
            b'<c r="XFD1048576"><v>1</v></c>', b'<c r="A1048577"><v>1</v></c>', b"</sheetData>", b"<sheetData>",
            b"<v>1e999</v>", b"<si><t>x</t></si>", b'<f t="shared" si="0"/>',
            b'<f t="shared" ref="A1:XFD1048576" si="0">A1</f>',
            b'<mergeCell ref="A1:XFD1048576"/>', b'<c r="A1" t="e"><v>#BOGUS!</v></c>', b"<x:c>", b"_x001B_"]
NUMBERS = ["0", "1", "-1", "", "7", "65536", "1048576", "1048577", "2147483648", "4294967295", "4294967297",
           "99999999999", "1e3", "00005", "٣"]
VALUES = [b"", b"nan", b"NaN", b"inf", b"-inf", b"-0", b"1e308", b"1e999", b"99999999999999999999", b"abc",
          b"#N/A", b"0x10", b"1,5", b"2958466", b"-693594", b"1.7976931348623157e309", b" 1 "]
TYPES = [b"s", b"n", b"b", b"e", b"str", b"inlineStr", b"d", b"x", b""]
TARGETS = [b"/xl/worksheets/sheet1.xml", b"../x.xml", b"sharedStrings.xml", b"styles.xml", b"worksheets/none.xml",
           b"", b"http://example.invalid/x", b"C:\\x.xml", b"worksheets/sheet1.xml#frag", b"/", b"xl/"]
NAMES = ["", "x" * 300, "Budget", "_meta", "'", "a/b", "数据日报", "\u202eevil", "Sheet1", "\t", "a:b", "📊"]
ENCODINGS = [b"UTF-16", b"ISO-8859-1", b"GBK", b"bogus", b"UTF-32", b"ascii"]


# Public API.

def mutate(rng: random.Random, samples: list[tuple[str, list]], structure: bool = False) -> tuple[bytes, str, str]:
    """(workbook bytes, sample name, description) for one case; ``structure``: mostly the
    structure-aware mutations of fuzz_structure.py."""
    name, parts = rng.choice(samples)
    parts = list(parts)
    done = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        kind = rng.choice(STRUCTURE if structure and rng.random() < 0.8 else _PART_MUTATIONS)
        done.append(kind.__name__.lstrip("_") + ":" + kind(rng, parts))
    data = _zip(parts)
    if rng.random() < 0.12:
        kind = rng.choice(_RAW_MUTATIONS)
        data, what = kind(rng, data)
        done.append(kind.__name__.lstrip("_") + ":" + what)
    return data, name, "; ".join(done)


def run_case(path: Path, frames: bool = False, outputs: bool = True) -> tuple[str, str]:
    """("ok" | "refused" | "unexpected", detail): what the check, summary and export commands do.

    ``outputs``: also write the summary and the annotated copy (`check --summary --annotate`)."""
    from promo_workbook import export
    from promo_workbook.annotator import annotate
    from promo_workbook.checker import check_plan
    from promo_workbook.checker.render import to_json, to_text
    from promo_workbook.errors import PromoWorkbookError
    from promo_workbook.reader import read
    from promo_workbook.summary import write_summary

    try:
        plan = read(path)
        report = check_plan(plan)
        to_text(report, colour=False)
        to_json(report)
        export.to_json(plan)
        if frames:
            for table in plan.tables.values():
                table.to_frame()
        if outputs:
            write_summary(report.view, report, path.with_name(path.stem + "-summary.xlsx"))
            annotate(path, report.findings, path.with_name(path.stem + "-checked" + path.suffix), report.lang)
    except PromoWorkbookError as exc:
        message = f"promo-workbook: error: {exc}"
        if "\n" in message or "\r" in message:
            return "unexpected", f"error message of more than one line: {message!r}"[:2000]
        return "refused", message[:300]
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - the finding (python-calamine's panics are BaseExceptions)
        return "unexpected", traceback.format_exc()[-4000:]
    return "ok", ""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--samples", default=str(ROOT / "samples" / "*.xlsx"))
    parser.add_argument("--report", type=Path, help="write the summary as JSON here")
    parser.add_argument("--replay", type=int, help="rebuild one case (with --keep) and run it here")
    parser.add_argument("--keep", type=Path, help="with --replay: where to write the mutated workbook")
    parser.add_argument("--structure", action="store_true", help="structure-aware mutations (fuzz_structure.py)")
    parser.add_argument("--cli", action="store_true", help="run each case through the CLI with its outputs")
    parser.add_argument("--worker", nargs=2, type=int, metavar=("START", "STOP"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.worker:
        return _worker(args.seed, args.samples, *args.worker, structure=args.structure, cli=args.cli)
    if args.replay is not None:
        return _replay(args)
    return _parent(args)


# Private API: the parent.

def _parent(args) -> int:
    started = time.perf_counter()
    tasks = [(i, min(i + CHUNK, args.count)) for i in range(0, args.count, CHUNK)]
    lock = threading.Lock()
    results: dict[int, dict] = {}
    crashes: list[dict] = []

    def drain():
        while True:
            with lock:
                if not tasks:
                    return
                start, stop = tasks.pop(0)
            while start < stop:
                start = _run_worker(args, start, stop, results, crashes, lock)

    threads = [threading.Thread(target=drain) for _ in range(max(1, args.workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    summary = _summary(args, results, crashes, seconds)
    _print(summary)
    if args.report:
        args.report.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if not summary["unexpected"] and not summary["crashes"] and not summary["slow"] else 1


def _run_worker(args, start: int, stop: int, results: dict, crashes: list, lock) -> int:
    """Run cases start..stop in a worker; return where to resume (past a crash, or stop)."""
    cmd = [sys.executable, __file__, "--worker", str(start), str(stop), "--seed", str(args.seed),
           "--samples", args.samples] + ["--structure"] * args.structure + ["--cli"] * args.cli
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    current = None
    for line in proc.stdout:
        event = json.loads(line)
        if "start" in event:
            current = event
        else:
            with lock:
                results[event["i"]] = event
            current = None
    stderr = proc.stderr.read()
    proc.wait()
    if current is None:
        return stop
    with lock:
        crashes.append({"i": current["i"], "sample": current["sample"], "mutation": current["mutation"],
                        "returncode": proc.returncode, "stderr": stderr[-2000:]})
    return current["i"] + 1


def _summary(args, results: dict, crashes: list, seconds: float) -> dict:
    outcomes = {"ok": 0, "refused": 0, "unexpected": 0}
    for r in results.values():
        outcomes[r["outcome"]] += 1
    refusals: dict[str, int] = {}
    for r in results.values():
        if r["outcome"] == "refused":
            key = re.sub(r"^promo-workbook: error: \S+?: ", "", r["detail"])
            key = re.sub(r"[0-9][0-9,.]*", "N", key)[:90]
            refusals[key] = refusals.get(key, 0) + 1
    return {"count": args.count, "seed": args.seed, "seconds": round(seconds, 1), "outcomes": outcomes,
            "crashes": crashes,
            "unexpected": [r for r in sorted(results.values(), key=lambda r: r["i"]) if r["outcome"] == "unexpected"],
            "slow": [r for r in results.values() if r["seconds"] > SLOW],
            "slowest": sorted(({"i": r["i"], "seconds": r["seconds"], "mutation": r["mutation"]}
                               for r in results.values()), key=lambda r: -r["seconds"])[:5],
            "refusals": dict(sorted(refusals.items(), key=lambda kv: -kv[1])),
            "missing": sorted(set(range(args.count)) - set(results) - {c["i"] for c in crashes})}


def _print(summary: dict) -> None:
    o = summary["outcomes"]
    print(f"{summary['count']:,} mutations (seed {summary['seed']}) in {summary['seconds']:.0f} s: "
          f"{o['ok']:,} read, {o['refused']:,} refused with one line, {o['unexpected']} unexpected, "
          f"{len(summary['crashes'])} crashes, {len(summary['slow'])} slower than {SLOW:g} s")
    for r in summary["unexpected"][:20]:
        print(f"\nUNEXPECTED #{r['i']} ({r['sample']}: {r['mutation']})\n{r['detail']}")
    for c in summary["crashes"][:20]:
        print(f"\nCRASH #{c['i']} ({c['sample']}: {c['mutation']}), exit {c['returncode']}\n{c['stderr'][-600:]}")
    print("\nslowest:", ", ".join(f"#{r['i']} {r['seconds']:.2f} s" for r in summary["slowest"]))
    print("refusals:")
    for message, n in list(summary["refusals"].items())[:15]:
        print(f"  {n:6,}  {message}")


# Private API: the worker and replay.

def _samples(pattern: str) -> list[tuple[str, list]]:
    import glob

    out = []
    for path in sorted(glob.glob(pattern)):
        with zipfile.ZipFile(path) as zf:
            out.append((Path(path).name, [(info.filename, zf.read(info)) for info in zf.infolist()]))
    if not out:
        raise SystemExit(f"no samples match {pattern}")
    return out


def _worker(seed: int, pattern: str, start: int, stop: int, structure=False, cli=False) -> int:
    samples = _samples(pattern)
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        for i in range(start, stop):
            rng = random.Random(f"{seed}:{i}")
            data, sample, what = mutate(rng, samples, structure)
            print(json.dumps({"start": True, "i": i, "sample": sample, "mutation": what}), flush=True)
            path = Path(tmp) / f"case-{i}{Path(sample).suffix}"
            path.write_bytes(data)
            began = time.perf_counter()
            outcome, detail = run_cli_case(path) if cli else run_case(path, frames=i % 10 == 0)
            print(json.dumps({"i": i, "sample": sample, "mutation": what, "outcome": outcome, "detail": detail,
                              "seconds": round(time.perf_counter() - began, 3)}), flush=True)
            for leftover in Path(tmp).iterdir():
                leftover.unlink()
    return 0


def _replay(args) -> int:
    samples = _samples(args.samples)
    data, sample, what = mutate(random.Random(f"{args.seed}:{args.replay}"), samples, args.structure)
    print(f"#{args.replay}: {sample}: {what}")
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        path = args.keep or Path(tmp) / f"case-{args.replay}.xlsx"
        path.write_bytes(data)
        outcome, detail = run_cli_case(path) if args.cli else run_case(path, frames=True)
        print(outcome, detail)
    return 0 if outcome != "unexpected" else 1


# Private API: mutations of the parts list (each returns what it did).

def _zip(parts: list) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are a mutation
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in parts:
                zf.writestr(name, data)
    return buf.getvalue()


def _pick(rng, parts, xml=True, sheet=False) -> int:
    choices = [i for i, (n, _) in enumerate(parts)
               if (not xml or n.endswith((".xml", ".rels"))) and (not sheet or "worksheets/" in n)]
    return rng.choice(choices or list(range(len(parts))))


def _flip(rng, parts):
    i = _pick(rng, parts, xml=rng.random() < 0.9)
    name, data = parts[i]
    data = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    parts[i] = (name, bytes(data))
    return name


def _truncate_part(rng, parts):
    i = _pick(rng, parts)
    name, data = parts[i]
    parts[i] = (name, data[:rng.randrange(len(data) + 1)])
    return name


def _drop(rng, parts):
    i = _pick(rng, parts, xml=False)
    return parts.pop(i)[0]


def _duplicate(rng, parts):
    i = _pick(rng, parts, xml=False)
    name, data = parts[i]
    twin = rng.choice([name, name.upper(), name.replace("xl/", "XL/")])
    other = parts[_pick(rng, parts)][1] if rng.random() < 0.5 else data
    parts.insert(rng.randrange(len(parts) + 1), (twin, other))
    return twin


def _swap_tags(rng, parts):
    i = _pick(rng, parts)
    name, data = parts[i]
    tags = sorted(set(re.findall(rb"<([A-Za-z][\w:.-]*)", data)))
    if len(tags) < 2:
        return name
    a, b = rng.sample(tags, 2)
    marker = b"\x00SWAP\x00"
    data = re.sub(rb"(</?)" + re.escape(a) + rb"(?=[\s>/])", rb"\1" + marker, data)
    data = re.sub(rb"(</?)" + re.escape(b) + rb"(?=[\s>/])", rb"\1" + a, data)
    parts[i] = (name, data.replace(marker, b))
    return f"{name} {a.decode(errors='replace')}<->{b.decode(errors='replace')}"


def _row_numbers(rng, parts):
    i = _pick(rng, parts, sheet=True)
    name, data = parts[i]
    p = rng.uniform(0.001, 0.3)

    def change(m):
        if rng.random() > p:
            return m.group(0)
        letters = m.group(2) if rng.random() < 0.7 else rng.choice([b"", b"XFD", b"XFE", b"ZZZZ", b"a", b"$A$"])
        return m.group(1) + letters + rng.choice(NUMBERS).encode() + b'"'
    parts[i] = (name, re.sub(rb'( r=")([A-Z]*)[0-9]+"', change, data))
    return name


def _dimension(rng, parts):
    i = _pick(rng, parts, sheet=True)
    name, data = parts[i]
    ref = rng.choice([b"A1", b"A1:XFD1048576", b"A1:A1", b"", b"ZZZZ1", b"A0:B0", b"A1:B2:C3", b"A1:XFD99999999"])
    parts[i] = (name, re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', data))
    return f"{name} {ref.decode()}"


def _huge_attribute(rng, parts):
    i = _pick(rng, parts)
    name, data = parts[i]
    starts = [m.end() for m in re.finditer(rb"<[A-Za-z][\w:.-]*", data)]
    if not starts:
        return name
    at = rng.choice(starts)
    value = bytes([rng.choice(b"AZaz09 &;<\"'")]) * rng.choice((10_000, 100_000, 1_000_000))
    value = value.replace(b"<", b"&lt;").replace(b'"', b"&quot;").replace(b"&", b"&amp;")
    parts[i] = (name, data[:at] + b' huge="' + value + b'"' + data[at:])
    return f"{name} {len(value):,}"


def _inject(rng, parts):
    i = _pick(rng, parts)
    name, data = parts[i]
    for _ in range(rng.randint(1, 5)):
        at = rng.randrange(len(data) + 1)
        data = data[:at] + rng.choice(SNIPPETS) + data[at:]
    parts[i] = (name, data)
    return name


def _values(rng, parts):
    i = _pick(rng, parts, sheet=rng.random() < 0.8)
    name, data = parts[i]
    p = rng.uniform(0.01, 0.5)
    data = re.sub(rb"<v>[^<]*</v>", lambda m: b"<v>" + rng.choice(VALUES) + b"</v>" if rng.random() < p else m.group(0),
                  data)
    parts[i] = (name, data)
    return name


def _types(rng, parts):
    i = _pick(rng, parts, sheet=True)
    name, data = parts[i]
    p = rng.uniform(0.01, 0.5)
    data = re.sub(rb' t="[^"]*"',
                  lambda m: b' t="' + rng.choice(TYPES) + b'"' if rng.random() < p else m.group(0), data)
    if rng.random() < 0.3:
        data = re.sub(rb'(<c r="[A-Z]+[0-9]+")', lambda m: m.group(1) + b' t="' + rng.choice(TYPES) + b'"'
                      if rng.random() < p else m.group(1), data)
    parts[i] = (name, data)
    return name


def _sheet_names(rng, parts):
    for i, (name, data) in enumerate(parts):
        if name.endswith("workbook.xml"):
            new = rng.choice(NAMES).replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;").encode()
            hits = list(re.finditer(rb'<sheet name="[^"]*"', data))
            if hits:
                m = rng.choice(hits)
                parts[i] = (name, data[:m.start()] + b'<sheet name="' + new + b'"' + data[m.end():])
            return new.decode(errors="replace")
    return "-"


def _rels(rng, parts):
    rels = [i for i, (n, _) in enumerate(parts) if n.endswith(".rels")]
    if not rels:
        return "-"
    i = rng.choice(rels)
    name, data = parts[i]
    hits = list(re.finditer(rb'Target="[^"]*"', data))
    if hits:
        m = rng.choice(hits)
        data = data[:m.start()] + b'Target="' + rng.choice(TARGETS) + b'"' + data[m.end():]
    parts[i] = (name, data)
    return name


def _styles(rng, parts):
    for i, (name, data) in enumerate(parts):
        if name.endswith("styles.xml"):
            ids = [b"14", b"9", b"-1", b"99999999999", b"x", b"57", b"10"]
            data = re.sub(rb'numFmtId="[0-9]+"', lambda m, ids=ids: b'numFmtId="' + rng.choice(ids) + b'"'
                          if rng.random() < 0.3 else m.group(0), data)
            data = re.sub(rb'formatCode="[^"]*"', lambda m: b'formatCode="' + rng.choice(
                [b"", b"0%", b"yyyy-mm-dd", b"[$-F800]dddd", b"\\", b"[Red]@", b"0" * 300]) + b'"'
                if rng.random() < 0.5 else m.group(0), data)
            parts[i] = (name, data)
            return name
    return "-"


def _encoding(rng, parts):
    i = _pick(rng, parts)
    name, data = parts[i]
    if rng.random() < 0.5:
        data = re.sub(rb'encoding="[^"]*"', b'encoding="' + rng.choice(ENCODINGS) + b'"', data, count=1)
    else:
        data = data.decode("utf-8", "replace").encode(rng.choice(["utf-16", "utf-16-be", "utf-32"]))
    parts[i] = (name, data)
    return name


def _shared_formulas(rng, parts):
    i = _pick(rng, parts, sheet=True)
    name, data = parts[i]
    data = re.sub(rb"<f>([^<]*)</f>", lambda m: (b'<f t="shared" ref="' + rng.choice([b"A1:A9", b"A1:XFD1048576", b"",
                                                 b"Z9:A1"]) + b'" si="' + rng.choice(NUMBERS).encode() + b'">'
                                                 + m.group(1) + b"</f>") if rng.random() < 0.2 else m.group(0), data)
    parts[i] = (name, data)
    return name


_PART_MUTATIONS = [_flip, _flip, _truncate_part, _drop, _duplicate, _swap_tags, _swap_tags, _row_numbers,
                   _row_numbers, _dimension, _huge_attribute, _inject, _inject, _values, _types, _sheet_names,
                   _rels, _styles, _encoding, _shared_formulas]


# Private API: mutations of the zip file's bytes.

def _raw_flip(rng, data: bytes):
    data = bytearray(data)
    for _ in range(rng.randint(1, 30)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data), "bytes"


def _raw_truncate(rng, data: bytes):
    cut = rng.randrange(len(data))
    return data[:cut], str(cut)


def _raw_insert(rng, data: bytes):
    at = rng.randrange(len(data))
    return data[:at] + rng.randbytes(rng.randint(1, 64)) + data[at:], str(at)


_RAW_MUTATIONS = [_raw_flip, _raw_truncate, _raw_insert]


if __name__ == "__main__":
    sys.exit(main())
