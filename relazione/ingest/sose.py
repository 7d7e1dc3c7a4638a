"""Family (b): SOSE portal PDF print (2024) — labels wrapped over lines, values on a line of their own.

Structure (domain reference §5.3): every field is "code - label" wrapped over 1–7 lines, then column titles or
a year/unit line, then one line with all values separated by spaces; R0E/R01B values are sentences ("1
assistente sociale ogni:  N abitanti"). Each page ends with the side-bar title of its quadro (three short
lines), which may fall between a label and its values or inside R40: it is removed before parsing. Quadro 4
prints all four blocks; only the applicable one has "SI"/"NO" lines, the others are not read as NO. The comune
is usually absent from the text and is left empty (R0C/R0D name the ambito, not the comune).
"""

from __future__ import annotations

import re

from .builder import Layout
from .common import printed_columns, read_r40, read_spans, span_of, start
from .fields import scan
from .furniture import Furniture, strip_furniture
from .model import ParseResult

LAYOUT = Layout("sose", "SOSE, stampa PDF del portale (2024)", quadro3_always=False, r09_always=True)
DEFAULT_YEAR = 2024

# 2024 Quadro 3: R10/R11 "Numero", "Modalità di determinazione della spesa aggiuntiva", "Spesa aggiuntiva";
# the other rows only "Spesa aggiuntiva".
QUADRO3_COLUMNS = {"R10": ("numero", "modalita", "spesa"), "R11": ("numero", "modalita", "spesa")}


def _sidebar(*lines: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(line) for line in lines)


FURNITURE = Furniture(sequences=(
    _sidebar(r"quadro\s*1", r"autodiagnosi del", r"numero di utenti serviti"),
    _sidebar(r"quadro\s*2", r"autodiagnosi della", r"spesa per il sociale"),
    _sidebar(r"quadro\s*3", r"obiettivi di servizio\s*(?:20\d\d)?"),
    _sidebar(r"quadro\s*4", r"relazione in formato", r"strutturato"),
))

_SIDEBAR = re.compile(r"^Quadro [1-4]\n(?:Autodiagnosi del|Autodiagnosi della|Obiettivi di servizio|Relazione in "
                      r"formato)", re.MULTILINE | re.IGNORECASE)
_MARKERS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"^Compilare solo se", re.MULTILINE), 0.2),
    (re.compile(r"^Informazioni relative al(?:l'Ambito| Comune)", re.MULTILINE), 0.15),
    (re.compile(r"assistente sociale ogni\s*:", re.IGNORECASE), 0.15),
    (re.compile(r"^OBIETTIVI DI SERVIZIO QUA(?:LI|NTI)TATIVI", re.MULTILINE), 0.1),
    (re.compile(r"^\s*(?:SI|NO)\s*$", re.MULTILINE), 0.1),
    (re.compile(r"^\d[\d,]* \d[\d,]*(?: \d[\d,]*)*$", re.MULTILINE), 0.1),
)


def detect(text: str) -> float:
    score = sum(weight for pattern, weight in _MARKERS if pattern.search(text))
    score += min(0.4, 0.2 * len(_SIDEBAR.findall(text)))
    return min(1.0, score)


columns = printed_columns(QUADRO3_COLUMNS)


def parse(text: str) -> ParseResult:
    builder = start(text, LAYOUT, DEFAULT_YEAR)
    lines = strip_furniture(text.split("\n"), FURNITURE)
    spans = scan(lines, builder.year)
    read_spans(spans, builder.year, builder, columns)
    builder.r40 = read_r40(span_of(spans, "R40"), builder.year, "\n".join(lines))
    return builder.build()
