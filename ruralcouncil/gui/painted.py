"""Labels whose text becomes selectable only once they have been painted."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QLabel


class _SelectableOncePainted(QObject):
    """Lets a label's text be selected with the mouse from just after its first paint.

    A selectable label gets a text control of Qt's own, unknown to PySide, and the first time
    such an object passes through a Python event filter (the inactivity lock's) PySide builds
    Python enums for every Qt class it knows: a noticeable part of the start-up, which is
    better spent once the window is on screen."""

    def __init__(self, label: QLabel) -> None:
        super().__init__(label)
        self._label = label
        label.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._label.removeEventFilter(self)
            QTimer.singleShot(0, self, self._enable)
        return False

    def _enable(self) -> None:
        from PySide6.QtCore import Qt

        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.deleteLater()


def selectable_once_painted(label: QLabel) -> QLabel:
    """``label``, whose text can be selected (copied) once it has been painted."""
    _SelectableOncePainted(label)
    return label
