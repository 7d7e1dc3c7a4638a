"""How far can the corpus labels be trusted? A blind second reading of the test split against the original labels,
and the audit's test figures with either reading as the truth. Printed as JSON.

The original labels come from the narratives' writers, who chose the flags and planted the issues first; the
second reading (`corpus/second_reading.jsonl`, see corpus/CARD.md) comes from annotator sessions that saw only
each test narrative's numbered sentences, the codes of its block and the labelling guideline: not the flags, the
original labels or the model. Where the two readings disagree, the test figures measure the labels as much as
the model.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import cohen_kappa_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from relazione import corpus, form, model_files
from relazione.analysis import analyze_many
from relazione.classifier import sentence_labels
from relazione.evaluation import evaluate, evaluate_audit
from relazione.nlp import sentences_many


def agreement(first: Sequence[bool], second: Sequence[bool]) -> dict:
    """Raw agreement, Cohen's kappa and the four cells of two yes/no readings of the same items."""
    a, b = np.asarray(first, bool), np.asarray(second, bool)
    return {"items": int(a.size), "agreement": round(float(np.mean(a == b)), 3),
            "kappa": round(float(cohen_kappa_score(a, b)), 3),
            "both": int(np.sum(a & b)), "original_only": int(np.sum(a & ~b)),
            "second_only": int(np.sum(~a & b)), "neither": int(np.sum(~a & ~b))}


def with_second_reading(item: dict, labels: dict) -> dict:
    """The item with the second reading's labels, and the flag issues those labels imply (the declared ones stay)."""
    declared = [i for i in item["issues"] if i["kind"] not in corpus.DERIVED_KINDS]
    derived = corpus.derived_issues(item["block"], item["flags"], labels, item["r40"])
    return {**item, "labels": labels, "issues": declared + derived}


FLAG_KINDS = ("flag_si_unsupported", "flag_no_but_supported", "altro_without_text")


def main() -> dict:
    items = corpus.load(split="test")
    second = corpus.load_second_reading()
    items = [i for i in items if i["id"] in second]
    recast = [with_second_reading(i, second[i["id"]]) for i in items]

    narrative, by_block = ([], []), {letter: ([], []) for letter in form.BLOCKS}
    sentence = ([], [])
    for item, other, sents in zip(items, recast, sentences_many([i["r40"] for i in items])):
        codes = form.BLOCKS[item["block"]].codes
        for code in codes:
            for pair in (narrative, by_block[item["block"]]):
                pair[0].append(code in item["labels"])
                pair[1].append(code in other["labels"])
        sentence[0].extend(sentence_labels(sents, item["labels"], codes).ravel())
        sentence[1].extend(sentence_labels(sents, other["labels"], codes).ravel())

    confirmed = {}
    for kind in FLAG_KINDS:
        original = [(i["id"], x["code"]) for i in items for x in i["issues"] if x["kind"] == kind]
        recast_issues = {(i["id"], x["code"]) for i in recast for x in i["issues"] if x["kind"] == kind}
        confirmed[kind] = {"planted": len(original), "confirmed_by_second_reading": sum(o in recast_issues
                                                                                      for o in original),
                           "implied_by_second_reading": len(recast_issues)}

    clf = model_files.load()
    analyses = analyze_many([corpus.to_record(i) for i in items], model=clf)
    predictions = [a.motivations for a in analyses]
    model = {"narrative_micro_f1": {}, "audit_flag_kinds": {}}
    for name, truth in (("original", items), ("second_reading", recast)):
        scores = evaluate(clf, truth, predictions=predictions)
        model["narrative_micro_f1"][name] = scores["narrative_level"]["micro"]
        report = evaluate_audit(truth, analyses)["per_kind"]
        model["audit_flag_kinds"][name] = {k: report[k] for k in FLAG_KINDS}
    return {"narratives": len(items),
            "narrative_level": {**agreement(*narrative),
                                "kappa_by_block": {b: agreement(*p)["kappa"] for b, p in by_block.items() if p[0]}},
            "sentence_level": agreement(*sentence),
            "planted_flag_issues": confirmed,
            "model_against_each_reading": model}


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))
