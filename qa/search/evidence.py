"""Which sentences of a policy state which privacy practice, and whether they say the company does not.

The practice model (`qa.search.practice`) reads the sentence vectors the index holds (or its own encoder's), so knowing
what a whole policy states costs one matrix product per policy, computed once per opened index and kept; a folder
index's vectors are read when a question needs some (`PolicyEvidence.vectors`; a PostgreSQL store's scorer hands
copies). `decide` turns that into the decision a verdict rests on: does the policy state the practice a question asks
about, which sentence says so, and does it say the company does not.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from qa.search.practice_words import (  # noqa: F401 (in_own_words: the answer path's, from here)
    FLUFF,
    FLUFF_PENALTY,
    NO_OPT_OUT,
    REQUIRED,
    RIGHT_IN_OWN_WORDS,
    SERVICE_MESSAGES,
    SUFFICIENT,
    VETOES,
    in_own_words,
    not_access_alone,
)
from qa.search.terms import sentences_matching, term_counts


class VectorRows(Protocol):
    """A policy's n sentence vectors by row: `rows[chosen]` is their (len(chosen), d) float32 array. An array,
    or the rows as the index stores them, read on use (`qa.index.vectors.StoredRows`)."""
    def __len__(self) -> int: ...
    def __getitem__(self, rows: np.ndarray) -> np.ndarray: ...


STATING_KEPT = 32  # `PolicyEvidence.stating` results kept per policy: each of 16 practices at 2 levels


@dataclass(frozen=True)
class PolicyEvidence:
    """One policy's sentences with what the practice model reads in them.

    `spans` (n, 2) are policy offsets; `vectors` the index's sentence vectors (`VectorRows`: read by row, as
    `vectors[chosen]`); `topics` (n, T) the probability that each sentence states each practice; `negated` (n,)
    that it says the company does not."""

    spans: np.ndarray
    vectors: VectorRows
    topics: np.ndarray
    negated: np.ndarray
    # The same for whole passages (the model learnt practices from paragraph-sized segments): a passage
    # stating a practice makes each of its sentences a candidate, at the passage's probability.
    passage_spans: np.ndarray | None = None
    passage_topics: np.ndarray | None = None
    # For each sentence, the best probability of each practice among the passages holding it (passages
    # overlap), (n, T); computed once, so `stating` is array arithmetic.
    held_by: np.ndarray | None = None
    # The last STATING_KEPT results of `stating`, by (topic, threshold): they depend on the policy alone, and
    # reading two columns of a large policy's (n, T) arrays took 3 ms a call at 180,000 sentences.
    _stated: dict[tuple[int, float], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def stating(self, topic: int, threshold: float) -> tuple[np.ndarray, np.ndarray]:
        """(indices, probabilities) of the sentences that state practice `topic`: their own probability,
        or their passage's, is at or above `threshold` (a passage's counts for those of its sentences that
        reach LEAN of it themselves); the probability is the larger of the two. Kept per (topic, threshold)
        (STATING_KEPT of them), so both arrays are read-only."""
        key = (topic, threshold)
        found = self._stated.get(key)
        if found is None:
            found = self._stating(topic, threshold)
            for array in found:
                array.flags.writeable = False
            if len(self._stated) >= STATING_KEPT:
                self._stated.clear()  # not evicted one by one: another thread may be adding to it
            self._stated[key] = found
        return found

    def _stating(self, topic: int, threshold: float) -> tuple[np.ndarray, np.ndarray]:
        if not len(self.spans):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        own = self.topics[:, topic]
        strength = own
        if self.held_by is not None:
            lent = self.held_by[:, topic]
            strength = np.where((lent >= threshold) & (own >= threshold * LEAN), np.maximum(own, lent), own)
        chosen = np.flatnonzero(strength >= threshold)
        return chosen, strength[chosen]


def _held_by(spans: np.ndarray, passage_spans: np.ndarray, passage_topics: np.ndarray) -> np.ndarray | None:
    """Per sentence, the largest probability of each practice over the passages that hold it.

    Passages are in text order: those that can hold sentence i start at or before it, and walking back from
    the last of them ends at the first passage that ends before the sentence starts. Every sentence takes
    that walk one step at a time, all sentences at once."""
    if not len(spans) or not len(passage_spans):
        return None
    out = np.zeros((len(spans), passage_topics.shape[1]), dtype=np.float32)
    at = np.searchsorted(passage_spans[:, 0], spans[:, 0], side="right") - 1  # each sentence's next passage
    walking = np.flatnonzero(at >= 0)
    while len(walking):
        j = at[walking]
        ended = passage_spans[j, 1] < spans[walking, 0]
        walking, j = walking[~ended], j[~ended]
        holds = (passage_spans[j, 0] <= spans[walking, 0]) & (spans[walking, 1] <= passage_spans[j, 1])
        out[walking[holds]] = np.maximum(out[walking[holds]], passage_topics[j[holds]])
        at[walking] -= 1
        walking = walking[at[walking] >= 0]
    return out


READ_TOGETHER = 256  # policies whose vectors are stacked for one pass of the practice model (memory-bound)


class EvidenceReader:
    """Each policy's `PolicyEvidence`, computed on first use from the scorer's sentence vectors and kept
    (the most recent `capacity` policies)."""

    def __init__(self, scorer, model, capacity: int = 4096, text_of: Callable[[str], str] | None = None):
        self.scorer = scorer
        self.model = model
        self.capacity = capacity
        self.text_of = text_of  # a policy's text, for a model that reads text (`PracticeModel.reads_text`)
        self._kept: OrderedDict[str, PolicyEvidence] = OrderedDict()

    def missing(self, policy_ids: Sequence[str]) -> list[str]:
        """Those of `policy_ids` whose evidence is not held yet (a store reads their vectors ahead at once)."""
        return [p for p in policy_ids if p not in self._kept]

    def of(self, policy_id: str) -> PolicyEvidence:
        found = self._kept.get(policy_id)
        if found is not None:
            self._kept.move_to_end(policy_id)
            return found
        return self.read([policy_id])[policy_id]

    def read(self, policy_ids: Sequence[str], encode_at_most: int | None = None) -> dict[str, PolicyEvidence]:
        """`of` for many policies: those not kept are read READ_TOGETHER at a time, the practice model run once
        over all their sentences and passages (run per policy: 2.7 s against 0.06 s for 332 real policies).

        `encode_at_most`: with a model that reads text, at most that many policies whose vectors are not on
        disk are encoded (the first given), the others left out: a question over hundreds of policies never
        waits for all to be encoded (about 10 s each on two cores); `policyqa index build` reads them ahead."""
        out = {p: self._kept[p] for p in dict.fromkeys(policy_ids) if p in self._kept}
        missing = [p for p in dict.fromkeys(policy_ids) if p not in out]
        left = encode_at_most
        for first in range(0, len(missing), READ_TOGETHER):
            found, encoded = self._read(missing[first:first + READ_TOGETHER], left)
            out.update(found)
            left = None if left is None else left - encoded
        for policy_id in (p for p in policy_ids if p in out):
            self._kept[policy_id] = out[policy_id]
            self._kept.move_to_end(policy_id)
        while len(self._kept) > self.capacity:
            self._kept.popitem(last=False)
        return out

    def _read(self, missing: Sequence[str], encode_at_most: int | None = None) -> tuple[dict[str, PolicyEvidence], int]:
        """The evidence of `missing` (past `encode_at_most` policies to encode, left out), and how many were."""
        out: dict[str, PolicyEvidence] = {}
        encoded = 0
        if missing:
            sentences, passages = self._rows(missing)
            dimension = self.model.dimension
            if self.model.reads_text:  # the model's own encoder reads the texts
                texts = [self._texts(p, spans, passage_spans)
                         for p, (spans, _), (passage_spans, _) in zip(missing, sentences, passages, strict=True)]
                chosen: list[int] = []
                for i, policy_texts in enumerate(texts):  # a budget asks which are on disk; none, no one
                    fresh = encode_at_most is not None and not self.model.is_cached(policy_texts)
                    if fresh and encoded >= (encode_at_most or 0):
                        continue
                    encoded += fresh
                    chosen.append(i)
                missing, sentences, passages = ([part[i] for i in chosen] for part in (missing, sentences, passages))
                # filled one policy at a time: all policies' vectors held twice (read, then joined) was most
                # of the peak memory of a first answer over a large corpus
                sentence_vectors = np.empty((sum(len(s) for s, _ in sentences), dimension), dtype=np.float32)
                passage_vectors = np.empty((sum(len(s) for s, _ in passages), dimension), dtype=np.float32)
                at = pat = 0
                for j, i in enumerate(chosen):
                    read, n, m = self.model.encode_cached(texts[i]), len(sentences[j][0]), len(passages[j][0])
                    sentence_vectors[at:at + n], passage_vectors[pat:pat + m] = read[:n], read[n:]
                    at, pat = at + n, pat + m
            else:
                sentence_vectors, passage_vectors = (np.concatenate([v[np.arange(len(v))].reshape(-1, dimension)
                                                                     for _, v in p]) for p in (sentences, passages))
            topics = self.model.topic_probabilities(sentence_vectors) if len(sentence_vectors) else \
                np.zeros((0, len(self.model.topics)), dtype=np.float32)
            negated = self.model.negated_probability(sentence_vectors) if len(sentence_vectors) else \
                np.zeros(0, dtype=np.float32)
            passage_topics = self.model.topic_probabilities(passage_vectors) if len(passage_vectors) else \
                np.zeros((0, len(self.model.topics)), dtype=np.float32)
            at = pat = 0
            for policy_id, (spans, vectors), (passage_spans, _) in zip(missing, sentences, passages, strict=True):
                n, m = len(spans), len(passage_spans)
                mine = passage_topics[pat:pat + m]
                out[policy_id] = PolicyEvidence(spans, vectors, topics[at:at + n], negated[at:at + n], passage_spans,
                                                mine, _held_by(spans, passage_spans, mine))
                at, pat = at + n, pat + m
        return out, encoded

    def _rows(self, policy_ids: Sequence[str]) -> tuple[list, list]:
        """Each policy's (sentence spans, vectors) and (passage spans, vectors): the vectors left in the index
        and read on use where the scorer can (`policy_sentence_rows`: 1.4 GB of copies at 900,000 sentences)."""
        sentences = getattr(self.scorer, "policy_sentence_rows", None) or self.scorer.policy_sentences
        passages = getattr(self.scorer, "policy_passage_rows", None) or self.scorer.policy_passages
        return [sentences(p) for p in policy_ids], [passages(p) for p in policy_ids]

    def _texts(self, policy_id: str, spans: np.ndarray, passage_spans: np.ndarray) -> list[str]:
        """The bare texts of a policy's sentences, then its passages: what the practice encoder reads (its vectors
        read from the cache when this text was encoded before by the same encoder, `PracticeModel.encode_cached`)."""
        if self.text_of is None:
            raise ValueError("a practice model that reads text needs the policies' texts (text_of)")
        text = self.text_of(policy_id)
        return [text[int(a):int(b)] for a, b in np.concatenate([spans.reshape(-1, 2), passage_spans.reshape(-1, 2)])]


# A passage that states a practice lends its probability to its sentences that reach LEAN of the threshold themselves
# (a list's lead-in "We may share your personal data with:" is no statement of a sale made in its fourth item).
LEAN = 0.5
# A sentence states the practice asked about, whatever its practice probability, when it holds LITERAL_TERMS of the
# question's key terms and LITERAL_SHARE of them ("absolutely no data on your pupils, students and parents" for a
# school asking about pupils and parents: the model reads "pupils" as less than children).
LITERAL_TERMS = 2
LITERAL_SHARE = 0.4


def literal_sentences(counts: np.ndarray, terms: Sequence[str], least: int = LITERAL_TERMS,
                      share: float = LITERAL_SHARE) -> np.ndarray:
    """Indices of the sentences holding `least` of `terms` and `share` of them (`counts` from `term_counts`)."""
    if len(terms) < least:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero((counts >= least) & (counts / len(terms) >= share))


@dataclass(frozen=True)
class Decision:
    """Whether a policy states what was asked: `sentence` decides (policy offsets; None when not stated),
    `negated` is the probability that it says the company does not, `strength` its practice probability."""

    stated: bool
    sentence: tuple[int, int] | None = None
    negated: float = 0.0
    strength: float = 0.0
    topic: str = ""
    score: float = 0.0  # how well the sentence answers the question (see `decide`), to order policies by


def answers_across(decision: Decision, text: str, bar: float, writes: Callable[[str], bool] | None) -> bool:
    """Whether `decision`'s sentence answers a question asked of several policies: it scores `bar`
    (`RetrievalSettings.across_score`), it or the rest of its paragraph writes what the question names (`writes`:
    "…please contact us … within 28 days. We may ask you for proof of identity."), or states the practice in the
    practice's own words (`SUFFICIENT`: "…whether or not they wish to receive such information"; `_RIGHT_IN_OWN_WORDS`:
    "You can review, edit or delete your personal data…")."""
    if decision.sentence is None:
        return False
    start, end = decision.sentence
    line_end = text.find("\n", end)
    rest = text[start:line_end if line_end >= 0 else len(text)]
    own_words = (SUFFICIENT.get(decision.topic), RIGHT_IN_OWN_WORDS.get(decision.topic))
    return decision.score >= bar or (writes is not None and writes(rest)) or \
        any(own is not None and own.search(text[start:end]) is not None for own in own_words)


def _shown_bonus(shown: Mapping[tuple[int, int], float], spans: np.ndarray) -> np.ndarray:
    """Per sentence (`spans`, (n, 2)), the largest weight of a span in `shown` that holds it."""
    bonus = np.zeros(len(spans), dtype=np.float32)
    for (start, end), weight in shown.items():
        inside = (spans[:, 0] >= start) & (spans[:, 1] <= end)
        bonus[inside] = np.maximum(bonus[inside], weight)
    return bonus


def _not_among(found: np.ndarray, chosen: np.ndarray, n: int) -> np.ndarray:
    """`np.setdiff1d(found, chosen)` for `found` ascending and distinct, of sentences 0..n-1, by a mask
    (setdiff1d sorted both: 15 ms for 50,000 sentences chosen)."""
    if not len(found) or not len(chosen):
        return found
    among = np.zeros(n, dtype=bool)
    among[chosen] = True
    return found[~among[found]]


def _also(evidence: PolicyEvidence, topic: int, chosen: np.ndarray, strengths: np.ndarray,
          found: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`chosen` sentences and their `strengths` with the `found` ones (ascending) not among them added, each with
    its practice probability for `topic`."""
    extra = _not_among(found, chosen, len(evidence.spans))
    return (np.concatenate([chosen, extra]).astype(np.int64),
            np.concatenate([strengths, evidence.topics[extra, topic]]))


