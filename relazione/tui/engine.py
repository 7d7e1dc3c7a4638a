"""Analysis for the drafting assistant: the model loader, the analyser run in a worker thread, the panel rows.

The TUI calls :func:`relazione.analysis.analyze` like every front end; this module only adds what an
interactive editor needs around it:

- :func:`load_classifier` loads the shipped model with a single-threaded encoder (BLAS threads fighting the
  UI thread for two cores made one sentence cost 100-200 ms instead of 4 ms) and warms up spaCy and the
  encoder weights, so the first analysis after loading is not the slow one;
- :class:`Analyzer` serialises analyses (a superseded worker thread may still be running) and limits BLAS to
  one thread while it runs; the classifier's encoder is a ``CachedEncoder``, so an edit re-encodes only the
  sentences that changed;
- :func:`motivation_rows` turns decision, flags and prediction into what the side panel shows.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import form

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis import Analysis
    from ..classifier import Prediction
    from ..record import Record


def load_classifier(folder: Path | None = None, *, warm_up: bool = True) -> Any:
    """The trained classifier, ready to predict; raises ModelError when it is missing or unusable."""
    from .. import model_files

    folder = folder or model_files.MODELS_DIR
    meta = model_files.read_meta(folder)
    encoder = None
    if meta.get("encoder_name") == "use":
        from ..embed import CachedEncoder, UseEncoder

        encoder = CachedEncoder(UseEncoder(threads=1))
    clf = model_files.load(folder, encoder=encoder)
    if warm_up:
        clf.predict(["Il Comune ha avviato il servizio."], [None], all_codes=True)
    return clf


class Analyzer:
    """Runs :func:`relazione.analysis.analyze` for the editor, one analysis at a time."""

    def __init__(self, model: Any = None) -> None:
        self.model = model
        self._lock = threading.Lock()
        self.last_seconds: float | None = None

    def run(self, record: Record) -> Analysis:
        """The analysis of ``record``, with skeleton placeholders blanked (see ``skeleton.mask_placeholders``).

        The returned analysis holds the masked record; its offsets are valid in ``record.r40`` too.
        """
        from ..analysis import analyze
        from .skeleton import mask_placeholders

        masked = mask_placeholders(record.r40)
        if masked != record.r40:
            record = record.model_copy(update={"r40": masked})
        with self._lock:
            start = time.perf_counter()
            if self.model is None:
                result = analyze(record)
            else:
                from threadpoolctl import threadpool_limits

                with threadpool_limits(limits=1, user_api="blas"):
                    result = analyze(record, model=self.model)
            self.last_seconds = time.perf_counter() - start
            return result


@dataclass(frozen=True)
class MotivationRow:
    """One code of the side panel: flag, how strongly the text supports it, and where."""

    code: str
    label: str
    flag: str | None  # "SI", "NO" or None (not filled in)
    score: float | None  # None without a model
    supported: bool | None
    evidence: tuple[tuple[int, int, float, bool], ...] = ()  # (start, end, score, reaches threshold), best first
    in_block: bool = True

    @property
    def is_altro(self) -> bool:
        return self.code in form.ALTRO_CODES

    @property
    def needs_text(self) -> bool:
        """SI, but the text does not support it (the skeleton command helps here)."""
        return self.flag == "SI" and self.supported is False

    @property
    def contradicts(self) -> bool:
        """NO, but the text supports it."""
        return self.flag == "NO" and self.supported is True


def short_label(code: str, width: int = 60) -> str:
    label = form.motivation_label(code)
    if code in form.ALTRO_CODES:
        return "Altro (da spiegare nella relazione)"
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


def motivation_rows(decision: form.BlockDecision, flags: Mapping[str, str], prediction: Prediction | None,
                    thresholds: Mapping[str, float] | None = None) -> list[MotivationRow]:
    """The block's codes in form order, then any flagged code outside it (marked ``in_block=False``).

    Evidence sentences below the code's threshold (near misses, listed by the classifier too) are marked
    weak; without ``thresholds`` only the best sentence of a supported code counts as strong.
    """
    codes = list(decision.block.codes) if decision.block else []
    extra = sorted(c for c in flags if c not in codes)
    rows = []
    for code in codes + extra:
        result = prediction.codes.get(code) if prediction is not None else None
        rows.append(MotivationRow(
            code=code,
            label=form.motivation_label(code),
            flag=flags.get(code),
            score=result.score if result else None,
            supported=result.supported if result else None,
            evidence=tuple((e.start, e.end, e.score, _strong(e.score, k, result, (thresholds or {}).get(code)))
                           for k, e in enumerate(result.evidence)) if result else (),
            in_block=code in codes,
        ))
    return rows


def _strong(score: float, rank: int, result: Any, threshold: float | None) -> bool:
    if threshold is not None:
        return score >= threshold
    return bool(result.supported) and rank == 0


def hints(count: Any, rows: list[MotivationRow]) -> list[str]:
    """What to do next, in Italian, shown while nothing is selected: cut, explain SI codes, check NO codes."""
    out = []
    if count.level == "over":
        out.append(f"Oltre il limite di {count.excess} caratteri: F7 mostra le frasi più lunghe e quelle "
                   "quasi duplicate da tagliare.")
    missing = [r.code for r in rows if r.needs_text]
    if missing:
        out.append(f"SI senza sostegno nel testo: {', '.join(missing)}. F6 inserisce uno schema da completare.")
    contradicted = [r.code for r in rows if r.contradicts]
    if contradicted:
        out.append(f"NO ma sostenute dal testo: {', '.join(contradicted)}. F2 per vederle.")
    outside = [r.code for r in rows if not r.in_block]
    if outside:
        out.append(f"Fuori dal blocco dei numeri: {', '.join(outside)}.")
    return out


def first_needing_text(rows: list[MotivationRow]) -> MotivationRow | None:
    return next((r for r in rows if r.needs_text), None)
