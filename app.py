"""The policyqa chat page (Streamlit): ask what the privacy policies say, get cited verbatim excerpts.

`make run` serves it. The index is read from $POLICYQA_INDEX (else `index/`) and uploaded policies are
saved to $POLICYQA_POLICIES (else `policies/`). Every piece of HTML comes from `qa.render`, which
escapes all policy and user text; nothing else is passed to Streamlit with `unsafe_allow_html`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import streamlit as st

from qa import render
from qa.answer import Answer, PolicyAnswer, named_policies
from qa.build import BuildError, BuildReport, build_index
from qa.embedding import ModelLoadError
from qa.engine import DEFAULT_RETRIEVER, RETRIEVERS, Engine
from qa.formats import SUPPORTED_SUFFIXES, PolicyFileError
from qa.settings import BuildSettings, index_dir, policies_dir
from qa.store import IndexUnavailable
from qa.uploads import Upload, UploadRejected, save_uploads

# (question, the policy it needs): an example is offered only when that policy is in the index.
EXAMPLES = (
    ("How long does Concero keep phone call recordings?", "concero"),
    ("Which companies say they will never sell my data?", None),
    ("How do I make a data access request to CT1?", "ct1-technologies"),
    ("Does CloudSentric transfer data outside the UK?", "cloudsentric"),
)
MAX_QUESTION_CHARS = 1000  # a question is embedded on every ask; a pasted essay would only slow it down
BUILD_HINT = "Build it with `policyqa index build` (or `make index`), then reload this page."

st.set_page_config(page_title="policyqa", page_icon="🔎")


# -- loading, once per server ----------------------------------------------------------------------

@st.cache_resource(show_spinner="Loading the embedding model…")
def load_embedder(model_id: str, backend: str | None = None):
    """The sentence embedder, shared by every index and session: reloading the index keeps it.

    `backend`: the runtime the index was built with (None: the default), so questions match passages.
    """
    from qa.embedding import load_embedder as load

    return load(model_id, backend=backend)


@st.cache_resource(show_spinner="Loading the index…")
def load_engine(folder: str) -> Engine:
    """The engine for the index in `folder`; cleared after a rebuild so the next run loads the new one.

    Warmed up here (BM25 built), so the first question does not pay for it.
    """
    from qa.store import read_manifest

    backend = read_manifest(Path(folder))["model"].get("backend")
    engine = Engine.open(folder, embedder_factory=lambda model_id: load_embedder(model_id, backend))
    engine.warm_up()
    return engine


# -- what a chat turn keeps -------------------------------------------------------------------------

@dataclass
class Turn:
    """One question and what was shown for it, kept in the session so reruns redraw it unchanged."""

    question: str
    answer: Answer | None = None
    problem: str = ""  # why there is no answer (an empty question, no policy selected, ...)
    notes: list[str] = field(default_factory=list)
    retriever: str = DEFAULT_RETRIEVER
    named: bool = False  # narrowed to the selected policies the question names
    # The text each hit's offsets point into, as it was when answered: a rebuild may change a policy.
    texts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchOptions:
    policies: list[str]  # ids selected in the sidebar
    every_policy: bool  # all selected: let the question's company names route it
    k: int
    retriever: str


def show_html(html: str) -> None:
    """Put `qa.render` output on the page (the only caller of unsafe_allow_html)."""
    st.markdown(html, unsafe_allow_html=True)


def say(kind: str, text: str) -> None:
    """An st.error / st.warning / st.info / st.success whose text is shown literally."""
    # Alerts read Markdown; character references are shown as the characters they stand for.
    getattr(st, kind)(render.escape_text(text))


def ask_example(question: str) -> None:
    st.session_state.pending = question


def clear_chat() -> None:
    st.session_state.turns = []


# -- index building (upload, or no index yet) -------------------------------------------------------

def rebuild_index(settings: BuildSettings, embedder_factory, label: str) -> BuildReport | None:
    """Bring the index up to date with the policies folder, showing progress; None if it failed.

    The build writes a new index beside the old one and swaps it in, so every session keeps answering
    from the cached engine while it runs; the cache is cleared only once the new index is in place.
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
    load_engine.clear(str(index_dir()))
    return report


def announce_and_reload(done: str, report: BuildReport) -> None:
    """Rerun the page on the new index, saying what the build did (shown once, above the chat)."""
    st.session_state.flash = ([("success", f"{done} Index rebuilt: {report.summary()}.")]
                              + [("warning", f"Skipped {err}") for err in report.errors])
    st.rerun()


