"""Page furniture and support-desk text that prints scatter through the form, removed before parsing.

Page breaks put headers, footers, page numbers and (SOSE) the side-bar title of the quadro in the middle of
whatever is being printed, including a label and its values or the R40 narrative. Removing them by pattern
first lets every later step see the form as if it were printed on one endless page.

Patterns work on a folded line (lower case, no accents, "|" and "!" read as "i", spaces collapsed), so OCR
damage such as "| messaggi" or "E possibile" does not let a footer line through.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


def fold(line: str) -> str:
    base = unicodedata.normalize("NFKD", line.lower())
    base = "".join(c for c in base if not unicodedata.combining(c))
    base = base.replace("|", "i").replace("!", "i").replace("’", "'")
    return re.sub(r"\s+", " ", base).strip()


def _rx(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


# Lines that are page furniture in any print (page numbers, browser print headers, URLs, support desk).
COMMON_LINES = _rx(
    r"^(?:pag(?:ina|\.)?\s*)?\d{1,3}\s*(?:di|/|of)\s*\d{1,3}$",
    r"^pag(?:ina|\.)\s*\d{1,3}$",
    r"^-\s*\d{1,3}\s*-$",
    r"^(?:https?://|www\.)\S+(?:\s+\d{1,3}\s*/\s*\d{1,3})?$",
    r"^\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s.{0,80})?$",
    r"^(?:stampat[oa] il|data (?:di )?stampa|stampa del)\b.{0,60}$",
    r"^e\W{0,3}\s*possibile contattare\b.*$",
    r"^via\s*(?:e-?mai[il]|posta elettronica|teiefono|telefono)\s*:.*$",
    r"^(?:per (?:informazioni e )?assistenza|numero verde|help ?desk)\b.{0,100}$",
)


@dataclass(frozen=True)
class Furniture:
    """What one layout family prints around the form.

    ``lines``: single lines removed wherever they appear. ``sequences``: runs of consecutive lines removed only
    together (SOSE side-bar titles, which are ordinary words one by one). ``block_start``/``block_stop``: a
    footer block (IFEL "ATTENZIONE:" ... "Via telefono") removed from its first line up to the next page header
    or the end of the text, when that run is short enough to be a footer.
    """

    lines: tuple[re.Pattern[str], ...] = ()
    sequences: tuple[tuple[re.Pattern[str], ...], ...] = ()
    block_start: tuple[re.Pattern[str], ...] = ()
    block_stop: tuple[re.Pattern[str], ...] = ()
    block_max_lines: int = 10
    all_lines: tuple[re.Pattern[str], ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "all_lines", COMMON_LINES + self.lines)


def _any(patterns: tuple[re.Pattern[str], ...], folded: str) -> bool:
    return any(p.match(folded) for p in patterns)


def strip_furniture(lines: list[str], furniture: Furniture) -> list[str]:
    """``lines`` without furniture; blank lines around a removed run are dropped with it (a page break is not
    a paragraph break)."""
    folded = [fold(line) for line in lines]
    drop = [False] * len(lines)
    _mark_blocks(folded, furniture, drop)
    _mark_sequences(folded, furniture, drop)
    for i, f in enumerate(folded):
        if f and _any(furniture.all_lines, f):
            drop[i] = True
    _extend_over_blanks(folded, drop)
    return [line for line, d in zip(lines, drop) if not d]


def _mark_blocks(folded: list[str], furniture: Furniture, drop: list[bool]) -> None:
    if not furniture.block_start:
        return
    i = 0
    while i < len(folded):
        if folded[i] and _any(furniture.block_start, folded[i]):
            j = i + 1
            while j < len(folded) and not (folded[j] and _any(furniture.block_stop, folded[j])):
                j += 1
            if j - i <= furniture.block_max_lines:
                for k in range(i, j):
                    drop[k] = True
                i = j
                continue
            drop[i] = True
        i += 1


def _mark_sequences(folded: list[str], furniture: Furniture, drop: list[bool]) -> None:
    for seq in furniture.sequences:
        for i in range(len(folded) - len(seq) + 1):
            if all(p.fullmatch(folded[i + k]) for k, p in enumerate(seq)):
                for k in range(len(seq)):
                    drop[i + k] = True


def _extend_over_blanks(folded: list[str], drop: list[bool]) -> None:
    """Blank lines touching a dropped line go with it."""
    marked = [i for i, d in enumerate(drop) if d]
    for i in marked:
        for step in (-1, 1):
            k = i + step
            while 0 <= k < len(folded) and not folded[k] and not drop[k]:
                drop[k] = True
                k += step
