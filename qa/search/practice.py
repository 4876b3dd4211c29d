"""The practice model at answer time: which privacy practice a sentence states, and whether it says the
company does NOT do it; which practice a question asks about. Numpy only, no torch.

It reads the MiniLM vectors the index already stores (L2-normalised, embedded as `qa.index.build` embeds a
passage or sentence: policy name, section, text) and question vectors from `embedder.embed_query`. A model
folder (`models/policyqa-practice`, trained by `policyqa tune practice`, see its MODEL_CARD.md) holds
`practice.safetensors` and `practice.json`. Each of its three heads is a stack of dense layers, ReLU
between them and a sigmoid at the end: one layer is a logistic regression, two a small MLP.

  topic     sentence/passage vector -> P(topic) for every topic (multi-label, each its own sigmoid)
  negated   sentence vector -> P(the sentence says the company does NOT do the practice)
  question  question vector -> P(the question asks about topic)

Thresholds: a policy states topic T iff some passage or sentence of it has P(T) >= `threshold(T)` (chosen
on training and calibration policies, see the model card); a question asks about T iff P(T) >= the
question threshold; a sentence is a "does not" statement iff `negated_probability` >= the stance threshold.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from qa.config import SHIPPED_DIR
from qa.errors import PracticeModelUnavailable

DEFAULT_PRACTICE = "policyqa-practice"
ENV_PRACTICE = "POLICYQA_PRACTICE"  # a folder or a name under models/; "none" turns the practice model off
WEIGHTS = "practice.safetensors"
CONFIG = "practice.json"
HEADS = ("topic", "negated", "question")
FORMAT_VERSION = 1


def dense_forward(layers: list[tuple[np.ndarray, np.ndarray]], vectors: np.ndarray) -> np.ndarray:
    """Sigmoid probabilities of a stack of (weight (out, in), bias (out,)) layers with ReLU between them."""
    hidden = np.asarray(vectors, dtype=np.float32)
    for i, (weight, bias) in enumerate(layers):
        hidden = hidden @ weight.T + bias
        if i < len(layers) - 1:
            hidden = np.maximum(hidden, 0.0)
    return 1.0 / (1.0 + np.exp(-np.clip(hidden, -60.0, 60.0)))


class PracticeModel:
    """The three heads and their thresholds; see the module docstring for how the thresholds are used."""

    def __init__(self, layers: dict[str, list[tuple[np.ndarray, np.ndarray]]], config: dict,
                 folder: Path | None = None):
        self.topics: tuple[str, ...] = tuple(config["topics"])
        self.dimension = int(config["dimension"])
        self.thresholds = np.asarray(config["thresholds"], dtype=np.float32)  # one per topic, in `topics` order
        self.question_threshold = float(config["question_threshold"])
        self.stance_threshold = float(config["stance_threshold"])
        self.config = config
        self._layers = layers
        # A model with its own encoder (a MiniLM fine-tuned on the practice labels, int8 ONNX in `encoder/`)
        # reads a sentence's text: its topic and stance heads take that encoder's vectors of the bare text,
        # not the index's. The question head always reads the index model's question vector.
        self.encoder_config: dict | None = config.get("encoder")
        self.folder = folder
        self._encoder: Any = None  # qa.embed.onnx.OnnxEncoder, opened on first use

    @property
    def reads_text(self) -> bool:
        """Whether the topic and stance heads take `encode(texts)` (True) or the index's vectors."""
        return self.encoder_config is not None

    @property
    def identity(self) -> str:
        """What a cached encoder vector depends on: the encoder's weights (their sha256, from practice.json)."""
        config = self.encoder_config or {}
        return f"{config.get('sha256', '')}:{config.get('max_length', '')}"

    def encode(self, texts: list[str]) -> np.ndarray:
        """The practice encoder's vectors of `texts` (bare sentence or passage text), (n, dimension)."""
        if self.encoder_config is None or self.folder is None:
            raise PracticeModelUnavailable("this practice model has no encoder; it reads the index's vectors")
        if self._encoder is None:
            from qa.embed.onnx import OnnxEncoder

            folder = self.folder / self.encoder_config["folder"]
            try:
                self._encoder = OnnxEncoder(folder, folder / "model-int8.onnx", int(self.encoder_config["max_length"]),
                                            self.dimension, with_types=True, one_per_run=True)
            except Exception as err:  # onnxruntime's and tokenizers' own errors for a damaged file
                message = str(err).splitlines()[0] if str(err) else type(err).__name__
                raise PracticeModelUnavailable(f"practice model {self.folder}: its encoder cannot be opened "
                                               f"({type(err).__name__}: {message[:200]})") from err
        return self._encoder.encode(texts)

    def threshold(self, topic: str) -> float:
        """The P(topic) at or above which a passage or sentence states `topic` (KeyError for an unknown id)."""
        if topic not in self.topics:
            raise KeyError(f"unknown topic {topic!r}; the model knows {', '.join(self.topics)}")
        return float(self.thresholds[self.topics.index(topic)])

    def encode_cached(self, texts: list[str]) -> np.ndarray:
        """`encode(texts)`, kept on disk under the cache root by the encoder's identity and the texts (one file
        per call: a policy's sentences and passages): encoding a policy's few hundred texts takes seconds,
        reading them back milliseconds. A damaged file is encoded again; float32, so a vector read back
        decides exactly as a fresh one."""
        import io

        from qa.files import atomic_write

        path = self._cache_path(texts)
        if path.is_file():
            try:
                vectors = np.load(path, allow_pickle=False)
                if vectors.shape == (len(texts), self.dimension):
                    return vectors.astype(np.float32, copy=False)
            except (OSError, ValueError):
                pass
        # A text met twice in one call (a one-sentence passage is also its sentence; a policy repeats its
        # boilerplate) is encoded once: the encoder runs one text at a time, so its vector is the same.
        unique = {text: i for i, text in enumerate(dict.fromkeys(texts))}
        read = np.asarray(self.encode(list(unique)), dtype=np.float32).reshape(len(unique), self.dimension)
        vectors = read[np.fromiter((unique[t] for t in texts), dtype=np.int64, count=len(texts))]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            buffer = io.BytesIO()
            np.save(buffer, vectors, allow_pickle=False)
            atomic_write(path, buffer.getvalue())
        except OSError:
            pass  # a read-only cache: encoded again next time
        return vectors

    def is_cached(self, texts: list[str]) -> bool:
        """Whether `encode_cached(texts)` would read its vectors from disk rather than encode them."""
        return self._cache_path(texts).is_file()

    def _cache_path(self, texts: list[str]) -> Path:
        import hashlib

        from qa.config import cache_root

        key = hashlib.sha256("\0".join([self.identity, *texts]).encode()).hexdigest()
        return cache_root() / "practice-vectors" / key[:2] / f"{key}.npy"

    def _check(self, vectors: np.ndarray) -> np.ndarray:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim == 1:
            vectors = vectors[None, :]
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension:
            raise ValueError(f"vectors must have shape (n, {self.dimension}), got {vectors.shape}")
        return vectors

    def topic_probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """P(topic) for each passage/sentence vector: (n, len(topics)), each in [0, 1], independent."""
        return dense_forward(self._layers["topic"], self._check(vectors))

    def negated_probability(self, vectors: np.ndarray) -> np.ndarray:
        """P(the sentence states the company does NOT do its practice), shape (n,). Meaningful for sentences
        that state a practice (some topic at or above its threshold); trained on sentences, not passages."""
        return dense_forward(self._layers["negated"], self._check(vectors))[:, 0]

    def question_topics(self, vector: np.ndarray) -> np.ndarray:
        """P(the question asks about topic) for one question vector (from `embed_query`): shape (T,).
        All below `question_threshold`: the question is about no practice of the taxonomy."""
        vector = np.asarray(vector, dtype=np.float32)
        if vector.ndim == 2 and vector.shape[0] != 1:
            raise ValueError(f"question_topics takes one vector, got {vector.shape[0]}")
        return dense_forward(self._layers["question"], self._check(vector.reshape(1, -1)))[0]


