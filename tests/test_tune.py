"""`policyqa tune` (its subcommands and their defaults) and the query adapter: training end to end on a tiny generated dataset with the fake
embedder, the adapter's files, the embedder factory, the index manifest, and the shipped adapter."""

from __future__ import annotations

import argparse
import json
import socket

import numpy as np
import pytest

import qa.cli.tune
import qa.embed.adapter
import qa.train.adapter
from qa.cli.tune import add_tune_parser
from qa.config import PROJECT_ROOT, BuildSettings
from qa.embed.adapter import CONFIG, WEIGHTS, AdaptedEmbedder, AdapterError, QueryAdapter
from qa.embed.base import VECTOR_RECIPE, ModelLoadError
from qa.embed.load import load_embedder
from qa.index.build import build_index
from qa.index.store import load_index
from qa.search.engine import Engine
from qa.train.adapter import split_policies
from tests.conftest import ROOT, FakeEmbedder

SHIPPED = "policyqa-minilm"
TOPICS = [
    ("cookies", "We use cookies and web beacons to remember your preferences.", "What are cookies used for?"),
    ("retention", "We keep your account records for seven years after closure.", "How long are records kept?"),
    ("sharing", "We share your address with delivery partners only.", "Who receives my address?"),
    ("children", "Our service is not directed to children under thirteen.", "Is the service meant for kids?"),
    ("security", "Payment data is encrypted with industry standard protocols.", "Is my payment data protected?"),
]


def tiny_squad(path, articles: int = 5) -> None:
    """A SQuAD-format file: `articles` policies, one paragraph and one question per topic."""
    data = []
    for a in range(articles):
        paragraphs = []
        for t, (topic, answer, question) in enumerate(TOPICS):
            context = f"Section {topic} of policy {a}. Some preamble text about {topic}. {answer} Closing words."
            paragraphs.append({"context": context, "qas": [{
                "id": f"a{a}-t{t}", "question": question,
                "answers": [{"text": answer, "answer_start": context.index(answer)}]}]})
        data.append({"title": f"site{a}.com", "paragraphs": paragraphs})
    path.write_text(json.dumps({"version": "test", "data": data}), encoding="utf-8")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="policyqa")
    add_tune_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["tune", "adapter", *argv])


