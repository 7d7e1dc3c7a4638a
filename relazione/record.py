"""A relazione (one comune, one year): figures, SI/NO flags and the R40 narrative, as a validated record.

Records are JSON files in UTF-8. Loading rejects anything the form model does not know, with a
:class:`RecordError` naming the file, the field and the reason in Italian; saving is atomic, so an interrupted
save never leaves a half-written file.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from . import form
from .errors import RecordError
from .numbers import parse_number

Flag = Literal["SI", "NO"]
Number = float
Value = float | str | dict[str, float | str]

_FLAG_WORDS = {"si": "SI", "sì": "SI", "s": "SI", "no": "NO", "n": "NO"}


def normalize_flag(raw: object) -> Flag | None:
    """Accept SI/Si/si/S/sì, NO/No/N and true/false; None means "not filled in"."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return "SI" if raw else "NO"
    if isinstance(raw, str) and raw.strip().lower() in _FLAG_WORDS:
        return _FLAG_WORDS[raw.strip().lower()]  # type: ignore[return-value]
    raise ValueError(f"valore {raw!r} non valido: usare SI o NO")


def _number_or_text(raw: object, *, allow_text: bool) -> float | str:
    if isinstance(raw, bool):
        raise ValueError(f"valore {raw!r} non numerico")
    if isinstance(raw, (int, float)):
        return float(raw)
    if isinstance(raw, str):
        parsed = parse_number(raw)
        if parsed is not None:
            return parsed
        if allow_text:
            return raw
    raise ValueError(f"valore {raw!r} non numerico")


class Record(BaseModel):
    """The record format shared by every command: see the README for an example."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    comune: str | None = None
    anno: int
    values: dict[str, Value] = {}
    flags: dict[str, Flag] = {}
    r40: str = ""
    source: str | None = None

    @field_validator("anno")
    @classmethod
    def _year_in_range(cls, anno: int) -> int:
        if anno not in form.YEARS:
            raise ValueError(f"anno {anno} fuori intervallo: il modulo esiste per gli anni 2021–2024")
        return anno

    @field_validator("flags", mode="before")
    @classmethod
    def _normalize_flags(cls, flags: Any) -> dict[str, str]:
        if not isinstance(flags, dict):
            raise ValueError("deve essere un oggetto codice -> SI/NO")
        out: dict[str, str] = {}
        for code, raw in flags.items():
            if form.block_of_code(code) is None:
                raise ValueError(f"{code}: il codice non appartiene a nessun blocco di motivazioni (R16–R39)")
            try:
                flag = normalize_flag(raw)
            except ValueError as exc:
                raise ValueError(f"{code}: {exc}") from None
            if flag is not None:
                out[code] = flag
        return out

    @field_validator("r40", mode="before")
    @classmethod
    def _normalize_newlines(cls, r40: Any) -> Any:
        """The portal counts one character per line break (inferred), so CRLF is stored as LF."""
        if r40 is None:
            return ""
        return r40.replace("\r\n", "\n").replace("\r", "\n") if isinstance(r40, str) else r40

    @model_validator(mode="before")
    @classmethod
    def _normalize_values(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("values", {}), dict):
            if isinstance(data, dict):
                raise ValueError("values: deve essere un oggetto codice -> numero")
            return data
        anno = data.get("anno")
        values = {}
        for code, raw in data.get("values", {}).items():
            fld = form.field_for(code, anno) if isinstance(anno, int) else None
            if fld is None:
                if code in form.ALL_CODES and isinstance(anno, int) and anno in form.YEARS:
                    raise ValueError(f"values.{code}: il codice {code} non esiste nel modulo {anno}")
                if code not in form.ALL_CODES:
                    raise ValueError(f"values.{code}: codice sconosciuto")
                values[code] = raw  # year invalid: the anno error is reported instead
                continue
            if fld.unit in (form.Unit.FLAG, form.Unit.NARRATIVE):
                where = "flags" if fld.unit == form.Unit.FLAG else "r40"
                raise ValueError(f"values.{code}: {code} va indicato in '{where}', non in 'values'")
            values[code] = cls._value(code, raw, fld, anno)
        return {**data, "values": values}

    @staticmethod
    def _value(code: str, raw: object, fld: form.Field, anno: int) -> Value:
        text_ok = fld.unit == form.Unit.TEXT
        try:
            if isinstance(raw, dict):
                columns = fld.columns_for(anno)
                if not columns:
                    raise ValueError("un solo valore atteso, non un oggetto per colonne")
                out: dict[str, float | str] = {}
                for col, v in raw.items():
                    if str(col) not in columns:
                        raise ValueError(f"colonna {col!r} sconosciuta (attese: {', '.join(columns)})")
                    if v is None or v == "":
                        continue
                    out[str(col)] = _number_or_text(v, allow_text=(col == "modalita"))
                return out
            return _number_or_text(raw, allow_text=text_ok)
        except ValueError as exc:
            raise ValueError(f"values.{code}: {exc}") from None

    # --- convenience -----------------------------------------------------------------------------------

    def value(self, code: str) -> float | None:
        """The reference-year number of a field (see :func:`relazione.form.ref_value`)."""
        return form.ref_value(self.values, code, self.anno)


def record_from_dict(data: Any, *, file: str | None = None) -> Record:
    """Validate a decoded JSON object, turning pydantic's errors into one RecordError naming the field."""
    if not isinstance(data, dict):
        raise RecordError("il file deve contenere un oggetto JSON (un record)", file=file)
    try:
        return Record.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "campo sconosciuto (ammessi: comune, anno, values, flags, r40, source)"
        elif err["type"] == "missing":
            msg = "campo obbligatorio mancante"
        elif err["type"] == "literal_error":
            msg = "valore non valido: usare SI o NO"
        sub = re.match(r"^([A-Za-z0-9_.]+): (.*)$", msg)
        if sub:  # validators name the sub-field first ("values.R99: ...", "R16: ...")
            loc = sub.group(1) if not loc or sub.group(1).startswith(loc + ".") else f"{loc}.{sub.group(1)}"
            msg = sub.group(2)
        raise RecordError(msg, file=file, field=loc or None) from None


def load_record(path: str | os.PathLike[str]) -> Record:
    """Read a record JSON file (UTF-8)."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise RecordError(f"impossibile leggere il file ({exc.strerror or exc})", file=name) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RecordError("il file non è in UTF-8", file=name) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(f"JSON non valido alla riga {exc.lineno}, colonna {exc.colno}: {exc.msg}",
                          file=name) from None
    return record_from_dict(data, file=name)


def record_to_dict(record: Record) -> dict[str, Any]:
    data = record.model_dump(exclude_none=True)
    data["values"] = {k: _compact(v) for k, v in data["values"].items()}
    return data


def _compact(v: Any) -> Any:
    """Write 12.0 as 12 so saved records read like the ones people type."""
    if isinstance(v, dict):
        return {k: _compact(x) for k, x in v.items()}
    return int(v) if isinstance(v, float) and v.is_integer() else v


def save_record(record: Record, path: str | os.PathLike[str]) -> None:
    """Write the record as UTF-8 JSON atomically (temp file in the same folder, fsync, rename)."""
    atomic_write_text(Path(path), json.dumps(record_to_dict(record), ensure_ascii=False, indent=2) + "\n")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str) -> None:
    """Write through a temp file in the same folder and rename it, keeping the file's permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
