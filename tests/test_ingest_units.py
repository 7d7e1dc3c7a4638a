"""Building blocks of the print parsers: codes, flags, numbers, labels, furniture, narrative, column rebuilds."""

from __future__ import annotations

import pytest

from relazione.ingest import builder as builder_mod
from relazione.ingest.codes import code_hits
from relazione.ingest.common import detect_year, read_spans, title_case
from relazione.ingest.fields import best_hit, scan
from relazione.ingest.flags import flag_alone, read_flag
from relazione.ingest.furniture import strip_furniture
from relazione.ingest.ifel import FURNITURE as IFEL_FURNITURE
from relazione.ingest.ifel_grid import rebuild
from relazione.ingest.narrative import assemble
from relazione.ingest.placement import place
from relazione.ingest.sose import FURNITURE as SOSE_FURNITURE
from relazione.ingest.text import is_header_line, read_number

# --- codes -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "year", "code"), [
    ("RO4 - Livello di Servizio 2023 14,752", 2023, "R04"),
    ("ROB - TOTALE UTENTI 4212 4610", 2023, "R0B"),
    ("RO8 - Risorse aggiuntive effettive del sociale assegnate per il 2023 95.000,00", 2023, "R08"),
    ("rn5;9 - Utentl pov?rta, disagio 12 15 420 28", 2023, "M59"),
    ("M3B - Utenti anziani", 2023, "M38"),
    ("M1S - Utenti disabili", 2023, "M15"),
    ("R21!sI", 2023, "R21"),
    ("R19 (S| |", 2023, "R19"),
    ("R16 [NO L . s", 2023, "R16"),
    ("R1O - Assistenti sociali aggiuntivi (per raggiungimento soglia 1:6500 ab.) 1 30.000,00", 2023, "R10"),
    ("R15 -TOTALE OBIETTIVI DI SERVIZIO 2024", 2024, "R15"),
    ("RO1A - Numero di assistenti sociali forniti dalla forma associata", 2024, "R01A"),
    (" R37 - Difficoltà ad avviare il", 2024, "R37"),
    ("| M44 - Utenti famiglia e minori | 120 | 132", 2023, "M44"),
])
def test_codes_are_read_through_ocr_noise(line, year, code):
    hit = best_hit(line, year)
    assert hit is not None and hit.code == code


@pytest.mark.parametrize(("line", "year"), [
    ("(R07) non inferiore al Fabbisogno standard monetario sociale 2022-2024 (R06)", 2024),
    ("Rolo, 12 maggio 2024", 2024),
    ("R99 - codice inesistente", 2024),
    ("Relazione in formato libero", 2024),
    ("ROB", 2024),  # a noisy code alone, with no label or flag to confirm it
    ("ROB - TOTALE UTENTI 361 377", 2021),  # R0B does not exist in 2021 and R08's label does not follow
    ("Mi sono rivolta allo sportello", 2024),
])
def test_lines_that_are_not_fields(line, year):
    assert best_hit(line, year) is None


def test_ambiguous_letter_is_decided_by_the_label():
    assert {h.code for h in code_hits("ROB - TOTALE UTENTI", 2024)} == {"R08", "R0B"}
    assert best_hit("ROB - TOTALE UTENTI", 2024).code == "R0B"
    assert best_hit("ROB - Risorse aggiuntive effettive del sociale", 2024).code == "R08"


# --- flags -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "flag"), [
    ("SI", "SI"), ("Si", "SI"), ("si", "SI"), ("Sì", "SI"), ("NO", "NO"), ("No", "NO"), ("no", "NO"),
    ("S|", "SI"), ("sI", "SI"), ("!sI", "SI"), ("(S| |", "SI"), ("Sl |Gli utenti", "SI"), ("S1", "SI"),
    ("5I", "SI"), ("|SI [", "SI"), ("[NO L . s", "NO"), ("N0 [Risorse", "NO"), ("N O", "NO"), ("|NO |", "NO"),
])
def test_flags_read_through_ocr_noise(text, flag):
    read = read_flag(text)
    assert read is not None and read.flag == flag


@pytest.mark.parametrize("text", ["SIstema", "Sistema sociale", "Nota", "NOTE", "Scelta", "", "|",
                                  "- Digitalizzazione"])
def test_words_are_never_flags(text):
    assert read_flag(text) is None


