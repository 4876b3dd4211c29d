"""The policyqa chat page (Streamlit): ask what the privacy policies say, get cited verbatim excerpts.

`make run` serves it. The index is read from $POLICYQA_INDEX (else `index/`) and reloaded as soon as it
changes on disk (a CLI rebuild shows on the next question); uploaded policies are saved to
$POLICYQA_POLICIES (else `policies/`). Conversations are kept in SQLite in $POLICYQA_DATA (else
~/.local/share/policyqa), so a reload or a restart reopens them: the URL names the chat (`?chat=`) and
an answer's permalink adds `&answer=`. Every piece of HTML comes from `qa.chat.render`, which escapes all
policy and user text; nothing else is passed to Streamlit with `unsafe_allow_html`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from qa.chat import render
from qa.chat.engines import index_signature, load_embedder, load_engine
from qa.chat.history import ChatStore, Turn, data_dir, new_id
from qa.chat.transcript import answer_spans, conversation_markdown, not_indexed_line, shown_quotes
from qa.config import BuildSettings, index_dir, policies_dir
from qa.embed.base import ModelLoadError
from qa.index.build import BuildError, BuildReport, build_index
from qa.index.open import ENV_STORE
from qa.index.store import IndexUnavailable
from qa.ingest.aliases import name_from_title, title_of
from qa.ingest.formats import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, PolicyFileError
from qa.ingest.policy_toml import write_policy_entry
from qa.ingest.uploads import Upload, UploadRejected, save_uploads, validate_upload
from qa.search.answer import Answer, PolicyAnswer
from qa.search.engine import DEFAULT_RETRIEVER, RETRIEVERS, Engine
from qa.search.names import suggest_aliases, validate_alias
from qa.search.wording import NAMES_LISTED, stale_line, summary_line, summary_parts, verdict_word, wants_summary
from qa.search.wording import not_indexed_line as no_policy_line

# (question, the policy it needs): an example is offered only when that policy is in the index.
EXAMPLES = (
    ("How long does Concero keep phone call recordings?", "concero"),
    ("Which companies say they will never sell my data?", None),
    ("How do I make a data access request to CT1?", "ct1-technologies"),
    ("Does CloudSentric transfer data outside the UK?", "cloudsentric"),
)
MAX_QUESTION_CHARS = 1000  # a question is embedded on every ask; a pasted essay would only slow it down
HISTORY_TURNS = 6  # earlier answers passed to the engine, so follow-ups resolve against recent turns
UPLOAD_LIMIT_MB = DEFAULT_MAX_BYTES // 1_000_000  # the uploader states the limit the build enforces
BUILD_HINT = "Build it with `policyqa index build` (or `make index`), then reload this page."
MANY_POLICIES = 12  # more than this, and a policy filter starts empty instead of listing every policy
STORE_BUILD_HINT = ("This chat reads the PostgreSQL store in `$POLICYQA_STORE`. Build it with "
                    "`policyqa index build --store URL`, then reload this page.")
STORE_UPLOAD_NOTE = ("This chat reads a shared PostgreSQL store (`$POLICYQA_STORE`); it does not change it. "
                     "Add policies with `policyqa index add --store URL FILE` where the policies folder is.")
PLACEHOLDER = "Ask about the policies…"  # short: a phone's input shows all of it

st.set_page_config(page_title="policyqa", page_icon="🔎")


# -- loading, once per server (and again when the index changes) ------------------------------------

@st.cache_resource
def open_store(path: str) -> ChatStore:
    return ChatStore(Path(path))


# -- small helpers ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchOptions:
    policies: list[str]  # ids selected in the sidebar
    every_policy: bool  # all selected: the engine routes by the names in the question
    k: int
    retriever: str


def show_html(html: str) -> None:
    """Put `qa.chat.render` output on the page (the only caller of unsafe_allow_html)."""
    st.markdown(html, unsafe_allow_html=True)


def run_script(script: str) -> None:
    """Run one of `qa.chat.render`'s fixed scripts in the page (never built from user or policy text)."""
    st.html(script, unsafe_allow_javascript=True, width="content")


def say(kind: str, text: str) -> None:
    """An st.error / st.warning / st.info / st.success whose text is shown literally."""
    # Alerts read Markdown; character references are shown as the characters they stand for. Labels
    # (tabs, buttons, expanders, inputs) read it too, so any policy or user text in them is escaped alike.
    getattr(st, kind)(render.escape_text(text))


def ask_example(question: str) -> None:
    st.session_state.pending = question


def policy_names(engine: Engine) -> list[str]:
    return [p.name for p in engine.policies.values()]


# -- conversations -------------------------------------------------------------------------------------

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


# -- index building (upload, or no index yet) -------------------------------------------------------

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


