"""The pages of the report to residents, laid out from its figures (``transparency``): the
money in one view, three charts, the payments over the threshold, donations, projects and the
council's decisions, then the verification code. Large type: 12 points and more.
"""

from __future__ import annotations

from typing import Any

from ruralcouncil.i18n import N_, _
from ruralcouncil.ledger.dates import shown_date
from ruralcouncil.ledger.money import format_amount
from ruralcouncil.reports import charts
from ruralcouncil.reports.codes import Period
from ruralcouncil.reports.fonts import BOLD
from ruralcouncil.reports.pdf_file import MM
from ruralcouncil.reports.period_layout import (
    Words,
    marked,
    page_width,
    para,
    styles,
    table,
    verification_block,
    wrap,
)
from ruralcouncil.reports.transparency import CHAIR, Read

BODY = 12  # points: the smallest type a resident reads in the report's text and tables
_CELL_PAD = 6  # a plain cell's left and right padding together
_DATE_WIDTH = 30 * MM
_AMOUNT_WIDTH = 42 * MM  # "99 999 999,99 ₸" at 12 points, bold, on one line
_APPROVAL_WIDTH = 38 * MM


def story(r: Read, period: Period, code: str, words: Words) -> list[Any]:
    from reportlab.platypus import Spacer

    s = styles(BODY)
    label = period.label
    story: list[Any] = [
        para(r.names.village, s["title"]),
        para(r.names.council, s["subtitle"]),
        Spacer(1, 4 * MM),
        marked(words.markup(N_("Report to residents: {period}"), period=label), s["document"]),
        *_intro(words, s, period),
        marked(words.markup(N_("The money in one view")), s["heading"]),
        _money(r, words, s, period),
        *_where_from(r, words, s),
        *_where_to(r, words, s),
        *_budget(r, words, s, period),
        *_payments(r, words, s),
        *_donations(r, words, s),
        *_projects(r, words, s),
        *_decisions(r, words, s),
        Spacer(1, 4 * MM),
        verification_block(code, r.entries, words, s),
    ]
    return story


def _intro(words: Words, s: dict[str, Any], period: Period) -> list[Any]:
    message = N_(
        "This report shows, in plain figures, how much money the village received in "
        "{period}, what it was spent on, and what the council decided. Every figure comes "
        "from the village's ledger."
    )
    first, second = words.pair(message, period=period.label)
    found = [para(first, s["base"])]
    if second:
        found.append(para(second, s["second"]))
    return found


