import json

import pytest
from typer.testing import CliRunner

from relazione import form, model_files
from relazione.analysis import analyze
from relazione.cli import app
from relazione.record import Record

from .conftest import EXAMPLES, figures

runner = CliRunner()


@pytest.fixture(scope="module")
def clf():
    return model_files.load()


def record(block="D", flags=None, r40="", **values):
    base = {c: "NO" for c in form.BLOCKS[block].codes}
    return Record(comune="Prova", anno=2024, values={**figures(block), **values}, flags={**base, **(flags or {})},
                  r40=r40)


CAUSE_R36 = ("Il concorso per assistente sociale bandito a marzo è andato deserto e il servizio è rimasto senza "
             "assistente sociale fino a novembre.")


def kinds(analysis):
    return {(f.kind, f.code) for f in analysis.findings}


def test_si_flag_without_support_and_no_flag_with_support(clf):
    unsupported = analyze(record(flags={"R35": "SI"}, r40="Nel 2024 il Comune ha rinnovato gli arredi della sede."),
                          model=clf)
    finding = next(f for f in unsupported.findings if f.kind == "flag_si_unsupported")
    assert finding.code == "R35" and "volontariato" in finding.message and finding.confidence > 0.5
    supported = analyze(record(r40="Premessa. " + CAUSE_R36), model=clf)
    finding = next(f for f in supported.findings if f.kind == "flag_no_but_supported")
    assert finding.code == "R36"
    assert supported.record.r40[finding.start : finding.end] == CAUSE_R36
    consistent = analyze(record(flags={"R36": "SI"}, r40="Premessa. " + CAUSE_R36), model=clf)
    assert not {k for k, _ in kinds(consistent)} & {"flag_si_unsupported", "flag_no_but_supported"}


def test_altro_si_without_another_cause(clf):
    a = analyze(record(flags={"R36": "SI", "R39": "SI"}, r40=CAUSE_R36), model=clf)
    assert ("altro_without_text", "R39") in kinds(a)
    assert all(f.rule != "RULE-15" for f in a.findings)  # the text is not empty: semantic, not the rule


def test_numbers_contradict_text(clf):
    a = analyze(record(r40="Le risorse aggiuntive assegnate per il 2024, pari a 24.310,00 euro, sono state spese "
                           "per l'assistenza domiciliare.", R08=21430.0, R09=21430.0, R13=21430.0, R15=21430.0),
                model=clf)
    finding = next(f for f in a.findings if f.kind == "numbers_contradict_text")
    assert finding.code == "R08" and "24.310,00" in finding.message and "21.430,00" in finding.message
    direction = analyze(record("A", r40="La spesa sociale del Comune resta inferiore al fabbisogno standard."),
                        model=clf)
    assert ("numbers_contradict_text", "R07") in kinds(direction)


def test_missing_flag_cites_the_sentence_that_supports_it(clf):
    # flags filled in block D while the figures give C: the C codes are missing, and the text argues R29
    volunteers = ("Il numero di utenti è alto perché una rete di associazioni di volontariato in convenzione con il "
                  "Comune garantisce il trasporto sociale e la consegna dei pasti a domicilio a 140 anziani.")
    a = analyze(Record(comune="Prova", anno=2024, values=figures("C"), flags={c: "NO" for c in form.BLOCKS["D"].codes},
                       r40="Premessa. " + volunteers), model=clf)
    missing = {f.code: f for f in a.findings if f.kind == "flags_missing"}
    assert set(missing) == set(form.BLOCKS["C"].codes)
    hinted = missing["R29"]
    assert a.record.r40[hinted.start : hinted.end] == volunteers and "probabilmente SI" in hinted.message
    assert a.motivations.codes["R29"].supported
    plain = missing["R32"]  # nothing in the text about accredited providers: the rule's message alone
    assert plain.start is None and "sostenerlo" not in plain.message


def test_without_model_only_rules():
    a = analyze(record(flags={"R35": "SI"}, r40="Testo qualsiasi."))
    assert a.motivations is None and not any(f.rule.startswith("AUD-0") for f in a.findings)


def _folder(tmp_path):
    folder = tmp_path / "relazioni"
    folder.mkdir()
    for p in EXAMPLES.glob("*.json"):
        (folder / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "rotto.json").write_text("{non json", encoding="utf-8")
    (folder / "scansione.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3 questo non e un pdf valido")
    (folder / "note.md").write_text("ignored: not a supported type", encoding="utf-8")
    return folder


