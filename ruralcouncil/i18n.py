"""One message catalogue for the GUI, the CLI and the reports, plus CLDR formats.

Messages are written in English in the code and marked with ``_()``. Kazakh and Russian
live in gettext catalogues under ``resources/translations/<lang>.po``, read with Babel.
The language is process-wide: the CLI and the GUI set it once at start.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

LANGUAGES: dict[str, str] = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
DEFAULT_LANGUAGE = "kk"
# Babel locales: Kazakh and Russian as used in Kazakhstan.
_LOCALES = {"kk": "kk_KZ", "ru": "ru_KZ", "en": "en_GB"}

_current = DEFAULT_LANGUAGE


def catalogue_path(lang: str) -> Path:
    from ruralcouncil.paths import resources_dir

    return resources_dir() / "translations" / f"{lang}.po"


@cache
def _catalogue(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    path = catalogue_path(lang)
    if not path.exists():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        catalog = read_po(fh, locale=_LOCALES[lang])
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and m.string and not m.fuzzy and isinstance(m.id, str)
    }


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _current = lang


def language() -> str:
    return _current


def locale_name(lang: str | None = None) -> str:
    return _LOCALES[lang or _current]


def _(message: str) -> str:
    """Translate a message into the current language (English when untranslated)."""
    return _catalogue(_current).get(message, message)


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it now."""
    return message


def format_date(value: date, lang: str | None = None) -> str:
    from babel.dates import format_date as babel_format_date

    return babel_format_date(
        value, format="short" if (lang or _current) == "en" else "dd.MM.y", locale=locale_name(lang)
    )


def format_datetime(value: datetime, lang: str | None = None) -> str:
    """A moment in this PC's local time: the date as :func:`format_date` writes it, then
    hours and minutes (a stored UTC time without a zone is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone()
    return f"{format_date(local.date(), lang)} {local:%H:%M}"


# The preferred language is a per-PC preference shared by the CLI and the GUI.
def _preferences_file() -> Path:
    from ruralcouncil.paths import config_dir

    return config_dir() / "preferences.json"


def load_preferred_language() -> str:
    env = os.environ.get("RURALCOUNCIL_LANG", "")
    if env in LANGUAGES:
        return env
    try:
        data = json.loads(_preferences_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return DEFAULT_LANGUAGE
    lang = data.get("language") if isinstance(data, dict) else None
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def save_preferred_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    path = _preferences_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data["language"] = lang
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
