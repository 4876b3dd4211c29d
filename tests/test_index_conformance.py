"""Every index backend through one lifecycle: build -> open -> search (each retriever) -> answer -> rebuild with a
changed policy -> the new text is answered; and every backend answers as the folder does.

Only `qa.index.open` (`build_at`) and `qa.search.engine.open_engine` are called, as the shells call them. A backend is one entry of
LOCATIONS: how a test gets an empty location of that kind. Adding a backend to the factory (a module plus
its line in `qa.index.open.BACKENDS`) and its entry here runs every test below on it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qa.config import RETRIEVERS, BuildSettings
from qa.index.open import backend_name, build_at
from qa.search.engine import open_engine

pytestmark = pytest.mark.slow  # the store's case needs a real PostgreSQL server

SETTINGS = BuildSettings(model="fake-embedder")
QUESTIONS = ["How long does Concero keep phone call recordings?", "Do they sell my data to third parties?",
             "Who is the data protection officer?"]
NEW_TEXT = "Concero keeps zebra enclosure logs for seventeen fortnights."
NEW_QUESTION = "How long are zebra enclosure logs kept?"


def _folder(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    return str(tmp_path / "index")


def _postgresql(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A database of its own, so the location is the URL alone (the factory's default schema)."""
    import psycopg

    url = request.getfixturevalue("pg_url")
    database = "conf_" + request.node.name.lower().translate(str.maketrans("[]-", "___"))[:40]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database}")
        conn.execute(f"CREATE DATABASE {database}")
    return url.rsplit("/", 1)[0] + "/" + database


# backend -> an empty location of its kind in this test
LOCATIONS: dict[str, Callable[[Path, pytest.FixtureRequest], str]] = {
    "folder": _folder,
    "postgresql": _postgresql,
}


@pytest.fixture(params=list(LOCATIONS))
def location(request, tmp_path) -> str:
    where = LOCATIONS[request.param](tmp_path, request)
    assert backend_name(where) == request.param
    return where


def _build(where: str, policies: Path, embedder) -> None:
    report = build_at(where, policies, SETTINGS, lambda: embedder)
    assert not report.errors, report.errors


def _open(where: str, embedder):
    return open_engine(where, embedder_factory=lambda _: embedder, reranker="none", practice="none")


def _hits(engine, question: str, retriever: str, policies=None) -> list[tuple]:
    return [(h.policy, h.passage_id, h.start, h.end, round(h.score, 4), round(h.similarity, 4))
            for h in engine.search(question, k=5, policies=policies, retriever=retriever)]


def _rounded(value):
    """Floats to 4 decimals: a server sums float32 cosines in another order than numpy (within 1e-6)."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def _answer(engine, question: str) -> dict:
    answer = engine.answer(question).to_dict()
    answer.pop("latency_ms", None)
    return _rounded(answer)


def test_lifecycle(location, seed_policies, fake_embedder):
    _build(location, seed_policies, fake_embedder)
    engine = _open(location, fake_embedder)
    assert sorted(engine.policies) == sorted(p.stem for p in seed_policies.glob("*.txt"))
    assert engine.index.manifest["model"]["id"] == "fake-embedder"
    for retriever in RETRIEVERS:
        hits = engine.search(QUESTIONS[0], k=3, retriever=retriever)
        assert len(hits) == 3 and all(h.policy in engine.policies for h in hits), retriever
        scoped = engine.search(QUESTIONS[0], k=3, policies=["concero"], retriever=retriever)
        assert {h.policy for h in scoped} == {"concero"}
        for hit in scoped:  # offsets are into the policy text
            assert engine.policies["concero"].text[hit.start:hit.end] == hit.text
    answer = engine.answer(QUESTIONS[0], policies=["concero"])
    assert [row.policy for row in answer.rows] == ["concero"]

    concero = seed_policies / "concero.txt"
    concero.write_text(concero.read_text(encoding="utf-8") + "\n\n" + NEW_TEXT + "\n", encoding="utf-8")
    _build(location, seed_policies, fake_embedder)
    rebuilt = _open(location, fake_embedder)
    assert NEW_TEXT in rebuilt.policies["concero"].text
    hits = rebuilt.search(NEW_QUESTION, k=1, policies=["concero"], retriever="bm25")
    assert NEW_TEXT in hits[0].text
    answered = rebuilt.answer(NEW_QUESTION, policies=["concero"], retriever="bm25")
    assert "zebra" in str(answered.to_dict())


def test_every_backend_answers_as_the_folder(location, seed_policies, fake_embedder, tmp_path):
    """Same policies, same embedder: the same hits, scores and answers as a folder index."""
    folder = str(tmp_path / "reference")
    _build(folder, seed_policies, fake_embedder)
    _build(location, seed_policies, fake_embedder)
    reference, engine = _open(folder, fake_embedder), _open(location, fake_embedder)
    for question in QUESTIONS:
        for retriever in RETRIEVERS:
            for policies in (None, ["concero"], ["ct1-technologies", "23technology"]):
                assert _hits(engine, question, retriever, policies) == _hits(reference, question, retriever,
                                                                             policies), (question, retriever)
        assert _answer(engine, question) == _answer(reference, question), question
