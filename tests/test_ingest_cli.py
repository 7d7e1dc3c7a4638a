"""`relazione parse` and `relazione check` on prints: outputs, files written, exit codes, refusals."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from relazione.cli import app
from relazione.record import load_record, record_to_dict

from .test_ingest_support import PRINTS, expected, write_pdf

runner = CliRunner()
UNRELATED = PRINTS / "unrelated-ambito-report.txt"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_parse_prints_record_and_report_as_json():
    result = run("parse", PRINTS / "ifel-2023-noisy.txt")
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)
    assert entry["file"].endswith("ifel-2023-noisy.txt")
    assert entry["record"]["comune"] == "Valfittizia" and entry["record"]["flags"]["R30"] == "SI"
    assert entry["report"]["layout"] == "ifel" and entry["report"]["block"] == "C"
    assert {"found", "missing", "recovered", "warnings", "confidence"} <= set(entry["report"])
    assert any(r["raw"].startswith("RO4") for r in entry["report"]["recovered"])


def test_parse_writes_one_record_per_print_and_check_reads_them(tmp_path):
    out = tmp_path / "records"
    files = [PRINTS / "ifel-2023-clean.txt", PRINTS / "sose-2024-noisy.txt", PRINTS / "soc22-2021-noisy.txt"]
    result = run("parse", *files, "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["ifel-2023-clean.json", "soc22-2021-noisy.json",
                                                     "sose-2024-noisy.json"]
    for name, stem in (("ifel-2023-clean.json", "ifel-2023-clean"), ("sose-2024-noisy.json", "sose-2024-noisy")):
        record = record_to_dict(load_record(out / name))
        assert record["values"] == expected(stem)["values"] and record["flags"] == expected(stem)["flags"]
    assert [e["output"] for e in json.loads(result.stdout)] == [str(out / "ifel-2023-clean.json"),
                                                                str(out / "sose-2024-noisy.json"),
                                                                str(out / "soc22-2021-noisy.json")]
    assert not list(out.glob(".*.tmp"))  # atomic writes leave no temporary file
    check = run("check", "--no-model", out)
    assert check.exit_code == 0, check.output


def test_same_name_prints_do_not_overwrite_each_other(tmp_path):
    pytest.importorskip("fpdf", reason="fpdf2 writes the test PDFs")
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(PRINTS / "soc22-2021-clean.txt", src / "montefitto.txt")
    write_pdf((PRINTS / "soc22-2021-clean.txt").read_text(encoding="utf-8"), src / "montefitto.pdf")
    result = run("parse", src, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["montefitto.pdf.json", "montefitto.txt.json"]


def test_table_summary(tmp_path):
    result = runner.invoke(app, ["parse", "-f", "table", str(PRINTS / "sose-2024-clean.txt"),
                                 str(PRINTS / "ifel-2023-noisy.txt")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "sose-2024-clean.txt" in out and "ifel-2023-noisy.txt" in out
    assert "sose" in out and "ifel" in out and "R37 R38 R39" in out and "R34 R35 R36" in out
    assert "1.00" in out and "0.85" in out


def test_unrelated_file_among_good_ones_exits_2_and_the_others_are_parsed(tmp_path):
    good = PRINTS / "soc22-2021-clean.txt"
    result = run("parse", UNRELATED, good, "-o", tmp_path)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [f"errore: {UNRELATED}: nessun modulo SOSE/IFEL riconosciuto"]
    entries = json.loads(result.stdout)
    assert entries[0] == {"file": str(UNRELATED), "error": f"{UNRELATED}: nessun modulo SOSE/IFEL riconosciuto"}
    assert entries[1]["record"]["comune"] == "Montefitto"
    assert [p.name for p in tmp_path.iterdir()] == ["soc22-2021-clean.json"]
    assert "Traceback" not in result.output


def test_corrupt_and_missing_files_give_one_line_each(tmp_path):
    broken = tmp_path / "rotto.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really a pdf")
    missing = tmp_path / "assente.txt"
    other = tmp_path / "foglio.docx"
    other.write_text("x", encoding="utf-8")
    result = run("parse", broken, missing, other)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"errore: {broken}: PDF danneggiato")
    assert lines[1].startswith(f"errore: {missing}: impossibile leggere il file")
    assert lines[2].startswith(f"errore: {other}: tipo di file non supportato")
    assert "Traceback" not in result.output


def test_check_reads_prints_directly(tmp_path):
    pytest.importorskip("fpdf", reason="fpdf2 writes the test PDFs")
    pdf = write_pdf((PRINTS / "ifel-2023-noisy.txt").read_text(encoding="utf-8"), tmp_path / "valfittizia.pdf")
    result = run("check", "--no-model", "--format", "json", PRINTS / "soc22-2021-noisy.txt", pdf)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(d["comune"], d["anno"], d["block"]) for d in data] == [("Montefitto", 2021, "A"),
                                                                     ("Valfittizia", 2023, "C")]


def test_check_refuses_an_unrelated_print():
    result = run("check", UNRELATED)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"errore: {UNRELATED}: nessun modulo SOSE/IFEL riconosciuto"


def test_parse_without_prints_is_a_usage_error(tmp_path):
    result = run("parse", tmp_path)
    assert result.exit_code == 2 and "nessuna stampa" in result.stderr