# A table of contents ("Contents: • 1. Information We Collect … • 3. Analytics, Cookies…") names sections and
# states nothing, whatever words of a question its lines hold: a "Contents" line and the numbered lines under it;
# nor does a line that is only a link, no list item ("[Pre-2023 version](https://duckduckgo.com/2012-privacy-policy)").
_CONTENTS_HEAD = re.compile(r"\s*(?:table\s+of\s+)?contents\s*:?\s*", re.IGNORECASE)
_LINK_LINE = re.compile(r"\s*(?:\d+\.?\s+)?\[[^\]\n]*\]\((?!mailto:|tel:)[^)\s]*\)\W*")  # (an address says who to ask)
_CONTENTS_LINE = re.compile(r"\s*(?:[•*·-]\s*)?\d+(?:\.\d+)*\.?\s+[^\n.]{1,80}\s*")


# A sentence about what other companies, websites or trackers do ("On most other search engines, ads are…", "Trackers
# lurk nearly everywhere online…") states nothing of this company's practice unless it speaks of the company too ("we",
# "our", "us"); nor does a preamble ("We know that you care…") or the policy's scope ("This Policy states…")
_PREAMBLE = re.compile(r"^\W*(?:here\s+at\s+\w+(?:\s+\w+){0,3}?,?\s+)?we\s+(?:know|understand|appreciate|recogni[sz]e|"
                       r"reali[sz]e)\s+(?:that\s+)?(?:you(?!\s+(?:can|may|have))|wondering|your\s+privacy|privacy|how\s+"
                       r"important|it\s+(?:is|can\s+be)|the\s+(?:responsibility|importance|trust|value))\b|"
                       r"\b(?:the|this|our)\s+(?:privacy\s+)?(?:policy|notice|statement)\s+(?:\w+\s+)?(?:to\s+)?(?:state|"
                       r"describe|explain|sets?\s+out|outline)s?\s+(?:\(i\)|how\b|what\b|the\s+ways\b)", re.IGNORECASE)
