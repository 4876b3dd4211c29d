"""Index build -> save -> load -> search with the fake embedder, and every way loading must refuse."""

import json
import re
import shutil

import pytest

from qa.config import BuildSettings
from qa.embed.base import VECTOR_RECIPE
from qa.index.build import build_index
from qa.index.store import FORMAT_VERSION, IndexUnavailable, load_index
from qa.search.engine import Engine


@pytest.fixture
def built(seed_policies, tmp_path, fake_embedder):
    index = tmp_path / "index"
    settings = BuildSettings(model=fake_embedder.model_id)
    report = build_index(seed_policies, index, settings, lambda: fake_embedder)
    assert report.errors == []
    return index


def generation(folder):
    """The folder of the index's current files, as its manifest names it."""
    return folder / json.loads((folder / "manifest.json").read_text())["generation"]


def open_engine(folder, fake_embedder):
    return Engine.open(folder, embedder_factory=lambda model: fake_embedder)


def test_index_folder_holds_plain_files_and_a_manifest(built, fake_embedder):
    manifest = json.loads((built / "manifest.json").read_text())
    assert sorted(p.name for p in built.iterdir()) == sorted(["manifest.json", manifest["generation"]])
    assert sorted(p.name for p in generation(built).iterdir()) == [
        "bm25", "manifest.json", "passages.jsonl", "policies.jsonl", "sentences.faiss", "sentences.jsonl",
        "vectors.faiss"]
    assert not [p for p in (generation(built) / "bm25").iterdir() if p.suffix not in (".npy", ".json")]  # no pickle
    assert json.loads((generation(built) / "manifest.json").read_text()) == {
        k: v for k, v in manifest.items() if k != "generation"}
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["model"] == {"id": fake_embedder.model_id, "dimension": fake_embedder.dimension,
                                 "backend": None, "recipe": VECTOR_RECIPE}  # the fake has no runtime to record
    assert manifest["chunker"]["chunk_size"] == 800
    assert set(manifest["policies"]) == {"23technology", "concero", "core-office-it", "ct1-technologies",
                                         "cloudsentric"}
    assert all(len(info["sha256"]) == 64 for info in manifest["policies"].values())
    assert manifest["built_at"] and manifest["passage_count"] > 50


def test_save_load_search_round_trip(built, fake_embedder):
    engine = open_engine(built, fake_embedder)
    hits = engine.search("recordings 30 days telephone", k=3)
    assert hits[0].policy == "concero" and "30 days" in hits[0].text
    policy_text = engine.index.policies["concero"].text
    assert policy_text[hits[0].start:hits[0].end] == hits[0].text
    assert hits[0].name == "Concero Technology Services"
    assert hits[0].section == "Telephone Communications"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_search_restricted_to_policies(built, fake_embedder):
    engine = open_engine(built, fake_embedder)
    hits = engine.search("recordings 30 days telephone", k=10, policies=["ct1-technologies", "cloudsentric"])
    assert hits and {h.policy for h in hits} <= {"ct1-technologies", "cloudsentric"}


@pytest.mark.parametrize("question,k,policies,message", [
    ("", 5, None, "question is empty"),
    ("   ", 5, None, "question is empty"),
    ("cookies", 0, None, "k must be >= 1, got 0"),
    ("cookies", 5, ["acme"], "unknown policy id 'acme'"),
])
def test_bad_queries_name_the_bad_value(built, fake_embedder, question, k, policies, message):
    engine = open_engine(built, fake_embedder)
    with pytest.raises(ValueError, match=message):
        engine.search(question, k=k, policies=policies)


def test_missing_index_says_to_build(tmp_path):
    with pytest.raises(IndexUnavailable, match=r"no index at .*run `policyqa index build`"):
        load_index(tmp_path / "nowhere")


