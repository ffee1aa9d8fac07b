"""Test support: drive headless LibreOffice to recalculate / render workbooks.

LibreOffice 7.4 does not recalculate an .xlsx on load by default (formulas keep
xlsxwriter's cached 0). Every call here therefore runs soffice with a fresh,
private user profile whose ``registrymodifications.xcu`` sets
``OOXMLRecalcMode`` and ``ODFRecalcMode`` to 0 ("always recalculate").

Each call gets its own profile dir and HOME (tempfile), so tests may run in
parallel (pytest-xdist) without colliding on LibreOffice's profile lock.

Marker convention::

    from tests.support.libreoffice import requires_libreoffice

    @requires_libreoffice
    def test_something(tmp_path): ...

It skips when soffice is missing, EXCEPT when the environment variable
``CI`` is ``"true"``: then it does not skip and the test fails loudly
(``recalculate``/``to_pdf`` raise RuntimeError).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pytest

__all__ = [
    "soffice_path",
    "pdftoppm_path",
    "make_profile",
    "recalculate",
    "convert",
    "to_csv_sheets",
    "to_pdf",
    "pdf_to_pngs",
    "requires_libreoffice",
    "requires_pdftoppm",
    "requires_uno",
    "uno_available",
    "SYSTEM_PYTHON",
    "is_ci",
    "should_skip",
    "TIMEOUT",
]

TIMEOUT = 180  # seconds per soffice / pdftoppm run

# The system interpreter that has Debian's python3-uno (a venv's Python does not).
SYSTEM_PYTHON = "/usr/bin/python3"

XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"  # one argv item, no shell quotes
PDF_FILTER = "pdf:calc_pdf_Export"


def soffice_path() -> str | None:
    """Path of the soffice executable on PATH, or None when LibreOffice is missing. Only PATH
    counts, so that taking LibreOffice off PATH is enough to see the tests skip."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


@functools.lru_cache(maxsize=1)
def uno_available() -> bool:
    """LibreOffice on PATH and the system Python able to ``import uno`` (python3-uno)."""
    if soffice_path() is None or not os.path.exists(SYSTEM_PYTHON):
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    return probe.returncode == 0


def pdftoppm_path() -> str | None:
    return shutil.which("pdftoppm")


def is_ci(environ: Mapping[str, str] | None = None) -> bool:
    """True when the environment variable CI is "true" (case-insensitive)."""
    env = os.environ if environ is None else environ
    return env.get("CI", "").strip().lower() == "true"


def should_skip(tool_path: str | None, environ: Mapping[str, str] | None = None) -> bool:
    """Skip only when the tool is missing and we are not on CI (CI=true)."""
    return tool_path is None and not is_ci(environ)


requires_libreoffice = pytest.mark.skipif(
    should_skip(soffice_path()),
    reason="LibreOffice (soffice) not installed; with CI=true this is a failure instead",
)

requires_uno = pytest.mark.skipif(
    not uno_available() and not is_ci(),
    reason="LibreOffice with python3-uno not installed; with CI=true this is a failure instead",
)

requires_pdftoppm = pytest.mark.skipif(
    should_skip(pdftoppm_path()),
    reason="pdftoppm (poppler-utils) not installed; with CI=true this is a failure instead",
)


_XCU_ITEMS = [
    # Recalculate formulas on load: 0 = always, 1 = never, 2 = prompt.
    ("/org.openoffice.Office.Calc/Formula/Load", "OOXMLRecalcMode", "int", "0"),
    ("/org.openoffice.Office.Calc/Formula/Load", "ODFRecalcMode", "int", "0"),
    # Quiet first start: no wizard, no tip-of-the-day, no update check, no
    # document recovery / auto-save files, no macro prompts.
    ("/org.openoffice.Office.Common/Misc", "FirstRun", "boolean", "false"),
    ("/org.openoffice.Office.Common/Misc", "ShowTipOfTheDay", "boolean", "false"),
    ("/org.openoffice.Setup/Office", "ooSetupInstCompleted", "boolean", "true"),
    ("/org.openoffice.Setup/Product", "ooSetupLastVersion", "string", "99.0"),
    ("/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments",
     "AutoCheckEnabled", "boolean", "false"),
    ("/org.openoffice.Office.Recovery/AutoSave", "Enabled", "boolean", "false"),
    ("/org.openoffice.Office.Recovery/RecoveryInfo", "Enabled", "boolean", "false"),
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "int", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "boolean", "true"),
]


