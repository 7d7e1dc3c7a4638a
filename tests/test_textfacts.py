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
