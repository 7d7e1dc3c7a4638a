"""Field codes at the start of a printed line, read through OCR noise ("RO4", "ROB", "rn5;9", "R21!sI").

A code is only ever looked for at the start of a line (after table borders) and must be followed by a
separator, so "R07" inside a condition such as "(R07)" or a word such as "Rolo" is never a field. Each printed
character may stand for several code characters ("B" is 8 or B, "O" is 0); every reading that gives a code of
the form model is a candidate, and the caller picks among them by the label that follows.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from .. import form

_LEAD = "\t |!([{"
_SEPARATORS = " \t-–|!([{:"
_JUNK_IN_CODE = ";:,.'’"
_HEAD = re.compile(r"^(?P<lead>[\t |!(\[{]*)(?P<prefix>rn|nn|[RrMm])(?P<body>[0-9OoQDIil|!SsBZzGgA-Ea-e;:,.'’]{2,6})")

# What each printed character can stand for in a code, by kind of position.
_AS_DIGIT = {
    **{d: d for d in "0123456789"},
    "O": "0", "o": "0", "Q": "0", "D": "0",
    "I": "1", "i": "1", "l": "1", "|": "1", "!": "1",
    "Z": "2", "z": "2", "S": "5", "s": "5", "G": "6", "B": "8", "g": "9",
}
_AS_LETTER = {"A": "A", "a": "A", "B": "B", "8": "B", "C": "C", "c": "C", "D": "D", "E": "E", "e": "E"}


@dataclass(frozen=True)
class CodeHit:
    """One reading of the code that starts a line."""

    code: str
    raw: str  # the code as printed, e.g. "RO4"
    rest: str  # the line after the code

    @property
    def noisy(self) -> bool:
        return self.raw != self.code


def _readings(prefix: str, body: str) -> set[str]:
    head = "M" if prefix.lower() in ("m", "rn", "nn") else "R"
    options = [
        {*((_AS_DIGIT[c],) if c in _AS_DIGIT else ()), *((_AS_LETTER[c],) if c in _AS_LETTER else ())}
        for c in body
    ]
    return {head + "".join(combo) for combo in itertools.product(*options)}


def code_hits(line: str, year: int | None = None) -> list[CodeHit]:
    """Every code reading of the start of ``line`` that exists in the ``year`` form (any year if None)."""
    m = _HEAD.match(line)
    if not m:
        return []
    body_raw = m.group("body")
    hits: list[CodeHit] = []
    for cut in range(2, len(body_raw) + 1):
        rest = body_raw[cut:] + line[m.end():]
        if rest and rest[0] not in _SEPARATORS:
            continue
        body = "".join(c for c in body_raw[:cut] if c not in _JUNK_IN_CODE)
        if len(body) not in (2, 3):
            continue
        raw = m.group("prefix") + body_raw[:cut]
        for code in sorted(_readings(m.group("prefix"), body)):
            if _exists(code, year):
                hits.append(CodeHit(code, raw, rest))
    return hits


def _exists(code: str, year: int | None) -> bool:
    if year is None:
        return form.is_known_code(code)
    return form.field_for(code, year) is not None


def distinct_codes(text: str) -> set[str]:
    """Codes that start a line anywhere in ``text`` (used to tell a form from other documents)."""
    found: set[str] = set()
    for line in text.split("\n"):
        found.update(hit.code for hit in code_hits(line))
    return found
