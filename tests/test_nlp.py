import pytest

from relazione.nlp import sentences


def texts(text):
    return [s.text for s in sentences(text)]


def test_offsets_point_into_the_original_text():
    text = "Prima frase.  Seconda frase!\n\nTerza frase senza punto"
    for s in sentences(text):
        assert text[s.start : s.end] == s.text
    assert texts(text) == ["Prima frase.", "Seconda frase!", "Terza frase senza punto"]


@pytest.mark.parametrize("text", [
    "Sono state assunte n. 2 assistenti sociali ai sensi dell'art. 1, c. 797, L. 178/2020.",
    "La spesa è stata di 3.120,50 euro per pasti, trasporti ecc. nel corso dell'anno.",
    "La dott.ssa Bianchi ha coordinato il servizio con la D.G.C. n. 45 del 12.03.2023.",
])
def test_abbreviations_and_numbers_do_not_split(text):
    assert texts(text) == [text]


def test_bullet_lists_split_per_item_and_keep_markers():
    text = "Le cause sono:\n- carenza di personale;\n- ritardi nei trasferimenti\na) primo punto\n1. secondo punto"
    assert texts(text) == ["Le cause sono:", "- carenza di personale;", "- ritardi nei trasferimenti",
                           "a) primo punto", "1. secondo punto"]


def test_numbered_heading_stays_with_its_title():
    assert texts("1. Servizi gestiti dall'Ambito\nIl Comune fa parte dell'Ambito n. 3.") == [
        "1. Servizi gestiti dall'Ambito", "Il Comune fa parte dell'Ambito n. 3."]


def test_ocr_line_wraps_are_joined_but_short_heading_lines_split():
    wrapped = ("Nel corso dell'anno il servizio di assistenza domiciliare è stato garantito dalla cooperativa e\n"
               "dall'ambito territoriale, con un aumento degli utenti.")
    assert texts(wrapped) == [wrapped]
    assert texts("Premessa\nIl Comune ha 900 abitanti.") == ["Premessa", "Il Comune ha 900 abitanti."]


def test_negation_cues_and_lemmas():
    neg, pos = sentences("Non si sono registrate difficoltà di reclutamento. Nessun candidato si è presentato. "
                         "Il concorso è andato deserto.")[::2]
    assert neg.negated and neg.negation_cues == ("non",)
    assert not pos.negated
    assert "andare" in pos.lemmas and "essere" in pos.lemmas  # "è andato" -> essere, andare


def test_empty_text():
    assert sentences("") == [] and sentences(" \n ") == []
