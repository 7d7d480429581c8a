"""Names in the order of the Kazakh alphabet (which contains the Russian one), not in the
order of Unicode, where Ә, Ғ, Қ, Ң, Ө, Ұ, Ү, Һ and І come after Я."""

from __future__ import annotations

# The Kazakh Cyrillic alphabet; Latin letters and anything else follow it, in Unicode order.
_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_RANK = {letter: n for n, letter in enumerate(_ALPHABET)}
_AFTER = len(_ALPHABET)


def sort_key(text: str) -> tuple[int, ...]:
    """A key that orders names as a Kazakh or Russian reader expects (case ignored)."""
    return tuple(_RANK.get(ch, _AFTER + ord(ch)) for ch in text.casefold())
