"""Responsiveness of the drafting assistant (relazione.tui) with the shipped model, printed as JSON.

The app runs headless at 80x24 (Textual's ``run_test``) on a ~6,000-character narrative, with the real
debounce (400 ms). Times are wall-clock on this machine (2 cores); the screen update is timed when Textual
hands the composed frame to the driver (``App._display``), which the headless driver then discards.

- ``keystroke_ms``: from a key sent by the (headless) driver to the first frame showing the character, split
  by whether an analysis was running in its worker thread when the key was sent; typing is at 50 ms per key,
  and the analyses typed into are made longer on purpose by emptying the encoder's cache before each one;
  ``keystroke_to_counter_ms``: the same, to the frame showing the updated character count (the counter is
  drawn by the app's change handler, one screen tick after the editor);
- ``pause_to_motivations_ms``: after typing a new sentence and stopping, from the last keystroke to the
  updated motivations on screen (``total``), and from the moment the debounce fires (the pause is detected)
  to the same point (``after_pause``; target <= 300 ms), with the analysis worker's own time;
- ``first_paint_ms`` and ``model_load_s``: the screen is up before the model starts loading.

Usage: ``python bench/bench_tui.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual import events
from textual.keys import _character_to_key

from relazione import corpus
from relazione.nlp import sentences
from relazione.record import load_record
from relazione.tui.app import MODEL_LOADING, DraftApp
from relazione.tui.engine import load_classifier
from relazione.tui.recovery import RecoveryStore
from relazione.tui.session import DraftSession

EXAMPLE = ROOT / "examples" / "blocco-d-lagoscuro-2021.json"
NEW_SENTENCES = [
    "Il concorso per un'assistente sociale indetto a marzo è andato deserto.",
    "La cooperativa non ha fornito educatori per il servizio scolastico fino a novembre.",
    "L'ambito non ha attivato il servizio domiciliare integrato per i disabili.",
    "Le risorse del fondo sono state accreditate solo a dicembre.",
    "Il Consiglio ha destinato le risorse libere alla manutenzione delle scuole.",
    "La parrocchia consegna i pasti agli anziani soli due volte alla settimana.",
    "Il posto di assistente sociale è rimasto vacante per sette mesi.",
    "Mancano strutture accreditate per minori nel raggio di cinquanta chilometri.",
]


def long_narrative(limit: int = 5900) -> str:
    """About 6,000 characters of real corpus text (block D narratives first), cut at a sentence end."""
    records = sorted(corpus.load(), key=lambda r: (r["block"] != "D", -len(r["r40"])))
    text = "\n\n".join(r["r40"] for r in records[:12])
    cut = [s.end for s in sentences(text[: limit + 500]) if s.end <= limit]
    return text[: cut[-1]]


def summary(values: list[float]) -> dict:
    values = sorted(values)
    if not values:
        return {"n": 0}
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return {"n": len(values), "median": round(statistics.median(values), 1), "p95": round(p95, 1),
            "max": round(values[-1], 1)}


async def bench(rounds: int) -> dict:
    t0 = time.perf_counter()
    clf = load_classifier()
    model_load_s = time.perf_counter() - t0
    cache = clf._encoder()
    text = long_narrative()
    record = load_record(EXAMPLE).model_copy(update={"r40": text})
    app = DraftApp(DraftSession(record), model_loader=lambda: clf, recovery=RecoveryStore(), cursor_blink=False,
                   freeze_gc=True)  # as the launcher runs it

    frames: list[float] = []
    original_display = app._display

    def display(screen, renderable):
        frames.append(time.perf_counter())
        return original_display(screen, renderable)

    app._display = display  # type: ignore[method-assign]
    started = time.perf_counter()
    idle: list[float] = []
    during: list[float] = []
    counter_idle: list[float] = []
    counter_during: list[float] = []
    after_pause: list[float] = []
    total: list[float] = []
    worker: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        first_paint_ms = (frames[0] - started) * 1000 if frames else None
        model_state_at_first_paint = app.model_state
        while app.model_state == MODEL_LOADING or app.analysis_pending:
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+end")
        driver = app._driver
        assert driver is not None

        def analysing() -> bool:
            return any(w.group == "analysis" and w.is_running for w in app.workers)

        editor_renders: list[float] = []
        editor = app.editor
        original_render_lines = editor.render_lines

        def render_lines(crop):
            editor_renders.append(time.perf_counter())
            return original_render_lines(crop)

        editor.render_lines = render_lines  # type: ignore[method-assign]

        def frame_after(t: float) -> float | None:
            return next((f for f in frames if f >= t), None)

        async def key(ch: str) -> tuple[float, float, bool]:
            """Send a key as the terminal driver would. Returns the ms until the frame showing the character,
            the ms until the frame showing the updated counter, and whether an analysis was running in its
            worker when the key was sent."""
            busy = analysing()
            event = events.Key(ch if ch.isalnum() else _character_to_key(ch), ch)
            event.set_sender(app)
            t = time.perf_counter()
            driver.send_message(event)
            while app.last_edit_at is None or app.last_edit_at < t:
                await asyncio.sleep(0.0002)
            edited = app.last_edit_at
            while frame_after(edited) is None:
                await asyncio.sleep(0.0002)
            drawn = next(r for r in editor_renders if r >= t)
            return (frame_after(drawn) - t) * 1000, (frame_after(edited) - t) * 1000, busy

        async def type_text(text: str, gap: float) -> None:
            for ch in text:
                record(*await key(ch))
                await asyncio.sleep(gap)

        def record(shown: float, counted: float, busy: bool) -> None:
            (during if busy else idle).append(shown)
            (counter_during if busy else counter_idle).append(counted)

        # a fast typist (50 ms between keys): the debounce never fires mid-word
        await type_text(" Prova di scrittura veloce", 0.05)
        await pilot.pause(0.6)
        await app.workers.wait_for_complete()

        # keys sent while an analysis runs; the encoder cache is emptied first so that the analysis
        # re-encodes the whole text and lasts long enough to type into it
        for _ in range(rounds):
            cache.clear()
            await key(".")
            while not analysing():
                await asyncio.sleep(0.001)
            for ch in "abcdefghij":
                if not analysing():
                    break
                record(*await key(ch))
                await asyncio.sleep(0.02)
            await pilot.pause(0.6)
            await app.workers.wait_for_complete()

        # a new sentence, then a pause -> updated motivations (warm cache: only the new sentence is encoded)
        for i in range(rounds):
            await type_text(" " + NEW_SENTENCES[i % len(NEW_SENTENCES)], 0.05)
            last_key = app.last_edit_at
            while app.last_analysis_applied_at is None or app.last_analysis_applied_at < last_key:
                await asyncio.sleep(0.001)
            applied = app.last_analysis_applied_at
            while frames[-1] < applied:  # the frame showing the new motivations
                await asyncio.sleep(0.0005)
            shown = next(f for f in frames if f >= applied)
            total.append((shown - last_key) * 1000)
            after_pause.append((shown - app.last_analysis_started_at) * 1000)
            worker.append(app.last_analysis_seconds * 1000)
            await pilot.pause(0.1)
        final_chars = app.session.count.used

    return {
        "machine": {"cpus": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 2)},
        "text_chars": len(text),
        "text_chars_at_end": final_chars,
        "debounce_ms": round(app.debounce * 1000),
        "model_load_s": round(model_load_s, 2),
        "first_paint_ms": round(first_paint_ms, 1) if first_paint_ms is not None else None,
        "model_state_at_first_paint": model_state_at_first_paint,
        "keystroke_ms": {"idle": summary(idle), "during_analysis": summary(during)},
        "keystroke_to_counter_ms": {"idle": summary(counter_idle), "during_analysis": summary(counter_during)},
        "pause_to_motivations_ms": {"after_pause": summary(after_pause), "total": summary(total),
                                    "analysis_worker": summary(worker)},
        "target": {"after_pause_ms_max": 300, "met": max(after_pause) <= 300 if after_pause else None},
        "encoder_cache": {"hits": cache.hits, "misses": cache.misses},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["RELAZIONE_RECOVERY_DIR"] = folder
        result = asyncio.run(bench(args.rounds))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
