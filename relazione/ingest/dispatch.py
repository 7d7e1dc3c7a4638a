"""Pick the layout family of a document and parse it; refuse documents that are not the form.

A document is a Relazione only if it holds several distinct form codes at line starts and one of the form's
key phrases (domain reference §5.1): an ambito's activity report has "utenti" tables and objectives but no
codes. Among the families, the one whose markers score highest parses the text (§5.5).
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import form
from ..errors import ParseError
from . import ifel, soc22, sose
from .codes import distinct_codes
from .extract import extract_text
from .model import ParseResult
from .text import normalize_text

LAYOUTS = {module.LAYOUT.key: module for module in (ifel, sose, soc22)}
MIN_CODES = 5
# Codes that only the form prints (§5.1): R04–R09, R0A/R0B, M rows and the motivations with R40.
GATE_CODES = frozenset(c for c in form.ALL_CODES if c.startswith("M") or c in ("R0A", "R0B")
                       or (c[1:].isdigit() and (4 <= int(c[1:]) <= 9 or 16 <= int(c[1:]) <= 40)))
_KEY_PHRASES = re.compile(r"quadro|relazione in formato|obiettivi di servizio|fabbisogno standard", re.IGNORECASE)
_WEAK_LAYOUT = 0.25


def looks_like_relazione(text: str) -> bool:
    codes = distinct_codes(text) & GATE_CODES
    return len(codes) >= MIN_CODES and bool(_KEY_PHRASES.search(text))


def scores(text: str) -> dict[str, float]:
    return {key: round(module.detect(text), 3) for key, module in LAYOUTS.items()}


def parse_text(text: str, *, source: str | None = None) -> ParseResult:
    """Parse the text of a print; ``source`` names the document in messages."""
    text = normalize_text(text)
    if not looks_like_relazione(text):
        raise ParseError(f"{source or 'documento'}: nessun modulo SOSE/IFEL riconosciuto")
    by_score = sorted(scores(text).items(), key=lambda kv: kv[1], reverse=True)
    key, score = by_score[0]
    try:
        result = LAYOUTS[key].parse(text)
    except ParseError as exc:
        raise ParseError(f"{source or 'documento'}: {exc}") from None
    except (ValueError, LookupError, ArithmeticError) as exc:  # a print damaged in a way not foreseen
        raise ParseError(f"{source or 'documento'}: lettura non riuscita ({type(exc).__name__}: {exc})") from None
    report = result.report
    if score < _WEAK_LAYOUT or by_score[1][1] == score:
        report.warnings.append(f"impaginazione riconosciuta con incertezza ({key}: {score:.2f})")
    report.source = source
    if source is not None:
        result.record.source = source
    return result


def parse_document(path: str | Path) -> ParseResult:
    """Read a print (.txt or .pdf) into a record with its parse report; raises ParseError (one line, naming
    the file) for unreadable or unrelated documents."""
    return parse_text(extract_text(path), source=str(path))
