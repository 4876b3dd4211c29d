"""Conversations kept in SQLite, the Markdown export, and policy names written into policies.toml."""

import json
import sqlite3
import time
import tomllib
from dataclasses import replace

import pytest

from qa.chat.history import ChatStore, Turn, answer_from_record, answer_record, data_dir
from qa.chat.transcript import answer_spans, conversation_markdown, not_indexed_line, shown_quotes
from qa.ingest.aliases import name_from_title, title_of
from qa.ingest.policy_toml import entry_text, write_policy_entry
from qa.search.answer import Answer, PolicyAnswer
from qa.types import Hit, Quote

POLICY = ("Telephone Communications\n\nWe record calls. We keep the recordings for 30 days; or\n"
          "- until a complaint about the call is closed.\nSee https://concero.example/privacy.\n")


def concero_answer(question: str = "How long are calls kept?") -> Answer:
    start = POLICY.index("We keep")
    end = POLICY.index("; or") + len("; or")
    hit = Hit(policy="concero", name="Concero Technology Services", section="Telephone Communications",
              start=0, end=len(POLICY), text=POLICY, score=0.8123, passage_id="p1",
              highlights=((start, end),), similarity=0.7)
    quote = Quote("concero", "Concero Technology Services", "Telephone Communications", start, end, POLICY[start:end])
    rows = (PolicyAnswer("concero", "Concero Technology Services", False, 0.8, quotes=(quote,), hits=(hit,),
                         ranked=(hit, hit)),
            PolicyAnswer("ct1", "CT1 Technologies", True, 0.1))
    return Answer(question, rows, scope=("concero", "ct1"), routed=("concero",), latency_ms=12.5)


@pytest.fixture
def store(tmp_path) -> ChatStore:
    return ChatStore(tmp_path / "data" / "chats.sqlite3")


def test_data_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("POLICYQA_DATA", str(tmp_path / "mine"))
    assert data_dir() == tmp_path / "mine"
    monkeypatch.delenv("POLICYQA_DATA")
    assert data_dir().parts[-3:] == (".local", "share", "policyqa")


def test_an_answer_survives_the_round_trip_through_json_unchanged():
    answer = concero_answer()
    record = json.loads(json.dumps(answer_record(answer)))
    assert answer_from_record(record) == answer  # nested rows, quotes, hits and tuples alike
    assert all(isinstance(h, Hit) for h in answer_from_record(record).rows[0].ranked)  # read from annotations


def test_a_record_with_unknown_keys_still_reads_and_a_broken_one_says_so():
    record = answer_record(concero_answer())
    record["added_later"] = 1
    record["rows"][0]["also_new"] = "x"
    assert answer_from_record(record) == concero_answer()
    with pytest.raises(ValueError, match="cannot be read"):
        answer_from_record({"rows": "not rows"})


def test_a_conversation_is_saved_and_read_back_in_order_by_a_new_store(store, tmp_path):
    first = Turn("How long are calls kept?", answer=concero_answer(), texts={"concero": POLICY},
                 details={"retriever": "hybrid", "k": 5})
    second = Turn("And emails?", problem="No policy is selected: choose at least one in the sidebar.")
    store.add_turn("chat1", first)
    store.add_turn("chat1", second)
    reopened = ChatStore(tmp_path / "data" / "chats.sqlite3")  # as after a server restart
    turns = reopened.turns("chat1")
    assert [t.id for t in turns] == [first.id, second.id]
    assert turns[0].answer == first.answer and turns[0].texts == {"concero": POLICY}
    assert turns[0].details == {"retriever": "hybrid", "k": 5}
    assert turns[1].answer is None and turns[1].problem == second.problem
    assert reopened.chat_of_turn(second.id) == "chat1" and reopened.chat_of_turn("nope") is None
    assert reopened.turns("unknown") == []


def test_chats_are_listed_newest_first_titled_by_their_first_question(store):
    store.add_turn("old", Turn("What is kept?"))
    time.sleep(0.01)
    store.add_turn("new", Turn("  Who   gets my data?  " + "x" * 100))
    store.add_turn("new", Turn("Second question"))
    chats = store.chats()
    assert [c.id for c in chats] == ["new", "old"]
    assert chats[0].title.startswith("Who gets my data? x") and chats[0].title.endswith("…")
    assert len(chats[0].title) == 80 and chats[0].turns == 2


