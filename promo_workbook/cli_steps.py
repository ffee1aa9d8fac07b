# cli_steps.py: what a command does around its work: outputs checked, time kept, outputs written.
"""The steps cli.py's commands share around the library call: check the outputs before any
reading (outputs.py), hold the command to max_seconds (deadline.py), show a spinner, write the
summary and the annotated copy, send or draft the email. Uses click for its lines on stderr."""
from __future__ import annotations

import os
import sys

import click

WATCHDOG = False  # set by cli.main(): a test's CliRunner or a host program is never ended by the watchdog

__all__ = ["check_outputs", "deadline", "mail_deliver", "mail_prepare", "phase", "progress", "write_outputs"]


def check_outputs(file, force, **outputs) -> None:
    """Refuse, before any work, an output that is the input, a folder, exists (without --force),
    clashes with another, or is not an .xlsx name (outputs.py)."""
    from .errors import UsageError
    from .outputs import Output, validate

    validate([file], [Output(f"--{option}", out) for option, out in outputs.items() if out], force=force)
    for option, out in outputs.items():
        if not out or option == "eml":
            continue
        allowed = (".xlsx",) if option == "summary" else (os.path.splitext(file)[1].lower(),)
        if allowed[0] not in (".xlsx", ".xlsm"):
            raise UsageError(f"{file}: --{option} needs an .xlsx or .xlsm workbook")
        if not out.lower().endswith(allowed):
            raise UsageError(f"{out}: --{option} writes a workbook like the input; name it *{allowed[0]}")
        if option == "annotate" and os.path.isfile(file):
            from .annotator import preflight

            preflight(file)  # a copy it could not mark is said before the check runs


def write_outputs(file, report, *, lang, today, summary=None, annotate=None) -> None:
    """Write the summary and the annotated copy the check was asked for; report each on stderr."""
    if summary:
        from .summary import write_summary

        phase("writing the summary")
        with progress("writing " + os.path.basename(summary)):
            path = write_summary(report.view if report.view is not None else file, report, summary,
                                 lang=lang, today=today)
        click.echo(f"wrote {path}", err=True)
    if annotate:
        from .annotator import annotate as annotate_copy

        phase("writing the annotated copy")
        with progress("writing " + os.path.basename(annotate)):
            done = annotate_copy(file, report.findings, annotate, lang=lang or report.lang,
                                 accepted=report.accepted)
        click.echo(f"wrote {done.path} ({done.cells} cells marked)", err=True)


def mail_prepare(file, config, config_path, to, cc, sender, note, attach_annotated, eml):
    """Check the mail options (addresses, [mail] settings, the password's variable, the draft's
    path) before any work; None when none was given (docs/mail.md)."""
    if not (to or cc or sender or note or attach_annotated or eml):
        return None
    from .mail import prepare

    return prepare(file, config, to=to, cc=cc, sender=sender, note=note, eml=eml,
                   attach_annotated=attach_annotated, config_file=config_path)


def mail_deliver(mailing, report, file, *, lang, today, config, summary=None, annotated=None) -> None:
    """Send the summary (or write the draft) the mail options asked for; a failure is one line, exit 2."""
    if mailing is None:
        return
    from .mail import deliver

    label = "writing " + os.path.basename(str(mailing.eml)) if mailing.eml else "sending the summary"
    phase(label)
    with progress(label):
        line = deliver(mailing, report, file, summary=summary, annotated=annotated, lang=lang, today=today,
                       config=config)
    click.echo(line, err=True)


def deadline(command: str, file, config):
    """The whole command under [limits] max_seconds, with the watchdog (deadline.py)."""
    from .deadline import running
    from .limits import Limits

    return running(command, file, Limits.from_config(config).max_seconds, watchdog=WATCHDOG)


def phase(name: str) -> None:
    from .deadline import phase

    phase(name)


class progress:
    """A spinner on stderr, shown only on a terminal and only when the work takes over a second."""

    def __init__(self, label: str):
        self.label = label
        self._done = None

    def __enter__(self):
        import threading

        if not sys.stderr.isatty():
            return self
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._spin, daemon=True)
        self._thread.start()
        return self

    def _spin(self):
        frames = "|/-\\"
        if self._done.wait(1.0):
            return
        i = 0
        while not self._done.wait(0.1):
            sys.stderr.write(f"\r{frames[i % 4]} {self.label} ...")
            sys.stderr.flush()
            i += 1
        sys.stderr.write("\r" + " " * (len(self.label) + 6) + "\r")
        sys.stderr.flush()

    def __exit__(self, *exc):
        if self._done is not None:
            self._done.set()
            self._thread.join()
        return False