def test_noise_is_told_apart_from_borders():
    assert not read_flag("|SI |").noisy
    assert read_flag("(S| |").noisy and read_flag("(S| |").raw == "(S|"


def test_flag_alone_on_a_line():
    assert flag_alone("SI").flag == "SI" and flag_alone("  NO ").flag == "NO"
    assert flag_alone("SI grazie") is None and flag_alone("Sistema") is None


# --- numbers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "value"), [
    ("7.750.355,06", 7750355.06), ("3123729,64", 3123729.64), ("22,800016", 22.800016), ("4.212", 4212.0),
    ("|4212", 4212.0), ("12,4|", 12.4), ("0,00", 0.0), ("1O.880", 10880.0),
])
def test_italian_numbers(raw, value):
    assert read_number(raw).value == pytest.approx(value)


@pytest.mark.parametrize("raw", ["2.24", "abc", "-", "|", "31/12/2023"])
def test_not_numbers(raw):
    assert read_number(raw) is None


def test_ocr_digits_are_flagged_as_recovered():
    assert read_number("1O.880").noisy and not read_number("10.880").noisy


@pytest.mark.parametrize(("line", "header"), [
    ("2017 2021", True), ("| 2023", True), ("2022 - 2024 |", True), ("- 2019", True), ("2017 | 2021", True),
    ("1,00 2,00", False), ("31250", False), ("Abitanti", False),
])
def test_year_headings(line, header):
    assert is_header_line(line) is header


# --- labels: values are never read from inside them -------------------------------------------------------


def _read(text: str, year: int, columns=None) -> dict:
    """Values of one print excerpt, through the shared field reader."""
    from relazione.ingest.builder import Layout, RecordBuilder
    from relazione.ingest.sose import columns as sose_columns

    b = RecordBuilder(Layout("t", "test", False, True), year)
    read_spans(scan(text.split("\n"), year), year, b, columns or sose_columns)
    return {"values": b.values, "flags": b.flags, "warnings": b.warnings}


@pytest.mark.parametrize(("text", "year", "code", "value"), [
    ("R06 - Fabbisogno standard monetario sociale 2022 - 2024 2.861.120,40", 2023, "R06", 2861120.40),
    ("RO3 - Numero di abitanti 2023 31.250", 2023, "R03", 31250),
    ("R03 - Abitanti 2021\t8760", 2021, "R03", 8760),
    ("R04 - Livello di Servizio 2023 14,752", 2023, "R04", 14.752),
    ("R05 - Livello di servizio di riferimento 2023\n(% di utenti figurativi standard rispetto alla popolazione) 11,37",
     2023, "R05", 11.37),
    ("R08 - Risorse aggiuntive\neffettive del sociale assegnate\nper il 2024\n\n2024\n41230,60", 2024, "R08", 41230.60),
    ("R09 - Risorse aggiuntive effettive del sociale assegnate per il 2021 da rendicontare 18420,77", 2021, "R09",
     18420.77),
    (("R01B - Numero di assistenti\nsociali in rapporto alla\npopolazione a livello di Comune\n[1:R03/(R01+R01A)]\n\n"
      "Abitanti\n1 assistente ogni : 2315"), 2024, "R01B", 2315),
    (("R0E - Numero di assistenti sociali in rapporto alla popolazione a livello di ATS (fonte: Stima sulla\nbase "
      "delle relazioni di rendicontazione del sociale anno\n2023)\n\n1 assistente sociale ogni:  5400 abitanti"), 2024,
     "R0E", 5400),
    ("R15 -TOTALE OBIETTIVI DI\nSERVIZIO 2024\n\nSpesa aggiuntiva\n41230,60", 2024, "R15", 41230.60),
])
def test_values_are_read_after_the_label(text, year, code, value):
    assert _read(text, year)["values"][code] == pytest.approx(value)


def test_threshold_in_the_label_is_not_a_value():
    from relazione.ingest.ifel import columns

    got = _read("R10 - Assistenti sociali aggiuntivi (per raggiungimento soglia 1:6500 ab.) 1 30.000,00", 2023,
                columns)["values"]
    assert got["R10"] == {"numero": 1, "spesa": 30000}
    got = _read("R10 - Assistenti sociali aggiuntivi (per raggiungimento soglia 1:6.500 ab.)", 2021)["values"]
    assert "R10" not in got


