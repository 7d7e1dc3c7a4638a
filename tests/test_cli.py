import csv
import io
import json
import subprocess
import sys

from typer.testing import CliRunner

from relazione.cli import app

from .conftest import EXAMPLES, figures

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def clean_record(tmp_path, block="A", **overrides):
    from relazione import form

    data = {"comune": "Prova", "anno": 2024, "values": figures(block),
            "flags": {c: "NO" for c in form.BLOCKS[block].codes}, "r40": "Testo di prova.", **overrides}
    path = tmp_path / f"{block}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_clean_record_exits_0(tmp_path):
    result = run("check", clean_record(tmp_path))
    assert result.exit_code == 0, result.output
    assert "nessun problema" in result.output


def test_examples_report_findings_exit_1():
    result = run("check", EXAMPLES)
    assert result.exit_code == 1
    assert "blocco B" in result.output and "RULE-13" in result.output


def test_json_format_lists_every_file_with_block_and_findings():
    result = run("check", "--format", "json", EXAMPLES)
    data = json.loads(result.stdout)
    assert {d["file"].rsplit("/", 1)[-1] for d in data} == {p.name for p in EXAMPLES.glob("*.json")}
    by_name = {d["file"].rsplit("/", 1)[-1]: d for d in data}
    pieve = by_name["blocco-c-pieve-ardente-2023.json"]
    assert pieve["block"] == "C"
    assert "wrong_block_numbers" in {f["kind"] for f in pieve["findings"]}
    assert all({"kind", "rule", "code", "severity", "message", "start", "end"} <= set(f)
               for d in data for f in d["findings"])


def test_csv_format_has_one_row_per_finding(tmp_path):
    over = clean_record(tmp_path, r40="x" * 6001)
    result = run("check", "-f", "csv", over)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["kind"], r["start"], r["end"]) for r in rows] == [("over_limit", "6000", "6001")]
    assert result.exit_code == 1


def test_malformed_file_exits_2_with_one_line_on_stderr(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"anno": 2023, "flags": {"R16": "forse"}}', encoding="utf-8")
    result = run("check", bad)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and "flags.R16" in lines[0]
    assert "Traceback" not in result.output


def test_bad_file_among_good_ones_is_reported_and_others_checked(tmp_path):
    good = clean_record(tmp_path)
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    result = run("check", "--format", "json", bad, good)
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert [d.get("error") is not None for d in data] == [True, False]
    assert data[1]["block"] == "A"


def test_missing_file_and_unsupported_type_exit_2(tmp_path):
    assert run("check", tmp_path / "nope.json").exit_code == 2
    other = tmp_path / "note.docx"
    other.write_text("x")
    result = run("check", other)
    assert result.exit_code == 2 and "non supportato" in result.stderr


def test_output_file_is_written(tmp_path):
    out = tmp_path / "report.json"
    result = run("check", "-f", "json", "-o", out, clean_record(tmp_path))
    assert result.exit_code == 0 and json.loads(out.read_text())[0]["block"] == "A"


def test_usage_error_exit_2():
    assert run("check").exit_code == 2
    assert run("check", "--format", "xml", EXAMPLES).exit_code == 2


def test_version_and_help_do_not_import_heavy_modules():
    code = ("import sys; from typer.testing import CliRunner; from relazione.cli import app; "
            "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0; "
            "heavy = [m for m in ('pydantic', 'relazione.record', 'torch', 'spacy', 'textual') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.startswith("relazione ")
