# i18n.py: the page's language (query, cookie, Accept-Language) and its words (words.yaml).
"""Pages are in zh-CN, zh-TW or en. The language is, in order: ``?lang=`` on the URL (the
switcher's links; remembered in the ``lang`` cookie), the cookie, the browser's
Accept-Language (zh-TW / zh-HK / zh-MO / zh-Hant -> zh-TW, other zh -> zh-CN), else English.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

__all__ = ["LANGS", "COOKIE", "Words", "words", "negotiate", "from_accept_language", "normalise"]

LANGS = ("zh-CN", "zh-TW", "en")
COOKIE = "lang"
HTML_LANG = {"zh-CN": "zh-Hans-CN", "zh-TW": "zh-Hant-TW", "en": "en"}


# Public API.

class Words:
    """The words of words.yaml: ``words.text(key, lang, **params)``."""

    def __init__(self, entries: dict):
        self.entries = entries

    def text(self, key: str, lang: str, **params) -> str:
        entry = self.entries.get(key)
        if entry is None:
            return key
        template = entry.get(lang) or entry.get("en") or ""
        return template.format(**params) if params else template

    def for_lang(self, lang: str):
        """``t(key, **params)`` in ``lang``, for a template."""
        return _Bound(self, lang)


@functools.lru_cache(maxsize=1)
def words() -> Words:
    import yaml

    data = yaml.safe_load((Path(__file__).with_name("words.yaml")).read_text(encoding="utf-8"))
    return Words({str(k): {str(lang): str(text) for lang, text in v.items()} for k, v in data.items()})


def normalise(value: str | None) -> str | None:
    """A language tag as one of LANGS, or None: zh-cn, zh_CN, zh-Hans -> zh-CN ..."""
    if not value:
        return None
    tag = value.strip().replace("_", "-").lower()
    if tag in ("zh-tw", "zh-hk", "zh-mo") or tag.startswith(("zh-hant", "zh-tw-", "zh-hk-", "zh-mo-")):
        return "zh-TW"
    if tag == "zh" or tag.startswith("zh-"):
        return "zh-CN"
    if tag == "en" or tag.startswith("en-"):
        return "en"
    return None


def from_accept_language(header: str | None) -> str | None:
    """The best of LANGS by the header's q-values (RFC 9110 §12.5.4), or None."""
    best, best_q = None, 0.0
    for part in (header or "")[:1000].split(",")[:30]:
        tag, _, params = part.strip().partition(";")
        match = re.search(r"q\s*=\s*([0-9.]+)", params)
        try:
            q = float(match.group(1)) if match else 1.0
        except ValueError:
            q = 0.0
        lang = normalise(tag)
        if lang and q > best_q:  # ties: the first listed wins
            best, best_q = lang, q
    return best


def negotiate(query: str | None, cookie: str | None, accept: str | None) -> tuple[str, bool]:
    """(language, whether to set the cookie)."""
    asked = normalise(query)
    if asked:
        return asked, asked != normalise(cookie)
    return normalise(cookie) or from_accept_language(accept) or "en", False


# Private API.

class _Bound:
    def __init__(self, words_: Words, lang: str):
        self.words, self.lang = words_, lang

    def __call__(self, key: str, **params) -> str:
        return self.words.text(key, self.lang, **params)
