"""The command line: parse, call the library, render, exit. The only module that uses click.

Exit codes: 0 success / clean, 1 findings with errors, 2 unusable input or misuse.
Heavy imports (xlsxwriter, openpyxl, pandas) happen inside commands, so --help stays fast.
"""
from __future__ import annotations

import locale
import os
import sys

import click

from . import __version__
from .cli_options import parse_date as _parse_date
from .cli_steps import check_outputs as _check_outputs
from .cli_steps import deadline as _deadline
from .cli_steps import mail_deliver as _mail_deliver
from .cli_steps import mail_prepare as _mail_prepare
from .cli_steps import phase as _phase
from .cli_steps import progress as _progress
from .cli_steps import write_outputs as _write_outputs
from .errors import PromoWorkbookError
from .terminal import safe

LANGS = ("zh-CN", "zh-TW", "en")


# Public API.

def main(argv=None) -> None:
    """The command line: ``promo-workbook`` and ``python -m promo_workbook`` (``argv`` from the
    process), or a host program's ``main([...])``, which gets SystemExit with the exit code."""
    from . import cli_steps

    cli_steps.WATCHDOG = True  # the process is the command's own: it may be ended when stuck (deadline.py)
    try:
        cli.main(args=argv, prog_name="promo-workbook", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("promo-workbook: interrupted", err=True)
        sys.exit(130)
    except SystemExit as done:
        if argv is not None:
            raise  # called by a host program (a harness, a test): the process is not ours to end
        _exit_now(done)


def _exit_now(done: SystemExit) -> None:
    """End the process with the command's exit code, without freeing its objects one by one.

    Every output is written, renamed into place and closed by now; what remains is the heap of
    the plan just checked (a Cell per cell read, a finding per finding: millions of objects on a
    200,000-row log), which the interpreter would free one by one at exit, close to a second.
    Only when nothing else is left to end: no other thread, no worker process (the web server
    and batch runs end theirs on the way out), no profiler or tracer (cProfile, coverage) that
    writes at exit. Standard output and error are flushed first."""
    import multiprocessing
    import threading

    code = done.code
    if not (code is None or isinstance(code, int)) or threading.active_count() > 1 \
            or multiprocessing.active_children() or sys.gettrace() or sys.getprofile() \
            or os.environ.get("PROMO_WORKBOOK_DEBUG"):
        raise done  # a profiler, tracer or debugger wants the interpreter's own exit
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be written there
            pass
    os._exit(code or 0)


def default_language(environ=None) -> str:
    """The workbook language from the system locale: zh_CN -> zh-CN, zh_TW/HK/MO -> zh-TW, else en."""
    environ = os.environ if environ is None else environ
    value = ""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        if environ.get(var):
            value = environ[var]
            break
    if not value:
        value = (locale.getlocale()[0] or "") if environ is os.environ else ""
    value = value.replace("-", "_").lower()
    if value.startswith(("zh_tw", "zh_hk", "zh_mo", "zh_hant")):
        return "zh-TW"
    if value.startswith("zh"):
        return "zh-CN"
    return "en"


# Private API.

class _Group(click.Group):
    """Turn the library's own errors and click's usage errors into one line and exit code 2,
    never a traceback."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:  # bare `promo-workbook`: the help, as click shows it
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            # click's own form is three lines (usage, hint, error); ours is one, naming the command.
            where = exc.ctx.command_path if exc.ctx is not None else "promo-workbook"
            click.echo(f"{where}: error: {safe(exc.format_message())} (see '{where} --help')", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"promo-workbook: error: {safe(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("promo-workbook: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PromoWorkbookError as exc:
            click.echo(f"promo-workbook: error: {safe(exc)}", err=True)
            sys.exit(exc.exit_code)
        except MemoryError:
            click.echo("promo-workbook: error: out of memory; the file is too big for this computer "
                       "(lower the [limits] in a --config file to refuse such files early)", err=True)
            sys.exit(2)
        except BrokenPipeError:
            # Output piped into `head` and closed early: not an error worth a message.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"promo-workbook: error: {safe(where + str(exc.strerror or exc))}", err=True)
            sys.exit(2)
        except (click.exceptions.Exit, click.exceptions.ClickException, click.exceptions.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug: one line for the user, the traceback on request
            if os.environ.get("PROMO_WORKBOOK_DEBUG"):
                raise
            click.echo(f"promo-workbook: internal error: {type(exc).__name__}: {safe(exc)} "
                       "(set PROMO_WORKBOOK_DEBUG=1 for details, and please report it)", err=True)
            sys.exit(2)


def _parse_channels(ctx, param, value):
    if not value:
        return []
    names = [part.strip() for part in value.replace("，", ",").split(",")]
    names = [n for n in names if n]
    if len(set(names)) != len(names):
        raise click.BadParameter("channel names repeat")
    return names


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="promo-workbook")
def cli():
    """Plan a product promotion in a spreadsheet, and check the plan.

    \b
    Examples:
      promo-workbook new plan.xlsx --lang zh-CN --example
      promo-workbook new plan.xlsx --campaign "Spring launch" --start 2026-03-01 --budget 50000
      promo-workbook check plan.xlsx --summary summary.xlsx --annotate plan-checked.xlsx
      promo-workbook rules T161
    """


@cli.command("new")
@click.argument("out", required=False, default="promo-plan.xlsx", metavar="[OUT]")
@click.option("--lang", type=click.Choice(LANGS), default=None,
              help="Workbook language (default: from the system locale, else en).")
@click.option("--campaign", help="Campaign name (Cover, footers, document title).")
@click.option("--product", help="Product being promoted.")
@click.option("--scenario", help="Scenario on the Cover: new_product, reactivation, brand or festival (or its label).")
@click.option("--start", callback=_parse_date, help="Campaign start date, YYYY-MM-DD.")
@click.option("--end", callback=_parse_date, help="Campaign end date, YYYY-MM-DD (default: start + 14 days).")
@click.option("--budget", type=click.FloatRange(min=0), help="Total budget.")
@click.option("--owner", help="Campaign owner.")
@click.option("--channels", callback=_parse_channels, help="Channel names, comma-separated: A,B,C.")
@click.option("--rows", type=click.IntRange(1, 100_000), help="Input rows per table (default: sized per table).")
@click.option("--example", is_flag=True, help="Fill in the planning toolkit's worked example.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
def new_command(out, lang, campaign, product, scenario, start, end, budget, owner, channels, rows, example, force):
    """Generate a new planning workbook at OUT (default promo-plan.xlsx).

    \b
    Examples:
      promo-workbook new                               # blank workbook, system language
      promo-workbook new plan.xlsx --lang zh-CN --example
      promo-workbook new q3.xlsx --lang en --start 2026-07-01 --end 2026-07-15 \\
          --budget 80000 --channels "Douyin,Xiaohongshu,WeChat"
    """
    from .outputs import Output, validate
    from .writer import NewOptions, generate

    if not out.lower().endswith((".xlsx", ".xlsm")):
        raise click.BadParameter("OUT must end in .xlsx", param_hint="OUT")
    validate([], [Output("OUT", out)], force=force)
    options = NewOptions(lang=lang or default_language(), campaign=campaign, product=product, scenario=scenario,
                         start=start,
                         end=end, budget=budget, owner=owner, channels=channels, rows=rows, example=example)
    with _progress("writing " + os.path.basename(out)):  # --rows 100000 takes a while
        path = generate(out, options)
    click.echo(f"wrote {path} ({options.lang}{', with the worked example' if example else ''})")


def _codes(ctx, param, value):
    codes = []
    for item in value or ():
        codes += [c.strip() for c in item.split(",") if c.strip()]
    return codes or None


def _mail_options(command):
    """The options that email the summary (docs/mail.md), shared by `check` and `summary`."""
    options = [
        click.option("--mail-to", "mail_to", multiple=True, metavar="ADDR[,ADDR...]",
                     help="Email the summary to these addresses (SMTP settings: [mail] in --config)."),
        click.option("--mail-cc", "mail_cc", multiple=True, metavar="ADDR[,ADDR...]", help="Copy the email to these."),
        click.option("--mail-from", "mail_from", metavar="ADDR", help="The sender (default: [mail] from)."),
        click.option("--mail-note", "mail_note", metavar="TEXT", help="A note to put at the top of the email."),
        click.option("--attach-annotated", is_flag=True, help="Attach the annotated copy too."),
        click.option("--eml", "eml_out", type=click.Path(path_type=str), metavar="OUT.eml",
                     help="Write the email as a draft to open in a mail client instead of sending it."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@cli.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str), metavar="PATH...")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text", show_default=True,
              help="Text for people, JSON for machines; jsonl: one report per line (several plans).")
@click.option("--lang", type=click.Choice(LANGS), default=None, help="Message language (default: the workbook's).")
@click.option("--select", multiple=True, callback=_codes, help="Only these rules: codes, prefixes or families (T16,X).")
@click.option("--ignore", multiple=True, callback=_codes, help="Skip these rules: codes, prefixes or families.")
@click.option("--today", callback=_parse_date, help="The date overdue items are judged against (default: today).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="TOML file with thresholds.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--summary", "summary_out", type=click.Path(path_type=str), metavar="OUT.xlsx",
              help="Also write the summary workbook (KPIs, budget, channels, findings, charts).")
@click.option("--annotate", "annotate_out", type=click.Path(path_type=str), metavar="OUT.xlsx",
              help="Also write a copy of FILE with each finding's cell highlighted and commented.")
@click.option("--jobs", type=click.IntRange(1, 256), default=None, help="Plans checked at once (default: CPU count).")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=str), metavar="REPORT.json",
              help="Report the findings of this earlier JSON report as accepted (docs/accepting.md).")
@click.option("--max-findings", "max_findings", type=click.IntRange(0), default=None, metavar="N",
              help="Print at most N findings (text: lines) and say how many were left out.")
@click.option("--force", is_flag=True, help="Overwrite outputs that exist.")
@_mail_options
def check_command(paths, fmt, lang, select, ignore, today, config_path, strict, summary_out, annotate_out, jobs,
                  baseline_path, max_findings, force, mail_to, mail_cc, mail_from, mail_note, attach_annotated,
                  eml_out):
    """Check completed plans for consistency, cell by cell.

    PATH: files, folders or globs; with several plans --summary/--annotate take a folder (docs/batch.md).
    Exit code 0 when clean, 1 when errors are found (with --strict, warnings too),
    2 when a file cannot be read or the command is misused. Plans are only ever read.

    \b
    Examples:
      promo-workbook check plan.xlsx
      promo-workbook check plan.xlsx --format json > report.json
      promo-workbook check plan.xlsx --select T16,X --ignore B --today 2026-03-20
      promo-workbook check plan.xlsx --baseline last-week.json
      promo-workbook check plan.xlsx --summary summary.xlsx --annotate plan-checked.xlsx
      promo-workbook check plan.xlsx --summary summary.xlsx --mail-to boss@example.com --config mail.toml
    """
    from .batch import command as batch
    from .checker.accept import load_baseline

    baseline = load_baseline(baseline_path) if baseline_path else None
    if batch.is_batch(paths, fmt):
        mail = (mail_to, mail_cc, mail_from, mail_note, attach_annotated, eml_out)
        sys.exit(batch.check_command(paths, fmt=fmt, jobs=jobs, strict=strict, summary_dir=summary_out, mail=mail,
                                     annotate_dir=annotate_out, config_path=config_path, lang=lang, select=select,
                                     ignore=ignore, today=today, baseline=baseline, force=force,
                                     max_findings=max_findings))
    from .checker import check
    from .checker.config import load_config
    from .checker.render import write_json, write_text

    file = paths[0]
    _check_outputs(file, force, summary=summary_out, annotate=annotate_out, eml=eml_out)
    config = load_config(config_path)
    mailing = _mail_prepare(file, config, config_path, mail_to, mail_cc, mail_from, mail_note, attach_annotated,
                            eml_out)
    with _deadline("check", file, config):
        with _progress("checking " + os.path.basename(file)):
            report = check(file, lang=lang, select=select, ignore=ignore, today=today, config=config,
                           baseline=baseline)
        # Written a finding at a time: a report of 600,000 findings is 240 MB as one string.
        _phase("writing the report")
        with _stdout_named():
            if fmt == "json":
                write_json(report, sys.stdout, limit=max_findings)
            else:
                write_text(report, sys.stdout, colour=sys.stdout.isatty() and not os.environ.get("NO_COLOR"),
                           limit=max_findings)
            sys.stdout.flush()
        _write_outputs(file, report, lang=lang, today=today, summary=summary_out, annotate=annotate_out)
        _mail_deliver(mailing, report, file, lang=lang, today=today, config=config, summary=summary_out,
                      annotated=annotate_out)
    sys.exit(report.exit_code(strict))


class _stdout_named:
    """A full disk under the report (`check > report.json`) says which output failed."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        from .atomic import write_problem
        from .errors import OutputFileError

        problem = write_problem(exc) if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError) else None
        if problem is not None:
            raise OutputFileError("standard output", problem) from None
        return False