def _xcu_text() -> str:
    items = "\n".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>"
        for path, name, _type, value in _XCU_ITEMS
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}\n"
        "</oor:items>\n"
    )


def make_profile(dirpath: str | os.PathLike[str]) -> str:
    """Write a minimal LibreOffice user profile into *dirpath*.

    Returns the ``file://`` URL to pass as ``-env:UserInstallation=<url>``.
    """
    root = Path(dirpath).resolve()
    user = root / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_xcu_text(), encoding="utf-8")
    return root.as_uri()


def _require_soffice() -> str:
    exe = soffice_path()
    if exe is None:
        raise RuntimeError(
            "LibreOffice is not installed (no soffice/libreoffice on PATH, nor "
            "/usr/bin/soffice, /usr/lib/libreoffice/program/soffice). "
            "On Debian: apt-get install libreoffice-calc-nogui"
        )
    return exe


def _convert(src: Path, outdir: Path, convert_to: str, out_suffix: str, out_name: str) -> Path:
    """Run ``soffice --convert-to`` in private temp dirs and move the result to
    ``outdir/out_name``. *src* is never written to."""
    exe = _require_soffice()
    src = Path(src).resolve()
    if not src.is_file():
        raise FileNotFoundError(src)
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    dest = outdir / out_name
    if dest == src:
        raise ValueError(f"refusing to overwrite the source file {src}")

    with tempfile.TemporaryDirectory(prefix="lo-run-") as tmp:
        tmp_path = Path(tmp)
        home = tmp_path / "home"
        home.mkdir()
        profile_url = make_profile(tmp_path / "profile")
        # Work on a copy with a plain ASCII name in its own dir, so the output
        # can never land on top of the source.
        indir = tmp_path / "in"
        indir.mkdir()
        work_src = indir / ("input" + src.suffix.lower())
        shutil.copyfile(src, work_src)
        convdir = tmp_path / "out"
        convdir.mkdir()

        env = dict(os.environ)
        env["HOME"] = str(home)
        env["TMPDIR"] = str(tmp_path)
        env.pop("DISPLAY", None)
        env.setdefault("SAL_USE_VCLPLUGIN", "svp")
        cmd = [
            exe,
            f"-env:UserInstallation={profile_url}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nofirststartwizard",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            convert_to,
            "--outdir",
            str(convdir),
            str(work_src),
        ]
        try:
            proc = subprocess.run(
                cmd, env=env, cwd=tmp_path, capture_output=True, text=True,
                errors="replace", timeout=TIMEOUT, check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(
                f"soffice timed out after {TIMEOUT}s converting {src}\n"
                f"stdout: {exc.stdout!r}\nstderr: {exc.stderr!r}"
            ) from exc

        produced = convdir / ("input" + out_suffix)
        if proc.returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
            raise RuntimeError(
                f"soffice failed to convert {src} ({convert_to}), exit code "
                f"{proc.returncode}, output {'present' if produced.exists() else 'missing'}\n"
                f"command: {' '.join(cmd)}\n"
                f"stderr:\n{proc.stderr.strip()}\nstdout:\n{proc.stdout.strip()}"
            )
        shutil.move(str(produced), dest)
    return dest


def _convert_all(src: Path, folder: Path, convert_to: str) -> None:
    """Like _convert, for a conversion writing several files (one per sheet): all kept."""
    exe = _require_soffice()
    src = Path(src).resolve()
    with tempfile.TemporaryDirectory(prefix="lo-run-") as tmp:
        tmp_path = Path(tmp)
        home = tmp_path / "home"
        home.mkdir()
        profile_url = make_profile(tmp_path / "profile")
        work_src = tmp_path / ("input" + src.suffix.lower())
        shutil.copyfile(src, work_src)
        env = dict(os.environ, HOME=str(home), TMPDIR=str(tmp_path))
        env.pop("DISPLAY", None)
        env.setdefault("SAL_USE_VCLPLUGIN", "svp")
        cmd = [exe, f"-env:UserInstallation={profile_url}", "--headless", "--invisible", "--nologo",
               "--nodefault", "--nofirststartwizard", "--nolockcheck", "--norestore",
               "--convert-to", convert_to, "--outdir", str(folder), str(work_src)]
        proc = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, errors="replace",
                              timeout=TIMEOUT, check=False)
        if proc.returncode != 0 or not any(folder.iterdir()):
            raise RuntimeError(f"soffice failed to convert {src} ({convert_to}): {proc.stderr.strip()}")


