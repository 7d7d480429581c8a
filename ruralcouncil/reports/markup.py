"""Text set in reportlab's paragraph markup, where ``&``, ``<`` and ``>`` are markup."""

from __future__ import annotations


def escape(text: str) -> str:
    """``text`` printed as typed (a village called "A & B"): what
    ``xml.sax.saxutils.escape`` does, whose module imports ``urllib.request`` and with it the
    ``http`` and ``email`` packages, 50 ms on the way to a page that only imports a report."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
