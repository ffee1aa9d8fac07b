# terminal.py: text that is safe to print on a terminal.
"""Cell text, sheet names and file names come from untrusted files. An escape sequence in one
could recolour, retitle or clear the reader's terminal, and a newline could forge a line of a
report or turn a one-line error into two. ``safe`` shows control characters as escapes
(``\\x1b``), a newline as ``\\n`` and a tab as a space."""
from __future__ import annotations

import re

__all__ = ["safe"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SHOWN = {"\n": "\\n", "\t": " "}


def safe(text) -> str:
    return _CONTROL.sub(lambda m: _SHOWN.get(m.group()) or f"\\x{ord(m.group()):02x}", str(text))
