from relazione import form
from relazione.classifier import CodeResult, Evidence, Prediction
from relazione.record import load_record
from relazione.tui.engine import Analyzer, first_needing_text, motivation_rows, short_label

from .conftest import LAGOSCURO, KeywordClassifier


def _prediction(scores: dict[str, float]) -> Prediction:
    codes = {c: CodeResult(s, s >= 0.5, [Evidence(0, 10, "x", s)] if s >= 0.35 else [])
             for c, s in scores.items()}
    return Prediction("D", codes, [])


def test_rows_follow_the_block_then_flags_outside_it():
    decision = form.block_for(load_record(LAGOSCURO).values, 2021)
    rows = motivation_rows(decision, {"R36": "SI", "R34": "NO", "R23": "SI"}, None)
    assert [r.code for r in rows] == ["R34", "R35", "R36", "R37", "R38", "R39", "R23"]
    assert rows[-1].in_block is False and rows[0].score is None and rows[1].flag is None


def test_rows_carry_support_and_problems():
    decision = form.block_for(load_record(LAGOSCURO).values, 2021)
    prediction = _prediction({"R34": 0.9, "R35": 0.1, "R36": 0.2, "R37": 0.4, "R38": 0.0, "R39": 0.8})
    rows = {r.code: r for r in motivation_rows(decision, {"R34": "NO", "R36": "SI", "R39": "SI"}, prediction,
                                               {"R37": 0.3})}
    assert rows["R34"].contradicts and not rows["R34"].needs_text
    assert rows["R36"].needs_text and rows["R36"].evidence == ()
    assert rows["R37"].evidence == ((0, 10, 0.4, True),)  # strong against its own threshold
    assert rows["R39"].evidence[0][3] is True and rows["R39"].is_altro
    assert first_needing_text(list(rows.values())).code == "R36"


def test_near_misses_are_weak_without_thresholds():
    decision = form.block_for(load_record(LAGOSCURO).values, 2021)
    rows = {r.code: r for r in motivation_rows(decision, {}, _prediction({"R37": 0.4, "R34": 0.9}))}
    assert rows["R37"].evidence == ((0, 10, 0.4, False),)
    assert rows["R34"].evidence == ((0, 10, 0.9, True),)


def test_analyzer_with_and_without_model():
    record = load_record(LAGOSCURO)
    rules_only = Analyzer().run(record)
    assert rules_only.motivations is None and [f.rule for f in rules_only.findings] == ["RULE-11"]
    analyzer = Analyzer(KeywordClassifier())
    analysis = analyzer.run(record)
    assert analysis.motivations.codes["R36"].supported and analyzer.last_seconds is not None


def test_short_label():
    assert short_label("R39") == "Altro (da spiegare nella relazione)"
    assert len(short_label("R36", 30)) == 30 and short_label("R36", 30).endswith("…")


def test_hints_say_what_to_do_next():
    from relazione.tui.counter import count
    from relazione.tui.engine import hints

    decision = form.block_for(load_record(LAGOSCURO).values, 2021)
    prediction = _prediction({"R34": 0.9, "R35": 0.1, "R36": 0.2, "R37": 0.0, "R38": 0.0, "R39": 0.8})
    rows = motivation_rows(decision, {"R34": "NO", "R36": "SI", "R23": "SI"}, prediction)
    assert hints(count("x" * 6010), rows) == [
        "Oltre il limite di 10 caratteri: F7 mostra le frasi più lunghe e quelle quasi duplicate da tagliare.",
        "SI senza sostegno nel testo: R36. F6 inserisce uno schema da completare.",
        "NO ma sostenute dal testo: R34. F2 per vederle.",
        "Fuori dal blocco dei numeri: R23.",
    ]
    assert hints(count("x"), motivation_rows(decision, {}, None)) == []
