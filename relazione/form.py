"""The SOSE/IFEL "Obiettivi di servizio – Servizi sociali" form as data.

Everything the rest of the package knows about the form lives in the tables of this module: field codes with
their official labels, units and the years they exist in (keyed by (year, code), because R01/R02 changed
meaning between 2021 and 2023), the four motivation blocks with their "Altro" code, and the rule that gives
the block from the figures. Source: ``shared/domain/relazione-form.md`` (§2 codes, §3 blocks, §4 rules).

Rules marked *(inferred)* are not printed on any form we read; they are implemented with a tolerance and
said so where they are used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

YEARS: tuple[int, ...] = (2021, 2022, 2023, 2024)
R40_MAX_CHARS = 6000
QUADRO3_THRESHOLD_EUR = 1000.0  # stated only on the 2024 form; applied to every year (inferred)

# Tolerances of §4: percentages 0.01, euro 0.01, ratios printed as integers 0.5, user counts exact.
TOL_PERCENT = 0.01
TOL_EURO = 0.01
TOL_RATIO = 0.5


class Unit(str, Enum):
    USERS = "utenti"
    PERCENT = "%"
    EURO = "euro"
    COUNT = "numero"
    INHABITANTS = "abitanti"
    RATIO = "abitanti per assistente sociale"
    TEXT = "testo"
    FLAG = "SI/NO"
    NARRATIVE = "testo libero"


# Column keys of multi-column fields. "{y}" stands for the reference year of the form.
Y = "{y}"
COLS_USERS_HOURS = ("2019", Y, "ore_totali", "ore_media")  # M rows with hours, 2023+
COLS_USERS = ("2019", Y)
COLS_USERS_2021 = ("2019", Y, "inevasi")  # 2021 export: no hours, "bisogni inevasi" column
COLS_STAFF = ("2020", Y)
COLS_QUADRO3 = ("numero", "modalita", "spesa", "utenti")  # union over years; not all used every year


@dataclass(frozen=True)
class Field:
    """One field code as it exists in a range of years, with its official label and unit."""

    code: str
    label: str
    unit: Unit
    quadro: int
    years: frozenset[int]
    columns: tuple[str, ...] = ()  # empty: a single value
    ref_column: str | None = None  # the column that is "the" value of the field for the reference year
    computed: bool = False  # computed by the form from other fields
    label_by_year: Mapping[int, str] = field(default_factory=dict)

    def label_for(self, year: int) -> str:
        return self.label_by_year.get(year, self.label)

    def columns_for(self, year: int) -> tuple[str, ...]:
        return tuple(str(year) if c == Y else c for c in self.columns)

    def ref_column_for(self, year: int) -> str | None:
        if self.ref_column is None:
            return None
        return str(year) if self.ref_column == Y else self.ref_column


ALL = frozenset(YEARS)
Y2021_22 = frozenset({2021, 2022})  # 2022 form not observed: 2021 numbering assumed (inferred, §2.6)
Y2023_24 = frozenset({2023, 2024})
Y2024 = frozenset({2024})

_M_TARGETS = {
    "famiglia e minori": ("M12", "M35", "M44"),
    "disabili": ("M15", "M36", "M47"),
    "con dipendenze e salute mentale": ("M18", "M37", "M50"),
    "anziani": ("M21", "M38", "M53"),
    "immigrati e nomadi": ("M24", "M39", "M56"),
    "povertà, disagio adulti e senza dimora": ("M27", "M40", "M59"),
}


def _quadro1_rows() -> list[Field]:
    rows: list[Field] = []
    for target, (servizi, contributi, strutture) in _M_TARGETS.items():
        for code, with_hours in ((servizi, True), (contributi, False), (strutture, True)):
            for years, cols in (
                (Y2021_22, COLS_USERS_2021),
                (Y2023_24, COLS_USERS_HOURS if with_hours else COLS_USERS),
            ):
                rows.append(Field(code, f"Utenti {target}", Unit.USERS, 1, years, cols, Y))
    for code in ("M30", "M41"):
        rows.append(Field(code, "Utenti Multiutenza", Unit.USERS, 1, Y2021_22, COLS_USERS_2021, Y))
        rows.append(Field(code, "Utenti Multiutenza", Unit.USERS, 1, Y2023_24, COLS_USERS, Y))
    return rows


_MOTIVATION_LABELS: dict[str, str] = {
    "R16": "Scelta dell'amministrazione, dovuta ad una particolare configurazione delle preferenze locali, "
    "di destinare maggiori risorse ai servizi sociali",
    "R17": "Personale maggiormente qualificato",
    "R18": "Numero assistenti sociali e altre figure professionali in termini pro capite più alto",
    "R19": "Presenza e mantenimento delle strutture sociali di proprietà comunale destinati ai servizi sociali",
    "R20": "Digitalizzazione dei servizi sociali",
    "R21": "Sviluppo della rete territoriale integrata con l'ambito sociale di riferimento, comuni vicini, "
    "volontariato e terzo settore",
    "R22": "Altro (specificare nel campo della relazione in formato libero)",
    "R23": "Una rilevante parte delle risorse per la funzione è assorbita da poche prestazioni sociali "
    "particolarmente costose",
    "R24": "Diseconomie di scala nell'erogazione dei servizi",
    "R25": "Mancanza del servizio integrato con l'ambito sociale di riferimento, assenza di accreditamenti con "
    "strutture private",
    "R26": "Difficoltà gestionali",
    "R27": "Mancanza di investimenti adeguati (per digitalizzazione banche dati, strutture sociali comunali, "
    "rete integrata di servizi sociali)",
    "R28": "Altro (specificare nel campo della relazione in formato libero)",
    "R29": "Presenza sul territorio di reti di volontariato/servizi del terzo settore ben sviluppate che "
    "forniscono prestazioni che sono integrative rispetto a quelle del servizio sociale del comune",
    "R30": "Gli utenti del comune godono dei servizi erogati interamente/ parzialmente attraverso l'ambito "
    "sociale di riferimento",
    "R31": "Risorse assorbite da utenti/prestazioni relativamente meno costosi",
    "R32": "La presenza di accreditamenti presso le strutture consente una gestione più efficiente del servizio",
    "R33": "Altro (specificare nel campo della relazione in formato libero)",
    "R34": "Scelta dell' amministrazione, dovuta ad una particolare configurazione delle preferenze locali, "
    "di destinare le risorse ad altre funzioni",
    "R35": "Presenza sul territorio di reti di volontariato/dei servizi del terzo settore ben sviluppate che "
    "forniscono prestazioni simili sostitutive",
    "R36": "Difficoltà ad avviare il servizio sociale adeguato a causa della mancanza di personale specializzato "
    "quale Assistenti sociali",
    "R37": "Difficoltà ad avviare il servizio sociale adeguato a causa della mancanza di personale specializzato "
    "quale Altro personale qualificato",
    "R38": "Mancanza/carenza del sistema sociale integrato attraverso l'ambito sociale; mancanza/carenza di "
    "accreditamenti presso le strutture private che erogano servizi sociali",
    "R39": "Altro (specificare nel campo della relazione in formato libero)",
}

_FIELDS: list[Field] = [
    *_quadro1_rows(),
    Field("R01", "Utenti Multiutenza", Unit.USERS, 1, Y2021_22, COLS_USERS_2021, Y),
    Field("R02", "TOTALE UTENTI", Unit.USERS, 1, Y2021_22, COLS_USERS_2021, Y, computed=True),
    Field("R0A", "Utenti Multiutenza", Unit.USERS, 1, Y2023_24, COLS_USERS, Y),
    Field("R0B", "TOTALE UTENTI", Unit.USERS, 1, Y2023_24, COLS_USERS, Y, computed=True),
    Field("R0C", "Denominazione ATS (fonte: Ministero del Lavoro)", Unit.TEXT, 1, Y2024),
    Field("R0D", "Ente/Comune capofila dell'ATS (fonte: Ministero del Lavoro)", Unit.TEXT, 1, Y2024),
    Field(
        "R0E",
        "Numero di assistenti sociali in rapporto alla popolazione a livello di ATS (fonte: Stima sulla base "
        "delle relazioni di rendicontazione del sociale anno 2023)",
        Unit.RATIO, 1, Y2024,
    ),
    Field(
        "R01",
        "Numero di assistenti sociali in forza al Comune (con qualsiasi forma contrattuale, anche mediante "
        "esternalizzazione)",
        Unit.COUNT, 1, Y2023_24, COLS_STAFF, Y,
        label_by_year={2023: "Numeri di assistenti sociali"},
    ),
    Field(
        "R01A",
        "Numero di assistenti sociali forniti dalla forma associata o dall'ambito territoriale sociale (ATS)",
        Unit.COUNT, 1, Y2024,
    ),
    Field(
        "R01B",
        "Numero di assistenti sociali in rapporto alla popolazione a livello di Comune [1:R03/(R01+R01A)]",
        Unit.RATIO, 1, Y2024, computed=True,
    ),
    Field("R02", "Numero di altre figure professionali (educatori, ecc.)", Unit.COUNT, 1, Y2023_24,
          COLS_STAFF, Y),
    Field("R03", "Numero di abitanti", Unit.INHABITANTS, 1, ALL,
          label_by_year={2021: "Abitanti 2021", 2022: "Abitanti 2022", 2023: "Numero di abitanti 2023"}),
    Field("R04", "Livello di servizio effettivo (% di utenti serviti rispetto alla popolazione)", Unit.PERCENT,
          1, ALL, computed=True, label_by_year={2023: "Livello di Servizio 2023"}),
    Field("R05", "Livello di servizio di riferimento (% di utenti figurativi standard rispetto alla popolazione)",
          Unit.PERCENT, 1, ALL),
    Field("R06", "Fabbisogno standard monetario sociale 2022-2024", Unit.EURO, 2, ALL,
          label_by_year={2021: "Fabbisogno standard monetario per la funzione sociale 2021"}),
    Field("R07", "Spesa storica 2017 calcolata con il questionario dei fabbisogni standard", Unit.EURO, 2,
          Y2021_22, ("2017",), "2017"),
    Field("R07", "Spesa storica di riferimento", Unit.EURO, 2, Y2023_24, ("2017", "2021"), "2021"),
    Field("R08", "Risorse aggiuntive effettive del sociale assegnate per l'anno", Unit.EURO, 2, ALL),
    Field("R09", "Risorse aggiuntive effettive del sociale assegnate per l'anno da rendicontare", Unit.EURO, 3,
          ALL, computed=True),
    Field("R10", "Assistenti sociali aggiuntivi (per raggiungimento soglia 1:6500 ab.)", Unit.EURO, 3, ALL,
          COLS_QUADRO3, "spesa"),
    Field("R11", "Altre figure professionali (educatori, ecc.) aggiuntive", Unit.EURO, 3, ALL, COLS_QUADRO3,
          "spesa"),
    Field("R12", "Interventi per un significativo miglioramento dei servizi sociali", Unit.EURO, 3, ALL,
          COLS_QUADRO3, "spesa"),
    Field("R13", "Interventi per un aumento del numero degli utenti serviti", Unit.EURO, 3, ALL, COLS_QUADRO3,
          "spesa", label_by_year={2021: "Utenti aggiuntivi 2021 rispetto al 2019"}),
    Field("R14", "Risorse aggiuntive trasferite all'Ambito territoriale sociale o ad altra forma associativa",
          Unit.EURO, 3, ALL, COLS_QUADRO3, "spesa"),
    Field("R15", "TOTALE OBIETTIVI DI SERVIZIO", Unit.EURO, 3, ALL, COLS_QUADRO3, "spesa", computed=True),
    *(Field(code, label, Unit.FLAG, 4, ALL) for code, label in _MOTIVATION_LABELS.items()),
    Field("R40", "Relazione in formato libero (massimo 6.000 caratteri)", Unit.NARRATIVE, 4, ALL),
]

_BY_YEAR_CODE: dict[tuple[int, str], Field] = {}
for _f in _FIELDS:
    for _y in _f.years:
        if (_y, _f.code) in _BY_YEAR_CODE:  # pragma: no cover - guards the table itself
            raise AssertionError(f"duplicate field {_f.code} in {_y}")
        _BY_YEAR_CODE[(_y, _f.code)] = _f

ALL_CODES: frozenset[str] = frozenset(code for _, code in _BY_YEAR_CODE)
QUADRO3_CODES = ("R10", "R11", "R12", "R13", "R14")
M_CODES: tuple[str, ...] = tuple(sorted({f.code for f in _FIELDS if f.code.startswith("M")}))


def field_for(code: str, year: int) -> Field | None:
    """The field ``code`` of the ``year`` form, or None when the code does not exist in that year."""
    return _BY_YEAR_CODE.get((year, code))


def fields_of_year(year: int) -> list[Field]:
    return [f for (y, _), f in _BY_YEAR_CODE.items() if y == year]


def users_total_code(year: int) -> str:
    """R02 holds the users' total in 2021 (and 2022, inferred); R0B from 2023."""
    return "R02" if year in Y2021_22 else "R0B"


