"""Email the summary, without a server: settings, addresses, the message (subject, bodies,
attachments with UTF-8 names), hostile text, the --eml draft, and the errors raised before any
work. SMTP itself is in test_mail_smtp.py, the web form in test_web_mail.py."""
from __future__ import annotations

import email.parser
import email.policy
import json
import re
import string
from email.headerregistry import Address
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from mail.plans import (HOSTILE_CAMPAIGN, HOSTILE_CELL, HOSTILE_OWNER, SUBJECTS, checked, copy_sample,
                        hostile_plan)
from promo_workbook.cli import cli
from promo_workbook.errors import UsageError
from promo_workbook.mail import MailError, parse_addresses, settings_from
from promo_workbook.mail.message import Attachment, build_message, subject
from promo_workbook.mail.settings import MailSettings, clean_text, one_address

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LANGS = ("zh-CN", "zh-TW", "en")
BOSS = Address("Boss", "boss", "example.com")
ME = Address("王敏", "wang", "example.com")


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env=env)


def parse(raw: bytes):
    return email.parser.BytesParser(policy=email.policy.default).parsebytes(raw)


def one_line_error(result, *needles):
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("promo-workbook: error:")]
    assert len(errors) == 1, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


@pytest.fixture(scope="module")
def zh(tmp_path_factory):
    """The zh-CN mistakes sample, checked, with its summary written beside it."""
    folder = tmp_path_factory.mktemp("zh")
    plan = copy_sample(folder, "zh-CN")
    report, facts = checked(plan)
    from promo_workbook.mail import engine

    summary = engine.write_summary(report, plan, folder / "mistakes-zh-CN-summary.xlsx")
    return report, facts, summary


# Words.

def test_every_word_has_three_languages_with_the_same_placeholders():
    from promo_workbook.spec import Text
    from promo_workbook.summary.words import words

    def leaves(node, path=""):
        for key, value in node.items():
            yield from leaves(value, f"{path}.{key}") if isinstance(value, dict) else [(f"{path}.{key}", value)]

    mail = list(leaves(words().get("mail")))
    assert len(mail) > 30
    for key, entry in mail:
        assert isinstance(entry, Text), key
        fields = {lang: {f for _, f, _, _ in string.Formatter().parse(entry(lang)) if f} for lang in LANGS}
        assert fields["zh-CN"] == fields["zh-TW"] == fields["en"], key


# Addresses.

@pytest.mark.parametrize("text, addr, name", [
    ("boss@example.com", "boss@example.com", ""),
    ("  Boss <boss@example.com> ", "boss@example.com", "Boss"),
    ("王经理 <wang.jl+plans@mail.example.cn>", "wang.jl+plans@mail.example.cn", "王经理"),
    ("<a@b.io>", "a@b.io", ""),
    ("x@bücher.example", "x@xn--bcher-kva.example", ""),
])
def test_good_addresses(text, addr, name):
    address = one_address(text)
    assert address.addr_spec == addr and address.display_name == name


@pytest.mark.parametrize("text", [
    "boss", "boss@", "@example.com", "boss@example", "boss@@example.com", "boss@-x.com", "a b@example.com",
    "boss@example.com\r\nBcc: evil@example.com", "Boss <boss@example.com", "boss@example.com>", "x..y@example.com",
    "老板@example.com", "boss@exa_mple.com", "\x00@example.com",
])
def test_bad_addresses_are_one_line_errors(text):
    with pytest.raises(UsageError) as info:
        parse_addresses([text], "--mail-to")
    assert "\n" not in str(info.value) and "\r" not in str(info.value)
    assert str(info.value).startswith("--mail-to: ")


def test_several_addresses_split_on_commas_and_semicolons_and_repeat_once():
    addresses = parse_addresses(["a@example.com, B <b@example.com>;c@example.com", "A@example.com，d@example.com"])
    assert [a.addr_spec for a in addresses] == ["a@example.com", "b@example.com", "c@example.com", "d@example.com"]
    with pytest.raises(UsageError, match="at most 2"):
        parse_addresses(["a@example.com,b@example.com,c@example.com"], limit=2)


# Settings.

def test_defaults_and_ports():
    settings = settings_from(None, {})
    assert (settings.security, settings.verify, settings.max_attachment_bytes, settings.section) == \
        ("starttls", True, 20_000_000, False)
    assert settings.effective_port == 587
    assert settings_from({"security": "ssl"}, {}).effective_port == 465
    assert settings_from({"security": "none", "port": 2525}, {}).effective_port == 2525


