import pytest

from relazione import form
from relazione.guidelines import EVIDENCE_HINT
from relazione.tui.skeleton import insertion, placeholders, skeleton


@pytest.mark.parametrize("code", form.MOTIVATION_CODES)
def test_every_code_has_a_skeleton_asking_for_its_evidence(code):
    text = skeleton(code, anno=2023, comune="Borgo")
    assert text.startswith("Nel 2023, per il Comune di Borgo, «[")
    assert EVIDENCE_HINT[code] in text and code in text
    assert len(placeholders(text)) == 3
    # the form's wording lives only inside the placeholders: once filled, nothing of it is left
    outside = text
    for start, end in reversed(placeholders(text)):
        outside = outside[:start] + outside[end:]
    assert code not in outside and "Ciò ha comportato" in outside


def test_skeleton_without_year_or_comune_uses_placeholders():
    text = skeleton("R36")
    assert text.startswith("Nel «[anno]», per il Comune, ")
    assert len(placeholders(text)) == 4


def test_label_is_used_and_altro_is_named():
    assert "mancanza di personale specializzato quale assistenti sociali" in skeleton("R36").lower()
    assert "«[R39 Altro: descrivere un'altra causa concreta" in skeleton("R39")


def test_unknown_code():
    with pytest.raises(ValueError):
        skeleton("R40")


def test_insertion_starts_a_new_paragraph():
    assert insertion("", "P") == ("P", 0)
    assert insertion("  ", "P") == ("P", 2)
    assert insertion("Testo.", "P") == ("\n\nP", 8)
    assert insertion("Testo.\n", "P") == ("\nP", 8)
    assert insertion("Testo.\n\n", "P") == ("P", 8)


def test_placeholders_are_masked_for_the_analysis_keeping_offsets():
    from relazione.tui.skeleton import mask_placeholders

    text = "Prima. " + skeleton("R38", anno=2021)
    masked = mask_placeholders(text)
    assert len(masked) == len(text) and "R38" not in masked and "accreditat" not in masked
    assert masked.startswith("Prima. Nel 2021, per il Comune, ") and "Ciò ha comportato" in masked
    assert mask_placeholders("Nessun segnaposto.") == "Nessun segnaposto."
