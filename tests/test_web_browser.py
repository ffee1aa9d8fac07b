"""The planning desk in a real browser: Debian's Chromium driven by Playwright against a real
``promo-workbook serve`` on 127.0.0.1. Fill in the New-plan form and open the workbook it
downloads; upload samples/mistakes-en.xlsx (file input and drag-and-drop), see the findings,
filter them to errors, download the summary and open it; switch the page to zh-CN.

Screenshots of each page are saved under the test's temporary folder and copied to
docs/screenshots/ for the README (with UPDATE_SCREENSHOTS=1). Skips without Chromium or Playwright, except with CI=true.
"""
from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

import pytest

from web import is_ci, requires_web

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "docs" / "screenshots"
MISTAKES = ROOT / "samples" / "mistakes-en.xlsx"


def _playwright_missing() -> bool:
    import importlib.util

    return importlib.util.find_spec("playwright") is None


def _chromium() -> str | None:
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


pytestmark = [
    requires_web,
    pytest.mark.slow,
    pytest.mark.skipif((_playwright_missing() or _chromium() is None) and not is_ci(),
                       reason="Chromium (apt: chromium) or Playwright (pip: playwright) is missing; "
                              "with CI=true this is a failure instead"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from web.server import Server

    with Server(tmp_path_factory.mktemp("browser-server"), keep_minutes=10) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=_chromium() or CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("screenshots")

    def take(page, name: str, full_page: bool = False, top: bool = True, publish: bool = True) -> Path:
        """A screenshot in the test's folder and, when ``publish`` and UPDATE_SCREENSHOTS=1 is set,
        in docs/screenshots/ (a test run leaves the repository as it was)."""
        path = folder / f"{name}.png"
        if top:
            page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(path), full_page=full_page)
        if publish and os.environ.get("UPDATE_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, SCREENSHOTS / path.name)
        return path

    return take


def new_page(browser, problems, **kw):
    context = browser.new_context(accept_downloads=True, locale=kw.pop("locale", "en-US"), **kw)
    page = context.new_page()
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.set_default_timeout(30_000)
    return page


def test_new_plan_form(server, browser, shots, tmp_path):
    import promo_workbook

    problems = []
    page = new_page(browser, problems, viewport={"width": 1200, "height": 900})
    page.goto(server.url + "/")
    assert page.title().startswith("New planning workbook")
    # Client-side validation: the end before the start is caught before anything is sent.
    page.fill("input[name=start]", "2026-03-10")
    page.fill("input[name=end]", "2026-03-01")
    page.click("button[type=submit]")
    assert page.locator(".field-error.live").first.inner_text() == "the end is before the start"
    assert page.url.rstrip("/") == server.url
    page.fill("input[name=campaign]", "Spring launch 春季")
    page.fill("input[name=product]", "Smart mug X1")
    page.fill("input[name=owner]", "Wang Min")
    page.fill("input[name=start]", "2026-03-01")
    page.fill("input[name=end]", "2026-03-15")
    page.fill("input[name=budget]", "80000")
    page.fill("input[name=channels]", "Douyin, Xiaohongshu, WeChat")
    page.select_option("select[name=lang]", "en")
    # Not the worked example: it has its own channels and days (issue 13: the form refuses both).
    page.locator("input[name=budget]").dispatch_event("change")
    assert page.locator(".field-error.live").count() == 0
    shots(page, "new-plan")
    with page.expect_download() as info:
        page.click("button[type=submit]")
    download = info.value
    assert download.suggested_filename == "Spring launch 春季.xlsx"
    path = tmp_path / "downloaded.xlsx"
    download.save_as(path)
    plan = promo_workbook.read(path)
    assert plan.language == "en"
    assert plan.cover["campaign"].raw == "Spring launch 春季"
    assert plan.cover["budget"].raw == 80000
    assert not problems, problems


def test_check_filter_download_and_switch_language(server, browser, shots, tmp_path):
    import openpyxl

    problems = []
    page = new_page(browser, problems, viewport={"width": 1200, "height": 900})
    page.goto(server.url + "/check")
    shots(page, "check")
    page.set_input_files("#file", str(MISTAKES))
    assert "mistakes-en.xlsx" in page.inner_text("#drop-name")
    page.click("#check-submit")
    page.wait_for_selector("#verdict")
    assert page.inner_text("#verdict h1") == "Errors to fix"
    findings = page.locator(".finding")
    assert findings.count() == 22
    assert page.locator(".finding:visible").count() == 22
    assert page.locator('a[href="/rules/X251"]').count() == 1
    assert page.locator("#chart-budget svg rect").count() >= 2
    shots(page, "report")
    shots(page, "report-full", full_page=True, publish=False)

    page.uncheck('input[data-filter="warning"]')
    page.uncheck('input[data-filter="info"]')
    visible = page.locator(".finding:visible")
    assert visible.count() == 10
    assert all("sev-error" in (visible.nth(i).get_attribute("class") or "") for i in range(10))
    assert page.locator("h3:visible", has_text="Materials").count() == 0  # a sheet with warnings only is hidden
    page.locator("#findings").scroll_into_view_if_needed()
    shots(page, "report-errors", top=False)

    with page.expect_download() as info:
        page.click("#download-summary")
    summary = tmp_path / "summary.xlsx"
    info.value.save_as(summary)
    assert info.value.suggested_filename == "mistakes-en-summary.xlsx"
    book = openpyxl.load_workbook(summary)
    assert "Overview" in book.sheetnames and "Findings" in book.sheetnames

    page.click('nav.langs a[hreflang="zh-CN"]')
    page.wait_for_selector("#verdict")
    assert page.inner_text("#verdict h1") == "有错误，需要修改"
    assert page.locator("html").get_attribute("lang") == "zh-Hans-CN"
    assert "目标“GMV”没有出现在效果复盘表中。" in page.inner_text("#findings")
    shots(page, "report-zh-CN")
    page.goto(server.url + "/")  # the cookie remembers the choice
    assert page.inner_text("h1") == "新建策划工作簿"
    page.goto(server.url + "/rules")
    assert page.locator("table.rules tbody tr").count() >= 60
    shots(page, "rules-zh-CN")
    assert not problems, problems


def test_drag_and_drop_upload(server, browser):
    problems = []
    page = new_page(browser, problems, viewport={"width": 1200, "height": 900})
    page.goto(server.url + "/check")
    data = base64.b64encode(MISTAKES.read_bytes()).decode()
    page.evaluate("""([data, name]) => {
        const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name));
        const drop = document.getElementById("drop");
        drop.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
        drop.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
    }""", [data, "dropped.xlsx"])
    assert "dropped.xlsx" in page.inner_text("#drop-name")
    page.click("#check-submit")
    page.wait_for_selector("#verdict")
    assert "dropped.xlsx" in page.inner_text("#verdict")
    assert page.locator(".finding").count() == 22
    assert not problems, problems


def test_an_empty_submit_and_an_oversize_file_are_caught_in_the_page(server, browser, tmp_path):
    problems = []
    page = new_page(browser, problems, viewport={"width": 1200, "height": 900})
    page.goto(server.url + "/check")
    page.click("#check-submit")
    assert page.inner_text("#file-error") == "Choose a workbook file first."
    page.evaluate("""() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(26000001)], "huge.xlsx"));
        const input = document.getElementById("file");
        input.files = transfer.files;
        input.dispatchEvent(new Event("change", {bubbles: true}));
    }""")
    assert page.inner_text("#file-error").startswith("The file is too big")
    page.click("#check-submit")
    assert page.url.endswith("/check") and page.locator("#verdict").count() == 0
    assert not problems, problems


def test_on_a_phone(server, browser, shots):
    problems = []
    page = new_page(browser, problems, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                    device_scale_factor=2)
    page.goto(server.url + "/?lang=zh-CN")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the New-plan page scrolls sideways on a phone ({width}px)"
    shots(page, "new-plan-phone")
    page.goto(server.url + "/check")
    page.set_input_files("#file", str(MISTAKES))
    page.click("#check-submit")
    page.wait_for_selector("#verdict")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shots(page, "report-phone")
    assert not problems, problems