def test_the_config_file_mail_section(tmp_path):
    from promo_workbook.mail import engine

    config = tmp_path / "team.toml"
    config.write_text('[check]\nreserve_min = 0.1\n[mail]\nhost = "smtp.example.com"\nport = 2525\n'
                      'security = "ssl"\nusername = "planner"\npassword_env = "MY_SMTP_PASS"\n'
                      'from = "Desk <desk@example.com>"\ntimeout_s = 5\nverify = false\n'
                      'max_attachment_bytes = 1_000\nweb_allowed_domains = ["example.com"]\n'
                      '[web]\nkeep_minutes = 5\n', encoding="utf-8")
    loaded = engine.load_config(config)
    settings = settings_from(engine.mail_table(loaded), {}, str(config))
    assert settings == MailSettings(host="smtp.example.com", port=2525, security="ssl", username="planner",
                                    password_env="MY_SMTP_PASS", sender="Desk <desk@example.com>", timeout_s=5.0,
                                    verify=False, max_attachment_bytes=1000, web_allowed_domains=("example.com",),
                                    section=True)
    assert settings.password({"MY_SMTP_PASS": "pw"}) == "pw"


@pytest.mark.parametrize("table, message", [
    ({"password": "hunter2"}, "mail.password: unknown setting"),
    ({"security": "tls"}, "mail.security: expected one of starttls, ssl, none"),
    ({"port": 0}, "mail.port: must be from 1 to 65535"),
    ({"port": "25"}, "mail.port: expected a number"),
    ({"verify": "no"}, "mail.verify: expected true or false"),
    ({"password_env": "my password"}, "mail.password_env: expected the name of an environment variable"),
    ({"from": "not an address"}, "mail.from: 'not an address' is not an email address"),
    ({"host": "smtp.example.com\r\nX: y"}, "mail.host: holds control characters"),
    ({"cafile": "/nonexistent/ca.pem"}, "mail.cafile: /nonexistent/ca.pem: no such file"),
    ({"web_allowed_domains": "example.com"}, "mail.web_allowed_domains: expected a list"),
])
def test_bad_settings_are_one_line_errors(table, message):
    with pytest.raises(UsageError) as info:
        settings_from(table, {}, "team.toml")
    assert str(info.value).startswith("team.toml: ") and message in str(info.value)


@pytest.mark.parametrize("key, value, field, expected", [
    ("HOST", "smtp.corp.example", "host", "smtp.corp.example"), ("PORT", "2525", "port", 2525),
    ("SECURITY", "SSL", "security", "ssl"), ("USERNAME", "me", "username", "me"),
    ("PASSWORD_ENV", "CORP_PW", "password_env", "CORP_PW"), ("FROM", "a@example.com", "sender", "a@example.com"),
    ("TIMEOUT_S", "2.5", "timeout_s", 2.5), ("VERIFY", "false", "verify", False), ("VERIFY", "1", "verify", True),
    ("MAX_ATTACHMENT_BYTES", "5_000_000", "max_attachment_bytes", 5_000_000),
    ("WEB_PER_REPORT", "1", "web_per_report", 1), ("WEB_PER_HOUR", "7", "web_per_hour", 7),
    ("WEB_ALLOWED_DOMAINS", "example.com, corp.example", "web_allowed_domains", ("example.com", "corp.example")),
])
def test_environment_overrides_each_key(key, value, field, expected):
    settings = settings_from({"host": "smtp.example.com", "port": 587}, {"PROMO_WORKBOOK_SMTP_" + key: value})
    assert getattr(settings, field) == expected


