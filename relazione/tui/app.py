"""The drafting assistant: ``python tui.py [FILE]`` or ``relazione draft [FILE]``.

The app is a thin shell over :class:`~relazione.tui.session.DraftSession`: it shows the session, turns keys
into session edits, and runs the slow parts in workers so that typing is never blocked:

- the model loads in a worker after the first paint (``modello in caricamento…``); until then, and for good
  when it cannot be loaded, the analysis has the rule findings only;
- the analysis runs in an exclusive thread worker, ~400 ms after typing pauses; the classifier's
  ``CachedEncoder`` re-encodes only the sentences that changed;
- the recovery copy is written by a thread worker every few seconds while there are unsaved changes.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, OptionList, Static, TextArea

from .. import form
from ..errors import ModelError, RecordError, RelazioneError
from ..findings import Finding
from . import skeleton as skeletons
from .cuts import longest, near_duplicates
from .engine import Analyzer, MotivationRow, first_needing_text, hints, load_classifier, motivation_rows
from .marks import LineMap, Mark, shift
from .recovery import RecoveryStore, differs
from .screens import CutsScreen, FiguresResult, FiguresScreen, HelpScreen, PathScreen, quit_screen, recovery_screen
from .session import DraftSession, new_record
from .widgets import DetailPanel, FindingList, MotivationList, R40Editor, StatusBar, finding_key

MODEL_LOADING = "modello in caricamento…"
MODEL_READY = "modello pronto"
NO_MODEL = "solo regole (senza modello)"
DEBOUNCE_SECONDS = 0.4
AUTOSAVE_SECONDS = 5.0


class AnalysisReady(Message):
    def __init__(self, analysis: Any, text: str, revision: int, seconds: float) -> None:
        super().__init__()
        self.analysis, self.text, self.revision, self.seconds = analysis, text, revision, seconds


class AnalysisFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class ModelReady(Message):
    def __init__(self, model: Any, seconds: float) -> None:
        super().__init__()
        self.model, self.seconds = model, seconds


class ModelFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class AutosaveDone(Message):
    pass


class AutosaveFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class SentencesReady(Message):
    def __init__(self, sentences: list, text: str) -> None:
        super().__init__()
        self.sentences, self.text = sentences, text


def _record_problem(result: FiguresResult, build: Callable[[FiguresResult], Any]) -> str | None:
    """The Italian reason why ``build(result)`` is not a valid record, or None (for the figures form)."""
    try:
        build(result)
    except RecordError as exc:
        return exc.reason if exc.field is None else f"{exc.field}: {exc.reason}"
    return None


def _error_text(exc: BaseException, path: Path | None = None) -> str:
    if isinstance(exc, OSError):
        where = exc.filename or path
        return f"{where}: {exc.strerror or exc}" if where else str(exc.strerror or exc)
    return str(exc)


class DraftApp(App[None], inherit_bindings=False):
    """Write R40 under 6,000 characters, with the block, the motivations and the findings beside it."""

    TITLE = "relazione · R40"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Aiuto", priority=True),
        Binding("ctrl+s", "save", "Salva", priority=True),
        Binding("f6", "skeleton", "Schema", priority=True),
        Binding("f7", "cuts", "Tagli", priority=True),
        Binding("f8", "export", "Esporta", priority=True),
        Binding("ctrl+q", "quit", "Esci", priority=True),
        Binding("ctrl+p", "command_palette", "Comandi", show=False, priority=True),
        Binding("f2", "focus_motivations", "Motivazioni", show=False, priority=True),
        Binding("f3", "focus_findings", "Problemi", show=False, priority=True),
        Binding("f4", "next_placeholder", "Segnaposto", show=False, priority=True),
        Binding("f5", "analyze_now", "Analizza", show=False, priority=True),
        Binding("f9", "figures", "Dati", show=False, priority=True),
        Binding("escape", "focus_editor", "Testo", show=False),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]
    # Actions that act on the main screen: disabled while a dialog is open (their keys are priority bindings).
    MAIN_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"help", "save", "save_as", "skeleton", "cuts", "export", "copy", "quit", "focus_motivations",
         "focus_findings", "focus_editor", "next_placeholder", "analyze_now", "figures", "toggle_flag",
         "command_palette"})

    def __init__(self, session: DraftSession | None = None, *, new_path: Path | None = None,
                 model_loader: Callable[[], Any] | None = load_classifier, recovery: RecoveryStore | None = None,
                 debounce: float = DEBOUNCE_SECONDS, autosave_every: float = AUTOSAVE_SECONDS,
                 cursor_blink: bool = True, freeze_gc: bool = False) -> None:
        """``model_loader`` None starts without a model (rule findings only); tests inject a small one.

        ``freeze_gc``: move the objects alive after start-up and after the model loads out of the garbage
        collector's reach (:func:`gc.freeze`). With spaCy, scikit-learn and the model in memory a full
        collection takes 130-230 ms, and it fell on a keystroke now and then; frozen, it takes a few ms.
        The launcher sets it; tests, which start many apps in one process, do not.
        """
        super().__init__()
        self.session = session
        self.new_path = new_path
        self.model_loader = model_loader
        self.recovery = recovery if recovery is not None else RecoveryStore()
        self.debounce = debounce
        self.autosave_every = autosave_every
        self.cursor_blink = cursor_blink
        self.freeze_gc = freeze_gc
        self.analyzer = Analyzer()
        self.model_state = MODEL_LOADING if model_loader is not None else NO_MODEL
        self.model_reason: str | None = None if model_loader is not None else "modello non richiesto"
        self.context: tuple[str, Any] | None = None  # ("code", "R36") or ("finding", key): what is highlighted
        self.rows: list[MotivationRow] = []
        self.analysis_pending = False
        self.save_error: str | None = None
        self._debounce_timer: Timer | None = None
        self._autosaved: Any = None
        self._autosave_error: str | None = None
        self._applied_revision = -1
        self._count_level = "ok"
        # measurements, read by tests and bench/bench_tui.py
        self.analyses_applied = 0
        self.last_edit_at: float | None = None
        self.last_analysis_started_at: float | None = None
        self.last_analysis_applied_at: float | None = None
        self.last_analysis_seconds: float | None = None
        self.model_seconds: float | None = None

    # --- layout --------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Vertical(id="left"):
                editor = R40Editor(id="editor")
                editor.cursor_blink = self.cursor_blink
                editor.border_title = "R40"
                yield editor
                findings = FindingList(id="findings")
                findings.border_title = "Problemi"
                yield findings
            with Vertical(id="side"):
                yield Static(id="block")
                motivations = MotivationList(id="motivations")
                motivations.border_title = "Motivazioni"
                yield motivations
                yield DetailPanel(id="detail")
        yield StatusBar(id="status")
        yield Footer()

    @property
    def editor(self) -> R40Editor:
        return self.query_one("#editor", R40Editor)

    @property
    def motivations(self) -> MotivationList:
        return self.query_one("#motivations", MotivationList)

    @property
    def findings(self) -> FindingList:
        return self.query_one("#findings", FindingList)

    # --- start ---------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.editor.placeholder = "Scrivere qui la relazione in formato libero (R40)…"
        if self.session is not None:
            self._offer_recovery_of_file()
        else:
            self._offer_latest_recovery()
        self.call_after_refresh(self._begin_model_load)
        self.call_after_refresh(self._freeze_gc)

    def _freeze_gc(self) -> None:
        if self.freeze_gc:
            gc.freeze()

    def _offer_recovery_of_file(self) -> None:
        session = self.session
        assert session is not None
        try:
            copy = self.recovery.find(session.source)
        except OSError:
            copy = None
        if copy is None or not differs(copy, session.record):
            self._start_session()
            return

        def chosen(choice: str | None) -> None:
            if choice == "restore":
                session.restore(copy.record)
                self.notify("Copia di recupero ripristinata: salvare con Ctrl+S.", timeout=6)
            elif choice == "discard":
                self._discard_recovery(session.source)
            self._start_session()

        self.push_screen(recovery_screen(copy.saved_at.strftime("%d/%m/%Y %H:%M"), self._where(copy.source)),
                         chosen)

    def _offer_latest_recovery(self) -> None:
        try:
            copy = self.recovery.latest()
        except OSError:
            copy = None
        if copy is None:
            self._ask_new_record()
            return

        def chosen(choice: str | None) -> None:
            if choice == "restore":
                self.session = DraftSession.from_recovery(copy.record, source=copy.source, path=copy.path)
                self._start_session()
                self.notify("Copia di recupero ripristinata: salvare con Ctrl+S.", timeout=6)
            else:
                if choice == "discard":
                    self._discard_recovery(copy.source)
                self._ask_new_record()

        self.push_screen(recovery_screen(copy.saved_at.strftime("%d/%m/%Y %H:%M"), self._where(copy.source)),
                         chosen)

    @staticmethod
    def _where(source: Path | None) -> str:
        return f"file {source.name}" if source is not None else "relazione nuova, mai salvata"

    def _ask_new_record(self) -> None:
        def check(result: FiguresResult) -> str | None:
            return _record_problem(result, lambda r: new_record(*r))

        def chosen(result: FiguresResult | None) -> None:
            if result is None:
                self.exit()
                return
            self.session = DraftSession(new_record(*result), path=self.new_path)
            self.session.mark_unsaved()
            self._start_session()

        self.push_screen(FiguresScreen(title="Nuova relazione: anno, comune e dati che danno il blocco",
                                       check=check, id="new-record"), chosen)

    def _start_session(self) -> None:
        session = self.session
        assert session is not None
        editor = self.editor
        editor.load_text(session.text)
        editor.focus()
        self._refresh_all()
        self._schedule_analysis(0)
        if self.autosave_every > 0:
            self.set_interval(self.autosave_every, self._autosave, name="autosave")

    # --- model ---------------------------------------------------------------------------------------

    def _begin_model_load(self) -> None:
        if self.model_loader is not None:
            self._load_model()

    @work(exclusive=True, group="model")
    async def _load_model(self) -> None:
        """Load the model in a daemon thread and wait for it here, in an async worker.

        Not a thread worker: Textual waits for those when the app exits, so quitting while the model loads
        took the rest of the loading time (4-5 s). Cancelled on exit, this worker stops at once and the
        daemon thread dies with the process.
        """
        start = time.perf_counter()
        future: Future[Any] = Future()

        def load() -> None:
            if not future.set_running_or_notify_cancel():  # the app closed before the thread started
                return
            try:
                future.set_result(self.model_loader())  # type: ignore[misc]
            except BaseException as exc:  # noqa: BLE001 - handed to the worker below
                future.set_exception(exc)

        threading.Thread(target=load, name="relazione-model", daemon=True).start()
        try:
            model = await asyncio.wrap_future(future)
        except ModelError as exc:
            self.post_message(ModelFailed(str(exc)))
        except Exception as exc:  # noqa: BLE001 - any failure leaves the app usable with the rules only
            self.post_message(ModelFailed(f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(ModelReady(model, time.perf_counter() - start))

    def _post(self, message: Message) -> None:
        try:
            self.post_message(message)
        except RuntimeError:  # the app closed while a worker was finishing
            pass

    def on_model_ready(self, message: ModelReady) -> None:
        self.analyzer.model = message.model
        self._freeze_gc()  # the model's objects live as long as the app
        self.model_state, self.model_reason, self.model_seconds = MODEL_READY, None, message.seconds
        self._refresh_rows()
        self._refresh_detail()
        self._refresh_status()
        if self.session is not None:
            self._schedule_analysis(0)

    def on_model_failed(self, message: ModelFailed) -> None:
        self.model_state, self.model_reason = NO_MODEL, message.reason
        self.notify(f"Modello non disponibile, restano i controlli sulle regole: {message.reason}",
                    severity="warning", timeout=10)
        self._refresh_rows()
        self._refresh_detail()
        self._refresh_status()

    # --- analysis ------------------------------------------------------------------------------------

    def _schedule_analysis(self, delay: float | None = None) -> None:
        if self._debounce_timer is not None:
            self._debounce_timer.stop()
        self.analysis_pending = True
        delay = self.debounce if delay is None else delay
        # Textual timers cannot have a zero delay: "now" is the next millisecond
        self._debounce_timer = self.set_timer(max(delay, 0.001), self._start_analysis, name="debounce")

    def _start_analysis(self) -> None:
        self._debounce_timer = None
        if self.session is not None:
            self.last_analysis_started_at = time.perf_counter()
            self._analyze(self.session.record, self.session.revision)

    @work(thread=True, exclusive=True, group="analysis")
    def _analyze(self, record: Any, revision: int) -> None:
        from textual.worker import get_current_worker

        try:
            analysis = self.analyzer.run(record)
        except Exception as exc:  # noqa: BLE001 - a failing check must not close the editor
            self._post(AnalysisFailed(f"{type(exc).__name__}: {exc}"))
            return
        if not get_current_worker().is_cancelled:
            self._post(AnalysisReady(analysis, record.r40, revision, self.analyzer.last_seconds or 0.0))

    def on_analysis_failed(self, message: AnalysisFailed) -> None:
        self.analysis_pending = self._debounce_timer is not None
        self.notify(f"Analisi non riuscita: {message.reason}", severity="error", timeout=10)
        self._refresh_status()

    def on_analysis_ready(self, message: AnalysisReady) -> None:
        if self.session is None or message.revision < self._applied_revision:
            return
        self._applied_revision = message.revision
        self.session.set_analysis(message.analysis, message.text)
        self.analyses_applied += 1
        self.last_analysis_seconds = message.seconds
        self.analysis_pending = self._debounce_timer is not None or message.revision != self.session.revision
        self._refresh_rows()
        self.findings.show(message.analysis.findings)
        self._refresh_detail()
        self._refresh_marks()
        self._refresh_status()
        self.last_analysis_applied_at = time.perf_counter()

    # --- editing -------------------------------------------------------------------------------------

    @on(TextArea.Changed, "#editor")
    def _text_changed(self, event: TextArea.Changed) -> None:
        if self.session is None or not self.session.set_text(event.text_area.text):
            return
        self.last_edit_at = time.perf_counter()
        level = self.session.count.level
        self._refresh_marks()
        self._refresh_status()
        if level != self._count_level:  # crossing the limit changes the advice
            self._count_level = level
            self._refresh_detail()
        self._schedule_analysis()

    @on(events.DescendantFocus)
    def _list_focused(self, event: events.DescendantFocus) -> None:
        """Entering a list shows its highlighted item at once (no key press needed to see R34's evidence)."""
        if event.widget is self.motivations and self.motivations.highlighted_code is not None:
            self.context = ("code", self.motivations.highlighted_code)
        elif event.widget is self.findings and self.findings.highlighted_finding is not None:
            self.context = ("finding", finding_key(self.findings.highlighted_finding))
        else:
            return
        self._refresh_detail()
        self._refresh_marks()

    @on(OptionList.OptionHighlighted, "#motivations")
    def _motivation_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        code = self.motivations.highlighted_code
        if code is not None:
            self.context = ("code", code)
            self._refresh_detail()
            self._refresh_marks()

    @on(OptionList.OptionSelected, "#motivations")
    def _motivation_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_toggle_flag()

    @on(OptionList.OptionHighlighted, "#findings")
    def _finding_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        f = self.findings.highlighted_finding
        if f is not None:
            self.context = ("finding", finding_key(f))
            self._refresh_detail()
            self._refresh_marks()

    @on(OptionList.OptionSelected, "#findings")
    def _finding_selected(self, event: OptionList.OptionSelected) -> None:
        f = self.findings.highlighted_finding
        if f is None:
            return
        if f.start is None or f.end is None:
            self.notify("Questo problema riguarda i dati o le motivazioni, non un punto del testo.", timeout=4)
            return
        span = self._current_span(f.start, f.end)
        if span is None:
            self.notify("Il testo in quel punto è cambiato: l'analisi si aggiorna tra un attimo.", timeout=4)
            return
        self.action_focus_editor()
        self.editor.select_offsets(*span)

    def _current_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Offsets of the last analysis moved onto the current text (None if the edit touched them)."""
        session = self.session
        assert session is not None
        moved = shift([Mark(start, end, "")], session.analysis_text or "", session.text)
        return (moved[0].start, moved[0].end) if moved else None

    # --- views ---------------------------------------------------------------------------------------

    def _refresh_all(self) -> None:
        session = self.session
        assert session is not None
        self.editor.border_title = f"R40 · {session.title}"
        self._refresh_block()
        self._refresh_rows()
        self.findings.show(session.analysis.findings if session.analysis else [])
        self._refresh_detail()
        self._refresh_marks()
        self._refresh_status()

    def _refresh_block(self) -> None:
        decision = self.session.decision  # type: ignore[union-attr]
        if decision.block is None:
            content = Content.assemble(("Blocco non determinabile", "bold $warning"), "\n",
                                       (f"{decision.reason} (F9 Dati)", "$text-muted"))
        else:
            content = Content.assemble((f"Blocco {decision.letter}", "bold"), "\n",
                                       (decision.block.condition, "$text-muted"))
        self.query_one("#block", Static).update(content)

    def _refresh_rows(self) -> None:
        session = self.session
        if session is None:
            return
        analysis = session.analysis
        prediction = analysis.motivations if analysis is not None else None
        thresholds = getattr(self.analyzer.model, "thresholds_", None)
        self.rows = motivation_rows(session.decision, session.record.flags, prediction, thresholds)
        self.motivations.show(self.rows, loading=self.model_state == MODEL_LOADING)

    def _model_note(self) -> str:
        if self.model_state == MODEL_LOADING:
            return "Punteggi tra poco: modello in caricamento…"
        if self.model_state == NO_MODEL:
            return f"Punteggi non disponibili: {self.model_reason}"
        return "Punteggi in arrivo dopo la prossima analisi."

    def _refresh_detail(self) -> None:
        detail = self.query_one("#detail", DetailPanel)
        kind, value = self.context or ("", None)
        if kind == "finding":
            f = self._finding(value)
            if f is not None:
                detail.show_finding(f)
                return
        if kind == "" and self.session is not None:
            advice = hints(self.session.count, self.rows)
            if advice:
                detail.update(Content("\n").join([Content.assemble(("Da fare", "bold")),
                                                   *(Content(f"• {a}") for a in advice)]))
                return
        code = value if kind == "code" else self.motivations.highlighted_code
        row = next((r for r in self.rows if r.code == code), None)
        if row is not None:
            detail.show_row(row, self._model_note())
        else:
            detail.update(Content.assemble((self._model_note(), "$text-muted")))

    def _finding(self, key: Any) -> Finding | None:
        return next((f for f in self.findings.findings if finding_key(f) == key), None)

    def _context_marks(self) -> list[Mark]:
        """Evidence of the highlighted code, or the span of the highlighted finding, in last-analysis offsets."""
        kind, value = self.context or ("", None)
        if kind == "code":
            row = next((r for r in self.rows if r.code == value), None)
            if row is None:
                return []
            return [Mark(s, e, "evidence" if strong else "evidence-weak") for s, e, _score, strong in row.evidence]
        if kind == "finding":
            f = self._finding(value)
            if f is not None and f.start is not None and f.end is not None:
                return [Mark(f.start, f.end, "finding")]
        return []

    def _refresh_marks(self) -> None:
        session = self.session
        if session is None:
            return
        text = session.text
        marks = shift(self._context_marks(), session.analysis_text or "", text) if session.analysis else []
        marks += [Mark(s, e, "placeholder") for s, e in skeletons.placeholders(text)]
        excess = session.count.excess_span
        if excess:
            marks.append(Mark(*excess, "excess"))
        self.editor.set_marks(marks, text)

    def _refresh_status(self) -> None:
        session = self.session
        status = self.query_one("#status", StatusBar)
        if session is None:
            status.show_state(self.model_state)
            return
        status.show_count(session.count)
        parts = [] if self.model_state == MODEL_READY else [self.model_state]  # ready: the scores say it
        if self.analysis_pending and self.model_state == MODEL_READY:
            parts.append("analisi…")
        holes = len(skeletons.placeholders(session.text))
        if holes:
            parts.append(f"{holes} segnaposto")
        if self.save_error:
            parts.append("salvataggio non riuscito")
        else:
            parts.append("● da salvare" if session.dirty else "salvato")
        status.show_state(" · ".join(parts))

    # --- actions -------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in self.MAIN_ACTIONS and (len(self.screen_stack) > 1 or self.session is None))

    def action_help(self) -> None:
        self.push_screen(HelpScreen(id="help"))

    def action_help_quit(self) -> None:
        self.notify("Per uscire: Ctrl+Q.", timeout=3)

    # Focus moves at once (Widget.focus() defers it), so that keys typed right after F2/F3/Esc go to the
    # widget they were meant for.

    def action_focus_editor(self) -> None:
        self.screen.set_focus(self.editor)

    def action_focus_motivations(self) -> None:
        self.screen.set_focus(self.motivations)

    def action_focus_findings(self) -> None:
        self.screen.set_focus(self.findings)

    def action_analyze_now(self) -> None:
        self._schedule_analysis(0)

    def action_toggle_flag(self, code: str | None = None) -> None:
        session = self.session
        if session is None:
            return
        code = code or self.motivations.highlighted_code
        if code is None:
            self.notify("Selezionare una motivazione (F2).", timeout=3)
            return
        session.cycle_flag(code)
        self.context = ("code", code)
        self._refresh_rows()
        self._refresh_detail()
        self._refresh_status()
        self._schedule_analysis(0)

    def action_next_placeholder(self) -> None:
        session = self.session
        assert session is not None
        holes = skeletons.placeholders(session.text)
        if not holes:
            self.notify("Nessun segnaposto «[...]» da completare.", timeout=3)
            return
        cursor = LineMap(session.text).offset(self.editor.selection.end)
        start, end = next(((s, e) for s, e in holes if s >= cursor), holes[0])
        self.action_focus_editor()
        self.editor.select_offsets(start, end)

    def action_skeleton(self, code: str | None = None) -> None:
        session = self.session
        assert session is not None
        row = next((r for r in self.rows if r.code == code), None) if code else None
        if row is None:
            selected = self.context[1] if self.context and self.context[0] == "code" else None
            candidate = next((r for r in self.rows if r.code == selected), None)
            row = candidate if candidate is not None and candidate.flag == "SI" and candidate.supported is not True \
                else first_needing_text(self.rows)
        if row is None:
            if self.model_state != MODEL_READY:
                self.notify("Senza punteggi: selezionare una motivazione SI (F2) e ripetere F6.", timeout=5)
            else:
                self.notify("Nessuna motivazione SI senza sostegno nel testo.", timeout=4)
            return
        paragraph = skeletons.skeleton(row.code, anno=session.record.anno, comune=session.record.comune)
        addition, start = skeletons.insertion(session.text, paragraph)
        editor = self.editor
        editor.insert(addition, editor.document.end)
        first = skeletons.placeholders(paragraph)[0]
        self.action_focus_editor()
        editor.select_offsets(start + first[0], start + first[1])
        if session.count.level == "over":
            self.notify(f"Schema inserito per {row.code}, ma il testo supera il limite di "
                        f"{session.count.excess} caratteri: vedere F7.", severity="warning", timeout=6)
        else:
            self.notify(f"Schema inserito per {row.code}: sostituire i segnaposto «[...]» (F4 per il prossimo).",
                        timeout=5)

    def action_cuts(self) -> None:
        session = self.session
        assert session is not None
        self._split_sentences(session.text)  # not the analysis's sentences: it reads placeholders blanked

    @work(thread=True, exclusive=True, group="sentences")
    def _split_sentences(self, text: str) -> None:
        from ..nlp import sentences

        self._post(SentencesReady(sentences(text), text))

    def on_sentences_ready(self, message: SentencesReady) -> None:
        if self.session is not None and message.text == self.session.text and len(self.screen_stack) == 1:
            self._show_cuts(message.sentences, message.text)

    def _show_cuts(self, sentences: list, text: str) -> None:
        session = self.session
        assert session is not None

        def chosen(span: tuple[int, int] | None) -> None:
            if span is not None and session.text == text:
                self.action_focus_editor()
                self.editor.select_offsets(*span)

        self.push_screen(CutsScreen(session.count, longest(sentences), near_duplicates(sentences)), chosen)

    def action_figures(self) -> None:
        session = self.session
        assert session is not None

        def check(result: FiguresResult) -> str | None:
            return _record_problem(result, lambda r: DraftSession(session.record).set_figures(*r))

        def chosen(result: FiguresResult | None) -> None:
            if result is None:
                return
            session.set_figures(*result)
            self._refresh_all()
            self._schedule_analysis(0)

        self.push_screen(FiguresScreen(title="Dati del modulo: anno, comune, R04–R07", anno=session.record.anno,
                                       comune=session.record.comune, figures=session.figures(), check=check,
                                       id="figures"), chosen)

    # --- files ---------------------------------------------------------------------------------------

    def action_save(self) -> None:
        session = self.session
        assert session is not None
        if session.path is None:
            self.action_save_as()
        else:
            self._save_to(session.path)

    def action_save_as(self, then: Callable[[], None] | None = None) -> None:
        session = self.session
        assert session is not None

        def chosen(path: Path | None) -> None:
            if path is not None:
                self._save_to(path, then)

        self.push_screen(PathScreen("Salva il record JSON in:", session.suggested_path(), id="save-as"), chosen)

    def _save_to(self, path: Path, then: Callable[[], None] | None = None) -> bool:
        session = self.session
        assert session is not None
        previous = session.source
        try:
            session.save(path)
        except (OSError, RelazioneError) as exc:
            self.save_error = _error_text(exc, path)
            self.notify(f"Salvataggio non riuscito: {self.save_error}", severity="error", timeout=15)
            self._refresh_status()
            return False
        self.save_error = None
        self._discard_recovery(previous)
        if previous != session.source:
            self._discard_recovery(session.source)
        self.editor.border_title = f"R40 · {session.title}"
        self.notify(f"Salvato in {session.path}.", timeout=3)
        self._refresh_status()
        if then is not None:
            then()
        return True

    def action_export(self) -> None:
        session = self.session
        assert session is not None

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            try:
                session.export_text(path)
            except OSError as exc:
                self.notify(f"Esportazione non riuscita: {_error_text(exc, path)}", severity="error", timeout=15)
                return
            self.copy_to_clipboard(session.text)
            note = (f" Attenzione: supera il limite di {session.count.excess} caratteri."
                    if session.count.level == "over" else "")
            self.notify(f"R40 esportata in {path} e copiata negli appunti (se il terminale lo consente).{note}",
                        severity="warning" if note else "information", timeout=8)

        self.push_screen(PathScreen("Esporta R40 come testo semplice in:", session.suggested_path("-R40.txt"),
                                    id="export"), chosen)

    def action_copy(self) -> None:
        session = self.session
        assert session is not None
        self.copy_to_clipboard(session.text)
        self.notify("R40 copiata negli appunti (se il terminale lo consente).", timeout=4)

    def action_quit(self) -> None:
        session = self.session
        if session is None or not session.dirty:
            self.exit()
            return

        def chosen(choice: str | None) -> None:
            if choice == "save":
                if session.path is None:
                    self.action_save_as(then=self.exit)
                else:
                    self._save_to(session.path, then=self.exit)
            elif choice == "discard":
                self._discard_recovery(session.source)
                self.exit()

        self.push_screen(quit_screen(), chosen)

    # --- recovery ------------------------------------------------------------------------------------

    def _autosave(self) -> None:
        session = self.session
        if session is None or not session.dirty or session.record is self._autosaved:
            return
        self._autosaved = session.record
        self._write_recovery(session.record, session.source, session.path)

    @work(thread=True, group="autosave")
    def _write_recovery(self, record: Any, source: Path | None, path: Path | None) -> None:
        try:
            self.recovery.write(record, source=source, path=path)
        except OSError as exc:
            self._post(AutosaveFailed(_error_text(exc)))
        else:
            self._post(AutosaveDone())

    def on_autosave_done(self, message: AutosaveDone) -> None:
        self._autosave_error = None
        if self.session is not None and not self.session.dirty:  # saved meanwhile: the copy is stale
            self._discard_recovery(self.session.source)

    def on_autosave_failed(self, message: AutosaveFailed) -> None:
        self._autosaved = None  # try again at the next tick
        if message.reason != self._autosave_error:
            self._autosave_error = message.reason
            self.notify(f"Copia di recupero non riuscita: {message.reason}", severity="error", timeout=15)

    def _discard_recovery(self, source: Path | None) -> None:
        try:
            self.recovery.discard(source)
        except OSError as exc:
            self.notify(f"Impossibile eliminare la copia di recupero: {_error_text(exc)}", severity="warning")

    # --- command palette -----------------------------------------------------------------------------

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder="Cerca un comando…", id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        if self.session is None:
            yield SystemCommand("Esci", "Chiude il programma", self.exit)
            return
        yield SystemCommand("Aiuto (F1)", "Tasti, conteggio dei caratteri, modello", self.action_help)
        yield SystemCommand("Salva (Ctrl+S)", "Salva il record JSON", self.action_save)
        yield SystemCommand("Salva con nome", "Salva il record JSON in un altro file", self.action_save_as)
        yield SystemCommand("Esporta R40 (F8)", "Testo semplice da incollare nel portale, copiato negli appunti",
                            self.action_export)
        yield SystemCommand("Copia R40 negli appunti", "Se il terminale lo consente (OSC 52)", self.action_copy)
        yield SystemCommand("Inserisci schema (F6)", "Paragrafo da completare per una motivazione SI non sostenuta",
                            self.action_skeleton)
        yield SystemCommand("Frasi da tagliare (F7)", "Frasi più lunghe e quasi duplicate", self.action_cuts)
        yield SystemCommand("Prossimo segnaposto (F4)", "Seleziona il prossimo «[...]» da completare",
                            self.action_next_placeholder)
        yield SystemCommand("Analizza ora (F5)", "Ricalcola subito motivazioni e problemi", self.action_analyze_now)
        yield SystemCommand("Dati del modulo (F9)", "Anno, comune, R04–R07: danno il blocco", self.action_figures)
        yield SystemCommand("Vai al testo (Esc)", "Sposta il cursore nell'editor", self.action_focus_editor)
        yield SystemCommand("Vai alle motivazioni (F2)", "Elenco SI/NO del blocco", self.action_focus_motivations)
        yield SystemCommand("Vai ai problemi (F3)", "Elenco dei problemi trovati", self.action_focus_findings)
        for row in self.rows:
            yield SystemCommand(f"{row.code}: cambia SI/NO (ora {row.flag or 'vuota'})",
                                form.motivation_label(row.code), lambda c=row.code: self.action_toggle_flag(c),
                                discover=False)
            if row.flag == "SI":
                yield SystemCommand(f"{row.code}: inserisci schema", "Paragrafo da completare per questa motivazione",
                                    lambda c=row.code: self.action_skeleton(c), discover=False)
        yield SystemCommand("Esci (Ctrl+Q)", "Chiede conferma se ci sono modifiche non salvate", self.action_quit)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tui.py", description="Assistente per scrivere la relazione R40.")
    parser.add_argument("file", nargs="?", type=Path,
                        help="record JSON o stampa (.txt, .pdf) da aprire; un .json che non esiste viene creato")
    return parser


def open_session(file: Path | None) -> tuple[DraftSession | None, Path | None]:
    """(session, new_path) for a FILE argument; raises RelazioneError with a one-line reason."""
    if file is None:
        return None, None
    if not file.exists() and file.suffix.lower() == ".json":
        return None, file
    return DraftSession.open(file), None


def run(file: Path | None = None) -> int:
    """Open ``file`` (or a new record) in the assistant; 2 with a one-line message if it cannot be read."""
    try:
        session, new_path = open_session(file)
    except RelazioneError as exc:
        message = str(exc)
        print(f"errore: {message if file is None or str(file) in message else f'{file}: {message}'}",
              file=sys.stderr)
        return 2
    DraftApp(session, new_path=new_path, freeze_gc=True).run()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run(args.file)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
