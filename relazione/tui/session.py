"""The drafting session: the record being written, where it is saved, whether it changed, the last analysis.

Pure logic, no Textual: the app holds one :class:`DraftSession` and its widgets only display it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .. import form
from ..errors import RecordError, RelazioneError
from ..numbers import parse_number
from ..record import Record, atomic_write_text, record_from_dict, record_to_dict, save_record
from .counter import CharCount, count, normalize_newlines

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis import Analysis

Flag = Literal["SI", "NO"]
FIGURE_CODES = ("R04", "R05", "R06", "R07")  # what the new-record form asks: enough to give the block
_FLAG_CYCLE: dict[str | None, Flag | None] = {None: "SI", "SI": "NO", "NO": None}


def parse_figure(text: str) -> float | None:
    """A figure as typed or pasted: Italian notation ("1.412.530,18", "4,30") or a decimal point ("4.30").

    Empty text is None; anything else that is not a number raises ValueError with an Italian message.
    """
    raw = text.strip().replace("€", "").replace("%", "").replace(" ", "").replace("\u00a0", "")
    if not raw:
        return None
    value = parse_number(raw)
    if value is None:
        try:
            value = float(raw)  # "4.30", "1412530.18": a decimal point, as spreadsheets copy it
        except ValueError:
            raise ValueError(f"«{text.strip()}» non è un numero (esempi: 4,30 oppure 1.412.530,18)") from None
    return value


def new_record(anno: int, comune: str | None, figures: Mapping[str, float | None]) -> Record:
    """A new record with only year, comune and the figures that give the block; raises RecordError."""
    values = {code: v for code, v in figures.items() if v is not None}
    return record_from_dict({"anno": anno, "comune": (comune or "").strip() or None, "values": values})


class DraftSession:
    """A record under edit: figures, flags and R40, plus the save target, dirty state and last analysis.

    ``source`` is the file the session was opened from (a record JSON or a print); it keys the recovery file.
    ``path`` is where Save writes; it is None for a new record and for a print (Save must ask, never overwrite
    a PDF/TXT with JSON).
    """

    def __init__(self, record: Record, *, source: Path | None = None, path: Path | None = None) -> None:
        self.record = record.model_copy(update={"r40": normalize_newlines(record.r40)})
        self.source = source
        self.path = path
        self._saved: dict[str, Any] | None = self._snapshot()
        self.analysis: Analysis | None = None
        self.analysis_text: str | None = None  # the text the last analysis read (offsets point into it)
        self.revision = 0

    @classmethod
    def open(cls, file: str | os.PathLike[str]) -> DraftSession:
        """Open a record JSON or a print (through :func:`relazione.inputs.read_input`); RecordError/ParseError."""
        from ..inputs import read_input

        p = Path(file)
        record = read_input(p)
        if p.suffix.lower() == ".json":
            return cls(record, source=p, path=p)
        session = cls(record, source=p)
        session.mark_unsaved()  # read from a print: nothing is saved as a record yet
        return session

    # --- state ---------------------------------------------------------------------------------------

    def _snapshot(self) -> dict[str, Any]:
        return record_to_dict(self.record)

    @property
    def text(self) -> str:
        return self.record.r40

    @property
    def dirty(self) -> bool:
        return self._snapshot() != self._saved

    @property
    def count(self) -> CharCount:
        return count(self.text)

    @property
    def decision(self) -> form.BlockDecision:
        return form.block_for(self.record.values, self.record.anno)

    @property
    def title(self) -> str:
        """'Lagoscuro 2021'; the file name when the comune is unknown (a print read without it)."""
        name = self.record.comune or (self.source.name if self.source is not None else "nuova relazione")
        return f"{name} {self.record.anno}"

    def suggested_path(self, suffix: str = ".json") -> Path:
        """Default name for Save as / Export: next to the opened file, else ``<comune>-<anno>`` here."""
        if self.path is not None:
            base = self.path
        elif self.source is not None:
            base = self.source
        else:
            stem = "-".join(p for p in ((self.record.comune or "relazione").lower().replace(" ", "-"),
                                        str(self.record.anno)) if p)
            base = Path(stem + ".json")
        return base.with_suffix(suffix) if suffix == ".json" else base.with_name(base.stem + suffix)

    # --- edits ---------------------------------------------------------------------------------------

    def set_text(self, text: str) -> bool:
        """Replace R40 (line breaks normalised to LF); True when it changed."""
        text = normalize_newlines(text)
        if text == self.record.r40:
            return False
        self.record = self.record.model_copy(update={"r40": text})
        self.revision += 1
        return True

    def set_flag(self, code: str, flag: Flag | None) -> None:
        if form.block_of_code(code) is None:
            raise ValueError(f"{code} non è un codice di motivazione (R16–R39)")
        flags = dict(self.record.flags)
        if flag is None:
            flags.pop(code, None)
        else:
            flags[code] = flag
        self.record = self.record.model_copy(update={"flags": flags})
        self.revision += 1

    def cycle_flag(self, code: str) -> Flag | None:
        """Empty -> SI -> NO -> empty; returns the new value."""
        new = _FLAG_CYCLE[self.record.flags.get(code)]
        self.set_flag(code, new)
        return new

    def set_figures(self, anno: int, comune: str | None, figures: Mapping[str, float | None]) -> None:
        """Change year, comune and R04–R07 (None removes a figure); raises RecordError, leaving state intact."""
        data = record_to_dict(self.record)
        data["anno"] = anno
        data["comune"] = (comune or "").strip() or None
        values = dict(data.get("values", {}))
        for code, value in figures.items():
            if value is None:
                values.pop(code, None)
            elif code == "R07" and isinstance(values.get(code), dict):
                values[code] = {**values[code], ("2021" if "2021" in values[code] else "2017"): value}
            else:
                values[code] = value
        data["values"] = values
        if data["comune"] is None:
            data.pop("comune")
        self.record = record_from_dict(data)
        self.revision += 1

    def figures(self) -> dict[str, float | None]:
        """The R04–R07 reference values, for the figures form."""
        return {code: self.record.value(code) for code in FIGURE_CODES}

    # --- analysis ------------------------------------------------------------------------------------

    def set_analysis(self, analysis: Analysis, text: str) -> None:
        self.analysis, self.analysis_text = analysis, text

    # --- files ---------------------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write the record JSON atomically to ``path`` (or the current target); OSError/RecordError propagate.

        From then on the session belongs to the saved file: it is both the target and the source (the key of
        the recovery copy), whatever it was opened from.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise RecordError("manca il nome del file in cui salvare")
        if target.suffix.lower() != ".json":
            raise RecordError("il record si salva in un file .json", file=str(target))
        save_record(self.record, target)
        self.path = self.source = target
        self._saved = self._snapshot()
        return target

    def export_text(self, path: str | os.PathLike[str]) -> Path:
        """Write R40 alone as plain UTF-8 text, exactly as it is to be pasted into the portal."""
        target = Path(path)
        atomic_write_text(target, self.text)
        return target

    def mark_unsaved(self) -> None:
        """Count the current state as unsaved (a new record, a restored recovery copy without its file)."""
        self._saved = None

    # --- recovery ------------------------------------------------------------------------------------

    def restore(self, record: Record) -> None:
        """Take a recovery copy's record; the file's state stays the saved one, so the session is dirty."""
        self.record = record.model_copy(update={"r40": normalize_newlines(record.r40)})
        self.revision += 1

    @classmethod
    def from_recovery(cls, record: Record, *, source: Path | None, path: Path | None) -> DraftSession:
        """A session for a recovery copy: its file reopened when possible, so that dirty means "differs from it"."""
        if source is not None:
            try:
                session = cls.open(source)
            except (RecordError, OSError, RelazioneError):
                pass
            else:
                session.restore(record)
                return session
        session = cls(record, source=source, path=path)
        session.mark_unsaved()
        return session
