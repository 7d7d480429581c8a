"""Names sort as a Kazakh or Russian reader expects, not in Unicode's order."""

from __future__ import annotations

from ruralcouncil.ledger.collation import sort_key


def test_kazakh_letters_take_their_place_in_the_alphabet() -> None:
    names = ["Яков", "Zed", "Әсел", "Дана", "Ірина", "марат", "Айдос", "Ерлан", "Ұлан", "Уәли"]
    assert sorted(names, key=sort_key) == [
        "Айдос",
        "Әсел",
        "Дана",
        "Ерлан",
        "марат",
        "Уәли",
        "Ұлан",
        "Ірина",
        "Яков",
        "Zed",
    ]
    assert sorted(names) != sorted(names, key=sort_key)  # what Unicode's order would give
