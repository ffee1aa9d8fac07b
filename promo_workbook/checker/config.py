"""Check thresholds: documented defaults, overridable from a TOML file (`--config`).

    [check]
    reserve_min = 0.10        # seed: reserve 10%-15% of the budget
    reserve_max = 0.15
    sum_tolerance = 0.005     # relative tolerance when comparing sums and products
    spike_threshold = 0.5     # day-over-day change (50%) that counts as a drop or spike
    phase_days = {warmup = 3, burst = 7, sustain = 5}   # the seed's 预热期 / 爆发期 / 延续期
    goal_coverage = 0.8       # channel plan should cover at least this share of a goal
    anomaly_factor = 10       # a day 10x its neighbours (or a tenth of them) is an anomaly
    daily_coverage = 0.9      # daily log must cover 90% of campaign days, per channel, to compare sums

    [benchmarks]              # reference figures from the other seeds (info rules)
    phase_budget = {warmup = 0.2, burst = 0.5, sustain = 0.3}
    phase_budget_tolerance = 0.1   # how far a phase's share may stray
    roi_min = 3.0
    ltv_cac_min = 3.0
    cpm_max = 30.0
    cpa_max = 150.0

    [limits]                  # how much of a workbook the reader takes in (promo_workbook.limits)
    max_unzipped_bytes = 500_000_000   # the zip's parts together, declared and as inflated
    max_ratio = 200.0         # unzipped / zipped size of any part over 1 MB (a deflate bomb is ~1000)
    max_cells = 10_000_000    # cells read: each sheet's area from A1 to its last cell, plus shared strings
    max_seconds = 60.0        # wall-clock budget for reading the file
    max_parts = 10_000        # entries in the zip
"""
from __future__ import annotations

import copy
import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..limits import Limits


@dataclass(frozen=True)
class CheckSettings:
    """[check]: the thresholds the rules compare with (the seed's own figures)."""
    reserve_min: float = 0.10
    reserve_max: float = 0.15
    sum_tolerance: float = 0.005
    spike_threshold: float = 0.5
    phase_days: dict = field(default_factory=lambda: {"warmup": 3, "burst": 7, "sustain": 5})
    goal_coverage: float = 0.8
    anomaly_factor: float = 10.0   # a day this many times its neighbours (or below): investigate
    daily_coverage: float = 0.9    # share of campaign days the daily log needs before its sums are compared


@dataclass(frozen=True)
class BenchmarkSettings:
    """[benchmarks]: reference figures from the other seeds (info rules)."""
    phase_budget: dict = field(default_factory=lambda: {"warmup": 0.2, "burst": 0.5, "sustain": 0.3})
    phase_budget_tolerance: float = 0.1
    roi_min: float = 3.0
    ltv_cac_min: float = 3.0
    cpm_max: float = 30.0
    cpa_max: float = 150.0


# Every section's defaults, derived from its dataclass: one home per default.
SECTIONS = {"check": CheckSettings, "benchmarks": BenchmarkSettings, "limits": Limits}
DEFAULTS = {name: dataclasses.asdict(cls()) for name, cls in SECTIONS.items()}
# Sections of the same file that other parts of the tool read and check themselves (one file
# for a team): load_config accepts them as tables and leaves their keys to their owner.
OTHER_SECTIONS = {"web": "promo_workbook/web/config.py (docs/web.md)", "mail": "promo_workbook/mail (docs/mail.md)"}


# Public API.

def load_config(path: str | Path | None = None) -> dict:
    """Defaults, overlaid by a TOML file's values; unknown keys or wrong types are errors."""
    config = copy.deepcopy(DEFAULTS)
    if path is None:
        return config
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read config: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None
    for name in OTHER_SECTIONS:
        if name in data:
            if not isinstance(data[name], dict):
                raise UsageError(f"{path}: {name}: expected a table")
            config[name] = data.pop(name)
    _overlay(config, data, str(path), "")
    return config


# Private API.

def _overlay(base: dict, data: dict, file: str, where: str) -> None:
    for key, value in data.items():
        path = f"{where}.{key}" if where else key
        if key not in base:
            raise UsageError(f"{file}: {path}: unknown setting")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise UsageError(f"{file}: {path}: expected a table")
            _overlay(base[key], value, file, path)
        elif isinstance(base[key], (int, float)) and not isinstance(value, bool) and isinstance(value, (int, float)):
            if not math.isfinite(value):  # TOML has inf and nan; no threshold means either
                raise UsageError(f"{file}: {path}: expected a finite number, found {value}")
            base[key] = float(value)
        else:
            raise UsageError(f"{file}: {path}: expected a number")
