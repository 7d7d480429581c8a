"""The helper process that checks a long chain's last transactions (``verify_tail``) changes
nothing verify says: the same report with and without it, for an intact ledger and for every
kind of edit, wherever the helper's part begins; a helper that fails or cannot start vouches
for nothing; and no helper is started where its reading could differ from the walk's.

The helper is used from ``SPLIT_FROM`` entries on; here that limit is lowered so that a small
ledger with every kind of record is split."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from array import array
from collections.abc import Iterator
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from _helpers import (  # noqa: F401  (english: an autouse fixture)
    ADMIN,
    PASSWORD,
    admin_of,
    append_entry,
    english,
    fresh_ledger,
    payment,
    raw,
    receipt,
    scratch_dir,
    sign_commit,
    tamper,
    user_of,
)

from ruralcouncil.ledger import chain, users, verify, verify_tail
from ruralcouncil.ledger.storage import open_ledger

_LAST_TRANSACTION = "(SELECT max(seq) FROM chain WHERE kind = 'transaction')"
_EDITS = [
    (),
    ("UPDATE transactions SET description = 'changed' WHERE id = 30",),
    ("UPDATE transactions SET amount = amount + 100 WHERE id = 45",),
    ("UPDATE postings SET amount = amount + 1 WHERE transaction_id = 50",),
    ("DELETE FROM postings WHERE transaction_id = 35",),
    ("UPDATE transactions SET counterparty = CAST(x'ff' AS TEXT) WHERE id = 40",),
    # A transaction's hash column; then the entry just before each share's first (32, 111).
    (f"UPDATE chain SET hash = '{'0' * 64}' WHERE seq = {_LAST_TRANSACTION} - 4",),
    (
        f"UPDATE chain SET hash = '{'1' * 64}' WHERE seq = 31",
        f"UPDATE chain SET hash = '{'2' * 64}' WHERE seq = 110",
    ),
    (
        "UPDATE chain SET payload = replace(payload, '\"amount\":', '\"amount\": ')"
        f" WHERE seq = {_LAST_TRANSACTION}",
    ),
    (f"DELETE FROM chain WHERE seq = {_LAST_TRANSACTION} - 10",),
    (f"DELETE FROM chain WHERE seq = {_LAST_TRANSACTION} - 11",),
    ("DELETE FROM transactions WHERE id = 44",),
]


def _ledger_of(folder: Path) -> Path:
    """Sixty transactions by hand (each commit: the transaction, then its event): the
    chain's positions 40 to 159."""
    ledger = fresh_ledger(folder, "tail.ruralcouncil")
    admin = admin_of(ledger)
    for n in range(1, 61):
        day = (date(2024, 1, 1) + timedelta(days=n)).isoformat()
        if n % 3:
            receipt(ledger, admin, day, 1_000_00 + n, counterparty=f"Серік {n}")
        else:
            payment(ledger, admin, day, 100_00 + n, counterparty=f"ТОО Жол {n}")
    ledger.close()
    return folder / "tail.ruralcouncil"


_BUILT: list[Path] = []


@pytest.fixture
def path(tmp_path: Path) -> Path:
    if not _BUILT:
        _BUILT.append(_ledger_of(scratch_dir()))
    copy = tmp_path / "tail.ruralcouncil"
    copy.write_bytes(_BUILT[0].read_bytes())
    return copy


