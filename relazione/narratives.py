"""What `classify` reads: a narrative and, when known, its block, from any kind of input.

A record JSON gives both (the block from its figures); a form print is parsed; any other text file, or
standard input, is taken as a bare narrative whose block is unknown (then all 24 codes are scored).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from . import form
from .errors import ParseError, RecordError
from .inputs import PRINT_SUFFIXES, RECORD_SUFFIXES, read_input


@dataclass(frozen=True)
class Narrative:
    text: str
    block: str | None


def read_narrative(name: str, stream: TextIO | None = None) -> Narrative:
    if stream is not None:
        return Narrative(stream.read(), None)
    path = Path(name)
    suffix = path.suffix.lower()
    if suffix in RECORD_SUFFIXES or suffix == ".pdf":
        record = read_input(path)
        return Narrative(record.r40, form.block_for(record.values, record.anno).letter)
    if suffix in PRINT_SUFFIXES:
        try:
            record = read_input(path)
            return Narrative(record.r40, form.block_for(record.values, record.anno).letter)
        except ParseError as exc:
            if "nessun modulo" not in str(exc) and "non è disponibile" not in str(exc):
                raise
    try:
        return Narrative(path.read_text(encoding="utf-8"), None)
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(f"impossibile leggere il testo ({exc})", file=name) from None
