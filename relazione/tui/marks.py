"""Highlighted ranges of the editor: offsets into R40, kept in place while the text is edited.

Evidence sentences and findings carry offsets into the text the last analysis read. Between an edit and the
next analysis those offsets are moved by :func:`shift` (ranges after the edit move with it, ranges the edit
touched are dropped), so highlights never point at the wrong words. :class:`LineMap` turns offsets into the
(row, column) locations of the editor.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True)
class Mark:
    """A range of the text to paint with a style name of the editor (see ``R40Editor.MARK_STYLES``)."""

    start: int
    end: int
    style: str


def changed_region(old: str, new: str) -> tuple[int, int, int]:
    """(prefix, old_end, new_end): ``old[prefix:old_end]`` became ``new[prefix:new_end]``; the rest is equal."""
    limit = min(len(old), len(new))
    lo, hi = 0, limit  # longest common prefix by bisection on slices (C-speed comparisons)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[:mid] == new[:mid]:
            lo = mid
        else:
            hi = mid - 1
    prefix = lo
    lo, hi = 0, limit - prefix  # longest common suffix not overlapping the prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid:] == new[len(new) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return prefix, len(old) - lo, len(new) - lo


def shift(marks: list[Mark], old: str, new: str) -> list[Mark]:
    """Move ``marks`` (offsets into ``old``) to ``new``: kept before the edit, shifted after it, dropped if hit."""
    if old == new:
        return list(marks)
    prefix, old_end, new_end = changed_region(old, new)
    delta = new_end - old_end
    out = []
    for m in marks:
        if m.end <= prefix:
            out.append(m)
        elif m.start >= old_end:
            out.append(Mark(m.start + delta, m.end + delta, m.style))
    return out


class LineMap:
    """Offsets <-> (row, column) for a text whose lines end with LF."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        self.length = len(text)

    def location(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self.length))
        row = bisect_right(self.starts, offset) - 1
        return row, offset - self.starts[row]

    def offset(self, location: tuple[int, int]) -> int:
        row, column = location
        row = max(0, min(row, len(self.starts) - 1))
        return min(self.starts[row] + column, self.length)

    def by_line(self, marks: list[Mark]) -> dict[int, list[tuple[int, int, str]]]:
        """Per row, (start column, end column, style) of every mark, split at line breaks."""
        out: dict[int, list[tuple[int, int, str]]] = {}
        for m in marks:
            start, end = max(0, m.start), min(m.end, self.length)
            if end <= start:
                continue
            first, _ = self.location(start)
            last, _ = self.location(end)
            for row in range(first, last + 1):
                row_start = self.starts[row]
                row_end = self.starts[row + 1] - 1 if row + 1 < len(self.starts) else self.length
                a, b = max(start, row_start), min(end, row_end)
                if b > a:
                    out.setdefault(row, []).append((a - row_start, b - row_start, m.style))
        return out
