"""Email the summary through a real SMTP conversation: an in-process aiosmtpd server on
127.0.0.1, plain, STARTTLS (a throw-away CA's certificate, trusted through [mail] cafile) and
implicit TLS, with AUTH LOGIN and PLAIN; every failure a one-line error, exit code 2, and
nothing delivered to anyone."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import openpyxl
import pytest
from click.testing import CliRunner

from mail.plans import ROOT, SUBJECTS, checked, copy_sample
from mail.server import (HOST, PASSWORD, REFUSED, USER, Received, ca, closed_port, silent_server,  # noqa: F401
                         smtp_server)
from promo_workbook.cli import cli
from promo_workbook.mail import MailError
from promo_workbook.mail.message import Attachment, build_message
from promo_workbook.mail.send import send
from promo_workbook.mail.settings import MailSettings, one_address

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PW_VAR = "PROMO_WORKBOOK_TEST_SMTP_PW"


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env=env)


def write_config(folder, port, **keys):
    values = {"host": HOST, "port": port, "security": "none", "from": "Planning desk <desk@example.com>",
              "timeout_s": 5, **keys}
    lines = ["[mail]"] + [f"{k} = {json.dumps(v)}" for k, v in values.items() if v is not None]
    path = folder / "mail.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def one_line_error(result, *needles):
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("promo-workbook: error:")]
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


@pytest.fixture(scope="module")
def facts_and_summary(tmp_path_factory):
    from promo_workbook.mail import engine

    folder = tmp_path_factory.mktemp("smtp")
    plan = copy_sample(folder, "en")
    report, facts = checked(plan)
    return facts, engine.write_summary(report, plan, folder / "mistakes-en-summary.xlsx")


def quick_send(settings, facts_and_summary, to=("boss@example.com",), password=None):
    facts, summary = facts_and_summary
    sender = one_address("desk@example.com")
    recipients = [one_address(a) for a in to]
    msg = build_message(facts, to=recipients, sender=sender, attachments=[Attachment(summary)])
    return send(msg, settings, sender=sender, recipients=recipients, password=password)


# Delivered.

def test_summary_mail_to_delivers_subject_bodies_and_the_summary(tmp_path):
    plan = copy_sample(tmp_path)
    with smtp_server("plain") as server:
        config = write_config(tmp_path, server.port)
        result = run("summary", plan, "--mail-to", "Boss <boss@example.com>", "--mail-cc", "li@example.com",
                     "--config", config)
    assert result.exit_code == 0, result.output
    assert f"sent the summary to boss@example.com, li@example.com via {HOST}:{server.port}" in result.output
    (got,) = server.messages
    assert got.mail_from == "desk@example.com" and got.rcpt_tos == ["boss@example.com", "li@example.com"]
    msg = got.message
    assert msg["Subject"] == SUBJECTS["zh-CN"] == "春季新品上市推广活动 — 计划检查：10 个错误，9 个警告"
    assert msg["From"] == "Planning desk <desk@example.com>" and msg["To"] == "Boss <boss@example.com>"
    assert msg["Cc"] == "li@example.com" and msg["X-Unsent"] is None
    plain, html = msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()
    for body in (plain, html):
        assert "计划有 10 个错误需要修改" in body and "王敏" in body and "活动节奏!C6" in body
    (attachment,) = msg.iter_attachments()
    summary = tmp_path / "mistakes-zh-CN-summary.xlsx"
    assert attachment.get_content_type() == XLSX and attachment.get_filename() == summary.name
    assert attachment.get_content() == summary.read_bytes()
    copy = tmp_path / "received.xlsx"
    copy.write_bytes(attachment.get_content())
    book = openpyxl.load_workbook(copy)
    assert book.sheetnames[0] == "概览" and book.sheetnames[-1] == "检查结果"


def test_done_when_the_command_from_the_issue(tmp_path):
    """`promo-workbook summary samples/mistakes-zh-CN.xlsx --mail-to boss@example.com --config mail.toml`,
    as a separate process (on a copy of the sample: the summary is written beside it)."""
    (tmp_path / "samples").mkdir()
    copy_sample(tmp_path / "samples")
    with smtp_server("plain") as server:
        write_config(tmp_path, server.port)
        done = subprocess.run([sys.executable, "-m", "promo_workbook", "summary", "samples/mistakes-zh-CN.xlsx",
                               "--mail-to", "boss@example.com", "--config", "mail.toml"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert done.returncode == 0, done.stderr
        eml = subprocess.run([sys.executable, "-m", "promo_workbook", "summary", "samples/mistakes-zh-CN.xlsx",
                              "--mail-to", "boss@example.com", "--config", "mail.toml", "--eml", "draft.eml",
                              "--force"],  # the first run's summary is there: overwriting it is asked for
                             cwd=tmp_path, capture_output=True, text=True, timeout=120,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert eml.returncode == 0, eml.stderr
    (got,) = server.messages  # the draft was written, not sent
    sent, draft = got.message, Received("", [], (tmp_path / "draft.eml").read_bytes()).message
    assert sent["Subject"] == draft["Subject"] == SUBJECTS["zh-CN"]
    assert draft["X-Unsent"] == "1" and sent["X-Unsent"] is None and draft["To"] == sent["To"] == "boss@example.com"
    assert sent.get_body(("plain",)).get_content() == draft.get_body(("plain",)).get_content()
    summary = (tmp_path / "samples" / "mistakes-zh-CN-summary.xlsx").read_bytes()
    assert [a.get_content() for a in sent.iter_attachments()] == [summary]
    assert [a.get_content() for a in draft.iter_attachments()] == [summary]
    assert done.stderr.splitlines()[-1].startswith("sent the summary to boss@example.com")


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_tls_and_login(tmp_path, ca, monkeypatch, mode, mechanism):  # noqa: F811
    monkeypatch.setenv(PW_VAR, PASSWORD)
    plan = copy_sample(tmp_path, "zh-TW")
    exclude = ["PLAIN"] if mechanism == "LOGIN" else ["LOGIN"]
    with smtp_server(mode, ca=ca, auth=True, tmp_path=tmp_path, auth_exclude_mechanism=exclude) as server:
        config = write_config(tmp_path, server.port, security=mode, username=USER, password_env=PW_VAR,
                              cafile=server.cafile)
        result = run("summary", plan, "--mail-to", "boss@example.com", "--config", config)
    assert result.exit_code == 0, result.output
    assert server.logins == [(mechanism, True)]
    (got,) = server.messages
    assert got.message["Subject"] == SUBJECTS["zh-TW"]


def test_check_mails_the_summary_and_the_annotated_copy(tmp_path):
    plan = copy_sample(tmp_path, "en")
    with smtp_server("plain") as server:
        config = write_config(tmp_path, server.port)
        result = run("check", plan, "--config", config, "--mail-to", "boss@example.com", "--attach-annotated",
                     "--annotate", tmp_path / "marked.xlsx", "--mail-note", "Ready for Monday?")
    assert result.exit_code == 1, result.output  # the check's verdict: errors
    (got,) = server.messages
    msg = got.message
    assert msg["Subject"] == SUBJECTS["en"]
    assert "Ready for Monday?" in msg.get_body(("plain",)).get_content()
    attachments = list(msg.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["mistakes-en-summary.xlsx", "marked.xlsx"]
    assert attachments[1].get_content() == (tmp_path / "marked.xlsx").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mail.toml", "marked.xlsx", "mistakes-en.xlsx"]


def test_environment_alone_configures_the_server(tmp_path, monkeypatch):
    plan = copy_sample(tmp_path, "en")
    with smtp_server("plain") as server:
        env = {"PROMO_WORKBOOK_SMTP_HOST": HOST, "PROMO_WORKBOOK_SMTP_PORT": str(server.port),
               "PROMO_WORKBOOK_SMTP_SECURITY": "none", "PROMO_WORKBOOK_SMTP_FROM": "env@example.com"}
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        result = run("summary", plan, "--mail-to", "boss@example.com")
    assert result.exit_code == 0, result.output
    assert server.messages[0].mail_from == "env@example.com"


def test_login_without_tls_only_to_this_computer(tmp_path, monkeypatch, facts_and_summary):
    with smtp_server("plain", auth=True) as server:
        settings = MailSettings(host=HOST, port=server.port, security="none", username=USER, password_env=PW_VAR)
        settings.check_sendable(one_address("desk@example.com"), {PW_VAR: PASSWORD})
        assert quick_send(settings, facts_and_summary, password=PASSWORD) == ["boss@example.com"]
    assert server.logins == [("PLAIN", True)] and len(server.messages) == 1


def test_verify_false_accepts_an_untrusted_certificate(facts_and_summary, ca):  # noqa: F811
    with smtp_server("starttls", ca=ca) as server:
        settings = MailSettings(host=HOST, port=server.port, security="starttls", verify=False)
        quick_send(settings, facts_and_summary)
    assert len(server.messages) == 1


# Failures: one line, exit code 2, nothing delivered.

def test_server_down(tmp_path):
    plan = copy_sample(tmp_path)
    config = write_config(tmp_path, closed_port())
    one_line_error(run("summary", plan, "--mail-to", "boss@example.com", "--config", config),
                   "cannot connect to the SMTP server 127.0.0.1:", "connection refused", "nothing was sent")


def test_timeout(tmp_path, facts_and_summary):
    with silent_server() as port:
        started = time.monotonic()
        with pytest.raises(MailError, match=r"did not answer within 0.5 s \(\[mail\] timeout_s\)") as info:
            quick_send(MailSettings(host=HOST, port=port, security="none", timeout_s=0.5), facts_and_summary)
        assert time.monotonic() - started < 5 and info.value.kind == "timeout"
        plan = copy_sample(tmp_path)
        config = write_config(tmp_path, port, timeout_s=0.5)
        one_line_error(run("summary", plan, "--mail-to", "boss@example.com", "--config", config),
                       "did not answer within 0.5 s")


def test_wrong_password(tmp_path, ca, monkeypatch):  # noqa: F811
    monkeypatch.setenv(PW_VAR, "hunter2-not-it")
    plan = copy_sample(tmp_path)
    with smtp_server("starttls", ca=ca, auth=True, tmp_path=tmp_path) as server:
        config = write_config(tmp_path, server.port, security="starttls", username=USER, password_env=PW_VAR,
                              cafile=server.cafile)
        line = one_line_error(run("summary", plan, "--mail-to", "boss@example.com", "--config", config),
                              "refused the login for planner", "535", f"check the password in {PW_VAR}")
    assert "hunter2" not in line and server.messages == []
    assert server.logins and all(not ok for _, ok in server.logins)


def test_recipient_refused_sends_to_no_one(tmp_path):
    plan = copy_sample(tmp_path)
    with smtp_server("plain") as server:
        config = write_config(tmp_path, server.port)
        one_line_error(run("summary", plan, "--mail-to", f"boss@example.com,{REFUSED}", "--mail-cc", "li@example.com",
                           "--config", config),
                       f"refused the recipient {REFUSED}: 550", "nothing was sent to anyone")
    assert server.messages == []


def test_oversize_attachment(tmp_path):
    plan = copy_sample(tmp_path)
    with smtp_server("plain") as server:
        config = write_config(tmp_path, server.port, max_attachment_bytes=5000)
        one_line_error(run("summary", plan, "--mail-to", "boss@example.com", "--config", config),
                       "over [mail] max_attachment_bytes (5 KB)", "nothing was sent")
    assert server.messages == []


def test_message_over_the_servers_size(facts_and_summary):
    with smtp_server("plain", data_size_limit=20_000) as server:
        with pytest.raises(MailError, match=r"the SMTP server .* takes at most 20 KB; nothing was sent"):
            quick_send(MailSettings(host=HOST, port=server.port, security="none"), facts_and_summary)
    assert server.messages == []


def test_untrusted_certificate_is_a_tls_failure(tmp_path, ca):  # noqa: F811
    plan = copy_sample(tmp_path)
    with smtp_server("starttls", ca=ca) as server:
        config = write_config(tmp_path, server.port, security="starttls")  # no cafile: the test CA is unknown
        one_line_error(run("summary", plan, "--mail-to", "boss@example.com", "--config", config),
                       "TLS with 127.0.0.1:", "certificate could not be verified", "[mail] cafile")
    assert server.messages == []


def test_ssl_to_a_plain_server_is_a_tls_failure(facts_and_summary):
    with smtp_server("plain") as server:
        with pytest.raises(MailError, match="TLS with 127.0.0.1:.* failed") as info:
            quick_send(MailSettings(host=HOST, port=server.port, security="ssl", timeout_s=5), facts_and_summary)
    assert info.value.kind == "tls" and server.messages == []


def test_starttls_never_falls_back_to_plain_text(facts_and_summary):
    with smtp_server("plain") as server:
        with pytest.raises(MailError, match="does not offer STARTTLS"):
            quick_send(MailSettings(host=HOST, port=server.port, security="starttls"), facts_and_summary)
    assert server.messages == []


def test_bad_cafile_is_one_line(tmp_path, facts_and_summary):
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate")
    with pytest.raises(MailError, match=r"\[mail\] cafile .*: cannot load the certificates"):
        quick_send(MailSettings(host=HOST, port=closed_port(), security="ssl", cafile=str(bad)), facts_and_summary)
