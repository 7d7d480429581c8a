"""Backups and restores through SQLite's backup API (DESIGN §3 "Backups", §4 backup/restore).

A plain file copy of a WAL ledger can miss its latest saved entries, so every copy goes through
the backup API. A backup is written to a temporary name (held locked while it is written, so a
later run can tell a copy abandoned by a killed program and delete it), flushed, renamed, then
opened and verified; a small JSON manifest beside it carries the chain's length and head (the
anchor), so a later copy that was cut short or recomputed can be recognised.

A restore refuses a backup that does not verify, has no active administrator, belongs to
another ledger (unless asked for explicitly), or that the person restoring could not log in
to: the current ledger must never end unreachable. It keeps the current file aside, copies the
backup in through the backup API, and puts the old one back if anything fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ruralcouncil import __version__
from ruralcouncil.i18n import _
from ruralcouncil.ledger import chain, lock, settings, storage, users
from ruralcouncil.ledger.errors import (
    AuthenticationFailed,
    InvalidInput,
    LedgerError,
    LedgerUnavailable,
    OtherLedger,
)
from ruralcouncil.ledger.parse import safe_text, shown
from ruralcouncil.ledger.roles import Action, Role, User, require
from ruralcouncil.ledger.storage import Ledger, open_ledger, snapshot
from ruralcouncil.ledger.verify import verify

Progress = Callable[[int, int], None]

SUFFIX = ".ruralcouncil"
MANIFEST_FORMAT = "ruralcouncil-backup"
# Pages copied per step: small enough for a progress bar to move, large enough to be quick.
_PAGES_PER_STEP = 256

# Kazakh and Russian Cyrillic to ASCII, for file names that every USB stick and PC accepts.
_TRANSLIT = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
    "ё": "yo", "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "қ": "q", "л": "l",
    "м": "m", "н": "n", "ң": "ng", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}  # fmt: skip


@dataclass(frozen=True)
class BackupResult:
    path: Path  # the backup file written
    manifest: Path  # the JSON manifest beside it
    entries: int  # chain length: the anchor's N
    head: str  # chain head hash: the anchor's HEX


@dataclass(frozen=True)
class RestoreResult:
    kept_aside: Path | None  # the ledger as it was; None when there was none to keep
    entries_before: int
    entries_after: int
    warning: str | None  # set when the backup holds fewer chain entries than the ledger had
    user: User | None = None  # the restorer, logged in to the restored ledger


@dataclass(frozen=True)
class BackupInfo:
    """What a verified backup holds."""

    entries: int
    head: str
    ledger: str  # the hash of its first chain entry: which ledger it is a copy of
    village: str
    version: int


def slug(text: str) -> str:
    """An ASCII file-name part for a village name: 'Қызылжар ауылдық округі' -> 'qyzylzhar-...'."""
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())
    ascii_only = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")
    return cleaned[:60].rstrip("-") or "ledger"


def backup_name(village: str, entries: int, head: str, when: datetime) -> str:
    stamp = when.strftime("%Y%m%d-%H%M%S")
    return f"{slug(village)}-{stamp}-e{entries}-{head[:12]}{SUFFIX}"


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")


# --- backup ------------------------------------------------------------------------------


def _usable_path(path: Path | str) -> Path:
    """A path the OS can be asked about: a NUL in it would end in an internal error."""
    if "\0" in str(path):
        raise InvalidInput(
            _("The path {path} contains a NUL character.").format(path=shown(str(path), 80))
        )
    return Path(path)


_PARTIAL = ".partial"


def backup_ledger(
    source: Ledger, dest: Path | str, progress: Progress | None = None
) -> BackupResult:
    """Copy the ledger to ``dest`` (a new file, or an existing folder such as a USB stick).

    Read-only for the source, so it needs no login. Refuses to overwrite any file.
    """
    dest = _usable_path(dest)
    now = datetime.now()
    # One read transaction: the head we read is the head of the copy we make.
    with snapshot(source.conn):
        entries, head = chain.head(source.conn)
        village = settings.village_name(source.conn)
        target = dest / backup_name(village, entries, head, now) if dest.is_dir() else dest
        _check_destination(target)
        clean_partials(target.parent)
        tmp = target.with_name(f".{target.name}{_PARTIAL}")
        with _Claimed(tmp):
            _copy(source.conn, tmp, progress)
            try:
                _flush(tmp)
                if target.exists():  # something appeared there while we were copying
                    raise InvalidInput(_exists_message(target))
                os.replace(tmp, target)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
    try:
        _flush_folder(target.parent)
        _check_copy(target, entries, head)
        digest = _sha256(target)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise storage.explain(exc, target) or exc from exc
    manifest = manifest_path(target)
    document = {
        "format": MANIFEST_FORMAT,
        "format_version": 1,
        "file": safe_text(target.name),
        "village": village,
        "entries": entries,
        "head": head,
        "anchor": f"{entries}:{head}",
        "created_at": now.astimezone().isoformat(timespec="seconds"),
        "program_version": __version__,
        "size": target.stat().st_size,
        "sha256": digest,
    }
    try:
        _write_text(manifest, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        raise LedgerUnavailable(
            _(
                "The backup {path} was written and verified, but its manifest could not be "
                "written: {error}"
            ).format(path=target, error=exc.strerror or exc)
        ) from exc
    return BackupResult(path=target, manifest=manifest, entries=entries, head=head)


class _Claimed:
    """Holds an OS lock on a temporary file while it is written, so that a later run can tell
    a file still being written from one left behind by a program that was killed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def __enter__(self) -> _Claimed:
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise storage.explain(exc, self.path.parent) or exc from exc
        lock.try_lock(self.fd)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            lock.unlock(self.fd)
            os.close(self.fd)
            self.fd = None


