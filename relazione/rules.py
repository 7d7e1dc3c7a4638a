"""Rule checks on figures, flags and length: no NLP, deterministic, one small function per rule.

Each rule has the ID of the domain reference (§4 RULE-xx, §7 AUD-xx), registered in :data:`RULES` so that
docs, tests and baselines can list and name them. Rules whose inputs are absent stay silent: a record with
only a narrative is not an error, it is just less checkable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

from . import form
from .findings import Finding, Severity
from .numbers import format_number
from .record import Record

Rule = Callable[["Context"], Iterator[Finding]]
RULES: dict[str, Rule] = {}


def rule(rule_id: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        if rule_id in RULES:  # pragma: no cover - guards the registry itself
            raise AssertionError(f"duplicate rule {rule_id}")
        RULES[rule_id] = fn
        fn.rule_id = rule_id  # type: ignore[attr-defined]
        return fn

    return register


@dataclass
class Context:
    """A record with the derived facts several rules need, computed once."""

    record: Record

    @property
    def year(self) -> int:
        return self.record.anno

    def v(self, code: str) -> float | None:
        return self.record.value(code)

    def col(self, code: str, column: str) -> float | None:
        return form.column_value(self.record.values, code, column)

    @cached_property
    def decision(self) -> form.BlockDecision:
        return form.block_for(self.record.values, self.year)

    @cached_property
    def r09_expected(self) -> float | None:
        r06, r07, r08 = self.v("R06"), self.v("R07"), self.v("R08")
        if None in (r06, r07, r08):
            return None
        return min(r08, max(0.0, r06 - r07))  # type: ignore[operator]

    @cached_property
    def quadro3_due(self) -> bool | None:
        """RULE-09: spending below need and R09 >= 1.000 euro (threshold seen only in 2024; inferred for others)."""
        r06, r07 = self.v("R06"), self.v("R07")
        r09 = self.v("R09") if self.v("R09") is not None else self.r09_expected
        if None in (r06, r07, r09):
            return None
        return r07 < r06 and r09 >= form.QUADRO3_THRESHOLD_EUR  # type: ignore[operator]

    def quadro3_amounts(self) -> list[float]:
        return [x for c in form.QUADRO3_CODES if (x := self.v(c)) is not None]


def _f(kind: str, rule_id: str, severity: Severity, message: str, code: str | None = None,
       start: int | None = None, end: int | None = None) -> Finding:
    return Finding(kind=kind, rule=rule_id, code=code, severity=severity, message=message, start=start, end=end)


def _eur(x: float) -> str:
    return f"{format_number(x)} €"


def _num(x: float) -> str:
    return format_number(x, 0) if float(x).is_integer() else format_number(x)


# --- Quadro 4: block, flags, narrative -----------------------------------------------------------------


@rule("RULE-16")
def over_limit(ctx: Context) -> Iterator[Finding]:
    """R40 may hold at most 6.000 characters; spaces and line breaks count one each (inferred)."""
    n = len(ctx.record.r40)
    if n > form.R40_MAX_CHARS:
        yield _f("over_limit", "RULE-16", Severity.ERROR,
                 f"La relazione è di {_num(n)} caratteri, {_num(n - form.R40_MAX_CHARS)} oltre il massimo di 6.000: "
                 "accorciare il testo evidenziato.", "R40", form.R40_MAX_CHARS, n)


@rule("RULE-13")
def wrong_block_numbers(ctx: Context) -> Iterator[Finding]:
    """Flags belong to the block the figures give; flags elsewhere mean the wrong block was compiled."""
    block = ctx.decision.block
    if block is None:
        if ctx.record.flags:
            yield _f("block_undetermined", "RULE-13", Severity.INFO,
                     f"Impossibile verificare il blocco delle motivazioni: {ctx.decision.reason}.")
        return
    outside = sorted(c for c in ctx.record.flags if c not in block.codes)
    if outside:
        others = sorted({form.block_of_code(c).letter for c in outside})  # type: ignore[union-attr]
        yield _f("wrong_block_numbers", "RULE-13", Severity.ERROR,
                 f"Le motivazioni {', '.join(outside)} sono del blocco {', '.join(others)}, ma i dati danno il "
                 f"blocco {block.letter} ({ctx.decision.reason}): compilare solo le motivazioni "
                 f"{block.codes[0]}–{block.altro}.")


@rule("RULE-14")
def flags_missing(ctx: Context) -> Iterator[Finding]:
    """Every code of the applicable block needs SI or NO (inferred from the observed prints)."""
    block = ctx.decision.block
    if block is None:
        return
    for code in block.codes:
        if code not in ctx.record.flags:
            yield _f("flags_missing", "RULE-14", Severity.WARNING,
                     f"{code} ({form.short_label(code, 60)}) non è compilato: indicare SI o NO.", code)


@rule("RULE-15")
def altro_without_text(ctx: Context) -> Iterator[Finding]:
    """Altro = SI must be explained in R40 (the label says so); the semantic version needs the classifier."""
    if ctx.record.r40.strip():
        return
    for code in sorted(form.ALTRO_CODES):
        if ctx.record.flags.get(code) == "SI":
            yield _f("altro_without_text", "RULE-15", Severity.ERROR,
                     f"{code} «Altro» è SI ma la relazione (R40) è vuota: descrivere nella relazione la causa "
                     "specifica.", code)


@rule("TXT-01")
def placeholders_left(ctx: Context) -> Iterator[Finding]:
    """«[...]» placeholders of a skeleton paragraph still in R40: they must be filled before sending."""
    from .placeholders import placeholders

    for start, end in placeholders(ctx.record.r40):
        yield _f("placeholder_left", "TXT-01", Severity.WARNING,
                 "Segnaposto «[...]» ancora da completare: sostituirlo con il testo o cancellarlo.", "R40", start, end)


@rule("RULE-13-COL")
def block_column_dependent(ctx: Context) -> Iterator[Finding]:
    """§3.3: when R07[2017] >= R06 > R07[2021] the block depends on the column of R07 used (inferred rule)."""
    r06 = ctx.v("R06")
    r2017, r2021 = ctx.col("R07", "2017"), ctx.col("R07", "2021")
    if None not in (r06, r2017, r2021) and r2017 >= r06 > r2021:  # type: ignore[operator]
        yield _f("block_column_dependent", "RULE-13-COL", Severity.INFO,
                 "La spesa storica 2017 è non inferiore al fabbisogno, quella 2021 è inferiore: il blocco è stato "
                 "determinato con la colonna 2021; verificare quale colonna usa il portale.", "R07")


# --- Quadro 1 ------------------------------------------------------------------------------------------


def _m_rows(ctx: Context) -> list[str]:
    return [c for c in (*form.M_CODES, form.multiutenza_code(ctx.year)) if c in ctx.record.values]


@rule("RULE-01")
def users_total(ctx: Context) -> Iterator[Finding]:
    """The users' total (R0B; R02 in 2021) is the sum of the M rows and multiutenza, column by column."""
    total_code = form.users_total_code(ctx.year)
    rows = _m_rows(ctx)
    fld = form.field_for(total_code, ctx.year)
    if not rows or fld is None:
        return
    for column in fld.columns_for(ctx.year):
        printed = ctx.col(total_code, column)
        parts = [x for c in rows if (x := ctx.col(c, column)) is not None]
        if printed is None or not parts:
            continue
        if printed != sum(parts):
            yield _f("users_total_mismatch", "RULE-01", Severity.ERROR,
                     f"{total_code} colonna {column}: il totale indicato è {_num(printed)} ma la somma delle righe è "
                     f"{_num(sum(parts))}: correggere il totale o le righe.", total_code)


