"""The chat server's engine: one per index, shared by the chat and the Compare page.

Streamlit keeps a cached resource per function, so the two pages share an engine only when they call the
same function: these. (Each page had its own loader, and a server showing both pages held two engines,
two copies of the index in memory.) With the chat page's parts (`elements`, `chats`, `sidebar`, `indexing`,
`policy_upload`, `answers`), one of the modules of `qa.chat` that use Streamlit; `render`, `history` and
`transcript` do not.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from qa.index.open import index_signature as signature_at
from qa.index.open import store_location
from qa.index.store import IndexUnavailable
from qa.search.engine import Engine
from qa.search.engine import open_engine as open_index_engine


@st.cache_resource(show_spinner="Loading the embedding model…")
def load_embedder(model_id: str, backend: str | None = None):
    """The sentence embedder, shared by every index and session: reloading the index keeps it.

    `backend`: the runtime the index was built with (None: the default), so questions match passages.
    """
    from qa.embed.load import load_embedder as load

    return load(model_id, backend=backend)


def index_signature(folder: Path) -> str:
    """What identifies the index now in `folder` (or $POLICYQA_STORE's published generation): a hash of
    its manifest, about a millisecond, so a rebuild from the CLI is picked up by the next question."""
    return signature_at(store_location() or folder)


@st.cache_resource(show_spinner="Loading the index…", max_entries=2)
def load_engine(folder: str, signature: str) -> Engine:
    """The engine for the index in `folder` ($POLICYQA_STORE first) as `signature` identifies it; a new
    signature loads anew. Warmed up here (BM25 built), so the first question does not pay for it. Two
    entries: the index being replaced stays usable by a question already running on it."""
    engine = open_index_engine(store_location() or Path(folder), embedder_loader=load_embedder)
    engine.warm_up()
    return engine


def current_engine(folder: Path) -> Engine:
    """The engine for the index now in `folder` (or the store): loaded once per index, for every page."""
    return load_engine(str(folder), index_signature(folder))


def store_failure(err: Exception) -> str | None:
    """One line for a store that stopped, froze or replaced its generation mid-question (the chat then
    answers the next question when the server is back); None for anything else (a bug: its traceback)."""
    from qa.errors import as_store_error

    failure = as_store_error(err)
    return str(failure) if failure is not err or isinstance(err, IndexUnavailable) else None
