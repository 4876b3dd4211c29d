"""The chat's index: opening it (or, when there is none, building the first one from the page), rebuilding it
with progress shown, and saying when a policy file changed since it was built."""

from __future__ import annotations

import os

import streamlit as st

from qa.chat.elements import say
from qa.chat.engines import index_signature, load_embedder, load_engine, store_failure
from qa.config import BuildSettings, index_dir, policies_dir
from qa.embed.base import ModelLoadError
from qa.index.build import BuildError, BuildReport, build_index
from qa.index.open import ENV_STORE
from qa.index.store import IndexUnavailable
from qa.ingest.formats import PolicyFileError
from qa.search.engine import Engine
from qa.search.wording import stale_line

BUILD_HINT = "Build it with `policyqa index build` (or `make index`), then reload this page."
STORE_BUILD_HINT = ("This chat reads the PostgreSQL store in `$POLICYQA_STORE`. Build it with "
                    "`policyqa index build --store URL`, then reload this page.")


def open_engine() -> Engine | None:
    """The engine for the index as it is now on disk, or None after explaining on the page why there is none."""
    folder = index_dir()
    try:
        return load_engine(str(folder), index_signature(folder))
    except Exception as err:  # a store that stopped or froze (psycopg, pool timeout): one line, not a traceback
        if not isinstance(err, (IndexUnavailable, ModelLoadError)):
            if (failure := store_failure(err)) is None:
                raise
            say("error", failure)
            return None
        say("error", str(err))  # one line, naming the fix
        if isinstance(err, IndexUnavailable) and os.environ.get(ENV_STORE):
            st.markdown(STORE_BUILD_HINT)  # a shared store is built by `policyqa index build`, not by a reader
        elif isinstance(err, IndexUnavailable):
            st.markdown(BUILD_HINT)
            if policies_dir().is_dir() and st.button("Build the index now", key="build-index", type="primary"):
                settings = BuildSettings.from_env()
                report = rebuild_index(settings, lambda: load_embedder(settings.model), "Building the index…")
                if report is not None:
                    announce_and_reload([("success", f"Index built: {report.summary()}.")], report)
        return None


def rebuild_index(settings: BuildSettings, embedder_factory, label: str) -> BuildReport | None:
    """Bring the index up to date with the policies folder, showing progress; None if it failed.

    The build writes a new index beside the old one and swaps it in, so every session keeps answering
    from the cached engine while it runs; the next run sees the new manifest and loads the new index.
    """
    with st.status(label, expanded=True) as status:
        bar = st.progress(0.0, text="Reading the policies…")

        def progress(embedded: int, total: int) -> None:
            bar.progress(embedded / total, text=f"Embedding new passages: {embedded} of {total}")

        try:
            report = build_index(policies_dir(), index_dir(), settings, embedder_factory, progress=progress)
        except (BuildError, PolicyFileError, OSError) as err:  # PolicyFileError: a broken policies.toml
            status.update(label="The index was not rebuilt", state="error", expanded=True)
            say("error", str(err))
            return None
        bar.progress(1.0, text="Done")
        status.update(label="Index rebuilt", state="complete", expanded=False)
    return report


def announce_and_reload(messages: list[tuple[str, str]], report: BuildReport) -> None:
    """Rerun the page on the new index, saying what happened (shown once, above the chat)."""
    st.session_state.flash = (messages + [("warning", f"Skipped {err}") for err in report.errors]
                              + [("info", f"Not a policy file, left alone: {entry}") for entry in report.skipped]
                              + [("warning", warning) for warning in report.warnings])
    st.session_state.upload_round = st.session_state.get("upload_round", 0) + 1  # empties the uploader
    st.rerun()


def stale_warning(engine: Engine) -> None:
    """One line when a policy file changed since the index was built (the check `policyqa index status`
    makes; a stat per file, a hash only for a file modified since the build). The chat still answers, from
    the text the index holds. Not for a PostgreSQL store, whose policies folder is its builders'."""
    if os.environ.get(ENV_STORE):
        return
    from qa.index.freshness import changed_since_build

    changed = changed_since_build(engine.index.manifest, policies_dir())
    if changed:
        say("warning", stale_line(changed, "run `policyqa index build` (this chat picks the new index up on "
                                           "the next question)"))
