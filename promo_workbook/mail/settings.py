# settings.py: the [mail] section (with its environment overrides) and email addresses.
"""What the mail package is told: SMTP settings and the addresses to write to.

    [mail]
    host = "smtp.example.com"
    port = 587                        # default by security: 587 starttls, 465 ssl, 25 none
    security = "starttls"             # starttls | ssl | none
    username = "planner@example.com"  # no username: no login
    password_env = "PROMO_WORKBOOK_SMTP_PASSWORD"   # the variable that holds the password
    from = "Planning desk <planner@example.com>"
    timeout_s = 30
    verify = true                     # check the server's certificate (false only when set)
    cafile = "/etc/ssl/company-ca.pem"   # extra CA certificates to trust (PEM)
    max_attachment_bytes = 20_000_000
    web_per_report = 3                # the web form: messages per report
    web_per_hour = 30                 # the web form: messages per server process per hour
    web_allowed_domains = ["example.com"]   # the web form: recipients only in these domains

Every key can be overridden by an environment variable ``PROMO_WORKBOOK_SMTP_<KEY>``
(``PROMO_WORKBOOK_SMTP_HOST``, ``..._FROM``, ``..._WEB_ALLOWED_DOMAINS`` comma-separated ...).
A password is only ever read from the environment variable ``password_env`` names: never from
the file or the command line. Errors are one line naming the file (or variable) and the key.
"""
from __future__ import annotations

import ipaddress
import math
import os
import re
from dataclasses import dataclass
from email.headerregistry import Address

from ..errors import PromoWorkbookError, UsageError

__all__ = ["ENV_PREFIX", "MailError", "MailSettings", "settings_from", "parse_addresses", "one_address", "clean_text",
           "SECURITIES", "DEFAULT_PORTS"]

ENV_PREFIX = "PROMO_WORKBOOK_SMTP_"
SECURITIES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
MAX_ADDRESSES = 100           # recipients of one message from the command line


# Public API.

class MailError(PromoWorkbookError):
    """The message could not be sent (or written): one line, exit code 2, nothing half-sent.
    ``kind`` says what failed (connect, timeout, tls, auth, sender, recipient, size, refused,
    file), ``address`` the refused recipient: the web page words its answer by them."""

    def __init__(self, message: str, kind: str = "refused", address: str | None = None):
        super().__init__(message)
        self.kind, self.address = kind, address


@dataclass(frozen=True)
class MailSettings:
    host: str = ""
    port: int = 0                          # 0: by security (DEFAULT_PORTS)
    security: str = "starttls"
    username: str = ""
    password_env: str = "PROMO_WORKBOOK_SMTP_PASSWORD"
    sender: str = ""                       # the key "from"
    timeout_s: float = 30.0
    verify: bool = True
    cafile: str = ""
    max_attachment_bytes: int = 20_000_000
    web_per_report: int = 3
    web_per_hour: int = 30
    web_allowed_domains: tuple = ()
    section: bool = False                  # whether the config file has a [mail] section

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def where(self) -> str:
        return f"{self.host}:{self.effective_port}"

    def password(self, environ=None) -> str | None:
        """The password from the environment variable ``password_env`` names (None: no login)."""
        if not self.username:
            return None
        environ = os.environ if environ is None else environ
        value = environ.get(self.password_env)
        if not value:
            raise UsageError(f"[mail] username is set: put the SMTP password in the environment variable "
                             f"{self.password_env} (password_env); it is never read from a file or the command line")
        return value

    def check_sendable(self, sender: Address | None, environ=None) -> None:
        """Refuse, before any work, settings that cannot send: no host, no sender, no password,
        or a password that would cross the network without TLS."""
        if not self.host:
            raise UsageError("no SMTP server: set [mail] host in the --config file "
                             f"(or {ENV_PREFIX}HOST), or write a draft with --eml")
        if sender is None:
            raise UsageError("no sender: give --mail-from or set [mail] from in the --config file")
        self.password(environ)
        if self.username and self.security == "none" and not _loopback(self.host):
            raise UsageError(f"[mail] security = \"none\" would send the password for {self.username} unencrypted "
                             f"to {self.host}; use starttls or ssl (a login without TLS is allowed to this "
                             "computer only)")


def settings_from(table: dict | None, environ=None, file: str = "config") -> MailSettings:
    """MailSettings from a config's ``[mail]`` table (None: no section) overlaid by the
    environment's ``PROMO_WORKBOOK_SMTP_*`` variables; unknown keys and bad values are errors."""
    environ = os.environ if environ is None else environ
    if table is not None and not isinstance(table, dict):
        raise UsageError(f"{file}: mail: expected a table")
    values = {}
    for key, value in (table or {}).items():
        if key not in _KINDS:
            raise UsageError(f"{file}: mail.{key}: unknown setting (known: {', '.join(sorted(_KINDS))})")
        values[key] = _coerce(f"{file}: mail.{key}", key, value)
    for key in _KINDS:
        name = ENV_PREFIX + key.upper()
        if name in environ:
            values[key] = _coerce(f"environment variable {name}", key, environ[name], from_env=True)
    if "from" in values:
        values["sender"] = values.pop("from")
    return MailSettings(section=table is not None, **values)


