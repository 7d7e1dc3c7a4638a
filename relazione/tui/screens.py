"""Modal screens of the drafting assistant: help, figures form, save/export path, quit, recovery, cuts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Markdown, OptionList, Select, Static
from textual.widgets.option_list import Option

from .. import form
from ..numbers import format_number
from .counter import LIMIT, WARN_FROM, CharCount
from .cuts import DuplicatePair, Span
from .session import FIGURE_CODES, parse_figure


def _N(v) -> str:
    return format_number(v, 0)

HELP = f"""\
# Assistente per la relazione R40

Scrivere a sinistra la **relazione in formato libero (R40)**; a destra il **blocco** di motivazioni
dato dai numeri del modulo (R04–R07) e, per ogni motivazione, la risposta **SI/NO** e quanto il testo
la sostiene (punteggio da 0 a 1 del classificatore: ✓ sostenuta, ✗ no, **!** da controllare).
Sotto il testo, i **problemi** trovati dagli stessi controlli di `relazione check`.

## Conteggio dei caratteri

- Limite: **{_N(LIMIT)} caratteri**; il contatore diventa giallo da {_N(WARN_FROM)} e rosso oltre il
  limite, e il testo in eccesso è evidenziato.
- Ogni **a capo conta un carattere**; un a capo Windows (CRLF) conta **uno**, non due. Come il portale
  conti gli a capo non è documentato: questa è l'ipotesi del programma.

## Tasti

| Tasto | Azione |
|---|---|
| F1 | questo aiuto |
| Ctrl+S | salva il record JSON (Ctrl+P → «Salva con nome» per un altro file) |
| F2 / F3 / Esc | vai alle motivazioni / ai problemi / al testo |
| Ctrl+Inizio / Ctrl+Fine | inizio / fine del testo |
| Invio o spazio | su una motivazione: SI → NO → vuota; su un problema: va al punto del testo |
| F4 | seleziona il prossimo segnaposto «[...]» da completare |
| F5 | analizza subito (di solito parte da sola dopo una pausa nella scrittura) |
| F6 | inserisce uno schema di paragrafo per una motivazione SI non sostenuta |
| F7 | frasi più lunghe e quasi duplicate, per tagliare |
| F8 | esporta R40 come testo semplice e la copia negli appunti (se il terminale lo consente) |
| F9 | anno, comune e dati R04–R07 |
| Ctrl+P | tutti i comandi |
| Ctrl+Q | esci (chiede conferma se ci sono modifiche non salvate) |

## Modello

Il punteggio delle motivazioni viene dal modello in `models/`, caricato in sottofondo all'avvio
(«modello in caricamento»). Senza modello l'assistente funziona lo stesso con i soli controlli sulle
regole, e la riga di stato dice perché.

## Copie di recupero

Ogni pochi secondi le modifiche non salvate sono copiate in una cartella di recupero; al prossimo avvio
il programma propone di ripristinarle. La copia è eliminata quando si salva o si esce senza salvare.

Esc o F1 per chiudere.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "Chiudi"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Markdown(HELP)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)


class ChoiceScreen(ModalScreen[str]):
    """A question with buttons; dismisses with the id of the button chosen ("cancel" on Esc).

    Each choice has a letter key too (shown in its label); Tab/arrows and Enter work on the buttons.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annulla"),
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]

    def __init__(self, question: str, choices: list[tuple[str, str, str, str]], *, id: str | None = None) -> None:
        """``choices``: (button id, label, variant, letter key)."""
        super().__init__(id=id)
        self.question = question
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="question")
            with Horizontal(classes="buttons"):
                for button_id, label, variant, key in self.choices:
                    yield Button(f"{label} ({key.upper()})", id=button_id, variant=variant,  # type: ignore[arg-type]
                                 compact=True)

    def on_key(self, event) -> None:
        for button_id, _label, _variant, key in self.choices:
            if event.key == key:
                event.stop()
                self.dismiss(button_id)
                return

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id or "cancel")

    def action_cancel(self) -> None:
        self.dismiss("cancel")


def quit_screen() -> ChoiceScreen:
    return ChoiceScreen(
        "Ci sono modifiche non salvate. Salvarle prima di uscire?",
        [("save", "Salva ed esci", "primary", "s"), ("discard", "Esci senza salvare", "error", "n"),
         ("cancel", "Annulla", "default", "a")],
        id="confirm-quit",
    )


def recovery_screen(when: str, where: str) -> ChoiceScreen:
    return ChoiceScreen(
        f"C'è una copia di recupero del {when} ({where}) con modifiche non salvate. Ripristinarla?",
        [("restore", "Ripristina", "primary", "r"), ("discard", "Elimina la copia", "error", "e")],
        id="recovery",
    )


class _FormScreen(ModalScreen):
    """A dialog confirmed by Enter or its "Conferma" button and dismissed with None by Esc or "Annulla";
    subclasses read their fields in ``_done``."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Annulla")]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._done()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._done()
        else:
            self.dismiss(None)

    def _done(self) -> None:  # pragma: no cover - always overridden
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)


