"""The widgets of the drafting assistant: thin views over the pure logic of the other modules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.widgets.text_area import Selection

from ..findings import Finding, Severity
from ..guidelines import EVIDENCE_HINT
from .counter import CharCount
from .engine import MotivationRow, short_label
from .marks import LineMap, Mark

SEVERITY_ICON = {Severity.ERROR: ("✖", "$error"), Severity.WARNING: ("▲", "$warning"), Severity.INFO: ("●", "$primary")}
SEVERITY_WORD = {Severity.ERROR: "errore", Severity.WARNING: "avviso", Severity.INFO: "informazione"}


def score_text(score: float) -> str:
    return f"{score:.2f}".replace(".", ",")


def score_bar(score: float, width: int = 5) -> str:
    full = max(0, min(width, round(score * width)))
    return "█" * full + "░" * (width - full)


class R40Editor(TextArea, inherit_bindings=False):
    """The R40 text area, painting marks (excess, evidence, finding, placeholders) over the text.

    Marks are offsets into the text (see :mod:`relazione.tui.marks`); their colours are component classes
    styled in ``app.tcss``. F6/F7 (select line / all in TextArea) are left to the app (skeleton, cuts).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(b for b in TextArea.BINDINGS if not (isinstance(b, Binding) and b.key in ("f6", "f7"))),
        Binding("ctrl+home", "document_start", "Inizio del testo", show=False),
        Binding("ctrl+end", "document_end", "Fine del testo", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = TextArea.COMPONENT_CLASSES | {
        "r40--excess", "r40--evidence", "r40--evidence-weak", "r40--finding", "r40--placeholder",
    }

    def __init__(self, text: str = "", **kwargs) -> None:
        # no cursor-line highlight: a paragraph is one soft-wrapped line, and the highlight would hide the marks
        super().__init__(text, soft_wrap=True, tab_behavior="focus", show_line_numbers=False,
                         highlight_cursor_line=False, **kwargs)
        self.marks: list[Mark] = []
        self._by_line: dict[int, list[tuple[int, int, str]]] = {}

    def set_marks(self, marks: list[Mark], text: str | None = None) -> None:
        """Show ``marks`` (offsets into ``text``, by default the current text)."""
        self.marks = list(marks)
        by_line = LineMap(self.text if text is None else text).by_line(self.marks)
        if by_line == self._by_line:
            return  # typing outside the marks: nothing to repaint beyond what the edit repaints
        self._by_line = by_line
        # TextArea caches rendered lines by cursor/scroll/selection only: drop the cache so marks repaint.
        self._line_cache.clear()
        self.refresh()

    def get_line(self, line_index: int):
        line = super().get_line(line_index)
        for start, end, style in self._by_line.get(line_index, ()):
            line.stylize(self.get_component_rich_style(f"r40--{style}"), start, end)
        return line

    def action_document_start(self) -> None:
        self.move_cursor(self.document.start, center=True)

    def action_document_end(self) -> None:
        self.move_cursor(self.document.end, center=True)

    def select_offsets(self, start: int, end: int) -> None:
        """Select text by offsets and scroll it into view."""
        lines = LineMap(self.text)
        self.selection = Selection(lines.location(start), lines.location(end))
        self.scroll_cursor_visible(center=True)


class StatusBar(Horizontal):
    """One line: characters used/left on the left, model, analysis and save state on the right."""

    def compose(self):
        yield Label(id="counter")
        yield Label(id="state")

    def show_count(self, count: CharCount) -> None:
        label = self.query_one("#counter", Label)
        label.update(count.describe(), layout=False)  # fixed width (app.tcss): no layout on every keystroke
        label.set_class(count.level == "warn", "-warn")
        label.set_class(count.level == "over", "-over")

    def show_state(self, text: str) -> None:
        label = self.query_one("#state", Label)
        if str(label.content) != text:
            label.update(text, layout=False)


def motivation_prompt(row: MotivationRow, loading: bool) -> Content:
    """'R36 SI █████ 0,97 ✓' with the problem rows in warning colour; dots while the model loads."""
    flag = row.flag or "--"
    flag_style = {"SI": "bold $success", "NO": "bold $text-muted"}.get(row.flag or "", "$text-disabled")
    parts: list[tuple[str, str] | str] = [(row.code, "bold"), " ", (flag, flag_style), " "]
    if not row.in_block:
        parts.append(("fuori blocco", "bold $error"))
    elif row.score is None:
        parts.append(("·····" if loading else "", "$text-disabled"))
    else:
        mark, mark_style = ("✓", "$success") if row.supported else ("✗", "$text-disabled")
        if row.needs_text or row.contradicts:
            mark, mark_style = "!", "bold $warning"
        parts += [(score_bar(row.score), "$success" if row.supported else "$text-muted"), " ",
                  (score_text(row.score), ""), " ", (mark, mark_style)]
    return Content.assemble(*parts)


class MotivationList(OptionList):
    """The codes of the block with their flag and support; Enter or space cycles SI -> NO -> empty."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "select", "SI/NO", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows: list[MotivationRow] = []

    def show(self, rows: list[MotivationRow], loading: bool) -> None:
        keep = self.highlighted_code
        self.rows = rows
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(Option(motivation_prompt(r, loading), id=r.code) for r in rows)
            if rows:
                codes = [r.code for r in rows]
                self.highlighted = codes.index(keep) if keep in codes else (self.highlighted or 0)
                if self.highlighted is not None and self.highlighted >= len(rows):
                    self.highlighted = 0

    @property
    def highlighted_code(self) -> str | None:
        if self.highlighted is None or not self.rows or self.highlighted >= len(self.rows):
            return None
        return self.rows[self.highlighted].code



def finding_prompt(f: Finding) -> Content:
    icon, style = SEVERITY_ICON[f.severity]
    where = f" {f.code}" if f.code and not f.message.startswith(f.code) else ""
    return Content.assemble((icon, style), " ", (f"{f.rule}{where}", "bold"), " ", f.message)


class FindingList(OptionList):
    """The findings of ``relazione check``, one line each; Enter takes the editor to the text they point at."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.findings: list[Finding] = []

    def show(self, findings: Iterable[Finding]) -> None:
        keep = self.highlighted_finding
        self.findings = list(findings)
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(Option(finding_prompt(f)) for f in self.findings)
            if self.findings:
                keys = [finding_key(f) for f in self.findings]
                self.highlighted = keys.index(finding_key(keep)) if keep and finding_key(keep) in keys else 0
        self.border_title = f"Problemi ({len(self.findings)})" if self.findings else "Problemi: nessuno"

    @property
    def highlighted_finding(self) -> Finding | None:
        if self.highlighted is None or self.highlighted >= len(self.findings):
            return None
        return self.findings[self.highlighted]


def finding_key(f: Finding) -> tuple[str, str, str | None]:
    """What identifies a finding across analyses (its offsets move as the text changes)."""
    return f.rule, f.kind, f.code


class DetailPanel(Static):
    """Details of the highlighted motivation or finding."""

    def show_row(self, row: MotivationRow, model_state: str) -> None:
        flag = row.flag or "non compilata"
        head = Content.assemble((row.code, "bold"), " · ", (flag, "bold"))
        if row.score is not None:
            support = "sostenuta dal testo" if row.supported else "non sostenuta dal testo"
            head = Content.assemble(head, f" · {support} ({score_text(row.score)})")
        lines: list[Content | str] = [head, Content.assemble((short_label(row.code, 400), "italic"))]
        if not row.in_block:
            advice = "Fuori dal blocco dato dai numeri: togliere la motivazione (invio) o correggere i dati (F9)."
            lines.append(Content.assemble((advice, "$error")))
        elif row.needs_text:
            advice = f"Il testo non la sostiene: manca {EVIDENCE_HINT[row.code]}. F6 inserisce uno schema."
            lines.append(Content.assemble((advice, "$warning")))
        elif row.contradicts:
            advice = "È NO ma il testo la sostiene (frase evidenziata): indicare SI o rivedere il testo."
            lines.append(Content.assemble((advice, "$warning")))
        elif row.score is None:
            lines.append(Content.assemble((model_state, "$text-muted")))
        elif row.evidence:
            n = len(row.evidence)
            lines.append(f"{n} frase evidenziata nel testo." if n == 1 else f"{n} frasi evidenziate nel testo.")
        lines.append(Content.assemble(("Invio/spazio: SI → NO → vuota", "$text-muted")))
        self.update(Content("\n").join(lines))

    def show_finding(self, f: Finding) -> None:
        icon, style = SEVERITY_ICON[f.severity]
        head = Content.assemble((icon, style), " ", (SEVERITY_WORD[f.severity], style), " · ",
                                (f.rule + (f" ({f.code})" if f.code else ""), "bold"))
        where = ("Invio: va al punto del testo." if f.start is not None
                 else "Riguarda i dati o le motivazioni, non un punto del testo.")
        self.update(Content("\n").join([head, Content(f.message), Content.assemble((where, "$text-muted"))]))
