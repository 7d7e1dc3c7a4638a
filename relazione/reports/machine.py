"""JSON and CSV renderers: stable field names and order, for scripts and spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from ..analysis import Analysis
from . import FileError

CSV_COLUMNS = ("file", "comune", "anno", "block", "kind", "rule", "code", "severity", "message", "start", "end",
               "confidence", "error")


def to_json(results: Sequence[Analysis | FileError]) -> str:
    return json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2)


def to_csv(results: Sequence[Analysis | FileError]) -> str:
    """One row per finding; a file without findings still gets one row, so every input is listed."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in results:
        if isinstance(r, FileError):
            writer.writerow({"file": r.file, "error": r.message})
            continue
        base = {"file": r.source, "comune": r.record.comune, "anno": r.record.anno, "block": r.block}
        if not r.findings:
            writer.writerow(base)
        for f in r.findings:
            writer.writerow({**base, **f.model_dump(mode="json")})
    return buf.getvalue()