def recalculate(src: Path, outdir: Path) -> Path:
    """Open *src* (.xlsx) in LibreOffice with recalc-on-load forced, save it as
    ``outdir/<stem>.recalc.xlsx`` and return that path. *src* is untouched."""
    src = Path(src)
    return _convert(src, outdir, XLSX_FILTER, ".xlsx", f"{src.stem}.recalc.xlsx")


CONVERSIONS = {  # --convert-to argument and the output's suffix
    "ods": ("ods", ".ods"),
    "xls": ("xls:MS Excel 97", ".xls"),
    "xlsx": (XLSX_FILTER, ".xlsx"),
}


def convert(src: Path, outdir: Path, fmt: str) -> Path:
    """Save *src* as ``outdir/<stem>.<fmt>`` (ods, xls, xlsx) through LibreOffice, formulas
    recalculated; *src* is untouched."""
    src = Path(src)
    convert_to, suffix = CONVERSIONS[fmt]
    return _convert(src, outdir, convert_to, suffix, f"{src.stem}{suffix}")


def to_csv_sheets(src: Path, outdir: Path, shown: bool = True) -> Path:
    """Every sheet of *src* as LibreOffice shows it (formatted text, UTF-8, comma-separated),
    one ``input-<sheet>.csv`` per sheet in the folder returned. ``shown=False``: numbers in
    full precision (a "%" kept after a percentage), dates as ISO text."""
    src = Path(src)
    folder = Path(outdir) / f"{src.stem}{src.suffix.replace('.', '-')}.csv"
    folder.mkdir(parents=True, exist_ok=True)
    # 44 comma, 34 quote, 76 UTF-8, row 1, no column formats, language default, quote all text
    # no, detect special no, "save cell content as shown", formulas no, no BOM, -1 all sheets
    filt = f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,{str(shown).lower()},false,false,-1"
    _convert_all(src, folder, filt)
    return folder


def to_pdf(src: Path, outdir: Path) -> Path:
    """Render *src* to ``outdir/<stem>.pdf`` (formulas recalculated first)."""
    src = Path(src)
    return _convert(src, outdir, PDF_FILTER, ".pdf", f"{src.stem}.pdf")


def pdf_to_pngs(pdf: Path, outdir: Path, dpi: int = 60) -> list[Path]:
    """Rasterise every page of *pdf* into ``outdir/<stem>-<n>.png``; returns
    the PNG paths in page order."""
    exe = pdftoppm_path()
    if exe is None:
        raise RuntimeError("pdftoppm is not installed (Debian: apt-get install poppler-utils)")
    pdf = Path(pdf).resolve()
    if not pdf.is_file():
        raise FileNotFoundError(pdf)
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    # Render into a private dir first so stale PNGs from an earlier run in
    # *outdir* are never returned.
    with tempfile.TemporaryDirectory(prefix="pdftoppm-") as tmp:
        try:
            proc = subprocess.run(
                [exe, "-png", "-r", str(int(dpi)), str(pdf), str(Path(tmp) / "page")],
                capture_output=True, text=True, errors="replace", timeout=TIMEOUT, check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"pdftoppm timed out after {TIMEOUT}s on {pdf}") from exc
        rendered = sorted(Path(tmp).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        if proc.returncode != 0 or not rendered:
            raise RuntimeError(
                f"pdftoppm failed on {pdf} (exit {proc.returncode}, {len(rendered)} PNGs)\n"
                f"stderr:\n{proc.stderr.strip()}"
            )
        pngs = []
        for i, page in enumerate(rendered, start=1):
            dest = outdir / f"{pdf.stem}-{i}.png"
            shutil.move(str(page), dest)
            pngs.append(dest)
    return pngs