@rule("RULE-02")
def mean_hours(ctx: Context) -> Iterator[Finding]:
    """Mean hours = total hours / users of the year, 0 when either is 0 (inferred, verified on prints)."""
    y = str(ctx.year)
    for code in _m_rows(ctx):
        total, mean, users = ctx.col(code, "ore_totali"), ctx.col(code, "ore_media"), ctx.col(code, y)
        if None in (total, mean, users):
            continue
        expected = total / users if users and total else 0.0  # type: ignore[operator]
        if abs(expected - mean) > form.TOL_PERCENT:  # type: ignore[operator]
            yield _f("mean_hours_mismatch", "RULE-02", Severity.ERROR,
                     f"{code}: media annua ore {_num(mean)} ma {_num(total)} ore / {_num(users)} utenti = "
                     f"{format_number(expected)}.", code)


@rule("RULE-03")
def service_level(ctx: Context) -> Iterator[Finding]:
    """R04 = total users / R03 x 100; a printed value on the other side of R05 is flagged as info (§3.3)."""
    printed, total, pop = ctx.v("R04"), ctx.v(form.users_total_code(ctx.year)), ctx.v("R03")
    if None in (printed, total, pop) or not pop:
        return
    expected = total / pop * 100  # type: ignore[operator]
    if abs(expected - printed) > form.TOL_PERCENT:  # type: ignore[operator]
        yield _f("service_level_mismatch", "RULE-03", Severity.ERROR,
                 f"R04 indicato {format_number(printed, 2)} ma {_num(total)} utenti / {_num(pop)} abitanti × 100 = "
                 f"{format_number(expected, 2)}: verificare utenti e popolazione.", "R04")
    r05 = ctx.v("R05")
    if r05 is not None and (expected >= r05) != (printed >= r05):  # type: ignore[operator]
        yield _f("service_level_rounding", "RULE-03", Severity.INFO,
                 "R04 indicato e R04 ricalcolato cadono su lati opposti di R05: il blocco usa il valore indicato.",
                 "R04")