def test_a_policy_text_is_stored_once_and_removed_with_its_last_chat(store):
    for chat in ("a", "b"):
        store.add_turn(chat, Turn("q", answer=concero_answer(), texts={"concero": POLICY}))
    count = lambda: sqlite3.connect(store.path).execute("SELECT COUNT(*) FROM texts").fetchone()[0]  # noqa: E731
    assert count() == 1
    store.delete_chat("a")
    assert count() == 1 and store.turns("b")[0].texts == {"concero": POLICY}
    store.delete_chat("b")
    assert count() == 0 and store.chats() == []


def test_an_unreadable_saved_answer_becomes_a_note_not_a_failure(store):
    store.add_turn("c", Turn("q", answer=concero_answer()))
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE turns SET answer = ?", (json.dumps({"rows": 5}),))
    [turn] = store.turns("c")
    assert turn.answer is None and "another version" in turn.problem


def test_reading_a_20_turn_conversation_is_two_queries(store, monkeypatch):
    """Reading a conversation costs the same few statements whatever its length (its speed is measured by
    `policyqa bench`, not asserted here): one for the turns, one for the policy texts they share."""
    for i in range(20):
        store.add_turn("long", Turn(f"question {i}", answer=concero_answer(f"question {i}"), texts={"concero": POLICY}))
    statements: list[str] = []
    connect = ChatStore._connect

    def traced(self):
        db = connect(self)
        db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(ChatStore, "_connect", traced)
    turns = store.turns("long")
    assert len(turns) == 20 and all(t.texts == {"concero": POLICY} for t in turns)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2, statements


# -- what is shown, copied and exported ----------------------------------------------------------------

def test_shown_quotes_are_the_answers_own_unchanged():
    # The answer path makes quotes whole (qa.search.quotes); the chat, Copy and the export show them as
    # they are, so `policyqa ask` and the grid show the same spans.
    row = concero_answer().rows[0]
    assert shown_quotes(row, {"concero": POLICY}) == list(row.quotes) == shown_quotes(row)


def test_a_lower_passage_is_marked_as_an_answer_only_when_it_clears_the_threshold():
    answer = concero_answer()
    hit = answer.rows[0].hits[0]  # score 0.8123, similarity 0.7
    quoted = [(5, 9)]
    dense = replace(answer, threshold=0.49)  # no reranker: judged by the dense similarity
    assert answer_spans(hit, dense, quoted) == quoted + list(hit.highlights)
    assert answer_spans(replace(hit, similarity=0.3), dense, quoted) == quoted
    reranked = replace(answer, reranker="policyqa-reranker", threshold=0.9)  # judged by its probability
    assert answer_spans(hit, reranked, quoted) == quoted
    assert answer_spans(replace(hit, score=0.95), reranked, quoted) == quoted + list(hit.highlights)
    assert answer_spans(hit, replace(answer, threshold=0.0), quoted) == quoted  # none recorded: hints only


def test_export_has_every_quote_with_its_citation_and_what_was_not_stated():
    turns = [Turn("How long are calls kept?", answer=concero_answer(), texts={"concero": POLICY}),
             Turn("Blank?", problem="No policy is selected: choose at least one in the sidebar.")]
    markdown = conversation_markdown(turns)
    assert markdown.startswith("# policyqa conversation\n\n## How long are calls kept?\n")
    assert ("> “We keep the recordings for 30 days; or”\n>\n"
            "> — Concero Technology Services, § Telephone Communications\n") in markdown
    assert "### Concero Technology Services\n\n**Not stated**\n" in markdown  # the row's verdict (default)
    assert "Not stated in CT1 Technologies." in markdown
    assert "## Blank?\n\nNo policy is selected" in markdown


def test_export_says_how_a_question_was_read_and_labels_mentions():
    mention = concero_answer().rows[0].hits[0]
    answer = Answer("and Facebook?", (), scope=(), interpreted_as="What does Facebook do with my data?",
                    not_indexed=("Facebook",), mentions=(mention,))
    markdown = conversation_markdown([Turn("and Facebook?", answer=answer)], indexed=["Concero", "CT1"])
    assert "*Interpreted as: What does Facebook do with my data?*" in markdown
    assert not_indexed_line(["Facebook"], ["Concero", "CT1"]) in markdown
    assert "No policy of Facebook is indexed — indexed: Concero, CT1; add one with the sidebar." in markdown
    assert "### Mentions (not answers)" in markdown


