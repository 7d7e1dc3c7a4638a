"""Which column each printed value belongs to when a print drops empty cells.

OCR and PDF text layers lose the position of empty cells ("R13 ... 6100,00 9" has no "Numero"), so values are
placed in order-preserving positions chosen by what they look like (amounts carry a decimal comma, user counts
do not) and by RULE-02 (mean hours = total hours / users). Ties go to the leftmost placement and are reported.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .. import form
from .text import Number, is_year_token


@dataclass(frozen=True)
class Placement:
    cells: dict[str, Number]
    ambiguous: bool  # another placement fits as well: the report says the columns are uncertain
    dropped: tuple[Number, ...] = ()  # values that fit no column (reported, never stored)


def column_kind(code: str, year: int, column: str) -> bool | None:
    """True: printed with decimals; False: an integer count; None: either (staff FTEs, hours)."""
    if column == "spesa":
        return True
    if column == "utenti":
        return False
    fld = form.field_for(code, year)
    if fld is not None and fld.unit == form.Unit.USERS and column not in ("ore_totali", "ore_media"):
        return False
    return None


def place(numbers: list[Number], columns: tuple[str, ...], code: str, year: int) -> Placement:
    """Assign ``numbers`` (printed order) to ``columns`` (printed order)."""
    nums, dropped = _trim(numbers, len(columns))
    if not nums:
        return Placement({}, False, dropped)
    if len(nums) == len(columns):
        return Placement(dict(zip(columns, nums)), False, dropped)
    scored = sorted(
        ((_score(nums, positions, columns, code, year), positions)
         for positions in itertools.combinations(range(len(columns)), len(nums))),
        key=lambda sp: (-sp[0], sp[1]),
    )
    best_score, best = scored[0]
    ambiguous = len(scored) > 1 and scored[1][0] == best_score
    return Placement({columns[p]: n for p, n in zip(best, nums)}, ambiguous, dropped)


def _trim(numbers: list[Number], size: int) -> tuple[list[Number], tuple[Number, ...]]:
    """Too many values: leading years are label leftovers ("... 2023 31.250"); then keep the last ones."""
    nums = list(numbers)
    dropped: list[Number] = []
    while len(nums) > size and is_year_token(nums[0].raw):
        dropped.append(nums.pop(0))
    if len(nums) > size:
        dropped.extend(nums[: len(nums) - size])
        nums = nums[len(nums) - size:]
    return nums, tuple(dropped)


def _score(nums: list[Number], positions: tuple[int, ...], columns: tuple[str, ...], code: str, year: int) -> int:
    score = 0
    cells: dict[str, float] = {}
    for n, p in zip(nums, positions):
        kind = column_kind(code, year, columns[p])
        if kind is not None:
            score += 1 if n.decimal == kind else -2
        cells[columns[p]] = n.value
    users, total, mean = cells.get(str(year)), cells.get("ore_totali"), cells.get("ore_media")
    if None not in (users, total, mean):
        expected = total / users if users and total else 0.0  # type: ignore[operator]
        score += 3 if abs(expected - mean) <= form.TOL_PERCENT else -3  # type: ignore[operator]
    return score
