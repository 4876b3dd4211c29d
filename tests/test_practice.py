"""The practice model: its folder format and loading (a tiny synthetic model), the OPP-115 topic mapping
(hand-computed), the split by policy, and (integration) the shipped model on sentences written here."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from qa.errors import PracticeModelUnavailable, exit_code
from qa.search import practice as practice_module
from qa.search.practice import CONFIG, FORMAT_VERSION, WEIGHTS, dense_forward, load_practice_model
from qa.train.opp115 import TOPICS, company_name, practice_negated, practice_topics

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DIM = 8


def write_model(folder: Path, hidden: int = 0) -> Path:
    """A random model of the shipped format: `hidden` > 0 gives the topic head two layers."""
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {}
    if hidden:
        tensors["topic.0.weight"] = rng.normal(size=(hidden, DIM)).astype(np.float32)
        tensors["topic.0.bias"] = np.zeros(hidden, np.float32)
        tensors["topic.1.weight"] = rng.normal(size=(len(TOPICS), hidden)).astype(np.float32)
        tensors["topic.1.bias"] = np.zeros(len(TOPICS), np.float32)
    else:
        tensors["topic.0.weight"] = rng.normal(size=(len(TOPICS), DIM)).astype(np.float32)
        tensors["topic.0.bias"] = np.zeros(len(TOPICS), np.float32)
    tensors["negated.0.weight"] = rng.normal(size=(1, DIM)).astype(np.float32)
    tensors["negated.0.bias"] = np.zeros(1, np.float32)
    tensors["question.0.weight"] = rng.normal(size=(len(TOPICS), DIM)).astype(np.float32)
    tensors["question.0.bias"] = np.zeros(len(TOPICS), np.float32)
    save_file(tensors, str(folder / WEIGHTS))
    config = {"format_version": FORMAT_VERSION, "topics": list(TOPICS), "dimension": DIM,
              "thresholds": [0.5] * len(TOPICS), "question_threshold": 0.4, "stance_threshold": 0.5,
              "layers": {"topic": 2 if hidden else 1, "negated": 1, "question": 1}}
    (folder / CONFIG).write_text(json.dumps(config), encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def fresh_cache():
    practice_module._LOADED.clear()
    yield
    practice_module._LOADED.clear()


@pytest.mark.parametrize("hidden", [0, 4])
def test_synthetic_model_loads_and_gives_probabilities(tmp_path, hidden):
    model = load_practice_model(str(write_model(tmp_path / "m", hidden)))
    assert model is not None and model.topics == TOPICS
    vectors = np.random.default_rng(1).normal(size=(5, DIM)).astype(np.float32)
    topics = model.topic_probabilities(vectors)
    assert topics.shape == (5, len(TOPICS)) and ((topics >= 0) & (topics <= 1)).all()
    negated = model.negated_probability(vectors)
    assert negated.shape == (5,) and ((negated >= 0) & (negated <= 1)).all()
    question = model.question_topics(vectors[0])
    assert question.shape == (len(TOPICS),)
    assert model.threshold("sale") == 0.5 and model.thresholds.shape == (len(TOPICS),)
    assert model.question_threshold == 0.4
    assert load_practice_model(str(tmp_path / "m")) is model  # cached per process


def test_dense_forward_matches_hand_computed_values():
    layers = [(np.array([[1.0, -1.0]], np.float32), np.array([0.0], np.float32))]
    assert dense_forward(layers, np.array([[2.0, 2.0]]))[0, 0] == pytest.approx(0.5)
    hidden = [(np.array([[1.0], [-1.0]], np.float32), np.zeros(2, np.float32)),
              (np.array([[1.0, 1.0]], np.float32), np.zeros(1, np.float32))]
    # ReLU keeps 3 and drops -3: sigmoid(3)
    assert dense_forward(hidden, np.array([[3.0]]))[0, 0] == pytest.approx(1 / (1 + np.exp(-3.0)))


def test_wrong_vector_width_is_a_clear_error(tmp_path):
    model = load_practice_model(str(write_model(tmp_path / "m")))
    with pytest.raises(ValueError, match=r"shape \(n, 8\)"):
        model.topic_probabilities(np.zeros((2, 3)))
    with pytest.raises(KeyError, match="unknown topic"):
        model.threshold("nonsense")


def test_none_turns_the_model_off(monkeypatch):
    assert load_practice_model("none") is None
    monkeypatch.setenv("POLICYQA_PRACTICE", "none")
    assert load_practice_model() is None


@pytest.mark.parametrize("damage", ["missing-weights", "bad-json", "truncated-weights", "wrong-shape", "missing"])
def test_damaged_folder_is_a_one_line_error(tmp_path, damage):
    folder = write_model(tmp_path / "m")
    if damage == "missing-weights":
        (folder / WEIGHTS).unlink()
    elif damage == "bad-json":
        (folder / CONFIG).write_text("{not json", encoding="utf-8")
    elif damage == "truncated-weights":
        (folder / WEIGHTS).write_bytes((folder / WEIGHTS).read_bytes()[:40])
    elif damage == "wrong-shape":
        config = json.loads((folder / CONFIG).read_text())
        config["dimension"] = 5
        (folder / CONFIG).write_text(json.dumps(config))
    else:
        folder = tmp_path / "absent"
    with pytest.raises(PracticeModelUnavailable) as caught:
        load_practice_model(str(folder))
    assert "\n" not in str(caught.value) and "practice model" in str(caught.value)
    assert exit_code(caught.value) == 1


def value(text: str, start: int = 0) -> dict:
    return {"selectedText": text, "startIndexInSegment": start, "endIndexInSegment": start + len(text), "value": ""}


def attrs(**values: str) -> dict:
    return {name.replace("_", " "): {**value("x"), "value": v} for name, v in values.items()}


def test_opp115_mapping_of_hand_made_rows():
    first = {"Personal Information Type": {**value("cookies"), "value": "Cookies and tracking elements"},
             "Purpose": {**value("ads"), "value": "Advertising"},
             "Does/Does Not": {**value("we use"), "value": "Does"}}
    assert practice_topics("First Party Collection/Use", first) == {"data-collected", "purposes", "cookies"}
    assert not practice_negated(first)
    unspecified = {"Purpose": {**value("x"), "value": "Unspecified"}}
    assert practice_topics("First Party Collection/Use", unspecified) == {"data-collected"}
    sale = {"Action Third Party": {**value("We will never sell or rent your data"), "value": "Receive/Shared with"},
            "Does/Does Not": {**value("never"), "value": "Does Not"}}
    assert practice_topics("Third Party Sharing/Collection", sale) == {"sharing", "sale"}
    assert practice_negated(sale)
    tracking = {"Action Third Party": {**value("advertisers place cookies"), "value": "Track on first party website/app"}}
    assert practice_topics("Third Party Sharing/Collection", tracking) == {"sharing", "cookies"}
    assert practice_topics("User Access, Edit and Deletion", {"Access Type": {**value("x"), "value": "Delete account (full)"}}) == {"erasure"}
    assert practice_topics("User Access, Edit and Deletion", {"Access Type": {**value("update your profile"), "value": "Edit information"}}) == {"access"}
    assert practice_topics("International and Specific Audiences", {"Audience Type": {**value("x"), "value": "Children"}}) == {"children"}
    assert practice_topics("International and Specific Audiences", {"Audience Type": {**value("x"), "value": "Europeans"}}) == {"international-transfers"}
    assert practice_topics("International and Specific Audiences", {"Audience Type": {**value("x"), "value": "Californians"}}) == frozenset()
    assert practice_topics("Other", {"Other Type": {**value("x"), "value": "Privacy contact information"}}) == {"contact-dpo"}
    assert practice_topics("Other", {"Other Type": {**value("x"), "value": "Introductory/Generic"}}) == frozenset()
    assert practice_topics("Do Not Track", {}) == {"cookies"}
    assert practice_topics("Data Retention", {}) == {"retention"}
    assert practice_topics("Policy Change", {}) == {"policy-changes"}
    assert practice_topics("User Choice/Control", {}) == {"objection-marketing"}
    assert company_name("sci-news.com") == "Sci-News" and company_name("mlb.mlb.com") == "Mlb"


def test_topics_are_the_compare_grid_ids():
    ids = [json.loads(line)["id"] for line in (Path(__file__).resolve().parents[1] / "qa" / "compare" /
                                                 "topics.jsonl").read_text().splitlines() if line.strip()]
    assert tuple(ids) == TOPICS


@pytest.mark.skipif(not (DATA / "opp115").is_dir(), reason="the shared OPP-115 data is not here")
def test_split_is_by_policy_disjoint_and_holds_out_the_policyqa_test_policies():
    from qa.train.opp115 import opp115_split, policy_stems

    train, calibration, test = opp115_split(DATA)
    assert not set(train) & set(test) and not set(train) & set(calibration) and not set(calibration) & set(test)
    assert set(train) | set(calibration) | set(test) == set(policy_stems(DATA))
    assert len(test) == 20 and len(calibration) == 3
    domains = {stem.split("_", 1)[1] for stem in test}
    assert {"ted.com", "yahoo.com", "walmart.com"} <= domains
    assert opp115_split(DATA) == (train, calibration, test)  # deterministic


@pytest.mark.integration
def test_shipped_model_on_sentences_written_here():
    from qa.embed.load import load_embedder

    model = load_practice_model("policyqa-practice")
    assert model is not None and model.reads_text  # its own encoder reads the bare text
    embedder = load_embedder("all-MiniLM-L6-v2")
    sentences = ["23Technology does not and will not sell personal information.",
                 "We may sell your personal information to advertisers.",
                 "We retain your personal data for six years after the end of our contract."]
    vectors = model.encode(sentences)  # ("We keep call recordings for 30 days." alone reads 0.50 for retention)
    topics = model.topic_probabilities(vectors)
    negated = model.negated_probability(vectors)
    sale, retention = TOPICS.index("sale"), TOPICS.index("retention")
    assert topics[0, sale] >= model.threshold("sale") and negated[0] > 0.5
    assert topics[1, sale] >= model.threshold("sale") and negated[1] < 0.5
    assert topics[2, retention] >= model.threshold("retention")
    question = model.question_topics(embedder.embed_query(["Does Concero sell my data?"])[0])
    assert TOPICS[int(np.argmax(question))] == "sale"


def test_shipped_model_is_within_the_size_limit_and_says_its_data_is_research_only():
    folder = practice_module.SHIPPED_DIR / "policyqa-practice"
    for path in folder.rglob("*"):
        assert path.stat().st_size <= 30_000_000, path
    card = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "not cleared for commercial use" in card and "OPP-115" in card and "MAPP" in card
    config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
    import hashlib

    onnx = folder / config["encoder"]["folder"] / "model-int8.onnx"
    assert hashlib.sha256(onnx.read_bytes()).hexdigest() == config["encoder"]["sha256"]


def _held_by_reference(spans, passage_spans, passage_topics):
    """The definition, one sentence and one passage at a time."""
    out = np.zeros((len(spans), passage_topics.shape[1]), dtype=np.float32)
    for i, (start, end) in enumerate(spans):
        for j, (p_start, p_end) in enumerate(passage_spans):
            if p_start <= start and end <= p_end:
                out[i] = np.maximum(out[i], passage_topics[j])
    return out


def test_held_by_is_the_best_probability_over_the_passages_holding_each_sentence():
    from qa.search.evidence import _held_by

    rng = np.random.default_rng(7)
    for _ in range(200):  # overlapping passages in text order (as the chunker makes them), sentences anywhere
        m, n = int(rng.integers(1, 25)), int(rng.integers(1, 50))
        starts = np.sort(rng.integers(0, 2000, m))
        passage_spans = np.stack([starts, starts + np.sort(rng.integers(50, 400, m))], axis=1)
        passage_spans[:, 1] = np.maximum.accumulate(passage_spans[:, 1])
        topics = rng.random((m, 4)).astype(np.float32)
        sentence_starts = np.sort(rng.integers(0, 2400, n))
        spans = np.stack([sentence_starts, sentence_starts + rng.integers(1, 120, n)], axis=1)
        assert np.array_equal(_held_by(spans, passage_spans, topics), _held_by_reference(spans, passage_spans, topics))


class _Sentences:
    """A scorer's two reads for three policies of random sentence and passage vectors (one has none)."""

    def __init__(self):
        rng = np.random.default_rng(3)
        self.data = {}
        for policy, (n, m) in {"a": (7, 3), "b": (0, 0), "c": (12, 5)}.items():
            spans = np.array([[10 * i, 10 * i + 8] for i in range(n)], dtype=np.int64).reshape(n, 2)
            passages = np.array([[25 * j, 25 * j + 40] for j in range(m)], dtype=np.int64).reshape(m, 2)
            self.data[policy] = ((spans, rng.normal(size=(n, DIM)).astype(np.float32)),
                                 (passages, rng.normal(size=(m, DIM)).astype(np.float32)))
        self.reads = 0

    def policy_sentences(self, policy):
        self.reads += 1
        return self.data[policy][0]

    def policy_passages(self, policy):
        return self.data[policy][1]