@cli.command("summary")
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@click.option("-o", "--out", "out", type=click.Path(path_type=str), metavar="OUT.xlsx",
              help="Where to write the summary (default: FILE's name + '-summary.xlsx').")
@click.option("--lang", type=click.Choice(LANGS), default=None, help="Summary language (default: the workbook's).")
@click.option("--today", callback=_parse_date, help="The date overdue items are judged against (default: today).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="TOML file with thresholds (and [mail], the SMTP settings).")
@click.option("--force", is_flag=True, help="Overwrite outputs that exist.")
@_mail_options
def summary_command(file, out, lang, today, config_path, force, mail_to, mail_cc, mail_from, mail_note,
                    attach_annotated, eml_out):
    """Check a completed plan and write the summary workbook to email to a manager.

    The summary holds an Overview (verdict, completeness of each table), Goals, Budget,
    Channels, Daily trend and Findings (each linked to its cell in FILE), with charts.
    Every figure is a value; FILE is only ever read.

    \b
    Examples:
      promo-workbook summary plan.xlsx -o plan-summary.xlsx
      promo-workbook summary plan.xlsx --lang en --today 2026-03-20
      promo-workbook summary plan.xlsx --mail-to boss@example.com --config mail.toml
      promo-workbook summary plan.xlsx --mail-to boss@example.com --eml draft.eml
    """
    from pathlib import Path

    from .checker import check
    from .checker.config import load_config

    out = out or str(Path(file).with_name(Path(file).stem + "-summary.xlsx"))
    _check_outputs(file, force, summary=out, eml=eml_out)
    config = load_config(config_path)
    mailing = _mail_prepare(file, config, config_path, mail_to, mail_cc, mail_from, mail_note, attach_annotated,
                            eml_out)
    with _deadline("summary", file, config):
        with _progress("checking " + os.path.basename(file)):
            report = check(file, lang=lang, today=today, config=config)
        _write_outputs(file, report, lang=lang, today=today, summary=out)
        _mail_deliver(mailing, report, file, lang=lang, today=today, config=config, summary=out)


@cli.command("rules")
@click.argument("code", required=False)
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True, help="Language of the message samples.")
def rules_command(code, lang):
    """List every rule, or explain one: what it finds, why, a bad and a good example.

    \b
    Examples:
      promo-workbook rules
      promo-workbook rules T161
    """
    from .checker.registry import REGISTRY, all_rules

    rules = all_rules()
    if code is None:
        for rule in rules:
            click.echo(f"{rule.code}  {rule.severity:<7}  {rule.name:<38} {rule.what}")
        return
    rule = REGISTRY.get(code.upper())
    if rule is None:
        raise click.BadParameter(f"no rule {code!r}; `promo-workbook rules` lists them", param_hint="CODE")
    click.echo(f"{rule.code} {rule.name} ({rule.severity}, {rule.family}, docs/checks.md item {rule.item})\n")
    for title, text in (("What it finds", rule.what), ("Why it matters", rule.why), ("Bad", rule.bad), ("Good", rule.good)):
        click.echo(f"{title}:\n  {text}\n")
    click.echo(f"Message:\n  {rule.messages[lang]}")