def parse_addresses(values, option: str = "--mail-to", limit: int = MAX_ADDRESSES) -> list[Address]:
    """Addresses from option values, each ``a@b.c`` or ``Name <a@b.c>``, several separated by
    commas or semicolons; every one checked (a one-line error naming the option and the value)."""
    if isinstance(values, str):
        values = [values]
    out, seen = [], set()
    for value in values or ():
        for item in re.split(r"[,;，；]", value):
            if not item.strip():
                continue
            address = one_address(item, option)
            if address.addr_spec.lower() not in seen:
                seen.add(address.addr_spec.lower())
                out.append(address)
    if len(out) > limit:
        raise UsageError(f"{option}: {len(out)} addresses; at most {limit}")
    return out


def one_address(text: str, option: str = "address") -> Address:
    """One address, ``a@b.c`` or ``Name <a@b.c>``, as an ``email.headerregistry.Address``."""
    shown = clean_text(text, 80)
    if _CONTROL.search(text):
        raise UsageError(f"{option}: {shown!r} holds control characters; it is not an email address")
    text = text.strip()
    match = re.fullmatch(r"(?:(?P<name>[^<>\"]*?)\s*)?<(?P<addr>[^<>]*)>|(?P<bare>[^<>\s]+)", text)
    if match is None:
        raise UsageError(f"{option}: {shown!r} is not an email address (write it like name@example.com)")
    name = (match.group("name") or "").strip()
    addr = (match.group("addr") if match.group("bare") is None else match.group("bare")).strip()
    local, at, domain = addr.rpartition("@")
    if not at or not domain or not _LOCAL.fullmatch(local) or len(addr) > 254:
        raise UsageError(f"{option}: {shown!r} is not an email address (write it like name@example.com)")
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        ascii_domain = ""
    if not _DOMAIN.fullmatch(ascii_domain):
        raise UsageError(f"{option}: {shown!r}: {clean_text(domain, 60)!r} is not a mail domain "
                         "(write it like name@example.com)")
    return Address(display_name=clean_text(name, 100), username=local, domain=ascii_domain)


def clean_text(text, limit: int | None = None) -> str:
    """``text`` on one line: control characters (CR, LF, tab, C1, line and paragraph
    separators, bidi overrides) become spaces, runs of spaces one; cut to ``limit`` characters."""
    text = _CONTROL.sub(" ", str(text if text is not None else ""))
    text = re.sub(r"\s+", " ", text).strip()
    if limit is not None and len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    return text


# Private API.

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN = re.compile(r"(?=.{1,253}$)(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")
_KINDS = {
    "host": "text", "port": ("int", 1, 65535), "security": "security", "username": "text",
    "password_env": "name", "from": "address", "timeout_s": ("float", 0.1, 3600), "verify": "bool",
    "cafile": "file", "max_attachment_bytes": ("int", 1, 10 ** 10), "web_per_report": ("int", 0, 10 ** 6),
    "web_per_hour": ("int", 0, 10 ** 6), "web_allowed_domains": "domains",
}
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _coerce(where: str, key: str, value, from_env: bool = False):
    kind = _KINDS[key]
    if isinstance(kind, tuple):
        type_, low, high = kind
        if from_env:
            try:
                value = float(str(value).replace("_", "").strip())
            except ValueError:
                raise UsageError(f"{where}: expected a number") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise UsageError(f"{where}: expected a number")
        if type_ == "int" and value != int(value):
            raise UsageError(f"{where}: expected a whole number")
        if not low <= value <= high:
            raise UsageError(f"{where}: must be from {low} to {high}")
        return int(value) if type_ == "int" else float(value)
    if kind == "bool":
        if from_env and str(value).strip().lower() in _TRUE + _FALSE:
            return str(value).strip().lower() in _TRUE
        if not isinstance(value, bool):
            raise UsageError(f"{where}: expected true or false")
        return value
    if kind == "domains":
        items = value.split(",") if from_env and isinstance(value, str) else value
        if not isinstance(items, (list, tuple)) or not all(isinstance(d, str) for d in items):
            raise UsageError(f"{where}: expected a list of domains like [\"example.com\"]")
        domains = []
        for item in items:
            domain = item.strip().lstrip("@").lower()
            if not domain:
                continue
            try:
                domain = domain.encode("idna").decode("ascii")
            except UnicodeError:
                domain = ""
            if not _DOMAIN.fullmatch(domain):
                raise UsageError(f"{where}: {clean_text(item, 60)!r} is not a mail domain")
            domains.append(domain)
        return tuple(domains)
    if not isinstance(value, str):
        raise UsageError(f"{where}: expected text")
    if _CONTROL.search(value):
        raise UsageError(f"{where}: holds control characters")
    value = value.strip()
    if kind == "security":
        value = value.lower()
        if value not in SECURITIES:
            raise UsageError(f"{where}: expected one of {', '.join(SECURITIES)}")
    elif kind == "name" and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise UsageError(f"{where}: expected the name of an environment variable, like PROMO_WORKBOOK_SMTP_PASSWORD "
                         "(the password itself is never written in the config)")
    elif kind == "address" and value:
        one_address(value, where)
    elif kind == "file" and value:
        value = os.path.expanduser(value)
        if not os.path.isfile(value):
            raise UsageError(f"{where}: {value}: no such file")
    elif kind == "text" and key == "host" and value and not re.fullmatch(r"[A-Za-z0-9.:\[\]_-]+", value):
        raise UsageError(f"{where}: {clean_text(value, 60)!r} is not a host name")
    return value


def _loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
