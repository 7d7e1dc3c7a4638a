"""Generated sections of the corpus and model cards, so their figures never drift from the data."""

from __future__ import annotations

from pathlib import Path


def write_section(card: Path, name: str, body: str) -> None:
    """Replace the section ``name`` of ``card`` (between ``<!-- name:begin -->`` and ``<!-- name:end -->``)."""
    from .record import atomic_write_text

    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = card.read_text(encoding="utf-8") if card.is_file() else ""
    if begin not in text:
        text += f"\n{begin}\n{end}\n"
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    atomic_write_text(card, f"{head}{begin}\n{body}\n{end}{tail}")
