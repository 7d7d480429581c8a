"""The council's records in words people read: a resolution's subject, what it was used for,
each member's name. Shared by the minutes PDF and the window's council pages (Qt-free).

A subject is stored in its canonical form (``fund-transfer:GENERAL:ROAD:50000``, DESIGN
§4.2); people read it as a sentence with names and amounts, the code only beside it.
"""

from __future__ import annotations

import sqlite3

from ruralcouncil.i18n import _
from ruralcouncil.ledger import catalog, council
from ruralcouncil.ledger.errors import LedgerError
from ruralcouncil.ledger.meetings import VOTE_NAMES, Resolution, Vote
from ruralcouncil.ledger.money import format_amount, parse_amount
from ruralcouncil.ledger.storage import Ledger
from ruralcouncil.ledger.users import list_users


def member_names(ledger: Ledger) -> dict[int, str]:
    """Every user's name as people know them: the full name, else the user name."""
    return {user.id: user.full_name or user.name for user, _active in list_users(ledger)}


def vote_text(vote: Vote) -> str:
    return _(VOTE_NAMES[vote])


def _fund(conn: sqlite3.Connection, code: str) -> str:
    return next((f.name() or code for f in catalog.funds(conn) if f.code == code), code)


def _amount(text: str) -> str:
    try:
        return format_amount(parse_amount(text))
    except LedgerError:
        return text


def subject_text(conn: sqlite3.Connection, subject: str) -> str:
    """A canonical subject as a sentence: ``budget:2026`` -> "The budget of 2026"."""
    kind, _sep, rest = subject.partition(":")
    parts = rest.split(":") if rest else []
    try:
        if kind == "budget" and len(parts) == 1:
            return _("The budget of {year}").format(year=parts[0])
        if kind == "virement" and len(parts) == 1:
            return _("A virement within the budget of {year}").format(year=parts[0])
        if kind == "governance" and len(parts) == 1:
            return _("Governance of {year}").format(year=parts[0])
        if kind == "request" and len(parts) == 1:
            from ruralcouncil.ledger import spending

            request = spending.get(conn, int(parts[0]))
            return _("Spending request {id}: {amount} to {party} for {purpose}").format(
                id=request.id,
                amount=format_amount(request.amount),
                party=request.party,
                purpose=request.purpose,
            )
        if kind == "donation" and len(parts) == 1:
            return _("Donation {id}").format(id=parts[0])
        if kind == "project" and len(parts) == 1:
            return _("Project {id}").format(id=parts[0])
        if kind == "fund-transfer" and len(parts) == 3:
            return _("Moving {amount} from the fund {source} to the fund {target}").format(
                amount=_amount(parts[2]),
                source=_fund(conn, parts[0]),
                target=_fund(conn, parts[1]),
            )
        if kind == "rules" and len(parts) == 1:
            name, _eq, value = parts[0].partition("=")
            rule = council.Rule(name)
            return _("Council rule: {rule}, {value}").format(
                rule=_(council.RULE_NAMES[rule]), value=council.shown_rule(rule, value)
            )
        if kind == "exemption" and len(parts) == 2:
            return _("Exemption of household {household} for {year}").format(
                household=parts[0], year=parts[1]
            )
        if kind == "loan" and len(parts) == 2:
            party = council.get_party(conn, int(parts[0]))
            return _("A loan of {amount} from {party}").format(
                amount=_amount(parts[1]), party=party.name
            )
        if kind == "other":
            return _("Other business")
    except (LedgerError, ValueError):
        pass
    return subject


def use_text(resolution: Resolution) -> str:
    """What a resolution authorised, once used; empty while unused."""
    if resolution.used_for is None:
        return ""
    action, _sep, record = resolution.used_for.partition(" ")
    if action == "budget.adopt":
        year, _slash, version = record.partition("/")
        return _("Adopted version {version} of the budget of {year}").format(
            version=version, year=year
        )
    if action == "council.set":
        try:
            return _("Set the council rule: {rule}").format(
                rule=_(council.RULE_NAMES[council.Rule(record)])
            )
        except ValueError:
            pass
    if action == "request.approve":
        return _("Approved spending request {id}").format(id=record)
    if action == "fund.transfer":
        return _("Recorded the fund transfer, entry {id}").format(id=record)
    return resolution.used_for


def outcome_text(resolution: Resolution) -> str:
    """Passed or not, and the count: "Passed: 2 for, 1 against, 0 abstained"."""
    counts = {vote: 0 for vote in Vote}
    for vote in resolution.votes.values():
        counts[vote] += 1
    tally = _("{for_} for, {against} against, {abstain} abstained").format(
        for_=counts[Vote.FOR], against=counts[Vote.AGAINST], abstain=counts[Vote.ABSTAIN]
    )
    if resolution.passed:
        return _("Passed ({tally})").format(tally=tally)
    return _("Not passed ({tally})").format(tally=tally)