@dataclass(frozen=True)
class NewPolicy:
    """An uploaded file with the display name and aliases the user gave it."""

    upload: Upload
    policy_id: str
    name: str
    aliases: list[str]


def suggested_names(text: str, taken: list[str]) -> tuple[str, list[str]]:
    """A display name and aliases for a new policy from its title; `taken`: other policies' names."""
    title = title_of(text)
    return name_from_title(title), suggest_aliases(title, taken=taken)


def usable_aliases(typed: str, policy_id: str, taken: list[str]) -> tuple[list[str], list[str]]:
    """The comma-separated aliases in `typed` that can route questions, and why the others cannot."""
    aliases, problems = [], []
    for alias in dict.fromkeys(a.strip() for a in typed.split(",") if a.strip()):
        problem = validate_alias(alias, policy_id, taken)
        if problem:
            problems.append(f"Left out: {problem}.")
        else:
            aliases.append(alias)
    return aliases, problems


def add_policies(engine: Engine, new: list[NewPolicy], replace: bool) -> None:
    """Save the uploaded files (all or none), write their names into policies.toml, rebuild the index."""
    try:
        written = save_uploads([n.upload for n in new], policies_dir(), replace=replace)
    except UploadRejected as err:
        for reason in err.reasons:
            say("error", reason)
        return
    for item in new:
        try:
            write_policy_entry(policies_dir(), item.policy_id, item.name, item.aliases)
        except (ValueError, OSError) as err:
            say("warning", f"{item.name}: the name was not saved ({err}); the policy is named after its file.")
    names = ", ".join(n.name for n in new)
    settings = BuildSettings(**engine.index.manifest["settings"])  # same settings: unchanged passages are reused
    report = rebuild_index(settings, lambda: engine.embedder, "Adding it to the index…")
    if report is None:
        say("warning", f"{', '.join(p.name for p in written)} was saved in the policies folder but is not in the "
                       "index yet; the chat still answers from the previous index. Run `policyqa index build` "
                       "to retry.")
        return
    announce_and_reload([("success", f"{names} added — ask about it now.")], report)


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


# -- the sidebar -----------------------------------------------------------------------------------

def format_built_at(value: str) -> str:
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M %Z").strip()
    except (TypeError, ValueError):
        return str(value)


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


def index_status(engine: Engine) -> None:
    st.header("Index")
    manifest = engine.index.manifest
    left, right = st.columns(2)
    left.metric("Policies", len(manifest["policies"]))
    right.metric("Passages", manifest["passage_count"])
    show_html(render.muted_html(f"Model {manifest['model']['id']}\n"
                                f"Built {format_built_at(manifest.get('built_at'))}"))


def upload_form(engine: Engine) -> tuple[list[NewPolicy], bool] | None:
    """The "Add a policy" box: files, then a name and aliases for each (prefilled from its title).

    Returns (new policies, replace) when the user asked to add them.
    """
    round_ = st.session_state.get("upload_round", 0)
    with st.expander("Add a policy", icon=":material/upload_file:", expanded=False):
        files = st.file_uploader("Policy files", type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
                                 accept_multiple_files=True, max_upload_size=UPLOAD_LIMIT_MB,
                                 key=f"upload-{round_}",
                                 help=f"Up to {UPLOAD_LIMIT_MB} MB each. Saved into the policies folder, "
                                      "then added to the index.")
        new: list[NewPolicy] = []
        problems: list[str] = []
        taken = policy_names(engine) + [a for p in engine.policies.values() for a in p.aliases]
        for i, file in enumerate(files or []):
            upload = Upload(file.name, file.getvalue())
            try:
                filename = validate_upload(upload)
            except PolicyFileError as err:
                problems.append(str(err))
                continue
            text = _upload_text(upload, filename)
            name, aliases = suggested_names(text, taken)
            policy_id = Path(filename).stem
            # The file name is safe_filename's [a-z0-9._-] and stays readable to screen readers unescaped.
            name = st.text_input(f"Name of {filename}", value=name or policy_id, key=f"name-{round_}-{i}")
            aliases_text = st.text_input("Other names people use (comma-separated)", value=", ".join(aliases),
                                         key=f"aliases-{round_}-{i}")
            aliases, left_out = usable_aliases(aliases_text, policy_id, taken)
            for problem in left_out:
                say("warning", problem)
            new.append(NewPolicy(upload, policy_id, name.strip() or policy_id, aliases))
        for problem in problems:
            say("error", problem)
        replace = st.checkbox("Replace existing", key=f"replace-{round_}",
                              help="Replace a policy whose file has the same name (any format).")
        clicked = st.button("Add to the index", key="add-policy-submit", type="primary",
                            disabled=not new or bool(problems))
    return (new, replace) if clicked and new else None