def test_other_model_is_refused_with_the_rebuild_command(built):
    with pytest.raises(IndexUnavailable) as err:
        load_index(built, model="all-mpnet-base-v2")
    message = str(err.value)
    assert "built with model 'fake-embedder'" in message and "policyqa index build --model all-mpnet-base-v2" in message
    assert "\n" not in message


def test_other_format_version_is_refused(built):
    manifest = json.loads((built / "manifest.json").read_text())
    manifest["format_version"] = FORMAT_VERSION + 1
    (built / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexUnavailable, match="policyqa index build"):
        load_index(built)


def test_an_index_of_format_2_is_refused_and_a_build_replaces_it(built, seed_policies, fake_embedder):
    """Format 2 kept the sentences in units.faiss / units.jsonl and counted them as unit_count: such an
    index is refused in one line that names the rebuild, and a build over it indexes everything anew."""
    old = generation(built)
    for suffix in ("faiss", "jsonl"):
        (old / f"sentences.{suffix}").rename(old / f"units.{suffix}")
    for path in (built / "manifest.json", old / "manifest.json"):
        manifest = json.loads(path.read_text())
        manifest["format_version"] = 2
        manifest["unit_count"] = manifest.pop("sentence_count")
        manifest["unit_index"] = manifest.pop("sentence_index")
        path.write_text(json.dumps(manifest))
    with pytest.raises(IndexUnavailable) as refused:
        load_index(built)
    message = str(refused.value)
    assert f"has format 2, this policyqa reads format {FORMAT_VERSION}: run `policyqa index build`" in message
    assert "\n" not in message
    report = build_index(seed_policies, built, BuildSettings(model=fake_embedder.model_id), lambda: fake_embedder)
    assert len(report.added) == 5 and not report.unchanged  # nothing of the old format is reused
    rebuilt = load_index(built)
    assert rebuilt.manifest["format_version"] == FORMAT_VERSION
    assert rebuilt.manifest["sentence_count"] == len(rebuilt.sentences) > 0


@pytest.mark.parametrize("damage", ["manifest", "vectors", "passages", "truncate"])
def test_corrupt_index_is_refused_in_one_line(built, damage):
    if damage == "manifest":
        (built / "manifest.json").write_text("{not json")
    elif damage == "vectors":
        (generation(built) / "vectors.faiss").write_bytes(b"garbage")
    elif damage == "passages":
        (generation(built) / "passages.jsonl").write_text('{"id": 1}\n')
    else:
        lines = (generation(built) / "passages.jsonl").read_text().splitlines()
        (generation(built) / "passages.jsonl").write_text("\n".join(lines[:-3]) + "\n")
    with pytest.raises(IndexUnavailable) as err:
        load_index(built)
    assert "policyqa index build" in str(err.value) and "\n" not in str(err.value)


