"""The one entry point every front end calls: ``analyze(record) -> Analysis``.

The CLI, the audit and the TUI all go through here, so no front end re-implements a rule. Without a model
the analysis has the rule checks only; with one it adds the classifier's reading of the narrative and the
semantic findings built on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import form
from .findings import Finding, Severity, worst
from .record import Record
from .rules import run_rules

if TYPE_CHECKING:  # pragma: no cover
    from .classifier import MotivationClassifier, Prediction


@dataclass
class Analysis:
    """Block decision, findings and (with a model) motivations of one record."""

    record: Record
    decision: form.BlockDecision
    findings: list[Finding] = field(default_factory=list)
    source: str | None = None  # the file the record came from, for reports
    motivations: Prediction | None = None

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
        data: dict[str, Any] = {
            "file": self.source,
            "comune": self.record.comune,
            "anno": self.record.anno,
            "block": self.block,
            "block_reason": self.decision.reason,
            "findings": [f.model_dump(mode="json") for f in self.findings],
        }
        if self.motivations is not None:
            data["motivations"] = self.motivations.to_dict()["codes"]
        return data


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.start if f.start is not None else -1))


def analyze(record: Record, *, model: MotivationClassifier | None = None, source: str | None = None) -> Analysis:
    """Run every check on a record; findings come sorted by severity, then by position in the text."""
    return analyze_many([record], model=model, sources=[source])[0]


def analyze_many(records: Sequence[Record], *, model: MotivationClassifier | None = None,
                 sources: Sequence[str | None] | None = None) -> list[Analysis]:
    """:func:`analyze` for a batch: the classifier encodes every narrative's sentences in one pass."""
    sources = list(sources) if sources is not None else [None] * len(records)
    predictions: list[Any] = [None] * len(records)
    if model is not None:
        from .consistency import hint_missing_flags, semantic_findings
        from .placeholders import mask_placeholders

        # an unfilled skeleton names the evidence it needs: the classifier must not read it as that evidence
        predictions = model.predict([mask_placeholders(r.r40) for r in records], [None] * len(records),
                                    all_codes=True)
    out = []
    for record, source, prediction in zip(records, sources, predictions):
        decision = form.block_for(record.values, record.anno)
        findings = run_rules(record)
        if prediction is not None:
            findings = hint_missing_flags(findings, prediction)
            findings += semantic_findings(record, prediction, decision, getattr(model, "audit_thresholds_", None))
        out.append(Analysis(record, decision, _sorted(findings), source or record.source, prediction))
    return out
