"""The cross-encoder reranker at answer time: int8 ONNX, no torch, shipped in `models/`.

A reranker folder holds `model-int8.onnx` (a MiniLM cross-encoder trained here by `policyqa tune
--reranker`, see its README.md model card), `tokenizer.json`, and `reranker.json`: the maximum input
length and the calibration fitted on held-out policies, which turns the model's logit and the
first-stage retrieval score of a passage into the probability that the passage answers the question.
That probability orders the passages and decides "not stated".
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from qa.embedding import ModelLoadError
from qa.settings import PROJECT_ROOT

DEFAULT_RERANKER = "policyqa-reranker"
ENV_RERANKER = "POLICYQA_RERANKER"  # a folder or a name under models/; "none" turns reranking off
RUN_BATCH = 16  # pairs per inference call; sorted by length, so a batch pads little


def passage_input(section: str, text: str) -> str:
    """What the reranker reads of a passage, in training and at answer time: its section, then its text."""
    return f"{section}\n{text}" if section else text


class RerankerUnavailable(ModelLoadError):
    """The reranker folder is missing or unreadable (one line); a ModelLoadError, so every caller that
    reports a model that cannot load reports this too."""


@dataclass(frozen=True)
class Calibration:
    """probability = sigmoid(logit_weight * logit + retrieval_weight * retrieval score + bias).

    Fitted by logistic regression on passages of held-out calibration policies; `threshold` is the
    probability below which a policy's best passage is "not stated".
    """

    logit_weight: float
    retrieval_weight: float
    bias: float
    threshold: float

    def probability(self, logits: np.ndarray, retrieval: np.ndarray) -> np.ndarray:
        z = self.logit_weight * logits + self.retrieval_weight * retrieval + self.bias
        return 1.0 / (1.0 + np.exp(-z))


def models_dir() -> Path:
    return PROJECT_ROOT / "models"


def reranker_folder(name: str | None = None) -> Path | None:
    """The reranker to use: `name`, else $POLICYQA_RERANKER, else the shipped one; None when turned off."""
    chosen = name or os.environ.get(ENV_RERANKER) or DEFAULT_RERANKER
    if chosen.lower() == "none":
        return None
    path = Path(chosen)
    return path if path.is_dir() else models_dir() / chosen


class Reranker:
    """Scores (question, passage) pairs with the cross-encoder; `score` returns raw logits."""

    def __init__(self, folder: Path):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        config_path = folder / "reranker.json"
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
            self.calibration = Calibration(**config["calibration"])
            self.max_length = int(config["max_length"])
            self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            options = ort.SessionOptions()
            options.intra_op_num_threads = os.cpu_count() or 1
            options.inter_op_num_threads = 1
            self.session = ort.InferenceSession(str(folder / "model-int8.onnx"), options,
                                                providers=["CPUExecutionProvider"])
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise RerankerUnavailable(f"reranker at {folder} cannot be loaded ({type(err).__name__}: "
                                      f"{str(err).splitlines()[0] if str(err) else ''})") from err
        except Exception as err:  # onnxruntime's own errors for a corrupt model file
            raise RerankerUnavailable(f"reranker at {folder} cannot be loaded ({type(err).__name__})") from err
        self.tokenizer.enable_truncation(self.max_length, strategy="only_second")
        self.tokenizer.no_padding()
        self.name = folder.name
        self.folder = folder
        self._inputs = {i.name for i in self.session.get_inputs()}

    def score(self, question: str, passages: Sequence[str]) -> np.ndarray:
        """One logit per passage (higher: more likely to answer `question`), in input order."""
        if not passages:
            return np.zeros(0, dtype=np.float32)
        encodings = self.tokenizer.encode_batch([(question, p) for p in passages])
        order = sorted(range(len(passages)), key=lambda i: len(encodings[i].ids))
        out = np.empty(len(passages), dtype=np.float32)
        for start in range(0, len(order), RUN_BATCH):
            chosen = order[start:start + RUN_BATCH]
            width = max(len(encodings[i].ids) for i in chosen)
            ids = np.zeros((len(chosen), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            types = np.zeros_like(ids)
            for row, i in enumerate(chosen):
                e = encodings[i]
                ids[row, :len(e.ids)] = e.ids
                mask[row, :len(e.ids)] = 1
                types[row, :len(e.ids)] = e.type_ids
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            logits = self.session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
            out[chosen] = np.asarray(logits, dtype=np.float32).reshape(len(chosen))
        return out


_LOADED: dict[str, Reranker] = {}


def load_reranker(name: str | None = None) -> Reranker | None:
    """The reranker (loaded once per process), or None when turned off or not shipped."""
    folder = reranker_folder(name)
    if folder is None:
        return None
    key = str(folder.resolve())
    if key not in _LOADED:
        if not (folder / "reranker.json").is_file():
            if name or os.environ.get(ENV_RERANKER):
                raise RerankerUnavailable(f"no reranker at {folder} (reranker.json missing)")
            return None
        _LOADED[key] = Reranker(folder)
    return _LOADED[key]


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
