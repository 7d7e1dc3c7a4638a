"""Family (a): IFEL "Obiettivi in Comune" print, scanned and OCR'd (2023) — "code | label | value" rows.

Structure (domain reference §5.2): tool header ("OBIETTIVI", "IN COMUNE", the tab bar "SOCIALE = ASILI NIDO =
…"), then Quadro 1 whose upper part ("Interventi e servizi", "Contributi economici") the OCR reads column by
column: all labels M12–M41, the comune in capitals, the column titles, then all values (rebuilt in
:mod:`.ifel_grid`). Everything else is one line per field, "code - label value(s)" with thousands separators;
flags glued to the code with OCR noise ("R21!sI", "R19 (S| |"); R40 wrapped at about 120 characters, followed
by the footer "ATTENZIONE:" / "ASSISTENZA:" with the support-desk contacts.
"""

from __future__ import annotations

import re

from .builder import Layout, RecordBuilder
from .common import printed_columns, read_r40, read_spans, span_of, start, title_case
from .fields import Span, best_hit, scan, trailing_numbers
from .furniture import Furniture, strip_furniture
from .ifel_grid import CONTRIBUTI, FULL_SIZE, INTERVENTI, rebuild
from .labels import is_label_line
from .model import ParseResult
from .text import Number, is_header_line, is_junk, line_matches, numbers_of_line, read_number

LAYOUT = Layout("ifel", "IFEL «Obiettivi in Comune», stampa acquisita con OCR (2023)", quadro3_always=False,
                r09_always=False)
DEFAULT_YEAR = 2023
UPPER_CODES = frozenset(INTERVENTI + CONTRIBUTI)
LOWER_CODES = ("M44", "M47", "M50", "M53", "M56", "M59")

# Quadro 3 as the IFEL tool prints it (inferred: not observed when due): "Numero" and "Spesa aggiuntiva" for
# R10/R11, only "Spesa aggiuntiva" for the others.
QUADRO3_COLUMNS = {"R10": ("numero", "spesa"), "R11": ("numero", "spesa")}

_PAGE_HEADER = (re.compile(r"^obiettivi$"), re.compile(r"^in comune$"),
                re.compile(r"^sociale\s*[=|:-]+\s*asili\s*nido\b.*$"))
FURNITURE = Furniture(
    lines=(*_PAGE_HEADER, re.compile(r"^ifel$"), re.compile(r"^i messaggi di supporto\b.*$"),
           re.compile(r"^solo dopo aver salvato\b.*$")),
    block_start=(re.compile(r"^attenzione\s*:?$"), re.compile(r"^assistenza\s*:?$")),
    block_stop=_PAGE_HEADER,
)

_MARKERS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"^\s*OBIETTIVI\s*$", re.MULTILINE), 0.15),
    (re.compile(r"^\s*IN COMUNE\s*$", re.MULTILINE), 0.15),
    (re.compile(r"SOCIALE\s*[=|:-]+\s*ASILI\s+NIDO", re.IGNORECASE), 0.3),
    (re.compile(r"^\s*(?:ASSISTENZA|ATTENZIONE)\s*:", re.MULTILINE), 0.1),
    (re.compile(r"QUADRO DELLA RELAZIONE IN FORMATO STRUTTURATO|AUTODIAGNOSI DEL NUMERO"), 0.1),
    (re.compile(r"^[\s|!(\[]*R[Oo][\dA-E]\b", re.MULTILINE), 0.15),
    (re.compile(r"\d{1,3}(?:\.\d{3})+,\d+"), 0.1),
)
_COLUMN_TITLE = re.compile(r"utenti\s+serviti|ore\s+di|assistenza|totale\s+annuo|media\s+annua", re.IGNORECASE)
_HEADINGS = ("Comune", "Interventi e servizi", "Contributi economici", "Strutture", "Totale")
_CAPITALS = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý'’ .-]{2,}$")


def detect(text: str) -> float:
    return min(1.0, sum(weight for pattern, weight in _MARKERS if pattern.search(text)))


columns = printed_columns(QUADRO3_COLUMNS)


def parse(text: str) -> ParseResult:
    builder = start(text, LAYOUT, DEFAULT_YEAR)
    lines = strip_furniture(text.split("\n"), FURNITURE)
    upper = _upper_region(lines, builder.year)
    rest = lines[upper[1]:] if upper else lines
    spans = scan(rest, builder.year)
    spans += _orphan_rows(spans, builder.year)
    read_spans(spans, builder.year, builder, columns)
    if upper:
        _read_upper(lines[upper[0]:upper[1]], builder)
    builder.r40 = read_r40(span_of(spans, "R40"), builder.year, "\n".join(lines))
    return builder.build()


# --- Quadro 1, lower part: rows whose code the OCR destroyed ---------------------------------------------


