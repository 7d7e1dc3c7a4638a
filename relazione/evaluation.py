"""Accuracy of the motivation classifier: per-code precision/recall/F1, micro and macro, at narrative and
sentence level, plus how often negated mentions are counted as support.

Kept apart from the classifier so that `relazione eval`, the bench scripts and the model card share one
definition of every figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import form
from .classifier import MotivationClassifier, Prediction, cue_features, sentence_labels


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall, F1, support (gold positives) and predicted positives: with neither, the 0.0 figures
    mean "nothing to measure", not a failure."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn,
            "predicted": tp + fp}


def _summary(counts: dict[str, list[int]]) -> dict[str, Any]:
    per_code = {c: prf(*counts[c]) for c in form.MOTIVATION_CODES if c in counts}
    tp, fp, fn = (sum(v[i] for v in counts.values()) for i in range(3))
    scored = [m["f1"] for m in per_code.values() if m["support"]]
    return {"micro": prf(tp, fp, fn), "macro_f1": round(float(np.mean(scored)), 4) if scored else 0.0,
            "per_code": per_code}


def evaluate(clf: MotivationClassifier, narratives: Sequence[dict], probes: Sequence[dict] = (),
             predictions: Sequence[Prediction] | None = None) -> dict[str, Any]:
    """Scores ``narratives`` (corpus records) in their own block; ``probes`` are negated mentions
    (``{"text", "block", "code"}``) that must not be counted as support.

    ``predictions`` replace the classifier's own (e.g. out-of-fold predictions, for cross-validated figures);
    decisions always use ``clf``'s thresholds."""
    preds = predictions if predictions is not None else clf.predict([n["r40"] for n in narratives],
                                                                    [n["block"] for n in narratives])
    doc_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    sent_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    negated_total = negated_fp = 0
    for n, p in zip(narratives, preds):
        codes = form.BLOCKS[n["block"]].codes
        for code in codes:
            _count(doc_counts[code], code in n["labels"], p.codes[code].score >= clf.thresholds_[code])
        gold = sentence_labels(p.sentences, n["labels"], codes)
        predicted = _sentence_decisions(clf, p, codes)
        for j, code in enumerate(codes):
            for g, s in zip(gold[:, j], predicted[:, j]):
                _count(sent_counts[code], bool(g), bool(s))
        for i, sent in enumerate(p.sentences):
            if not gold[i].any() and cue_features(sent)[1]:  # an unlabelled denial of a problem
                negated_total += 1
                negated_fp += bool(predicted[i].any())
    probe_hits = 0
    if probes:
        probe_preds = clf.predict([q["text"] for q in probes], [q["block"] for q in probes])
        probe_hits = sum(any(clf.thresholds_[q["code"]] <= e.score for e in pp.codes[q["code"]].evidence)
                         for q, pp in zip(probes, probe_preds))
    return {
        "narratives": len(narratives),
        "narrative_level": _summary(doc_counts),
        "sentence_level": _summary(sent_counts),
        "negation": {
            "probes": len(probes),
            "probes_counted_as_support": probe_hits,
            "probe_rate": round(probe_hits / len(probes), 4) if probes else None,
            "corpus_denials": negated_total,
            "corpus_denials_counted_as_support": negated_fp,
            "corpus_rate": round(negated_fp / negated_total, 4) if negated_total else None,
        },
    }


def _count(cell: list[int], gold: bool, pred: bool) -> None:
    cell[0] += gold and pred
    cell[1] += pred and not gold
    cell[2] += gold and not pred


def _sentence_decisions(clf: MotivationClassifier, p: Prediction, codes: Sequence[str]) -> np.ndarray:
    """Sentence x code decisions: a sentence counts when it is evidence at or above the code's threshold."""
    index = {(s.start, s.end): i for i, s in enumerate(p.sentences)}
    out = np.zeros((len(p.sentences), len(codes)), dtype=bool)
    for j, code in enumerate(codes):
        for e in p.codes[code].evidence:
            if e.score >= clf.thresholds_[code]:
                out[index[(e.start, e.end)], j] = True
    return out


