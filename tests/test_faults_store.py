"""Faults of the PostgreSQL store (issue #26): readers through publishes, hostile text, a frozen or stopped
server, concurrent first builds. Each ends in one line and loses neither the index nor a reader."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from qa.config import BuildSettings
from qa.index.pg.build import build_store
from qa.index.pg.reader import open_published
from qa.index.pg.store import PgStore
from qa.search.engine import open_engine

pytestmark = pytest.mark.slow  # a real PostgreSQL server

SETTINGS = BuildSettings(model="fake-embedder")


@pytest.fixture
def store(pg_url, request):
    schema = "f_" + request.node.name.lower().replace("[", "_").replace("]", "").replace("-", "_")[:50]
    with PgStore(pg_url, schema) as opened:
        yield opened


def _build(store: PgStore, policies: Path, embedder):
    return build_store(store, policies, SETTINGS, lambda: embedder)


def _change(policies: Path, n: int) -> None:
    path = sorted(p for p in policies.iterdir() if p.suffix in (".md", ".txt", ".html"))[0]
    path.write_text(path.read_text() + f"\n\nRevision {n}: we keep account records for {n} days.\n")


def test_a_reader_answers_through_20_publishes(store, seed_policies, fake_embedder):
    _build(store, seed_policies, fake_embedder)
    engine = open_engine(store.url, embedder_factory=lambda _: fake_embedder, reranker="none", schema=store.schema)
    first = engine.answer("How long do you keep call recordings?")
    for n in range(20):
        _change(seed_policies, n)
        _build(store, seed_policies, fake_embedder)
        answer = engine.answer("How long do you keep call recordings?")
        assert answer.rows  # the reader's generation is held by its lease: same passages as at first
    assert [r.policy for r in answer.rows] == [r.policy for r in first.rows]
    with store.pool.connection() as conn:  # only the current, the previous and the leased one are kept
        kept = conn.execute(store.q("SELECT count(*) FROM {s}.generations")).fetchone()[0]
    assert kept <= 3


def test_a_reader_whose_lease_lapsed_reopens_the_current_generation(store, seed_policies, fake_embedder):
    _build(store, seed_policies, fake_embedder)
    engine = open_engine(store.url, embedder_factory=lambda _: fake_embedder, reranker="none", schema=store.schema)
    old = engine.index.generation
    engine.answer("Do they sell my data?")
    with store.pool.connection() as conn:  # as if the reader slept past its lease
        conn.execute(store.q("UPDATE {s}.readers SET renewed_at = now() - interval '1 day'"))
    engine.index._renewed = -1e9
    for n in range(3):
        _change(seed_policies, n)
        _build(store, seed_policies, fake_embedder)
    with store.pool.connection() as conn:
        assert conn.execute(store.q("SELECT count(*) FROM {s}.generations WHERE generation_id = %s"),
                            (old,)).fetchone()[0] == 0
    answer = engine.answer("Do they sell my data?")
    assert answer.rows and engine.index.generation == store.current_generation()


def test_a_pdf_whose_text_holds_nul_is_refused_in_one_line_and_the_rest_indexed(store, seed_policies, fake_embedder):
    from tests.test_formats import make_pdf

    (seed_policies / "nulcorp.pdf").write_bytes(make_pdf([["We keep call recordings for ninety days.",
                                                            "Data kept \\000 here for every user of the service."]]))
    report = _build(store, seed_policies, fake_embedder)
    assert [str(e) for e in report.errors] == [
        "nulcorp.pdf: its text holds U+0000 at character 51, which PostgreSQL cannot store; remove it from the file"]
    assert "concero" in report.added and "nulcorp" not in report.added
    index = open_published(store)
    assert "concero" in index.policies and "nulcorp" not in index.policies


def _server_pids(url_root: Path) -> list[int]:
    """The postmaster of the server whose data is in `url_root`/data and every process it started."""
    import subprocess

    postmaster = int((url_root / "data" / "postmaster.pid").read_text().split()[0])
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
    return [postmaster, *map(int, children)]


def _signal_each(pids: list[int], signal_number: int) -> list[int]:
    """Send `signal_number` to each of `pids`; a child that ended since it was listed (a backend closing) is skipped.
    Returns the pids signalled."""
    import os

    sent = []
    for pid in pids:
        try:
            os.kill(pid, signal_number)
        except ProcessLookupError:
            continue
        sent.append(pid)
    return sent


def stop_server(postmaster: int) -> None:
    """Stop the server of process `postmaster` with a fast shutdown (every session ends with AdminShutdown)
    and wait, up to 10 s, until the process is gone."""
    import os
    import signal
    import time

    os.kill(postmaster, signal.SIGINT)
    for _ in range(100):
        try:
            os.kill(postmaster, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


@pytest.fixture
def own_server(tmp_path):
    """A server of this test's own (it is frozen or stopped); yields (url, folder)."""
    import os

    from pg_fixture import local_server

    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"policyqa-faults-{os.getpid()}-{id(tmp_path)}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with local_server(folder) as url:
            yield url, folder
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def _one_line_exit_1(capsys, code: int) -> str:
    err = capsys.readouterr().err
    assert code == 1, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