def multiutenza_code(year: int) -> str:
    return "R01" if year in Y2021_22 else "R0A"


# --- Motivation blocks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A motivation block of Quadro 4: the codes it holds, its Altro code and the condition that selects it."""

    letter: str
    codes: tuple[str, ...]
    spending_ok: bool  # R07ref >= R06
    service_ok: bool  # R04 >= R05
    heading: str

    @property
    def altro(self) -> str:
        return self.codes[-1]

    @property
    def condition(self) -> str:
        spending = "R07 >= R06" if self.spending_ok else "R07 < R06"
        service = "R04 >= R05" if self.service_ok else "R04 < R05"
        return f"{spending} e {service}"


BLOCKS: dict[str, Block] = {
    b.letter: b
    for b in (
        Block("A", tuple(f"R{n}" for n in range(16, 23)), True, True,
              "Il livello di spesa dell'ente locale è risultato non inferiore al livello del fabbisogno per la "
              "funzione del sociale e il livello dei servizi convenzionalmente calcolato risulta superiore a "
              "quello di riferimento a causa di:"),
        Block("B", tuple(f"R{n}" for n in range(23, 29)), True, False,
              "Il livello di spesa dell'ente locale è alto, nonostante ciò, il livello di servizi "
              "convenzionalmente calcolato è inferiore a quello di riferimento a causa di:"),
        Block("C", tuple(f"R{n}" for n in range(29, 34)), False, True,
              "Il livello di spesa dell'ente locale è inferiore al fabbisogno e il livello di servizi "
              "convenzionalmente calcolato è non inferiore a quello di riferimento a causa di:"),
        Block("D", tuple(f"R{n}" for n in range(34, 40)), False, False,
              "Il livello di spesa dell'ente locale è inferiore al fabbisogno e il livello di servizi "
              "convenzionalmente calcolato è inferiore a quello di riferimento a causa di:"),
    )
}
MOTIVATION_CODES: tuple[str, ...] = tuple(c for b in BLOCKS.values() for c in b.codes)
ALTRO_CODES: frozenset[str] = frozenset(b.altro for b in BLOCKS.values())
_BLOCK_OF_CODE = {c: b for b in BLOCKS.values() for c in b.codes}
_BLOCK_BY_CONDITION = {(b.spending_ok, b.service_ok): b for b in BLOCKS.values()}


