"""The red line under a form that says what is wrong, shared by every dialog and page."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def error_label() -> QLabel:
    """A red line under a form for what is wrong; empty (and hidden) when all is well."""
    label = QLabel()
    label.setObjectName("errorLabel")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020; font-weight: bold;")
    # Selectable (to copy a refusal) only once it says something: a selectable label
    # brings a text control of Qt's own, and the first such object passing a Python event
    # filter costs PySide a noticeable moment that a dialog need not pay before it shows.
    label.hide()
    return label


def show_problem(label: QLabel, text: str) -> None:
    if text:
        from PySide6.QtCore import Qt

        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setText(text)
    label.setVisible(bool(text))
    # A shown dialog does not grow by itself for a wrapped label's new lines: a long
    # refusal would be cut off. The window grows to fit them, at its present width or
    # wider, and never shrinks: fitted to its content (adjustSize) a window narrower than
    # the user's, or than it opened at, would wrap and cut off other lines (a wizard's
    # subtitle above the form).
    window = label.window()
    if text and window is not None and window is not label and window.isVisible():
        layout = window.layout()
        if layout is not None:
            layout.activate()
        hint = window.sizeHint()
        width = max(window.width(), hint.width())
        needed = window.heightForWidth(width) if window.hasHeightForWidth() else -1
        height = max(window.height(), needed if needed > 0 else hint.height())
        window.resize(width, height)