def test_cafile_from_environment(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    assert settings_from({}, {"PROMO_WORKBOOK_SMTP_CAFILE": str(ca)}).cafile == str(ca)
    with pytest.raises(UsageError, match="environment variable PROMO_WORKBOOK_SMTP_PORT: expected a number"):
        settings_from({}, {"PROMO_WORKBOOK_SMTP_PORT": "smtp"})


def test_what_cannot_send_is_refused_before_any_work():
    me = one_address("me@example.com")
    with pytest.raises(UsageError, match="no SMTP server"):
        MailSettings().check_sendable(me, {})
    with pytest.raises(UsageError, match="no sender"):
        MailSettings(host="smtp.example.com").check_sendable(None, {})
    with pytest.raises(UsageError, match="environment variable PROMO_WORKBOOK_SMTP_PASSWORD"):
        MailSettings(host="smtp.example.com", username="me").check_sendable(me, {})
    with pytest.raises(UsageError, match="unencrypted"):
        MailSettings(host="smtp.example.com", username="me", security="none").check_sendable(
            me, {"PROMO_WORKBOOK_SMTP_PASSWORD": "pw"})
    MailSettings(host="127.0.0.1", username="me", security="none").check_sendable(
        me, {"PROMO_WORKBOOK_SMTP_PASSWORD": "pw"})  # a login on this computer may go without TLS


# The message.

@pytest.mark.parametrize("lang", LANGS)
def test_subject_names_the_campaign_and_the_counts(lang):
    from mail.plans import SAMPLES

    _, facts = checked(SAMPLES / f"mistakes-{lang}.xlsx")
    assert subject(facts, lang) == SUBJECTS[lang]


def test_subject_without_errors_or_campaign():
    facts = {"file": "plan.xlsx", "counts": {"error": 0, "warning": 0, "info": 2}, "cover": {}}
    assert subject(facts, "zh-CN") == "plan.xlsx — 计划检查：通过，没有错误或警告"
    facts["counts"] = {"error": 1, "warning": 1}
    assert subject(facts, "en") == "plan.xlsx — plan check: 1 error, 1 warning"


def test_the_message_structure_bodies_and_attachment(zh):
    report, facts, summary = zh
    msg = build_message(facts, to=[BOSS], cc=[one_address("cc@example.com")], sender=ME,
                        attachments=[Attachment(summary)], note="请审阅。\n谢谢")
    raw = msg.as_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    back = parse(raw)
    assert back["Subject"] == SUBJECTS["zh-CN"]
    assert back["To"] == "Boss <boss@example.com>" and back["Cc"] == "cc@example.com"
    assert back["From"].addresses[0].display_name == "王敏" and back["From"].addresses[0].addr_spec == "wang@example.com"
    assert back["Content-Language"] == "zh-CN" and back["Message-ID"].endswith("@example.com>")
    assert back["X-Unsent"] is None and back["Date"]
    assert back.get_content_type() == "multipart/mixed"
    alternative, attachment = back.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.get_payload()] == ["text/plain", "text/html"]
    plain = back.get_body(("plain",)).get_content()
    html = back.get_body(("html",)).get_content()
    for text in (plain, html):
        assert "计划有 10 个错误需要修改" in text and "错误 10 · 警告 9 · 提示 3" in text
        assert "2026-03-01 – 2026-03-15" in text and "王敏" in text and "100,000 CNY" in text
        assert "3 / 4" in text and "111.7%" in text and "98,000 CNY" in text and "10.2%" in text
        assert "10,500" in text and "活动节奏!C6" in text and "照原样就是 320%" in text
        assert "请审阅。" in text and "其余 12 条见附件的“检查结果”工作表。" in text
        assert "ROI" not in text  # no revenue reviewed: no ROI
    assert plain.count("\n  1") >= 1 and "  10. [错误] 效果复盘!E6" in plain
    assert attachment.get_content_type() == XLSX
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "mistakes-zh-CN-summary.xlsx"
    assert attachment.get_content() == summary.read_bytes()


def test_the_attachment_reopens_as_the_summary(zh, tmp_path):
    _, facts, summary = zh
    back = parse(build_message(facts, to=[BOSS], sender=ME, attachments=[Attachment(summary)]).as_bytes())
    copy = tmp_path / "attached.xlsx"
    copy.write_bytes(next(back.iter_attachments()).get_content())
    ours, theirs = openpyxl.load_workbook(copy), openpyxl.load_workbook(summary)
    assert ours.sheetnames == theirs.sheetnames
    for a, b in zip(ours.worksheets, theirs.worksheets):
        assert [[c.value for c in row] for row in a.iter_rows()] == [[c.value for c in row] for row in b.iter_rows()]


@pytest.mark.parametrize("name", ["春季新品上市推广活动-总结.xlsx", "春季新品上市推廣活動-總結.xlsx",
                                  "Café — spring launch summary (final).xlsx"])
def test_non_ascii_attachment_names_use_rfc_2231(zh, tmp_path, name):
    _, facts, summary = zh
    path = tmp_path / name
    path.write_bytes(summary.read_bytes())
    raw = build_message(facts, to=[BOSS], sender=ME, attachments=[Attachment(path)]).as_bytes()
    assert re.search(rb"filename\*(0\*)?=utf-8''", raw)
    assert name.encode("utf-8") not in raw  # never raw 8-bit in a header
    attachment = next(parse(raw).iter_attachments())
    assert attachment.get_filename() == name and attachment.get_content_type() == XLSX


