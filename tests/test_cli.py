"""The command line contract of DESIGN §4: every command, its refusals, exit codes and JSON.

Most tests call ``main([...])`` in this process for speed, through the ``cli`` fixture; a
representative set runs the real ``python -m ruralcouncil`` in a subprocess, where the exit
status, the encoding and the absence of a terminal are exactly what a user or a script sees.

Entry numbers are the ones a person sees (DESIGN §4, "Entry numbers"): the template's four
entries are 1 (opening), 2 (receipt), 3 (payment) and 4 (transfer), and the next is 5.
"""

from __future__ import annotations

import getpass as getpass_module
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import types
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from ruralcouncil import cli, i18n, paths
from ruralcouncil.ledger import clock, journal, schema, users
from ruralcouncil.ledger.chain import head
from ruralcouncil.ledger.errors import AuthenticationFailed
from ruralcouncil.ledger.lock import LedgerLock
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import open_ledger

ADMIN = "admin"
ADMIN_PASSWORD = "correct-horse-1"
ROOT = Path(__file__).resolve().parents[1]
PASSWORDS = {
    "admin": ADMIN_PASSWORD,
    "clerk": "clerk-password-1",
    "chair": "chair-password-1",
    "member": "member-password-1",
}
SUMMARY_KEYS = {"year", "currency", "receipts", "payments", "boxes", "cash", "chain"}
LEDGER_KEYS = {
    "id", "date", "type", "amount", "category", "fund", "account", "to_account",
    "counterparty", "description", "reference", "reverses", "chain_seq", "legacy_id",
}  # fmt: skip
VERIFY_KEYS = {
    "ok", "entries", "transactions", "head", "first_bad", "first_bad_seq", "problems",
    "ledger", "schema_version", "signed_commits", "admin_set_keys",
}  # fmt: skip
# The template's entries by type, as numbered 1, 2, 3, 4.
OPENING, RECEIPT, PAYMENT, TRANSFER = 1, 2, 3, 4
GOOD_CSV = (
    "date,type,amount,category,fund,account,to_account,counterparty,description,reference\n"
    "2024-06-01,receipt,2500.50,RENT-PROPERTY,,,,Ерлан Сәбитұлы,shop rent,R-1\n"
    "2024-06-02,payment,1000,ROADS,,,,ТОО Жол,gravel,P-7\n"
    "2024-06-03,transfer,500,,,BANK,CASH,,to the cash box,\n"
)
# A small receipt that any clerk may record in the template's open year.
FINE = ("record", "receipt", "--date", "2024-08-01", "--amount", "5", "--category", "FINES")


@pytest.fixture(autouse=True)
def _english_and_restored_language() -> Iterator[None]:
    """main() sets the process-wide language; put it back for whoever runs next."""
    before = i18n.language()
    yield
    i18n.set_language(before)


@pytest.fixture(scope="module")
def _village_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: four users with their scrypt-locked keys cost more than copying a file."""
    path = tmp_path_factory.mktemp("template") / "village.ruralcouncil"
    ledger = init_ledger(path, village="Ақсу", admin=ADMIN, password=ADMIN_PASSWORD)
    try:
        admin = users.login(ledger, ADMIN, ADMIN_PASSWORD)
        for name in ("clerk", "chair", "member"):
            users.add_user(ledger, admin, name, name, PASSWORDS[name])
        entries = [
            journal.NewEntry(date(2024, 1, 1), journal.EntryType.OPENING, 500_000_00),
            journal.NewEntry(
                date(2024, 3, 1),
                journal.EntryType.RECEIPT,
                1_500_50,
                category="TAX-LAND",
                counterparty="Әсел Қожахметова",
            ),
            journal.NewEntry(
                date(2024, 4, 1), journal.EntryType.PAYMENT, 20_000_00, category="STAFF"
            ),
            journal.NewEntry(
                date(2024, 5, 1), journal.EntryType.TRANSFER, 1_000_00, to_account="CASH"
            ),
        ]
        for entry in entries:
            journal.record(ledger, admin, entry)
        ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        ledger.close()
    return path


@pytest.fixture
def db(tmp_path: Path, _village_template: Path) -> Path:
    """A ledger of 2024 (opening, receipt, payment, transfer) with the users admin, clerk,
    chair and member; no one has it open."""
    path = tmp_path / "village.ruralcouncil"
    shutil.copyfile(_village_template, path)
    return path


class Done(NamedTuple):
    code: int
    out: str
    err: str


class Cli:
    """``main()`` in this process, on one ledger (``--db``) unless told otherwise.

    The password variable holds the password of the ``--user`` named in the arguments, or
    ``user`` (a name from PASSWORDS, or a password itself); ``new_password`` sets
    RURALCOUNCIL_NEW_PASSWORD. Both are unset otherwise, so nothing leaks between calls.
    """

    def __init__(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: Path | None
    ) -> None:
        self.capsys = capsys
        self.monkeypatch = monkeypatch
        self.db = db

    def on(self, db: Path | None) -> Cli:
        """The same, on another file (None: no ``--db`` at all)."""
        return Cli(self.capsys, self.monkeypatch, db)

    def line(self, command: str, **kw: str | None) -> Done:
        """A command written as on a shell: ``run.line("close-year 2024 --user chair")``."""
        return self(*shlex.split(command), **kw)

    def __call__(
        self, *args: str, user: str | None = None, new_password: str | None = None
    ) -> Done:
        if user is None and "--user" in args:
            user = args[args.index("--user") + 1]
        for name, value in (
            ("RURALCOUNCIL_PASSWORD", PASSWORDS.get(user, user) if user is not None else None),
            ("RURALCOUNCIL_NEW_PASSWORD", new_password),
        ):
            if value is None:
                self.monkeypatch.delenv(name, raising=False)
            else:
                self.monkeypatch.setenv(name, value)
        where = ["--db", str(self.db)] if self.db is not None else []
        self.capsys.readouterr()
        code = cli.main(["--lang", "en", *where, *args])
        out, err = self.capsys.readouterr()
        return Done(code, out, err)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: Path) -> Cli:
    """The command line on ``db``: ``run("summary", "--json")``; ``run.on(None)`` for none."""
    return Cli(capsys, monkeypatch, db)


def run_process(
    *args: str, password: str | None = None, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real program, with no terminal on stdin."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RURALCOUNCIL_")}
    env["RURALCOUNCIL_LANG"] = "en"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if password is not None:
        env["RURALCOUNCIL_PASSWORD"] = password
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "ruralcouncil", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def _read(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def chain_state(path: Path) -> tuple[int, str]:
    """(entries, head) read without the program: what a refused action must leave alone."""
    conn = sqlite3.connect(path)
    try:
        return head(conn)
    finally:
        conn.close()


def chain_after(path: Path, seq: int) -> list[tuple[str, str | None, bool]]:
    """The chain entries after position ``seq``: (kind, author's name, signed)."""
    return [
        (str(kind), name, bool(signed))
        for kind, name, signed in _read(
            path,
            "SELECT c.kind, u.name, s.seq IS NOT NULL FROM chain c"
            " LEFT JOIN users u ON u.id = c.author LEFT JOIN signatures s ON s.seq = c.seq"
            " WHERE c.seq > ? ORDER BY c.seq",
            (seq,),
        )
    ]


def events(path: Path) -> list[tuple[str, str | None]]:
    """The audit events (chain entries of kind ``event``): (event, user's name or None)."""
    return [
        (str(event), name)
        for event, name in _read(
            path,
            "SELECT e.event, u.name FROM events e LEFT JOIN users u ON u.id = e.user_id"
            " ORDER BY e.id",
        )
    ]


def count(path: Path, table: str) -> int:
    return int(_read(path, f"SELECT count(*) FROM {table}")[0][0])


def chain_seq_of(path: Path, number: int) -> int:
    """The chain position of entry ``number``."""
    rows = _read(
        path,
        "SELECT c.seq FROM chain c JOIN transactions t ON c.kind = 'transaction'"
        " AND c.record = CAST(t.id AS TEXT) WHERE t.number = ?",
        (number,),
    )
    return int(rows[0][0])


def write_csv(folder: Path, text: str, name: str = "import.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- invocation and argparse -------------------------------------------------------------


def test_help_exits_zero(run: Cli) -> None:
    code, out, _err = run.on(None)("--help")
    assert code == 0
    for command in (
        "init",
        "demo",
        "import-transactions",
        "user",
        "reverse",
        "close-year",
        "ledger",
        "summary",
        "verify",
        "backup",
        "restore",
    ):
        assert command in out


@pytest.mark.parametrize(
    "args",
    [
        ["no-such-command"],
        ["reverse", "1", "--reason", "typo"],  # no --user
        ["close-year", "--user", "admin"],  # no year
        ["record", "gift", "--amount", "1", "--user", "admin"],  # no such type
        ["user"],  # no action
    ],
)
def test_usage_errors_exit_2(run: Cli, db: Path, args: list[str]) -> None:
    before = chain_state(db)
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert "usage:" in err
    assert chain_state(db) == before


def test_bad_language_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert cli.main(["--lang", "fr", "summary"]) == 2
    assert "--lang" in capsys.readouterr().err


def test_db_is_also_accepted_after_the_command(run: Cli, db: Path) -> None:
    code, out, _err = run.on(None)("summary", "--year", "2024", "--json", "--db", str(db))
    assert code == 0
    assert json.loads(out)["year"] == 2024


@pytest.fixture
def windows_opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, bool, str | None]]:
    """The windows the command line opens, as (ledger, demo, language), none of them really
    opened: ``gui.app`` is a stand-in in ``sys.modules``, whose ``run_gui`` only notes the
    call."""
    calls: list[tuple[Any, bool, str | None]] = []
    fake = types.ModuleType("ruralcouncil.gui.app")

    def run_gui(db_path: Path | None, demo: bool = False, lang: str | None = None) -> int:
        calls.append((db_path, demo, lang))
        return 0

    fake.run_gui = run_gui  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ruralcouncil.gui.app", fake)
    return calls


