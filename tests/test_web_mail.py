"""The report page's "Email this summary" form (web/mailform.py) against an in-process SMTP
server on 127.0.0.1: shown only with [mail], sends the very message of `summary --mail-to`,
escapes what the visitor typed, refuses bad addresses, limits how much it sends, and never
shows the server's address in an error."""
from __future__ import annotations

import dataclasses
import json
import re

import pytest

from mail.plans import SAMPLES, SUBJECTS, checked
from mail.server import HOST, REFUSED, Received, closed_port, smtp_server
from web import requires_web

pytestmark = [requires_web,
              pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient` is deprecated")]

PLAN = SAMPLES / "mistakes-zh-CN.xlsx"
HOSTILE = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def server():
    with smtp_server("plain") as running:
        yield running


def config_file(folder, port, **mail):
    table = {"host": HOST, "port": port, "security": "none", "from": "Planning desk <desk@example.com>",
             "timeout_s": 5, "web_per_report": 20, **mail}
    path = folder / "team.toml"
    path.write_text(f'[web]\nwork_dir = "{folder / "work"}"\nmax_concurrent_checks = 1\n[mail]\n'
                    + "".join(f"{k} = {json.dumps(v)}\n" for k, v in table.items()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client(tmp_path_factory, server):
    from fastapi.testclient import TestClient

    from promo_workbook.web import create_app

    folder = tmp_path_factory.mktemp("desk")
    with TestClient(create_app(str(config_file(folder, server.port)))) as c:
        yield c


@pytest.fixture
def fresh(client, server):
    """The desk's mail settings as configured, and an empty mailbox, for each test."""
    desk = client.app.state.desk
    settings = desk.mail.settings
    server.messages.clear()
    yield desk
    desk.mail.settings = settings
    desk.mail.sent.clear()
    client.cookies.clear()


def upload(client, path=PLAN, **params):
    response = client.post("/check", files={"file": (path.name, path.read_bytes())}, params=params)
    assert response.status_code == 200, response.text[:500]
    token = re.search(r'/download/([A-Za-z0-9_-]{32})/summary', response.text).group(1)
    return token, response.text


def mail(client, token, **form):
    return client.post(f"/report/{token}/mail", data=form, follow_redirects=False)


def test_the_form_is_on_the_report_page(client, fresh):
    token, html = upload(client, lang="en")
    assert 'id="mail-form"' in html and f'action="/report/{token}/mail"' in html
    assert "Planning desk &lt;desk@example.com&gt;" in html
    assert 'name="annotated"' in html
    assert not re.search(r"\sstyle=|<style|\son[a-z]+=", html)


def test_no_form_without_a_mail_section(tmp_path):
    from fastapi.testclient import TestClient

    from promo_workbook.web import create_app
    from promo_workbook.web.config import WebSettings

    with TestClient(create_app(WebSettings(work_dir=str(tmp_path), max_concurrent_checks=1))) as c:
        token, html = upload(c)
        assert 'id="mail-form"' not in html and 'id="mail"' not in html
        assert mail(c, token, to="boss@example.com").status_code == 404


def test_sends_the_same_message_as_the_command_line(client, fresh, server):
    token, _ = upload(client)
    note = f"请看一下 {HOSTILE}\r\nBcc: evil@example.com"
    response = mail(client, token, to="Boss <boss@example.com>", cc="li@example.com", note=note, annotated="1")
    assert response.status_code == 303 and response.headers["location"] == f"/report/{token}#mail"
    (got,) = server.messages
    assert got.mail_from == "desk@example.com" and got.rcpt_tos == ["boss@example.com", "li@example.com"]
    msg = got.message
    assert msg["Subject"] == SUBJECTS["zh-CN"] and msg["Bcc"] is None
    assert msg["To"] == "Boss <boss@example.com>" and msg["Cc"] == "li@example.com"
    attachments = list(msg.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["mistakes-zh-CN-summary.xlsx", "mistakes-zh-CN-checked.xlsx"]
    assert attachments[0].get_content() == client.get(f"/download/{token}/summary").content
    assert attachments[1].get_content() == client.get(f"/download/{token}/annotated").content
    # The same words as the command line's message for the same plan and note.
    from email.headerregistry import Address

    from promo_workbook.mail.message import Attachment, build_message

    _, facts = checked(PLAN)
    cli = build_message(facts, to=[Address("Boss", "boss", "example.com")], note=note,
                        attachments=[Attachment(SAMPLES / "mistakes-zh-CN.xlsx", "summary",
                                                "mistakes-zh-CN-summary.xlsx"),
                                     Attachment(SAMPLES / "mistakes-zh-CN.xlsx", "annotated",
                                                "mistakes-zh-CN-checked.xlsx")],
                        max_attachment_bytes=10 ** 8)
    cli = Received("", [], cli.as_bytes()).message  # as it travels
    assert msg.get_body(("plain",)).get_content() == cli.get_body(("plain",)).get_content()
    assert msg.get_body(("html",)).get_content() == cli.get_body(("html",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert HOSTILE not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    page = client.get(f"/report/{token}", params={"lang": "zh-CN"}).text
    assert 'id="mail-sent"' in page and "已发送给 boss@example.com, li@example.com" in page


def test_bad_addresses_are_refused_and_echoed_escaped(client, fresh, server):
    token, _ = upload(client, lang="en")
    response = mail(client, token, to=f"boss@example.com, {HOSTILE}", note=HOSTILE)
    assert response.status_code == 422
    assert "not an email address" in response.text and HOSTILE not in response.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in response.text
    assert mail(client, token, to="").status_code == 422
    assert "Give at least one address." in mail(client, token, to=" ").text
    many = ",".join(f"p{i}@example.com" for i in range(11))
    assert "at most 10" in mail(client, token, to=many).text
    assert "at most 2000 characters" in mail(client, token, to="a@example.com", note="x" * 2001).text
    assert server.messages == []


def test_recipient_refused_is_named_and_nobody_gets_it(client, fresh, server):
    token, _ = upload(client)
    response = mail(client, token, to=f"boss@example.com, {REFUSED}")
    assert response.status_code == 422
    assert f"The mail server refused {REFUSED}; the email went to no one." in response.text
    assert server.messages == []


def test_server_down_is_told_without_the_servers_address(client, fresh, server, caplog):
    desk = fresh
    port = closed_port()
    desk.mail.settings = dataclasses.replace(desk.mail.settings, port=port)
    token, _ = upload(client)
    response = mail(client, token, to="boss@example.com")
    assert response.status_code == 502
    assert "The email was not sent" in response.text and str(port) not in response.text
    assert 'id="mail-form"' in response.text  # the form again, with what was typed
    assert 'value="boss@example.com"' in response.text


def test_limits_per_report_and_per_hour(client, fresh, server):
    desk = fresh
    desk.mail.settings = dataclasses.replace(desk.mail.settings, web_per_report=2, web_per_hour=3)
    token, _ = upload(client)
    assert mail(client, token, to="a@example.com").status_code == 303
    page = client.get(f"/report/{token}").text
    assert "1 more time(s)" in page
    assert mail(client, token, to="b@example.com").status_code == 303
    page = client.get(f"/report/{token}").text
    assert 'id="mail-form"' not in page and 'id="mail-none-left"' in page
    refused = mail(client, token, to="c@example.com")
    assert refused.status_code == 429 and "at most 2 times" in refused.text
    other, _ = upload(client)
    assert mail(client, other, to="d@example.com").status_code == 303
    busy = mail(client, other, to="e@example.com")  # the fourth this hour
    assert busy.status_code == 429 and int(busy.headers["retry-after"]) > 3000
    assert [m.rcpt_tos for m in server.messages] == [["a@example.com"], ["b@example.com"], ["d@example.com"]]


def test_allowed_domains(client, fresh, server):
    desk = fresh
    desk.mail.settings = dataclasses.replace(desk.mail.settings, web_allowed_domains=("example.com",))
    token, _ = upload(client)
    response = mail(client, token, to="boss@example.com", cc="leak@elsewhere.org")
    assert response.status_code == 422 and "leak@elsewhere.org is outside the allowed domains" in response.text
    assert mail(client, token, to="boss@sub.example.com").status_code == 303
    assert len(server.messages) == 1


def test_expired_or_unknown_report(client, fresh):
    assert mail(client, "A" * 32, to="boss@example.com").status_code == 404


@pytest.mark.parametrize("mail_table, message", [
    ({"from": ""}, "mail.from: the web page sends as [mail] from"),
    ({"username": "me", "password_env": "PROMO_WORKBOOK_TEST_UNSET_PW"}, "PROMO_WORKBOOK_TEST_UNSET_PW"),
    ({"security": "starttls", "host": ""}, "no SMTP server"),
])
def test_a_server_that_cannot_send_does_not_start(tmp_path, monkeypatch, mail_table, message):
    from promo_workbook.errors import UsageError
    from promo_workbook.web import create_app

    monkeypatch.delenv("PROMO_WORKBOOK_TEST_UNSET_PW", raising=False)
    path = config_file(tmp_path, 25, **mail_table)
    with pytest.raises(UsageError, match=re.escape(message)):
        create_app(str(path))


def test_hourly_count_forgets_after_an_hour():
    from promo_workbook.mail import settings_from
    from promo_workbook.web.mailform import MailDesk

    desk = MailDesk(settings_from({"web_per_hour": 2}, {}))
    assert desk.take(0) is None and desk.take(10) is None
    assert desk.take(20) == pytest.approx(3580)
    assert desk.take(3601) is None  # the first has gone