def clean_partials(folder: Path) -> list[Path]:
    """Delete what killed backups left in ``folder``: ``.NAME.partial`` files that no running
    copy of the program holds. Returns what was deleted."""
    removed: list[Path] = []
    try:
        candidates = [
            p
            for p in folder.iterdir()
            if p.name.startswith(".") and p.name.endswith((SUFFIX + _PARTIAL, ".json" + _PARTIAL))
        ]
    except OSError:
        return removed
    for path in candidates:
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            continue
        try:
            if not lock.try_lock(fd):
                continue  # another copy of the program is writing it right now
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass
            lock.unlock(fd)
        finally:
            os.close(fd)
    return removed


def _exists_message(path: Path) -> str:
    return _("{path} already exists; a backup never overwrites a file.").format(path=path)


def _check_destination(target: Path) -> None:
    folder = target.parent
    if target.exists() or manifest_path(target).exists():
        raise InvalidInput(_exists_message(target if target.exists() else manifest_path(target)))
    if not folder.is_dir():
        raise LedgerUnavailable(
            _("The folder {folder} does not exist. Is the USB stick plugged in?").format(
                folder=folder
            )
        )
    if not os.access(folder, os.W_OK):
        raise LedgerUnavailable(
            _("The folder {folder} is read-only: the backup cannot be written there.").format(
                folder=folder
            )
        )


def _copy(source: sqlite3.Connection, tmp: Path, progress: Progress | None) -> None:
    """Copy through the backup API into a single self-contained file (no -wal needed)."""
    try:
        target = sqlite3.connect(tmp, isolation_level=None)
        try:
            source.backup(target, pages=_PAGES_PER_STEP, progress=_adapt(progress))
            # The copy inherits WAL from the ledger; a file carried on a stick must stand alone.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        fault = storage.explain(exc, tmp.parent)
        raise LedgerUnavailable(
            _("The backup could not be written to {path}: {error}").format(
                path=tmp.parent, error=fault or exc
            )
        ) from exc


def _adapt(progress: Progress | None) -> Callable[[int, int, int], None] | None:
    if progress is None:
        return None

    def step(_status: int, remaining: int, total: int) -> None:
        progress(total - remaining, total)

    return step


def _check_copy(path: Path, entries: int, head: str) -> None:
    """Open the written copy as a ledger and verify it; delete it if it is not right."""
    problems: list[str] = []
    try:
        copy = open_ledger(path, write=False, purpose="backup check", legacy=True)
    except LedgerError as exc:
        problems.append(str(exc))
    else:
        try:
            result = verify(copy.conn)
            problems += result.problems
            if (result.entries, result.head) != (entries, head):
                problems.append(
                    _(
                        "the copy ends at chain position {found}, the ledger at chain position "
                        "{expected}"
                    ).format(found=result.entries, expected=entries)
                )
            mode = str(copy.conn.execute("PRAGMA journal_mode").fetchone()[0])
            if mode.lower() == "wal":
                problems.append(_("the copy still needs its -wal file"))
        finally:
            copy.close()
    if problems:
        path.unlink(missing_ok=True)
        for extra in ("-wal", "-shm", "-journal"):
            path.with_name(path.name + extra).unlink(missing_ok=True)
        raise LedgerUnavailable(
            _("The backup was written but failed its check, so it was deleted: {problems}").format(
                problems="; ".join(problems[:5])
            )
        )