def _money(r: Read, words: Words, s: dict[str, Any], period: Period) -> Any:
    """Four lines in large type: cash at the start, received, paid out, cash at the end."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Table, TableStyle

    f = r.figures
    big = ParagraphStyle("big", s["amount_bold"], fontSize=BODY * 1.5, leading=BODY * 1.9)
    label = ParagraphStyle("big_label", s["bold"], fontSize=BODY * 1.25, leading=BODY * 1.6)
    day = {"day": lambda: shown_date(period.first_day)}
    end = {"day": lambda: shown_date(period.last_day)}
    rows = [
        (words.markup(N_("Cash at the start ({day})"), **day), f["opening"]),
        (words.markup(N_("(+) Received")), f["receipts"]),
        (words.markup(N_("(−) Paid out")), f["payments"]),
        (words.markup(N_("(=) Cash at the end ({day})"), **end), f["closing"]),
    ]
    cells = [[marked(text, label), para(format_amount(amount), big)] for text, amount in rows]
    result = Table(cells, colWidths=[page_width() - 62 * MM, 62 * MM], hAlign="LEFT")
    result.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#9a9a9a")),
                ("LINEABOVE", (0, -1), (-1, -1), 1, colors.black),
                ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#e8f5e9")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return result


def _chart_rows(r: Read, by_code: dict[str, int]) -> list[tuple[str, int]]:
    return [(r.names.category_one(code), amount) for code, amount in by_code.items()]


def _where_from(r: Read, words: Words, s: dict[str, Any]) -> list[Any]:
    found: list[Any] = [marked(words.markup(N_("Where the money came from")), s["heading"])]
    rows = sorted(_chart_rows(r, r.figures["by_source"]), key=lambda row: -row[1])
    if not rows:
        return [*found, para(_("Nothing was received in this period."), s["base"])]
    chart = charts.bar_chart(
        rows, page_width(), value_text=format_amount, colour=charts.INCOME_COLOUR, font_size=BODY
    )
    return [*found, *chart]


def _where_to(r: Read, words: Words, s: dict[str, Any]) -> list[Any]:
    found: list[Any] = [marked(words.markup(N_("What the money was spent on")), s["heading"])]
    rows = sorted(_chart_rows(r, r.figures["by_program"]), key=lambda row: -row[1])
    if not rows:
        return [*found, para(_("Nothing was paid out in this period."), s["base"])]
    chart = charts.bar_chart(
        rows, page_width(), value_text=format_amount, colour=charts.SPENDING_COLOUR, font_size=BODY
    )
    return [*found, *chart]


def _budget(r: Read, words: Words, s: dict[str, Any], period: Period) -> list[Any]:
    from reportlab.platypus import KeepTogether

    found: list[Any] = [marked(words.markup(N_("The budget against what was paid")), s["heading"])]
    lines = r.figures["budget"]
    if not lines:
        return [
            *found,
            para(_("No budget of {year} was adopted by then.").format(year=period.year), s["base"]),
        ]
    first, second = words.pair(
        N_(
            "For each program: the money the council's budget of {year} gives it, and what "
            "was paid from it from 1 January to {day}."
        ),
        year=period.year,
        day=lambda: shown_date(period.last_day),
    )
    rows = sorted(
        ((r.names.category_one(code), budgeted, paid) for code, budgeted, paid in lines),
        key=lambda row: (-row[1], -row[2]),
    )
    chart = charts.budget_chart(
        rows,
        page_width(),
        value_text=format_amount,
        legend=(_("The budget"), _("Paid")),
        font_size=BODY,
    )
    found.append(para(first, s["base"]))
    if second:
        found.append(para(second, s["second"]))
    # The heading and its words go to the page the chart starts on.
    return [KeepTogether([*found, chart[0]]), *chart[1:]]


def _approval(approval: str | None) -> str:
    if approval is None:
        return _("No spending request")
    if approval == CHAIR:
        return _("The chair, within the limit")
    return _("Resolution {number}").format(number=approval)


def _payments(r: Read, words: Words, s: dict[str, Any]) -> list[Any]:
    f = r.figures
    threshold = format_amount(f["threshold"])
    found: list[Any] = [
        marked(words.markup(N_("Every payment over {amount}"), amount=threshold), s["heading"])
    ]
    first, second = words.pair(
        N_(
            "Each payment of more than {amount}: when, to whom, for what, how much and who "
            "approved it. Smaller payments are in the totals above."
        ),
        amount=threshold,
    )
    found.append(para(first, s["base"]))
    if second:
        found.append(para(second, s["second"]))
    published = f["published"]
    if not published:
        found.append(
            para(_("There was no payment over {amount}.").format(amount=threshold), s["bold"])
        )
        return found
    middle = page_width() - _DATE_WIDTH - _AMOUNT_WIDTH - _APPROVAL_WIDTH
    rows: list[list[Any]] = [
        [
            words.stacked(N_("Date")),
            words.stacked(N_("To whom, for what")),
            words.stacked(N_("Amount")),
            words.stacked(N_("Approved by")),
        ]
    ]
    for number, day, amount, code, payee, purpose, approval, reverses, reversed_by in published:
        if reverses is not None:
            purpose = _("Reversal of payment No. {number}: {purpose}").format(
                number=reverses, purpose=purpose
            )
        elif reversed_by is not None:
            purpose = _("{purpose} (reversed by entry No. {number})").format(
                purpose=purpose, number=reversed_by
            )
        what = "\n".join(part for part in (payee, purpose, r.names.category_one(code)) if part)
        rows.append(
            [
                f"{shown_date(day)}\n№ {number}",
                wrap(what, middle - _CELL_PAD, BODY),
                format_amount(amount),
                wrap(_approval(approval), _APPROVAL_WIDTH - _CELL_PAD, BODY),
            ]
        )
    rows.append(["", _("Total"), format_amount(sum(row[2] for row in published)), ""])
    widths = [_DATE_WIDTH, middle, _AMOUNT_WIDTH, _APPROVAL_WIDTH]
    found.append(table(rows, widths, size=BODY, amounts=[2], total=True))
    return found


def _donations(r: Read, words: Words, s: dict[str, Any]) -> list[Any]:
    found: list[Any] = [marked(words.markup(N_("Donations received")), s["heading"])]
    gifts = r.figures["donations"]
    if not gifts:
        return [*found, para(_("No donation was received in this period."), s["base"])]
    middle = page_width() - _DATE_WIDTH - _AMOUNT_WIDTH
    donor_width = middle * 0.5
    rows: list[list[Any]] = [
        [
            words.stacked(N_("Date")),
            words.stacked(N_("Donor")),
            words.stacked(N_("The gift")),
            words.stacked(N_("Amount or value")),
        ]
    ]
    cash = in_kind = 0
    for _id, day, donor, amount, kind, reversed_, _project in gifts:
        name = donor if donor is not None else _("Anonymous donor")
        if kind:
            gift = _("In kind: {what}").format(what=kind)
            in_kind += amount
        else:
            gift = _("Money")
            if reversed_:
                gift = _("Money (the receipt was reversed)")
            else:
                cash += amount
        rows.append(
            [
                shown_date(day),
                wrap(name, donor_width - _CELL_PAD, BODY),
                wrap(gift, middle - donor_width - _CELL_PAD, BODY),
                format_amount(amount),
            ]
        )
    widths = [_DATE_WIDTH, donor_width, middle - donor_width, _AMOUNT_WIDTH]
    found.append(table(rows, widths, size=BODY, amounts=[3]))
    found.append(
        para(
            _("Received in money: {cash}. Given in kind, valued at: {kind}.").format(
                cash=format_amount(cash), kind=format_amount(in_kind)
            ),
            s["bold"],
        )
    )
    return found


def _projects(r: Read, words: Words, s: dict[str, Any]) -> list[Any]:
    found: list[Any] = [marked(words.markup(N_("Community projects")), s["heading"])]
    listed = r.figures["projects"]
    if not listed:
        return [*found, para(_("No community project collected money in this period."), s["base"])]
    money = 40 * MM
    name_width = page_width() - 3 * money
    rows: list[list[Any]] = [
        [
            words.stacked(N_("Project")),
            words.stacked(N_("Collected")),
            words.stacked(N_("Spent")),
            words.stacked(N_("Left")),
        ]
    ]
    for project_id, title, collected, spent, returned, left in listed:
        name = _("No. {id}: {title}").format(id=project_id, title=title)
        if returned:
            name += "\n" + _("Returned to households or moved: {amount}").format(
                amount=format_amount(returned)
            )
        rows.append(
            [
                wrap(name, name_width - _CELL_PAD, BODY),
                format_amount(collected),
                format_amount(spent),
                format_amount(left),
            ]
        )
    widths = [name_width, money, money, money]
    found.append(table(rows, widths, size=BODY, amounts=[1, 2, 3]))
    return found


def _decisions(r: Read, words: Words, s: dict[str, Any]) -> list[Any]:
    found: list[Any] = [marked(words.markup(N_("The council's decisions")), s["heading"])]
    decided = r.figures["resolutions"]
    if not decided:
        return [*found, para(_("The council took no decision in this period."), s["base"])]
    number_width = 22 * MM
    outcome_width = 40 * MM
    middle = page_width() - number_width - _DATE_WIDTH - outcome_width
    rows: list[list[Any]] = [
        [
            words.stacked(N_("No.")),
            words.stacked(N_("Date")),
            words.stacked(N_("What was decided")),
            words.stacked(N_("Result")),
        ]
    ]
    for ref, day, subject, text, passed in decided:
        what = r.names.subjects.get(subject, subject)
        if subject == "other" or what == subject:
            what = text
        rows.append(
            [
                ref,
                shown_date(day),
                wrap(what, middle - _CELL_PAD, BODY),
                _("Passed") if passed else _("Not passed"),
            ]
        )
    widths = [number_width, _DATE_WIDTH, middle, outcome_width]
    extra = [("FONTNAME", (3, 1), (3, -1), BOLD)]
    found.append(table(rows, widths, size=BODY, extra=extra))
    return found
