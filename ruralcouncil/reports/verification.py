"""Checking a printed report code against the ledger (DESIGN §4.4, ``verify-report``).

Every kind of coded document registers, here, the one function that reads its figures from a
ledger: the document computes its code from that function's result when it is printed, and a
check computes it again from the ledger *as it was at the code's chain position*
(:mod:`ruralcouncil.ledger.as_at`). The code matches only when the chain still holds the same
hash at that position and the figures read there are the very figures that were printed.

A figures function must be language-free and deterministic (ids, tiyn, ISO dates, names as
stored), and raise ``InvalidInput`` when its subject does not exist in the ledger.

A district report is read from a district store instead (``StoreVerifiable``): its code's
position is the store's state (``loads.state``), its figures are read as the store held them
then, and ``check_store`` checks it. A village's code given a store, or a district's code
given a ledger, is refused with the reason.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ruralcouncil.i18n import _
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.reports.codes import KIND_NAMES, Kind, ReportCode, figures_digest

Figures = Mapping[str, Any]
# (the ledger as at the code's position, the code's subject) -> the document's figures
FiguresSource = Callable[[Ledger, str], Figures]
# the figures -> (what, value) lines in the current language: the totals a person compares
TotalsText = Callable[[Figures], Sequence[tuple[str, str]]]
# the subject -> what the document covered, in the current language ("2026, quarter 3")
CoversText = Callable[[str], str]


@dataclass(frozen=True)
class Verifiable:
    kind: Kind
    figures: FiguresSource
    totals: TotalsText
    covers: CoversText


# (a district store, the code's subject, the store's state) -> (the figures, the hash the
# code stands on)
StoreFiguresSource = Callable[[Any, str, int], tuple[Figures, str]]


@dataclass(frozen=True)
class StoreVerifiable:
    kind: Kind
    figures: StoreFiguresSource
    totals: TotalsText
    covers: CoversText


_REGISTRY: dict[Kind, Verifiable] = {}
_STORE_REGISTRY: dict[Kind, StoreVerifiable] = {}
# The kinds read from a district store, and the module that registers them (imported only
# by a check of such a code: the village program never needs it).
STORE_KINDS = frozenset({Kind.DISTRICT_REPORT})
STORE_MODULES = ("ruralcouncil.reports.district_code",)

# The modules that register a kind when imported: a check imports them all, and nothing else
# needs to (the window and the command line load a report's module only to print it).
MODULES = (
    "ruralcouncil.reports.donor_receipt",
    "ruralcouncil.reports.contributors",
    "ruralcouncil.reports.arrears",
    "ruralcouncil.reports.summary_pdf",
    "ruralcouncil.reports.minutes",
    "ruralcouncil.reports.annual_return",
    "ruralcouncil.reports.transparency",
    "ruralcouncil.reports.poster",
    "ruralcouncil.reports.budget_execution",
)


def register(item: Verifiable) -> Verifiable:
    if item.kind in _REGISTRY and _REGISTRY[item.kind] != item:
        raise ValueError(f"report kind {item.kind} is already registered")
    _REGISTRY[item.kind] = item
    return item


def register_store(item: StoreVerifiable) -> StoreVerifiable:
    if item.kind in _STORE_REGISTRY and _STORE_REGISTRY[item.kind] != item:
        raise ValueError(f"report kind {item.kind} is already registered")
    _STORE_REGISTRY[item.kind] = item
    return item


def registered_store(kind: Kind) -> StoreVerifiable | None:
    """The registration of a kind read from a district store."""
    if kind not in STORE_KINDS:
        return None
    for name in STORE_MODULES:
        importlib.import_module(name)
    return _STORE_REGISTRY.get(kind)


def registered(kind: Kind) -> Verifiable | None:
    """The registration of ``kind``, importing the report modules the first time."""
    _load_all()
    return _REGISTRY.get(kind)


@functools.cache
def _load_all() -> None:
    for name in MODULES:
        importlib.import_module(name)


def totals_text(kind: Kind, figures: Figures) -> list[str]:
    """The totals of a document as lines ("Receipts: 1 234,00 ₸"), for the QR code and the
    check's answer."""
    item: Verifiable | StoreVerifiable | None = registered(kind) or registered_store(kind)
    if item is None:
        return []
    return [f"{what}: {value}" for what, value in item.totals(figures)]


