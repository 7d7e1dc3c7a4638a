import numpy as np
import pytest

from relazione import form
from relazione.classifier import CodeResult, Evidence, Prediction
from relazione.consistency import flag_findings
from relazione.lexical import LexicalHead
from relazione.record import Record
from relazione.tuning import (
    NO_ALTRO,
    audit_thresholds,
    best_thresholds,
    cross_val_predictions,
    flag_rows,
    fold_of,
    kind_counts,
    threshold_key,
)

from .conftest import figures


def test_threshold_with_the_widest_margin_over_both_targets():
    # issues (True) score low; two supported codes score among them
    rows = [(0.05, True)] * 8 + [(0.12, True)] * 2 + [(0.10, False)] + [(0.14, True)] * 2 + [(0.16, False)] + \
        [(0.6, False)] * 20
    (t,), point = best_thresholds([rows], fires_below=True)
    # 0.05 < t <= 0.10 finds 8 of 12 (recall below target); 0.12 < t <= 0.14 gives P 10/11, R 10/12; past 0.14
    # all 12 issues are found at P 12/13 (margins 0.12 and 0.10): the widest worse margin
    assert 0.14 < t <= 0.16 and point == {"precision": 0.923, "recall": 1.0, "f1": 0.96}
    (t,), point = best_thresholds([rows], fires_below=True, targets=(0.95, 0.5))  # precision first
    assert 0.05 < t <= 0.10 and point["precision"] == 1.0


def test_best_compromise_when_the_targets_cannot_both_be_reached():
    # one issue scores below five non-issues: catching it costs five false findings
    rows = [(0.9, True), (0.1, True)] + [(0.85, False)] * 5
    (t,), point = best_thresholds([rows], fires_below=False, targets=None)  # best F1
    assert 0.85 < t <= 0.9 and point == {"precision": 1.0, "recall": 0.5, "f1": 0.667}
    # with targets: recall 0.5 misses by 0.4, precision 2/7 by 0.51; the smaller shortfall wins
    (t,), point = best_thresholds([rows], fires_below=False)
    assert 0.85 < t <= 0.9 and point["recall"] == 0.5


def test_two_groups_are_tuned_together_for_their_kind():
    plain = [(0.8, True)] * 9 + [(0.3, False)] * 30
    altro = [(0.2, True)] + [(0.1, False)] * 30  # Altro scores lower: it needs its own, lower threshold
    (t_plain, t_altro), point = best_thresholds([plain, altro], fires_below=False)
    assert point["recall"] == 1.0 and point["precision"] == 1.0
    assert 0.3 < t_plain <= 0.8 and 0.1 < t_altro <= 0.2


def _prediction(scores: dict[str, float]) -> Prediction:
    """One evidence sentence per code, each a different sentence."""
    return Prediction("A", {c: CodeResult(s, s >= 0.5, [Evidence(20 * i, 20 * i + 10, "Una frase.", s)] if s else [])
                            for i, (c, s) in enumerate(scores.items())}, [])


def test_flag_findings_use_the_audit_thresholds_per_kind():
    rec = Record(comune="Prova", anno=2024, values=figures("A"), r40="Una frase.",
                 flags={"R16": "SI", "R17": "NO", "R22": "NO", **{c: "NO" for c in ("R18", "R19", "R20", "R21")}})
    pred = _prediction({"R16": 0.3, "R17": 0.3, "R18": 0.0, "R19": 0.0, "R20": 0.0, "R21": 0.0, "R22": 0.3})
    pred.codes["R22"].supported = True  # R22's own threshold is lower than R17's: 0.3 is support for Altro only
    # without audit thresholds, the classifier's own decisions: R16 unsupported, R22 supported
    assert {(f.kind, f.code) for f in flag_findings(rec, pred, "A")} == {("flag_si_unsupported", "R16"),
                                                                          ("flag_no_but_supported", "R22")}
    tuned = {"flag_si_unsupported": {"threshold": 0.2}, "altro_without_text": {"threshold": 0.1},
             "flag_no_but_supported": {"threshold": 0.45}, NO_ALTRO: {"threshold": 0.25}}
    found = {(f.kind, f.code) for f in flag_findings(rec, pred, "A", tuned)}
    assert found == {("flag_no_but_supported", "R22")}  # R16 at 0.3 is weak support, not clearly none
    # a finding never contradicts the classifier's decision: R17 (0.3, unsupported) stays silent at any threshold
    tuned["flag_no_but_supported"]["threshold"] = 0.05
    assert ("flag_no_but_supported", "R17") not in {(f.kind, f.code) for f in flag_findings(rec, pred, "A", tuned)}
    tuned["flag_si_unsupported"]["threshold"] = 0.9
    pred.codes["R16"].supported = True
    assert ("flag_si_unsupported", "R16") not in {(f.kind, f.code) for f in flag_findings(rec, pred, "A", tuned)}
    assert threshold_key("flag_no_but_supported", "R22") == NO_ALTRO
    assert threshold_key("flag_no_but_supported", "R17") == "flag_no_but_supported"


