"""The catalogue read message by message answers as the standard library's reader, which
reads the whole file at once: for the shipped catalogues, for any catalogue Babel compiles,
in either byte order, and it refuses the files the standard reader refuses."""

from __future__ import annotations

import gettext
import io
import random
import struct
from collections.abc import Callable

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from hypothesis import given, settings
from hypothesis import strategies as st

from ruralcouncil import i18n
from ruralcouncil.mofile import Catalogue

LANGS = [lang for lang in i18n.LANGUAGES if lang != "en"]


def _both(data: bytes) -> tuple[Catalogue, gettext.GNUTranslations]:
    return Catalogue(io.BytesIO(data)), gettext.GNUTranslations(io.BytesIO(data))


def _same_answers(data: bytes, asked: list[str]) -> None:
    lazy, whole = _both(data)
    assert lazy.charset() == whole.charset() and lazy.info() == whole.info()
    for n in range(0, 130):
        assert lazy.plural(n) == whole.plural(n)
    for message in asked:
        assert lazy.gettext(message) == whole.gettext(message)
        for n in (0, 1, 2, 3, 4, 5, 11, 21, 22, 25, 101, 111):
            assert lazy.ngettext(message, message + " (plural)", n) == whole.ngettext(
                message, message + " (plural)", n
            )
    # Every message asked for: the same catalogue, key for key.
    for key in whole._catalog:
        lazy.gettext(key[0] if isinstance(key, tuple) else key)
    assert lazy._catalog == whole._catalog


@pytest.mark.parametrize("lang", LANGS)
def test_the_shipped_catalogues_answer_as_the_standard_reader(lang: str) -> None:
    data = i18n.compiled_path(lang).read_bytes()
    whole = gettext.GNUTranslations(io.BytesIO(data))
    messages = sorted({key[0] if isinstance(key, tuple) else key for key in whole._catalog})
    assert len(messages) > 1000  # the real catalogue, not an empty one
    _same_answers(data, [*messages, "not in the catalogue", "Ledger ", "ledger"])


def test_the_program_reads_its_catalogues_this_way() -> None:
    i18n.reload_catalogues()
    try:
        assert isinstance(i18n._translations("kk"), Catalogue)
        i18n.set_language("kk")
        assert i18n._("Ledger") != "Ledger"
    finally:
        i18n.set_language("en")
        i18n.reload_catalogues()


def _compiled(entries: list[tuple[str, str | tuple[str, ...], str | None]], locale: str) -> bytes:
    catalog = Catalog(locale=locale, domain="test")
    for msgid, msgstr, plural in entries:
        if plural is None:
            catalog.add(msgid, msgstr)
        else:
            catalog.add((msgid, plural), msgstr)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def _big_endian(data: bytes) -> bytes:
    """The same catalogue with its numbers written big-endian, as some machines write it."""
    count, originals, translations = struct.unpack("<3I", data[8:20])
    header = struct.unpack("<7I", data[:28])
    swapped = bytearray(data)
    swapped[:28] = struct.pack(">7I", *header)
    for start in (originals, translations):
        table = struct.unpack_from(f"<{2 * count}I", data, start)
        struct.pack_into(f">{2 * count}I", swapped, start, *table)
    return bytes(swapped)


def _reordered(data: bytes, rng: random.Random) -> bytes:
    """The same catalogue with its messages listed in another order (the two tables in
    step): GNU gettext's own reader needs byte order, Python's does not. The header stays
    first, where Python's reader needs it (it decodes each message as it comes, with the
    charset the header names)."""
    count, originals, translations = struct.unpack("<3I", data[8:20])
    rest = list(range(1, count))
    rng.shuffle(rest)
    order = [0, *rest]
    moved = bytearray(data)
    for start in (originals, translations):
        table = struct.unpack_from(f"<{2 * count}I", data, start)
        rows = [table[2 * i : 2 * i + 2] for i in order]
        struct.pack_into(f"<{2 * count}I", moved, start, *(n for row in rows for n in row))
    return bytes(moved)


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0\x04"),
    min_size=1,
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(
    entries=st.dictionaries(
        _TEXT,
        st.one_of(
            _TEXT.map(lambda text: (text, None)),
            st.tuples(st.lists(_TEXT, min_size=1, max_size=4), _TEXT),
        ),
        max_size=25,
    ),
    absent=st.lists(_TEXT, max_size=5),
    locale=st.sampled_from(["kk", "ru", "en", "ja"]),
    big_endian=st.booleans(),
    shuffle=st.one_of(st.none(), st.randoms(use_true_random=False)),
)
def test_any_catalogue_answers_as_the_standard_reader(
    entries: dict[str, tuple[str | list[str], str | None]],
    absent: list[str],
    locale: str,
    big_endian: bool,
    shuffle: random.Random | None,
) -> None:
    rows: list[tuple[str, str | tuple[str, ...], str | None]] = []
    for msgid, (msgstr, plural) in entries.items():
        if plural is None:
            assert isinstance(msgstr, str)
            rows.append((msgid, msgstr, None))
        else:
            rows.append((msgid, tuple(msgstr), plural))
    data = _compiled(rows, locale)
    if shuffle is not None:
        data = _reordered(data, shuffle)
    if big_endian:
        data = _big_endian(data)
    _same_answers(data, [*entries, *absent])