def test_a_question_to_a_server_frozen_mid_question_is_one_line_within_30_s(own_server, seed_policies,
                                                                             fake_embedder, capsys):
    import signal
    import time

    from qa.cli import report_error

    url, folder = own_server
    with PgStore(url) as built:
        _build(built, seed_policies, fake_embedder)
    engine = open_engine(url, embedder_factory=lambda _: fake_embedder, reranker="none")
    engine.answer("How long do you keep call recordings?")
    engine.index.store.statement_seconds = 5  # the default, 20 s, keeps a question under 30 s as well
    pids = _signal_each(_server_pids(folder), signal.SIGSTOP)
    try:
        started = time.monotonic()
        with pytest.raises(Exception) as caught:
            engine.answer("Do they sell my data to third parties?")
        took = time.monotonic() - started
    finally:
        _signal_each(pids, signal.SIGCONT)
    err = _one_line_exit_1(capsys, report_error(caught.value))
    assert "did not answer within 5 s" in err and took < 30
    assert engine.answer("Do they sell my data to third parties?").rows  # the pool recovers with the server


def test_ask_store_against_a_frozen_server_is_one_line_within_30_s(own_server, seed_policies, fake_embedder,
                                                                  fake_model, capsys):
    import signal
    import time

    from qa.cli import main

    url, folder = own_server
    with PgStore(url) as built:
        _build(built, seed_policies, fake_embedder)
    pids = _signal_each(_server_pids(folder), signal.SIGSTOP)
    try:
        started = time.monotonic()
        code = main(["ask", "--store", url, "Do they sell my data to third parties?"])
        took = time.monotonic() - started
    finally:
        _signal_each(pids, signal.SIGCONT)
    _one_line_exit_1(capsys, code)
    assert took < 30


def test_ask_store_after_the_server_stopped_is_one_line(own_server, seed_policies, fake_embedder, fake_model,
                                                        capsys):
    import subprocess

    from qa.cli import main
    from qa.index.pg.store import shared_store

    url, folder = own_server
    with PgStore(url) as built:
        _build(built, seed_policies, fake_embedder)
    assert main(["ask", "--store", url, "How long do you keep call recordings?"]) == 0
    capsys.readouterr()
    shared_store(url).statement_seconds = 5
    shared_store(url).pool.timeout = 5
    postmaster = _server_pids(folder)[0]
    import os
    import signal

    os.kill(postmaster, signal.SIGINT)  # fast shutdown: sessions end with AdminShutdown
    for _ in range(100):
        if subprocess.run(["kill", "-0", str(postmaster)], capture_output=True).returncode:
            break
        import time

        time.sleep(0.1)
    err = _one_line_exit_1(capsys, main(["ask", "--store", url, "Do they sell my data to third parties?"]))
    assert "store" in err


OPEN_AT = """
import sys, time
from qa.index.pg.store import PgStore
time.sleep(max(0.0, {at} - time.time()))  # every worker opens the fresh database at the same moment
PgStore({url!r}).close()
"""


def test_workers_opening_a_fresh_database_together_all_succeed(pg_url):
    import subprocess
    import sys
    import time

    import psycopg

    for attempt in range(3):  # the race is narrow: a few fresh databases
        name = f"fresh_{attempt}"
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        url = pg_url.rsplit("/", 1)[0] + "/" + name
        code = OPEN_AT.format(at=time.time() + 4, url=url)
        workers = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
                   for _ in range(6)]
        errors = [w.communicate(timeout=60)[1] for w in workers]
        assert [w.returncode for w in workers] == [0] * 6, [e[-300:] for e in errors if e]


