"""The import dialog: a good file is imported with progress, a bad one is refused whole."""

from __future__ import annotations

from pathlib import Path

from ruralcouncil.gui.context import AppContext
from ruralcouncil.gui.import_dialog import ImportDialog
from ruralcouncil.ledger import queries
from ruralcouncil.ledger.dates import shown_time
from ruralcouncil.ledger.errors import ImportRejected, PermissionDenied

GOOD = (
    "date,type,amount,category,fund,account,to_account,counterparty,description,reference\n"
    "2025-01-01,opening,500000,,,BANK,,,,\n"
    "2025-02-03,receipt,15000.50,TAX-LAND,,,,Farm Aksu,land tax,R-1\n"
    '2025-02-04,payment,12000,ROADS,,,,Road Co,"gravel, 3 trucks",P-1\n'
    "2025-02-05,transfer,1000,,,BANK,CASH,,,\n"
)
BAD = (
    "date,type,amount,category\n"
    "2025-02-03,receipt,15000,TAX-LAND\n"
    "2025-02-30,receipt,100,TAX-LAND\n"
    "2025-02-04,payment,1,500,ROADS\n"
    "2025-02-05,receipt,100,ROADS\n"
)


def _count(context: AppContext) -> int:
    return queries.count(context.ledger.conn, queries.EntryFilter())


def test_import_success(qtbot, context: AppContext, tmp_path: Path) -> None:
    csv_file = tmp_path / "history.csv"
    csv_file.write_text(GOOD, encoding="utf-8")
    dialog = ImportDialog(context)
    qtbot.addWidget(dialog)
    changed: list[bool] = []
    context.changed.connect(lambda: changed.append(True))
    assert not dialog.import_button.isEnabled()  # nothing chosen yet
    dialog.set_path(csv_file)
    assert "history.csv" in dialog.file_label.text()
    assert "bytes" in dialog.file_label.text()
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.import_finished, timeout=20000) as blocker:
        dialog.start_import()
    result = blocker.args[0]
    assert result.rows == 4
    assert _count(context) == 4
    assert "4 transactions were imported" in dialog.status.text()
    assert dialog.progress.value() == dialog.progress.maximum() > 0
    assert dialog.problems.isHidden()
    assert changed == [True]


def test_import_refused_lists_every_bad_line(qtbot, context: AppContext, tmp_path: Path) -> None:
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(BAD, encoding="utf-8")
    dialog = ImportDialog(context)
    qtbot.addWidget(dialog)
    changed: list[bool] = []
    context.changed.connect(lambda: changed.append(True))
    dialog.set_path(csv_file)
    with qtbot.waitSignal(dialog.import_finished, timeout=20000) as blocker:
        dialog.start_import()
    assert isinstance(blocker.args[0], ImportRejected)
    problems = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert not dialog.problems.isHidden()
    assert any(p.startswith("line 3") for p in problems), problems
    assert any(p.startswith("line 4") for p in problems), problems
    assert any(p.startswith("line 5") for p in problems), problems
    assert not any(p.startswith("line 2:") for p in problems), problems
    assert "Nothing was written to the ledger" in dialog.status.text()
    assert _count(context) == 0
    assert changed == []
    assert dialog.import_button.isEnabled()  # the user may fix the file and try again


def test_same_file_twice_is_refused(qtbot, context: AppContext, tmp_path: Path) -> None:
    csv_file = tmp_path / "history.csv"
    csv_file.write_text(GOOD, encoding="utf-8")
    dialog = ImportDialog(context)
    qtbot.addWidget(dialog)
    dialog.set_path(csv_file)
    with qtbot.waitSignal(dialog.import_finished, timeout=20000):
        dialog.start_import()
    with qtbot.waitSignal(dialog.import_finished, timeout=20000) as blocker:
        dialog.start_import()
    assert isinstance(blocker.args[0], Exception)
    assert "Nothing was written to the ledger" in dialog.status.text()
    assert "already" in dialog.detail.text()
    assert _count(context) == 4


def test_member_may_not_import(qtbot, member_context: AppContext, tmp_path: Path) -> None:
    member = member_context
    csv_file = tmp_path / "history.csv"
    csv_file.write_text(GOOD, encoding="utf-8")
    dialog = ImportDialog(member)
    qtbot.addWidget(dialog)
    dialog.set_path(csv_file)
    assert not dialog.import_button.isEnabled()
    assert not dialog.choose_button.isEnabled()
    assert "administrator or a clerk" in dialog.status.text()
    # The core decides even if the button were pressed.
    with qtbot.waitSignal(dialog.import_finished, timeout=20000) as blocker:
        dialog.start_import()
    assert isinstance(blocker.args[0], PermissionDenied)
    assert _count(member) == 0


def test_a_bad_line_and_an_overdraft_are_listed_in_one_round(  # type: ignore[no-untyped-def]
    qtbot, context: AppContext, tmp_path: Path
) -> None:
    csv_file = tmp_path / "march.csv"
    csv_file.write_text(
        "date,type,amount,category,account\n"
        "2025-03-01,receipt,1000,TAX-LAND,BANK\n"
        "2025-03-02,payment,700,ROADS,BANK\n"  # covered
        "2025-03-02,payment,500,WATER,BANK\n"  # the one that goes below zero
        "2025-03-0x,payment,5,ROADS,BANK\n",  # and a date that is not one
        encoding="utf-8",
    )
    dialog = ImportDialog(context)
    qtbot.addWidget(dialog)
    dialog.set_path(csv_file)
    with qtbot.waitSignal(dialog.import_finished, timeout=20000):
        dialog.start_import()
    problems = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert problems == [
        "line 4: the cash account BANK would be at -₸200.00 at the end of 02/03/2025; "
        "the fund GENERAL would be at -₸200.00 at the end of 02/03/2025",
        "line 5: date '2025-03-0x' must be written YYYY-MM-DD",
    ]
    assert _count(context) == 0


def test_the_same_file_again_says_when_in_local_time(  # type: ignore[no-untyped-def]
    qtbot, context: AppContext, tmp_path: Path
) -> None:
    csv_file = tmp_path / "history.csv"
    csv_file.write_text(GOOD, encoding="utf-8")
    dialog = ImportDialog(context)
    qtbot.addWidget(dialog)
    dialog.set_path(csv_file)
    with qtbot.waitSignal(dialog.import_finished, timeout=20000):
        dialog.start_import()
    with qtbot.waitSignal(dialog.import_finished, timeout=20000):
        dialog.start_import()
    [stored] = context.ledger.conn.execute("SELECT imported_at FROM imports").fetchone()
    assert f"already imported on {shown_time(stored)}" in dialog.detail.text()
    assert stored not in dialog.detail.text()
