"""A row read again by its question's own wording, once every policy's row is decided (`qa.search.answer`): "only…?",
"always…?", "without…?", "as they like?", "only in the UK?", "can I…?", "…for free?", a right to refuse, a way to refuse
(`qa.search.readings`, `qa.search.verdict` hold the words; this module applies them to rows and their quotes)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from qa.ingest.sentences import split_sentences
from qa.search.passages import hit_holding, led_by, quotes_of
from qa.search.readings import (
    BROADER,
    EXCEPTIONS,
    OFFERS_CHOICE,
    asked_verdict,
    asks_always,
    asks_only,
    asks_without,
    no_way_to_refuse,
    refusal_only,
    without_verdict,
)
from qa.search.result import PolicyAnswer
from qa.search.terms import terms_in
from qa.search.verdict import LIMITING, NO, NOT_STATED, NOT_STATED_LABEL, YES, asks_unlimited, only_here_verdict


def reread(engine, rows: list[PolicyAnswer], interpreted: str, terms: Sequence[str], topics: Sequence[str],
           reranked: bool) -> list[PolicyAnswer]:
    """`rows` (decided, in order) as the question `interpreted` reads them; `terms` its key terms, `topics` the
    practices asked, `reranked` whether the reranker ordered the passages."""
    if asks_unlimited(interpreted):  # a "yes" to "may they do as they like?" is a "no" beside a limit
        rows = [answered_no_by(engine, row, terms, reranked, LIMITING, True) for row in rows]
    # "only in the UK?" beside "located outside the UK": no; beside "we never transfer it outside the UK": yes
    rows = sorted((only_here(row, interpreted, topics) for row in rows), key=lambda r: r.abstained)
    if asks_only(interpreted):  # "do they only use session cookies?" and "we use both types"
        rows = [answered_no_by(engine, row, terms, reranked, BROADER, False) for row in rows]
    if asks_always(interpreted):  # "do they always ask my consent?" and "…except where…"
        rows = [answered_no_by(engine, row, terms, reranked, EXCEPTIONS, True) for row in rows]
    if asks_without(interpreted):  # "do they do it without my consent?": "no" unless a sentence says so
        rows = [replace(row, verdict=without_verdict(row.quotes[0].text))
                if row.verdict in (YES, NO) and row.quotes else row for row in rows]
    rows = [replace(row, verdict=asked_verdict(interpreted, row.verdict, row.quotes[0].text))
            if row.verdict in (YES, NO) and row.quotes else row for row in rows]  # "can I…?", "…for free?"
    rows = [unanswered(row) if refusal_only(interpreted, row.verdict, marked(engine, row)) else row
            for row in rows]  # "do they profile me?" beside "the right to object to … profiling"
    rows = [way_to_refuse(engine, row, reranked) if no_way_to_refuse(
        interpreted, row.verdict, marked(engine, row)) else row for row in rows]  # "can I opt out of…?"
    return rows


def unanswered(row: PolicyAnswer) -> PolicyAnswer:
    """`row` as "not stated", its nearest passage kept as the labelled nearest match."""
    return replace(row, abstained=True, quotes=(), hits=row.hits[:1], verdict=NOT_STATED, label=NOT_STATED_LABEL)


def marked(engine, row: PolicyAnswer) -> str:
    """The first sentence marked in the row's first passage ("" when none)."""
    if not row.hits or not row.hits[0].highlights:
        return ""
    start, end = row.hits[0].highlights[0]
    return engine.policies[row.policy].text[start:end]


def only_here(row: PolicyAnswer, question: str, topics: Sequence[str]) -> PolicyAnswer:
    """`row` with `verdict.only_here_verdict`'s verdict for "is my data kept only in the UK?"; "not stated" when its
    quote says neither where the data is kept nor that it goes beyond ("EEA residents have certain rights")."""
    verdict = only_here_verdict(question, topics, row.verdict, row.quotes[0].text) if row.quotes else row.verdict
    if verdict != NOT_STATED:
        return replace(row, verdict=verdict)
    return unanswered(row)


def way_to_refuse(engine, row: PolicyAnswer, reranked: bool) -> PolicyAnswer:
    """A "yes" to "can I refuse…?" whose marked sentence offers no way to: the first sentence of its passage that
    offers one (`readings.OFFERS_CHOICE`: "…how to prevent your browser from accepting new cookies") marked, else
    "not stated"."""
    text = engine.policies[row.policy].text
    found = next((span for span in split_sentences(row.hits[0].text, row.hits[0].start)
                  if OFFERS_CHOICE.search(text[span[0]:span[1]])), None) if row.hits else None
    if found is None:
        return unanswered(row)
    lead = hit_holding(engine, row.policy, row.hits, found, row.confidence, reranked)
    ordered = tuple(led_by(lead, row.hits))
    return replace(row, quotes=quotes_of(engine, row.policy, lead), hits=ordered, ranked=ordered)


def answered_no_by(engine, row: PolicyAnswer, terms: Sequence[str], reranked: bool, pattern: re.Pattern,
                    first_passage: bool) -> PolicyAnswer:
    """A "yes" that a sentence of the passages shown turns into "no" (it limits what was asked, or says it is
    broader than the "only" asked): the first such sentence (`pattern`) holding one of the question's key
    terms, else, with `first_passage`, the first in the answering passage, becomes the quote. Unchanged when
    none does."""
    if row.abstained or row.verdict != YES or not row.hits:
        return row
    text = engine.policies[row.policy].text
    matching = [(rank, span) for rank, hit in enumerate(row.hits) for span in split_sentences(hit.text, hit.start)
                if pattern.search(text[span[0]:span[1]])]
    found = next((span for _, span in matching if terms_in(text[span[0]:span[1]], terms) > 0), None)
    if found is None and first_passage:
        found = next((span for rank, span in matching if rank == 0), None)
    if found is None:
        return row
    lead = hit_holding(engine, row.policy, row.hits, found, row.confidence, reranked)
    ordered = tuple(led_by(lead, row.hits))
    return replace(row, quotes=quotes_of(engine, row.policy, lead), hits=ordered, ranked=ordered, verdict=NO)
