"""Whole prints of the three layout families, as text and as PDF: every figure, flag and the narrative.

Each family has a clean and a noisy text fixture describing the same relazione (tests/fixtures/prints/expected):
OCR'd codes, flags and labels (IFEL), page side-bars between labels and values and inside R40 (SOSE), a
latin-1 CRLF export with lost TABs and a page break inside R40 (SOC22), footers and support-desk lines in all.
"""

from __future__ import annotations

import json

import pytest

from relazione import form
from relazione.analysis import analyze
from relazione.errors import ParseError
from relazione.findings import Severity
from relazione.ingest import parse_document, parse_text

from .test_ingest_support import FIXTURES, PRINTS, char_distance, expected, fixture_text, pdf_of, squash, write_pdf

BOILERPLATE = ("Pagina", "ATTENZIONE", "ASSISTENZA", "assistenza tecnica", "Via e-mail", "Quadro 4",
               "Relazione in formato", "strutturato", "Stampa del", "CODICE DI VERIFICA", "OBIETTIVI", "IN COMUNE",
               "ASILI NIDO", "SOC22", "numero verde", "https://", "-----")
BLOCK = {"ifel-2023": "C", "sose-2024": "D", "soc22-2021": "A"}


@pytest.fixture(scope="module")
def pdf_dir(tmp_path_factory):
    pytest.importorskip("pypdf")
    pytest.importorskip("fpdf", reason="fpdf2 writes the test PDFs")
    folder = tmp_path_factory.mktemp("prints")
    for stem in FIXTURES:
        pdf_of(stem, folder)
    pdf_of_unrelated = write_pdf((PRINTS / "unrelated-ambito-report.txt").read_text(encoding="utf-8"),
                                 folder / "unrelated-ambito-report.pdf")
    assert pdf_of_unrelated.exists()
    return folder


@pytest.fixture(scope="module", params=[(stem, kind) for stem in FIXTURES for kind in ("txt", "pdf")],
                ids=lambda p: f"{p[0]}.{p[1]}")
def parsed(request):
    stem, kind = request.param
    path = PRINTS / f"{stem}.txt" if kind == "txt" else request.getfixturevalue("pdf_dir") / f"{stem}.pdf"
    return stem, kind, parse_document(path)


def test_layout_year_and_comune(parsed):
    stem, _, result = parsed
    exp = expected(stem)
    assert result.report.layout == stem.split("-")[0]
    assert result.record.anno == exp["anno"]
    assert result.record.comune == exp.get("comune")  # SOSE prints do not name the comune: left empty


def test_every_figure(parsed):
    stem, _, result = parsed
    assert result.record.model_dump()["values"] == expected(stem)["values"]


def test_key_figures_block_and_quadro3(parsed):
    stem, _, result = parsed
    exp, rec = expected(stem), result.record
    for code in ("R03", "R04", "R05", "R06", "R07", "R08", "R09", "R15"):
        assert rec.values[code] == exp["values"][code], code
        assert rec.value(code) == pytest.approx(form.ref_value(exp["values"], code, exp["anno"])), code
    assert result.report.block == BLOCK[stem.rsplit("-", 1)[0]]
    assert form.block_for(rec.values, rec.anno).letter == result.report.block


def test_every_flag_and_only_the_block_with_values(parsed):
    stem, _, result = parsed
    assert result.record.flags == expected(stem)["flags"]
    assert result.report.flags_block == result.report.block  # SOSE prints four blocks: three have no values


def test_narrative_without_boilerplate(parsed):
    stem, _, result = parsed
    original = expected(stem)["r40"]
    r40 = result.record.r40
    assert not [b for b in BOILERPLATE if b in r40]
    noisy = stem.endswith("noisy")
    assert char_distance(r40, original) <= (6 if noisy else 0)
    assert abs(len(squash(r40)) - len(squash(original))) <= 3


def test_report_is_complete_and_serialisable(parsed):
    stem, _, result = parsed
    report = result.report
    assert report.missing == []
    assert 0.8 <= report.confidence <= 1.0
    assert set(report.found) >= set(expected(stem)["values"]) | set(expected(stem)["flags"]) | {"R40"}
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["report"]["layout"] == report.layout and data["record"]["anno"] == result.record.anno
    if not stem.endswith("noisy"):
        assert report.recovered == [] and report.warnings == []


def test_check_agrees_with_the_figures(parsed):
    _, _, result = parsed
    analysis = analyze(result.record)
    assert analysis.block == result.report.block
    assert [f.kind for f in analysis.findings if f.severity is not Severity.INFO] == []


def test_noisy_ifel_reports_what_it_recovered():
    result = parse_document(PRINTS / "ifel-2023-noisy.txt")
    raw = {(r.code, r.raw.split()[0]) for r in result.report.recovered}
    assert {("R04", "RO4"), ("R0B", "ROB"), ("M59", "rn5;9"), ("R29", "R29")} <= raw
    notes = " ".join(r.note for r in result.report.recovered)
    assert "«(S|» letto come SI" in notes and "«(Sl» letto come SI" in notes and "«!sI» letto come SI" in notes
    assert "«|N0» letto come NO" in notes and "1O.880" in notes
    assert "Quadro 1 letto per colonne" in notes
    assert result.report.confidence < 1.0


# --- documents that are not (all) the form ---------------------------------------------------------------


