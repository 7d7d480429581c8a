"""The chained records of the annual return (DESIGN §2.7, §4.4), registered with ``records``.

Imported by ``records`` itself, like the council's and community money's kinds, so that
``verify`` knows them in every process. Every table only grows: an answer given again, a new
reconciliation or a new version of the return is a new record, and the latest stands.
Who may write each: the chair answers Section 1, approves the reconciliation and finalises;
the clerk (or the administrator) explains variances, reconciles and sets the inspection
period; the internal auditor answers the checklist and signs it.
"""

from __future__ import annotations

from ruralcouncil.ledger.records import RecordKind, register
from ruralcouncil.ledger.roles import Action

GOVERNANCE_ANSWER = register(
    RecordKind(
        "governance_answer",
        "governance_answers",
        "id",
        "id, year, assertion, answer, explanation, resolution_id, date, user_id, created_at",
        Action.CHAIR,
        made_by="user_id",
    )
)
VARIANCE_EXPLANATION = register(
    RecordKind(
        "variance_explanation",
        "variance_explanations",
        "id",
        "id, year, box, text, user_id, created_at",
        Action.PREPARE_RETURN,
        made_by="user_id",
    )
)
RECONCILIATION = register(
    RecordKind(
        "reconciliation",
        "reconciliations",
        "id",
        "id, year, statements, unpresented, unbanked, cash_book, difference, explanation,"
        " user_id, created_at",
        Action.PREPARE_RETURN,
        made_by="user_id",
    )
)
RECONCILIATION_APPROVAL = register(
    RecordKind(
        "reconciliation_approval",
        "reconciliation_approvals",
        "reconciliation_id",
        "reconciliation_id, date, user_id, created_at",
        Action.CHAIR,
        made_by="user_id",
    )
)
AUDIT_ANSWER = register(
    RecordKind(
        "audit_answer",
        "audit_answers",
        "id",
        "id, year, objective, answer, comment, user_id, created_at",
        Action.INTERNAL_AUDIT,
        made_by="user_id",
    )
)
AUDIT_SIGNOFF = register(
    RecordKind(
        "audit_signoff",
        "audit_signoffs",
        "id",
        "id, year, auditor, starts, ends, user_id, created_at",
        Action.INTERNAL_AUDIT,
        made_by="user_id",
    )
)
INSPECTION = register(
    RecordKind(
        "inspection",
        "inspections",
        "id",
        "id, year, starts, ends, place, how, user_id, created_at",
        Action.PREPARE_RETURN,
        made_by="user_id",
    )
)
RETURN_VERSION = register(
    RecordKind(
        "return_version",
        "return_versions",
        "id",
        "id, year, version, digest, reason, date, user_id, created_at",
        Action.CHAIR,
        made_by="user_id",
    )
)
