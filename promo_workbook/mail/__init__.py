# mail: email the summary, or write it as a ready draft (issue 15).
"""Email the summary workbook to a manager, with the verdict and the key figures in the
message itself, from the command line (``summary``/``check`` ``--mail-to``, ``--eml``) and the
web page's report. Standard library only: ``email.message.EmailMessage``, ``smtplib``, ``ssl``.

Modules, one job each:

    settings.py   the [mail] section and its PROMO_WORKBOOK_SMTP_* overrides; email addresses
    engine.py     the one door into the checker, the summary and the annotated copy -> facts
    words.py      the message's words in zh-CN, zh-TW and en
    body.py       the plain-text and HTML bodies (every user text escaped)
    message.py    the EmailMessage: subject, headers, bodies, attachments (RFC 2231 names)
    send.py       SMTP (starttls, ssl, none; verified TLS; all recipients or none)
    eml.py        the draft file (X-Unsent: 1)
    outbox.py     prepare (check every option before any work) and deliver

docs/mail.md has the settings and the failure messages.
"""
from .outbox import MailJob, deliver, prepare, send_facts
from .settings import ENV_PREFIX, MailError, MailSettings, parse_addresses, settings_from

__all__ = ["ENV_PREFIX", "MailError", "MailJob", "MailSettings", "deliver", "parse_addresses", "prepare",
           "send_facts", "settings_from"]
