"""The date field every form uses: a date typed whole, in the user's date format, with a
calendar (its own module, so that a page with a date on it loads no dialog)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QLocale, QPoint, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QIcon,
    QKeyEvent,
    QPainter,
    QPixmap,
    QRegularExpressionValidator,
)
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QWidget

from ruralcouncil.i18n import _, locale_name
from ruralcouncil.ledger.dates import parse_typed_date, shown_date
from ruralcouncil.ledger.errors import InvalidInput

_DATE_CHARACTERS = 10  # 15.03.2026


def _calendar_icon(size: int = 16) -> QIcon:
    """A small calendar leaf, drawn: no icon theme is needed on Windows or Linux."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setPen(QColor(80, 80, 80))
    painter.setBrush(QColor(255, 255, 255))
    painter.drawRect(1, 2, size - 3, size - 4)
    painter.fillRect(1, 2, size - 2, 4, QColor(176, 0, 32))
    for row in range(2):
        for column in range(3):
            painter.fillRect(3 + column * 4, 8 + row * 3, 2, 2, QColor(80, 80, 80))
    painter.end()
    return QIcon(pixmap)


class DateField(QLineEdit):
    """A date typed whole: ``15.03.2026``, ``15032026`` (or the calendar, Alt+Down or F4).

    What is typed is what is saved: the text is the date, read by the core's strict parser
    (:func:`dates.parse_typed_date`); nothing is kept from the date shown before. When the
    field is full and nothing is selected (after Home, or a click into the day), a digit
    overwrites the next digit and the dots are stepped over, so typing over the whole date
    works from anywhere. Up and Down move a day. Shown as every form and table writes dates.
    """

    dateChanged = Signal()

    def __init__(self, value: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9./\-]{0,10}")))
        self.setMaxLength(_DATE_CHARACTERS)
        self.setPlaceholderText(shown_date(date(2026, 3, 15)))
        width = self.fontMetrics().horizontalAdvance("00.00.00000") + 48
        self.setMinimumWidth(width)
        self.setMaximumWidth(width + 40)
        self.setToolTip(
            _("Type the day, month and year, such as {example}; Alt+Down: calendar").format(
                example=shown_date(date(2026, 3, 15))
            )
        )
        self._calendar_action = self.addAction(
            _calendar_icon(), QLineEdit.ActionPosition.TrailingPosition
        )
        self._calendar_action.setToolTip(_("Calendar"))
        self._calendar_action.triggered.connect(self.show_calendar)
        self.calendar: QCalendarWidget | None = None
        self.textChanged.connect(lambda _text: self.dateChanged.emit())
        self.editingFinished.connect(self._tidy)
        self.setDate(value or date.today())

    # --- the value -----------------------------------------------------------------------

    def day(self) -> date:
        """The date typed; raises InvalidInput (the core's words) when it is not one."""
        return parse_typed_date(self.text())

    def problem(self) -> str | None:
        try:
            self.day()
        except InvalidInput as exc:
            return str(exc)
        return None

    def setDate(self, value: date | QDate) -> None:  # Qt's name, as QDateEdit's
        if isinstance(value, QDate):
            value = date(value.year(), value.month(), value.day())
        self.setText(shown_date(value))

    def _tidy(self) -> None:
        """Once typed (15032026), shown the usual way (15.03.2026)."""
        try:
            shown = shown_date(self.day())
        except InvalidInput:
            return
        if shown != self.text():
            self.setText(shown)

    # --- typing --------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        plain = mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if key == Qt.Key.Key_F4 or (
            key == Qt.Key.Key_Down and mods & Qt.KeyboardModifier.AltModifier
        ):
            self.show_calendar()
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and plain:
            self._step(1 if key == Qt.Key.Key_Up else -1)
            return
        typed = event.text()
        if (
            plain
            and len(typed) == 1
            and typed in "0123456789./-"
            and not self.hasSelectedText()
            and len(self.text()) >= _DATE_CHARACTERS
        ):
            self._overwrite(typed)
            return
        super().keyPressEvent(event)

    def _overwrite(self, typed: str) -> None:
        text, at = self.text(), self.cursorPosition()
        if typed.isdigit():
            while at < len(text) and not text[at].isdigit():
                at += 1  # over a dot, to the next digit
            if at >= len(text):
                return  # the field is full: nothing to overwrite after the year
            self.setText(text[:at] + typed + text[at + 1 :])
            self.setCursorPosition(at + 1)
        elif at < len(text) and not text[at].isdigit():
            self.setCursorPosition(at + 1)  # a dot typed over a dot steps over it

    def _step(self, days: int) -> None:
        try:
            self.setDate(self.day() + timedelta(days=days))
        except (InvalidInput, OverflowError):
            return

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if event.reason() != Qt.FocusReason.MouseFocusReason:
            # Arriving by keyboard (or as the dialog opens): the next digits replace the date.
            QTimer.singleShot(0, self, self.selectAll)  # (not once the field is gone)

    # --- the calendar --------------------------------------------------------------------

    def show_calendar(self) -> None:
        if self.calendar is None:
            self.calendar = QCalendarWidget(self)
            self.calendar.setWindowFlags(Qt.WindowType.Popup)
            self.calendar.setGridVisible(True)
            self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
            self.calendar.setLocale(QLocale(locale_name()))  # month and day names
            self.calendar.clicked.connect(self._picked)
            self.calendar.activated.connect(self._picked)
        try:
            day = self.day()
            self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        except InvalidInput:
            pass
        self.calendar.adjustSize()
        self.calendar.move(self.mapToGlobal(QPoint(0, self.height())))
        self.calendar.show()
        self.calendar.setFocus()

    def _picked(self, value: QDate) -> None:
        self.setDate(value)
        if self.calendar is not None:
            self.calendar.hide()
        self.setFocus()


def date_edit(value: date | None = None) -> DateField:
    """A date field with a calendar, in the user's date format."""
    return DateField(value)