_ABOUT_OTHERS = re.compile(r"^\W*(?:(?:on|at|with|for|in|unlike)\s+)?(?:(?:most|many|some|all)\s+)?other\s+(?:companies"
                           r"|websites|sites|services|search\s+engines|apps|businesses|platforms|providers)\b|^\W*if\s+a\s+"
                           r"(?:website|site|service|company|business)\s+that\b|^\W*(?:(?:third[- ]party|online)\s+)?"
                           r"(?:trackers|data\s+brokers|hackers|scammers|criminals)\b|"
                           # what browsers and their signals are ("Do Not Track is a preference you can set in your web
                           # browser…", "Some web browsers … have a “Do Not Track” feature that…")
                           r"^\W*(?:some|most|many|certain|all)\s+(?:web\s+)?browsers\b|^\W*(?:do[- ]not[- ]track|DNT)"
                           r"\W*(?:\(\W*DNT\W*\)\W*)?\s+(?:is|are|refers)\b", re.IGNORECASE)


def about_others(sentence: str) -> bool:
    """Whether `sentence` speaks only of what other companies do (`_ABOUT_OTHERS`, and no "we"), or is a preamble."""
    return (_ABOUT_OTHERS.search(sentence) is not None and not re.search(r"\b(?:we|our|us)\b", sentence, re.I)) or \
        _PREAMBLE.search(sentence) is not None


