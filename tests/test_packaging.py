"""The template spec ships inside the package: a non-editable install finds it."""
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_carries_the_templates(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("promo_workbook-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {p.name for p in (ROOT / "templates").glob("*.yaml")}
    assert len(templates) >= 18  # sixteen tables, lists, workbook
    assert {f"promo_workbook/templates/{n}" for n in templates} <= names
    for package in ("writer", "reader", "checker", "checker/rules"):
        assert f"promo_workbook/{package}/__init__.py" in names, package
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "promo-workbook = promo_workbook.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()
