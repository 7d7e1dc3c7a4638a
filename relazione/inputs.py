"""Turn any input file into a Record: record JSON directly, form prints (.txt, .pdf) through the parsers.

Commands accept both, so an auditor can point them at whatever the comuni sent.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ParseError
from .record import Record, load_record

RECORD_SUFFIXES = {".json"}
PRINT_SUFFIXES = {".txt", ".pdf"}


def read_input(path: str | Path) -> Record:
    """Load a record JSON or parse a print; raises RecordError/ParseError with a one-line Italian reason."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in RECORD_SUFFIXES:
        return load_record(p)
    if suffix in PRINT_SUFFIXES:
        try:
            from .ingest import parse_document
        except ImportError:
            raise ParseError(f"{p}: la lettura delle stampe (.txt, .pdf) non è disponibile in questa "
                             "installazione") from None
        return parse_document(p).record
    raise ParseError(f"{p}: tipo di file non supportato (ammessi: .json, .txt, .pdf)")


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders walked recursively for the supported suffixes, in a stable order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in
                              RECORD_SUFFIXES | PRINT_SUFFIXES))
        else:
            out.append(p)
    return out
