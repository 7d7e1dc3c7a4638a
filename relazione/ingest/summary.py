"""Output of ``relazione parse``: one JSON entry per input file, or a Rich summary table.

Kept out of cli.py so the command stays a thin layer and scripts can reuse the same entries.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import inputs
from .model import ParseResult


@dataclass
class Entry:
    """One input file: its parse result, or the one-line reason it failed."""

    file: str
    result: ParseResult | None = None
    output: str | None = None  # the record file written with -o
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.result is None:
            return {"file": self.file, "error": self.error}
        data = {"file": self.file, **self.result.to_dict()}
        if self.output:
            data["output"] = self.output
        return data


def expand_prints(paths: Sequence[Path]) -> list[Path]:
    """Files as given; folders walked for prints (.txt, .pdf) only, in a stable order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in inputs.PRINT_SUFFIXES))
        else:
            out.append(p)
    return out


def output_names(paths: Sequence[Path]) -> dict[Path, str]:
    """``<stem>.json`` per input; inputs sharing a stem (a.txt, a.pdf) keep their suffix (a.pdf.json)."""
    stems: dict[str, int] = {}
    for p in paths:
        stems[p.stem] = stems.get(p.stem, 0) + 1
    return {p: f"{p.stem if stems[p.stem] == 1 else p.name}.json" for p in paths}


def to_json(entries: Sequence[Entry]) -> str:
    return json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=2) + "\n"


def print_table(entries: Sequence[Entry], console) -> None:
    """One row per file (layout, confidence, counts, block, flags); details and errors below the table."""
    from rich.table import Table

    table = Table(title="Lettura delle stampe", caption="Fid. fiducia; campi Trov. trovati, Manc. mancanti, "
                  "Rec. recuperati da testo rumoroso; Avv. avvisi; Bl. blocco dai dati")
    for title, justify in (("File", "left"), ("Modulo", "left"), ("Fid.", "right"), ("Trov.", "right"),
                           ("Manc.", "right"), ("Rec.", "right"), ("Avv.", "right"), ("Bl.", "center"),
                           ("SI", "left"), ("NO", "left")):
        table.add_column(title, justify=justify, overflow="fold")
    for e in entries:
        name = Path(e.file).name
        if e.result is None:
            table.add_row(name, "[red]errore[/red]", *[""] * 8)
            continue
        r, flags = e.result.report, e.result.record.flags
        table.add_row(name, r.layout, f"{r.confidence:.2f}", str(len(r.found)), str(len(r.missing)),
                      str(len(r.recovered)), str(len(r.warnings)), r.block or "n.d.",
                      " ".join(c for c, v in flags.items() if v == "SI") or "—",
                      " ".join(c for c, v in flags.items() if v == "NO") or "—")
    console.print(table)
    for e in entries:
        for line in _details(e):
            console.print(f"{e.file}: {line}", markup=False, highlight=False)


def _details(e: Entry) -> list[str]:
    if e.result is None:
        return [f"errore: {e.error.removeprefix(e.file + ': ') if e.error else ''}"]
    r = e.result.report
    out = [f"mancanti: {', '.join(r.missing)}"] if r.missing else []
    out += [f"avviso: {w}" for w in r.warnings]
    return out + ([f"record scritto in {e.output}"] if e.output else [])
