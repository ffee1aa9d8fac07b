# web: the planning desk, a web page for the whole team (issue 14). Needs the `web` extra.
"""The planning desk: download blank workbooks and check completed ones in a browser.

    create_app(config=None) -> FastAPI      the app factory (``promo-workbook serve`` runs it)

``pip install 'promo-workbook[web]'`` brings FastAPI, uvicorn, Jinja2 and python-multipart;
nothing else in promo-workbook imports this package.

Modules: app (the factory, shared state, the guard middleware, error pages), pages (HTML
routes), api (/api/*, /healthz), uploads (an upload into a job folder; running a job),
worker (the worker processes and their pool), engine (the only door into the library),
store (job folders and their tokens), forms (the New-plan options, file names), i18n and
words.yaml (three languages), charts (the report's key figures and SVG charts), config
(the ``[web]`` section). docs/web.md says how to run it.
"""
from __future__ import annotations

__all__ = ["create_app"]


def create_app(config=None):
    """The FastAPI app; ``config`` is a TOML file (``[web]`` and the check's sections), a
    WebSettings, or None ($PROMO_WORKBOOK_CONFIG, else the defaults)."""
    from .app import create_app as _create_app

    return _create_app(config)
