"""Running a sentence-transformers model with ONNX Runtime instead of PyTorch: faster, and no torch import.

sentence-transformers' own `backend="onnx"` needs `optimum`, whose releases pin an older transformers
than this project runs, so the export is done here with `torch.onnx.export` and inference with
onnxruntime and the model's own `tokenizer.json`. Only the common shape is supported: a BERT-family
transformer, mean pooling, optional Normalize. `onnx_encoder` returns None for anything else, and the
caller keeps PyTorch.

Exports live in a cache folder (`$POLICYQA_CACHE/onnx/<model hash>/`, default `~/.cache/policyqa`), never
beside the model: `model.onnx` (float32, the same vectors as PyTorch to ~1e-6) and `model-int8.onnx`
(weights quantized to int8 per channel, activations dynamically). Both are made once, on first use, by
a process that can import torch; later processes only load them.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from qa.config import cache_root

EXPORT_VERSION = 1  # bump when the export recipe changes, so stale exports are made again
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_BERT_FAMILY = {"bert", "distilbert", "roberta", "xlm-roberta", "mpnet", "electra"}
QUERY_BATCH = 4  # up to this many texts run on the single-threaded session (questions)
# Texts per inference call, whatever batch size the caller asks for: with texts sorted by length, 8-16
# ran ~20% faster than 64 on this project's 2-core machine (less padding, activations stay in cache).
MAX_RUN_BATCH = 16


class OnnxUnavailable(RuntimeError):
    """The model cannot run under ONNX Runtime here; the message says why (one line)."""


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def model_hash(model_dir: Path) -> str:
    """A short id for a model folder: its configs' contents and its weights' sizes and times."""
    digest = hashlib.sha256(f"export-v{EXPORT_VERSION}\0".encode())
    for name in ("config.json", "modules.json", "sentence_bert_config.json", "tokenizer.json",
                 "1_Pooling/config.json"):
        path = model_dir / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"-"))
    for weights in sorted(model_dir.glob("*.safetensors")) + sorted(model_dir.glob("*.bin")):
        stat = weights.stat()
        digest.update(f"{weights.name}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _check_supported(model_dir: Path) -> tuple[int, int, bool]:
    """(max_seq_length, dimension, whether it takes token_type_ids) for a supported model; else OnnxUnavailable."""
    modules = _read_json(model_dir / "modules.json")
    config = _read_json(model_dir / "config.json")
    if not isinstance(modules, list) or not isinstance(config, dict) or not (model_dir / "tokenizer.json").is_file():
        raise OnnxUnavailable(f"{model_dir} is not a local sentence-transformers folder with tokenizer.json")
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or any(k != "Normalize" for k in kinds[2:]):
        raise OnnxUnavailable(f"unsupported module layout {kinds}")
    pooling = _read_json(model_dir / modules[1].get("path", "1_Pooling") / "config.json") or {}
    others = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v and k != "pooling_mode_mean_tokens"]
    if not pooling.get("pooling_mode_mean_tokens") or others:
        raise OnnxUnavailable("only mean pooling is supported")
    if config.get("model_type") not in _BERT_FAMILY:
        raise OnnxUnavailable(f"unsupported model type {config.get('model_type')!r}")
    settings = _read_json(model_dir / "sentence_bert_config.json") or {}
    max_length = int(settings.get("max_seq_length") or config.get("max_position_embeddings") or 512)
    return max_length, int(config["hidden_size"]), config.get("model_type") == "bert"


def export(model_dir: Path, folder: Path, quantized: bool) -> Path:
    """Make (once) the float32 export of `model_dir` in `folder`, and the int8 one when `quantized`.

    Each file is written under a temporary name and renamed into place, so concurrent first uses at
    worst export twice. Needs torch and transformers (float32) and the `onnx` package (int8).
    """
    folder.mkdir(parents=True, exist_ok=True)
    fp32 = folder / "model.onnx"
    if not fp32.is_file():
        _export_fp32(model_dir, fp32)
    if not quantized:
        return fp32
    int8 = folder / "model-int8.onnx"
    if not int8.is_file():
        import logging

        from qa.files import atomic_write

        # Importing the quantizer runs logging.basicConfig(level=INFO) (one of its modules does, at import)
        # and it advises pre-processing on the root logger; measured, not needed. Both are undone after, or
        # every later log record of any library (bm25s logs at DEBUG) would be printed.
        root = logging.getLogger()
        level, handlers = root.level, list(root.handlers)
        root.setLevel(logging.ERROR)
        try:
            try:
                from onnxruntime.quantization import QuantType, quantize_dynamic
            except ImportError as err:  # the quantizer needs the `onnx` package
                raise OnnxUnavailable(f"cannot quantize: {err}") from err
            # Per-channel int8 weights: per-tensor scales moved MiniLM's vectors by up to 0.11 in cosine.
            atomic_write(int8, lambda tmp: quantize_dynamic(str(fp32), str(tmp), per_channel=True,
                                                            weight_type=QuantType.QInt8))
        finally:
            root.setLevel(level)
            root.handlers[:] = handlers
    return int8


def _export_fp32(model_dir: Path, target: Path) -> None:
    import warnings

    try:
        import torch
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging
    except ImportError as err:
        raise OnnxUnavailable(f"exporting needs torch and transformers: {err}") from err

    hf_logging.disable_progress_bar()
    # Eager attention traces to plain ops; the SDPA path bakes shape checks into the graph.
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    _, _, with_types = _check_supported(model_dir)
    names = list(_INPUTS if with_types else _INPUTS[:2])

    class Encoder(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, *inputs):
            return self.inner(**dict(zip(names, inputs))).last_hidden_state

    example = torch.ones((2, 8), dtype=torch.int64)
    args = tuple(example if n != "token_type_ids" else torch.zeros_like(example) for n in names)
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]}

    def write(tmp: Path) -> None:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer warnings about shape checks that do not apply here
            torch.onnx.export(Encoder(model), args, str(tmp), input_names=names,
                              output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17,
                              dynamo=False, do_constant_folding=True)

    from qa.files import atomic_write

    atomic_write(target, write)


class OnnxEncoder:
    """The model under ONNX Runtime, with `SentenceTransformer.encode`'s calling convention.

    Questions (a few texts) run on a single-threaded session: on an idle 2-core machine that is ~1 ms
    slower than two threads (2.9 vs 2.0 ms a question), but with another busy process two threads took
    22 ms against 9.5. Batches run on a session that uses every core, created on first use.

    `one_per_run` (int8 models): every text runs alone, so its vector is a function of the text only. An
    int8 model quantizes its activations with one scale per run, taken over every text in it, so in a
    batch a text's vector depends on its batch-mates (measured on the seed passages: cosine down to 0.980
    against the same text alone) and an index would hold other vectors for the same text depending on
    what was indexed with it. Many texts run alone on the single-threaded session from one thread per
    core: measured on 445 PolicyQA passages and their 1,641 sentences, 81-93 passages a second against
    88-99 in batches of 16 (about 6% slower); on the seed index's 580 texts the two were within noise.
    """

    def __init__(self, model_dir: Path, onnx_path: Path, max_length: int, dimension: int, with_types: bool,
                 one_per_run: bool = False):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._ort = ort
        self.onnx_path = onnx_path
        self.with_types = with_types
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length)
        self.tokenizer.no_padding()
        self._query_session = self._session(threads=1)
        self._batch_session = None
        self._pool: ThreadPoolExecutor | None = None
        self.dimension = dimension
        self.one_per_run = one_per_run

    def _session(self, threads: int):
        options = self._ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = self._ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        return self._ort.InferenceSession(str(self.onnx_path), options, providers=["CPUExecutionProvider"])

    def _session_for(self, count: int):
        if count <= QUERY_BATCH:
            return self._query_session
        if self._batch_session is None:
            self._batch_session = self._session(threads=os.cpu_count() or 1)
        return self._batch_session

    def get_sentence_embedding_dimension(self) -> int:
        return self.dimension

    def encode(self, texts: Sequence[str], batch_size: int = 64, normalize_embeddings: bool = True,
               convert_to_numpy: bool = True, show_progress_bar: bool = False) -> np.ndarray:
        """Mean-pooled (and, by default, normalised to length 1) float32 vectors, one row per text, in input order.

        Texts are run in order of length so a batch pads little, as sentence-transformers does.
        """
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        if self.one_per_run:
            runs = [[encodings[i]] for i in order]
            if len(runs) <= QUERY_BATCH:
                rows = [self._pooled(self._query_session, run) for run in runs]
            else:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="policyqa-onnx")
                rows = list(self._pool.map(lambda run: self._pooled(self._query_session, run), runs))
        else:
            session = self._session_for(len(texts))
            step = max(1, min(batch_size, MAX_RUN_BATCH))
            rows = [self._pooled(session, [encodings[i] for i in order[start:start + step]])
                    for start in range(0, len(order), step)]
        pooled = np.concatenate(rows).astype(np.float32, copy=False)
        if normalize_embeddings:
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        result = np.empty_like(pooled)
        result[order] = pooled
        return result

    def _pooled(self, session, batch: list) -> np.ndarray:
        """Mean-pooled token vectors of one run of tokenized texts (padded to the longest)."""
        width = max(len(e.ids) for e in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, e in enumerate(batch):
            ids[row, :len(e.ids)] = e.ids
            mask[row, :len(e.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if self.with_types:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        return (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)


def onnx_encoder(model_path: str, quantized: bool) -> OnnxEncoder | None:
    """An ONNX Runtime encoder for the local model folder `model_path`, exporting it on first use.

    None (after one line on stderr when something went wrong, rather than the model not fitting) when
    it cannot be had, so the caller falls back to PyTorch.
    """
    model_dir = Path(model_path)
    try:
        import onnxruntime  # noqa: F401 - is the runtime installed at all?
    except ImportError:
        return None
    try:
        max_length, dimension, with_types = _check_supported(model_dir)
        folder = cache_root() / "onnx" / model_hash(model_dir)
        path = folder / ("model-int8.onnx" if quantized else "model.onnx")
        if not path.is_file():
            path = export(model_dir, folder, quantized)
        return OnnxEncoder(model_dir, path, max_length, dimension, with_types, one_per_run=quantized)
    except OnnxUnavailable:
        return None
    except Exception as err:  # a failed export or a corrupt file: PyTorch still works
        print(f"policyqa: warning: ONNX Runtime unavailable for {model_dir.name}, using PyTorch "
              f"({type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''})", file=sys.stderr)
        return None