def test_no_command_opens_the_window_lazily(
    run: Cli, windows_opened: list[tuple[Any, bool, str | None]], tmp_path: Path
) -> None:
    calls = windows_opened
    bare = run.on(None)  # with --lang en, as every call of ``run``
    assert bare().code == 0
    assert bare("--demo").code == 0
    assert bare("--db", str(tmp_path / "x.ruralcouncil")).code == 0
    path = tmp_path / "x.ruralcouncil"
    assert calls == [(None, False, "en"), (None, True, "en"), (path, False, "en")]


def test_the_window_opens_in_the_language_lang_names(
    capsys: pytest.CaptureFixture[str],
    windows_opened: list[tuple[Any, bool, str | None]],
    tmp_path: Path,
) -> None:
    """``--lang`` with no command is the window's language for that run, as it is the
    messages' language for a command; without it, the window reads the user's preference."""
    calls = windows_opened
    path = tmp_path / "x.ruralcouncil"
    assert cli.main(["--lang", "ru"]) == 0
    assert cli.main(["--lang", "kk", "--db", str(path)]) == 0
    assert cli.main(["--db", str(path), "--lang", "en", "--demo"]) == 0
    assert cli.main(["--db", str(path)]) == 0
    assert calls == [
        (None, False, "ru"),
        (path, False, "kk"),
        (path, True, "en"),
        (path, False, None),
    ]
    calls.clear()
    capsys.readouterr()
    assert cli.main(["--lang", "fr"]) == 2
    assert "--lang" in capsys.readouterr().err
    assert calls == []  # a language it does not have opens nothing


def test_the_plain_window_starts_build_no_parser_and_open_as_the_parser_reads_them(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    windows_opened: list[tuple[Any, bool, str | None]],
    tmp_path: Path,
) -> None:
    """Nothing (the installed shortcuts' form), or ``--db PATH``: they open the window
    without building a parser (most of the command line's part of a start), on the ledger
    the parser would have read. Every other form is the parser's, mistakes included."""
    from ruralcouncil.cli import parsing

    calls = windows_opened
    parsers: list[str] = []
    made = parsing.Parser.__init__

    def counted(self: parsing.Parser, *args: Any, **kwargs: Any) -> None:
        parsers.append(type(self).__name__)
        made(self, *args, **kwargs)

    monkeypatch.setattr(parsing.Parser, "__init__", counted)
    monkeypatch.setenv("RURALCOUNCIL_LANG", "en")
    path = str(tmp_path / "x.ruralcouncil")

    def opened(*argv: str) -> tuple[int, list[tuple[Any, bool, str | None]], int, str]:
        calls.clear()
        parsers.clear()
        capsys.readouterr()
        code = cli.main(list(argv))
        return code, list(calls), len(parsers), capsys.readouterr().err

    assert opened() == (0, [(None, False, None)], 0, "")
    assert opened("--db", path) == (0, [(Path(path), False, None)], 0, "")
    assert opened("--db", "") == (0, [(None, False, None)], 0, "")  # the default ledger
    # Through the parser: the same window for the same ledger...
    for argv in (("--db=" + path,), ("--db", path, "--lang", "en"), ("--demo", "--db", path)):
        code, found, built, _err = opened(*argv)
        lang = "en" if "--lang" in argv else None
        assert code == 0 and found == [(Path(path), "--demo" in argv, lang)] and built > 0, argv
    # ...and its refusals, with nothing opened.
    for argv, said in ((("--db",), "expected one argument"), (("--db", "-x"), "expected one")):
        code, found, built, err = opened(*argv)
        assert (code, found) == (2, []) and built > 0 and said in err, argv


def test_default_ledger_is_in_the_user_data_folder(run: Cli) -> None:
    bare = run.on(None)
    code, _out, err = bare("init", "--village", "Ақсу", "--admin", "admin", new_password="x" * 12)
    assert code == 0, err
    assert paths.default_ledger_path().exists()
    code, out, _err = bare("summary", "--year", "2024", "--json")
    assert code == 0 and json.loads(out)["year"] == 2024


# --- init --------------------------------------------------------------------------------


def test_init_in_a_subprocess_then_refuses_the_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "new.ruralcouncil"
    created = run_process(
        *("--db", str(path), "init", "--village", "Ақсу ауылдық округі", "--admin", "akim"),
        *("--council-kind", "local_community"),
        password="long-enough-pw",
    )
    assert created.returncode == 0, created.stderr
    assert path.exists()
    verified = run_process("--db", str(path), "verify", "--json")
    assert verified.returncode == 0
    result = json.loads(verified.stdout)
    assert result["ok"] is True and result["transactions"] == 0
    assert result["signed_commits"] == 1  # the first administrator's root commit
    assert events(path) == [("ledger.create", "akim")]

    before = path.read_bytes()
    again = run_process(
        "--db", str(path), "init", "--village", "Other", "--admin", "x2", password="long-enough-pw"
    )
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert path.read_bytes() == before


def test_init_prefers_the_new_password_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "n.ruralcouncil"
    monkeypatch.setenv("RURALCOUNCIL_PASSWORD", "the-old-one-xx")
    monkeypatch.setenv("RURALCOUNCIL_NEW_PASSWORD", "the-new-one-xx")
    capsys.readouterr()
    assert cli.main(["--db", str(path), "init", "--village", "V", "--admin", "admin"]) == 0
    with open_ledger(path) as ledger:
        assert users.login(ledger, "admin", "the-new-one-xx").name == "admin"
        with pytest.raises(AuthenticationFailed):
            users.login(ledger, "admin", "the-old-one-xx")


def test_init_refuses_another_council_kind_without_its_name(run: Cli, tmp_path: Path) -> None:
    path = tmp_path / "n.ruralcouncil"
    code, _out, err = run.on(path).line(
        "init --village V --admin admin --council-kind custom", new_password=ADMIN_PASSWORD
    )
    assert code == 2
    assert "council needs its own name" in err
    assert not path.exists()


@pytest.mark.parametrize(
    ("extra", "password", "message"),
    [
        ([], "short", "at least 10"),
        (["--village", " "], "long-enough-pw", "village"),
        (["--admin", "has space"], "long-enough-pw", "not allowed"),
    ],
)
def test_init_refuses_bad_input_and_leaves_no_file(
    run: Cli, tmp_path: Path, extra: list[str], password: str, message: str
) -> None:
    path = tmp_path / "bad.ruralcouncil"
    args = ["init", "--village", "V", "--admin", "admin", *extra]
    code, _out, err = run.on(path)(*args, new_password=password)
    assert code == 2
    assert message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["village.ruralcouncil"]


def test_init_without_any_password_and_no_terminal(run: Cli, tmp_path: Path) -> None:
    path = tmp_path / "np.ruralcouncil"
    code, _out, err = run.on(path)("init", "--village", "V", "--admin", "admin")
    assert code == 2
    assert "RURALCOUNCIL_NEW_PASSWORD" in err
    assert not path.exists()


# --- demo --------------------------------------------------------------------------------


def test_demo_refuses_without_db_and_the_default_ledger(run: Cli) -> None:
    code, _out, err = run.on(None)("demo")
    assert code == 2 and "--db" in err
    code, _out, err = run.on(paths.default_ledger_path())("demo")
    assert code == 2 and "real ledger" in err
    assert not paths.default_ledger_path().exists()


def test_demo_refuses_an_existing_file(run: Cli, db: Path) -> None:
    before = db.read_bytes()
    code, _out, err = run("demo")
    assert code == 2 and "already exists" in err
    assert db.read_bytes() == before


