"""Fixtures of the TUI tests: a deterministic keyword classifier, an isolated recovery folder, app helpers.

The pilot and snapshot tests use :class:`KeywordClassifier` instead of the shipped model: it gives the same
scores on every machine and for every future retraining of ``models/``, so snapshots only change when the
screen does. One module (``test_real_model.py``) checks the real model behind the same app.
"""

from __future__ import annotations

import importlib.util
import json
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from relazione import form
from relazione.classifier import CodeResult, Evidence, Prediction
from relazione.errors import ModelError
from relazione.tui.recovery import RecoveryStore
from relazione.tui.session import DraftSession

from ..conftest import EXAMPLES

# The screens need Textual; the pure logic (counter, session, marks, ...) does not. Where Textual is not
# installed yet, only the tests that need no screen run.
if importlib.util.find_spec("textual") is None:  # pragma: no cover
    collect_ignore = ["test_app.py", "test_launch.py", "test_real_model.py", "test_snapshots.py"]

LAGOSCURO = EXAMPLES / "blocco-d-lagoscuro-2021.json"

# A sentence containing one of these words supports the code (score 0.9), else 0.05.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "R34": ("strade", "scuole"),
    "R35": ("parrocchia", "volontari"),
    "R36": ("bando", "concorso"),
    "R37": ("educatori",),
    "R38": ("accreditat",),
    "R39": ("ottobre", "tardi"),
    "R23": ("comunità",),
    "R24": ("frazioni",),
}


class KeywordClassifier:
    """Stands in for MotivationClassifier.predict: deterministic scores from keywords, real sentence split."""

    def __init__(self) -> None:
        self.thresholds_ = {c: 0.5 for c in form.MOTIVATION_CODES}
        self.calls = 0

    def predict(self, texts: Sequence[str], blocks: Sequence[str | None], *, all_codes: bool = False
                ) -> list[Prediction]:
        from relazione.nlp import sentences

        self.calls += 1
        out = []
        for text, block in zip(texts, blocks):
            sents = sentences(text)
            codes = {}
            for code in form.MOTIVATION_CODES:
                scored = [(0.9 if any(k in s.text.lower() for k in KEYWORDS.get(code, ())) else 0.05, s)
                          for s in sents]
                best = max((score for score, _ in scored), default=0.0)
                evidence = [Evidence(s.start, s.end, s.text, score) for score, s in scored if score >= 0.35]
                codes[code] = CodeResult(best, best >= 0.5, evidence)
            out.append(Prediction(block, codes, sents))
        return out


@pytest.fixture(scope="session")
def keyword_model() -> KeywordClassifier:
    return KeywordClassifier()


@pytest.fixture(autouse=True)
def recovery_dir(tmp_path, monkeypatch) -> Path:
    """Every TUI test writes its recovery copies under tmp_path, never in the user's data folder."""
    folder = tmp_path / "recupero"
    monkeypatch.setenv("RELAZIONE_RECOVERY_DIR", str(folder))
    return folder


def failing_loader(reason: str = "modello non trovato in models/: ricostruirlo con `relazione train`"):
    def load() -> Any:
        raise ModelError(reason)

    return load


def make_app(session: DraftSession | None, model: Any = None, *, loader: Any = None, **kwargs) -> Any:
    """A DraftApp for tests: injected model, short debounce, no autosave unless asked, no cursor blink."""
    from relazione.tui.app import DraftApp

    if loader is None:
        loader = (lambda: model) if model is not None else failing_loader()
    options = {"debounce": 0.05, "autosave_every": 0, "cursor_blink": False, "recovery": RecoveryStore()}
    options.update(kwargs)
    return DraftApp(session, model_loader=loader, **options)


def lagoscuro(**changes: Any) -> DraftSession:
    """The block-D example, optionally with fields changed (``r40``, ``flags``)."""
    session = DraftSession.open(LAGOSCURO)
    if changes:
        session = DraftSession(session.record.model_copy(update=changes), source=LAGOSCURO, path=LAGOSCURO)
    return session


def copy_example(tmp_path: Path, **changes: Any) -> Path:
    data = json.loads(LAGOSCURO.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "relazione.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


async def settle(pilot, timeout: float = 20.0) -> None:
    """Wait until the model is loaded (or failed), no analysis is pending and every worker is done."""
    from relazione.tui.app import MODEL_LOADING

    app = pilot.app
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.model_state != MODEL_LOADING and not app.analysis_pending and app._debounce_timer is None:
            return
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not settle")
        await pilot.pause(0.02)


@pytest.fixture
def anyio_backend() -> str:
    """The pilot tests are ``@pytest.mark.anyio`` coroutines run on asyncio, Textual's loop."""
    return "asyncio"


class BlockingLoader:
    """A model loader that waits until released: the app stays in the "modello in caricamento" state.

    It runs in the app's daemon loading thread, which the app does not wait for when it exits.
    """

    def __init__(self, model: Any, timeout: float = 30.0) -> None:
        self.model, self.timeout = model, timeout
        self.release = threading.Event()

    def __call__(self) -> Any:
        self.release.wait(self.timeout)
        return self.model
