"""The budget page's tables: budget against actual, and the versions of a year's budget.

Both hold what the core computed (``budget.show``, ``budget.versions``) and nothing else; the
names of programs, sources and funds are the reader's language, their codes in the tooltips.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger import budget, catalog
from ruralcouncil.ledger.budget import BudgetLine, Version
from ruralcouncil.ledger.classification import EXPENDITURE, REVENUE
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.ledger.storage import Ledger

_ROOT = QModelIndex()
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_OVER = QColor(183, 28, 28)  # a line spent beyond its appropriation
_CHANGED = QColor(255, 236, 179)  # a figure a version changed
LINE_ROLE = Qt.ItemDataRole.UserRole

SPENDING_COLUMNS = (
    N_("Program"),
    N_("Fund"),
    N_("Appropriated"),
    N_("Committed"),
    N_("Paid"),
    N_("Remaining"),
)
REVENUE_COLUMNS = (N_("Source"), N_("Fund"), N_("Estimate"), N_("Received"), N_("Still to come"))


def category_names(ledger: Ledger) -> dict[str, str]:
    return {a.code: a.name() or a.code for a in catalog.book_accounts(ledger.conn)}


def fund_names(ledger: Ledger) -> dict[str, str]:
    return {f.code: f.name() or f.code for f in catalog.funds(ledger.conn)}


def _figures(line: BudgetLine) -> list[int]:
    if line.kind == EXPENDITURE:
        return [line.appropriated, line.committed, line.paid, line.remaining]
    return [line.estimate, line.received, line.estimate - line.received]


@dataclass(frozen=True)
class _Row:
    name: str
    code: str
    fund: str
    fund_code: str
    figures: list[int]
    total: bool = False


class BudgetActualModel(QAbstractTableModel):
    """One kind of line (spending or revenue) of a year, as of a day, and a total."""

    def __init__(self, kind: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        assert kind in (EXPENDITURE, REVENUE)
        self.kind = kind
        self.columns = SPENDING_COLUMNS if kind == EXPENDITURE else REVENUE_COLUMNS
        self.lines: list[BudgetLine] = []
        self.rows: list[_Row] = []

    def set_lines(self, ledger: Ledger, lines: list[BudgetLine]) -> None:
        names, funds = category_names(ledger), fund_names(ledger)
        order = {a.code: n for n, a in enumerate(catalog.book_accounts(ledger.conn))}
        self.beginResetModel()
        # In the classification's order, as the dashboard and the summary list them.
        self.lines = sorted(
            (line for line in lines if line.kind == self.kind),
            key=lambda x: (order.get(x.category, 1 << 30), x.category, x.fund),
        )
        self.rows = [
            _Row(
                names.get(x.category, x.category),
                x.category,
                funds.get(x.fund, x.fund),
                x.fund,
                _figures(x),
            )
            for x in self.lines
        ]
        if self.rows:
            sums = [sum(column) for column in zip(*(r.figures for r in self.rows), strict=True)]
            self.rows.append(_Row(_("Total"), "", "", "", sums, total=True))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.columns[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        amount = row.figures[column - 2] if column >= 2 else None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.name
            if column == 1:
                return row.fund
            return format_amount(amount or 0)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (row.code, row.fund_code)[column] if column < 2 and not row.total else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(_RIGHT.value)
        if role == Qt.ItemDataRole.FontRole and row.total:
            font = QFont()
            font.setBold(True)
            return font
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and self.kind == EXPENDITURE
            and column == 5
            and (amount or 0) < 0
        ):
            return _OVER
        if role == LINE_ROLE and not row.total:
            return self.lines[index.row()]
        return None


class BudgetVersionsModel(QAbstractTableModel):
    """Every version of a year's budget side by side: a column per version, the resolution
    that adopted it in its header, and each figure a version changed highlighted."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.versions: list[Version] = []
        self.keys: list[tuple[str, str]] = []
        self.names: dict[str, str] = {}
        self.funds: dict[str, str] = {}

    def set_year(self, ledger: Ledger, year: int) -> None:
        conn = ledger.conn
        self.beginResetModel()
        self.versions = budget.versions(conn, year)
        self.names, self.funds = category_names(ledger), fund_names(ledger)
        order = {a.code: i for i, a in enumerate(catalog.book_accounts(conn))}
        kinds = {a.code: a.kind for a in catalog.book_accounts(conn)}
        keys = {key for version in self.versions for key in version.lines}
        # Revenue estimates first, then appropriations, each in the classification's order.
        self.keys = sorted(
            keys, key=lambda k: (kinds.get(k[0]) != REVENUE, order.get(k[0], 1 << 30), k)
        )
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.keys)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else 2 + len(self.versions)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if section < 2:
            if role == Qt.ItemDataRole.DisplayRole:
                return (_("Line"), _("Fund"))[section]
            return None
        version = self.versions[section - 2]
        if role == Qt.ItemDataRole.DisplayRole:
            return _("Version {n}\nresolution {ref}").format(
                n=version.version, ref=version.resolution
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            return _("Version {n}, adopted by resolution {ref} of {day}").format(
                n=version.version, ref=version.resolution, day=shown_date(version.date)
            )
        return None

    def amount(self, row: int, version: int) -> int | None:
        return self.versions[version].lines.get(self.keys[row])

    def changed(self, row: int, version: int) -> bool:
        """Whether version ``version`` (0-based) changed this line from the one before."""
        return version > 0 and self.amount(row, version) != self.amount(row, version - 1)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or index.row() >= len(self.keys):
            return None
        row, column = index.row(), index.column()
        code, fund = self.keys[row]
        if column < 2:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.names.get(code, code) if column == 0 else self.funds.get(fund, fund)
            if role == Qt.ItemDataRole.ToolTipRole:
                return code if column == 0 else fund
            return None
        version = column - 2
        amount = self.amount(row, version)
        if role == Qt.ItemDataRole.DisplayRole:
            return "—" if amount is None else format_amount(amount)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT.value)
        if role == Qt.ItemDataRole.BackgroundRole and self.changed(row, version):
            return _CHANGED
        if role == Qt.ItemDataRole.ToolTipRole and self.changed(row, version):
            before = self.amount(row, version - 1)
            return _("Changed from {before}").format(
                before="—" if before is None else format_amount(before)
            )
        return None
