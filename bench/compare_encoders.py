"""Choose the sentence encoder on the corpus dev split: accuracy of the classifier with each encoder, and speed.

For each encoder and each regularisation C, the classifier is trained on train and scored on dev twice: with
the default 0.5 thresholds (a fair comparison) and with thresholds tuned on dev (optimistic, same for all).
Prints JSON. Usage: python bench/compare_encoders.py [use e5-small]
"""

from __future__ import annotations

import json
import sys
import time

from relazione import corpus
from relazione.classifier import MotivationClassifier
from relazione.embed import get_encoder
from relazione.evaluation import evaluate
from relazione.nlp import sentences_many


def main(names: list[str]) -> dict:
    train, dev = corpus.load(split="train"), corpus.load(split="dev")
    dev_sentences = [s.text for group in sentences_many([r["r40"] for r in dev]) for s in group]
    out = {"train_narratives": len(train), "dev_narratives": len(dev), "encoders": {}}
    for name in names:
        enc = get_encoder(name)
        t0 = time.perf_counter()
        enc.encode(["Prova di caricamento."])
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        get_encoder(name, cached=False).encode(dev_sentences)
        speed = len(dev_sentences) / (time.perf_counter() - t0)
        runs = {}
        for c in (0.3, 1.0, 3.0, 10.0):
            clf = MotivationClassifier(enc, C=c).fit(train)
            default = evaluate(clf, dev)["narrative_level"]
            tuned = evaluate(clf.tune_thresholds(dev), dev)["narrative_level"]
            runs[str(c)] = {"default_thresholds": {"micro_f1": default["micro"]["f1"], "macro_f1": default["macro_f1"]},
                            "dev_tuned_thresholds": {"micro_f1": tuned["micro"]["f1"], "macro_f1": tuned["macro_f1"]}}
        out["encoders"][name] = {"id": enc.id, "dim": enc.dim, "load_s": round(load_s, 2),
                                 "sentences_per_s": round(speed, 1), "dev": runs}
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:] or ["use", "e5-small"]), indent=1))
