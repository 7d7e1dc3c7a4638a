"""Text out of a document: .txt as UTF-8 (latin-1 fallback), .pdf through pypdf's text layer.

Every failure becomes a one-line :class:`ParseError` naming the file: an encrypted PDF, a corrupt one, a PDF
without a text layer (a scan never OCR'd), a file that cannot be read.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ParseError


def extract_text(path: str | Path) -> str:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".pdf":
        return _pdf_text(p)
    if suffix == ".txt":
        return decode(_read(p))
    raise ParseError(f"{p}: tipo di file non supportato (ammessi: .txt, .pdf)")


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM); anything else is taken as latin-1, which never fails."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _read(p: Path) -> bytes:
    try:
        return p.read_bytes()
    except OSError as exc:
        raise ParseError(f"{p}: impossibile leggere il file ({exc.strerror or exc})") from None


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs repairs of damaged files; the user gets our one-line message instead."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _pdf_text(p: Path) -> str:
    try:
        from pypdf import PdfReader
    except ImportError:
        raise ParseError(f"{p}: la lettura dei PDF richiede il pacchetto pypdf (pip install pypdf)") from None
    data = _read(p)
    with _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not _open_without_password(reader):
                raise ParseError(f"{p}: PDF protetto da password: salvarne una copia senza protezione")
            pages = [page.extract_text() or "" for page in reader.pages]
        except ParseError:
            raise
        except Exception as exc:  # noqa: BLE001 - pypdf raises many types for damaged files; all mean "cannot read"
            raise ParseError(f"{p}: PDF danneggiato o non leggibile ({type(exc).__name__})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise ParseError(f"{p}: il PDF non contiene testo (scansione senza OCR?)")
    return text


def _open_without_password(reader) -> bool:
    """PDFs locked only against editing open with the empty password; others cannot be read."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - a cipher pypdf cannot handle without optional packages: as good as locked
        return False
