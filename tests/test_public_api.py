"""The public API is what __all__ says, pinned."""
import promo_workbook


def test_all_is_pinned():
    assert sorted(promo_workbook.__all__) == sorted([
        "__version__", "check", "check_many", "read", "InputFileError", "PromoWorkbookError", "SpecError", "UsageError",
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
