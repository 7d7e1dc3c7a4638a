"""Starting the assistant: `relazione draft [FILE]`, `python tui.py [FILE]`; the core never imports Textual."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from relazione.cli import app as cli
from relazione.tui.app import main, open_session

from ..conftest import ROOT
from .conftest import LAGOSCURO


def test_open_session_for_a_record_a_new_file_or_nothing(tmp_path):
    session, new_path = open_session(LAGOSCURO)
    assert session.path == LAGOSCURO and new_path is None
    assert open_session(tmp_path / "nuova.json") == (None, tmp_path / "nuova.json")
    assert open_session(None) == (None, None)


def test_unreadable_files_exit_2_with_one_line(tmp_path, capsys):
    bad = tmp_path / "rotto.json"
    bad.write_text("{", encoding="utf-8")
    assert main([str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"errore: {bad}: JSON non valido")
    assert main([str(tmp_path / "manca.docx")]) == 2
    assert "tipo di file non supportato" in capsys.readouterr().err


def test_draft_command_reports_bad_files_like_the_other_commands(tmp_path):
    bad = tmp_path / "rotto.json"
    bad.write_text('{"anno": 2030}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["draft", str(bad)])
    assert result.exit_code == 2
    assert "anno 2030 fuori intervallo" in result.output


def test_launcher_and_help(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "tui.py"), "--help"], capture_output=True, text=True,
                         cwd=tmp_path, timeout=120, check=False)
    assert out.returncode == 0 and "record JSON o stampa" in out.stdout


def test_the_core_never_imports_textual():
    code = ("import sys, relazione, relazione.analysis, relazione.cli, relazione.inputs, relazione.consistency; "
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         check=False)
    assert out.stdout.strip() == "False", out.stderr
    for module in (ROOT / "relazione").rglob("*.py"):
        if "tui" in module.relative_to(ROOT / "relazione").parts:
            continue
        text = module.read_text(encoding="utf-8")
        assert "import textual" not in text and "from textual" not in text, module
