import pytest

from relazione.errors import RecordError
from relazione.record import load_record
from relazione.tui.session import DraftSession, new_record, parse_figure

from .conftest import LAGOSCURO, copy_example


def test_open_record_json_is_clean_and_saves_to_itself(tmp_path):
    path = copy_example(tmp_path)
    session = DraftSession.open(path)
    assert not session.dirty and session.path == path and session.source == path
    assert session.decision.letter == "D"
    assert session.title == "Lagoscuro 2021"


def test_text_edits_normalise_line_breaks_and_mark_dirty():
    session = DraftSession.open(LAGOSCURO)
    assert not session.set_text(session.text)
    assert session.set_text("Prima riga\r\nseconda")
    assert session.text == "Prima riga\nseconda" and session.count.used == 18
    assert session.dirty
    rev = session.revision
    session.set_text("Prima riga\nseconda")  # same text once normalised
    assert session.revision == rev


def test_cycle_flag_si_no_empty():
    session = DraftSession.open(LAGOSCURO)
    assert session.record.flags["R34"] == "NO"
    assert session.cycle_flag("R34") is None and "R34" not in session.record.flags
    assert session.cycle_flag("R34") == "SI"
    assert session.cycle_flag("R34") == "NO"
    assert not session.dirty  # back where it started
    with pytest.raises(ValueError):
        session.set_flag("R03", "SI")


def test_save_is_atomic_json_and_clears_dirty(tmp_path):
    session = DraftSession.open(copy_example(tmp_path))
    session.set_text("Testo nuovo.")
    target = tmp_path / "altro.json"
    session.save(target)
    assert not session.dirty and session.path == target and session.source == target
    assert load_record(target).r40 == "Testo nuovo."
    assert not list(tmp_path.glob(".*.tmp"))  # no temp file left behind


def test_save_refuses_a_non_json_target_and_a_missing_target(tmp_path):
    session = DraftSession(new_record(2024, "Prova", {}))
    with pytest.raises(RecordError):
        session.save()
    with pytest.raises(RecordError):
        session.save(tmp_path / "relazione.txt")


def test_save_error_propagates(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    session = DraftSession.open(LAGOSCURO)
    with pytest.raises(OSError):
        session.save(blocker / "sotto.json")


def test_export_writes_r40_exactly(tmp_path):
    session = DraftSession.open(LAGOSCURO)
    out = session.export_text(tmp_path / "r40.txt")
    assert out.read_text(encoding="utf-8") == session.text


def test_new_record_and_figures():
    record = new_record(2023, " Borgo ", {"R04": 4.3, "R05": 6.85, "R06": 1000.0, "R07": None})
    assert record.comune == "Borgo" and "R07" not in record.values
    session = DraftSession(record)
    assert session.decision.letter is None and "R07" in session.decision.reason
    session.set_figures(2023, "Borgo", {"R04": 4.3, "R05": 6.85, "R06": 1000.0, "R07": 900.0})
    assert session.decision.letter == "D"
    assert session.figures() == {"R04": 4.3, "R05": 6.85, "R06": 1000.0, "R07": 900.0}
    with pytest.raises(RecordError):
        new_record(2020, None, {})


def test_set_figures_keeps_r07_columns():
    session = DraftSession(new_record(2023, None, {}))
    session.set_figures(2023, None, {"R07": 5.0})
    data = session.record.model_dump()
    data["values"]["R07"] = {"2017": 1.0, "2021": 2.0}
    session = DraftSession(session.record.model_validate(data))
    session.set_figures(2023, None, {"R07": 3.0})
    assert session.record.values["R07"] == {"2017": 1.0, "2021": 3.0}


def test_figures_are_parsed_as_typed_or_pasted():
    assert parse_figure("1.412.530,18") == 1412530.18
    assert parse_figure(" 4,30 ") == 4.3
    assert parse_figure("4.30") == 4.3
    assert parse_figure("€ 1.000") == 1000.0
    assert parse_figure("") is None
    with pytest.raises(ValueError, match="non è un numero"):
        parse_figure("quattro")


def test_recovered_session_is_dirty_against_its_file(tmp_path):
    path = copy_example(tmp_path)
    copy = load_record(path).model_copy(update={"r40": "Recuperato."})
    session = DraftSession.from_recovery(copy, source=path, path=path)
    assert session.text == "Recuperato." and session.dirty and session.path == path
    orphan = DraftSession.from_recovery(copy, source=tmp_path / "sparito.json", path=None)
    assert orphan.dirty and orphan.text == "Recuperato."


def test_suggested_paths(tmp_path):
    session = DraftSession(new_record(2024, "Pieve Ardente", {}))
    assert session.suggested_path().name == "pieve-ardente-2024.json"
    assert session.suggested_path("-R40.txt").name == "pieve-ardente-2024-R40.txt"
    opened = DraftSession.open(copy_example(tmp_path))
    assert opened.suggested_path("-R40.txt") == tmp_path / "relazione-R40.txt"


def test_open_print_reads_it_but_never_targets_it():
    pytest.importorskip("relazione.ingest")
    from relazione.errors import RelazioneError

    from ..conftest import ROOT

    print_file = ROOT / "tests" / "fixtures" / "prints" / "soc22-2021-clean.txt"
    session = DraftSession.open(print_file)
    assert session.source == print_file and session.path is None  # Save asks, never overwrites the print
    assert session.dirty  # not saved as a record yet: quitting asks
    assert session.suggested_path() == print_file.with_suffix(".json")
    with pytest.raises(RelazioneError):
        DraftSession.open(ROOT / "tests" / "fixtures" / "prints" / "unrelated-ambito-report.txt")


def test_title_falls_back_to_the_file_name(tmp_path):
    record = new_record(2024, None, {})
    assert DraftSession(record).title == "nuova relazione 2024"
    assert DraftSession(record, source=tmp_path / "stampa.pdf").title == "stampa.pdf 2024"
