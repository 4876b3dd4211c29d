"""The reranker at answer time: int8 ONNX, no torch, shipped in `models/`.

A reranker folder holds `model-int8.onnx` (a MiniLM trained here by `policyqa tune reranker`, see its
README.md model card), `tokenizer.json`, and `reranker.json`: its kind, the maximum input length and the
calibration fitted on held-out policies, which turns the model's score and the first-stage retrieval
score of a passage into the probability that the passage answers the question. That probability orders
the passages and decides "not stated".
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from qa.embed.adapter import SHIPPED_DIR
from qa.errors import RerankerUnavailable  # noqa: F401 - raised here; defined in qa.errors
from qa.search.terms import terms_in
from qa.types import Hit

DEFAULT_RERANKER = "policyqa-reranker"
ENV_RERANKER = "POLICYQA_RERANKER"  # a folder or a name under models/; "none" turns reranking off
RUN_BATCH = 16  # pairs per inference call; sorted by length, so a batch pads little


def bi_encoder_input(name: str, section: str, text: str) -> str:
    """What the bi-encoder reranker embeds of a passage: as the index embeds it (`qa.index.pipeline.embedding_text`)."""
    return f"{name} - {section}\n{text}" if section else f"{name}\n{text}"


def passage_input(section: str, text: str) -> str:
    """What the reranker reads of a passage, in training and at answer time: its section, then its text."""
    return f"{section}\n{text}" if section else text


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


def reranker_folder(name: str | None = None) -> Path | None:
    """The reranker to use: `name`, else $POLICYQA_RERANKER, else the shipped one; None when turned off."""
    chosen = name or os.environ.get(ENV_RERANKER) or DEFAULT_RERANKER
    if chosen.lower() == "none":
        return None
    path = Path(chosen)
    return path if path.is_dir() else SHIPPED_DIR / chosen


class Reranker:
    """Scores retrieved passages for a question; `score` returns one raw score per hit (higher: more likely
    to answer), which the calibration turns into a probability.

    Two kinds, by `reranker.json`'s "kind": "cross-encoder" (the question and passage read together, one
    logit) and "bi-encoder" (a fine-tuned MiniLM embeds the question and each passage as the index does;
    the score is their cosine, and passage vectors are cached, since the same passages come back).
    """

    def __init__(self, folder: Path):
        config_path = folder / "reranker.json"
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
            self.calibration = Calibration(**config["calibration"])
            self.max_length = int(config["max_length"])
            self.kind = config.get("kind", "cross-encoder")
            if self.kind not in ("cross-encoder", "bi-encoder"):
                raise ValueError(f"unknown reranker kind {self.kind!r}")
            if self.kind == "bi-encoder":
                from qa.embed.onnx import OnnxEncoder

                self.encoder = OnnxEncoder(folder, folder / "model-int8.onnx", self.max_length,
                                           int(config["dimension"]), with_types=True, one_per_run=True)
            else:
                self._open_cross_encoder(folder)
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise RerankerUnavailable(f"reranker at {folder} cannot be loaded ({type(err).__name__}: "
                                      f"{str(err).splitlines()[0] if str(err) else ''})") from err
        except Exception as err:  # onnxruntime's own errors for a corrupt model file
            raise RerankerUnavailable(f"reranker at {folder} cannot be loaded ({type(err).__name__})") from err
        self.name = folder.name
        self.folder = folder
        self._vectors: dict[str, np.ndarray] = {}

    def _open_cross_encoder(self, folder: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_length, strategy="only_second")
        self.tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(folder / "model-int8.onnx"), options,
                                            providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self.session.get_inputs()}

    def score(self, question: str, hits: Sequence) -> np.ndarray:
        """One score per hit (a `qa.types.Hit`: name, section, text), in input order."""
        if not hits:
            return np.zeros(0, dtype=np.float32)
        if self.kind == "bi-encoder":
            return self._cosines(question, hits)
        return self._logits(question, [passage_input(h.section, h.text) for h in hits])

    def _cosines(self, question: str, hits: Sequence) -> np.ndarray:
        texts = [bi_encoder_input(h.name, h.section, h.text) for h in hits]
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            if len(self._vectors) > 50_000:  # a bound on memory for very large corpora
                self._vectors.clear()
            # The encoder runs one passage per run (int8): a vector computed in a batch would depend on its
            # batch-mates, and an answer on which questions came before it.
            for text, vector in zip(missing, self.encoder.encode(missing)):
                self._vectors[text] = vector
        query = self.encoder.encode([question])[0]
        return np.stack([self._vectors[t] for t in texts]) @ query

    def _logits(self, question: str, passages: Sequence[str]) -> np.ndarray:
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


def keep_literal(first: dict[str, list[Hit]], reranked: dict[str, list[Hit]],
                  terms: Sequence[str]) -> dict[str, list[Hit]]:
    """The reranked candidates, except that a policy's first-stage best passage holding every key term of
    the question ("sell", "Google Analytics") stays first when the reranker's first does not hold them all:
    a literal answer is never demoted below a paraphrase. It takes the best probability among them."""
    if not terms:
        return reranked
    out = {}
    for policy_id, hits in reranked.items():
        top = first.get(policy_id, [])
        if hits and top and terms_in(top[0].text, terms) == 1.0 and terms_in(hits[0].text, terms) < 1.0:
            literal = next(h for h in hits if h.passage_id == top[0].passage_id)
            hits = [replace(literal, probability=hits[0].probability), *[h for h in hits if h is not literal]]
        out[policy_id] = hits
    return out


def rerank_candidates(reranker, question: str, candidates: dict[str, list[Hit]]) -> dict[str, list[Hit]]:
    """Each policy's candidates rescored by the reranker (one batch for all), best first; each hit gets its
    `probability`, calibrated, that it answers the question (its retrieval `score` stays as it was)."""
    flat = [h for hits in candidates.values() for h in hits]
    if not flat:
        return candidates
    logits = reranker.score(question, flat)
    probabilities = reranker.calibration.probability(logits, np.array([h.score for h in flat], dtype=np.float32))
    rescored = iter(replace(h, probability=float(p)) for h, p in zip(flat, probabilities))
    out = {}
    for policy_id, hits in candidates.items():
        mine = [next(rescored) for _ in hits]
        out[policy_id] = sorted(mine, key=lambda h: -h.rank_score)
    return out