def _flush(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _flush_folder(folder: Path) -> None:
    """Make the rename itself survive a power cut; not every OS or file system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}{_PARTIAL}")
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _flush_folder(path.parent)


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


# --- restore -----------------------------------------------------------------------------


def check_backup(source: Path | str) -> BackupInfo:
    """Refuse anything that is not a whole, verified RuralCouncil ledger with an active
    administrator; returns what it holds."""
    source = Path(source)
    backup = open_ledger(source, write=False, purpose="restore check", legacy=True)
    try:
        quick = [str(r[0]) for r in backup.conn.execute("PRAGMA quick_check")]
        if quick != ["ok"]:
            raise LedgerUnavailable(
                _("{path} is damaged, so it was not restored: {problems}").format(
                    path=source, problems="; ".join(quick[:3])
                )
            )
        anchor = _manifest_anchor(source)
        result = verify(backup.conn, anchor=anchor)
        if not result.ok:
            raise LedgerUnavailable(
                _("{path} does not pass verification, so it was not restored: {problems}").format(
                    path=source, problems="; ".join(result.problems[:5])
                )
            )
        try:
            administrators = users.active_administrators(backup)
        except LedgerUnavailable:
            # Its users cannot be read from a signed chain (an empty file has none): nobody
            # could log in. Say that, not that "the ledger" is broken, which the person
            # restoring would take for the one they have open.
            administrators = []
        if not administrators:
            raise LedgerUnavailable(
                _(
                    "{path} has no active administrator who could log in, so nobody could use "
                    "the ledger after a restore; it was not restored."
                ).format(path=source)
            )
        return BackupInfo(
            entries=result.entries,
            head=result.head,
            ledger=result.ledger,
            village=settings.village_name(backup.conn),
            version=backup.version,
        )
    finally:
        backup.close()


def _manifest_anchor(backup: Path) -> tuple[int, str] | None:
    """The anchor recorded beside a backup when it was made, if its manifest is there."""
    try:
        document = json.loads(manifest_path(backup).read_text(encoding="utf-8"))
        entries, head = int(document["entries"]), str(document["head"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (entries, head) if entries > 0 else None


def _refuse_unless_restorer_can_log_in(source: Path, name: str, password: str) -> None:
    """The person restoring must be an administrator of the backup, with this password: they
    are then sure to get back in after the restore."""
    backup = open_ledger(source, write=False, purpose="restore check", legacy=True)
    try:
        role = users.check_credentials(backup, name, password)
    finally:
        backup.close()
    if role != Role.ADMIN:
        raise AuthenticationFailed(
            _(
                "You could not log in to the ledger in {path} as an administrator with your "
                "password (the account is missing there, disabled, not an administrator, or "
                "had another password then), so you would be locked out after the restore. "
                "Nothing was restored; ask an administrator of that backup to restore it."
            ).format(path=source)
        )


def restore_ledger(
    current: Ledger,
    user: User,
    source: Path | str,
    password: str,
    progress: Progress | None = None,
    *,
    other_village: bool = False,
) -> RestoreResult:
    """Replace the open ledger's content with the backup ``source`` (administrators only).

    ``password`` is the restorer's own: they must be able to log in to the backup. A backup of
    another ledger (another village, or a ledger made anew) needs ``other_village``.
    """
    require(user, Action.RESTORE)
    source = _usable_path(source)
    if current.read_only:
        raise LedgerUnavailable(_("This ledger was opened read-only."))
    if source.exists() and current.path.exists() and source.samefile(current.path):
        raise InvalidInput(_("{path} is the ledger itself, not a backup.").format(path=source))
    info = check_backup(source)
    own = chain.first_hash(current.conn)
    if info.ledger != own and not other_village:
        ours = settings.village_name(current.conn)
        raise OtherLedger(
            _(
                "{path} is a backup of another ledger ({village}), not of this one ({own}). "
                "Nothing was restored. To replace this ledger with it, confirm that you mean "
                "another village's ledger (--other-village)."
            ).format(path=source, village=info.village, own=ours),
            info.village,
            ours,
        )
    _refuse_unless_restorer_can_log_in(source, user.name, password)
    entries_before = chain.head(current.conn)[0]

    kept_aside = _keep_aside(current)
    backup = open_ledger(source, write=False, purpose="restore", legacy=True)
    try:
        try:
            backup.conn.backup(current.conn, pages=_PAGES_PER_STEP, progress=_adapt(progress))
        except sqlite3.Error as exc:
            _put_back(current, kept_aside)
            raise LedgerUnavailable(
                _("The restore failed and the ledger was put back as it was: {error}").format(
                    error=storage.explain(exc, current.path) or exc
                )
            ) from exc
    finally:
        backup.close()

    current.conn.execute("PRAGMA journal_mode = WAL")
    current.version = int(current.conn.execute("PRAGMA user_version").fetchone()[0])
    result = verify(current.conn)
    if not result.ok or (result.entries, result.head) != (info.entries, info.head):
        _put_back(current, kept_aside)
        raise LedgerUnavailable(
            _(
                "The restored ledger failed its check, so it was put back as it was: {problems}"
            ).format(problems="; ".join(result.problems[:5]) or "?")
        )
    restorer = users.login(current, user.name, password)
    with current.write(restorer) as commit:
        commit.event(
            "restore",
            f"{safe_text(source.name)} entries={info.entries} head={info.head}"
            f" before={entries_before} kept={safe_text(kept_aside.name)}",
        )
    warning = None
    if info.entries < entries_before:
        warning = _(
            "The backup holds fewer chain entries than the ledger had before the restore "
            "(chain entries: {after} in the backup, {before} before): later work is not in it. "
            "The ledger as it was is kept in {path}."
        ).format(after=info.entries, before=entries_before, path=kept_aside)
    return RestoreResult(
        kept_aside=kept_aside,
        entries_before=entries_before,
        entries_after=info.entries,
        warning=warning,
        user=restorer,
    )


def restore_to_new(
    source: Path | str,
    target: Path | str,
    user_name: str,
    password: str,
    progress: Progress | None = None,
) -> RestoreResult:
    """Restore onto a PC that has no ledger yet, such as after a disk failure.

    There is no current ledger to log in to, so the administrator proves who they are with
    their account in the backup itself.
    """
    source, target = _usable_path(source), _usable_path(target)
    if target.exists():
        raise InvalidInput(
            _("{path} already exists; restore into the open ledger instead.").format(path=target)
        )
    info = check_backup(source)
    _refuse_unless_restorer_can_log_in(source, user_name, password)
    _check_destination(target)
    clean_partials(target.parent)
    tmp = target.with_name(f".{target.name}{_PARTIAL}")
    backup = open_ledger(source, write=False, purpose="restore", legacy=True)
    try:
        with _Claimed(tmp):
            _copy(backup.conn, tmp, progress)
            try:
                _flush(tmp)
                os.replace(tmp, target)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
    finally:
        backup.close()
    _flush_folder(target.parent)
    _check_copy(target, info.entries, info.head)
    restored = open_ledger(target, write=True, purpose="restore")
    try:
        restorer = users.login(restored, user_name, password)
        with restored.write(restorer) as commit:
            commit.event(
                "restore", f"{safe_text(source.name)} entries={info.entries} head={info.head}"
            )
    finally:
        restored.close()
    return RestoreResult(
        kept_aside=None, entries_before=0, entries_after=info.entries, warning=None
    )


def _keep_aside(current: Ledger) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = current.path.with_name(f"{current.path.name}.before-restore-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = current.path.with_name(f"{current.path.name}.before-restore-{stamp}-{n}")
    try:
        _copy(current.conn, aside, None)
        _flush(aside)
        _flush_folder(aside.parent)
    except (OSError, LedgerError) as exc:
        aside.unlink(missing_ok=True)
        raise LedgerUnavailable(
            _(
                "The current ledger could not be kept aside, so nothing was restored: {error}"
            ).format(error=exc)
        ) from exc
    return aside


def _put_back(current: Ledger, kept_aside: Path) -> None:
    saved = sqlite3.connect(kept_aside, isolation_level=None)
    try:
        saved.backup(current.conn)
    finally:
        saved.close()
    current.conn.execute("PRAGMA journal_mode = WAL")
    current.version = int(current.conn.execute("PRAGMA user_version").fetchone()[0])


__all__ = [
    "BackupInfo",
    "BackupResult",
    "RestoreResult",
    "backup_ledger",
    "check_backup",
    "clean_partials",
    "restore_ledger",
    "restore_to_new",
]
