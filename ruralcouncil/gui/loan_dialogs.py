"""The loans page's dialogs: record a loan received, and record a repayment.

Each OK calls one core function (``loans.add``, or ``journal.record`` of a ``LOAN-REPAY``
payment naming the loan) and shows its refusal under the form in the core's words, with
nothing written and everything typed kept. What a dialog shows beforehand is the core's own
answer: the schedule's first and last instalments (``loans.schedule``), the resolutions ready
for the loan's subject (``meetings.ready_for``), and how a repayment divides into interest
and principal (``loans.split``).
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QSpinBox, QWidget

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.council_forms import (
    CoreForm,
    account_combo,
    party_combo,
    resolution_text,
    typed_amount,
)
from ruralcouncil.gui.date_field import date_edit
from ruralcouncil.gui.entry_dialogs import clock_is_trusted, future_is_confirmed
from ruralcouncil.gui.loans_page import rate_text, schedule_rows
from ruralcouncil.i18n import _
from ruralcouncil.ledger import budget, journal, loans, meetings, money, parse, spending
from ruralcouncil.ledger.classification import GENERAL_FUND
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.errors import InvalidInput
from ruralcouncil.ledger.journal import EntryType, NewEntry
from ruralcouncil.ledger.loans import METHOD_NAMES, Instalment, Loan, Method
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.register_links import RegisterLink
from ruralcouncil.ledger.spending import Request

_NOTE_STYLE = "color: #505050;"
_PROBLEM_STYLE = "color: #b00020;"


class FormNote(QLabel):
    """A wrapped note in a form row, as tall as its lines at the width it is given.

    A form lays a wrapped label out at the height of its lines at QLabel's own preferred
    width, which is narrower than the field it stands in: the row would be twice as tall as
    its text, with blank space above and below. Once the note has its width, it asks for
    the height of its lines at that width (the rest of the dialog gives way).
    """

    def __init__(self, style: str = _NOTE_STYLE) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setStyleSheet(style)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.width() <= hint.width() or not self.text():
            return hint
        return QSize(hint.width(), self.heightForWidth(self.width()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()


def _note() -> QLabel:
    return FormNote()


def _amount_of(edit: QLineEdit) -> int:
    """The amount typed (the core's parser); on a refusal the field gets the keyboard."""
    try:
        return money.parse_amount(edit.text())
    except InvalidInput:
        edit.setFocus()
        raise


def instalment_text(instalment: Instalment) -> str:
    return _("№{number} on {day}: {payment} ({interest} interest, {principal} principal)").format(
        number=instalment.number,
        day=shown_date(instalment.due),
        payment=format_amount(instalment.payment),
        interest=format_amount(instalment.interest),
        principal=format_amount(instalment.principal),
    )


def loan_line(loan: Loan) -> str:
    """One loan in a sentence: its number, lender, principal and terms."""
    return _("Loan {id} from {lender}: {principal} at {rate} a year over {months} months.").format(
        id=loan.id,
        lender=loan.lender,
        principal=format_amount(loan.principal),
        rate=rate_text(loan),
        months=loan.months,
    )


# --- a loan received ---------------------------------------------------------------------


class AddLoanDialog(CoreForm):
    """The clerk records a loan received: the lender (a party), the principal, the annual
    rate, the months and the way it is repaid, the higher body's permission, and the passed,
    confirmed resolution about ``loan:LENDER:PRINCIPAL``; its LOAN receipt is posted."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Record a loan"), _("Record the loan"), parent)
        self.setObjectName("addLoanDialog")
        self.setMinimumWidth(640)
        self.loan_id: int | None = None
        self.schedule: list[Instalment] = []  # the preview's, as the core works it out
        self.subject: str | None = None
        self.say(
            _(
                "A village borrows only with the permission of the higher body and a resolution "
                "of the council about loan:LENDER:PRINCIPAL. The money received is posted as a "
                "LOAN receipt; the repayments follow the schedule."
            )
        )
        self.party = party_combo(context.ledger)
        self.party.setObjectName("lender")
        self.principal = QLineEdit()
        self.principal.setObjectName("principal")
        self.principal.setPlaceholderText(_("for example 3 000 000"))
        self.rate = QLineEdit()
        self.rate.setObjectName("rate")
        self.rate.setPlaceholderText(_("for example 7,5 (0 for an interest-free loan)"))
        self.months = QSpinBox()
        self.months.setObjectName("months")
        self.months.setRange(1, loans.MAX_MONTHS)
        self.months.setValue(12)
        self.method = QComboBox()
        self.method.setObjectName("method")
        for method, name in METHOD_NAMES.items():
            self.method.addItem(_(name), method.value)
        self.preview = _note()
        self.preview.setObjectName("preview")
        self.permission = QLineEdit()
        self.permission.setObjectName("permission")
        self.permission.setMaxLength(parse.MAX_TEXT)
        self.permission.setPlaceholderText(_("the higher body's letter: its number and date"))
        self.resolution = QComboBox()
        self.resolution.setObjectName("resolution")
        self.resolution.setEditable(True)
        self.resolution.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.resolution.setMinimumContentsLength(40)
        self.resolution.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.subject_note = _note()
        self.subject_note.setObjectName("subjectNote")
        self.date = date_edit()
        self.date.setObjectName("date")
        self.account = account_combo(context.ledger)
        self.form.addRow(_("Lender"), self.party)
        self.form.addRow(_("Principal (₸)"), self.principal)
        self.form.addRow(_("Rate (% a year)"), self.rate)
        self.form.addRow(_("Months"), self.months)
        self.form.addRow(_("Repayment"), self.method)
        self.form.addRow("", self.preview)
        self.form.addRow(_("Permission"), self.permission)
        self.form.addRow(_("Resolution"), self.resolution)
        self.form.addRow("", self.subject_note)
        self.form.addRow(_("Received on"), self.date)
        self.form.addRow(_("Received into"), self.account)
        self.party.currentIndexChanged.connect(lambda _i: self._terms_changed())
        self.principal.textChanged.connect(lambda _t: self._terms_changed())
        self.rate.textChanged.connect(lambda _t: self._show_preview())
        self.months.valueChanged.connect(lambda _v: self._show_preview())
        self.method.currentIndexChanged.connect(lambda _i: self._show_preview())
        self.date.dateChanged.connect(self._show_preview)
        self._terms_changed()

    # --- the resolution -------------------------------------------------------------------

    def loan_subject(self) -> str | None:
        """The subject the council's resolution must be about, in the core's canonical form
        (``meetings.parse_subject``); None until the lender and the principal are given."""
        data = self.party.currentData()
        try:
            principal = money.parse_amount(self.principal.text())
        except InvalidInput:
            return None
        if data is None or principal <= 0:
            return None
        try:
            return meetings.parse_subject(
                self.context.ledger.conn, f"loan:{int(data)}:{money.format_plain(principal)}"
            )
        except InvalidInput:
            return None

    def _terms_changed(self) -> None:
        subject = self.loan_subject()
        if subject != self.subject:
            self.subject = subject
            self._fill_resolutions()
        self._show_preview()

    def _fill_resolutions(self) -> None:
        typed = self.resolution.currentText() if self.resolution.currentIndex() < 0 else ""
        self.resolution.clear()
        subject = self.subject
        if subject is None:
            self.subject_note.setText(
                _(
                    "Choose the lender and type the principal: the council's resolution is "
                    "about loan:LENDER:PRINCIPAL."
                )
            )
        else:
            for resolution in meetings.ready_for(self.context.ledger.conn, subject):
                self.resolution.addItem(resolution_text(resolution), resolution.ref)
            if self.resolution.count():
                self.subject_note.setText(
                    _("A resolution about {subject}, passed and confirmed.").format(subject=subject)
                )
            else:
                self.subject_note.setText(
                    _(
                        "No resolution about {subject} is ready (passed, confirmed and not "
                        "used yet); type its number if you know it, such as 2026/3."
                    ).format(subject=subject)
                )
        self.resolution.setCurrentIndex(0 if self.resolution.count() else -1)
        if typed and self.resolution.currentIndex() < 0:
            self.resolution.setEditText(typed)

    def chosen_ref(self) -> str:
        """The resolution chosen from the list (its number), or the number typed."""
        index = self.resolution.currentIndex()
        text = self.resolution.currentText().strip()
        if index >= 0 and text == self.resolution.itemText(index):
            return str(self.resolution.itemData(index))
        return text

    # --- the schedule's preview -----------------------------------------------------------

    def _show_preview(self) -> None:
        self.schedule = []
        if not self.principal.text().strip() or not self.rate.text().strip():
            self.preview.setStyleSheet(_NOTE_STYLE)
            self.preview.setText(
                _("Type the principal and the rate to see the first and last instalments.")
            )
            return
        try:
            principal = money.parse_amount(self.principal.text())
            rate = loans.parse_rate(self.rate.text())
            start = self.date.day()
        except InvalidInput as exc:
            self.preview.setStyleSheet(_PROBLEM_STYLE)
            self.preview.setText(str(exc))
            return
        if principal <= 0:
            self.preview.setText("")
            return
        method = Method(str(self.method.currentData()))
        self.schedule = loans.schedule(
            principal, rate, self.months.value(), start.isoformat(), method
        )
        first, last = self.schedule[0], self.schedule[-1]
        lines = [_("First instalment {text}.").format(text=instalment_text(first))]
        if last.number != first.number:
            lines.append(_("Last instalment {text}.").format(text=instalment_text(last)))
        lines.append(
            _("In all {total}, of which {interest} interest.").format(
                total=format_amount(sum(i.payment for i in self.schedule)),
                interest=format_amount(sum(i.interest for i in self.schedule)),
            )
        )
        self.preview.setStyleSheet(_NOTE_STYLE)
        self.preview.setText("\n".join(lines))

    # --- saving ---------------------------------------------------------------------------

    def save(self) -> None:
        data = self.party.currentData()
        if data is None:
            raise InvalidInput(_("Choose the lender (Parties: Add party…)."))
        principal = _amount_of(self.principal)
        rate = loans.parse_rate(self.rate.text())
        self.loan_id = loans.add(
            self.context.ledger,
            self.context.user,
            int(data),
            principal,
            rate,
            self.months.value(),
            self.permission.text(),
            self.chosen_ref(),
            method=str(self.method.currentData()),
            on=self.date.day(),
            account=str(self.account.currentData() or ""),
        )


# --- a repayment -------------------------------------------------------------------------


def next_instalment(context: AppContext, loan: Loan) -> tuple[Instalment, int] | None:
    """The first instalment not paid in full by every repayment recorded, and what is left
    of it; None when the schedule is paid."""
    for row in schedule_rows(context.ledger, loan, "9999-12-31"):
        if row.unpaid:
            return row.instalment, row.unpaid
    return None


def request_text(request: Request) -> str:
    first_line = (request.purpose.splitlines() or [""])[0]
    if len(first_line) > 50:
        first_line = first_line[:49] + "…"
    return _("Request №{id}: {left} left to pay, {program}, {fund} — {purpose}").format(
        id=request.id,
        left=format_amount(request.unpaid),
        program=request.category,
        fund=request.fund,
        purpose=first_line,
    )


class RepaymentDialog(CoreForm):
    """The clerk records a repayment of a loan: a ``LOAN-REPAY`` payment to the lender that
    the core divides into interest and principal by the schedule. In a year with an adopted
    budget it pays an approved spending request for the lender."""

    def __init__(self, context: AppContext, loan: Loan, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Record a repayment"), _("Record the repayment"), parent)
        self.setObjectName("repaymentDialog")
        self.setMinimumWidth(600)
        self.loan = loan
        self.entry_id: int | None = None
        self._future = False  # a date more than a year ahead, confirmed
        self.shown_split: tuple[int, int] | None = None  # (principal, interest) shown
        conn = context.ledger.conn
        principal, interest = loans.repaid(conn, loan.id)
        self.say(
            loan_line(loan)
            + "\n"
            + _("Repaid so far: {principal} of principal and {interest} of interest.").format(
                principal=format_amount(principal), interest=format_amount(interest)
            )
        )
        upcoming = next_instalment(context, loan)
        self.next_note = _note()
        self.next_note.setObjectName("nextInstalment")
        if upcoming is None:
            self.next_note.setText(_("Every instalment of the schedule is paid."))
        else:
            instalment, left = upcoming
            text = _("Next instalment {text}.").format(text=instalment_text(instalment))
            if left != instalment.payment:
                text += " " + _("{left} of it is still to pay.").format(left=format_amount(left))
            self.next_note.setText(text)
        self.amount = QLineEdit(typed_amount(upcoming[1]) if upcoming else "")
        self.amount.setObjectName("amount")
        self.split = _note()
        self.split.setObjectName("split")
        self.date = date_edit()
        self.date.setObjectName("date")
        self.account = account_combo(context.ledger)
        self.request = QComboBox()
        self.request.setObjectName("request")
        self.request.setMinimumContentsLength(40)
        self.request.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.request_note = _note()
        self.request_note.setObjectName("requestNote")
        self.description = QLineEdit(_("Repayment of loan {id}").format(id=loan.id))
        self.description.setObjectName("description")
        self.description.setMaxLength(parse.MAX_TEXT)
        self.reference = QLineEdit()
        self.reference.setObjectName("reference")
        self.reference.setMaxLength(parse.MAX_TEXT)
        self.reference.setPlaceholderText(_("the payment order's number"))
        self.form.addRow("", self.next_note)
        self.form.addRow(_("Amount (₸)"), self.amount)
        self.form.addRow("", self.split)
        self.form.addRow(_("Date"), self.date)
        self.form.addRow(_("Paid from"), self.account)
        self.form.addRow(_("Spending request"), self.request)
        self.form.addRow("", self.request_note)
        self.form.addRow(_("Description"), self.description)
        self.form.addRow(_("Reference"), self.reference)
        self.amount.textChanged.connect(lambda _t: self._show_split())
        self.date.dateChanged.connect(self._fill_requests)
        self._year: int | None = None
        self._fill_requests()
        self._show_split()

    # --- what the core will do with it ----------------------------------------------------

    def _show_split(self) -> None:
        self.shown_split = None
        if not self.amount.text().strip():
            self.split.setText("")
            return
        try:
            amount = money.parse_amount(self.amount.text())
            principal, interest = loans.split(self.context.ledger.conn, self.loan, amount)
        except InvalidInput as exc:
            self.split.setStyleSheet(_PROBLEM_STYLE)
            self.split.setText(str(exc))
            return
        self.shown_split = (principal, interest)
        self.split.setStyleSheet(_NOTE_STYLE)
        self.split.setText(
            _(
                "The schedule takes {interest} of it as interest and {principal} as principal."
            ).format(interest=format_amount(interest), principal=format_amount(principal))
        )

    def needs_request(self) -> bool:
        """Whether the date chosen falls in a year with an adopted budget (the core's
        ``budget.has_budget``), where every payment pays an approved request."""
        try:
            year = self.date.day().year
        except InvalidInput:
            return False
        return budget.has_budget(self.context.ledger.conn, year)

    def _fill_requests(self) -> None:
        try:
            year: int | None = self.date.day().year
        except InvalidInput:
            year = None
        if year == self._year:
            return
        self._year = year
        self.request.clear()
        needed = year is not None and budget.has_budget(self.context.ledger.conn, year)
        self.form.setRowVisible(self.request, needed)
        self.form.setRowVisible(self.request_note, needed)
        if not needed or year is None:
            return
        found = [
            r
            for r in spending.requests(self.context.ledger.conn, year=year, state="approved")
            if r.party_id == self.loan.party_id
        ]
        found.sort(key=lambda r: (r.category != loans.REPAY_CODE, r.id))
        for request in found:
            self.request.addItem(request_text(request), request.id)
        self.request.setCurrentIndex(0 if found else -1)
        self.request.setPlaceholderText(_("no approved request in {year}").format(year=year))
        self.request_note.setText(
            _(
                "{year} has an adopted budget: the repayment pays an approved spending request "
                "for {lender} under LOAN-REPAY. The clerk drafts it on the Spending requests "
                "page; the chair or the council approves it."
            ).format(year=year, lender=self.loan.lender)
        )

    def chosen_request(self) -> int | None:
        if not self.needs_request():
            return None
        data = self.request.currentData()
        return int(data) if data is not None else None

    # --- saving ---------------------------------------------------------------------------

    def entry(self) -> NewEntry:
        request_id = self.chosen_request()
        fund = GENERAL_FUND
        if request_id is not None:
            fund = spending.get(self.context.ledger.conn, request_id).fund
        return NewEntry(
            date=self.date.day(),
            type=EntryType.PAYMENT,
            amount=_amount_of(self.amount),
            category=loans.REPAY_CODE,
            fund=fund,
            account=str(self.account.currentData() or ""),
            counterparty=self.loan.lender,
            description=self.description.text().strip(),
            reference=self.reference.text().strip(),
        )

    def accept(self) -> None:
        # The same questions as every entry form, before the core decides.
        try:
            warning = journal.date_warnings(self.date.day())
        except InvalidInput:
            warning = None  # the core's refusal of the date says it
        if not future_is_confirmed(self, warning) or not clock_is_trusted(self, self.context):
            return
        self._future = warning is not None and warning.needs_confirmation
        super().accept()

    def save(self) -> None:
        self.entry_id = journal.record(
            self.context.ledger,
            self.context.user,
            self.entry(),
            allow_future=self._future,
            request_id=self.chosen_request(),
            # The lender: the core then refuses a request made out to anyone else.
            party_id=self.loan.party_id,
            register=RegisterLink(loan_id=self.loan.id),
        )
