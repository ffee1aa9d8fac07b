"""promo-workbook: generate, read, check and summarise product-promotion planning workbooks.

The public API is what ``__all__`` lists; everything else may change.
"""
__version__ = "0.1.0"

from .errors import InputFileError, PromoWorkbookError, SpecError, UsageError  # noqa: E402
from .spec import load_spec  # noqa: E402

# Load the ``check`` subpackage now (its __init__ is light): importing a subpackage sets the
# parent's attribute of the same name, so a lazy first import would replace the ``check()``
# function defined below with the module.
from . import check as _check_package  # noqa: E402,F401


def new_workbook(path, **options):
    """Write a new planning workbook; keyword options as ``NewOptions`` (lang, example, ...)."""
    from .writer import NewOptions, generate

    return generate(path, NewOptions(**options))


def read(path, *, limits=None):
    """Read a completed planning workbook into a Plan (see promo_workbook.reader); ``limits``
    as promo_workbook.limits.Limits or a mapping like a config's ``[limits]`` section."""
    from .reader import read as _read

    return _read(path, limits=limits)


def check(path, **options):
    """Check a completed plan; keyword options lang, select, ignore, today, config. Returns a Report."""
    from .check import check as _check

    return _check(path, **options)


def check_many(paths, *, jobs=None, executor=None, **options):
    """Check every plan ``paths`` names (files, folders, globs) in ``jobs`` processes or on any
    concurrent.futures ``executor`` (a Dask cluster's too); yields a batch Record per plan as
    each completes (docs/batch.md). Keyword options as check()."""
    from .batch import check_many as _check_many

    return _check_many(paths, jobs=jobs, executor=executor, **options)


__all__ = [
    "__version__",
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
