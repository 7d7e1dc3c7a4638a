"""How optimistic are the cross-validated audit figures that `relazione train` reports? Printed as JSON.

`relazione train` chooses the per-code and audit thresholds on the same out-of-fold predictions it then reports
precision and recall on, so those figures include the luck of the choice. Here each fold's findings are judged
with thresholds chosen on the other folds only (the out-of-fold predictions are the same, from the train
command's 5-fold cross-validation over train+dev), which removes that selection effect. The test split is never
read. About 3 minutes on 2 cores.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from relazione import corpus, form
from relazione.classifier import MotivationClassifier
from relazione.tuning import (
    NO_ALTRO,
    _counts,
    _point,
    audit_thresholds,
    cross_val_predictions,
    flag_rows,
    fold_of,
    redecide,
)

FOLDS = 5
# finding kind -> the threshold keys whose rows it gathers, and whether a finding fires below the threshold
KINDS = {"flag_si_unsupported": (("flag_si_unsupported",), True),
         "altro_without_text": (("altro_without_text",), True),
         "flag_no_but_supported": (("flag_no_but_supported", NO_ALTRO), False)}


def thresholds_from(narratives: list[dict], predictions: list, negated: list[dict], negated_predictions: list):
    """Per-code and audit thresholds chosen as `relazione train` chooses them, from these predictions only."""
    clf = MotivationClassifier("use")
    clf.thresholds_ = {c: 0.5 for c in form.MOTIVATION_CODES}
    clf.tune_thresholds(narratives + negated, predictions + negated_predictions)
    audit = audit_thresholds(narratives, redecide(predictions, clf.thresholds_))
    return dict(clf.thresholds_), audit


def main() -> dict:
    pool = corpus.train_and_dev(corpus.load())
    negated = corpus.sentences_as_narratives(corpus.load_sentences(split="dev"))
    predictions = cross_val_predictions(lambda: MotivationClassifier("use"), pool, corpus.training_sentences(),
                                        k=FOLDS, held_out=negated)
    narrative_predictions, negated_predictions = predictions[: len(pool)], predictions[len(pool):]

    _, in_sample = thresholds_from(pool, narrative_predictions, negated, negated_predictions)
    totals = {kind: np.zeros(3, dtype=int) for kind in KINDS}
    chosen = []
    for fold in range(FOLDS):
        inside = [i for i, n in enumerate(pool) if fold_of(n["id"], FOLDS) != fold]
        outside = [i for i, n in enumerate(pool) if fold_of(n["id"], FOLDS) == fold]
        per_code, audit = thresholds_from([pool[i] for i in inside], [narrative_predictions[i] for i in inside],
                                          negated, negated_predictions)
        chosen.append({key: audit[key]["threshold"] for key in audit})
        rows = flag_rows([pool[i] for i in outside], redecide([narrative_predictions[i] for i in outside], per_code))
        for kind, (keys, below) in KINDS.items():
            for key in keys:
                scores = np.array([s for s, _ in rows[key]], dtype=float)
                gold = np.array([g for _, g in rows[key]], dtype=bool)
                totals[kind] += _counts(scores, gold, audit[key]["threshold"], below)
    return {
        "narratives": len(pool), "folds": FOLDS,
        "as_reported_by_train": {k: {m: in_sample[k][m] for m in ("threshold", "precision", "recall")}
                                 for k in KINDS},
        "thresholds_chosen_without_the_fold": {
            k: {**_point(*map(int, totals[k])), "planted": int(totals[k][0] + totals[k][2]),
                "findings": int(totals[k][0] + totals[k][1])} for k in KINDS},
        "thresholds_per_fold": chosen,
    }


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))
