# command.py: `promo-workbook rollup PATH... -o portfolio.xlsx`.
"""The rollup's command; cli.py registers it. Imports only click at import time."""
from __future__ import annotations

import os

import click

from ..cli_options import parse_date as _date

__all__ = ["rollup_command"]


@click.command("rollup")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str), metavar="PATH...")
@click.option("-o", "--out", "out", required=True, type=click.Path(path_type=str), metavar="OUT.xlsx",
              help="Where to write the portfolio workbook.")
@click.option("--lang", type=click.Choice(["zh-CN", "zh-TW", "en"]), default=None,
              help="Portfolio language (default: the first plan's).")
@click.option("--today", callback=_date, help="The date campaigns' status is judged against (default: today).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="TOML file with thresholds.")
@click.option("--jobs", type=click.IntRange(1, 256), default=None, help="Plans read at once (default: CPU count).")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
def rollup_command(paths, out, lang, today, config_path, jobs, force):
    """Roll many plans up into one portfolio workbook: campaigns, channels, calendar, findings.

    PATH: files, folders (searched for workbooks) or globs, as for `check`. Plans are only
    ever read; every figure in OUT is a value (docs/batch.md).

    \b
    Examples:
      promo-workbook rollup plans/ -o portfolio.xlsx
      promo-workbook rollup "2026/*.xlsx" -o portfolio.xlsx --lang zh-CN --jobs 4
    """
    from ..batch import expand
    from ..batch.command import Progress
    from ..batch.engine import load_config
    from ..outputs import Output, validate
    from . import rollup

    files = expand(paths)
    if os.path.exists(out):  # a portfolio written into the folder it rolls up is not one of its plans
        from ..atomic import same_file
        files = [f for f in files if not same_file(f, out)]
    validate(files, [Output("-o", out)], force=force)

    config = load_config(config_path) if config_path else None
    progress = Progress(max(1, len(files)))
    done = rollup(paths, out, lang=lang, jobs=jobs, today=today, config=config, on_record=lambda r: progress.step())
    progress.clear()
    for _file, error in done.unreadable:
        click.echo(f"promo-workbook: error: {error}", err=True)
    click.echo(f"wrote {done.path} ({len(done.plans)} plans, {len(done.unreadable)} unreadable, "
               f"{len(done.channels)} channels)", err=True)
    if done.unreadable:
        raise SystemExit(2)