def in_contents(text: str, span: tuple[int, int]) -> bool:
    """Whether the sentence at `span` of `text` is a table of contents, one of its lines, or a link alone."""
    line_start = text.rfind("\n", 0, span[0]) + 1
    line_end = text.find("\n", span[1])
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    if _CONTENTS_HEAD.fullmatch(line) or _LINK_LINE.fullmatch(line):
        return True
    if not _CONTENTS_LINE.fullmatch(line):
        return False
    for above in reversed(text[:line_start].rsplit("\n", 40)[-40:]):  # up over the numbered lines, to a heading
        if not above.strip() or _CONTENTS_LINE.fullmatch(above):
            continue
        return _CONTENTS_HEAD.fullmatch(above) is not None
    return False


def _best_first(scores: np.ndarray) -> Iterator[int]:
    """Positions in `scores`, highest first, ties in position order; all sorted only when the first is passed over."""
    first = int(np.argmax(scores))
    yield first
    for k in np.argsort(-scores, kind="stable")[1:]:
        yield int(k)


# A question about marketing ("Can I opt out of marketing emails?") is not answered by a way to refuse cookies or
# analytics ("install the Google Analytics opt-out browser add-on"), which its practice also covers.
_MARKETING = re.compile(r"\bmarketing\b|\be-?mails?\b|\bnewsletters?\b|\bpromotion\w*|\bmailing\b|\bunsubscrib\w*|"
                        r"\bspam\b|\badverts?\b", re.IGNORECASE)


