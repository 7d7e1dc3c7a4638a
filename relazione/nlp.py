"""Italian text processing for R40 narratives: sentences with offsets, lemmas and negation cues.

Uses spaCy: ``it_core_news_lg`` when it is installed (CC BY-NC-SA; optional, not on the reachable
registries), otherwise ``spacy.blank("it")``, whose tokenizer already knows Italian abbreviations ("n.", "art.",
"ecc.", "D.L."). Sentence boundaries come from our own rule component in both cases, because narratives are
full of what general models get wrong: bullet lists, OCR line wraps, paragraphs without a final period.
Lemmas come from the model when it has a lemmatizer, else from ``simplemma``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

FULL_MODEL = "it_core_news_lg"
SEGMENTER = "relazione_segmenter"

_SHORT_LINE = 80  # characters; wrapped print lines are 100-200 characters long
_FINAL_PUNCT = {".", "!", "?", "…", "...", ";"}
_BULLET_RE = re.compile(r"^(?:[-–—•*·▪◦]|\(?[a-z]\)|\(?\d{1,2}[.)])$")
# A bullet marker glued to its first word ("-il", "•Servizio") is split off by the tokenizer only sometimes.
_BULLET_PREFIX_RE = re.compile(r"^[-–—•*·▪◦]")

NEGATION_CUES = frozenset({"non", "né", "nessun", "nessuno", "nessuna", "mai", "nemmeno", "neppure", "neanche",
                           "alcun", "alcuno", "alcuna"})
# "alcun*" negates only after "non"/"senza" ("non si è registrata alcuna difficoltà") but is harmless alone.


@dataclass(frozen=True)
class Sentence:
    """A sentence of a narrative: character offsets into the original text, never a modified copy."""

    start: int
    end: int
    text: str
    lemmas: tuple[str, ...]
    negation_cues: tuple[str, ...]

    @property
    def negated(self) -> bool:
        return bool(self.negation_cues)


def _is_bullet(tok_text: str) -> bool:
    return bool(_BULLET_RE.match(tok_text)) or (len(tok_text) > 1 and bool(_BULLET_PREFIX_RE.match(tok_text)))


def _segment(doc: Doc) -> Doc:
    """Rule-based sentence starts (see the module docstring); the component registered as SEGMENTER."""
    text = doc.text  # Doc.text is rebuilt on every access
    prev_word = None  # last non-space token seen
    pending_break = ""  # whitespace seen since prev_word
    current = ""  # text of the sentence so far, to keep a bullet marker ("1.", "a)") with its item
    for i, tok in enumerate(doc):
        if tok.is_space:
            pending_break += tok.text
            if i:
                tok.is_sent_start = False
            continue
        if prev_word is None:
            tok.is_sent_start = True
        elif _BULLET_RE.match(current):
            tok.is_sent_start = False
        else:
            nxt = doc[i + 1].text if i + 1 < len(doc) else ""
            marker = tok.text + nxt if nxt in (")", ".") and len(tok.text) <= 2 else tok.text
            line_start = text.rfind("\n", 0, prev_word.idx) + 1
            short_line = prev_word.idx + len(prev_word.text) - line_start < _SHORT_LINE
            tok.is_sent_start = _starts_sentence(prev_word.text, marker, prev_word.whitespace_ + pending_break,
                                                 short_line)
        current = tok.text if tok.is_sent_start else current + tok.text
        prev_word, pending_break = tok, ""
    return doc


def _starts_sentence(prev: str, cur: str, gap: str, short_line: bool = False) -> bool:
    newlines = gap.count("\n")
    if newlines >= 2:  # paragraph break
        return True
    ends_clause = prev in _FINAL_PUNCT or prev.endswith((".", "!", "?"))
    if newlines == 1:
        # a new line starts a sentence after final punctuation or a colon, or when it opens a bullet;
        # otherwise it is a wrapped line (OCR, hard-wrapped prints) and the sentence goes on.
        # A short line followed by a capital is a heading or the last line of a block, not a wrap.
        return _is_bullet(cur) or ends_clause or prev == ":" or (short_line and cur[:1].isupper())
    if prev in {".", "!", "?", "…", "..."}:
        return cur[:1].isupper() or cur[:1].isdigit() or _is_bullet(cur) or cur[:1] in "«\"'("
    return False


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The spaCy pipeline, loaded once: the full Italian model when installed, else a blank one."""
    import spacy
    from spacy.language import Language

    if SEGMENTER not in Language.factories:
        Language.component(SEGMENTER)(_segment)
    try:
        nlp = spacy.load(FULL_MODEL, exclude=["ner"])
        nlp.add_pipe(SEGMENTER, first=True)
    except OSError:
        nlp = spacy.blank("it")
        nlp.add_pipe(SEGMENTER)
    return nlp


def has_full_model() -> bool:
    return "lemmatizer" in load_pipeline().pipe_names


@lru_cache(maxsize=200_000)
def _simple_lemma(word: str) -> str:
    import simplemma

    return simplemma.lemmatize(word, lang="it").lower()


def _sentence(doc: Doc, span) -> Sentence | None:
    words = [t for t in span if not t.is_space]
    if not words:
        return None
    start, end = words[0].idx, words[-1].idx + len(words[-1].text)
    full = has_full_model()
    lemmas = tuple((t.lemma_.lower() if full else _simple_lemma(t.lower_)) for t in words if not t.is_punct)
    cues = tuple(t.lower_ for t in words if t.lower_ in NEGATION_CUES)
    return Sentence(start, end, doc.text[start:end], lemmas, cues)


def sentences(text: str) -> list[Sentence]:
    """Split a narrative into sentences with offsets, lemmas and negation cues."""
    if not text.strip():
        return []
    doc = load_pipeline()(text)
    return [s for span in doc.sents if (s := _sentence(doc, span)) is not None]


def sentences_many(texts: list[str], batch_size: int = 64) -> list[list[Sentence]]:
    """Like :func:`sentences` for many texts, through spaCy's batched ``pipe``."""
    nlp = load_pipeline()
    out: list[list[Sentence]] = []
    for doc in nlp.pipe(texts, batch_size=batch_size):
        out.append([s for span in doc.sents if (s := _sentence(doc, span)) is not None])
    return out


def as_sentence(text: str) -> Sentence:
    """A whole text as one Sentence (for labelled single sentences such as guideline examples)."""
    doc = load_pipeline().make_doc(text.strip())
    return _sentence(doc, doc)


_OCR_FIXES = [
    (re.compile(r"[\[|]\s?[’']"), "l'"),  # "[’ufficio", "|’assistenza": an OCR'd "l'"
    (re.compile(r"[’‘`´]"), "'"),
    (re.compile(r"(?<=\s)&(?=\s)"), "è"),  # "& stato": an OCR'd "è"
    (re.compile(r"(?<=[a-zà-ù]),(?=[a-zà-ù])"), ", "),  # "anno,poi": a lost space
]


def normalize_for_encoding(text: str) -> str:
    """Undo common OCR damage before a sentence is embedded; offsets always refer to the original text."""
    for pattern, replacement in _OCR_FIXES:
        text = pattern.sub(replacement, text)
    return text
