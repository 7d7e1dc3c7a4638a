"""Facts a narrative states about the form's figures: amounts, users, social workers, and directions
("la spesa è inferiore al fabbisogno", "il livello di servizio supera quello di riferimento").

Deliberately conservative: a claim is extracted only when its wording ties a number (or a comparison) to one
form field, because a false contradiction costs an auditor more time than a missed one. The audit compares the
claims with the record (AUD-07).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

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
# Between the keyword and the amount, a verb of use or a comparison means the amount is something else: what was
# spent ("le risorse da rendicontare sono state impiegate per 84.300 euro ...") or a figure compared with the
# field ("una spesa di 530.112 euro, superiore all'importo da rendicontare").
_AMOUNT_IS_OTHER = re.compile(r"\b(?:impiegat|utilizzat|destinat|investit|spes[oaie]\b|ripartit|superior|inferior|"
                              r"oltre\b|ecced|super[ao])", re.I)


def _money(text: str) -> Iterable[tuple[int, float]]:
    """(position, value) of every euro amount written in ``text``."""
    for m in _MONEY.finditer(text):
        value = parse_number(m.group(1) or m.group(2))
        if value is not None:
            yield m.start(), value


def amounts_in(text: str) -> list[float]:
    """Every euro amount written in ``text``."""
    return [value for _, value in _money(text)]


def _amounts(s: Sentence) -> Iterable[Claim]:
    """Each keyword takes the nearest amount (one amount per keyword, one keyword per amount)."""
    keys = [(code, m.start(), m.end()) for code, rx in _AMOUNT_KEYS.items() for m in rx.finditer(s.text)
            if code != "R14" or _AMBITO.search(s.text)]
    amounts = list(_money(s.text))
    pairs = sorted((min(abs(pos - a), abs(pos - b)), code, pos, value)
                   for code, a, b in keys for pos, value in amounts
                   if not _AMOUNT_IS_OTHER.search(s.text[min(pos, b) : max(pos, a)]))
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

_COUNT_VERB = (r"(?:servito|seguito|assistito|raggiunto|preso in carico)"
               r"(?:\s+(?:complessivamente|in totale|nel(?:l'anno| corso del(?:l'anno)?)?\s*(?:\d{4})?))*")
_USERS = [
    re.compile(rf"\b(?:ha|hanno|abbiamo)\s+{_COUNT_VERB}\s+(?P<n>{NUM})\s+(?:utenti|persone|cittadini)", re.I),
    re.compile(rf"\b(?:utenti|persone)\s+(?:complessivamente\s+)?(?:serviti|servite|seguit[ie]|assistit[ie]|"
               rf"raggiunt[ie]|presi in carico|prese in carico)\b(?:(?!\.\s)[^;:]){{0,90}}?\b(?:sono stat[ie]|è stato|"
               rf"ammontano a|pari a)\s+(?:complessivamente\s+|in totale\s+)?(?P<n>{NUM})\b"
               rf"(?!\s*(?:%|per cento))", re.I),
    re.compile(rf"\b(?P<n>{NUM})\s+utenti\s+(?:complessivi|serviti in totale|in totale)", re.I),
]
_QUALIFIED_AFTER = re.compile(r"^\s*(?:con\b|in (?!totale|tutto)|affett|anzian|minor|disabil|non autosufficient|"
                              r"fragil|senza\b|"
                              r"straniere|stranieri|immigrat)", re.I)
_NOT_TOTAL = re.compile(r"\b(?:di cui|nell'area|area|tra cui|fra cui|nuovi|aggiuntivi|in più)\b", re.I)
_OTHER_YEAR_AFTER = re.compile(
    r"^\s*(?:,\s*)?(?:utenti\s+|persone\s+)?(?:del|nel|rispetto al|contro i)\s+(?:19|20)\d\d", re.I)
# The subject of "ha servito N utenti" must be the comune, not one service, project or partner: the nearest of
# these words before the verb decides (none: the subject is implicit, "Nel 2024 ha servito ...").
_COMUNE_SUBJECT = re.compile(r"\b(?:comune|ente|amministrazione|servizi sociali|servizio sociale|"
                             r"ufficio(?! di piano))\b", re.I)
_PART_SUBJECT = re.compile(r"\b(?:quest\w*|tal[ei]|progett\w*|centr[oi]|sportell\w*|accord\w*|associazion\w*|"
                           r"cooperativ\w*|azienda|consorzi\w*|ambito|unione|ufficio di piano|misur\w*|intervent\w*|"
                           r"servizio di|servizi di|assistenza|contribut\w*|buon\w*|bonus|iniziativ\w*|attivit\w*|"
                           r"fond[oi]|laboratori\w*)\b", re.I)


def _comune_is_subject(before: str) -> bool:
    last = max([(m.end(), True) for m in _COMUNE_SUBJECT.finditer(before)] +
               [(m.end(), False) for m in _PART_SUBJECT.finditer(before)], default=(0, True))
    return last[1]

_STAFF = re.compile(rf"\b(?P<n>{NUM}|{WORD_NUM})\s*assistenti sociali\b", re.I)
_STAFF_ONE = re.compile(r"\b(?:una sola|un solo|un'unica|una unica)\s*assistente sociale\b", re.I)
_STAFF_CONTEXT = re.compile(r"\b(?:in servizio|in forza|in organico|organico|conta|contava|dispone|operato|"
                            r"operano|lavorano|presenti|a tempo pieno|a tempo parziale|impiegat|avvals|avvale|"
                            r"dipendent|comprende)", re.I)
_CONTEXT_BEFORE, _CONTEXT_AFTER = 60, 40  # the headcount wording must be near the number
# Counts of hires, vacancies or staff supplied by others are not the comune's headcount (R01).
_NOT_HEADCOUNT_BEFORE = re.compile(r"\b(?:assunt|assunzion|nuov|aggiuntiv|bando|concorso|reclut|mancan|carenz|"
                                   r"previst|posti|posto|ulterior|altr[ei])\w*\W*(?:\w+\W+){0,5}$", re.I)
_NOT_HEADCOUNT_AFTER = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:aggiuntiv|in più|assunt|fornit|dell'ambito|"
                                  r"dall'ambito|dell'unione|dall'unione|dal consorzio|previst|da assumere|mancant|"
                                  r"hanno (?:completato|seguito|partecipato|frequentato|ottenuto))", re.I)
# A headcount that changed during the year ("dal 1° gennaio al 15 luglio", "a fine anno") is not one figure.
_TIME_WINDOW = re.compile(r"\b(?:dal(?:l')?\s+(?:1°|\d{1,2}|inizio|primo)|fino a(?:l|d)?\b|sino a(?:l)?\b|"
                          r"a fine anno|si è chiuso|nel corso dell'anno|second[ao] unità|second[ao] assistente)",
                          re.I)
# Full-time equivalents stated in the same sentence ("pari a 1,5 unità", "organico a 24 unità").
_UNITS = re.compile(rf"\b(?P<n>{NUM}|{WORD_NUM})\s+unità\b(?!\s+ogni)", re.I)


def _word_or_number(raw: str) -> float | None:
    raw = raw.lower()
    return float(WORDS[raw]) if raw in WORDS else parse_number(raw)


def _users(s: Sentence) -> Iterable[Claim]:
    if _NOT_TOTAL.search(s.text):
        return
    for rx in _USERS:
        for m in rx.finditer(s.text):
            after = s.text[m.end() :]
            if (_OTHER_YEAR_AFTER.match(s.text[m.end("n") :]) or _QUALIFIED_AFTER.match(after)
                    or not _comune_is_subject(s.text[: m.start()][-100:])):
                continue
            value = parse_number(m.group("n"))
            if value is not None:
                yield Claim("users", value, s.start, s.end, s.text)
                return


def staff_units(text: str) -> list[float]:
    """Every "N unità" of a sentence: a full-time-equivalent figure that may be the one R01 holds."""
    return [v for m in _UNITS.finditer(text) if (v := _word_or_number(m.group("n"))) is not None]


def _staff(s: Sentence) -> Iterable[Claim]:
    if _TIME_WINDOW.search(s.text):
        return
    m = _STAFF.search(s.text) or _STAFF_ONE.search(s.text)
    if m is None or _NOT_HEADCOUNT_BEFORE.search(s.text[: m.start()]) or _NOT_HEADCOUNT_AFTER.match(s.text[m.end() :]):
        return
    window = s.text[max(0, m.start() - _CONTEXT_BEFORE) : m.end() + _CONTEXT_AFTER]
    if not _STAFF_CONTEXT.search(window):
        return
    raw = m.groupdict().get("n") or ""
    value = 1.0 if not raw else _word_or_number(raw)
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
_SERVICE = re.compile(r"\b(?:livell\w* (?:dei |di |del |della )?(?:serviz|utenza)|utenti|utenza|"
                      r"numero di (?:utenti|persone)|"
                      r"persone servite)", re.I)
_HYPOTHETICAL = re.compile(r"\b(?:se|qualora|potrebbe|potrà|sarebbe|fosse)\b", re.I)
_GOAL = re.compile(r"\b(?:obiettiv\w*|riportare|raggiungere|avvicinare|allineare|colmare|al fine di|per portare|"
                   r"intende|punta a)\b", re.I)
_FREE_NEGATION = re.compile(r"\b(?:non|né|senza)\b", re.I)
# What may stand between a comparative and the thing compared: "inferiore al fabbisogno standard",
# "in linea con il livello di riferimento", "superiore rispetto a quello di riferimento".
_LINK = r"^\W*(?:(?:a|al|all'|allo|alla|ai|agli|con|il|lo|la|i|rispetto|di|del|dello|della|quello|quella|" \
        r"livello|valore|" \
        r"soglia|cosiddett\w*|propri[ao]|sua|suo|storica|sociale)\W+){0,5}?"
_AFTER = {"need": re.compile(_LINK + r"fabbisogn", re.I), "reference": re.compile(_LINK + r"riferimento\b", re.I),
          "spending": re.compile(_LINK + r"spes[ae]\b", re.I),
          "service": re.compile(_LINK + r"(?:livell\w*\W+(?:dei|di|del)\W+serviz|utenti|utenza)", re.I)}
_ANCHOR_BEFORE = {"need": re.compile(r"fabbisogn\w*(?:\W+\w+){0,3}\W*$", re.I),
                  "reference": re.compile(r"riferimento(?:\W+\w+){0,2}\W*$", re.I)}
_ANCHOR_WORD = {"need": re.compile(r"fabbisogn", re.I), "reference": re.compile(r"riferimento\b", re.I)}
_FIELDS = (("spending_vs_need", "need", "spending", _SPENDING),
           ("service_vs_reference", "reference", "service", _SERVICE))


def _comparatives(clause: str) -> list[tuple[int, int, bool]]:
    """(start, end, reading) of each comparative; reading True = "not lower". "non inferiore" / "non superiore"
    hit both patterns: the longer, negated reading wins."""
    higher = [(m.start(), m.end()) for m in _NOT_LOWER.finditer(clause)]
    lower = [(m.start(), m.end()) for m in _LOWER.finditer(clause)]

    def inside(span, others):
        return any(x <= span[0] < y and y - x > span[1] - span[0] for x, y in others)

    out = [(a, b, True) for a, b in higher if not inside((a, b), lower)]
    out += [(a, b, False) for a, b in lower if not inside((a, b), higher)]
    return sorted(out)


def _reading(clause: str, start: int, end: int, reading: bool, anchor: str, subject: str,
             subject_rx: re.Pattern[str]) -> bool | None:
    """What one comparative says of the comune's figure against its benchmark, or None if it is not about them.

    The comparative must be tied to the benchmark word: "la spesa è inferiore al fabbisogno" (benchmark right
    after: as written), "un fabbisogno superiore alla spesa" (the comune's figure right after: reversed), "a
    fronte di un riferimento più basso" (benchmark right before: reversed). A free negation before it ("non si
    traduce in un livello in linea con ...") or a goal ("riportare il livello in linea con ...") makes it no
    statement of fact.
    """
    before, after = clause[:start], clause[end:]
    if _GOAL.search(before) or (not clause[start:end].lower().startswith("non") and _FREE_NEGATION.search(before)):
        return None
    if _AFTER[anchor].match(after) and subject_rx.search(before):
        return reading
    if _AFTER[subject].match(after) and _ANCHOR_WORD[anchor].search(before):
        return not reading
    if _ANCHOR_BEFORE[anchor].search(before) and subject_rx.search(before):
        return not reading
    return None


def _directions(s: Sentence) -> Iterable[Claim]:
    if _HYPOTHETICAL.search(s.text):
        return
    said: dict[str, set[bool]] = {}
    for clause in _CLAUSES.split(s.text):
        for start, end, reading in _comparatives(clause):
            for field, anchor, subject, subject_rx in _FIELDS:
                found = _reading(clause, start, end, reading, anchor, subject, subject_rx)
                if found is not None:
                    said.setdefault(field, set()).add(found)
    for field, readings in said.items():
        if len(readings) == 1:  # two opposite statements of one sentence are left to the reader
            yield Claim(field, readings.pop(), s.start, s.end, s.text)


def claims(sentences: Iterable[Sentence]) -> list[Claim]:
    """Every claim of every sentence, in text order."""
    out: list[Claim] = []
    for s in sentences:
        for extract in (_amounts, _users, _staff, _directions):
            out.extend(extract(s))
    return out