# A denial of passing data on, up to the words that limit it (no "but" between: "We do not sell it, but we share it
# with partners for their own marketing purposes" limits nothing)
_DENIED_PASSING = (r"\b(?:not|never|no)\b(?:(?!\bbut\b)[^.;:])*?\b(?:shar|disclos|pass|transfer|provid|giv|sell|"
                   r"rent)\w*\b(?:(?!\bbut\b)[^.;:]){0,120}?")
# Sharing denied for one purpose only ("We will not share your personal data with third parties for their direct
# marketing unless…"): no answer to whether data is shared at all
_NOT_FOR_MARKETING = re.compile(_DENIED_PASSING + r"\bfor\s+(?:their|its|his|her)\s+(?:own\s+)?(?:direct\s+)?"
                                r"(?:marketing|advertising|promotional)\b", re.IGNORECASE)

# Passing data on denied for one named purpose ("Disqus does not use or sell consumer personal data for the purpose of
# training large language models"): no answer to whether it is sold at all, unless the question names that purpose
_FOR_A_PURPOSE = re.compile(_DENIED_PASSING + r"\bfor\s+the\s+purposes?\s+of\s+((?:[\w-]+\s*){1,4})", re.IGNORECASE)


# …or of children alone ("We do not knowingly sell or share the Personal Information of anyone under 16 years old")
_OF_CHILDREN = re.compile(r"\b(?:not|never|no)\b(?:(?!\bbut\b)[^.;:])*?\b(?:shar|disclos|sell|sold|rent)\w*\b"
                          r"[^.;:]{0,80}?\b(?:under\s+(?:the\s+age\s+of\s+)?\d+|minors?|child\w*|kids?|teens?)\b",
                          re.IGNORECASE)
