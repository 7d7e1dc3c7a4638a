import numpy as np
import pytest

from relazione import form
from relazione.classifier import CodeResult, Evidence, Prediction
from relazione.consistency import flag_findings
from relazione.lexical import LexicalHead
from relazione.record import Record
from relazione.tuning import NO_ALTRO, audit_thresholds, best_thresholds, threshold_key

from .conftest import figures


def test_most_precise_threshold_that_keeps_the_recall():
    # issues (True) score low; one supported code scores 0.15, among the issues
    rows = [(0.05, True)] * 9 + [(0.18, True)] + [(0.15, False)] + [(0.6, False)] * 20
    (t,), point = best_thresholds([rows], fires_below=True, min_recall=0.9)
    assert 0.05 < t <= 0.15 and point == {"precision": 1.0, "recall": 0.9, "f1": 0.947}
    (t,), point = best_thresholds([rows], fires_below=True, min_recall=1.0)
    assert 0.18 < t <= 0.6 and point["recall"] == 1.0 and point["precision"] == pytest.approx(10 / 11, abs=1e-3)


def test_best_f1_when_the_recall_cannot_be_reached():
    # one issue scores below five non-issues: catching it costs five false findings, so the best F1 leaves it
    rows = [(0.9, True), (0.1, True)] + [(0.85, False)] * 5
    (t,), point = best_thresholds([rows], fires_below=False, min_recall=None)
    assert 0.85 < t <= 0.9 and point == {"precision": 1.0, "recall": 0.5, "f1": 0.667}
    (t,), point = best_thresholds([rows], fires_below=False, min_recall=0.9)  # the recall first, at that price
    assert t <= 0.1 and point["recall"] == 1.0 and point["precision"] == pytest.approx(2 / 7, abs=1e-3)


def test_two_groups_are_tuned_together_for_their_kind():
    plain = [(0.8, True)] * 9 + [(0.3, False)] * 30
    altro = [(0.2, True)] + [(0.1, False)] * 30  # Altro scores lower: it needs its own, lower threshold
    (t_plain, t_altro), point = best_thresholds([plain, altro], fires_below=False, min_recall=0.9)
    assert point["recall"] == 1.0 and point["precision"] == 1.0
    assert 0.3 < t_plain <= 0.8 and 0.1 < t_altro <= 0.2


def _prediction(scores: dict[str, float]) -> Prediction:
    return Prediction("A", {c: CodeResult(s, s >= 0.5, [Evidence(0, 10, "Una frase.", s)] if s else [])
                            for c, s in scores.items()}, [])


def test_flag_findings_use_the_audit_thresholds_per_kind():
    rec = Record(comune="Prova", anno=2024, values=figures("A"), r40="Una frase.",
                 flags={"R16": "SI", "R17": "NO", "R22": "NO", **{c: "NO" for c in ("R18", "R19", "R20", "R21")}})
    pred = _prediction({"R16": 0.3, "R17": 0.3, "R18": 0.0, "R19": 0.0, "R20": 0.0, "R21": 0.0, "R22": 0.3})
    # the classifier's own decisions: R16 unsupported (0.3 < 0.5), nothing supported
    assert {(f.kind, f.code) for f in flag_findings(rec, pred, "A")} == {("flag_si_unsupported", "R16")}
    tuned = {"flag_si_unsupported": {"threshold": 0.2}, "altro_without_text": {"threshold": 0.1},
             "flag_no_but_supported": {"threshold": 0.45}, NO_ALTRO: {"threshold": 0.25}}
    found = {(f.kind, f.code) for f in flag_findings(rec, pred, "A", tuned)}
    assert found == {("flag_no_but_supported", "R22")}  # 0.3 is support for Altro only
    assert threshold_key("flag_no_but_supported", "R22") == NO_ALTRO
    assert threshold_key("flag_no_but_supported", "R17") == "flag_no_but_supported"


def test_audit_thresholds_from_held_out_predictions():
    item = {"id": "X", "comune": "Prova", "anno": 2024, "values": figures("A"), "r40": "Una frase.",
            "flags": {c: "NO" for c in form.BLOCKS["A"].codes} | {"R16": "SI", "R17": "SI"},
            "labels": {"R16": [[0, 10]], "R18": [[0, 10]]}}
    pred = _prediction({"R16": 0.9, "R17": 0.05, "R18": 0.7, "R19": 0.1, "R20": 0.1, "R21": 0.1, "R22": 0.1})
    found = audit_thresholds([item] * 5, [pred] * 5)
    assert set(found) == {"flag_si_unsupported", "altro_without_text", "flag_no_but_supported", NO_ALTRO}
    assert 0.05 < found["flag_si_unsupported"]["threshold"] <= 0.9  # R17 (unsupported) fires, R16 does not
    assert found["flag_si_unsupported"]["precision"] == 1.0 and found["flag_si_unsupported"]["recall"] == 1.0
    assert 0.1 < found["flag_no_but_supported"]["threshold"] <= 0.7  # R18 fires, R19-R21 do not


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