def _orphan_rows(spans: list[Span], year: int) -> list[Span]:
    """Rows of "Strutture" (and R0A) printed without a readable code, found by position and label tail.

    Such a row sits inside the span of the row before it (§5.1: "between M56 and R0A … the tail of its label
    followed by the right number of values"); it becomes a span of its own, marked noisy for the report.
    """
    found = {s.code for s in spans}
    order = (*LOWER_CODES, "R0A")
    out: list[Span] = []
    for span in spans:
        if span.code not in order:
            continue
        following = order[order.index(span.code) + 1:]
        missing = next((c for c in following if c not in found), None)
        if missing is None or any(c in found for c in following[:following.index(missing)]):
            continue
        for k, line in enumerate(span.lines[1:], start=1):
            label = _label_part(line)
            if len(trailing_numbers(line)) >= 2 and label and is_label_line(missing, year, label):
                out.append(Span(missing, "", span.index + k, (line,)))
                found.add(missing)
                break
    return out


def _label_part(line: str) -> str:
    """The words of a row before its values."""
    toks = line.split()
    while toks and (is_junk(toks[-1]) or read_number(toks[-1]) is not None):
        toks.pop()
    return " ".join(toks)


# --- Quadro 1, upper part --------------------------------------------------------------------------------


def _upper_region(lines: list[str], year: int) -> tuple[int, int] | None:
    """(first, end) lines of the column-wise block: from the first M12–M41 label without values to the
    first row-wise line of "Strutture". None when the upper rows carry their own values (a row-wise OCR)."""
    first = end = None
    for i, line in enumerate(lines):
        hit = best_hit(line, year)
        code = hit.code if hit else None
        if first is None and code in UPPER_CODES:
            if len(trailing_numbers(hit.rest)) >= 2:  # type: ignore[union-attr]
                return None
            first = i
        elif first is not None and (code in (*LOWER_CODES, "R0A", "R0B") or line_matches(line, "Strutture")):
            end = i
            break
    if first is None:
        return None
    return first, end if end is not None else len(lines)


def _read_upper(block: list[str], builder: RecordBuilder) -> None:
    year = builder.year
    labels, tail = _split_labels(block, year)
    comune = next((line.strip() for line in tail if _CAPITALS.match(line.strip())
                   and not any(line_matches(line, h) for h in _HEADINGS)), None)
    if comune:
        builder.comune = title_case(comune)
    numbers = _column_values(tail)
    for span in labels:
        if span.noisy:
            builder.recover(span.code, span.raw + span.lines[0][:40], f"codice stampato «{span.raw}» letto come "
                            f"{span.code}")
    if not numbers:
        builder.warn("Quadro 1 (Interventi e servizi, Contributi economici): nessun valore leggibile")
        return
    grid = rebuild([n.value for n in numbers], year, *_upper_sums(builder))
    if grid is None:
        builder.warn("Quadro 1 (Interventi e servizi, Contributi economici): valori letti per colonna non "
                     f"riconducibili alle righe ({len(numbers)} valori, totali R0B non coerenti)")
        return
    for code, row in grid.rows.items():
        builder.set_value(code, row)
    raw = " ".join(n.raw for n in numbers)
    if not grid.certain:
        builder.warn("Quadro 1 (Interventi e servizi, Contributi economici): assegnazione dei valori alle righe "
                     "incerta, verificare")
    if len(numbers) != FULL_SIZE or not grid.certain:
        builder.recover("M12", raw, "Quadro 1 letto per colonne: celle vuote ricostruite con RULE-01 e RULE-02")
    for n in numbers:
        if n.noisy:
            builder.recover("M12", n.raw, f"cifre «{n.raw}» lette come {n.value:g}")


def _split_labels(block: list[str], year: int) -> tuple[list[Span], list[str]]:
    """The label lines (codes M12–M41 with their wrapped continuation) and what follows them."""
    spans: list[Span] = []
    last = -1
    for i, line in enumerate(block):
        hit = best_hit(line, year)
        if hit and hit.code in UPPER_CODES:
            spans.append(Span(hit.code, hit.raw, i, (hit.rest,)))
            last = i
        elif spans and i == last + 1 and is_label_line(spans[-1].code, year, line):
            last = i  # a wrapped label ("… salute" / "mentale")
    return spans, block[last + 1:]


def _column_values(tail: list[str]) -> list[Number]:
    """Every value after the column titles; title lines (and year-only title fragments) are skipped."""
    out: list[Number] = []
    for line in tail:
        if _COLUMN_TITLE.search(line) or (not out and is_header_line(line)):
            continue
        nums = numbers_of_line(line)
        if nums:
            out.extend(nums)
    return out


def _upper_sums(builder: RecordBuilder) -> tuple[float | None, float | None]:
    """RULE-01 rearranged: users of the upper sections = R0B − Strutture rows − R0A, per column."""
    year = str(builder.year)
    total = builder.values.get("R0B")
    if not isinstance(total, dict):
        return None, None
    sums: list[float | None] = []
    for column in ("2019", year):
        acc = total.get(column)
        for code in (*LOWER_CODES, "R0A"):
            row = builder.values.get(code)
            cell = row.get(column) if isinstance(row, dict) else None
            if acc is None or cell is None:
                acc = None
                break
            acc -= cell  # type: ignore[operator]
        sums.append(acc)  # type: ignore[arg-type]
    return sums[0], sums[1]