_ASKS_CHILDREN = re.compile(r"\b(?:child\w*|kids?|minors?|teens?\w*|son|daughter|under\s+\d+|"
                            r"\d+\s*(?:-?\s*years?\s*-?\s*old|yo))\b", re.IGNORECASE)


def _another_purpose(question: str) -> Callable[[str], bool]:
    """A test that a sentence denies passing data on only for a purpose (`_FOR_A_PURPOSE`) whose words `question`
    lacks, or only children's data (`_OF_CHILDREN`) to a question about no child (the question read once)."""
    asked = {w[:5] for w in re.findall(r"[a-z]{4,}", question.lower())}
    children = _ASKS_CHILDREN.search(question) is not None

    def denies_another(sentence: str) -> bool:
        if not children and _OF_CHILDREN.search(sentence):
            return True
        found = _FOR_A_PURPOSE.search(sentence)
        purpose = {w[:5] for w in re.findall(r"[a-z]{4,}", found.group(1).lower())} if found else set()
        return bool(purpose) and not purpose & asked
    return denies_another


# A browser signal not answered, or answered conditionally ("We currently do not respond to browser “Do Not Track”
# signals", "…does not track … when a “do not track” mechanism is in place"): no answer unless the question asks of it
_SIGNAL_DENIED = re.compile(r"^(?=.*\b(?:not|never)\b).*(?:\bdo[- ]not[- ]track\b|\bDNT\b|"
                            r"\bglobal\s+privacy\s+control\b)", re.IGNORECASE)
_ASKS_SIGNAL = re.compile(r"\bdo[- ]not[- ]track\b|\bDNT\b|\bsignals?\b|\bGPC\b|\bglobal\s+privacy\b", re.IGNORECASE)


def question_guard(question: str, topics: Sequence[str]) -> Callable[[str], bool] | None:
    """The test a sentence deciding `question` (about `topics`) must pass: `_marketing_guard`'s, and for a question not
    on browser signals, that it denies no answer to one."""
    guard = _marketing_guard(question, topics)
    if "access" in topics:  # the user's access, not the company's, nor checking who asks
        first, alone = guard, not_access_alone(question)
        guard = lambda sentence: alone(sentence) and (first is None or first(sentence))  # noqa: E731
    if _ASKS_SIGNAL.search(question):
        return guard
    return lambda sentence: not _SIGNAL_DENIED.search(sentence) and (guard is None or guard(sentence))