def markdown_table(report: dict[str, Any]) -> str:
    """Per-code figures as a Markdown table for models/CARD.md."""
    doc, sent = report["narrative_level"], report["sentence_level"]
    lines = ["| Code | Narrative P | Narrative R | Narrative F1 | Support | Sentence P | Sentence R | Sentence F1 |",
             "|---|---|---|---|---|---|---|---|"]
    for code in form.MOTIVATION_CODES:
        d, s = doc["per_code"].get(code), sent["per_code"].get(code)
        if d is None:
            continue
        lines.append(f"| {code} | {d['precision']:.2f} | {d['recall']:.2f} | {d['f1']:.2f} | {d['support']} | "
                     f"{s['precision']:.2f} | {s['recall']:.2f} | {s['f1']:.2f} |")
    lines.append(f"| **micro** | {doc['micro']['precision']:.3f} | {doc['micro']['recall']:.3f} | "
                 f"{doc['micro']['f1']:.3f} | {doc['micro']['support']} | {sent['micro']['precision']:.3f} | "
                 f"{sent['micro']['recall']:.3f} | {sent['micro']['f1']:.3f} |")
    lines.append(f"| **macro F1** | | | {doc['macro_f1']:.3f} | | | | {sent['macro_f1']:.3f} |")
    neg = report["negation"]
    lines += ["", f"Negated mentions counted as support: {neg['probes_counted_as_support']} of {neg['probes']} "
              f"probe sentences ({(neg['probe_rate'] or 0):.1%}); {neg['corpus_denials_counted_as_support']} of "
              f"{neg['corpus_denials']} unlabelled denials in the test narratives "
              f"({(neg['corpus_rate'] or 0):.1%})."]
    return "\n".join(lines)


def load_probes(path=None) -> list[dict]:
    """Negated mentions written for evaluation only (never trained on)."""
    import json

    from .corpus import CORPUS_DIR

    path = path or CORPUS_DIR / "negation_probes.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


PLANTED_KINDS = ("flag_si_unsupported", "flag_no_but_supported", "altro_without_text", "over_limit",
                 "numbers_contradict_text", "wrong_block_numbers")
_CODELESS = {"over_limit", "wrong_block_numbers"}
_SAME_FIELD = {"R02": "users", "R0B": "users"}


def _issue_key(kind: str, code: str | None) -> tuple[str, str | None]:
    if kind in _CODELESS:
        return kind, None
    return kind, _SAME_FIELD.get(code or "", code)


def evaluate_audit(items: Sequence[dict], analyses: Sequence[Any]) -> dict[str, Any]:
    """Recall and precision of the audit's findings against the corpus's planted issues, overall and per kind.

    A finding matches a planted issue of the same kind and code (codes are ignored for over_limit and
    wrong_block_numbers; R02/R0B both mean the users' total). Only findings of the planted kinds count.
    """
    counts: dict[str, list[int]] = {k: [0, 0, 0] for k in PLANTED_KINDS}
    misses: list[dict] = []
    for item, analysis in zip(items, analyses):
        gold = {_issue_key(i["kind"], i.get("code")) for i in item["issues"]}
        found = {_issue_key(f.kind, f.code) for f in analysis.findings if f.kind in PLANTED_KINDS}
        for kind in PLANTED_KINDS:
            g = {k for k in gold if k[0] == kind}
            p = {k for k in found if k[0] == kind}
            counts[kind][0] += len(g & p)
            counts[kind][1] += len(p - g)
            counts[kind][2] += len(g - p)
        if gold != found:
            misses.append({"id": item["id"], "missed": sorted(map(str, gold - found)),
                           "spurious": sorted(map(str, found - gold))})
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    return {"narratives": len(items), "overall": prf(tp, fp, fn),
            "per_kind": {k: prf(*c) for k, c in counts.items()}, "mismatches": misses}
