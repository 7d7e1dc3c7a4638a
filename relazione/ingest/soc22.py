"""Family (c): SOSE tabular export "SOC22" (2021) — one TAB-separated row per field, "Si"/"No" flags.

Structure (domain reference §5.4): "SOC22 - Relazione consuntiva - Obiettivi Sociale:", "DENOMINAZIONE⇥<NOME>",
one unwrapped "code - label⇥value⇥value" row per field with empty cells kept as consecutive TABs, Quadro 3
printed even when not due, the narrative on one line after "R40 - Relazione in formato libero", then
"CODICE DI VERIFICA⇥<code>" and a line of dashes. A PDF of the same export loses the TABs: rows then read like
IFEL ones (label, then values separated by spaces), which the shared reader handles.
"""

from __future__ import annotations

import re

from .. import form
from .builder import Layout
from .common import read_r40, read_spans, span_of, start, title_case
from .fields import scan
from .furniture import Furniture, strip_furniture
from .model import ParseResult

LAYOUT = Layout("soc22", "SOSE, esportazione tabellare SOC22 (2021)", quadro3_always=True, r09_always=True)
DEFAULT_YEAR = 2021

# 2021 Quadro 3 rows: "Numero", "Spesa aggiuntiva", "N° Utenti aggiuntivi (figurativi)" for every row.
QUADRO3_COLUMNS = ("numero", "spesa", "utenti")

FURNITURE = Furniture(lines=(re.compile(r"^soc22 - relazione consuntiva\b.*$"),))
R40_STOPS = (re.compile(r"^codice di verifica\b"), re.compile(r"^-{5,}"))

_MARKERS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"SOC22\s*-\s*Relazione consuntiva", re.IGNORECASE), 0.45),
    (re.compile(r"^DENOMINAZIONE[\t ]", re.MULTILINE), 0.2),
    (re.compile(r"^CODICE DI VERIFICA[\t ]", re.MULTILINE), 0.2),
    (re.compile(r"^CODICE IDENTIFICATIVO[\t ]", re.MULTILINE), 0.1),
    (re.compile(r"^[MR]\d\d[A-E]? - [^\t\n]+\t", re.MULTILINE), 0.3),
    (re.compile(r"\t(?:Si|No)$", re.MULTILINE), 0.15),
)


def detect(text: str) -> float:
    return min(1.0, sum(weight for pattern, weight in _MARKERS if pattern.search(text)))


def columns(code: str, year: int) -> tuple[str, ...]:
    if code in (*form.QUADRO3_CODES, "R15"):
        return QUADRO3_COLUMNS
    fld = form.field_for(code, year)
    return fld.columns_for(year) if fld else ()


_DENOMINAZIONE = re.compile(r"^\s*DENOMINAZIONE[\t ]+(\S.*?)\s*$", re.MULTILINE)
_COVER = re.compile(r"^\s*(?:Città|Comune) di ([A-ZÀ-Ý][\w'’ .-]+?)\s*$", re.MULTILINE)


def comune(text: str) -> str | None:
    m = _DENOMINAZIONE.search(text) or _COVER.search(text)
    return title_case(m.group(1)) if m else None


def parse(text: str) -> ParseResult:
    builder = start(text, LAYOUT, DEFAULT_YEAR)
    builder.comune = comune(text)
    lines = strip_furniture(text.split("\n"), FURNITURE)
    spans = scan(lines, builder.year)
    read_spans(spans, builder.year, builder, columns)
    builder.r40 = read_r40(span_of(spans, "R40"), builder.year, text, R40_STOPS)
    for code in ("R12", "R14"):
        cells = builder.values.get(code)
        if isinstance(cells, dict) and set(cells) == {"utenti"} and cells["utenti"]:
            builder.warn(f"{code}: unico valore nell'ultima colonna; importo o numero di utenti non distinguibili")
    return builder.build()