def block_of_code(code: str) -> Block | None:
    return _BLOCK_OF_CODE.get(code)


def motivation_label(code: str) -> str:
    return _MOTIVATION_LABELS[code]


def short_label(code: str, limit: int | None = None) -> str:
    """The label for messages: "Altro" for the Altro codes (their label only says "specify in R40"), others
    cut to ``limit`` characters."""
    if code in ALTRO_CODES:
        return "Altro"
    label = motivation_label(code)
    return label if limit is None or len(label) <= limit else label[: limit - 3].rstrip() + "…"


# --- Values: reference columns and the block rule --------------------------------------------------------

Value = float | str | dict[str, float | str]


def ref_value(values: Mapping[str, Value], code: str, year: int) -> float | None:
    """The number that stands for ``code`` in the reference year.

    Multi-year fields hold an object of columns; their reference column is the year of the form (Quadro 1,
    staff), "spesa" (Quadro 3) or, for R07, the 2021 column when present, else 2017 (RULE-06, inferred).
    A plain number given for a multi-column field is taken as that reference value.
    """
    raw = values.get(code)
    if raw is None:
        return None
    if isinstance(raw, dict):
        if code == "R07":
            return _number(raw.get("2021", raw.get("2017")))
        fld = field_for(code, year)
        col = fld.ref_column_for(year) if fld else None
        return _number(raw.get(col)) if col else None
    return _number(raw)


