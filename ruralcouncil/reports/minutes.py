"""The minutes of a council meeting as a PDF, produced from what was recorded (issue 8).

The village and council, the date, who sat and who was present, the agenda, then each
resolution: its number, subject and text, every member's vote, whether it passed, who
confirmed the record and what it was used for; lines for the chair's and the secretary's
signatures. The foot of every page carries the report code (DESIGN §4.4: kind MN, the meeting,
the chain position the record was read at, 64 bits over the hash there and what the minutes
say) with a QR code, so the paper can be checked against the ledger (``verify-report``).

Everything is read in one read transaction; reportlab is imported only here, when minutes are
made, and the document is written in its invariant mode (the same record, the same bytes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruralcouncil.i18n import _
from ruralcouncil.ledger import chain, meetings, settings
from ruralcouncil.ledger.collation import sort_key
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.meetings import Meeting, Resolution, Vote
from ruralcouncil.ledger.storage import Ledger, snapshot
from ruralcouncil.reports import verification as checks
from ruralcouncil.reports.codes import Kind, anchor_text, coded_footer, qr_payload, report_code
from ruralcouncil.reports.council_text import (
    member_names,
    outcome_text,
    subject_text,
    use_text,
    vote_text,
)
from ruralcouncil.reports.fonts import BOLD, REGULAR, register_fonts
from ruralcouncil.reports.markup import escape
from ruralcouncil.reports.pdf_file import MM, in_language, write_a4

_MM = MM
_MARGIN = 18 * _MM
_FRAME_PADDING = 6
_GREY = "#e8e8e8"
_LINE = "#9a9a9a"
_VOTE_COLOURS = {
    Vote.FOR: "#1b5e20",
    Vote.AGAINST: "#b71c1c",
    Vote.ABSTAIN: "#555555",
    Vote.RECUSED: "#8a4b00",
    Vote.ABSENT: "#888888",
}


@dataclass(frozen=True)
class MinutesPdf:
    path: Path
    meeting_id: int
    chain_entries: int
    chain_head: str
    code: str  # the report code on every page (verify-report takes it)

    @property
    def anchor(self) -> str:
        return anchor_text(self.chain_entries, self.chain_head)


@dataclass(frozen=True)
class _Record:
    """What the minutes print, read at one moment."""

    meeting: Meeting
    resolutions: list[Resolution]
    names: dict[int, str]
    subjects: dict[int, str]
    village: str
    council: str
    entries: int
    head: str


def _read(ledger: Ledger, meeting_id: int) -> _Record:
    conn = ledger.conn
    with snapshot(conn):
        meeting = meetings.get_meeting(conn, meeting_id)
        found = [
            r
            for r in meetings.resolutions(conn, int(meeting.date[:4]))
            if r.meeting_id == meeting.id
        ]
        entries, head = chain.head(conn)
        return _Record(
            meeting,
            found,
            member_names(ledger),
            {r.id: subject_text(conn, r.subject) for r in found},
            settings.village_name(conn),
            settings.council_name(conn),
            entries,
            head,
        )


def minutes_file_name(ledger: Ledger, meeting_id: int) -> str:
    meeting = meetings.get_meeting(ledger.conn, meeting_id)
    return f"minutes-{meeting.date}.pdf"


def render_minutes_pdf(
    ledger: Ledger, meeting_id: int, path: Path | str, lang: str | None = None
) -> MinutesPdf:
    """Write the minutes of meeting ``meeting_id`` to ``path`` (replacing it)."""
    path = Path(path)
    with in_language(lang):
        register_fonts()
        record = _read(ledger, meeting_id)
        figures = _figures(record)
        code = str(report_code(Kind.MINUTES, str(meeting_id), record.entries, record.head, figures))
        day = shown_date(record.meeting.date)
        write_a4(
            path,
            _story(record, code),
            title=_("{village}: minutes of the meeting of {day}").format(
                village=record.village, day=day
            ),
            author=record.council,
            footer=_footer(record, day, code, checks.totals_text(Kind.MINUTES, figures)),
            margin=_MARGIN,
        )
    return MinutesPdf(path, meeting_id, record.entries, record.head, code)


def _figures(record: _Record) -> dict[str, object]:
    """What the minutes' code vouches for, in no language: the meeting and each resolution
    with every member's vote."""
    m = record.meeting
    return {
        "meeting": m.id,
        "date": m.date,
        "sitting": list(m.sitting),
        "present": list(m.present),
        "secretary": m.secretary_id,
        "chair": m.chair_id,
        "agenda": m.agenda,
        "resolutions": [
            {
                "ref": r.ref,
                "subject": r.subject,
                "text": r.text,
                "passed": r.passed,
                "votes": {str(k): v.value for k, v in sorted(r.votes.items())},
                "confirmed_by": r.confirmed_by,
                "used_for": r.used_for,
            }
            for r in record.resolutions
        ],
    }


