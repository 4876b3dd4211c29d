"""Shared fixtures: a deterministic fake embedder for unit tests, the real model once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from qa.embed.load import register_embedder, unregister_embedder
from tests.fakes import FAKE_MODEL, FakeEmbedder

ROOT = Path(__file__).resolve().parent.parent

# No per-example deadline for property tests: speed is measured by `policyqa bench`, never asserted in tests
# (on a loaded 2-core CI machine one example took 701 ms against hypothesis' default 200 ms). Tests bound
# work instead (statements run, memory, rows read); a clock appears only as a hang guard far above what the
# code takes (a frozen server given 30 s against its 5 s statement timeout, quadratic parsing given 60 s).
settings.register_profile("policyqa", deadline=None)
settings.load_profile("policyqa")
SEED_POLICIES = ROOT / "policies"
POLICYQA_DEV = ROOT.parent / "shared" / "data" / "policyqa" / "dev.json"


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def fake_model():
    """`load_embedder("fake-embedder")` gives a FakeEmbedder: so does every command that opens an index
    built with `--model fake-embedder` (registered through the real seam, not patched)."""
    register_embedder(FAKE_MODEL, lambda model, backend=None: FakeEmbedder(model))
    yield FAKE_MODEL
    unregister_embedder(FAKE_MODEL)


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
    from qa.embed.sentence import SentenceEmbedder

    return SentenceEmbedder()


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory, real_embedder) -> Path:
    """The seed policies indexed with the real model, once per session (read-only for tests)."""
    from qa.config import BuildSettings
    from qa.index.build import build_index

    folder = tmp_path_factory.mktemp("seed-index") / "index"
    report = build_index(SEED_POLICIES, folder, BuildSettings(), lambda: real_embedder)
    assert not report.errors, report.errors
    return folder


@pytest.fixture(scope="module")
def pg_url():
    """A real PostgreSQL server with pgvector (tests/pg_fixture.py), one per test module that asks; its URL."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns that XDG_RUNTIME_DIR is unset
        from pg_fixture import local_server

        with local_server() as url:
            yield url