def test_a_catalogue_without_a_header_has_no_metadata() -> None:
    """Two messages and no empty original: the standard reader's defaults."""
    first, second = b"hello", b"world"
    strings = 28 + 32
    layout = [(first, b"Bonjour"), (second, b"Monde")]
    offset = strings
    originals, translations, blob = [], [], b""
    for original, _translated in layout:
        originals += [len(original), offset]
        blob += original + b"\0"
        offset += len(original) + 1
    for _original, translated in layout:
        translations += [len(translated), offset]
        blob += translated + b"\0"
        offset += len(translated) + 1
    data = (
        struct.pack("<7I", 0x950412DE, 0, 2, 28, 44, 0, 0)
        + struct.pack("<4I", *originals)
        + struct.pack("<4I", *translations)
        + blob
    )
    _same_answers(data, ["hello", "world", "other"])
    assert Catalogue(io.BytesIO(data)).gettext("hello") == "Bonjour"


def _sample() -> bytes:
    return _compiled(
        [("Ledger", "Журнал", None), ("{n} entry", ("{n} жазба",), "{n} entries")], "kk"
    )


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda d: b"\0\0\0\0" + d[4:], id="bad magic number"),
        pytest.param(lambda d: d[:4] + struct.pack("<I", 7 << 16) + d[8:], id="bad version"),
        pytest.param(lambda d: d[:24], id="tables cut off"),
        pytest.param(lambda d: d[:-3], id="a string runs past the end"),
        pytest.param(lambda d: d[:8] + struct.pack("<I", 10**6) + d[12:], id="count too large"),
    ],
)
def test_a_damaged_file_is_refused_as_the_standard_reader_refuses_it(
    damage: Callable[[bytes], bytes],
) -> None:
    data = damage(_sample())
    with pytest.raises(OSError):
        Catalogue(io.BytesIO(data))
    with pytest.raises((OSError, struct.error)):
        gettext.GNUTranslations(io.BytesIO(data))


def test_a_damaged_translation_is_shown_in_english_and_the_rest_translated() -> None:
    data = bytearray(_sample())
    text = "Журнал".encode()
    at = bytes(data).index(text)
    data[at : at + 2] = b"\xff\xfe"  # no longer UTF-8
    catalogue = Catalogue(io.BytesIO(bytes(data)))
    assert catalogue.gettext("Ledger") == "Ledger"
    assert catalogue.ngettext("{n} entry", "{n} entries", 1) == "{n} жазба"
    with pytest.raises(UnicodeDecodeError):
        gettext.GNUTranslations(io.BytesIO(bytes(data)))  # the standard reader refuses it


def test_originals_out_of_order_are_put_in_order_first() -> None:
    """A file in byte order (as msgfmt and Babel write it) is searched as it is; one in
    another order is sorted once, and answers the same."""
    data = _compiled([(f"message {i}", f"перевод {i}", None) for i in range(40)], "ru")
    in_order = Catalogue(io.BytesIO(data))
    assert in_order._positions is None
    moved = _reordered(data, random.Random(7))
    out_of_order = Catalogue(io.BytesIO(moved))
    assert out_of_order._positions is not None
    _same_answers(moved, [f"message {i}" for i in range(42)])
    assert out_of_order.gettext("message 17") == "перевод 17"
