"""Collect what a layout parser reads and turn it into a validated Record plus its parse report.

Parsers only say "this code has these values, read from this snippet"; the builder keeps the bookkeeping
(found, missing, recovered, warnings), validates the record field by field so one bad value costs that field
and not the file, and scores the confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import form
from ..errors import ParseError, RecordError
from ..record import Record, record_from_dict
from .model import ParseReport, ParseResult, Recovery

# Rule findings that mean the figures were probably misread (the form computes these itself).
_ARITHMETIC_KINDS = frozenset({
    "users_total_mismatch", "mean_hours_mismatch", "service_level_mismatch", "amount_to_report_mismatch",
    "objectives_total_mismatch", "staff_ratio_mismatch",
})


@dataclass(frozen=True)
class Layout:
    """What the builder must know about a layout family."""

    key: str
    name: str
    quadro3_always: bool  # Quadro 3 (R10–R15) printed even when not due (2021 export)
    r09_always: bool  # R09 printed even when Quadro 3 is not due


@dataclass
class RecordBuilder:
    layout: Layout
    year: int
    comune: str | None = None
    values: dict[str, form.Value] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)
    r40: str = ""
    recovered: list[Recovery] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    # --- what parsers call -----------------------------------------------------------------------------

    def set_value(self, code: str, value: form.Value) -> None:
        if code in self.values:
            if self.values[code] != value:
                self.warn(f"{code}: stampato due volte con valori diversi; tenuto il primo")
            return
        self.values[code] = value

    def set_flag(self, code: str, flag: str) -> None:
        if code in self.flags and self.flags[code] != flag:
            self.warn(f"{code}: stampato due volte con SI e NO; tenuto il primo")
            return
        self.flags.setdefault(code, flag)

    def recover(self, code: str, raw: str, note: str) -> None:
        item = Recovery(code=code, raw=raw.strip()[:160], note=note)
        if item not in self.recovered:
            self.recovered.append(item)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    # --- result ----------------------------------------------------------------------------------------

    def build(self) -> ParseResult:
        record = self._record()
        decision = form.block_for(record.values, record.anno)
        expected = expected_codes(self.layout, record)
        found = found_codes(record)
        self._structural_warnings(record, decision)
        report = ParseReport(
            layout=self.layout.key,
            layout_name=self.layout.name,
            confidence=self._confidence(record, expected, found),
            found=found,
            missing=[c for c in expected if c not in found],
            recovered=self.recovered,
            warnings=self.warnings,
            block=decision.letter,
            flags_block=_flags_block(record),
        )
        return ParseResult(record=record, report=report)

    def _record(self) -> Record:
        """Validate; a value the record format refuses is dropped with a warning, the rest is kept."""
        values = {code: self.values[code] for code in sorted(self.values, key=print_order)}
        flags = {code: self.flags[code] for code in sorted(self.flags, key=print_order)}
        data = {"comune": self.comune, "anno": self.year, "values": values, "flags": flags, "r40": self.r40}
        for _ in range(len(self.values) + len(self.flags) + 1):
            try:
                return record_from_dict(data)
            except RecordError as exc:
                section, _, code = (exc.field or "").partition(".")
                code = code.split(".")[0]
                if section not in ("values", "flags") or code not in data[section]:
                    raise ParseError(exc.reason) from None
                del data[section][code]
                self.warn(f"{code}: valore letto scartato ({exc.reason})")
        raise ParseError("record non valido")  # pragma: no cover - the loop always ends earlier

    def _structural_warnings(self, record: Record, decision: form.BlockDecision) -> None:
        """What a partial or damaged print lacks, said in words (the missing list has the codes)."""
        if decision.block is None:
            self.warn(f"blocco delle motivazioni non determinabile: {decision.reason}")
        elif not any(c in record.flags for c in decision.block.codes):
            self.warn(f"nessuna motivazione SI/NO letta per il blocco {decision.letter}")
        if not record.r40.strip():
            self.warn("relazione in formato libero (R40) non trovata o vuota")

    def _confidence(self, record: Record, expected: list[str], found: list[str]) -> float:
        """Coverage of the expected fields, lowered by arithmetic that does not add up (a sign of misreading),
        by values recovered from noise and by warnings."""
        from ..rules import run_rules

        coverage = sum(1 for c in expected if c in found) / len(expected) if expected else 0.0
        arithmetic = sum(1 for f in run_rules(record) if f.kind in _ARITHMETIC_KINDS)
        score = (coverage - 0.1 * arithmetic - min(0.15, 0.01 * len(self.recovered))
                 - min(0.3, 0.05 * len(self.warnings)))
        return round(min(1.0, max(0.0, score)), 3)


def quadro3_due(record: Record) -> bool:
    """RULE-09 on the figures read: spending below need and R09 (printed or computed) >= 1.000 euro."""
    r06, r07, r08, r09 = (record.value(c) for c in ("R06", "R07", "R08", "R09"))
    if r09 is None and None not in (r06, r07, r08):
        r09 = min(r08, max(0.0, r06 - r07))  # type: ignore[operator,type-var]
    if None in (r06, r07, r09):
        return False
    return r07 < r06 and r09 >= form.QUADRO3_THRESHOLD_EUR  # type: ignore[operator]


def expected_codes(layout: Layout, record: Record) -> list[str]:
    """Fields this layout prints for this year and these figures, in form order (flags of the block only)."""
    due = quadro3_due(record)
    out: list[str] = []
    for fld in sorted(form.fields_of_year(record.anno), key=lambda f: print_order(f.code)):
        if fld.unit == form.Unit.FLAG or fld.code in out:
            continue
        if fld.code in (*form.QUADRO3_CODES, "R15") and not (layout.quadro3_always or due):
            continue
        if fld.code == "R09" and not (layout.r09_always or layout.quadro3_always or due):
            continue
        out.append(fld.code)
    block = form.block_for(record.values, record.anno).block
    return out + (list(block.codes) if block else [])


def found_codes(record: Record) -> list[str]:
    found = {*record.values, *record.flags, *(["R40"] if record.r40.strip() else [])}
    return sorted(found, key=print_order)


def print_order(code: str) -> tuple[int, int, str]:
    """M rows, then R0A–R0E, then R01, R01A, R01B, R02 … R40: the order codes are printed in."""
    if code.startswith("M"):
        return (0, int(code[1:]), "")
    if code[2].isalpha():
        return (1, 0, code)
    return (2, int(code[1:3]), code[3:])


def _flags_block(record: Record) -> str | None:
    letters = {b.letter for c in record.flags if (b := form.block_of_code(c))}
    return letters.pop() if len(letters) == 1 else ("+".join(sorted(letters)) if letters else None)