@rule("RULE-05")
def staff_ratio(ctx: Context) -> Iterator[Finding]:
    """R01B = R03 / (R01 + R01A), 0 when there is no social worker (rounding to units inferred)."""
    printed, pop, r01, r01a = ctx.v("R01B"), ctx.v("R03"), ctx.v("R01"), ctx.v("R01A")
    if None in (printed, pop) or (r01 is None and r01a is None):
        return
    staff = (r01 or 0.0) + (r01a or 0.0)
    expected = pop / staff if staff else 0.0  # type: ignore[operator]
    if abs(expected - printed) > form.TOL_RATIO:  # type: ignore[operator]
        yield _f("staff_ratio_mismatch", "RULE-05", Severity.ERROR,
                 f"R01B indicato 1:{_num(printed)} ma {_num(pop)} abitanti / {_num(staff)} assistenti sociali = "
                 f"1:{format_number(expected, 0 if expected.is_integer() else 1)}.", "R01B")


# --- Quadro 2 and 3 ------------------------------------------------------------------------------------


@rule("RULE-08")
def amount_to_report(ctx: Context) -> Iterator[Finding]:
    """R09 = min(R08, max(0, R06 - R07ref)): never more than the gap between need and spending."""
    printed, expected = ctx.v("R09"), ctx.r09_expected
    if printed is None or expected is None:
        return
    if abs(printed - expected) > form.TOL_EURO + 1e-9:
        yield _f("amount_to_report_mismatch", "RULE-08", Severity.ERROR,
                 f"R09 indicato {_eur(printed)} ma min(R08; R06 − R07) = {_eur(expected)}.", "R09")


@rule("RULE-09")
def quadro3_missing(ctx: Context) -> Iterator[Finding]:
    """Quadro 3 is due when spending is below need and R09 >= 1.000 euro; then R10–R15 must be filled."""
    if ctx.quadro3_due and not any(ctx.quadro3_amounts()) and not ctx.v("R15"):
        yield _f("quadro3_missing", "RULE-09", Severity.ERROR,
                 "La spesa è inferiore al fabbisogno e le risorse da rendicontare (R09) sono almeno 1.000 €: "
                 "compilare il Quadro 3 (R10–R15).", "R15")


@rule("RULE-10")
def objectives_total(ctx: Context) -> Iterator[Finding]:
    """R15 = R10 + R11 + R12 + R13 + R14 (spesa aggiuntiva; in 2021 also the users column)."""
    for column, label in (("spesa", "spesa aggiuntiva"), ("utenti", "utenti aggiuntivi")):
        printed = ctx.v("R15") if column == "spesa" else ctx.col("R15", "utenti")
        parts = [(ctx.v(c) if column == "spesa" else ctx.col(c, "utenti")) for c in form.QUADRO3_CODES]
        present = [x for x in parts if x is not None]
        if printed is None or not present:
            continue
        if abs(printed - sum(present)) > form.TOL_EURO + 1e-9:
            yield _f("objectives_total_mismatch", "RULE-10", Severity.ERROR,
                     f"R15 ({label}) indicato {_num(printed)} ma R10+R11+R12+R13+R14 = {_num(sum(present))}.", "R15")


@rule("RULE-11")
def objectives_below_amount(ctx: Context) -> Iterator[Finding]:
    """When Quadro 3 is due, R15 must reach R09 (condition inferred from the 2024 print)."""
    r15, r09 = ctx.v("R15"), ctx.v("R09") if ctx.v("R09") is not None else ctx.r09_expected
    if ctx.quadro3_due and r15 is not None and r09 is not None and r15 + form.TOL_EURO < r09:
        yield _f("objectives_below_amount", "RULE-11", Severity.ERROR,
                 f"Il totale rendicontato R15 ({_eur(r15)}) è inferiore alle risorse da rendicontare R09 "
                 f"({_eur(r09)}): rendicontare la differenza di {_eur(r09 - r15)}.", "R15")


@rule("RULE-12")
def quadro3_not_due(ctx: Context) -> Iterator[Finding]:
    """Quadro 3 filled although not due (inferred; informational)."""
    if ctx.quadro3_due is False and (any(ctx.quadro3_amounts()) or ctx.v("R15")):
        yield _f("quadro3_not_due", "RULE-12", Severity.INFO,
                 "Il Quadro 3 risulta compilato ma non è dovuto (spesa non inferiore al fabbisogno o R09 < 1.000 €).",
                 "R15")


