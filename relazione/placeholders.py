"""«[...]» placeholders: the parts of a skeleton paragraph only the compiler can fill in.

The drafting assistant inserts them; the checks must neither read them as evidence (an unfilled skeleton names
the code and the evidence it needs) nor let them reach the portal unnoticed.
"""

from __future__ import annotations

import re

PLACEHOLDER_RE = re.compile(r"«\[[^\]]*\]»")


def placeholders(text: str) -> list[tuple[int, int]]:
    """Offsets of every «[...]» placeholder still in ``text``."""
    return [m.span() for m in PLACEHOLDER_RE.finditer(text)]


def mask_placeholders(text: str) -> str:
    """``text`` with every placeholder blanked out, same length (offsets stay valid)."""
    return PLACEHOLDER_RE.sub(lambda m: " " * len(m.group()), text) if "«[" in text else text
