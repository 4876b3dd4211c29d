"""Compare: every privacy practice of every policy side by side, a cited quote or "Not stated" in each cell.

Streamlit shows this page next to the chat (`app.py`). The cells are `qa.compare.grid`'s grid, cached in the
index folder (for a PostgreSQL store, $POLICYQA_STORE as in the chat, in this machine's cache); the first visit
after a rebuild answers the cells that changed. Every piece of HTML comes
from `qa.chat.render` / `qa.compare.view`, which escape all policy text.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from qa.chat import render
from qa.compare.grid import TopicsError, build_grid, last_changes, load_topics, store_cache_folder
from qa.compare.view import STYLESHEET, cell_html, column_head_html, topic_html
from qa.config import index_dir
from qa.embed.base import ModelLoadError
from qa.errors import StoreError
from qa.index.open import ENV_STORE, SCHEMA, index_signature, store_location
from qa.index.open import open_engine as open_index_engine
from qa.index.store import IndexUnavailable, read_manifest
from qa.search.engine import Engine

BUILD_HINT = "Build it with `policyqa index build` (or `make index`), then reload this page."
POLICY_WINDOW = 4_000  # characters of the policy around a cell's passage in its "Open in policy" box
MANY_POLICIES = 12  # more than this, and the policy filter starts empty: the user picks the columns

st.set_page_config(page_title="Compare · policyqa", page_icon="🔎", layout="wide")


@st.cache_resource(show_spinner="Loading the index…", max_entries=1)
def load_engine(folder: str, built_at: str) -> Engine:
    """The engine for the index in `folder`; `built_at` (from its manifest) makes a rebuilt index load anew.

    The chat's loader lives in app.py, which runs its page when imported, so this page keeps its own.
    """
    engine = Engine.open(folder)
    engine.warm_up()
    return engine


@st.cache_resource(show_spinner="Loading the index…", max_entries=1)
def load_store_engine(signature: str) -> Engine:
    """The engine over $POLICYQA_STORE's published index; `signature` (its generation) makes a new
    publication load anew, as the chat does."""
    engine = open_index_engine(store_location())
    engine.warm_up()
    return engine


def grid_folder() -> Path:
    """Where the grid's cache lives: the index folder, or this machine's cache for a PostgreSQL store."""
    store = os.environ.get(ENV_STORE)
    return store_cache_folder(store, SCHEMA) if store else index_dir()


def show_html(html: str) -> None:
    """Put `qa.chat.render` / `qa.compare.view` output on the page (the only caller of unsafe_allow_html)."""
    st.markdown(html, unsafe_allow_html=True)


def say(kind: str, text: str) -> None:
    getattr(st, kind)(render.escape_text(text))


def open_engine() -> Engine | None:
    folder = index_dir()
    try:
        if os.environ.get(ENV_STORE):  # PostgreSQL + pgvector, as in the chat
            return load_store_engine(index_signature(store_location()))
        manifest = read_manifest(folder)
        return load_engine(str(folder), str(manifest.get("built_at")))
    except (IndexUnavailable, StoreError, ModelLoadError) as err:
        say("error", str(err))
        if isinstance(err, IndexUnavailable):
            st.markdown(BUILD_HINT)
        return None
    except Exception as err:  # a store that stopped or froze: one line, not a traceback
        if (failure := store_failure(err)) is None:
            raise
        say("error", failure)
        return None


def store_failure(err: Exception) -> str | None:
    """One line for a PostgreSQL server that stopped or froze (psycopg, pool timeout) or a generation
    replaced mid-question; None for anything else (a bug: its traceback)."""
    from qa.errors import as_store_error

    failure = as_store_error(err)
    return str(failure) if failure is not err or isinstance(err, IndexUnavailable) else None


def filters(engine: Engine, topics) -> tuple[list[str], list[str]]:
    """Policy and topic filters (in the sidebar, out of the way on a phone); returns the chosen ids."""
    policies = engine.policies
    with st.sidebar:
        st.header("Compare")
        # Many policies (a PostgreSQL store holds thousands): each column costs 16 answers, so the user picks.
        many = len(policies) > MANY_POLICIES
        chosen_p = st.multiselect("Policies", list(policies), default=[] if many else list(policies),
                                  key="compare-policies",
                                  format_func=lambda p: policies[p].name if p in policies else p,
                                  placeholder=f"Choose from {len(policies):,} policies" if many else "Choose policies")
        labels = {t.id: t.label for t in topics}
        chosen_t = st.multiselect("Topics", list(labels), default=list(labels), key="compare-topics",
                                  format_func=lambda t: labels.get(t, t))
    return chosen_p, chosen_t


def show_cell(engine: Engine, cell, name: str) -> None:
    policy = engine.policies.get(cell.policy)
    text = policy.text if policy is not None else None
    show_html(cell_html(cell, name, text))
    if text is None or cell.passage is None:
        return
    label = "Open in policy" if cell.stated else "Nearest passage (not an answer)"
    with st.expander(label, icon=":material/description:"):
        highlights = [(q.start, q.end) for q in cell.quotes]
        show_html(render.policy_html(text, cell.passage, highlights, window=POLICY_WINDOW))


def main() -> None:
    show_html(render.STYLESHEET)
    show_html(STYLESHEET)
    st.title("Compare policies")
    st.caption("Every practice, every policy: the sentence that says it, quoted word for word, or “Not stated” "
               "when the policy is silent.")
    engine = open_engine()
    if engine is None:
        st.stop()
    try:
        topics = load_topics()
    except TopicsError as err:
        say("error", str(err))
        st.stop()
    chosen_p, chosen_t = filters(engine, topics)
    if not chosen_p or not chosen_t:
        many = len(engine.policies) > MANY_POLICIES
        say("info" if many and not chosen_p else "warning",
            f"{len(engine.policies):,} policies are indexed: choose the ones to compare in the sidebar." if many
            and not chosen_p else "Choose at least one policy and one topic in the sidebar.")
        st.stop()
    with st.spinner("Asking every policy about every practice…"):
        # Only the chosen columns are answered (the cache keeps the others it holds).
        try:
            grid = build_grid(grid_folder(), topics, policies=chosen_p, engine=engine)
        except Exception as err:
            if (failure := store_failure(err)) is None:
                raise
            say("error", failure)
            st.stop()
    shown = grid.select(chosen_p, chosen_t)

    left, right, note = st.columns([1, 1, 3])
    left.download_button("CSV", shown.to_csv(), file_name="policyqa-compare.csv", mime="text/csv",
                         icon=":material/download:", key="download-csv")
    right.download_button("Markdown", shown.to_markdown(), file_name="policyqa-compare.md", mime="text/markdown",
                          icon=":material/download:", key="download-md")
    stated = sum(c.stated for c in shown.cells.values())
    note.caption(f"{len(shown.topics)} topics × {len(shown.policies)} policies · {stated} stated · "
                 f"{grid.cached} cells from the cache, {grid.computed} answered now ({grid.seconds:.1f} s)")
    changed = last_changes(grid_folder())
    if changed and changed[1]:
        when, lines = changed
        with st.expander(f"What changed when the policies were last updated ({len(lines)})",
                         icon=":material/difference:"):
            show_html(render.muted_html("\n".join([f"Updated {when}", *lines])))

    with st.container(key="compare-head"):  # hidden on a phone (compare_view.STYLESHEET)
        for column, policy in zip(st.columns(len(shown.policies)), shown.policies):
            with column:
                show_html(column_head_html(policy.name))
    for topic in shown.topics:
        show_html(topic_html(topic.label, topic.question))
        for column, policy in zip(st.columns(len(shown.policies)), shown.policies):
            with column:
                show_cell(engine, shown.cell(topic.id, policy.id), policy.name)


main()
