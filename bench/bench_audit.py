"""Audit accuracy on the corpus test split's planted issues, and batch speed, printed as JSON.

Accuracy: recall and precision of the audit's findings against the planted issues of the test narratives,
overall and per kind (relazione.evaluation.evaluate_audit), with the audit thresholds the model carries and the
cross-validated figures they were tuned on (relazione.tuning). Speed: `relazione audit` on 300 record files of
about median length, as a separate process (start-up and model loading included), on this machine's cores,
with the peak resident memory of that process.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from relazione import corpus, model_files
from relazione.analysis import analyze_many
from relazione.evaluation import evaluate_audit
from relazione.record import save_record


def accuracy(split: str = "test") -> dict:
    items = corpus.load(split=split)
    model = model_files.load()
    analyses = analyze_many([corpus.to_record(i) for i in items], model=model)
    report = evaluate_audit(items, analyses)
    report["mismatches"] = len(report["mismatches"])
    rounds = sorted({i.get("split_group", 1) for i in items})
    if len(rounds) > 1:  # each writing round's test narratives alone: a later round is a fresh sample
        report["by_writing_round"] = {}
        for group in rounds:
            mine = [(i, a) for i, a in zip(items, analyses) if i.get("split_group", 1) == group]
            part = evaluate_audit([i for i, _ in mine], [a for _, a in mine])
            report["by_writing_round"][str(group)] = {"narratives": len(mine), "overall": part["overall"],
                                                      "per_kind": part["per_kind"]}
    # the thresholds the flag findings used, with the cross-validated figures (train+dev) they were chosen on
    report["audit_thresholds_cv"] = model.audit_thresholds_
    return report


def speed(n: int = 300) -> dict:
    items = corpus.load()
    lengths = sorted(len(i["r40"]) for i in items)
    median = lengths[len(lengths) // 2]
    chosen = sorted(items, key=lambda i: abs(len(i["r40"]) - median))[:n]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "relazioni"
        for i, item in enumerate(chosen * (n // len(chosen) + 1)):
            if i >= n:
                break
            save_record(corpus.to_record(item), folder / f"{i:03d}-{item['id']}.json")
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "relazione.cli", "audit", str(folder), "-f", "json", "-o",
                               str(Path(tmp) / "out.json")], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        out = json.loads((Path(tmp) / "out.json").read_text())
    chosen_lengths = sorted(len(c["r40"]) for c in chosen)
    return {"narratives": n, "corpus_median_chars": median,
            "audited_median_chars": chosen_lengths[len(chosen_lengths) // 2], "exit_code": proc.returncode,
            "wall_s_including_startup": round(wall, 2), "narratives_per_s": round(n / wall, 1),
            "peak_rss_mb_of_audit_process": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
            "files_reported": out["summary"]["files"]}


if __name__ == "__main__":
    print(json.dumps({"accuracy_test": accuracy(), "speed": speed()}, indent=1))