class PathScreen(_FormScreen, ModalScreen[Path | None]):
    """Ask for a file name (Save as, Export); dismisses with the path or None."""

    def __init__(self, title: str, default: Path, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="question")
            yield Input(str(self.default), id="path", compact=True)
            with Horizontal(classes="buttons"):
                yield Button("Conferma", id="ok", variant="primary", compact=True)
                yield Button("Annulla", id="cancel", compact=True)

    def _done(self) -> None:
        value = self.query_one("#path", Input).value.strip()
        self.dismiss(Path(value).expanduser().absolute() if value else None)


FiguresResult = tuple[int, "str | None", dict[str, "float | None"]]


class FiguresScreen(_FormScreen, ModalScreen[FiguresResult | None]):
    """Year, comune and R04–R07 (typed or pasted, Italian notation); the block follows from them.

    ``check`` validates a result and returns an Italian error message (shown in the form) or None.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Annulla")]
    LABELS: ClassVar[dict[str, str]] = {
        "R04": "R04 livello di servizio effettivo (%)",
        "R05": "R05 livello di servizio di riferimento (%)",
        "R06": "R06 fabbisogno standard monetario (€)",
        "R07": "R07 spesa storica di riferimento (€)",
    }

    def __init__(self, *, title: str, anno: int | None = None, comune: str | None = None,
                 figures: Mapping[str, float | None] | None = None,
                 check: Callable[[FiguresResult], str | None] | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.anno = anno
        self.comune = comune
        self.figures = dict(figures or {})
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="figures-dialog"):
            yield Label(self.title_text, classes="question")
            with Grid(id="figures-grid"):
                yield Label("Anno")
                yield Select([(str(y), y) for y in form.YEARS], value=self.anno or form.YEARS[-1],
                             allow_blank=False, id="anno", compact=True)
                yield Label("Comune")
                yield Input(self.comune or "", placeholder="es. Lagoscuro", id="comune", compact=True)
                for code in FIGURE_CODES:
                    yield Label(self.LABELS[code])
                    value = self.figures.get(code)
                    example = "es. 4,30" if code in ("R04", "R05") else "es. 1.412.530,18"
                    yield Input("" if value is None else format_number(value), placeholder=example, id=code,
                                compact=True)
            yield Static("", id="figures-error")
            with Horizontal(classes="buttons"):
                yield Button("Conferma", id="ok", variant="primary", compact=True)
                yield Button("Annulla", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#comune", Input).focus()

    def _done(self) -> None:
        error = self.query_one("#figures-error", Static)
        figures: dict[str, float | None] = {}
        for code in FIGURE_CODES:
            try:
                figures[code] = parse_figure(self.query_one(f"#{code}", Input).value)
            except ValueError as exc:
                error.update(f"{code}: {exc}")
                self.query_one(f"#{code}", Input).focus()
                return
        anno = self.query_one("#anno", Select).value
        result: FiguresResult = (int(anno), self.query_one("#comune", Input).value.strip() or None,  # type: ignore[arg-type]
                                 figures)
        problem = self.check(result) if self.check else None
        if problem:
            error.update(problem)
            return
        self.dismiss(result)


def _preview(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


class CutsScreen(ModalScreen[tuple[int, int] | None]):
    """Longest and near-duplicate sentences; Enter dismisses with the (start, end) to select in the editor."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f7", "cancel", "Chiudi")]

    def __init__(self, count: CharCount, longest: list[Span], duplicates: list[DuplicatePair]) -> None:
        super().__init__(id="cuts")
        self.count = count
        self.longest = longest
        self.duplicates = duplicates

    def compose(self) -> ComposeResult:
        if self.count.level == "over":
            head = f"Oltre il limite di {_N(self.count.excess)} caratteri: ecco cosa si può accorciare."
        else:
            head = f"Entro il limite (restano {_N(self.count.left)} caratteri). Frasi lunghe e ripetute:"
        with Vertical(classes="dialog", id="cuts-dialog"):
            yield Static(head, classes="question")
            longest = OptionList(*(Option(Content.assemble((f"{s.length:>4} car. ", "bold"), _preview(s.text)),
                                          id=f"l{i}") for i, s in enumerate(self.longest)), id="longest")
            longest.border_title = "Frasi più lunghe"
            yield longest
            if self.duplicates:
                items = [Option(Content.assemble((f"{round(p.similarity * 100):>3}% ", "bold"),
                                                 f"«{_preview(p.first.text, 28)}» ≈ «{_preview(p.second.text, 28)}»"),
                                id=f"d{i}") for i, p in enumerate(self.duplicates)]
            else:
                items = [Option("Nessuna frase quasi duplicata.", disabled=True)]
            duplicates = OptionList(*items, id="duplicates")
            duplicates.border_title = "Frasi quasi duplicate (invio: va alla seconda)"
            yield duplicates
            yield Label("Invio: seleziona la frase nel testo · Esc: chiudi", classes="hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id.startswith("l"):
            s = self.longest[int(option_id[1:])]
            self.dismiss((s.start, s.end))
        elif option_id.startswith("d"):
            s = self.duplicates[int(option_id[1:])].second
            self.dismiss((s.start, s.end))

    def action_cancel(self) -> None:
        self.dismiss(None)
