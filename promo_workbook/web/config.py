# config.py: the [web] section of a --config TOML file, read by the planning desk.
"""Settings of the web page (``promo-workbook serve``), from the ``[web]`` section of the same
TOML file that holds the check's thresholds (``[check]``, ``[benchmarks]``, ``[limits]``):

    [web]
    max_upload_bytes = 25_000_000     # a larger upload is refused with 413
    check_timeout_s = 60              # wall clock per check in its worker process, then killed
    max_concurrent_checks = 2         # worker processes (default: the CPUs this process may use)
    max_queued_checks = 8             # checks waiting for a worker; beyond, 503 + Retry-After
    keep_minutes = 30                 # download links live this long, then files are deleted
    work_dir = "/tmp/promo-plans"     # private folder for uploads and outputs (default: the
                                      # system's temporary folder + promo-workbook-web-<uid>)

Unknown keys and wrong types are errors naming the file and the key, as for the other sections.
The other sections are left to ``promo_workbook.checker.config`` (through ``engine.py``).
"""
from __future__ import annotations

import dataclasses
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError

__all__ = ["WebSettings", "read_toml", "settings_from"]


# Public API.

@dataclass(frozen=True)
class WebSettings:
    max_upload_bytes: int = 25_000_000
    check_timeout_s: float = 60.0
    max_concurrent_checks: int = 0          # 0: the CPUs this process may run on
    max_queued_checks: int = -1             # -1: four times max_concurrent_checks
    keep_minutes: float = 30.0
    work_dir: str = ""                      # "": <temp>/promo-workbook-web-<uid>

    def resolved(self) -> WebSettings:
        """The settings with their computed defaults filled in."""
        workers = self.max_concurrent_checks or _cpus()
        queued = self.max_queued_checks if self.max_queued_checks >= 0 else 4 * workers
        work_dir = self.work_dir or os.path.join(tempfile.gettempdir(), f"promo-workbook-web-{_uid()}")
        return dataclasses.replace(self, max_concurrent_checks=workers, max_queued_checks=queued,
                                   work_dir=work_dir)


def read_toml(path: str | os.PathLike) -> dict:
    """The whole TOML file as a dict; a one-line UsageError when it cannot be read or parsed."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read config: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None


def settings_from(data: dict | None, file: str = "config") -> WebSettings:
    """WebSettings from a parsed TOML file's ``[web]`` table (absent: the defaults)."""
    section = (data or {}).get("web", {})
    if not isinstance(section, dict):
        raise UsageError(f"{file}: web: expected a table")
    values = {}
    for key, value in section.items():
        kind = _KINDS.get(key)
        if kind is None:
            raise UsageError(f"{file}: web.{key}: unknown setting (known: {', '.join(sorted(_KINDS))})")
        values[key] = _coerce(file, key, value, kind)
    return WebSettings(**values).resolved()


# Private API.

_KINDS = {"max_upload_bytes": ("int", 1), "check_timeout_s": ("float", 0.1), "max_concurrent_checks": ("int", 1),
          "max_queued_checks": ("int", 0), "keep_minutes": ("float", 0.01), "work_dir": ("str", None)}


def _coerce(file: str, key: str, value, kind):
    type_, minimum = kind
    where = f"{file}: web.{key}"
    if type_ == "str":
        if not isinstance(value, str) or not value.strip():
            raise UsageError(f"{where}: expected a folder name")
        return os.path.expanduser(value.strip())
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise UsageError(f"{where}: expected a number")
    if type_ == "int" and value != int(value):
        raise UsageError(f"{where}: expected a whole number")
    if value < minimum:
        raise UsageError(f"{where}: must be at least {minimum}")
    return int(value) if type_ == "int" else float(value)


def _cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def _uid() -> str:
    return str(os.getuid()) if hasattr(os, "getuid") else (os.environ.get("USERNAME") or "user")
