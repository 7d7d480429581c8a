"""A request's invoices and quotes, shown inside the program.

What a file is, is read from its bytes, not its name: a PDF opens in the program's PDF viewer
(a temporary copy, removed when the viewer closes), a picture (a phone's photo, a scan) in a
scrollable picture window, and anything else is offered as a copy to save where the user
chooses.
"""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages
from ruralcouncil.gui.pdf_viewer import show_pdf
from ruralcouncil.gui.save_dialog import choose_save_path
from ruralcouncil.i18n import _

LAST_ATTACHMENT_FOLDER = "attachments/last_folder"
_open: set[QWidget] = set()  # picture windows shown without a parent stay alive while open


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF")


def picture_of(data: bytes) -> QImage | None:
    """The picture in ``data``, or None when Qt cannot read it as one."""
    image = QImage()
    return image if image.loadFromData(data) and not image.isNull() else None


def save_copy(parent: QWidget | None, filename: str, data: bytes) -> Path | None:
    """Ask where, then write ``data`` there; returns the file written."""
    name = PurePath(filename).name or "attachment"
    suffix = PurePath(name).suffix.lower()
    path = choose_save_path(
        parent,
        _("Save a copy of {name}").format(name=name),
        LAST_ATTACHMENT_FOLDER,
        name,
        _("All files (*)"),
        suffix,
    )
    if path is None:
        return None
    try:
        path.write_bytes(data)
    except OSError as exc:
        messages.show_error(
            parent,
            _("The file could not be saved to {path}: {error}").format(
                path=path, error=exc.strerror or exc
            ),
        )
        return None
    return path


class PictureViewer(QDialog):
    """One picture, at its own size (scrolled) or fitted to the window, with Save a copy."""

    def __init__(
        self, filename: str, data: bytes, image: QImage, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pictureViewer")
        self.filename, self.data = filename, data
        self.setWindowTitle(filename)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setModal(False)
        self.pixmap = QPixmap.fromImage(image)
        self.picture = QLabel()
        self.picture.setObjectName("picture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area = QScrollArea()
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area.setWidget(self.picture)
        self.fit_button = QPushButton(_("Fit to the window"))
        self.fit_button.setObjectName("fitPicture")
        self.fit_button.setCheckable(True)
        self.fit_button.setChecked(True)
        self.fit_button.toggled.connect(lambda _on: self._show())
        save = QPushButton(_("Save a copy…"))
        save.setObjectName("saveCopy")
        save.clicked.connect(lambda: save_copy(self, self.filename, self.data))
        close = QPushButton(_("Close"))
        close.clicked.connect(self.close)
        size = QLabel(f"{image.width()} × {image.height()}")
        bar = QHBoxLayout()
        bar.addWidget(save)
        bar.addWidget(self.fit_button)
        bar.addStretch(1)
        bar.addWidget(size)
        bar.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.area, 1)
        self.resize(820, 680)

    def _show(self) -> None:
        if self.fit_button.isChecked():
            room = self.area.viewport().size()
            shown = self.pixmap.scaled(
                room,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        else:
            shown = self.pixmap
        self.picture.setPixmap(shown)
        self.picture.resize(shown.size())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._show()

    def closeEvent(self, event: QCloseEvent) -> None:
        _open.discard(self)
        super().closeEvent(event)


def show_attachment(parent: QWidget | None, filename: str, data: bytes) -> QWidget | None:
    """Show an attachment inside the program; returns the window it opened, if any."""
    if is_pdf(data):
        folder = Path(tempfile.mkdtemp(prefix="ruralcouncil-"))
        path = folder / (PurePath(filename).stem + ".pdf")
        path.write_bytes(data)
        return show_pdf(path, parent, filename, temporary=True)
    image = picture_of(data)
    if image is not None:
        viewer = PictureViewer(filename, data, image, parent)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _open.add(viewer)
        viewer.show()
        messages.bring_forward(viewer)
        return viewer
    if messages.ask(
        parent,
        _(
            "RuralCouncil cannot show {name} itself (it is neither a PDF nor a picture). "
            "Save a copy to open it with another program?"
        ).format(name=filename),
        _("Save a copy"),
    ):
        save_copy(parent, filename, data)
    return None