def test_audit_folder_with_bad_files_reports_them_and_checks_the_rest(tmp_path):
    folder = _folder(tmp_path)
    result = runner.invoke(app, ["audit", str(folder), "-f", "json", "-o", str(tmp_path / "out.json")])
    assert result.exit_code == 2
    data = json.loads((tmp_path / "out.json").read_text())
    by_name = {r["file"].rsplit("/", 1)[-1]: r for r in data["results"]}
    assert set(by_name) == {p.name for p in EXAMPLES.glob("*.json")} | {"rotto.json", "scansione.pdf"}
    assert "JSON non valido" in by_name["rotto.json"]["error"] and by_name["scansione.pdf"]["error"]
    assert by_name["blocco-d-lagoscuro-2021.json"]["motivations"]["R36"]["supported"]
    assert data["summary"]["files"] == 6 and data["summary"]["unreadable"] == 2
    assert "rotto.json" in result.stderr and "scansione.pdf" in result.stderr


def test_audit_html_is_self_contained_with_highlights(tmp_path):
    out = tmp_path / "audit.html"
    result = runner.invoke(app, ["audit", str(EXAMPLES), "-f", "html", "-o", str(out)])
    assert result.exit_code == 1, result.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<mark" in html and 'class="sortable"' in html
    assert "http://" not in html and "https://" not in html and "<link" not in html
    assert "Lagoscuro" in html and "R36" in html


def test_baseline_hides_accepted_findings_and_shows_new_ones(tmp_path):
    folder = tmp_path / "rel"
    folder.mkdir()
    target = folder / "d.json"
    target.write_text((EXAMPLES / "blocco-d-lagoscuro-2021.json").read_text(encoding="utf-8"), encoding="utf-8")
    base = tmp_path / "baseline.json"
    first = runner.invoke(app, ["audit", str(folder), "-f", "json", "--write-baseline", str(base)])
    assert first.exit_code == 1
    again = runner.invoke(app, ["audit", str(folder), "-f", "json", "--baseline", str(base)])
    assert again.exit_code == 0, again.output
    data = json.loads(again.stdout)
    assert data["results"][0]["findings"] == [] and data["summary"]["accepted_by_baseline"] > 0
    changed = json.loads(target.read_text(encoding="utf-8"))
    changed["r40"] += "x" * 6000
    target.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    third = runner.invoke(app, ["audit", str(folder), "-f", "json", "--baseline", str(base)])
    assert {f["kind"] for f in json.loads(third.stdout)["results"][0]["findings"]} >= {"over_limit"}
    assert runner.invoke(app, ["audit", str(folder), "--baseline", str(tmp_path / "none.json")]).exit_code == 2


def test_baseline_identity_of_a_missing_flag_ignores_the_cited_hint():
    from relazione.findings import Finding, Severity

    text = "Prima frase di prova. Seconda frase di prova."

    def finding(kind, start, end):
        return Finding(kind=kind, rule="X", code="R29", severity=Severity.WARNING, message="m", start=start, end=end)

    # the hint may cite another sentence after an edit: still the same missing flag
    assert finding("flags_missing", 0, 21).fingerprint(text) == finding("flags_missing", 22, 45).fingerprint(text)
    # for a NO-flag finding the cited sentence is the finding
    assert (finding("flag_no_but_supported", 0, 21).fingerprint(text)
            != finding("flag_no_but_supported", 22, 45).fingerprint(text))


def test_check_gains_semantic_findings_with_the_model(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(record(r40="Premessa. " + CAUSE_R36).model_dump_json(), encoding="utf-8")
    with_model = json.loads(runner.invoke(app, ["check", "-f", "json", str(path)]).stdout)
    without = json.loads(runner.invoke(app, ["check", "--no-model", "-f", "json", str(path)]).stdout)
    assert "flag_no_but_supported" in {f["kind"] for f in with_model[0]["findings"]}
    assert "flag_no_but_supported" not in {f["kind"] for f in without[0]["findings"]}


def test_unfilled_skeleton_is_flagged_and_not_read_as_evidence(clf):
    from relazione.tui.skeleton import skeleton

    text = skeleton("R36", anno=2024, comune="Prova")
    a = analyze(record(flags={"R36": "SI"}, r40=text), model=clf)
    left = [f for f in a.findings if f.kind == "placeholder_left"]
    assert left and all(text[f.start : f.end].startswith("«[") for f in left)
    assert not a.motivations.codes["R36"].supported