# --- the check -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The answer to ``verify-report``: whether the code matches, and if so what the document
    covered and its totals (for the person holding the paper to compare)."""

    matches: bool
    text: str  # the code as given
    reason: str = ""  # why it does not match; empty when it does
    code: ReportCode | None = None
    document: str = ""  # the kind of document, in the current language
    covers: str = ""
    totals: list[tuple[str, str]] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"matches": self.matches, "code": self.text}
        if self.code is not None:
            found.update(
                kind=self.code.kind.value,
                subject=self.code.subject,
                position=self.code.position,
            )
        if self.matches:
            found.update(
                document=self.document,
                covers=self.covers,
                totals=[{"what": w, "value": v} for w, v in self.totals],
                figures=self.figures,
            )
        else:
            found["reason"] = self.reason
        return found


def _not_a_code(text: str) -> Verdict:
    return Verdict(
        False,
        text,
        _(
            "This is not a report code. A code looks like AR2026-1234-89AB-CDEF-0123-4567: "
            "two letters, what the document covers, the chain position and 16 hexadecimal "
            "digits."
        ),
    )


def check(ledger: Ledger, text: str) -> Verdict:
    """Whether ``text`` is the code of a document this ledger's history can have printed."""
    from ruralcouncil.ledger import as_at
    from ruralcouncil.ledger.errors import LedgerError
    from ruralcouncil.reports.codes import parse_report_code

    code = parse_report_code(text)
    if code is None:
        return _not_a_code(text)
    if code.kind in STORE_KINDS:
        return Verdict(
            False,
            text,
            _(
                "This is the code of a district report: check it against the district "
                "store with --store STORE, not against a village's ledger."
            ),
            code,
        )
    item = registered(code.kind)
    if item is None:
        return Verdict(False, text, _("No document of this program has such a code."), code)
    # A ledger whose records or chain were changed vouches for nothing, whatever it holds at
    # the code's position.
    from ruralcouncil.ledger.verify import verify

    result = verify(ledger.conn)
    if not result.ok:
        return Verdict(
            False,
            text,
            _(
                "This ledger does not verify ({problem}): no printed code can be checked "
                "against it. Run Verify for the whole list of problems."
            ).format(problem=result.problems[0]),
            code,
        )
    try:
        with as_at.ledger_at(ledger, code.position) as then:
            figures = dict(item.figures(then.ledger, code.subject))
            head = then.head
    except LedgerError as exc:
        return Verdict(
            False,
            text,
            _("The code does not match this ledger: {reason}").format(reason=exc),
            code,
        )
    return _compared(
        item,
        code,
        text,
        figures,
        head,
        _(
            "The code does not match this ledger: either the paper was printed from "
            "another ledger, or its figures or the ledger were changed since."
        ),
    )


def check_store(store: Any, text: str) -> Verdict:
    """Whether ``text`` is the code of a district report this store can have printed: its
    figures read again as the store held them at the code's state."""
    from ruralcouncil.ledger.errors import LedgerError
    from ruralcouncil.reports.codes import parse_report_code

    code = parse_report_code(text)
    if code is None:
        return _not_a_code(text)
    item = registered_store(code.kind)
    if item is None:
        return Verdict(
            False,
            text,
            _(
                "This is the code of a village's document: check it against that village's "
                "ledger with --db FILE, not against a district store."
            ),
            code,
        )
    try:
        figures, head = item.figures(store, code.subject, code.position)
    except LedgerError as exc:
        return Verdict(
            False,
            text,
            _("The code does not match this district store: {reason}").format(reason=exc),
            code,
        )
    return _compared(
        item,
        code,
        text,
        figures,
        head,
        _(
            "The code does not match this district store: either the paper was printed "
            "from another store, or its figures or the attention list were changed since."
        ),
    )


def _compared(
    item: Verifiable | StoreVerifiable,
    code: ReportCode,
    text: str,
    figures: Mapping[str, Any],
    head: str,
    mismatch: str,
) -> Verdict:
    """The figures read again against the code's digest: the verdict either way."""
    if figures_digest(code.kind, code.subject, head, figures) != code.digest:
        return Verdict(False, text, mismatch, code)
    return Verdict(
        True,
        text,
        code=code,
        document=_(KIND_NAMES[code.kind]),
        covers=item.covers(code.subject),
        totals=list(item.totals(figures)),
        figures=dict(figures),
    )
