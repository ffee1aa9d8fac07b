"""Helpers for the planning desk's tests (tests/test_web*.py)."""
import importlib.util
import os

import pytest

WEB_STACK = ("fastapi", "uvicorn", "jinja2", "multipart", "httpx")


def web_stack_missing() -> list[str]:
    return [name for name in WEB_STACK if importlib.util.find_spec(name) is None]


def is_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


# The web extra is part of the test extra; without it the tests skip, except in CI (CI=true),
# where a missing package is a failure.
requires_web = pytest.mark.skipif(
    bool(web_stack_missing()) and not is_ci(),
    reason=f"the web extra is not installed ({', '.join(web_stack_missing())}): pip install -e '.[test]'",
)
