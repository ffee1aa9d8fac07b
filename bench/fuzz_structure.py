# fuzz_structure.py: structure-aware mutations for bench/fuzz.py --structure (issue 13).
"""Mutations that keep a workbook a plausible package while changing how it is put together,
where byte flips rarely reach: part names (backslashes, case, twins), relationship targets
(relative with '..', absolute, to another sheet, a second workbook part), content types,
Excel shared-formula groups (masters, slaves, broken groups), array formulas and spills,
style attributes that are not numbers, duplicated sheet names and Strict Open XML namespaces.

Each takes (rng, parts) — parts a list of (name, bytes) in zip order, changed in place — and
returns what it did. ``MUTATIONS`` lists them; fuzz.py picks from it with --structure.
"""
from __future__ import annotations

import re

__all__ = ["MUTATIONS"]

STRICT = {b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": b"http://purl.oclc.org/ooxml/spreadsheetml/main",
          b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
          b"http://purl.oclc.org/ooxml/officeDocument/relationships"}
STYLE_VALUES = [b"5x", b"-1", b"99999", b"", b" 3", b"1e2", b"0x1", b"\xd9\xa3", b"4294967296"]
ARRAY_REFS = [b"E5:E20", b"E5", b"A1:XFD1048576", b"E5:E4", b"", b"ZZ1:ZZ9", b"E5:G5"]


# Private API: helpers.

def _index(parts, pattern: str) -> list[int]:
    return [i for i, (n, _) in enumerate(parts) if re.search(pattern, n)]


def _sheet(rng, parts) -> int | None:
    found = _index(parts, r"^xl/worksheets/sheet\d+\.xml$")
    return rng.choice(found) if found else None


# Private API: the mutations.

def _backslash_name(rng, parts):
    """A sheet part named with backslashes, as some Windows zip tools write; sometimes as a
    twin beside the real one (with other values), sometimes instead of it."""
    i = _sheet(rng, parts)
    if i is None:
        return "-"
    name, data = parts[i]
    twin = name.replace("/", "\\")
    if rng.random() < 0.5:
        parts[i] = (twin, data)
        return f"renamed {twin}"
    other = re.sub(rb"<v>[0-9.]+</v>", b"<v>999999</v>", data)
    parts.insert(i + rng.choice((0, 1)), (twin, other))
    return f"twin {twin}"


def _case_twin(rng, parts):
    """Two entries naming one part once case is folded."""
    i = _sheet(rng, parts) if rng.random() < 0.7 else rng.randrange(len(parts))
    if i is None:
        return "-"
    name, data = parts[i]
    twin = rng.choice([name.upper(), name.replace("xl/", "XL/"), name.replace("sheet", "Sheet")])
    parts.insert(i + rng.choice((0, 1)), (twin, re.sub(rb"<v>[0-9.]+</v>", b"<v>1</v>", data)))
    return twin


def _relative_target(rng, parts):
    """A workbook relationship's Target written another valid way, or pointing elsewhere."""
    for i in _index(parts, r"^xl/_rels/workbook\.xml\.rels$"):
        name, data = parts[i]
        hits = list(re.finditer(rb'Target="(?:/xl/)?(worksheets/[^"]+)"', data))
        if not hits:
            return "-"
        m = rng.choice(hits)
        sheets = [h.group(1) for h in hits]
        new = rng.choice([b"../xl/" + m.group(1), b"/xl/" + m.group(1), b"./" + m.group(1),
                          rng.choice(sheets), m.group(1).replace(b"/", b"\\"), m.group(1).upper(),
                          b"worksheets/../worksheets/" + m.group(1)[len(b"worksheets/"):]])
        parts[i] = (name, data[:m.start()] + b'Target="' + new + b'"' + data[m.end():])
        return new.decode(errors="replace")
    return "-"


