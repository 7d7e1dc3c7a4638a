"""SI/NO values of Quadro 4 as printed, OCR noise included ("S|", "sI", "!sI", "(S|", "Sl", "N0", "NO L").

Rule of thumb of the domain reference (§5.1): skip borders, read two letters; S + a vertical stroke is SI, N +
a round letter is NO. The two letters must end a word, so "SIstema" or "Nota" are never read as a flag, and
anything else is "not filled in", never NO.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SKIP = " \t|!([{-–:"
_S, _I = set("Ss5$"), set("IiLl1|!ìíÌ")
_N, _O = set("Nn"), set("OoQ0")
_CLEAN = {"SI", "Si", "si", "Sì", "NO", "No", "no"}


@dataclass(frozen=True)
class FlagRead:
    flag: str  # "SI" or "NO"
    raw: str  # the printed token with its borders, e.g. "(S|"
    letters: str  # the two (or three) characters read, e.g. "S|"
    end: int  # offset just after the flag in the text read

    @property
    def noisy(self) -> bool:
        """Borders are table layout; only misread letters count as noise."""
        return self.letters not in _CLEAN


def read_flag(text: str) -> FlagRead | None:
    """The SI/NO value at the start of ``text`` (after borders), or None."""
    start = len(text) - len(text.lstrip(_SKIP))
    s = text[start:start + 3]
    if len(s) >= 2 and s[0] in _S and s[1] in _I:
        end = start + 2
        flag = "SI"
    elif len(s) >= 2 and s[0] in _N and s[1] in _O:
        end = start + 2
        flag = "NO"
    elif len(s) == 3 and s[0] in _N and s[1] == " " and s[2] in _O:  # "N O"
        end = start + 3
        flag = "NO"
    else:
        return None
    if end < len(text) and (text[end].isalnum() or text[end] in "'’"):
        return None  # the letters start a word ("Sistema", "Nota")
    return FlagRead(flag, text[:end].lstrip(" \t"), text[start:end], end)


_ALONE = re.compile(r"^[\s|!(\[{]*(\S{1,2}|N O)[\s|!)\]}.]*$")


def flag_alone(line: str) -> FlagRead | None:
    """A line that holds only a flag (SOSE prints "SI"/"NO" on a line of their own)."""
    if not _ALONE.match(line):
        return None
    return read_flag(line)
