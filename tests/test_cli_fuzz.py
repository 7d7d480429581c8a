"""A property over every command and every text field of the command line (issue 5).

Whatever a person types, or a file holds (random Unicode, NUL, lone surrogates from bytes
that were not UTF-8, numbers far beyond 64 bits, quotes, ``; DROP TABLE x``,
``=HYPERLINK(...)``, very long strings), ``main()``:

- never ends in an internal error: the exit status is 0, 1 or 2, never 70;
- on a refusal (2) says why on standard error and leaves the ledger as it was: the chain
  head and the counts of events, signatures and transactions are unchanged; the only thing
  a refused command may record is a failed login, as one unsigned ``login.failed`` event;
- a command that only reads changes nothing, whatever it prints;
- leaves a ledger that verifies, whatever it did.

Each example runs on a fresh copy of a small prepared ledger. Option values are passed as
``--option=VALUE`` and positionals after ``--``, so that a value starting with a dash
reaches the program instead of stopping at argparse. A login costs a scrypt (~40 ms), so
each command gets a modest number of examples.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ruralcouncil import cli
from ruralcouncil.ledger import backup, chain, journal, users
from ruralcouncil.ledger import settings as settings_module
from ruralcouncil.ledger.setup import init_ledger
from ruralcouncil.ledger.storage import open_ledger
from ruralcouncil.ledger.verify import verify

ADMIN, PASSWORD = "admin", "correct-horse-1"
CLERK, CLERK_PASSWORD = "clerk", "clerk-password-1"
PASSWORDS = {ADMIN: PASSWORD, CLERK: CLERK_PASSWORD}
EXAMPLES = int(os.environ.get("RURALCOUNCIL_FUZZ_EXAMPLES", "30"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written beside the sources; failures print their example
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- what people and files type -----------------------------------------------------------

NASTY = [
    "",
    " ",
    "\0",
    "a\0b",
    "\udcff",
    "\ud800",
    "caf\udce9",
    "; DROP TABLE chain; --",
    "'; DROP TABLE x; --",
    "x'); DELETE FROM users; --",
    '"',
    "'",
    '""',
    "\\",
    '=HYPERLINK("http://x")',
    "=1+1",
    "+1",
    "@SUM(A1)",
    "\n",
    "\r\n",
    "\t",
    "\x7f",
    "\u202e",
    "\ufeff",
    "e\u0301",
    "Қазақстан",
    "ж" * 600,
    "x" * 5000,
    "9" * 400,
    str(2**64),
    str(2**63),
    str(-(2**63)),
    "1e308",
    "NaN",
    "-0",
    "١٢٣",
    "²",
    "0",
    "1,500",
    "1 500",
    "0,500",
    "₸1 500₸",
    "{0}",
    "{user}",
    "%s%n",
    "../../x",
    "COMMIT",
    "PRAGMA writable_schema = 1",
]
any_char = st.characters(exclude_categories=())  # NUL and lone surrogates included
# What a terminal in another encoding, a NUL or a broken file puts inside a value.
NOT_TEXT = ["\0", "\udcff", "\udc80", "\ud800", "\udfff"]
fuzz_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(any_char, max_size=30),
    st.text(st.sampled_from("0123456789.,-+ ₸:"), max_size=24),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.builds(lambda a, b: a + b, st.sampled_from(NASTY), st.text(any_char, max_size=8)),
    st.builds(
        lambda a, bad, b: a + bad + b,
        st.text(max_size=6),
        st.sampled_from(NOT_TEXT),
        st.text(max_size=6),
    ),
)


def env_safe(text: str) -> bool:
    """What an environment variable can hold: no NUL; surrogates only as the bytes that
    were not UTF-8 (U+DC80-U+DCFF, surrogateescape)."""
    return "\0" not in text and all(
        not 0xD800 <= ord(ch) <= 0xDFFF or 0xDC80 <= ord(ch) <= 0xDCFF for ch in text
    )


env_text = fuzz_text.filter(env_safe)
GOOD_NEW_PASSWORD = "a-good-new-password"
# An environment variable's value in a form, never on the command line.
NEW_PASSWORD = "new_password"


class Form(dict[str, str | None]):
    """A command's fields; ``fuzzed`` names the ones replaced by fuzzed text."""

    fuzzed: frozenset[str] = frozenset()


