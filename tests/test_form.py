from relazione import form


def test_blocks_hold_the_codes_of_the_reference():
    assert form.BLOCKS["A"].codes == ("R16", "R17", "R18", "R19", "R20", "R21", "R22")
    assert form.BLOCKS["B"].codes[0] == "R23" and form.BLOCKS["B"].altro == "R28"
    assert form.BLOCKS["C"].altro == "R33" and form.BLOCKS["D"].altro == "R39"
    assert len(form.MOTIVATION_CODES) == 24
    assert form.ALTRO_CODES == {"R22", "R28", "R33", "R39"}


def test_codes_that_changed_meaning_are_modelled_per_year():
    assert form.field_for("R01", 2021).unit is form.Unit.USERS
    assert form.field_for("R01", 2024).unit is form.Unit.COUNT
    assert form.field_for("R0B", 2021) is None and form.field_for("R0B", 2023) is not None
    assert form.field_for("R01A", 2023) is None and form.field_for("R01A", 2024) is not None
    assert form.field_for("R07", 2021).columns == ("2017",)
    assert form.field_for("R07", 2024).columns == ("2017", "2021")
    assert form.field_for("R13", 2021).label_for(2021) == "Utenti aggiuntivi 2021 rispetto al 2019"
    assert form.field_for("R13", 2024).label_for(2024).startswith("Interventi per un aumento")


def test_every_year_has_every_motivation_and_r40():
    for year in form.YEARS:
        codes = {f.code for f in form.fields_of_year(year)}
        assert set(form.MOTIVATION_CODES) <= codes and "R40" in codes


def _values(r04, r05, r06, r07):
    return {"R04": r04, "R05": r05, "R06": r06, "R07": r07}


def test_block_rule_on_boundaries_ties_count_as_not_lower():
    assert form.block_for(_values(5.0, 5.0, 100.0, 100.0), 2021).letter == "A"
    assert form.block_for(_values(4.99, 5.0, 100.0, 100.0), 2021).letter == "B"
    assert form.block_for(_values(5.0, 5.0, 100.0, 99.99), 2021).letter == "C"
    assert form.block_for(_values(4.99, 5.0, 100.0, 99.99), 2021).letter == "D"


def test_block_reason_in_words():
    decision = form.block_for(_values(2.51, 3.96, 61240.30, 64877.10), 2024)
    assert decision.reason == "R07 >= R06 e R04 < R05 -> blocco B"


def test_block_uses_2021_column_of_r07_when_present():
    values = {"R04": 5.0, "R05": 4.0, "R06": 100.0, "R07": {"2017": 120.0, "2021": 90.0}}
    assert form.block_for(values, 2024).letter == "C"
    values["R07"] = {"2017": 120.0}
    assert form.block_for(values, 2024).letter == "A"


def test_block_recomputes_r04_when_not_printed_and_reports_missing_inputs():
    values = {"R0B": {"2019": 10, "2024": 50}, "R03": 1000, "R05": 4.0, "R06": 1.0, "R07": 2.0}
    decision = form.block_for(values, 2024)
    assert decision.letter == "A" and decision.r04_recomputed and decision.r04 == 5.0
    missing = form.block_for({"R04": 1.0}, 2024)
    assert missing.block is None and missing.missing == ("R05", "R06", "R07")
