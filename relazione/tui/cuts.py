"""What to cut when R40 is over the limit: the longest sentences and the sentences that say the same thing.

Works on sentences with offsets (:class:`relazione.nlp.Sentence` or anything with ``start``, ``end`` and
``text``), so every item can take the editor to its place. Near-duplicates are found on words, not on
embeddings: the view must work without the model, and repeated wording is what a compiler can cut safely.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Protocol

_WORD_RE = re.compile(r"\w+", re.UNICODE)
DUPLICATE_THRESHOLD = 0.72  # word-sequence similarity from which two sentences are near-duplicates
MIN_WORDS = 5  # shorter sentences ("Si veda sopra.") are not worth comparing


class SentenceLike(Protocol):
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class DuplicatePair:
    first: Span
    second: Span
    similarity: float


def _span(s: SentenceLike) -> Span:
    return Span(s.start, s.end, s.text)


def longest(sentences: Sequence[SentenceLike], n: int = 8) -> list[Span]:
    """The ``n`` longest sentences, longest first (ties in text order)."""
    ranked = sorted(sentences, key=lambda s: (-(s.end - s.start), s.start))
    return [_span(s) for s in ranked[:n]]


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text)]


def near_duplicates(sentences: Sequence[SentenceLike], threshold: float = DUPLICATE_THRESHOLD,
                    limit: int = 20) -> list[DuplicatePair]:
    """Sentences that repeat an earlier one: for each, the most similar earlier sentence, when at least
    ``threshold`` similar; most similar first. ``second`` is the repetition, the one to cut.

    The similarity is difflib's ratio over lower-cased words; the cheap upper bounds (``real_quick_ratio``,
    ``quick_ratio``) discard most pairs before the exact ratio, so 60 sentences (a full R40) take a few ms.
    A sentence repeated three times gives two pairs, each pointing at a different copy.
    """
    items = [(s, _words(s.text)) for s in sentences]
    items = [(s, w) for s, w in items if len(w) >= MIN_WORDS]
    pairs: list[DuplicatePair] = []
    for i, (b, wb) in enumerate(items):
        matcher = SequenceMatcher(None, b=wb, autojunk=False)  # b is the side difflib indexes
        best: tuple[float, SentenceLike] | None = None
        for a, wa in items[:i]:
            matcher.set_seq1(wa)
            if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                continue
            ratio = matcher.ratio()
            if ratio >= threshold and (best is None or ratio > best[0]):
                best = (ratio, a)
        if best is not None:
            pairs.append(DuplicatePair(_span(best[1]), _span(b), round(best[0], 3)))
    pairs.sort(key=lambda p: (-p.similarity, p.second.start))
    return pairs[:limit]