def test_demo_writes_a_verifiable_village(run: Cli, tmp_path: Path) -> None:
    pytest.importorskip("ruralcouncil.ledger.demo")
    path = tmp_path / "demo.ruralcouncil"
    demo = run.on(path)
    code, out, _err = demo("demo")
    assert code == 0 and str(path) in out
    code, out, _err = demo("verify", "--json")
    assert code == 0 and json.loads(out)["ok"] is True
    code, out, _err = demo("ledger", "--json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == list(range(1, len(rows) + 1))
    assert len({r["date"][:4] for r in rows}) >= 2
    assert {"receipt", "payment", "transfer"} <= {r["type"] for r in rows}
    assert any(r["reverses"] is not None for r in rows)
    assert len({r["fund"] for r in rows}) >= 3


# --- who is acting -----------------------------------------------------------------------


def test_wrong_password_in_a_subprocess(db: Path) -> None:
    """A failed login is the one thing a refused command records: an unsigned event that
    names the user, and nothing else."""
    entries, _digest = chain_state(db)
    transactions, signatures = count(db, "transactions"), count(db, "signatures")
    done = run_process("--db", str(db), *FINE, "--user", "clerk", password="not-the-password")
    assert done.returncode == 2
    assert "Wrong user name or password" in done.stderr
    assert done.stdout == ""
    assert chain_after(db, entries) == [("event", None, False)]
    assert events(db)[-1] == ("login.failed", "clerk")
    assert (count(db, "transactions"), count(db, "signatures")) == (transactions, signatures)
    done = run_process("--db", str(db), "verify", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["ok"] is True


def test_no_password_and_no_terminal_in_a_subprocess(db: Path) -> None:
    before = chain_state(db)
    done = run_process("--db", str(db), "reverse", "3", "--reason", "typo", "--user", "admin")
    assert done.returncode == 2
    assert "RURALCOUNCIL_PASSWORD" in done.stderr
    assert chain_state(db) == before


def test_unknown_user_is_refused_and_the_name_typed_is_not_stored(run: Cli, db: Path) -> None:
    typed = "MyS3cret-password-typed-as-name"
    entries, _digest = chain_state(db)
    code, _out, err = run("close-year", "2023", "--user", typed, user="some-password")
    assert code == 2 and "Wrong user name or password" in err
    assert chain_after(db, entries) == [("event", None, False)]
    assert events(db)[-1] == ("login.failed", None)
    raw = db.read_bytes()
    wal = db.with_name(db.name + "-wal")
    raw += wal.read_bytes() if wal.exists() else b""
    assert typed.encode() not in raw


@pytest.mark.parametrize(
    ("user", "args"),
    [
        ("member", list(FINE)),
        ("member", ["reverse", str(RECEIPT), "--reason", "typo"]),
        ("member", ["import-transactions", "{csv}"]),
        (
            "chair",
            ["record", "payment", "--date", "2024-07-01", "--amount", "10", "--category", "ROADS"],
        ),
        ("clerk", ["close-year", "2023"]),
        ("member", ["close-year", "2023"]),
        ("clerk", ["user", "add", "newbie", "--role", "member"]),
        ("chair", ["user", "reset-password", "member"]),
        ("clerk", ["fund", "add", "SCHOOL", "--name", "School roof", "--restricted"]),
        ("clerk", ["restore", "{backup}"]),
    ],
)
def test_roles_without_permission_are_refused(
    run: Cli, db: Path, tmp_path: Path, user: str, args: list[str]
) -> None:
    backup = tmp_path / "copy.ruralcouncil"
    shutil.copyfile(db, backup)
    csv = write_csv(tmp_path, GOOD_CSV)
    args = [a.format(csv=csv, backup=backup) for a in args]
    before, before_events = chain_state(db), events(db)
    code, _out, err = run(*args, "--user", user, new_password="another-password-1")
    assert code == 2
    assert "may not" in err
    # The login itself is chained only with a write: a refusal leaves no trace at all.
    assert chain_state(db) == before and events(db) == before_events


def test_a_write_chains_the_login_and_its_event_signed_by_the_author(run: Cli, db: Path) -> None:
    entries, _digest = chain_state(db)
    before = events(db)
    code, out, err = run(*FINE, "--user", "clerk")
    assert code == 0, err
    assert "Recorded entry 5:" in out
    # One commit: the login, the entry and its event, all by the clerk, signed once at the end.
    assert chain_after(db, entries) == [
        ("event", "clerk", False),
        ("transaction", "clerk", False),
        ("event", "clerk", True),
    ]
    assert events(db) == [*before, ("login", "clerk"), ("entry.record", "clerk")]


# --- user --------------------------------------------------------------------------------


def test_user_add_reset_and_list(run: Cli, db: Path) -> None:
    code, out, err = run.line(
        "user add aigerim --role auditor --full-name 'Айгерім Нұрланқызы' --user admin",
        new_password="auditor-pass-1",
    )
    assert code == 0, err
    assert "aigerim" in out
    code, _out, err = run(
        "user", "reset-password", "aigerim", "--user", "admin", new_password="auditor-pass-2"
    )
    assert code == 0, err
    assert events(db)[-4:] == [
        ("login", "admin"),
        ("user.add", "admin"),
        ("login", "admin"),
        ("user.reset_password", "admin"),
    ]
    code, out, _err = run("user", "list", "--json")
    listed = {u["name"]: u for u in json.loads(out)}
    assert listed["aigerim"] == {
        "name": "aigerim",
        "role": "auditor",
        "full_name": "Айгерім Нұрланқызы",
        "active": True,
    }
    with open_ledger(db) as ledger:
        assert users.login(ledger, "aigerim", "auditor-pass-2").role == users.Role.AUDITOR
        with pytest.raises(AuthenticationFailed):
            users.login(ledger, "aigerim", "auditor-pass-1")
    code, out, _err = run("user", "list")
    assert code == 0 and "aigerim" in out and "clerk" in out


@pytest.mark.parametrize(
    ("args", "new_password", "message"),
    [
        (["newbie", "--role", "treasurer"], "long-enough-pw", "Unknown role"),
        (["newbie", "--role", "clerk"], "short", "at least 10"),
        (["clerk", "--role", "clerk"], "long-enough-pw", "already a user"),
        (["newbie", "--role", "clerk"], None, "RURALCOUNCIL_NEW_PASSWORD"),
    ],
)
def test_user_add_refusals(
    run: Cli, db: Path, args: list[str], new_password: str | None, message: str
) -> None:
    before = chain_state(db)
    code, _out, err = run("user", "add", *args, "--user", "admin", new_password=new_password)
    assert code == 2
    assert message in err
    assert chain_state(db) == before


# --- record, reverse, close-year, fund ---------------------------------------------------


def test_record_every_type_numbers_entries_without_gaps(run: Cli) -> None:
    for args, number in (
        ("receipt --date 2024-07-01 --amount '12 500,50 ₸' --category DONATION"
         " --counterparty Бақыт --reference K-1", 5),
        ("payment --date 2024-07-02 --amount 2500 --category LIGHTING", 6),
        ("transfer --date 2024-07-03 --amount 100 --account CASH --to-account BANK", 7),
    ):  # fmt: skip
        code, out, err = run.line(f"record {args} --user clerk")
        assert code == 0, err
        assert f"Recorded entry {number}:" in out
    code, out, _err = run("ledger", "--year", "2024", "--json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert [r["amount"] for r in rows[-3:]] == [1_250_050, 250_000, 10_000]
    assert rows[-3]["counterparty"] == "Бақыт" and rows[-3]["reference"] == "K-1"
    assert rows[-1]["account"] == "CASH" and rows[-1]["to_account"] == "BANK"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["receipt", "--amount", "1,500", "--category", "FINES"], "ambiguous"),
        (["receipt", "--amount", "-5", "--category", "FINES"], "positive"),
        (["receipt", "--amount", "1e3", "--category", "FINES"], "not a number"),
        (
            ["receipt", "--date", "2024-02-30", "--amount", "5", "--category", "FINES"],
            "does not exist",
        ),
        (["receipt", "--date", "20240301", "--amount", "5", "--category", "FINES"], "YYYY-MM-DD"),
        (["receipt", "--amount", "5", "--category", "ROADS"], "expenditure program"),
        (["receipt", "--amount", "5", "--category", "NOPE"], "unknown revenue source"),
        (["payment", "--amount", "5", "--category", "FINES"], "revenue source"),
        (["transfer", "--amount", "5", "--to-account", "BANK"], "different account"),
        (
            ["payment", "--date", "2024-04-02", "--amount", "1000000", "--category", "ROADS"],
            "would be at",
        ),
        (["receipt", "--amount", "5", "--category", "FINES", "--fund", "NOPE"], "unknown fund"),
    ],
)
def test_record_refusals_write_nothing(run: Cli, db: Path, args: list[str], message: str) -> None:
    if "--date" not in args:
        args = [*args, "--date", "2024-08-01"]
    before = chain_state(db)
    code, out, err = run("record", *args, "--user", "clerk")
    assert code == 2
    assert message in err
    assert out == ""
    assert chain_state(db) == before