def test_the_annotated_copy_is_the_second_attachment(zh, tmp_path):
    _, facts, summary = zh
    annotated = tmp_path / "plan-checked.xlsm"
    annotated.write_bytes(b"PK fake")
    back = parse(build_message(facts, to=[BOSS], sender=ME, attachments=[
        Attachment(summary), Attachment(annotated, "annotated")]).as_bytes())
    names = [(a.get_filename(), a.get_content_type()) for a in back.iter_attachments()]
    assert names == [("mistakes-zh-CN-summary.xlsx", XLSX),
                     ("plan-checked.xlsm", "application/vnd.ms-excel.sheet.macroenabled.12")]
    assert "批注版" in back.get_body(("plain",)).get_content()


def test_oversize_attachments_are_refused(zh):
    _, facts, summary = zh
    size = summary.stat().st_size
    with pytest.raises(MailError, match=r"over \[mail\] max_attachment_bytes") as info:
        build_message(facts, to=[BOSS], sender=ME, attachments=[Attachment(summary)], max_attachment_bytes=size - 1)
    assert info.value.kind == "size"
    with pytest.raises(MailError, match="the attachments come to"):
        build_message(facts, to=[BOSS], sender=ME, attachments=[Attachment(summary), Attachment(summary)],
                      max_attachment_bytes=size + 1)


def test_facts_are_plain_json(zh):
    _, facts, _ = zh
    assert json.loads(json.dumps(facts)) == facts
    assert facts["counts"] == {"error": 10, "warning": 9, "info": 3} and len(facts["findings"]) == 10
    assert [f["severity"] for f in facts["findings"]][:9] == ["error"] * 9


# Hostile text.

def test_hostile_plan_text_never_reaches_a_header_or_the_html_unescaped(tmp_path):
    report, facts = checked(hostile_plan(tmp_path))
    assert "\n" in facts["cover"]["campaign"]  # the reader keeps the line break; the message must not
    msg = build_message(facts, to=[BOSS], sender=ME, note='<script>alert("note")</script>\r\nBcc: x@example.com')
    raw = msg.as_bytes()
    back = parse(raw)
    assert back["Bcc"] is None and "evil@example.com" not in [a.addr_spec for h in ("To", "Cc", "From")
                                                            for a in (back[h].addresses if back[h] else ())]
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert not re.search(r"^Bcc:", head, re.MULTILINE | re.IGNORECASE)
    assert back["Subject"] == 'Spring Bcc: evil@example.com <script>alert("c")</script> — plan check: 10 errors, ' \
                              '9 warnings'
    html = back.get_body(("html",)).get_content()
    for hostile in (HOSTILE_CAMPAIGN.split("\r\n")[-1], HOSTILE_OWNER, HOSTILE_CELL, '<script>alert("note")'):
        assert hostile not in html
    assert "&lt;script&gt;alert(&quot;c&quot;)&lt;/script&gt;" in html
    assert "&lt;b onmouseover=&quot;steal()&quot;&gt;Wang&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt;" in html
    assert re.findall(r"<script|<img|<b ", html) == []
    plain = back.get_body(("plain",)).get_content()
    assert HOSTILE_OWNER in plain  # the plain body shows the text as typed, on its own lines


def test_control_characters_never_reach_a_header():
    facts = {"file": "a\r\nb.xlsx", "counts": {"error": 1}, "cover": {"campaign": "x\r\nBcc: evil@example.com\x00\u2028"}}
    msg = build_message(facts, to=[BOSS], sender=ME)
    assert msg["Subject"] == "x Bcc: evil@example.com — plan check: 1 error, 0 warnings"
    assert clean_text("a\u202eb\tc\x85d") == "a b c d"


# The command line: --eml drafts, and errors before any work.

@pytest.mark.parametrize("lang, name", [("zh-CN", "春季计划.xlsx"), ("zh-TW", "春季計劃.xlsx"), ("en", "Plan für März.xlsx")])
def test_eml_draft_in_every_language(tmp_path, lang, name):
    plan = copy_sample(tmp_path, lang, name)
    eml = tmp_path / "draft.eml"
    result = run("summary", plan, "--mail-to", "boss@example.com", "--mail-from", "Me <me@example.com>", "--eml", eml)
    assert result.exit_code == 0, result.output
    assert f"wrote {eml}" in result.output
    back = parse(eml.read_bytes())
    assert back["X-Unsent"] == "1" and back["Subject"] == SUBJECTS[lang] and back["To"] == "boss@example.com"
    assert back.get_body(("plain",)).get_content() and back.get_body(("html",)).get_content().startswith("<!DOCTYPE")
    summary = plan.with_name(plan.stem + "-summary.xlsx")
    attachment = next(back.iter_attachments())
    assert attachment.get_filename() == summary.name
    assert attachment.get_content() == summary.read_bytes()


