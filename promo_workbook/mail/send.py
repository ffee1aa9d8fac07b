# send.py: hand the message to an SMTP server, all or nothing, and say in one line why not.
"""``send(msg, settings, sender=..., recipients=..., password=...)``.

The envelope is offered one step at a time (MAIL FROM, one RCPT TO per recipient) and the
message is only sent (DATA) once the server has accepted the sender and every recipient: a
refused recipient resets the envelope, so nobody gets a copy that others did not. A failure
is a ``MailError`` with one line naming the server and what went wrong: connection refused,
no answer within ``timeout_s``, a TLS or certificate failure, a refused login, a refused
sender or recipient (by address), a message over the server's SIZE.

TLS: ``security = "ssl"`` (implicit TLS, port 465) or ``"starttls"`` (port 587; a server that
does not offer STARTTLS is an error, never a fall-back to plain text). Certificates and host
names are verified against the system's CAs plus ``cafile``, unless ``verify = false``.
"""
from __future__ import annotations

import base64
import smtplib
import socket
import ssl
from email.headerregistry import Address
from email.message import EmailMessage

from .message import POLICY, size_text
from .settings import MailError, MailSettings, clean_text

__all__ = ["send", "tls_context"]


# Public API.

def send(msg: EmailMessage, settings: MailSettings, *, sender: Address, recipients: list[Address],
         password: str | None = None) -> list[str]:
    """Send ``msg`` to ``recipients`` through the server of ``settings``; returns the addresses
    the server accepted (all of them, or a MailError and none)."""
    if not recipients:
        raise MailError("no recipient: give --mail-to", "recipient")
    where = settings.where
    data = msg.as_bytes(policy=POLICY)
    try:
        context = tls_context(settings) if settings.security in ("ssl", "starttls") else None
        smtp = _connect(settings, context)
        try:
            _envelope_and_data(smtp, settings, context, sender, recipients, password, data)
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    except MailError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"the SMTP server {where} refused the login for {settings.username}: {_reply(exc)}; "
                        f"check the password in {settings.password_env}; nothing was sent", "auth") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise MailError(f"the SMTP server {where}: {clean_text(exc, 200)}; nothing was sent", "refused") from None
    except smtplib.SMTPServerDisconnected as exc:
        if isinstance(exc.__context__, (socket.timeout, TimeoutError)):  # smtplib words a timeout so
            raise MailError(f"the SMTP server {where} did not answer within {settings.timeout_s:g} s "
                            "([mail] timeout_s); nothing was sent", "timeout") from None
        raise MailError(f"the SMTP server {where} closed the connection ({clean_text(exc, 120) or 'no reason given'}); "
                        "nothing was sent", "connect") from None
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"the SMTP server {where} answered {_reply(exc)}; nothing was sent") from None
    except smtplib.SMTPException as exc:
        raise MailError(f"SMTP error with {where}: {clean_text(exc, 200)}; nothing was sent") from None
    except ssl.SSLCertVerificationError as exc:
        raise MailError(f"TLS with {where} failed: the server's certificate could not be verified "
                        f"({clean_text(exc.verify_message or exc.reason, 120)}); trust your company's CA with "
                        "[mail] cafile (or, knowing the risk, verify = false); nothing was sent", "tls") from None
    except ssl.SSLError as exc:
        raise MailError(f"TLS with {where} failed ({clean_text(exc.reason or exc, 120)}); check [mail] security "
                        "and port (ssl is usually 465, starttls 587); nothing was sent", "tls") from None
    except (socket.timeout, TimeoutError):
        raise MailError(f"the SMTP server {where} did not answer within {settings.timeout_s:g} s "
                        "([mail] timeout_s); nothing was sent", "timeout") from None
    except ConnectionRefusedError:
        raise MailError(f"cannot connect to the SMTP server {where}: connection refused (is it running, "
                        "and are [mail] host and port right?); nothing was sent", "connect") from None
    except socket.gaierror as exc:
        raise MailError(f"cannot find the SMTP server {settings.host}: {clean_text(exc.strerror or exc, 120)}; "
                        "nothing was sent", "connect") from None
    except OSError as exc:
        raise MailError(f"cannot talk to the SMTP server {where}: {clean_text(exc.strerror or exc, 120)}; "
                        "nothing was sent", "connect") from None
    return [r.addr_spec for r in recipients]


