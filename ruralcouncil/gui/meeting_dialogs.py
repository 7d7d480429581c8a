"""The council's dialogs: open a meeting, record a resolution with every vote, set a council
rule, and confirm a resolution with the confirming member's own password.

Each calls one core function (``meetings.open_meeting``, ``add_resolution``, ``set_rule``,
``confirm``) and shows what it refuses in its own words, keeping what was typed.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.date_field import DateField
from ruralcouncil.gui.problems import error_label, show_problem
from ruralcouncil.gui.subject_builder import SubjectBuilder
from ruralcouncil.i18n import _
from ruralcouncil.ledger import council, meetings, users
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.meetings import Resolution, Vote
from ruralcouncil.ledger.money import format_plain
from ruralcouncil.reports.council_text import member_names, subject_text


class CouncilDialog(QDialog):
    """A form, a red line for the core's refusal, and OK/Cancel; ``save`` does the work."""

    def __init__(self, context: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.names = member_names(context.ledger)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.body = QVBoxLayout(self)
        self.error = error_label()
        self.buttons = QDialogButtonBox()
        self.buttons.setStandardButtons(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.body.addWidget(self.error)
        self.body.addWidget(self.buttons)

    def name(self, user_id: int | None) -> str:
        return self.names.get(user_id, str(user_id)) if user_id is not None else ""

    def _save(self) -> None:
        try:
            self.save()
        except LedgerError as exc:
            show_problem(self.error, str(exc))
            return
        self.context.notify_changed()
        self.accept()

    def save(self) -> None:
        raise NotImplementedError


class OpenMeetingDialog(CouncilDialog):
    """On acceptance ``meeting_id`` holds the new meeting."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Open a meeting"), parent)
        self.setObjectName("openMeetingDialog")
        self.meeting_id: int | None = None
        self.ok_button.setText(_("Open the meeting"))
        self.date = DateField()
        self.date.setObjectName("meetingDate")
        self.present: dict[str, QCheckBox] = {}
        group = QGroupBox(_("Members present"))
        self.grid = QGridLayout(group)
        self.secretary = QComboBox()
        self.secretary.setObjectName("secretary")
        self._sitting_on: str | None = None
        self._fill_members()
        # The council sitting on the day typed: a member outside their term is not offered.
        self.date.textChanged.connect(lambda _text: self._fill_members())
        self.agenda = QPlainTextEdit()
        self.agenda.setObjectName("agenda")
        self.agenda.setPlaceholderText(_("One item a line"))
        self.agenda.setMaximumHeight(120)
        form = QFormLayout()
        form.addRow(_("Date:"), self.date)
        form.addRow(_("Secretary:"), self.secretary)
        form.addRow(_("Agenda:"), self.agenda)
        self.body.addWidget(group)
        self.body.addLayout(form)
        self.finish_layout()

    def _fill_members(self) -> None:
        if self.date.problem() is not None:
            return
        day = self.date.day().isoformat()
        if day == self._sitting_on:
            return
        self._sitting_on = day
        ticked = {name for name, box in self.present.items() if box.isChecked()}
        chosen = self.secretary.currentData()
        for box in self.present.values():
            self.grid.removeWidget(box)
            box.deleteLater()
        self.present.clear()
        self.secretary.clear()
        self.secretary.addItem(_("(none)"), "")
        sitting = council.sitting_members(self.context.ledger.conn, day)
        for n, (user_id, login_name) in enumerate(sitting):
            box = QCheckBox(self.name(user_id))
            box.setChecked(login_name in ticked or not ticked)
            self.present[login_name] = box
            self.grid.addWidget(box, n // 2, n % 2)
            self.secretary.addItem(self.name(user_id), login_name)
        self.secretary.setCurrentIndex(max(self.secretary.findData(chosen), 0))

    def save(self) -> None:
        self.meeting_id = meetings.open_meeting(
            self.context.ledger,
            self.context.user,
            self.date.day(),
            [name for name, box in self.present.items() if box.isChecked()],
            secretary=str(self.secretary.currentData() or ""),
            agenda=self.agenda.toPlainText(),
        )


_VOTE_CHOICES = (Vote.FOR, Vote.AGAINST, Vote.ABSTAIN)


class ResolutionDialog(CouncilDialog):
    """Records a resolution of ``meeting_id``; on acceptance ``ref`` holds its number."""

    def __init__(self, context: AppContext, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Record a resolution"), parent)
        self.setObjectName("resolutionDialog")
        conn = context.ledger.conn
        self.meeting = meetings.get_meeting(conn, meeting_id)
        self.ref: str | None = None
        self.ok_button.setText(_("Record"))
        self.body.addWidget(
            QLabel(_("At the meeting of {day}").format(day=shown_date(self.meeting.date)))
        )
        self.subject = SubjectBuilder(context, int(self.meeting.date[:4]))
        self.subject.changed.connect(self._subject_changed)
        self.text = QPlainTextEdit()
        self.text.setObjectName("resolutionText")
        self.text.setPlaceholderText(_("What the council resolved, as it will be in the minutes"))
        self.text.setMaximumHeight(110)
        self.body.addWidget(self.subject)
        self.body.addWidget(QLabel(_("Text:")))
        self.body.addWidget(self.text)
        votes = QGroupBox(_("Votes of the members present"))
        grid = QGridLayout(votes)
        logins = council.user_names(conn)
        self.votes: dict[int, QComboBox] = {}
        self.logins = {user_id: logins[user_id] for user_id in self.meeting.present}
        for row, user_id in enumerate(self.meeting.present):
            box = QComboBox()
            box.setObjectName(f"vote_{logins[user_id]}")
            box.addItem(_("— choose —"), None)
            for vote in _VOTE_CHOICES:
                box.addItem(_(meetings.VOTE_NAMES[vote]), vote.value)
            box.currentIndexChanged.connect(self._update_ok)
            self.votes[user_id] = box
            grid.addWidget(QLabel(self.name(user_id)), row, 0)
            grid.addWidget(box, row, 1)
        absent = [self.name(i) for i in self.meeting.sitting if i not in self.meeting.present]
        if absent:
            note = QLabel(_("Absent: {names}").format(names=", ".join(absent)))
            note.setStyleSheet("color: #666;")
            grid.addWidget(note, len(self.votes), 0, 1, 2)
        self.body.addWidget(votes)
        self.text.textChanged.connect(self._update_ok)
        self.finish_layout()
        self._subject_changed()

    def set_vote(self, login_name: str, vote: Vote) -> None:
        user_id = next(i for i, name in self.logins.items() if name == login_name)
        box = self.votes[user_id]
        box.setCurrentIndex(box.findData(vote.value))

    def recused(self) -> set[int]:
        """Members present who declared an interest in the subject's party."""
        try:
            canonical = self.subject.canonical()
        except LedgerError:
            return set()
        return meetings.recused_members(self.context.ledger.conn, self.meeting, canonical)

    def _subject_changed(self) -> None:
        recused = self.recused()
        for user_id, box in self.votes.items():
            box.setEnabled(user_id not in recused)
            box.setToolTip(_("Recused: declared an interest") if user_id in recused else "")
        self._update_ok()

    def _update_ok(self) -> None:
        chosen = all(
            box.currentData() is not None for box in self.votes.values() if box.isEnabled()
        )
        self.ok_button.setEnabled(chosen and bool(self.text.toPlainText().strip()))

    def save(self) -> None:
        given: dict[str, list[str]] = {vote.value: [] for vote in _VOTE_CHOICES}
        for user_id, box in self.votes.items():
            if box.isEnabled() and box.currentData() is not None:
                given[str(box.currentData())].append(self.logins[user_id])
        self.ref = meetings.add_resolution(
            self.context.ledger,
            self.context.user,
            self.meeting.id,
            self.subject.text(),
            self.text.toPlainText(),
            given[Vote.FOR.value],
            given[Vote.AGAINST.value],
            given[Vote.ABSTAIN.value],
        )


def _shown_value(rule: council.Rule, stored: str) -> str:
    """A stored value as typed again: tenge for amounts (stored in tiyn), shares as they are."""
    return stored if "/" in stored else format_plain(int(stored))


class RuleDialog(CouncilDialog):
    """Set a council rule by the resolution that changed it."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Set a council rule"), parent)
        self.setObjectName("ruleDialog")
        self.ok_button.setText(_("Set the rule"))
        conn = context.ledger.conn
        self.resolution = QComboBox()
        self.resolution.setObjectName("ruleResolution")
        for r in meetings.resolutions(conn):
            if r.subject.startswith("rules:") and r.in_effect and r.used_for is None:
                self.resolution.addItem(
                    _("{ref} of {day}: {subject}").format(
                        ref=r.ref, day=shown_date(r.date), subject=subject_text(conn, r.subject)
                    ),
                    r.ref,
                )
        self.rule = QComboBox()
        self.rule.setObjectName("ruleName")
        for rule, name in council.RULE_NAMES.items():
            self.rule.addItem(_(name), rule.value)
        self.value = QLineEdit()
        self.value.setObjectName("ruleValue")
        form = QFormLayout()
        form.addRow(_("Resolution:"), self.resolution)
        form.addRow(_("Rule:"), self.rule)
        form.addRow(_("New value:"), self.value)
        current = QLabel(
            "\n".join(
                _("{rule}: {value}").format(
                    rule=_(council.RULE_NAMES[rule]), value=council.shown_rule(rule, value)
                )
                + (_(" (resolution {ref})").format(ref=ref) if ref else "")
                for rule, value, ref in council.rules(conn)
            )
        )
        current.setStyleSheet("color: #444;")
        self.body.addWidget(QLabel(_("The rules now:")))
        self.body.addWidget(current)
        self.body.addLayout(form)
        if not self.resolution.count():
            show_problem(
                self.error,
                _(
                    "No passed, confirmed resolution about a council rule is waiting: record "
                    "one at a meeting (subject: changing a council rule) and have it confirmed."
                ),
            )
            self.ok_button.setEnabled(False)
        self.resolution.currentIndexChanged.connect(self._resolution_chosen)
        self.finish_layout()
        self._resolution_chosen()

    def _resolution_chosen(self) -> None:
        ref = self.resolution.currentData()
        if ref is None:
            return
        subject = meetings.get_resolution(self.context.ledger.conn, str(ref)).subject
        name, _eq, stored = subject.removeprefix("rules:").partition("=")
        self.rule.setCurrentIndex(self.rule.findData(name))
        self.value.setText(_shown_value(council.Rule(name), stored))

    def save(self) -> None:
        meetings.set_rule(
            self.context.ledger,
            self.context.user,
            str(self.rule.currentData()),
            self.value.text(),
            str(self.resolution.currentData() or ""),
        )


class ConfirmDialog(CouncilDialog):
    """A member present confirms the record of a resolution's votes with their OWN password:
    on a shared PC the chair may be logged in while another member confirms."""

    def __init__(
        self,
        context: AppContext,
        resolutions: list[Resolution],
        chosen: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, _("Confirm a resolution"), parent)
        self.setObjectName("confirmDialog")
        self.ok_button.setText(_("Confirm"))
        self.logins = council.user_names(context.ledger.conn)
        self.by_ref = {r.ref: r for r in resolutions if r.confirmed_by is None}
        self.resolution = QComboBox()
        self.resolution.setObjectName("confirmResolution")
        conn = context.ledger.conn
        for r in self.by_ref.values():
            self.resolution.addItem(
                _("{ref}: {subject}").format(ref=r.ref, subject=subject_text(conn, r.subject)),
                r.ref,
            )
        if chosen is not None:
            self.resolution.setCurrentIndex(max(self.resolution.findData(chosen), 0))
        self.member = QComboBox()
        self.member.setObjectName("confirmingMember")
        self.password = QLineEdit()
        self.password.setObjectName("confirmPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        note = QLabel(
            _(
                "Another member present at the meeting confirms that the votes were recorded "
                "as taken. They type their own password: it signs the confirmation."
            )
        )
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Resolution:"), self.resolution)
        form.addRow(_("Confirming member:"), self.member)
        form.addRow(_("Their password:"), self.password)
        self.body.addWidget(note)
        self.body.addLayout(form)
        self.resolution.currentIndexChanged.connect(self._fill_members)
        self.finish_layout()
        self._fill_members()

    def _fill_members(self) -> None:
        self.member.clear()
        ref = self.resolution.currentData()
        if ref is None:
            self.ok_button.setEnabled(False)
            return
        r = self.by_ref[str(ref)]
        for user_id, vote in r.votes.items():
            if user_id != r.chair_id and vote not in (Vote.ABSENT, Vote.RECUSED):
                login = self.logins.get(user_id, "")
                self.member.addItem(f"{self.name(user_id)} ({login})", login)
        self.ok_button.setEnabled(self.member.count() > 0)

    def choose_member(self, login_name: str) -> None:
        self.member.setCurrentIndex(self.member.findData(login_name))

    def save(self) -> None:
        try:
            member = users.login(
                self.context.ledger, str(self.member.currentData() or ""), self.password.text()
            )
        except LedgerError:
            self.password.clear()
            self.password.setFocus()
            raise
        meetings.confirm(self.context.ledger, member, str(self.resolution.currentData()))