def column_value(values: Mapping[str, Value], code: str, column: str) -> float | None:
    """One column of a multi-column field (a plain number counts as its reference column only)."""
    raw = values.get(code)
    if isinstance(raw, dict):
        return _number(raw.get(column))
    return None


def _number(x: object) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


@dataclass(frozen=True)
class BlockDecision:
    """The block the figures give, with the comparison in words (e.g. "R07 >= R06 e R04 < R05 -> blocco B")."""

    block: Block | None
    reason: str
    missing: tuple[str, ...] = ()
    r04: float | None = None
    r04_recomputed: bool = False

    @property
    def letter(self) -> str | None:
        return self.block.letter if self.block else None


def service_level(values: Mapping[str, Value], year: int) -> tuple[float | None, bool]:
    """R04 as printed, or recomputed as total users / population x 100 (RULE-03) when not printed."""
    r04 = ref_value(values, "R04", year)
    if r04 is not None:
        return r04, False
    total = ref_value(values, users_total_code(year), year)
    pop = ref_value(values, "R03", year)
    if total is not None and pop:
        return total / pop * 100.0, True
    return None, False


def block_for(values: Mapping[str, Value], year: int) -> BlockDecision:
    """RULE-13: the block follows from R07ref vs R06 and R04 vs R05; ties count as "non inferiore".

    The column of R07 used from 2023 (2021 when present) is inferred (§3.3).
    """
    r04, recomputed = service_level(values, year)
    r05 = ref_value(values, "R05", year)
    r06 = ref_value(values, "R06", year)
    r07 = ref_value(values, "R07", year)
    named = {"R04": r04, "R05": r05, "R06": r06, "R07": r07}
    missing = tuple(code for code, v in named.items() if v is None)
    if missing:
        return BlockDecision(None, f"mancano {', '.join(missing)}: blocco non determinabile", missing)
    spending_ok = r07 >= r06
    service_ok = r04 >= r05
    block = _BLOCK_BY_CONDITION[(spending_ok, service_ok)]
    return BlockDecision(block, f"{block.condition} -> blocco {block.letter}", (), r04, recomputed)


# --- Codes as written in documents -----------------------------------------------------------------------

CODE_RE = re.compile(r"^(?:M\d\d|R0[A-E]|R01[AB]?|R\d\d)$")


def is_known_code(code: str) -> bool:
    return code in ALL_CODES


def codes_in(block_letters: Iterable[str]) -> list[str]:
    return [c for letter in block_letters for c in BLOCKS[letter].codes]