def _marketing_guard(question: str, topics: Sequence[str]) -> Callable[[str], bool] | None:
    """For a question on objecting to marketing that names marketing and no cookies: a test that a sentence names no
    cookie, tracker or analytics (`REQUIRED["cookies"]`) nor denies opting out of service messages (`NO_OPT_OUT`,
    unless the question asks of them); for one on refusing cookies, naming no marketing ("Which companies let me opt
    out of cookies?"), a test that it names one; for one on sharing that names no marketing, a test that it denies no
    sharing for marketing alone (`_NOT_FOR_MARKETING`); else None."""
    if "sharing" in topics and "objection-marketing" not in topics and not _MARKETING.search(question):
        another = _another_purpose(question)
        return lambda sentence: not _NOT_FOR_MARKETING.search(sentence) and not another(sentence)
    if "sale" in topics and "objection-marketing" not in topics:
        another = _another_purpose(question)
        return lambda sentence: not another(sentence)
    if "objection-marketing" not in topics:
        return None
    tracking = REQUIRED["cookies"]
    if "cookies" in topics and tracking.search(question) and not _MARKETING.search(question):
        return lambda sentence: bool(tracking.search(sentence))  # "opt out of cookies": not of marketing
    if "cookies" in topics or not _MARKETING.search(question) or tracking.search(question):
        return None
    if SERVICE_MESSAGES.search(question):  # "can i opt out of vanco's service emails like payment confirmations?"
        return lambda sentence: not tracking.search(sentence)
    return lambda sentence: not tracking.search(sentence) and not NO_OPT_OUT.search(sentence)


def decide(evidence: PolicyEvidence, text: str, asked: Mapping[int, float], topic_ids: Sequence[str],
           query: np.ndarray, terms: Sequence[str], shown: Mapping[tuple[int, int], float],
           term_weight: float = 0.5, shown_weight: float = 0.3, strength_weight: float = 0.3,
           accepts: Callable[[str], bool] | None = None, literal: bool = True,
           own_words: Mapping[str, re.Pattern] | None = None) -> Decision:
    """Which sentence of the policy answers a question about the practices `asked` ({topic index:
    threshold}): among the sentences that state one of them, the one nearest the question (cosine), with a
    bonus for holding its key `terms` and for lying in a passage the answer shows (`shown`: passage span ->
    its weight, 1 for the reranker's first, 1/2 for its second…). Not stated when no sentence states an asked practice.
    `own_words`: per practice, words that state it for this question (`practice_words.asked_own_words`).
    `text` is the policy text; `query` the question's vector (1, d)."""
    best: tuple[float, int, int, float] | None = None
    counts: np.ndarray | None = None
    for topic, threshold in asked.items():
        chosen, strengths = evidence.stating(topic, threshold)
        if counts is None:  # the quick judgement over many policies leaves the question's words aside
            counts = term_counts(text, evidence.spans, terms) if literal else \
                np.zeros(len(evidence.spans), dtype=np.int64)
        if literal:  # a sentence holding the question's own words says it too, whatever its practice
            chosen, strengths = _also(evidence, topic, chosen, strengths, literal_sentences(counts, terms))
        for own in (SUFFICIENT.get(topic_ids[topic]), (own_words or {}).get(topic_ids[topic])):
            if own is not None:  # a sentence in the practice's own words states it
                found = sentences_matching(text, evidence.spans, own)
                chosen, strengths = _also(evidence, topic, chosen, strengths, found)
        if not len(chosen):
            continue
        spans = evidence.spans[chosen]
        scores = (evidence.vectors[chosen] @ query[0]
                  + term_weight * (counts[chosen] / len(terms) if terms else 0.0)
                  + shown_weight * _shown_bonus(shown, spans) + strength_weight * strengths)
        veto, required = VETOES.get(topic_ids[topic]), REQUIRED.get(topic_ids[topic])
        for k in _best_first(scores):  # the best sentence that passes every check on its words
            if best is not None and scores[k] <= best[0]:
                break
            sentence = text[int(spans[k][0]):int(spans[k][1])]
            if (accepts is not None and not accepts(sentence)) or (veto is not None and veto.search(sentence)) \
                    or (required is not None and not required.search(sentence)) or \
                    in_contents(text, (int(spans[k][0]), int(spans[k][1]))) or about_others(sentence):
                continue
            fluff = FLUFF.search(sentence) is not None  # (read only of a sentence that would decide)
            score = float(scores[k]) - (FLUFF_PENALTY if fluff else 0.0)
            if best is None or score > best[0]:
                best = (score, int(chosen[k]), topic, float(strengths[k]))
            if not fluff:
                break
    if best is None:
        return Decision(False)
    score, i, topic, strength = best
    start, end = (int(x) for x in evidence.spans[i])
    return Decision(True, (start, end), float(evidence.negated[i]), strength, topic_ids[topic], score)
