"""Page fill of the Northwind team report (issue 12, item 9; docs/reports.md#layout).

Every page is rendered to pixels (pypdfium2 when installed, else poppler's ``pdftoppm``) and its
*ink height* measured: the share of the body's height (A4 less the 24 mm top and 22 mm bottom
margins, where the running header and footer sit) between its first and last row with ink. A page
under 25% fails, except the cover, the last page and the last page of a major section (the page
before one where a section starts on a new page: Maturity, Staged roadmap, Business case,
Appendix A).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

MIN_INK_HEIGHT = 0.25
A4_MM = 297.0
TOP_MM, BOTTOM_MM = 24.0, 22.0
#: headings of the sections that start on a new page (the page before may end short)
MAJOR = ("Maturity today and target", "Staged roadmap", "Business case", "Appendix A")
DPI = 30


def _pages_pdfium(pdf: Path) -> list:
    import pypdfium2 as pdfium  # type: ignore[import-not-found]

    doc = pdfium.PdfDocument(str(pdf))
    return [page.render(scale=DPI / 72).to_pil().convert("L") for page in doc]


def _pages_pdftoppm(pdf: Path, tmp: Path) -> list:
    from PIL import Image

    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf), str(tmp / "p")], check=True
    )
    return [Image.open(p).convert("L") for p in sorted(tmp.glob("p-*.png"))]


def render_pages(pdf: Path, tmp: Path) -> list:
    """Every page as a greyscale PIL image; skips naming the missing package."""
    try:
        import pypdfium2  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        if shutil.which("pdftoppm") is None:
            pytest.skip("page fill needs pypdfium2 (pip install pypdfium2) or poppler's pdftoppm")
        pytest.importorskip("PIL", reason="page fill needs Pillow to read pdftoppm's images")
        return _pages_pdftoppm(pdf, tmp)
    return _pages_pdfium(pdf)


def ink_height(image) -> float:
    """Share of the body height between the first and last row holding ink (a pixel < 200)."""
    w, h = image.size
    top, bottom = round(h * TOP_MM / A4_MM), round(h * (1 - BOTTOM_MM / A4_MM))
    px = image.load()
    rows = [y for y in range(top, bottom) if any(px[x, y] < 200 for x in range(0, w, 2))]
    return 0.0 if not rows else (rows[-1] - rows[0] + 1) / (bottom - top)


def test_ink_height_measures_a_half_page():
    from PIL import Image, ImageDraw

    im = Image.new("L", (210, 297), 255)
    ImageDraw.Draw(im).rectangle((30, 24, 180, 24 + 125), fill=0)
    assert ink_height(im) == pytest.approx(0.5, abs=0.02)


@pytest.fixture(scope="module")
def team_pdf(tmp_path_factory) -> Path:
    from assessment.io.engagement import load_engagement
    from assessment.synthetic import northwind
    from questionnaires.catalogue import get_instrument
    from reports import ReportOptions
    from reports.api import render_team_pdf
    from reports.theme import theme_from_data
    from scoring import score_wave
    from scoring.results import ScoreOptions

    inst = get_instrument("customer-centricity@1.1.0")
    rs = northwind("2026-H2", instrument=inst)
    wr = score_wave(inst, rs, ScoreOptions(bootstrap=200, permutations=1000, management_roles=None))
    root = Path(__file__).resolve().parents[1]
    options = ReportOptions(
        theme=theme_from_data({"client": "Northwind Telecom"}),
        engagement=load_engagement(root / "docs" / "examples" / "northwind-engagement.yaml"),
    )
    path = tmp_path_factory.mktemp("fill") / "team.pdf"
    path.write_bytes(render_team_pdf(wr, rs, inst, options))
    return path


def test_no_team_report_page_is_under_a_quarter_full(team_pdf, tmp_path):
    from pypdf import PdfReader

    pages = render_pages(team_pdf, tmp_path)
    texts = [p.extract_text() or "" for p in PdfReader(team_pdf).pages]
    starts = {i for i, t in enumerate(texts) if any(m.lower() in t[:400].lower() for m in MAJOR)}
    allowed = {0, len(pages) - 1} | {i - 1 for i in starts}
    short = [
        (i + 1, round(ink_height(im), 2))
        for i, im in enumerate(pages)
        if i not in allowed and ink_height(im) < MIN_INK_HEIGHT
    ]
    assert not short, f"pages under {MIN_INK_HEIGHT:.0%} ink height (page, share): {short}"
