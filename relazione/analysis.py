"""The one entry point every front end calls: ``analyze(record) -> Analysis``.

The CLI, the audit and the TUI all go through here, so no front end re-implements a rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import form
from .findings import Finding, Severity, worst
from .record import Record
from .rules import run_rules


@dataclass
class Analysis:
    """Block decision and findings of one record (motivations join when the classifier lands)."""

    record: Record
    decision: form.BlockDecision
    findings: list[Finding] = field(default_factory=list)
    source: str | None = None  # the file the record came from, for reports

    @property
    def block(self) -> str | None:
        return self.decision.letter

    @property
    def worst(self) -> Severity | None:
        return worst(self.findings)

    @property
    def has_problems(self) -> bool:
        """Warnings and errors make the exit code 1; info findings do not."""
        return any(f.severity.rank >= Severity.WARNING.rank for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.source,
            "comune": self.record.comune,
            "anno": self.record.anno,
            "block": self.block,
            "block_reason": self.decision.reason,
            "findings": [f.model_dump(mode="json") for f in self.findings],
        }


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def analyze(record: Record, *, source: str | None = None) -> Analysis:
    """Run every check on a record; findings come sorted by severity, then by position in the text."""
    findings = sorted(run_rules(record), key=lambda f: (_SEVERITY_ORDER[f.severity], f.start or 0))
    return Analysis(record, form.block_for(record.values, record.anno), findings, source or record.source)