# --- the pieces ----------------------------------------------------------------------------


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=REGULAR, fontSize=9.5, leading=12.5)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=16, leading=20),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=11, leading=14),
        "heading": ParagraphStyle(
            "heading",
            base,
            fontName=BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "resolution": ParagraphStyle(
            "resolution",
            base,
            fontName=BOLD,
            fontSize=10.5,
            leading=13,
            spaceBefore=8,
            spaceAfter=2,
            keepWithNext=1,
        ),
        "bold": ParagraphStyle("bold", base, fontName=BOLD),
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=9.5, textColor="#444444"),
        "text": ParagraphStyle("text", base, leftIndent=8, spaceBefore=2, spaceAfter=4),
    }


def _p(text: str, style: Any, colour: str | None = None) -> Any:
    from reportlab.platypus import Paragraph

    # Names and texts print as typed, never as markup; line breaks are kept.
    body = escape(text).replace("\n", "<br/>")
    if colour:
        body = f'<font color="{colour}">{body}</font>'
    return Paragraph(body, style)


def _width() -> float:
    from reportlab.lib.pagesizes import A4

    return float(A4[0]) - 2 * _MARGIN - 2 * _FRAME_PADDING


def _table(rows: list[list[Any]], widths: list[float]) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(_GREY)),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor(_LINE)),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table


def _name(record: _Record, user_id: int | None) -> str:
    if user_id is None:
        return _("(not named)")
    return record.names.get(user_id, str(user_id))


def _story(record: _Record, code: str) -> list[Any]:
    from reportlab.platypus import Spacer

    s = _styles()
    meeting = record.meeting
    present = set(meeting.present)
    sitting = sorted(set(meeting.sitting) | present, key=lambda i: sort_key(_name(record, i)))
    story: list[Any] = [
        _p(record.village, s["title"]),
        _p(record.council, s["subtitle"]),
        Spacer(1, 4 * _MM),
        _p(
            _("Minutes of the meeting of {day}").format(day=shown_date(meeting.date)),
            s["heading"],
        ),
        _p(_("Chair: {name}").format(name=_name(record, meeting.chair_id)), s["base"]),
        _p(_("Secretary: {name}").format(name=_name(record, meeting.secretary_id)), s["base"]),
        _p(
            _("Present: {present} of the {sitting} sitting members.").format(
                present=len(present), sitting=len(meeting.sitting)
            ),
            s["base"],
        ),
        _p(_("Sitting members"), s["heading"]),
    ]
    rows = [[_p(_("Member"), s["bold"]), _p(_("Attendance"), s["bold"])]]
    for user_id in sitting:
        here = user_id in present
        rows.append(
            [
                _p(_name(record, user_id), s["base"]),
                _p(_("Present") if here else _("Absent"), s["base"], None if here else "#888888"),
            ]
        )
    story.append(_table(rows, [_width() * 0.6, _width() * 0.4]))
    story.append(_p(_("Agenda"), s["heading"]))
    story.append(_p(meeting.agenda or _("(no agenda was recorded)"), s["text"]))
    story.append(_p(_("Resolutions"), s["heading"]))
    if not record.resolutions:
        story.append(_p(_("No resolutions were recorded at this meeting."), s["base"]))
    for resolution in record.resolutions:
        story += _resolution(record, resolution, s)
    story += _signatures(record, code, s)
    return story


