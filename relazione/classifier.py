"""Motivation classifier: which motivations R16–R39 a narrative supports, and which sentences prove it.

The classifier reads the narrative alone (never the flags: checking flags against the text would otherwise be
circular). Every sentence is scored against every code of a block by two heads whose probabilities are combined
by geometric mean:

- an embedding head (scikit-learn, calibrated) over the sentence embedding (:mod:`relazione.embed`), its cosine
  similarity to each code's official label and guideline example (:mod:`relazione.guidelines`), and lexical
  cues the embedding is known to blur: negation, denial of a problem, hypothetical/future wording;
- a lexical head over word and character n-grams (:mod:`relazione.lexical`), which catches the domain words
  the embedding blurs.

There is one pair of heads per block, because near-twin codes (R29/R35, R16/R34, ...) are the same topic and
differ only by the block the figures give; "Altro" also gets a head pooled over the four blocks. Negated
sentences are discounted by a cross-code denial model. A narrative's score for a code is its best sentence's,
and a code is supported when that score reaches the code's threshold, tuned on held-out predictions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from . import form
from .guidelines import EXAMPLES
from .nlp import Sentence, as_sentence, normalize_for_encoding, sentences_many

DEFAULT_THRESHOLD = 0.5
UNKNOWN = -1  # label matrix entry: this sentence says nothing about this code (left out of its head's training)

_PROBLEM_WORDS = re.compile(
    r"\b(difficolt|carenz|problem|criticit|ostacol|mancanz|ritard|disserviz|scopert|vacan|disagi|lacun)", re.I)
_HYPOTHETICAL = re.compile(
    r"\b(potrebbe|potrebbero|potranno|potrà|si valuter|valuterà|intende|intendono|si prevede|prevede di|"
    r"in futuro|nei prossimi|prossimo anno|prossimo esercizio|sarà|saranno|verrà|verranno|allo studio|"
    r"si ipotizza|ipotesi|auspica|si conta di|programmat[oa] per il)\b", re.I)
CUE_NAMES = ("negation", "denial", "hypothetical")
_NEGATION = re.compile(r"\b(?:non|né|nessun'|nessun[oa]?|mai|nemmeno|neppure|neanche)\b\s*", re.I)
_CLAUSE_END = re.compile(r"[,;:.!?()]|\s(?:ma|perché|poiché|in quanto|dato che|bensì|mentre|anzi)\s", re.I)


def negated_clause(text: str) -> str | None:
    """The words a negation applies to, up to the end of its clause ("Non si sono registrate difficoltà di
    reclutamento, ..." -> "si sono registrate difficoltà di reclutamento"); None without a negation."""
    m = _NEGATION.search(text)
    if not m:
        return None
    rest = text[m.end() :]
    end = _CLAUSE_END.search(rest)
    clause = (rest[: end.start()] if end else rest).strip()
    return clause or None


def cue_features(s: Sentence) -> np.ndarray:
    """Negation, denial of a problem ("non si sono registrate difficoltà") and hypothetical wording."""
    negated = s.negated
    denial = negated and bool(_PROBLEM_WORDS.search(s.text))
    return np.array([negated, denial, bool(_HYPOTHETICAL.search(s.text))], dtype=np.float32)


@dataclass
class Evidence:
    start: int
    end: int
    text: str
    score: float


@dataclass
class CodeResult:
    score: float
    supported: bool
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Prediction:
    """The classifier's answer for one narrative: per code, score, decision and evidence sentences."""

    block: str | None
    codes: dict[str, CodeResult]
    sentences: list[Sentence] = field(default_factory=list, repr=False)

    def supported(self) -> list[str]:
        return [c for c, r in self.codes.items() if r.supported]

    def to_dict(self) -> dict[str, Any]:
        return {"block": self.block, "codes": {c: {"score": round(r.score, 4), "supported": r.supported,
                                                   "evidence": [asdict(e) for e in r.evidence]}
                                               for c, r in self.codes.items()}}


def sentence_labels(sents: Sequence[Sentence], labels: dict[str, list[list[int]]], codes: Sequence[str]) -> np.ndarray:
    """0/1 matrix (sentences x codes): a sentence supports a code when a labelled span covers most of it."""
    y = np.zeros((len(sents), len(codes)), dtype=np.int8)
    for j, code in enumerate(codes):
        for start, end in labels.get(code, []):
            for i, s in enumerate(sents):
                overlap = min(end, s.end) - max(start, s.start)
                if overlap > 0.5 * (s.end - s.start):
                    y[i, j] = 1
    return y


class MotivationClassifier:
    """Per-block sentence heads with narrative aggregation (scikit-learn conventions: fit/predict).

    Parameters
    ----------
    encoder : name for :func:`relazione.embed.get_encoder` ("use" by default, "e5-small"), or an object with
        ``id``, ``dim`` and ``encode``.
    C : inverse regularisation of the logistic heads.
    calibration_cv : folds of the sigmoid calibration.
    evidence_floor : sentences scoring at least this are listed as evidence even below the code's threshold, so
        a compiler sees near misses too (every sentence at or above the threshold is always listed).
    lexical : also train TF-IDF heads (:mod:`relazione.lexical`); a sentence's score is then the geometric mean
        of the embedding head's and the lexical head's probabilities.
    lexical_C : inverse regularisation of the lexical heads.
    pooled_altro : score "Altro" also with heads pooled over the four blocks: an Altro head (geometric mean with
        the block's own), averaged with a residual reading, P(the sentence states some cause) x (1 - the best
        other code's score). In 5-fold cross-validation on train+dev, at 0.90 recall, precision on Altro SI flags
        rose from 0.78 to 0.95 and on NO flags (all codes) from 0.87 to 0.98.
    seed : random state, for deterministic training.
    """

    def __init__(self, encoder: Any = "use", *, C: float = 10.0, calibration_cv: int = 3,
                 evidence_floor: float = 0.35, lexical: bool = True, lexical_C: float = 30.0,
                 pooled_altro: bool = True, seed: int = 0) -> None:
        self.encoder = encoder
        self.C = C
        self.lexical = lexical
        self.lexical_C = lexical_C
        self.pooled_altro = pooled_altro
        self.calibration_cv = calibration_cv
        self.evidence_floor = evidence_floor
        self.seed = seed

    # --- encoder and features ------------------------------------------------------------------------

    def _encoder(self):
        """The encoder object, created on first use (a name goes through :func:`relazione.embed.get_encoder`)."""
        if getattr(self, "_enc", None) is None:
            if isinstance(self.encoder, str):
                from .embed import get_encoder

                self._enc = get_encoder(self.encoder)
            else:
                self._enc = self.encoder
        return self._enc

    @property
    def encoder_id(self) -> str:
        return self._encoder().id

    @property
    def encoder_name(self) -> str:
        return self.encoder if isinstance(self.encoder, str) else getattr(self.encoder, "name", self.encoder_id)

    def _reference_vectors(self) -> None:
        enc = self._encoder()
        codes = form.MOTIVATION_CODES
        self.label_vectors_ = enc.encode([form.motivation_label(c) for c in codes])
        self.example_vectors_ = enc.encode([EXAMPLES[c].supports for c in codes])

    def _features(self, vectors: np.ndarray, cues: np.ndarray, block: str) -> np.ndarray:
        """Embedding, similarity to each code's label and example, cues, cues x similarity, and the similarity
        of the negated clause alone.

        ``cues`` holds the cue flags followed by the embedding of the negated clause (zeros when the sentence
        has no negation). The products and the clause similarity let a linear head learn, per code, whether a
        negated sentence close to the code's topic denies it ("i servizi non sono stati digitalizzati": the
        negated clause *is* the topic) or states the problem itself ("il bando non ha avuto candidati").
        """
        idx = [form.MOTIVATION_CODES.index(c) for c in form.BLOCKS[block].codes]
        refs = np.vstack([self.label_vectors_[idx], self.example_vectors_[idx]]).T
        flags, scope = cues[:, : len(CUE_NAMES)], cues[:, len(CUE_NAMES) :]
        sims = vectors @ refs
        negated, hypothetical = flags[:, :1], flags[:, 2:3]
        return np.hstack([vectors, sims, flags, negated * sims, hypothetical * sims, scope @ refs]).astype(np.float32)

    def _encode_sentences(self, sents: Sequence[Sentence]) -> tuple[np.ndarray, np.ndarray]:
        """Sentence vectors, and per sentence the cue flags plus the vector of its negated clause."""
        dim = self._encoder().dim
        if not sents:
            return np.zeros((0, dim), np.float32), np.zeros((0, len(CUE_NAMES) + dim), np.float32)
        scopes = [negated_clause(s.text) if s.negated else None for s in sents]
        wanted = [scope for scope in scopes if scope]
        encoded = iter(self._encoder().encode([normalize_for_encoding(s.text) for s in sents] +
                                              [normalize_for_encoding(w) for w in wanted]))
        vectors = np.vstack([next(encoded) for _ in sents])
        scope_vectors = np.vstack([next(encoded) if scope else np.zeros(dim, np.float32) for scope in scopes])
        flags = np.vstack([cue_features(s) for s in sents])
        return vectors, np.hstack([flags, scope_vectors]).astype(np.float32)

    # --- training ------------------------------------------------------------------------------------

    def _part(self, sents: Sequence[Sentence], y: np.ndarray) -> tuple:
        """One block's training rows: sentence vectors, cues, labels (sentences x codes) and the texts the
        lexical heads read."""
        vectors, cues = self._encode_sentences(sents)
        return vectors, cues, y, [normalize_for_encoding(s.text) for s in sents]

    def _calibrated(self, calibrate: bool = True):
        """The logistic regression every embedding head uses, sigmoid-calibrated unless ``calibrate`` is False."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression

        base = LogisticRegression(C=self.C, max_iter=2000, random_state=self.seed)
        return CalibratedClassifierCV(base, method="sigmoid", cv=self.calibration_cv) if calibrate else base

    def fit(self, narratives: Sequence[dict], sentences: Sequence[dict] = (), progress=None
            ) -> MotivationClassifier:
        """Learn the per-block heads from corpus records (``r40``, ``block``, ``labels``) and labelled single
        sentences (``text``, ``block``, ``code``, ``label``: e.g. negated mentions, label 0).

        ``progress(step, total)`` is called as work advances (the CLI shows a bar with it).
        """
        self._reference_vectors()
        split = sentences_many([n["r40"] for n in narratives])
        total = len(narratives) + len(form.MOTIVATION_CODES)
        per_block: dict[str, list] = {b: [] for b in form.BLOCKS}
        for k, (n, sents) in enumerate(zip(narratives, split)):
            per_block[n["block"]].append(self._part(sents, sentence_labels(sents, n["labels"],
                                                                           form.BLOCKS[n["block"]].codes)))
            if progress:
                progress(k + 1, total)
        self._add_guideline_examples(per_block)
        self._add_sentences(per_block, sentences)
        self.heads_: dict[str, dict[str, Any]] = {}
        done = len(narratives)
        for letter, parts in per_block.items():
            X = np.vstack([self._features(v, c, letter) for v, c, _, _ in parts])
            Y = np.vstack([y for _, _, y, _ in parts])
            self.heads_[letter] = {}
            for j, code in enumerate(form.BLOCKS[letter].codes):
                known = Y[:, j] != UNKNOWN
                positives = int((Y[:, j] == 1).sum())
                # calibration needs each class in every fold; with very few positives the plain head is kept
                head = self._calibrated(positives >= self.calibration_cv)
                self.heads_[letter][code] = head.fit(X[known], Y[known, j])
                done += 1
                if progress:
                    progress(done, total)
        self.denial_ = self._fit_denial(per_block)
        self.lexical_ = {}
        if self.lexical:
            from .lexical import LexicalHead

            for letter, parts in per_block.items():
                texts = [t for *_, ts in parts for t in ts]
                Y = np.vstack([y for _, _, y, _ in parts])
                self.lexical_[letter] = LexicalHead(C=self.lexical_C, seed=self.seed).fit(texts, Y)
        self.altro_ = self._fit_pooled_altro(per_block) if self.pooled_altro else None
        self.thresholds_ = {c: DEFAULT_THRESHOLD for c in form.MOTIVATION_CODES}
        self.audit_thresholds_: dict[str, float] = {}
        return self

    def _fit_pooled_altro(self, per_block: dict[str, list]) -> dict[str, Any]:
        """One "Altro" head (embedding and lexical) over the four blocks' Altro sentences, and the cause head.

        An other cause is other in every block (a flood, a fire, a cyber attack, funds paid late): the topic does
        not depend on the block, and pooling gives the head four times the examples of a per-block one.
        """
        X, y, texts = [], [], []
        for letter, parts in per_block.items():
            j = form.BLOCKS[letter].codes.index(form.BLOCKS[letter].altro)
            for vectors, cues, labels, ts in parts:
                X.append(np.hstack([vectors, cues]))
                y.append(labels[:, j])
                texts += ts
        X, t = np.vstack(X), np.concatenate(y)
        known = t != UNKNOWN
        X, t, texts = X[known], t[known], [text for text, k in zip(texts, known) if k]
        out: dict[str, Any] = {"embedding": self._calibrated().fit(X, t), "cause": self._fit_cause(per_block)}
        if self.lexical:
            from .lexical import LexicalHead

            out["lexical"] = LexicalHead(C=self.lexical_C, seed=self.seed).fit(texts, t[:, None])
        return out

    def _fit_cause(self, per_block: dict[str, list]):
        """P(a sentence is the evidence of some motivation), whichever: the "cause" half of the Altro residual."""
        X, y = [], []
        for parts in per_block.values():
            for vectors, cues, labels, _ in parts:
                cause = (labels == 1).any(axis=1)
                known = cause | (labels != UNKNOWN).all(axis=1)  # a near miss of one code may be another's cause
                X.append(np.hstack([vectors, cues])[known])
                y.append(cause[known].astype(np.int8))
        return self._calibrated().fit(np.vstack(X), np.concatenate(y))

    def _fit_denial(self, per_block: dict[str, list]):
        """One cross-code model of negated sentences: does the negation deny a cause (1) or describe it (0)?

        Learned from every negated training sentence: those supporting a code are descriptions, the others
        denials or unrelated (for which the penalty is harmless). Pooling all codes gives it far more examples
        than any per-code head sees.
        """
        rows, targets = [], []
        for parts in per_block.values():
            for vectors, cues, y, _ in parts:
                negated = cues[:, 0] > 0
                rows.append(np.hstack([vectors, cues])[negated])
                targets.append(((y[negated] == 1).sum(axis=1) == 0).astype(np.int8))
        return self._calibrated(calibrate=False).fit(np.vstack(rows), np.concatenate(targets))

    def _add_guideline_examples(self, per_block: dict[str, list]) -> None:
        """The guideline's example sentences: supporting ones as positives, the others as negatives."""
        for letter, block in form.BLOCKS.items():
            texts, y = [], []
            for j, code in enumerate(block.codes):
                for text, positive in ((EXAMPLES[code].supports, 1), (EXAMPLES[code].not_supports, 0)):
                    row = np.zeros(len(block.codes), np.int8)
                    row[j] = positive
                    texts.append(text)
                    y.append(row)
            per_block[letter].append(self._part([as_sentence(t) for t in texts], np.vstack(y)))

    def _add_sentences(self, per_block: dict[str, list], items: Sequence[dict]) -> None:
        for letter, block in form.BLOCKS.items():
            rows = [it for it in items if it["block"] == letter]
            if not rows:
                continue
            sents = [as_sentence(it["text"]) for it in rows]
            # a sentence written to support a code is a negative for the others; one written as a near miss
            # of a code says nothing of the others (it may well support a sibling code), nor does one marked
            # own_code_only (the second batch of "other causes": as negatives of every other code they lowered
            # those codes' scores, and cross-validated micro-F1 with them, from 0.970 to 0.966)
            y = np.zeros((len(rows), len(block.codes)), np.int8)
            for i, it in enumerate(rows):
                if not it["label"] or it.get("own_code_only"):
                    y[i] = UNKNOWN
                y[i, block.codes.index(it["code"])] = int(it["label"])
            per_block[letter].append(self._part(sents, y))

    def tune_thresholds(self, narratives: Sequence[dict], predictions: Sequence[Prediction] | None = None,
                        grid: Sequence[float] | None = None) -> MotivationClassifier:
        """Per-code thresholds from ``narratives`` none of which this model was fitted on, shrunk halfway
        towards the single best threshold for all codes.

        ``predictions`` are the narratives' held-out predictions when they come from elsewhere (cross-validation:
        ``relazione train`` tunes on out-of-fold predictions over train+dev, then fits on all of it); without
        them the narratives are predicted here. With about 20 narratives per code, pure per-code thresholds
        overfit: in a two-fold check within dev (tune on one half, score the other) the shrunk thresholds scored
        micro-F1 0.928 against 0.910 for per-code and 0.925 for a single global threshold.
        """
        grid = np.round(np.arange(0.2, 0.91, 0.05), 2) if grid is None else np.asarray(grid)
        if predictions is None:
            predictions = self.predict([n["r40"] for n in narratives], [n["block"] for n in narratives])
        rows = {code: [(p.codes[code].score, code in n["labels"]) for p, n in zip(predictions, narratives)
                       if code in form.BLOCKS[n["block"]].codes] for code in form.MOTIVATION_CODES}

        def counts(code: str, t: float) -> tuple[int, int, int]:
            scores = np.array([s for s, _ in rows[code]])
            gold = np.array([g for _, g in rows[code]], dtype=bool)
            pred = scores >= t
            return int(np.sum(pred & gold)), int(np.sum(pred)), int(np.sum(gold))

        def f1(tp: int, predicted: int, gold: int) -> float:
            return 2 * tp / max(1, predicted + gold)

        def best(score) -> float:
            return float(max(grid, key=lambda t: (round(score(t), 6), -abs(t - DEFAULT_THRESHOLD))))

        codes = [c for c in form.MOTIVATION_CODES if any(g for _, g in rows[c])]
        overall = best(lambda t: f1(*map(sum, zip(*(counts(c, t) for c in codes)))))
        for code in codes:
            per_code = best(lambda t, code=code: f1(*counts(code, t)))
            self.thresholds_[code] = round((per_code + overall) / 2, 3)
        return self

    # --- prediction ----------------------------------------------------------------------------------

    def sentence_scores(self, vectors: np.ndarray, cues: np.ndarray, texts: Sequence[str], block: str
                        ) -> np.ndarray:
        """Probability that each sentence supports each code of ``block`` (sentences x codes): the calibrated
        embedding head, combined with the lexical head when there is one, then discounted by the denial model."""
        codes = form.BLOCKS[block].codes
        if len(vectors) == 0:
            return np.zeros((0, len(codes)))
        X = self._features(vectors, cues, block)
        scores = np.column_stack([self.heads_[block][c].predict_proba(X)[:, 1] for c in codes])
        pooled_features = np.hstack([vectors, cues])  # what the cross-block heads (Altro, cause, denial) read
        lexical = getattr(self, "lexical_", {}).get(block)
        if lexical is not None:
            scores = np.sqrt(scores * lexical.predict_proba(texts))
        pooled = getattr(self, "altro_", None)
        if pooled is not None:
            j = codes.index(form.BLOCKS[block].altro)
            altro = pooled["embedding"].predict_proba(pooled_features)[:, 1]
            if "lexical" in pooled:
                altro = np.sqrt(altro * pooled["lexical"].predict_proba(texts)[:, 0])
            altro = np.sqrt(scores[:, j] * altro)
            # residual reading: a cause that no other code of the block claims is an other cause
            others = np.delete(scores, j, axis=1).max(axis=1) if len(codes) > 1 else np.zeros(len(scores))
            residual = pooled["cause"].predict_proba(pooled_features)[:, 1] * (1.0 - others)
            scores[:, j] = (altro + residual) / 2
        negated = cues[:, 0] > 0
        if negated.any():
            denial = self.denial_.predict_proba(pooled_features[negated])[:, 1]
            scores[negated] *= (1.0 - denial)[:, None]
        return scores

    def predict(self, texts: Sequence[str], blocks: Sequence[str | None], *, all_codes: bool = False
                ) -> list[Prediction]:
        """One :class:`Prediction` per text; ``blocks[i]`` None (or ``all_codes``) scores all 24 codes.

        All sentences are encoded in one batched call and each block's heads run once over every sentence that
        needs them, so a batch costs little more than encoding its sentences.
        """
        return self.predict_segmented(sentences_many(list(texts)), blocks, all_codes=all_codes)

    def predict_segmented(self, groups: Sequence[list[Sentence]], blocks: Sequence[str | None], *,
                          all_codes: bool = False) -> list[Prediction]:
        """Like :meth:`predict` for narratives already split into sentences (the TUI keeps them)."""
        flat = [s for g in groups for s in g]
        vectors, cues = self._encode_sentences(flat)
        texts = [normalize_for_encoding(s.text) for s in flat]
        floor = self._evidence_floor()
        bounds = np.cumsum([0] + [len(g) for g in groups])
        wanted = [list(form.BLOCKS) if all_codes or b is None else [b] for b in blocks]
        scores: dict[str, tuple[dict[int, int], np.ndarray]] = {}
        for letter in form.BLOCKS:
            rows = [r for i, w in enumerate(wanted) if letter in w for r in range(bounds[i], bounds[i + 1])]
            if rows:
                scores[letter] = ({r: k for k, r in enumerate(rows)},
                                  self.sentence_scores(vectors[rows], cues[rows], [texts[r] for r in rows], letter))
        out = []
        for i, (sents, block) in enumerate(zip(groups, blocks)):
            codes: dict[str, CodeResult] = {}
            for letter in wanted[i]:
                position, matrix = scores.get(letter, ({}, np.zeros((0, 0))))
                rows = [position[r] for r in range(bounds[i], bounds[i + 1])]
                for j, code in enumerate(form.BLOCKS[letter].codes):
                    codes[code] = self._code_result(code, sents, matrix[rows, j] if rows else np.zeros(0), floor)
            out.append(Prediction(block, codes, list(sents)))
        return out

    def _evidence_floor(self) -> float:
        """``evidence_floor``, lowered if need be so that whatever the audit cites for a NO flag is listed."""
        from .tuning import citation_floor

        return min(self.evidence_floor, citation_floor(getattr(self, "audit_thresholds_", {})))

    def _code_result(self, code: str, sents: list[Sentence], scores: np.ndarray, floor: float) -> CodeResult:
        threshold = self.thresholds_[code]
        best = float(scores.max()) if len(scores) else 0.0
        floor = min(threshold, floor)  # every supporting sentence, plus near misses
        order = np.argsort(-scores) if len(scores) else []
        evidence = [Evidence(sents[i].start, sents[i].end, sents[i].text, round(float(scores[i]), 4))
                    for i in order if scores[i] >= floor]
        return CodeResult(best, best >= threshold, evidence)
