"""Compare: every privacy practice of every policy side by side, a cited quote or "Not stated" in each cell.

Streamlit shows this page next to the chat (`app.py`). The cells are `qa.compare.grid`'s grid, cached in the
index folder (for a PostgreSQL store, $POLICYQA_STORE as in the chat, in this machine's cache); the first visit
after a rebuild answers the cells that changed. Every piece of HTML comes
from `qa.chat.render` / `qa.compare.view`, which escape all policy text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from qa.chat import render
from qa.chat.engines import current_engine
from qa.compare.cache import last_changes, store_cache_folder
from qa.compare.grid import Grid, answered_grid, build_grid, joined
from qa.compare.topics import Topic, load_topics
from qa.compare.view import (
    SORTS,
    STYLESHEET,
    VERDICT_FILTER_LABELS,
    cell_html,
    column_head_html,
    page_of,
    policy_rows,
    row_head_html,
    row_html,
    rows_csv,
    topic_html,
    topic_rows,
    verdict_counts,
)
from qa.config import index_dir
from qa.embed.base import ModelLoadError
from qa.errors import StoreError, TopicsError
from qa.index.open import ENV_STORE, SCHEMA
from qa.index.store import IndexUnavailable, read_manifest
from qa.search.engine import Engine

BUILD_HINT = "Build it with `policyqa index build` (or `make index`), then reload this page."
POLICY_WINDOW = 4_000  # characters of the policy around a cell's passage in its "Open in policy" box

st.set_page_config(page_title="Compare · policyqa", page_icon="🔎", layout="wide")


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
        return current_engine(folder)  # the chat's own engine ($POLICYQA_STORE first): one per server
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


# One topic × every policy, one company × every topic, or a few companies side by side (short: one line on a phone).
VIEWS = {"topic": "By topic", "company": "By company", "grid": "Side by side"}
# The side-by-side grid's columns, at most. Each column is at least GRID_COLUMN_REM wide (an 18-letter word
# such as "Telecommunications" in a name fits); when the page is narrower than that (6 columns at 1280 px beside
# the sidebar would be 123 px each), the grid scrolls sideways in its own box instead of breaking words.
GRID_MAX = 6
GRID_COLUMN_REM = 12.5
# Topics typed on this page: asked of every policy, never cached, at most OWN_MAX a session.
OWN = "own-"
OWN_MAX = 5
OWN_CHARS = 300


@dataclass(frozen=True)
class Corpus:
    """What the page shows before any engine is needed: the policies' names (id -> name), in index order,
    and how to get the cells (`build_grid` arguments); an engine is opened only for cells not cached yet
    and for "Open in policy"."""

    names: dict[str, str]
    grid_args: dict


def open_corpus() -> Corpus | None:
    """The index's policies from its manifest (a folder), or from the engine (a PostgreSQL store)."""
    if os.environ.get(ENV_STORE):
        engine = open_engine()
        if engine is None:
            return None
        return Corpus({pid: p.name for pid, p in engine.policies.items()}, {"engine": engine})
    try:
        manifest = read_manifest(index_dir())
    except IndexUnavailable as err:
        say("error", str(err))
        st.markdown(BUILD_HINT)
        return None
    names = {pid: str(info.get("name") or pid) for pid, info in manifest["policies"].items()}
    return Corpus(names, {"manifest": manifest, "engine_factory": engine_or_stop})


def engine_or_stop() -> Engine:
    engine = open_engine()
    if engine is None:
        st.stop()
    assert engine is not None
    return engine


def cells(corpus: Corpus, topics, policies: list[str] | None = None) -> Grid:
    """The grid of `policies` (None: all) from the cache, answering (with a spinner) what it lacks; topics
    typed on this page are answered now, never cached (`answered_grid`)."""
    shipped = [t for t in topics if not t.id.startswith(OWN)]
    own = [t for t in topics if t.id.startswith(OWN)]
    with st.spinner("Asking the policies about every practice…"):
        try:
            grid = build_grid(grid_folder(), shipped, policies=policies, **corpus.grid_args)
            if own:  # the user's own topics first
                grid = joined(answered_grid(engine_or_stop(), own, grid.policies), grid)
            return grid
        except Exception as err:
            if (failure := store_failure(err)) is None:
                raise
            say("error", failure)
            st.stop()
    raise AssertionError("unreachable")


