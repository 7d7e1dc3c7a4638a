"""Accuracy and speed of the shipped classifier (models/), printed as JSON.

Accuracy: narrative- and sentence-level P/R/F1 on the corpus test split, negated mentions counted as support.
Speed (2 cores): a 6,000-character narrative, warm model, median of 20 (embedding cache emptied before each
run, and with the cache warm, as in the TUI); batch throughput over the corpus narratives; the encoder's raw
throughput on the same sentences (the ceiling) and our share of it; cold start of `relazione classify`.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from relazione import corpus, model_files
from relazione.embed import get_encoder
from relazione.evaluation import evaluate, load_probes
from relazione.nlp import sentences, sentences_many


def long_narrative(records: list[dict], limit: int = 6000) -> str:
    """About 6,000 characters of real corpus text, cut at a sentence end."""
    text = "\n\n".join(r["r40"] for r in sorted(records, key=lambda r: -len(r["r40"])))
    cut = [s.end for s in sentences(text[: limit + 500]) if s.end <= limit]
    return text[: cut[-1]]


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> dict:
    t0 = time.perf_counter()
    clf = model_files.load()
    clf._encoder().encode(["avvio"])
    load_s = time.perf_counter() - t0
    records = corpus.load()
    test = [r for r in records if r["split"] == "test"]
    accuracy = evaluate(clf, test, load_probes())
    cache = clf._encoder()

    text = long_narrative(records)
    clf.predict([text], ["D"])

    def cold_cache():
        cache.clear()
        clf.predict([text], ["D"])

    long_cold = timed(cold_cache, 20)
    long_warm = timed(lambda: clf.predict([text], ["D"]), 20)

    pool = [r for r in records if r["split"] != "train"] or records
    lengths = sorted(len(r["r40"]) for r in pool)
    cache.clear()
    t0 = time.perf_counter()
    clf.predict([r["r40"] for r in pool], [r["block"] for r in pool])
    batch_s = time.perf_counter() - t0
    sents = [s.text for group in sentences_many([r["r40"] for r in pool]) for s in group]
    raw = get_encoder(clf.encoder_name, cached=False)
    raw.encode(["avvio"])
    t0 = time.perf_counter()
    raw.encode(sents)
    encode_s = time.perf_counter() - t0

    example = ROOT / "examples" / "blocco-d-lagoscuro-2021.json"
    cold_cli = timed(lambda: subprocess.run([sys.executable, "-m", "relazione.cli", "classify", str(example)],
                                            check=True, capture_output=True), 3)
    return {
        "encoder": clf.encoder_id,
        "accuracy_test": {
            "narratives": accuracy["narratives"],
            "narrative_micro_f1": accuracy["narrative_level"]["micro"]["f1"],
            "narrative_macro_f1": accuracy["narrative_level"]["macro_f1"],
            "sentence_micro_f1": accuracy["sentence_level"]["micro"]["f1"],
            "sentence_macro_f1": accuracy["sentence_level"]["macro_f1"],
            "negation": accuracy["negation"],
        },
        "speed": {
            "model_load_s": round(load_s, 3),
            "long_narrative_chars": len(text),
            "long_narrative_sentences": len(sentences(text)),
            "long_narrative_ms_median_empty_cache": round(statistics.median(long_cold) * 1000, 1),
            "long_narrative_ms_median_warm_cache": round(statistics.median(long_warm) * 1000, 1),
            "batch_narratives": len(pool),
            "batch_median_chars": lengths[len(lengths) // 2],
            "batch_narratives_per_s": round(len(pool) / batch_s, 1),
            "encoder_only_narratives_per_s": round(len(pool) / encode_s, 1),
            "encoder_only_sentences_per_s": round(len(sents) / encode_s, 1),
            "share_of_encoder_throughput": round(encode_s / batch_s, 3),
            "classify_cli_cold_start_s_median_of_3": round(statistics.median(cold_cli), 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        },
    }


def speed_markdown(result: dict) -> str:
    sp = result["speed"]
    return "\n".join([
        "| Measure | Value |", "|---|---|",
        f"| 6,000-character narrative ({sp['long_narrative_chars']} chars, "
        f"{sp['long_narrative_sentences']} sentences), "
        f"warm model, empty embedding cache, median of 20 | {sp['long_narrative_ms_median_empty_cache']} ms |",
        f"| same, sentences already in the embedding cache (editing in the TUI) | "
        f"{sp['long_narrative_ms_median_warm_cache']} ms |",
        f"| batch of {sp['batch_narratives']} dev+test narratives (median {sp['batch_median_chars']} chars) | "
        f"{sp['batch_narratives_per_s']} narratives/s |",
        f"| encoder alone on the same sentences (ceiling) | {sp['encoder_only_narratives_per_s']} narratives/s, "
        f"{sp['encoder_only_sentences_per_s']} sentences/s |",
        f"| share of the encoder's throughput reached | {sp['share_of_encoder_throughput']:.0%} |",
        f"| cold start of `relazione classify` on one file, median of 3 | "
        f"{sp['classify_cli_cold_start_s_median_of_3']} s |",
        f"| model load in process | {sp['model_load_s']} s |",
        f"| peak resident memory of this benchmark | {sp['peak_rss_mb']} MB |",
    ])


if __name__ == "__main__":
    result = main()
    print(json.dumps(result, indent=1))
    if "--write-card" in sys.argv:
        from relazione.cards import write_section

        write_section(ROOT / "models" / "CARD.md", "speed", speed_markdown(result))
