"""Rich rendering of classifier output: per file, each code with its score, decision and best evidence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .. import form


def print_classification(results: Sequence[dict[str, Any]], console: Console, thresholds: dict[str, float]) -> None:
    for res in results:
        if res.get("error"):
            console.print(Text(f"{res['file']}: {res['error']}", style="bold red"))
            continue
        title = f"{res['file']} — blocco {res['block'] or 'non determinato (tutti i codici)'}"
        table = Table(title=title, title_justify="left", expand=True)
        table.add_column("codice", no_wrap=True)
        table.add_column("motivazione", ratio=2)
        table.add_column("punteggio", justify="right", no_wrap=True)
        table.add_column("sostenuta", no_wrap=True)
        table.add_column("frase che la sostiene", ratio=3)
        for code, r in res["codes"].items():
            label = form.short_label(code)
            best = next((e for e in r["evidence"] if e["score"] >= thresholds.get(code, 0.5)), None)
            table.add_row(code, label, f"{r['score']:.2f}",
                          Text("sì", "bold green") if r["supported"] else Text("no", "dim"),
                          f"«{best['text']}»" if best else "")
        console.print(table)
        console.print()
