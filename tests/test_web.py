"""The planning desk over HTTP (FastAPI's TestClient): every page and API route, the errors a
hostile or careless upload brings, escaping, tokens and their expiry, the worker pool's limits."""
from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest

from web import requires_web

pytestmark = [requires_web,
              pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient` is deprecated")]

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
MISTAKES = SAMPLES / "mistakes-en.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FAKE_WORKER = [sys.executable, str(ROOT / "tests" / "web" / "fake_worker.py")]
HOSTILE = '<script>alert("pwned")</script>'


def make_client(folder, **settings):
    from fastapi.testclient import TestClient

    from promo_workbook.web import create_app
    from promo_workbook.web.config import WebSettings

    settings.setdefault("max_concurrent_checks", 2)
    app = create_app(WebSettings(work_dir=str(folder), **settings))
    return TestClient(app)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with make_client(tmp_path_factory.mktemp("desk")) as c:
        yield c


def upload(client, url, path=MISTAKES, name=None, data=None, **kw):
    content = path.read_bytes() if isinstance(path, Path) else path
    return client.post(url, files={"file": (name or getattr(path, "name", "plan.xlsx"), content)}, data=data or {},
                       **kw)


def assert_still_works(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    response = upload(client, "/api/check")
    assert response.status_code == 200
    assert response.json()["stats"]["errors"] == 10


def cli_findings(path, *args):
    out = subprocess.run([sys.executable, "-m", "promo_workbook", "check", str(path), "--format", "json", *args],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)


def keys(report):
    return [(f["code"], f["sheet"], f["cell"], f["severity"]) for f in report["findings"]]


# Pages.

@pytest.mark.parametrize("url", ["/", "/check", "/rules", "/rules/T161"])
@pytest.mark.parametrize("lang, word", [("zh-CN", "简体中文"), ("zh-TW", "繁體中文"), ("en", "English")])
def test_every_page_in_every_language(client, url, lang, word):
    response = client.get(url, params={"lang": lang})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert f'<html lang="{ {"zh-CN": "zh-Hans-CN", "zh-TW": "zh-Hant-TW", "en": "en"}[lang] }">' in html
    assert 'aria-current="true" class="on">' + word in html
    assert response.cookies.get("lang") == lang or client.cookies.get("lang") == lang
    client.cookies.clear()


def test_page_words_follow_the_language(client):
    assert "新建策划工作簿" in client.get("/", params={"lang": "zh-CN"}).text
    assert "新建策劃活頁簿" in client.get("/", params={"lang": "zh-TW"}).text
    assert "New planning workbook" in client.get("/", params={"lang": "en"}).text
    client.cookies.clear()


@pytest.mark.parametrize("header, lang", [
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"), ("zh-TW,zh;q=0.9", "zh-TW"), ("zh-HK", "zh-TW"),
    ("zh-Hant", "zh-TW"), ("zh", "zh-CN"), ("en-GB,en;q=0.9", "en"), ("fr-FR,de;q=0.5", "en"),
    ("fr;q=1, zh-TW;q=0.3, en;q=0.2", "zh-TW"), ("", "en")])
def test_accept_language(client, header, lang):
    client.cookies.clear()
    html = client.get("/check", headers={"Accept-Language": header}).text
    assert f'hreflang="{lang}" lang="{lang}" aria-current="true"' in html


def test_the_cookie_remembers_the_switch(client):
    client.cookies.clear()
    first = client.get("/rules", params={"lang": "zh-TW"})
    assert "lang=zh-TW" in first.headers["set-cookie"] and "HttpOnly" in first.headers["set-cookie"]
    html = client.get("/check", headers={"Accept-Language": "en"}).text  # the cookie wins over the header
    assert 'hreflang="zh-TW" lang="zh-TW" aria-current="true"' in html
    client.cookies.clear()


def test_security_headers_and_no_inline_code(client):
    for url in ("/", "/check", "/rules", "/rules/X281", "/healthz", "/static/app.js", "/nope"):
        response = client.get(url)
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        if response.headers["content-type"].startswith("text/html"):
            assert not re.search(r"<script(?![^>]*\bsrc=)", response.text), url      # no inline script
            assert not re.search(r"\sstyle=|<style", response.text), url             # no inline style
            assert not re.search(r"\son[a-z]+=", response.text), url                 # no event handlers
            assert not re.search(r"(src|href)=\"(https?:)?//", response.text), url    # nothing external


def test_no_debug_pages(client):
    for url in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(url).status_code == 404


def test_static_assets_and_palette_are_the_workbooks(client):
    from promo_workbook.annotator import FILLS
    from promo_workbook.writer import styles

    css = client.get("/palette.css")
    assert css.headers["content-type"].startswith("text/css")
    for colour in (styles.NAVY, styles.HEADER_FILL, styles.INPUT_FILL, styles.FORMULA_FILL, styles.EXAMPLE_FONT):
        assert colour in css.text
    for severity, argb in FILLS.items():
        assert f"--{severity}: #{argb[-6:]};" in css.text
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/app.js").headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert client.get("/favicon.ico").headers["content-type"].startswith("image/svg+xml")
    assert client.get("/static/").status_code == 404  # no listing


# New plan.

def test_new_plan_form_downloads_the_workbook(client, tmp_path):
    import promo_workbook

    response = client.post("/new", data={"campaign": "春季新品发布", "product": "保温杯", "start": "2026-03-01",
                                         "end": "2026-03-15", "budget": "50,000", "owner": "王敏",
                                         "channels": "抖音, 小红书，微信社群", "lang": "zh-CN", "rows": "12"})
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"promo-plan.xlsx\"; filename*=UTF-8''" + quote("春季新品发布.xlsx", safe=""))
    path = tmp_path / "new.xlsx"
    path.write_bytes(response.content)
    plan = promo_workbook.read(path)
    assert plan.language == "zh-CN"
    report = promo_workbook.check(path)
    assert report.view.start.isoformat() == "2026-03-01" and report.view.end.isoformat() == "2026-03-15"
    channels = [row.text("channel") for row in report.view.rows("channels") if row.text("channel")]
    assert channels[:3] == ["抖音", "小红书", "微信社群"]


def test_new_plan_ascii_name_and_defaults(client):
    response = client.post("/new", data={"campaign": 'Q3 launch: "big" / v2'})
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Q3 launch big v2.xlsx"')
    assert disposition.endswith("filename*=UTF-8''Q3%20launch%20big%20v2.xlsx")
    assert zipfile.ZipFile(io.BytesIO(response.content)).testzip() is None
    bare = client.post("/new", data={})
    assert bare.status_code == 200 and 'filename="promo-plan.xlsx"' in bare.headers["content-disposition"]


@pytest.mark.parametrize("field, value, word", [
    ("start", "2026-02-30", "not a date"), ("budget", "-5", "a number of 0 or more"),
    ("budget", "lots", "a number of 0 or more"), ("rows", "0", "a whole number from 1 to"),
    ("rows", "2.5", "a whole number from 1 to"), ("channels", "A, B, a", "channel names repeat"),
    ("campaign", "x" * 101, "at most 100 characters"), ("lang", "fr", "not one of the choices"),
    ("owner", "bad\x07bell", "holds control characters")])
def test_new_plan_form_validation(client, field, value, word):
    response = client.post("/new", data={field: value, "campaign": "Kept <b>value</b>"} if field != "campaign"
                           else {field: value})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert word in response.text
    assert 'aria-invalid="true"' in response.text
    if field != "campaign":
        assert 'value="Kept &lt;b&gt;value&lt;/b&gt;"' in response.text  # kept, and escaped


@pytest.mark.parametrize("data, field, word", [
    ({"example": "on", "channels": "A, B"}, "channels", "the worked example has its own channels"),
    ({"example": "on", "start": "2026-03-01", "end": "2026-03-31"}, "end", "runs 15 days from the start"),
    ({"channels": ",".join(f"C{n}" for n in range(30)), "rows": "5"}, "channels", "the channel plan has 5 rows"),
])
def test_new_plan_refuses_options_the_workbook_cannot_honour(client, data, field, word):
    """Issue 13: more channels than rows were dropped, and the example with other channels or
    days contradicted itself; now the form says so on the field (422)."""
    response = client.post("/new", data=data)
    assert response.status_code == 422 and word in response.text, response.text[-2000:]


def test_new_plan_end_before_start(client):
    response = client.post("/new", data={"start": "2026-03-10", "end": "2026-03-01"})
    assert response.status_code == 422 and "the end is before the start" in response.text
    assert 'href="/?lang=zh-CN"' in response.text  # the language links lead back to the form, not to POST-only /new


def test_rules_list_every_rule_with_its_docs(client):
    from promo_workbook.checker.registry import all_rules

    html = client.get("/rules").text
    for rule in all_rules():
        assert f'<tr id="{rule.code}">' in html
    assert html.count("<details>") == len(all_rules())
    page = client.get("/rules/T161", params={"lang": "zh-TW"}).text
    assert "T161" in page and "錯誤範例" in page and "單價" in page  # the message in the page's language
    client.cookies.clear()


def test_under_a_root_path(tmp_path):
    """Behind a proxy at /plans/ (uvicorn --root-path /plans): every link carries the prefix."""
    from fastapi.testclient import TestClient

    from promo_workbook.web import create_app
    from promo_workbook.web.config import WebSettings

    app = create_app(WebSettings(work_dir=str(tmp_path), max_concurrent_checks=1))
    with TestClient(app, root_path="/plans") as c:
        html = c.get("/check").text
        assert 'href="/plans/static/app.css"' in html and 'action="/plans/check"' in html
        assert 'href="/plans/check?lang=zh-CN"' in html
        report = upload(c, "/check").text
        link = re.search(r'href="(/plans/download/[A-Za-z0-9_-]{32}/json)"', report).group(1)
        assert c.get(link[len("/plans"):]).status_code == 200
        assert 'href="/plans/rules/X251"' in report


def test_api_new(client, tmp_path):
    import promo_workbook

    response = client.post("/api/new", json={"campaign": "Spring", "lang": "en", "start": "2026-03-01",
                                             "budget": 80000, "channels": ["Douyin", "WeChat"], "rows": 5,
                                             "example": False})
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    assert "filename*=UTF-8''Spring.xlsx" in response.headers["content-disposition"]
    path = tmp_path / "api.xlsx"
    path.write_bytes(response.content)
    assert promo_workbook.read(path).language == "en"


@pytest.mark.parametrize("body, error", [
    (b"{not json", "not JSON"), (b"[1, 2]", "JSON object"), (b'{"colour": "red"}', "colour"),
    (b'{"start": "tomorrow"}', "start: not a date"), (b'{"rows": 100000}', "rows: a whole number"),
    (b'{"start": "2026-03-10", "end": "2026-03-01"}', "end: the end is before the start"),
    (b'{"channels": [1, 2]}', "channels")])
def test_api_new_errors(client, body, error):
    response = client.post("/api/new", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert set(response.json()) == {"error"} and error in response.json()["error"]


# Check a plan.

def test_check_page_report_and_downloads(client, tmp_path):
    import openpyxl

    response = upload(client, "/check")
    assert response.status_code == 200
    html = response.text
    assert "Errors to fix" in html and "mistakes-en.xlsx" in html
    for code in ("X251", "T183", "F131", "T161", "X281", "V061", "V082"):
        assert f'href="/rules/{code}"' in html
    assert html.count('class="finding sev-error"') == 10 and html.count('class="finding sev-warning"') == 9
    assert html.index("<h3>Goals") < html.index("<h3>Rhythm") < html.index("<h3>Budget")  # by sheet, in order
    assert 'id="chart-budget"' in html and 'id="chart-goals"' in html and 'id="chart-daily"' in html
    assert "100,000" in html  # the Cover budget, a key figure
    links = dict(re.findall(r'id="download-(\w+)" href="(/download/[A-Za-z0-9_-]{32}/\w+)"', html))
    assert set(links) == {"summary", "annotated", "json"}
    summary = client.get(links["summary"])
    assert summary.status_code == 200 and summary.headers["content-type"] == XLSX
    assert "mistakes-en-summary.xlsx" in summary.headers["content-disposition"]
    (tmp_path / "s.xlsx").write_bytes(summary.content)
    assert "Overview" in openpyxl.load_workbook(tmp_path / "s.xlsx").sheetnames
    annotated = client.get(links["annotated"])
    (tmp_path / "a.xlsx").write_bytes(annotated.content)
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert book["Budget"]["F6"].comment is not None
    report = client.get(links["json"]).json()
    assert keys(report) == keys(cli_findings(MISTAKES))
    assert report["file"] == "mistakes-en.xlsx"


def test_report_again_in_another_language(client):
    html = upload(client, "/check").text
    token = re.search(r'href="/download/([A-Za-z0-9_-]{32})/summary"', html).group(1)
    assert f'href="/report/{token}?lang=zh-CN"' in html
    again = client.get(f"/report/{token}", params={"lang": "zh-CN"})
    assert again.status_code == 200
    assert "有错误，需要修改" in again.text and "目标“GMV”没有出现在效果复盘表中。" in again.text
    client.cookies.clear()


def test_report_language_of_the_downloads(client, tmp_path):
    html = upload(client, "/check", data={"lang": "zh-TW", "today": "2026-03-20"}).text
    link = re.search(r'href="(/download/[A-Za-z0-9_-]{32}/json)"', html).group(1)
    report = client.get(link).json()
    assert report["findings"][0]["message"] == "目標「GMV」沒有出現在效果復盤表中。"


def test_check_form_errors_are_pages(client):
    assert "Choose a workbook file first." in client.post("/check", data={"lang": "en"}).text
    empty = upload(client, "/check", b"", name="plan.xlsx")
    assert empty.status_code == 422 and "The uploaded file is empty." in empty.text
    wrong = upload(client, "/check", b"a,b\n1,2\n", name="plan.csv")
    assert wrong.status_code == 422 and "Only .xlsx" in wrong.text
    csv = upload(client, "/check", b"a,b\n1,2\n", name="plan.xlsx")
    assert csv.status_code == 422 and "not an .xlsx workbook" in csv.text and "plan.xlsx" in csv.text
    bad_day = upload(client, "/check", data={"today": "soon"})
    assert bad_day.status_code == 422
    assert_still_works(client)


# The API.

def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.xlsx")), ids=lambda p: p.name)
def test_api_check_equals_the_cli_for_every_sample(client, sample):
    response = upload(client, "/api/check", sample, data={"today": "2026-03-20"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    api = response.json()
    cli = cli_findings(sample, "--today", "2026-03-20")
    assert keys(api) == keys(cli)
    assert [f["message"] for f in api["findings"]] == [f["message"] for f in cli["findings"]]
    assert api["valid"] == cli["valid"] and api["file"] == sample.name


def test_api_check_options(client):
    only = upload(client, "/api/check", data={"select": "T16,X", "ignore": "X28", "lang": "zh-CN"}).json()
    codes = {f["code"] for f in only["findings"]}
    assert codes and all(c.startswith(("T16", "X")) and not c.startswith("X28") for c in codes)
    assert keys(only) == keys(cli_findings(MISTAKES, "--select", "T16,X", "--ignore", "X28", "--lang", "zh-CN"))
    for data, error in (({"select": "Q9"}, "no rule matches"), ({"lang": "fr"}, "lang must be one of"),
                        ({"today": "2026-13-01"}, "not a date")):
        response = upload(client, "/api/check", data=data)
        assert response.status_code == 422 and error in response.json()["error"], data


def test_api_summary(client, tmp_path):
    import openpyxl

    response = upload(client, "/api/summary", SAMPLES / "consistent-zh-CN.xlsx")
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    assert "filename*=UTF-8''consistent-zh-CN-summary.xlsx" in response.headers["content-disposition"]
    (tmp_path / "s.xlsx").write_bytes(response.content)
    assert len(openpyxl.load_workbook(tmp_path / "s.xlsx").sheetnames) >= 5


@pytest.mark.parametrize("url", ["/api/check", "/api/summary"])
def test_api_upload_errors(client, url):
    cases = [
        (client.post(url, data={"lang": "en"}), 422, "Choose a workbook file"),
        (upload(client, url, b"", name="plan.xlsx"), 422, "empty"),
        (upload(client, url, b"a;b\n1;2\n", name="plan.xlsx"), 422, "plain text"),
        (upload(client, url, b"PK\x03\x04broken", name="plan.xlsx"), 422, "plan.xlsx"),
        (upload(client, url, b"x", name="notes.txt"), 422, "Only .xlsx"),
        (client.post(url, content=b"--x\r\nbroken", headers={"content-type": "multipart/form-data; boundary=x"}),
         422, "Choose a workbook file"),
    ]
    for response, status, text in cases:
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert set(body) == {"error"} and text in body["error"]
        assert "Traceback" not in response.text and "/jobs/" not in response.text
    assert_still_works(client)


def test_api_errors_are_json(client):
    assert client.get("/api/nothing").json() == {"error": "There is no such page."}
    wrong_method = client.get("/api/check")
    assert wrong_method.status_code == 405 and set(wrong_method.json()) == {"error"}
    page = client.get("/nothing")
    assert page.status_code == 404 and "There is no such page." in page.text


def test_a_zip_bomb_is_refused_cleanly(client, tmp_path):
    """xl/workbook.xml grown by 40 MB of spaces, zipped to about 40 KB: past the reader's
    max_ratio (200), as the hostile corpus's bomb is."""
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(MISTAKES) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                cut = data.index(b">") + 1  # after the root element's start tag
                data = data[:cut] + b" " * 40_000_000 + data[cut:]
            out.writestr(item.filename, data)
    assert bomb.stat().st_size < 500_000
    for url in ("/api/check", "/api/summary"):
        response = upload(client, url, bomb)
        assert response.status_code == 422
        assert "max_ratio" in response.json()["error"] and "bomb.xlsx" in response.json()["error"]
    page = upload(client, "/check", bomb)
    assert page.status_code == 422 and "max_ratio" in page.text
    assert_still_works(client)


# Escaping.

@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory):
    """mistakes-en with a daily-metrics channel named like a script (a finding quotes it) and a
    sheet named with markup."""
    import openpyxl

    folder = tmp_path_factory.mktemp("hostile")
    book = openpyxl.load_workbook(MISTAKES)
    book["Daily Metrics"]["B21"] = HOSTILE
    book["Rhythm"].title = "<b>Rhythm"
    path = folder / "hostile.xlsx"
    book.save(path)
    return path


def test_hostile_cell_text_shows_as_text(client, hostile_book):
    response = upload(client, "/check", hostile_book, name='<img src=x onerror="alert(1)">.xlsx')
    assert response.status_code == 200
    html = response.text
    assert HOSTILE not in html and "<b>Rhythm" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in html
    assert "<h3>&lt;b&gt;Rhythm" in html
    assert "&lt;img src=x onerror=" in html or "_img src=x onerror=" in html
    token = re.search(r'/download/([A-Za-z0-9_-]{32})/', html).group(1)
    again = client.get(f"/report/{token}", params={"lang": "zh-CN"}).text
    assert HOSTILE not in again and "&lt;script&gt;" in again
    client.cookies.clear()


def test_logs_one_line_per_request_without_cell_content(client, hostile_book):
    from promo_workbook.web.app import LOG

    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    LOG.addHandler(handler)
    try:
        upload(client, "/check", hostile_book)
        client.get("/rules")
    finally:
        LOG.removeHandler(handler)
    requests = [line for line in lines if re.match(r"^(GET|POST) /", line)]
    assert len(requests) == 2, lines
    assert re.match(r"^POST /check 200 \d+ms \d+B$", requests[0]) and int(requests[0].split()[-1][:-1]) > 10_000
    assert re.match(r"^GET /rules 200 \d+ms 0B$", requests[1])
    assert not any("pwned" in line or "script" in line for line in lines)


def test_the_log_shortens_tokens():
    from promo_workbook.web.app import _redact

    token = "A" * 6 + "b" * 26
    assert _redact(f"/download/{token}/summary") == "/download/AAAAAA…/summary"
    assert _redact(f"/report/{token}") == "/report/AAAAAA…"


# Tokens.

def test_unknown_and_malformed_tokens(client):
    for url in ("/report/" + "A" * 32, "/download/" + "A" * 32 + "/summary", "/download/short/json",
                "/download/" + "A" * 32 + "/%2E%2E%2Fmeta.json", "/report/..%2F..%2Fetc"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "expired or never existed" in response.text or "no such page" in response.text


def test_download_kind_must_be_known(client):
    html = upload(client, "/check").text
    token = re.search(r'/download/([A-Za-z0-9_-]{32})/', html).group(1)
    assert client.get(f"/download/{token}/page").status_code == 404
    assert client.get(f"/download/{token}/meta").status_code == 404
    assert client.get(f"/download/{token}/json").status_code == 200


def test_tokens_expire_and_their_files_go(tmp_path):
    with make_client(tmp_path, keep_minutes=0.05) as c:  # 3 s from when the report is ready
        response = upload(c, "/check")
        assert response.status_code == 200, response.text[-500:]
        html = response.text
        link = re.search(r'href="(/download/[A-Za-z0-9_-]{32}/summary)"', html).group(1)
        token = link.split("/")[2]
        folder = tmp_path / "jobs" / token
        assert folder.is_dir() and not (folder / "mistakes-en.xlsx").exists()  # the upload itself is not kept
        assert c.get(link).status_code == 200
        time.sleep(3.3)
        expired = c.get(link)
        assert expired.status_code == 404 and "expired" in expired.text
        assert not folder.exists()
        assert c.get(f"/report/{token}").status_code == 404


def test_api_jobs_leave_nothing_behind(tmp_path):
    with make_client(tmp_path) as c:
        upload(c, "/api/check")
        upload(c, "/api/summary")
        c.post("/api/new", json={})
        c.post("/new", data={})
        upload(c, "/api/check", b"", name="x.xlsx")
        time.sleep(0.2)  # background deletions after the response
        assert list((tmp_path / "jobs").iterdir()) == []


def test_the_sweep_at_start_up_removes_leftovers(tmp_path):
    from promo_workbook.web.store import Store

    store = Store(tmp_path, keep_seconds=60)
    store.prepare()
    old = store.create("check", now=time.time() - 3600)
    fresh = store.create("check")
    stray = tmp_path / "jobs" / "half-made"
    stray.mkdir()
    import os

    os.utime(stray, (time.time() - 7200, time.time() - 7200))
    with make_client(tmp_path, keep_minutes=1):
        pass
    assert not old.folder.exists() and not stray.exists() and fresh.folder.exists()
    assert oct((tmp_path / "jobs").stat().st_mode & 0o777) == "0o700"


# Limits: size, time, concurrency.

def test_over_size_uploads_get_413(tmp_path):
    with make_client(tmp_path, max_upload_bytes=100_000) as c:
        big = MISTAKES.read_bytes() + b"\0" * 100_000
        declared = upload(c, "/api/check", big, name="big.xlsx")  # refused by its Content-Length
        assert declared.status_code == 413
        assert declared.json() == {"error": "The file is too big: the limit is 100 KB."}
        page = upload(c, "/check", big, name="big.xlsx")
        assert page.status_code == 413 and "The file is too big" in page.text

        def stream():  # no Content-Length: counted as it comes
            body = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.xlsx\"\r\n"
                    b"Content-Type: application/octet-stream\r\n\r\n")
            yield body
            for _ in range(30):
                yield b"\0" * 10_000
            yield b"\r\n--b--\r\n"
        streamed = c.post("/api/check", content=stream(), headers={"content-type": "multipart/form-data; boundary=b"})
        assert streamed.status_code == 413 and set(streamed.json()) == {"error"}
        small_body = c.post("/api/new", content=b"{" + b" " * 70_000 + b"}", headers={"content-type": "application/json"})
        assert small_body.status_code == 413
        assert upload(c, "/api/check").status_code == 200  # the sample (about 60 KB) still fits
        assert list((tmp_path / "jobs").iterdir()) == []


def test_a_check_past_its_time_is_killed(tmp_path):
    with make_client(tmp_path, check_timeout_s=1, max_concurrent_checks=1) as c:
        pool = c.app.state.desk.pool
        c.portal.call(pool.close)
        pool.command = FAKE_WORKER + ["sleep"]
        started = time.monotonic()
        response = upload(c, "/api/check")
        assert time.monotonic() - started < 10
        assert response.status_code == 422
        assert response.json() == {"error": "The check ran past 1 s and was stopped: the file is too big or damaged."}
        page = upload(c, "/check")
        assert page.status_code == 422 and "ran past 1 s" in page.text
        pool.command = [sys.executable, "-m", "promo_workbook.web.worker"]
        c.portal.call(pool.close)
        pool.timeout = 60  # a check of the sample takes a fraction of a second, but not on a loaded machine
        assert_still_works(c)


def test_a_crashed_worker_is_replaced(tmp_path):
    with make_client(tmp_path, max_concurrent_checks=1) as c:
        pool = c.app.state.desk.pool
        c.portal.call(pool.close)
        pool.command = FAKE_WORKER + ["die"]
        response = upload(c, "/api/check")
        assert response.status_code == 422 and "stopped unexpectedly" in response.json()["error"]
        pool.command = [sys.executable, "-m", "promo_workbook.web.worker"]
        assert_still_works(c)


def test_busy_means_503_with_retry_after(tmp_path):
    import threading

    with make_client(tmp_path, check_timeout_s=4, max_concurrent_checks=1, max_queued_checks=0) as c:
        pool = c.app.state.desk.pool
        c.portal.call(pool.close)
        pool.command = FAKE_WORKER + ["sleep"]
        first = {}
        thread = threading.Thread(target=lambda: first.setdefault("r", upload(c, "/api/check")))
        thread.start()
        deadline = time.monotonic() + 5
        while not pool.full and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pool.full
        busy = upload(c, "/api/check")
        assert busy.status_code == 503
        assert int(busy.headers["retry-after"]) >= 1 and "Too many checks" in busy.json()["error"]
        page = upload(c, "/check")
        assert page.status_code == 503 and "retry-after" in page.headers
        thread.join(timeout=15)
        assert first["r"].status_code == 422  # the sleeper was killed at its timeout


def test_pool_queues_within_its_bound(tmp_path):
    """Two workers, a queue of four: six jobs at once all run; the seventh is refused."""
    import asyncio

    from promo_workbook.web.worker import Busy, WorkerPool

    async def scenario():
        pool = WorkerPool(2, 4, 10, command=FAKE_WORKER + ["echo"])
        await pool.start()
        try:
            results = await asyncio.gather(*(pool.run("check", {"n": n}) for n in range(6)))
            assert [r["args"]["n"] for r in results] == list(range(6))
            assert len({r["pid"] for r in results}) == 2
            slow = WorkerPool(1, 1, 3, command=FAKE_WORKER + ["sleep"])
            await slow.start()
            try:
                jobs = [asyncio.ensure_future(slow.run("check", {})) for _ in range(2)]
                await asyncio.sleep(0.3)
                with pytest.raises(Busy):
                    await slow.run("check", {})
                for job in jobs:
                    job.cancel()
            finally:
                await slow.close()
        finally:
            await pool.close()

    asyncio.run(scenario())


# Configuration and the command.

def test_shared_config_file(tmp_path):
    from fastapi.testclient import TestClient

    from promo_workbook.web import create_app

    config = tmp_path / "team.toml"
    config.write_text(f'[web]\nkeep_minutes = 5\nmax_concurrent_checks = 1\nwork_dir = "{tmp_path / "w"}"\n'
                      "[check]\nreserve_min = 0.2\n", encoding="utf-8")
    app = create_app(config)
    desk = app.state.desk
    assert desk.settings.keep_minutes == 5 and desk.settings.max_concurrent_checks == 1
    assert desk.settings.max_queued_checks == 4
    assert desk.check_config["check"]["reserve_min"] == 0.2
    with TestClient(app) as c:
        codes = {f["code"] for f in upload(c, "/api/check", SAMPLES / "consistent-en.xlsx").json()["findings"]}
        assert "T163" in codes  # a 10% reserve is now short of the 20% asked for
        assert "5 minutes" in c.get("/").text


@pytest.mark.parametrize("text, error", [
    ("[web]\nkeep_minute = 5\n", "web.keep_minute: unknown setting"),
    ("[web]\nmax_upload_bytes = -1\n", "web.max_upload_bytes: must be at least 1"),
    ("[web]\ncheck_timeout_s = \"long\"\n", "web.check_timeout_s: expected a number"),
    ("[web]\nmax_concurrent_checks = 1.5\n", "expected a whole number"),
    ("[web]\nkeep_minutes = 5\n[check]\nreserve_mn = 1\n", "check.reserve_mn: unknown setting"),
    ("web = 3\n", "web: expected a table"),
    ("[web\n", "not valid TOML")])
def test_bad_config_is_one_line(tmp_path, text, error):
    from promo_workbook.errors import UsageError
    from promo_workbook.web import create_app

    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        create_app(config)
    assert error in str(caught.value) and str(config) in str(caught.value)


def test_serve_refuses_a_bad_config(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[web]\nport = 1\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "promo_workbook", "serve", "--config", str(config), "--port", "0"],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "web.port: unknown setting" in out.stderr


def test_the_cli_does_not_import_the_web_stack():
    code = ("import sys; from promo_workbook import cli; from click.testing import CliRunner; "
            "r = CliRunner().invoke(cli.cli, ['--help']); assert 'serve' in r.output; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('fastapi', 'starlette', 'uvicorn', 'jinja2', 'multipart', 'python_multipart')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_worker_does_not_import_the_web_stack():
    code = ("import sys, promo_workbook.web.worker as w; w._warm_up(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette', 'uvicorn', 'jinja2')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# Small parts.

def test_words_have_every_language_and_the_same_placeholders():
    from string import Formatter

    from promo_workbook.web.i18n import LANGS, words

    for key, entry in words().entries.items():
        assert set(entry) == set(LANGS), key
        fields = {lang: {f for _, f, _, _ in Formatter().parse(text) if f} for lang, text in entry.items()}
        assert len({frozenset(f) for f in fields.values()}) == 1, (key, fields)


def test_every_word_used_exists():
    from promo_workbook.web.i18n import words

    used = set()
    for path in (ROOT / "promo_workbook" / "web").rglob("*"):
        if path.suffix in (".py", ".html"):
            used |= set(re.findall(r"""["']((?:app|nav|lang|footer|new|error|check|report|fig|chart|goal|severity|"""
                                   r"""family|rules)\.[a-z_.-]+)["']""", path.read_text(encoding="utf-8")))
    missing = {key for key in used if key not in words().entries and not key.endswith(".")
               and not key.endswith((".html", ".css", ".js", ".py", ".yaml"))}
    assert not missing


def test_content_disposition():
    from promo_workbook.web.forms import content_disposition, download_name, upload_name

    assert content_disposition("plan.xlsx") == "attachment; filename=\"plan.xlsx\"; filename*=UTF-8''plan.xlsx"
    assert content_disposition("春季 plan;\".xlsx") == (
        "attachment; filename=\"plan.xlsx\"; filename*=UTF-8''%E6%98%A5%E5%AD%A3%20plan%3B%22.xlsx")
    assert download_name("a/b\\c:d*e?f\"g<h>i|j\x01k") == "a b c d e f g h i j k.xlsx"
    assert download_name("  ") == "promo-plan.xlsx" and download_name("...") == "promo-plan.xlsx"
    assert upload_name("C:\\Users\\li\\计划.XLSX") == "计划.xlsx"
    assert upload_name("../../etc/passwd") is None and upload_name("x.xlsx.exe") is None
    assert upload_name("  .. .xlsx") == "plan.xlsx"


def test_engine_reads_a_config_with_web(tmp_path):
    from promo_workbook.web import engine
    from promo_workbook.web.config import read_toml

    config = tmp_path / "c.toml"
    config.write_text("[web]\nkeep_minutes = 1\n[limits]\nmax_cells = 5000\n[benchmarks]\n"
                      "phase_budget = {warmup = 0.3, burst = 0.4, sustain = 0.3}\n", encoding="utf-8")
    loaded = engine.load_check_config(config, read_toml(config))
    assert loaded["limits"]["max_cells"] == 5000
    assert loaded["benchmarks"]["phase_budget"] == {"warmup": 0.3, "burst": 0.4, "sustain": 0.3}
    assert engine.load_check_config(None)["check"]["reserve_min"] == 0.10


def test_one_config_file_serves_check_and_serve(tmp_path):
    """`check --config team.toml` accepts the [web] section that `serve` reads, and still
    refuses what it does not know."""
    import subprocess
    import sys

    config = tmp_path / "team.toml"
    config.write_text("[check]\nreserve_min = 0.12\n[web]\nkeep_minutes = 5\n", encoding="utf-8")
    sample = Path(__file__).resolve().parent.parent / "samples" / "consistent-en.xlsx"
    run = subprocess.run([sys.executable, "-m", "promo_workbook", "check", str(sample), "--config", str(config),
                          "--format", "json"], capture_output=True, text=True, timeout=120)
    assert run.returncode in (0, 1), run.stderr
    config.write_text("[web]\nkeep_minutes = 5\n[webb]\nx = 1\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "promo_workbook", "check", str(sample), "--config", str(config)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "webb: unknown setting" in run.stderr


def test_charts_from_figures():
    from promo_workbook.web import charts

    figures = {"budget": {"items": [{"key": "channel", "label": "Ads", "amount": 90.0, "share": 0.9},
                                    {"key": "reserve", "label": "Reserve", "amount": 10.0, "share": 0.1}]},
               "goals": [{"metric": "Sales", "achievement": 1.2, "status": "met"},
                         {"metric": "CAC", "achievement": None, "status": "pending"},
                         {"metric": "Huge", "achievement": 100.0, "status": "met"}],
               "days": [{"date": "2026-03-0%d" % d, "conversions": 10.0 * d, "target": 25.0} for d in range(1, 8)],
               "days_total": 9}
    budget = charts.budget_chart(figures)
    assert [b["tone"] for b in budget["bars"]] == ["plan", "reserve"]
    assert budget["bars"][0]["width"] > budget["bars"][1]["width"] * 8
    goals = charts.goals_chart(figures)
    assert goals["bars"][1]["width"] == 0 and goals["bars"][2]["width"] <= charts.WIDTH
    daily = charts.daily_chart(figures)
    assert len(daily["columns"]) == 7 and daily["target"] and daily["cut"]
    assert max(c["height"] for c in daily["columns"]) <= daily["bottom"]
    assert charts.budget_chart({}) is None and charts.daily_chart({"days": []}) is None
    assert charts.number(1234567.0) == "1,234,567" and charts.percent(0.1234) == "12.3%"
    assert charts.number(None) == "—"