def add_policies(engine: Engine, files, replace: bool) -> None:
    """Save uploaded files into the policies folder (all or none) and rebuild the index."""
    try:
        written = save_uploads([Upload(f.name, f.getvalue()) for f in files], policies_dir(), replace=replace)
    except UploadRejected as err:
        for reason in err.reasons:
            say("error", reason)
        return
    names = ", ".join(p.name for p in written)
    settings = BuildSettings(**engine.index.manifest["settings"])  # same settings: unchanged passages are reused
    report = rebuild_index(settings, lambda: engine.embedder, "Rebuilding the index…")
    if report is None:
        say("warning", f"{names} was saved in the policies folder but is not in the index yet; the chat "
                       "still answers from the previous index. Run `policyqa index build` to retry.")
        return
    announce_and_reload(f"Added {names}.", report)


def open_engine() -> Engine | None:
    """The cached engine, or None after explaining on the page why there is none."""
    try:
        return load_engine(str(index_dir()))
    except (IndexUnavailable, ModelLoadError) as err:
        say("error", str(err))  # one line, naming the fix
        if isinstance(err, IndexUnavailable):
            st.markdown(BUILD_HINT)
            if policies_dir().is_dir() and st.button("Build the index now", key="build-index", type="primary"):
                settings = BuildSettings.from_env()
                report = rebuild_index(settings, lambda: load_embedder(settings.model), "Building the index…")
                if report is not None:
                    announce_and_reload("Built the index.", report)
        return None


# -- the sidebar -----------------------------------------------------------------------------------

def format_built_at(value: str) -> str:
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M %Z").strip()
    except (TypeError, ValueError):
        return str(value)


def sidebar(engine: Engine, chatting: bool) -> tuple[SearchOptions, object]:
    """Search options, index status and the upload form; returns the options and the submitted files."""
    policies = engine.policies
    ids = list(policies)
    with st.sidebar:
        st.header("Search")
        # Keyed by the policy set, so a rebuild that adds a policy starts again from "all selected".
        key = "policies-" + hashlib.sha1("\0".join(ids).encode()).hexdigest()[:12]
        chosen = st.multiselect("Policies to search", ids, default=ids, key=key,
                                format_func=lambda p: policies[p].name if p in policies else p)
        k = st.slider("Passages", min_value=1, max_value=10, value=5,
                      help="How many passages to retrieve. Asked of several policies, each gets about half.")
        retriever = st.selectbox("Retriever", RETRIEVERS,
                                 index=RETRIEVERS.index(DEFAULT_RETRIEVER) if DEFAULT_RETRIEVER in RETRIEVERS else 0)
        st.button("Clear chat", key="clear-chat", on_click=clear_chat, icon=":material/delete:",
                  disabled=not chatting)

        st.header("Index")
        manifest = engine.index.manifest
        left, right = st.columns(2)
        left.metric("Policies", len(manifest["policies"]))
        right.metric("Passages", manifest["passage_count"])
        show_html(render.muted_html(f"Model {manifest['model']['id']}\n"
                                    f"Built {format_built_at(manifest.get('built_at'))}"))

        with st.expander("Add a policy", icon=":material/upload_file:"):
            with st.form("add-policy", clear_on_submit=True, border=False):
                files = st.file_uploader("Policy files", type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
                                         accept_multiple_files=True,
                                         help="Saved into the policies folder, then the index is rebuilt.")
                replace = st.checkbox("Replace existing",
                                      help="Replace a policy whose file has the same name (any format).")
                submitted = st.form_submit_button("Add and rebuild index", key="add-policy-submit", type="primary")
    options = SearchOptions(policies=[p for p in chosen if p in policies], every_policy=len(chosen) == len(ids),
                            k=int(k), retriever=retriever)
    return options, (files, replace) if submitted else None


# -- the chat ----------------------------------------------------------------------------------------

def empty_state(engine: Engine) -> None:
    names = [p.name for p in engine.policies.values()]
    st.markdown("Ask what these privacy policies say about your data: what is collected, how long it is kept, "
                "who it is shared with, how to get a copy or have it deleted. Every answer is quoted word "
                "for word from the policy, with its section, and the answering sentences highlighted.")
    show_html(render.muted_html(f"{len(names)} policies: " + ", ".join(names)))
    examples = [q for q, needs in EXAMPLES if needs is None or needs in engine.policies]
    if examples:
        st.markdown("**Try one of these**")
        columns = st.columns(2)
        for i, question in enumerate(examples):
            columns[i % 2].button(question, key=f"example-{i}", on_click=ask_example, args=(question,),
                                  width="stretch")


