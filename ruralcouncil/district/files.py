"""Finding the ledger files a district is given: files named on the command line, and every
ledger in a folder (a USB stick's, say), backups included."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ruralcouncil.i18n import _
from ruralcouncil.ledger.backup import SUFFIX


@dataclass(frozen=True)
class Found:
    path: Path
    problem: str | None = None  # why nothing could be read there (a missing path, say)


def shown_path(path: Path) -> str:
    """A path as text that JSON and the store can hold: bytes that are not UTF-8 (a name
    made on another system) shown as ``\\xff``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _is_ledger_name(path: Path) -> bool:
    # A backup is ``<village>-<stamp>-e<entries>-<head>.ruralcouncil``; a backup being
    # written is hidden (``.<name>.partial``) and its manifest ends in ``.json``.
    return path.name.endswith(SUFFIX) and not path.name.startswith(".")


def _in_folder(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        found.extend(Path(root) / name for name in sorted(files))
    return [p for p in found if _is_ledger_name(p) and p.is_file()]


def ledger_files(paths: Iterable[Path]) -> list[Found]:
    """Each file named, and each ledger file in each folder named (sorted by name, so a
    village's backups come oldest first), once each."""
    found: list[Found] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            inside = _in_folder(path)
            if not inside:
                found.append(
                    Found(path, _("The folder {path} holds no ledger files.").format(path=path))
                )
            candidates = inside
        elif path.exists():
            candidates = [path]
        else:
            found.append(Found(path, _("There is no file or folder {path}.").format(path=path)))
            candidates = []
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                found.append(Found(candidate))
    return found
