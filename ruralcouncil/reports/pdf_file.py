"""What every printed document shares: an A4 file written whole or not at all, in the
language asked for.

A document is built into ``NAME.part`` and renamed over ``NAME`` only once reportlab has
finished, so a crash or a full disk never leaves half a PDF where a whole one was.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ruralcouncil.i18n import language, set_language
from ruralcouncil.reports.fonts import REGULAR

MM = 72 / 25.4  # points per millimetre, without importing reportlab.lib.units here

Footer = Callable[[Any, Any], None]


def check_new_output(path: Path, *, folder: bool = False) -> None:
    """Refuse a document or export whose file exists (a folder may, if empty: one made for
    an export) or whose folder does not: a printed document is never replaced by another."""
    from ruralcouncil.i18n import _
    from ruralcouncil.ledger.errors import InvalidInput

    if folder and path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
        pass  # an empty folder made for the export is fine
    elif path.exists() or path.is_symlink():
        if folder:
            raise InvalidInput(
                _(
                    "{path} already exists and is not an empty folder; choose another "
                    "folder. Nothing was written."
                ).format(path=path)
            )
        raise InvalidInput(
            _("{path} already exists; choose another file name. Nothing was written.").format(
                path=path
            )
        )
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InvalidInput(
            _("The folder {folder} does not exist. Nothing was written.").format(folder=parent)
        )


@contextmanager
def in_language(lang: str | None) -> Iterator[None]:
    """Render in ``lang`` and put the process's language back afterwards."""
    previous = language()
    if lang and lang != previous:
        set_language(lang)
    try:
        yield
    finally:
        if language() != previous:
            set_language(previous)


def write_a4(
    path: Path,
    story: Sequence[Any],
    *,
    title: str,
    author: str,
    footer: Footer,
    margin: float,
    landscape: bool = False,
) -> None:
    """Build ``story`` into an A4 PDF at ``path`` (replacing it), ``footer`` drawn on every
    page below a bottom margin 6 mm deeper than the others. ``invariant``: the same story
    makes the same bytes, so a document can be checked against another print of it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turned
    from reportlab.platypus import SimpleDocTemplate

    tmp = path.with_name(path.name + ".part")
    doc = SimpleDocTemplate(
        str(tmp),
        pagesize=turned(A4) if landscape else A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin + 6 * MM,
        title=title,
        author=author,
        creator="RuralCouncil",
        invariant=1,
        initialFontName=REGULAR,  # see fonts.register_fonts: never reportlab's Helvetica
    )
    try:
        doc.build(list(story), onFirstPage=footer, onLaterPages=footer)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
