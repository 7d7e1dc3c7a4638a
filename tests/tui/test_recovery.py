import json
import os
from datetime import datetime

from relazione.record import load_record
from relazione.tui.recovery import ENV, NEW_KEY, RecoveryStore, default_dir, differs

from .conftest import LAGOSCURO


def test_env_var_sets_the_folder(recovery_dir):
    assert os.environ[ENV] == str(recovery_dir)
    assert default_dir() == recovery_dir


def test_write_find_discard(recovery_dir):
    store = RecoveryStore()
    record = load_record(LAGOSCURO).model_copy(update={"r40": "Bozza non salvata."})
    written = store.write(record, source=LAGOSCURO, path=LAGOSCURO, now=datetime(2026, 5, 2, 10, 30))
    assert written.parent == recovery_dir and written.name.startswith("blocco-d-lagoscuro-2021-")
    copy = store.find(LAGOSCURO)
    assert copy is not None and copy.record.r40 == "Bozza non salvata."
    assert copy.source == LAGOSCURO.resolve() and copy.saved_at == datetime(2026, 5, 2, 10, 30)
    assert differs(copy, load_record(LAGOSCURO)) and not differs(copy, record)
    store.discard(LAGOSCURO)
    assert store.find(LAGOSCURO) is None
    store.discard(LAGOSCURO)  # discarding twice is fine


def test_new_record_key_and_latest(recovery_dir):
    store = RecoveryStore()
    record = load_record(LAGOSCURO)
    store.write(record, source=None, path=None, now=datetime(2026, 1, 1))
    store.write(record, source=LAGOSCURO, path=None, now=datetime(2026, 1, 2))
    assert store.file_for(None).name == f"{NEW_KEY}.json"
    assert store.latest().source == LAGOSCURO.resolve()


def test_unreadable_copies_are_ignored_not_deleted(recovery_dir):
    store = RecoveryStore()
    recovery_dir.mkdir(parents=True)
    bad = recovery_dir / "rotto.json"
    bad.write_text("{non json", encoding="utf-8")
    (recovery_dir / "vecchio.json").write_text(json.dumps({"format": 99}), encoding="utf-8")
    assert store.latest() is None and bad.exists()
