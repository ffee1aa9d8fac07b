"""promo-workbook: generate, read, check and summarise product-promotion planning workbooks.

The public API is what ``__all__`` lists; everything else may change.
"""
__version__ = "0.1.0"

from .errors import InputFileError, PromoWorkbookError, SpecError, UsageError  # noqa: E402
from .spec import load_spec  # noqa: E402

TYPE_CHECKING = False
if TYPE_CHECKING:  # the classes load lazily (__getattr__ below): `import promo_workbook` stays quick
    from pathlib import Path

    from .annotator import Annotated
    from .checker.model import Finding, Report
    from .reader.model import Plan

# Classes of the public API, imported on first use: name -> (module, attribute).
_LAZY = {"Plan": ("reader.model", "Plan"), "Report": ("checker.model", "Report"),
         "Finding": ("checker.model", "Finding")}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

def new_workbook(path, **options):
    """Write a new planning workbook; keyword options as ``NewOptions`` (lang, example, ...)."""
    from .writer import NewOptions, generate

    return generate(path, NewOptions(**options))


def read(path, *, limits=None) -> "Plan":
    """Read a completed planning workbook into a Plan (see promo_workbook.reader); ``limits``
    as promo_workbook.limits.Limits or a mapping like a config's ``[limits]`` section."""
    from .reader import read as _read

    return _read(path, limits=limits)


def check(path, **options) -> "Report":
    """Check a completed plan; keyword options lang, select, ignore, today, config. Returns a Report."""
    from .checker import check as _check

    return _check(path, **options)


def check_many(paths, *, jobs=None, executor=None, **options):
    """Check every plan ``paths`` names (files, folders, globs) in ``jobs`` processes or on any
    concurrent.futures ``executor`` (a Dask cluster's too); yields a batch Record per plan as
    each completes (docs/batch.md). Keyword options as check()."""
    from .batch import check_many as _check_many

    return _check_many(paths, jobs=jobs, executor=executor, **options)


def write_summary(source, report: "Report", out_path, lang: str | None = None, *, today=None,
                  config: dict | None = None) -> "Path":
    """Write the summary workbook (KPIs, budget, channels, findings, charts) of the plan
    ``source`` (a path, or the Report's own reading of it) checked as ``report`` to
    ``out_path`` (*.xlsx, never the input); returns the path. ``config``: the check's
    thresholds (default: those the report was checked with)."""
    from .summary import write_summary as _write_summary

    return _write_summary(source, report, out_path, lang, today=today, config=config)


def annotate(source, report: "Report", out_path, lang: str | None = None) -> "Annotated":
    """Copy the workbook ``source`` to ``out_path`` with each finding of ``report`` (a Report,
    or a list of Findings) highlighted at its cell and commented in ``lang``; accepted findings
    are marked in grey with their reason. Returns what was marked (Annotated)."""
    from .annotator import annotate as _annotate

    findings = getattr(report, "findings", report)
    accepted = getattr(report, "accepted", ())
    return _annotate(source, findings, out_path, lang or getattr(report, "lang", None), accepted=accepted)


__all__ = [
    "__version__",
    "Finding",
    "Plan",
    "Report",
    "annotate",
    "write_summary",
    "check",
    "check_many",
    "read",
    "InputFileError",
    "PromoWorkbookError",
    "SpecError",
    "UsageError",
    "load_spec",
    "new_workbook",
]
