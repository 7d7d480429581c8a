"""The charts of the residents' report and the poster, drawn as vectors with
reportlab.graphics: they print sharp at any size and their words stay text.

Bars run across the page, each named at its left and its amount written at its end, so long
Kazakh and Russian names of revenue sources and programs never have to be slanted or cut to
fit under a column. reportlab is imported inside the functions, only when a chart is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ruralcouncil.reports.fonts import BOLD, REGULAR

INCOME_COLOUR = "#2e7d32"
SPENDING_COLOUR = "#1565c0"
BUDGET_COLOUR = "#cfd8dc"
OVER_COLOUR = "#c62828"  # paid beyond the budget
_TEXT = "#212121"
_GAP = 4.0  # points between a label, its bar and its amount
_LABEL_SHARE = 0.40  # of the width, for the names


def largest(rows: Sequence[tuple[str, int]], keep: int, other: str) -> list[tuple[str, int]]:
    """The ``keep`` largest rows, the rest added up as one row named ``other``."""
    ordered = sorted(rows, key=lambda row: -row[1])
    if len(ordered) <= keep:
        return ordered
    rest = sum(amount for _name, amount in ordered[keep - 1 :])
    return [*ordered[: keep - 1], (other, rest)]


def _label_lines(text: str, width: float, size: float, most: int = 2) -> list[str]:
    """``text`` wrapped to ``width``, at most ``most`` lines, the last cut with an ellipsis."""
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines = simpleSplit(text, REGULAR, size, width) or [""]
    if len(lines) <= most:
        return list(lines)
    last = " ".join(lines[most - 1 :])
    while last and stringWidth(last + "…", REGULAR, size) > width:
        last = last[:-1]
    return [*lines[: most - 1], last.rstrip() + "…"]


ROWS_PER_DRAWING = 12  # a drawing never splits across pages: a long chart is several


def _chunks(rows: Sequence[Any]) -> list[Sequence[Any]]:
    return [rows[i : i + ROWS_PER_DRAWING] for i in range(0, len(rows), ROWS_PER_DRAWING)]


def bar_chart(
    rows: Sequence[tuple[str, int]],
    width: float,
    *,
    value_text: Callable[[int], str],
    colour: str = INCOME_COLOUR,
    font_size: float = 11,
    label_lines: int = 2,
) -> list[Any]:
    """One bar per (name, amount), the longest bar for the largest amount; an amount below
    zero (reversals beyond the period's receipts) gets no bar but its figure. Drawings of at
    most ``ROWS_PER_DRAWING`` bars on one scale, so that a long chart flows over pages."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    texts = [value_text(amount) for _name, amount in rows]
    value_width = max((stringWidth(t, BOLD, font_size) for t in texts), default=0.0)
    top = max((amount for _name, amount in rows), default=0)
    return [
        _bars(part, width, value_text, colour, font_size, value_width, top, label_lines)
        for part in _chunks(rows)
    ]


def _bars(
    rows: Sequence[tuple[str, int]],
    width: float,
    value_text: Callable[[int], str],
    colour: str,
    font_size: float,
    value_width: float,
    top: int,
    label_lines: int,
) -> Any:
    from reportlab.graphics.shapes import Drawing, Rect, String

    leading = font_size * 1.2
    label_width = width * _LABEL_SHARE
    texts = [value_text(amount) for _name, amount in rows]
    bar_room = max(width - label_width - value_width - 3 * _GAP, 10.0)
    labels = [
        _label_lines(name, label_width - _GAP, font_size, label_lines) for name, _amount in rows
    ]
    heights = [len(lines) * leading + font_size * 0.7 for lines in labels]
    height = sum(heights)
    drawing = Drawing(width, height)
    y = height
    for (_name, amount), lines, text, row_height in zip(rows, labels, texts, heights, strict=True):
        middle = y - row_height / 2
        _label(drawing, lines, label_width - _GAP, middle, font_size, leading)
        length = bar_room * amount / top if top > 0 and amount > 0 else 0.0
        bar_height = min(row_height * 0.62, font_size * 1.5)
        if length:
            drawing.add(
                Rect(
                    label_width,
                    middle - bar_height / 2,
                    length,
                    bar_height,
                    fillColor=colour,
                    strokeColor=None,
                )
            )
        drawing.add(
            String(
                label_width + length + _GAP,
                middle - font_size * 0.35,
                text,
                fontName=BOLD,
                fontSize=font_size,
                fillColor=_TEXT,
            )
        )
        y -= row_height
    return drawing


def _label(
    drawing: Any, lines: Sequence[str], right: float, middle: float, size: float, leading: float
) -> None:
    """A bar's name, its lines right-aligned at ``right`` and centred on ``middle``."""
    from reportlab.graphics.shapes import String

    first = middle + (len(lines) - 1) * leading / 2 - size * 0.35
    for n, line in enumerate(lines):
        drawing.add(
            String(
                right,
                first - n * leading,
                line,
                fontName=REGULAR,
                fontSize=size,
                fillColor=_TEXT,
                textAnchor="end",
            )
        )


def budget_chart(
    rows: Sequence[tuple[str, int, int]],
    width: float,
    *,
    value_text: Callable[[int], str],
    legend: tuple[str, str],
    font_size: float = 11,
) -> list[Any]:
    """For each (program, budget, paid): a pale bar for the budget and under it a bar for what
    was paid, red where it went beyond the budget; the legend (over the first drawing) names
    the two. Drawings of at most ``ROWS_PER_DRAWING`` programs on one scale."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    small = font_size * 0.9
    value_width = max(
        (stringWidth(value_text(v), REGULAR, small) for _n, b, p in rows for v in (b, p)),
        default=0.0,
    )
    top = max((max(budget, paid) for _name, budget, paid in rows), default=0)
    return [
        _budget_bars(part, width, value_text, None if n else legend, font_size, value_width, top)
        for n, part in enumerate(_chunks(rows))
    ]


def _budget_bars(
    rows: Sequence[tuple[str, int, int]],
    width: float,
    value_text: Callable[[int], str],
    legend: tuple[str, str] | None,
    font_size: float,
    value_width: float,
    top: int,
) -> Any:
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.pdfbase.pdfmetrics import stringWidth

    leading = font_size * 1.2
    small = font_size * 0.9
    label_width = width * _LABEL_SHARE
    texts = [(value_text(budget), value_text(paid)) for _name, budget, paid in rows]
    bar_room = max(width - label_width - value_width - 3 * _GAP, 10.0)
    labels = [_label_lines(name, label_width - _GAP, font_size) for name, _b, _p in rows]
    bar_height = small * 1.15
    heights = [max(len(lines) * leading, 2 * bar_height + 2) + font_size * 0.9 for lines in labels]
    legend_height = leading * 1.6 if legend else 0.0
    height = sum(heights) + legend_height
    drawing = Drawing(width, height)
    # The legend: a swatch and a word for each kind of bar.
    x = label_width
    for text, colour in zip(legend or (), (BUDGET_COLOUR, SPENDING_COLOUR), strict=False):
        drawing.add(Rect(x, height - leading, small, small, fillColor=colour, strokeColor=None))
        drawing.add(
            String(x + small + _GAP, height - leading, text, fontName=REGULAR, fontSize=small)
        )
        x += small + 2 * _GAP + stringWidth(text, REGULAR, small) + 4 * _GAP
    y = height - legend_height
    for (_name, budget, paid), lines, (budget_text, paid_text), row_height in zip(
        rows, labels, texts, heights, strict=True
    ):
        middle = y - row_height / 2
        _label(drawing, lines, label_width - _GAP, middle, font_size, leading)
        for amount, text, colour, bottom in (
            (budget, budget_text, BUDGET_COLOUR, middle + 1),
            (paid, paid_text, SPENDING_COLOUR, middle - 1 - bar_height),
        ):
            length = bar_room * amount / top if top > 0 and amount > 0 else 0.0
            if length:
                drawing.add(
                    Rect(
                        label_width,
                        bottom,
                        length,
                        bar_height,
                        fillColor=colour,
                        strokeColor=None,
                    )
                )
            drawing.add(
                String(
                    label_width + length + _GAP,
                    bottom + bar_height * 0.22,
                    text,
                    fontName=REGULAR,
                    fontSize=small,
                    fillColor=_TEXT,
                )
            )
        if paid > budget and top > 0:
            start = bar_room * max(budget, 0) / top
            drawing.add(
                Rect(
                    label_width + start,
                    middle - 1 - bar_height,
                    bar_room * paid / top - start,
                    bar_height,
                    fillColor=OVER_COLOUR,
                    strokeColor=None,
                )
            )
        y -= row_height
    return drawing
