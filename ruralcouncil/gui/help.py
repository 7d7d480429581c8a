"""The built-in guide: a short page of plain words for each page of the window.

F1 opens the guide to the page on screen. The texts are HTML files under
``resources/help/<language>/<topic>.html``, one per page and language (Kazakh, Russian,
English); a topic missing in a language is shown in English rather than not at all.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil import paths
from ruralcouncil.gui import messages
from ruralcouncil.i18n import N_, _, language

# The pages of the window, in the order the navigation lists them.
TOPICS = {
    "dashboard": N_("Dashboard"),
    "ledger": N_("Ledger"),
    "budget": N_("Budget"),
    "meetings": N_("Meetings"),
    "requests": N_("Spending requests"),
    "donations": N_("Donations"),
    "projects": N_("Community projects"),
    "subsidies": N_("Subsidies"),
    "loans": N_("Loans"),
    "assets": N_("Property and leases"),
    "fines": N_("Fines"),
    "reports": N_("Reports"),
    "district": N_("District"),
    "parties": N_("Parties"),
    "audit": N_("Audit log"),
    "safety": N_("Safety & backups"),
    "users": N_("Users"),
    "settings": N_("Settings"),
}
TOPIC_ROLE = Qt.ItemDataRole.UserRole


def help_dir(lang: str) -> Path:
    return paths.resources_dir() / "help" / lang


def help_file(topic: str, lang: str | None = None) -> Path | None:
    """The guide to ``topic`` in ``lang`` (the current language), else in English."""
    for candidate in (lang or language(), "en"):
        path = help_dir(candidate) / f"{topic}.html"
        if path.is_file():
            return path
    return None


def help_text(topic: str, lang: str | None = None) -> str:
    path = help_file(topic, lang)
    if path is None:
        return "<p>" + _("There is no guide to this page yet.") + "</p>"
    return path.read_text(encoding="utf-8")


class HelpWindow(QDialog):
    """The guide: the pages on the left, the chosen page's text on the right. It stays open
    beside the window (not modal), so the user can read and work at the same time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpWindow")
        self.setWindowTitle(_("RuralCouncil: help"))
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.setModal(False)
        self.resize(760, 560)
        self.topics = QListWidget()
        self.topics.setObjectName("helpTopics")
        for key, title in TOPICS.items():
            item = QListWidgetItem(_(title))
            item.setData(TOPIC_ROLE, key)
            self.topics.addItem(item)
        # Kazakh titles run long: they wrap rather than hide behind a scroll bar.
        self.topics.setWordWrap(True)
        self.topics.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.topics.setStyleSheet("QListWidget::item { padding: 4px 2px; }")
        self.topics.setFixedWidth(210)
        self.text = QTextBrowser()
        self.text.setObjectName("helpText")
        self.text.setOpenExternalLinks(False)
        self.text.setStyleSheet("QTextBrowser { padding: 6px; }")
        self.topics.currentRowChanged.connect(self._show_row)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(self.topics)
        row.addWidget(self.text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.topic = ""

    def show_topic(self, topic: str) -> None:
        """Show the guide to ``topic`` (a page key) and bring the window forward."""
        keys = list(TOPICS)
        if topic in keys:
            self.topics.setCurrentRow(keys.index(topic))
            self._show(topic)
        self.show()
        messages.bring_forward(self)

    def _show_row(self, row: int) -> None:
        if row >= 0:
            self._show(list(TOPICS)[row])

    def _show(self, topic: str) -> None:
        if topic == self.topic:
            return
        self.topic = topic
        self.text.setHtml(help_text(topic))
