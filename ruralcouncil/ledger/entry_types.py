"""The four kinds of journal entry and their names: apart from :mod:`journal`, whose import
(the posting rules) the ledger page's first visit need not wait for."""

from __future__ import annotations

from enum import StrEnum

from ruralcouncil.i18n import N_


class EntryType(StrEnum):
    RECEIPT = "receipt"
    PAYMENT = "payment"
    TRANSFER = "transfer"
    OPENING = "opening"


ENTRY_TYPE_NAMES = {
    EntryType.RECEIPT: N_("Receipt"),
    EntryType.PAYMENT: N_("Payment"),
    EntryType.TRANSFER: N_("Transfer"),
    EntryType.OPENING: N_("Opening balance"),
}
