"""Command-line interface: parses arguments, calls the core, picks a renderer, sets the exit code.

Exit codes (as linters): 0 no finding of severity warning or above, 1 findings, 2 usage or input errors.
Heavy modules are imported inside the commands so that ``relazione --help`` stays fast.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

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
    files: list[Path] = typer.Argument(..., help="Record JSON o stampe del modulo (.txt, .pdf); cartelle ammesse."),
    format: Format = typer.Option(Format.table, "--format", "-f", help="Formato di uscita."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Scrive il risultato su file."),
    use_model: bool = typer.Option(True, "--model/--no-model",
                                   help="Aggiunge i controlli sul testo (classificatore) se il modello è presente."),
) -> None:
    """Controlla blocco, motivazioni, lunghezza e regole aritmetiche di ogni relazione."""
    from .inputs import expand_paths

    if not expand_paths(files):
        fail("nessun file da controllare")
    results = _audit(files, _optional_model() if use_model else None)
    _emit(results, format, output)
    _exit_for(results)


def _optional_model():
    """The classifier when it loads; otherwise rule checks only, with one line on stderr saying why."""
    from . import model_files
    from .errors import ModelError

    try:
        return model_files.load()
    except ModelError as exc:
        typer.echo(f"avviso: controlli sul testo non disponibili ({exc})", err=True)
        return None


def _audit(files: list[Path], model, *, jobs: int = 1, progress=None) -> list:
    """Analyse every file; unreadable ones are reported on stderr, one line each, and kept as error rows."""
    from . import audit
    from .reports import FileError

    results = audit.run(files, model=model, jobs=jobs, progress=progress)
    for r in results:
        if isinstance(r, FileError):
            typer.echo(f"errore: {r.file}: {r.message}", err=True)
    return results


def _exit_for(results: list) -> None:
    from .reports import FileError

    if any(isinstance(r, FileError) for r in results):
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_FINDINGS if any(r.has_problems for r in results) else EXIT_OK)


def _emit(results: list, format: Format, output: Path | None) -> None:
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
    _write(text, output)


def _write(text: str, output: Path | None) -> None:
    text = text if text.endswith("\n") else text + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        from .record import atomic_write_text

        atomic_write_text(output, text)


class AuditFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    html = "html"


@app.command()
def audit(
    paths: list[Path] = typer.Argument(..., help="Cartelle o file: record JSON, stampe .txt e .pdf."),
    format: AuditFormat = typer.Option(AuditFormat.table, "--format", "-f", help="Formato del rapporto."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File del rapporto (html: obbligatorio "
                                                                        "o audit.html)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Processi per leggere i file."),
    baseline: Path | None = typer.Option(None, "--baseline", help="Problemi già accettati da non mostrare."),
    write_baseline: Path | None = typer.Option(None, "--write-baseline",
                                                  help="Salva i problemi attuali come accettati."),
    model: Path | None = typer.Option(None, "--model", help="Cartella del modello (default: models/)."),
) -> None:
    """Verifica centinaia di relazioni: testo, motivazioni e dati, con le prove, in tabella, JSON, CSV o HTML."""
    import json

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import audit as audit_mod
    from .errors import RelazioneError
    from .inputs import expand_paths

    if not expand_paths(paths):
        fail("nessun file da verificare")
    accepted = set()
    if baseline is not None:
        try:
            accepted = audit_mod.load_baseline(baseline)
        except RelazioneError as exc:
            fail(str(exc))
    clf = load_model(model)
    err = Console(stderr=True)
    with Progress(TextColumn("verifica"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                  transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("verifica", total=None)
        results = _audit(paths, clf, jobs=jobs,
                         progress=lambda done, total: bar.update(task, completed=done, total=total))
    if write_baseline is not None:
        n = audit_mod.write_baseline(results, write_baseline)
        typer.echo(f"{n} problemi salvati come accettati in {write_baseline}", err=True)
    dropped = audit_mod.apply_baseline(results, accepted) if accepted else 0
    summary = audit_mod.summarize(results, dropped)
    if format is AuditFormat.html:
        from .reports.html import render

        target = output or Path("audit.html")
        _write(render(results, summary=summary.to_dict(), thresholds=clf.thresholds_), target)
        typer.echo(f"rapporto HTML scritto in {target}", err=True)
    elif format is AuditFormat.json:
        _write(json.dumps({"summary": summary.to_dict(), "results": [r.to_dict() for r in results]},
                          ensure_ascii=False, indent=1), output)
    else:
        _emit(results, Format(format.value), output)
    typer.echo(_summary_line(summary), err=True)
    _exit_for(results)


def _summary_line(summary) -> str:
    sev = summary.by_severity
    kinds = ", ".join(f"{k} {n}" for k, n in summary.by_kind.most_common(6))
    return (f"{summary.files} file, {summary.errors} non leggibili; problemi: {sev.get('error', 0)} errori, "
            f"{sev.get('warning', 0)} avvisi, {sev.get('info', 0)} info"
            + (f" ({kinds})" if kinds else "") + (f"; {summary.accepted} accettati dalla baseline"
                                                  if summary.accepted else ""))


class Block(str, Enum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


class OutFormat(str, Enum):
    table = "table"
    json = "json"


def load_model(folder: Path | None = None):
    """The trained classifier, or exit 2 with the reason and the command that rebuilds it."""
    from . import model_files
    from .errors import ModelError

    try:
        return model_files.load(folder or model_files.MODELS_DIR)
    except ModelError as exc:
        fail(str(exc))


@app.command()
def classify(
    files: list[str] = typer.Argument(..., help="Record JSON, stampe (.txt, .pdf) o testo semplice; '-' legge lo "
                                                "standard input."),
    block: Block | None = typer.Option(None, "--block", "-b", help="Blocco da usare (default: dai dati)."),
    all_codes: bool = typer.Option(False, "--all-codes", help="Valuta tutti i 24 codici R16–R39."),
    format: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="Formato di uscita."),
    model: Path | None = typer.Option(None, "--model", help="Cartella del modello (default: models/)."),
) -> None:
    """Indica quali motivazioni R16–R39 sono sostenute dal testo, con le frasi che le provano."""
    import json

    from .errors import RelazioneError
    from .narratives import read_narrative

    clf = load_model(model)
    results, failed = [], False
    for name in files:
        try:
            item = read_narrative(name, sys.stdin if name == "-" else None)
        except RelazioneError as exc:
            typer.echo(f"errore: {exc}", err=True)
            results.append({"file": name, "block": None, "codes": {}, "error": str(exc)})
            failed = True
            continue
        letter = block.value if block else item.block
        pred = clf.predict([item.text], [letter], all_codes=all_codes)[0]
        results.append({"file": name, **pred.to_dict()})
    if format is OutFormat.json:
        typer.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        from rich.console import Console

        from .reports.classification import print_classification

        print_classification(results, Console(highlight=False), clf.thresholds_)
    raise typer.Exit(EXIT_INPUT if failed else EXIT_OK)


@app.command()
def train(
    corpus_file: Path | None = typer.Option(None, "--corpus", help="Corpus JSONL (default: corpus/narratives.jsonl)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Cartella del modello (default: models/)."),
    encoder: str = typer.Option("use", help="Encoder delle frasi: use oppure e5-small."),
    seed: int = typer.Option(0, help="Seme per un addestramento riproducibile."),
    c: float = typer.Option(10.0, "--C", help="Regolarizzazione inversa delle teste logistiche (scelta su dev)."),
    folds: int = typer.Option(5, "--folds", min=2,
                              help="Fold della validazione incrociata su train+dev che tara tutte le soglie."),
) -> None:
    """Tara le soglie (per codice e dell'audit) su previsioni fuori fold di train+dev, poi addestra il
    classificatore su tutto train+dev. Lo split di test resta intatto."""
    import time

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from . import corpus, model_files
    from .cards import write_section
    from .classifier import MotivationClassifier
    from .evaluation import evaluate
    from .tuning import cross_val_predictions, thresholds_markdown, tune

    path = corpus_file or corpus.NARRATIVES
    try:
        records = corpus.load(path)
    except (OSError, ValueError) as exc:
        fail(f"{path}: corpus illeggibile ({exc})")
    pool = corpus.train_and_dev(records)
    if len(pool) < 2 * folds:
        fail(f"{path}: {len(pool)} narrazioni di train+dev, troppo poche per {folds} fold")
    extra = corpus.training_sentences()
    # the tuning part of the negation sentences is never learned from: it keeps thresholds from counting denials
    negated = corpus.sentences_as_narratives(corpus.load_sentences(split="dev"))
    start = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task(f"soglie: validazione incrociata ({folds} fold su train+dev)", total=folds)
        held_out = cross_val_predictions(
            lambda: MotivationClassifier(encoder, C=c, seed=seed), pool, extra, k=folds, held_out=negated,
            progress=lambda done, total: bar.update(task, completed=done, total=total))
        bar.update(task, description="addestramento su train+dev", completed=0, total=None)
        clf = MotivationClassifier(encoder, C=c, seed=seed).fit(
            pool, extra, progress=lambda done, total: bar.update(task, completed=done, total=total))
    tune(clf, pool, held_out[: len(pool)], negated, held_out[len(pool):])
    cv = evaluate(clf, pool, predictions=held_out[: len(pool)])["narrative_level"]
    folder = output or model_files.MODELS_DIR
    model_files.save(clf, folder, corpus_file=path, extra={
        "train_narratives": len(pool), "train_sentences": len(extra), "tuning_sentences": len(negated),
        "threshold_folds": folds, "train_seconds": round(time.perf_counter() - start, 1),
        "cv_micro_f1": cv["micro"]["f1"], "cv_macro_f1": cv["macro_f1"]})
    write_section(folder / "CARD.md", "audit", thresholds_markdown(clf.audit_thresholds_, folds))
    typer.echo(f"modello salvato in {folder}: {len(pool)} narrazioni di train+dev e {len(extra)} frasi; soglie tarate "
               f"su previsioni fuori fold ({folds} fold) e {len(negated)} frasi negate (micro-F1 in validazione "
               f"incrociata {cv['micro']['f1']:.3f}, macro-F1 {cv['macro_f1']:.3f}) in "
               f"{time.perf_counter() - start:.0f} s")
    for kind, t in clf.audit_thresholds_.items():
        typer.echo(f"  soglia audit {kind}: {t['threshold']} (validazione incrociata: precisione {t['precision']}, "
                   f"richiamo {t['recall']})")


@app.command("eval")
def evaluate_model(
    split: str = typer.Option("test", help="Split del corpus da valutare."),
    model: Path | None = typer.Option(None, "--model", help="Cartella del modello (default: models/)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File JSON (default: models/eval.json)."),
    card: bool = typer.Option(True, "--card/--no-card", help="Aggiorna la tabella in models/CARD.md."),
) -> None:
    """Precisione, richiamo e F1 per codice (narrazione e frase) sullo split di test."""
    import json

    from . import corpus, model_files
    from .evaluation import evaluate, load_probes, markdown_table
    from .record import atomic_write_text

    clf = load_model(model)
    records = corpus.load(split=split)
    if not records:
        fail(f"split {split!r} vuoto o inesistente")
    report = evaluate(clf, records, load_probes())
    report["split"] = split
    folder = model or model_files.MODELS_DIR
    atomic_write_text(output or folder / "eval.json", json.dumps(report, indent=1) + "\n")
    table = markdown_table(report)
    if card:
        from .cards import write_section

        write_section(folder / "CARD.md", "eval", table)
    typer.echo(table)


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
    sentences = corpus.load_sentences() + corpus.load_sentence_bank()
    report.problems += corpus.validate_sentences(sentences, records)
    if path == corpus.NARRATIVES and corpus.SECOND_READING.exists():  # it reads the shipped test split
        report.problems += corpus.validate_second_reading(corpus.load_second_reading(), records)
    for problem in report.problems:
        typer.echo(problem, err=True)
    typer.echo(json.dumps(report.stats, ensure_ascii=False, indent=1))
    if card:
        corpus.write_card_stats(report.stats)
    raise typer.Exit(EXIT_OK if report.ok else EXIT_FINDINGS)


class ParseFormat(str, Enum):
    json = "json"
    table = "table"


@app.command()
def parse(
    files: list[Path] = typer.Argument(..., help="Stampe del modulo (.txt, .pdf); cartelle ammesse."),
    output_dir: Path | None = typer.Option(
        None, "--output-dir", "-o", help="Cartella in cui scrivere un record <nome>.json per ogni stampa."),
    format: ParseFormat = typer.Option(ParseFormat.json, "--format", "-f", help="Formato di uscita."),
) -> None:
    """Legge stampe del modulo (PDF o testo, anche da OCR) e ne ricava il record, con il resoconto della lettura."""
    from .errors import RelazioneError
    from .ingest import parse_document
    from .ingest.summary import Entry, expand_prints, output_names, print_table, to_json
    from .record import save_record

    paths = expand_prints(files)
    if not paths:
        fail("nessuna stampa da leggere")
    names = output_names(paths)
    entries = []
    for path in paths:
        entry = Entry(str(path))
        try:
            entry.result = parse_document(path)
            if output_dir is not None:
                target = output_dir / names[path]
                save_record(entry.result.record, target)
                entry.output = str(target)
        except RelazioneError as exc:
            entry.result, entry.error = None, _one_line(str(exc), path)
        except OSError as exc:
            entry.result, entry.error = None, _one_line(f"impossibile scrivere il record ({exc.strerror or exc})", path)
        if entry.error:
            typer.echo(f"errore: {entry.error}", err=True)
        entries.append(entry)
    if format is ParseFormat.table:
        from rich.console import Console

        print_table(entries, Console(highlight=False))
    else:
        sys.stdout.write(to_json(entries))
    raise typer.Exit(EXIT_INPUT if any(e.error for e in entries) else EXIT_OK)


@app.command()
def draft(
    file: Path | None = typer.Argument(
        None, help="Record JSON o stampa (.txt, .pdf) da aprire; senza file si comincia una relazione nuova "
                   "(un .json inesistente viene creato)."),
) -> None:
    """Assistente a terminale per scrivere R40 entro 6.000 caratteri, con motivazioni e problemi aggiornati."""
    try:
        from .tui.app import run as run_draft
    except ImportError as exc:
        fail(f"l'assistente richiede il pacchetto textual ({exc.name or exc}): pip install textual")
    raise typer.Exit(run_draft(file))


def _one_line(message: str, path: Path) -> str:
    """Messages name the file once, whoever raised them."""
    return message if message.startswith(str(path)) else f"{path}: {message}"


def run() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    run()
