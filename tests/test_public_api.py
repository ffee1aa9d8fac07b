"""The public API is what __all__ says, pinned."""
import promo_workbook


def test_all_is_pinned():
    assert sorted(promo_workbook.__all__) == sorted([
        "__version__", "Finding", "Plan", "Report", "annotate", "write_summary", "check", "check_many", "read", "InputFileError", "PromoWorkbookError", "SpecError", "UsageError",
        "load_spec", "new_workbook"])
    for name in promo_workbook.__all__:
        assert hasattr(promo_workbook, name)


def test_read_and_check_through_the_package(tmp_path):
    import datetime as dt

    path = promo_workbook.new_workbook(tmp_path / "p.xlsx", lang="en", example=True, start=dt.date(2026, 3, 1))
    plan = promo_workbook.read(path)
    assert plan.table("budget").rows[0].cells["unit_price"].value == 20000
    report = promo_workbook.check(path, today=dt.date(2026, 3, 20))
    assert report.valid and report.count("warning") > 0


def test_no_module_shadows_a_function_of_its_package():
    """`import promo_workbook.checker.view` and friends work: no subpackage or module has the
    name of a function its package exports (importing it would replace the function)."""
    import importlib
    import pkgutil
    import types

    def walk(package):
        for module in pkgutil.iter_modules(package.__path__):
            value = getattr(package, module.name, None)
            assert value is None or isinstance(value, types.ModuleType), f"{package.__name__}.{module.name}"
            if module.ispkg:
                walk(importlib.import_module(f"{package.__name__}.{module.name}"))

    walk(promo_workbook)
    assert importlib.import_module("promo_workbook.checker.view").from_plan
    assert callable(promo_workbook.check) and callable(promo_workbook.read)


def test_summary_and_annotated_copy_through_the_package(tmp_path):
    import datetime as dt

    import openpyxl

    path = promo_workbook.new_workbook(tmp_path / "p.xlsx", lang="en", example=True, start=dt.date(2026, 3, 1))
    report = promo_workbook.check(path, today=dt.date(2026, 3, 20))
    assert isinstance(report, promo_workbook.Report)
    assert all(isinstance(f, promo_workbook.Finding) for f in report.findings)
    assert isinstance(promo_workbook.read(path), promo_workbook.Plan)
    summary = promo_workbook.write_summary(path, report, tmp_path / "summary.xlsx")
    assert "Findings" in openpyxl.load_workbook(summary, read_only=True).sheetnames
    done = promo_workbook.annotate(path, report, tmp_path / "checked.xlsx")
    assert done.cells > 0 and done.path.exists()
