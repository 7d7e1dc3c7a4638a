"""Shared fixtures: small records built in code, so each test shows the figures it relies on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def figures(block: str, year: int = 2024) -> dict:
    """R03–R07 that give ``block``; R04 agrees with R0B/R03 (RULE-03)."""
    spending_ok = block in "AB"
    service_ok = block in "AC"
    users = 300 if service_ok else 100
    total = "R02" if year in (2021, 2022) else "R0B"
    r07 = {"2017": 1_000_000.0, "2021": 1_050_000.0} if year >= 2023 else 1_050_000.0
    return {
        total: {"2019": users - 10, str(year): users},
        "R03": 10_000,
        "R04": users / 100,
        "R05": 2.0,
        "R06": 1_000_000.0 if spending_ok else 1_100_000.0,
        "R07": r07,
    }


@pytest.fixture
def write_json(tmp_path):
    def write(data, name="record.json"):
        path = tmp_path / name
        path.write_text(json.dumps(data, ensure_ascii=False) if not isinstance(data, str) else data,
                        encoding="utf-8")
        return path

    return write
