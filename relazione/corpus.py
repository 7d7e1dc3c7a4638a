"""The annotated corpus of R40 narratives: assembly from hand-written batches, validation, splits, statistics.

Batches (``corpus/batches/*.json``) are written as lists of labelled sentences, so that the supporting spans are
exact by construction; :func:`build` joins them into ``corpus/narratives.jsonl``, fills in the figures the
writers did not state (consistent with the block, or with another block for planted wrong-block cases),
derives the mechanically checkable issues and assigns a fixed, block-stratified train/dev/test split.
:func:`validate` re-checks everything the classifier and the audit rely on.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import form

CORPUS_DIR = Path(__file__).resolve().parents[1] / "corpus"
NARRATIVES = CORPUS_DIR / "narratives.jsonl"
BATCHES = CORPUS_DIR / "batches"

SPLITS = ("train", "dev", "test")
SPLIT_SHARES = (0.6, 0.2, 0.2)
ISSUE_KINDS = ("flag_si_unsupported", "flag_no_but_supported", "altro_without_text", "over_limit",
               "numbers_contradict_text", "wrong_block_numbers")
_SENTENCE_END = (".", "!", "?", ":", ";", "…", "»", ")", '"')
DERIVED_KINDS = {"flag_si_unsupported", "flag_no_but_supported", "altro_without_text", "over_limit"}

# Coverage the corpus must reach (issue "Annotated corpus of R40 narratives").
MIN_TOTAL, MIN_PER_BLOCK, MIN_PER_CODE = 320, 70, 30
MIN_ALTRO_EXPLAINED, MIN_ALTRO_BARE = 15, 8
MIN_HANDWRITTEN_SHARE = 0.70
NEAR_DUPLICATE_JACCARD = 0.5


# --- assembly ------------------------------------------------------------------------------------------


def join_parts(parts: list[dict]) -> tuple[str, dict[str, list[list[int]]], list[dict]]:
    """Text, code -> spans, and the spans of parts marked as contradicting a figure."""
    text, labels, contradictions = "", {}, []
    for i, part in enumerate(parts):
        if i:
            sep = part.get("sep", " ")
            # a heading or bullet item without final punctuation ends its line: never glue the next sentence to it
            if sep == " " and not parts[i - 1]["text"].endswith(_SENTENCE_END):
                sep = "\n"
            text += sep
        start = len(text)
        text += part["text"]
        for code in part.get("codes", []):
            labels.setdefault(code, []).append([start, len(text)])
        if part.get("contradicts"):
            contradictions.append({"code": part["contradicts"], "span": [start, len(text)]})
    return text, labels, contradictions


def derived_issues(block: str, flags: dict[str, str], labels: dict, r40: str) -> list[dict]:
    """The issues that follow from flags, labels and length alone (the rest are declared by the writer)."""
    b = form.BLOCKS[block]
    out = []
    for code in b.codes:
        if flags.get(code) == "SI" and code not in labels:
            out.append({"kind": "altro_without_text" if code == b.altro else "flag_si_unsupported", "code": code})
        elif flags.get(code) == "NO" and code in labels:
            out.append({"kind": "flag_no_but_supported", "code": code})
    if len(r40) > form.R40_MAX_CHARS:
        out.append({"kind": "over_limit", "code": None})
    return out


def _rng(key: str) -> random.Random:
    return random.Random(int(hashlib.sha256(key.encode()).hexdigest()[:16], 16))


def _round(x: float, nd: int = 2) -> float:
    return round(x + 0.0, nd)


def make_figures(item_id: str, anno: int, figures_block: str, given: dict[str, Any]) -> dict[str, Any]:
    """Figures R03–R09 (and Quadro 3 when due) consistent with ``figures_block`` and with the stated ones.

    Stated figures are kept as written; only what is missing is generated, deterministically from the id.
    """
    rnd = _rng(item_id)
    b = form.BLOCKS[figures_block]
    total_code = form.users_total_code(anno)
    values: dict[str, Any] = {}
    for code, v in given.items():
        if code in ("R0B", "R02"):  # writers were told: users' total, R02 in 2021-2022 and R0B from 2023
            code = total_code
        if code == "R01" and anno in form.Y2021_22:
            continue  # R01 counted multiutenza users in 2021-2022, not social workers
        if form.field_for(code, anno) is not None:
            values[code] = v
    pop = values.setdefault("R03", rnd.choice([rnd.randint(600, 5000), rnd.randint(5000, 40000)]))
    users_now = values.get(total_code)
    users_now = users_now.get(str(anno)) if isinstance(users_now, dict) else users_now
    if users_now is None:
        users_now = max(5, int(pop * rnd.uniform(0.01, 0.12)))
    values[total_code] = {"2019": max(0, int(users_now * rnd.uniform(0.85, 1.0))), str(anno): users_now}
    r04 = _round(users_now / pop * 100, 2)
    values.setdefault("R04", r04)
    r04 = values["R04"]
    values.setdefault("R05", _round(r04 * (rnd.uniform(0.7, 0.95) if b.service_ok else rnd.uniform(1.1, 1.6)), 2))
    r06 = values.setdefault("R06", _round(pop * rnd.uniform(80, 220)))
    if "R07" not in values:
        ratio = rnd.uniform(1.01, 1.25) if b.spending_ok else rnd.uniform(0.75, 0.97)
        r07 = _round(r06 * ratio)
        values["R07"] = {"2017": _round(r07 * rnd.uniform(0.97, 1.0)) if b.spending_ok else _round(r07 * 0.98),
                         "2021": r07} if anno >= 2023 else r07
    r07ref = form.ref_value(values, "R07", anno)
    r08 = values.setdefault("R08", _round(pop * rnd.uniform(1.5, 6.0)))
    r09 = values.setdefault("R09", _round(min(r08, max(0.0, r06 - r07ref))))
    if r07ref < r06 and r09 >= form.QUADRO3_THRESHOLD_EUR:
        stated = {c: values[c] for c in form.QUADRO3_CODES if c in values}
        r15 = values.setdefault("R15", r09 if not stated else _round(sum(stated.values())))
        if not stated:
            values["R13"] = r15
        elif abs(sum(stated.values()) - r15) > 0.01:
            values["R12"] = _round(values.get("R12", 0.0) + r15 - sum(stated.values()))
    return values


def assemble(item: dict) -> dict:
    """One corpus record from one batch narrative."""
    r40, labels, contradictions = join_parts(item["parts"])
    figures_block = item.get("figures_block", item["block"])
    values = make_figures(item["id"], item["anno"], figures_block, item.get("values", {}))
    issues = derived_issues(item["block"], item["flags"], labels, r40)
    for declared in item.get("issues", []):
        if declared["kind"] in DERIVED_KINDS:
            continue
        entry = {"kind": declared["kind"], "code": declared.get("code")}
        span = next((c["span"] for c in contradictions if c["code"] == entry["code"]), None)
        if entry["kind"] == "numbers_contradict_text" and span:
            entry["span"] = span
        issues.append(entry)
    return {
        "id": item["id"], "block": item["block"], "anno": item["anno"], "comune": item.get("comune"),
        "values": values, "flags": dict(item["flags"]), "r40": r40,
        "labels": {c: labels[c] for c in sorted(labels)}, "issues": issues,
        "split": None, "split_group": int(item.get("split_group", 1)),
        "augmented": bool(item.get("augmented", False)),
    }


def assign_splits(records: list[dict]) -> None:
    """Fixed 60/20/20 split per block and writing round (``split_group``), by a hash of the id; augmented
    narratives always go to train. Each round is split on its own, so that adding a round never moves an
    earlier narrative between splits (a test narrative must never become training data, nor the reverse)."""
    groups = sorted({(r["block"], r.get("split_group", 1)) for r in records if not r["augmented"]})
    for letter, group in groups:
        pool = sorted((r for r in records if r["block"] == letter and r.get("split_group", 1) == group
                       and not r["augmented"]),
                      key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
        n = len(pool)
        n_train, n_dev = round(n * SPLIT_SHARES[0]), round(n * SPLIT_SHARES[1])
        for i, r in enumerate(pool):
            r["split"] = "train" if i < n_train else "dev" if i < n_train + n_dev else "test"
    for r in records:
        if r["augmented"]:
            r["split"] = "train"


def load_batches(batch_dir: Path = BATCHES) -> list[dict]:
    items = []
    for path in sorted(batch_dir.glob("*.json")):
        items.extend(json.loads(path.read_text(encoding="utf-8")))
    return items


def build(batch_dir: Path = BATCHES, out: Path = NARRATIVES) -> list[dict]:
    """Assemble every batch into the JSONL corpus (atomic write) and return the records."""
    from .record import atomic_write_text

    records = [assemble(item) for item in load_batches(batch_dir)]
    assign_splits(records)
    atomic_write_text(out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return records


def load(path: Path = NARRATIVES, split: str | None = None) -> list[dict]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in records if split is None or r["split"] == split]


def train_and_dev(records: Sequence[dict]) -> list[dict]:
    """The narratives the shipped model learns from and tunes on, in file order. The order matters: it fixes the
    calibration folds inside each fit, so `relazione train` and the benches that replay it must share it."""
    return [r for r in records if r["split"] in ("train", "dev")]


NEGATION_TRAIN = CORPUS_DIR / "negation_train.jsonl"


def load_sentences(path: Path = NEGATION_TRAIN, split: str | None = None) -> list[dict]:
    """Labelled single sentences (negated mentions, label 0, and negation-bearing support, label 1).

    A fixed 70/30 split by id hash gives "train" (learned from) and "dev" (used with the dev narratives to tune
    thresholds); None returns both.
    """
    if not path.is_file():
        return []
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for item in items:
        item["split"] = "dev" if int(hashlib.sha256(item["id"].encode()).hexdigest(), 16) % 10 < 3 else "train"
    return [i for i in items if split is None or i["split"] == split]


SENTENCE_BANK = CORPUS_DIR / "sentence_bank"


def load_sentence_bank(folder: Path = SENTENCE_BANK) -> list[dict]:
    """Single sentences written to train on (``sentence_bank/<block>.jsonl``): paraphrastic support per code and
    near misses (label 0), and many "Altro" causes. Training only: never used to tune or to evaluate."""
    items: list[dict] = []
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        items += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for item in items:
        item["split"] = "train"
    return items


def training_sentences() -> list[dict]:
    """Every single sentence the shipped model learns from: the train part of the negation file and the bank."""
    return load_sentences(split="train") + load_sentence_bank()


def validate_sentences(items: list[dict], records: list[dict]) -> list[str]:
    """Problems of a sentence file: ids, blocks, codes, labels, and sentences too close to a test narrative's
    sentence (character 5-gram Jaccard >= NEAR_DUPLICATE_JACCARD), which would leak the test split."""
    from .nlp import sentences_many

    problems = [f"{i}: id duplicato" for i, n in Counter(it.get("id") for it in items).items() if n > 1]
    for it in items:
        block = form.BLOCKS.get(it.get("block", ""))
        if block is None or it.get("code") not in block.codes:
            problems.append(f"{it.get('id')}: codice {it.get('code')} fuori dal blocco {it.get('block')}")
        if it.get("label") not in (0, 1) or not str(it.get("text", "")).strip():
            problems.append(f"{it.get('id')}: etichetta o testo non validi")
    test = [r for r in records if r.get("split") == "test"]
    test_shingles = [(r["id"], _shingles(s.text)) for r, sents in zip(test, sentences_many([r["r40"] for r in test]))
                     for s in sents]
    for it in items:
        mine = _shingles(it.get("text", ""))
        for rid, theirs in test_shingles:
            jac = _jaccard_reaching(mine, theirs, NEAR_DUPLICATE_JACCARD)
            if jac is not None:
                problems.append(f"{it.get('id')}: quasi identica a una frase di {rid} (test, Jaccard {jac:.2f})")
    return problems


SECOND_READING = CORPUS_DIR / "second_reading.jsonl"


def load_second_reading(path: Path = SECOND_READING) -> dict[str, dict[str, list[list[int]]]]:
    """The blind second reading of the test split: narrative id -> the labels it gave, in the format of the
    narratives' ``labels`` (code -> spans of the supporting sentences)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["id"]: row["labels"] for row in rows}


