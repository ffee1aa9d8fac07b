"""An in-process SMTP server on 127.0.0.1 (aiosmtpd), plain, STARTTLS or implicit TLS, with or
without AUTH, that keeps what it receives; certificates from a throw-away CA (trustme).

    with smtp_server("starttls", ca=ca) as server:   # server.port, server.messages, server.cafile
        ...

Also ``silent_server()``: a socket that accepts connections and never answers (a timeout).
"""
from __future__ import annotations

import contextlib
import email.parser
import email.policy
import os
import socket
import ssl
from dataclasses import dataclass, field

import pytest

try:
    import aiosmtpd  # noqa: F401
    import trustme
except ImportError:  # the test extra holds both; skip without them, except in CI (CI=true): fail there
    if os.environ.get("CI", "").strip().lower() == "true":
        raise
    pytest.skip("aiosmtpd or trustme missing: pip install -e '.[test]'", allow_module_level=True)

from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

HOST = "127.0.0.1"
USER, PASSWORD = "planner", "s3cret-密码"
REFUSED = "refused@example.com"       # the server refuses this recipient (550)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list
    data: bytes

    @property
    def message(self):
        return email.parser.BytesParser(policy=email.policy.default).parsebytes(self.data)


@dataclass
class Server:
    port: int
    cafile: str | None = None
    messages: list = field(default_factory=list)
    logins: list = field(default_factory=list)


class _Recorder:
    def __init__(self, server: Server):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        if address.lower() == REFUSED:
            return "550 5.1.1 <refused@example.com>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        self.server.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content
                                             or envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def ca():
    return trustme.CA()


@contextlib.contextmanager
def smtp_server(mode: str = "plain", *, ca=None, auth: bool = False, data_size_limit: int = 33554432, tmp_path=None,
                **smtp_options):
    """A running server: ``mode`` plain | starttls | ssl; ``auth``: LOGIN/PLAIN required (over TLS
    unless plain); ``smtp_options`` go to aiosmtpd's SMTP (auth_exclude_mechanism=...)."""
    port = free_port()
    server = Server(port)
    kwargs = {"data_size_limit": data_size_limit, **smtp_options}
    ssl_context = None
    if mode in ("starttls", "ssl"):
        cert = ca.issue_cert(HOST, "localhost")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        if mode == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        else:
            ssl_context = context
        if tmp_path is not None:
            server.cafile = str(tmp_path / f"ca-{port}.pem")
            ca.cert_pem.write_to_path(server.cafile)
    if auth:
        def authenticator(smtp, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
                  and auth_data.password == PASSWORD.encode("utf-8"))
            server.logins.append((mechanism, ok))
            return AuthResult(success=ok, handled=False)

        # aiosmtpd counts only STARTTLS as TLS: on an implicit-TLS port it must not ask for more.
        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=mode == "starttls")
    controller = Controller(_Recorder(server), hostname=HOST, port=port, ssl_context=ssl_context,
                            server_hostname="mail.test", ready_timeout=10, **kwargs)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@contextlib.contextmanager
def silent_server():
    """A port that accepts TCP connections (the kernel's backlog) and never says a word."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        s.listen(4)
        yield s.getsockname()[1]


def closed_port() -> int:
    """A port nothing listens on (connection refused)."""
    return free_port()


__all__ = ["HOST", "USER", "PASSWORD", "REFUSED", "Received", "Server", "ca", "smtp_server", "silent_server",
           "closed_port", "free_port"]
