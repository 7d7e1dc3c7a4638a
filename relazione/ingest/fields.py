"""Split a print into field spans (a code line and what follows it) and read each span's value.

All three layout families print "code - label" and then the value(s): on the same line after the label (IFEL,
SOC22), on a line of their own after wrapped label lines and column titles (SOSE), or in TAB-separated cells
(SOC22). One reader covers them: strip the label (see :mod:`.labels`), then take the values that follow it on
the same line, else the first line made only of values that is not a year heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import form
from .codes import CodeHit, code_hits
from .flags import FlagRead, flag_alone, read_flag
from .labels import is_label_line, label_variants, match_label
from .text import Number, is_header_line, is_junk, numbers_of_line, read_number, similar, skeleton


@dataclass(frozen=True)
class Span:
    """One printed field: ``lines[0]`` is the rest of the code line, then the lines up to the next code."""

    code: str
    raw: str  # the code as printed
    index: int  # line number of the code line in the text scanned
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def noisy(self) -> bool:
        return self.raw != self.code


def scan(lines: list[str], year: int, *, stop_at: str = "R40") -> list[Span]:
    """Field spans in printed order; the ``stop_at`` span (R40) runs to the end of the text."""
    starts: list[tuple[int, CodeHit]] = []
    for i, line in enumerate(lines):
        hit = best_hit(line, year)
        if hit is None:
            continue
        starts.append((i, hit))
        if hit.code == stop_at:
            break
    spans = []
    for k, (i, hit) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        spans.append(Span(hit.code, hit.raw, i, (hit.rest, *lines[i + 1:end])))
    return spans


def best_hit(line: str, year: int) -> CodeHit | None:
    """The code that starts ``line``: among OCR readings, the one whose label follows; noisy readings need
    some evidence (a label word or a flag), so a stray word such as "ROB" alone is not a field."""
    hits = code_hits(line, year)
    if not hits:
        return None
    scored = sorted(((_evidence(h, year), -k, h) for k, h in enumerate(hits)), key=lambda t: t[:2], reverse=True)
    evidence, _, hit = scored[0]
    if hit.noisy and evidence == 0:
        return None
    return hit


def _evidence(hit: CodeHit, year: int) -> int:
    rest = hit.rest
    flag = read_flag(rest)
    if flag is not None:
        rest = rest[flag.end:]
    words = match_label(hit.code, year, rest.lstrip(" \t-–|!([{")).matched
    return words + (1 if flag is not None and form.block_of_code(hit.code) else 0)


# --- values ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueRead:
    numbers: list[Number]
    raw: str  # the printed text the values come from
    label_ratio: float  # share of the label recognised before the values


def read_numbers(span: Span, year: int) -> ValueRead | None:
    """Values after the label: same line first, then the first line of values that is not a year heading."""
    text = span.text
    label = match_label(span.code, year, text)
    first, _, others = text[label.end:].partition("\n")
    same_line = trailing_numbers(first)
    if same_line:
        return ValueRead(same_line, first.strip(), label.ratio)
    for line in others.split("\n"):
        if not line.strip() or is_header_line(line):
            continue
        nums = numbers_of_line(line)
        if nums:
            return ValueRead(nums, line.strip(), label.ratio)
    return None


def trailing_numbers(line: str) -> list[Number]:
    """The run of values that ends a line (words before it are label leftovers, never values)."""
    out: list[Number] = []
    for tok in reversed(line.split()):
        if is_junk(tok):
            continue
        num = read_number(tok)
        if num is None:
            break
        out.append(num)
    return out[::-1]


_EVERY = re.compile(r"ogni\s*:?\s*(\d[\d.,]*)", re.IGNORECASE)


def read_ratio(span: Span, year: int) -> ValueRead | None:
    """R0E/R01B print a sentence: "1 assistente sociale ogni:  7200 abitanti", "1 assistente ogni : 2560"."""
    text = span.text
    after = text[match_label(span.code, year, text).end:]
    m = _EVERY.search(after)
    if m is None:
        return read_numbers(span, year)
    num = read_number(m.group(1).rstrip(".,"))
    return ValueRead([num], m.group(0), 1.0) if num else None


def read_text(span: Span, year: int) -> str | None:
    """A text value (R0C, R0D): the rest of the label line, else the first line that is not label text."""
    text = span.text
    first, _, others = text[match_label(span.code, year, text).end:].partition("\n")
    for line in (first, *others.split("\n")):
        clean = line.strip(" \t|-–:")
        if clean and not is_label_line(span.code, year, clean):
            return clean
    return None


_MODALITA = re.compile(r"^\s*(?:(?P<numero>\S+)\s+)?(?P<modalita>[^\d\s].*?)\s+(?P<spesa>\S+)\s*$")


def read_modalita(span: Span, year: int) -> tuple[list[Number], str | None, str] | None:
    """Quadro 3 rows with a text column (2024 R10/R11: "Numero", "Modalità …", "Spesa aggiuntiva")."""
    text = span.text
    for line in text[match_label(span.code, year, text).end:].split("\n"):
        m = _MODALITA.match(line)
        if not m:
            continue
        spesa = read_number(m.group("spesa"))
        numero = read_number(m.group("numero")) if m.group("numero") else None
        if spesa is None or (m.group("numero") and numero is None) or is_label_line(span.code, year, line):
            continue
        return [n for n in (numero, spesa) if n is not None], m.group("modalita").strip(), line.strip()
    return None


# --- flags -----------------------------------------------------------------------------------------------


def read_span_flag(span: Span, year: int) -> FlagRead | None:
    """SI/NO glued to the code (IFEL), after the label on the same line (SOC22), or alone on a line (SOSE)."""
    flag = read_flag(span.lines[0])
    if flag is not None:
        return flag
    text = span.text
    label = match_label(span.code, year, text)
    first, _, others = text[label.end:].partition("\n")
    tail = first.split("\t")[-1] if "\t" in first else first
    flag = read_flag(tail)
    if flag is not None and not tail[flag.end:].strip(" \t|!)]}."):
        return flag
    last = first.split()[-1:] if first.strip() else []
    if last and (flag := flag_alone(last[0])) is not None:
        return flag  # label wording not recognised to the end, flag still closing the line
    for line in others.split("\n"):
        flag = flag_alone(line)
        if flag is not None:
            return flag
    return None


def unread_flag(span: Span, year: int) -> str | None:
    """The printed snippet where a SI/NO should be but cannot be read (e.g. "R31 |?? [Risorse"), or None when
    nothing stands in the flag's place (a block printed without values)."""
    first = span.lines[0]
    if "\t" in first:
        tail = first.split("\t")[-1].strip()
        return tail or None
    rest = first.lstrip(" \t|!([{-–:")
    if not rest.strip():
        return None
    head = skeleton(rest.split()[0])
    if any(similar(head, variant[0]) for variant in label_variants(span.code, year)):
        return None
    return first.strip()[:40]