# -- names of an uploaded policy ------------------------------------------------------------------------

def test_a_new_entry_is_appended_and_comments_and_other_entries_are_kept(tmp_path):
    path = tmp_path / "policies.toml"
    path.write_text('# Names.\n\n[concero]\nname = "Concero"\naliases = ["CTS"]\n\n# Next one.\n[ct1]\nname = "CT1"\n')
    write_policy_entry(tmp_path, "acme-widgets", 'Acme "Widgets" Ltd', ["Acme Widgets", "Acme", "Acme"])
    text = path.read_text()
    assert text.startswith("# Names.\n\n[concero]") and "# Next one.\n[ct1]" in text
    data = tomllib.loads(text)
    assert data["acme-widgets"] == {"name": 'Acme "Widgets" Ltd', "aliases": ["Acme Widgets", "Acme"]}
    assert data["concero"] == {"name": "Concero", "aliases": ["CTS"]}


def test_an_existing_entry_is_replaced_in_place(tmp_path):
    path = tmp_path / "policies.toml"
    path.write_text("[concero]\nname = \"Concero\"\naliases = [\"CTS\"]\n\n# Next one.\n[ct1]\nname = \"CT1\"\n")
    write_policy_entry(tmp_path, "concero", "Concero Technology Services", ["Concero"])
    assert path.read_text() == ('[concero]\nname = "Concero Technology Services"\naliases = ["Concero"]\n\n'
                                '# Next one.\n[ct1]\nname = "CT1"\n')


def test_an_id_with_a_dot_is_a_quoted_key_not_a_nested_table(tmp_path):
    write_policy_entry(tmp_path, "acme.v2", "Acme", [])
    write_policy_entry(tmp_path, "acme.v2", "Acme Two", ["A2"])
    assert entry_text("acme.v2", "Acme", []).startswith('["acme.v2"]')
    written = tomllib.loads((tmp_path / "policies.toml").read_text())
    assert written == {"acme.v2": {"name": "Acme Two", "aliases": ["A2"]}}


def test_a_broken_metadata_file_or_an_empty_name_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "policies.toml"
    path.write_text("[concero\nname = ")
    with pytest.raises(ValueError, match="not valid TOML"):
        write_policy_entry(tmp_path, "acme", "Acme", [])
    assert path.read_text() == "[concero\nname = "
    with pytest.raises(ValueError, match="name is empty"):
        write_policy_entry(tmp_path, "acme", "  ", [])


def test_names_are_suggested_from_the_title():
    assert title_of("\n\n# Acme Widgets Ltd Privacy Policy\n\nWe collect…") == "Acme Widgets Ltd Privacy Policy"
    assert name_from_title("Acme Widgets Ltd Privacy Policy") == "Acme Widgets Ltd"
    assert name_from_title("Acme Widgets – Privacy Notice") == "Acme Widgets"
    assert name_from_title("Privacy Policy") == "Privacy Policy"
    assert title_of("12\n---\n") == ""


def test_export_says_the_verdict_the_gaps_and_what_a_cut_list_leaves_out():
    quotes = (Quote("concero", "Concero", "S", 0, 15, "We record calls", more=((40, 50), (51, 60))),
              Quote("concero", "Concero", "S", 30, 38, "We keep.", gap_before=True))
    row = PolicyAnswer("concero", "Concero", False, 0.9, quotes=quotes, verdict="no", label="states it")
    other = PolicyAnswer("ct1", "CT1", True, 0.1)
    answer = Answer("Do they sell my data?", (row, other), scope=("concero", "ct1"), kind="yes-no")
    markdown = conversation_markdown([Turn("Do they sell my data?", answer=answer)])
    assert "Say they don't: Concero · Don't say: CT1 · Say they do: —" in markdown
    assert "### Concero\n\n**No — states it**\n" in markdown
    assert "> “We record calls”\n>\n> (+2 more items in the policy)\n>\n> — Concero, § S\n\n…\n\n> “We keep.”" in markdown
