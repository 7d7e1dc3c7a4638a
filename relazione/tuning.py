"""Decision thresholds of the audit's flag findings, tuned on cross-validated predictions.

The classifier's per-code thresholds answer "does the text support this code?" with the best F1. The audit asks
a sharper question about a *flagged* code: is it so clearly unsupported (SI flag) or so clearly supported
(NO flag) that an auditor should look? Each wrong answer there is a spurious finding, so these decisions get
thresholds of their own, one per finding kind, chosen for the best F1 on planted issues.

Tuning them on the dev split alone would rest on about 15 planted issues per kind; instead every train+dev
narrative is scored by a model that did not see it (k-fold cross-validation), which gives about 50 per kind.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable, Sequence

import numpy as np

from . import form

# A NO flag on "Altro" gets its own threshold: the Altro heads score lower than the others (an "other cause" is
# any cause, so its sentences are the most varied), and one threshold for both would sacrifice one of them.
NO_ALTRO = "flag_no_but_supported/altro"
AUDIT_KINDS = ("flag_si_unsupported", "altro_without_text", "flag_no_but_supported", NO_ALTRO)
MIN_RECALL = 0.90  # the audit's target: find nine planted issues in ten, then be as precise as possible


def si_kind(code: str) -> str:
    """The finding kind of an SI flag the text does not support: Altro has its own."""
    return "altro_without_text" if code in form.ALTRO_CODES else "flag_si_unsupported"


def citation_floor(thresholds: dict[str, dict[str, float]]) -> float:
    """The lowest score at which a NO-flag finding can fire: the classifier must list evidence down to it, since
    the finding cites its best sentence (1.0 without tuned thresholds)."""
    return min([1.0] + [t["threshold"] for key, t in thresholds.items() if key.startswith("flag_no_but_supported")])


def threshold_key(kind: str, code: str) -> str:
    """The key of :data:`AUDIT_KINDS` whose threshold decides a finding of ``kind`` on ``code``."""
    return NO_ALTRO if kind == "flag_no_but_supported" and code in form.ALTRO_CODES else kind


def fold_of(item_id: str, k: int) -> int:
    """A fixed fold per narrative id, so reruns and machines agree."""
    return int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % k


def cross_val_predictions(make: Callable[[], Any], narratives: Sequence[dict], sentences: Sequence[dict] = (),
                          k: int = 5, progress: Callable[[int, int], None] | None = None) -> list[Any]:
    """For each narrative, the prediction (all codes) of a classifier fitted on the other k-1 folds."""
    out: list[Any] = [None] * len(narratives)
    for fold in range(k):
        held = [i for i, n in enumerate(narratives) if fold_of(n["id"], k) == fold]
        clf = make().fit([n for n in narratives if fold_of(n["id"], k) != fold], sentences)
        for i, p in zip(held, clf.predict([narratives[i]["r40"] for i in held], [None] * len(held),
                                          all_codes=True)):
            out[i] = p
        if progress:
            progress(fold + 1, k)
    return out


def flag_rows(narratives: Sequence[dict], predictions: Sequence[Any]) -> dict[str, list[tuple[float, bool]]]:
    """Per finding kind, (score of the flagged code, is it a planted issue) for every flag of every narrative."""
    from .corpus import to_record

    rows: dict[str, list[tuple[float, bool]]] = {kind: [] for kind in AUDIT_KINDS}
    for item, prediction in zip(narratives, predictions):
        for code, flag in to_record(item).flags.items():
            if code not in prediction.codes:
                continue
            supported_in_text = code in item["labels"]
            score = prediction.codes[code].score
            if flag == "NO":
                rows[threshold_key("flag_no_but_supported", code)].append((score, supported_in_text))
            elif flag == "SI":
                rows[si_kind(code)].append((score, not supported_in_text))
    return rows


_GRID = np.round(np.arange(0.02, 0.99, 0.01), 2)


def _counts(scores: np.ndarray, gold: np.ndarray, t: float, fires_below: bool) -> np.ndarray:
    fired = scores < t if fires_below else scores >= t
    return np.array([np.sum(fired & gold), np.sum(fired & ~gold), np.sum(~fired & gold)])


def _point(tp: int, fp: int, fn: int) -> dict[str, float]:
    return {"precision": round(tp / max(1, tp + fp), 3), "recall": round(tp / max(1, tp + fn), 3),
            "f1": round(2 * tp / max(1, 2 * tp + fp + fn), 3)}


def best_thresholds(groups: Sequence[Sequence[tuple[float, bool]]], *, fires_below: bool,
                    min_recall: float | None = MIN_RECALL) -> tuple[list[float], dict[str, float]]:
    """One threshold per group of rows (one or two groups), chosen together for the kind they make up: the
    most precise combination whose recall reaches ``min_recall`` (the best F1 when none does, or when
    ``min_recall`` is None). Returns the thresholds and the kind's precision, recall and F1."""
    arrays = [(np.array([s for s, _ in g]), np.array([x for _, x in g], dtype=bool)) for g in groups]
    per_group = [{t: _counts(sc, gd, t, fires_below) for t in _GRID} for sc, gd in arrays]
    combos: list[tuple[tuple[float, ...], dict[str, float]]] = []
    grids = [list(_GRID)] * len(groups)
    for ts in (np.array(np.meshgrid(*grids)).reshape(len(groups), -1).T):
        tp, fp, fn = (int(v) for v in sum(per_group[k][float(t)] for k, t in enumerate(ts)))
        combos.append((tuple(float(t) for t in ts), _point(tp, fp, fn)))
    eligible = [c for c in combos if min_recall is not None and c[1]["recall"] >= min_recall]
    key = (lambda c: (c[1]["precision"], c[1]["f1"])) if eligible else (lambda c: (c[1]["f1"], c[1]["precision"]))
    best = max(eligible or combos, key=key)
    return list(best[0]), best[1]


def audit_thresholds(narratives: Sequence[dict], predictions: Sequence[Any], *,
                     min_recall: float | None = MIN_RECALL) -> dict[str, dict[str, float]]:
    """Per threshold key: the tuned threshold, and the cross-validated precision/recall/F1 of its finding kind
    (the two NO keys are tuned together, for flag_no_but_supported as a whole)."""
    rows = flag_rows(narratives, predictions)
    out: dict[str, dict[str, float]] = {}
    for kind in ("flag_si_unsupported", "altro_without_text"):
        (t,), point = best_thresholds([rows[kind]], fires_below=True, min_recall=min_recall)
        out[kind] = {"threshold": t, **point}
    (t_no, t_altro), point = best_thresholds([rows["flag_no_but_supported"], rows[NO_ALTRO]], fires_below=False,
                                             min_recall=min_recall)
    out["flag_no_but_supported"] = {"threshold": t_no, **point}
    out[NO_ALTRO] = {"threshold": t_altro, **point}
    return out


def thresholds_markdown(thresholds: dict[str, dict[str, float]], folds: int) -> str:
    """The audit thresholds as a table for the model card, with the cross-validated figures they reached."""
    rows = [f"| `{key}` | {t['threshold']:.2f} | {t['precision']:.3f} | {t['recall']:.3f} | {t['f1']:.3f} |"
            for key, t in thresholds.items()]
    return "\n".join([
        f"Generated by `relazione train` ({folds}-fold cross-validation on train+dev); do not edit by hand. "
        "Precision, recall and F1 are those of the whole finding kind (the two NO keys are tuned together).",
        "",
        "| Threshold key | Threshold | CV precision | CV recall | CV F1 |",
        "|---|---|---|---|---|",
        *rows,
    ])