@cli.command("export")
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option("--out", "out", type=click.Path(path_type=str),
              help="JSON: a file (default: standard output). CSV: a folder (default: FILE's name + '-csv').")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="TOML file; its [limits] section bounds what is read.")
@click.option("--force", is_flag=True, help="Overwrite outputs that exist.")
def export_command(file, fmt, out, config_path, force):
    """Read a completed workbook back into data: JSON, or one CSV per table.

    \b
    Examples:
      promo-workbook export plan.xlsx > plan.json
      promo-workbook export plan.xlsx --format csv --out plan-tables/
    """
    from pathlib import Path

    from . import export
    from .checker.config import load_config
    from .reader import read

    folder = Path(out) if out else Path(file).with_name(Path(file).stem + "-csv")
    if fmt == "csv":
        export.check_csv_folder(folder, file, force=force)
    elif out:
        from .outputs import Output, validate

        validate([file], [Output("--out", out)], force=force)
    config = load_config(config_path)
    with _deadline("export", file, config):
        _phase("reading")
        with _progress("reading " + os.path.basename(file)):
            plan = read(file, limits=config)
        _phase("writing the export")
        if fmt == "json":
            if out:
                click.echo(f"wrote {export.write_json(plan, Path(out), file)}", err=True)
            else:
                export.stream_json(plan, sys.stdout)
            return
        written = export.write_csv(plan, folder, file)
    click.echo(f"wrote {len(written)} CSV files to {folder}", err=True)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="TOML file: [web] settings and the check's thresholds (docs/web.md).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes (each with its own check workers).")
