"""The shipped model behind the TUI: single-threaded encoder, incremental re-encoding, real evidence."""

from __future__ import annotations

import pytest

from relazione.embed import CachedEncoder
from relazione.tui.engine import Analyzer, load_classifier
from relazione.tui.marks import Mark

from .conftest import lagoscuro, make_app, settle


@pytest.fixture(scope="module")
def clf():
    return load_classifier()


def test_loader_uses_a_cached_single_threaded_encoder(clf):
    encoder = clf._encoder()
    assert isinstance(encoder, CachedEncoder)
    if clf.encoder_name == "use":
        assert encoder.inner.threads == 1


def test_an_edit_reencodes_only_the_sentences_that_changed(clf):
    encoder = clf._encoder()
    analyzer = Analyzer(clf)
    session = lagoscuro()
    analyzer.run(session.record)
    misses = encoder.misses
    analyzer.run(session.record)
    assert encoder.misses == misses  # same text: nothing encoded again

    old = "Con le risorse aggiuntive è stata assunta una figura a tempo pieno"
    assert old in session.text
    session.set_text(session.text.replace(old, "Con le risorse aggiuntive è stata assunta un'assistente sociale"))
    analyzer.run(session.record)
    assert encoder.misses == misses + 1  # one sentence changed, one new vector

    session.set_text(session.text + "\n\nIl Comune ha destinato le risorse alla manutenzione delle scuole.")
    analyzer.run(session.record)
    assert encoder.misses == misses + 2


@pytest.mark.anyio
async def test_app_with_the_real_model_supports_r36_and_highlights_its_sentence(clf):
    app = make_app(lagoscuro(), clf)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = {r.code: r for r in app.rows}
        assert rows["R36"].supported and rows["R36"].flag == "SI"
        await pilot.press("f2", "down", "down")
        end = app.session.text.index("settimanali.") + len("settimanali.")
        assert Mark(0, end, "evidence") in app.editor.marks


def test_an_unfilled_skeleton_is_not_evidence(clf):
    from relazione.tui.skeleton import insertion, skeleton

    session = lagoscuro()
    before = Analyzer(clf).run(session.record).motivations.codes["R38"]
    addition, _ = insertion(session.text, skeleton("R38", anno=2021, comune="Lagoscuro"))
    session.set_text(session.text + addition)
    after = Analyzer(clf).run(session.record)
    assert not after.motivations.codes["R38"].supported and not before.supported
    assert after.record.r40 != session.text and len(after.record.r40) == len(session.text)
