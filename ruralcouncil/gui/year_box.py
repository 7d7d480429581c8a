"""The year chooser the dashboard, the budget and the meetings pages share."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QComboBox


class YearBox(QComboBox):
    """Years, the latest first; the page refreshes itself when the choice changes."""

    def offer(self, years: Iterable[int], chosen: int) -> None:
        """Offer ``years`` (and ``chosen``, if it is not among them) and choose ``chosen``,
        without telling the page: it refreshes once, after."""
        self.blockSignals(True)
        self.clear()
        for year in sorted({*years, chosen}, reverse=True):
            self.addItem(str(year), year)
        self.setCurrentIndex(max(self.findData(chosen), 0))
        self.blockSignals(False)

    def year(self) -> int | None:
        data = self.currentData()
        return int(data) if data is not None else None

    def choose(self, year: int) -> None:
        index = self.findData(year)
        if index < 0:
            raise ValueError(f"year {year} is not offered")
        self.setCurrentIndex(index)
