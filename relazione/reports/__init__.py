"""Renderers of a list of results (one per input file) to table, JSON and CSV.

A result is either an :class:`~relazione.analysis.Analysis` or a :class:`FileError` for an input that could
not be read, so a batch report always accounts for every file it was given.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import Severity

SEVERITY_IT = {Severity.ERROR: "errore", Severity.WARNING: "avviso", Severity.INFO: "info"}


@dataclass(frozen=True)
class FileError:
    """An input that could not be turned into a record; reported as a row, never as a traceback."""

    file: str
    message: str

    def to_dict(self) -> dict:
        return {"file": self.file, "block": None, "findings": [], "error": self.message}
