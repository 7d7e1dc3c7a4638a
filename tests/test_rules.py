import pytest

from relazione import form
from relazione.analysis import analyze
from relazione.record import Record
from relazione.rules import RULES

from .conftest import figures


def kinds(record: Record) -> list[str]:
    return [f.kind for f in analyze(record).findings]


def full_flags(block: str, si: tuple[str, ...] = ()) -> dict:
    return {c: ("SI" if c in si else "NO") for c in form.BLOCKS[block].codes}


def rec(block="B", year=2024, flags=None, r40="Testo.", **extra) -> Record:
    values = {**figures(block, year), **extra}
    return Record(anno=year, values=values, flags=full_flags(block) if flags is None else flags, r40=r40)


def test_consistent_record_has_no_findings():
    for block in "ABCD":
        for year in form.YEARS:
            assert analyze(rec(block, year)).findings == [], (block, year)


def test_rule_ids_are_registered_once_and_documented():
    assert {"RULE-01", "RULE-03", "RULE-08", "RULE-13", "RULE-14", "RULE-15", "RULE-16"} <= set(RULES)
    assert all(fn.__doc__ for fn in RULES.values())


def test_over_limit_points_past_6000():
    text = "a" * 6000
    assert "over_limit" not in kinds(rec(r40=text))
    finding = next(f for f in analyze(rec(r40=text + "bcd")).findings if f.kind == "over_limit")
    assert (finding.start, finding.end, finding.severity.value) == (6000, 6003, "error")
    assert "6.003" in finding.message


def test_wrong_block_names_block_and_reason():
    a = analyze(rec("B", flags=full_flags("A", si=("R16",))))
    wrong = [f for f in a.findings if f.kind == "wrong_block_numbers"]
    assert len(wrong) == 1 and wrong[0].severity.value == "error"
    assert "R07 >= R06 e R04 < R05 -> blocco B" in wrong[0].message
    assert {f.code for f in a.findings if f.kind == "flags_missing"} == set(form.BLOCKS["B"].codes)


def test_flags_missing_per_code():
    flags = full_flags("D")
    del flags["R36"]
    found = [f for f in analyze(rec("D", flags=flags)).findings if f.kind == "flags_missing"]
    assert [(f.code, f.severity.value) for f in found] == [("R36", "warning")]


def test_altro_without_text_only_when_r40_empty():
    flags = full_flags("C", si=("R33",))
    assert "altro_without_text" in kinds(rec("C", flags=flags, r40="  \n"))
    assert "altro_without_text" not in kinds(rec("C", flags=flags, r40="Altra causa: fondi regionali."))
    assert "altro_without_text" not in kinds(rec("C", flags=full_flags("C"), r40=""))


def test_users_total_rule_01():
    ok = rec("A", M12={"2019": 100, "2024": 120}, R0A={"2019": 190, "2024": 180})
    assert "users_total_mismatch" not in kinds(ok)
    bad = rec("A", M12={"2019": 100, "2024": 121}, R0A={"2019": 190, "2024": 180})
    found = [f for f in analyze(bad).findings if f.kind == "users_total_mismatch"]
    assert len(found) == 1 and "colonna 2024" in found[0].message


def test_mean_hours_rule_02():
    good = {"2019": 10, "2024": 20, "ore_totali": 500, "ore_media": 25}
    assert "mean_hours_mismatch" not in kinds(rec("A", M12=good))
    assert "mean_hours_mismatch" in kinds(rec("A", M12={**good, "ore_media": 24}))
    assert "mean_hours_mismatch" not in kinds(rec("A", M12={**good, "2024": 0, "ore_media": 0}))


def test_service_level_rule_03_with_tolerance():
    assert "service_level_mismatch" not in kinds(rec("A", R04=3.009))
    assert "service_level_mismatch" in kinds(rec("A", R04=3.2))
    # printed 2.0 (= R05, block A) but recomputed 1.0: the printed side wins, with an info finding
    straddle = rec("A", R0B={"2019": 90, "2024": 100}, R04=2.0)
    assert {"service_level_mismatch", "service_level_rounding"} <= set(kinds(straddle))


def test_staff_ratio_rule_05():
    assert "staff_ratio_mismatch" not in kinds(rec("A", R01={"2020": 1, "2024": 1.5}, R01A=0.5, R01B=5000))
    assert "staff_ratio_mismatch" in kinds(rec("A", R01={"2020": 1, "2024": 1.5}, R01A=0.5, R01B=4000))
    assert "staff_ratio_mismatch" not in kinds(rec("A", R01={"2020": 0, "2024": 0}, R01A=0, R01B=0))


