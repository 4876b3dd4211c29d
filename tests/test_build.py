"""Building: bad files reported and skipped, nothing lost, incremental reuse, locking, atomic swap."""

import json
import os
import subprocess
import sys

import pytest

from qa.config import BuildSettings
from qa.embed.base import VECTOR_RECIPE
from qa.index.build import BuildError, BuildLock, BuildLocked, build_index
from qa.index.store import load_index


def build(policies, index, embedder, **kwargs):
    return build_index(policies, index, BuildSettings(model=embedder.model_id), lambda: embedder, **kwargs)


def test_bad_files_are_named_and_the_rest_indexed(seed_policies, tmp_path, fake_embedder):
    (seed_policies / "empty.txt").write_text("")
    (seed_policies / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 20)
    (seed_policies / "notes.exe").write_bytes(b"MZ")
    (seed_policies / "concero.md").write_text("# Concero again\n\nSame id as concero.txt.\n")
    report = build(seed_policies, tmp_path / "index", fake_embedder)
    messages = sorted(str(e) for e in report.errors)
    assert len(messages) == 4 and all("\n" not in m for m in messages)
    assert any(m.startswith("empty.txt:") and "empty" in m for m in messages)
    assert any(m.startswith("blob.txt:") and "binary" in m for m in messages)
    assert any(m.startswith("notes.exe:") and "unsupported" in m for m in messages)
    assert any(m.startswith("concero.txt:") or m.startswith("concero.md:") for m in messages)
    assert sorted(report.added) == ["23technology", "cloudsentric", "concero", "core-office-it", "ct1-technologies"]
    assert (seed_policies / "empty.txt").exists() and (seed_policies / "blob.txt").exists()


def test_unchanged_rebuild_embeds_nothing(seed_policies, tmp_path, fake_embedder):
    index = tmp_path / "index"
    first = build(seed_policies, index, fake_embedder)
    assert first.embedded > first.passages > 0  # passages and their sentences
    fake_embedder.calls.clear()
    again = build(seed_policies, index, fake_embedder)
    assert (again.added, again.updated, again.removed) == ([], [], [])
    assert len(again.unchanged) == 5 and again.embedded == 0 and fake_embedder.calls == []
    assert again.summary().startswith("added 0, updated 0, removed 0, unchanged 5")


def test_vectors_from_another_backend_are_not_reused(seed_policies, tmp_path, fake_embedder, monkeypatch):
    index = tmp_path / "index"
    fake_embedder.backend = "torch"
    first = build(seed_policies, index, fake_embedder)
    assert load_index(index).manifest["model"]["backend"] == "torch"
    monkeypatch.setenv("POLICYQA_BACKEND", "torch")
    fake_embedder.calls.clear()
    assert build(seed_policies, index, fake_embedder).embedded == 0  # same runtime: everything reused
    monkeypatch.setenv("POLICYQA_BACKEND", "onnx-int8")
    fake_embedder.backend = "onnx-int8"
    again = build(seed_policies, index, fake_embedder)
    assert again.embedded == first.embedded  # int8 vectors never mixed with PyTorch ones
    assert load_index(index).manifest["model"]["backend"] == "onnx-int8"


def test_vectors_made_by_an_older_recipe_are_not_reused(seed_policies, tmp_path, fake_embedder):
    """An index whose vectors were made another way (before VECTOR_RECIPE 2: int8 in batches) is embedded
    again, not topped up with new vectors beside the old ones."""
    index = tmp_path / "index"
    first = build(seed_policies, index, fake_embedder)
    manifest_path = index / load_index(index).manifest["generation"] / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    assert manifest["model"].pop("recipe") == VECTOR_RECIPE
    manifest_path.write_text(json.dumps(manifest))  # as an earlier policyqa wrote it
    (index / "manifest.json").write_text(json.dumps(manifest))
    fake_embedder.calls.clear()
    again = build(seed_policies, index, fake_embedder)
    assert again.embedded == first.embedded and load_index(index).manifest["model"]["recipe"] == VECTOR_RECIPE
    assert build(seed_policies, index, fake_embedder).embedded == 0


def test_one_new_policy_embeds_only_its_passages(seed_policies, tmp_path, fake_embedder):
    index = tmp_path / "index"
    build(seed_policies, index, fake_embedder)
    (seed_policies / "acme.txt").write_text("Acme Privacy\n\nWe keep your email address for 3 years.\n")
    fake_embedder.calls.clear()
    report = build(seed_policies, index, fake_embedder)
    # Its one passage and its one sentence (the heading is not an indexed sentence); nothing else.
    assert report.added == ["acme"] and report.embedded == 2 and sum(fake_embedder.calls) == 2
    assert "acme" in load_index(index).policies


def test_changed_and_removed_policies(seed_policies, tmp_path, fake_embedder):
    index = tmp_path / "index"
    build(seed_policies, index, fake_embedder)
    (seed_policies / "cloudsentric.txt").write_text("CloudSentric\n\nWe changed everything.\n")
    (seed_policies / "concero.txt").unlink()
    report = build(seed_policies, index, fake_embedder)
    assert report.updated == ["cloudsentric"] and report.removed == ["concero"]
    loaded = load_index(index)
    assert "concero" not in loaded.policies
    assert loaded.policies["cloudsentric"].text == "CloudSentric\n\nWe changed everything.\n"


