"""The command line: parse, call the library, render, exit. The only module that uses click.

Exit codes: 0 success / clean, 1 findings with errors, 2 unusable input or misuse.
Heavy imports (xlsxwriter, openpyxl, pandas) happen inside commands, so --help stays fast.
"""
from __future__ import annotations

import datetime as dt
import locale
import os
import sys

import click

from . import __version__
from .errors import PromoWorkbookError

LANGS = ("zh-CN", "zh-TW", "en")


# Public API.

def main(argv=None) -> None:
    try:
        cli.main(args=argv, prog_name="promo-workbook", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("promo-workbook: interrupted", err=True)
        sys.exit(130)


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
    """Turn the library's own errors into one line and exit code 2, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PromoWorkbookError as exc:
            click.echo(f"promo-workbook: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"promo-workbook: error: {where}{exc.strerror or exc}", err=True)
            sys.exit(2)


def _parse_date(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-03-01") from None


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
    """


@cli.command("new")
@click.argument("out", required=False, default="promo-plan.xlsx", metavar="[OUT]")
@click.option("--lang", type=click.Choice(LANGS), default=None,
              help="Workbook language (default: from the system locale, else en).")
@click.option("--campaign", help="Campaign name (Cover, footers, document title).")
@click.option("--product", help="Product being promoted.")
@click.option("--start", callback=_parse_date, help="Campaign start date, YYYY-MM-DD.")
@click.option("--end", callback=_parse_date, help="Campaign end date, YYYY-MM-DD (default: start + 14 days).")
@click.option("--budget", type=click.FloatRange(min=0), help="Total budget.")
@click.option("--owner", help="Campaign owner.")
@click.option("--channels", callback=_parse_channels, help="Channel names, comma-separated: A,B,C.")
@click.option("--rows", type=click.IntRange(1, 100_000), help="Input rows per table (default: sized per table).")
@click.option("--example", is_flag=True, help="Fill in the planning toolkit's worked example.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
def new_command(out, lang, campaign, product, start, end, budget, owner, channels, rows, example, force):
    """Generate a new planning workbook at OUT (default promo-plan.xlsx).

    \b
    Examples:
      promo-workbook new                               # blank workbook, system language
      promo-workbook new plan.xlsx --lang zh-CN --example
      promo-workbook new q3.xlsx --lang en --start 2026-07-01 --end 2026-07-15 \\
          --budget 80000 --channels "Douyin,Xiaohongshu,WeChat"
    """
    from .writer import NewOptions, generate

    if not out.lower().endswith((".xlsx", ".xlsm")):
        raise click.BadParameter("OUT must end in .xlsx", param_hint="OUT")
    if os.path.isdir(out):
        raise click.BadParameter(f"{out} is a folder", param_hint="OUT")
    if os.path.exists(out) and not force:
        raise click.UsageError(f"{out} already exists; use --force to overwrite it")
    options = NewOptions(lang=lang or default_language(), campaign=campaign, product=product, start=start,
                         end=end, budget=budget, owner=owner, channels=channels, rows=rows, example=example)
    path = generate(out, options)
    click.echo(f"wrote {path} ({options.lang}{', with the worked example' if example else ''})")
