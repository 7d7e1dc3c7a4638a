"""Batch audit: read every relazione under some paths, analyse them with the classifier, accept a baseline.

A bad file never stops the batch: it becomes a :class:`~relazione.reports.FileError` row. Reading (and PDF
parsing) can run in worker processes; the classifier runs in the main process on batches of narratives, which
is where batching pays off (one encoder pass per chunk).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .analysis import Analysis, analyze_many
from .errors import RecordError, RelazioneError
from .findings import Finding
from .inputs import expand_paths, read_input
from .record import Record, atomic_write_text
from .reports import FileError

CHUNK = 32
BASELINE_VERSION = 1

Result = Analysis | FileError


def _read(path: Path) -> Record | FileError:
    try:
        return read_input(path)
    except RelazioneError as exc:
        message = str(exc)
        return FileError(str(path), message.removeprefix(f"{path}: "))
    except Exception as exc:  # noqa: BLE001 - a file that crashes a parser is still just a bad file
        return FileError(str(path), f"errore imprevisto nella lettura ({type(exc).__name__}: {exc})")


def read_all(paths: Sequence[Path], jobs: int = 1) -> Iterable[tuple[Path, Record | FileError]]:
    """Records (or errors) in input order; with ``jobs`` > 1 the files are read in worker processes."""
    if jobs <= 1 or len(paths) < 2 * jobs:
        for p in paths:
            yield p, _read(p)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from zip(paths, pool.map(_read, paths, chunksize=8))


def run(paths: Sequence[Path], *, model: Any = None, jobs: int = 1,
        progress: Callable[[int, int], None] | None = None) -> list[Result]:
    """Analyse every file under ``paths``; ``progress(done, total)`` is called after each chunk."""
    files = expand_paths(list(paths))
    results: list[Result | None] = [None] * len(files)
    pending: list[tuple[int, Record, str]] = []
    done = 0

    def flush() -> None:
        nonlocal done
        analyses = analyze_many([r for _, r, _ in pending], model=model, sources=[s for _, _, s in pending])
        for (i, _, _), a in zip(pending, analyses):
            results[i] = a
        done += len(pending)
        pending.clear()
        if progress:
            progress(done, len(files))

    for i, (path, item) in enumerate(read_all(files, jobs)):
        if isinstance(item, FileError):
            results[i] = item
            done += 1
            if progress:
                progress(done, len(files))
        else:
            pending.append((i, item, str(path)))
            if len(pending) >= CHUNK:
                flush()
    if pending:
        flush()
    return [r for r in results if r is not None]


# --- baseline --------------------------------------------------------------------------------------------


def _entries(results: Sequence[Result]) -> list[dict[str, str]]:
    out = []
    for r in results:
        if isinstance(r, Analysis):
            for f in r.findings:
                out.append({"file": r.source or "", "rule": f.rule, "kind": f.kind, "code": f.code or "",
                            "fingerprint": f.fingerprint(r.record.r40)})
    return out


def write_baseline(results: Sequence[Result], path: Path) -> int:
    """Record every current finding as accepted; returns how many were written."""
    entries = _entries(results)
    atomic_write_text(path, json.dumps({"version": BASELINE_VERSION, "findings": entries}, ensure_ascii=False,
                                       indent=1) + "\n")
    return len(entries)


def load_baseline(path: Path) -> set[tuple[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {(e["file"], e["fingerprint"]) for e in data["findings"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RecordError(f"baseline illeggibile ({exc})", file=str(path)) from None


def apply_baseline(results: Sequence[Result], accepted: set[tuple[str, str]]) -> int:
    """Drop accepted findings in place (a finding is the same when rule, kind, code and evidence text are);
    returns how many were dropped."""
    dropped = 0
    for r in results:
        if isinstance(r, Analysis):
            keep: list[Finding] = [f for f in r.findings
                                   if (r.source or "", f.fingerprint(r.record.r40)) not in accepted]
            dropped += len(r.findings) - len(keep)
            r.findings = keep
    return dropped


# --- summary ---------------------------------------------------------------------------------------------


@dataclass
class Summary:
    files: int = 0
    errors: int = 0
    by_kind: Counter = field(default_factory=Counter)
    by_severity: Counter = field(default_factory=Counter)
    accepted: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"files": self.files, "unreadable": self.errors, "accepted_by_baseline": self.accepted,
                "findings_by_severity": dict(self.by_severity), "findings_by_kind": dict(self.by_kind.most_common())}


def summarize(results: Sequence[Result], accepted: int = 0) -> Summary:
    s = Summary(files=len(results), accepted=accepted)
    for r in results:
        if isinstance(r, FileError):
            s.errors += 1
            continue
        for f in r.findings:
            s.by_kind[f.kind] += 1
            s.by_severity[f.severity.value] += 1
    return s
