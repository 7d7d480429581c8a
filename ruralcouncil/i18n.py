"""One message catalogue for the GUI, the CLI and the reports, plus CLDR formats.

Messages are written in English in the code and marked with ``_()`` (``ngettext()`` where a
count is shown: Russian has three forms, Kazakh two). Kazakh and Russian live in gettext
catalogues: ``resources/translations/<lang>.po`` is what translators edit; the build compiles
each into ``<lang>/LC_MESSAGES/ruralcouncil.mo`` (``setup.py``, ``python -m
ruralcouncil.catalogue compile``), which is what the program reads, with the standard
library's ``gettext``. A source checkout without the ``.mo`` files still works: the ``.po`` is
compiled then (with Babel), once. The language is process-wide: the GUI sets it at start; the
CLI sets the one ``--lang`` names, or leaves the user's preferred language to be looked up the
first time a message is shown (:func:`use_preferred_language`): a command whose output is JSON
and shows no message never reads the preferences or a catalogue.
"""

from __future__ import annotations

import gettext
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from ruralcouncil.mofile import Catalogue

LANGUAGES: dict[str, str] = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
DEFAULT_LANGUAGE = "kk"
# Babel locales: Kazakh and Russian as used in Kazakhstan.
_LOCALES = {"kk": "kk_KZ", "ru": "ru_KZ", "en": "en_GB"}
DOMAIN = "ruralcouncil"

_current: str | None = DEFAULT_LANGUAGE  # None: the preferred one, not looked up yet
_unshown = 0  # inside texts_not_shown(): messages are kept as written


def translations_dir() -> Path:
    from ruralcouncil.paths import resources_dir

    return resources_dir() / "translations"


def catalogue_path(lang: str) -> Path:
    """The catalogue translators edit."""
    return translations_dir() / f"{lang}.po"


def compiled_path(lang: str, folder: Path | None = None) -> Path:
    """The compiled catalogue the program reads."""
    return (folder or translations_dir()) / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _compiled_bytes(lang: str, po: Path) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=_LOCALES[lang], domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)  # a fuzzy translation is not a translation
    return out.getvalue()


def compile_catalogue(lang: str, folder: Path | None = None) -> Path:
    """Compile ``<lang>.po`` into its ``.mo`` (beside it, or under ``folder``)."""
    target = compiled_path(lang, folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(_compiled_bytes(lang, catalogue_path(lang)))
    os.replace(tmp, target)
    return target


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    """The language's messages, read from its compiled ``.mo`` with the standard library's
    ``gettext`` (Babel costs a tenth of a second to import; a command that prints JSON never
    needs it), each decoded when first asked for (:mod:`ruralcouncil.mofile`). A ``.po``
    newer than its ``.mo`` (edited after the last build) is compiled once: in memory, and
    written back over the stale ``.mo`` where the folder allows it, so the next start reads
    the compiled file again."""
    if lang not in LANGUAGES or lang == "en":
        return gettext.NullTranslations()
    compiled = compiled_path(lang)
    source = catalogue_path(lang)
    compiled_time = _mtime(compiled)
    source_time = _mtime(source)
    if compiled_time is not None and (source_time is None or compiled_time >= source_time):
        with compiled.open("rb") as fh:
            return Catalogue(fh)
    if source_time is not None:
        data = _compiled_bytes(lang, source)
        _write_quietly(compiled, data)
        return Catalogue(io.BytesIO(data))
    return gettext.NullTranslations()


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def _write_quietly(target: Path, data: bytes) -> None:
    """Replace a stale compiled catalogue; an installed program's read-only folder keeps it."""
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError:
        with suppress(OSError):
            tmp.unlink()


def reload_catalogues() -> None:
    """Read the catalogues again (after ``catalogue compile``; tests)."""
    _translations.cache_clear()


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _current = lang


def use_preferred_language() -> None:
    """The user's preferred language (:func:`load_preferred_language`), looked up the first
    time it is needed rather than now: reading it finds the settings folder and then the
    catalogue, most of a short command's start, and a command may show no message at all."""
    global _current
    _current = None


def language() -> str:
    global _current
    if _current is None:
        _current = load_preferred_language()
    return _current


@contextmanager
def texts_not_shown() -> Iterator[None]:
    """Within it, :func:`_` keeps each message as written, in English, and neither looks up
    nor loads a language: for texts that are made but cannot be shown, such as the help of
    a command line run without ``--help`` (argparse takes every help text as it builds).
    Process-wide, as the language is: for the command line's parse, before any thread."""
    global _unshown
    _unshown += 1
    try:
        yield
    finally:
        _unshown -= 1


def locale_name(lang: str | None = None) -> str:
    return _LOCALES[lang or language()]


def _(message: str) -> str:
    """Translate a message into the current language (English when untranslated)."""
    if _unshown:
        return message
    return _translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count ``n`` in the current language: mark the count
    with ``{n}`` in both and format after, ``ngettext("{n} entry", "{n} entries", n)``."""
    if _unshown:
        return singular if n == 1 else plural
    return _translations(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it now."""
    return message


# Dates are written day, month, year in digits in every language: Kazakh's and Russian's
# (dd.MM.y) is our choice, English's (dd/MM/y) is CLDR's short date for en_GB. Written here
# rather than by Babel, whose first date loads its locale data (30-40 ms, on the ledger
# page's first visit); tests/test_dates.py checks each against Babel's.
_DATE_SEPARATORS = {"kk": ".", "ru": ".", "en": "/"}


def format_date(value: date, lang: str | None = None) -> str:
    separator = _DATE_SEPARATORS[lang or language()]
    return f"{value.day:02d}{separator}{value.month:02d}{separator}{value.year}"


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
