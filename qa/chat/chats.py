"""The conversations: the chat the URL names (`?chat=`, an answer's `&answer=`), asking in it with the
sidebar's options, and saving its turns in the history (SQLite, `qa.chat.history`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from qa.chat.engines import store_failure
from qa.chat.history import ChatStore, Turn
from qa.errors import ModelLoadError
from qa.search.engine import Engine

HISTORY_TURNS = 6  # earlier answers passed to the engine, so follow-ups resolve against recent turns


@st.cache_resource
def open_store(path: str) -> ChatStore:
    """The history in the SQLite file at `path`, opened once per server (a resource every session shares)."""
    return ChatStore(Path(path))


@dataclass(frozen=True)
class SearchOptions:
    """What the sidebar says to search: which policies, how many passages, with which retriever."""

    policies: list[str]  # ids selected in the sidebar
    every_policy: bool  # all selected: the engine routes by the names in the question
    k: int
    retriever: str


def current_chat(store: ChatStore) -> tuple[str | None, list[Turn]]:
    """The chat the URL names (`?chat=`, or the chat of `?answer=`), else this session's, loaded once per
    session and chat; "New chat" is what empties it."""
    params = st.query_params
    chat_id = params.get("chat") or (store.chat_of_turn(params["answer"]) if params.get("answer") else None)
    state = st.session_state
    if chat_id is None and state.get("chat_id"):  # back from another page, whose URL had no chat in it
        chat_id = state.chat_id
        st.query_params["chat"] = chat_id
    if state.get("chat_id") != chat_id or "turns" not in state:
        state.chat_id = chat_id
        state.turns = store.turns(chat_id) if chat_id else []
        state.scrolled_to = None
    return chat_id, state.turns


def new_chat() -> None:
    st.query_params.clear()
    st.session_state.chat_id = None
    st.session_state.turns = []


def open_chat(chat_id: str) -> None:
    st.query_params.clear()
    st.query_params["chat"] = chat_id


def permalink(chat_id: str, turn_id: str) -> str:
    return "?" + urlencode({"chat": chat_id, "answer": turn_id})


def save_turn(store: ChatStore, chat_id: str, turn: Turn) -> None:
    """Save an answer to the history; one that cannot be (a full disk, a read-only file) stays shown, and
    the page says it is not saved."""
    if not store.add_turn(chat_id, turn):
        st.warning(store.problem, icon=":material/warning:")


def history_notice(store: ChatStore) -> None:
    """The history's problem (a damaged file moved aside and named, a folder that cannot be written),
    once per browser session."""
    if store.problem and st.session_state.get("history_notice") != store.problem:
        st.session_state.history_notice = store.problem
        st.warning(store.problem, icon=":material/warning:")


def ask(engine: Engine, question: str, options: SearchOptions, earlier: list[Turn]) -> Turn:
    """Answer `question` with the sidebar's options, earlier answers of this chat as its context."""
    turn = Turn(question=question, details={"retriever": options.retriever, "k": options.k})
    if not options.policies:
        turn.problem = "No policy is selected: choose at least one in the sidebar."
        return turn
    history = [t.answer for t in earlier if t.answer is not None][-HISTORY_TURNS:]
    try:
        turn.answer = engine.answer(question, k=options.k,
                                    policies=None if options.every_policy else options.policies,
                                    retriever=options.retriever, history=history)
    except ValueError as err:
        turn.problem = str(err)[:1].upper() + str(err)[1:] + "."
        return turn
    except ModelLoadError as err:  # a practice encoder opened at its first use, damaged since the index loaded
        turn.problem = str(err)
        return turn
    except Exception as err:
        if (failure := store_failure(err)) is None:
            raise
        turn.problem = failure
        return turn
    shown = {row.policy for row in turn.answer.rows} | {h.policy for h in turn.answer.mentions}
    try:
        turn.texts = {p: engine.policies[p].text for p in shown if p in engine.policies}
    except Exception as err:
        if (failure := store_failure(err)) is None:
            raise
        turn.answer, turn.problem = None, failure
    return turn