def test_amount_to_report_rule_08():
    # block D figures: R06 1.100.000, R07[2021] 1.050.000 -> gap 50.000
    assert "amount_to_report_mismatch" not in kinds(rec("D", R08=20000, R09=20000, R15=20000, R13=20000))
    assert "amount_to_report_mismatch" not in kinds(rec("D", R08=80000, R09=50000, R15=50000, R13=50000))
    assert "amount_to_report_mismatch" in kinds(rec("D", R08=80000, R09=80000, R15=80000, R13=80000))
    assert "amount_to_report_mismatch" in kinds(rec("A", R08=5000, R09=5000))


def test_quadro3_due_missing_and_not_due():
    assert "quadro3_missing" in kinds(rec("D", R08=20000, R09=20000))
    assert "quadro3_missing" not in kinds(rec("D", R08=900, R09=900))  # under 1.000 euro: not due
    assert "quadro3_not_due" in kinds(rec("A", R08=5000, R09=0, R13=3000, R15=3000))
    assert "quadro3_not_due" not in kinds(rec("D", R08=20000, R09=20000, R13=20000, R15=20000))


def test_objectives_total_rule_10_and_coherence_rule_11():
    assert "objectives_total_mismatch" in kinds(rec("D", R08=20000, R09=20000, R10=5000, R13=5000, R15=20000))
    below = kinds(rec("D", R08=20000, R09=20000, R10=5000, R13=5000, R15=10000))
    assert "objectives_below_amount" in below and "objectives_total_mismatch" not in below
    assert "objectives_below_amount" not in kinds(rec("D", R08=20000, R09=20000, R13=20000.004, R15=20000))


def test_users_added_rule_18_and_staff_added_rule_19_are_info():
    year2021 = rec("D", 2021, R08=20000, R09=20000, R13={"spesa": 20000, "utenti": 15}, R15=20000)
    found = [f for f in analyze(year2021).findings if f.kind == "users_added_implausible"]
    assert found and found[0].severity.value == "info"  # 15 added users but only +10 over 2019
    staff = rec("D", R08=20000, R09=20000, R10={"numero": 1, "spesa": 20000}, R15=20000,
                R01={"2020": 2, "2024": 2})
    assert [f.severity.value for f in analyze(staff).findings if f.kind == "staff_added_implausible"] == ["info"]
    grew = rec("D", R08=20000, R09=20000, R10={"numero": 1, "spesa": 20000}, R15=20000, R01={"2020": 2, "2024": 3})
    assert "staff_added_implausible" not in kinds(grew)


def test_negative_and_fractional_users_rule_20():
    assert "negative_value" in kinds(rec("A", R08=-1))
    assert "negative_value" in kinds(rec("A", M12={"2019": 1.5, "2024": 2}))
    assert "negative_value" not in kinds(rec("A", M12={"2019": 1, "2024": 2, "ore_totali": 3, "ore_media": 1.5}))


def test_block_column_dependent_info():
    values = {"R07": {"2017": 1_200_000.0, "2021": 1_050_000.0}}
    assert "block_column_dependent" in kinds(rec("D", **values))
    assert "block_column_dependent" not in kinds(rec("D"))


def test_staff_flags_vs_figures_aud_12():
    flags = full_flags("A", si=("R18",))
    assert "staff_flag_vs_figures" in kinds(rec("A", flags=flags, R01={"2020": 0, "2024": 0}, R01A=0, R01B=0))
    assert "staff_flag_vs_figures" not in kinds(rec("A", flags=flags, R01={"2020": 2, "2024": 3}, R01A=0,
                                                     R01B=3333))


def test_findings_sorted_errors_first():
    a = analyze(rec("B", flags={"R23": "SI"}, r40="x" * 6100))
    ranks = [f.severity.rank for f in a.findings]
    assert ranks == sorted(ranks, reverse=True)


@pytest.mark.parametrize("year", [2021, 2024])
def test_undetermined_block_is_info_not_error(year):
    r = Record(anno=year, flags={"R16": "SI"}, r40="Testo.")
    assert [(f.kind, f.severity.value) for f in analyze(r).findings] == [("block_undetermined", "info")]