def _upload_text(upload: Upload, filename: str) -> str:
    """The text of an upload that `validate_upload` accepted, as its child process read it (never parsed
    in the server process)."""
    from qa.ingest.uploads import upload_text

    return upload_text(upload, filename)


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


# -- an answer ----------------------------------------------------------------------------------------

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


def lazy_expander(label: str, key: str, icon: str | None = None):
    """An expander whose content is built only once it is opened (it reruns the page when toggled).

    Returns the expander, or None when it is closed: a long conversation sends only what is open.
    """
    box = st.expander(label, icon=icon, key=key, on_change="rerun")
    return box if box.open else None


def in_policy(turn: Turn, key: str, hit, answer_spans) -> None:
    """A "Show in policy" box: the whole policy, the passage shaded in place, the answer marked."""
    text = turn.texts.get(hit.policy)
    if text is not None and (box := lazy_expander("Show in policy", key, icon=":material/description:")):
        with box:
            show_html(render.policy_html(text, (hit.start, hit.end), answer_spans, hint_spans=hit.highlights))


def section_labels(hits) -> list[str]:
    """Tab labels: each passage's section (numbered when two share one), shortened for narrow screens."""
    labels, seen = [], {}
    for hit in hits:
        label = (hit.section or "Passage").strip()
        label = label if len(label) <= 32 else label[:31].rstrip() + "…"
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return labels


def answer_parts(turn: Turn, engine: Engine) -> tuple[list[str], list[str]]:
    """The answer itself, as HTML: how the question was read and each shown company's quotes; then, apart
    (after the "Show more companies" button), who does not say."""
    answer = turn.answer
    parts = []
    if answer.interpreted_as != answer.question:
        parts.append(render.note_html(f"Interpreted as: {answer.interpreted_as}"))
    for _typed, policy_id in answer.corrections:
        policy = engine.policies.get(policy_id)
        parts.append(render.note_html(f"Showing results for {policy.name if policy else policy_id}"))
    if wants_summary(answer) and answer.rows:  # several companies: who says what, by verdict, first
        summary = summary_parts(answer)
        if any(len(names) > NAMES_LISTED for _, names in summary):  # many: counted, not listed
            parts.append(render.summary_line_html(summary_line(answer)))
        else:
            parts.append(render.summary_html(summary, answer.not_indexed))
    for row in shown_rows(turn):
        parts.append(render.policy_name_html(row.name))
        quotes = shown_quotes(row)
        if quotes:
            parts.append(render.answer_html(quotes, verdict=verdict_word(row), label=row.label,
                                            policy_text=turn.texts.get(row.policy)))
    silent = [row.name for row in answer.rows if row.abstained]
    if answer.answered and len(silent) > NAMES_LISTED:  # the summary counted them: one line, not hundreds
        return parts, [render.muted_html(f"Not stated in {len(silent):,} other policies")]
    return parts, [render.muted_html(f"Not stated in {name}") for name in silent] if answer.answered else []


# -- paging: a question over many policies shows its strongest companies, ten more at a time -------------

COMPANIES_A_PAGE = 10


def companies_shown(turn: Turn) -> int:
    """How many answering companies this turn shows now (kept per answer in the session)."""
    return int(st.session_state.get(f"companies-{turn.id}", COMPANIES_A_PAGE))


def shown_rows(turn: Turn) -> tuple[PolicyAnswer, ...]:
    """The answering rows shown: the strongest first (the answer's order), as many as `companies_shown`."""
    return turn.answer.answered[:companies_shown(turn)]


def more_companies(turn: Turn) -> None:
    """A "Show more companies" button under an answer that has more answering companies than it shows."""
    shown, total = companies_shown(turn), len(turn.answer.answered)
    if total <= shown:
        return
    label = f"Show more companies ({min(COMPANIES_A_PAGE, total - shown)} of {total - shown:,} more)"
    if st.button(label, key=f"more-companies-{turn.id}", icon=":material/expand_more:"):
        st.session_state[f"companies-{turn.id}"] = shown + COMPANIES_A_PAGE
        st.rerun()


def show_sources(turn: Turn) -> None:
    """Behind one expander, built when opened: each answer in its policy, the other passages by section,
    and the scores."""
    answer = turn.answer
    box = lazy_expander("Sources, more passages and scores", f"sources-{turn.id}", icon=":material/menu_book:")
    if box is None:
        return
    with box:
        for row in shown_rows(turn):
            spans = [(q.start, q.end) for q in shown_quotes(row)]
            if len(answer.answered) > 1:
                show_html(render.policy_name_html(row.name))
            if row.hits:
                in_policy(turn, f"in-policy-{turn.id}-{row.policy}-0", row.hits[0], spans)
            others = list(row.hits[1:])
            tabs = st.tabs([render.escape_text(label) for label in section_labels(others)]) if others else []
            for i, (hit, tab) in enumerate(zip(others, tabs), start=1):
                with tab:
                    show_html(render.excerpt_html(hit, answer_spans=answer_spans(hit, answer, spans)))
                    in_policy(turn, f"in-policy-{turn.id}-{row.policy}-{i}", hit, spans)
        show_html(render.muted_html(details_text(turn, answer)))


