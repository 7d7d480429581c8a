"""Refusals the user must see. Each message is already in the user's language."""

from __future__ import annotations


class LedgerError(Exception):
    """An action was refused; nothing was written."""


class InvalidInput(LedgerError):
    """Bad input: a malformed amount or date, an unknown code, a broken rule."""


class Overdraft(InvalidInput):
    """The action would leave a cash account or a fund below zero on some day."""


class ClosedYear(InvalidInput):
    """A posting dated in a closed fiscal year."""


class ImportRejected(InvalidInput):
    """A CSV file was refused as a whole; one message per bad line."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


class OtherLedger(InvalidInput):
    """A restore refused because the backup is of another ledger (another village): the
    person restoring may confirm that they mean it."""

    def __init__(self, message: str, village: str, own_village: str) -> None:
        super().__init__(message)
        self.village = village
        self.own_village = own_village


class AuthenticationFailed(LedgerError):
    """Unknown user, disabled account or wrong password."""


class PermissionDenied(LedgerError):
    """The user's role may not do this."""


class LedgerUnavailable(LedgerError):
    """The file cannot be used as a ledger: missing, not a ledger, too new, locked, read-only."""