@pytest.fixture(autouse=True)
def _cache(monkeypatch, tmp_path):
    """Temporary indexes go under tmp_path, never the user's cache."""
    monkeypatch.setenv("POLICYQA_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def squad(tmp_path):
    folder = tmp_path / "mydata"
    folder.mkdir()
    tiny_squad(folder / "dev.json")
    (folder / "LICENSE").write_text("MIT License\n\nCopyright (c) 2020 Someone\n", encoding="utf-8")
    return folder / "dev.json"


def random_adapter(dimension: int = 64, rank: int = 4, seed: int = 1) -> QueryAdapter:
    rng = np.random.default_rng(seed)
    return QueryAdapter("fake-embedder", rng.normal(size=(dimension, rank)), rng.normal(size=(rank, dimension)) * 0.3,
                        {"note": "test"})


# -- the adapter type ------------------------------------------------------------------------------------

def test_save_load_round_trip_is_exact(tmp_path):
    adapter = random_adapter()
    adapter.save(tmp_path / "a")
    loaded = QueryAdapter.load(tmp_path / "a")
    assert np.array_equal(loaded.down, adapter.down) and np.array_equal(loaded.up, adapter.up)
    assert loaded.base_model == "fake-embedder" and loaded.info == {"note": "test"}
    vectors = FakeEmbedder().embed(["how long are records kept", "cookies"])
    assert np.array_equal(loaded.apply(vectors), adapter.apply(vectors))
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [CONFIG, WEIGHTS]


def test_untrained_adapter_is_the_plain_model():
    vectors = FakeEmbedder().embed(["who receives my address"])
    assert np.allclose(QueryAdapter.identity("m", 64, 8).apply(vectors), vectors)


def test_corrupt_weights_are_refused(tmp_path):
    random_adapter().save(tmp_path / "a")
    (tmp_path / "a" / WEIGHTS).write_bytes(b"not safetensors")
    with pytest.raises(AdapterError, match="sha256"):
        QueryAdapter.load(tmp_path / "a")
    with pytest.raises(ModelLoadError, match="cannot load embedding model"):
        load_embedder(str(tmp_path / "a"))


def test_adapted_embedder_maps_questions_only():
    base = FakeEmbedder()
    embedder = AdaptedEmbedder(base, random_adapter(), model_id="my-adapter")
    texts = ["We keep your account records for seven years."]
    assert np.array_equal(embedder.embed(texts), base.embed(texts))
    query = embedder.embed_query(["How long are records kept?"])
    assert not np.allclose(query, base.embed_query(["How long are records kept?"]))
    assert np.allclose(np.linalg.norm(query, axis=1), 1.0)
    with pytest.raises(AdapterError, match="dimension 64"):
        AdaptedEmbedder(FakeEmbedder(dimension=32), random_adapter(), model_id="x")


# -- the embedder factory and the manifest --------------------------------------------------------------

@pytest.fixture
def fake_models(monkeypatch, tmp_path, fake_model):
    """The fake embedder registered as "fake-embedder"; a `models/` folder with one adapter, `tiny-adapter`."""
    models = tmp_path / "models"
    random_adapter().save(models / "tiny-adapter")
    monkeypatch.setattr(qa.embed.adapter, "SHIPPED_DIR", models)
    return models


def test_load_embedder_resolves_adapters_by_name_and_path(fake_models):
    by_name = load_embedder("tiny-adapter")
    assert isinstance(by_name, AdaptedEmbedder) and by_name.model_id == "tiny-adapter"
    assert by_name.base.model_id == "fake-embedder"
    by_path = load_embedder(str(fake_models / "tiny-adapter"))
    assert isinstance(by_path, AdaptedEmbedder) and by_path.model_id == str(fake_models / "tiny-adapter")
    plain = load_embedder("fake-embedder")
    assert isinstance(plain, FakeEmbedder)


def test_index_records_the_adapter_model_and_keeps_plain_vectors(fake_models, seed_policies, tmp_path):
    adapted = build_index(seed_policies, tmp_path / "adapted", BuildSettings(model="tiny-adapter"),
                          lambda: load_embedder("tiny-adapter"))
    plain = build_index(seed_policies, tmp_path / "plain", BuildSettings(model="fake-embedder"),
                        lambda: load_embedder("fake-embedder"))
    manifest = load_index(tmp_path / "adapted").manifest
    assert manifest["model"] == {"id": "tiny-adapter", "dimension": 64, "backend": None, "recipe": VECTOR_RECIPE}
    assert np.array_equal(adapted.index.vectors.reconstruct_n(0, adapted.index.vectors.ntotal),
                          plain.index.vectors.reconstruct_n(0, plain.index.vectors.ntotal))
    engine = Engine.open(tmp_path / "adapted", embedder_factory=load_embedder)
    assert isinstance(engine.embedder, AdaptedEmbedder)
    assert engine.search("How long does Concero keep phone call recordings?", k=3)


# -- tune --------------------------------------------------------------------------------------------------

def test_split_holds_out_the_last_policies_in_sorted_order():
    assert split_policies(["c", "a", "e", "b", "d"], 2) == (["a", "b", "c"], ["d", "e"])
    with pytest.raises(ValueError, match="between 1 and 4"):
        split_policies(["a", "b", "c", "d", "e"], 5)


@pytest.mark.slow
def test_tune_end_to_end_on_a_tiny_dataset(squad, tmp_path, capsys):
    out = tmp_path / "models" / "tiny-tuned"
    out.parent.mkdir()
    args = parse(["--squad", str(squad), "--holdout-policies", "2", "--epochs", "3", "--out", str(out),
                  "--model", "fake-embedder", "--quiet"])
    assert qa.cli.tune.cmd_tune_adapter(args, base=FakeEmbedder()) == 0
    printed = capsys.readouterr().out
    assert "held-out policies: 10 questions" in printed
    assert any(line.startswith("hybrid") and " adapted " in line for line in printed.splitlines())
    assert sorted(p.name for p in out.iterdir()) == sorted([CONFIG, "LICENSE-MYDATA.txt", "MODEL_CARD.md", WEIGHTS])
    config = json.loads((out / CONFIG).read_text())
    assert config["data"]["heldout_policies"] == ["site3-com", "site4-com"]
    assert not set(config["data"]["train_policies"]) & set(config["data"]["heldout_policies"])
    assert config["training"]["questions"] == 15 and config["rank"] == qa.train.adapter.TrainSettings.rank
    assert set(config["metrics"]["held-out policies"]["adapted"]) == {"hybrid", "dense"}
    card = (out / "MODEL_CARD.md").read_text()
    assert "site3-com, site4-com" in card and "Copyright (c) 2020 Someone" in card and "| adapted |" in card
    adapter = QueryAdapter.load(out)
    assert not np.allclose(adapter.up, 0)  # it learned something


@pytest.mark.slow
def test_tune_on_a_golden_set_with_seed_policies(seed_policies, tmp_path, capsys):
    out = tmp_path / "golden-tuned"
    args = parse(["--dataset", str(ROOT / "evals" / "golden.jsonl"), "--policies", str(seed_policies),
                  "--holdout-policies", "2", "--epochs", "2", "--out", str(out), "--model", "fake-embedder",
                  "--quiet", "--retriever", "dense"])
    assert qa.cli.tune.cmd_tune_adapter(args, base=FakeEmbedder()) == 0
    config = json.loads((out / CONFIG).read_text())
    assert config["data"]["heldout_policies"] == ["core-office-it", "ct1-technologies"]
    assert config["training"]["questions"] > 0
    assert "held-out policies" in capsys.readouterr().out


@pytest.mark.slow
def test_ctrl_c_during_training_writes_nothing(squad, tmp_path, monkeypatch, capsys):
    calls = []
    real = qa.train.adapter.dense_scores_torch

    def interrupted_on_third_step(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(qa.train.adapter, "dense_scores_torch", interrupted_on_third_step)
    out = tmp_path / "never"
    args = parse(["--squad", str(squad), "--holdout-policies", "2", "--epochs", "50", "--batch-size", "4",
                  "--out", str(out), "--model", "fake-embedder", "--quiet"])
    assert qa.cli.tune.cmd_tune_adapter(args, base=FakeEmbedder()) == 130
    assert "interrupted after 0 of 50 epochs; nothing written" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob(".never*"))


def test_bad_arguments_are_one_line_errors(squad, tmp_path):
    from qa.errors import UserError

    with pytest.raises(UserError, match="between 1 and 4"):
        qa.cli.tune.cmd_tune_adapter(parse(["--squad", str(squad), "--holdout-policies", "5", "--out", str(tmp_path / "x")]),
                         base=FakeEmbedder())
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="not an adapter folder"):
        qa.cli.tune.cmd_tune_adapter(parse(["--squad", str(squad), "--out", str(tmp_path / "busy")]), base=FakeEmbedder())
    with pytest.raises(UserError, match="rank must be >= 1"):
        qa.cli.tune.cmd_tune_adapter(parse(["--squad", str(squad), "--rank", "0", "--out", str(tmp_path / "y")]),
                         base=FakeEmbedder())


