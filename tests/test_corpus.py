import copy
from collections import Counter

import pytest
from typer.testing import CliRunner

from relazione import corpus, form
from relazione.cli import app


@pytest.fixture(scope="module")
def records():
    return corpus.load()


def test_corpus_validates_in_full():
    result = CliRunner().invoke(app, ["corpus", "validate"])
    assert result.exit_code == 0, result.stderr[-3000:]


def test_card_statistics_match_the_data(records):
    card = corpus.CARD.read_text(encoding="utf-8")
    assert corpus.stats_markdown(corpus.statistics(records)) in card


def test_build_is_reproducible(tmp_path, records):
    rebuilt = corpus.build(out=tmp_path / "n.jsonl")
    assert rebuilt == records


def test_join_parts_spans_and_heading_rule():
    text, labels, contra = corpus.join_parts([
        {"text": "Premessa"},
        {"text": "Il concorso è andato deserto.", "codes": ["R36"], "sep": " "},
        {"text": "Gli utenti sono 40.", "sep": "\n\n", "contradicts": "R0B"},
    ])
    assert text == "Premessa\nIl concorso è andato deserto.\n\nGli utenti sono 40."
    start, end = labels["R36"][0]
    assert text[start:end] == "Il concorso è andato deserto."
    assert text[slice(*contra[0]["span"])] == "Gli utenti sono 40."


def test_derived_issues():
    flags = {"R34": "NO", "R35": "SI", "R36": "NO", "R37": "NO", "R38": "NO", "R39": "SI"}
    found = corpus.derived_issues("D", flags, {"R36": [[0, 5]]}, "x" * 6001)
    assert {(i["kind"], i["code"]) for i in found} == {
        ("flag_si_unsupported", "R35"), ("altro_without_text", "R39"), ("flag_no_but_supported", "R36"),
        ("over_limit", None)}


def _problems(records, mutate):
    sample = copy.deepcopy(records[:6])
    mutate(sample)
    return [p for p in corpus.validate(sample).problems if not p.startswith(("copertura", "equilibrio"))]


def test_validator_catches_misaligned_span_and_foreign_code(records):
    def shift(sample):
        spans = next(s for r in sample for s in r["labels"].values())
        spans[0][0] += 3

    assert any("non allineato" in p for p in _problems(records, shift))

    def foreign(sample):
        r = sample[0]
        other = next(b for b in "ABCD" if b != r["block"])
        r["labels"][corpus.form.BLOCKS[other].codes[0]] = [[0, 1]]

    assert any("fuori dal blocco" in p for p in _problems(records, foreign))


def test_validator_catches_split_leaks_and_issue_mismatch(records):
    def leak(sample):
        sample[1]["r40"] = sample[0]["r40"]
        sample[1]["labels"] = copy.deepcopy(sample[0]["labels"])
        sample[0]["split"], sample[1]["split"] = "train", "test"
        sample[2]["augmented"], sample[2]["split"] = True, "dev"

    found = _problems(records, leak)
    assert any("quasi identici" in p for p in found)
    assert any("aumentato" in p for p in found)

    def drop_issue(sample):
        r = next(r for r in sample if any(i["kind"] in corpus.DERIVED_KINDS for i in r["issues"]))
        r["issues"] = [i for i in r["issues"] if i["kind"] not in corpus.DERIVED_KINDS]

    assert any("dichiarati" in p for p in _problems(records, drop_issue))


def test_split_is_stratified_and_figures_give_the_block(records):
    for key in {(r["block"], r["split_group"]) for r in records}:
        splits = Counter(r["split"] for r in records if (r["block"], r["split_group"]) == key)
        n = sum(splits.values())
        assert abs(splits["dev"] - 0.2 * n) <= 1 and abs(splits["test"] - 0.2 * n) <= 1, key
    for r in records:
        planted = any(i["kind"] == "wrong_block_numbers" for i in r["issues"])
        assert (corpus.form.block_for(r["values"], r["anno"]).letter != r["block"]) == planted, r["id"]


