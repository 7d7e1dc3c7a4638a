"""relazione: write and audit the R40 narrative of the FSC social-services Relazione.

The public API is small and imports lazily, so that ``relazione --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Record", "RecordError", "__version__", "analyze", "load_record", "save_record"]

if TYPE_CHECKING:  # pragma: no cover
    from .analysis import analyze
    from .errors import RecordError
    from .record import Record, load_record, save_record

_LAZY = {
    "analyze": "analysis", "Record": "record", "load_record": "record", "save_record": "record",
    "RecordError": "errors",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(name)