def test_evidence_read_together_equals_one_policy_at_a_time(tmp_path):
    from qa.search import evidence as evidence_module
    from qa.search.evidence import EvidenceReader

    model = load_practice_model(str(write_model(tmp_path / "m")))
    one_by_one = EvidenceReader(_Sentences(), model)
    singles = {p: one_by_one.of(p) for p in "abc"}
    scorer = _Sentences()
    together = EvidenceReader(scorer, model)
    evidence_module.READ_TOGETHER, kept = 2, evidence_module.READ_TOGETHER  # two stacks: c+a, then b
    try:
        read = together.read(["c", "a", "b", "a"])
    finally:
        evidence_module.READ_TOGETHER = kept
    assert list(read) == ["c", "a", "b"] and scorer.reads == 3
    for policy, single in singles.items():
        mine = read[policy]
        assert np.array_equal(mine.spans, single.spans)
        np.testing.assert_allclose(mine.topics, single.topics, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(mine.negated, single.negated, rtol=1e-5, atol=1e-6)
        if single.held_by is None:
            assert mine.held_by is None
        else:
            np.testing.assert_allclose(mine.held_by, single.held_by, rtol=1e-5, atol=1e-6)
    assert together.of("c") is read["c"] and scorer.reads == 3  # kept: not read again


def test_a_row_of_another_source_quoting_a_held_out_policy_is_not_trained_on():
    """PI-Extract's sentences are OPP-115's own: a row quoting a calibration or test policy's sentence (60+
    characters, case and spaces aside) is excluded; one quoting a training policy, or a short one, is not."""
    from qa.train.held_out import EXCLUDED, exclude_quotes_of_held_out
    from qa.train.practice_data import Rows

    held = "We will never sell your personal information to any third party for their marketing."
    trained = "We keep your account details for as long as your account stays open with us here."
    rows = Rows()
    rows.add(f"Acme\n{held}", {}, 0.0, "opp115-sentence", "1_acme.com", "test")
    rows.add(f"Beta\n{trained}", {}, 0.0, "opp115-sentence", "2_beta.com", "train")
    rows.add("Gamma\n" + held.upper().replace(" ", "  "), {}, 1.0, "piextract", "block-1", "train")
    rows.add(f"Delta\nIn short: {held} Thanks.", {}, 1.0, "tosdr", "delta", "train")
    rows.add(f"Gamma\n{trained}", {}, 0.0, "piextract", "block-2", "train")
    rows.add("Gamma\nWe will never sell it.", {}, 1.0, "piextract", "block-3", "train")
    assert exclude_quotes_of_held_out(rows) == 2
    assert rows.part == ["test", "train", EXCLUDED, EXCLUDED, "train", "train"]


def _with_encoder(folder: Path) -> Path:
    """`write_model`'s folder made a model that reads text: an `encoder` entry and a (never run) ONNX file."""
    config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
    config["encoder"] = {"folder": "encoder", "max_length": 32, "sha256": "f" * 64, "text": "bare"}
    (folder / CONFIG).write_text(json.dumps(config), encoding="utf-8")
    (folder / "encoder").mkdir()
    (folder / "encoder" / "model-int8.onnx").write_bytes(b"not run in these tests")
    return folder


def _fake_encode(model, calls: list):
    """Replace the model's ONNX encoder by a deterministic function of each text (its length and letters)."""
    def encode(texts):
        calls.append(list(texts))
        return np.stack([np.resize(np.frombuffer(t.encode().ljust(DIM, b"."), np.uint8)[:DIM] / 255.0, DIM)
                         for t in texts]).astype(np.float32)
    model.encode = encode


def test_model_with_encoder_needs_its_onnx_file(tmp_path):
    folder = _with_encoder(write_model(tmp_path / "m"))
    assert load_practice_model(str(folder)).reads_text
    practice_module._LOADED.clear()
    (folder / "encoder" / "model-int8.onnx").unlink()
    with pytest.raises(PracticeModelUnavailable, match="model-int8.onnx is missing"):
        load_practice_model(str(folder))


def test_encoded_vectors_are_kept_on_disk_exactly(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYQA_CACHE", str(tmp_path / "cache"))
    model = load_practice_model(str(_with_encoder(write_model(tmp_path / "m"))))
    calls: list = []
    _fake_encode(model, calls)
    first = model.encode_cached(["We do not sell your data.", "Cookies"])
    again = model.encode_cached(["We do not sell your data.", "Cookies"])
    assert len(calls) == 1 and again.dtype == np.float32 and np.array_equal(first, again)
    other = model.encode_cached(["Cookies"])  # other texts: another entry
    assert len(calls) == 2 and np.array_equal(other[0], first[1])
    for path in (tmp_path / "cache" / "practice-vectors").rglob("*.npy"):
        path.write_bytes(b"damaged")
    assert np.array_equal(model.encode_cached(["We do not sell your data.", "Cookies"]), first)
    assert len(calls) == 3  # a damaged file is encoded again
    twice = model.encode_cached(["Cookies", "We keep it.", "Cookies"])  # a text met twice is encoded once
    assert calls[-1] == ["Cookies", "We keep it."] and twice.shape == (3, DIM)
    assert np.array_equal(twice[0], first[1]) and np.array_equal(twice[2], first[1])


def test_evidence_of_a_model_that_reads_text_comes_from_the_policy_text(tmp_path, monkeypatch):
    from qa.search.evidence import EvidenceReader

    monkeypatch.setenv("POLICYQA_CACHE", str(tmp_path / "cache"))
    model = load_practice_model(str(_with_encoder(write_model(tmp_path / "m"))))
    calls: list = []
    _fake_encode(model, calls)
    text = "".join(chr(65 + i % 26) for i in range(400))
    scorer = _Sentences()
    reader = EvidenceReader(scorer, model, text_of=lambda policy: text)
    read = reader.of("c")
    spans, vectors = scorer.data["c"][0]
    passages = scorer.data["c"][1][0]
    assert calls == [[text[a:b] for a, b in np.concatenate([spans, passages])]]
    assert np.array_equal(read.vectors, vectors)  # the index's vectors still rank sentences by the question
    expected = model.topic_probabilities(np.stack([model.encode([text[a:b]])[0] for a, b in spans]))
    np.testing.assert_allclose(read.topics, expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="text_of"):
        EvidenceReader(_Sentences(), model).of("a")



def test_a_read_over_many_policies_encodes_at_most_the_first_few(tmp_path, monkeypatch):
    """A question over hundreds of policies never waits for all to be encoded: past `encode_at_most`,
    policies whose vectors are not on disk are left out; those on disk (a build read them) always count."""
    from qa.search.evidence import EvidenceReader

    monkeypatch.setenv("POLICYQA_CACHE", str(tmp_path / "cache"))
    model = load_practice_model(str(_with_encoder(write_model(tmp_path / "m"))))
    calls: list = []
    _fake_encode(model, calls)
    texts = {"a": "".join(chr(65 + i % 26) for i in range(400)), "c": "".join(chr(97 + i % 26) for i in range(400))}
    reader = EvidenceReader(_Sentences(), model, text_of=texts.get)
    assert list(reader.read(["c", "a"], encode_at_most=1)) == ["c"] and len(calls) == 1
    assert list(reader.read(["c", "a"], encode_at_most=0)) == ["c"] and len(calls) == 1  # "c" is kept
    assert sorted(reader.read(["c", "a"], encode_at_most=1)) == ["a", "c"] and len(calls) == 2
    again = EvidenceReader(_Sentences(), model, text_of=texts.get)  # another process: both are on disk
    assert sorted(again.read(["a", "c"], encode_at_most=0)) == ["a", "c"] and len(calls) == 2
    np.testing.assert_allclose(again.of("a").topics, reader.of("a").topics, rtol=1e-5, atol=1e-6)

def test_the_encoder_fine_tunes_on_a_few_rows_and_saves_a_model_folder(tmp_path):
    """The training loop of `tune practice --encoder` (toy rows, two steps): a head of topics + stance with
    the scale folded in, and a sentence-transformers folder the int8 export can read."""
    from qa.embed.base import resolve_model_path
    from qa.train.practice_encoder import SCALE, EncoderSettings, _fine_tune

    texts = ["We do not sell your data.", "We keep logs for 30 days.", "Cookies track visits.", "Contact our DPO."]
    y = np.full((4, len(TOPICS) + 1), np.nan, dtype=np.float32)
    y[0, TOPICS.index("sale")], y[0, -1] = 1.0, 1.0
    y[1, TOPICS.index("retention")], y[2, TOPICS.index("cookies")] = 1.0, 1.0
    said: list[str] = []
    weight, bias, info = _fine_tune(texts, y, np.arange(4), EncoderSettings(epochs=1, batch_size=2),
                                    Path(resolve_model_path("all-MiniLM-L6-v2")), tmp_path / "out", said.append)
    assert weight.shape == (len(TOPICS) + 1, 384) and bias.shape == (len(TOPICS) + 1,)
    assert info["steps"] == 2 and info["stopped_by"] == "epochs"
    assert np.isfinite(weight).all() and np.abs(weight).max() > SCALE * 1e-3
    for name in ("config.json", "model.safetensors", "tokenizer.json", "modules.json"):
        assert (tmp_path / "out" / name).is_file(), name
    assert (tmp_path / "out" / "1_Pooling" / "config.json").is_file()


def test_tune_practice_encoder_refuses_bad_numbers(tmp_path, capsys):
    from qa.cli import main

    for flags in (["--epochs", "0"], ["--minutes", "0"]):
        assert main(["tune", "practice", "--encoder", "--out", str(tmp_path / "m"), *flags]) != 0
        assert "--epochs must be >= 1 and --minutes > 0" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def test_a_damaged_encoder_is_a_one_line_error(tmp_path):
    model = load_practice_model(str(_with_encoder(write_model(tmp_path / "m"))))  # its ONNX file is junk
    (tmp_path / "m" / "encoder" / "tokenizer.json").write_text("{}", encoding="utf-8")
    with pytest.raises(PracticeModelUnavailable, match="its encoder cannot be opened") as caught:
        model.encode(["We do not sell your data."])
    assert "\n" not in str(caught.value) and exit_code(caught.value) is not None


@pytest.mark.integration
def test_warm_up_reads_a_small_collection_once_and_the_disk_keeps_it(seed_index_dir, real_embedder, tmp_path,
                                                                     monkeypatch):
    """The shipped model reads text: warming the seed index encodes every policy once; a second engine
    reads the same vectors back from the cache root, and decides exactly as the first."""
    from qa.search import engine as engine_module
    from qa.search.engine import Engine

    monkeypatch.setenv("POLICYQA_CACHE", str(tmp_path / "cache"))
    first = Engine.open(seed_index_dir, embedder_factory=lambda model: real_embedder)
    first.warm_up()
    assert set(first.evidence.missing(list(first.policies))) == set()
    files = list((tmp_path / "cache" / "practice-vectors").rglob("*.npy"))
    assert len(files) == len(first.policies)
    second = Engine.open(seed_index_dir, embedder_factory=lambda model: real_embedder)
    second.practice.encode = None  # reading back must not encode
    again = second.evidence.read(sorted(second.policies))  # read as warm_up reads: the same stacked products
    for policy in first.policies:
        np.testing.assert_array_equal(again[policy].topics, first.evidence.of(policy).topics)
    monkeypatch.setattr(engine_module, "WARM_PASSAGES", 10)  # too large a collection: left to its build
    third = Engine.open(seed_index_dir, embedder_factory=lambda model: real_embedder)
    third.warm_up()
    assert set(third.evidence.missing(list(third.policies))) == set(third.policies)


def test_the_chat_says_in_one_line_that_the_practice_encoder_cannot_be_opened():
    from qa.chat.chats import SearchOptions, ask

    class Broken:
        def answer(self, *args, **kwargs):
            raise PracticeModelUnavailable("practice model m: its encoder cannot be opened (InvalidProtobuf: x)")

    turn = ask(Broken(), "Do they sell my data?", SearchOptions(["a"], True, 5, "hybrid"), [])
    assert turn.answer is None and turn.problem.startswith("practice model m: its encoder cannot be opened")


class _StoredSentences(_Sentences):
    """`_Sentences` whose vectors a vector index holds, read on use (`policy_sentence_rows`), as the folder's."""

    def __init__(self):
        from qa.index.vectors import StoredRows, VectorIndex

        super().__init__()
        rows: dict = {}
        for part in (0, 1):
            stacked = np.concatenate([self.data[p][part][1] for p in "abc"])
            index, first = VectorIndex.build(stacked / np.linalg.norm(stacked, axis=1, keepdims=True)), 0
            for p in "abc":
                n = len(self.data[p][part][0])
                self.data[p] = tuple((spans, index.reconstruct_n(first, n) if k == part else vectors)
                                     for k, (spans, vectors) in enumerate(self.data[p]))
                rows[(part, p)] = (self.data[p][part][0], StoredRows(index, np.arange(first, first + n)))
                first += n
        self.rows = rows

    def policy_sentence_rows(self, policy):
        return self.rows[(0, policy)]

    def policy_passage_rows(self, policy):
        return self.rows[(1, policy)]


def test_evidence_reads_the_vectors_an_index_holds_on_use_and_decides_as_with_a_copy(tmp_path):
    """Over a scorer whose index holds the vectors, the evidence keeps none of them (`StoredRows`) and decides
    exactly as from the copies; `stating` kept per (topic, threshold) equals a fresh read."""
    from qa.index.vectors import StoredRows
    from qa.search.evidence import STATING_KEPT, EvidenceReader, decide

    model = load_practice_model(str(write_model(tmp_path / "m")))
    stored = _StoredSentences()
    copied = _Sentences()
    copied.data = stored.data  # the same vectors, as arrays
    on_use, copies = EvidenceReader(stored, model).of("c"), EvidenceReader(copied, model).of("c")
    assert isinstance(on_use.vectors, StoredRows) and isinstance(copies.vectors, np.ndarray)
    assert np.array_equal(on_use.vectors[np.arange(len(copies.vectors))], copies.vectors)
    assert np.array_equal(on_use.topics, copies.topics) and np.array_equal(on_use.negated, copies.negated)
    text = "".join(chr(97 + i % 26) for i in range(400))
    query = stored.data["c"][0][1][:1]
    for topic in range(len(model.topics)):
        asked = {topic: 0.3}
        assert decide(on_use, text, asked, model.topics, query, [], {}) == \
            decide(copies, text, asked, model.topics, query, [], {})
    for topic, threshold in [(0, 0.5), (1, 0.2), (0, 0.5), (2, 0.9)]:
        kept = on_use.stating(topic, threshold)
        fresh = on_use._stating(topic, threshold)
        assert all(np.array_equal(a, b) for a, b in zip(kept, fresh)) and kept[0].dtype == fresh[0].dtype
        assert on_use.stating(topic, threshold) is kept and not kept[0].flags.writeable
    for topic in range(len(model.topics)):
        for threshold in (0.1, 0.2, 0.3):
            on_use.stating(topic, threshold)
    assert 0 < len(on_use._stated) <= STATING_KEPT


def test_the_helpers_of_decide_equal_the_numpy_calls_they_replace():
    from qa.search.evidence import _best_first, _not_among

    rng = np.random.default_rng(5)
    for _ in range(200):
        n = int(rng.integers(1, 40))
        found = np.flatnonzero(rng.random(n) < 0.4)
        chosen = rng.permutation(n)[:int(rng.integers(0, n + 1))]
        assert np.array_equal(_not_among(found, chosen, n), np.setdiff1d(found, chosen))
        scores = rng.integers(0, 4, size=n).astype(np.float32)  # ties, kept in position order
        assert list(_best_first(scores)) == np.argsort(-scores, kind="stable").tolist()
