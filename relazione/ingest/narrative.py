"""Rebuild the R40 narrative from printed lines: unwrap, keep paragraphs, undo line-end hyphenation.

The narrative is the comune's own text: nothing is corrected except whitespace (domain reference §5.1). Wrapped
lines are joined with a space; a paragraph ends at a blank line, or where a sentence ends on a line clearly
shorter than the wrapping width. A hyphen at a line end is removed only when the joined word is a known word
(of this document or of the form's labels); otherwise it is kept and the halves are joined without a space.
"""

from __future__ import annotations

import re

_HYPHENATED = re.compile(r"([^\W\d_]+)-$")
_NEXT_WORD = re.compile(r"^([^\W\d_]+)")
_SENTENCE_END = re.compile(r"[.!?:;»”\"')]$")
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_SHORT_SHARE = 0.75  # a line under 3/4 of the wrapping width that ends a sentence ends its paragraph


def assemble(lines: list[str], vocabulary: set[str]) -> str:
    """The narrative from its printed lines (already without page furniture)."""
    lines = [line.strip() for line in lines if not _PAGE_NUMBER.match(line)]
    width = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current = ""
    previous = ""
    for line in lines:
        if not line:
            if current:
                paragraphs.append(current)
            current, previous = "", ""
            continue
        if not current:
            current = line
        elif _ends_paragraph(previous, line, width):
            current += "\n" + line
        else:
            current = _join(current, line, vocabulary)
        previous = line
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs).strip()


def _ends_paragraph(previous: str, line: str, width: int) -> bool:
    starts_new = line[:1].isupper() or line[:1].isdigit() or line[:1] in "«\"“-•*"
    return bool(_SENTENCE_END.search(previous)) and starts_new and len(previous) < _SHORT_SHARE * width


def _join(text: str, line: str, vocabulary: set[str]) -> str:
    hyphen = _HYPHENATED.search(text)
    nxt = _NEXT_WORD.match(line)
    if hyphen and nxt and line[:1].islower():
        joined = (hyphen.group(1) + nxt.group(1)).lower()
        if joined in vocabulary:
            return text[:-1] + line
        return text + line  # a real compound ("socio-sanitario") or an unknown word: keep the hyphen
    return f"{text} {line}"