def test_the_chat_says_in_one_line_that_the_store_stopped(own_server, seed_policies, fake_embedder, fake_model,
                                                           monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from qa.index.pg.store import shared_store
    from tests.conftest import ROOT

    url, folder = own_server
    with PgStore(url) as built:
        _build(built, seed_policies, fake_embedder)
    monkeypatch.setenv("POLICYQA_STORE", url)
    monkeypatch.setenv("POLICYQA_DATA", str(tmp_path / "chats"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    shared_store(url).statement_seconds = 5
    shared_store(url).pool.timeout = 5
    postmaster = _server_pids(folder)[0]
    stop_server(postmaster)  # fast shutdown: every session ends with AdminShutdown
    at.chat_input[0].set_value("How long does Concero keep phone call recordings?").run()
    assert not at.exception, at.exception
    shown = [e.value for e in at.error] + [m.value for m in at.markdown]
    assert any("store" in s and ("failed" in s or "cannot use" in s) for s in shown), shown


def test_a_read_only_reader_without_a_lease_reopens_the_current_generation(store, seed_policies, fake_embedder):
    _build(store, seed_policies, fake_embedder)
    with store.pool.connection() as conn:
        conn.execute("DROP ROLE IF EXISTS policyqa_reader")
        conn.execute("CREATE ROLE policyqa_reader LOGIN")
        conn.execute(f"GRANT USAGE ON SCHEMA {store.schema} TO policyqa_reader")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {store.schema} TO policyqa_reader")
    url = store.url.replace("postgres@", "policyqa_reader@")
    engine = open_engine(url, embedder_factory=lambda _: fake_embedder, reranker="none", schema=store.schema)
    assert not engine.index._leased  # INSERT into readers is not granted
    engine.answer("How long do you keep call recordings?")
    for n in range(3):
        _change(seed_policies, n)
        _build(store, seed_policies, fake_embedder)
    assert engine.answer("How long do you keep call recordings?").rows
    assert engine.index.generation == store.current_generation()


def test_a_server_stopped_mid_build_is_one_line_and_exit_1(own_server, seed_policies, fake_model, monkeypatch,
                                                           capsys):
    import time

    from qa.cli import main
    from tests.fakes import FakeEmbedder

    url, folder = own_server
    postmaster = _server_pids(folder)[0]
    real_embed = FakeEmbedder.embed

    def embed_then_stop(self, texts, batch_size=64):
        stop_server(postmaster)  # fast shutdown while the build holds its connections
        return real_embed(self, texts, batch_size)

    monkeypatch.setattr(FakeEmbedder, "embed", embed_then_stop)
    monkeypatch.setattr("qa.index.pg.store.STATEMENT_SECONDS", 5.0)  # the pool's wait for a new connection
    started = time.monotonic()
    code = main(["index", "build", "--store", url, "--policies", str(seed_policies), "--model", "fake-embedder",
                 "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert "store" in err and time.monotonic() - started < 60


def test_a_status_read_leaves_no_lease(store, seed_policies, fake_embedder):
    from qa.index.pg.build import store_status

    _build(store, seed_policies, fake_embedder)
    assert store_status(store)["manifest"]["generation"] == store.current_generation()
    with store.pool.connection() as conn:
        assert conn.execute(store.q("SELECT count(*) FROM {s}.readers")).fetchone()[0] == 0


def test_the_server_ends_a_statement_past_the_bound_too(store, capsys):
    import psycopg

    from qa.cli import report_error

    store.set_statement_seconds(1)
    with pytest.raises(psycopg.errors.QueryCanceled) as caught, store.pool.connection() as conn:
        assert conn.execute("SHOW statement_timeout").fetchone()[0] == "1s"
        store.statement_seconds = 10  # the client would wait longer: the server's statement_timeout acts first
        conn.execute("SELECT pg_sleep(5)")
    assert report_error(caught.value) == 1
    assert "the store failed: canceling statement due to statement timeout" in capsys.readouterr().err


def test_the_compare_page_says_in_one_line_that_the_store_stopped(own_server, seed_policies, fake_embedder,
                                                                  fake_model, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from qa.index.pg.store import shared_store
    from tests.conftest import ROOT

    url, folder = own_server
    with PgStore(url) as built:
        _build(built, seed_policies, fake_embedder)
    monkeypatch.setenv("POLICYQA_STORE", url)
    monkeypatch.setenv("POLICYQA_CACHE", str(tmp_path / "cache"))
    shared_store(url).statement_seconds = 5
    shared_store(url).pool.timeout = 5
    postmaster = _server_pids(folder)[0]
    page = AppTest.from_file(str(ROOT / "pages" / "1_Compare.py"), default_timeout=120)
    stop_server(postmaster)
    page.run()
    assert not page.exception, page.exception
    assert any("store" in e.value for e in page.error), [e.value for e in page.error]
