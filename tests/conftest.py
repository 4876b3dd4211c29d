"""Shared fixtures: a deterministic fake embedder for unit tests, the real model once per session."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_POLICIES = ROOT / "policies"
POLICYQA_DEV = ROOT.parent / "shared" / "data" / "policyqa" / "dev.json"


class FakeEmbedder:
    """Hashed bag of words: same text, same vector; shared words make vectors close. No model needed."""

    def __init__(self, model_id: str = "fake-embedder", dimension: int = 64):
        self.model_id = model_id
        self.dimension = dimension
        self.calls: list[int] = []  # how many texts each call embedded

    def embed(self, texts, batch_size: int = 64) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
            if not norm:
                out[row, 0] = 1.0
        return out

    def embed_query(self, texts) -> np.ndarray:
        return self.embed(texts)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def seed_policies(tmp_path: Path) -> Path:
    """A copy of the five seed policies and their metadata, safe to modify."""
    folder = tmp_path / "policies"
    shutil.copytree(SEED_POLICIES, folder)
    return folder


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path, request):
    """Tests never read or write the repo's own index, whatever the caller's environment says.

    Unit tests answer without the shipped reranker (they test the path around it, with fakes); tests
    marked integration or e2e run the product as shipped, reranker included.
    """
    monkeypatch.setenv("POLICYQA_INDEX", str(tmp_path / "default-index"))
    monkeypatch.setenv("POLICYQA_POLICIES", str(tmp_path / "default-policies"))
    monkeypatch.setenv("POLICYQA_DATA", str(tmp_path / "default-data"))  # the chat's saved conversations
    monkeypatch.delenv("POLICYQA_MODEL", raising=False)
    if request.node.get_closest_marker("integration") or request.node.get_closest_marker("e2e"):
        monkeypatch.delenv("POLICYQA_RERANKER", raising=False)
    else:
        monkeypatch.setenv("POLICYQA_RERANKER", "none")


@pytest.fixture(scope="session")
def real_embedder():
    """The bundled all-MiniLM-L6-v2, loaded once for the whole session."""
    from qa.embed.embedding import SentenceEmbedder

    return SentenceEmbedder()


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory, real_embedder) -> Path:
    """The seed policies indexed with the real model, once per session (read-only for tests)."""
    from qa.index.build import build_index
    from qa.config import BuildSettings

    folder = tmp_path_factory.mktemp("seed-index") / "index"
    report = build_index(SEED_POLICIES, folder, BuildSettings(), lambda: real_embedder)
    assert not report.errors, report.errors
    return folder
