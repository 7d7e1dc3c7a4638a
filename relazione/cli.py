"""Command-line interface: parses arguments, calls the core, picks a renderer, sets the exit code.

Exit codes (as linters): 0 no finding of severity warning or above, 1 findings, 2 usage or input errors.
Heavy modules are imported inside the commands so that ``relazione --help`` stays fast.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__

app = typer.Typer(
    name="relazione",
    help="Scrivere e verificare la relazione R40 (Obiettivi di servizio – Servizi sociali, FSC).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"relazione {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Mostra la versione ed esce."),
) -> None:
    """Scrivere e verificare la relazione R40 (Obiettivi di servizio – Servizi sociali, FSC)."""


def fail(message: str) -> None:
    """One line on stderr, exit code 2, never a traceback."""
    typer.echo(f"errore: {message}", err=True)
    raise typer.Exit(EXIT_INPUT)


@app.command()
def check(
    files: List[Path] = typer.Argument(..., help="Record JSON o stampe del modulo (.txt, .pdf); cartelle ammesse."),
    format: Format = typer.Option(Format.table, "--format", "-f", help="Formato di uscita."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Scrive il risultato su file."),
) -> None:
    """Controlla blocco, motivazioni, lunghezza e regole aritmetiche di ogni relazione."""
    from .analysis import analyze
    from .errors import RelazioneError
    from .inputs import expand_paths, read_input
    from .reports import FileError

    paths = expand_paths(files)
    if not paths:
        fail("nessun file da controllare")
    results = []
    for path in paths:
        try:
            results.append(analyze(read_input(path), source=str(path)))
        except RelazioneError as exc:
            msg = str(exc)
            results.append(FileError(str(path), msg.removeprefix(f"{path}: ")))
            typer.echo(f"errore: {msg if msg.startswith(str(path)) else f'{path}: {msg}'}", err=True)
    _emit(results, format, output)
    if any(isinstance(r, FileError) for r in results):
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_FINDINGS if any(r.has_problems for r in results) else EXIT_OK)


def _emit(results: list, format: Format, output: Optional[Path]) -> None:
    """Print to the terminal, or write the whole report atomically to ``output``."""
    if format is Format.table:
        from rich.console import Console

        from .reports.table import print_table

        if output is None:
            print_table(results, Console(highlight=False))
            return
        import io

        buf = io.StringIO()
        print_table(results, Console(file=buf, width=120, highlight=False, no_color=True))
        text = buf.getvalue()
    else:
        from .reports import machine

        text = machine.to_json(results) if format is Format.json else machine.to_csv(results)
    text = text if text.endswith("\n") else text + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        from .record import atomic_write_text

        atomic_write_text(output, text)


corpus_app = typer.Typer(help="Corpus annotato delle relazioni R40: costruzione, validazione, statistiche.",
                         no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")


@corpus_app.command("build")
def corpus_build(
    batches: Path = typer.Option(None, help="Cartella dei lotti scritti a mano (default: corpus/batches)."),
    output: Path = typer.Option(None, "--output", "-o", help="File JSONL (default: corpus/narratives.jsonl)."),
) -> None:
    """Assembla i lotti in corpus/narratives.jsonl con lo split fisso train/dev/test."""
    from . import corpus

    records = corpus.build(batches or corpus.BATCHES, output or corpus.NARRATIVES)
    typer.echo(f"{len(records)} narrazioni scritte in {output or corpus.NARRATIVES}")


@corpus_app.command("validate")
def corpus_validate(
    path: Path = typer.Argument(None, help="File JSONL (default: corpus/narratives.jsonl)."),
    card: bool = typer.Option(False, "--write-card", help="Aggiorna la tabella statistica di corpus/CARD.md."),
) -> None:
    """Verifica span, blocchi, copertura, split e duplicati; esce con 1 se qualcosa non va."""
    import json

    from . import corpus

    path = path or corpus.NARRATIVES
    try:
        records = corpus.load(path)
    except (OSError, ValueError, KeyError) as exc:
        fail(f"{path}: corpus illeggibile ({exc})")
    report = corpus.validate(records)
    for problem in report.problems:
        typer.echo(problem, err=True)
    typer.echo(json.dumps(report.stats, ensure_ascii=False, indent=1))
    if card:
        corpus.write_card_stats(report.stats)
    raise typer.Exit(EXIT_OK if report.ok else EXIT_FINDINGS)


def run() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    run()