def own_topics() -> list[Topic]:
    """The topics typed in the sidebar this session, each asked of every policy as `ask` asks it."""
    saved: list[str] = st.session_state.setdefault("compare-own-saved", [])
    with st.sidebar.form("compare-own-form", clear_on_submit=True, border=False):
        question = st.text_input("Your own topic", key="compare-own-question", max_chars=OWN_CHARS,
                                 placeholder="e.g. Do you record my phone calls?")
        added = st.form_submit_button("Ask every policy", icon=":material/add:")
    question = " ".join((question or "").split())
    if added and question and question not in saved:
        if len(saved) >= OWN_MAX:
            st.sidebar.warning(f"At most {OWN_MAX} topics of your own; clear them to ask others.")
        else:
            saved.append(question)
            chosen = st.session_state.get("compare-topics")
            if isinstance(chosen, list):  # the side-by-side view shows a new topic at once
                st.session_state["compare-topics"] = [*chosen, f"{OWN}{len(saved)}"]
    if saved and st.sidebar.button("Clear your topics", key="compare-own-clear", type="tertiary"):
        chosen = st.session_state.get("compare-topics")
        if isinstance(chosen, list):
            st.session_state["compare-topics"] = [t for t in chosen if not t.startswith(OWN)]
        saved.clear()
        st.rerun()
    return [Topic(f"{OWN}{i}", question if len(question) <= 60 else question[:59] + "…", question)
            for i, question in enumerate(saved, start=1)]


def open_in_policy(policy_id: str, name: str, topic_label: str, cell) -> None:
    """The cell's passage in its policy, in a full-width dialog: the quotes marked, the text escaped."""

    def body() -> None:
        engine = engine_or_stop()
        policy = engine.policies.get(policy_id)
        if policy is None or cell.passage is None:
            say("info", f"{name} is no longer in the index.")
            return
        what = "the answer marked" if cell.stated else "the nearest passage (not an answer)"
        show_html(render.muted_html(f"{topic_label}: {what}"))
        highlights = [(q.start, q.end) for q in cell.quotes]
        show_html(render.policy_html(policy.text, cell.passage, highlights, window=POLICY_WINDOW))

    st.dialog(render.escape_text(name), width="large")(body)()


def open_button(key: str, policy_id: str, name: str, topic_label: str, cell) -> None:
    if cell.passage is None:
        return
    label = "Open in policy" if cell.stated else "Nearest passage"
    if st.button(label, key=key, icon=":material/description:", type="tertiary"):
        open_in_policy(policy_id, name, topic_label, cell)


def show_rows(rows, first: str, opener) -> None:
    """Table rows (`qa.compare.view.row_html`), each with its "Open in policy" button."""
    show_html(row_head_html(first))
    for row in rows:
        text, button = st.columns([12, 2], vertical_alignment="center", gap="small")
        with text:
            show_html(row_html(row, is_company=first == "Company"))
        with button:
            opener(row)


def downloads(csv_text: str, name: str, markdown: str | None = None) -> None:
    st.download_button("CSV", csv_text, file_name=name, mime="text/csv", icon=":material/download:",
                       key="download-csv")
    if markdown is not None:
        st.download_button("Markdown", markdown, file_name=name.replace(".csv", ".md"), mime="text/markdown",
                           icon=":material/download:", key="download-md")


def topic_view(corpus: Corpus, topics) -> None:
    """One topic × every policy: a table filtered by verdict and company, sorted, 50 rows a page."""
    labels = {t.id: t.label for t in topics}
    topic_id = st.selectbox("Topic", list(labels), format_func=lambda t: labels.get(t, t), key="compare-topic")
    topic = next(t for t in topics if t.id == topic_id)
    grid = cells(corpus, [topic])
    counts = verdict_counts(grid, topic_id)
    # Labels folded into placeholders and options: on a phone the three stack, and stay three short lines.
    search_col, verdict_col, sort_col = st.columns([3, 4, 2])
    search = search_col.text_input("Company", key="compare-search", placeholder="Search companies",
                                   label_visibility="collapsed")
    verdicts = verdict_col.multiselect("Verdict", list(counts), key="compare-verdicts", placeholder="Every verdict",
                                       format_func=lambda v: f"{VERDICT_FILTER_LABELS[v]} ({counts[v]:,})",
                                       label_visibility="collapsed")
    sort = sort_col.selectbox("Sort", SORTS, key="compare-sort", format_func=lambda s: f"Sort by {s}",
                              label_visibility="collapsed")
    rows = topic_rows(grid, topic_id, verdicts, search, sort)
    state = f"compare-page-{topic_id}-{'/'.join(verdicts)}-{search}-{sort}"
    shown, page, pages = page_of(rows, st.session_state.get(state, 1))
    summary = " · ".join(f"{n:,} {VERDICT_FILTER_LABELS[v].lower()}" for v, n in counts.items())
    note, download = st.columns([6, 1], vertical_alignment="center")
    note.caption(f"{topic.question} — {len(grid.policies):,} policies: {summary}. "
                 f"{len(rows):,} shown{f', page {page} of {pages}' if pages > 1 else ''}.")
    with download:
        downloads(rows_csv(rows, "Company"), f"policyqa-{topic_id}.csv")
    show_rows(shown, "Company", lambda r: open_button(f"open-{topic_id}-{r.key}", r.key, r.label, topic.label, r.cell))
    if pages > 1:
        prev, where, nxt = st.columns([1, 2, 1], vertical_alignment="center")
        if prev.button("Previous", key="compare-prev", disabled=page <= 1, icon=":material/chevron_left:"):
            st.session_state[state] = page - 1
            st.rerun()
        where.caption(f"Page {page} of {pages}")
        if nxt.button("Next", key="compare-next", disabled=page >= pages, icon=":material/chevron_right:"):
            st.session_state[state] = page + 1
            st.rerun()


