"""A row read again by its question's own wording, once every policy's row is decided (`qa.search.answer`): "only…?",
"always…?", "without…?", "as they like?", "only in the UK?", "can I…?", "…for free?", a right to refuse, a way to
refuse, a contrast after a denial (`qa.search.readings`, `qa.search.verdict` hold the words; this module applies them
to rows and their quotes)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from qa.ingest.sentences import split_sentences
from qa.search.asked_names import uses_named
from qa.search.details import demanded
from qa.search.endings import ASKS_DELETED, ON_ENDING, RIGHT_TO_DELETE
from qa.search.more_readings import more_asked_verdict
from qa.search.passages import hit_holding, led_by, quotes_of
from qa.search.quotes import lead_in_of
from qa.search.readings import (
    BROADER,
    EXCEPTIONS,
    OFFERS_CHOICE,
    WHAT_DATA_WORDS,
    asked_verdict,
    asks_always,
    asks_how,
    asks_only,
    asks_to_refuse,
    asks_what_data,
    asks_without,
    gives_means,
    lists_data,
    no_way_to_refuse,
    offers_refusal,
    refusal_only,
    refused_terms,
    without_verdict,
)
from qa.search.result import PolicyAnswer
from qa.search.terms import term_pattern, terms_in
from qa.search.verdict import (
    LIMITING,
    NO,
    NOT_STATED,
    NOT_STATED_LABEL,
    STATED,
    YES,
    asks_only_here,
    asks_unlimited,
    excepts,
    negated_by_words,
    negated_sentence,
    only_elsewhere,
    only_here_verdict,
    trades_denial,
)

# How far past the answering passage a sentence limiting what it says is looked for (characters), up to a heading
FOLLOWING = 400
_NEXT_HEADING = re.compile(r"\n\s*(?:\d+(?:\.\d+)*\.?\s+[A-Z]|#)")


def reread(engine, rows: list[PolicyAnswer], interpreted: str, terms: Sequence[str], topics: Sequence[str],
           reranked: bool, own: bool = True) -> list[PolicyAnswer]:
    """`rows` (decided, in order) as the question `interpreted` reads them; `terms` its key terms, `topics` the
    practices asked, `reranked` whether the reranker ordered the passages, `own` whether the question is a user's
    own (not a grid's topic, whose cell quotes the practice: "How can I see, get a copy of or correct…?")."""
    if reranked and not demanded(interpreted):  # (a detail asked is found by its own rules: `details.DETAILS`)
        rows = [literal_first(engine, row, terms, topics) for row in rows]  # "…cookie syncing…?": "…cookie syncing…"
    if asks_unlimited(interpreted):  # a "yes" to "may they do as they like?" is a "no" beside a limit
        rows = [answered_no_by(engine, row, terms, reranked, LIMITING, True) for row in rows]
    # "only in the UK?" beside "located outside the UK": no; beside "we never transfer it outside the UK": yes
    rows = sorted((only_here(row, interpreted, topics) for row in rows), key=lambda r: r.abstained)
    # "do they only use session cookies?" and "we use both types" (not "…held in the UK only?", read above)
    if asks_only(interpreted) and not asks_only_here(interpreted, topics):
        rows = [answered_no_by(engine, row, terms, reranked, BROADER, False) for row in rows]
    if asks_always(interpreted):  # "do they always ask my consent?" and "…except where…"
        rows = [answered_no_by(engine, row, terms, reranked, EXCEPTIONS, True) for row in rows]
    if asks_without(interpreted):  # "do they do it without my consent?": "no" unless a sentence says so
        rows = [replace(row, verdict=without_verdict(row.quotes[0].text))
                if row.verdict in (YES, NO) and row.quotes else row for row in rows]
    rows = [contrasted_denial(engine, row, terms, reranked) for row in rows]  # "…never store … logs. However, …"
    rows = [denial_beside(engine, row, interpreted, terms, reranked) for row in rows]  # "…never stores your full…"
    rows = [denial_after(engine, row, interpreted, terms, reranked) for row in rows]  # "…We do not store this…"
    rows = [replace(row, verdict=more_asked_verdict(interpreted, asked_verdict(interpreted, row.verdict, quote), quote))
            if row.verdict in (YES, NO) and row.quotes and (quote := row.quotes[0].text) else row
            for row in rows]  # "can I…?", "…for free?", "…still see ads?"
    if (uses := uses_named(interpreted)) is not None:  # "…use Google Analytics?" beside "…is not merged…": used
        rows = [replace(row, verdict=YES) if row.verdict == NO and row.quotes and uses(row.quotes[0].text) else row
                for row in rows]
    rows = [unanswered(row) if refusal_only(interpreted, row.verdict, marked(engine, row)) else row
            for row in rows]  # "do they profile me?" beside "the right to object to … profiling"
    # "If I stop being a customer, do they delete my data?" beside a right to ask (not "…let me ask for it to be
    # deleted?")
    if ASKS_DELETED.search(interpreted) and not _ASKS_TO_ASK.search(interpreted):
        rows = [unanswered(row) if row.verdict == YES and RIGHT_TO_DELETE.search(text := marked(engine, row)) and
                not ON_ENDING.search(text) else row for row in rows]
    if own and _ASKS_EXPLAINED.search(interpreted):  # "Which … explain how I can block cookies?" beside a pointer
        rows = [unanswered(row) if _POINTER.search(marked(engine, row)) else row for row in rows]
    rows = [way_to_refuse(engine, row, reranked) if no_way_to_refuse(
        interpreted, row.verdict, marked(engine, row)) else row for row in rows]  # "can I opt out of…?"
    if asks_to_refuse(interpreted):  # "can I stop…?": the sentence offering the refusal is the proof
        rows = [refusal_quoted(engine, row, refused_terms(terms), reranked, asks_how(interpreted)) for row in rows]
    elif own and asks_how(interpreted):  # "How do I get a copy…?": "…by contacting…", whatever the practice
        rows = [means_quoted(engine, row, reranked, terms) for row in rows]
    if asks_what_data(interpreted):  # "What details does CloudSentric keep about its customers?": the list of them
        qualifying = [t for t in terms if t.lower() not in WHAT_DATA_WORDS]  # "…when I buy something?"
        rows = [listing_quoted(engine, row, qualifying, reranked) for row in rows]
    # "Does CloudSentric share data with resellers?" beside "…obtains personal data … from resellers" (not when data
    # coming in is what is asked: "does CT1 get info about me from Companies House…?")
    if not _COMING_IN.search(interpreted):
        rows = [going_out(engine, row, topics, terms, reranked) for row in rows]
    return rows


# How much of the question's key terms a sentence of the reranker's first passage writes, and how many more than the
# sentence decided in another passage, to answer in its place (measured on the fresh sets: 0.6 and 0.4)
LITERAL_SHARE, LITERAL_GAP = 0.6, 0.4


def literal_first(engine, row: PolicyAnswer, terms: Sequence[str], topics: Sequence[str]) -> PolicyAnswer:
    """`row` led by the reranker's first passage when the sentence decided lies in another and a sentence of the first
    writes far more of the question's key `terms` (`LITERAL_SHARE`, `LITERAL_GAP`): "Does acuityads do cookie syncing
    with other ad companies?" is answered by "We engage in cookie syncing of Pseudonymous Identifiers…", not by a
    sentence on cookies in general further down; its verdict read again (`negated_sentence`), never a denial traded
    for a sentence denying nothing (`trades_denial`). Any other row is returned as it is."""
    if row.abstained or row.verdict not in (YES, NO, STATED) or not row.hits or not row.hits[0].highlights:
        return row
    first = max(row.hits, key=lambda hit: hit.rank_score)  # (the reranker's order, before a decision led another)
    if first.start == row.hits[0].start:
        return row
    text, decided = engine.policies[row.policy].text, row.hits[0].highlights[0]
    share, best = max(((terms_in(text[start:end], terms), (start, end))
                       for start, end in split_sentences(first.text, first.start)), key=lambda found: found[0],
                      default=(0.0, None))
    if best is None or share < LITERAL_SHARE or share - terms_in(text[decided[0]:decided[1]], terms) < LITERAL_GAP or \
            trades_denial(text, decided, best):
        return row
    verdict = row.verdict if row.verdict == STATED else (
        NO if negated_sentence(engine, row.policy, best, None, topics) else YES)
    return remarked(engine, row, best, True, verdict=verdict)


# A question asking whether the user may ask for something ("…which of these companies will let me ask for my personal
# data to be deleted?"): a right to ask answers it
_ASKS_TO_ASK = re.compile(r"\b(?:let|lets|allow|allows)\s+(?:me|us)\s+(?:to\s+)?(?:ask|request)\b|"
                          r"\b(?:can|could|may)\s+(?:i|we)\s+(?:ask|request)\b", re.IGNORECASE)


# A question asking the policy to explain or say how, answered only by a pointer to another document ("For more
# information about the cookies we use and how to control them, please refer to our separate Cookie Policy"): the
# policy itself explains nothing, so it does not say.
_ASKS_EXPLAINED = re.compile(r"\b(?:explain|describe|set\s+out|tell\s+(?:me|us)|say|says|state)s?\s+(?:\w+\s+){0,2}?"
                             r"(?:how|what|which|when|where|why)\b", re.IGNORECASE)
_POINTER = re.compile(r"^\W*(?:(?:for|to\s+(?:learn|find\s+out|read))\s+(?:more|further|additional)?\s*"
                      r"(?:information|details|info)?(?:[^,.;]{0,100},\s*){1,2}|you\s+(?:may|can)\s+(?:also\s+)?)?"
                      r"(?:please\s+)?(?:see|refer\s+to|visit|read|"
                      r"consult|review|check|go\s+to)\s+(?:our|the)\s+(?:separate\s+)?[^.;]{0,60}?\b(?:policy|notice|"
                      r"statement|page|terms|section)\b(?:\]\([^)\s]*\))?[^.;]{0,200}[.;]?\s*$", re.IGNORECASE)


# Data coming *in* ("CloudSentric obtains personal data … from resellers who pass on personal data to CloudSentric",
# "From third parties – for example from: - referrals or partner organisations…"): no disclosure to them.
_COMING_IN = re.compile(r"\b(?:obtain\w*|receiv\w*|collect\w*|gather\w*|get|gets|got|acquir\w*|pull\w*|dig\w*\s+up|"
                        r"scrap\w*|harvest\w*|purchas\w*|bought|buys?|buying)\b[^.;:]{0,160}?"
                        r"\bfrom\b|^\W*from\s+(?:third[- ]part\w*|other\s+sources|(?:publicly\s+available\s+)?"
                        r"sources)\b", re.IGNORECASE)
GOING_OUT = (r"\b(?:shar|disclos|pass|transfer|provid|sell|sold|send|sent|giv|hand|mak)\w*\b[^.;]{0,80}?"
              r"\b(?:with|to)\s+")


# Words of nearly every sharing question, which name no recipient
_SHARING_WORDS = frozenset({"share", "shared", "shares", "sharing", "data", "information", "info", "details",
                            "personal", "use", "used", "disclose", "disclosed", "pass", "passed", "give", "given"})


def going_out(engine, row: PolicyAnswer, topics: Sequence[str], terms: Sequence[str],
              reranked: bool) -> PolicyAnswer:
    """A "yes" to a question about sharing that rests on a sentence (or its list's lead-in) saying only where the
    company gets data from (`_COMING_IN`), sending none out to anyone but itself: the first sentence of the
    passages shown that sends data out and names a recipient the question names (a key term beyond
    `_SHARING_WORDS`) is marked instead, else the row is "not stated". Any other row is returned as it is."""
    if row.verdict != YES or not topics or topics[0] != "sharing" or not row.hits or not row.hits[0].highlights:
        return row
    policy = engine.policies[row.policy]
    span = row.hits[0].highlights[0]
    lead = lead_in_of(policy, span)
    said = " ".join(policy.text[s:e] for s, e in ((lead,) if lead else ()) + (span,))
    own = [re.escape(w) for n in (policy.name, *policy.aliases) for w in re.findall(r"[A-Z][\w&-]+", n)]
    out = re.compile(GOING_OUT + r"(?!us\b|we\b" + "".join(rf"|{w}\b" for w in own) + r")", re.IGNORECASE)
    if not _COMING_IN.search(said) or out.search(policy.text[span[0]:span[1]]):
        return row
    named = [t for t in terms if t not in _SHARING_WORDS]
    found = next((span for _, span, said in _shown(engine, row) if out.search(said) and terms_in(said, named) > 0),
                 None)
    if not named or found is None:
        return unanswered(row)
    return remarked(engine, row, found, reranked)


def _shown(engine, row: PolicyAnswer) -> Iterator[tuple[int, tuple[int, int], str]]:
    """(passage rank, sentence span, sentence text) of every sentence of the passages `row` shows, in order."""
    text = engine.policies[row.policy].text
    for rank, hit in enumerate(row.hits):
        for span in split_sentences(hit.text, hit.start):
            yield rank, span, text[span[0]:span[1]]


def remarked(engine, row: PolicyAnswer, sentence: tuple[int, int], reranked: bool, **changes) -> PolicyAnswer:
    """`row` led by the passage holding `sentence`, that sentence marked and quoted (and any other `changes`)."""
    lead = hit_holding(engine, row.policy, row.hits, sentence, row.confidence, reranked)
    ordered = tuple(led_by(lead, row.hits))
    return replace(row, quotes=quotes_of(engine, row.policy, lead), hits=ordered, ranked=ordered, **changes)


# A sentence opening with a contrast to the one before it ("However, in some situations we might process…")
_CONTRAST = re.compile(r"^\W*(?:however|but|that\s+said|nevertheless|nonetheless)\b", re.IGNORECASE)


def contrasted_denial(engine, row: PolicyAnswer, terms: Sequence[str], reranked: bool) -> PolicyAnswer:
    """A "yes" decided by a sentence opening with a contrast right after a denial, in its paragraph, that holds more
    of the question's key `terms` ("Does Mullvad log what I do…?": "It is therefore our policy to never store any
    activity logs…" before "However, in some situations we might process your personal data if you … are making
    payments…"): the denial answers, "no". Any other row is returned as it is."""
    if row.abstained or row.verdict != YES or not row.hits or not row.hits[0].highlights or engine.evidence is None:
        return row
    text, (start, end) = engine.policies[row.policy].text, row.hits[0].highlights[0]
    if not _CONTRAST.match(text[start:end]):
        return row
    before = [(int(a), int(b)) for a, b in engine.evidence.of(row.policy).spans if start - 3 <= b <= start]
    if not before or "\n\n" in text[before[-1][1]:start]:
        return row
    denial = text[before[-1][0]:before[-1][1]]
    if not negated_by_words(denial) or excepts(denial) or terms_in(denial, terms) <= terms_in(text[start:end], terms):
        return row
    return remarked(engine, row, before[-1], reranked, verdict=NO)


# How much of the question's key terms a denial in the answering passage repeats to answer instead of the sentence
# decided (`terms_in`: a share; measured on the fresh sets: the first passage only, at half)
DENIAL_SHARE = 0.5


def denial_beside(engine, row: PolicyAnswer, question: str, terms: Sequence[str], reranked: bool) -> PolicyAnswer:
    """A "yes" whose answering passage holds a denial repeating at least `DENIAL_SHARE` of the question's key `terms`,
    and more of them than the sentence decided ("Does Spotify store my full credit card number?": "…card type,
    expiry date and certain digits of your card number. Note: For security, Spotify never stores your full card
    number"; "Is Chayn responsible for the privacy practices of the other websites it links to?": "We are not
    responsible for the privacy practices … of any sites to which our website provides links."): the denial answers,
    "no", unless the question's own wording reads it otherwise (`asked_verdict`: "Will Flutterwave let me know when
    they change their terms?" is no "no" beside "The changes will not be retroactive"). Any other row is returned as
    it is."""
    if row.abstained or row.verdict != YES or not row.hits or not row.hits[0].highlights:
        return row
    start, end = row.hits[0].highlights[0]
    best, share = None, terms_in(engine.policies[row.policy].text[start:end], terms)
    for rank, span, said in _shown(engine, row):
        if rank > 0:  # the answering passage only
            break
        found = terms_in(said, terms)
        if found >= DENIAL_SHARE and found > share and negated_by_words(said) and not excepts(said) and \
                asked_verdict(question, NO, said) == NO:
            best, share = span, found
    return row if best is None else remarked(engine, row, best, reranked, verdict=NO)


# A denial right after the sentence decided answers when the two together write this share of the question's key
# terms, the denial some the decided sentence does not (measured on the fresh sets: the next sentence, at 0.8)
COMPLETING = 0.8


def denial_after(engine, row: PolicyAnswer, question: str, terms: Sequence[str], reranked: bool) -> PolicyAnswer:
    """A "yes" whose decided sentence is followed, in its passage, by a denial writing the rest of what the question
    asks, so that the two hold `COMPLETING` of its key `terms` ("Does Zillow itself store my credit card number?":
    "…We use third-party payment tools to process and store payment information like credit card numbers…" then
    "We do not store this information ourselves."; "Can I delete my audit log on SourceHut?": "Some of this
    information is available to you as an audit log." then "You are not able to delete this information."): the
    denial answers, "no", unless the question's own wording reads it otherwise (`asked_verdict`). Any other row is
    returned as it is."""
    if row.abstained or row.verdict != YES or not row.hits or not row.hits[0].highlights or not terms:
        return row
    text, hit, (start, end) = engine.policies[row.policy].text, row.hits[0], row.hits[0].highlights[0]
    decided = {t for t in terms if term_pattern(t).search(text[start:end])}
    following = next((span for span in split_sentences(hit.text, hit.start) if span[0] >= end), None)
    if following is None:
        return row
    said = text[following[0]:following[1]]
    written = {t for t in terms if term_pattern(t).search(said)}
    if not written - decided or len(written | decided) < COMPLETING * len(terms) or not negated_by_words(said) or \
            excepts(said) or asked_verdict(question, NO, said) != NO:
        return row
    return remarked(engine, row, following, reranked, verdict=NO)


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
    verdict = only_elsewhere(question, verdict, row.quotes[0].text) if row.quotes else verdict
    if verdict != NOT_STATED:
        return replace(row, verdict=verdict)
    return unanswered(row)


def _in_answering_passage(engine, row: PolicyAnswer, test: Callable[[str], bool]) -> tuple[int, int] | None:
    """The first sentence of the row's answering (first) passage that passes `test`; None when none does."""
    return next((span for rank, span, said in _shown(engine, row) if rank == 0 and test(said)), None)


def way_to_refuse(engine, row: PolicyAnswer, reranked: bool) -> PolicyAnswer:
    """A "yes" to "can I refuse…?" whose marked sentence offers no way to: the first sentence of its passage that
    offers one (`readings.OFFERS_CHOICE`: "…how to prevent your browser from accepting new cookies") marked, else
    "not stated"."""
    found = _in_answering_passage(engine, row, lambda said: bool(OFFERS_CHOICE.search(said)))
    if found is None:
        return unanswered(row)
    return remarked(engine, row, found, reranked)


def refusal_quoted(engine, row: PolicyAnswer, refused: Sequence[str], reranked: bool, how: bool) -> PolicyAnswer:
    """A "yes" to "can I stop…?" whose marked sentence offers a choice but no refusal ("If you have not opted in…"):
    the first sentence of the passages shown that offers the refusal (`readings.offers_refusal`), in the answering
    passage or naming what is refused (`refused`: the question's key terms that ask no refusal), is marked instead;
    when none does, the policy offers no way: "not stated". Asked `how`, one saying how ("…by following the
    instructions included in every email") is marked before one that does not."""
    if row.verdict not in (YES, STATED) or not refused:
        return row
    tests = ((lambda s: offers_refusal(s) and gives_means(s)),) if how else ()
    said_first = marked(engine, row)
    for test in (*tests, offers_refusal):
        if test(said_first):
            return row
        found = next((span for rank, span, said in _shown(engine, row)
                      if test(said) and (rank == 0 or terms_in(said, refused) > 0)), None)
        if found is not None:
            return remarked(engine, row, found, reranked)
    return unanswered(row)


def means_quoted(engine, row: PolicyAnswer, reranked: bool, terms: Sequence[str] = ()) -> PolicyAnswer:
    """An answer to "how do I…?" whose marked sentence says no way of doing it ("We will respond to any request to
    access … within 1 calendar month"): the sentence of its answering passage that does (`readings.gives_means`:
    "You can review, edit or delete your personal data by contacting us directly at…") and writes most of the
    question's key `terms` (the first of them) is marked instead. Unchanged when none does."""
    if row.verdict not in (YES, STATED) or gives_means(marked(engine, row)):
        return row
    giving = [(terms_in(said, terms) if terms else 0.0, -span[0], span) for rank, span, said in _shown(engine, row)
              if rank == 0 and gives_means(said)]
    return remarked(engine, row, max(giving)[2], reranked) if giving else row


# The practice whose sentences name the kinds of data a company has
_COLLECTED = "data-collected"


def listing_quoted(engine, row: PolicyAnswer, qualifying: Sequence[str], reranked: bool) -> PolicyAnswer:
    """An answer to "what data do they hold?" whose marked sentence names no kinds of data ("CloudSentric obtains
    personal data in a number of ways…"): the first sentence of the passages shown that states the data collected and
    lists them (`readings.lists_data`: "The personal data collected will generally include: company name, …") is
    marked instead; asked about data in general (no `qualifying` terms: "…when I buy something?"), else the first the
    policy writes. With qualifying terms, a list beyond the answering passage must hold one of them. Unchanged when
    none is found."""
    model, evidence = engine.practice, engine.evidence
    if row.verdict != STATED or model is None or evidence is None or _COLLECTED not in model.topics or \
            lists_data(marked(engine, row)):
        return row
    topic = model.topics.index(_COLLECTED)
    found = evidence.of(row.policy)
    stating = {(int(found.spans[i][0]), int(found.spans[i][1]))
               for i in found.stating(topic, float(model.thresholds[topic]))[0]}
    span = next((span for rank, span, said in _shown(engine, row) if span in stating and lists_data(said) and (
        rank == 0 or not qualifying or terms_in(said, qualifying) > 0)), None)
    if span is None and not qualifying:  # none shown: the first the policy writes ("The personal data collected…")
        text = engine.policies[row.policy].text
        span = next((span for span in sorted(stating) if lists_data(text[span[0]:span[1]])), None)
    return row if span is None else remarked(engine, row, span, reranked)


def answered_no_by(engine, row: PolicyAnswer, terms: Sequence[str], reranked: bool, pattern: re.Pattern,
                    first_passage: bool) -> PolicyAnswer:
    """A "yes" that a sentence of the passages shown turns into "no" (it limits what was asked, or says it is
    broader than the "only" asked): the first such sentence (`pattern`) holding one of the question's key
    terms, else, with `first_passage`, the first in the answering passage, becomes the quote. Unchanged when
    none does."""
    if row.abstained or row.verdict != YES or not row.hits:
        return row
    matching = [(rank, span, said) for rank, span, said in _shown(engine, row) if pattern.search(said)]
    found = next((span for _, span, said in matching if terms_in(said, terms) > 0), None)
    if found is None and first_passage:
        found = next((span for rank, span, _ in matching if rank == 0), None)
    if found is None and first_passage:  # the section's sentences after the answering passage ("We require all third
        text, end = engine.policies[row.policy].text, row.hits[0].end  # parties … to use it only for specified…")
        section = _NEXT_HEADING.split(text[end:end + FOLLOWING], maxsplit=1)[0]
        found = next((span for span in split_sentences(section, end) if pattern.search(text[span[0]:span[1]])), None)
    if found is None:
        return row
    return remarked(engine, row, found, reranked, verdict=NO)
