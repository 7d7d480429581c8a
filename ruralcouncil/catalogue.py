"""Maintaining the message catalogue: extract every ``_()``/``N_()``/``ngettext()`` message from
the code, merge it into ``resources/translations/{kk,ru}.po``, and compile those into the
``.mo`` files the program reads. Not used at run time.

    python -m ruralcouncil.catalogue update    # add new messages (obsolete ones go), compile
    python -m ruralcouncil.catalogue compile   # .po -> .mo only (the build does this too)
    python -m ruralcouncil.catalogue check     # messages missing a kk or ru translation
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from ruralcouncil.i18n import DOMAIN, catalogue_path, compile_catalogue

PACKAGE_DIR = Path(__file__).resolve().parent
TRANSLATED = ("kk", "ru")
_FIELD = re.compile(r"\{[a-z_]*\}")

MessageId = str | tuple[str, str]  # a plural message is (singular, plural)


def extract() -> dict[MessageId, list[tuple[str, int]]]:
    """Every marked message in the package, with where it is used."""
    found: dict[MessageId, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE_DIR),
        method_map=[("**.py", "python")],
        keywords={"_": None, "N_": None, "ngettext": (1, 2)},
        comment_tags=(),
    ):
        if isinstance(message, tuple):
            if len(message) >= 2 and message[0] and message[1]:
                found.setdefault((message[0], message[1]), []).append((filename, lineno))
        elif isinstance(message, str) and message:
            found.setdefault(message, []).append((filename, lineno))
    return found


def load(lang: str) -> Catalog:
    path = catalogue_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="RuralCouncil")
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def update() -> None:
    messages = extract()
    for lang in TRANSLATED:
        catalog = load(lang)
        template = Catalog(locale=lang, domain=DOMAIN, project="RuralCouncil")
        for msgid, locations in sorted(messages.items(), key=lambda item: str(item[0])):
            template.add(msgid, locations=[(f"ruralcouncil/{f}", n) for f, n in locations])
        catalog.update(template, no_fuzzy_matching=True)
        path = catalogue_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(
                fh, catalog, width=100, sort_output=True, ignore_obsolete=True, include_lineno=False
            )
    compile_all()


def compile_all() -> list[Path]:
    """Each ``.po`` into its ``.mo`` (untranslated and fuzzy messages left out)."""
    return [compile_catalogue(lang) for lang in TRANSLATED]


def problems() -> list[str]:
    """Messages left untranslated, plural messages missing a form, and translations whose
    {fields} differ from the English."""
    found: list[str] = []
    messages = extract()
    for lang in TRANSLATED:
        catalog = load(lang)
        forms = catalog.num_plurals
        for msgid in sorted(messages, key=str):
            message = catalog.get(msgid)
            strings = (
                list(message.string)
                if message is not None and isinstance(message.string, (list, tuple))
                else [message.string if message is not None else ""]
            )
            if message is None or message.fuzzy or not all(strings):
                found.append(f"{lang}: untranslated: {msgid!r}")
                continue
            if isinstance(msgid, tuple) and len(strings) != forms:
                found.append(f"{lang}: needs {forms} plural forms: {msgid!r}")
                continue
            english = msgid[-1] if isinstance(msgid, tuple) else msgid
            wanted = sorted(_FIELD.findall(english))
            for text in strings:
                if sorted(_FIELD.findall(str(text))) != wanted:
                    found.append(f"{lang}: fields differ: {msgid!r} -> {text!r}")
    return found


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
        return 0
    if argv[:1] == ["compile"]:
        for path in compile_all():
            print(path)
        return 0
    if argv[:1] == ["check"]:
        found = problems()
        print("\n".join(found) or "all messages translated")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
