"""Findings: what the rule checks and the semantic checks report, in one shape for every front end.

A finding always carries its rule ID (RULE-xx of the domain reference, AUD-xx for audit checks), so messages,
tests, baselines and docs refer to the same name.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict


class Severity(str, Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


# kinds whose cited sentence helps fix the problem but is not the problem: a missing flag stays the same missing
# flag whichever sentence the classifier cites for it, so an accepted one must not come back when the text changes
HINTED_KINDS = frozenset({"flags_missing"})


class Finding(BaseModel):
    """One inconsistency, with an Italian message saying what is wrong and what to do."""

    model_config = ConfigDict(frozen=True)

    kind: str
    rule: str
    code: str | None = None
    severity: Severity
    message: str
    start: int | None = None  # character offsets into r40 when the finding points into the text
    end: int | None = None
    confidence: float | None = None  # semantic findings only

    def fingerprint(self, r40: str = "") -> str:
        """Stable identity for baselines: rule, kind, code and the evidence text (not its offsets), unless the
        evidence is only a hint (:data:`HINTED_KINDS`)."""
        cited = self.start is not None and self.end is not None and self.kind not in HINTED_KINDS
        evidence = r40[self.start : self.end] if cited else ""
        return "|".join((self.rule, self.kind, self.code or "", " ".join(evidence.split())))


def worst(findings: list[Finding]) -> Severity | None:
    return max((f.severity for f in findings), key=lambda s: s.rank, default=None)