def test_a_policy_whose_file_went_bad_keeps_its_last_good_version(seed_policies, tmp_path, fake_embedder):
    index = tmp_path / "index"
    build(seed_policies, index, fake_embedder)
    before = load_index(index).policies["concero"].text
    (seed_policies / "concero.txt").write_bytes(b"")
    report = build(seed_policies, index, fake_embedder)
    assert [str(e) for e in report.errors] == ["concero.txt: file is empty"]
    assert report.kept_previous == ["concero"] and report.removed == []
    assert load_index(index).policies["concero"].text == before


def test_nothing_indexable_leaves_the_previous_index(seed_policies, tmp_path, fake_embedder):
    index = tmp_path / "index"
    build(seed_policies, index, fake_embedder)
    empty = tmp_path / "empty-policies"
    empty.mkdir()
    (empty / "x.txt").write_text("   \n")
    with pytest.raises(BuildError, match="no policy could be indexed"):
        build(empty, tmp_path / "other-index", fake_embedder)
    assert len(load_index(index).policies) == 5


def test_second_build_is_refused_while_one_holds_the_lock(seed_policies, tmp_path, fake_embedder):
    index = tmp_path / "index"
    with BuildLock(index):
        with pytest.raises(BuildLocked, match=rf"pid {os.getpid()}"):
            build(seed_policies, index, fake_embedder)
    build(seed_policies, index, fake_embedder)  # released


def test_lock_file_left_by_a_killed_build_does_not_block(seed_policies, tmp_path, fake_embedder):
    index = tmp_path / "index"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock = BuildLock(index).path
    lock.parent.mkdir()
    lock.write_text(json.dumps({"pid": int(dead.stdout), "host": os.uname().nodename, "since": "then"}))
    report = build(seed_policies, index, fake_embedder)  # the file is there, but nobody holds its flock
    assert report.passages > 0 and not lock.exists()


def test_rebuild_swaps_in_a_whole_index_and_leaves_no_temp_folders(seed_policies, tmp_path, fake_embedder):
    index = tmp_path / "index"
    build(seed_policies, index, fake_embedder)
    (seed_policies / "acme.txt").write_text("Acme\n\nWe sell nothing.\n")
    build(seed_policies, index, fake_embedder, full=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index", "policies"]  # no staging or lock left
    assert "acme" in load_index(index).policies


def test_an_opened_index_embeds_questions_on_the_backend_it_was_built_with(seed_policies, tmp_path,
                                                                            fake_embedder, monkeypatch):
    from qa.embed.load import register_embedder, unregister_embedder
    from qa.search.engine import Engine

    fake_embedder.backend = "onnx"
    build(seed_policies, tmp_path / "index", fake_embedder)
    asked = []
    register_embedder(fake_embedder.model_id, lambda model, backend=None: asked.append((model, backend)) or fake_embedder)
    monkeypatch.setenv("POLICYQA_BACKEND", "torch")  # what a new build would use; the index says otherwise
    try:
        Engine.open(tmp_path / "index")
    finally:
        unregister_embedder(fake_embedder.model_id)
    assert asked == [(fake_embedder.model_id, "onnx")]


def test_one_plan_and_one_change_rule_for_both_builds(seed_policies, tmp_path, fake_embedder):
    """`qa.index.pipeline` plans for the folder and the store alike: its errors come in file order, the
    folder keeps a policy whose file identity (id, sha256, file name, name, aliases) is unchanged, and the
    store's version key hashes that same identity with the settings, runtime and recipes (vectors, sentences)."""
    import hashlib

    from qa.index.pipeline import PlannedFile, is_unchanged, plan_folder, version_key
    from qa.ingest.formats import PolicyFileError
    from qa.ingest.sentences import SENTENCE_RECIPE

    (seed_policies / "aaa.exe").write_bytes(b"MZ")
    (seed_policies / "zzz.exe").write_bytes(b"MZ")
    plan = plan_folder(seed_policies, [])
    names = [e.path.name for e in plan.entries]
    assert names == sorted(names) and {type(e) for e in plan.entries} == {PlannedFile, PolicyFileError}
    planned = {e.policy_id: e for e in plan.entries if isinstance(e, PlannedFile)}

    index = tmp_path / "index"
    build(seed_policies, index, fake_embedder)
    old = load_index(index).policies["concero"]
    assert is_unchanged(old, planned["concero"])
    (seed_policies / "policies.toml").write_text('[concero]\nname = "Concero Ltd"\n')
    renamed = {e.policy_id: e for e in plan_folder(seed_policies, []).entries if isinstance(e, PlannedFile)}
    assert not is_unchanged(old, renamed["concero"])  # a new name is a new version, for both builds

    settings = BuildSettings(model=fake_embedder.model_id)
    entry = planned["concero"]
    legacy = hashlib.sha256(json.dumps([entry.policy_id, entry.sha256, entry.path.name, entry.name,
                                        list(entry.aliases), settings.to_dict(), "onnx-int8",
                                        VECTOR_RECIPE, SENTENCE_RECIPE]).encode()).hexdigest()
    assert version_key(entry, settings, "onnx-int8") == legacy
    assert version_key(renamed["concero"], settings, "onnx-int8") != legacy
