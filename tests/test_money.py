"""Money: the strict form parser, the CSV parser and CLDR formatting (DESIGN §3); and the
other bounded parsers of what people type (``parse``: ids, anchors, codes, texts)."""

from __future__ import annotations

import time
import unicodedata

import pytest
from _helpers import english  # noqa: F401  (an autouse fixture)
from hypothesis import example, given
from hypothesis import strategies as st

from ruralcouncil.ledger import parse
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.money import (
    MAX_AMOUNT,
    format_amount,
    format_plain,
    parse_amount,
    parse_csv_amount,
)

tiyn = st.integers(min_value=0, max_value=MAX_AMOUNT)
EDGES = (0, 1, 99, 100, 101, 99_999, 100_000, 123_456_789, MAX_AMOUNT - 1, MAX_AMOUNT)


# --- round trips -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "ru"])
@given(amount=tiyn)
def test_kk_ru_display_round_trips(lang: str, amount: int) -> None:
    shown = format_amount(amount, lang)
    assert shown.endswith("\u00a0₸")
    assert parse_amount(shown) == amount
    assert parse_amount(format_amount(amount, lang, sign=False)) == amount


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("amount", EDGES)
def test_edges_round_trip(lang: str, amount: int) -> None:
    assert (
        parse_amount(
            format_amount(amount, lang, sign=False).replace(",", " ")
            if lang == "en"
            else format_amount(amount, lang)
        )
        == amount
    )


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@given(amount=st.integers(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT))
@example(amount=0)
@example(amount=-1)
def test_the_written_out_symbols_format_as_babel_does(lang: str, amount: int) -> None:
    """format_amount spells CLDR's ``#,##0.00`` itself (no Babel data at start-up): it must
    give exactly what Babel gives for the language's locale."""
    from babel.numbers import format_decimal

    from ruralcouncil.i18n import locale_name
    from ruralcouncil.ledger.money import tiyn_to_decimal

    cldr = format_decimal(tiyn_to_decimal(abs(amount)), format="#,##0.00", locale=locale_name(lang))
    assert format_amount(amount, lang, sign=False) == ("-" if amount < 0 else "") + cldr


def test_kk_ru_shape() -> None:
    assert format_amount(123_456_789, "kk") == "1\u00a0234\u00a0567,89\u00a0₸"
    assert format_amount(123_456_789, "ru") == "1\u00a0234\u00a0567,89\u00a0₸"
    assert format_amount(-150, "kk") == "-1,50\u00a0₸"
    assert "KZT" not in format_amount(100, "ru")


def test_en_shape() -> None:
    assert format_amount(123_456_789, "en") == "₸1,234,567.89"
    assert format_amount(-150, "en") == "-₸1.50"


@given(amount=tiyn)
def test_en_with_spaces_for_commas_round_trips(amount: int) -> None:
    assert parse_amount(format_amount(amount, "en", sign=False).replace(",", " ")) == amount


@given(amount=tiyn)
@example(amount=100_000)  # ₸1,000.00
def test_en_display_is_never_misread(amount: int) -> None:
    """English grouping uses commas, which the form parser refuses (DESIGN §3): pasting an
    English-formatted amount either gives back the same amount (below 1 000 ₸) or is refused,
    never read as a different number."""
    shown = format_amount(amount, "en")
    if amount < 100_000:
        assert parse_amount(shown) == amount
    else:
        with pytest.raises(InvalidInput):
            parse_amount(shown)


@given(amount=tiyn)
def test_plain_round_trips_through_csv(amount: int) -> None:
    text = format_plain(amount)
    assert parse_csv_amount(text) == amount
    assert parse_amount(text) == amount


def test_plain_shape() -> None:
    assert format_plain(1_500_050) == "15000.50"
    assert format_plain(5) == "0.05"
    assert format_plain(-5) == "-0.05"


# --- what a form accepts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 500", 150_000),
        ("1\u00a0500", 150_000),
        ("1\u202f500", 150_000),
        ("1500,5", 150_050),
        ("1500.50", 150_050),
        ("1500.5", 150_050),
        ("1500,05", 150_005),
        ("15 000 ₸", 1_500_000),
        ("15000₸", 1_500_000),
        ("15000тг", 1_500_000),
        ("15000 тг.", 1_500_000),
        ("₸ 15 000", 1_500_000),
        ("₸15000", 1_500_000),
        ("  1 234 567,89  ", 123_456_789),
        ("1,5", 150),
        ("1.50", 150),
        ("0,01", 1),
        ("1500", 150_000),
        ("0", 0),
        ("10000000000000", MAX_AMOUNT),
        ("10 000 000 000 000,00", MAX_AMOUNT),
    ],
)
def test_form_accepts(text: str, expected: int) -> None:
    assert parse_amount(text) == expected