def tune_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policyqa")
    add_tune_parser(parser.add_subparsers(dest="command", required=True))
    return parser


def test_each_tune_subcommand_defaults_to_the_shipped_models_settings(tmp_path):
    parser = tune_parser()
    reranker = parser.parse_args(["tune", "reranker", "--squad", "dev.json", "--out", "r"])
    assert (reranker.kind, reranker.epochs, reranker.max_steps, reranker.minutes, reranker.max_abstain) \
        == ("bi-encoder", 2, 176, 180.0, 0.05)  # stopped by steps; the minutes are a safety cap
    card = (PROJECT_ROOT / "models" / "policyqa-reranker" / "README.md").read_text()
    assert "policyqa tune reranker --kind bi-encoder --squad ../shared/data/policyqa/dev.json " \
           "--out models/policyqa-reranker --golden evals/golden.jsonl --epochs 2 --max-steps 176 --minutes 180" in card
    adapter = parser.parse_args(["tune", "adapter", "--squad", "dev.json", "--out", "a"])
    shipped = json.loads((PROJECT_ROOT / "models" / SHIPPED / CONFIG).read_text())["training"]["settings"]
    assert {name: getattr(adapter, name) for name in ("rank", "epochs", "batch_size", "learning_rate", "seed")} \
        == {name: shipped[name] for name in ("rank", "epochs", "batch_size", "learning_rate", "seed")}
    practice = parser.parse_args(["tune", "practice", "--out", "p"])
    assert (practice.hidden, practice.seed, practice.data) == (0, 0, None)


