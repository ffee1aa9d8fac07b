# inputs.py: the plans that PATH... names.
"""``expand(paths)``: files as given, folders searched recursively, globs expanded.

A folder or a glob yields its workbooks (*.xlsx, *.xlsm, *.ods, *.xls) in sorted order,
without Office lock files (``~$plan.xlsx``) and without the tool's own outputs (summary
workbooks and annotated copies, ``engine.is_own_output``). A file named outright is always
checked, whatever it is. A path that is neither an existing file, a folder nor a glob
matching anything is kept, so its check reports it as unreadable.
"""
from __future__ import annotations

import glob
import os

__all__ = ["expand", "WORKBOOK_SUFFIXES", "is_lock_file"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")


# Public API.

def expand(paths) -> list[str]:
    """The plans ``paths`` names, in order, each once."""
    from .engine import is_own_output

    out: list[str] = []
    seen: set[str] = set()

    def add(path: str, found: bool) -> None:
        if found and (is_lock_file(path) or not path.lower().endswith(WORKBOOK_SUFFIXES) or is_own_output(path)):
            return
        key = os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            out.append(path)

    for raw in paths:
        path = os.fspath(raw)
        if os.path.isdir(path):
            for found in _walk(path):
                add(found, True)
        elif not os.path.exists(path) and glob.has_magic(path):
            for match in sorted(glob.glob(path, recursive=True)):
                if os.path.isdir(match):
                    for found in _walk(match):
                        add(found, True)
                elif os.path.isfile(match):
                    add(match, True)
        else:
            add(path, False)
    return out


def is_lock_file(path: str) -> bool:
    """An Office (``~$plan.xlsx``) or LibreOffice (``.~lock.plan.xlsx#``) lock file."""
    name = os.path.basename(path)
    return name.startswith(("~$", ".~lock."))


# Private API.

def _walk(folder: str):
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            yield os.path.join(root, name)
