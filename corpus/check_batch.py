"""Check hand-written corpus batch files before they are assembled into narratives.jsonl.

Usage: python corpus/check_batch.py corpus/batches/*.json

A batch is a JSON list of narratives written as sentence parts, so that the supporting spans are exact:
    {"id": "D1-001", "block": "D", "anno": 2023, "comune": "Valfittizia" | null,
     "values": {"R08": 41250.0, ...}            # optional: figures the text relies on (others are generated)
     "figures_block": "B",                        # only with a planted wrong_block_numbers issue
     "flags": {"R34": "NO", ..., "R39": "SI"},   # every code of the block
     "parts": [{"text": "One sentence.", "codes": ["R36"], "sep": " "}, ...],
     "issues": [{"kind": "flag_si_unsupported", "code": "R35"}, ...]}
"sep" is the separator placed before the part (" ", "\n" or "\n\n"; ignored for the first part).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from relazione import corpus
from relazione.form import BLOCKS

KINDS = {
    "flag_si_unsupported", "flag_no_but_supported", "altro_without_text", "over_limit",
    "numbers_contradict_text", "wrong_block_numbers",
}
SEPS = {" ", "\n", "\n\n"}


def derived_issues(item: dict) -> set[tuple[str, str | None]]:
    """The issues that follow from flags, labelled parts and length alone (as the corpus build derives them)."""
    r40, labels, _ = corpus.join_parts(item["parts"])
    return {(i["kind"], i["code"]) for i in corpus.derived_issues(item["block"], item["flags"], labels, r40)}


def check(item: dict) -> list[str]:
    errs: list[str] = []
    for key in ("id", "block", "anno", "flags", "parts", "issues"):
        if key not in item:
            errs.append(f"missing key {key}")
    if errs:
        return errs
    if item["block"] not in BLOCKS:
        return [f"bad block {item['block']}"]
    block = BLOCKS[item["block"]]
    if item["anno"] not in (2021, 2022, 2023, 2024):
        errs.append(f"bad anno {item['anno']}")
    if set(item["flags"]) != set(block.codes):
        errs.append(f"flags must be exactly {block.codes}, got {sorted(item['flags'])}")
    if any(v not in ("SI", "NO") for v in item["flags"].values()):
        errs.append("flag values must be SI or NO")
    for i, p in enumerate(item["parts"]):
        t = p.get("text", "")
        if not t or t != t.strip():
            errs.append(f"part {i}: empty text or leading/trailing whitespace")
        if p.get("sep", " ") not in SEPS:
            errs.append(f"part {i}: bad sep {p.get('sep')!r}")
        bad = set(p.get("codes", [])) - set(block.codes)
        if bad:
            errs.append(f"part {i}: codes {sorted(bad)} not in block {block.letter}")
    declared = {(d["kind"], d.get("code")) for d in item["issues"]}
    if any(k not in KINDS for k, _ in declared):
        errs.append(f"unknown issue kind in {sorted(declared)}")
    wrong_block = ("wrong_block_numbers", None) in declared
    if wrong_block != ("figures_block" in item):
        errs.append("figures_block must be given exactly when wrong_block_numbers is declared")
    if wrong_block and item.get("figures_block") == item["block"]:
        errs.append("figures_block must differ from block")
    derived = derived_issues(item)
    checked = {d for d in declared if d[0] in {"flag_si_unsupported", "flag_no_but_supported",
                                               "altro_without_text", "over_limit"}}
    if derived != checked:
        errs.append(f"declared issues {sorted(checked, key=str)} but flags/codes/length imply "
                    f"{sorted(derived, key=str)}")
    return errs


def main(paths: list[str]) -> int:
    items, bad = [], 0
    for path in paths:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            print(f"{path}: cannot read: {exc}")
            bad += 1
            continue
        for item in data:
            errs = check(item)
            for e in errs:
                print(f"{path}: {item.get('id')}: {e}")
            bad += bool(errs)
            items.append(item)
    ids = Counter(i.get("id") for i in items)
    for dup, n in ids.items():
        if n > 1:
            print(f"duplicate id {dup} ({n} times)")
            bad += 1
    support = Counter(c for i in items for c in {c for p in i.get("parts", []) for c in p.get("codes", [])})
    lengths = sorted(len(corpus.join_parts(i["parts"])[0]) for i in items if "parts" in i)
    blocks = Counter(i.get("block") for i in items)
    altro_ok = Counter(i["block"] for i in items if BLOCKS[i["block"]].altro in support and
                       BLOCKS[i["block"]].altro in {c for p in i["parts"] for c in p.get("codes", [])})
    altro_bare = Counter(i["block"] for i in items
                         if ("altro_without_text", BLOCKS[i["block"]].altro) in derived_issues(i))
    consistent = sum(1 for i in items if not i.get("issues"))
    print(json.dumps({
        "narratives": len(items), "with_errors": bad, "by_block": dict(sorted(blocks.items())),
        "consistent": consistent, "support_per_code": dict(sorted(support.items())),
        "altro_explained": dict(altro_ok), "altro_si_unexplained": dict(altro_bare),
        "length_min_median_max": [lengths[0], lengths[len(lengths) // 2], lengths[-1]] if lengths else [],
        "issue_kinds": dict(Counter(d["kind"] for i in items for d in i.get("issues", []))),
    }, indent=1))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