def test_reverse_once_then_refused(run: Cli, db: Path) -> None:
    args = shlex.split(f"reverse {RECEIPT} --reason 'wrong payer' --date 2024-09-01 --user clerk")
    code, out, err = run(*args)
    assert code == 0, err
    assert f"Entry 5 reverses entry {RECEIPT}." in out
    code, out, _err = run("ledger", "--year", "2024", "--json")
    rows = json.loads(out)
    reversal = rows[-1]
    assert reversal["id"] == 5
    assert reversal["reverses"] == RECEIPT
    assert rows[RECEIPT - 1]["reversed_by"] == 5
    assert reversal["amount"] == -1_500_50
    assert reversal["date"] == "2024-09-01"
    before = chain_state(db)
    code, _out, err = run(*args)
    assert code == 2 and "already reversed" in err
    code, _out, err = run("reverse", "99999", "--reason", "x", "--user", "clerk")
    assert code == 2 and "no entry number 99999" in err
    code, _out, err = run("reverse", "6", "--reason", "x", "--user", "clerk")
    assert code == 2 and "no entry number 6" in err  # the next number is not taken yet
    code, _out, err = run("reverse", str(PAYMENT), "--reason", "  ", "--user", "clerk")
    assert code == 2 and "reason" in err
    code, _out, err = run("reverse", "two", "--reason", "x", "--user", "clerk")
    assert code == 2 and "digits 0-9" in err
    assert chain_state(db) == before


def test_reverse_without_date_is_dated_today(run: Cli) -> None:
    code, _out, err = run("reverse", str(PAYMENT), "--reason", "duplicate", "--user", "admin")
    assert code == 0, err
    code, out, _err = run("ledger", "--json")
    last = json.loads(out)[-1]
    assert last["date"] == date.today().isoformat()
    assert (last["id"], last["reverses"]) == (5, PAYMENT)


def test_close_year_then_posting_refused(run: Cli, db: Path) -> None:
    code, _out, err = run("close-year", "2024", "--user", "chair")
    assert code == 0, err
    assert events(db)[-2:] == [("login", "chair"), ("year.close", "chair")]
    before = chain_state(db)
    code, _out, err = run.line(
        "record receipt --date 2024-12-31 --amount 5 --category FINES --user clerk"
    )
    assert code == 2 and "closed" in err
    code, _out, err = run(
        "reverse", str(RECEIPT), "--reason", "x", "--date", "2024-12-31", "--user", "clerk"
    )
    assert code == 2 and "closed" in err
    code, _out, err = run("close-year", "2024", "--user", "admin")
    assert code == 2 and "already closed" in err
    assert chain_state(db) == before
    # The next year is still open.
    code, _out, err = run.line(
        "record receipt --date 2025-01-02 --amount 5 --category FINES --user clerk"
    )
    assert code == 0, err


@pytest.mark.parametrize(("year", "message"), [("this", "has not ended"), ("24", "four digits")])
def test_close_year_refuses_a_bad_or_current_year(
    run: Cli, db: Path, year: str, message: str
) -> None:
    year = str(date.today().year) if year == "this" else year
    before = chain_state(db)
    code, _out, err = run("close-year", year, "--user", "admin")
    assert code == 2
    assert message in err
    assert chain_state(db) == before


def test_fund_add_and_use(run: Cli, db: Path) -> None:
    code, _out, err = run(
        "fund", "add", "SCHOOL-ROOF", "--name", "Мектеп шатыры", "--restricted", "--user", "admin"
    )
    assert code == 0, err
    code, out, _err = run("fund", "list", "--json")
    funds = {f["code"]: f for f in json.loads(out)}
    assert funds["SCHOOL-ROOF"]["restricted"] is True
    assert funds["SCHOOL-ROOF"]["name"] == "Мектеп шатыры"
    assert funds["GENERAL"]["restricted"] is False
    code, _out, err = run.line(
        "record receipt --date 2024-08-01 --amount 300 --category COMMUNITY --fund SCHOOL-ROOF"
        " --user clerk"
    )
    assert code == 0, err
    before = chain_state(db)
    code, _out, err = run("fund", "add", "SCHOOL-ROOF", "--name", "again", "--user", "admin")
    assert code == 2 and "already in use" in err
    assert chain_state(db) == before


def test_clock_warning_goes_to_stderr_before_the_write(
    run: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "clock_warning", lambda conn: "CLOCK IS BEHIND")
    code, out, err = run(*FINE, "--user", "clerk")
    assert code == 0
    assert "CLOCK IS BEHIND" in err
    assert "CLOCK" not in out


# --- import-transactions -----------------------------------------------------------------


def test_import_then_reimport_refused(run: Cli, db: Path, tmp_path: Path) -> None:
    csv = write_csv(tmp_path, "\ufeff" + GOOD_CSV)
    code, out, err = run("import-transactions", str(csv), "--user", "clerk")
    assert code == 0, err
    assert "Imported 3 rows" in out and "entries 5-7" in out
    assert events(db)[-2:] == [("login", "clerk"), ("import", "clerk")]
    code, out, _err = run("ledger", "--year", "2024", "--json")
    imported = json.loads(out)[-3:]
    assert [(r["id"], r["type"], r["amount"]) for r in imported] == [
        (5, "receipt", 250_050),
        (6, "payment", 100_000),
        (7, "transfer", 50_000),
    ]
    assert imported[0]["counterparty"] == "Ерлан Сәбитұлы"
    before = chain_state(db)
    code, _out, err = run("import-transactions", str(csv), "--user", "clerk")
    assert code == 2
    assert "already" in err
    assert chain_state(db) == before


def test_import_refusal_lists_every_bad_line_in_a_subprocess(db: Path, tmp_path: Path) -> None:
    csv = write_csv(
        tmp_path,
        (
            "date,type,amount,category\n"
            "2024-06-01,receipt,100,FINES\n"
            "2024-02-30,receipt,100,FINES\n"
            "2024-06-02,payment,1 000,ROADS\n"
            "2024-06-03,receipt,5,ROADS\n"
        ),
    )
    before = chain_state(db)
    done = run_process(
        "--db",
        str(db),
        "import-transactions",
        str(csv),
        "--user",
        "clerk",
        password=PASSWORDS["clerk"],
    )
    assert done.returncode == 2
    assert done.stdout == ""
    for line in (3, 4, 5):
        assert f"line {line}:" in done.stderr
    assert "line 2:" not in done.stderr
    assert chain_state(db) == before


def test_import_refuses_semicolons_and_a_missing_file(run: Cli, db: Path, tmp_path: Path) -> None:
    before = chain_state(db)
    csv = write_csv(tmp_path, "date;type;amount;category\n2024-06-01;receipt;100;FINES\n")
    code, _out, err = run("import-transactions", str(csv), "--user", "clerk")
    assert code == 2 and "uses semicolons" in err
    code, _out, err = run("import-transactions", str(tmp_path / "missing.csv"), "--user", "clerk")
    assert code == 2 and "missing.csv" in err
    assert chain_state(db) == before


# --- ledger and summary ------------------------------------------------------------------


def test_ledger_json_fields(run: Cli, db: Path) -> None:
    code, out, _err = run("ledger", "--year", "2024", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["type"] for r in rows] == ["opening", "receipt", "payment", "transfer"]
    assert [r["id"] for r in rows] == [OPENING, RECEIPT, PAYMENT, TRANSFER]
    seqs = [r["chain_seq"] for r in rows]
    assert all(isinstance(s, int) for s in seqs) and seqs == sorted(set(seqs))
    assert seqs == [chain_seq_of(db, r["id"]) for r in rows]
    for row in rows:
        assert set(row) >= LEDGER_KEYS
        assert isinstance(row["amount"], int)
        assert row["reverses"] is None
        assert row["legacy_id"] is None  # a ledger made by version 2 has no old numbers
    receipt = rows[1]
    assert receipt["amount"] == 1_500_50
    assert receipt["category"] == "TAX-LAND"
    assert receipt["fund"] == "GENERAL" and receipt["account"] == "BANK"
    assert receipt["counterparty"] == "Әсел Қожахметова"
    assert rows[3]["to_account"] == "CASH" and rows[3]["category"] is None
    code, out, _err = run("ledger", "--year", "2023", "--json")
    assert code == 0 and json.loads(out) == []


def test_ledger_table_is_readable(run: Cli) -> None:
    code, out, _err = run("ledger", "--year", "2024")
    assert code == 0
    assert "₸1,500.50" in out and "Әсел Қожахметова" in out and "BANK → CASH" in out
    code, out, _err = run("--lang", "ru", "ledger", "--year", "2024")
    assert code == 0 and "1\u00a0500,50\u00a0₸" in out
    code, out, _err = run("ledger", "--year", "1999")
    assert code == 0 and "No entries." in out


def test_ledger_refuses_a_bad_year(run: Cli) -> None:
    code, out, err = run("ledger", "--year", "twenty")
    assert code == 2 and out == "" and "four digits" in err


def _check_summary_shape(summary: dict[str, Any], year: int) -> None:
    assert set(summary) >= SUMMARY_KEYS
    assert summary["year"] == year
    assert summary["currency"] == "KZT"
    assert list(summary["boxes"]) == [str(n) for n in range(1, 11)]
    assert all(isinstance(v, int) for v in summary["boxes"].values())
    assert set(summary["cash"]) >= {"BANK", "CASH"}
    assert isinstance(summary["chain"]["entries"], int)
    assert len(summary["chain"]["head"]) == 64