def test_eml_needs_no_server_or_recipient(tmp_path):
    plan = copy_sample(tmp_path)
    result = run("summary", plan, "--eml", tmp_path / "d.eml", "--attach-annotated", "-o", tmp_path / "s.xlsx")
    assert result.exit_code == 0, result.output
    back = parse((tmp_path / "d.eml").read_bytes())
    assert back["To"] is None and back["From"] is None and back["X-Unsent"] == "1"
    assert [a.get_filename() for a in back.iter_attachments()] == ["s.xlsx", "mistakes-zh-CN-checked.xlsx"]
    assert not list(tmp_path.glob("*-checked.xlsx"))  # made for the email only, in a temporary folder


def test_check_writes_a_draft_next_to_its_report(tmp_path):
    plan = copy_sample(tmp_path, "en")
    result = run("check", plan, "--format", "json", "--eml", tmp_path / "d.eml", "--mail-note", "Please look")
    assert result.exit_code == 1  # the check's own exit code: errors found
    assert json.loads(result.stdout)["stats"]["errors"] == 10
    back = parse((tmp_path / "d.eml").read_bytes())
    assert "Please look" in back.get_body(("plain",)).get_content()
    assert [a.get_filename() for a in back.iter_attachments()] == ["mistakes-en-summary.xlsx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.eml", "mistakes-en.xlsx"]


@pytest.mark.parametrize("args, needle", [
    (["--mail-to", "boss@"], "--mail-to: 'boss@' is not an email address"),
    (["--mail-to", "boss@example.com", "--mail-cc", "x"], "--mail-cc: 'x' is not an email address"),
    (["--mail-to", "boss@example.com", "--mail-from", "me"], "--mail-from: 'me' is not an email address"),
    (["--mail-cc", "a@example.com"], "--mail-cc needs --mail-to"),
    (["--attach-annotated"], "--attach-annotated needs --mail-to"),
    (["--mail-to", "boss@example.com"], "no SMTP server"),
    (["--eml", "draft.txt"], "name it *.eml"),
    (["--eml", "nofolder/d.eml"], "folder nofolder does not exist"),
    (["--mail-to", "boss@example.com", "--mail-note", "x" * 2001], "--mail-note: 2001 characters; at most 2000"),
])
def test_mail_mistakes_are_caught_before_any_work(tmp_path, monkeypatch, args, needle):
    monkeypatch.chdir(tmp_path)
    plan = copy_sample(tmp_path)
    for command in (["summary", plan], ["check", plan, "--summary", "s.xlsx"]):
        one_line_error(run(*command, *args), needle)
    assert sorted(p.name for p in tmp_path.iterdir()) == [plan.name]  # nothing written: no work was done


def test_password_variable_must_be_set_before_any_work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PROMO_WORKBOOK_SMTP_PASSWORD", raising=False)
    plan = copy_sample(tmp_path)
    config = tmp_path / "mail.toml"
    config.write_text('[mail]\nhost = "smtp.example.com"\nusername = "me"\nfrom = "me@example.com"\n')
    one_line_error(run("summary", plan, "--mail-to", "boss@example.com", "--config", config),
                   "put the SMTP password in the environment variable PROMO_WORKBOOK_SMTP_PASSWORD")
    assert not Path(tmp_path / "mistakes-zh-CN-summary.xlsx").exists()


def test_attach_annotated_needs_an_xlsx(tmp_path):
    plan = tmp_path / "plan.ods"
    plan.write_bytes(b"not really")
    one_line_error(run("summary", plan, "--eml", tmp_path / "d.eml", "--attach-annotated", "-o", tmp_path / "s.xlsx"),
                   "--attach-annotated needs an .xlsx or .xlsm workbook")


def test_oversize_summary_is_one_line_and_no_draft(tmp_path):
    plan = copy_sample(tmp_path)
    config = tmp_path / "mail.toml"
    config.write_text("[mail]\nmax_attachment_bytes = 1000\n")
    result = run("summary", plan, "--eml", tmp_path / "d.eml", "--config", config)
    one_line_error(result, "mistakes-zh-CN-summary.xlsx is", "over [mail] max_attachment_bytes (1 KB)", "nothing was sent")
    assert not (tmp_path / "d.eml").exists()