def validate_second_reading(second: dict[str, dict], records: list[dict]) -> list[str]:
    """Problems of the second reading: narratives it does not know or that are not test, codes outside the
    narrative's block, spans that are not whole sentences of our splitter."""
    from .nlp import sentences_many

    by_id = {r["id"]: r for r in records}
    problems = [f"lettura indipendente, {rid}: non è una narrazione di test" for rid in second
                if by_id.get(rid, {}).get("split") != "test"]
    known = [by_id[rid] for rid in second if by_id.get(rid, {}).get("split") == "test"]
    for record, sents in zip(known, sentences_many([r["r40"] for r in known])):
        bounds = {(s.start, s.end) for s in sents}
        for code, spans in second[record["id"]].items():
            if code not in form.BLOCKS[record["block"]].codes:
                problems.append(f"lettura indipendente, {record['id']}: codice {code} fuori dal blocco")
            problems += [f"lettura indipendente, {record['id']}: {code} {span} non è una frase intera"
                         for span in spans if tuple(span) not in bounds]
    return problems


def sentences_as_narratives(items: list[dict]) -> list[dict]:
    """Single labelled sentences in the shape of corpus records, for threshold tuning and evaluation."""
    return [{"id": i["id"], "block": i["block"], "r40": i["text"],
             "labels": {i["code"]: [[0, len(i["text"])]]} if i["label"] else {}} for i in items]


