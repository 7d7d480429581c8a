"""The program's icon (issue 12): the files resources/icons/make_icons.py makes from the SVG,
read with struct alone, and the window icon a start sets (in a fresh process: a test run may
already hold a QApplication that ensure_application() would only return)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re
import struct
import sys
import textwrap
from pathlib import Path

import pytest
from _helpers import ADMIN, PASSWORD, fresh_ledger, window_probe

from ruralcouncil import paths

ROOT = Path(__file__).resolve().parents[1]
ICONS = paths.resources_dir() / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's IHDR, the first chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE and head[12:16] == b"IHDR", path
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def ico_images(path: Path) -> list[tuple[int, int, bytes]]:
    """(width, height, image's first bytes) of each image an ICO's directory lists."""
    data = path.read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1), "not an icon file"
    images = []
    for index in range(count):
        width, height, _colours, _, _planes, _bits, size, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        assert offset + size <= len(data), "an image runs past the file's end"
        images.append((width or 256, height or 256, data[offset : offset + size]))
    return images


def test_the_svg_draws_without_text_or_fonts() -> None:
    svg = re.sub(r"<!--.*?-->", "", (ICONS / "ruralcouncil.svg").read_text("utf-8"), flags=re.S)
    assert "<path" in svg
    assert "<text" not in svg and "font" not in svg


@pytest.mark.parametrize("size", SIZES)
def test_each_png_has_the_size_its_folder_names(size: int) -> None:
    path = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "ruralcouncil.png"
    assert png_size(path) == (size, size)


def test_the_single_png_is_the_256_pixel_one() -> None:
    assert png_size(ICONS / "ruralcouncil.png") == (256, 256)


def test_the_ico_holds_every_size() -> None:
    images = ico_images(ICONS / "ruralcouncil.ico")
    assert sorted((width, height) for width, height, _ in images) == [(n, n) for n in SIZES]
    for width, _, body in images:
        if body.startswith(PNG_SIGNATURE):  # 128 and 256: PNG, which Vista and later read
            assert struct.unpack(">II", body[16:24]) == (width, width)
        else:  # smaller: a 32-bit BMP with its height doubled (the AND mask follows)
            header, bmp_width, bmp_height, _, bits = struct.unpack("<IiiHH", body[:16])
            assert (header, bmp_width, bmp_height, bits) == (40, width, 2 * width, 32)


_START = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from ruralcouncil.gui import app as gui_app
    from ruralcouncil.gui.login_dialog import LoginDialog
    from ruralcouncil.ledger.storage import open_ledger

    app = gui_app.ensure_application()
    # Nothing before the login dialog's first paint: the icon would hold it up.
    before = app.windowIcon().isNull()
    ledger = open_ledger(sys.argv[1], write=True)
    dialog = LoginDialog(ledger, user_name="admin")


    class Paints(QObject):
        icon_at_paint = None

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and self.icon_at_paint is None:
                self.icon_at_paint = not app.windowIcon().isNull()
            return False


    paints = Paints()
    dialog.installEventFilter(paints)
    dialog.show()
    loop = QEventLoop()
    QTimer.singleShot(200, loop.quit)
    loop.exec()
    icon = app.windowIcon()
    print(json.dumps({
        "before": before,
        "at_first_paint": paints.icon_at_paint,
        "null": icon.isNull(),
        "sizes": sorted(s.width() for s in icon.availableSizes()),
        "drawn_16": icon.pixmap(16, 16).width(),
        "svg": sorted(m for m in sys.modules if "QtSvg" in m),
        "name": app.applicationName(),
        "organization": app.organizationName(),
        "version": app.applicationVersion(),
        "desktop": app.desktopFileName(),
    }))
    ledger.close()
    """
)


def test_the_login_dialog_sets_the_window_icon_once_painted(tmp_path: Path) -> None:
    """The application starts without its icon, which would hold up the login dialog's
    first paint (about 3 ms); the dialog sets it just after that paint."""
    from ruralcouncil import __version__

    ledger = fresh_ledger(tmp_path)
    path = ledger.path
    ledger.close()
    found = window_probe(_START, tmp_path / "c", str(path))
    assert found["before"] is True and found["at_first_paint"] is False
    assert found["null"] is False
    assert 16 in found["sizes"] and 256 in found["sizes"]
    assert found["sizes"] == list(SIZES)
    assert found["drawn_16"] == 16
    assert found["svg"] == [], "QtSvg loaded at start-up"
    # QSettings' folders depend on these two: they stay as they were.
    assert (found["name"], found["organization"]) == ("RuralCouncil", "RuralCouncil")
    assert found["version"] == __version__
    if sys.platform.startswith("linux"):
        assert found["desktop"] == "ruralcouncil"


_WITHOUT_THE_DIALOG = textwrap.dedent(
    """
    import json, sys
    from ruralcouncil.gui import app as gui_app
    from ruralcouncil.gui import window_icon
    from ruralcouncil.ledger import storage, users

    app = gui_app.ensure_application()
    ledger = storage.open_ledger(sys.argv[1], write=True)
    # A login straight away (the dialog never painted): the icon comes with it.
    users.login(ledger, sys.argv[3], sys.argv[2])
    after_login = not app.windowIcon().isNull()
    # Once set, never made again.
    made = []
    window_icon.window_icon = lambda: made.append(1)
    window_icon.show_window_icon()
    print(json.dumps({"after_login": after_login, "made_again": len(made)}))
    ledger.close()
    """
)


def test_a_login_before_the_dialogs_paint_sets_the_icon_beside_the_key(tmp_path: Path) -> None:
    """A login that comes before the dialog has painted (an outside probe's) sets the icon
    while the key is derived, once."""
    ledger = fresh_ledger(tmp_path)
    path = ledger.path
    ledger.close()
    assert window_probe(_WITHOUT_THE_DIALOG, tmp_path / "c", str(path), PASSWORD, ADMIN) == {
        "after_login": True,
        "made_again": 0,
    }


def test_windows_version_resource_text(tmp_path: Path) -> None:
    """The file PyInstaller's EXE(version=...) reads: the program's version, the texts."""
    import runpy

    make = runpy.run_path(str(ROOT / "installer" / "windows_version.py"))
    from ruralcouncil import __version__

    path = make["write_version_file"](tmp_path / "version.txt", __version__)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# UTF-8") and "VSVersionInfo(" in text
    assert f"StringStruct('FileVersion', '{__version__}')" in text
    assert "StringStruct('FileDescription', 'RuralCouncil — village council budget ledger')" in (
        text
    )
    assert "StringStruct('OriginalFilename', 'ruralcouncil.exe')" in text
    assert make["version_tuple"]("1.2rc1") == (1, 2, 0, 0)
