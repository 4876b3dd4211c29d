"""The one answer path: from a question (and the conversation so far) to a verdict per policy, proven by
cited quotes, or "not stated".

Everything a user sees goes through `answer_question`: `policyqa ask`, the chat, the comparison grid,
and `policyqa eval`, which judges the same `Answer`. In order:

1. the question is resolved against earlier turns (`qa.search.conversation`): "and who do they share it with?"
   becomes "Who does Core Office IT share my data with?";
2. it is routed by the companies it names (`qa.search.names`): exact names and aliases, near misses
   ("Cloudsentrik"), and organisations that have no policy here ("Facebook"), which get no answer;
3. each policy in scope is searched on its own (the first-stage retriever, hybrid by default), so every company gets
   its best evidence even when another company's policy dominates the overall ranking; over more than MANY_POLICIES
   policies, one search over all of them picks the policies to decide in full (`_leading`);
4. the reranker (`qa.search.reranker`, a bi-encoder MiniLM fine-tuned here) rescores each policy's candidates into a
   calibrated probability that the passage answers the question, and orders them by it, except that a first-stage
   best passage holding every key term of the question stays first (`qa.search.reranker.keep_literal`);
5. the practice model (`qa.search.practice`, read through `qa.search.evidence`) decides: a policy none of whose
   sentences states a practice the question asks about, that never writes a name the question uses or a specific
   thing it asks about (two-factor authentication, a date of birth…: `qa.search.specific.unmentioned`), or whose
   answering passage lacks the detail the question asks for (a length of time, an address, a fee, a phone number, a
   date…: `qa.search.details.DETAILS`), is "not stated"; otherwise the sentence that states it, nearest the
   question, is quoted first (`qa.search.quotes`: whole sentences with their qualifiers) and its stance makes the
   verdict (`qa.search.verdict`: yes / no for a yes-no question, stated for an open one); below the reranker's threshold
   only a sentence at the practice's full threshold (a related passage) or one repeating the question's words answers;
   over several policies, one near enough to the question (`across_score`) or writing what it names. A question about
   no practice of the model is decided by the reranker's calibrated threshold (below it, a sentence repeating most of
   the question's key terms still answers: `marking.literal_sentence`), as with no practice model; without a reranker,
   by the dense similarity and its threshold;
6. questions whose wording turns the stance ("may they do as they like?", "do they only…?", "without my consent?",
   "can I…?") get their verdict checked against the sentences shown (`qa.search.verdict`).
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

import numpy as np

from qa.errors import QueryError
from qa.search.asked_names import SPELLED_OUT, asking_sentence, named_things, sold_to, untitled
from qa.search.asking import AUTO, Asked, asked_of, asks_judgement, practices_asked, unsaid
from qa.search.conversation import resolve_question
from qa.search.details import ORGANISATION, PLACE, detail_after
from qa.search.endings import ENDING, asks_after_ending
from qa.search.evidence import Decision, answers_across, decide, in_own_words
from qa.search.kept import general_kept_decision, kept_thing_decision, kept_words
from qa.search.marking import (
    asks_kinds,
    asks_non_personal,
    both,
    gives,
    giving,
    giving_passage,
    literal_sentence,
    marked_after,
    named_sentence,
    naming,
    naming_decision,
    personal_decision,
    reaching,
    writing_first,
)
from qa.search.more_readings import one_company_kind
from qa.search.names import match_names, named_beside, names_of, own_name_guard, without_names
from qa.search.passages import hit_holding, led_by, quotes_of, rows_of
from qa.search.practice_words import asked_own_words
from qa.search.readings import asks_how, gives_means
from qa.search.reranker import keep_literal, rerank_candidates
from qa.search.rereading import reread
from qa.search.result import Answer, PolicyAnswer
from qa.search.specific import specific_things
from qa.search.spelling import respelled
from qa.search.terms import key_terms, without_addresses
from qa.search.verdict import (
    NO,
    OPEN,
    RELATED,
    STATES_IT,
    YES_NO,
    affirmative,
    border_words,
    label_for,
    negated_sentence,
    past_sale,
    question_kind,
    verdict_for,
)
from qa.types import Hit, Quote

# Quote (qa.types), Answer and PolicyAnswer (qa.search.result) are re-exported here, where callers always found them.
__all__ = ["AUTO", "Answer", "PolicyAnswer", "Quote", "answer_question", "practices_asked"]

MENTIONS_SHOWN = 3
STATES_IT_AT = 0.5  # a calibrated probability at or above which an answered row "states it"
# How much a sentence's practice probability counts beside its nearness to the question when choosing the
# deciding sentence: a user's question says what it wants; a grid's topic question is generic, so there
# the sentence that most plainly states the practice is quoted.
STRENGTH_WEIGHT = 0.3
GRID_STRENGTH_WEIGHT = 1.0
# A sentence writing what the question names is quoted instead of the one decided when it states the practice
# decided at this share of the threshold ("We may ask you for proof of identity." beside "…your rights under the GDPR")
NAMING_LEAN = 0.5
# For a user's question, a practice is absent from a policy only when no sentence reaches ABSENT_RELAX of its threshold
# (a "not stated" that is wrong is worse than a related passage): chosen on golden dev (answerable questions wrongly
# "not stated" 6 -> 2 of 79, policy verdicts 47 -> 46 of 65; 0.5 and 0.7: 2 and 44, 45), never on golden test.
ABSENT_RELAX = 0.8
# A question naming no company, over more than MANY_POLICIES policies, starts from one search over all of
# them (CORPUS_DEPTH passages) instead of one per policy; DECIDED_POLICIES are then searched, reranked and
# decided each, and the practice model decides the rest alone (see `_leading`).
MANY_POLICIES = 12
DECIDED_POLICIES = 10
CORPUS_DEPTH = 300
MANY_DEPTH = 4  # candidates reranked per decided policy there (the reranker embeds each unseen one)
EVIDENCE_ALL = 2000  # up to this many policies in scope, every one is checked for the practice asked about


def _mentions(engine, organisations: Sequence[str], limit: int = MENTIONS_SHOWN) -> tuple[Hit, ...]:
    """Passages of indexed policies whose text names one of `organisations` (whole words)."""
    patterns = [re.compile(rf"(?<!\w){re.escape(o)}(?!\w)", re.IGNORECASE) for o in organisations]
    # Only rows whose BM25 tokens hold the name can name it (a scan of every passage took 0.3 s at 30,000
    # passages, 1.5-2.4 s at 300,000); a name without tokens ("X") reads every row, in order.
    candidates = [engine.scorer.rows_naming(o) for o in organisations]
    passages: Iterable = engine.index.passages
    if candidates and all(c is not None for c in candidates):
        passages = rows_of(engine.index.passages, np.unique(np.concatenate(candidates)))
    found = []
    for passage in passages:
        spans = [(passage.start + m.start(), passage.start + m.end())
                 for p in patterns for m in p.finditer(passage.text)]
        if spans:
            found.append(Hit(policy=passage.policy, name=engine.policies[passage.policy].name,
                             section=passage.section, start=passage.start, end=passage.end, text=passage.text,
                             score=0.0, passage_id=passage.id, highlights=tuple(spans[:3])))
            if len(found) >= limit:
                break
    return tuple(found)


def answer_question(engine, question: str, k: int = 5, policies: Sequence[str] | None = None,
                    retriever: str | None = None, history: Sequence[Answer] = (),
                    rerank: bool = True, practice: str | None = None,
                    accepts: Callable[[str], bool] | None = None) -> Answer:
    """Answer `question` from `engine`'s index (see the module docstring for every step).

    `policies` restricts the search to those ids (the user's choice; no routing then). `history` holds
    the earlier answers of the same conversation, oldest first. `rerank=False` skips the reranker even
    when one is loaded (for measuring it). `practice` asks whether each policy states one practice and
    nothing more (the compare grid): a topic id of the practice model, or AUTO for the practices the
    question asks about; a policy is then stated exactly when one of its sentences states the practice
    (and, with `accepts`, that sentence's text passes it: the grid's evidence words).
    Raises QueryError (a ValueError) for an empty question, k < 1 or an unknown policy id.
    """
    started = time.perf_counter()
    if not question or not question.strip():
        raise QueryError("question is empty")
    if k < 1:
        raise QueryError(f"k must be >= 1, got {k}")
    typed = untitled(respelled(question.strip()))  # "Dose CT1 sel my infomation?", "Does Concero Keep Call…?"
    interpreted = affirmative(resolve_question(typed, history, engine.policies) if history else typed)
    match = match_names(interpreted, engine.policies)
    if policies is not None:
        unknown = [p for p in policies if p not in engine.policies]
        if unknown:
            raise QueryError(f"unknown policy id {', '.join(repr(u) for u in unknown)} "
                             f"(known: {', '.join(sorted(engine.policies))})")
        scope = list(dict.fromkeys(policies))
        routed: list[str] = [p for p in match.policies if p in scope]
        not_indexed: tuple[str, ...] = ()
    else:
        routed = list(match.policies)
        # Named beside an indexed company ("Does Facebook or Concero sell…"): not indexed either.
        not_indexed = match.not_indexed or named_beside(interpreted, routed, engine.policies, match)
        scope = routed or ([] if not_indexed else list(engine.policies))
    kind = one_company_kind(question_kind(interpreted), interpreted, routed)  # "Which company … Nextdoor?": open
    reranker = engine.reranker if rerank else None
    settings = engine.settings
    depth = max(k, settings.rerank_depth_single if len(scope) == 1 else settings.rerank_depth_multi) if reranker else (
        k if len(scope) == 1 else max(1, min(k, 3)))
    plain = without_names(without_addresses(interpreted), routed, engine.policies, [t for t, _ in match.corrections])
    terms = key_terms(plain, [engine.policies[p].name for p in scope if p in engine.policies])
    asked = asked_of(engine, interpreted, practice, accepts)
    kwargs = {"retriever": retriever} if retriever else {}
    if not asked.only:  # what the question names, but not the companies it routes to nor those with no policy here
        # (nor the one policy it is asked of: "my Register account" of The Register's)
        mine = routed or (scope if policies is not None and len(scope) == 1 else [])
        # (every name it is matched by: "Woman's Day" of a policy named "Womans Day" after its file)
        own = {w.lower() for p in mine for n in names_of(engine.policies[p]) for w in re.findall(r"\w+", n)}
        theirs = own | {w.lower() for o in not_indexed for w in re.findall(r"\w+", o)}
        # (those of the sentence that asks: not "US CLOUD Act" of "Our board is nervous about the US CLOUD Act. Does…?")
        asking = asking_sentence(plain)
        names = tuple(n for n in named_things(asking) if not {*re.findall(r"\w+", n.lower())} <= theirs)
        specific = specific_things(plain, asking)
        # the sentence quoted writes what the question names, and the place or organisation asked for ("where…?")
        writing = functools.partial(naming, things=(*specific, *(d for d in asked.demands if d is PLACE or d is
                                    ORGANISATION)), spelled=SPELLED_OUT, border=border_words(interpreted, asked.topics))
        asked = replace(asked, names=names, specific=specific, kept=kept_words(plain),
                        after_ending=asks_after_ending(plain), how_long="how long" in plain.lower(),
                        kinds=kind == OPEN and asks_kinds(plain), personal=not asks_non_personal(plain),
                        named=writing(names), how=asks_how(plain), judged=asks_judgement(plain),
                        own_words=in_own_words(asked.topics, asking), stating=asked_own_words(asking))
        if buyers := sold_to(plain, names):  # "…sell my data to Facebook?"
            rest = tuple(n for n in names if n not in buyers)
            asked = replace(asked, denied=replace(asked, names=rest, named=writing(rest)))
    decided: Sequence[str] = scope
    counted: list[PolicyAnswer] = []
    leading = policies is None and not routed and len(scope) > MANY_POLICIES
    if leading:  # (the bar across policies is not applied there: its scores are not measured at that scale)
        decided, counted = _leading(engine, interpreted, kind, scope, asked, terms, kwargs)
        depth = min(depth, MANY_DEPTH)
    candidates = {p: engine.search(interpreted, k=depth, policies=[p], **kwargs) for p in decided}
    threshold = settings.abstain_below
    if reranker is not None:
        threshold = reranker.calibration.threshold
        candidates = keep_literal(candidates, rerank_candidates(reranker, plain, candidates), terms)
    shown = k if len(scope) == 1 else max(1, min(k, 3))
    across = len(candidates) > 1 and not asked.only and not leading
    rows = [_row(engine, policy_id, hits, kind, asked, terms, threshold, shown, reranker is not None,
                 across) for policy_id, hits in candidates.items()]
    rows.sort(key=lambda r: (r.abstained, -r.confidence))
    rows += counted
    rows = reread(engine, rows, interpreted, terms, asked.topics, reranker is not None, own=not asked.only)
    return Answer(question=question, rows=tuple(rows), scope=tuple(scope), routed=tuple(routed),
                  latency_ms=(time.perf_counter() - started) * 1000, interpreted_as=interpreted,
                  not_indexed=not_indexed, corrections=match.corrections if policies is None else (),
                  mentions=_mentions(engine, not_indexed) if not_indexed else (),
                  reranker=reranker.name if reranker is not None else "", threshold=threshold, kind=kind,
                  topics=tuple(asked.topics))


def _leading(engine, question: str, kind: str, scope: Sequence[str], asked: Asked, terms: list[str],
             kwargs: dict) -> tuple[list[str], list[PolicyAnswer]]:
    """For a question over many policies: the DECIDED_POLICIES policies to answer in full (search, rerank,
    decide each), and rows for the others the practice model decided alone.

    One search over every policy ranks them by their best passage. With a practice the question asks
    about, every policy (past EVIDENCE_ALL policies, those the search found) is checked for a sentence
    stating it: those that state it lead, by how well their sentence answers; the others are "not stated"
    rows without a search, as are those that never write a name or specific thing the question asks about.
    Without one, the policies the search ranks first are answered, and the others get no row (`Answer.scope`
    still counts them), as do those a model that reads text has not read yet."""
    pool = engine.search(question, k=CORPUS_DEPTH, policies=None, **kwargs)
    order = list(dict.fromkeys(h.policy for h in pool))
    evidence, model = engine.evidence, engine.practice
    if not asked.thresholds or evidence is None or asked.query is None:
        return order[:DECIDED_POLICIES], []
    judged = list(dict.fromkeys([*order, *scope])) if len(scope) <= EVIDENCE_ALL else order
    # A store reads what deciding these policies reads one policy at a time (texts, the vectors of the
    # evidence not held) in a few queries: one query per policy was most of the time at 6,000 policies.
    read_ahead = getattr(engine.scorer, "prefetch", None)
    if read_ahead is not None:
        read_ahead(judged, vectors=evidence.missing(judged))
    # A model that reads text encodes only the policies the search ranks first (answered in full below, they
    # are encoded anyway); the others count when a build has read them ahead, else get no row.
    found = evidence.read(judged, encode_at_most=DECIDED_POLICIES)
    judged = [p for p in judged if p in found]
    query = asked.query

    def judged_by(p: str, test: Callable[[str], bool] | None = None) -> Decision:
        return decide(found[p], engine.policies[p].text, asked.thresholds, model.topics, query, terms, {},
                      literal=False, accepts=own_name_guard(test, engine.policies[p], asked.topics))

    decisions = {p: judged_by(p) for p in judged}
    # As `_row`: a policy that never writes a name or specific thing asked does not say (read where one states it)
    decisions = {p: d for p, d in decisions.items() if not d.stated or not unsaid(asked, engine.policies[p].text)}
    if asked.named is not None:  # as `_row` quotes
        decisions = {p: naming_decision(d, engine.policies[p].text, asked.named, functools.partial(judged_by, p))
                     for p, d in decisions.items()}
    stating = sorted((p for p, d in decisions.items() if d.stated), key=lambda p: -decisions[p].score)
    leaders = list(dict.fromkeys([*stating, *order]))[:DECIDED_POLICIES]
    chosen = set(leaders)
    if read_ahead is not None:  # the passages holding the sentences quoted below
        read_ahead([p for p in stating if p not in chosen], passages=True)
    rows = []
    for policy_id in judged:
        if policy_id in chosen:
            continue
        decision, name = decisions.get(policy_id), engine.policies[policy_id].name
        sentence = decision.sentence if decision is not None and decision.stated else None
        lead = None if sentence is None else hit_holding(engine, policy_id, (), sentence, 0.0, reranked=False)
        if decision is None or sentence is None or lead is None or not gives(lead, asked.demands):  # as `_row`
            rows.append(PolicyAnswer(policy=policy_id, name=name, abstained=True, score=0.0))
            continue
        rows.append(PolicyAnswer(policy=policy_id, name=name, abstained=False, score=0.0,
                                 quotes=quotes_of(engine, policy_id, lead), hits=(lead,), ranked=(lead,),
                                 label=STATES_IT, verdict=verdict_for(kind, True, negated_sentence(
                                     engine, policy_id, sentence, decision.negated, asked.topics))))
    rows.sort(key=lambda r: r.abstained)
    return leaders, rows


def _row(engine, policy_id: str, hits: list[Hit], kind: str, asked: Asked, terms: list[str],
         threshold: float, shown: int, reranked: bool, across: bool = False) -> PolicyAnswer:
    """One policy's answer: stated or not, its verdict, label, quotes and passages; `across`: one of several asked,
    answered by a sentence under `RetrievalSettings.across_score` only as `evidence.answers_across` allows (it writes
    what the question names or states the practice in its own words), or when the question asks for a detail."""
    name = engine.policies[policy_id].name
    if not hits and not asked.thresholds:
        return PolicyAnswer(policy=policy_id, name=name, abstained=True, score=0.0)
    confidence = (hits[0].rank_score if reranked else max(h.similarity for h in hits)) if hits else 0.0
    # "Not stated": the nearest passage kept only as a labelled nearest match, the candidates for evaluation.
    not_stated = PolicyAnswer(policy=policy_id, name=name, abstained=True, score=confidence, hits=tuple(hits[:1]),
                              confidence=confidence, ranked=tuple(hits[:shown]))
    if unsaid(asked, engine.policies[policy_id].text):  # "Do they use two-factor authentication?", never said
        if asked.denied is None or kind != YES_NO or unsaid(asked.denied, engine.policies[policy_id].text):
            return not_stated  # "…sell my data to Facebook?": a denial of any sale answers, nothing else
        row = _row(engine, policy_id, hits, kind, asked.denied, terms, threshold, shown, reranked, across)
        return row if row.verdict == NO else not_stated
    model, evidence = engine.practice, engine.evidence
    if asked.thresholds and evidence is not None and asked.query is not None:
        # The reranker's order counts: a sentence in its first passage is preferred, less so further down.
        marked = {(h.start, h.end): 1.0 / (1 + rank) for rank, h in reversed(list(enumerate(hits[:shown])))}
        # A user's question: a sentence at the practice's threshold states it; short of that, one at
        # ABSENT_RELAX of it is a related passage, and only a policy with neither is "not stated" for it.
        levels = ((1.0, STATES_IT),) if asked.only else ((1.0, STATES_IT), (ABSENT_RELAX, RELATED))
        # Below the reranker's threshold a sentence repeating the question's words answers, else only one stating
        # the practice at its full threshold, as a related passage ("How secure is my data?", security scored low).
        below = not asked.only and confidence < threshold
        literal = literal_sentence(engine, policy_id, terms, asked.named) if below else None
        if below and literal is None:
            levels = ((1.0, RELATED),)
        accepts = own_name_guard(asked.accepts, engine.policies[policy_id], asked.topics)  # not "X International"
        query, text, named = asked.query, engine.policies[policy_id].text, asked.named
        bar = engine.settings.across_score  # across several policies, what a deciding sentence must score
        own = asked.own_words if across else None

        def decided(scale: float, test: Callable[[str], bool] | None) -> Decision:
            return decide(evidence.of(policy_id), text, {t: scale * p for t, p in asked.thresholds.items()},
                          model.topics, query, terms, marked, accepts=test, own_words=asked.stating,
                          strength_weight=GRID_STRENGTH_WEIGHT if asked.only else STRENGTH_WEIGHT)

        hold = functools.partial(hit_holding, engine, policy_id, hits, confidence=confidence, reranked=reranked)
        for scale, label in levels:
            decision = decided(scale, accepts)
            # decided again at this level among the sentences passing a test as well as `accepts`
            again = functools.partial(lambda s, test: decided(s, both(accepts, test)), scale)
            if named is not None and literal is None:  # the sentence writing what the question names
                decision = naming_decision(decision, text, named, again, asked.kept)
            if literal is None and asked.personal:  # "Who does 23T share my data with?": not "…non-personal…"
                decision = personal_decision(decision, text, again)
            if literal is None and asked.demands and "retention" in asked.topics:  # "how long … support requests?"
                if asked.kept:
                    strict = kind == OPEN or asked.how_long  # not "…kept forever?": as decided
                    decision = kept_thing_decision(decision, text, asked.kept, again, strict=strict)
                elif kind == OPEN:  # "how long … my details?", not "which companies give a time limit?"
                    decision = general_kept_decision(decision, text, terms, again)
                if asked.after_ending:  # "…after I delete my account?": a sentence on what is kept past the end
                    ending = both(named, lambda s: ENDING.search(s) is not None)  # (and writing what is named)
                    decision = naming_decision(decision, text, ending, again)
            in_own = False  # across policies, a sentence saying what is asked in its own words answers
            if across and literal is None and not asked.demands and decision.stated and own is not None and \
                    not answers_across(decision, text, bar, named):
                decision, in_own = (retry, True) if (retry := again(own)).stated else (decision, False)
            if not decision.stated or decision.sentence is None or (
                    across and literal is None and not asked.demands and not in_own
                    and not answers_across(decision, text, bar, named)
                    # "How would I go about asking each of these companies…?": a sentence saying how answers
                    and not (asked.how and gives_means(text[decision.sentence[0]:decision.sentence[1]]))):
                continue
            # a literal answer, or "We do share it…" read after "We'll never sell your data." (`past_sale`)
            instead = literal or past_sale(engine, policy_id, decision.sentence, asked.topics)
            sentence, negated = (instead, None) if instead is not None else (decision.sentence, decision.negated)
            lead = hold(sentence)
            if not gives(lead, asked.demands):  # "how long…?" and the passage that answers gives no length of time
                if (after := detail_after(text, sentence, asked.demands)) is not None:  # its line's next sentence does
                    lead, sentence, negated = hold(after), after, None
                elif (found := reaching(asked.demands, again, hold, text, evidence.of(policy_id).spans)) is None:
                    return not_stated
                else:
                    lead, sentence, negated = found[0], found[1].sentence or sentence, found[1].negated
            if literal is None and asked.demands:  # a sentence of the same passage that gives the detail
                sentence, negated = giving(text, lead, (sentence, negated), asked.demands, accepts,
                                           functools.partial(decided, scale))
                lead = hold(sentence)
            if literal is None and named is not None and not named(text[sentence[0]:sentence[1]]):
                # "…want ID…?": "We may ask you for proof of identity.", beside "…your rights under the GDPR…"
                found_named = named_sentence(engine, policy_id, decision, NAMING_LEAN * scale * asked.thresholds[
                    model.topics.index(decision.topic)], led_by(lead, hits)[:shown], named, bool(asked.specific))
                if found_named is not None:
                    sentence, negated, lead = found_named, None, hold(found_named)
                elif label == RELATED if asked.specific else (decision.topic == "sharing" and asked.names):
                    return not_stated  # a recipient never named as one; a thing asked, unwritten by a related passage
            if literal is None:
                lead = marked_after(text, lead, sentence, terms, functools.partial(quotes_of, engine, policy_id),
                                    asked.kinds, asked.demands)
            ordered = tuple(led_by(lead, hits)[:shown])
            return PolicyAnswer(policy=policy_id, name=name, abstained=False, score=confidence,
                                quotes=quotes_of(engine, policy_id, lead), hits=ordered, confidence=confidence,
                                ranked=ordered, label=label,
                                verdict=verdict_for(kind, True, negated_sentence(engine, policy_id, sentence, negated,
                                                                                 asked.topics)))
        return not_stated
    hold = functools.partial(hit_holding, engine, policy_id, hits, confidence=confidence, reranked=reranked)
    reach = None if gives(hits[0], asked.demands) and confidence >= threshold else giving_passage(
        engine.policies[policy_id].text, hits, asked.demands, hold)  # "What is Concero's email address?"
    if reach is not None:
        hits = led_by(reach, hits)
        return PolicyAnswer(policy=policy_id, name=name, abstained=False, score=confidence,
                            quotes=quotes_of(engine, policy_id, reach), hits=tuple(hits[:shown]), confidence=confidence,
                            ranked=tuple(hits[:shown]), verdict=verdict_for(kind, True, False),
                            label=label_for(True, confidence, max(threshold, STATES_IT_AT)))
    if confidence < threshold:
        literal = literal_sentence(engine, policy_id, terms)
        if literal is None:
            return not_stated
        lead = hit_holding(engine, policy_id, hits, literal, confidence, reranked)
        hits = led_by(lead, hits)
    hold = functools.partial(hit_holding, engine, policy_id, hits, confidence=confidence, reranked=reranked)
    hits = writing_first(engine.policies[policy_id].text, hits, asked.named, hold, engine.evidence.of(policy_id).spans
                         if engine.evidence is not None else ())
    # the first passage that quotes leads, not a heading alone ("Privacy Policy"), which quotes nothing
    quoting = next(((h, quotes) for h in hits if (quotes := quotes_of(engine, policy_id, h))), None)
    if quoting is None:
        return not_stated
    hits = led_by(quoting[0], hits)
    if not gives(hits[0], asked.demands):
        return not_stated
    quotes = quoting[1]
    if len(hits[0].highlights) == 1:  # as `_row`: the next sentence, when it repeats more of the question's words
        hits[0] = marked_after(engine.policies[policy_id].text, hits[0], hits[0].highlights[0], terms,
                               functools.partial(quotes_of, engine, policy_id), asked.kinds, asked.demands)
        quotes = quotes_of(engine, policy_id, hits[0])
    return PolicyAnswer(policy=policy_id, name=name, abstained=False, score=confidence,
                        quotes=quotes, hits=tuple(hits[:shown]), confidence=confidence, ranked=tuple(hits[:shown]),
                        verdict=verdict_for(kind, True, bool(hits[0].highlights)
                                            and negated_sentence(engine, policy_id, hits[0].highlights[0])),
                        label=label_for(True, confidence, max(threshold, STATES_IT_AT)))
