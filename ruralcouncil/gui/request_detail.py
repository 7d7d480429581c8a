"""The chosen spending request: its figures and purpose, its steps (who, when, by which
resolution or why), and its invoices and quotes, viewable inside the program."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui.attachment_viewer import save_copy, show_attachment
from ruralcouncil.gui.context import AppContext
from ruralcouncil.i18n import _, ngettext
from ruralcouncil.ledger import spending, users
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.spending import STATE_NAMES, Request, State

ATTACHMENT_ROLE = Qt.ItemDataRole.UserRole
ENDED = (State.REJECTED, State.WITHDRAWN, State.CANCELLED)


def steps_of(request: Request, names: dict[int, str]) -> list[tuple[str, str, str, str]]:
    """The request's path so far: (step, who, when, how or why)."""
    steps = [(_("Drafted"), names.get(request.drafted_by, ""), shown_date(request.date), "")]
    if request.approved_by is not None:
        how = (
            _("by resolution {ref}").format(ref=request.resolution)
            if request.resolution
            else _("by the chair alone, within the limit")
        )
        steps.append(
            (
                _("Approved"),
                names.get(request.approved_by, ""),
                shown_date(request.approved_on or request.date),
                how + f", {format_amount(request.approved)}",
            )
        )
    if request.paid:
        steps.append(
            (
                _("Paid"),
                "",
                "",
                _("{paid} paid; {left} left to pay").format(
                    paid=format_amount(request.paid), left=format_amount(request.unpaid)
                ),
            )
        )
    if request.state in ENDED or request.cancelled:
        why = request.ended_reason
        if request.cancelled:
            why = _("{amount} released: {reason}").format(
                amount=format_amount(request.cancelled), reason=why
            )
        steps.append(
            (_(STATE_NAMES[State.CANCELLED if request.cancelled else request.state]), "", "", why)
        )
    return steps


def _value(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class RequestDetail(QWidget):
    """The chosen request: its figures and purpose, its steps, its attachments."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.request: Request | None = None
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold;")
        self.heading.setWordWrap(True)
        self.figures = _value()
        self.purpose = _value()
        form = QFormLayout()
        form.addRow(_("Amounts"), self.figures)
        form.addRow(_("Purpose"), self.purpose)
        self.steps = QTableWidget(0, 4)
        self.steps.setObjectName("steps")
        self.steps.setHorizontalHeaderLabels([_("Step"), _("Who"), _("When"), _("How or why")])
        self.steps.verticalHeader().hide()
        self.steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.steps.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        left = QVBoxLayout()
        left.addWidget(self.heading)
        left.addLayout(form)
        left.addWidget(self.steps, 1)

        self.files = QListWidget()
        self.files.setObjectName("attachments")
        self.files.itemDoubleClicked.connect(lambda _item: self.view_attachment())
        self.view_button = QPushButton(_("View"))
        self.view_button.setObjectName("viewAttachment")
        self.view_button.clicked.connect(self.view_attachment)
        self.save_button = QPushButton(_("Save a copy…"))
        self.save_button.clicked.connect(self.save_attachment)
        buttons = QHBoxLayout()
        buttons.addWidget(self.view_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        attachments = QGroupBox(_("Invoices and quotes"))
        attachments_layout = QVBoxLayout(attachments)
        attachments_layout.addWidget(self.files, 1)
        attachments_layout.addLayout(buttons)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 3)
        layout.addWidget(attachments, 1)
        self.show_request(None)

    def show_request(self, request: Request | None) -> None:
        self.request = request
        self.steps.setRowCount(0)
        self.files.clear()
        if request is None:
            self.heading.setText(_("Choose a request to see its steps and attachments."))
            self.figures.setText("")
            self.purpose.setText("")
            self._enable()
            return
        conn = self.context.ledger.conn
        self.heading.setText(
            _("Request №{id} — {party}: {state}").format(
                id=request.id, party=request.party, state=_(STATE_NAMES[request.state])
            )
        )
        if request.approved_by is None:
            figures = _("asked {amount}").format(amount=format_amount(request.amount))
        else:
            figures = _(
                "asked {amount}; approved {approved}; paid {paid}; left to pay {left}"
            ).format(
                amount=format_amount(request.amount),
                approved=format_amount(request.approved - request.cancelled),
                paid=format_amount(request.paid),
                left=format_amount(request.unpaid),
            )
        self.figures.setText(figures)
        self.purpose.setText(request.purpose)
        names = {u.id: u.full_name or u.name for u, _a in users.list_users(self.context.ledger)}
        steps = steps_of(request, names)
        self.steps.setRowCount(len(steps))
        for row, cells in enumerate(steps):
            for column, text in enumerate(cells):
                self.steps.setItem(row, column, QTableWidgetItem(text))
        for attachment in spending.attachments(conn, request.id):
            size = ngettext("{n} byte", "{n} bytes", attachment.size).format(n=attachment.size)
            if attachment.size >= 1024:
                size = _("{n} KB").format(n=round(attachment.size / 1024))
            item = QListWidgetItem(f"{attachment.filename} ({size})")
            item.setData(ATTACHMENT_ROLE, attachment.id)
            item.setToolTip(f"SHA-256 {attachment.sha256}")
            self.files.addItem(item)
        if self.files.count():
            self.files.setCurrentRow(0)
        self._enable()

    def _enable(self) -> None:
        has = self.files.count() > 0
        self.view_button.setEnabled(has)
        self.save_button.setEnabled(has)

    def _chosen(self) -> tuple[str, bytes] | None:
        item = self.files.currentItem()
        if item is None:
            return None
        return spending.attachment_data(self.context.ledger.conn, int(item.data(ATTACHMENT_ROLE)))

    def view_attachment(self) -> QWidget | None:
        chosen = self._chosen()
        return show_attachment(self, *chosen) if chosen else None

    def save_attachment(self) -> None:
        chosen = self._chosen()
        if chosen:
            save_copy(self, *chosen)