def test_label_years_without_values_give_nothing():
    got = _read("R08 - Risorse aggiuntive effettive del sociale assegnate\nper il\n2024\n"
                "R06 - Fabbisogno standard\nmonetario sociale 2022-2024\n\n2022 - 2024", 2024)
    assert got["values"] == {}


def test_text_values_and_modalita():
    got = _read("R0C - Denominazione ATS (fonte:\nMinistero del Lavoro)\n\nAmbito n. 3\n"
                "R10 - Assistenti sociali aggiuntivi\n(per raggiungimento soglia\n1:6500 ab.)\n\nNumero Modalità di\n"
                "determinazione della\nspesa aggiuntiva\nSpesa aggiuntiva\n2 Concorso pubblico 51000,00", 2024)
    assert got["values"] == {"R0C": "Ambito n. 3",
                             "R10": {"numero": 2, "spesa": 51000, "modalita": "Concorso pubblico"}}


def test_flags_in_the_three_layouts():
    text = ("R29|SI |Presenza sul territorio di reti di volontariato\n"
            "R31 - Risorse assorbite da utenti/prestazioni relativamente meno costosi\tNo\n"
            "R32 - La presenza di accreditamenti presso le strutture\nconsente una gestione più efficiente\n\nSI\n"
            "R33 - Altro (specificare nel campo della relazione in formato libero)\n"
            "Compilare solo se il Comune ha la Spesa storica (R07) ... (R04<R05)")
    assert _read(text, 2024)["flags"] == {"R29": "SI", "R31": "NO", "R32": "SI"}


def test_unreadable_flags_are_warned_with_their_snippet_never_read_as_no():
    text = ("R31 |?? [Risorse assorbite da utenti/prestazioni relativamente meno costosi\n"
            "R32 - La presenza di accreditamenti presso le strutture consente una gestione più efficiente\n"
            "R33 - Altro (specificare nel campo della relazione in formato libero)\tForse")
    got = _read(text, 2023)
    assert got["flags"] == {}
    assert got["warnings"] == ["R31: valore SI/NO illeggibile «|?? [Risorse assorbite da utenti/prestaz»",
                               "R33: valore SI/NO illeggibile «Forse»"]


# --- furniture and narrative -----------------------------------------------------------------------------


def test_sidebar_titles_are_removed_only_as_a_whole():
    lines = ["R07 - Spesa storica di", "riferimento", "2017 2021", "Quadro 2", "Autodiagnosi della",
             "spesa per il sociale", " 66015,42 64877,10", "Quadro 4", "è il nostro obiettivo"]
    assert strip_furniture(lines, SOSE_FURNITURE) == ["R07 - Spesa storica di", "riferimento", "2017 2021",
                                                      " 66015,42 64877,10", "Quadro 4", "è il nostro obiettivo"]


def test_ifel_footer_and_page_headers_are_removed():
    lines = ["testo prima", "Pagina 2 di 3", "12/06/24, 10:15 Obiettivi in Comune", "OBIETTIVI", "IN COMUNE",
             "SOCIALE = ASILI NIDO = TRASPORTO SCOLASTICO DISABILI", "testo dopo", "ATTENZIONE:",
             "| messaggi di supporto per la rendicontazione si aggiornano", "solo dopo aver salvato i dati inseriti.",
             "ASSISTENZA:", "E possibile contattare |'assistenza tecnica IFEL", "Via e-mail: x@example.invalid",
             "Via telefono: 06 000"]
    assert strip_furniture(lines, IFEL_FURNITURE) == ["testo prima", "testo dopo"]


def test_narrative_unwraps_and_keeps_paragraphs():
    lines = ["Il servizio educativo domiciliare non è partito per la mancanza di educatori disponibili presso le",
             "cooperative dell'ambito.", "Il bando è andato deserto.", "", "Nuovo paragrafo."]
    assert assemble(lines, set()) == ("Il servizio educativo domiciliare non è partito per la mancanza di educatori "
                                      "disponibili presso le cooperative dell'ambito.\nIl bando è andato deserto."
                                      "\n\nNuovo paragrafo.")


def test_hyphenation_is_undone_only_for_known_words():
    vocabulary = {"assistenza"}
    assert assemble(["l'assi-", "stenza domiciliare"], vocabulary) == "l'assistenza domiciliare"
    assert assemble(["il servizio socio-", "sanitario"], vocabulary) == "il servizio socio-sanitario"
    assert assemble(["spesa -", "ricavi"], vocabulary) == "spesa - ricavi"
    assert assemble(["pagina", "12", "fine"], vocabulary) == "pagina fine"