@rule("RULE-18")
def users_added_plausible(ctx: Context) -> Iterator[Finding]:
    """Users added in Quadro 3 should show as more users than in 2019 (inferred, unverified)."""
    total = form.users_total_code(ctx.year)
    before, now = ctx.col(total, "2019"), ctx.col(total, str(ctx.year))
    if before is None or now is None:
        return
    added_users = ctx.col("R13", "utenti")
    if added_users is not None and added_users > max(0.0, now - before):
        yield _f("users_added_implausible", "RULE-18", Severity.INFO,
                 f"R13 dichiara {_num(added_users)} utenti aggiuntivi ma gli utenti sono passati da {_num(before)} a "
                 f"{_num(now)}.", "R13")
    elif added_users is None and (ctx.v("R13") or 0) > 0 and now <= before:
        yield _f("users_added_implausible", "RULE-18", Severity.INFO,
                 f"R13 indica spesa per utenti aggiuntivi ma gli utenti non sono aumentati rispetto al 2019 "
                 f"({_num(before)} → {_num(now)}).", "R13")


@rule("RULE-19")
def staff_added_plausible(ctx: Context) -> Iterator[Finding]:
    """Staff hired in Quadro 3 should show in R01/R02 against 2020 (inferred, unverified; 2023 numbering)."""
    if ctx.year in form.Y2021_22:
        return
    for q3, staff, what in (("R10", "R01", "assistenti sociali"), ("R11", "R02", "altre figure professionali")):
        hired = ctx.col(q3, "numero")
        before, now = ctx.col(staff, "2020"), ctx.col(staff, str(ctx.year))
        if hired and before is not None and now is not None and now <= before:
            yield _f("staff_added_implausible", "RULE-19", Severity.INFO,
                     f"{q3} dichiara {_num(hired)} {what} aggiuntivi ma {staff} non aumenta rispetto al 2020 "
                     f"({_num(before)} → {_num(now)}).", q3)


@rule("RULE-20")
def non_negative(ctx: Context) -> Iterator[Finding]:
    """Counts and amounts are never negative; user counts are integers (inferred)."""
    for code, raw in ctx.record.values.items():
        fld = form.field_for(code, ctx.year)
        cells = raw.items() if isinstance(raw, dict) else [("", raw)]
        for column, x in cells:
            if not isinstance(x, float):
                continue
            where = f"{code} {column}".strip()
            if x < 0:
                yield _f("negative_value", "RULE-20", Severity.ERROR, f"{where}: valore negativo ({_num(x)}).", code)
            elif (fld and fld.unit == form.Unit.USERS and column not in ("ore_totali", "ore_media")
                  and not x.is_integer()):
                yield _f("negative_value", "RULE-20", Severity.ERROR,
                         f"{where}: il numero di utenti deve essere intero ({format_number(x)}).", code)


@rule("AUD-12")
def staff_flags_vs_figures(ctx: Context) -> Iterator[Finding]:
    """Staff motivations against staff figures (inferred heuristics of §7, informational)."""
    flags, ratio, ats = ctx.record.flags, ctx.v("R01B"), ctx.v("R0E")
    staff = [x for x in (ctx.v("R01"), ctx.v("R01A")) if x is not None]
    if flags.get("R18") == "SI" and ctx.year not in form.Y2021_22:
        if staff and sum(staff) == 0:
            yield _f("staff_flag_vs_figures", "AUD-12", Severity.INFO,
                     "R18 (più assistenti sociali pro capite) è SI ma R01 e R01A indicano zero assistenti sociali.",
                     "R18")
        elif ratio and ratio > 5000:
            yield _f("staff_flag_vs_figures", "AUD-12", Severity.INFO,
                     f"R18 è SI ma il rapporto del Comune (1:{_num(ratio)}) è peggiore di 1:5.000.", "R18")
    if flags.get("R36") == "SI" and ratio and ratio <= 5000 and ats is not None and ats < 5000:
        yield _f("staff_flag_vs_figures", "AUD-12", Severity.INFO,
                 f"R36 (mancanza di assistenti sociali) è SI ma il rapporto è 1:{_num(ratio)} nel Comune e "
                 f"1:{_num(ats)} nell'ATS, migliori di 1:5.000.", "R36")


def run_rules(record: Record) -> list[Finding]:
    """Every registered rule on one record, in registry order."""
    ctx = Context(record)
    return [finding for fn in RULES.values() for finding in fn(ctx)]
