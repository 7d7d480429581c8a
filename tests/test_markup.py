"""Text in a PDF's paragraphs is printed as typed, and the pages do not pay for it at start.

``reports.markup.escape`` stands in for ``xml.sax.saxutils.escape``, whose module imports
``urllib.request`` (and with it ``http`` and ``email``): 50 ms on the first visit of any page
that imports a report module, such as Property and leases."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape as standard

from _helpers import fresh_python
from hypothesis import given
from hypothesis import strategies as st

from ruralcouncil.reports.markup import escape


@given(st.text())
def test_escape_is_what_the_standard_library_escapes(text: str) -> None:
    assert escape(text) == standard(text)


def test_a_village_called_a_and_b_prints_as_typed() -> None:
    assert escape('A & B <"Жол"> 5 > 3') == 'A &amp; B &lt;"Жол"&gt; 5 &gt; 3'


def test_no_page_imports_the_web_to_escape_text() -> None:
    code = (
        "import importlib, json, sys\n"
        "from ruralcouncil.gui.main_window import PAGES\n"
        "for spec in PAGES: importlib.import_module(spec.module)\n"
        "print(json.dumps([len(PAGES), sorted(m for m in ('urllib.request', 'http.client',"
        " 'email', 'xml.sax.saxutils') if m in sys.modules)]))\n"
    )
    done = fresh_python(code, QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0, done.stderr
    pages, web = json.loads(done.stdout.strip().splitlines()[-1])
    assert pages >= 15
    assert web == []
