"""Money is an integer count of tiyn (1/100 tenge). Decimal only parses and formats."""

from __future__ import annotations

import re
from decimal import Decimal

from ruralcouncil.i18n import _, language
from ruralcouncil.ledger.errors import InvalidInput

# A cap far above any village budget keeps every sum well inside SQLite's 64-bit integers.
MAX_AMOUNT = 10**15
TENGE_SIGN = "₸"

_GROUP_SEPARATORS = " \u00a0\u202f"
# At most one tenge mark, before or after the number.
_CURRENCY_BEFORE = re.compile(r"^(?:₸|тг\.?)\s*", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(r"\s*(?:₸|тг\.?)$", re.IGNORECASE)
# Longer than any amount up to MAX_AMOUNT written with spaces, a mark and decimals.
_MAX_FORM_LENGTH = 40
_MAX_CSV_LENGTH = 20
_FORM = re.compile(
    r"(?P<int>[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+|[0-9]+)(?:[.,](?P<frac>[0-9]{1,2}))?",
    re.ASCII,
)
# "1,500" may be 1.5 or 1500; "0,500" cannot be five hundred, so it is only too precise.
_AMBIGUOUS = re.compile(r"[1-9][0-9]{0,2}[.,][0-9]{3}", re.ASCII)
_TOO_MANY_DECIMALS = re.compile(r"[0-9 \u00a0\u202f]+[.,][0-9]{3,}", re.ASCII)
_CSV = re.compile(r"(?P<int>[0-9]+)(?:\.(?P<frac>[0-9]{1,2}))?", re.ASCII)


def _to_tiyn(integer: str, fraction: str | None, original: str) -> int:
    digits = "".join(ch for ch in integer if ch not in _GROUP_SEPARATORS)
    tiyn = int(digits) * 100 + int((fraction or "0").ljust(2, "0"))
    if tiyn > MAX_AMOUNT:
        raise InvalidInput(_("The amount {text} is too large.").format(text=original))
    return tiyn


def parse_amount(text: str) -> int:
    """Parse what a person typed into a form: ``1 500``, ``1500,50``, ``1 500.5 ₸``.

    Refuses signs, exponents, underscores, non-ASCII digits, more than two decimals, and a
    lone separator before exactly three digits (``1,500`` could mean 1.5 or 1500).
    """
    original = text
    if len(text) > _MAX_FORM_LENGTH:
        raise InvalidInput(
            _("The amount {text} is not a number of tenge, such as 1 500 or 1500,50.").format(
                text=repr(text[:_MAX_FORM_LENGTH] + "…")
            )
        )
    text = text.strip()
    if not text:
        raise InvalidInput(_("Enter an amount."))
    before = _CURRENCY_BEFORE.sub("", text)
    text = before if before != text else _CURRENCY_AFTER.sub("", text)
    text = text.strip()
    if text.startswith("-") or text.startswith("\u2212"):
        raise InvalidInput(_("The amount must be positive: {text}").format(text=original))
    if _AMBIGUOUS.fullmatch(text):
        raise InvalidInput(
            _(
                "The amount {text} is ambiguous: write 1500 or 1 500 for one thousand five "
                "hundred, or 1,50 for one and a half."
            ).format(text=original)
        )
    if _TOO_MANY_DECIMALS.fullmatch(text):
        raise InvalidInput(_("The amount {text} has more than two decimals.").format(text=original))
    match = _FORM.fullmatch(text)
    if not match:
        raise InvalidInput(
            _("The amount {text} is not a number of tenge, such as 1 500 or 1500,50.").format(
                text=original
            )
        )
    return _to_tiyn(match["int"], match["frac"], original)


def parse_csv_amount(text: str) -> int:
    """The stricter CSV form: ``15000``, ``15000.5``, ``15000.50``, nothing else."""
    match = _CSV.fullmatch(text) if len(text) <= _MAX_CSV_LENGTH else None
    if not match:
        raise InvalidInput(
            _("amount {text} must be digits with an optional point and 1-2 decimals").format(
                text=repr(text if len(text) <= _MAX_CSV_LENGTH else text[:_MAX_CSV_LENGTH] + "…")
            )
        )
    return _to_tiyn(match["int"], match["frac"], text)


def tiyn_to_decimal(tiyn: int) -> Decimal:
    return Decimal(tiyn).scaleb(-2)


# CLDR's group and decimal symbols of each language's locale (i18n.locale_name), written out
# because a table paints dozens of amounts and loading Babel's locale data costs a start-up
# noticeable time; tests/test_money.py checks them against Babel.
NUMBER_SYMBOLS = {"kk": ("\u00a0", ","), "ru": ("\u00a0", ","), "en": (",", ".")}


def format_amount(tiyn: int, lang: str | None = None, *, sign: bool = True) -> str:
    """``1 234 567,89 ₸`` in kk and ru, ``₸1,234,567.89`` in en (CLDR's ``#,##0.00``)."""
    lang = lang or language()
    group, decimal = NUMBER_SYMBOLS[lang]
    whole, part = divmod(abs(tiyn), 100)
    number = f"{whole:,}".replace(",", group) + f"{decimal}{part:02d}"
    minus = "-" if tiyn < 0 else ""
    if not sign:
        return minus + number
    if lang == "en":
        return f"{minus}{TENGE_SIGN}{number}"
    return f"{minus}{number}\u00a0{TENGE_SIGN}"


def format_plain(tiyn: int) -> str:
    """Locale-free form used in CSV files and JSON-adjacent text: ``15000.50``."""
    minus = "-" if tiyn < 0 else ""
    whole, part = divmod(abs(tiyn), 100)
    return f"{minus}{whole}.{part:02d}"
