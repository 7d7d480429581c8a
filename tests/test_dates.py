"""Dates: exactly YYYY-MM-DD and a real calendar date (DESIGN §3)."""

from __future__ import annotations

import time
from datetime import date

import pytest
from _helpers import english  # noqa: F401  (an autouse fixture)
from hypothesis import given
from hypothesis import strategies as st

from ruralcouncil.ledger.dates import FIRST_YEAR, LAST_YEAR, parse_date, parse_year
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
