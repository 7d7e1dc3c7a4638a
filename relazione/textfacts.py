"""Facts a narrative states about the form's figures: amounts, users, social workers, and directions
("la spesa è inferiore al fabbisogno", "il livello di servizio supera quello di riferimento").

Deliberately conservative: a claim is extracted only when its wording ties a number (or a comparison) to one
form field, because a false contradiction costs an auditor more time than a missed one. The audit compares the
claims with the record (AUD-07).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from .nlp import Sentence
from .numbers import parse_number

NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
WORDS = {"un": 1, "una": 1, "un'": 1, "uno": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6,
         "sette": 7, "otto": 8, "nove": 9, "dieci": 10, "undici": 11, "dodici": 12, "tredici": 13,
         "quattordici": 14, "quindici": 15, "sedici": 16, "diciassette": 17, "diciotto": 18, "diciannove": 19,
         "venti": 20}
WORD_NUM = "|".join(sorted((re.escape(w) for w in WORDS), key=len, reverse=True))
APPROX = re.compile(r"\b(circa|oltre|quasi|poco (?:più|meno)|intorno|all'incirca|approssimativamente|più di|"
                    r"meno di|almeno)\b\s*(?:a\s+|di\s+)?$", re.I)


@dataclass(frozen=True)
class Claim:
    """One statement of the narrative about a form field."""

    field: str  # "R08", "R09", "R14", "R15", "users", "staff", "spending_vs_need", "service_vs_reference"
    value: float | bool  # a number, or for directions True = "not lower"
    start: int  # offsets of the sentence in the narrative
    end: int
    text: str
    approx: bool = False


# --- amounts ---------------------------------------------------------------------------------------------

_MONEY = re.compile(rf"(?:€\s*({NUM})|({NUM})\s*(?:euro|€|eur\b))", re.I)
_AMOUNT_KEYS = {
    "R09": re.compile(r"da rendicontare|rendicontabil", re.I),
    "R14": re.compile(r"trasferit\w*|trasferiment\w*", re.I),  # only with an ambito word in the sentence
    "R15": re.compile(r"(?:totale|complessivamente)\s+(?:\w+\s+){0,3}?(?:rendicontat|obiettivi di servizio)", re.I),
    # "risorse aggiuntive" as the whole amount, not "parte delle risorse", "con le risorse", "di cui"
    "R08": re.compile(r"(?<!delle )(?<!dalle )(?<!con le )(?<!alle )risorse aggiuntive"
                      r"(?:\s+(?:effettive|del sociale|assegnate|attribuite|ricevute)){0,3}", re.I),
}
_AMBITO = re.compile(r"\b(?:ambito|ats|consorzio|unione|forma associat|ufficio di piano)", re.I)
_NEAR = 90  # characters between a keyword and its amount


def _amounts(s: Sentence) -> Iterable[Claim]:
    """Each keyword takes the nearest amount (one amount per keyword, one keyword per amount)."""
    keys = [(code, m.start(), m.end()) for code, rx in _AMOUNT_KEYS.items() for m in rx.finditer(s.text)
            if code != "R14" or _AMBITO.search(s.text)]
    amounts = [(m.start(), v) for m in _MONEY.finditer(s.text)
               if (v := parse_number(m.group(1) or m.group(2))) is not None]
    pairs = sorted((min(abs(pos - a), abs(pos - b)), code, pos, value)
                   for code, a, b in keys for pos, value in amounts)
    used_codes: set[str] = set()
    used_amounts: set[int] = set()
    for dist, code, pos, value in pairs:
        if dist > _NEAR or code in used_codes or pos in used_amounts:
            continue
        used_codes.add(code)
        used_amounts.add(pos)
        approx = bool(APPROX.search(s.text[max(0, pos - 25) : pos]))
        yield Claim(code, value, s.start, s.end, s.text, approx)


# --- users and staff -------------------------------------------------------------------------------------

_USERS = [
    re.compile(rf"\b(?:ha|hanno|abbiamo)\s+(?:servito\s+(?:complessivamente\s+|in totale\s+|nel \d{{4}}\s+)?|"
               rf"(?:seguito|assistito|raggiunto|preso in carico)\s+(?:complessivamente|in totale)\s+)"
               rf"(?P<n>{NUM})\s+(?:utenti|persone|cittadini)", re.I),
    re.compile(rf"\b(?:utenti|persone)\s+(?:complessivamente\s+)?(?:serviti|servite|seguit[ie]|assistit[ie]|"
               rf"raggiunt[ie]|presi in carico|prese in carico)\b[^.;:]{{0,50}}?\b(?:sono stat[ie]|è stato|ammontano a|"
               rf"pari a)\s+(?:complessivamente\s+|in totale\s+)?(?P<n>{NUM})\b(?!\s*(?:%|per cento))", re.I),
    re.compile(rf"\b(?P<n>{NUM})\s+utenti\s+(?:complessivi|serviti in totale|in totale)", re.I),
]
_NOT_TOTAL = re.compile(r"\b(?:di cui|nell'area|area|tra cui|fra cui|nuovi|aggiuntivi|in più)\b", re.I)
_OTHER_YEAR_AFTER = re.compile(r"^\s*(?:,\s*)?(?:utenti\s+|persone\s+)?(?:del|nel|rispetto al|contro i)\s+(?:19|20)\d\d", re.I)

_STAFF = re.compile(rf"\b(?P<n>{NUM}|{WORD_NUM})\s*assistenti sociali\b", re.I)
_STAFF_ONE = re.compile(r"\b(?:un'|una sola|un solo|un'unica|una unica)\s*assistente sociale\b", re.I)
_STAFF_CONTEXT = re.compile(r"\b(?:in servizio|in forza|in organico|organico|conta|contava|dispone|operato con|"
                            r"operano|lavorano|presenti|a tempo pieno|a tempo parziale|impiegat)", re.I)
# Counts of hires, vacancies or staff supplied by others are not the comune's headcount (R01).
_NOT_HEADCOUNT_BEFORE = re.compile(r"\b(?:assunt|assunzion|nuov|aggiuntiv|bando|concorso|reclut|mancan|carenz|"
                                   r"previst|posti|posto|ulterior|altr[ei])\w*\W*(?:\w+\W+){0,3}$", re.I)
_NOT_HEADCOUNT_AFTER = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:aggiuntiv|in più|assunt|fornit|dell'ambito|"
                                  r"dall'ambito|dell'unione|dall'unione|dal consorzio|previst|da assumere|mancant)",
                                  re.I)


def _users(s: Sentence) -> Iterable[Claim]:
    if _NOT_TOTAL.search(s.text):
        return
    for rx in _USERS:
        for m in rx.finditer(s.text):
            if _OTHER_YEAR_AFTER.match(s.text[m.end("n") :]):
                continue
            value = parse_number(m.group("n"))
            if value is not None:
                yield Claim("users", value, s.start, s.end, s.text)
                return


def _staff(s: Sentence) -> Iterable[Claim]:
    if not _STAFF_CONTEXT.search(s.text):
        return
    m = _STAFF.search(s.text) or _STAFF_ONE.search(s.text)
    if m is None or _NOT_HEADCOUNT_BEFORE.search(s.text[: m.start()]) or _NOT_HEADCOUNT_AFTER.match(s.text[m.end() :]):
        return
    raw = (m.groupdict().get("n") or "").lower()
    value = 1.0 if not raw else float(WORDS[raw]) if raw in WORDS else parse_number(raw)
    if value is not None:
        yield Claim("staff", value, s.start, s.end, s.text)


# --- directions ------------------------------------------------------------------------------------------

_CLAUSES = re.compile(r"[;:]|,\s*(?:ma|mentre|però|tuttavia)\b|\s(?:ma|mentre|però|tuttavia|nonostante|benché|"
                      r"sebbene|pur)\s", re.I)
_NOT_LOWER = re.compile(r"\b(?:non (?:è |risulta |sia |appare )?(?:inferiore|al di sotto|sotto)|superiore|"
                        r"supera(?:to|no|va)?|al di sopra|sopra|maggiore|più alt[ao]|più elevat[ao]|eccede|"
                        r"oltre il|in linea con|pari al)\b", re.I)
_LOWER = re.compile(r"\b(?:non (?:è |risulta |sia |appare )?(?:superiore|al di sopra|sopra)|non (?:supera|raggiunge|"
                    r"arriva)|inferiore|al di sotto|sotto il|sotto al|sotto quello|minore|più bass[ao]|"
                    r"insufficiente)\b", re.I)
_SPENDING = re.compile(r"\bspes[ae]\b", re.I)
_NEED = re.compile(r"\bfabbisogn", re.I)
_SERVICE = re.compile(r"\b(?:livell\w* (?:dei |di |del )?serviz|utenti|numero di (?:utenti|persone))", re.I)
_REFERENCE = re.compile(r"\briferimento\b|\bstandard di riferimento", re.I)
_HYPOTHETICAL = re.compile(r"\b(?:se|qualora|potrebbe|potrà|sarebbe|fosse)\b", re.I)


def _direction(clause: str, anchor: re.Pattern[str]) -> bool | None:
    """True for "not lower", False for "lower", None when the clause states neither (or both).

    The comparative describes what comes before it: "la spesa è inferiore al fabbisogno" (comparative before
    the anchor word) speaks of the spending, "a fronte di un riferimento più basso" (after it) of the
    reference, so the direction is reversed.
    """
    higher_spans = [(m.start(), m.end()) for m in _NOT_LOWER.finditer(clause)]
    lower_spans = [(m.start(), m.end()) for m in _LOWER.finditer(clause)]
    # "non inferiore" / "non superiore" hit both patterns: keep the longer, negated reading
    lower = [a for a, b in lower_spans if not any(x <= a < y and y - x > b - a for x, y in higher_spans)]
    higher = [a for a, b in higher_spans if not any(x <= a < y and y - x > b - a for x, y in lower_spans)]
    if bool(lower) == bool(higher):
        return None
    claim = bool(higher)
    position = (higher or lower)[0]
    anchor_hit = anchor.search(clause)
    if anchor_hit and anchor_hit.start() < position:
        return not claim
    return claim


def _directions(s: Sentence) -> Iterable[Claim]:
    if _HYPOTHETICAL.search(s.text):
        return
    for clause in _CLAUSES.split(s.text):
        if _SPENDING.search(clause) and _NEED.search(clause):
            found = _direction(clause, _NEED)
            if found is not None:
                yield Claim("spending_vs_need", found, s.start, s.end, s.text)
        elif _SERVICE.search(clause) and _REFERENCE.search(clause):
            found = _direction(clause, _REFERENCE)
            if found is not None:
                yield Claim("service_vs_reference", found, s.start, s.end, s.text)


def claims(sentences: Iterable[Sentence]) -> list[Claim]:
    """Every claim of every sentence, in text order."""
    out: list[Claim] = []
    for s in sentences:
        for extract in (_amounts, _users, _staff, _directions):
            out.extend(extract(s))
    return out