def _second_workbook(rng, parts):
    """_rels/.rels routes to a second workbook part (a copy whose sheets point elsewhere)."""
    wb = _index(parts, r"^xl/workbook\.xml$")
    rels = _index(parts, r"^_rels/\.rels$")
    if not wb or not rels:
        return "-"
    name, data = parts[wb[0]]
    parts.append(("xl/workbook2.xml", data))
    wrels = _index(parts, r"^xl/_rels/workbook\.xml\.rels$")
    if wrels:
        rdata = parts[wrels[0]][1]
        targets = re.findall(rb'Target="(worksheets/[^"]+)"', rdata)
        if len(targets) > 1:
            a, b = targets[0], targets[-1]
            rdata = rdata.replace(b'"' + a + b'"', b'"\0"').replace(b'"' + b + b'"', b'"' + a + b'"').replace(
                b'"\0"', b'"' + b + b'"')
        parts.append(("xl/_rels/workbook2.xml.rels", rdata))
    rname, rdata = parts[rels[0]]
    parts[rels[0]] = (rname, rdata.replace(b'Target="xl/workbook.xml"', b'Target="xl/workbook2.xml"'))
    return "workbook2"


def _content_types(rng, parts):
    """[Content_Types].xml: an override dropped, changed or doubled, or the xml default gone."""
    for i in _index(parts, r"^\[Content_Types\]\.xml$"):
        name, data = parts[i]
        overrides = list(re.finditer(rb"<Override [^>]*/>", data))
        choice = rng.randrange(4)
        if choice == 0 and overrides:
            m = rng.choice(overrides)
            data = data[:m.start()] + data[m.end():]
        elif choice == 1 and overrides:
            m = rng.choice(overrides)
            data = data[:m.start()] + re.sub(rb'ContentType="[^"]*"', b'ContentType="application/xml"', m.group(0)) \
                + data[m.end():]
        elif choice == 2 and overrides:
            m = rng.choice(overrides)
            data = data[:m.end()] + m.group(0) + data[m.end():]
        else:
            data = re.sub(rb'<Default Extension="xml"[^>]*/>', b"", data)
        parts[i] = (name, data)
        return f"case {choice}"
    return "-"


def _shared_group(rng, parts):
    """A filled-down formula column saved as Excel does (one master, the rest by si), or a
    group broken: no master, the master after its cells, a wrong si, a ref off the grid."""
    i = _sheet(rng, parts)
    if i is None:
        return "-"
    name, data = parts[i]
    cols = sorted(set(re.findall(rb'<c r="([A-Z]+)[0-9]+"[^>]*><f>', data)))
    if not cols:
        return f"{name} no formulas"
    col = rng.choice(cols)
    how = rng.choice(["excel", "excel", "no master", "master last", "wrong si", "huge ref"])
    cells = list(re.finditer(rb'<c r="' + col + rb'([0-9]+)"([^>]*)><f>([^<]*)</f>', data))
    master = cells[-1] if how == "master last" else cells[0]
    si = b"7"
    out, last = [], 0
    for m in cells:
        out.append(data[last:m.start()])
        head = b'<c r="' + col + m.group(1) + b'"' + m.group(2) + b">"
        if m is master and how != "no master":
            ref = b"A1:XFD1048576" if how == "huge ref" else col + cells[0].group(1) + b":" + col + cells[-1].group(1)
            out.append(head + b'<f t="shared" ref="' + ref + b'" si="' + si + b'">' + m.group(3) + b"</f>")
        else:
            out.append(head + b'<f t="shared" si="' + (b"8" if how == "wrong si" else si) + b'"/>')
        last = m.end()
    out.append(data[last:])
    parts[i] = (name, b"".join(out))
    return f"{name} {col.decode()} {how}"


