"""What a parse returns: the record and a report saying how much of it can be trusted.

Pure data (pydantic), JSON-serialisable with :meth:`ParseResult.to_dict`, so the CLI, scripts and tests read
the same thing. Messages meant for people (warnings, recovery notes) are in Italian.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..record import Record, record_to_dict


class Recovery(BaseModel):
    """A field read from noisy text: the printed snippet and what was made of it."""

    model_config = ConfigDict(frozen=True)

    code: str
    raw: str
    note: str


class ParseReport(BaseModel):
    layout: str  # "ifel", "sose" or "soc22"
    layout_name: str  # human-readable family name
    confidence: float = Field(ge=0.0, le=1.0)
    found: list[str] = []
    missing: list[str] = []  # expected in this layout and year, not found
    recovered: list[Recovery] = []
    warnings: list[str] = []
    block: str | None = None  # the motivation block the figures give (RULE-13)
    flags_block: str | None = None  # the block whose flags were found in the print
    source: str | None = None


class ParseResult(BaseModel):
    record: Record
    report: ParseReport

    def to_dict(self) -> dict[str, Any]:
        return {"record": record_to_dict(self.record), "report": self.report.model_dump(mode="json")}
