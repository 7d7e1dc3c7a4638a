"""Skeleton paragraphs: what to write for a motivation flagged SI that the text does not support yet.

A skeleton follows §6 of the domain reference: the cause, stated for this comune and the reference year,
linked to spending or users ("ha comportato"), with something checkable (a number, an act, a date). The
parts only the compiler knows are placeholders «[...]» to replace whole; the first one names the code and
its label, so that nothing of the form's wording is left in the text once the placeholders are filled. The
evidence each code needs comes from :data:`relazione.guidelines.EVIDENCE_HINT`, so the skeleton and the
audit message (AUD-01) ask for the same thing.
"""

from __future__ import annotations

from .. import form
from ..guidelines import EVIDENCE_HINT
from ..placeholders import PLACEHOLDER_RE, mask_placeholders, placeholders  # noqa: F401 - re-exported


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




def insertion(text: str, paragraph: str) -> tuple[str, int]:
    """(what to append to ``text``, offset where the paragraph starts): a blank line before it if needed."""
    if not text.strip():
        return paragraph, len(text)
    sep = "" if text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    return sep + paragraph, len(text) + len(sep)
