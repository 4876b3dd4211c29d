"""An answer on the chat page: how the question was read, each company's quotes under its verdict, who does
not say, and behind expanders (built only when opened) the sources, the nearest passages and the scores.

A question over many policies shows its strongest companies first, ten more at a time.
"""

from __future__ import annotations

import streamlit as st

from qa.chat import render
from qa.chat.chats import permalink
from qa.chat.elements import lazy_expander, policy_names, say, show_html
from qa.chat.history import Turn
from qa.chat.transcript import answer_spans, not_indexed_line, shown_quotes
from qa.search.engine import DEFAULT_RETRIEVER, Engine
from qa.search.result import Answer, PolicyAnswer
from qa.search.wording import NAMES_LISTED, summary_line, summary_parts, unchecked_line, verdict_word, wants_summary
from qa.search.wording import not_indexed_line as no_policy_line


def show_turn(turn: Turn, engine: Engine, chat_id: str | None) -> None:
    with st.chat_message("user"):
        show_html(render.question_html(turn.question, turn.id))
    with st.chat_message("assistant"):
        show_answer(turn, engine, chat_id)


def answer_of(turn: Turn) -> Answer:
    """The turn's answer: a turn shown here without a problem has one (`qa.chat.chats.ask` sets one or the other)."""
    assert turn.answer is not None, turn.id
    return turn.answer


def show_answer(turn: Turn, engine: Engine, chat_id: str | None) -> None:
    """One answer; old and new alike are a handful of elements, the rest built when opened."""
    if turn.problem:
        say("warning", turn.problem)
        return
    answer = answer_of(turn)
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


def answer_parts(turn: Turn, engine: Engine) -> tuple[list[str], list[str]]:
    """The answer itself, as HTML: how the question was read and each shown company's quotes; then, apart
    (after the "Show more companies" button), who does not say."""
    answer = answer_of(turn)
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
            if answer.unchecked:
                parts.append(render.muted_html(unchecked_line(answer)))
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
    return answer_of(turn).answered[:companies_shown(turn)]


def more_companies(turn: Turn) -> None:
    """A "Show more companies" button under an answer that has more answering companies than it shows."""
    shown, total = companies_shown(turn), len(answer_of(turn).answered)
    if total <= shown:
        return
    label = f"Show more companies ({min(COMPANIES_A_PAGE, total - shown)} of {total - shown:,} more)"
    if st.button(label, key=f"more-companies-{turn.id}", icon=":material/expand_more:"):
        st.session_state[f"companies-{turn.id}"] = shown + COMPANIES_A_PAGE
        st.rerun()


def show_sources(turn: Turn) -> None:
    """Behind one expander, built when opened: each answer in its policy, the other passages by section,
    and the scores."""
    answer = answer_of(turn)
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


def in_policy(turn: Turn, key: str, hit, answer_spans) -> None:
    """A "Show in policy" box: the whole policy, the passage shaded in place, the answer marked."""
    text = turn.texts.get(hit.policy)
    if text is not None and (box := lazy_expander("Show in policy", key, icon=":material/description:")):
        with box:
            show_html(render.policy_html(text, (hit.start, hit.end), answer_spans, hint_spans=hit.highlights))


def section_labels(hits) -> list[str]:
    """Tab labels: each passage's section (numbered when two share one), shortened for narrow screens."""
    labels: list[str] = []
    seen: dict[str, int] = {}
    for hit in hits:
        label = (hit.section or "Passage").strip()
        label = label if len(label) <= 32 else label[:31].rstrip() + "…"
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return labels


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
    answer = answer_of(turn)
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
