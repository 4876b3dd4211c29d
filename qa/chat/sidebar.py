"""The chat's sidebar: what to search (policies, passages, retriever), the index's figures, and the chats
(new, export, past ones)."""

from __future__ import annotations

import hashlib
from datetime import datetime

import streamlit as st

from qa.chat import render
from qa.chat.chats import SearchOptions, new_chat, open_chat
from qa.chat.elements import policy_names, show_html
from qa.chat.history import ChatStore, Turn
from qa.chat.transcript import conversation_markdown
from qa.search.engine import DEFAULT_RETRIEVER, RETRIEVERS, Engine

MANY_POLICIES = 12  # more than this, and a policy filter starts empty instead of listing every policy


def search_options(engine: Engine) -> SearchOptions:
    """The policy filter, and under "Advanced" the passage count and the retriever."""
    policies = engine.policies
    ids = list(policies)
    st.header("Search")
    # Keyed by the policy set, so a rebuild that adds a policy starts again from "all selected".
    key = "policies-" + hashlib.sha1("\0".join(ids).encode()).hexdigest()[:12]
    # Many policies (a PostgreSQL store holds thousands): the filter starts empty, meaning every policy,
    # instead of a chip per policy.
    many = len(ids) > MANY_POLICIES
    chosen = st.multiselect("Policies to search", ids, default=[] if many else ids, key=key,
                            format_func=lambda p: policies[p].name if p in policies else p,
                            placeholder=f"All {len(ids):,} policies" if many else "Choose policies",
                            help=f"Left empty, every one of the {len(ids):,} policies is searched (a question "
                                 "naming a company goes to its policy)." if many else None)
    every = len(chosen) == len(ids) or (many and not chosen)
    with st.expander("Advanced", icon=":material/tune:"):
        k = st.slider("Passages", min_value=1, max_value=10, value=5, key="passages",
                      help="How many passages to retrieve. Asked of several policies, each gets about half.")
        retriever = st.selectbox("Retriever", RETRIEVERS, key="retriever",
                                 index=RETRIEVERS.index(DEFAULT_RETRIEVER) if DEFAULT_RETRIEVER in RETRIEVERS else 0)
    return SearchOptions(policies=ids if every else [p for p in chosen if p in policies], every_policy=every,
                         k=int(k), retriever=retriever)


def format_built_at(value: str) -> str:
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M %Z").strip()
    except (TypeError, ValueError):
        return str(value)


def index_status(engine: Engine) -> None:
    st.header("Index")
    manifest = engine.index.manifest
    left, right = st.columns(2)
    left.metric("Policies", len(manifest["policies"]))
    right.metric("Passages", manifest["passage_count"])
    show_html(render.muted_html(f"Model {manifest['model']['id']}\n"
                                f"Built {format_built_at(manifest.get('built_at'))}"))


def chats_panel(store: ChatStore, chat_id: str | None, turns: list[Turn], engine: Engine) -> None:
    """New chat, export of this one, and the list of past chats."""
    st.header("Chats")
    left, right = st.columns(2)
    left.button("New chat", key="new-chat", on_click=new_chat, icon=":material/add_comment:", disabled=not turns,
                width="stretch")
    right.download_button("Export", data=conversation_markdown(turns, policy_names(engine)),
                          file_name="policyqa-conversation.md", mime="text/markdown", key="export-chat",
                          icon=":material/download:", disabled=not turns, on_click="ignore", width="stretch")
    past = [c for c in store.chats(limit=15) if c.id != chat_id]
    for chat in past:
        st.button(render.escape_text(chat.title), key=f"chat-{chat.id}", on_click=open_chat, args=(chat.id,),
                  type="tertiary", icon=":material/chat_bubble:")
