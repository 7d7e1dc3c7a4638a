"""Decision thresholds of the audit's flag findings, tuned on cross-validated predictions.

The classifier's per-code thresholds answer "does the text support this code?" with the best F1. The audit asks
a sharper question about a *flagged* code: is it so clearly unsupported (SI flag) or so clearly supported
(NO flag) that an auditor should look? Each wrong answer there is a spurious finding, so these decisions get
thresholds of their own, one per finding kind, placed where both audit targets (precision 0.80, recall 0.90 on
planted issues) hold with the widest margin.

Tuning them on the dev split alone would rest on about 15 planted issues per kind; instead every train+dev
narrative is scored by a model that did not see it (k-fold cross-validation), which gives about 50 per kind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import form

# A NO flag on "Altro" gets its own threshold: the Altro heads score lower than the others (an "other cause" is
# any cause, so its sentences are the most varied), and one threshold for both would sacrifice one of them.
NO_ALTRO = "flag_no_but_supported/altro"
AUDIT_KINDS = ("flag_si_unsupported", "altro_without_text", "flag_no_but_supported", NO_ALTRO)
# finding kind -> the threshold keys tuned together for it, and whether a finding fires below the threshold
KIND_KEYS: dict[str, tuple[tuple[str, ...], bool]] = {
    "flag_si_unsupported": (("flag_si_unsupported",), True),
    "altro_without_text": (("altro_without_text",), True),
    "flag_no_but_supported": (("flag_no_but_supported", NO_ALTRO), False),
}
MIN_RECALL = 0.90  # the audit's targets: find nine planted issues in ten ...
MIN_PRECISION = 0.80  # ... and at least four findings in five are real


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
                          k: int = 5, progress: Callable[[int, int], None] | None = None,
                          held_out: Sequence[dict] = ()) -> list[Any]:
    """For each narrative, the prediction (all codes) of a classifier fitted on the other k-1 folds.

    ``held_out`` items (narrative-shaped, never trained on: e.g. the tuning part of the negation sentences) are
    predicted by their own fold's classifier too; their predictions follow the narratives' in the result.
    """
    if k < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, not {k}")
    items = list(narratives) + list(held_out)
    out: list[Any] = [None] * len(items)
    for fold in range(k):
        held = [i for i, n in enumerate(items) if fold_of(n["id"], k) == fold]
        clf = make().fit([n for n in narratives if fold_of(n["id"], k) != fold], sentences)
        for i, p in zip(held, clf.predict([items[i]["r40"] for i in held], [None] * len(held), all_codes=True)):
            out[i] = p
        if progress:
            progress(fold + 1, k)
    return out


def flag_rows(narratives: Sequence[dict], predictions: Sequence[Any]) -> dict[str, list[tuple[float, bool]]]:
    """Per finding kind, (score of the flagged code, is it a planted issue) for every flag of every narrative.

    The scores are those the findings compare with the thresholds (:func:`relazione.consistency.flag_score`),
    which depend on the per-code decisions: ``predictions`` must carry the shipped ones (:func:`redecide`)."""
    from .consistency import flag_score
    from .corpus import to_record

    rows: dict[str, list[tuple[float, bool]]] = {kind: [] for kind in AUDIT_KINDS}
    for item, prediction in zip(narratives, predictions):
        flags = to_record(item).flags
        for code, flag in flags.items():
            if code not in prediction.codes:
                continue
            supported_in_text = code in item["labels"]
            score, _ = flag_score(prediction, flags, item["block"], code)
            if flag == "NO":
                rows[threshold_key("flag_no_but_supported", code)].append((score, supported_in_text))
            elif flag == "SI":
                rows[si_kind(code)].append((score, not supported_in_text))
    return rows


def redecide(predictions: Sequence[Any], thresholds: dict[str, float]) -> list[Any]:
    """The predictions with each code's decision taken at ``thresholds`` (out-of-fold models decide at their own,
    untuned thresholds; the audit must be tuned on the decisions the shipped model will make)."""
    for prediction in predictions:
        for code, result in prediction.codes.items():
            result.supported = result.score >= thresholds[code]
    return list(predictions)


_GRID = np.round(np.arange(0.02, 0.99, 0.01), 2)


def _counts(scores: np.ndarray, gold: np.ndarray, t: float, fires_below: bool) -> np.ndarray:
    fired = scores < t if fires_below else scores >= t
    return np.array([np.sum(fired & gold), np.sum(fired & ~gold), np.sum(~fired & gold)])


def _point(tp: int, fp: int, fn: int) -> dict[str, float]:
    return {"precision": round(tp / max(1, tp + fp), 3), "recall": round(tp / max(1, tp + fn), 3),
            "f1": round(2 * tp / max(1, 2 * tp + fp + fn), 3)}


def best_thresholds(groups: Sequence[Sequence[tuple[float, bool]]], *, fires_below: bool,
                    targets: tuple[float, float] | None = (MIN_PRECISION, MIN_RECALL)
                    ) -> tuple[list[float], dict[str, float]]:
    """One threshold per group of rows (one or two groups), chosen together for the kind they make up.

    With ``targets`` (precision, recall) the combination kept is the one whose worse margin over the two
    targets is the widest (ties: the best F1). The most precise combination that just reaches the recall target
    would sit on the edge of what the tuning data allow, and fall short of it on new data about half the time;
    the widest margin keeps the surplus of one figure as a cushion for the other. Without ``targets``: the best
    F1. Among equally good thresholds (a gap between two scores), the middle one. Returns the thresholds and the
    kind's precision, recall and F1.
    """
    arrays = [(np.array([s for s, _ in g]), np.array([x for _, x in g], dtype=bool)) for g in groups]
    per_group = [{t: _counts(sc, gd, t, fires_below) for t in _GRID} for sc, gd in arrays]
    combos: list[tuple[tuple[float, ...], dict[str, float]]] = []
    grids = [list(_GRID)] * len(groups)
    for ts in (np.array(np.meshgrid(*grids)).reshape(len(groups), -1).T):
        tp, fp, fn = (int(v) for v in sum(per_group[k][float(t)] for k, t in enumerate(ts)))
        combos.append((tuple(float(t) for t in ts), _point(tp, fp, fn)))

    def key(combo) -> tuple[float, float]:
        point = combo[1]
        if targets is None:
            return point["f1"], point["precision"]
        p_min, r_min = targets
        return round(min(point["precision"] - p_min, point["recall"] - r_min), 6), point["f1"]

    top = max(key(c) for c in combos)
    tied = [c for c in combos if key(c) == top]
    # the tied thresholds span the gap between two scores: take the middle of it, not an edge
    middle = np.median(np.array([c[0] for c in tied]), axis=0)
    best = min(tied, key=lambda c: float(np.abs(np.array(c[0]) - middle).sum()))
    return list(best[0]), best[1]


def audit_thresholds(narratives: Sequence[dict], predictions: Sequence[Any], *,
                     targets: tuple[float, float] | None = (MIN_PRECISION, MIN_RECALL)
                     ) -> dict[str, dict[str, float]]:
    """Per threshold key: the tuned threshold, and the cross-validated precision/recall/F1 of its finding kind
    (the two NO keys are tuned together, for flag_no_but_supported as a whole)."""
    rows = flag_rows(narratives, predictions)
    out: dict[str, dict[str, float]] = {}
    for keys, fires_below in KIND_KEYS.values():
        thresholds, point = best_thresholds([rows[key] for key in keys], fires_below=fires_below, targets=targets)
        for key, t in zip(keys, thresholds):
            out[key] = {"threshold": t, **point}
    return out


def kind_counts(rows: dict[str, list[tuple[float, bool]]], thresholds: dict[str, dict[str, float]]
                ) -> dict[str, np.ndarray]:
    """Per finding kind, (true positives, false positives, false negatives) of :func:`flag_rows` rows at given
    audit thresholds: how thresholds chosen elsewhere do on these narratives."""
    out = {}
    for kind, (keys, fires_below) in KIND_KEYS.items():
        out[kind] = sum((_counts(np.array([s for s, _ in rows[key]], dtype=float),
                                 np.array([g for _, g in rows[key]], dtype=bool),
                                 thresholds[key]["threshold"], fires_below) for key in keys), np.zeros(3, int))
    return out


def tune(clf: Any, narratives: Sequence[dict], predictions: Sequence[Any], held_out: Sequence[dict] = (),
         held_out_predictions: Sequence[Any] = ()) -> Any:
    """Set ``clf``'s per-code thresholds and then its audit thresholds from held-out predictions of
    ``narratives`` (plus never-trained ``held_out`` items for the per-code ones), as `relazione train` does.
    The predictions' decisions are re-taken at the new per-code thresholds (:func:`redecide`)."""
    clf.tune_thresholds(list(narratives) + list(held_out), list(predictions) + list(held_out_predictions))
    clf.audit_thresholds_ = audit_thresholds(narratives, redecide(predictions, clf.thresholds_))
    return clf


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
