import pytest

from relazione.nlp import sentences
from relazione.textfacts import claims


def found(text):
    return [(c.field, c.value) for c in claims(sentences(text))]


@pytest.mark.parametrize("text, expected", [
    ("La spesa sociale è inferiore al fabbisogno standard.", [("spending_vs_need", False)]),
    ("La spesa risulta non inferiore al fabbisogno.", [("spending_vs_need", True)]),
    ("La spesa non è superiore al fabbisogno.", [("spending_vs_need", False)]),
    ("Un fabbisogno superiore alla spesa storica.", [("spending_vs_need", False)]),
    ("Il livello dei servizi è superiore a quello di riferimento.", [("service_vs_reference", True)]),
    ("Gli utenti sono stati 6.120, a fronte di un livello di riferimento sensibilmente inferiore.",
     [("service_vs_reference", True)]),
    ("Se la spesa fosse superiore al fabbisogno, il Comune non compilerebbe il Quadro 3.", []),
])
def test_directions(text, expected):
    assert found(text) == expected


def test_amounts_take_the_nearest_keyword_once():
    text = ("Con le risorse aggiuntive da rendicontare (95.000,00 euro) il Comune ha assunto un'assistente sociale "
            "(30.000,00 euro).")
    assert found(text) == [("R09", 95000.0)]
    assert found("Le risorse aggiuntive assegnate per il 2024, pari a 24.310,00 euro, sono state spese.") == [
        ("R08", 24310.0)]
    assert found("All'Ambito, al quale sono stati trasferiti 25.000 euro delle risorse aggiuntive.") == [
        ("R14", 25000.0)]


def test_users_only_when_the_total_is_meant():
    assert found("Nel 2024 il Comune ha servito 95 utenti, su 3.820 abitanti.") == [("users", 95.0)]
    assert found("Gli utenti serviti nel 2024 sono stati 318, in calo rispetto ai 352 del 2019.") == [("users", 318.0)]
    assert found("Nel 2021 questi servizi hanno raggiunto 357 cittadini.") == []
    assert found("Nell'area anziani gli utenti serviti sono stati 120.") == []


def test_staff_headcount_not_hires():
    assert found("Il servizio sociale conta dieci assistenti sociali comunali, una ogni 3.850 abitanti.") == [
        ("staff", 10.0)]
    assert found("Sono state assunte due nuove assistenti sociali a tempo pieno.") == []
    assert found("Il Comune dispone di un'unica assistente sociale.") == [("staff", 1.0)]


@pytest.mark.parametrize("text, expected", [
    # "Con riferimento a ..." opens the sentence: the comparative is tied to the benchmark that follows it
    ("Con riferimento al 2024, il Comune ha garantito un livello di servizi superiore a quello di riferimento.",
     [("service_vs_reference", True)]),
    ("La spesa calcolata con la metodologia dei fabbisogni standard è rimasta inferiore al fabbisogno monetario.",
     [("spending_vs_need", False)]),
    # two statements of one sentence, each about its own figure
    ("Benché la spesa sia inferiore al fabbisogno, l'ente assicura un livello di utenza superiore al "
     "riferimento.", [("spending_vs_need", False), ("service_vs_reference", True)]),
    # a goal or a negated verb is no statement of fact
    ("Il Comune punta a portare il livello dei servizi in linea con il riferimento entro il 2026.", []),
    ("La spesa elevata non produce un numero di utenti in linea con il livello di riferimento.", []),
    # the comparative says nothing of the benchmark
    ("La spesa per il personale è superiore a quella del 2022, come il livello di riferimento.", []),
])
def test_directions_tied_to_their_benchmark(text, expected):
    assert found(text) == expected


def test_users_of_one_service_or_partner_are_not_the_total():
    assert found("I servizi sociali del Comune hanno raggiunto 811 utenti nel corso del 2023.") == [("users", 811.0)]
    assert found("Nel 2023 il servizio sociale ha seguito 640 persone.") == [("users", 640.0)]
    assert found("Il Comune ha servito nel 2024 complessivamente 233 utenti.") == [("users", 233.0)]
    assert found("Il centro diurno, aperto a marzo, ha servito 41 utenti.") == []
    assert found("Nel 2023 la cooperativa ha seguito 77 persone per conto del Comune.") == []
    assert found("L'ufficio ha seguito 19 persone con disabilità grave.") == []


def test_staff_counts_that_are_not_one_headcount():
    assert found("Il Comune dispone di un'assistente sociale a tempo pieno e di una seconda a 12 ore.") == []
    assert found("Fino a giugno ha lavorato una sola assistente sociale, poi ne è arrivata una seconda.") == []
    assert found("Oltre all'organico, conta la formazione: due assistenti sociali hanno completato un master.") == []


def test_amount_of_use_or_comparison_is_not_the_field():
    assert found("Le risorse da rendicontare sono state impiegate per 40.000,00 euro in nuove assunzioni.") == []
    assert found("La spesa aggiuntiva è pari a 90.500,00 euro, superiore all'importo da rendicontare.") == []
