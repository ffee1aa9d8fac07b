# outbox.py: from options to a sent message (or a draft): what the command line and the web page call.
"""Two steps, so that every mistake a user can make is caught before the check runs:

    job = prepare(file, config, to=..., cc=..., sender=..., note=..., eml=..., attach_annotated=...)
        addresses, settings, password, the draft's path: all checked now (UsageError, exit 2);
        None when no mail option was given
    line = deliver(job, report, file, summary=..., annotated=..., lang=..., today=..., config=...)
        after the check: the message built from the report and sent, or written as a draft

``send_facts`` is the web page's way: the same message from facts stored with its report.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from email.headerregistry import Address
from pathlib import Path

from ..errors import UsageError
from . import engine
from .body import MAX_NOTE
from .message import Attachment, build_message
from .settings import MailSettings, one_address, parse_addresses, settings_from

__all__ = ["MailJob", "prepare", "deliver", "send_facts", "ANNOTATABLE"]

ANNOTATABLE = (".xlsx", ".xlsm")


# Public API.

@dataclass
class MailJob:
    settings: MailSettings
    to: list = field(default_factory=list)
    cc: list = field(default_factory=list)
    sender: Address | None = None
    note: str | None = None
    eml: Path | None = None
    attach_annotated: bool = False
    environ: dict | None = None


def prepare(file, config: dict | None, *, to=(), cc=(), sender: str | None = None, note: str | None = None,
            eml=None, attach_annotated: bool = False, environ=None, config_file: str | None = None) -> MailJob | None:
    """Check every mail option before any work; None when none was given."""
    used = [name for name, value in (("--mail-cc", cc), ("--mail-from", sender), ("--mail-note", note),
                                     ("--attach-annotated", attach_annotated)) if value]
    if not to and not eml:
        if used:
            raise UsageError(f"{used[0]} needs --mail-to (to send the summary) or --eml (to write a draft)")
        return None
    environ = dict(os.environ if environ is None else environ)
    to_list = parse_addresses(to, "--mail-to")
    cc_list = parse_addresses(cc, "--mail-cc")
    settings = settings_from(engine.mail_table(config), environ, config_file or "config")
    from_address = one_address(sender, "--mail-from") if sender else (
        one_address(settings.sender, "[mail] from") if settings.sender else None)
    if note is not None and len(note) > MAX_NOTE:
        raise UsageError(f"--mail-note: {len(note)} characters; at most {MAX_NOTE}")
    if attach_annotated and os.path.splitext(str(file))[1].lower() not in ANNOTATABLE:
        raise UsageError(f"{file}: --attach-annotated needs an .xlsx or .xlsm workbook")
    eml_path = _eml_path(eml, file) if eml else None
    if eml_path is None:
        if not to_list:
            raise UsageError("--mail-to: no address given")
        settings.check_sendable(from_address, environ)
    return MailJob(settings, to_list, cc_list, from_address, note, eml_path, attach_annotated, environ)


def deliver(job: MailJob, report, file, *, summary=None, annotated=None, lang: str | None = None, today=None,
            config: dict | None = None) -> str:
    """Build the message for ``report`` (the summary attached, and the annotated copy when asked
    for; either is made in a temporary folder when it was not written to disk) and send it, or
    write the draft. Returns the line to tell the user."""
    with tempfile.TemporaryDirectory(prefix="promo-workbook-mail-") as folder:
        stem, ext = os.path.splitext(os.path.basename(str(file)))
        if summary is None:
            summary = engine.write_summary(report, file, Path(folder) / f"{stem}-summary.xlsx", lang=lang,
                                           today=today, config=config)
        attachments = [Attachment(Path(summary), "summary")]
        if job.attach_annotated:
            if annotated is None:
                annotated = engine.write_annotated(report, file, Path(folder) / f"{stem}-checked{ext.lower()}",
                                                   lang=lang)
            attachments.append(Attachment(Path(annotated), "annotated"))
        facts = engine.facts(report, config=config, file=file)
        return _send_or_write(job, facts, attachments, lang or report.lang)


def send_facts(facts: dict, settings: MailSettings, *, to, cc=(), note: str | None = None, attachments=(),
               lang: str | None = None, environ=None) -> list[str]:
    """Send the message of ``facts`` (engine.facts, as the web page stores it) with
    ``attachments``; the sender is ``[mail] from``. Returns the addresses it went to."""
    from .send import send

    sender = one_address(settings.sender, "[mail] from") if settings.sender else None
    settings.check_sendable(sender, environ)
    msg = build_message(facts, lang=lang, to=to, cc=cc, sender=sender, attachments=attachments, note=note,
                        max_attachment_bytes=settings.max_attachment_bytes)
    return send(msg, settings, sender=sender, recipients=[*to, *cc], password=settings.password(environ))


# Private API.

def _send_or_write(job: MailJob, facts: dict, attachments, lang: str) -> str:
    msg = build_message(facts, lang=lang, to=job.to, cc=job.cc, sender=job.sender, attachments=attachments,
                        note=job.note, draft=job.eml is not None,
                        max_attachment_bytes=job.settings.max_attachment_bytes)
    if job.eml is not None:
        from .eml import write_eml

        path = write_eml(msg, job.eml)
        return f"wrote {path} (a draft: open it in your mail client, check it and send it)"
    from .send import send

    sent = send(msg, job.settings, sender=job.sender, recipients=[*job.to, *job.cc],
                password=job.settings.password(job.environ))
    return f"sent the summary to {', '.join(sent)} via {job.settings.where}"


def _eml_path(eml, file) -> Path:
    from ..atomic import refuse_input

    path = Path(eml)
    if path.suffix.lower() != ".eml":
        raise UsageError(f"{eml}: --eml writes an email draft; name it *.eml")
    if path.is_dir():
        raise UsageError(f"{eml}: is a folder; give --eml a file name")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{eml}: folder {folder} does not exist")
    if os.path.exists(str(file)):
        refuse_input(path, file)
    return path