def serve_command(host, port, config_path, workers):
    """Serve the planning desk: the web page to download blank workbooks and check completed ones.

    Needs the web extra: pip install 'promo-workbook[web]'. Pages at http://HOST:PORT/
    (New plan, Check a plan, Rules) and an API under /api/ (docs/web.md).

    \b
    Examples:
      promo-workbook serve
      promo-workbook serve --host 0.0.0.0 --port 8080 --config team.toml --workers 2
    """
    import importlib.util

    missing = [name for name, modules in (("fastapi", ["fastapi"]), ("uvicorn", ["uvicorn"]), ("jinja2", ["jinja2"]),
                                          ("python-multipart", ["python_multipart", "multipart"]))
               if not any(importlib.util.find_spec(module) for module in modules)]
    if missing:
        raise click.ClickException(f"the web page needs the web extra ({', '.join(missing)} missing): "
                                   "pip install 'promo-workbook[web]'")
    import uvicorn

    from .web import app as web_app
    if config_path is not None:
        config_path = os.path.abspath(config_path)
        os.environ["PROMO_WORKBOOK_CONFIG"] = config_path  # for --workers, whose processes build their own app
    web_app.create_app(config_path)  # a bad config is one line and exit 2 before the server starts
    click.echo(f"promo-workbook: serving the planning desk on http://{host}:{port}/ (Ctrl+C stops)", err=True)
    uvicorn.run("promo_workbook.web:create_app", factory=True, host=host, port=port, workers=workers,
                access_log=False, proxy_headers=True, server_header=False, log_level="warning")

from .rollup.command import rollup_command  # noqa: E402  (`rollup`, issue 16: docs/batch.md)
cli.add_command(rollup_command)
