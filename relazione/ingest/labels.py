"""Find where a field's printed label ends, so that values are read only after it.

Labels hold numbers that are not values ("2022-2024", "assegnate per il 2024", "1:6500", "(massimo 6.000
caratteri)", "[1:R03/(R01+R01A)]"). The label text comes from :mod:`relazione.form` plus the few wordings that
prints use and the form model does not (years spelled into the label, §2 of the domain reference); the printed
text is aligned word by word with each variant, tolerating OCR damage, dropped words and stray borders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import form
from .text import Token, is_junk, is_year_token, join_year_ranges, similar, skeleton, tokens

# Wordings printed on some form and absent from the form model (domain reference §2.2–§3.2).
PRINT_VARIANTS: dict[str, tuple[str, ...]] = {
    "R14": ("Risorse aggiuntive trasferite all'Ambito Territoriale Sociale o alla forma di gestione associata",),
    "R16": (("Scelta di amministrazione, dovuta ad una particolare configurazione delle preferenze locali, di "
             "destinare maggiori risorse ai servizi sociali"),),
    "R10": ("Assistenti sociali aggiuntivi (per raggiungimento soglia 1:6.500 ab.)",),
}


@dataclass(frozen=True)
class LabelMatch:
    end: int  # offset in the text just after the last label word
    matched: int  # label words recognised
    size: int  # words in the best label variant

    @property
    def ratio(self) -> float:
        return self.matched / self.size if self.size else 0.0


def _variant_texts(code: str, year: int) -> set[str]:
    fld = form.field_for(code, year)
    if fld is None:
        return set()
    bases = {fld.label, fld.label_for(year), *fld.label_by_year.values(), *PRINT_VARIANTS.get(code, ())}
    if fld.unit in (form.Unit.FLAG, form.Unit.NARRATIVE):
        return bases  # no year is printed in these labels: a year after them is the comune's text
    out: set[str] = set()
    for base in bases:
        out |= {base, f"{base} {year}", base.replace("l'anno", f"il {year}")}
        if " (" in base:  # "Livello di servizio di riferimento 2024 (% di utenti ...)"
            out.add(base.replace(" (", f" {year} (", 1))
    return out


@lru_cache(maxsize=512)
def label_variants(code: str, year: int) -> tuple[tuple[str, ...], ...]:
    """Skeleton word sequences of every printed wording of ``code`` in ``year``."""
    variants = {tuple(s for t in tokens(join_year_ranges(v)) if (s := skeleton(t.text))) for v in
                _variant_texts(code, year)}
    return tuple(sorted(v for v in variants if v))


@lru_cache(maxsize=512)
def label_vocabulary(code: str, year: int) -> frozenset[str]:
    return frozenset(w for v in label_variants(code, year) for w in v)


def match_label(code: str, year: int, text: str) -> LabelMatch:
    """The longest alignment of ``text`` (starting at its beginning) with a printed wording of the label.

    ``text`` may span several lines. Returns end=0 when no label word is found at the start.
    """
    toks = _label_tokens(text)
    best = LabelMatch(0, 0, 1)
    for variant in label_variants(code, year):
        matched, last = _align(toks, variant)
        candidate = LabelMatch(toks[last].end if last >= 0 else 0, matched, len(variant))
        if (candidate.matched, -candidate.size) > (best.matched, -best.size):
            best = candidate
    return best


_LABEL_TOKEN = re.compile(r"20\d\d\s*[-–]\s*20\d\d|\S+")


def _label_tokens(text: str) -> list[Token]:
    """Tokens of ``text`` where '2022 - 2024' counts as one token; offsets refer to ``text`` itself."""
    return [Token(re.sub(r"\s+", "", m.group()), m.start(), m.end()) for m in _LABEL_TOKEN.finditer(text)]


def _align(toks: list[Token], variant: tuple[str, ...]) -> tuple[int, int]:
    """Greedy word alignment; returns (label words matched, index of the last text token of the label)."""
    i = j = matched = 0
    last = -1
    skel = [skeleton(t.text) for t in toks]
    while i < len(toks) and j < len(variant):
        if similar(skel[i], variant[j]):
            matched, last, i, j = matched + 1, i, i + 1, j + 1
        elif is_junk(toks[i].text):
            i += 1
        elif _is_word(variant[j]) and (nxt := _next_word(toks, skel, i + 1)) is not None and similar(
                skel[nxt], variant[j]):
            i = nxt  # an extra printed token (OCR split, a year spelled into the label)
        elif j + 1 < len(variant) and similar(skel[i], variant[j + 1]):
            j += 1  # a label word the print dropped
        elif (_is_word(skel[i]) and j + 1 < len(variant) and (nxt := _next_word(toks, skel, i + 1)) is not None
              and similar(skel[nxt], variant[j + 1])):
            last, i, j = i, i + 1, j + 1  # one word garbled beyond recognition, the next one fine
        else:
            break
    return matched, last


def _next_word(toks: list[Token], skel: list[str], start: int) -> int | None:
    for k in range(start, min(start + 3, len(toks))):
        if not is_junk(toks[k].text):
            return k
    return None


def _is_word(s: str) -> bool:
    return any(c.isalpha() for c in s)


def is_label_line(code: str, year: int, line: str) -> bool:
    """A line made mostly of the label's words (a wrapped label line, not a value)."""
    ws = [skeleton(t) for t in line.split()]
    ws = [w for w in ws if w and not is_year_token(w)]
    if not ws:
        return False
    vocab = label_vocabulary(code, year)
    hits = sum(1 for w in ws if any(similar(w, v) for v in vocab))
    return hits / len(ws) >= 0.6
