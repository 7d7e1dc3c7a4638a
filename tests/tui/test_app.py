"""Pilot tests of the drafting assistant at 80x24, with the deterministic keyword classifier."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Input, Label

from relazione import form
from relazione.record import load_record
from relazione.tui.app import MODEL_LOADING, MODEL_READY, NO_MODEL, DraftApp
from relazione.tui.marks import Mark
from relazione.tui.recovery import RecoveryStore
from relazione.tui.screens import ChoiceScreen, CutsScreen, FiguresScreen, HelpScreen, PathScreen
from relazione.tui.session import DraftSession

from .conftest import BlockingLoader, copy_example, failing_loader, lagoscuro, make_app, settle

SIZE = (80, 24)


def status(app: DraftApp) -> tuple[str, str]:
    counter = str(app.query_one("#counter", Label).render())
    state = str(app.query_one("#state", Label).render())
    return counter, state


@pytest.mark.anyio
async def test_first_paint_then_model_loads_in_the_background(keyword_model):
    loader = BlockingLoader(keyword_model)
    app = make_app(lagoscuro(), loader=loader)

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        assert app.model_state == MODEL_LOADING
        assert "modello in caricamento…" in status(app)[1]
        assert all(r.score is None for r in app.rows)
        assert [f.rule for f in app.findings.findings] == ["RULE-11"]  # rule findings already there
        loader.release.set()
        await settle(pilot)
        assert app.model_state == MODEL_READY and "modello" not in status(app)[1]
        rows = {r.code: r for r in app.rows}
        assert rows["R36"].supported and rows["R39"].supported and not rows["R34"].supported


@pytest.mark.anyio
async def test_without_model_rules_only_and_says_why():
    app = make_app(lagoscuro(), loader=failing_loader("modello non trovato in models/"))

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.model_state == NO_MODEL and NO_MODEL in status(app)[1]
        assert app.model_reason == "modello non trovato in models/"
        assert any("modello non trovato" in n.message for n in app._notifications)
        assert [f.rule for f in app.findings.findings] == ["RULE-11"]
        assert "modello non trovato" in str(app.query_one("#detail").render())
        await pilot.press("ctrl+end", *"Ok")
        await settle(pilot)
        assert app.session.text.endswith("Ok")  # typing works without a model


@pytest.mark.anyio
async def test_typing_updates_counter_dirty_state_and_analysis(keyword_model):
    app = make_app(lagoscuro(r40="Testo."), keyword_model)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert status(app) == ("6 / 6.000 caratteri · restano 5.994", "salvato")
        before = app.analyses_applied
        await pilot.press("ctrl+end", *" Il bando è andato deserto.")
        assert app.session.text == "Testo. Il bando è andato deserto."
        assert status(app)[0] == "33 / 6.000 caratteri · restano 5.967"
        assert "● da salvare" in status(app)[1]
        await settle(pilot)
        assert app.analyses_applied > before
        assert {r.code: r for r in app.rows}["R36"].supported


@pytest.mark.anyio
async def test_counter_colours_excess_highlight_and_crlf(keyword_model):
    app = make_app(lagoscuro(r40=""), keyword_model)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        counter = app.query_one("#counter", Label)
        app.editor.load_text("x" * 5699)
        await pilot.pause()
        assert not counter.has_class("-warn") and not counter.has_class("-over")
        app.editor.insert("y")
        await pilot.pause()
        assert counter.has_class("-warn")
        app.editor.insert("a\r\nb" + "z" * 297)  # CRLF pasted: one character
        await pilot.pause()
        assert app.session.count.used == 6000 and counter.has_class("-warn")
        app.editor.insert("!" * 10)
        await settle(pilot)
        assert counter.has_class("-over") and status(app)[0].endswith("10 in eccesso")
        assert Mark(6000, 6010, "excess") in app.editor.marks
        over = [f for f in app.findings.findings if f.rule == "RULE-16"]
        assert over and (over[0].start, over[0].end) == (6000, 6010)


@pytest.mark.anyio
async def test_toggling_flags_cycles_and_reanalyses(keyword_model):
    app = make_app(lagoscuro(), keyword_model)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        assert app.focused is app.motivations and app.motivations.highlighted_code == "R34"
        assert str(app.query_one("#detail").render()).startswith("R34 · NO")  # shown on entering the list
        await pilot.press("enter")  # NO -> empty
        assert "R34" not in app.session.record.flags
        await settle(pilot)
        assert any(f.rule == "RULE-14" and f.code == "R34" for f in app.findings.findings)
        await pilot.press("space")  # empty -> SI
        await settle(pilot)
        assert app.session.record.flags["R34"] == "SI" and app.session.dirty
        assert any(f.rule == "AUD-01" and f.code == "R34" for f in app.findings.findings)
        assert {r.code: r for r in app.rows}["R34"].needs_text


@pytest.mark.anyio
async def test_selecting_a_code_highlights_its_evidence(keyword_model):
    app = make_app(lagoscuro(), keyword_model)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2", "down", "down")
        assert app.motivations.highlighted_code == "R36"
        text = app.session.text
        first_sentence_end = text.index("settimanali.") + len("settimanali.")
        assert app.editor.marks == [Mark(0, first_sentence_end, "evidence")]
        await pilot.press("down", "down", "down")  # R39: the second paragraph
        assert app.editor.marks == [Mark(text.index("Le risorse"), len(text), "evidence")]
        # typing before the evidence moves the highlight with the words
        await pilot.press("escape", "home", "ctrl+home", *"Premessa. ")
        assert app.editor.marks == [Mark(text.index("Le risorse") + 10, len(text) + 10, "evidence")]


@pytest.mark.anyio
async def test_findings_jump_to_their_place_in_the_text(keyword_model):
    long_text = "Il bando è andato deserto. " * 230
    app = make_app(lagoscuro(r40=long_text.strip()), keyword_model)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        rules = [f.rule for f in app.findings.findings]
        target = rules.index("RULE-16")
        for _ in range(target):
            await pilot.press("down")
        assert app.editor.marks[0] == Mark(6000, len(app.session.text), "finding")
        await pilot.press("enter")
        assert app.focused is app.editor
        assert app.editor.selected_text == app.session.text[6000:]


@pytest.mark.anyio
async def test_skeleton_for_si_without_support_and_next_placeholder(keyword_model):
    flags = {"R34": "NO", "R35": "NO", "R36": "SI", "R37": "NO", "R38": "SI", "R39": "SI"}
    app = make_app(lagoscuro(flags=flags), keyword_model)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [r.code for r in app.rows if r.needs_text] == ["R38"]
        before = app.session.text
        await pilot.press("f6")
        text = app.session.text
        assert text.startswith(before + "\n\nNel 2021, per il Comune di Lagoscuro, «[R38,")
        assert app.editor.selected_text.startswith("«[R38,") and app.editor.selected_text.endswith("]»")
        assert "3 segnaposto" in status(app)[1]
        await pilot.press("f4")
        assert app.editor.selected_text.startswith("«[indicare l'effetto")
        await pilot.press(*"la spesa è salita del 10%")
        assert "2 segnaposto" in status(app)[1]
        await settle(pilot)
        assert any(m.style == "placeholder" for m in app.editor.marks)


@pytest.mark.anyio
async def test_skeleton_when_nothing_needs_text_says_so(keyword_model):
    app = make_app(lagoscuro(), keyword_model)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.session.text
        await pilot.press("f6")
        assert app.session.text == before
        assert any("Nessuna motivazione SI senza sostegno" in n.message for n in app._notifications)


@pytest.mark.anyio
async def test_autosave_writes_recovery_and_next_start_offers_it(tmp_path, keyword_model):
    path = copy_example(tmp_path)
    app = make_app(DraftSession.open(path), keyword_model, autosave_every=0.05)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+end", *" Aggiunta.")
        deadline = time.monotonic() + 5
        while RecoveryStore().find(path) is None and time.monotonic() < deadline:
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        copy = RecoveryStore().find(path)
        assert copy is not None and copy.record.r40.endswith("Aggiunta.")
        app.exit()  # as a crash would: no confirmation, no save
    assert load_record(path).r40 == lagoscuro().text  # the file itself is untouched

    second = make_app(DraftSession.open(path), keyword_model)

    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(second.screen, ChoiceScreen) and second.screen.id == "recovery"
        await pilot.click("#restore")
        await settle(pilot)
        assert second.session.text.endswith("Aggiunta.") and second.session.dirty
        assert second.editor.text == second.session.text
        await pilot.press("ctrl+s")
        assert load_record(path).r40.endswith("Aggiunta.") and not second.session.dirty
        assert RecoveryStore().find(path) is None  # saved: the copy is gone


@pytest.mark.anyio
async def test_recovery_can_be_discarded(tmp_path, keyword_model):
    path = copy_example(tmp_path)
    store = RecoveryStore()
    store.write(load_record(path).model_copy(update={"r40": "Vecchia bozza."}), source=path, path=path)
    app = make_app(DraftSession.open(path), keyword_model)

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#discard")
        await settle(pilot)
        assert app.session.text == lagoscuro().text and not app.session.dirty
        assert store.find(path) is None


@pytest.mark.anyio
async def test_quit_with_unsaved_changes_asks_first(tmp_path, keyword_model):
    path = copy_example(tmp_path)
    clean = make_app(DraftSession.open(path), keyword_model)

    async with clean.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")  # nothing to lose: no question
        await pilot.pause()
        assert not clean.is_running

    dirty = make_app(DraftSession.open(path), keyword_model)

    async with dirty.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+end", "!")
        await pilot.press("ctrl+q")
        assert isinstance(dirty.screen, ChoiceScreen) and dirty.screen.id == "confirm-quit"
        await pilot.press("escape")  # cancel: back to the text, nothing lost
        assert len(dirty.screen_stack) == 1 and dirty.session.dirty
        await pilot.press("ctrl+q")
        await pilot.click("#save")
        await pilot.pause()
        assert not dirty.is_running
    assert load_record(path).r40.endswith("!")


@pytest.mark.anyio
async def test_quit_without_saving_discards_the_recovery_copy(tmp_path, keyword_model):
    path = copy_example(tmp_path)
    app = make_app(DraftSession.open(path), keyword_model)
    store = RecoveryStore()

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+end", "!")
        store.write(app.session.record, source=path, path=path)
        await pilot.press("ctrl+q")
        await pilot.click("#discard")
        await pilot.pause()
        assert not app.is_running
    assert store.find(path) is None and not load_record(path).r40.endswith("!")


@pytest.mark.anyio
async def test_save_error_is_shown_not_swallowed(tmp_path, keyword_model):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    session = lagoscuro()
    session.path = blocker / "relazione.json"  # a folder that cannot exist
    app = make_app(session, keyword_model)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+end", "!")
        await pilot.press("ctrl+s")
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "Salvataggio non riuscito" in errors[0].message and str(blocker) in errors[0].message
        assert "salvataggio non riuscito" in status(app)[1] and app.session.dirty


@pytest.mark.anyio
async def test_new_record_form_save_as_and_export(tmp_path, keyword_model):
    target = tmp_path / "nuova.json"
    app = make_app(None, keyword_model, new_path=target)

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FiguresScreen)
        values = {"#comune": "Borgo Prova", "#R04": "4,30", "#R05": "6,85", "#R06": "1.412.530,18",
                  "#R07": "quattro"}
        for selector, value in values.items():
            app.screen.query_one(selector, Input).value = value
        await pilot.click("#ok")
        assert "R07" in str(app.screen.query_one("#figures-error").render())  # stays open with the reason
        assert app.screen.focused is app.screen.query_one("#R07", Input)
        app.screen.query_one("#R07", Input).value = "1296533,09"
        await pilot.press("enter")  # Enter in a field confirms too
        await settle(pilot)
        assert app.session.decision.letter == "D" and app.session.record.anno == form.YEARS[-1]
        assert [r.code for r in app.rows] == list(form.BLOCKS["D"].codes)
        await pilot.press(*"Il concorso è andato deserto.")
        await pilot.press("ctrl+s")  # path given on the command line: no question
        assert load_record(target).r40 == "Il concorso è andato deserto."
        await pilot.press("f8")
        assert isinstance(app.screen, PathScreen)
        assert app.screen.query_one("#path", Input).value == str(tmp_path / "nuova-R40.txt")
        await pilot.press("enter")
        assert (tmp_path / "nuova-R40.txt").read_text(encoding="utf-8") == "Il concorso è andato deserto."
        assert app.clipboard == "Il concorso è andato deserto."


@pytest.mark.anyio
async def test_new_record_without_a_path_asks_where_to_save(tmp_path, keyword_model, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(None, keyword_model)

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#comune", Input).value = "Valle"
        await pilot.click("#ok")
        await settle(pilot)
        assert app.session.decision.letter is None and "Blocco non determinabile" in str(
            app.query_one("#block").render())
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, PathScreen)
        await pilot.press("enter")
        assert load_record(tmp_path / "valle-2024.json").comune == "Valle"
        assert app.session.source == app.session.path == tmp_path / "valle-2024.json"


@pytest.mark.anyio
async def test_cancelling_the_new_record_form_exits():
    app = make_app(None, None)

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not app.is_running


@pytest.mark.anyio
async def test_figures_can_be_changed_and_move_the_block(keyword_model):
    app = make_app(lagoscuro(), keyword_model)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        assert isinstance(app.screen, FiguresScreen)
        app.screen.query_one("#R07", Input).value = "2.000.000"
        await pilot.click("#ok")
        await settle(pilot)
        assert app.session.decision.letter == "B"
        assert any(f.rule == "RULE-13" for f in app.findings.findings)
        assert [r.code for r in app.rows] == [*form.BLOCKS["B"].codes, *form.BLOCKS["D"].codes]
        assert [r.in_block for r in app.rows] == [True] * 6 + [False] * 6


@pytest.mark.anyio
async def test_cuts_view_lists_long_and_duplicate_sentences(keyword_model):
    text = ("Il concorso per assistente sociale è andato deserto due volte nel corso dell'anno. "
            "Le risorse sono arrivate a ottobre. "
            "Il concorso per un'assistente sociale è andato deserto per due volte nel corso dell'anno.")
    app = make_app(lagoscuro(r40=text), keyword_model)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, CutsScreen)
        assert len(app.screen.duplicates) == 1 and len(app.screen.longest) == 3
        await pilot.press("enter")  # the longest sentence
        assert len(app.screen_stack) == 1
        assert app.editor.selected_text.startswith("Il concorso per un'assistente")


@pytest.mark.anyio
async def test_help_screen_and_palette_cover_every_action(keyword_model):
    app = make_app(lagoscuro(), keyword_model)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert "CRLF" in app.screen.query_one("Markdown").source
        await pilot.press("f6")  # main-screen keys do nothing under a dialog
        assert app.session.text == lagoscuro().text
        await pilot.press("escape")
        assert len(app.screen_stack) == 1
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for action in ("Aiuto", "Salva (", "Salva con nome", "Esporta", "Copia", "Inserisci schema", "Frasi da",
                       "Prossimo segnaposto", "Analizza", "Dati del modulo", "Vai al testo",
                       "Vai alle motivazioni", "Vai ai problemi", "Esci"):
            assert any(t.startswith(action) for t in titles), action
        assert "R36: cambia SI/NO (ora SI)" in titles and "R36: inserisci schema" in titles
        footer_keys = {b.key for (_, b, enabled, _) in app.screen.active_bindings.values() if b.show and enabled}
        assert {"f1", "ctrl+s", "f6", "f7", "f8", "ctrl+q"} <= footer_keys


@pytest.mark.anyio
async def test_a_failing_analysis_is_reported_and_the_editor_stays_open(keyword_model):
    class Broken:
        def predict(self, *args, **kwargs):
            raise RuntimeError("classificatore rotto")

    app = make_app(lagoscuro(), Broken())

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.is_running
        assert any("Analisi non riuscita: RuntimeError: classificatore rotto" in n.message
                   for n in app._notifications)
        await pilot.press("ctrl+end", "!")
        assert app.session.text.endswith("!")
