"""Text clean-up shared by the layout parsers: line normalisation, OCR-tolerant word skeletons, value tokens.

Prints reach us through OCR or a PDF text layer, so the same word can arrive as "Utenti", "Utentl" or
"UTENTI", and a number as "4.212", "4212" or "|4212". Everything here is about comparing and reading such text
without ever "repairing" it in place: the parsers compare skeletons and keep the printed text for the report.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..numbers import parse_number

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_YEAR_RANGE = re.compile(r"\b(20\d\d)\s*[-–]\s*(20\d\d)\b")


def normalize_text(raw: str) -> str:
    """One newline convention, no invisible characters, no trailing blanks; tabs are kept (SOC22 cells).

    Form feeds (page breaks of pdftotext-style exports) become line breaks: page furniture is removed by
    pattern, not by page position, because OCR and PDF text layers do not agree on where a page ends.
    """
    text = unicodedata.normalize("NFC", raw).translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    text = _ODD_SPACES.sub(" ", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def join_year_ranges(text: str) -> str:
    """'2022 - 2024' -> '2022-2024', so a validity period is one label token and never two values."""
    return _YEAR_RANGE.sub(r"\1-\2", text)


# --- Word skeletons ------------------------------------------------------------------------------------

# In words only: letters that OCR swaps for digits or strokes. Applied to both sides of a comparison.
_OCR_FOLD = str.maketrans({"|": "i", "!": "i", "1": "i", "l": "i", "0": "o", "€": "e", "&": "e", "$": "s"})


def skeleton(token: str) -> str:
    """Lower-case letters and digits only, accents dropped; inside words, OCR look-alikes are folded.

    "Utentl" and "Utenti", "POVERTÀ" and "poverta", "1:6.500" and "1:6500" get the same skeleton, so label
    text can be recognised (and skipped) whatever the print did to it.
    """
    base = unicodedata.normalize("NFKD", token.lower())
    base = "".join(c for c in base if not unicodedata.combining(c))
    if any(c.isalpha() for c in base):
        base = base.replace("rn", "m").translate(_OCR_FOLD)
    return re.sub(r"[^a-z0-9]", "", base)


def similar(a: str, b: str) -> bool:
    """Two skeletons denote the same word: equal, or (words of 4+ letters) close enough for OCR damage."""
    if not a or not b:
        return False
    if a == b:
        return True
    if a.isdigit() or b.isdigit() or min(len(a), len(b)) < 4:
        return False
    return SequenceMatcher(None, a, b).ratio() >= 0.75


def line_matches(line: str, expected: str) -> bool:
    """A whole printed line equals an expected line, up to case, accents, spacing and OCR damage."""
    a, b = skeleton(line), skeleton(expected)
    if not a or not b:
        return False
    return a == b or (min(len(a), len(b)) >= 6 and SequenceMatcher(None, a, b).ratio() >= 0.85)


# --- Tokens ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", text)]


_EDGE_JUNK = "|[](){}!;%€"
_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})
_OCR_NUMBER = re.compile(r"[\dOoIl|.,]+")


@dataclass(frozen=True)
class Number:
    value: float
    raw: str
    noisy: bool  # digits were recovered from OCR look-alikes ("1O" -> 10)
    decimal: bool  # printed with a decimal comma ("0,00"): amounts and means, never user counts


def read_number(raw: str) -> Number | None:
    """One printed value: Italian notation, table borders stripped; OCR letters in digits recovered."""
    text = raw.strip(_EDGE_JUNK)
    if not text:
        return None
    value = parse_number(text)
    if value is not None:
        return Number(value, raw, False, "," in text)
    if _OCR_NUMBER.fullmatch(text) and any(c.isdigit() for c in text):
        fixed = parse_number(text.translate(_OCR_DIGITS))
        if fixed is not None:
            return Number(fixed, raw, True, "," in text)
    return None


def is_junk(token: str) -> bool:
    """Table borders, dashes and stray punctuation that OCR leaves between cells."""
    return not skeleton(token) and not any(c.isdigit() for c in token)


_YEAR = re.compile(r"^(?:19|20)\d\d$|^20\d\d-20\d\d$")


def is_year_token(token: str) -> bool:
    return bool(_YEAR.match(token.strip(_EDGE_JUNK + "-–")))


def is_header_line(line: str) -> bool:
    """A column-heading line made only of years ("2017 2021", "| 2023", "2022-2024 |", "- 2019")."""
    toks = [t for t in join_year_ranges(line).split() if not is_junk(t)]
    return bool(toks) and all(is_year_token(t) for t in toks)


def numbers_of_line(line: str) -> list[Number] | None:
    """All values of a line made only of values (and junk); None when the line holds any word."""
    out: list[Number] = []
    for tok in line.split():
        if is_junk(tok):
            continue
        num = read_number(tok)
        if num is None:
            return None
        out.append(num)
    return out or None


def words(text: str) -> list[str]:
    """Lower-case words of a text (letters only), for vocabularies."""
    return re.findall(r"[^\W\d_]+", text.lower())