def _array_formula(rng, parts):
    """Formulas written as array formulas (t="array" ref=...), or a spill: values without formulas."""
    i = _sheet(rng, parts)
    if i is None:
        return "-"
    name, data = parts[i]
    p = rng.uniform(0.05, 0.5)
    if rng.random() < 0.7:
        data = re.sub(rb"<f>([^<]*)</f>", lambda m: b'<f t="array" ref="' + rng.choice(ARRAY_REFS) + b'">'
                      + m.group(1) + b"</f>" if rng.random() < p else m.group(0), data)
    else:
        data = re.sub(rb"<f>[^<]*</f>", lambda m: b"" if rng.random() < p else m.group(0), data)
    parts[i] = (name, data)
    return name


def _style_attributes(rng, parts):
    """s= on cells and rows (and style= on columns) that is not a style index."""
    i = _sheet(rng, parts)
    if i is None:
        return "-"
    name, data = parts[i]
    p = rng.uniform(0.01, 0.5)
    data = re.sub(rb'(<c [^>]*?\bs=")[^"]*"', lambda m: m.group(1) + rng.choice(STYLE_VALUES) + b'"'
                  if rng.random() < p else m.group(0), data)
    data = re.sub(rb"<row ([^>]*?)>", lambda m: b"<row " + m.group(1) + b' s="' + rng.choice(STYLE_VALUES)
                  + b'" customFormat="1">' if rng.random() < p and b" s=" not in m.group(1) else m.group(0), data)
    data = re.sub(rb'(<col [^>]*?\bstyle=")[^"]*"', lambda m: m.group(1) + rng.choice(STYLE_VALUES) + b'"'
                  if rng.random() < p else m.group(0), data)
    parts[i] = (name, data)
    return name


def _duplicate_sheet_name(rng, parts):
    """Two sheets of one name (or one up to case), as no spreadsheet app allows."""
    for i in _index(parts, r"^xl/workbook\.xml$"):
        name, data = parts[i]
        names = re.findall(rb'<sheet [^>]*?name="([^"]*)"', data)
        if len(names) < 2:
            return "-"
        a, b = rng.sample(range(len(names)), 2)
        new = rng.choice([names[a], names[a].upper(), names[a].lower()])
        data = data.replace(b'name="' + names[b] + b'"', b'name="' + new + b'"', 1)
        parts[i] = (name, data)
        return new.decode(errors="replace")
    return "-"


def _strict(rng, parts):
    """The package in Strict Open XML's namespaces."""
    for i, (name, data) in enumerate(parts):
        for old, new in STRICT.items():
            data = data.replace(old, new)
        parts[i] = (name, data)
    return "strict"


MUTATIONS = [_backslash_name, _case_twin, _relative_target, _relative_target, _second_workbook, _content_types,
             _shared_group, _shared_group, _array_formula, _style_attributes, _style_attributes,
             _duplicate_sheet_name, _strict]


# Public API: a case run as the command line runs it (fuzz.py --cli).

def run_cli_case(path) -> tuple[str, str]:
    """("ok" | "refused" | "unexpected", detail): `check --summary --annotate --format json
    --max-findings 50` then `export`, through the CLI's own main() in this process, outputs to
    files beside the case. Exit 0/1 is ok; exit 2 must be one line, not an internal error."""
    import contextlib
    import io

    from promo_workbook.cli import main

    stem = path.with_name(path.stem)
    runs = [["check", str(path), "--summary", f"{stem}-summary.xlsx", "--annotate", f"{stem}-checked{path.suffix}",
             "--format", "json", "--max-findings", "50", "--force"],
            ["export", str(path), "--out", f"{stem}.json", "--force"]]
    outcome, detail = "ok", ""
    for argv in runs:
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            try:
                main(argv)
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
        lines = [line for line in err.getvalue().splitlines() if line.startswith("promo-workbook:")]
        if code not in (0, 1, 2) or "internal error" in err.getvalue() or (code == 2 and len(lines) != 1):
            return "unexpected", f"{argv[0]}: exit {code}: {err.getvalue()[-3000:]}"
        if code == 2:
            outcome, detail = "refused", lines[0][:300]
            break
    return outcome, detail
