"""Which sentence of an answering policy is marked: among those stating the practice asked about, one that gives
the detail the question asks for ("how long…?": the time) or writes what it names ("…with Facebook?": Facebook).

Each choice only ever moves the mark to another sentence that states the same practice at the same threshold (or,
for a detail none of them gives, to the sentence beside the chosen one that gives it: `giving`), or marks a sentence
after it too: the next one of the paragraph when it repeats more of the question's words (`with_next_repeating`),
one listing the kinds of data a question asks which of (`with_next_listing`). Whether the policy says anything stays
the row's own decision (`qa.search.answer`). Below the reranker's threshold, a sentence repeating the question's words
answers (`literal_sentence`).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace

import numpy as np

from qa.ingest.sentences import split_sentences
from qa.search.asked_names import written_name
from qa.search.details import APART, CONTACT_DETAILS, ORGANISATION, PLACE, sentence_giving
from qa.search.evidence import Decision, about_others, in_contents, literal_sentences
from qa.search.passages import led_by
from qa.search.quotes import lead_in_of
from qa.search.terms import term_counts, terms_in
from qa.search.verdict import trades_denial
from qa.types import Hit, Quote, Span

Test = Callable[[str], bool]


def both(first: Test | None, second: Test) -> Test:
    """A test passed by the sentences passing `first` (none: every sentence) and `second`."""
    return second if first is None else (lambda sentence: first(sentence) and second(sentence))


def naming(names: Sequence[str], things: Sequence[re.Pattern], spelled: Mapping[str, Sequence[str]],
           border: Sequence[re.Pattern] = ()) -> Test | None:
    """A test that a sentence writes every one of `names` (at the start of a word, any case, or a spelled-out
    form of `spelled`: "DPO", "data protection officer"; one of "A|B") and every specific thing of `things`
    (`qa.search.specific`); None when the question names nothing. Asked whether data leaves a place ("…outside
    the EEA?"), the words saying where it goes too (`border`: `verdict.border_words`), and the places named only
    where a sentence writes them: else "the data is held in the UK only" answers it."""
    if border:  # the places named written too, where a sentence does (else `looser`, without them)
        strict, looser = naming(names, (*things, *border), spelled), naming(
            [n for n in names if not PLACE.fullmatch(n)], (*things, *border), spelled)
        return _Looser(strict, looser) if strict is not None and looser is not None else strict or looser
    if not names and not things:
        return None
    forms = [written_name(name, spelled) for name in names]
    tests = [_writing(forms, things)]
    # where no sentence writes every thing asked, one writing the last named, what is asked of the others ("Could
    # the social media share buttons … pick up my IP address?": "These features may collect your IP address")
    if len(things) > 1:
        tests.append(_writing(forms, things[-1:]))
    # then the specific things without the names around them ("Will Concero want ID from me when I send in a GDPR
    # request?": "We may ask you for proof of identity.")
    if forms and things:
        tests += [_writing((), things)] + ([_writing((), things[-1:])] if len(things) > 1 else [])
    return functools.reduce(lambda looser, test: _Looser(test, looser), reversed(tests[:-1]), tests[-1])


def _writing(forms: Sequence[re.Pattern], things: Sequence[re.Pattern]) -> Test:
    """A test that a sentence writes every name of `forms` and every thing of `things`."""
    return lambda sentence: all(f.search(sentence) for f in forms) and all(t.search(sentence) for t in things)


class _Looser:
    """A test, and `looser`, the one a decision falls back to when no sentence passes it (`naming_decision`)."""

    def __init__(self, test: Test, looser: Test):
        self.test, self.looser = test, looser

    def __call__(self, sentence: str) -> bool:
        return self.test(sentence)


def _loosening(named: Test) -> Iterator[Test]:
    """`named`, then each test it falls back to (`_Looser.looser`), strictest first."""
    test: Test | None = named
    while test is not None:
        yield test
        test = test.looser if isinstance(test, _Looser) else None


def naming_decision(decision: Decision, text: str, named: Test, again: Callable[[Test], Decision],
                    kept: Sequence[str] = ()) -> Decision:
    """`decision`, or, when its sentence does not write what the question names (`named`), the decision
    `again(named)` reaches among the sentences that do, if one states the practice ("Which companies use Google
    Analytics?": "We use Google Analytics to analyse traffic", not "We use cookies and similar technologies"); a
    sentence writing the kind of data a question says is kept (`kept`: "How long does Tinder keep my face data from
    Photo Verification?") is kept ("Face Data is deleted within 30 days…")."""
    if not decision.stated or decision.sentence is None or named(text[decision.sentence[0]:decision.sentence[1]]):
        return decision
    if kept and not named(" ".join(kept)) and terms_in(text[decision.sentence[0]:decision.sentence[1]], kept) > 0:
        return decision  # (not when the kind kept is the name: "…keep my Email Protection address…")
    for test in _loosening(named):
        found = again(test)
        if found.stated and found.sentence is not None:
            return decision if trades_denial(text, decision.sentence, found.sentence) else found
    return decision


def naming_in(text: str, hits: Sequence[Hit], named: Test,
              states: Callable[[tuple[int, int]], bool]) -> tuple[int, int] | None:
    """The first sentence of `hits` (passages of the policy `text`, in order) that writes what the question names,
    by the strictest of `named`'s tests that one of them passes, among those `states` accepts (the passage decided,
    or the practice at a lower bar: not "We use the data … to personalise our communications" for a sale); None
    when none does."""
    spans = [span for hit in hits for span in split_sentences(hit.text, hit.start) if states(span)]
    return next((span for test in _loosening(named) for span in spans if test(text[span[0]:span[1]])), None)


# Data that identifies no one: "We may also share non-personal information such as aggregated data with our partners"
# says nothing of sharing "my data"
_NON_PERSONAL = re.compile(r"\bnon[- ]?personal\b|\baggregat\w*|\banonymi[sz]\w*|\bde-?identified\b|"
                           r"\bnon[- ]?identif\w*|\b(?:does|do)\s+not\s+(?:personally\s+)?identify\b", re.IGNORECASE)


# …unless it names personal data too ("We may share your PII and non-personal information…")
_PERSONAL = re.compile(r"(?<!non-)(?<!non)\b(?:PII|personal(?:ly\s+identifiable)?\s+(?:information|data|details))\b",
                       re.IGNORECASE)


def asks_non_personal(question: str) -> bool:
    """Whether `question` asks about data that identifies no one ("Do they share aggregated data?")."""
    return bool(_NON_PERSONAL.search(question))


def personal_decision(decision: Decision, text: str, again: Callable[[Test], Decision]) -> Decision:
    """For a question about sharing or selling one's data: `decision`, or, when its sentence shares only data that
    identifies no one (`_NON_PERSONAL`), the decision `again(test)` reaches among the other sentences, if one
    states the practice (`naming_decision`)."""
    if decision.topic not in ("sharing", "sale"):
        return decision
    return naming_decision(decision, text, lambda sentence: not _NON_PERSONAL.search(sentence) or bool(
        _PERSONAL.search(sentence)), again)


def giving(text: str, lead: Hit, chosen: tuple[tuple[int, int], float | None], demands: Sequence[re.Pattern],
           accepts: Test | None, decided: Callable[[Test], Decision]) -> tuple[tuple[int, int], float | None]:
    """(sentence, negated) marking `lead` for a question asking a detail ("how long…?"): a sentence of that
    passage stating the practice and giving it ("we keep the recordings for 30 days", not "Unless there is an
    issue…we may keep recordings for longer") when the `chosen` one does not; else `chosen`. `decided(test)`
    decides the policy again as the row did, among the sentences passing `test`. When none of the passage states it,
    the sentence just before or after the chosen one, in its paragraph, that gives it ("…we will notify you at least
    30 days prior to the changes taking effect. We will do this via email…")."""
    def gives_all(sentence: str) -> bool:
        return all(d.search(sentence) for d in demands)
    if gives_all(text[chosen[0][0]:chosen[0][1]]):
        return chosen
    found = decided(both(accepts, gives_all))
    if found.sentence is not None and lead.start <= found.sentence[0] < found.sentence[1] <= lead.end:
        return found.sentence, found.negated
    beside = [s for s in _beside(text, lead, chosen[0]) if s is not None
              and gives_all(text[s[0]:s[1]]) and (accepts is None or accepts(text[s[0]:s[1]]))]
    return (beside[0], None) if len(beside) == 1 else chosen


def _sentences_at(lead: Hit, sentence: Span) -> tuple[list[Span], int | None]:
    """The sentences of the passage `lead` and the place of `sentence` among them (None when it is not one)."""
    spans = split_sentences(lead.text, lead.start)
    return spans, next((k for k, span in enumerate(spans) if span == sentence), None)


def _beside(text: str, lead: Hit, sentence: Span) -> tuple[Span | None, Span | None]:
    """The sentences of the passage `lead` just before and just after `sentence` in its paragraph (None where the
    passage or the paragraph has none)."""
    spans, at = _sentences_at(lead, sentence)
    if at is None:
        return None, None
    before = spans[at - 1] if at > 0 and "\n\n" not in text[spans[at - 1][1]:sentence[0]] else None
    after = spans[at + 1] if at + 1 < len(spans) and "\n\n" not in text[sentence[1]:spans[at + 1][0]] else None
    return before, after


# A regulator's contact block ("Information Commissioner's Office … Helpline: 0303 123 1113") gives no way to reach
# the company.
_REGULATOR = re.compile(r"\bInformation\s+Commissioner|\bICO\b|\bsupervisory\s+authorit\w*|\bdata\s+protection\s+"
                        r"(?:authority|regulator)\b", re.IGNORECASE)


def reaching(demands: Sequence[re.Pattern], decided: Callable[[Test], Decision], hold: Callable[[tuple[int, int]], Hit],
             text: str = "", spans: Sequence = ()) -> tuple[Hit, Decision] | None:
    """For a question asking only how to reach the company, about a fee or how a change is told (`details.APART`:
    "What is the phone number for Concero?", "Do I have to pay to see my data?"), whose chosen passage gives none
    ("…company number: 06673066…"): the passage and decision of the sentence stating the practice that gives it, not
    a regulator's; how soon requests are answered: the policy's sentence giving it (`details.sentence_giving`, `text`'s
    `spans`); else None. `decided(test)` decides again among sentences passing `test`; `hold`: a sentence's passage."""
    if (span := sentence_giving(text, spans, demands)) is not None:
        return hold(span), Decision(True, span)
    if not demands or not all(d in APART for d in demands):
        return None
    found = decided(lambda sentence: all(d.search(sentence) for d in demands))
    if not found.stated or found.sentence is None:
        return None
    lead = hold(found.sentence)
    return None if _REGULATOR.search(lead.text) or not gives(lead, demands) else (lead, found)


def giving_passage(text: str, hits: Sequence[Hit], demands: Sequence[re.Pattern],
                   hold: Callable[[tuple[int, int]], Hit]) -> Hit | None:
    """For a question asking only how to reach the company (`details.CONTACT_DETAILS`: "What is Concero's email
    address?") or which organisation (of the first two) about no practice: the first of `hits` that gives it, not a
    regulator's, led by the sentence giving it (`hold(sentence)`); None when none does."""
    if not demands or not all(d in CONTACT_DETAILS or d is ORGANISATION for d in demands):
        return None
    for hit in hits[:2] if ORGANISATION in demands else hits:
        if gives(hit, demands) and not _REGULATOR.search(hit.text):
            spans = split_sentences(hit.text, hit.start)
            found = next((span for span in spans if any(d.search(text[span[0]:span[1]]) for d in demands)), None)
            if found is not None:
                return hold(found)
    return None


def gives(passage: Hit, details: Sequence[re.Pattern]) -> bool:
    """Whether the passage that answers holds every detail the question asks for (`details.DETAILS`)."""
    return all(detail.search(passage.text) for detail in details)


def writing_first(text: str, hits: Sequence[Hit], named: Test | None, hold: Callable[[tuple[int, int]], Hit],
                  spans: Sequence[tuple[int, int]] = ()) -> list[Hit]:
    """`hits` (a question about no practice, answered by the reranker's order) led by the passage holding the
    first sentence that writes what the question names, that sentence marked ("Which companies let me move my
    data to another provider?": "- Right to data portability – …", not the first passage's "We may share…"); when
    no passage's sentence does, the first of the policy's sentences `spans` that does ("Does Proton read my emails?":
    "We do not have the technical means to access the content of your encrypted emails…"). Unchanged when the first
    passage's marked sentence writes it, or none does. `hold(sentence)`: the passage holding it, marked."""
    if named is None or not hits or any(named(text[a:b]) for a, b in hits[0].highlights[:1]):
        return list(hits)
    # the passages' sentences first, then the policy's, read only as far as the first that writes it
    policy_spans = (span for span in ((int(a), int(b)) for a, b in spans) if not in_contents(text, span))
    candidates = itertools.chain((s for hit in hits for s in split_sentences(hit.text, hit.start)), policy_spans)
    found = next((span for span in candidates if named(text[span[0]:span[1]])), None)
    return list(hits) if found is None else led_by(hold(found), hits)


# Words of a sentence passing data on, or naming those it goes to (`named_sentence`, for a recipient asked)
_PASSES_ON = re.compile(r"\b(?:shar|disclos|pass|transfer|provid|sell|sold|send|sent|giv|hand|receiv|access|"
                        r"transmit|mak\w*\s+available|processor|vendor|partner|third[- ]part)\w*", re.IGNORECASE)


def named_sentence(engine, policy_id: str, decision: Decision, bar: float, hits: Sequence[Hit],
                    named: Callable[[str], bool], anywhere: bool = False) -> tuple[int, int] | None:
    """The sentence of `hits` (the first leading) to quote instead of `decision`'s, which does not write what the
    question names (`marking.naming_in`): one of the first passage, or one stating the practice decided at `bar`.
    With `anywhere` (a specific thing asked, `qa.search.things`), else the policy's first sentence stating it at `bar`
    that writes it ("Does DuckDuckGo read my private messages?": "…DuckDuckGo cannot decrypt and read your chats…")."""
    evidence = engine.evidence.of(policy_id)
    near, _ = evidence.stating(engine.practice.topics.index(decision.topic), bar)
    stating = {(int(a), int(b)) for a, b in evidence.spans[near]}
    policy = engine.policies[policy_id]
    lead, text = hits[0], policy.text

    def passes(span: Span) -> bool:
        """A recipient asked is named by a sentence (or its list's lead-in) passing data on or naming recipients
        ("Does DuckDuckGo share my data with Facebook?": not "…if you browse Facebook, Facebook will know…")."""
        if decision.topic != "sharing":
            return True
        return any(_PASSES_ON.search(text[a:b]) for a, b in (span, lead_in_of(policy, span) or (0, 0)))
    found = naming_in(text, hits, named, lambda span: passes(span) and not about_others(text[span[0]:span[1]]) and (
        span in stating or (lead.start <= span[0] and span[1] <= lead.end)))
    if found is None and anywhere:
        spans = ((int(a), int(b)) for a, b in evidence.spans[near])  # the stating sentences, in text order
        found = next((span for span in spans if not in_contents(text, span) and named(text[span[0]:span[1]])
                      and passes(span) and not about_others(text[span[0]:span[1]])), None)
    if found is None or decision.sentence is None or not trades_denial(text, decision.sentence, found):
        return found
    return None


# Below the reranker's threshold a policy is still answered by a sentence holding LITERAL_ANSWER_TERMS of the
# question's key terms and LITERAL_ANSWER_SHARE of them (`literal_sentence`): chosen on golden dev misses.
LITERAL_ANSWER_TERMS = 2
LITERAL_ANSWER_SHARE = 0.6


def literal_sentence(engine, policy_id: str, terms: Sequence[str],
                      writes: Callable[[str], bool] | None = None) -> tuple[int, int] | None:
    """The sentence of the policy that holds the most of the question's key `terms`, when it holds at least
    LITERAL_ANSWER_TERMS of them and LITERAL_ANSWER_SHARE of all: a question about no practice of the model
    whose words a sentence repeats ("Does CloudSentric record what size and sector my company is?" and "company
    name, company size and sector") is answered by it, whatever the reranker's probability. With `writes`, only a
    sentence writing what the question names repeats it ("Which companies collect my IP address?": not "…postal
    address, … e-mail addresses"). None otherwise."""
    evidence = engine.evidence
    if evidence is None or len(terms) < LITERAL_ANSWER_TERMS:
        return None
    found = evidence.of(policy_id)
    text = engine.policies[policy_id].text
    counts = term_counts(text, found.spans, terms)
    passing = np.array([i for i in literal_sentences(counts, terms, LITERAL_ANSWER_TERMS, LITERAL_ANSWER_SHARE)
                        if not in_contents(text, (int(found.spans[i][0]), int(found.spans[i][1])))
                        and (writes is None or writes(text[int(found.spans[i][0]):int(found.spans[i][1])]))],
                       dtype=np.int64)
    if not len(passing):
        return None
    best = int(passing[np.argmax(counts[passing])])  # the first of those holding the most
    return int(found.spans[best][0]), int(found.spans[best][1])


def with_next_repeating(text: str, lead: Hit, sentence: tuple[int, int], terms: Sequence[str],
                        quoted: Callable[[Hit], Sequence[Quote]]) -> Hit:
    """`lead` (the passage holding the deciding `sentence`, marked) with the sentence after it marked too when that
    one, in the same paragraph, holds more of the question's key `terms` ("Can any of these companies tell whether
    I've opened their emails?": "…small graphic images known as 'pixels'…" and then "We use pixels in our email
    communications … to understand whether our email communications are opened"), unless the quote of `lead`
    (`quoted(lead)`) holds it already ("…for 30 days…" and its "Unless there is an issue…")."""
    _, after = _beside(text, lead, sentence) if terms else (None, None)
    if after is None:
        return lead
    counts = term_counts(text, np.array([sentence, after], dtype=np.int64), terms)
    if counts[1] <= counts[0] or any(q.start <= after[0] and after[1] <= q.end for q in quoted(lead)):
        return lead
    return replace(lead, highlights=(sentence, after))


# "What info does Flutterwave's cookies remember about me?", "What billing details does Quora collect…?": an open
# question asking which kinds of data, answered by the sentence that lists them
_ASKS_KINDS = re.compile(
    r"^(?:[^?]*?[.,;:!]\s+|[^?]*?\s[-–—]\s+)?what\s+(?:exactly\s+)?(?:(?:kinds?|types?|sorts?|categories|pieces)\s+of\s+)?"
    r"(?:[\w-]+\s+)?(?:info|information|data|details)\b|"
    r"^(?:[^?]*?[.,;:!]\s+)?what\s+(?:exactly\s+)?(?:does|do|will|would|might|can)\s+(?:[\w.'’-]+\s+){1,4}?"
    r"(?:collect|grab|gather|ask\s+for|remember|record|process|get|store|hold|keep)\b", re.IGNORECASE)
# A sentence that lists kinds of data: "…may include your billing address, social security number, …", "The following
# data may be processed: name, address, …"
_LISTS = re.compile(r"\binclud\w*\b|\bsuch\s+as\b|\be\.g\.|:\s*\S|[^,.;]+,[^,.;]+,", re.IGNORECASE)
# …or that the sentence before it announces: "We may collect the following types of information about you:"
_ANNOUNCES = re.compile(r"\bfollowing\b|\bbelow\b|\bcertain\s+(?:personal\w*\s+)?(?:\w+\s+)?(?:info\w*|data|details)\b",
                        re.IGNORECASE)
# …that goes on from the sentence before it: "This information…", "It enables us…", "These may include…"
_GOES_ON = re.compile(r"^\W*(?:this|these|that|those|it|they|such|the\s+following|the\s+(?:information|data|details)|"
                      r"depending\b|for\s+example|e\.g\.|\(?[a-z1-9][.)]\s|[-*•])", re.IGNORECASE)


# How far past the chosen sentence a listing one is looked for (`with_next_listing`)
LISTING_AHEAD = 2


def asks_kinds(question: str) -> bool:
    """Whether `question` asks which kinds of data (`_ASKS_KINDS`)."""
    return _ASKS_KINDS.search(question) is not None


def marked_after(text: str, lead: Hit, sentence: Span, terms: Sequence[str], quoted: Callable[[Hit], Sequence[Quote]],
                 kinds: bool, demands: Sequence[re.Pattern] = ()) -> Hit:
    """`lead` with the sentences after the deciding `sentence` that belong to the answer marked too: the next one
    repeating more of the question's `terms` (`with_next_repeating`), for a question asking which kinds of data
    (`kinds`) one listing them (`with_next_listing`), and the lines giving a way to reach asked for (`demands`,
    `with_contact_after`)."""
    lead = with_next_repeating(text, lead, sentence, terms, quoted)
    lead = with_contact_after(text, lead, sentence, terms, demands, quoted)
    return with_next_listing(text, lead, sentence) if kinds else lead


# "What is the ICO's phone number?": the terms of a question asking for a regulator's contact details
_REGULATOR_TERMS = frozenset({"ico", "commissioner", "commissioners", "regulator", "supervisory", "watchdog"})
CONTACT_AHEAD, CONTACT_LINE = 12, 80  # sentences read after the chosen one; a short line of a contact block


def with_contact_after(text: str, lead: Hit, sentence: Span, terms: Sequence[str], demands: Sequence[re.Pattern],
                       quoted: Callable[[Hit], Sequence[Quote]]) -> Hit:
    """For a question asking how to reach someone (`details.CONTACT_DETAILS`: "What is the ICO's phone number?"),
    whose quote does not give it: `lead` with the first sentence after the deciding one, in its passage, that gives
    it marked too, with the short lines of the contact block before it ("Information Commissioner's Office",
    "Wycliffe House", …, "Tel: 0303 123 1113"). Only when the text from the deciding sentence to it names a
    regulator exactly when the question asks for one: a company's phone number is no regulator's helpline."""
    if not demands or not all(d in CONTACT_DETAILS for d in demands) or any(
            all(d.search(q.text) for d in demands) for q in quoted(lead)):
        return lead
    spans, at = _sentences_at(lead, sentence)
    if at is None:
        return lead
    regulator = any(re.sub(r"['’]s$", "", t.lower()) in _REGULATOR_TERMS for t in terms)  # ("ICO's")
    for k, found in enumerate(spans[at + 1:at + 1 + CONTACT_AHEAD], start=at + 1):
        if not all(d.search(text[found[0]:found[1]]) for d in demands):
            continue
        if bool(_REGULATOR.search(text[sentence[0]:found[1]])) != regulator:
            return lead
        first = k  # back over the short lines of its block, not past the deciding sentence
        while first - 1 > at and spans[first - 1][1] - spans[first - 1][0] <= CONTACT_LINE:
            first -= 1
        return replace(lead, highlights=tuple(dict.fromkeys((*lead.highlights, *spans[first:k + 1]))))
    return lead


def with_next_listing(text: str, lead: Hit, sentence: Span) -> Hit:
    """For a question asking which kinds of data (`asks_kinds`): `lead` (the passage holding the deciding `sentence`,
    marked) with a sentence just after it (the next, or the one after that in its paragraph) marked too when that one
    goes on from it and lists what the chosen one does not ("We collect billing information if you subscribe…" and
    then "Depending on your location, this information may include your billing address, …")."""
    chosen = text[sentence[0]:sentence[1]]
    if _LISTS.search(chosen.rstrip().rstrip(":")):
        return lead
    spans, at = _sentences_at(lead, sentence)
    if at is None:
        return lead
    for k, after in enumerate(spans[at + 1:at + 1 + LISTING_AHEAD]):
        if k and "\n\n" in text[spans[at + k][1]:after[0]]:  # (the one after the next: in the next one's paragraph)
            break
        following = text[after[0]:after[1]]
        if (_LISTS.search(following) or following.rstrip().endswith(":")) and (
                _GOES_ON.search(following) or (not k and (chosen.rstrip().endswith(":") or _ANNOUNCES.search(chosen)))):
            return replace(lead, highlights=tuple(dict.fromkeys((*lead.highlights, after))))
    return lead