def to_record(item: dict):
    """The form record of a corpus narrative (annotations dropped)."""
    from .record import record_from_dict

    return record_from_dict({k: item[k] for k in ("comune", "anno", "values", "flags", "r40")}, file=item["id"])


# --- validation ----------------------------------------------------------------------------------------


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _shingles(text: str, n: int = 5) -> set[str]:
    t = " ".join(text.lower().split())
    return {t[i : i + n] for i in range(max(1, len(t) - n + 1))}


def near_duplicates(records: list[dict], threshold: float = NEAR_DUPLICATE_JACCARD) -> list[tuple[str, str, float]]:
    """Pairs in different splits whose character 5-gram Jaccard similarity reaches ``threshold``."""
    shingles = [(r["id"], r["split"], _shingles(r["r40"])) for r in records]
    out = []
    for i, (id_a, split_a, a) in enumerate(shingles):
        for id_b, split_b, b in shingles[i + 1 :]:
            if split_a == split_b:
                continue
            jac = _jaccard_reaching(a, b, threshold)
            if jac is not None:
                out.append((id_a, id_b, round(jac, 3)))
    return out


def _jaccard_reaching(a: set[str], b: set[str], threshold: float) -> float | None:
    """The Jaccard similarity of two shingle sets when it reaches ``threshold``, else None (sets whose sizes
    alone rule it out are not intersected)."""
    if min(len(a), len(b)) / max(1, len(a), len(b)) < threshold:
        return None
    jac = len(a & b) / len(a | b)
    return jac if jac >= threshold else None


