"""Dates: exactly YYYY-MM-DD in files (DESIGN §3), whole as typed in forms, and shown one way."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from _helpers import english, fresh_python  # noqa: F401  (english: an autouse fixture)
from hypothesis import given
from hypothesis import strategies as st

from ruralcouncil import i18n
from ruralcouncil.ledger.dates import (
    FIRST_YEAR,
    LAST_YEAR,
    parse_date,
    parse_typed_date,
    parse_year,
    shown_date,
    shown_time,
)
from ruralcouncil.ledger.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-02-03", date(2025, 2, 3)),
        ("2024-02-29", date(2024, 2, 29)),
        ("2000-02-29", date(2000, 2, 29)),
        ("2025-12-31", date(2025, 12, 31)),
        ("1991-01-01", date(1991, 1, 1)),
    ],
)
def test_accepts_real_dates(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "20250203",
        "2025-W05-1",
        "2025W051",
        "2025-034",  # ordinal date
        "2025-02-30",
        "2025-02-29",
        "2100-02-29",
        "2025-13-01",
        "2025-00-10",
        "2025-01-00",
        "2025-04-31",
        "2025-2-3",
        "2025-02-3",
        "25-02-03",
        " 2025-02-03",
        "2025-02-03 ",
        "2025-02-03\n",
        "2025-02-03T00:00",
        "2025-02-03 00:00",
        "2025-02-03Z",
        "2025/02/03",
        "03.02.2025",
        "2025-02-03+05:00",
        "+2025-02-03",
        "",
        "２０２５-０２-０３",  # full-width digits
        "٢٠٢٥-٠٢-٠٣",  # Arabic-Indic digits
        "1990-12-31",  # before the tenge
        "2201-01-01",
    ],
)
def test_refuses(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_date(text)


@given(st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR, 12, 31)))
def test_every_real_date_round_trips(value: date) -> None:
    assert parse_date(value.isoformat()) == value


@given(st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR, 12, 31)))
def test_compact_and_week_forms_refused(value: date) -> None:
    """``date.fromisoformat`` takes these; the ledger does not."""
    compact = value.strftime("%Y%m%d")
    iso_year, week, weekday = value.isocalendar()
    week_form = f"{iso_year:04d}-W{week:02d}-{weekday}"
    for text in (compact, week_form):
        assert date.fromisoformat(text) == value
        with pytest.raises(InvalidInput):
            parse_date(text)


non_ascii_digit = st.characters(categories=["Nd"]).filter(lambda c: not "0" <= c <= "9")


@given(
    st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR, 12, 31)),
    non_ascii_digit,
    st.integers(min_value=0, max_value=9),
)
def test_non_ascii_digits_refused(value: date, digit: str, where: int) -> None:
    text = value.isoformat()
    positions = [i for i, ch in enumerate(text) if ch.isdigit()]
    i = positions[where % len(positions)]
    with pytest.raises(InvalidInput):
        parse_date(text[:i] + digit + text[i + 1 :])


def test_message_names_the_problem() -> None:
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        parse_date("20250203")
    with pytest.raises(InvalidInput, match="does not exist"):
        parse_date("2025-02-29")


@pytest.mark.parametrize("text", ["2025", "1991", "2200"])
def test_year_accepts(text: str) -> None:
    assert parse_year(text) == int(text)


@pytest.mark.parametrize("text", ["25", "02025", "1990", "2201", "２０２５", " 2025", "2025.0", ""])
def test_year_refuses(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_year(text)


@pytest.mark.parametrize("text", ["2" * 100_000, "2025-02-03" + " " * 100_000, "\udcff" * 50])
def test_long_or_undecodable_input_is_refused_quickly_and_shown_short(text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(InvalidInput, match="YYYY-MM-DD") as refused:
        parse_date(text)
    assert time.perf_counter() - started < 0.5
    assert len(str(refused.value)) < 200
    with pytest.raises(InvalidInput, match="four digits") as refused:
        parse_year(text)
    assert len(str(refused.value)) < 200


# --- dates as typed in forms, and as messages show them ----------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "15.03.2026",
        "15032026",
        "15/03/2026",
        "2026-03-15",
        " 15.03.2026 ",
    ],
)
def test_typed_date_is_exactly_what_was_typed(text: str) -> None:
    assert parse_typed_date(text) == date(2026, 3, 15)


def test_typed_date_short_day_and_month() -> None:
    assert parse_typed_date("5.3.2026") == date(2026, 3, 5)
    assert parse_typed_date("05.3.2026") == date(2026, 3, 5)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Enter a date"),
        ("   ", "Enter a date"),
        ("15.03.26", "year of the date '15.03.26' in full"),
        ("150326", "in full"),
        ("15.03", "must be written as day, month and year, for example 15/03/2026"),
        ("1503202", "must be written as day, month and year"),
        ("150320266", "must be written as day, month and year"),
        ("15-03-2026", "must be written as day, month and year"),
        ("15.03/2026", "must be written as day, month and year"),  # two kinds of separator
        ("15..03.2026", "must be written as day, month and year"),
        ("１５.０３.２０２６", "must be written as day, month and year"),  # full-width digits
        ("31.02.2026", "date '31.02.2026' does not exist"),
        ("29022025", "does not exist"),
        ("00.01.2026", "does not exist"),
        ("15.13.2026", "does not exist"),
        ("31.12.1990", "outside the years 1991-2200"),
        ("01.01.2201", "outside the years"),
    ],
)
def test_typed_date_refusals_say_why(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_typed_date(text)
    assert says in str(refused.value)


def test_a_typed_date_that_is_huge_is_refused_short() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_typed_date("1" * 100_000)
    assert len(str(refused.value)) < 200


@given(st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR, 12, 31)))
def test_every_date_shown_in_any_language_reads_back(value: date) -> None:
    """What a form shows (in the user's language) and its digits alone both read back."""
    before = i18n.language()
    try:
        for lang in i18n.LANGUAGES:
            i18n.set_language(lang)
            assert parse_typed_date(shown_date(value)) == value
        assert parse_typed_date(value.strftime("%d%m%Y")) == value
    finally:
        i18n.set_language(before)


def test_shown_date_is_the_forms_format() -> None:
    before = i18n.language()
    try:
        i18n.set_language("kk")
        assert shown_date(date(2026, 4, 20)) == "20.04.2026"
        assert shown_date("2026-04-20") == "20.04.2026"  # as stored
        i18n.set_language("ru")
        assert shown_date("2026-04-20") == "20.04.2026"
        i18n.set_language("en")
        assert shown_date("2026-04-20") == "20/04/2026"
    finally:
        i18n.set_language(before)
    assert shown_date("not a date") == "not a date"


@given(st.dates())
def test_shown_dates_are_the_locales_own(value: date) -> None:
    """A date is written without Babel's locale data, yet exactly as Babel writes it with
    CLDR's pattern for each language: English's is the short date of en_GB, which a newer
    CLDR could change (this test then says so); Kazakh's and Russian's is our own."""
    from babel.dates import format_date as babel_format_date

    for lang in i18n.LANGUAGES:
        pattern = "short" if lang == "en" else "dd.MM.y"
        expected = babel_format_date(value, format=pattern, locale=i18n.locale_name(lang))
        assert i18n.format_date(value, lang) == expected


def test_shown_dates_load_no_locale_data() -> None:
    """The ledger page's first visit wrote its dates with Babel, whose first date (its
    import and the locale's data) took 30-40 ms."""
    done = fresh_python(
        "import sys; from datetime import date; from ruralcouncil import i18n; "
        "day = date(2026, 4, 20); "
        "print(i18n.format_date(day, 'kk'), i18n.format_date(day, 'en'), 'babel' in sys.modules)"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["20.04.2026", "20/04/2026", "False"]


@pytest.fixture
def almaty(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This PC's clock in Kazakhstan's time (UTC+5, no summer time)."""
    monkeypatch.setenv("TZ", "ALMT-5")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_recorded_times_show_in_local_time(almaty: None) -> None:
    before = i18n.language()
    try:
        i18n.set_language("kk")
        # Stored in UTC late on 1 December: it was already 2 December in the village.
        assert shown_time("2026-12-01T21:47:12+00:00") == "02.12.2026 02:47"
        assert shown_time(datetime(2026, 12, 1, 21, 47, tzinfo=UTC)) == "02.12.2026 02:47"
        assert shown_time("2026-12-02T02:47:12+05:00") == "02.12.2026 02:47"
        i18n.set_language("en")
        assert shown_time("2026-12-01T21:47:12+00:00") == "02/12/2026 02:47"
    finally:
        i18n.set_language(before)
    assert shown_time("garbled") == "garbled"
