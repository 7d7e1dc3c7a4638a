"""Rich table renderer for people at a terminal: one table per file, then a one-line summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..analysis import Analysis
from ..findings import Severity
from . import SEVERITY_IT, FileError

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
SEVERITY_IT_PLURAL = {Severity.ERROR: "errori", Severity.WARNING: "avvisi", Severity.INFO: "info"}


def render_analysis(a: Analysis) -> RenderableType:
    title = f"{a.source or '-'} — {a.record.comune or 'comune n.d.'} {a.record.anno}"
    caption = f"blocco {a.block}: {a.decision.reason}" if a.block else a.decision.reason
    if not a.findings:
        return Group(Text(title, style="bold"), Text(f"  {caption}"), Text("  nessun problema rilevato", "green"))
    table = Table(title=title, caption=caption, title_justify="left", caption_justify="left", expand=True)
    table.add_column("gravità", no_wrap=True)
    table.add_column("regola", no_wrap=True)
    table.add_column("codice", no_wrap=True)
    table.add_column("messaggio", ratio=1)
    for f in a.findings:
        table.add_row(Text(SEVERITY_IT[f.severity], SEVERITY_STYLE[f.severity]), f.rule, f.code or "", f.message)
    return table


def summary_line(results: Sequence[Analysis | FileError]) -> str:
    counts = Counter(f.severity for r in results if isinstance(r, Analysis) for f in r.findings)
    errors = sum(isinstance(r, FileError) for r in results)
    parts = [f"{len(results)} file", *(f"{counts[s]} {(SEVERITY_IT if counts[s] == 1 else SEVERITY_IT_PLURAL)[s]}"
                                        for s in reversed(Severity) if counts[s])]
    if errors:
        parts.append(f"{errors} file non leggibili")
    return ", ".join(parts)


def print_table(results: Sequence[Analysis | FileError], console: Console) -> None:
    for r in results:
        if isinstance(r, FileError):
            console.print(Text(f"{r.file}: {r.message}", style="bold red"))
        else:
            console.print(render_analysis(r))
        console.print()
    console.print(Text(summary_line(results), style="bold"))