def test_summary_json_in_a_subprocess(db: Path) -> None:
    done = run_process("--db", str(db), "summary", "--year", "2024", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    summary = json.loads(done.stdout)
    _check_summary_shape(summary, 2024)
    assert summary["receipts"] == {"TAX-LAND": 1_500_50}
    assert summary["payments"] == {"STAFF": 20_000_00}
    boxes = summary["boxes"]
    assert boxes["1"] == 500_000_00
    assert boxes["2"] == 1_500_50 and boxes["3"] == 0
    assert boxes["4"] == 20_000_00 and boxes["5"] == 0 and boxes["6"] == 0
    assert boxes["7"] == boxes["8"] == 500_000_00 + 1_500_50 - 20_000_00
    assert summary["cash"] == {"BANK": 480_500_50, "CASH": 1_000_00}
    assert (summary["chain"]["entries"], summary["chain"]["head"]) == chain_state(db)


@pytest.mark.parametrize(("year", "box1"), [(2023, 0), (2030, 481_500_50)])
def test_summary_json_for_a_year_without_entries(run: Cli, year: int, box1: int) -> None:
    code, out, _err = run("summary", "--year", str(year), "--json")
    assert code == 0
    summary = json.loads(out)
    _check_summary_shape(summary, year)
    assert summary["receipts"] == {} and summary["payments"] == {}
    assert summary["boxes"]["1"] == summary["boxes"]["7"] == summary["boxes"]["8"] == box1
    assert sum(summary["boxes"][str(n)] for n in (2, 3, 4, 5, 6, 9, 10)) == 0


def test_summary_text(run: Cli, db: Path) -> None:
    code, out, _err = run("summary", "--year", "2024")
    assert code == 0
    assert "Ақсу" in out and "TAX-LAND" in out and "Balances carried forward" in out
    entries, digest = chain_state(db)
    assert f"{entries}:{digest}" in out


def test_readers_need_no_password_and_write_nothing(run: Cli, db: Path, tmp_path: Path) -> None:
    before = chain_state(db)
    for args in (
        ["summary", "--year", "2024", "--json"],
        ["ledger", "--json"],
        ["verify", "--json"],
        ["user", "list"],
        ["fund", "list"],
        ["backup", str(tmp_path / "copy.ruralcouncil")],
    ):
        code, _out, err = run(*args)
        assert code == 0, (args, err)
        assert chain_state(db) == before, args


# --- verify ------------------------------------------------------------------------------


def test_verify_json_fields(run: Cli, db: Path) -> None:
    code, _out, err = run(*FINE, "--user", "clerk")
    assert code == 0, err
    code, out, _err = run("verify", "--json")
    assert code == 0
    result = json.loads(out)
    assert set(result) >= VERIFY_KEYS
    entries, digest = chain_state(db)
    assert (result["entries"], result["head"]) == (entries, digest)
    assert result["transactions"] == 5
    assert result["ledger"] == _read(db, "SELECT hash FROM chain WHERE seq = 1")[0][0]
    assert result["schema_version"] == schema.SCHEMA_VERSION
    # The setup, three user additions, four entries and the clerk's receipt: one each.
    assert result["signed_commits"] == 9
    assert (result["first_bad"], result["first_bad_seq"], result["problems"]) == (None, None, [])
    # The clerk's key was set by the administrator who made the account.
    assert [k["user"] for k in result["admin_set_keys"]] == ["clerk"]
    assert result["admin_set_keys"][0]["records"] >= 1


def test_verify_detects_tampering_in_a_subprocess(db: Path) -> None:
    good = run_process("--db", str(db), "verify", "--json")
    assert good.returncode == 0
    result = json.loads(good.stdout)
    assert set(result) >= VERIFY_KEYS
    assert result["ok"] is True and result["first_bad"] is None and result["problems"] == []
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER transactions_no_update")
    conn.execute("UPDATE transactions SET description = 'edited' WHERE number = ?", (RECEIPT,))
    conn.close()
    bad = run_process("--db", str(db), "verify", "--json")
    assert bad.returncode == 1
    result = json.loads(bad.stdout)
    assert result["ok"] is False
    assert result["first_bad"] == RECEIPT
    assert result["first_bad_seq"] == chain_seq_of(db, RECEIPT)
    assert result["problems"]
    text = run_process("--db", str(db), "verify")
    assert text.returncode == 1
    assert f"The first bad entry is {RECEIPT}." in text.stdout


def test_verify_anchor_good_bad_and_malformed(run: Cli, db: Path) -> None:
    entries, digest = chain_state(db)
    code, out, _err = run("verify", "--json", "--anchor", f"{entries}:{digest}")
    assert code == 0 and json.loads(out)["ok"] is True
    # The head is an event, not an entry: first_bad is null and first_bad_seq names it.
    code, out, _err = run("verify", "--json", "--anchor", f"{entries}:{'0' * 64}")
    assert code == 1
    result = json.loads(out)
    assert (result["first_bad"], result["first_bad_seq"]) == (None, entries)
    assert any("rewritten" in p for p in result["problems"])
    # An anchor at an entry's chain position names the entry by its number.
    receipt_seq = chain_seq_of(db, RECEIPT)
    code, out, _err = run("verify", "--json", "--anchor", f"{receipt_seq}:{'0' * 64}")
    assert code == 1
    result = json.loads(out)
    assert (result["first_bad"], result["first_bad_seq"]) == (RECEIPT, receipt_seq)
    code, out, _err = run("verify", "--json", "--anchor", f"{entries + 5}:{digest}")
    assert code == 1
    result = json.loads(out)
    assert result["ok"] is False and result["first_bad_seq"] == entries + 5
    assert any("removed" in p for p in result["problems"])
    code, out, err = run("verify", "--anchor", "xyz")
    assert code == 2 and out == "" and "N:HEX" in err


# --- backup and restore ------------------------------------------------------------------


def test_backup_and_restore_round_trip(run: Cli, db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    code, out, err = run("backup", str(folder))
    assert code == 0, err
    backups = [p for p in folder.iterdir() if p.suffix == ".ruralcouncil"]
    assert len(backups) == 1
    saved = chain_state(db)
    assert str(saved[0]) in out and saved[1] in out
    code, _out, err = run(*FINE, "--user", "clerk")
    assert code == 0, err
    assert chain_state(db) != saved
    transactions = count(db, "transactions")

    code, out, err = run("restore", str(backups[0]), "--user", "admin")
    assert code == 0, err
    assert "fewer" in err, "restoring fewer entries than the ledger holds must warn"
    kept = list(tmp_path.glob("village.ruralcouncil.before-restore-*"))
    assert len(kept) == 1 and kept[0].name in out
    assert count(kept[0], "transactions") == transactions  # the later work is kept aside
    # The backup's chain, then one commit of the restorer: their login and the restore.
    assert count(db, "transactions") == transactions - 1
    assert chain_after(db, saved[0]) == [("event", "admin", False), ("event", "admin", True)]
    assert events(db)[-2:] == [("login", "admin"), ("restore", "admin")]
    code, out, _err = run("verify", "--json", "--anchor", f"{saved[0]}:{saved[1]}")
    assert code == 0 and json.loads(out)["ok"] is True
    # The administrator still logs in and writes.
    code, _out, err = run(*FINE, "--user", "admin")
    assert code == 0, err


def test_backup_to_a_named_file_and_refusals(run: Cli, db: Path, tmp_path: Path) -> None:
    target = tmp_path / "named.ruralcouncil"
    code, _out, err = run("backup", str(target))
    assert code == 0, err
    assert target.exists()
    written = target.read_bytes()
    code, _out, err = run("backup", str(target))
    assert code == 2 and "already exists" in err
    assert target.read_bytes() == written
    junk = tmp_path / "junk.ruralcouncil"
    junk.write_text("not a ledger", encoding="utf-8")
    before = chain_state(db)
    code, _out, err = run("restore", str(junk), "--user", "admin")
    assert code == 2 and "not a RuralCouncil ledger" in err
    assert chain_state(db) == before


def test_restore_of_another_ledger_needs_other_village(run: Cli, db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.ruralcouncil"
    init_ledger(other, village="Басқа ауыл", admin=ADMIN, password=ADMIN_PASSWORD).close()
    backup = tmp_path / "other-backup.ruralcouncil"
    code, _out, err = run.on(other)("backup", str(backup))
    assert code == 0, err
    before = chain_state(db)
    code, _out, err = run("restore", str(backup), "--user", "admin")
    assert code == 2
    assert "another ledger" in err and "--other-village" in err
    assert chain_state(db) == before
    code, _out, err = run("restore", str(backup), "--user", "admin", "--other-village")
    assert code == 0, err
    code, out, _err = run("verify", "--json")
    assert json.loads(out)["ledger"] == _read(other, "SELECT hash FROM chain WHERE seq = 1")[0][0]
    code, _out, err = run("summary", "--json")
    assert code == 0, err


def test_restore_needs_an_administrator_of_the_backup(run: Cli, db: Path, tmp_path: Path) -> None:
    """An administrator added after the backup was made could not log in to it: refused, so
    nobody is locked out."""
    backup = tmp_path / "before.ruralcouncil"
    assert run("backup", str(backup)).code == 0
    code, _out, err = run(
        "user", "add", "newadmin", "--role", "admin", "--user", "admin", new_password="x" * 12
    )
    assert code == 0, err
    before = chain_state(db)
    code, _out, err = run("restore", str(backup), "--user", "newadmin", user="x" * 12)
    assert code == 2
    assert "locked out" in err
    assert chain_state(db) == before


def test_restore_asks_for_the_password_once(
    run: Cli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = tmp_path / "b.ruralcouncil"
    assert run("backup", str(backup)).code == 0
    asked: list[str] = []

    def getpass(prompt: str = "") -> str:
        asked.append(prompt)
        return ADMIN_PASSWORD

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(getpass_module, "getpass", getpass)
    monkeypatch.setattr(sys, "stdin", Terminal())
    code, _out, err = run("restore", str(backup), "--user", "admin", user="")
    assert code == 0, err
    assert len(asked) == 1


# --- files that cannot be used -----------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["summary", "--year", "2024", "--json"],
        ["ledger", "--json"],
        ["backup", "{folder}"],
        ["record", "receipt", "--amount", "5", "--category", "FINES", "--user", "admin"],
    ],
)
def test_not_a_ledger_and_missing_file(run: Cli, tmp_path: Path, command: list[str]) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("shopping list", encoding="utf-8")
    command = [c.format(folder=tmp_path) for c in command]
    code, out, err = run.on(junk)(*command, user="admin")
    assert code == 2 and out == "" and "not a RuralCouncil ledger" in err
    assert junk.read_text(encoding="utf-8") == "shopping list"
    code, out, err = run.on(tmp_path / "none.ruralcouncil")(*command, user="admin")
    assert code == 2 and out == "" and "There is no ledger" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "village.ruralcouncil"]


def test_verify_of_a_file_that_is_not_a_ledger_says_so(run: Cli, tmp_path: Path) -> None:
    """verify's job is to say what is wrong: exit 1 with its JSON (or its text)."""
    junk = tmp_path / "notes.txt"
    junk.write_text("shopping list", encoding="utf-8")
    code, out, _err = run.on(junk)("verify", "--json")
    assert code == 1
    result = json.loads(out)
    assert result["ok"] is False and result["entries"] == 0
    assert any("not a RuralCouncil ledger" in p for p in result["problems"])
    code, out, _err = run.on(junk)("verify")
    assert code == 1 and "not a RuralCouncil ledger" in out
    # A missing file is not a ledger with problems: a refusal, with nothing on stdout.
    code, out, err = run.on(tmp_path / "none.ruralcouncil")("verify", "--json")
    assert code == 2 and out == "" and "There is no ledger" in err


def test_not_a_ledger_in_a_subprocess(tmp_path: Path) -> None:
    junk = tmp_path / "photo.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 200)
    done = run_process("--db", str(junk), "verify", "--json")
    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert set(result) >= VERIFY_KEYS
    assert result["ok"] is False
    assert any("not a RuralCouncil ledger" in p for p in result["problems"])
    assert junk.read_bytes() == b"\xff\xd8\xff\xe0" + b"\0" * 200


def test_newer_schema_is_refused(db: Path, tmp_path: Path) -> None:
    newer = tmp_path / "newer.ruralcouncil"
    shutil.copyfile(db, newer)
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = newer.read_bytes()
    done = run_process("--db", str(newer), "summary", "--year", "2024", "--json")
    assert done.returncode == 2
    assert "newer version" in done.stderr
    done = run_process("--db", str(newer), *FINE, "--user", "admin", password=ADMIN_PASSWORD)
    assert done.returncode == 2
    assert "newer version" in done.stderr
    done = run_process("--db", str(newer), "verify", "--json")
    assert done.returncode == 1
    assert any("newer version" in p for p in json.loads(done.stdout)["problems"])
    assert newer.read_bytes() == before


def test_read_only_ledger_refused_for_writers(
    run: Cli, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root ignores file modes, so the check is simulated here; test_faults mounts a
    read-only disk."""
    real_access = os.access

    def access(path: Any, mode: int, *args: Any, **kw: Any) -> bool:
        if mode == os.W_OK and Path(path) == db:
            return False
        return real_access(path, mode, *args, **kw)

    monkeypatch.setattr(os, "access", access)
    before = chain_state(db)
    code, _out, err = run(*FINE, "--user", "clerk")
    assert code == 2 and "read-only" in err
    assert chain_state(db) == before
    # Readers still work on a read-only ledger.
    code, out, _err = run("summary", "--year", "2024", "--json")
    assert code == 0 and json.loads(out)["chain"]["entries"] == before[0]


@pytest.mark.skipif(
    os.name == "nt" or (hasattr(os, "geteuid") and os.geteuid() == 0),
    reason="file modes do not stop root (or Windows' ACLs work differently)",
)
def test_read_only_ledger_by_chmod(db: Path) -> None:
    db.chmod(0o444)
    try:
        done = run_process(
            *("--db", str(db), "reverse", "3", "--reason", "x", "--user", "admin"),
            password=ADMIN_PASSWORD,
        )
        assert done.returncode == 2
        assert "read-only" in done.stderr
    finally:
        db.chmod(0o644)


def test_second_writer_gets_a_clear_message(db: Path) -> None:
    lock = LedgerLock(db)
    lock.acquire("test holds the ledger")
    try:
        before = chain_state(db)
        done = run_process("--db", str(db), *FINE, "--user", "clerk", password=PASSWORDS["clerk"])
        assert done.returncode == 2
        assert "another copy" in done.stderr and "test holds the ledger" in done.stderr
        assert chain_state(db) == before
        # Reading while someone writes is fine.
        done = run_process("--db", str(db), "verify", "--json")
        assert done.returncode == 0
    finally:
        lock.release()


# --- the window's actions on the command line (issue 6) ----------------------------------


def nothing_written(db: Path, before: tuple[tuple[int, str], list[tuple[str, str | None]]]) -> bool:
    """The chain head and the audit events are as they were: what every refusal leaves."""
    return (chain_state(db), events(db)) == before


def test_help_lists_the_new_commands(run: Cli) -> None:
    code, out, _err = run.on(None)("--help")
    assert code == 0
    assert "code" in out and "settings" in out
    code, out, _err = run.on(None)("user", "--help")
    assert code == 0
    for action in ("set-role", "disable", "enable", "password"):
        assert action in out


def test_user_set_role_takes_effect_at_the_next_login(run: Cli, db: Path) -> None:
    code, out, err = run("user", "set-role", "member", "chair", "--user", "admin")
    assert code == 0, err
    assert out == "member is now: Chair.\n"
    assert events(db)[-2:] == [("login", "admin"), ("user.set_role", "admin")]
    code, out, _err = run("user", "list", "--json")
    assert {u["name"]: u["role"] for u in json.loads(out)}["member"] == "chair"
    # The chair may close a year, which a member may not.
    code, _out, err = run("close-year", "2023", "--user", "member")
    assert code == 0, err
    assert run("verify").code == 0


def test_a_second_administrator_lets_the_first_step_down(run: Cli, db: Path) -> None:
    assert run("user", "set-role", "chair", "admin", "--user", "admin").code == 0
    code, _out, err = run("user", "set-role", "admin", "clerk", "--user", "admin")
    assert code == 0, err
    code, out, _err = run("user", "list", "--json")
    assert {u["name"]: u["role"] for u in json.loads(out)}["admin"] == "clerk"


def test_user_disable_then_enable(run: Cli, db: Path) -> None:
    code, out, err = run("user", "disable", "clerk", "--user", "admin")
    assert code == 0, err
    assert out == "clerk was disabled: they can no longer log in.\n"
    code, out, _err = run("user", "list", "--json")
    assert {u["name"]: u["active"] for u in json.loads(out)}["clerk"] is False
    assert "(disabled)" in run("user", "list").out
    code, _out, err = run(*FINE, "--user", "clerk")
    assert code == 2 and "Wrong user name or password" in err
    code, out, err = run("user", "enable", "clerk", "--user", "admin")
    assert code == 0, err
    assert out == "clerk was enabled.\n"
    assert run(*FINE, "--user", "clerk").code == 0
    assert [e for e in events(db) if e[0] in ("user.disable", "user.enable")] == [
        ("user.disable", "admin"),
        ("user.enable", "admin"),
    ]
    assert run("verify").code == 0


def test_user_password_changes_ones_own_password(run: Cli, db: Path) -> None:
    with open_ledger(db) as ledger:
        assert "clerk" in users.admin_set_keys(ledger)
    code, out, err = run(
        "user", "password", "--user", "clerk", new_password="the-clerks-own-password"
    )
    assert code == 0, err
    assert out == "Your password was changed.\n"
    assert events(db)[-2:] == [("login", "clerk"), ("user.change_password", "clerk")]
    with open_ledger(db) as ledger:
        assert users.login(ledger, "clerk", "the-clerks-own-password").role == users.Role.CLERK
        with pytest.raises(AuthenticationFailed):
            users.login(ledger, "clerk", PASSWORDS["clerk"])
        # The key is the clerk's own now, no longer one the administrator set.
        assert "clerk" not in users.admin_set_keys(ledger)
    assert run(*FINE, "--user", "clerk", user="the-clerks-own-password").code == 0
    assert run("verify").code == 0


def test_a_date_after_today_warns_and_more_than_a_year_ahead_needs_future(
    run: Cli, db: Path
) -> None:
    soon = (date.today() + timedelta(days=40)).isoformat()
    far = (date.today() + timedelta(days=800)).isoformat()
    receipt = ["record", "receipt", "--amount", "5", "--category", "FINES", "--user", "clerk"]
    code, out, err = run(*receipt, "--date", soon)
    assert code == 0, err
    assert out.startswith("Recorded entry 5:")
    assert "is after today" in err
    before = (chain_state(db), events(db))
    code, out, err = run(*receipt, "--date", far)
    assert code == 2 and out == ""
    assert "more than a year after today" in err and "--future" in err
    assert nothing_written(db, before)
    code, out, err = run(*receipt, "--date", far, "--future")
    assert code == 0, err
    assert out.startswith("Recorded entry 6:")
    assert err == ""  # confirmed: nothing more to say
    # A reversal dated ahead: the same rules.
    code, out, err = run("reverse", "5", "--reason", "typo", "--date", soon, "--user", "clerk")
    assert code == 0, err
    assert "is after today" in err
    before = (chain_state(db), events(db))
    later = (date.today() + timedelta(days=900)).isoformat()
    code, out, err = run("reverse", "6", "--reason", "typo", "--date", later, "--user", "clerk")
    assert code == 2 and "--future" in err
    assert nothing_written(db, before)
    code, out, err = run(
        "reverse", "6", "--reason", "typo", "--date", later, "--future", "--user", "clerk"
    )
    assert code == 0, err
    assert out == "Entry 8 reverses entry 6.\n"
    # Today and earlier say nothing.
    code, out, err = run(*receipt, "--date", date.today().isoformat())
    assert code == 0 and err == ""
    assert run("verify").code == 0


class Terminal:
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("same", [True, False])
def test_user_password_asks_the_new_one_twice_on_a_terminal(
    run: Cli, db: Path, monkeypatch: pytest.MonkeyPatch, same: bool
) -> None:
    answers = iter(
        [PASSWORDS["member"], "member-new-password", "member-new-password" if same else "typo"]
    )
    asked: list[str] = []

    def getpass(prompt: str = "") -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr(getpass_module, "getpass", getpass)
    monkeypatch.setattr(sys, "stdin", Terminal())
    before = (chain_state(db), events(db))
    code, out, err = run("user", "password", "--user", "member", user="")
    assert asked == [
        "Password for member: ",
        "New password for member: ",
        "The same password again: ",
    ]
    if same:
        assert code == 0, err
        with open_ledger(db) as ledger:
            users.login(ledger, "member", "member-new-password")
    else:
        assert code == 2 and out == ""
        assert "The two passwords differ." in err
        assert nothing_written(db, before)


def test_settings_list_needs_no_login(run: Cli, db: Path) -> None:
    from ruralcouncil.ledger import settings

    before = (chain_state(db), events(db))
    code, out, err = run("settings", "list", "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert [s["key"] for s in listed] == [
        "village_name",
        "council_kind",
        "council_name",
        *(k for k in settings.DEFAULTS if k not in ("council_kind", "council_name")),
    ]
    assert all(set(s) == {"key", "value", "description"} for s in listed)
    values = {s["key"]: s["value"] for s in listed}
    assert values["village_name"] == "Ақсу"
    assert values["council_kind"] == "rural_maslikhat"
    assert values["variance_minimum_tiyn"] == "10000000"
    # Every setting is described; a new one without a description here would show blank.
    assert all(s["description"] for s in listed)
    code, out, _err = run("settings", "list")
    assert code == 0
    assert out.splitlines()[0].split()[:2] == ["village_name", "Ақсу"]
    assert nothing_written(db, before)


def test_the_thresholds_are_council_rules_not_settings(run: Cli, db: Path) -> None:
    before = chain_state(db)
    code, out, err = run("settings", "set", "publish_threshold_tiyn", "5000000", "--user", "admin")
    assert code == 2 and out == ""
    assert "council set report-threshold" in err
    assert chain_state(db) == before


def test_settings_set_then_list(run: Cli, db: Path) -> None:
    code, out, err = run("settings", "set", "lock_minutes", "5", "--user", "admin")
    assert code == 0, err
    assert out == "The setting lock_minutes is now '5'.\n"
    assert events(db)[-2:] == [("login", "admin"), ("setting.change", "admin")]
    code, out, err = run("settings", "set", "village_name", "  Жаңа Ақсу ", "--user", "admin")
    assert code == 0, err
    assert out == "The setting village_name is now 'Жаңа Ақсу'.\n"
    code, out, _err = run("settings", "list", "--json")
    values = {s["key"]: s["value"] for s in json.loads(out)}
    assert values["lock_minutes"] == "5"
    assert values["village_name"] == "Жаңа Ақсу"
    # The same value again (once trimmed) changes nothing, and says so.
    before = (chain_state(db), events(db))
    code, out, err = run("settings", "set", "village_name", "Жаңа Ақсу ", "--user", "admin")
    assert code == 0, err
    assert out == "The setting village_name was already 'Жаңа Ақсу'; nothing was changed.\n"
    assert nothing_written(db, before)
    # The council's kind and name: a custom kind once it has a name.
    assert run("settings", "set", "council_name", "Ауыл кеңесі", "--user", "admin").code == 0
    assert run("settings", "set", "council_kind", "custom", "--user", "admin").code == 0
    assert run("verify").code == 0


def test_code_add_prints_the_code_and_the_code_can_be_used(run: Cli, db: Path) -> None:
    code, out, err = run(
        "code", "add", "BAZAAR", "--kind", "revenue", "--name-kk", "Базар алымы",
        "--name-ru", "Рыночный сбор", "--name-en", "Bazaar fees", "--user", "admin",
    )  # fmt: skip
    assert code == 0, err
    assert out == "BAZAAR\n"
    assert events(db)[-2:] == [("login", "admin"), ("code.add", "admin")]
    code, _out, err = run.line(
        "record receipt --date 2024-08-01 --amount 700 --category BAZAAR --user clerk"
    )
    assert code == 0, err
    summary = json.loads(run("summary", "--year", "2024", "--json").out)
    assert summary["receipts"]["BAZAAR"] == 700_00
    assert summary["boxes"]["3"] >= 700_00
    code, out, _err = run("code", "list", "--kind", "revenue", "--json")
    listed = {c["code"]: c for c in json.loads(out)}
    assert listed["BAZAAR"] == {
        "id": "BAZAAR",
        "code": "BAZAAR",
        "kind": "revenue",
        "box": 3,
        "name": "Bazaar fees",
        "name_kk": "Базар алымы",
        "name_ru": "Рыночный сбор",
        "name_en": "Bazaar fees",
    }
    assert "TAX-LAND" in listed and "STAFF" not in listed
    assert "Bazaar fees" in run("code", "list").out


def test_creating_commands_print_one_json_object_with_its_id(run: Cli) -> None:
    code, out, err = run(
        "code", "add", "ROOF-REPAIR", "--kind", "expenditure", "--name", "Roof", "--json",
        "--user", "admin",
    )  # fmt: skip
    assert code == 0, err
    made = json.loads(out)
    assert made["id"] == "ROOF-REPAIR" and made["kind"] == "expenditure" and made["box"] == 6
    code, out, err = run(
        "user", "add", "dana", "--role", "auditor", "--json", "--user", "admin",
        new_password="dana-password-1",
    )  # fmt: skip
    assert code == 0, err
    made = json.loads(out)
    assert isinstance(made["id"], int) and made["name"] == "dana" and made["role"] == "auditor"
    code, out, err = run("fund", "add", "SCHOOL", "--name", "School", "--json", "--user", "admin")
    assert code == 0, err
    assert json.loads(out)["id"] == "SCHOOL"


@pytest.mark.parametrize(
    ("user", "args", "message"),
    [
        # user set-role
        ("clerk", ["user", "set-role", "member", "chair"], "may not manage users"),
        ("admin", ["user", "set-role", "nobody", "chair"], "There is no user named nobody"),
        ("admin", ["user", "set-role", "member", "treasurer"], "Unknown role 'treasurer'"),
        ("admin", ["user", "set-role", "admin", "clerk"], "at least one active administrator"),
        ("admin", ["user", "set-role", "", "clerk"], "NAME is required"),
        ("admin", ["user", "set-role", "member", ""], "Unknown role ''"),
        # user disable / enable
        ("clerk", ["user", "disable", "member"], "may not manage users"),
        ("admin", ["user", "disable", "admin"], "cannot disable your own account"),
        ("admin", ["user", "disable", "nobody"], "There is no user named nobody"),
        ("admin", ["user", "disable", " "], "NAME is required"),
        ("chair", ["user", "enable", "member"], "may not manage users"),
        ("admin", ["user", "enable", "nobody"], "There is no user named nobody"),
        # user password (the new one from RURALCOUNCIL_NEW_PASSWORD: "short" or none)
        ("clerk", ["user", "password"], "at least 10 characters"),
        ("member", ["user", "password", "--no-new"], "RURALCOUNCIL_NEW_PASSWORD"),
        # settings set
        ("clerk", ["settings", "set", "village_name", "Other"], "may not change the village"),
        ("admin", ["settings", "set", "nope", "1"], "Unknown setting 'nope'"),
        ("admin", ["settings", "set", "", "1"], "KEY is required"),
        ("admin", ["settings", "set", "village_name", ""], "Enter the name of the village"),
        ("admin", ["settings", "set", "variance_minimum_tiyn", "12x"], "whole number"),
        ("admin", ["settings", "set", "variance_minimum_tiyn", ""], "limit in tiyn"),
        ("admin", ["settings", "set", "council_kind", "custom"], "needs its own name"),
        ("admin", ["settings", "set", "council_kind", "parliament"], "Unknown kind of council"),
        # code add
        ("clerk", ["code", "add", "BAZAAR", "--kind", "revenue", "--name", "x"], "may not"),
        ("admin", ["code", "add", "TAX-LAND", "--kind", "revenue", "--name", "x"], "in use"),
        ("admin", ["code", "add", "GENERAL", "--kind", "revenue", "--name", "x"], "in use"),
        ("admin", ["code", "add", "BAZAAR", "--kind", "gift", "--name", "x"], "Unknown kind"),
        ("admin", ["code", "add", "BAZAAR", "--kind", "", "--name", "x"], "Unknown kind"),
        ("admin", ["code", "add", "BAZAAR", "--kind", "revenue"], "Give it a name"),
        ("admin", ["code", "add", "BAZAAR", "--kind", "revenue", "--name", " "], "a name"),
        ("admin", ["code", "add", "", "--kind", "revenue", "--name", "x"], "capital Latin"),
        ("admin", ["code", "add", "bazaar", "--kind", "revenue", "--name", "x"], "capital Latin"),
    ],
)
def test_refusals_of_the_new_commands_write_nothing(
    run: Cli, db: Path, user: str, args: list[str], message: str
) -> None:
    new_password: str | None = "short"
    if "--no-new" in args:
        args, new_password = [a for a in args if a != "--no-new"], None
    before = (chain_state(db), events(db))
    code, out, err = run(*args, "--user", user, new_password=new_password)
    assert code == 2
    assert out == ""
    assert message in err
    assert nothing_written(db, before)


@pytest.mark.parametrize(
    "args",
    [
        ["user", "set-role", "member", "chair", "--user", "admin"],
        ["user", "disable", "member", "--user", "admin"],
        ["user", "enable", "member", "--user", "admin"],
        ["user", "password", "--user", "clerk"],
        ["settings", "set", "village_name", "Other", "--user", "admin"],
        ["code", "add", "BAZAAR", "--kind", "revenue", "--name", "x", "--user", "admin"],
    ],
)
def test_a_wrong_password_records_only_the_failed_login(
    run: Cli, db: Path, args: list[str]
) -> None:
    entries, _digest = chain_state(db)
    transactions, signatures = count(db, "transactions"), count(db, "signatures")
    name = args[args.index("--user") + 1]
    code, out, err = run(*args, user="not-the-password", new_password="a-new-password-1")
    assert code == 2 and out == ""
    assert "Wrong user name or password" in err
    assert chain_after(db, entries) == [("event", None, False)]
    assert events(db)[-1] == ("login.failed", name)
    assert (count(db, "transactions"), count(db, "signatures")) == (transactions, signatures)


def test_the_new_commands_in_a_subprocess(db: Path) -> None:
    """As a script runs them: the password from the environment, no terminal."""
    done = run_process("--db", str(db), "settings", "list", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["key"] == "village_name"
    done = run_process(
        "--db", str(db), "code", "add", "TOURISM-TAX", "--kind", "revenue", "--name", "Tourist tax",
        "--user", "admin", password=ADMIN_PASSWORD,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "TOURISM-TAX\n"
    done = run_process(
        "--db", str(db), "user", "password", "--user", "chair", password=PASSWORDS["chair"],
        extra_env={"RURALCOUNCIL_NEW_PASSWORD": "a-chairs-own-password"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    done = run_process("--db", str(db), "user", "disable", "member", "--user", "chair",
                       password="a-chairs-own-password")  # fmt: skip
    assert done.returncode == 2 and "may not manage users" in done.stderr
    done = run_process("--db", str(db), "verify", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["ok"] is True


@pytest.mark.parametrize(
    "args",
    [
        ["summary", "--year", "2024", "--json"],
        ["ledger", "--year", "2024", "--json"],
        ["settings", "list", "--json"],
        ["code", "list"],
        ["verify"],
        ["--help"],
    ],
)
def test_reading_commands_stay_light(db: Path, args: list[str]) -> None:
    """DESIGN §3: Qt, reportlab, pyqtgraph and numpy load only when needed, and a command
    that reads never needs them (old PCs start them slowly)."""
    code = (
        "import contextlib, io, json, sys\n"
        "from ruralcouncil.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    status = main(['--lang', 'en', '--db', {str(db)!r}, *{args!r}])\n"
        "heavy = {'PySide6', 'shiboken6', 'pyqtgraph', 'reportlab', 'numpy'}\n"
        "print(json.dumps([status, sorted(heavy & {m.split('.')[0] for m in sys.modules})]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [0, []]


# --- internal errors and interruptions ---------------------------------------------------


def test_internal_error_exits_70_never_1(run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from ruralcouncil.reports import statements

    def broken(conn: sqlite3.Connection, year: int) -> Any:
        raise RuntimeError("something unforeseen")

    monkeypatch.setattr(statements, "year_summary", broken)
    code, out, err = run("summary", "--year", "2024", "--json")
    assert code == 70
    assert out == ""
    assert "internal error" in err and "something unforeseen" in err
    log = paths.data_dir() / "logs" / "cli-errors.log"
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_internal_error_in_a_writer_writes_nothing(
    run: Cli, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kw: Any) -> int:
        raise ValueError("bug")

    monkeypatch.setattr(journal, "reverse", broken)
    before = chain_state(db)
    code, _out, err = run("reverse", "3", "--reason", "x", "--user", "admin")
    assert code == 70 and "internal error" in err
    assert chain_state(db) == before


def test_interrupted_exits_130(run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: Any, **kw: Any) -> Any:
        raise KeyboardInterrupt

    from ruralcouncil.ledger import verify

    monkeypatch.setattr(verify, "verify", interrupted)
    code, _out, err = run("verify")
    assert code == 130 and "Interrupted" in err


# --- smoke test --------------------------------------------------------------------------


def test_smoke_test_in_a_subprocess() -> None:
    app = pytest.importorskip("ruralcouncil.gui.app")
    pytest.importorskip("ruralcouncil.reports.summary_pdf")
    if not hasattr(app, "build_main_window_for_smoke_test"):
        pytest.skip("the main window is not built yet")
    done = run_process("--smoke-test", extra_env={"QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    pdf = Path(done.stdout.strip().splitlines()[-1])
    try:
        assert pdf.exists()
        assert pdf.read_bytes().startswith(b"%PDF")
    finally:
        shutil.rmtree(pdf.parent, ignore_errors=True)


def test_smoke_test_fails_when_the_chart_cannot_be_drawn(tmp_path: Path) -> None:
    # An installation with a broken pyqtgraph or numpy (a stripped maths library, say) must
    # fail its smoke test, not pass it and break in the village at the first chart.
    pytest.importorskip("ruralcouncil.gui.app")
    broken = tmp_path / "pyqtgraph"
    broken.mkdir()
    (broken / "__init__.py").write_text(
        'raise ImportError("libscipy_openblas: cannot open shared object file")\n',
        encoding="utf-8",
    )
    done = run_process(
        "--smoke-test",
        extra_env={"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"},
    )
    assert done.returncode != 0
    assert "libscipy_openblas" in done.stderr
    assert not done.stdout.strip().endswith(".pdf")


def test_version_is_printed_and_exits_zero(run: Cli) -> None:
    import ruralcouncil

    code, out, err = run("--version")
    assert code == 0 and err == ""
    assert out.strip() == f"ruralcouncil {ruralcouncil.__version__}"
