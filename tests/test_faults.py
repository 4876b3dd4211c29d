"""Faults a careless or hostile caller can cause: each ends in one line and loses nothing."""

from __future__ import annotations

import pytest

import qa.embedding
from qa.build import BuildError, build_index
from qa.cli import main
from qa.settings import BuildSettings
from tests.conftest import FakeEmbedder


@pytest.fixture
def fake_model(monkeypatch):
    monkeypatch.setattr(qa.embedding, "SentenceEmbedder", lambda model="fake-embedder", backend=None: FakeEmbedder(model))


def _tree(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_refuses_a_folder_that_is_not_an_index_and_deletes_nothing(seed_policies, tmp_path, fake_model, capsys):
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "thesis.docx").write_bytes(b"years of work")
    (documents / "notes").mkdir()
    (documents / "notes" / "a.txt").write_text("keep me")
    before = _tree(documents)
    code = main(["index", "build", "--policies", str(seed_policies), "--index", str(documents),
                 "--model", "fake-embedder", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert str(documents) in err and "not empty" in err and len(err.strip().splitlines()) == 1
    assert _tree(documents) == before


def test_build_refuses_the_policies_folder_as_index(seed_policies, fake_model, capsys):
    before = _tree(seed_policies)
    code = main(["index", "build", "--policies", str(seed_policies), "--index", str(seed_policies),
                 "--model", "fake-embedder", "--quiet"])
    assert code == 1 and "overlaps the policies folder" in capsys.readouterr().err
    assert _tree(seed_policies) == before
    inside = seed_policies / "idx"
    with pytest.raises(BuildError, match="overlaps"):
        build_index(seed_policies, inside, BuildSettings(model="fake-embedder"), FakeEmbedder)
    assert not inside.exists() and _tree(seed_policies) == before


def test_build_refuses_an_existing_file_as_index(seed_policies, tmp_path, fake_model, capsys):
    target = tmp_path / "index"
    target.write_text("not a folder")
    code = main(["index", "build", "--policies", str(seed_policies), "--index", str(target),
                 "--model", "fake-embedder", "--quiet"])
    assert code == 1 and "is a file" in capsys.readouterr().err
    assert target.read_text() == "not a folder"


def test_build_writes_into_an_empty_folder_and_rebuilds_its_own_index(seed_policies, tmp_path):
    target = tmp_path / "empty"
    target.mkdir()
    settings = BuildSettings(model="fake-embedder")
    build_index(seed_policies, target, settings, FakeEmbedder)
    assert (target / "manifest.json").is_file()
    report = build_index(seed_policies, target, settings, FakeEmbedder, full=True)  # its own index: allowed
    assert report.passages > 0