# --- placement and the IFEL column rebuild ---------------------------------------------------------------


def _nums(*raw: str):
    return [read_number(r) for r in raw]


def test_values_missing_empty_cells_go_to_the_columns_they_fit():
    got = place(_nums("6100,00", "9"), ("numero", "spesa", "utenti"), "R13", 2021)
    assert {k: n.value for k, n in got.cells.items()} == {"spesa": 6100.0, "utenti": 9.0} and not got.ambiguous
    got = place(_nums("15", "420", "28"), ("2019", "2023", "ore_totali", "ore_media"), "M59", 2023)
    assert {k: n.value for k, n in got.cells.items()} == {"2023": 15.0, "ore_totali": 420.0, "ore_media": 28.0}


def test_label_year_before_the_values_is_dropped():
    got = place(_nums("2023", "4.212", "4.610"), ("2019", "2023"), "R0B", 2023)
    assert {k: n.value for k, n in got.cells.items()} == {"2019": 4212.0, "2023": 4610.0}
    assert [n.raw for n in got.dropped] == ["2023"]


FULL = [620, 410, 95, 880, 60, 240, 35, 310, 150, 40, 420, 0, 530, 18, 680, 452, 103, 934, 71, 262, 40, 335, 162, 38,
        455, 12, 560, 20, 10880, 22600, 2350, 35492, 0, 5764, 16, 50, 22.81553398, 38, 0, 22]
UPPER_2019, UPPER_2023 = 3808, 4124


def test_complete_columns_are_assigned_directly():
    grid = rebuild([float(v) for v in FULL], 2023, None, None)
    assert grid.certain
    assert grid.rows["M18"] == {"2019": 95, "2023": 103, "ore_totali": 2350, "ore_media": 22.81553398}
    assert grid.rows["M39"] == {"2019": 0, "2023": 12}


def test_dropped_zero_cells_are_rebuilt_with_the_totals_and_mean_hours():
    dropped = [v for k, v in enumerate(FULL) if k not in (11, 32, 38)]  # M39 2019, M24 hours: zeros not printed
    grid = rebuild([float(v) for v in dropped], 2023, UPPER_2019, UPPER_2023)
    assert grid.certain
    assert grid.rows == rebuild([float(v) for v in FULL], 2023, None, None).rows


def test_unresolvable_columns_are_reported():
    assert rebuild([1.0, 2.0, 3.0], 2023, 100.0, 200.0) is None  # totals cannot be met
    assert rebuild([1.0, 2.0, 3.0], 2023, None, None) is None  # incomplete and no totals
    same = [5.0] * 12 + [5.0] * 12  # identical users everywhere: rows cannot be told apart
    grid = rebuild(same, 2023, 60.0, 60.0)
    assert grid is not None and not grid.certain


# --- small helpers ---------------------------------------------------------------------------------------


def test_title_case_of_comuni():
    assert title_case("SAN GIOVANNI IN FIORE") == "San Giovanni in Fiore"
    assert title_case("VALFITTIZIA") == "Valfittizia"
    assert title_case("REGGIO NELL'EMILIA") == "Reggio nell'Emilia"
    assert title_case("Montecavo") == "Montecavo"


@pytest.mark.parametrize(("text", "year"), [
    ("R08 - Risorse aggiuntive effettive del sociale assegnate per il 2024\n", 2024),
    ("R04 - Livello di Servizio 2023 14,752", 2023),
    ("N° di utenti serviti 2019\nN° di utenti serviti 2023", 2023),
    ("ESERCIZIO 2021 Rendiconto della gestione", 2021),
    ("nessun anno qui", None),
])
def test_year_of_the_print(text, year):
    assert detect_year(text) == year


def test_expected_codes_follow_layout_and_block():
    from relazione.record import Record

    layout = builder_mod.Layout("t", "test", quadro3_always=False, r09_always=False)
    record = Record(anno=2023, values={"R0B": {"2019": 90, "2023": 100}, "R03": 1000, "R04": 10, "R05": 5,
                                       "R06": 100.0, "R07": {"2017": 200.0, "2021": 200.0}, "R08": 10.0})
    expected = builder_mod.expected_codes(layout, record)
    assert "R15" not in expected and "R09" not in expected and expected[-7:] == [f"R{n}" for n in range(16, 23)]
    assert "R0C" not in expected  # 2024 only