def _resolution(record: _Record, resolution: Resolution, s: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import KeepTogether

    head = [
        _p(
            _("Resolution {ref}: {subject}").format(
                ref=resolution.ref, subject=record.subjects[resolution.id]
            ),
            s["resolution"],
        ),
        _p(_("Subject: {code}").format(code=resolution.subject), s["small"]),
        _p(resolution.text, s["text"]),
    ]
    rows = [[_p(_("Member"), s["bold"]), _p(_("Vote"), s["bold"])]]
    for user_id, vote in sorted(
        resolution.votes.items(), key=lambda item: sort_key(_name(record, item[0]))
    ):
        rows.append(
            [
                _p(_name(record, user_id), s["base"]),
                _p(vote_text(vote), s["base"], _VOTE_COLOURS[vote]),
            ]
        )
    if resolution.confirmed_by is not None:
        confirmed = _("The record of the votes was confirmed by {name}.").format(
            name=_name(record, resolution.confirmed_by)
        )
    else:
        confirmed = _("Not confirmed yet: it takes effect once another member present confirms.")
    tail = [_p(outcome_text(resolution), s["bold"]), _p(confirmed, s["base"])]
    used = use_text(resolution)
    if used:
        tail.append(_p(_("Used: {use}").format(use=used), s["base"]))
    return [KeepTogether([*head, _table(rows, [_width() * 0.6, _width() * 0.4]), *tail])]


def _signatures(record: _Record, code: str, s: dict[str, Any]) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

    meeting = record.meeting
    gap = 16 * _MM
    half = (_width() - gap) / 2
    secretary = _name(record, meeting.secretary_id) if meeting.secretary_id else ""
    cells = [
        [_p(_("Chair"), s["bold"]), "", _p(_("Secretary"), s["bold"])],
        [Spacer(1, 10 * _MM), "", Spacer(1, 10 * _MM)],
        [_p(_name(record, meeting.chair_id), s["base"]), "", _p(secretary, s["base"])],
    ]
    table = Table(cells, colWidths=[half, gap, half], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                # A line to sign on above each name, the two apart.
                ("LINEBELOW", (0, 1), (0, 1), 0.6, colors.black),
                ("LINEBELOW", (2, 1), (2, 1), 0.6, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    anchor = anchor_text(record.entries, record.head)
    return [
        Spacer(1, 4 * _MM),
        KeepTogether(
            [
                _p(_("Signatures"), s["heading"]),
                table,
                Spacer(1, 6 * _MM),
                _p(
                    _(
                        "Produced from the ledger at position {position} of its hash chain; "
                        "verification code {code}. Anchor: {anchor}"
                    ).format(
                        position=record.entries,
                        code=code,
                        anchor=anchor,
                    ),
                    s["small"],
                ),
            ]
        ),
    ]


def _footer(record: _Record, day: str, code: str, totals: list[str]) -> Any:
    def lines(page: int) -> list[str]:
        return [
            _("{village}, minutes of {day}. Page {page}").format(
                village=record.village, day=day, page=page
            ),
            _("Verification code {code} (chain position {position})").format(
                code=code, position=record.entries
            ),
        ]

    return coded_footer(lines, qr_payload(code, totals), margin=_MARGIN, padding=_FRAME_PADDING)


# --- checking a printed code (verify-report) ---------------------------------------------


def _totals(figures: Mapping[str, Any]) -> list[tuple[str, str]]:
    resolutions = figures["resolutions"]
    passed = [r["ref"] for r in resolutions if r["passed"]]
    return [
        (_("Members present"), str(len(figures["present"]))),
        (_("Resolutions passed"), ", ".join(passed) or "0"),
    ]


def _covers(subject: str) -> str:
    return _("Meeting No. {id}").format(id=subject)


checks.register(
    checks.Verifiable(
        Kind.MINUTES,
        lambda ledger, subject: _figures(_read(ledger, int(subject))),
        _totals,
        _covers,
    )
)
