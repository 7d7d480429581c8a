"""The annual return's forms (DESIGN §2.7, §4.4), opened from the reports page: Section 1's
answers (the chair, by a resolution about ``governance:YEAR``), the variances' explanations
and the bank reconciliation (the clerk; its approval by the chair), the internal audit (the
auditor), the residents' inspection period (the clerk) and finalising (the chair).

Each form shows what the core holds for the year and records through the core's one function
for that action (``ledger.annual_return``, ``variances``, ``reconciliation``,
``internal_audit``), which decides: a refusal is shown in its own words, nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ruralcouncil.gui import messages
from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.date_field import date_edit
from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import annual_return, internal_audit, reconciliation, variances
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.money import format_amount, parse_amount
from ruralcouncil.ledger.parse import parse_ids
from ruralcouncil.ledger.users import Action

_OK_STYLE = "color: #1b5e20;"
_PROBLEM_STYLE = "color: #b71c1c;"


def open_form(key: str, context: AppContext, year: int, parent: QWidget | None) -> int:
    """Show the form ``key`` (one of the Reports page's ``RETURN_FORMS``) for ``year``; the
    dialog's result."""
    forms: dict[str, type[ReturnForm]] = {
        "governance": GovernanceForm,
        "variances": VariancesForm,
        "reconciliation": ReconciliationForm,
        "audit": AuditForm,
        "inspection": InspectionForm,
        "finalise": FinaliseForm,
    }
    dialog = forms[key](context, year, parent)
    return messages.run_dialog(dialog)


def _text(widget: QPlainTextEdit) -> str:
    return widget.toPlainText().strip()


class ReturnForm(QDialog):
    """What every form shares: the year's state above, its fields, a line for the core's
    answer, and Close. ``recorded`` is emitted after each successful write."""

    recorded = Signal()
    title = ""

    def __init__(self, context: AppContext, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.year = context, year
        self.setWindowTitle(_("{form} ({year})").format(form=_(self.title), year=year))
        self.setMinimumWidth(640)
        self.state_label = QLabel()
        self.state_label.setObjectName("state")
        self.state_label.setWordWrap(True)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.answer = QLabel()
        self.answer.setObjectName("answer")
        self.answer.setWordWrap(True)
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        state = QGroupBox(_("What the return holds now"))
        QVBoxLayout(state).addWidget(self.state_label)
        layout.addWidget(state)
        layout.addLayout(self.form)
        layout.addWidget(self.answer)
        layout.addWidget(self.buttons)

    def button(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        return button

    def run(self, action: Callable[[], object], done: str) -> bool:
        """Do ``action`` (a core call); say ``done`` or the core's refusal."""
        try:
            action()
        except LedgerError as exc:
            self.answer.setStyleSheet(_PROBLEM_STYLE)
            self.answer.setText(str(exc))
            return False
        self.answer.setStyleSheet(_OK_STYLE)
        self.answer.setText(done)
        self.context.notify_changed()
        self.show_state()
        self.recorded.emit()
        return True

    def read(self) -> annual_return.ReturnState:
        return annual_return.read(self.context.ledger.conn, self.year)

    def show_state(self) -> None:
        raise NotImplementedError


# --- Section 1 ---------------------------------------------------------------------------


class GovernanceForm(ReturnForm):
    title = N_("Section 1: the council's answers")

    def __init__(self, context: AppContext, year: int, parent: QWidget | None = None) -> None:
        super().__init__(context, year, parent)
        self.assertion = QComboBox()
        self.assertion.setObjectName("assertion")
        for n, text in annual_return.ASSERTIONS.items():
            self.assertion.addItem(f"{n}. {_(text)[:90]}", n)
        self.given = QComboBox()
        self.given.setObjectName("given")
        for value, name in annual_return.ANSWER_NAMES.items():
            self.given.addItem(_(name), value.value)
        self.explanation = QPlainTextEdit()
        self.explanation.setObjectName("explanation")
        self.explanation.setPlaceholderText(_("Required for a No: why, and what is being done."))
        self.explanation.setMaximumHeight(80)
        self.resolution = QLineEdit()
        self.resolution.setObjectName("resolution")
        self.resolution.setPlaceholderText(
            _("the resolution about governance:{year}, e.g. {ref}").format(
                year=year, ref=f"{year + 1}/1"
            )
        )
        self.form.addRow(_("Assertion"), self.assertion)
        self.form.addRow(_("Answer"), self.given)
        self.form.addRow(_("Explanation"), self.explanation)
        self.form.addRow(_("Resolution"), self.resolution)
        self.record_button = self.button(_("Record the answer"), "record", self.record)
        self.show_state()

    def show_state(self) -> None:
        answers = self.read().governance
        lines = []
        for n in annual_return.ASSERTIONS:
            found = answers.get(n)
            if found is None:
                lines.append(_("{n}: not answered").format(n=n))
            else:
                given = _(annual_return.ANSWER_NAMES[found.answer])
                text = _("{n}: {answer} (resolution {ref})").format(
                    n=n, answer=given, ref=found.resolution
                )
                lines.append(f"{text}. {found.explanation}" if found.explanation else text)
        self.state_label.setText("\n".join(lines))

    def record(self) -> None:
        given = annual_return.Answer(str(self.given.currentData()))
        self.run(
            lambda: annual_return.answer_assertion(
                self.context.ledger,
                self.context.user,
                self.year,
                int(self.assertion.currentData()),
                given,
                _text(self.explanation),
                self.resolution.text().strip(),
            ),
            _("The answer was recorded."),
        )


# --- variances ---------------------------------------------------------------------------


class VariancesForm(ReturnForm):
    title = N_("Explain the variances")

    def __init__(self, context: AppContext, year: int, parent: QWidget | None = None) -> None:
        super().__init__(context, year, parent)
        self.box = QComboBox()
        self.box.setObjectName("box")
        self.text = QPlainTextEdit()
        self.text.setObjectName("text")
        self.text.setMaximumHeight(90)
        self.form.addRow(_("Box"), self.box)
        self.form.addRow(_("Explanation"), self.text)
        self.record_button = self.button(_("Record the explanation"), "record", self.record)
        self.show_state()

    def show_state(self) -> None:
        found = variances.variances(self.context.ledger.conn, self.year)
        needed = [v for v in found if v.needed]
        chosen = self.box.currentData()
        self.box.clear()
        lines = []
        for v in needed:
            self.box.addItem(_("Box {box}").format(box=v.box), v.box)
            line = _("Box {box}: {prior} last year, {current} this year.").format(
                box=v.box, prior=format_amount(v.prior), current=format_amount(v.current)
            )
            explained = v.explanation or _("not explained yet")
            lines.append(f"{line} {explained}")
        if chosen is not None and self.box.findData(chosen) >= 0:
            self.box.setCurrentIndex(self.box.findData(chosen))
        self.record_button.setEnabled(bool(needed))
        self.state_label.setText(
            "\n".join(lines)
            or _("No box moved enough from the year before to need an explanation.")
        )

    def record(self) -> None:
        box = self.box.currentData()
        if box is None:
            return
        self.run(
            lambda: variances.explain(
                self.context.ledger, self.context.user, self.year, int(box), _text(self.text)
            ),
            _("The explanation was recorded."),
        )


# --- the bank reconciliation -------------------------------------------------------------


class ReconciliationForm(ReturnForm):
    title = N_("Bank reconciliation at 31 December")

    def __init__(self, context: AppContext, year: int, parent: QWidget | None = None) -> None:
        super().__init__(context, year, parent)
        self.statements: dict[str, QLineEdit] = {}
        accounts, _box8, _box7 = reconciliation.cash_book(context.ledger.conn, year)
        names = {a.code: a.name() for a in _cash_accounts(context)}
        for code in accounts:
            edit = QLineEdit()
            edit.setObjectName(f"statement_{code}")
            edit.setPlaceholderText(_("balance on the statement (or counted), ₸"))
            self.statements[code] = edit
            self.form.addRow(names.get(code, code), edit)
        self.unpresented = QLineEdit()
        self.unpresented.setObjectName("unpresented")
        self.unpresented.setPlaceholderText(_("entry numbers, e.g. 412, 415"))
        self.unbanked = QLineEdit()
        self.unbanked.setObjectName("unbanked")
        self.unbanked.setPlaceholderText(_("entry numbers"))
        self.explanation = QPlainTextEdit()
        self.explanation.setObjectName("explanation")
        self.explanation.setMaximumHeight(70)
        self.form.addRow(_("Payments not yet paid by the bank"), self.unpresented)
        self.form.addRow(_("Receipts not yet banked"), self.unbanked)
        self.form.addRow(_("Explanation"), self.explanation)
        if context.may(Action.PREPARE_RETURN):
            self.button(_("Record the reconciliation"), "record", self.record)
        if context.may(Action.CHAIR):
            self.button(_("Approve it"), "approve", self.approve)
        self.show_state()

    def show_state(self) -> None:
        r = reconciliation.latest(self.context.ledger.conn, self.year)
        if r is None:
            self.state_label.setText(_("The bank is not reconciled for this year yet."))
            return
        lines = [
            _("Statements and cash counted: {total}").format(
                total=format_amount(r.statements_total)
            ),
            _("Less payments not yet paid by the bank: {total}").format(
                total=format_amount(r.unpresented_total)
            ),
            _("Plus receipts not yet banked: {total}").format(
                total=format_amount(r.unbanked_total)
            ),
            _("Cash book (box 8): {total}").format(total=format_amount(r.cash_book)),
            _("It agrees.")
            if r.agrees
            else _("Difference: {total}").format(total=format_amount(r.difference)),
            _("Prepared by {name}.").format(name=r.prepared_by),
            _("Approved by {name} on {day}.").format(name=r.approved_by, day=r.approved_on)
            if r.approved
            else _("Not approved yet."),
        ]
        if not r.current:
            lines.append(_("The ledger changed since: reconcile again."))
        self.state_label.setText("\n".join(lines))

    def record(self) -> None:
        def act() -> object:
            statements = {code: parse_amount(edit.text()) for code, edit in self.statements.items()}
            return reconciliation.reconcile(
                self.context.ledger,
                self.context.user,
                self.year,
                statements,
                parse_ids(self.unpresented.text(), _("The entry")),
                parse_ids(self.unbanked.text(), _("The entry")),
                _text(self.explanation),
            )

        self.run(act, _("The reconciliation was recorded."))

    def approve(self) -> None:
        self.run(
            lambda: reconciliation.approve(self.context.ledger, self.context.user, self.year),
            _("The reconciliation was approved."),
        )


def _cash_accounts(context: AppContext) -> list[Any]:
    from ruralcouncil.ledger import catalog

    return list(catalog.cash_accounts(context.ledger.conn))


# --- the internal audit ------------------------------------------------------------------


class AuditForm(ReturnForm):
    title = N_("Internal audit")

    def __init__(self, context: AppContext, year: int, parent: QWidget | None = None) -> None:
        super().__init__(context, year, parent)
        self.objective = QComboBox()
        self.objective.setObjectName("objective")
        for n, text in internal_audit.OBJECTIVES.items():
            self.objective.addItem(f"{n}. {_(text)[:90]}", n)
        self.objective.currentIndexChanged.connect(lambda _i: self._show_evidence())
        self.given = QComboBox()
        self.given.setObjectName("given")
        for value, name in internal_audit.AUDIT_ANSWER_NAMES.items():
            self.given.addItem(_(name), value.value)
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("comment")
        self.comment.setMaximumHeight(70)
        self.evidence_label = QLabel()
        self.evidence_label.setObjectName("evidence")
        self.evidence_label.setWordWrap(True)
        self.auditor = QLineEdit(context.user.full_name or context.user.name)
        self.auditor.setObjectName("auditor")
        self.starts = date_edit(date(year + 1, 1, 15) if year < date.today().year else None)
        self.ends = date_edit()
        self.form.addRow(_("Objective"), self.objective)
        self.form.addRow(_("What the ledger shows"), self.evidence_label)
        self.form.addRow(_("Answer"), self.given)
        self.form.addRow(_("Comment"), self.comment)
        self.form.addRow(_("Auditor"), self.auditor)
        self.form.addRow(_("Audit done from"), self.starts)
        self.form.addRow(_("to"), self.ends)
        self.button(_("Record the answer"), "record", self.record)
        self.button(_("Sign the audit"), "sign", self.sign)
        self._evidence = internal_audit.evidence(context.ledger.conn, year)
        self._show_evidence()
        self.show_state()

    def _show_evidence(self) -> None:
        found = self._evidence.get(int(self.objective.currentData() or 0), [])
        self.evidence_label.setStyleSheet(_PROBLEM_STYLE if found else _OK_STYLE)
        self.evidence_label.setText(
            "\n".join(found[:6]) if found else _("Nothing found in the ledger.")
        )

    def show_state(self) -> None:
        conn = self.context.ledger.conn
        found = internal_audit.answers(conn, self.year)
        lines = []
        for n in internal_audit.OBJECTIVES:
            a = found.get(n)
            if a is None:
                lines.append(_("{n}: not answered").format(n=n))
            else:
                given = _(internal_audit.AUDIT_ANSWER_NAMES[a.answer])
                lines.append(f"{n}: {given}" + (f". {a.comment}" if a.comment else ""))
        signed = internal_audit.signoff(conn, self.year)
        if signed is not None:
            lines.append(
                _("Signed by {name}, audit from {start} to {end}.").format(
                    name=signed.auditor, start=signed.starts, end=signed.ends
                )
            )
        self.state_label.setText("\n".join(lines))

    def record(self) -> None:
        given = internal_audit.AuditAnswer(str(self.given.currentData()))
        self.run(
            lambda: internal_audit.answer(
                self.context.ledger,
                self.context.user,
                self.year,
                int(self.objective.currentData()),
                given,
                _text(self.comment),
            ),
            _("The answer was recorded."),
        )

    def sign(self) -> None:
        self.run(
            lambda: internal_audit.sign(
                self.context.ledger,
                self.context.user,
                self.year,
                self.starts.day(),
                self.ends.day(),
                self.auditor.text(),
            ),
            _("The audit was signed."),
        )


# --- the residents' right to inspect ------------------------------------------------------


class InspectionForm(ReturnForm):
    title = N_("Residents' right to inspect")

    def __init__(self, context: AppContext, year: int, parent: QWidget | None = None) -> None:
        super().__init__(context, year, parent)
        self.starts = date_edit(date(year + 1, 6, 1))
        self.ends = date_edit(date(year + 1, 7, 12))
        self.place = QLineEdit()
        self.place.setObjectName("place")
        self.place.setPlaceholderText(_("e.g. the akimat's office, room 2"))
        self.how = QPlainTextEdit()
        self.how.setObjectName("how")
        self.how.setMaximumHeight(70)
        self.how.setPlaceholderText(_("days and hours, whom to ask, how to ask for copies"))
        self.form.addRow(_("From"), self.starts)
        self.form.addRow(_("To"), self.ends)
        self.form.addRow(_("Where"), self.place)
        self.form.addRow(_("How"), self.how)
        self.button(_("Record the period"), "record", self.record)
        self.show_state()

    def show_state(self) -> None:
        found = annual_return.inspection(self.context.ledger.conn, self.year)
        if found is None:
            self.state_label.setText(_("No inspection period is set for this year yet."))
            return
        self.state_label.setText(
            _("From {start} to {end} ({days} working days), at {place}.").format(
                start=found.starts, end=found.ends, days=found.working_days, place=found.place
            )
        )

    def record(self) -> None:
        self.run(
            lambda: annual_return.set_inspection(
                self.context.ledger,
                self.context.user,
                self.year,
                self.starts.day(),
                self.ends.day(),
                self.place.text(),
                _text(self.how),
            ),
            _("The inspection period was recorded."),
        )


# --- finalising ---------------------------------------------------------------------------


class FinaliseForm(ReturnForm):
    title = N_("Finalise the return")

    def __init__(self, context: AppContext, year: int, parent: QWidget | None = None) -> None:
        super().__init__(context, year, parent)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setMaximumHeight(70)
        self.reason.setPlaceholderText(_("for a new version: what changed, and why"))
        self.form.addRow(_("Reason"), self.reason)
        self.finalise_button = self.button(_("Finalise"), "finalise", self.finalise)
        self.show_state()

    def show_state(self) -> None:
        state = self.read()
        last = state.last_version
        lines = []
        if last is not None:
            lines.append(
                _("Version {n} was finalised on {day} by {name}.").format(
                    n=last.version, day=last.date, name=last.by
                )
            )
            if not state.final:
                lines.append(_("Something changed since: a new version needs a reason."))
        missing = state.missing()
        if missing:
            lines.append(_("Still to be done:"))
            lines += [f"• {m}" for m in missing]
        elif state.final:
            lines.append(_("The return is final."))
        else:
            lines.append(_("Everything is there: the return can be finalised."))
        self.finalise_button.setEnabled(not missing and not state.final)
        self.state_label.setText("\n".join(lines))

    def finalise(self) -> None:
        if not messages.ask(
            self,
            _(
                "Finalise the return for {year}? The year is closed: nothing can be recorded "
                "in it afterwards, and a change needs a new version with its reason."
            ).format(year=self.year),
            _("Finalise the return"),
        ):
            return
        self.run(
            lambda: annual_return.finalise(
                self.context.ledger, self.context.user, self.year, _text(self.reason)
            ),
            _("The return was finalised."),
        )