def fuzzed(data: st.DataObject, valid: dict[str, str | None], most: int = 3) -> Form:
    """``valid`` (a right value for each field, None for one left out) with up to ``most``
    fields replaced by fuzzed text. The other fields stay right, so the program gets as far
    as the bad one (a bad amount is not hidden by a bad date); with none replaced, the
    command must succeed, which shows the property is not passed by refusing everything."""
    names = sorted(valid)
    bad = data.draw(st.sets(st.sampled_from(names), max_size=most), label="fuzzed")
    form = Form(valid)
    for name in sorted(bad):
        form[name] = data.draw(env_text if name == NEW_PASSWORD else fuzz_text, label=name)
    form.fuzzed = frozenset(bad)
    return form


def succeeds_unless_fuzzed(form: Form, code: int) -> None:
    if not form.fuzzed:
        assert code == 0, "the valid form must succeed"


def options(form: dict[str, str | None], *names: str) -> list[str]:
    """``--name=value`` for each field given: a value may start with a dash."""
    return [f"--{n.replace('_', '-')}={form[n]}" for n in names if form[n] is not None]


def safe_name(text: str) -> str:
    """A fuzzed file name that stays inside the example's folder."""
    name = text.replace("/", "_").replace("\0", "_")
    return "_" if name in ("", ".", "..") else name[:200]


# --- the ledger each example starts from ---------------------------------------------------


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small ledger (admin, clerk, three entries of 2024), a backup of it, a backup of
    another village and a file that is no ledger at all."""
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "village.ruralcouncil"
    ledger = init_ledger(path, village="Ақсу", admin=ADMIN, password=PASSWORD)
    try:
        admin = users.login(ledger, ADMIN, PASSWORD)
        users.add_user(ledger, admin, CLERK, "clerk", CLERK_PASSWORD)
        for entry in (
            journal.NewEntry(date(2024, 1, 1), journal.EntryType.OPENING, 100_000_00),
            journal.NewEntry(date(2024, 2, 1), journal.EntryType.RECEIPT, 500_00, category="FINES"),
            journal.NewEntry(date(2024, 3, 1), journal.EntryType.PAYMENT, 200_00, category="ROADS"),
        ):
            journal.record(ledger, admin, entry)
        saved = backup.backup_ledger(ledger, folder / "saved.ruralcouncil").path
        ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        ledger.close()
    other = folder / "other.ruralcouncil"
    init_ledger(other, village="Басқа", admin=ADMIN, password=PASSWORD).close()
    junk = folder / "junk.ruralcouncil"
    junk.write_bytes(b"SQLite format 3\0" + b"\xff" * 200)
    return {"ledger": path, "saved": saved, "other": other, "junk": junk}


_counter = itertools.count()
# Stands for the example's own folder in an argument (fuzzed text is never formatted).
FOLDER = "@@FOLDER@@"


class Example:
    """One example's own folder, with a copy of the prepared ledger."""

    def __init__(self, root: Path, prepared: dict[str, Path]) -> None:
        self.folder = root / f"example-{next(_counter)}"
        self.folder.mkdir()
        self.db = self.folder / "village.ruralcouncil"
        shutil.copyfile(prepared["ledger"], self.db)
        self.prepared = prepared


def snapshot(path: Path) -> tuple[Any, ...] | None:
    """(head, events, signatures, transactions); None when there is no ledger there."""
    try:
        if not path.exists():
            return None
    except OSError:  # a fuzzed name too long for the file system: nothing can be there
        return None
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return (
            chain.head(conn),
            conn.execute("SELECT count(*) FROM events").fetchone()[0],
            conn.execute("SELECT count(*) FROM signatures").fetchone()[0],
            conn.execute("SELECT count(*) FROM transactions").fetchone()[0],
        )
    finally:
        conn.close()


