"""Steps every layout parser shares: year and comune, reading the field spans into the builder, and R40.

Each family module decides what is furniture, where the fields are and which columns it prints; the reading of
a span into record values is the same for all and lives here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from .. import form
from ..errors import ParseError
from .builder import Layout, RecordBuilder
from .fields import Span, ValueRead, read_modalita, read_numbers, read_ratio, read_span_flag, read_text, unread_flag
from .furniture import fold
from .narrative import assemble
from .placement import place
from .text import Number, read_number, words

Columns = Callable[[str, int], tuple[str, ...]]

# --- year ------------------------------------------------------------------------------------------------

# In the order of the domain reference §5.1: R08's label, R04's label, Quadro 1 headers, then titles.
_YEAR_SOURCES = (
    re.compile(r"assegnat[ei] per il (20\d\d)"),
    re.compile(r"livello di servizio (?:effettivo )?(20\d\d)"),
    re.compile(r"utenti serviti\s*-?\s*(20(?!19)\d\d)"),
    re.compile(r"esercizio (20\d\d)"),
    re.compile(r"obiettivi di servizio (20\d\d)"),
)


def start(text: str, layout: Layout, default_year: int) -> RecordBuilder:
    """A builder for the year the print states (the family's year, with a warning, when none is found)."""
    year = detect_year(text)
    if year is not None and year not in form.YEARS:
        raise ParseError(f"anno {year} non gestito: il modulo è noto per gli anni {form.YEARS[0]}–{form.YEARS[-1]}")
    builder = RecordBuilder(layout, year or default_year)
    if year is None:
        builder.warn(f"anno non trovato nella stampa: assunto {default_year}")
    return builder


def detect_year(text: str) -> int | None:
    folded = fold(text.replace("\n", " "))
    for pattern in _YEAR_SOURCES:
        m = pattern.search(folded)
        if m:
            return int(m.group(1))
    return None


# --- comune ----------------------------------------------------------------------------------------------

_PARTICLES = {"di", "de", "del", "della", "delle", "dei", "degli", "dello", "in", "sul", "sulla", "al", "alla",
              "e", "ed", "la", "le", "lo", "il", "da", "dal", "dalla", "sopra", "sotto", "d", "dell", "nell", "all"}


def title_case(name: str) -> str:
    """'SAN GIOVANNI IN FIORE' -> 'San Giovanni in Fiore'; names not in capitals are kept as printed."""
    name = re.sub(r"\s+", " ", name).strip()
    if name != name.upper():
        return name

    def word(w: str, first: bool) -> str:
        low = w.lower()
        return low if (low in _PARTICLES and not first) else low[:1].upper() + low[1:]

    parts = re.split(r"([ '’-])", name)
    out, first = [], True
    for part in parts:
        if part in (" ", "'", "’", "-"):
            out.append(part)
            continue
        out.append(word(part, first))
        first = False if part else first
    return "".join(out)


# --- fields ----------------------------------------------------------------------------------------------


def printed_columns(quadro3: dict[str, tuple[str, ...]]) -> Columns:
    """The value columns a layout prints for each field: its own Quadro 3 columns for R10/R11, the "spesa"
    column for the other Quadro 3 rows and R15, the form model's columns for everything else."""

    def columns(code: str, year: int) -> tuple[str, ...]:
        if code in quadro3:
            return quadro3[code]
        if code in (*form.QUADRO3_CODES, "R15"):
            return ("spesa",)
        fld = form.field_for(code, year)
        return fld.columns_for(year) if fld else ()

    return columns


def read_spans(spans: list[Span], year: int, builder: RecordBuilder, columns: Columns) -> None:
    """Every span except R40 into the builder (R40 has its own reader)."""
    for span in spans:
        fld = form.field_for(span.code, year)
        if fld is None or fld.unit == form.Unit.NARRATIVE:
            continue
        if not span.raw:
            builder.recover(span.code, span.lines[0][:60], "codice illeggibile: riga riconosciuta dalla posizione "
                            "e dall'etichetta")
        elif span.noisy:
            builder.recover(span.code, span.raw + span.lines[0][:40], f"codice stampato «{span.raw}» letto come "
                            f"{span.code}")
        if fld.unit == form.Unit.FLAG:
            _read_flag(span, year, builder)
        elif fld.unit == form.Unit.TEXT:
            text = read_text(span, year)
            if text:
                builder.set_value(span.code, text)
        else:
            _read_value(span, year, builder, columns(span.code, year))


def _read_flag(span: Span, year: int, builder: RecordBuilder) -> None:
    flag = read_span_flag(span, year)
    if flag is None:  # never NO: a block printed without values is not filled in
        snippet = unread_flag(span, year)
        if snippet:
            builder.warn(f"{span.code}: valore SI/NO illeggibile «{snippet}»")
        return
    builder.set_flag(span.code, flag.flag)
    if flag.noisy:
        builder.recover(span.code, f"{span.raw}{span.lines[0][:24]}", f"valore «{flag.raw}» letto come {flag.flag}")


def _read_value(span: Span, year: int, builder: RecordBuilder, columns: tuple[str, ...]) -> None:
    if "\t" in span.lines[0]:
        _read_cells(span, builder, columns)
        return
    numeric = tuple(c for c in columns if c != "modalita")  # the one text column of the form
    if numeric != columns:
        got = read_modalita(span, year)
        if got is not None:
            numbers, modalita, raw = got
            _store(span, year, builder, numeric, ValueRead(numbers, raw, 1.0), extra={"modalita": modalita})
            return
    read = read_ratio(span, year) if span.code in ("R0E", "R01B") else read_numbers(span, year)
    if read is not None:
        _store(span, year, builder, numeric, read)


def _read_cells(span: Span, builder: RecordBuilder, columns: tuple[str, ...]) -> None:
    """TAB-separated export: cells keep their position, empty cells included."""
    cells = span.lines[0].split("\t")[1:]
    width = max(1, len(columns))
    values: dict[str, float] = {}
    for i, cell in enumerate(cells[:width]):
        num = read_number(cell) if cell.strip() else None
        if cell.strip() and num is None:
            builder.warn(f"{span.code}: cella «{cell.strip()}» non numerica, ignorata")
            continue
        if num is not None:
            values[columns[i] if columns else ""] = num.value
            if num.noisy:
                builder.recover(span.code, cell, "cifre lette da caratteri simili")
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        builder.warn(f"{span.code}: celle in più ignorate ({' | '.join(c for c in cells[width:] if c.strip())})")
    if not values:
        return
    builder.set_value(span.code, values[""] if not columns else _collapse(values, columns))


def _store(span: Span, year: int, builder: RecordBuilder, columns: tuple[str, ...], read: ValueRead,
           extra: dict[str, str] | None = None) -> None:
    if not columns:
        value = _single(span, read.numbers, builder)
        if value is not None:
            builder.set_value(span.code, value.value)
            _note_number(span, value, builder)
        return
    placement = place(read.numbers, columns, span.code, year)
    if placement.dropped:
        builder.warn(f"{span.code}: valori in più ignorati ({' '.join(n.raw for n in placement.dropped)})")
    if placement.ambiguous:
        builder.warn(f"{span.code}: colonne incerte per i valori «{read.raw}»")
    cells: dict[str, float | str] = {col: n.value for col, n in placement.cells.items()}
    cells.update(extra or {})
    if not cells:
        return
    builder.set_value(span.code, _collapse(cells, columns))
    for n in placement.cells.values():
        _note_number(span, n, builder)
    if read.label_ratio < 0.6:
        builder.recover(span.code, read.raw, "etichetta danneggiata: valori letti dopo la parte riconosciuta")


def _collapse(cells: dict, columns: tuple[str, ...]) -> form.Value:
    """A print that has only the "Spesa aggiuntiva" column gives a plain number (the record's convention)."""
    if columns == ("spesa",):
        return cells["spesa"]
    return cells


def _single(span: Span, numbers: list[Number], builder: RecordBuilder) -> Number | None:
    if not numbers:
        return None
    if len(numbers) > 1:
        builder.warn(f"{span.code}: più valori stampati ({' '.join(n.raw for n in numbers)}); tenuto l'ultimo")
    return numbers[-1]


def _note_number(span: Span, number: Number, builder: RecordBuilder) -> None:
    if number.noisy:
        builder.recover(span.code, number.raw, f"cifre «{number.raw}» lette come {number.value:g}")


# --- R40 -------------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def form_vocabulary(year: int) -> frozenset[str]:
    """Words of every label and block heading: the known words used to undo hyphenation."""
    texts = [f.label_for(year) for f in form.fields_of_year(year)] + [b.heading for b in form.BLOCKS.values()]
    return frozenset(w for t in texts for w in words(t))


def read_r40(span: Span | None, year: int, document: str, stops: tuple[re.Pattern[str], ...] = ()) -> str:
    """The narrative after the R40 label, up to the first stop line (export trailer), unwrapped."""
    if span is None:
        return ""
    from .labels import match_label

    text = span.text
    body = text[match_label("R40", year, text).end:].split("\n")
    for i, line in enumerate(body):
        if any(p.search(fold(line)) for p in stops):
            body = body[:i]
            break
    vocabulary = set(words(document)) | form_vocabulary(year)
    return assemble(body, vocabulary)


def span_of(spans: list[Span], code: str) -> Span | None:
    return next((s for s in spans if s.code == code), None)
