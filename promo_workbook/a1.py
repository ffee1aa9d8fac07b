"""A1 references: column letters and 0-based column indexes, the one home for both."""
from __future__ import annotations

__all__ = ["col_index", "col_letter"]


def col_letter(index: int) -> str:
    """0-based column index to letters: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """Column letters to a 0-based index: A -> 0, AA -> 26 (either case)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1
