"""Read form prints (.txt exports, PDF prints, OCR'd scans) into records, with a report of what was read.

Three layout families are known (domain reference §5): the IFEL "Obiettivi in Comune" print OCR'd (2023), the
SOSE portal PDF print (2024) and the SOSE "SOC22" tabular export (2021). :func:`parse_document` extracts the
text, picks the family and returns a :class:`ParseResult`; documents that are not the form raise ParseError.
"""

from __future__ import annotations

from .dispatch import LAYOUTS, looks_like_relazione, parse_document, parse_text
from .model import ParseReport, ParseResult, Recovery

__all__ = ["LAYOUTS", "ParseReport", "ParseResult", "Recovery", "looks_like_relazione", "parse_document",
           "parse_text"]