def practice_folder(name: str | None = None) -> Path | None:
    """The model folder to use: `name`, else $POLICYQA_PRACTICE, else the shipped one; None when "none"."""
    chosen = name or os.environ.get(ENV_PRACTICE) or DEFAULT_PRACTICE
    if chosen.lower() == "none":
        return None
    path = Path(chosen)
    return path if path.is_dir() else SHIPPED_DIR / chosen


def read_practice_model(folder: Path) -> PracticeModel:
    """Load a model folder; PracticeModelUnavailable (one line) when it is missing or damaged."""
    try:
        from safetensors.numpy import load_file

        config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
        if config.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"format_version {config.get('format_version')!r}, expected {FORMAT_VERSION}")
        tensors = load_file(str(folder / WEIGHTS))
        layers: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        for head in HEADS:
            count = int(config["layers"][head])
            layers[head] = [(tensors[f"{head}.{i}.weight"].astype(np.float32),
                             tensors[f"{head}.{i}.bias"].astype(np.float32)) for i in range(count)]
        model = PracticeModel(layers, config, folder)
        if model.reads_text and not (folder / str(config["encoder"]["folder"]) / "model-int8.onnx").is_file():
            raise FileNotFoundError(2, "missing", str(folder / str(config["encoder"]["folder"]) / "model-int8.onnx"))
        expected = {"topic": len(model.topics), "negated": 1, "question": len(model.topics)}
        for head, (weight, _) in ((h, layers[h][-1]) for h in HEADS):
            if layers[head][0][0].shape[1] != model.dimension or weight.shape[0] != expected[head]:
                raise ValueError(f"head {head!r} has the wrong shape")
        if model.thresholds.shape != (len(model.topics),):
            raise ValueError(f"{len(model.thresholds)} thresholds for {len(model.topics)} topics")
    except FileNotFoundError as err:
        raise PracticeModelUnavailable(f"practice model {folder} is incomplete: {Path(str(err.filename)).name} "
                                       "is missing") from err
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError) as err:
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise PracticeModelUnavailable(f"practice model {folder} cannot be read: {message}") from err
    except Exception as err:  # safetensors raises its own error type on a damaged file
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise PracticeModelUnavailable(f"practice model {folder} cannot be read: {message}") from err
    return model


_LOADED: dict[Path, PracticeModel] = {}


def load_practice_model(name: str | None = None) -> PracticeModel | None:
    """The practice model named `name` (a folder, or a name under models/; default $POLICYQA_PRACTICE, else
    policyqa-practice), loaded once per process; None for "none". Raises PracticeModelUnavailable."""
    folder = practice_folder(name)
    if folder is None:
        return None
    if not folder.is_dir():
        raise PracticeModelUnavailable(f"practice model {folder} not found (set {ENV_PRACTICE}=none to go without)")
    key = folder.resolve()
    if key not in _LOADED:
        _LOADED[key] = read_practice_model(folder)
    return _LOADED[key]