def test_audit_thresholds_from_held_out_predictions():
    item = {"id": "X", "block": "A", "comune": "Prova", "anno": 2024, "values": figures("A"), "r40": "Una frase.",
            "flags": {c: "NO" for c in form.BLOCKS["A"].codes} | {"R16": "SI", "R17": "SI"},
            "labels": {"R16": [[0, 10]], "R18": [[0, 10]]}}
    pred = _prediction({"R16": 0.9, "R17": 0.05, "R18": 0.7, "R19": 0.1, "R20": 0.1, "R21": 0.1, "R22": 0.1})
    found = audit_thresholds([item] * 5, [pred] * 5)
    assert set(found) == {"flag_si_unsupported", "altro_without_text", "flag_no_but_supported", NO_ALTRO}
    assert 0.05 < found["flag_si_unsupported"]["threshold"] <= 0.9  # R17 (unsupported) fires, R16 does not
    assert found["flag_si_unsupported"]["precision"] == 1.0 and found["flag_si_unsupported"]["recall"] == 1.0
    # R18 (supported) fires; R19-R21 are unsupported, so no threshold makes them fire: the middle of 0.02-0.7
    assert found["flag_no_but_supported"]["threshold"] == pytest.approx(0.36, abs=0.011)
    assert found["flag_no_but_supported"]["precision"] == 1.0 and found["flag_no_but_supported"]["recall"] == 1.0
    # judged at those thresholds, the same rows give the counts behind the reported figures (R17, R18 x 5)
    counts = kind_counts(flag_rows([item] * 5, [pred] * 5), found)
    assert counts["flag_si_unsupported"].tolist() == [5, 0, 0]
    assert counts["flag_no_but_supported"].tolist() == [5, 0, 0]
    assert counts["altro_without_text"].tolist() == [0, 0, 0]
    # thresholds chosen elsewhere: an SI threshold below R17's score finds nothing, so all five R17s are missed
    elsewhere = found | {"flag_si_unsupported": {"threshold": 0.03}}
    assert kind_counts(flag_rows([item] * 5, [pred] * 5), elsewhere)["flag_si_unsupported"].tolist() == [0, 0, 5]


def test_lexical_head_round_trip_and_unknown_labels():
    texts = ["il bando per assistente sociale è andato deserto", "nessun candidato al concorso",
             "i volontari della parrocchia consegnano i pasti", "l'associazione accompagna gli anziani",
             "il concorso è stato annullato", "la Caritas gestisce l'emporio"] * 2
    Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, -1], [0, 1]] * 2)
    head = LexicalHead(C=10).fit(texts, Y)
    again = LexicalHead.from_state(head.state())
    probe = ["un concorso senza candidati", "volontari per i pasti"]
    assert np.allclose(head.predict_proba(probe), again.predict_proba(probe))
    p = again.predict_proba(probe)
    assert p[0, 0] > p[1, 0] and p[1, 1] > p[0, 1]


class _Recorder:
    """A stand-in classifier that remembers what it was fitted on and answers with it."""

    def fit(self, narratives, sentences=()):
        self.seen = {n["id"] for n in narratives}
        return self

    def predict(self, texts, blocks, all_codes=False):
        return [sorted(self.seen) for _ in texts]


def test_every_item_is_predicted_by_a_model_that_never_saw_it():
    narratives = [{"id": f"N{i}", "r40": "Una frase."} for i in range(12)]
    held = [{"id": f"S{i}", "r40": "Una frase negata."} for i in range(4)]
    out = cross_val_predictions(_Recorder, narratives, k=3, held_out=held)
    assert len(out) == 16
    for item, seen in zip(narratives + held, out):
        assert item["id"] not in seen  # out of fold
        assert not any(h["id"] in seen for h in held)  # the held-out items are never trained on
        assert set(seen) == {n["id"] for n in narratives if fold_of(n["id"], 3) != fold_of(item["id"], 3)}
    with pytest.raises(ValueError, match="2 folds"):
        cross_val_predictions(_Recorder, narratives, k=1)


def test_a_no_flag_is_scored_by_its_best_sentence_not_claimed_by_an_si_code():
    flags = {c: "NO" for c in form.BLOCKS["A"].codes} | {"R16": "SI"}
    item = {"id": "X", "block": "A", "comune": "Prova", "anno": 2024, "values": figures("A"), "r40": "Una frase.",
            "flags": flags, "labels": {"R16": [[0, 10]]}}
    claimed, own = Evidence(0, 10, "Il Consiglio ha stanziato fondi propri.", 0.6), Evidence(30, 40, "Altro.", 0.3)
    pred = _prediction({c: 0.0 for c in form.BLOCKS["A"].codes})
    pred.codes["R16"] = CodeResult(0.9, True, [Evidence(0, 10, claimed.text, 0.9)])
    pred.codes["R22"] = CodeResult(0.6, True, [claimed, own])
    # R22's best sentence is R16's evidence (SI, and more strongly): R22 is read at its next sentence, 0.3
    rows = flag_rows([item], [pred])
    assert (0.3, False) in rows[NO_ALTRO]
    tuned = {NO_ALTRO: {"threshold": 0.5}, "flag_no_but_supported": {"threshold": 0.5}}
    rec = Record(comune="Prova", anno=2024, values=figures("A"), r40="x" * 50, flags=flags)
    assert not [f for f in flag_findings(rec, pred, "A", tuned) if f.code == "R22"]
    tuned[NO_ALTRO]["threshold"] = 0.25  # low enough for the unclaimed sentence, which is then the one cited
    (finding,) = [f for f in flag_findings(rec, pred, "A", tuned) if f.code == "R22"]
    assert (finding.start, finding.end, finding.confidence) == (30, 40, 0.3)
    # once R16 is flagged NO the sentence is nobody's: R22 is read at its best, 0.6
    assert (0.6, False) in flag_rows([item | {"flags": flags | {"R16": "NO"}}], [pred])[NO_ALTRO]

