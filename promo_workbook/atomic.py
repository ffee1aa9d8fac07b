"""Write outputs atomically: a temporary file beside the target, renamed over it at the end.

A crash or an error mid-write leaves no half-written workbook behind, and an existing file
is replaced in one step. Outputs are never allowed to land on an input file.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import UsageError


# Public API.

def same_file(a: str | Path, b: str | Path) -> bool:
    """True when two paths name the same file (also through links or different spellings)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def refuse_input(output: str | Path, *inputs: str | Path) -> None:
    for source in inputs:
        if source and same_file(output, source):
            raise UsageError(f"{output}: refusing to write over the input file; choose another output path")


@contextlib.contextmanager
def output(target: Path):
    """Yield a temporary path in the target's folder; rename it onto the target on success."""
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{target}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=".~" + target.stem[:40] + "-", suffix=target.suffix, dir=folder)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644 & ~_umask())
        os.replace(tmp_path, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()


# Private API.

def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
