"""Asking where to save a file: the folder last used for that kind of file, and its suffix."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

# Reports (the summary, a copy of any PDF shown) share their folder.
LAST_PDF_FOLDER = "reports/last_folder"


def folder_settings() -> QSettings:
    """Where the last folders chosen for each kind of file are remembered."""
    return QSettings("RuralCouncil", "RuralCouncil")


def choose_save_path(
    parent: QWidget | None,
    title: str,
    remembered: str,
    file_name: str,
    file_filter: str,
    suffix: str,
) -> Path | None:
    """The file the user chose (``suffix`` added when they left it off), starting in the
    folder last chosen under the setting ``remembered``; None when they cancelled."""
    # Here, not at import: the dashboard imports this module before the window's first
    # paint, and QFileDialog's first use builds its Python enums.
    from PySide6.QtWidgets import QFileDialog

    folder = str(folder_settings().value(remembered, "") or "") or str(Path.home())
    name, _filter = QFileDialog.getSaveFileName(
        parent, title, str(Path(folder) / file_name), file_filter
    )
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    folder_settings().setValue(remembered, str(path.parent))
    return path
