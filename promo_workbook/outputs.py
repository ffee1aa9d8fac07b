# outputs.py: every output a command will write, checked before it reads anything.
"""One rule for every command that writes: its outputs are known and checked before any work.

``validate(inputs, outputs, force=...)`` refuses, with one line naming the path and the
option:

- an output that is an input (also through another spelling or a link);
- a file output that is a folder or not a regular file (a device, a pipe: writing by renaming
  a temporary over it would replace it), or a folder output that is a file;
- an output whose folder does not exist or cannot be written in;
- two outputs that would land on one file (``--summary X --annotate X``);
- an existing output, unless ``--force`` (``new`` has always worked so; now every command does).

A folder output (``export --format csv``'s folder, batch ``--summary DIR``) lists the files it
will hold; those are the outputs checked for existence and clashes. The writing itself stays
atomic (``atomic.py``).
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from .atomic import same_file
from .errors import UsageError

__all__ = ["Output", "validate"]


# Public API.

@dataclass(frozen=True)
class Output:
    """An output a command will write: a file, or a folder holding ``files`` (full paths)."""

    option: str                      # as the user typed it: "--summary", "-o", "OUT"
    path: str
    folder: bool = False
    files: tuple[str, ...] = field(default_factory=tuple)


def validate(inputs: Iterable, outputs: Iterable[Output], *, force: bool = False) -> None:
    """Refuse, before any reading, the outputs that cannot be written or would do harm."""
    inputs = [str(i) for i in inputs if i]
    seen: dict[str, str] = {}
    for out in outputs:
        if not out.path:
            continue
        if out.folder:
            _folder(out, inputs, force)
            targets = list(out.files)
        else:
            _file(out.path, out.option, inputs, force)
            targets = [str(out.path)]
        for target in targets:
            key = _key(target)
            if key in seen and seen[key] != out.option:
                raise UsageError(f"{target}: {seen[key]} and {out.option} would both write this file; "
                                 f"give each its own")
            if key in seen:
                raise UsageError(f"{target}: {out.option} would write this file twice")
            seen[key] = out.option


# Private API.

def _file(path, option: str, inputs: list[str], force: bool, made: bool = False) -> None:
    path = str(path)
    for source in inputs:
        if os.path.exists(source) and same_file(path, source):
            raise UsageError(f"{path}: refusing to write over the input file; choose another output path")
    if os.path.isdir(path):
        raise UsageError(f"{path}: is a folder; give {option} a file name")
    if os.path.lexists(path) and not os.path.isfile(path):  # a device, a pipe, a dangling link:
        raise UsageError(f"{path}: is not a regular file; give {option} a file name")  # a rename would replace it
    folder = os.path.dirname(path) or "."
    if made and not os.path.isdir(folder):  # the command makes the folder; _folder checked its nearest parent
        return
    if not os.path.isdir(folder):
        raise UsageError(f"{path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{path}: cannot write in folder {folder} (permission denied)")
    if os.path.lexists(path) and not force:
        raise UsageError(f"{path}: already exists; use --force to overwrite it")


def _folder(out: Output, inputs: list[str], force: bool) -> None:
    path = str(out.path)
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"{path}: is a file; give {out.option} a folder")
    existing = path
    while not os.path.isdir(existing):  # the folder is made with its parents: the nearest that exists must be writable
        parent = os.path.dirname(os.path.abspath(existing))
        if parent == os.path.abspath(existing):
            break
        existing = parent
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"{path}: cannot write in folder {existing} (permission denied)")
    for name in out.files:
        _file(name, out.option, inputs, force, made=True)


def _key(path) -> str:
    return os.path.normcase(os.path.realpath(os.path.abspath(str(path))))
