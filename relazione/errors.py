"""Typed errors of the core. Front ends turn them into one-line messages and exit code 2; the core never prints."""

from __future__ import annotations


class RelazioneError(Exception):
    """Base of every error caused by the user's input or environment (not by a bug)."""


class RecordError(RelazioneError):
    """A record file or value that cannot be accepted; names the file, the field and the reason."""

    def __init__(self, reason: str, *, file: str | None = None, field: str | None = None) -> None:
        self.file, self.field, self.reason = file, field, reason
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = ": ".join(p for p in (self.file, f"campo {self.field}" if self.field else None) if p)
        return f"{where}: {self.reason}" if where else self.reason


class ParseError(RelazioneError):
    """A document that is not a readable SOSE/IFEL form (unrelated, encrypted, corrupt)."""


class ModelError(RelazioneError):
    """A missing, mismatched or unsafe model file; the message says how to rebuild it."""
