"""Skeleton paragraphs: what to write for a motivation flagged SI that the text does not support yet.

A skeleton follows §6 of the domain reference: the cause, stated for this comune and the reference year,
linked to spending or users ("ha comportato"), with something checkable (a number, an act, a date). The
parts only the compiler knows are placeholders «[...]» to replace whole; the first one names the code and
its label, so that nothing of the form's wording is left in the text once the placeholders are filled. The
evidence each code needs comes from :data:`relazione.guidelines.EVIDENCE_HINT`, so the skeleton and the
audit message (AUD-01) ask for the same thing.
"""

from __future__ import annotations

import re

from .. import form
from ..guidelines import EVIDENCE_HINT

PLACEHOLDER_RE = re.compile(r"«\[[^\]]*\]»")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def skeleton(code: str, *, anno: int | None = None, comune: str | None = None) -> str:
    """An Italian paragraph for ``code`` with «[...]» placeholders; ValueError for a non-motivation code."""
    if code not in EVIDENCE_HINT:
        raise ValueError(f"{code} non è un codice di motivazione (R16–R39)")
    year = str(anno) if anno else "«[anno]»"
    who = f"il Comune di {comune}" if comune else "il Comune"
    hint = EVIDENCE_HINT[code]
    if code in form.ALTRO_CODES:
        what = f"{code} Altro: descrivere {hint}"
    else:
        what = f"{code}, {_lower_first(form.motivation_label(code))}: descrivere {hint}"
    opening = f"Nel {year}, per {who}, «[{what}]»."
    return (f"{opening} Ciò ha comportato «[indicare l'effetto sulla spesa sociale o sul numero di utenti "
            f"serviti, con le cifre]», come risulta da «[indicare un atto, una data o un numero verificabile: "
            f"delibera, bando, convenzione, protocollo]».")


def placeholders(text: str) -> list[tuple[int, int]]:
    """Offsets of every «[...]» placeholder still in ``text``."""
    return [m.span() for m in PLACEHOLDER_RE.finditer(text)]


def mask_placeholders(text: str) -> str:
    """``text`` with every «[...]» placeholder blanked out, same length (offsets stay valid).

    An unfilled skeleton names the code and the evidence it needs, which the classifier would read as the
    evidence itself: the analysis must see only what the compiler wrote.
    """
    return PLACEHOLDER_RE.sub(lambda m: " " * len(m.group()), text) if "«[" in text else text


def insertion(text: str, paragraph: str) -> tuple[str, int]:
    """(what to append to ``text``, offset where the paragraph starts): a blank line before it if needed."""
    if not text.strip():
        return paragraph, len(text)
    sep = "" if text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    return sep + paragraph, len(text) + len(sep)