def only_a_failed_login(path: Path, before: tuple[Any, ...], after: tuple[Any, ...]) -> bool:
    """The one record a refusal may leave: a single unsigned ``login.failed`` event."""
    (entries, _head), events, signatures, transactions = before
    (entries_after, _h), events_after, signatures_after, transactions_after = after
    if (entries_after, events_after) != (entries + 1, events + 1):
        return False
    if (signatures_after, transactions_after) != (signatures, transactions):
        return False
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT c.kind, c.author, e.event FROM chain c JOIN events e"
            " ON c.kind = 'event' AND c.record = CAST(e.id AS TEXT) WHERE c.seq = ?",
            (entries + 1,),
        ).fetchone()
    finally:
        conn.close()
    return bool(row == ("event", None, "login.failed"))


def check_verifies(path: Path) -> None:
    ledger = open_ledger(path, write=False)
    try:
        result = verify(ledger.conn)
    finally:
        ledger.close()
    assert result.ok, result.problems


@pytest.fixture
def call(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    prepared: dict[str, Path],
) -> Iterator[Any]:
    """Run one command on a fresh copy and check the property; returns the exit status."""

    def run(
        argv: list[str],
        *,
        user: str | None = None,
        new: str | None = None,
        reads_only: bool = False,
        db: Callable[[Example], Path] | None = None,
        lang: str = "en",
        unchanged_ok: bool = False,
    ) -> int:
        example = Example(tmp_path, prepared)
        target = db(example) if db is not None else example.db
        monkeypatch.setenv("RURALCOUNCIL_PASSWORD", PASSWORDS.get(user or "", "wrong-password-1"))
        if new is None:
            monkeypatch.delenv("RURALCOUNCIL_NEW_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("RURALCOUNCIL_NEW_PASSWORD", new)
        filled = [a.replace(FOLDER, str(example.folder)) for a in argv]
        before = snapshot(target)
        capsys.readouterr()
        code = cli.main(["--lang", lang, "--db", str(target), *filled])
        _out, err = capsys.readouterr()
        after = snapshot(target)
        assert code != 70, err
        assert code in (0, 1, 2), (code, err)
        if code == 2:
            assert err.strip(), "a refusal says why on standard error"
            if before is None:
                assert after is None, "a refused init leaves no ledger"
            elif after != before:
                assert after is not None and only_a_failed_login(target, before, after), (
                    err,
                    before,
                    after,
                )
        if reads_only:
            assert after == before
        elif code == 0 and not unchanged_ok:
            assert after is not None and after != before, "a write that succeeds is chained"
        if code == 1:
            assert filled[0] == "verify", "exit 1 is verify's alone"
        if after is not None:
            check_verifies(target)
        shutil.rmtree(example.folder, ignore_errors=True)
        return code

    yield run


# --- the commands ----------------------------------------------------------------------------


@FUZZ
@given(data=st.data(), kind=st.sampled_from(["rural_maslikhat", "local_community", "custom"]))
def test_init(call: Any, data: st.DataObject, kind: str) -> None:
    form = fuzzed(
        data,
        {
            "village": "Ақсу",
            "admin": "admin",
            "full_name": None,
            "council_kind": kind,
            "council_name": "Кеңес" if kind == "custom" else None,
            "file": "new.ruralcouncil",
            NEW_PASSWORD: GOOD_NEW_PASSWORD,
        },
    )
    argv = ["init", *options(form, "village", "admin", "full_name", "council_kind")]
    argv += options(form, "council_name")
    name = safe_name(form["file"] or "")
    succeeds_unless_fuzzed(form, call(argv, new=form[NEW_PASSWORD], db=lambda e: e.folder / name))


CSV_COLUMNS = [
    "date", "type", "amount", "category", "fund", "account", "to_account",
    "counterparty", "description", "reference",
]  # fmt: skip
CSV_ROWS = [
    ["2024-06-01", "receipt", "5", "FINES", "GENERAL", "BANK", "", "Әсел", "rent", "R-1"],
    ["2024-06-02", "payment", "2.50", "ROADS", "", "", "", "ТОО Жол", "gravel", ""],
    ["2024-06-03", "transfer", "1", "", "", "BANK", "CASH", "", "", ""],
]


@FUZZ
@given(
    data=st.data(),
    rows=st.integers(min_value=0, max_value=3),
    quoted=st.booleans(),
    bom=st.booleans(),
    user=st.sampled_from([ADMIN, CLERK]),
)
def test_import_transactions(
    call: Any, data: st.DataObject, rows: int, quoted: bool, bom: bool, user: str
) -> None:
    table = [list(CSV_COLUMNS), *(list(r) for r in CSV_ROWS[:rows])]
    cells = [(r, c) for r in range(len(table)) for c in range(len(CSV_COLUMNS))]
    chosen = data.draw(st.sets(st.sampled_from(cells), max_size=3), label="fuzzed cells")
    for r, c in sorted(chosen):
        table[r][c] = data.draw(fuzz_text, label=f"cell {r + 1}:{c + 1}")

    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if quoted else text

    text = ("\ufeff" if bom else "") + "".join(",".join(map(cell, row)) + "\n" for row in table)
    # Lone surrogates become bytes that are not UTF-8, as in a file saved in another encoding.
    raw = text.encode("utf-8", "surrogatepass")

    def db(example: Example) -> Path:
        (example.folder / "in.csv").write_bytes(raw)
        return example.db

    code = call(
        ["import-transactions", f"--user={user}", "--", FOLDER + "/in.csv"], user=user, db=db
    )
    if rows and not chosen:
        assert code == 0, "a valid file must be imported"


@FUZZ
@given(data=st.data())
def test_user_add(call: Any, data: st.DataObject) -> None:
    form = fuzzed(
        data,
        {
            "name": "newbie",
            "role": "clerk",
            "full_name": None,
            "user": ADMIN,
            NEW_PASSWORD: GOOD_NEW_PASSWORD,
        },
    )
    argv = ["user", "add", *options(form, "role", "full_name", "user"), "--", str(form["name"])]
    succeeds_unless_fuzzed(form, call(argv, user=form["user"], new=form[NEW_PASSWORD]))


@FUZZ
@given(data=st.data())
def test_user_reset_password(call: Any, data: st.DataObject) -> None:
    form = fuzzed(data, {"name": "clerk", "user": ADMIN, NEW_PASSWORD: GOOD_NEW_PASSWORD})
    argv = ["user", "reset-password", *options(form, "user"), "--", str(form["name"])]
    succeeds_unless_fuzzed(form, call(argv, user=form["user"], new=form[NEW_PASSWORD]))


@FUZZ
@given(as_json=st.booleans(), lang=st.sampled_from(["en", "kk", "ru"]))
def test_user_and_fund_list(call: Any, as_json: bool, lang: str) -> None:
    flag = ["--json"] if as_json else []
    assert call(["user", "list", *flag], reads_only=True, lang=lang) == 0
    assert call(["fund", "list", *flag], reads_only=True, lang=lang) == 0


RECORDS: dict[str, dict[str, str | None]] = {
    "receipt": {"category": "FINES", "to_account": None},
    "payment": {"category": "ROADS", "to_account": None},
    "transfer": {"category": None, "to_account": "CASH"},
    "opening": {"category": None, "to_account": None, "account": "CASH"},
}


@FUZZ
@given(data=st.data(), kind=st.sampled_from(sorted(RECORDS)), future=st.booleans())
def test_record(call: Any, data: st.DataObject, kind: str, future: bool) -> None:
    valid: dict[str, str | None] = {
        "type": kind,
        "date": "2024-06-01",
        "amount": "5",
        "fund": None,
        "account": None,
        "counterparty": None,
        "description": None,
        "reference": None,
        "user": CLERK,
        **RECORDS[kind],
    }
    form = fuzzed(data, valid)
    argv = [
        "record",
        *options(form, "date", "amount", "category", "fund", "account", "to_account"),
        *options(form, "counterparty", "description", "reference", "user"),
        *(["--future"] if future else []),
        "--",
        str(form["type"]),
    ]
    succeeds_unless_fuzzed(form, call(argv, user=form["user"]))


@FUZZ
@given(data=st.data(), future=st.booleans())
def test_reverse(call: Any, data: st.DataObject, future: bool) -> None:
    form = fuzzed(data, {"id": "2", "reason": "typo", "date": None, "user": CLERK})
    argv = ["reverse", *options(form, "reason", "date", "user"), *(["--future"] if future else [])]
    argv += ["--", str(form["id"])]
    succeeds_unless_fuzzed(form, call(argv, user=form["user"]))


@FUZZ
@given(data=st.data())
def test_close_year(call: Any, data: st.DataObject) -> None:
    form = fuzzed(data, {"year": "2023", "user": ADMIN})
    argv = ["close-year", *options(form, "user"), "--", str(form["year"])]
    succeeds_unless_fuzzed(form, call(argv, user=form["user"]))


@FUZZ
@given(data=st.data(), restricted=st.booleans())
def test_fund_add(call: Any, data: st.DataObject, restricted: bool) -> None:
    form = fuzzed(
        data,
        {
            "code": "ROOF",
            "name": "Шатыр",
            "name_kk": None,
            "name_ru": None,
            "name_en": None,
            "purpose": None,
            "user": ADMIN,
        },
    )
    argv = [
        "fund",
        "add",
        *options(form, "name", "name_kk", "name_ru", "name_en", "purpose", "user"),
        *(["--restricted"] if restricted else []),
        "--",
        str(form["code"]),
    ]
    succeeds_unless_fuzzed(form, call(argv, user=form["user"]))


@FUZZ
@given(
    data=st.data(),
    command=st.sampled_from(["ledger", "summary"]),
    as_json=st.booleans(),
    lang=st.sampled_from(["en", "kk", "ru"]),
)
def test_ledger_and_summary(
    call: Any, data: st.DataObject, command: str, as_json: bool, lang: str
) -> None:
    form = fuzzed(data, {"year": "2024"})
    argv = [command, *options(form, "year"), *(["--json"] if as_json else [])]
    succeeds_unless_fuzzed(form, call(argv, reads_only=True, lang=lang))


@FUZZ
@given(data=st.data(), as_json=st.booleans())
def test_verify(call: Any, prepared: dict[str, Path], data: st.DataObject, as_json: bool) -> None:
    conn = sqlite3.connect(prepared["ledger"])
    try:
        entries, digest = chain.head(conn)
    finally:
        conn.close()
    anchor = data.draw(
        st.one_of(
            st.just(f"{entries}:{digest}"),
            fuzz_text,
            st.builds(lambda n: f"{n}:{digest}", fuzz_text),
            st.builds(lambda h: f"{entries}:{h}", fuzz_text | st.text("0123456789abcdefABCDEF")),
        ),
        label="anchor",
    )
    code = call(["verify", f"--anchor={anchor}", *(["--json"] if as_json else [])], reads_only=True)
    if anchor == f"{entries}:{digest}":
        assert code == 0  # the prepared ledger is intact, and this is its anchor


@FUZZ
@given(data=st.data(), into_folder=st.booleans())
def test_backup(call: Any, data: st.DataObject, into_folder: bool) -> None:
    form = fuzzed(data, {"name": "copy.ruralcouncil"})
    dest = FOLDER if into_folder else FOLDER + "/" + safe_name(str(form["name"]))
    succeeds_unless_fuzzed(form, call(["backup", "--", dest], reads_only=True))


@FUZZ
@given(
    data=st.data(),
    source=st.sampled_from(["saved", "other", "junk", "missing"]),
    other_village=st.booleans(),
    onto_nothing=st.booleans(),
)
def test_restore(
    call: Any,
    prepared: dict[str, Path],
    data: st.DataObject,
    source: str,
    other_village: bool,
    onto_nothing: bool,
) -> None:
    form = fuzzed(data, {"source": source, "user": ADMIN}, most=2)
    path = prepared.get(str(form["source"]))
    src = str(path) if path is not None else FOLDER + "/" + safe_name(str(form["source"]))
    argv = ["restore", *options(form, "user"), *(["--other-village"] if other_village else [])]
    db = (lambda e: e.folder / "new.ruralcouncil") if onto_nothing else None
    code = call([*argv, "--", src], user=form["user"], db=db)
    if not form.fuzzed and source == "saved":  # its own backup, by its administrator
        assert code == 0


# --- the window's actions on the command line (issue 6) -------------------------------------


@FUZZ
@given(data=st.data())
def test_user_set_role(call: Any, data: st.DataObject) -> None:
    form = fuzzed(data, {"name": CLERK, "role": "auditor", "user": ADMIN})
    argv = ["user", "set-role", *options(form, "user"), "--", str(form["name"]), str(form["role"])]
    succeeds_unless_fuzzed(form, call(argv, user=form["user"]))


@FUZZ
@given(data=st.data(), action=st.sampled_from(["disable", "enable"]))
def test_user_disable_and_enable(call: Any, data: st.DataObject, action: str) -> None:
    form = fuzzed(data, {"name": CLERK, "user": ADMIN})
    argv = ["user", action, *options(form, "user"), "--", str(form["name"])]
    succeeds_unless_fuzzed(form, call(argv, user=form["user"]))


@FUZZ
@given(data=st.data())
def test_user_password(call: Any, data: st.DataObject) -> None:
    form = fuzzed(data, {"user": CLERK, NEW_PASSWORD: GOOD_NEW_PASSWORD})
    argv = ["user", "password", *options(form, "user")]
    succeeds_unless_fuzzed(form, call(argv, user=form["user"], new=form[NEW_PASSWORD]))


# A value each setting accepts that differs from the prepared ledger's (a change is chained).
SETTING_VALUES = {
    "village_name": "Жаңа Ақсу",
    "council_kind": "local_community",
    "council_name": "Ауыл кеңесі",
    "lock_minutes": "5",
}


@FUZZ
@given(data=st.data(), key=st.sampled_from(sorted(SETTING_VALUES)))
def test_settings_set(call: Any, data: st.DataObject, key: str) -> None:
    form = fuzzed(data, {"key": key, "value": SETTING_VALUES[key], "user": ADMIN})
    argv = ["settings", "set", *options(form, "user"), "--", str(form["key"]), str(form["value"])]
    # A value that is the stored one once trimmed or read (" ", "0010000000") changes nothing.
    code = call(argv, user=form["user"], unchanged_ok=bool(form.fuzzed))
    if key in settings_module.DEFAULTS or key == settings_module.VILLAGE_NAME:
        succeeds_unless_fuzzed(form, code)


@FUZZ
@given(data=st.data(), kind=st.sampled_from(["revenue", "expenditure"]))
def test_code_add(call: Any, data: st.DataObject, kind: str) -> None:
    form = fuzzed(
        data,
        {
            "code": "BAZAAR",
            "kind": kind,
            "name": None,
            "name_kk": "Базар алымы",
            "name_ru": None,
            "name_en": None,
            "user": ADMIN,
        },
    )
    argv = [
        "code",
        "add",
        *options(form, "kind", "name", "name_kk", "name_ru", "name_en", "user"),
        "--",
        str(form["code"]),
    ]
    succeeds_unless_fuzzed(form, call(argv, user=form["user"]))


@FUZZ
@given(data=st.data(), as_json=st.booleans(), lang=st.sampled_from(["en", "kk", "ru"]))
def test_settings_and_code_list(call: Any, data: st.DataObject, as_json: bool, lang: str) -> None:
    flag = ["--json"] if as_json else []
    assert call(["settings", "list", *flag], reads_only=True, lang=lang) == 0
    form = fuzzed(data, {"kind": "revenue"})
    code = call(["code", "list", *options(form, "kind"), *flag], reads_only=True, lang=lang)
    succeeds_unless_fuzzed(form, code)
