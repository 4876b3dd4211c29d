"""Two implementations of one thing must agree: the tuner's torch dense score and the retriever's numpy one
(fast), and the ONNX runtimes and PyTorch on the real model's vectors (integration)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from qa.index.folder import Scorer
from qa.index.vectors import VectorIndex


def random_vectors(rng: np.random.Generator, count: int, dimension: int) -> np.ndarray:
    vectors = rng.normal(size=(count, dimension)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.mark.parametrize("sentence_weight", [0.0, 0.5, 0.8])
def test_torch_dense_score_matches_the_retrievers(sentence_weight):
    """`qa.train.adapter.dense_scores_torch` trains the adapter on the score `Scorer.dense_scores` ranks by."""
    torch = pytest.importorskip("torch")
    from qa.train.adapter import dense_scores_torch

    rng = np.random.default_rng(7)
    passages, dimension = 12, 16
    # Sentences in passage order, 0 to 4 each: passages 3 and 7 have none (they count their own cosine).
    counts = [2, 1, 3, 0, 4, 1, 2, 0, 1, 3, 2, 1]
    owners = np.repeat(np.arange(passages), counts)
    sentences = np.stack([owners, np.arange(len(owners)), np.arange(len(owners)) + 1], axis=1).astype(np.int64)
    passage_vectors = random_vectors(rng, passages, dimension)
    sentence_vectors = random_vectors(rng, len(owners), dimension)
    index = SimpleNamespace(passages=[SimpleNamespace(policy="p")] * passages, sentences=sentences,
                            vectors=VectorIndex.build(passage_vectors),
                            sentence_vectors=VectorIndex.build(sentence_vectors))
    scorer = Scorer(index, embedder=None)
    queries = random_vectors(rng, 5, dimension)
    expected = np.stack([scorer.dense_scores(q[None, :], np.arange(passages), sentence_weight) for q in queries])
    got = dense_scores_torch(torch.from_numpy(queries), torch.from_numpy(passage_vectors),
                             torch.from_numpy(sentence_vectors), torch.from_numpy(owners).unsqueeze(0), sentence_weight)
    assert got.shape == (5, passages)
    np.testing.assert_allclose(got.numpy(), expected, atol=1e-6)
    # Not trivially equal: the sentences move the scores (and a passage without any keeps its own cosine).
    if sentence_weight:
        assert not np.allclose(expected, queries @ passage_vectors.T, atol=1e-3)
        np.testing.assert_allclose(expected[:, 3], (queries @ passage_vectors.T)[:, 3], atol=1e-6)


TEXTS = ["How long do you keep call recordings?", "We keep call recordings for 30 days.",
         "We share your address with couriers and payment processors.", "Cookies",
         "You can ask us to delete your personal data at any time by writing to our data protection officer.",
         "Invoices are kept for seven years to meet our legal obligations under tax law."]
# Measured here on TEXTS (all-MiniLM-L6-v2): float32 ONNX equals PyTorch to 1.3e-7 per component (cosine 1.0);
# int8 (per-channel weights, one text per run) gives cosines 0.9896 to 0.9957, per-tensor scales were as low
# as 0.89. Over the seed index's 120 passages and 406 sentences: min 0.976, mean 0.9932 (batches of 16 gave
# min 0.974, mean 0.9927).
FP32_MIN_COSINE = 0.99999
INT8_MIN_COSINE = 0.985


@pytest.fixture(scope="module")
def torch_vectors():
    from qa.embed.sentence import SentenceEmbedder

    embedder = SentenceEmbedder(backend="torch")
    assert embedder.backend == "torch"
    return embedder.embed(TEXTS)


@pytest.mark.integration
@pytest.mark.parametrize("backend, bound", [("onnx", FP32_MIN_COSINE), ("onnx-int8", INT8_MIN_COSINE)])
def test_onnx_vectors_match_pytorch(torch_vectors, backend, bound):
    from qa.embed.sentence import SentenceEmbedder

    embedder = SentenceEmbedder(backend=backend)
    assert embedder.backend == backend  # ONNX Runtime really ran, not the PyTorch fallback
    vectors = embedder.embed(TEXTS)
    cosines = (vectors * torch_vectors).sum(axis=1)
    assert cosines.min() >= bound, cosines
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # The question's nearest text is the same on either runtime.
    assert int(np.argmax(vectors[1:] @ vectors[0])) == int(np.argmax(torch_vectors[1:] @ torch_vectors[0])) == 0


@pytest.mark.integration
def test_int8_vectors_do_not_depend_on_what_is_embedded_beside_them():
    """A text's int8 vector is the same alone, as a question, and among others in any order: an index
    holds one vector per text whichever build (folder, store, shard, incremental) embedded it."""
    from qa.embed.sentence import SentenceEmbedder

    embedder = SentenceEmbedder(backend="onnx-int8")
    assert embedder.backend == "onnx-int8"
    alone = np.concatenate([embedder.embed([text]) for text in TEXTS])
    together = embedder.embed(TEXTS * 3)[:len(TEXTS)]  # enough texts for the pool of runs
    shuffled = embedder.embed(TEXTS[::-1] + TEXTS[:2])[:len(TEXTS)][::-1]
    np.testing.assert_array_equal(together, alone)
    np.testing.assert_array_equal(shuffled, alone)
    np.testing.assert_array_equal(embedder.embed_query(TEXTS[:1]), alone[:1])
