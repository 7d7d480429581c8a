"""The program's icon on its windows, set once the first window is on screen.

Setting it costs about 3 ms (QIcon's Python type, built when first named, and a file per
size), which the login dialog would otherwise wait for before its first paint. The login
dialog sets it just after that paint; a login sets it while the password's key is derived
(gui.app.prepare_main_window) and the main window when it is built, in case neither came
first; any other first window (the first-run setup, a refusal) sets it before it is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from ruralcouncil import paths

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)

_shown = False


def window_icon() -> QIcon:
    """The program's icon (resources/icons/make_icons.py makes the files), one PNG per size.
    Qt decodes a file only when that size is first drawn, and there is no SVG (QtSvg would
    have to load). A missing file only leaves that size out."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    icon = QIcon()
    try:
        folder = paths.resources_dir() / "icons" / "hicolor"
    except FileNotFoundError:
        return icon
    for size in ICON_SIZES:
        path = folder / f"{size}x{size}" / "apps" / "ruralcouncil.png"
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon


def show_window_icon() -> None:
    """The icon on every window of the application from now on (the first call sets it;
    without an application, nothing)."""
    global _shown
    app = QApplication.instance()
    if _shown or not isinstance(app, QApplication):
        return
    _shown = True
    app.setWindowIcon(window_icon())