def test_unrelated_document_is_refused(pdf_dir):
    for path in (PRINTS / "unrelated-ambito-report.txt", pdf_dir / "unrelated-ambito-report.pdf"):
        with pytest.raises(ParseError, match="nessun modulo SOSE/IFEL riconosciuto") as exc:
            parse_document(path)
        assert str(exc.value).startswith(str(path)) and "\n" not in str(exc.value)


def test_corrupt_pdf(tmp_path, pdf_dir):
    broken = tmp_path / "rotto.pdf"
    broken.write_bytes((pdf_dir / "sose-2024-clean.pdf").read_bytes()[:700])
    garbage = tmp_path / "finto.pdf"
    garbage.write_bytes(b"%PDF-1.4\n1 0 obj garbage\n")
    for path in (broken, garbage):
        with pytest.raises(ParseError) as exc:
            parse_document(path)
        assert str(exc.value).startswith(str(path)) and "\n" not in str(exc.value)


def test_encrypted_pdf(tmp_path, pdf_dir):
    from pypdf import PdfWriter

    locked = tmp_path / "protetto.pdf"
    writer = PdfWriter(clone_from=str(pdf_dir / "ifel-2023-clean.pdf"))
    writer.encrypt(user_password="segreta", algorithm="RC4-128")
    with locked.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(ParseError, match="protetto da password"):
        parse_document(locked)
    # locked only against editing: readable with the empty password
    open_copy = tmp_path / "solo-lettura.pdf"
    writer = PdfWriter(clone_from=str(pdf_dir / "ifel-2023-clean.pdf"))
    writer.encrypt(user_password="", owner_password="proprietario", algorithm="RC4-128")
    with open_copy.open("wb") as fh:
        writer.write(fh)
    assert parse_document(open_copy).record.flags == expected("ifel-2023-clean")["flags"]


def test_pdf_without_text_layer(tmp_path):
    pytest.importorskip("pypdf")
    pdf = pytest.importorskip("fpdf").FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)
    path = tmp_path / "scansione.pdf"
    pdf.output(str(path))
    with pytest.raises(ParseError, match="non contiene testo"):
        parse_document(path)


def test_partial_print_gives_the_record_and_warnings():
    text = fixture_text("ifel-2023-noisy")
    head = text[: text.index("QUADRO 3")]  # the scan stops after Quadro 2
    result = parse_text(head, source="parziale.txt")
    assert result.record.values["R07"] == {"2017": 2501876.12, "2021": 2690004.55}
    assert result.record.flags == {} and result.record.r40 == ""
    assert {"R09", "R15", "R29", "R33", "R40"} <= set(result.report.missing)
    assert any("R40" in w for w in result.report.warnings)
    assert any("blocco C" in w for w in result.report.warnings)
    assert result.report.confidence < 0.9


def test_year_outside_the_form_is_refused():
    text = fixture_text("sose-2024-clean").replace("2024", "2026")
    with pytest.raises(ParseError, match="anno 2026 non gestito"):
        parse_text(text, source="futuro.txt")


def test_missing_year_falls_back_to_the_family_with_a_warning():
    text = "\n".join(line for line in fixture_text("soc22-2021-clean").split("\n")
                     if "2021" not in line or line.startswith(("M", "⇥")))
    result = parse_text(text, source="senza-anno.txt")
    assert result.record.anno == 2021
    assert any("anno non trovato" in w for w in result.report.warnings)


def test_a_cell_that_is_not_a_number_costs_only_that_field():
    text = fixture_text("soc22-2021-clean").replace("R03 - Abitanti 2021\t5120", "R03 - Abitanti 2021\t5.120,5.1")
    result = parse_text(text, source="x.txt")
    assert "R03" not in result.record.values and result.record.values["R04"] == 5.86
    assert "R03" in result.report.missing
    assert any("R03" in w and "non numerica" in w for w in result.report.warnings)


def test_a_value_the_record_refuses_is_dropped_with_a_warning():
    from relazione.ingest import soc22
    from relazione.ingest.builder import RecordBuilder

    b = RecordBuilder(soc22.LAYOUT, 2021)
    b.set_value("R03", "cinquemila")
    b.set_value("R04", 5.86)
    b.set_flag("R16", "SI")
    result = b.build()
    assert result.record.values == {"R04": 5.86} and result.record.flags == {"R16": "SI"}
    assert any(w.startswith("R03: valore letto scartato") for w in result.report.warnings)


def test_each_family_is_recognised_by_its_markers(pdf_dir):
    from relazione.ingest.dispatch import scores
    from relazione.ingest.extract import extract_text
    from relazione.ingest.text import normalize_text

    for stem in FIXTURES:
        for path in (PRINTS / f"{stem}.txt", pdf_dir / f"{stem}.pdf"):
            by_family = scores(normalize_text(extract_text(path)))
            family = stem.split("-")[0]
            assert by_family[family] >= 0.5, path
            assert all(by_family[family] - score >= 0.3 for key, score in by_family.items() if key != family), path


def test_a_row_whose_code_was_destroyed_is_found_by_position_and_label():
    text = fixture_text("ifel-2023-noisy").replace("rn5;9 - Utentl pov?rta, disagio", "~~ ; Utentl pov?rta, disagio")
    result = parse_text(text, source="ocr.txt")
    assert result.record.values["M59"] == expected("ifel-2023-noisy")["values"]["M59"]
    assert any(r.code == "M59" and "posizione" in r.note for r in result.report.recovered)
    assert result.record.values["M56"] == expected("ifel-2023-noisy")["values"]["M56"]
