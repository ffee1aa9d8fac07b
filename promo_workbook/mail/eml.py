# eml.py: the message as a draft file (.eml) to open in a mail client and send from there.
"""``write_eml(msg, path)`` writes the message, marked ``X-Unsent: 1`` by build_message(draft=True),
as an RFC 5322 file with CRLF line ends: Outlook, Thunderbird and Apple Mail open it as a new
message ready to edit and send: for people whose company gives them no SMTP access. The file
is written atomically (a temporary file renamed at the end)."""
from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from .message import POLICY

__all__ = ["write_eml"]


def write_eml(msg: EmailMessage, path) -> Path:
    from ..atomic import output

    out = Path(path)
    with output(out) as tmp:
        tmp.write_bytes(msg.as_bytes(policy=POLICY))
    return out
