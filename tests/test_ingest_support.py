"""Shared helpers of the ingest tests: fixture paths, expected records, a PDF writer with a real text layer.

The PDFs are made in the tests from the text fixtures, so the PDF path (pypdf's text layer) is exercised on the
same documents: one page per form feed (more when a page is full), a "Pagina i di n" footer on every page (page
furniture the parser must remove, also inside R40), long lines wrapped as a print would, and TAB-separated
cells (SOC22) drawn as positioned cells, which a text layer gives back separated by spaces, not TABs.
"""

from __future__ import annotations

import json
import re
import textwrap
from difflib import SequenceMatcher
from pathlib import Path

PRINTS = Path(__file__).resolve().parent / "fixtures" / "prints"
EXPECTED = PRINTS / "expected"

# fixture stem -> expected record file (clean and noisy variants describe the same relazione)
FIXTURES = {
    "ifel-2023-clean": "ifel-2023", "ifel-2023-noisy": "ifel-2023",
    "sose-2024-clean": "sose-2024", "sose-2024-noisy": "sose-2024",
    "soc22-2021-clean": "soc22-2021", "soc22-2021-noisy": "soc22-2021",
}

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
)
WRAP = 190  # characters per printed line
FONT_SIZE = 6.0
LINE_MM = 2.9


def fixture_text(stem: str) -> str:
    """The text of a fixture as the parser would decode it (some fixtures are latin-1, some CRLF)."""
    from relazione.ingest.extract import decode

    return decode((PRINTS / f"{stem}.txt").read_bytes())


def expected(stem: str) -> dict:
    return json.loads((EXPECTED / f"{FIXTURES[stem]}.json").read_text(encoding="utf-8"))


def unicode_font() -> str | None:
    return next((p for p in _FONT_CANDIDATES if Path(p).exists()), None)


def write_pdf(text: str, path: Path) -> Path:
    """A PDF whose text layer holds ``text``: pages at form feeds, footers, wrapped lines, TAB cells."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    font = unicode_font()
    if font:
        pdf.add_font("Uni", "", font)
        pdf.set_font("Uni", size=FONT_SIZE)
    else:  # core fonts speak latin-1 only
        pdf.set_font("Helvetica", size=FONT_SIZE)
        text = text.encode("latin-1", "replace").decode("latin-1")
    pages = _paginate(text.replace("\r\n", "\n"), int((pdf.h - 24) / LINE_MM))
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        pdf.text(pdf.w / 2 - 8, pdf.h - 8, f"Pagina {number} di {len(pages)}")
        pdf.set_y(10)
        for line in lines:
            _draw(pdf, line)
            pdf.set_y(pdf.get_y() + LINE_MM)
    pdf.output(str(path))
    return path


def _paginate(text: str, per_page: int) -> list[list[str]]:
    """Printed lines grouped in pages: a new page at each form feed and whenever a page is full."""
    pages: list[list[str]] = []
    for page in text.split("\f"):
        lines = [piece for line in page.split("\n") for piece in _printed_lines(line)]
        pages.extend(lines[k:k + per_page] for k in range(0, max(1, len(lines)), per_page))
    return pages


def _printed_lines(line: str) -> list[str]:
    if "\t" in line or len(line) <= WRAP:
        return [line]
    return textwrap.wrap(line, WRAP, break_long_words=False, break_on_hyphens=False)


def _draw(pdf, line: str) -> None:
    if not line.strip():
        return
    x = 10.0
    if "\t" not in line:
        pdf.text(x + (1.2 if line.startswith(" ") else 0), pdf.get_y(), line)
        return
    for cell in line.split("\t"):  # positioned cells, as a table in a real print
        if cell:
            pdf.text(x, pdf.get_y(), cell)
        x += max(pdf.get_string_width(cell) + 6, 14)


def pdf_of(stem: str, folder: Path) -> Path:
    return write_pdf(fixture_text(stem), folder / f"{stem}.pdf")


# --- comparisons -----------------------------------------------------------------------------------------


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def char_distance(a: str, b: str) -> int:
    """Characters that differ between two texts (whitespace runs count as one space)."""
    a, b = squash(a), squash(b)
    ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")
