"""Write outputs atomically: a temporary file beside the target, renamed over it at the end.

A crash or an error mid-write leaves no half-written workbook behind, and an existing file
is replaced in one step. Outputs are never allowed to land on an input file.
"""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from pathlib import Path

from .errors import OutputFileError, UsageError


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
    if os.path.lexists(target) and not target.is_file():  # the rename would replace a device or a pipe
        raise UsageError(f"{target}: is not a regular file; choose another output path")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".~" + target.stem[:40] + "-", suffix=target.suffix, dir=folder)
    except OSError as exc:
        raise OutputFileError(target, write_problem(exc) or str(exc).lower()) from exc
    os.close(fd)
    tmp_path = Path(tmp)
    _LIVE.add(tmp_path)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644 & ~_umask())
        os.replace(tmp_path, target)
    except Exception as exc:
        problem = write_problem(exc, tmp_path, target)
        if problem is None:
            raise
        raise OutputFileError(target, problem) from exc  # the target's name, never the temporary one
    finally:
        _LIVE.discard(tmp_path)
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()


@contextlib.contextmanager
def output_folder(target: Path):
    """Yield a temporary folder beside ``target``; on success its files are moved into
    ``target`` (the folder renamed into place when it did not exist). On failure nothing of
    it is left: no partial folder, no temporary name in the message."""
    parent = target.parent if str(target.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".~" + target.name[:40] + "-", dir=parent))
    except OSError as exc:
        raise OutputFileError(target, write_problem(exc) or str(exc).lower()) from exc
    _LIVE.add(tmp)
    try:
        yield tmp
        for path in tmp.iterdir():
            os.chmod(path, 0o644 & ~_umask())
        if not target.exists():
            os.chmod(tmp, 0o755 & ~_umask())
            os.replace(tmp, target)
        else:  # an existing folder (--force): renames only, which need no space
            for path in sorted(tmp.iterdir()):
                os.replace(path, target / path.name)
    except Exception as exc:
        problem = write_problem(exc, tmp, target)
        if problem is None:
            raise
        raise OutputFileError(target, problem) from exc
    finally:
        _LIVE.discard(tmp)
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def remove_temporaries() -> None:
    """Remove the temporary files and folders of outputs being written (deadline.py's watchdog
    calls it before it ends a stuck process, which runs no ``finally``)."""
    for path in list(_LIVE):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()


def write_problem(exc: BaseException, *ours) -> str | None:
    """What went wrong writing, in words (an OSError, also wrapped as xlsxwriter wraps it);
    None when ``exc`` is not a writing problem, or names a file other than ``ours`` (or in them)."""
    if not isinstance(exc, OSError):
        if not (exc.args and isinstance(exc.args[0], OSError)):
            return None
        exc = exc.args[0]
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS)  # only ever from writing (also a library's scratch file)
    if not full and exc.filename and ours and not any(str(exc.filename).startswith(str(p)) for p in ours):
        return None  # an input's problem, reported as such elsewhere
    words = {errno.ENOSPC: "no space left on device", errno.EACCES: "permission denied",
             errno.EPERM: "permission denied", errno.EROFS: "read-only file system",
             errno.EDQUOT: "disk quota exceeded", errno.EISDIR: "is a folder"}
    return words.get(exc.errno) or (exc.strerror or str(exc)).lower()


# Private API.

_LIVE: set[Path] = set()  # temporaries being written

def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
