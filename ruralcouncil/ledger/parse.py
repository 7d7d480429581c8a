"""One bounded parser per kind of value a person or a file gives: ids, whole numbers, anchors,
codes and free text. (Amounts are in ``money``, dates in ``dates``.)

Every parser caps the length before it looks at the text and takes ASCII digits only:
``str.isdigit`` and ``int()`` also accept ``²``, ``١`` and thousands of digits, which end in
a wrong number or an internal error instead of a clear refusal.
"""

from __future__ import annotations

import re
import unicodedata

from ruralcouncil.i18n import _, ngettext
from ruralcouncil.ledger.errors import InvalidInput

# SQLite's integers are 64-bit: an id of 18 digits always fits.
MAX_ID = 10**18 - 1
_DIGITS = re.compile(r"[0-9]{1,18}", re.ASCII)
_HEX64 = re.compile(r"[0-9a-f]{64}", re.ASCII)
_CODE = re.compile(r"[A-Z][A-Z0-9\-]{0,23}", re.ASCII)
MAX_TEXT = 500
# Anything longer than this is not a value anyone typed; refuse before any parsing.
_MAX_RAW = 200


def shown(text: str, limit: int = 40) -> str:
    """A refused value as the message shows it: quoted, cut short, never a surrogate."""
    safe = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return repr(safe if len(safe) <= limit else safe[:limit] + "…")


def safe_text(text: str) -> str:
    """Text that can always be stored and printed: bytes that were not UTF-8 (a file name on
    Linux may hold any) are written as escapes instead."""
    return nfc(text.encode("utf-8", "backslashreplace").decode("utf-8"))


def is_code(text: str) -> bool:
    """Shaped like a code (so it can be looked up at all)."""
    return len(text) <= 24 and _CODE.fullmatch(text) is not None


def parse_whole(text: str, *, what: str, maximum: int = MAX_ID, minimum: int = 0) -> int:
    """A whole number written in ASCII digits, within [minimum, maximum]."""
    stripped = text.strip() if len(text) <= _MAX_RAW else text
    if stripped.isascii() and stripped.isdigit() and len(stripped) > 18:
        raise InvalidInput(
            _("{what} {text} is too large: at most {high}.").format(
                what=what, text=shown(text), high=maximum
            )
        )
    if not _DIGITS.fullmatch(stripped):
        raise InvalidInput(
            _("{what} {text} must be a whole number written with the digits 0-9.").format(
                what=what, text=shown(text)
            )
        )
    value = int(stripped)
    if not minimum <= value <= maximum:
        raise InvalidInput(
            _("{what} {text} must be between {low} and {high}.").format(
                what=what, text=shown(text), low=minimum, high=maximum
            )
        )
    return value


def parse_id(text: str, what: str | None = None) -> int:
    """An entry number or another record's id: 1 or more, at most 18 digits."""
    return parse_whole(text, what=what or _("The number"), minimum=1)


def parse_ids(text: str, what: str | None = None) -> list[int]:
    """Numbers given as a list, ``412, 415`` (commas or semicolons between them); none for
    blank text. Each as :func:`parse_id` reads it."""
    parts = text.replace(";", ",").split(",")
    return [parse_id(part.strip(), what) for part in parts if part.strip()]


# A report code (reports/codes.py): two letters and a subject, the chain position, 64 bits.
_REPORT_CODE = re.compile(r"[A-Z]{2}[0-9.]{1,40}-[0-9]{1,18}-(?:[0-9A-F]{4}-){3}[0-9A-F]{4}")


def parse_anchor(text: str) -> tuple[int, str]:
    """``N:HEX``: a chain position and the 64-digit hash it must still have."""
    number, _sep, digest = text.partition(":") if len(text) <= _MAX_RAW else ("", "", "")
    digest = digest.strip().lower()
    if _REPORT_CODE.fullmatch("".join(text.split()).upper()) and len(text) <= _MAX_RAW:
        raise InvalidInput(
            _(
                "{text} is a printed document's verification code, not an anchor: check it "
                "with ruralcouncil verify-report (in the window: Reports, Check a printed "
                "code)."
            ).format(text=shown(text, 90))
        )
    if not _DIGITS.fullmatch(number.strip()) or not _HEX64.fullmatch(digest):
        raise InvalidInput(
            _(
                "The anchor {text} must be written N:HEX, a chain position and its 64-digit hash."
            ).format(text=shown(text, 90))
        )
    position = int(number.strip())
    if position < 1:
        raise InvalidInput(
            _(
                "The anchor {text} must be written N:HEX, a chain position and its 64-digit hash."
            ).format(text=shown(text, 90))
        )
    return position, digest


def parse_code(text: str) -> str:
    """A code of the classification or a fund: capital Latin letters, digits and dashes."""
    code = text.strip() if len(text) <= _MAX_RAW else text
    if not _CODE.fullmatch(code):
        raise InvalidInput(
            _(
                "The code {code} must be 1-24 capital Latin letters, digits or dashes, "
                "starting with a letter."
            ).format(code=shown(text))
        )
    return code


def text_problem(label: str, value: str, *, multiline: bool = False, limit: int = MAX_TEXT) -> str:
    """What is wrong with a free-text field, or '' when it can be stored as it is."""
    if len(value) > limit:
        return ngettext(
            "{field} is longer than {n} character", "{field} is longer than {n} characters", limit
        ).format(field=label, n=limit)
    # A description may run over several lines; names and references are one line.
    allowed = "\t\n" if multiline else "\t"
    for ch in value:
        code = ord(ch)
        if (code < 32 and ch not in allowed) or code == 0x7F:
            return _("{field} contains control characters").format(field=label)
        if 0xD800 <= code <= 0xDFFF:
            return _("{field} contains bytes that are not text (not UTF-8)").format(field=label)
    return ""


def clean_text(
    label: str,
    value: str,
    *,
    multiline: bool = False,
    limit: int = MAX_TEXT,
    required: bool = False,
) -> str:
    """Free text as it is stored and chained: trimmed, NFC, checked. Raises InvalidInput."""
    value = value.strip() if len(value) <= 4 * limit else value
    problem = text_problem(label, value, multiline=multiline, limit=limit)
    if problem:
        raise InvalidInput(_("Refused: {reason}.").format(reason=problem))
    if required and not value:
        raise InvalidInput(_("{field} is required.").format(field=label))
    return nfc(value)


def nfc(value: str) -> str:
    """Text is stored in NFC, so the same words always hash the same (docs/hash-chain.md)."""
    if value.isascii() or unicodedata.is_normalized("NFC", value):
        return value
    return unicodedata.normalize("NFC", value)