def validate(records: list[dict]) -> Report:
    """Every check of the corpus issue: format, spans on sentence boundaries, block, coverage, splits."""
    from .errors import RecordError
    from .nlp import sentences_many

    rep = Report()
    problem = rep.problems.append
    ids = Counter(r.get("id") for r in records)
    for dup in (i for i, n in ids.items() if n > 1):
        problem(f"{dup}: id duplicato")
    segmented = sentences_many([r["r40"] for r in records])
    for r, sents in zip(records, segmented):
        rid = r["id"]
        try:
            to_record(r)
        except RecordError as exc:
            problem(f"{rid}: record non valido: {exc}")
            continue
        block = form.BLOCKS[r["block"]]
        starts, ends = {s.start for s in sents}, {s.end for s in sents}
        for code, spans in r["labels"].items():
            if code not in block.codes:
                problem(f"{rid}: etichetta {code} fuori dal blocco {block.letter}")
            for start, end in spans:
                if not (0 <= start < end <= len(r["r40"])):
                    problem(f"{rid}: span {code} [{start}, {end}] fuori dal testo")
                elif start not in starts or end not in ends:
                    problem(f"{rid}: span {code} [{start}, {end}] non allineato alle frasi: "
                            f"{r['r40'][start:end][:60]!r}")
        decision = form.block_for(r["values"], r["anno"])
        planted_wrong = any(i["kind"] == "wrong_block_numbers" for i in r["issues"])
        if planted_wrong == (decision.letter == r["block"]):
            problem(f"{rid}: i dati danno il blocco {decision.letter}, il blocco è {r['block']}, "
                    f"wrong_block_numbers {'dichiarato' if planted_wrong else 'non dichiarato'}")
        derived = {(i["kind"], i["code"]) for i in derived_issues(r["block"], r["flags"], r["labels"], r["r40"])}
        declared = {(i["kind"], i["code"]) for i in r["issues"] if i["kind"] in DERIVED_KINDS}
        if derived != declared:
            problem(f"{rid}: problemi dichiarati {sorted(declared, key=str)} ≠ derivati {sorted(derived, key=str)}")
        if any(i["kind"] not in ISSUE_KINDS for i in r["issues"]):
            problem(f"{rid}: tipo di problema sconosciuto")
        if r["split"] not in SPLITS:
            problem(f"{rid}: split {r['split']!r} non valido")
        elif r["augmented"] and r["split"] != "train":
            problem(f"{rid}: un testo aumentato è finito in {r['split']}")
    for a, b, jac in near_duplicates(records):
        problem(f"{a} e {b}: testi quasi identici in split diversi (Jaccard {jac})")
    rep.stats = statistics(records)
    _check_coverage(rep)
    return rep


