# message.py: the email itself (subject, headers, both bodies, attachments), from the facts.
"""``build_message(facts, ...)`` -> ``email.message.EmailMessage``:

    multipart/mixed
    ├── multipart/alternative
    │   ├── text/plain; charset=utf-8      (body.plain_body)
    │   └── text/html; charset=utf-8       (body.html_body, every user text escaped)
    ├── the summary workbook               application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
    └── the annotated copy (if asked for)  the same type (or macro-enabled for .xlsm)

Attachment names are UTF-8 in RFC 2231 form (``filename*=utf-8''…``), which Outlook, Gmail,
Thunderbird and Apple Mail read. Header values are built from text with every control
character removed first (a campaign named "x\\r\\nBcc: y" stays one harmless line), and the
email package's SMTP policy refuses any CR or LF that would still reach a header.
"""
from __future__ import annotations

import datetime as dt
import email.policy
import os
from dataclasses import dataclass
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from .. import __version__
from .body import html_body, plain_body, sections
from .settings import MailError, clean_text
from .words import text, verdict

__all__ = ["POLICY", "MEDIA_TYPES", "Attachment", "build_message", "subject", "size_text"]


class _Policy(email.policy.EmailPolicy):
    """The SMTP policy (CRLF line ends, headers folded at 78 characters), except that a
    non-ASCII Subject is written as encoded words from end to end (as Outlook writes it):
    the email package's own folding can leave two spaces where a line is folded next to an
    encoded word ("launch  — plan check")."""

    def fold_binary(self, name, value):
        shown = str(value)
        if name.lower() == "subject" and not shown.isascii():
            folded = Header(shown, "utf-8", header_name=name, maxlinelen=self.max_line_length).encode(linesep=self.linesep)
            return f"{name}: {folded}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)

    def fold(self, name, value):
        if name.lower() == "subject":
            return self.fold_binary(name, value).decode("ascii")
        return super().fold(name, value)


POLICY = _Policy(linesep="\r\n")           # email.policy.SMTP, with the Subject as above
MEDIA_TYPES = {".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
               ".xlsm": ("application", "vnd.ms-excel.sheet.macroEnabled.12")}
MAX_SUBJECT = 180                          # characters of the subject


# Public API.

@dataclass(frozen=True)
class Attachment:
    path: Path
    kind: str = "summary"                  # summary | annotated
    name: str | None = None                # the file name in the email (default: the path's)

    @property
    def filename(self) -> str:
        return clean_text(self.name or os.path.basename(str(self.path)), 200) or "attachment.xlsx"


def subject(facts: dict, lang: str) -> str:
    """"春季新品上市推广活动 — 计划检查：3 个错误，5 个警告": the campaign (else the file's name)
    and the verdict, on one line."""
    campaign = clean_text((facts.get("cover") or {}).get("campaign"), 100) or clean_text(facts.get("file"), 100)
    return clean_text(text("subject", lang, campaign=campaign, verdict=verdict(facts.get("counts") or {}, lang)),
                      MAX_SUBJECT)


def build_message(facts: dict, *, lang: str | None = None, to=(), cc=(), sender: Address | None = None,
                  attachments=(), note: str | None = None, draft: bool = False,
                  max_attachment_bytes: int = 20_000_000, today: dt.date | None = None) -> EmailMessage:
    """The email: headers, a plain and an HTML body, the attachments. ``draft`` marks it
    ``X-Unsent: 1`` (mail clients open such a file as a message ready to edit and send).
    An attachment, or all together, over ``max_attachment_bytes`` is a MailError."""
    lang = lang or facts.get("lang") or "en"
    files = _read_attachments(attachments, max_attachment_bytes)
    parts = sections(facts, lang, [(a.filename, a.kind) for a, _ in files], note, __version__,
                     today or dt.date.today())
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = subject(facts, lang)
    if sender is not None:
        msg["From"] = sender
    if to:
        msg["To"] = list(to)
    if cc:
        msg["Cc"] = list(cc)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid("promo-workbook", domain=sender.domain if sender is not None else "promo-workbook.invalid")
    msg["X-Mailer"] = f"promo-workbook {__version__}"
    if draft:
        msg["X-Unsent"] = "1"
    msg.set_content(plain_body(parts), subtype="plain", charset="utf-8")
    msg.add_alternative(html_body(parts), subtype="html", charset="utf-8")
    for attachment, data in files:
        maintype, subtype = MEDIA_TYPES.get(Path(attachment.filename).suffix.lower(),
                                            ("application", "octet-stream"))
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    msg["Content-Language"] = lang  # after the parts: making a multipart moves Content-* headers into them
    return msg


def size_text(n: int) -> str:
    """20000000 -> '20 MB'."""
    for unit, step in (("GB", 10 ** 9), ("MB", 10 ** 6), ("KB", 10 ** 3)):
        if n >= step:
            return f"{n / step:.3g} {unit}"
    return f"{n} B"


# Private API.

def _read_attachments(attachments, limit: int) -> list[tuple[Attachment, bytes]]:
    files, total = [], 0
    for attachment in attachments:
        if not isinstance(attachment, Attachment):
            attachment = Attachment(Path(attachment))
        try:
            size = os.path.getsize(attachment.path)
            if size > limit:
                raise MailError(f"{attachment.filename} is {size_text(size)}, over [mail] max_attachment_bytes "
                                f"({size_text(limit)}); nothing was sent", "size")
            data = Path(attachment.path).read_bytes()
        except OSError as exc:
            raise MailError(f"{attachment.path}: cannot attach: {exc.strerror or exc}", "file") from None
        total += len(data)
        files.append((attachment, data))
    if total > limit:
        raise MailError(f"the attachments come to {size_text(total)}, over [mail] max_attachment_bytes "
                        f"({size_text(limit)}); nothing was sent", "size")
    return files
