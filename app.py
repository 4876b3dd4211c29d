"""The policyqa chat page (Streamlit): ask what the privacy policies say, get cited verbatim excerpts.

`make run` serves it. The index is read from $POLICYQA_INDEX (else `index/`) and reloaded as soon as it
changes on disk (a CLI rebuild shows on the next question); uploaded policies are saved to
$POLICYQA_POLICIES (else `policies/`). Conversations are kept in SQLite in $POLICYQA_DATA (else
~/.local/share/policyqa), so a reload or a restart reopens them: the URL names the chat (`?chat=`) and
an answer's permalink adds `&answer=`. Every piece of HTML comes from `qa.chat.render`, which escapes all
policy and user text; nothing else is passed to Streamlit with `unsafe_allow_html`.

This file puts the page together; its parts are in `qa.chat`: `indexing` (opening or building the index),
`sidebar` (search options, the index, the chats), `policy_upload` (the "Add a policy" form), `chats` (the
conversation the URL names, asking in it) and `answers` (an answer on the page).
"""

from __future__ import annotations

import os

import streamlit as st

from qa.chat import render
from qa.chat.answers import show_answer, show_turn
from qa.chat.chats import ask, current_chat, history_notice, open_store, save_turn
from qa.chat.elements import policy_names, run_script, say, show_html
from qa.chat.history import Turn, data_dir, new_id
from qa.chat.indexing import open_engine, stale_warning
from qa.chat.policy_upload import STORE_UPLOAD_NOTE, add_policies, upload_form
from qa.chat.sidebar import chats_panel, index_status, search_options
from qa.index.open import ENV_STORE
from qa.search.engine import Engine

# (question, the policy it needs): an example is offered only when that policy is in the index.
EXAMPLES = (
    ("How long does Concero keep phone call recordings?", "concero"),
    ("Which companies say they will never sell my data?", None),
    ("How do I make a data access request to CT1?", "ct1-technologies"),
    ("Does CloudSentric transfer data outside the UK?", "cloudsentric"),
)
MAX_QUESTION_CHARS = 1000  # a question is embedded on every ask; a pasted essay would only slow it down
PLACEHOLDER = "Ask about the policies…"  # short: a phone's input shows all of it

st.set_page_config(page_title="policyqa", page_icon="🔎")


def empty_state(engine: Engine) -> None:
    names = policy_names(engine)
    st.markdown("Ask what these privacy policies say about your data: what is collected, how long it is kept, "
                "who it is shared with, how to get a copy or have it deleted. Every answer is quoted word "
                "for word from the policy, with its section.")
    show_html(render.muted_html(f"{len(names)} policies: " + ", ".join(names)))
    examples = [q for q, needs in EXAMPLES if needs is None or needs in engine.policies]
    if examples:
        st.markdown("**Try one of these**")
        columns = st.columns(2)
        for i, question in enumerate(examples):
            columns[i % 2].button(question, key=f"example-{i}", on_click=ask_example, args=(question,),
                                  width="stretch")


def ask_example(question: str) -> None:
    st.session_state.pending = question


def within_length(question: str | None) -> str | None:
    """The question, or None after saying why when it is over MAX_QUESTION_CHARS. Checked here rather than
    by the input's max_chars, which let a longer pasted question vanish without a word."""
    if question is not None and len(question) > MAX_QUESTION_CHARS:
        st.warning(f"Questions are limited to {MAX_QUESTION_CHARS:,} characters; this one has {len(question):,}. "
                   "Shorten it and ask again.", icon=":material/warning:")
        return None
    return question


def main() -> None:
    show_html(render.STYLESHEET)
    run_script(render.COPY_SCRIPT)
    st.title("policyqa")
    st.caption("What do the privacy policies actually say? Answers are verbatim quotations, cited.")
    engine = open_engine()
    if engine is None:
        st.stop()
    store = open_store(str(data_dir() / "chats.sqlite3"))
    history_notice(store)
    chat_id, turns = current_chat(store)
    question = within_length(st.chat_input(PLACEHOLDER))
    question = question or st.session_state.pop("pending", None)
    if question is not None and not question.strip():
        question = None  # a blank question does nothing
    notices = st.container()  # build progress and its outcome, above the conversation
    with st.sidebar:
        chats = st.container()  # filled last, so the export includes the answer given in this run
        options = search_options(engine)
        index_status(engine)
        # A shared store is filled by builders from their policies folder; a reader uploading into its own
        # folder and building from it would drop every policy that folder lacks.
        upload = None
        if os.environ.get(ENV_STORE):
            st.caption(STORE_UPLOAD_NOTE)
        else:
            upload = upload_form(engine)
    with notices:
        for kind, text in st.session_state.pop("flash", []):
            say(kind, text)
        stale_warning(engine)
        if upload is not None:
            add_policies(engine, *upload)

    if not turns and not question:
        empty_state(engine)
    for turn in turns:
        show_turn(turn, engine, chat_id)
    if question:
        if chat_id is None:
            chat_id = st.session_state.chat_id = new_id()
        turn = Turn(question=question)
        with st.chat_message("user"):
            show_html(render.question_html(question, turn.id))
        with st.chat_message("assistant"):
            with st.spinner("Searching the policies…"):
                answered = ask(engine, question, options, turns)
            answered.id = turn.id
            show_answer(answered, engine, chat_id)
        turns.append(answered)
        save_turn(store, chat_id, answered)
        st.query_params.from_dict({"chat": chat_id})
        run_script(render.scroll_script(answered.id))
    elif st.query_params.get("answer") and st.session_state.get("scrolled_to") != st.query_params["answer"]:
        st.session_state.scrolled_to = st.query_params["answer"]
        # A permalink opens a whole conversation, which takes longer to lay out than one answer.
        run_script(render.scroll_script(st.query_params["answer"], times_ms=(0, 200, 600, 1200, 2000, 3000)))
    with chats:
        chats_panel(store, chat_id, turns, engine)


main()
