"""SVG snapshots of the main states at 80x24 (pytest-textual-snapshot; update with --snapshot-update).

The keyword classifier keeps the scores fixed, the cursor does not blink, and nothing time-dependent is
shown, so the pictures change only when the screen does. Review a changed picture by eye before updating.
"""

from __future__ import annotations

import pytest

from .conftest import BlockingLoader, failing_loader, lagoscuro, make_app, settle

pytest.importorskip("pytest_textual_snapshot")

SIZE = (80, 24)
LONG = ("Il bando per l'assistente sociale è andato deserto due volte e il posto è rimasto scoperto. "
        "Le risorse del fondo sono arrivate a ottobre, troppo tardi per bandire il servizio. ") * 36


def test_main_screen_with_evidence_of_r36(snap_compare, keyword_model):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f2", "down", "down")

    assert snap_compare(make_app(lagoscuro(), keyword_model), terminal_size=SIZE, run_before=run_before)


def test_model_loading(snap_compare, keyword_model):
    loader = BlockingLoader(keyword_model)

    async def run_before(pilot):
        while pilot.app.analyses_applied < 1:  # the rule findings are shown while the model loads
            await pilot.pause(0.02)

    try:
        assert snap_compare(make_app(lagoscuro(), loader=loader), terminal_size=SIZE, run_before=run_before)
    finally:
        loader.release.set()


def test_rules_only_without_model(snap_compare):
    async def run_before(pilot):
        await settle(pilot)

    app = make_app(lagoscuro(), loader=failing_loader("modello non trovato in models/"))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_over_the_limit(snap_compare, keyword_model):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("ctrl+end")

    assert snap_compare(make_app(lagoscuro(r40=LONG.strip()), keyword_model), terminal_size=SIZE,
                        run_before=run_before)


def test_skeleton_inserted(snap_compare, keyword_model):
    flags = {"R34": "NO", "R35": "NO", "R36": "SI", "R37": "NO", "R38": "SI", "R39": "SI"}

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        pilot.app.clear_notifications()

    assert snap_compare(make_app(lagoscuro(flags=flags), keyword_model), terminal_size=SIZE, run_before=run_before)


def test_new_record_form(snap_compare, keyword_model):
    async def run_before(pilot):
        await pilot.pause()

    assert snap_compare(make_app(None, keyword_model), terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, keyword_model):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f1")

    assert snap_compare(make_app(lagoscuro(), keyword_model), terminal_size=SIZE, run_before=run_before)


def test_cuts_view(snap_compare, keyword_model):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)

    assert snap_compare(make_app(lagoscuro(r40=LONG.strip()), keyword_model), terminal_size=SIZE,
                        run_before=run_before)


def test_quit_confirmation(snap_compare, keyword_model):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("ctrl+end", "!", "ctrl+q")

    assert snap_compare(make_app(lagoscuro(), keyword_model), terminal_size=SIZE, run_before=run_before)