def details_text(turn: Turn, answer: Answer) -> str:
    """Retriever, passage count and time, then each company's confidence label ("states it", "related
    passage", "not stated"), the words `policyqa ask` prints: no raw percentages."""
    lines = [f"Advanced: retriever {turn.details.get('retriever', DEFAULT_RETRIEVER)}"
             + (f" · reranker {answer.reranker}" if answer.reranker else "")
             + f" · {turn.details.get('k', 5)} passages · {answer.latency_ms / 1000:.2f} s"]
    for row in answer.rows:
        count = len(row.hits)
        lines.append(f"{row.name}: {row.label}" + (f" ({count} passage{'' if count == 1 else 's'})" if count else ""))
    return "\n".join(lines)


def show_nearest(turn: Turn, rows: list[PolicyAnswer]) -> None:
    """The nearest passages of policies that do not answer, behind a label that says so."""
    nearest = [row for row in rows if row.hits]
    if nearest:
        label = "Nearest match (not an answer)" if len(nearest) == 1 else "Nearest matches (not answers)"
        if box := lazy_expander(label, f"nearest-{turn.id}"):
            with box:
                for row in nearest:
                    show_html(render.excerpt_html(row.hits[0], nearest=True, answer_spans=()))


def show_not_indexed(turn: Turn, engine: Engine) -> None:
    """Organisations with no policy here: one clear line, then passages that merely mention them."""
    answer = turn.answer
    if answer.rows:  # named beside indexed companies, which are answered: one line each
        for name in answer.not_indexed:
            say("info", no_policy_line(name))
    else:
        say("info", not_indexed_line(answer.not_indexed, policy_names(engine)))
    mentions = answer.mentions
    label = f"Mentions of {render.escape_text(' or '.join(answer.not_indexed))} in indexed policies (not answers)"
    if mentions and (box := lazy_expander(label, f"mentions-{turn.id}")):
        with box:
            for hit in mentions:
                show_html(render.excerpt_html(hit, nearest=True, answer_spans=()))


def show_answer(turn: Turn, engine: Engine, chat_id: str | None) -> None:
    """One answer; old and new alike are a handful of elements, the rest built when opened."""
    if turn.problem:
        say("warning", turn.problem)
        return
    answer = turn.answer
    not_indexed = answer.not_indexed
    parts, silent = answer_parts(turn, engine)
    if parts:
        show_html(render.block_html(parts))
    more_companies(turn)
    if silent:
        show_html(render.block_html(silent))
    if not_indexed:
        show_not_indexed(turn, engine)
    if answer.answered:
        show_nearest(turn, [row for row in answer.rows if row.abstained])
        show_sources(turn)
    elif not not_indexed:  # a not-indexed company: the line above says it all, no other passage answers it
        if len(answer.rows) == 1:
            say("info", f"Not stated in {answer.rows[0].name}: the policy does not appear to address this question.")
        else:
            say("info", "The selected policies do not appear to address this question.")
            show_html(render.block_html([render.muted_html(f"Not stated in {row.name}") for row in answer.rows]))
        show_nearest(turn, list(answer.rows))
    searched = len(answer.scope)
    named = " named in the question" if answer.routed else ""
    footer = [render.muted_html(f"Searched {searched} {'policy' if searched == 1 else 'policies'}{named}")]
    if chat_id:
        footer.append(render.permalink_html(permalink(chat_id, turn.id)))
    show_html(render.block_html(footer))


def within_length(question: str | None) -> str | None:
    """The question, or None after saying why when it is over MAX_QUESTION_CHARS. Checked here rather than
    by the input's max_chars, which let a longer pasted question vanish without a word."""
    if question is not None and len(question) > MAX_QUESTION_CHARS:
        st.warning(f"Questions are limited to {MAX_QUESTION_CHARS:,} characters; this one has {len(question):,}. "
                   "Shorten it and ask again.", icon=":material/warning:")
        return None
    return question


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


def store_failure(err: Exception) -> str | None:
    """One line for a store that stopped, froze or replaced its generation mid-question (the chat then
    answers the next question when the server is back); None for anything else (a bug: its traceback)."""
    from qa.errors import as_store_error

    failure = as_store_error(err)
    return str(failure) if failure is not err or isinstance(err, IndexUnavailable) else None


def show_turn(turn: Turn, engine: Engine, chat_id: str | None) -> None:
    with st.chat_message("user"):
        show_html(render.question_html(turn.question, turn.id))
    with st.chat_message("assistant"):
        show_answer(turn, engine, chat_id)


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