# --- what a form refuses -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1,500",  # 1.5 or 1500?
        "1.500",
        "12,345",
        "999.000",
        "1e3",
        "1E3",
        "15_000",
        "-5",
        "−5",  # U+2212 minus sign
        "- 5",
        "+5",
        "1,234.56",
        "1.234,56",
        "1.2.3",
        "1,2,3",
        "1.234",
        "1,005",
        "1.999",
        "1500,505",
        "1 500.123",
        "",
        " ",
        "\u00a0\u202f\t",
        "₸",
        "тг",
        "10000000000000,01",
        "10000000000001",
        "99999999999999999999",
        "1  500",  # two separators
        "15 00",  # a group of two
        "1500 00",
        "1 5000",
        ",50",
        ".5",
        "5.",
        "5,",
        "NaN",
        "Infinity",
        "0x10",
        "1/2",
        "$5",
        "5 USD",
        "١٢٣",  # Arabic-Indic
        "１２３",  # full width
        "1\u2009500",  # thin space is not one of the three separators
    ],
)
def test_form_refuses(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_amount(text)


def test_ambiguous_message_says_so() -> None:
    with pytest.raises(InvalidInput, match="ambiguous"):
        parse_amount("1,500")
    with pytest.raises(InvalidInput, match="two decimals"):
        parse_amount("1,5001")
    with pytest.raises(InvalidInput, match="positive"):
        parse_amount("-5")
    with pytest.raises(InvalidInput, match="too large"):
        parse_amount("10000000000001")


non_ascii_digit = st.characters(categories=["Nd"]).filter(lambda c: not "0" <= c <= "9")


@given(digits=st.lists(non_ascii_digit, min_size=1, max_size=8), ascii_part=st.text("0123456789"))
def test_non_ascii_digits_refused(digits: list[str], ascii_part: str) -> None:
    """Decimal('١٢٣') is 123; a ledger amount is not."""
    for text in ("".join(digits), ascii_part + "".join(digits), "".join(digits) + ascii_part):
        with pytest.raises(InvalidInput):
            parse_amount(text)
        with pytest.raises(InvalidInput):
            parse_csv_amount(text)


@given(
    whole=st.integers(min_value=0, max_value=10**6),
    sep=st.sampled_from([",", "."]),
    frac=st.integers(min_value=0, max_value=999),
)
def test_lone_separator_before_three_digits_never_accepted(whole: int, sep: str, frac: int) -> None:
    with pytest.raises(InvalidInput):
        parse_amount(f"{whole}{sep}{frac:03d}")


@given(text=st.text(max_size=20))
def test_parser_result_is_always_in_range_or_refused(text: str) -> None:
    """Whatever is typed, the parser gives an amount in 0..MAX or refuses with InvalidInput."""
    try:
        value = parse_amount(text)
    except InvalidInput:
        return
    assert 0 <= value <= MAX_AMOUNT
    stripped = unicodedata.normalize("NFC", text)
    assert any(ch in "0123456789" for ch in stripped)


# --- CSV: exactly [0-9]+(\.[0-9]{1,2})? ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15000", 1_500_000),
        ("15000.5", 1_500_050),
        ("15000.50", 1_500_050),
        ("0.01", 1),
        ("007", 700),
        ("10000000000000", MAX_AMOUNT),
    ],
)
def test_csv_accepts(text: str, expected: int) -> None:
    assert parse_csv_amount(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "15 000",
        "15\u00a0000",
        "15000,50",
        "1,500",
        "15000.505",
        "15000.",
        ".5",
        "-5",
        "+5",
        "1e3",
        "15_000",
        "15000 ₸",
        "₸15000",
        "15000тг",
        " 15000",
        "15000 ",
        "",
        "1.2.3",
        "10000000000000.01",
        "١٢٣",
        "１２３",
        "15000\n",
    ],
)
def test_csv_refuses(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_csv_amount(text)


@given(text=st.text(alphabet="0123456789., -+e_₸", max_size=12))
def test_csv_exactness(text: str) -> None:
    import re

    pattern = re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", text, re.ASCII)
    try:
        value = parse_csv_amount(text)
    except InvalidInput:
        assert pattern is None or int(text.split(".")[0]) * 100 > MAX_AMOUNT
        return
    assert pattern is not None
    whole, _, frac = text.partition(".")
    assert value == int(whole) * 100 + int(frac.ljust(2, "0") or 0)


# --- issue 5, item 13: the edges that were read wrongly ----------------------------------


@pytest.mark.parametrize("text", ["0,500", "0.500", "0,001", "0.125"])
def test_a_leading_zero_before_three_decimals_is_too_precise_not_ambiguous(text: str) -> None:
    """ "1,500" may mean 1.5 or 1500; "0,500" cannot mean five hundred: too many decimals."""
    with pytest.raises(InvalidInput, match="more than two decimals") as refused:
        parse_amount(text)
    assert "ambiguous" not in str(refused.value)


@pytest.mark.parametrize(
    "text", ["₸1 500₸", "₸ 1 500 ₸", "тг1500тг", "₸1500 тг", "1500 ₸₸", "₸₸1500", "тг. 5 тг."]
)
def test_at_most_one_tenge_mark(text: str) -> None:
    with pytest.raises(InvalidInput, match="not a number of tenge"):
        parse_amount(text)


@pytest.mark.parametrize("length", [41, 1000, 100_000])
def test_amounts_thousands_of_digits_long_are_refused_quickly(length: int) -> None:
    for text in ("9" * length, "1 " + "000 " * (length // 4), "1," + "5" * length):
        started = time.perf_counter()
        with pytest.raises(InvalidInput) as refused:
            parse_amount(text)
        with pytest.raises(InvalidInput) as refused_csv:
            parse_csv_amount(text)
        assert time.perf_counter() - started < 0.5
        # The message quotes the start of what was typed, not all of it.
        assert len(str(refused.value)) < 200 and len(str(refused_csv.value)) < 200


def test_the_longest_real_amount_still_fits() -> None:
    written = "10 000 000 000 000,00 ₸"
    assert parse_amount(written) == MAX_AMOUNT
    assert parse_amount("₸ " + written[:-2]) == MAX_AMOUNT


# --- the other bounded parsers (parse.py): ids, anchors, codes, texts --------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", 1), (" 42 ", 42), ("007", 7), ("9" * 18, 10**18 - 1)],
)
def test_ids_accepted(text: str, expected: int) -> None:
    assert parse.parse_id(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1" + "0" * 18, "too large"),  # 19 digits: past what SQLite's integers hold
        ("9" * 5000, "too large"),
        ("0", "between"),
        ("-1", "digits 0-9"),
        ("+1", "digits 0-9"),
        ("١", "digits 0-9"),  # Arabic-Indic one
        ("²", "digits 0-9"),
        ("１", "digits 0-9"),
        ("1e3", "digits 0-9"),
        ("1_000", "digits 0-9"),
        ("", "digits 0-9"),
        ("\udcff", "digits 0-9"),  # a byte that was not UTF-8, from the command line
    ],
)
def test_ids_refused(text: str, message: str) -> None:
    started = time.perf_counter()
    with pytest.raises(InvalidInput, match=message) as refused:
        parse.parse_id(text)
    assert time.perf_counter() - started < 0.5
    assert len(str(refused.value)) < 200


def test_anchor_accepted() -> None:
    digest = "ab" * 32
    assert parse.parse_anchor(f"12:{digest}") == (12, digest)
    assert parse.parse_anchor(f" 12 : {digest.upper()} ") == (12, digest)


@pytest.mark.parametrize(
    "text",
    [
        "١:" + "a" * 64,  # once read as entry 1
        "１:" + "a" * 64,
        "²:" + "a" * 64,
        "0:" + "a" * 64,
        "-1:" + "a" * 64,
        "1" * 19 + ":" + "a" * 64,
        "1:" + "a" * 63,
        "1:" + "a" * 65,
        "1:" + "g" * 64,
        "1:" + "٠" * 64,
        "1" + "a" * 64,
        ":" + "a" * 64,
        "",
        "9" * 100_000 + ":" + "a" * 64,
    ],
)
def test_anchor_refused(text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(InvalidInput, match="N:HEX"):
        parse.parse_anchor(text)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("text", ["ROADS", "TAX-LAND", "A", "X" * 24, " FINES "])
def test_codes_accepted(text: str) -> None:
    assert parse.parse_code(text) == text.strip()


@pytest.mark.parametrize(
    "text", ["roads", "1ROADS", "-X", "X" * 25, "ROADS;", "RОADS", "", "RO\nADS", "Ｒ"]
)
def test_codes_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="capital Latin letters"):
        parse.parse_code(text)


def test_free_text_is_trimmed_nfc_and_bounded() -> None:
    assert parse.clean_text("Name", "  Ки\u0306зылжар  ") == "Кйзылжар"
    assert parse.clean_text("Name", "a\tb") == "a\tb"
    assert parse.clean_text("Name", "two\nlines", multiline=True) == "two\nlines"
    for bad, message in (
        ("x" * 501, "longer than 500"),
        ("a\x00b", "control"),
        ("two\nlines", "control"),
        ("\ud800", "not text"),
    ):
        with pytest.raises(InvalidInput, match=message):
            parse.clean_text("Name", bad)
    with pytest.raises(InvalidInput, match="required"):
        parse.clean_text("Name", "   ", required=True)


def test_a_list_of_entry_numbers() -> None:
    """What a reconciliation's unpresented and unbanked entries are typed as, in the window
    and on the command line alike."""
    assert parse.parse_ids("412, 415;7", "The entry") == [412, 415, 7]
    assert parse.parse_ids("", "The entry") == [] and parse.parse_ids(" , ") == []
    assert parse.parse_ids(", ".join(str(n) for n in range(1, 101))) == list(range(1, 101))
    for text in ("412, x", "0", "-3", "1.5", "12345678901234567890"):
        with pytest.raises(InvalidInput):
            parse.parse_ids(text, "The entry")
