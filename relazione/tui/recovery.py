"""Recovery copies: the record under edit, written every few seconds so a crash loses at most that much.

One JSON file per opened file (keyed by its absolute path) or one for the new record, in the user's data
folder (``platformdirs``), or in ``$RELAZIONE_RECOVERY_DIR`` when set (tests). Writes are atomic
(:func:`relazione.record.atomic_write_text`); a copy is removed once the record is saved or its changes are
discarded on purpose, and offered at the next start otherwise.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import RecordError
from ..record import Record, atomic_write_text, record_from_dict, record_to_dict

ENV = "RELAZIONE_RECOVERY_DIR"
FORMAT = 1
NEW_KEY = "nuova-relazione"


def default_dir() -> Path:
    override = os.environ.get(ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("relazione")) / "recupero"


@dataclass(frozen=True)
class Recovered:
    """A recovery copy: the record, the file it belongs to (None for a new record), when it was written."""

    file: Path
    record: Record
    source: Path | None
    path: Path | None
    saved_at: datetime


def _key(source: Path | None) -> str:
    if source is None:
        return NEW_KEY
    absolute = str(Path(source).expanduser().resolve())
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(source).stem)[:40] or "file"
    return f"{stem}-{hashlib.sha1(absolute.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"


class RecoveryStore:
    """Autosave copies in one folder; every method raises OSError on I/O problems (never swallowed)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_dir()

    def file_for(self, source: Path | None) -> Path:
        return self.folder / f"{_key(source)}.json"

    def write(self, record: Record, *, source: Path | None, path: Path | None, now: datetime | None = None) -> Path:
        target = self.file_for(source)
        data = {
            "format": FORMAT,
            "source": str(Path(source).resolve()) if source is not None else None,
            "path": str(Path(path).resolve()) if path is not None else None,
            "saved_at": (now or datetime.now()).isoformat(timespec="seconds"),
            "record": record_to_dict(record),
        }
        atomic_write_text(target, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return target

    def read(self, file: Path) -> Recovered | None:
        """The copy in ``file``; None when it is not a readable recovery copy (it is then left alone)."""
        try:
            data: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return None
            record = record_from_dict(data["record"], file=str(file))
            return Recovered(file, record, Path(data["source"]) if data.get("source") else None,
                             Path(data["path"]) if data.get("path") else None,
                             datetime.fromisoformat(data["saved_at"]))
        except (OSError, ValueError, KeyError, TypeError, RecordError):
            return None

    def find(self, source: Path | None) -> Recovered | None:
        file = self.file_for(source)
        return self.read(file) if file.is_file() else None

    def latest(self) -> Recovered | None:
        """The most recent readable copy of any file (offered when the app starts without a file)."""
        if not self.folder.is_dir():
            return None
        copies = [c for f in self.folder.glob("*.json") if (c := self.read(f)) is not None]
        return max(copies, key=lambda c: c.saved_at, default=None)

    def discard(self, source: Path | None) -> None:
        self.file_for(source).unlink(missing_ok=True)


def differs(copy: Recovered, record: Record | None) -> bool:
    """Whether the copy holds something the file does not (only such copies are worth offering)."""
    return record is None or record_to_dict(copy.record) != record_to_dict(record)
