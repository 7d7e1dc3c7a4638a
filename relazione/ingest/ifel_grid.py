"""IFEL Quadro 1, upper part: values OCR'd column by column, empty cells dropped, put back into their rows.

The OCR reads "Interventi e servizi" and "Contributi economici" by columns: 2019 users of both sections, then
users of the year, then total hours, then mean hours, with zero cells often missing (domain reference §5.2).
Positions alone cannot say which cell is missing, so the grid is rebuilt with the rules the form obeys:

- RULE-01: the users of both sections add up to R0B minus the "Strutture" rows and R0A (read row-wise), which
  fixes where each users column ends;
- RULE-02: total hours / users of the year = mean hours, which ties each pair of hours to its row;
- a missing cell is a zero, and a service's users change little from 2019 (a plausibility score, inferred).

Each section is aligned with a small dynamic programme that keeps the best rebuild and the score of the best
different one; unless the best wins by a clear margin the result is reported as uncertain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, lru_cache

INTERVENTI = ("M12", "M15", "M18", "M21", "M24", "M27", "M30")
CONTRIBUTI = ("M35", "M36", "M37", "M38", "M39", "M40", "M41")
HOURS_ROWS = INTERVENTI[:6]  # M30 (multiutenza) has no hours
FULL_SIZE = 2 * len(INTERVENTI) + 2 * len(CONTRIBUTI) + 2 * len(HOURS_ROWS)
_EPS = 1e-9
MARGIN = 1.0  # about one unexplained cell: a closer runner-up makes the rebuild uncertain


@dataclass(frozen=True)
class Grid:
    rows: dict[str, dict[str, float]]
    certain: bool


def rebuild(values: list[float], year: int, sum_2019: float | None, sum_year: float | None) -> Grid | None:
    """Rows M12–M41 from the column-wise values; None when no rebuild agrees with the totals."""
    if len(values) == FULL_SIZE:
        return Grid(_direct(values, year), True)
    if sum_2019 is None or sum_year is None or len(values) > FULL_SIZE:
        return None
    best: tuple[float, float, dict[str, dict[str, float]]] | None = None
    for k2 in _cuts(values, 0, sum_2019, 2 * len(INTERVENTI)):
        for k4 in _cuts(values, k2, sum_year, 2 * len(INTERVENTI)):
            rest = len(values) - k4
            if rest % 2 or rest // 2 > len(HOURS_ROWS):
                continue
            for found in _splits(values, k2, k4, rest // 2, year):
                best = _better(best, found)
    if best is None:
        return None
    score, second, rows = best
    return Grid(rows, score - second >= MARGIN)


def _cuts(values: list[float], start: int, total: float, most: int) -> list[int]:
    """Ends of a column pair whose values add up to ``total`` (RULE-01)."""
    out, acc = [], 0.0
    for k in range(start, min(len(values), start + most) + 1):
        if abs(acc - total) < 0.5:
            out.append(k)
        if k < len(values):
            acc += values[k]
    return out


def _splits(values: list[float], k2: int, k4: int, h: int, year: int):
    n_i, n_c = len(INTERVENTI), len(CONTRIBUTI)
    hours = (tuple(values[k4:k4 + h]), tuple(values[k4 + h:]))
    for s1 in range(max(0, k2 - n_c), min(n_i, k2) + 1):
        for s3 in range(max(0, (k4 - k2) - n_c), min(n_i, k4 - k2) + 1):
            g1, g2 = tuple(values[:s1]), tuple(values[s1:k2])
            g3, g4 = tuple(values[k2:k2 + s3]), tuple(values[k2 + s3:k4])
            bi, si, ri = _align_interventi(g1, g3, *hours)
            bc, sc, rc = _align_pair(g2, g4, len(CONTRIBUTI))
            if bi == -math.inf or bc == -math.inf:
                continue
            rows = _rows(ri, INTERVENTI, year, with_hours=True) | _rows(rc, CONTRIBUTI, year, with_hours=False)
            yield bi + bc, max(bi + sc, si + bc), rows


def _better(best, found):
    """Keep the best rebuild and the score of the best one that differs from it."""
    if best is None:
        return found
    (b, b2, rows), (f, f2, frows) = best, found
    differ = frows != rows
    if f > b + _EPS:
        return f, max(f2, b if differ else b2), frows
    return b, max(b2, f if differ else f2), rows


def _direct(values: list[float], year: int) -> dict[str, dict[str, float]]:
    n_i, n_c, n_h = len(INTERVENTI), len(CONTRIBUTI), len(HOURS_ROWS)
    cols = [values[0:n_i], values[n_i:n_i + n_c], values[n_i + n_c:2 * n_i + n_c],
            values[2 * n_i + n_c:2 * (n_i + n_c)]]
    tot = values[2 * (n_i + n_c):2 * (n_i + n_c) + n_h]
    mean = values[2 * (n_i + n_c) + n_h:]
    cells_i = [(a, b, tot[r] if r < n_h else None, mean[r] if r < n_h else None)
               for r, (a, b) in enumerate(zip(cols[0], cols[2]))]
    cells_c = [(a, b, None, None) for a, b in zip(cols[1], cols[3])]
    return _rows(cells_i, INTERVENTI, year, True) | _rows(cells_c, CONTRIBUTI, year, False)


def _rows(cells, codes, year: int, with_hours: bool) -> dict[str, dict[str, float]]:
    out = {}
    for code, (a, b, tot, mean) in zip(codes, cells):
        row = {"2019": a or 0.0, str(year): b or 0.0}
        if with_hours and code in HOURS_ROWS:
            row |= {"ore_totali": tot or 0.0, "ore_media": mean or 0.0}
        out[code] = row
    return out


def _filled(cells) -> tuple:
    """Cells as the form holds them: a missing cell is a zero."""
    return tuple(tuple(x or 0.0 for x in cell) for cell in cells)


# --- plausibility ----------------------------------------------------------------------------------------


def _pair_score(a: float | None, b: float | None) -> float:
    """Same service in 2019 and in the year: close counts are likely, a lone count a little less."""
    if a is None and b is None:
        return 0.0
    if a is None or b is None:
        return -(1.0 + 0.2 * math.log1p(a if b is None else b))
    return -abs(math.log((a + 1) / (b + 1)))


def _hours_score(users: float | None, tot: float, mean: float) -> float:
    """RULE-02 decides which row a pair of hours belongs to."""
    if users is None:
        return 0.0 if tot == 0 and mean == 0 else -math.inf
    expected = tot / users if users and tot else 0.0
    return 3.0 if abs(expected - mean) <= max(0.01, 1e-3 * mean) else -6.0


def _align_pair(g_a: tuple[float, ...], g_b: tuple[float, ...], rows: int):
    """Best placement of two columns into ``rows`` rows: (score, score of the best different one, cells)."""
    return _dp(g_a, g_b, (), (), rows, 0)


def _align_interventi(g1, g3, tot, mean):
    return _dp(g1, g3, tot, mean, len(INTERVENTI), len(HOURS_ROWS))


@lru_cache(maxsize=4096)
def _dp(g_a, g_b, tot, mean, rows: int, hour_rows: int):
    """Dynamic programme over rows: each row takes the next 2019 value or not, the next value of the year or
    not, and (rows with hours) the next hours pair or not. Returns (best score, score of the best different
    placement, cells per row of the best)."""
    none = (-math.inf, -math.inf, ())

    @cache
    def go(r: int, i: int, j: int, k: int):
        if r == rows:
            return (0.0, -math.inf, ()) if (i, j, k) == (len(g_a), len(g_b), len(tot)) else none
        best = none
        for take_a, take_b, take_h in _choices(r < hour_rows):
            if (take_a and i >= len(g_a)) or (take_b and j >= len(g_b)) or (take_h and k >= len(tot)):
                continue
            a = g_a[i] if take_a else None
            b = g_b[j] if take_b else None
            here = _pair_score(a, b) + (_hours_score(b, tot[k], mean[k]) if take_h else 0.0)
            sub = go(r + 1, i + take_a, j + take_b, k + take_h)
            if here == -math.inf or sub[0] == -math.inf:
                continue
            cell = (a, b, tot[k] if take_h else None, mean[k] if take_h else None)
            best = _keep_two(best, (here + sub[0], here + sub[1], (cell, *sub[2])))
        return best

    return go(0, 0, 0, 0)


def _choices(with_hours: bool):
    hours = (False, True) if with_hours else (False,)
    return [(a, b, h) for a in (False, True) for b in (False, True) for h in hours]


def _keep_two(best, cand):
    """Best of two partial placements, remembering the best score of a different filled result."""
    if best[0] == -math.inf:
        return cand
    differ = _filled(cand[2]) != _filled(best[2])
    if cand[0] > best[0] + _EPS:
        return cand[0], max(cand[1], best[0] if differ else best[1]), cand[2]
    return best[0], max(best[1], cand[0] if differ else cand[1]), best[2]