def _check_coverage(rep: Report) -> None:
    s, problem = rep.stats, rep.problems.append
    if s["narratives"] < MIN_TOTAL:
        problem(f"copertura: {s['narratives']} narrazioni, minimo {MIN_TOTAL}")
    for letter, row in s["blocks"].items():
        if row["narratives"] < MIN_PER_BLOCK:
            problem(f"copertura: blocco {letter} ha {row['narratives']} narrazioni, minimo {MIN_PER_BLOCK}")
        if row["altro_explained"] < MIN_ALTRO_EXPLAINED:
            problem(f"copertura: blocco {letter}, Altro spiegato in {row['altro_explained']}, minimo "
                    f"{MIN_ALTRO_EXPLAINED}")
        if row["altro_si_unexplained"] < MIN_ALTRO_BARE:
            problem(f"copertura: blocco {letter}, Altro SI senza spiegazione in {row['altro_si_unexplained']}, "
                    f"minimo {MIN_ALTRO_BARE}")
    for code, n in s["supported_per_code"].items():
        if n < MIN_PER_CODE:
            problem(f"copertura: {code} sostenuto in {n} narrazioni, minimo {MIN_PER_CODE}")
    if s["handwritten_share"] < MIN_HANDWRITTEN_SHARE:
        problem(f"copertura: solo {s['handwritten_share']:.0%} di testi scritti a mano")
    if not 0.35 <= s["consistent_share"] <= 0.65:
        problem(f"equilibrio: {s['consistent_share']:.0%} di narrazioni coerenti (atteso circa metà)")


def statistics(records: list[dict]) -> dict[str, Any]:
    lengths = sorted(len(r["r40"]) for r in records)

    def share(pred: Iterable[bool]) -> float:
        values = list(pred)
        return round(sum(values) / max(1, len(values)), 3)

    blocks = {}
    for letter, b in form.BLOCKS.items():
        rows = [r for r in records if r["block"] == letter]
        blocks[letter] = {
            "narratives": len(rows),
            **{split: sum(r["split"] == split for r in rows) for split in SPLITS},
            "altro_explained": sum(b.altro in r["labels"] for r in rows),
            "altro_si_unexplained": sum(any(i["kind"] == "altro_without_text" for i in r["issues"]) for r in rows),
        }
    return {
        "narratives": len(records),
        "blocks": blocks,
        "supported_per_code": {c: sum(c in r["labels"] for r in records) for c in form.MOTIVATION_CODES},
        "issue_kinds": dict(Counter(i["kind"] for r in records for i in r["issues"]).most_common()),
        "consistent_share": share(not r["issues"] for r in records),
        "handwritten_share": share(not r["augmented"] for r in records),
        "length": {"min": lengths[0], "median": lengths[len(lengths) // 2], "max": lengths[-1],
                   "over_6000": sum(n > form.R40_MAX_CHARS for n in lengths)} if lengths else {},
        "sentences_labelled": sum(len(spans) for r in records for spans in r["labels"].values()),
    }


def stats_markdown(stats: dict[str, Any]) -> str:
    """The statistics table of CARD.md, generated so it never drifts from the data."""
    lines = ["| Block | Narratives | train | dev | test | Altro explained | Altro SI unexplained |",
             "|---|---|---|---|---|---|---|"]
    for letter, row in stats["blocks"].items():
        lines.append(f"| {letter} | {row['narratives']} | {row['train']} | {row['dev']} | {row['test']} | "
                     f"{row['altro_explained']} | {row['altro_si_unexplained']} |")
    total = {k: sum(row[k] for row in stats["blocks"].values()) for k in next(iter(stats["blocks"].values()))}
    lines.append(f"| **all** | {total['narratives']} | {total['train']} | {total['dev']} | {total['test']} | "
                 f"{total['altro_explained']} | {total['altro_si_unexplained']} |")
    lines += ["", "| Code | Narratives supporting it |", "|---|---|"]
    lines += [f"| {c} | {n} |" for c, n in stats["supported_per_code"].items()]
    lines += ["", "| Planted issue kind | Count |", "|---|---|"]
    lines += [f"| `{k}` | {n} |" for k, n in stats["issue_kinds"].items()]
    ln = stats["length"]
    lines += ["", f"Consistent narratives (no planted issue): {stats['consistent_share']:.1%}. "
              f"Hand-written: {stats['handwritten_share']:.1%}. Length in characters: min {ln['min']}, "
              f"median {ln['median']}, max {ln['max']}; {ln['over_6000']} over 6,000. "
              f"Labelled supporting sentences: {stats['sentences_labelled']}."]
    return "\n".join(lines)


CARD = CORPUS_DIR / "CARD.md"


def write_card_stats(stats: dict[str, Any], card: Path = CARD) -> None:
    """Replace the generated statistics section of CARD.md."""
    from .cards import write_section

    write_section(card, "stats", stats_markdown(stats))