def test_edited_offsets_are_caught(built):
    rows = [json.loads(line) for line in (generation(built) / "passages.jsonl").read_text().splitlines()]
    for row in rows:
        row["start"] += 1
    (generation(built) / "passages.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(IndexUnavailable, match="does not match its policy text"):
        load_index(built)


def test_an_index_written_before_generations_still_loads_and_is_upgraded(seed_policies, built, fake_embedder):
    # The older layout: the data files beside manifest.json, which names no generation, and no saved BM25.
    manifest = json.loads((built / "manifest.json").read_text())
    for path in generation(built).iterdir():
        if path.name not in ("manifest.json", "bm25"):
            path.rename(built / path.name)
    shutil.rmtree(generation(built))
    del manifest["generation"]
    (built / "manifest.json").write_text(json.dumps(manifest))
    assert len(load_index(built).passages) == manifest["passage_count"] and load_index(built).bm25 is None
    settings = BuildSettings(model=fake_embedder.model_id)
    (seed_policies / "acme.txt").write_text("Acme\n\nWe keep data.\n")
    assert build_index(seed_policies, built, settings, lambda: fake_embedder).embedded > 0
    assert (built / "passages.jsonl").exists()  # kept one build: a reader may have just opened it
    (seed_policies / "acme.txt").write_text("Acme\n\nWe keep no data.\n")
    build_index(seed_policies, built, settings, lambda: fake_embedder)
    assert sorted(p.name for p in built.iterdir() if not p.name.startswith("gen-")) == ["manifest.json"]
    assert "no data" in load_index(built).policies["acme"].text


def test_old_generations_are_collected_and_nothing_else_is_touched(seed_policies, built, fake_embedder):
    (built / "notes.txt").write_text("someone's file")  # not the index's: never deleted
    (built / "gen-of-mine").mkdir()
    first = json.loads((built / "manifest.json").read_text())["generation"]
    settings = BuildSettings(model=fake_embedder.model_id)
    for text in ("One.", "Two.", "Three."):
        (seed_policies / "acme.txt").write_text(f"Acme\n\n{text}\n")
        build_index(seed_policies, built, settings, lambda: fake_embedder)
    manifest = json.loads((built / "manifest.json").read_text())
    generations = sorted(p.name for p in built.iterdir() if re.fullmatch(r"gen-\d{8}T.*", p.name))
    assert generations == sorted([manifest["generation"], manifest["previous_generation"]])
    assert first not in generations and (built / "notes.txt").exists() and (built / "gen-of-mine").is_dir()


def test_bm25_is_saved_at_build_time_and_scores_as_one_built_on_first_use(built, fake_embedder):
    import numpy as np

    from qa.index.folder import Scorer
    from qa.index.lexical import build_bm25, passage_corpus

    index = load_index(built)
    assert index.bm25 is not None  # memory-mapped from the generation folder, not rebuilt
    saved = Scorer(index, fake_embedder)
    index.bm25 = None
    rebuilt = Scorer(index, fake_embedder)
    for question in ("How long do you keep call recordings?", "Do you sell my data to advertisers?", "the"):
        np.testing.assert_allclose(saved.bm25_scores(question), rebuilt.bm25_scores(question), rtol=1e-6)
    assert int(build_bm25(passage_corpus(index)).scores["num_docs"]) == len(index.passages)


# -- the pieces the store is made of ---------------------------------------------------------------------

def test_vector_index_searches_within_the_rows_given_best_first_and_survives_save_and_load(tmp_path):
    import numpy as np

    from qa.index.vectors import VectorIndex

    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((300, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = vectors[:1] + 0.1
    index = VectorIndex.build(vectors)
    scope = np.array([250, 3, 7, 120, 0])
    exact = scope[np.argsort(-(vectors[scope] @ query[0]))]
    assert index.nearest(query, 3, scope).tolist() == exact[:3].tolist()
    assert index.nearest(query, 50, scope).tolist() == exact.tolist()  # fewer rows in scope than asked
    assert len(index.nearest(query, 5, np.zeros(0, dtype=np.int64))) == 0
    assert index.nearest(query, 1).tolist() == [int(np.argmax(vectors @ query[0]))]
    index.save(tmp_path / "v.faiss")
    loaded = VectorIndex.load(tmp_path / "v.faiss")
    assert loaded.description == "IndexFlatIP" and loaded.ntotal == 300 and loaded.d == 16
    assert loaded.nearest(query, 3, scope).tolist() == exact[:3].tolist()
    np.testing.assert_array_equal(loaded.reconstruct_n(), vectors)


def test_atomic_write_replaces_whole_or_not_at_all(tmp_path):
    import stat

    from qa.files import atomic_write

    target = tmp_path / "data.json"
    atomic_write(target, "first\n")
    assert target.read_text() == "first\n" and stat.S_IMODE(target.stat().st_mode) == 0o644
    atomic_write(target, b"second", mode=0o600)
    assert target.read_bytes() == b"second" and stat.S_IMODE(target.stat().st_mode) == 0o600

    def half_then_fail(path):
        path.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        atomic_write(target, half_then_fail)
    assert target.read_bytes() == b"second" and sorted(p.name for p in tmp_path.iterdir()) == ["data.json"]