def tls_context(settings: MailSettings) -> ssl.SSLContext:
    """TLS 1.2 or later; the system's CAs and ``cafile`` trusted, host names checked, unless
    ``verify = false``."""
    context = ssl.create_default_context()
    if settings.cafile:
        try:
            context.load_verify_locations(cafile=settings.cafile)
        except (OSError, ssl.SSLError) as exc:
            raise MailError(f"[mail] cafile {settings.cafile}: cannot load the certificates "
                            f"({clean_text(getattr(exc, 'reason', None) or exc, 120)})", "tls") from None
    if not settings.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


# Private API.

def _connect(settings: MailSettings, context) -> smtplib.SMTP:
    helo = _helo_name()
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(settings.host, settings.effective_port, local_hostname=helo,
                                timeout=settings.timeout_s, context=context)
    return smtplib.SMTP(settings.host, settings.effective_port, local_hostname=helo, timeout=settings.timeout_s)


def _envelope_and_data(smtp, settings, context, sender, recipients, password, data: bytes) -> None:
    smtp.ehlo_or_helo_if_needed()
    if settings.security == "starttls":
        if not smtp.has_extn("starttls"):
            raise MailError(f"the SMTP server {settings.where} does not offer STARTTLS; set [mail] security to "
                            "\"ssl\" for its TLS port, or ask IT; nothing was sent (the message is never sent "
                            "unencrypted when starttls is asked for)", "tls")
        smtp.starttls(context=context)
        smtp.ehlo()
    if password is not None:
        _login(smtp, settings.username, password)
    options = []
    if smtp.has_extn("size"):
        limit = _int(smtp.esmtp_features.get("size"))
        if limit and len(data) > limit:
            raise MailError(f"the message is {size_text(len(data))}; the SMTP server {settings.where} takes at "
                            f"most {size_text(limit)}; nothing was sent", "size")
        options.append(f"SIZE={len(data)}")
    code, reply = smtp.mail(sender.addr_spec, options)
    if code != 250:
        _reset(smtp)
        raise MailError(f"the SMTP server {settings.where} refused the sender {sender.addr_spec}: "
                        f"{code} {_text(reply)}; nothing was sent", "sender")
    for recipient in recipients:
        code, reply = smtp.rcpt(recipient.addr_spec)
        if code not in (250, 251):
            _reset(smtp)
            raise MailError(f"the SMTP server {settings.where} refused the recipient {recipient.addr_spec}: "
                            f"{code} {_text(reply)}; nothing was sent to anyone", "recipient", recipient.addr_spec)
    code, reply = smtp.data(data)
    if code != 250:
        raise MailError(f"the SMTP server {settings.where} refused the message: {code} {_text(reply)}; "
                        "nothing was sent")


def _login(smtp, username: str, password: str) -> None:
    """smtplib's login, or, for a user name or password beyond ASCII (which smtplib cannot
    encode), AUTH PLAIN (RFC 4616: UTF-8) or LOGIN by hand."""
    if (username + password).isascii():
        smtp.login(username, password)
        return
    offered = (smtp.esmtp_features.get("auth") or "").upper().split()
    user, secret = username.encode("utf-8"), password.encode("utf-8")
    if "PLAIN" in offered:
        code, reply = smtp.docmd("AUTH", "PLAIN " + base64.b64encode(b"\0" + user + b"\0" + secret).decode("ascii"))
    elif "LOGIN" in offered:
        code, reply = smtp.docmd("AUTH", "LOGIN " + base64.b64encode(user).decode("ascii"))
        if code == 334:
            code, reply = smtp.docmd(base64.b64encode(secret).decode("ascii"))
    else:
        raise smtplib.SMTPNotSupportedError("no login method this tool can use with a non-ASCII password "
                                            f"(the server offers {' '.join(offered) or 'none'})")
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, reply)


def _reset(smtp) -> None:
    try:
        smtp.rset()
    except (smtplib.SMTPException, OSError):
        pass


def _reply(exc) -> str:
    return f"{getattr(exc, 'smtp_code', '')} {_text(getattr(exc, 'smtp_error', b''))}".strip()


def _text(reply) -> str:
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return clean_text(reply, 160)


def _int(value) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0


def _helo_name() -> str:
    """This computer's name for EHLO (socket.getfqdn, smtplib's default, may wait on DNS)."""
    name = socket.gethostname()
    try:
        name.encode("ascii")
    except UnicodeError:
        return "localhost"
    return name if name and all(c.isalnum() or c in ".-" for c in name) else "localhost"
