import json
import shutil

import numpy as np
import pytest
from typer.testing import CliRunner

from relazione import corpus, form, model_files
from relazione.classifier import MotivationClassifier, cue_features, sentence_labels
from relazione.cli import app
from relazione.errors import ModelError
from relazione.nlp import sentences
from relazione.tuning import AUDIT_KINDS

from .conftest import EXAMPLES

runner = CliRunner()


@pytest.fixture(scope="module")
def shipped():
    """The committed model, as users get it."""
    return model_files.load()


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    """A model trained in the test on a slice of the corpus, saved to a temporary folder."""
    records = corpus.load(split="train")
    subset = [r for letter in "ABCD" for r in records if r["block"] == letter][:: max(1, len(records) // 60)]
    clf = MotivationClassifier(C=1.0, seed=3).fit(subset)
    folder = tmp_path_factory.mktemp("model")
    model_files.save(clf, folder)
    return clf, folder


def test_cue_features_negation_denial_hypothesis():
    neg, plan, plain = sentences("Non si sono registrate difficoltà di reclutamento. Si valuterà in futuro "
                                 "l'informatizzazione. Il concorso è andato deserto.")
    assert cue_features(neg).tolist() == [1, 1, 0]
    assert cue_features(plan).tolist() == [0, 0, 1]
    assert cue_features(plain).tolist() == [0, 0, 0]


def test_sentence_labels_follow_spans():
    text = "Prima frase. Il bando è andato deserto. Terza frase."
    sents = sentences(text)
    y = sentence_labels(sents, {"R36": [[13, 39]]}, ("R34", "R36"))
    assert y.tolist() == [[0, 0], [0, 1], [0, 0]]


def test_shipped_model_supports_a_cause_and_ignores_its_negation(shipped):
    cause = ("Il concorso per assistente sociale è andato deserto due volte e il servizio è rimasto senza "
             "assistente sociale per otto mesi.")
    denied = "Non si sono registrate difficoltà nel reperire assistenti sociali, il posto è sempre stato coperto."
    yes, no = shipped.predict([cause, denied], ["D", "D"])
    assert yes.codes["R36"].supported and yes.codes["R36"].evidence[0].text == cause
    assert not no.codes["R36"].supported


def test_prediction_covers_block_or_all_codes_with_evidence_offsets(shipped):
    text = json.loads((EXAMPLES / "blocco-d-lagoscuro-2021.json").read_text())["r40"]
    block_only, every = shipped.predict([text, text], ["D", None])
    assert list(block_only.codes) == list(form.BLOCKS["D"].codes)
    assert list(every.codes) == list(form.MOTIVATION_CODES)
    for result in block_only.codes.values():
        assert 0.0 <= result.score <= 1.0
        for e in result.evidence:
            assert text[e.start : e.end] == e.text
    assert shipped.predict([""], ["A"])[0].supported() == []


def test_save_load_roundtrip_gives_identical_predictions(small_model):
    clf, folder = small_model
    loaded = model_files.load(folder)
    texts = [r["r40"] for r in corpus.load(split="dev")[:8]]
    blocks = [r["block"] for r in corpus.load(split="dev")[:8]]
    assert [p.to_dict() for p in clf.predict(texts, blocks)] == [p.to_dict() for p in loaded.predict(texts, blocks)]
    meta = json.loads((folder / model_files.META).read_text())
    assert meta["encoder"] == clf.encoder_id and meta["params"]["seed"] == 3
    assert {"scikit-learn", "skops", "numpy"} <= set(meta["versions"])


def test_training_is_deterministic(small_model):
    clf, _ = small_model
    records = corpus.load(split="train")
    subset = [r for letter in "ABCD" for r in records if r["block"] == letter][:: max(1, len(records) // 60)]
    again = MotivationClassifier(C=1.0, seed=3).fit(subset)
    text, block = records[0]["r40"], records[0]["block"]
    assert again.predict([text], [block])[0].to_dict() == clf.predict([text], [block])[0].to_dict()


def _copy(folder, tmp_path):
    target = tmp_path / "m"
    shutil.copytree(folder, target)
    return target


def test_tampered_bytes_are_refused(small_model, tmp_path):
    folder = _copy(small_model[1], tmp_path)
    head = folder / model_files.HEAD
    data = bytearray(head.read_bytes())
    data[len(data) // 2] ^= 0xFF
    head.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="modificato"):
        model_files.load(folder)


def test_unknown_types_are_refused_even_with_a_matching_hash(small_model, tmp_path):
    import skops.io as sio
    from sklearn.tree import DecisionTreeClassifier

    folder = _copy(small_model[1], tmp_path)
    head = folder / model_files.HEAD
    sio.dump({"heads": {"A": {"R16": DecisionTreeClassifier()}}, "label_vectors": np.zeros(2),
              "example_vectors": np.zeros(2)}, head)
    meta = json.loads((folder / model_files.META).read_text())
    meta["head_sha256"] = model_files.sha256_file(head)
    (folder / model_files.META).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="tipi non ammessi"):
        model_files.load(folder)


def test_missing_or_mismatched_model_says_how_to_rebuild(small_model, tmp_path):
    with pytest.raises(ModelError, match="relazione train"):
        model_files.load(tmp_path / "none")
    folder = _copy(small_model[1], tmp_path)
    meta = json.loads((folder / model_files.META).read_text())
    meta["encoder"] = "another-encoder@1"
    (folder / model_files.META).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="relazione train"):
        model_files.load(folder)
    result = runner.invoke(app, ["classify", "--model", str(tmp_path / "none"), str(EXAMPLES)])
    assert result.exit_code == 2 and "relazione train" in result.stderr


def test_cli_classify_examples_json_and_stdin():
    files = sorted(str(p) for p in EXAMPLES.glob("*.json"))
    result = runner.invoke(app, ["classify", "--format", "json", *files])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["block"] for d in data] == ["A", "B", "C", "D"]
    lagoscuro = data[3]
    assert lagoscuro["codes"]["R36"]["supported"] and lagoscuro["codes"]["R36"]["evidence"]
    piped = runner.invoke(app, ["classify", "-f", "json", "-"], input="Il bando per assistente sociale è andato "
                                                                     "deserto e il posto è rimasto vacante.")
    assert piped.exit_code == 0
    only = json.loads(piped.stdout)[0]
    assert only["block"] is None and len(only["codes"]) == 24
    table = runner.invoke(app, ["classify", "--block", "D", files[3]])
    assert table.exit_code == 0 and "R36" in table.stdout


def test_cli_train_and_eval_on_a_small_corpus(tmp_path):
    records = corpus.load()
    small = [r for r in records if r["split"] != "train"][::6] + [r for r in records if r["split"] == "train"][::8]
    path = tmp_path / "small.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in small), encoding="utf-8")
    out = tmp_path / "model"
    result = runner.invoke(app, ["train", "--corpus", str(path), "-o", str(out), "--seed", "1", "--folds", "2"])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / model_files.META).read_text())
    assert meta["corpus_sha256"] == model_files.sha256_file(path)
    # fitted on train and dev alike, thresholds from out-of-fold predictions: the test split is never used
    assert meta["train_narratives"] == sum(r["split"] in ("train", "dev") for r in small)
    assert meta["threshold_folds"] == 2 and 0 < meta["cv_micro_f1"] <= 1
    assert meta["sentence_files_sha256"] == model_files.sentence_files_hash()
    thresholds = json.loads((out / model_files.THRESHOLDS).read_text())
    assert set(thresholds["codes"]) == set(form.MOTIVATION_CODES)
    assert set(thresholds["audit"]) == set(AUDIT_KINDS)
    assert all(0 < t["threshold"] < 1 and 0 <= t["recall"] <= 1 for t in thresholds["audit"].values())
    assert model_files.load(out).audit_thresholds_ == thresholds["audit"]
    assert "| `flag_no_but_supported/altro` |" in (out / "CARD.md").read_text()
    evaluated = runner.invoke(app, ["eval", "--model", str(out)])
    assert evaluated.exit_code == 0, evaluated.output
    report = json.loads((out / "eval.json").read_text())
    assert report["split"] == "test" and 0 <= report["narrative_level"]["micro"]["f1"] <= 1
    assert "| **micro** |" in (out / "CARD.md").read_text()


def test_cli_train_refuses_a_single_fold(tmp_path):
    result = runner.invoke(app, ["train", "-o", str(tmp_path / "model"), "--folds", "1"])
    assert result.exit_code == 2 and not (tmp_path / "model").exists()
    assert "--folds" in result.output
