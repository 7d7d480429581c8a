"""Maintaining the message catalogue: extract every ``_()``/``N_()`` message from the code and
merge it into ``resources/translations/{kk,ru}.po``. Not used at run time.

    python -m ruralcouncil.catalogue update   # add new messages, mark removed ones obsolete
    python -m ruralcouncil.catalogue check    # list messages missing a kk or ru translation
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from ruralcouncil.i18n import catalogue_path

PACKAGE_DIR = Path(__file__).resolve().parent
TRANSLATED = ("kk", "ru")
_FIELD = re.compile(r"\{[a-z_]*\}")


def extract() -> dict[str, list[tuple[str, int]]]:
    """Every marked message in the package, with where it is used."""
    found: dict[str, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE_DIR),
        method_map=[("**.py", "python")],
        keywords={"_": None, "N_": None},
        comment_tags=(),
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, []).append((filename, lineno))
    return found


def load(lang: str) -> Catalog:
    path = catalogue_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain="ruralcouncil", project="RuralCouncil")
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def update() -> None:
    messages = extract()
    for lang in TRANSLATED:
        catalog = load(lang)
        template = Catalog(locale=lang, domain="ruralcouncil", project="RuralCouncil")
        for msgid, locations in sorted(messages.items()):
            template.add(msgid, locations=[(f"ruralcouncil/{f}", n) for f, n in locations])
        catalog.update(template, no_fuzzy_matching=True)
        path = catalogue_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(
                fh, catalog, width=100, sort_output=True, ignore_obsolete=True, include_lineno=False
            )


def problems() -> list[str]:
    """Messages left untranslated, and translations whose {fields} differ from the English."""
    found: list[str] = []
    messages = extract()
    for lang in TRANSLATED:
        catalog = load(lang)
        for msgid in sorted(messages):
            message = catalog.get(msgid)
            if message is None or not message.string or message.fuzzy:
                found.append(f"{lang}: untranslated: {msgid!r}")
            elif sorted(_FIELD.findall(msgid)) != sorted(_FIELD.findall(str(message.string))):
                found.append(f"{lang}: fields differ: {msgid!r} -> {message.string!r}")
    return found


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
        return 0
    if argv[:1] == ["check"]:
        found = problems()
        print("\n".join(found) or "all messages translated")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
