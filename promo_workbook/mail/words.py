# words.py: what the email says, in zh-CN, zh-TW and en.
"""The email's words are data: the ``mail`` section of templates/summary.yaml, loaded (and held
to three languages with the same {placeholders}) with the summary's words.
``text(key, lang, **params)``; English counts are made plural by ``count(n, word, lang)``."""
from __future__ import annotations

from ..summary.words import words

__all__ = ["text", "count", "verdict", "headline", "tally"]

_EN_NOUNS = {"error": ("error", "errors"), "warning": ("warning", "warnings"), "info": ("info", "infos")}


# Public API.

def text(key: str, lang: str, **params) -> str:
    """The mail section's ``key`` ("headline.errors") in ``lang``, filled with ``params``."""
    return words().text(f"mail.{key}", lang, **params)


def count(n: int, word: str, lang: str) -> str:
    """``3`` in Chinese (the noun is in the sentence), ``3 errors`` / ``1 error`` in English."""
    number = f"{n:,}"
    if lang != "en":
        return number
    one, many = _EN_NOUNS[word]
    return f"{number} {one if n == 1 else many}"


def verdict(counts: dict, lang: str) -> str:
    """The subject's verdict: "3 个错误，5 个警告", or "passed, ..." when neither."""
    if not counts.get("error") and not counts.get("warning"):
        return text("passed", lang)
    return text("counts", lang, errors=count(counts.get("error", 0), "error", lang),
                warnings=count(counts.get("warning", 0), "warning", lang))


def headline(counts: dict, lang: str) -> tuple[str, str]:
    """The body's first line and its tone (bad, warn, good)."""
    errors, warnings = counts.get("error", 0), counts.get("warning", 0)
    if errors:
        return text("headline.errors", lang, errors=count(errors, "error", lang)), "bad"
    if warnings:
        return text("headline.warnings", lang, warnings=count(warnings, "warning", lang)), "warn"
    return text("headline.ok", lang), "good"


def tally(counts: dict, lang: str) -> str:
    return text("tally", lang, errors=count(counts.get("error", 0), "error", lang),
                warnings=count(counts.get("warning", 0), "warning", lang),
                infos=count(counts.get("info", 0), "info", lang))
