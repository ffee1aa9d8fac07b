# producer.py: which application last saved the workbook, and whether its cached values count.
"""Fingerprint the application that last saved a workbook.

Markers, verified on files written here unless marked (others from the apps' documentation
and files seen in the wild):

    Excel        docProps/app.xml Application "Microsoft Excel" (AppVersion 14-16.x), a
                 <fileVersion appName="xl"> in workbook.xml, usually xl/calcChain.xml,
                 never fullCalcOnLoad on an ordinary save                  (not verified here)
    WPS          docProps/custom.xml property KSOProductBuildVer, or "WPS" in
                 Application                                               (not verified here)
    LibreOffice  Application "LibreOffice/7.4…", <fileVersion appName="Calc">
    xlsxwriter   Application "Microsoft Excel", AppVersion "12.0000", <fileVersion …
                 rupBuild="4505">, <calcPr calcId="124519" fullCalcOnLoad="1">, no calcChain
    openpyxl     Application "Microsoft Excel Compatible / Openpyxl 3.1.x" (3.1+); older
                 versions "Microsoft Excel" with no <fileVersion> and calcId 124519;
                 dc:creator "openpyxl" (used only when app.xml is missing: Excel keeps
                 the creator of a file it saves)
    .ods         meta.xml <meta:generator>; .xlsb is written by Excel only

Cached formula results are trusted only when a calculating application (Excel, WPS,
LibreOffice) saved the file and the file does not ask for a full recalculation on load.
Note: LibreOffice keeps stale cached values of cells it did not recalculate unless its
"recalculate on load" option is on (docs/reading.md), so "libreoffice" is trusted as the brief
asks, not proven.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .package import Package
from .parts import local, parse_xml

__all__ = ["CALCULATING", "Producer", "fingerprint"]

CALCULATING = frozenset({"excel", "wps", "libreoffice"})


# Public API.

@dataclass(frozen=True)
class Producer:
    name: str                       # excel, wps, libreoffice, xlsxwriter, openpyxl, unknown
    application: str | None = None  # docProps/app.xml Application, as written
    version: str | None = None      # docProps/app.xml AppVersion
    full_calc_on_load: bool = False
    evidence: tuple[str, ...] = field(default=())

    @property
    def calculates(self) -> bool:
        return self.name in CALCULATING

    @property
    def trust_cache(self) -> bool:
        return self.calculates and not self.full_calc_on_load

    def to_dict(self) -> dict:
        return {"name": self.name, "application": self.application, "version": self.version,
                "full_calc_on_load": self.full_calc_on_load, "trust_cache": self.trust_cache,
                "evidence": list(self.evidence)}


def fingerprint(pkg: Package) -> Producer:
    if pkg.format == "ods":
        return _ods(pkg)
    if pkg.format == "xlsb":
        return Producer("excel", evidence=(".xlsb is an Excel-only format",))
    if pkg.zip is None:
        return Producer("unknown", evidence=(f".{pkg.format}: no application recorded",))
    app, version = _app_properties(pkg)
    workbook = pkg.workbook_xml[:200_000]
    full_calc = bool(re.search(rb'fullCalcOnLoad="(?:1|true)"', workbook))
    names = set(pkg.zip.NameToInfo)
    ev = [f"Application={app!r}" if app else "no docProps/app.xml Application",
          f"AppVersion={version!r}" if version else "no AppVersion"]
    if full_calc:
        ev.append("workbook.xml asks for fullCalcOnLoad")
    name = _classify(pkg, app or "", version or "", workbook, names, ev)
    return Producer(name, app, version, full_calc, tuple(ev))


# Private API.

def _classify(pkg: Package, app: str, version: str, workbook: bytes, names: set, ev: list) -> str:
    lower = app.lower()
    custom = pkg.part("docProps/custom.xml") or b""
    if b"KSOProductBuildVer" in custom or "wps" in lower or "kingsoft" in lower:
        ev.append("WPS: KSOProductBuildVer in docProps/custom.xml or WPS in Application")
        return "wps"
    if lower.startswith(("libreoffice", "openoffice")) or b'appName="Calc"' in workbook:
        ev.append("LibreOffice: Application or <fileVersion appName=\"Calc\">")
        return "libreoffice"
    if "openpyxl" in lower or (not app and _creator(pkg) == "openpyxl"):
        ev.append("openpyxl: Application or dc:creator")
        return "openpyxl"
    if lower.startswith("microsoft") and "excel" in lower:
        if version == "12.0000" and b'rupBuild="4505"' in workbook:
            ev.append('xlsxwriter: AppVersion 12.0000 with <fileVersion rupBuild="4505">')
            return "xlsxwriter"
        if b"<fileVersion" not in workbook and b'calcId="124519"' in workbook:
            ev.append("openpyxl (before 3.1): no <fileVersion>, calcId 124519")
            return "openpyxl"
        if "xl/calcChain.xml" in names:
            ev.append("Excel: xl/calcChain.xml present")
        return "excel"
    return "unknown"


def _app_properties(pkg: Package) -> tuple[str | None, str | None]:
    data = pkg.part("docProps/app.xml")
    if not data:
        return None, None
    app = version = None
    for el in parse_xml(pkg, "docProps/app.xml", data):
        if local(el.tag) == "Application":
            app = (el.text or "").strip() or None
        elif local(el.tag) == "AppVersion":
            version = (el.text or "").strip() or None
    return app, version


def _creator(pkg: Package) -> str | None:
    data = pkg.part("docProps/core.xml")
    if not data:
        return None
    for el in parse_xml(pkg, "docProps/core.xml", data):
        if local(el.tag) == "creator":
            return (el.text or "").strip()
    return None


def _ods(pkg: Package) -> Producer:
    import zipfile

    try:
        with zipfile.ZipFile(pkg.path) as zf:
            meta = zf.read("meta.xml")[:200_000] if "meta.xml" in zf.NameToInfo else b""
    except (zipfile.BadZipFile, OSError):
        meta = b""
    m = re.search(rb"<meta:generator>([^<]*)</meta:generator>", meta)
    generator = m.group(1).decode("utf-8", "replace") if m else None
    lower = (generator or "").lower()
    name = "libreoffice" if lower.startswith(("libreoffice", "openoffice")) else "unknown"
    return Producer(name, generator, None, False, (f"meta.xml generator={generator!r}",))
