"""The chat's history under faults (issue #26): a damaged database is moved aside and named, never
deleted; one that cannot be written leaves the answer shown and says it is not saved."""

from __future__ import annotations

import sqlite3

import pytest

from qa.chat.history import ChatStore, Turn
from tests import test_app as _app_tests

start_app = _app_tests.start_app  # the chat page fixture, for the test over a damaged history


def test_a_file_that_is_not_a_database_is_moved_aside_and_named(tmp_path):
    path = tmp_path / "chats.sqlite3"
    path.write_bytes(b"not a database, but someone's bytes " * 200)
    store = ChatStore(path)
    [moved] = [p for p in tmp_path.iterdir() if p.name.startswith("chats.sqlite3.damaged-")]
    assert moved.read_bytes() == b"not a database, but someone's bytes " * 200  # kept, byte for byte
    assert store.problem and moved.name in store.problem and "damaged" in store.problem
    assert store.add_turn("c1", Turn("How long are calls kept?", problem="none"))
    assert [t.question for t in ChatStore(path).turns("c1")] == ["How long are calls kept?"]


def test_a_database_damaged_inside_is_moved_aside(tmp_path):
    path = tmp_path / "chats.sqlite3"
    store = ChatStore(path)
    for i in range(200):
        store.add_turn("c1", Turn(f"question {i} " + "x" * 2000, problem="none"))
    data = bytearray(path.read_bytes())
    data[8192:8192 + 4096] = b"\xff" * 4096  # a b-tree page overwritten
    path.write_bytes(bytes(data))
    again = ChatStore(path)
    assert again.problem and "moved to chats.sqlite3.damaged-" in again.problem
    assert any(p.name.startswith("chats.sqlite3.damaged-") for p in tmp_path.iterdir())
    assert again.chats() == [] and again.add_turn("c2", Turn("new", problem="none"))


def test_a_full_disk_keeps_the_answer_and_says_it_is_not_saved(tmp_path, monkeypatch):
    store = ChatStore(tmp_path / "chats.sqlite3")

    def full():
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "_connect", full)
    assert store.add_turn("c1", Turn("How long?", problem="none")) is False
    assert store.problem == (f"This answer could not be saved to {tmp_path / 'chats.sqlite3'} (database or disk "
                             "is full); it is not in the history.")
    assert store.turns("c1") == [] and store.chats() == []


def test_a_history_folder_that_cannot_be_made_leaves_the_chat_answering(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")
    store = ChatStore(blocker / "chats.sqlite3")
    assert store.problem and store.problem.startswith(f"Conversations cannot be saved: {blocker / 'chats.sqlite3'}")
    assert store.chats() == [] and store.turns("c") == [] and store.chat_of_turn("t") is None
    assert store.add_turn("c", Turn("q", problem="none")) is False
    assert blocker.read_text() == "a file where the folder should be"


@pytest.mark.integration
def test_the_chat_answers_over_a_damaged_then_unwritable_history(start_app, tmp_path, monkeypatch):
    from tests.test_app import ask

    data = tmp_path / "data"
    data.mkdir()
    (data / "chats.sqlite3").write_bytes(b"\x00garbage" * 500)
    at = start_app()
    warnings = " ".join(w.value for w in at.warning)
    assert "was damaged" in warnings and "chats.sqlite3.damaged-" in warnings

    def full(self, chat_id, turn):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ChatStore, "_add_turn", full)
    ask(at, "How long does Concero keep phone call recordings?")
    assert "could not be saved" in " ".join(w.value for w in at.warning)
    assert any("pq-quote" in m.value for m in at.markdown)  # the answer is shown all the same


# -- uploads: read once, in the child ------------------------------------------------------------------

def _count_children(monkeypatch) -> list:
    import qa.ingest.uploads as uploads

    calls: list = []
    real = uploads.subprocess.run

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(uploads.subprocess, "run", counted)
    return calls


@pytest.mark.slow
def test_an_accepted_upload_is_never_parsed_in_the_server_process(tmp_path, monkeypatch):
    import qa.ingest.formats.pdf as pdf
    from qa.ingest.formats import extract_text
    from qa.ingest.uploads import Upload, upload_text, validate_upload
    from tests.test_formats import make_pdf

    data = make_pdf([["Acme Privacy Policy", "We keep invoices for seven years as tax law requires."]])
    calls = _count_children(monkeypatch)
    upload = Upload("Acme.pdf", data)
    assert validate_upload(upload) == "acme.pdf"

    def no_parsing(*args):
        raise AssertionError("parsed in the server process")

    monkeypatch.setattr(pdf, "extract_pdf", no_parsing)
    assert "seven years" in upload_text(upload, "acme.pdf")  # the chat's name suggestion
    assert validate_upload(upload) == "acme.pdf"  # a rerun of the page
    saved = tmp_path / "acme.pdf"
    saved.write_bytes(data)
    assert "seven years" in extract_text(saved).text  # the index build in the server process
    assert len(calls) == 1


@pytest.mark.slow
def test_a_refused_upload_is_not_read_again_on_every_rerun(monkeypatch):
    from qa.ingest.formats import Limits, PolicyFileError
    from qa.ingest.uploads import Upload, validate_upload
    from tests.test_faults_input import xobject_pdf

    calls = _count_children(monkeypatch)
    upload = Upload("slow.pdf", xobject_pdf(150, 20_000))
    for _ in range(3):
        with pytest.raises(PolicyFileError, match=r"^slow.pdf: reading the file took over 2 s"):
            validate_upload(upload, limits=Limits(seconds=2))
    assert len(calls) == 1


def test_a_right_to_left_override_cannot_reverse_a_chat_title(tmp_path):
    store = ChatStore(tmp_path / "chats.sqlite3")
    store.add_turn("c1", Turn("what do you \u202eword\u202c keep\x1b[2J?", problem="none"))
    assert [c.title for c in store.chats()] == ["what do you word keep [2J?"]


@pytest.mark.integration
def test_a_question_over_the_length_limit_is_refused_with_a_message(start_app):
    from tests.test_app import ask

    at = ask(start_app(), "How long are recordings kept? " * 40)  # 1,200 characters
    assert any("Questions are limited to 1,000 characters; this one has 1,200" in w.value for w in at.warning)
    assert len(at.chat_message) == 0  # not asked, nothing saved