@pytest.mark.parametrize("kind, foreign", [("reranker", ["--rank", "4"]), ("reranker", ["--learning-rate", "1e-3"]),
                                           ("reranker", ["--holdout-policies", "3"]), ("practice", ["--holdout-policies", "3"]),
                                           ("adapter", ["--minutes", "5"]), ("adapter", ["--hidden", "8"])])
def test_a_subcommand_refuses_another_ones_flags(kind, foreign, capsys):
    with pytest.raises(SystemExit) as stop:
        required = ["--out", "x"] if kind == "practice" else ["--squad", "dev.json", "--out", "x"]
        tune_parser().parse_args(["tune", kind, *required, *foreign])
    assert stop.value.code == 2 and "unrecognized arguments" in capsys.readouterr().err


@pytest.mark.parametrize("argv, subcommand", [(["--reranker", "--squad", "d.json", "--out", "x"], "reranker"),
                                              (["--practice", "--out", "x"], "practice"),
                                              (["--squad", "d.json", "--out", "x"], "adapter")])
def test_the_old_flag_forms_name_their_subcommand(argv, subcommand, capsys):
    from qa.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["tune", *argv])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and len(err.strip().splitlines()) == 1
    assert f"is now `policyqa tune {subcommand}`" in err


# -- the shipped adapter -------------------------------------------------------------------------------------

def test_shipped_adapter_is_small_and_carries_its_card_and_licence():
    folder = PROJECT_ROOT / "models" / SHIPPED
    size = sum(p.stat().st_size for p in folder.iterdir())
    assert size <= 5_000_000, size
    card = (folder / "MODEL_CARD.md").read_text()
    licence = (ROOT.parent / "shared" / "data" / "policyqa" / "LICENSE")
    notice = "Copyright (c) 2020 Wasi Ahmad"
    assert notice in (folder / "LICENSE-POLICYQA.txt").read_text() and notice in card
    if licence.is_file():
        assert (folder / "LICENSE-POLICYQA.txt").read_text() == licence.read_text()
    config = json.loads((folder / CONFIG).read_text())
    assert not set(config["data"]["train_policies"]) & set(config["data"]["heldout_policies"])
    assert qa.embed.adapter.adapter_folder(SHIPPED) == folder


@pytest.mark.integration
def test_shipped_adapter_loads_offline_and_changes_only_questions(monkeypatch, real_embedder):
    def no_network(*args, **kwargs):
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    embedder = load_embedder(SHIPPED)
    assert isinstance(embedder, AdaptedEmbedder) and embedder.model_id == SHIPPED
    passages = ["We keep the recordings for 30 days.", "We use cookies to remember your preferences."]
    assert np.allclose(embedder.embed(passages), real_embedder.embed(passages), atol=1e-6)
    questions = ["How long are call recordings kept?"]
    adapted, plain = embedder.embed_query(questions), real_embedder.embed_query(questions)
    assert np.allclose(np.linalg.norm(adapted, axis=1), 1.0)
    assert float(adapted[0] @ plain[0]) < 0.9999
