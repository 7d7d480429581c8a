"""Each printed document in Kazakh, rendered as a PDF reader renders it (poppler, the engine of
most Linux readers; .ci/run installs it): every font it draws with is embedded (the shipped
DejaVu, never a font of the PC that prints it), the page renders without a complaint and
with ink on it, and the glyphs poppler draws map back to the Kazakh letters and ₸ (a missing
glyph would map to nothing or to a box)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from ruralcouncil.ledger.demo import create_demo
from ruralcouncil.ledger.storage import open_ledger
from ruralcouncil.reports.codes import Period

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils is not installed",
)
KAZAKH = "ӘҒҚҢӨҰҮҺІәғқңөұүһі"


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from ruralcouncil.reports.annual_return import render_annual_return
    from ruralcouncil.reports.budget_execution import render_budget_execution
    from ruralcouncil.reports.contributors import render_contributors
    from ruralcouncil.reports.donor_receipt import render_donor_receipt
    from ruralcouncil.reports.minutes import render_minutes_pdf
    from ruralcouncil.reports.poster import render_poster
    from ruralcouncil.reports.summary_pdf import render_summary_pdf
    from ruralcouncil.reports.transparency import render_transparency

    folder = tmp_path_factory.mktemp("rendered")
    path = folder / "demo.ruralcouncil"
    create_demo(path, today=date(2026, 6, 1)).close()
    made = {}
    with open_ledger(path, write=False) as ledger:
        made["transparency"] = render_transparency(
            ledger, Period(2025), folder / "t.pdf", "kk"
        ).path
        made["poster"] = render_poster(ledger, 2025, folder / "p.pdf", "kk").path
        made["annual-return"] = render_annual_return(ledger, 2025, folder / "a.pdf", "kk").path
        made["budget-execution"] = render_budget_execution(
            ledger, Period(2026, quarter=1), folder / "b.pdf", "kk"
        ).path
        render_summary_pdf(ledger.conn, 2025, folder / "s.pdf", "kk")
        made["summary"] = folder / "s.pdf"
        made["donor-receipt"] = render_donor_receipt(ledger, 1, folder / "d.pdf", "kk").path
        made["contributors"] = render_contributors(ledger, 1, folder / "c.pdf", "kk").path
        made["minutes"] = render_minutes_pdf(ledger, 1, folder / "m.pdf", "kk").path
    return made


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(
    "name",
    [
        "transparency",
        "poster",
        "annual-return",
        "budget-execution",
        "summary",
        "donor-receipt",
        "contributors",
        "minutes",
    ],
)
def test_kazakh_letters_and_the_tenge_sign_render_from_embedded_fonts(
    documents: dict[str, Path], name: str, tmp_path: Path
) -> None:
    pdf = documents[name]
    fonts = _run("pdffonts", str(pdf))
    assert fonts.returncode == 0, fonts.stderr
    rows = [line.split() for line in fonts.stdout.splitlines()[2:] if line.strip()]
    assert rows, "the document draws with no font at all"
    for row in rows:
        # name, type…, encoding, emb, sub, uni, object, id: "emb" is the fourth from the end.
        assert row[-5] == "yes", f"{name}: {row[0]} is not embedded"
        assert "DejaVu" in row[0], f"{name}: draws with {row[0]}, not the shipped font"
    image = tmp_path / "page"
    rendered = _run("pdftoppm", "-r", "40", "-gray", "-f", "1", "-l", "1", str(pdf), str(image))
    assert rendered.returncode == 0 and not rendered.stderr.strip(), rendered.stderr
    [png] = list(tmp_path.glob("page*.pgm"))
    pixels = png.read_bytes().split(b"\n", 3)[3]
    assert sum(1 for p in pixels if p < 128) > 500, "the first page rendered blank"
    text = _run("pdftotext", "-enc", "UTF-8", str(pdf), "-")
    assert text.returncode == 0
    assert "₸" in text.stdout
    found = {ch for ch in KAZAKH if ch in text.stdout}
    assert len(found) >= 4, f"{name}: only {sorted(found)} of the Kazakh letters drawn"
    assert "\ufffd" not in text.stdout and "□" not in text.stdout