def test_a_new_writing_round_never_moves_earlier_narratives_between_splits(records):
    before = {r["id"]: r["split"] for r in records}
    group = max(r["split_group"] for r in records) + 1
    new_round = [dict(r, id=f"Z{r['id']}", split_group=group, split=None) for r in records[:40]]
    grown = [dict(r) for r in records] + new_round
    corpus.assign_splits(grown)
    assert {r["id"]: r["split"] for r in grown if r["id"] in before} == before
    assert {r["split"] for r in grown if r["split_group"] == group} == {"train", "dev", "test"}


def test_card_guideline_has_the_classifier_examples():
    from relazione.guidelines import EXAMPLES

    card = corpus.CARD.read_text(encoding="utf-8")
    for code, example in EXAMPLES.items():
        row = next(line for line in card.splitlines() if line.startswith(f"| {code} |"))
        assert f"«{example.supports}»" in row and f"«{example.not_supports}»" in row, code


def test_sentence_files_are_checked_against_the_test_split(records):
    test_item = next(r for r in records if r["split"] == "test")
    leaked = test_item["r40"][: test_item["r40"].index(".") + 1]
    items = [{"id": "S1", "block": "A", "code": "R16", "label": 1, "text": "Una frase originale sul bilancio."},
             {"id": "S1", "block": "A", "code": "R30", "label": 0, "text": "Il Consorzio eroga i servizi."},
             {"id": "S2", "block": test_item["block"], "code": form.BLOCKS[test_item["block"]].codes[0], "label": 1,
              "text": leaked}]
    problems = corpus.validate_sentences(items, records)
    assert any("S1: id duplicato" in p for p in problems)
    assert any("R30 fuori dal blocco A" in p for p in problems)
    assert any(p.startswith("S2: quasi identica") and test_item["id"] in p for p in problems)
    assert corpus.validate_sentences(corpus.load_sentence_bank(), records) == []


def test_a_near_miss_sentence_trains_only_its_own_code():
    from relazione.classifier import UNKNOWN, MotivationClassifier

    clf = MotivationClassifier(encoder=_FakeEncoder())
    per_block = {b: [] for b in form.BLOCKS}
    clf._add_sentences(per_block, [{"block": "A", "code": "R17", "label": 0, "text": "Nessun corso di formazione."},
                                   {"block": "A", "code": "R18", "label": 1, "text": "Tre assistenti sociali."},
                                   {"block": "A", "code": "R22", "label": 1, "own_code_only": True,
                                    "text": "La frana ha isolato la frazione."}])
    (_, _, y, texts), = per_block["A"]
    codes = form.BLOCKS["A"].codes
    assert y[0, codes.index("R17")] == 0 and all(v == UNKNOWN for j, v in enumerate(y[0]) if codes[j] != "R17")
    assert y[1, codes.index("R18")] == 1 and y[1].sum() == 1 and texts[:2] == ["Nessun corso di formazione.",
                                                                                "Tre assistenti sociali."]
    # an "other cause" marked own_code_only is a positive for Altro and says nothing of the other codes
    assert y[2, codes.index("R22")] == 1 and all(v == UNKNOWN for j, v in enumerate(y[2]) if codes[j] != "R22")


class _FakeEncoder:
    id, dim = "fake", 4

    def encode(self, texts):
        import numpy as np

        return np.ones((len(texts), self.dim), np.float32)


def test_second_reading_problems_are_reported(records):
    test = next(r for r in records if r["split"] == "test")
    train = next(r for r in records if r["split"] == "train")
    code, [[start, end], *_] = next(iter(test["labels"].items()))
    good = {test["id"]: {code: [[start, end]]}}
    assert corpus.validate_second_reading(good, records) == []
    problems = corpus.validate_second_reading(
        {test["id"]: {code: [[start, end - 1]], "R99": []}, train["id"]: {}}, records)
    assert len(problems) == 3
    assert any(train["id"] in p and "non è una narrazione di test" in p for p in problems)
    assert any("R99" in p for p in problems) and any("non è una frase intera" in p for p in problems)
