"""Characters used and left in R40 against the 6,000-character limit.

How the portal counts is not documented; like the rest of the package (RULE-16) we count one character per
line break, CRLF and a lone CR included, and every other code point as one character.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import form
from ..numbers import format_number

LIMIT = form.R40_MAX_CHARS
WARN_FROM = 5700  # the counter turns to the warning colour from here


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF, as the record stores them."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


@dataclass(frozen=True)
class CharCount:
    """Characters used against the limit; ``level`` is "ok", "warn" (from 5,700) or "over"."""

    used: int
    limit: int = LIMIT
    warn_from: int = WARN_FROM

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def excess(self) -> int:
        return max(0, self.used - self.limit)

    @property
    def level(self) -> str:
        if self.used > self.limit:
            return "over"
        return "warn" if self.used >= self.warn_from else "ok"

    @property
    def excess_span(self) -> tuple[int, int] | None:
        """Offsets (into the LF-normalised text) of the characters past the limit, as RULE-16 reports them."""
        return (self.limit, self.used) if self.used > self.limit else None

    def describe(self) -> str:
        """'1.234 / 6.000 caratteri · restano 4.766' or '6.120 / 6.000 caratteri · 120 in eccesso'."""
        head = f"{_n(self.used)} / {_n(self.limit)} caratteri"
        if self.level == "over":
            return f"{head} · {_n(self.excess)} in eccesso"
        return f"{head} · restano {_n(self.left)}"


def _n(value: int) -> str:
    return format_number(value, 0)


def count(text: str) -> CharCount:
    """Count ``text`` as the portal is assumed to: one character per line break (CRLF counts one)."""
    return CharCount(len(normalize_newlines(text)))
