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
from relazione.evaluation import prf
from relazione.tuning import KIND_KEYS, cross_val_predictions, flag_rows, fold_of, kind_counts, redecide, tune

FOLDS = 5


def tuned(narratives: list, predictions: list, negated: list, negated_predictions: list) -> MotivationClassifier:
    """A classifier shell carrying the thresholds `relazione train` would choose from these predictions only."""
    clf = MotivationClassifier("use")
    clf.thresholds_ = {c: 0.5 for c in form.MOTIVATION_CODES}
    return tune(clf, narratives, predictions, negated, negated_predictions)


def main() -> dict:
    pool = corpus.train_and_dev(corpus.load())
    negated = corpus.sentences_as_narratives(corpus.load_sentences(split="dev"))
    predictions = cross_val_predictions(lambda: MotivationClassifier("use"), pool, corpus.training_sentences(),
                                        k=FOLDS, held_out=negated)
    narrative_predictions, negated_predictions = predictions[: len(pool)], predictions[len(pool):]

    in_sample = tuned(pool, narrative_predictions, negated, negated_predictions).audit_thresholds_
    totals = {kind: np.zeros(3, dtype=int) for kind in KIND_KEYS}
    chosen = []
    for fold in range(FOLDS):
        inside = [i for i, n in enumerate(pool) if fold_of(n["id"], FOLDS) != fold]
        outside = [i for i, n in enumerate(pool) if fold_of(n["id"], FOLDS) == fold]
        clf = tuned([pool[i] for i in inside], [narrative_predictions[i] for i in inside], negated,
                    negated_predictions)
        chosen.append({key: t["threshold"] for key, t in clf.audit_thresholds_.items()})
        rows = flag_rows([pool[i] for i in outside],
                         redecide([narrative_predictions[i] for i in outside], clf.thresholds_))
        for kind, counts in kind_counts(rows, clf.audit_thresholds_).items():
            totals[kind] += counts
    return {
        "narratives": len(pool), "folds": FOLDS,
        "as_reported_by_train": {k: {m: in_sample[k][m] for m in ("threshold", "precision", "recall")}
                                 for k in KIND_KEYS},
        # prf's support = planted issues, predicted = findings
        "thresholds_chosen_without_the_fold": {k: prf(*map(int, totals[k])) for k in KIND_KEYS},
        "thresholds_per_fold": chosen,
    }


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))
