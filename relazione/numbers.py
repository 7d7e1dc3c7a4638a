"""Italian number notation, shared by record loading and the print parsers.

Decimal comma; "." is only ever a thousands separator in these forms (domain reference §5.1).
"""

from __future__ import annotations

import re

NUMBER_RE = re.compile(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+(?:,\d+)?")
_FULL_RE = re.compile(rf"^\s*(?:{NUMBER_RE.pattern})\s*$")


def parse_number(text: str) -> float | None:
    """'7.750.355,06' -> 7750355.06, '3123729,64' -> 3123729.64, '12' -> 12.0; None if not a number."""
    if not _FULL_RE.match(text):
        return None
    return float(text.strip().replace(".", "").replace(",", "."))


def format_number(value: float, decimals: int = 2) -> str:
    """12345.5 -> '12.345,50' (Italian notation, for messages)."""
    if float(value).is_integer() and decimals == 0:
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