def show_excerpts(row: PolicyAnswer, texts: dict[str, str]) -> None:
    """A row's passages, one tab each: citation, text with highlights, and the policy around it."""
    hits = row.hits
    labels = [f"Excerpt {i}" for i in range(1, len(hits) + 1)]
    containers = st.tabs(labels) if len(hits) > 1 else [st.container()]
    for hit, container in zip(hits, containers):
        with container:
            show_html(render.excerpt_html(hit, note=f"score {hit.score:.2f}"))
            text = texts.get(hit.policy)
            if text is not None:
                with st.expander("Show in policy", icon=":material/description:"):
                    show_html(render.policy_html(text, (hit.start, hit.end), hit.highlights))


def show_nearest(rows: list[PolicyAnswer]) -> None:
    """The nearest passages of policies that do not answer, behind a label that says so."""
    nearest = [row for row in rows if row.hits]
    if nearest:
        label = "Nearest match (not an answer)" if len(nearest) == 1 else "Nearest matches (not answers)"
        with st.expander(label):
            for row in nearest:
                show_html(render.excerpt_html(row.hits[0], note=f"score {row.score:.2f}", nearest=True))


def show_not_stated(rows: list[PolicyAnswer]) -> None:
    for row in rows:
        show_html(render.muted_html(f"Not stated in {row.name}"))
    show_nearest(rows)


def show_answer(turn: Turn) -> None:
    if turn.problem:
        say("warning", turn.problem)
        return
    answer = turn.answer
    for note in turn.notes:
        say("warning", note)
    if answer.abstained and len(answer.rows) == 1:
        row = answer.rows[0]
        say("info", f"Not stated in {row.name}: the policy does not appear to address this question.")
        show_nearest([row])
    elif answer.abstained:
        say("info", "The selected policies do not appear to address this question.")
        show_not_stated(list(answer.rows))
    else:
        for row in answer.answered:
            show_html(render.policy_name_html(row.name))
            if row.quotes:
                show_html(render.answer_html(row.quotes))
            show_excerpts(row, turn.texts)
        show_not_stated([row for row in answer.rows if row.abstained])
    searched = len(answer.scope)
    how = " named in the question" if answer.routed or turn.named else ""
    st.caption(f"Searched {searched} {'policy' if searched == 1 else 'policies'}{how} · "
               f"{render.escape_text(turn.retriever)} retriever · {answer.latency_ms / 1000:.2f} s")


def ask(engine: Engine, question: str, options: SearchOptions) -> Turn:
    """Answer `question` with the sidebar's options."""
    turn = Turn(question=question, retriever=options.retriever)
    if not options.policies:
        turn.problem = "No policy is selected: choose at least one in the sidebar."
        return turn
    policies = None
    if not options.every_policy:
        # The filter narrows the search; a company named in the question still narrows it further.
        named = named_policies(question, engine.policies)
        routed = [p for p in named if p in options.policies]
        turn.notes = [f"{engine.policies[p].name} is not among the selected policies."
                      for p in named if p not in options.policies]
        policies = routed or options.policies
        turn.named = bool(routed)
    try:
        turn.answer = engine.answer(question, k=options.k, policies=policies, retriever=options.retriever)
    except ValueError as err:
        turn.problem = str(err)
        return turn
    turn.texts = {row.policy: engine.policies[row.policy].text for row in turn.answer.rows}
    return turn


def show_question(question: str) -> None:
    with st.chat_message("user"):
        show_html(render.text_html(question, "pq-question"))


def main() -> None:
    show_html(render.STYLESHEET)
    st.session_state.setdefault("turns", [])
    st.title("policyqa")
    st.caption("What do the privacy policies actually say? Answers are verbatim quotations, cited.")
    engine = open_engine()
    if engine is None:
        st.stop()
    turns: list[Turn] = st.session_state.turns
    # Read first (it stays pinned to the bottom) so the sidebar knows whether there is a chat to clear.
    question = st.chat_input("Ask about the policies, e.g. How long does Concero keep call recordings?",
                             max_chars=MAX_QUESTION_CHARS)
    question = question or st.session_state.pop("pending", None)
    notices = st.container()  # build progress and its outcome, above the conversation
    options, upload = sidebar(engine, chatting=bool(turns or question))
    with notices:
        for kind, text in st.session_state.pop("flash", []):
            say(kind, text)
        if upload is not None:
            files, replace = upload
            if files:
                add_policies(engine, files, replace)
            else:
                say("warning", "Choose a policy file to upload first.")

    if not turns and not question:
        empty_state(engine)
    for turn in turns:
        show_question(turn.question)
        with st.chat_message("assistant"):
            show_answer(turn)
    if question:
        show_question(question)
        with st.chat_message("assistant"):
            with st.spinner("Searching the policies…"):
                turn = ask(engine, question, options)
            show_answer(turn)
        turns.append(turn)


main()
