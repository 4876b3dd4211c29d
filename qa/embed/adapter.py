"""A query-side adapter: a small learned map applied to question embeddings only.

Passages and sentences are embedded by the plain base model, so an index's vectors do not change;
a question's vector `q` becomes `normalize(q + (q @ down) @ up)`, where `down` is (dimension, rank)
and `up` is (rank, dimension). `up` starts at zero, so an untrained adapter is the plain model.

On disk an adapter is a folder of plain files, no pickle:

    adapter.json         format version, base model, dimension, rank, sha256 of the weights, how it was
                         trained and what it measured
    adapter.safetensors  the two float32 matrices `down` and `up`
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa.config import SHIPPED_DIR  # shipped models (adapters, rerankers), one folder each, found by name
from qa.embed.base import Embedder
from qa.errors import AdapterError  # noqa: F401 - raised here; defined in qa.errors

FORMAT = "policyqa-query-adapter"
FORMAT_VERSION = 1
CONFIG = "adapter.json"
WEIGHTS = "adapter.safetensors"


@dataclass
class QueryAdapter:
    """The learned map and what describes it; `info` is free-form (training data, settings, metrics)."""

    base_model: str
    down: np.ndarray  # (dimension, rank) float32
    up: np.ndarray  # (rank, dimension) float32
    info: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.down = np.ascontiguousarray(self.down, dtype=np.float32)
        self.up = np.ascontiguousarray(self.up, dtype=np.float32)
        if self.down.ndim != 2 or self.up.ndim != 2 or self.down.shape[::-1] != self.up.shape:
            raise AdapterError(f"adapter matrices must be (dimension, rank) and (rank, dimension), "
                               f"got {self.down.shape} and {self.up.shape}")

    @property
    def dimension(self) -> int:
        return self.down.shape[0]

    @property
    def rank(self) -> int:
        return self.down.shape[1]

    @classmethod
    def identity(cls, base_model: str, dimension: int, rank: int, seed: int = 0) -> QueryAdapter:
        """An adapter that changes nothing yet: `down` random, `up` zero (as LoRA starts)."""
        if rank < 1:
            raise AdapterError(f"rank must be >= 1, got {rank}")
        rng = np.random.default_rng(seed)
        down = rng.normal(0, 1 / np.sqrt(dimension), (dimension, rank))
        return cls(base_model, down, np.zeros((rank, dimension)))

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        """Map normalised query vectors (rows) to normalised adapted vectors, float32."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension:
            raise AdapterError(f"adapter expects vectors of dimension {self.dimension}, got shape {vectors.shape}")
        mapped = vectors + (vectors @ self.down) @ self.up
        norms = np.linalg.norm(mapped, axis=1, keepdims=True)
        return np.ascontiguousarray(mapped / np.where(norms > 0, norms, 1), dtype=np.float32)

    def weights_bytes(self) -> int:
        return self.down.nbytes + self.up.nbytes

    # -- files -------------------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write adapter.json and adapter.safetensors into `folder` (created if needed)."""
        from safetensors.numpy import save_file

        folder.mkdir(parents=True, exist_ok=True)
        save_file({"down": self.down, "up": self.up}, str(folder / WEIGHTS))
        os.chmod(folder / WEIGHTS, 0o644)  # safetensors writes 0600; the file is meant to be shared
        config = {"format": FORMAT, "format_version": FORMAT_VERSION, "base_model": self.base_model,
                  "dimension": self.dimension, "rank": self.rank, "weights": WEIGHTS,
                  "weights_sha256": _sha256(folder / WEIGHTS), **self.info}
        (folder / CONFIG).write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> QueryAdapter:
        """Read an adapter folder; AdapterError when it is missing, corrupt or of another format."""
        from safetensors import SafetensorError
        from safetensors.numpy import load_file

        try:
            config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise AdapterError(f"cannot read {folder / CONFIG}: {err}".splitlines()[0]) from None
        if config.get("format") != FORMAT or config.get("format_version") != FORMAT_VERSION:
            raise AdapterError(f"{folder / CONFIG} is not a {FORMAT} version {FORMAT_VERSION} "
                               f"(got {config.get('format')!r} version {config.get('format_version')!r})")
        weights = folder / str(config.get("weights", WEIGHTS))
        expected = config.get("weights_sha256")
        try:
            if expected and _sha256(weights) != expected:
                raise AdapterError(f"{weights} does not match the sha256 in {folder / CONFIG}")
            tensors = load_file(str(weights))
            down, up = tensors["down"], tensors["up"]
        except (OSError, KeyError, SafetensorError) as err:
            raise AdapterError(f"cannot read adapter weights {weights}: {err}".splitlines()[0]) from None
        known = {"format", "format_version", "base_model", "dimension", "rank", "weights", "weights_sha256"}
        adapter = cls(str(config["base_model"]), down, up, {k: v for k, v in config.items() if k not in known})
        if adapter.dimension != config.get("dimension") or adapter.rank != config.get("rank"):
            raise AdapterError(f"{weights} has shape {adapter.down.shape}, {folder / CONFIG} says "
                               f"dimension {config.get('dimension')} and rank {config.get('rank')}")
        return adapter


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def adapter_folder(model: str) -> Path | None:
    """The adapter folder `model` names: a shipped adapter's name (a folder of `models/`), or a path to
    a folder holding adapter.json. None when `model` is no adapter (a plain sentence-transformers model)."""
    if not model:
        return None
    shipped = SHIPPED_DIR / model
    if "/" not in model and "\\" not in model and (shipped / CONFIG).is_file():
        return shipped
    path = Path(model).expanduser()
    return path if (path / CONFIG).is_file() else None


class AdaptedEmbedder:
    """A base embedder whose questions go through a `QueryAdapter`; passages are embedded unchanged.

    `model_id` is the adapter's name (what the index manifest records), not the base model's.
    """

    def __init__(self, base: Embedder, adapter: QueryAdapter, model_id: str):
        if base.dimension != adapter.dimension:
            raise AdapterError(f"adapter '{model_id}' is for dimension {adapter.dimension}, "
                               f"its base model gives {base.dimension}")
        self.base = base
        self.adapter = adapter
        self.model_id = model_id
        self.dimension = base.dimension
        self.backend = getattr(base, "backend", None)

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Passages and sentences: the base model's vectors, so the index matches the plain model's."""
        return self.base.embed(texts, batch_size=batch_size)

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        """Questions: the base model's vectors mapped by the adapter (normalised to length 1)."""
        return self.adapter.apply(self.base.embed_query(texts))