def company_view(corpus: Corpus, topics) -> None:
    """One company × every topic: its verdict and quote on each practice."""
    names = corpus.names
    policy_id = st.selectbox("Company", list(names), format_func=lambda p: names.get(p, p), key="compare-company")
    grid = cells(corpus, topics, [policy_id])
    rows = policy_rows(grid, policy_id)
    stated = sum(r.cell.stated for r in rows)
    st.caption(f"{names[policy_id]}: {stated} of {len(rows)} practices stated.")
    downloads(rows_csv(rows, "Topic"), f"policyqa-{policy_id}.csv")
    show_rows(rows, "Topic", lambda r: open_button(f"open-{policy_id}-{r.key}", policy_id, names[policy_id],
                                                   r.label, r.cell))


def grid_view(corpus: Corpus, topics) -> None:
    """A few companies side by side (at most GRID_MAX columns): topics as rows, companies as columns."""
    names = corpus.names
    with st.sidebar:
        chosen_p = st.multiselect("Policies side by side", list(names), key="compare-policies",
                                  default=list(names) if len(names) <= GRID_MAX else [],
                                  max_selections=GRID_MAX, format_func=lambda p: names.get(p, p),
                                  placeholder=f"Choose up to {GRID_MAX} of {len(names):,}")
        labels = {t.id: t.label for t in topics}
        # Once chosen, the session keeps the choice (a topic typed in the sidebar is added to it there).
        chosen_t = st.multiselect("Topics", list(labels), key="compare-topics",
                                  default=None if "compare-topics" in st.session_state else list(labels),
                                  format_func=lambda t: labels.get(t, t))
    if not chosen_p or not chosen_t:
        say("info", f"Choose up to {GRID_MAX} policies and at least one topic in the sidebar to see them side by "
                    "side; the other views show every policy.")
        return
    grid = cells(corpus, topics, chosen_p)
    shown = grid.select(chosen_p, chosen_t)
    stated = sum(c.stated for c in shown.cells.values())
    st.caption(f"{len(shown.topics)} topics × {len(shown.policies)} policies · {stated} stated · "
               f"{grid.cached} cells from the cache, {grid.computed} answered now ({grid.seconds:.1f} s)")
    downloads(shown.to_csv(), "policyqa-compare.csv", shown.to_markdown())
    engine = engine_or_stop()  # the cells show their quote in its sentence: the policy texts
    # The grid's own scroll box: rows at least this wide (a number, no policy text in it).
    show_html(f"<style>.st-key-compare-grid [data-testid='stHorizontalBlock'] "
              f"{{ min-width: {len(shown.policies) * GRID_COLUMN_REM:.1f}rem; }}</style>")
    with st.container(key="compare-grid"):
        with st.container(key="compare-head"):  # sticky in the box; hidden on a phone (compare_view.STYLESHEET)
            for column, policy in zip(st.columns(len(shown.policies)), shown.policies):
                with column:
                    show_html(column_head_html(policy.name))
        for topic in shown.topics:
            show_html(topic_html(topic.label, topic.question))
            for column, policy in zip(st.columns(len(shown.policies)), shown.policies):
                with column:
                    cell = shown.cell(topic.id, policy.id)
                    known = engine.policies.get(policy.id)
                    show_html(cell_html(cell, policy.name, known.text if known is not None else None))
                    open_button(f"open-{topic.id}-{policy.id}", policy.id, policy.name, topic.label, cell)


def main() -> None:
    show_html(render.STYLESHEET)
    show_html(STYLESHEET)
    st.title("Compare policies")
    st.caption("Every practice, every policy: the sentence that says it, quoted word for word, or “Not stated” "
               "when the policy is silent.")
    corpus = open_corpus()
    if corpus is None:
        st.stop()
    assert corpus is not None
    try:
        topics = own_topics() + load_topics()
    except TopicsError as err:
        say("error", str(err))
        st.stop()
    default = "grid" if len(corpus.names) <= GRID_MAX else "topic"
    view = st.segmented_control("View", list(VIEWS), default=default, key="compare-view",
                                format_func=lambda v: VIEWS[v], label_visibility="collapsed") or default
    changed = last_changes(grid_folder())
    if changed and changed[1]:
        when, lines = changed
        with st.expander(f"What changed when the policies were last updated ({len(lines)})",
                         icon=":material/difference:"):
            show_html(render.muted_html("\n".join([f"Updated {when}", *lines])))
    {"topic": topic_view, "company": company_view, "grid": grid_view}[view](corpus, topics)


main()