@pytest.fixture
def vouched(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many positions each helper vouched for (it is really started, in a process)."""
    counts: list[int] = []
    real = verify_tail.Tail.intact

    def counted(self: verify_tail.Tail) -> set[int]:
        answer = real(self)
        counts.append(len(answer))
        return answer

    monkeypatch.setattr(verify_tail.Tail, "intact", counted)
    monkeypatch.setattr(verify_tail, "SPLIT_FROM", 2)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # split on a one-core machine too
    yield counts


def _verified(path: Path) -> dict[str, Any]:
    ledger = open_ledger(path, write=False)
    try:
        return verify.verify(ledger.conn).as_json()
    finally:
        ledger.close()


def _alone(path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    with monkeypatch.context() as m:
        m.setattr(verify_tail, "first_of_tail", lambda *args: None)
        return _verified(path)


@pytest.mark.parametrize("share", [0.2, 0.7])
@pytest.mark.parametrize("edit", _EDITS)
def test_the_report_is_the_same_with_the_helper(
    path: Path,
    edit: tuple[str, ...],
    share: float,
    vouched: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(verify_tail, "WALK_SHARE", share)
    if edit:
        tamper(path, *edit)
    alone = _alone(path, monkeypatch)
    assert not vouched
    helped = _verified(path)
    assert helped == alone
    assert helped["ok"] is (not edit)
    assert len(vouched) == 1
    if not edit:
        # Every transaction of its part, and nothing else (the two shares split at 20 % and
        # 70 % of about a hundred entries: the last 60 are transactions).
        with closing(raw(path)) as db:
            total = db.execute("SELECT max(seq) FROM chain").fetchone()[0]
            start = db.execute("SELECT min(seq) FROM chain").fetchone()[0]
            first = start + int((total - start) * share)
            expected = db.execute(
                "SELECT count(*) FROM chain WHERE seq >= ? AND kind = 'transaction'", (first,)
            ).fetchone()[0]
        assert vouched == [expected] and expected > 10


_FORGERIES = [
    # A council member writes a payment by hand and signs it with their own key.
    ("member1", "member1", "member1 (member) was not allowed to write a transaction record"),
    # The administrator signs a payment whose row says the member made it.
    (ADMIN, "member1", "a transaction record signed by admin says another user made it"),
]


@pytest.mark.parametrize(("signer_name", "made_by", "problem"), _FORGERIES)
def test_a_vouched_transaction_is_still_judged_by_who_signed_it(
    path: Path,
    vouched: list[int],
    monkeypatch: pytest.MonkeyPatch,
    signer_name: str,
    made_by: str,
    problem: str,
) -> None:
    """A transaction the helper vouches for (its row rebuilds what was chained, and its hash
    holds) is still held to who may write it: from the fields of its row that the walk reads
    for it alone (``records.TRANSACTION_AUTHORISING``), the same as without the helper."""
    ledger = open_ledger(path)
    users.add_user(ledger, admin_of(ledger), "member1", "member", "member-password-1")
    signer = user_of(ledger, signer_name, PASSWORD if signer_name == ADMIN else "member-password-1")
    author = user_of(ledger, made_by, "member-password-1").id
    ledger.close()
    assert signer.signer is not None
    with closing(raw(path)) as db:
        last, number = db.execute("SELECT max(id), max(number) FROM transactions").fetchone()
        db.execute(
            f"INSERT INTO transactions ({chain.TRANSACTION_COLUMNS}) SELECT ?, ?, date, type,"
            " amount, code, fund, account, to_account, counterparty, 'by hand', reference, ?,"
            " recorded_at, NULL, '', NULL FROM transactions WHERE id = ?",
            (last + 1, number + 1, author, last),
        )
        db.execute(
            "INSERT INTO postings (transaction_id, account, fund, amount)"
            " SELECT ?, account, fund, amount FROM postings WHERE transaction_id = ?",
            (last + 1, last),
        )
        append_entry(db, "transaction", str(last + 1), signer.signer.user_id)
        sign_commit(db, signer.signer)
        forged = chain.head(db)[0]
    seen: list[set[int]] = []
    counted = verify_tail.Tail.intact

    def kept(self: verify_tail.Tail) -> set[int]:
        seen.append(counted(self))
        return seen[-1]

    alone = _alone(path, monkeypatch)
    monkeypatch.setattr(verify_tail.Tail, "intact", kept)
    helped = _verified(path)
    assert forged in seen[0]  # the helper vouched for it: its row rebuilds its payload
    assert helped == alone
    assert not helped["ok"]
    assert helped["first_bad_seq"] == forged
    assert helped["problems"] == [f"chain position {forged}: {problem}"]


def test_the_helper_vouches_for_no_edited_transaction(path: Path) -> None:
    tamper(path, "UPDATE transactions SET amount = amount + 100 WHERE id = 45")
    with closing(raw(path)) as db:
        edited = db.execute(
            "SELECT seq FROM chain WHERE kind = 'transaction' AND record = '45'"
        ).fetchone()[0]
        total = db.execute("SELECT count(*) FROM chain WHERE kind = 'transaction'").fetchone()[0]
    intact = verify_tail.intact_transactions(str(path), 1)
    assert edited not in intact
    assert len(intact) == total - 1


def test_a_helper_that_fails_vouches_for_nothing(
    path: Path, vouched: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A helper that cannot read its file (here: a path that is not there) answers nothing,
    and the walk checks every position itself: the same report, edit found."""
    tamper(path, "UPDATE transactions SET amount = amount + 100 WHERE id = 45")
    alone = _alone(path, monkeypatch)
    real = verify_tail.Tail.__init__

    def elsewhere(self: verify_tail.Tail, file: str, first: int) -> None:
        real(self, file + ".not-there", first)

    monkeypatch.setattr(verify_tail.Tail, "__init__", elsewhere)
    assert _verified(path) == alone
    assert vouched == [0]
    assert not alone["ok"]


def test_no_helper_where_it_could_read_otherwise(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside a read transaction (one snapshot), in a helper process of its own (the
    district's workers), or on one core, everything is walked here."""
    monkeypatch.setattr(verify_tail, "SPLIT_FROM", 2)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    started: list[int] = []
    real = verify_tail.Tail.__init__

    def spied(self: verify_tail.Tail, file: str, first: int) -> None:
        started.append(first)
        real(self, file, first)

    monkeypatch.setattr(verify_tail.Tail, "__init__", spied)
    ledger = open_ledger(path, write=False)
    try:
        ledger.conn.execute("BEGIN")
        assert verify.verify(ledger.conn).ok
        ledger.conn.execute("ROLLBACK")
        assert started == []
        assert verify.verify(ledger.conn).ok
        assert len(started) == 1
    finally:
        ledger.close()
    assert verify_tail.first_of_tail(1, 1000, 1000) == 1 + int(999 * verify_tail.WALK_SHARE)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert verify_tail.first_of_tail(1, 1000, 1000) is None  # one core: nothing to gain
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert verify_tail.first_of_tail(1, 1000, 1000) is not None
    monkeypatch.setattr(multiprocessing, "parent_process", lambda: object())
    assert verify_tail.first_of_tail(1, 1000, 1000) is None


def test_a_short_chain_is_walked_whole() -> None:
    size = verify_tail.SPLIT_FROM
    assert verify_tail.first_of_tail(1, size - 1, size - 1) is None
    assert verify_tail.first_of_tail(1, size, size) is not None


def test_the_frozen_program_is_its_own_helper(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Frozen, the program starts itself with ``HELPER``: its launcher (run here as a
    script) answers as the helper does, before any command line is parsed."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert verify_tail._program() == [sys.executable, verify_tail.HELPER]
    launcher = Path(__file__).resolve().parents[1] / "installer" / "launcher.py"
    answer = tmp_path / "answer"
    done = subprocess.run(
        [sys.executable, str(launcher), verify_tail.HELPER, str(path), "150", str(answer)],
        check=False,
        timeout=120,
    )
    assert done.returncode == 0
    found = array("q")
    found.frombytes(answer.read_bytes())
    assert list(found) == [150, 152, 154, 156, 158]


def test_the_helper_runs_as_a_program_of_its_own(path: Path, tmp_path: Path) -> None:
    """As the walk starts it: a fresh interpreter that writes its answer to a file; a
    script that calls verify without a main guard is not run again by it."""
    answer = tmp_path / "answer"
    done = subprocess.run(
        [*verify_tail._program(), str(path), "100", str(answer)], check=False, timeout=120
    )
    assert done.returncode == 0
    found = array("q")
    found.frombytes(answer.read_bytes())
    with closing(raw(path)) as db:
        expected = [
            int(row[0])
            for row in db.execute(
                "SELECT seq FROM chain WHERE seq >= 100 AND kind = 'transaction' ORDER BY seq"
            )
        ]
    assert list(found) == expected and len(expected) == 30
    script = tmp_path / "unguarded.py"
    marker = tmp_path / "ran"
    script.write_text(
        "import pathlib, sys\n"
        f"pathlib.Path({str(marker)!r}).open('a').write('x')\n"
        "from ruralcouncil.ledger import verify, verify_tail\n"
        "from ruralcouncil.ledger.storage import open_ledger\n"
        "verify_tail.SPLIT_FROM = 2\n"
        f"ledger = open_ledger({str(path)!r}, write=False)\n"
        "result = verify.verify(ledger.conn)\n"
        "print(result.ok)\n",
        encoding="utf-8",
    )
    ran = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False, timeout=120
    )
    assert ran.stdout.strip() == "True", ran.stderr
    assert marker.read_text() == "x"  # once: the helper did not run the script again
