"""One writer per ledger: a second copy of the program gets a clear message instead.

The lock is an OS file lock on ``<ledger>.lock``, so it vanishes with the process that held
it: a power cut or a crash never leaves the ledger locked.
"""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import datetime
from pathlib import Path

from ruralcouncil.i18n import _
from ruralcouncil.ledger.errors import LedgerUnavailable


def _who() -> str:
    """``user@host`` for the holder's note, from the environment and ``os.uname``: the
    ``getpass`` and ``socket`` modules would cost every start a few milliseconds for it."""
    user = next(
        (os.environ[k] for k in ("LOGNAME", "USER", "LNAME", "USERNAME") if os.environ.get(k)),
        "?",
    )
    host = os.environ.get("COMPUTERNAME") or (os.uname().nodename if hasattr(os, "uname") else "")
    return f"{user}@{host or '?'}"


class LedgerLock:
    def __init__(self, ledger_path: Path) -> None:
        self.path = ledger_path.with_name(ledger_path.name + ".lock")
        self._fd: int | None = None

    def acquire(self, purpose: str) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not try_lock(fd):
            holder = _read_holder(fd)
            os.close(fd)
            raise LedgerUnavailable(
                _(
                    "The ledger is already open in another copy of RuralCouncil ({holder}). "
                    "Close that copy first; only one copy may write to a ledger at a time."
                ).format(holder=holder or "?")
            )
        self._fd = fd
        info = (
            f"{_who()} pid {os.getpid()} {purpose} {datetime.now().isoformat(timespec='seconds')}"
        )
        # The holder's note sits after the locked first byte, so others can read it.
        try:
            os.lseek(fd, 1, os.SEEK_SET)
            os.write(fd, info.encode("utf-8"))
            os.ftruncate(fd, 1 + len(info.encode("utf-8")))
        except OSError:
            # A full disk: the lock holds without the note, which only helps others say who.
            pass

    def release(self, *, remove: bool = False) -> None:
        """Let go of the lock. ``remove``: also delete the lock file, for a ledger that was
        never made (a refused ``init``), so a refusal leaves nothing behind. The file goes
        while the lock is still held, so no other copy can be holding it then."""
        if self._fd is not None:
            if remove:
                with contextlib.suppress(OSError):
                    self.path.unlink()
            unlock(self._fd)
            os.close(self._fd)
            self._fd = None


def _read_holder(fd: int) -> str:
    try:
        os.lseek(fd, 1, os.SEEK_SET)
        return os.read(fd, 400).decode("utf-8", "replace").strip()
    except OSError:
        return ""


if sys.platform == "win32":
    import msvcrt

    def try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def try_lock(fd: int) -> bool:
        try:
            # flock belongs to this open file, so it also refuses a second open in the same
            # process, and it is advisory: others can still read the holder's note.
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
