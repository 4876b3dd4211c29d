"""Which companies a question is about: names as people type them, and organisations with no policy here.

Three outcomes for a name in a question:

- an exact display name, alias or id of an indexed policy (whole words; short upper-case aliases such as
  "CI" are case-sensitive, so "circumstances" never routes to Centerprise International);
- a near miss of one ("Cloudsentrik", "Core Ofice"): routed to that policy, and the answer says which
  ("Showing results for CloudSentric"). Fuzzy matching only considers words that are not ordinary
  English (wordfreq), so "core" or "office" alone never match;
- an organisation the question is about (the subject: "What does Facebook do with my data?",
  "Facebook's policy") that matches no indexed policy: reported as not indexed, never answered from
  another company's policy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

# The upload form imports the alias rule and the suggestions from here (qa.ingest.aliases: one rule for all).
from qa.ingest.aliases import apostrophes_lost, is_common_word, suggest_aliases, validate_alias  # noqa: F401

# rapidfuzz ratio (0-100) a typed word (or pair of words) must reach against a name. Measured on the
# golden set (186 questions, 12 misspelled or shortened names; evals/README.md): at 85 every question
# routes to the policy it is about and none of the others is misrouted.
FUZZY_THRESHOLD = 85
FUZZY_MIN_LENGTH = 4  # shorter words are too easy to match by accident ("CI", "IT")

# Capitalised words that are about privacy, not organisations a question could be about.
_NOT_ORGANISATIONS = {
    "i", "i'm", "i've", "my", "me", "we", "you", "your", "they", "them", "their", "it", "its",
    "gdpr", "uk", "eu", "eea", "us", "usa", "ico", "dpo", "dpa", "ccpa", "hipaa", "coppa", "pii", "ip",
    "data", "protection", "act", "regulation", "information", "commissioner", "commissioner's", "office",
    "privacy", "policy", "notice", "cookie", "cookies", "email", "e-mail", "sms", "cctv", "wi-fi", "wifi",
    "european", "union", "british", "english", "uk's", "internet", "web", "website", "app", "ok", "okay",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "mr", "mrs", "ms", "dr",
    "iso", "pci", "dss", "nist", "soc", "cyber", "essentials",  # standards: "Which companies are ISO 27001 certified?"
    "isp", "isps", "mis", "crm", "sar", "sars", "av",  # kinds of system or provider: "does my ISP keep my data?"
}
_QUESTION_WORDS = {"what", "how", "why", "when", "where", "which", "who", "whom", "whose", "does", "do", "did",
                   "can", "could", "will", "would", "is", "are", "was", "were", "has", "have", "had", "should",
                   "may", "might", "must", "shall", "and", "so", "also", "but", "or", "if", "please", "tell",
                   "show", "give", "list", "explain", "the", "a", "an", "any", "all", "about", "hi", "hello"}
# A name is the question's subject when a verb of handling data, or a possessive, follows it, or when it
# follows "does/do/can/will/is/…" at the start of a clause, or "about".
_VERB_AFTER = (r"(?:'s\b|’s\b|(?<=s)'(?=\s)|(?<=s)’(?=\s)|"
               r"\s+(?:collects?|keeps?|stores?|sells?|shares?|uses?|holds?|retains?|process(?:es)?|"
               r"do(?:es)?|did|knows?|tracks?|gathers?|gets?|sends?|protects?|deletes?|handles?|says?|"
               r"privacy|policy|policies)\b)")
# "has" / "have" before a subject only when it opens the question ("Has Facebook sold…?"); elsewhere what follows is
# what they have ("Which companies have Facebook pixels?", "Do they have ISO certification?")
_AUX_BEFORE = (r"(?i:(?:\b(?:does|do|did|can|could|will|would|is|are|was|should|may|might|about|get|ask|make|"
               r"tell|trust|(?:safe|secure|account|accounts|customer|signed\s+up)\s+(?:with|at))|^\s*(?:has|have))\s+)")
_NAME = r"((?:[A-Z0-9][\w&.\-]*[\w])(?:\s+(?:[A-Z0-9][\w&.\-]*[\w]))*)"
# A name right after these is the other party of what the question asks about, not its subject.
_OTHER_PARTY = re.compile(r"\b(?:with|to|from|by|via|through|using|use|uses|like|such\s+as|including)\s+(?:the\s+)?$",
                          re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?](?=\s+\S)")
# "Is my info shared with anyone by CloudSentric?": the agent of a passive verb is the subject, not the other party
_PASSIVE_BY = re.compile(r"\b(?:is|are|was|were|be|been|being|gets?|got)\b(?:\s+[\w'’]+){0,6}?\s+\w+(?:ed|en|wn|ld|t)\b"
                         r"(?:\s+[\w'’]+){0,6}?\s+by\s+(?:the\s+)?$", re.IGNORECASE)
_ANY_COMPANY = re.compile(r"\b(?:which|what|any|all|these|those|other|the)\s+(?:of\s+(?:the|these|them|those)\s+)?"
                          r"(?:companies|firms|providers|services|apps|sites|websites|organi[sz]ations|businesses|"
                          r"policies)\b|\b(?:who|anyone|anybody|any\s+of\s+them|which\s+of\s+them)\b", re.IGNORECASE)


@dataclass(frozen=True)
class NameMatch:
    """How a question names indexed policies, and organisations it names that have none."""

    policies: tuple[str, ...] = ()  # policy ids, in policy order
    corrections: tuple[tuple[str, str], ...] = ()  # (as typed, policy id) for fuzzy matches
    not_indexed: tuple[str, ...] = ()  # organisations the question is about, with no policy here


def names_of(policy) -> list[str]:
    """Every name `policy` is matched by: display name, id, aliases, initials and the forms its stem lost."""
    return [n for n in dict.fromkeys([policy.name, policy.id, *policy.aliases, initials(policy.name),
                                      *apostrophes_lost(policy.name, policy.id)]) if n]


_MINOR_WORDS = {"the", "of", "and", "for", "&"}


def initials(name: str | None) -> str:
    """The initials people call a company of three or more words by ("The New York Times": "NYT"), matched as
    written, in capitals; "" for a shorter name ("Better Stack" is no "BS")."""
    words = [w for w in re.findall(r"[\w&]+", name or "") if w.lower() not in _MINOR_WORDS]
    if not 3 <= len(words) <= 5 or not all(w[:1].isupper() for w in words):
        return ""
    return "".join(w[0] for w in words)


def exact_policies(question: str, policies: Mapping[str, object]) -> list[str]:
    """Ids of the policies the question names exactly (display name, alias or id), in policy order."""
    return name_matcher(policies).exact(question)


def without_names(question: str, policy_ids, policies: Mapping[str, object],
                  typed: Iterable[str] = ()) -> str:
    """`question` with the names of `policy_ids` (and the near misses in `typed`) replaced by "the company".

    PolicyQA's questions never name the company ("Do you sell my data?"); the reranker learned on them,
    so a routed question is put in that form before it is scored. Whole words only ("O'Reilly", not "O'the company").
    """
    names = sorted({n for pid in policy_ids for n in names_of(policies[pid])} | set(typed), key=len, reverse=True)
    for name in names:
        question = re.sub(rf"(?<![\w/'’]){re.escape(name)}(?:'s|’s)?(?![\w])",
                          lambda m: "the company's" if m.group(0).endswith("s") and m.group(0)[-2] in "'’"
                          else "the company", question,
                          flags=0 if (name.isupper() and name.isalpha() and len(name) <= 4) else re.IGNORECASE)
    return question


def _words(question: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in re.finditer(r"[A-Za-z0-9][\w&\-]*", question)]


def fuzzy_candidates(question: str) -> list[str]:
    """The spans of `question` a near miss is looked for in: each word of at least FUZZY_MIN_LENGTH
    characters that is not ordinary English (or any word with a digit), and the pairs it forms with its
    neighbours; ordinary words are never compared with names."""
    words = _words(question)
    candidates: list[str] = []
    for i, (_, _, word) in enumerate(words):
        # A word with a digit ("23", "CT") is no English word either, whatever its length.
        if (len(word) >= FUZZY_MIN_LENGTH and not is_common_word(word)) or any(c.isdigit() for c in word):
            if len(word) >= FUZZY_MIN_LENGTH:
                candidates.append(word)
            if i + 1 < len(words):
                candidates.append(f"{word} {words[i + 1][2]}")
            if i > 0:
                candidates.append(f"{words[i - 1][2]} {word}")
    return list(dict.fromkeys(candidates))


def fuzzy_policies(question: str, policies: Mapping[str, object],
                   threshold: float = FUZZY_THRESHOLD) -> list[tuple[str, str]]:
    """(as typed, policy id) for words or word pairs of the question that nearly match a policy's name.

    Only uncommon words of at least FUZZY_MIN_LENGTH characters are tried (`fuzzy_candidates`), against
    names of at least that length, with rapidfuzz's ratio on lower case; a pair of words is tried against
    multi-word names ("Core Ofice" against "Core Office").
    """
    return _fuzzy(name_matcher(policies), question, threshold)


def _fuzzy(matcher: NameMatcher, question: str, threshold: float = FUZZY_THRESHOLD) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for typed in fuzzy_candidates(question):
        best = matcher.nearest(typed, threshold)
        if best is not None and all(pid != best for _, pid in found):
            found.append((typed, best))
    return found


def subject_organisations(question: str) -> list[str]:
    """Capitalised names the question is about (its subject or a possessive), e.g. "Facebook" in
    "What does Facebook do with my data?"; privacy vocabulary (GDPR, ICO, …) and question words excluded."""
    found = []
    patterns = (re.compile(_AUX_BEFORE + _NAME + r"(?=\s|$|\?|'|’)"), re.compile(_NAME + _VERB_AFTER))
    for pattern in patterns:
        for match in pattern.finditer(question):
            name = match.group(1)
            words = name.split()
            while words and words[0].lower() in _QUESTION_WORDS | _NOT_ORGANISATIONS:
                words = words[1:]
            while words and words[-1].lower() in _NOT_ORGANISATIONS:
                words = words[:-1]
            if not words:
                continue
            name = " ".join(words)
            if all(w.lower() in _NOT_ORGANISATIONS or w.islower() or w.isdigit() for w in words):
                continue
            if len(words) == 1 and is_common_word(words[0]) and not words[0][0].isupper():
                continue
            if len(words) == 1 and words[0].lower() in _QUESTION_WORDS:
                continue
            found.append(name)
    return list(dict.fromkeys(found))


def match_names(question: str, policies: Mapping[str, object]) -> NameMatch:
    """Route `question`: exact names first, then near misses, then organisations with no policy.

    The names of `policies` are compiled once per dict (`name_matcher`), so routing costs about the same
    for 5 policies as for 6,000.
    """
    matcher = name_matcher(policies)
    spans = matcher.exact_spans(question)
    exact = sorted({pid for _, pid in spans}, key=matcher.order.__getitem__)
    # A company named only as the other party ("…share my data with Facebook?", "…use Google Analytics?") beside another
    # subject (a company, one with no policy here, "which companies", "who") is what the answer must mention.
    # A name in a sentence before the question ("I bought a laptop from 23T. Who do they share my address with?")
    # says whom the user deals with: it is the subject, whatever word precedes it.
    asked_from = max((m.end() for m in _SENTENCE_END.finditer(question.rstrip())), default=0)
    others = {pid for pid in exact
              if all(at >= asked_from and _OTHER_PARTY.search(question[:at]) and not _PASSIVE_BY.search(question[:at])
                     for at, p in spans if p == pid)}
    if others and len(others) == len(exact):
        unknown = tuple(name for name in subject_organisations(question) if not matcher.is_known(name))
        if unknown or _ANY_COMPANY.search(question):
            return NameMatch(not_indexed=unknown)
    elif others:
        exact = [pid for pid in exact if pid not in others]
    fuzzy = [] if exact else _fuzzy(matcher, question)
    routed = exact or [pid for _, pid in fuzzy]
    routed = sorted(set(routed), key=matcher.order.__getitem__)
    not_indexed: list[str] = []
    if not routed:
        subjects = subject_organisations(question)
        not_indexed = [name for name in subjects if not matcher.is_known(name)]
        if not not_indexed:  # "Does Amazon…?": the policies whose name starts with it (Amazon.com, Amazon Ads…)
            routed = sorted({pid for name in subjects for pid in matcher.starting(name)}, key=matcher.order.__getitem__)
    return NameMatch(tuple(routed), tuple(fuzzy), tuple(not_indexed))


def _squashed(text: str) -> str:
    return re.sub(r"[\s\-]+", "", text.lower())


def _is_short_upper(name: str) -> bool:
    # Matched with case: "CI" must not match "circumstances", nor "it" match "IT".
    return name.isupper() and name.isalpha() and len(name) <= 4


# Where a name may start and end in a question: not after a word character or "/" (a name after "and/" is
# part of a path or a pair, not the name), not before a word character. Short upper-case names match with
# case (`_is_short_upper`).
_NAME_START = re.compile(r"(?<![\w/])")
_NAME_END = re.compile(r"(?!\w)")


class NameMatcher:
    """Every name of a set of policies, compiled once for routing questions (`name_matcher` caches one).

    Exact names are a dict from the lower-cased name (short upper-case names keep their case) to policy
    ids (a one-word name that is an ordinary English word only matches as written: "Signal", not
    "signal"), looked up at every span of the question that starts and ends on a word boundary and is no longer
    than the longest name: the cost grows with the question, not with the number of policies. Near misses
    compare only the question's candidate spans with the names, through rapidfuzz's `process` (in C), and
    score the few names that pass as `fuzzy_policies` always has.
    """

    def __init__(self, policies: Mapping[str, object]):
        from rapidfuzz import fuzz

        self._fuzz = fuzz
        self.order = {pid: rank for rank, pid in enumerate(policies)}
        self.folded: dict[str, list[str]] = {}  # lower-cased name -> policy ids
        self.cased: dict[str, list[str]] = {}  # short upper-case name as written -> policy ids
        self.lengths: set[int] = set()
        self.written: set[str] = set()  # every name as written, for `_ordinary_word`
        # Near misses: every (name, policy id) in policy order, by squashed name, and the names of at least
        # FUZZY_MIN_LENGTH characters split by whether they have a space (only like is compared with like).
        self.entries: list[tuple[str, str]] = []
        self.by_squashed: dict[str, int] = {}
        self.spaced: list[int] = []
        self.unspaced: list[int] = []
        for pid, policy in policies.items():
            for name in names_of(policy):
                target = self.cased if _is_short_upper(name) else self.folded
                key = name if target is self.cased else name.lower()
                owners = target.setdefault(key, [])
                if pid not in owners:
                    owners.append(pid)
                self.lengths.add(len(name))
                if name != pid:  # a file's stem is lower case by habit, not as the name is written
                    self.written.add(name)
                seq = len(self.entries)
                self.entries.append((name, pid))
                self.by_squashed.setdefault(_squashed(name), seq)
                if len(name) >= FUZZY_MIN_LENGTH:
                    (self.spaced if " " in name else self.unspaced).append(seq)
        self.spaced_sorted = sorted((self.entries[i][0].lower(), i) for i in self.spaced)
        self.by_name = sorted((name.lower(), pid) for name, pid in self.entries)
        # By length, so a near miss is compared only with names of a length that can reach the threshold.
        self.by_length = {}
        for spaced, seqs in ((True, self.spaced), (False, self.unspaced)):
            rows = sorted((len(self.entries[i][0].lower()), self.entries[i][0].lower(), i) for i in seqs)
            self.by_length[spaced] = ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
        self.longest = max(self.lengths, default=0)
        self.known = {n.lower() for n, _ in self.entries}
        # One string holding every known name, so "is this organisation part of a known name" is one search.
        self._joined = "\x00".join(sorted(self.known))

    def exact(self, question: str) -> list[str]:
        """Ids of the policies `question` names exactly, in policy order: whole words, as one regex per
        name did (tests/test_names.py keeps that regex as the reference)."""
        return sorted({pid for _, pid in self.exact_spans(question)}, key=self.order.__getitem__)

    def exact_spans(self, question: str) -> list[tuple[int, str]]:
        """(start, policy id) of every exact name in `question` (see `exact`)."""
        starts = [m.start() for m in _NAME_START.finditer(question)]
        ends = [m.start() for m in _NAME_END.finditer(question)]
        found: list[tuple[int, str]] = []
        lengths = self.lengths
        end_from = 0
        for start in starts:
            while end_from < len(ends) and ends[end_from] <= start:
                end_from += 1
            for end in ends[end_from:]:
                size = end - start
                if size > self.longest:
                    break
                if size not in lengths:
                    continue
                span = question[start:end]
                owners = self.folded.get(span.lower())
                if owners and not self._ordinary_word(span):
                    found.extend((start, pid) for pid in owners)
                owners = self.cased.get(span)
                if owners:
                    found.extend((start, pid) for pid in owners)
        return found

    def _ordinary_word(self, span: str) -> bool:
        """Whether `span`, found as a one-word name in another case than the name's, is ordinary English:
        then it is the word, not the name ("base" or "signal" in a question, "Base" or "Signal" the
        services). Names made of letters only; a name as written always matches."""
        return span.isalpha() and span not in self.written and is_common_word(span)

    def _score(self, typed: str, name: str) -> float | None:
        """`typed` against one name, by the rules `fuzzy_policies` has always used (None: not compared)."""
        squashed = _squashed(typed)
        if len(name) < FUZZY_MIN_LENGTH and _squashed(name) != squashed:
            return None
        if _squashed(name) == squashed:
            return 99.0  # the name with spaces moved: "CT 1" for "CT1"
        if " " in name and " " in typed and len(typed) >= 6 and name.lower().startswith(typed.lower()):
            return 95.0  # a shortened multi-word name: "23 Tech" for "23 Technology"
        if (" " in name) != (" " in typed):
            return None
        return self._fuzz.ratio(typed.lower(), name.lower())

    def nearest(self, typed: str, threshold: float) -> str | None:
        """The policy whose name `typed` nearly matches (score >= threshold, below 100), or None.

        Only names that can reach `threshold` are scored: the one with the same squashed form, multi-word
        names `typed` begins (found by bisection), and those rapidfuzz finds at or above it; the best
        score wins, the first in policy order on a tie.
        """
        from bisect import bisect_left, bisect_right

        from rapidfuzz import process

        lowered = typed.lower()
        seqs: set[int] = set()
        if (seq := self.by_squashed.get(_squashed(typed))) is not None:
            seqs.add(seq)
        if " " in typed and len(typed) >= 6:
            at = bisect_left(self.spaced_sorted, (lowered,))
            while at < len(self.spaced_sorted) and self.spaced_sorted[at][0].startswith(lowered):
                seqs.add(self.spaced_sorted[at][1])
                at += 1
        # ratio = 100 * (1 - indel distance / (a + b)) and the distance is at least |a - b|, so a name of
        # length b can reach `threshold` only when 2 * min(a, b) / (a + b) >= threshold / 100.
        lengths, choices, indices = self.by_length[" " in typed]
        share = max(threshold, 1.0) / 100
        low = bisect_left(lengths, len(lowered) * share / (2 - share) - 1e-9)
        high = bisect_right(lengths, len(lowered) * (2 - share) / share + 1e-9)
        for _, _, at in process.extract(lowered, choices[low:high], scorer=self._fuzz.ratio,
                                        score_cutoff=threshold, limit=None):
            seqs.add(indices[low + at])
        best, best_seq = 0.0, -1
        for seq in sorted(seqs):
            score = self._score(typed, self.entries[seq][0])
            if score is not None and score > best:
                best, best_seq = score, seq
        if best_seq < 0 or best < threshold or best >= 100:
            return None
        return self.entries[best_seq][1]

    def starting(self, name: str) -> list[str]:
        """Ids of the policies with a name that starts with `name` as whole words ("Amazon": "Amazon.com",
        "Amazon Web Services"; not "Amazonia")."""
        from bisect import bisect_left

        lowered, found = name.lower(), []
        at = bisect_left(self.by_name, (lowered,))
        while at < len(self.by_name) and self.by_name[at][0].startswith(lowered):
            written, pid = self.by_name[at]
            if len(written) == len(lowered) or not written[len(lowered)].isalnum():
                found.append(pid)
            at += 1
        return found

    def is_known(self, name: str) -> bool:
        """Whether `name` is, contains or is contained in a known name, as whole words (any case): then it is no
        organisation without a policy. A plain substring test goes before the whole-word one, which reads every name."""
        lowered = name.lower()
        if lowered in self.known or ("\x00" not in lowered and lowered in self._joined and re.search(
                rf"(?<![^\W_]){re.escape(lowered)}(?![^\W_])", self._joined)):  # whole words of a known name
            return True
        # holds a known name as whole words ("X" is known, "Dropbox" is not it)
        words = re.findall(r"[^\W_]+(?:['’.&-][^\W_]+)*", lowered)
        return any(" ".join(words[i:j]) in self.known for i in range(len(words)) for j in range(i + 1, len(words) + 1))


# The matchers of the last few policy dicts; an entry holds its dict's keys and values, so a dict changed in
# place (or a new dict at the same address) is compiled again. Holding the values keeps an older index's
# policy texts alive until KEPT other dicts have been routed: few, as a reopened index has a new dict.
_MATCHERS: dict[int, tuple[tuple, tuple, NameMatcher]] = {}
_MATCHERS_KEPT = 4


def name_matcher(policies: Mapping[str, object]) -> NameMatcher:
    """The compiled names of `policies`: built on first use for this dict, then reused while its ids and
    policy objects stay the same (an Engine builds it once per index it opens)."""
    keys, values = tuple(policies), tuple(policies.values())
    cached = _MATCHERS.get(id(policies))
    # Tuple comparison checks identity first: the same policy objects compare in microseconds.
    if cached is not None and cached[0] == keys and cached[1] == values:
        return cached[2]
    matcher = NameMatcher(policies)
    if len(_MATCHERS) >= _MATCHERS_KEPT:
        _MATCHERS.pop(next(iter(_MATCHERS)))
    _MATCHERS[id(policies)] = (keys, values, matcher)
    return matcher


# Words of a practice a company's own name may hold ("Centerprise International", "Global Data Ltd"), and the
# words that state the practice outside a name: a sentence that writes the practice's word only inside the
# policy's own name ("As part of the Centerprise International Group, 23Technology is committed to…") does not
# state it, though the practice model reads it so. The grid's evidence words leave own names out the same way.
_NAMED_PRACTICES = {
    "international-transfers": (
        re.compile(r"\b(?:international\w*|global\w*|worldwide|world)\b", re.IGNORECASE),
        re.compile(r"\b(?:outside|abroad|overseas|countr\w*|cross-border|eea|european|united states|u\.s\.|usa|"
                   r"privacy shield|safe harbou?r|standard contractual|adequacy|transfer\w*|"
                   r"(?:held|stored|located|based|hosted|processed) in)\b", re.IGNORECASE)),
}

# A capitalised run of words holding one of those words: a name ("International Organization for Standardization").
_PROPER_NAME = re.compile(r"(?:\b[A-Z][\w&.-]*\s+(?:(?:for|of|and|the)\s+)?)*\b(?:International|Global|Worldwide)\b"
                          r"(?:\s+(?:(?:for|of|and|the)\s+)?[A-Z][\w&.-]*)*")


def own_name_guard(accepts: Callable[[str], bool] | None, policy,
                   topics: Iterable[str]) -> Callable[[str], bool] | None:
    """`accepts` (a test the deciding sentence must pass, or None) and, for the practices of `topics` a name
    may hold (`_NAMED_PRACTICES`), one more: a sentence whose words of the practice all lie inside names (the
    policy's own, or a capitalised one), with no other word stating it, fails. `accepts` when none is asked."""
    named = [_NAMED_PRACTICES[t] for t in topics if t in _NAMED_PRACTICES]
    if not named:  # most questions: no pattern made
        return accepts
    own = whole_words(sorted(name_parts(names_of(policy)), key=len, reverse=True))  # "Centerprise International" whole
    if own is None:
        return accepts

    def guarded(sentence: str) -> bool:
        if accepts is not None and not accepts(sentence):
            return False
        rest = own.sub(" ", sentence)
        unnamed = _PROPER_NAME.sub(" ", rest)  # "International Organization for Standardization" is a name too
        return not any(in_name.search(sentence) and not in_name.search(unnamed) and not states.search(rest)
                       for in_name, states in named)
    return guarded


def name_parts(names: Iterable[str]) -> list[str]:
    """The parts of a policy's names, in order ("23Technology / Centerprise International": both), of 3
    characters or more: words inside them are no evidence of a practice (the grid's evidence words and
    `own_name_guard` leave them out)."""
    return list(dict.fromkeys(part for name in names for part in re.split(r"\s*/\s*", name.strip()) if len(part) >= 3))


def whole_words(parts: Sequence[str]) -> re.Pattern | None:
    """Any of `parts` as a whole word, any case, tried in the order given; None without parts."""
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, parts)) + r")(?!\w)", re.IGNORECASE) if parts else None


def named_policies(question: str, policies: dict) -> list[str]:
    """Ids of the policies the question names (exactly or by a near miss), in policy order."""
    return list(match_names(question, policies).policies)


# An organisation is named beside a company when only "or", "and", a comma or a slash stands between them.
_BESIDE = r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:or|and|&|vs\.?|versus|nor)\s+|/\s*)\s*"


def named_beside(question: str, routed: Sequence[str], policies: dict, match) -> tuple[str, ...]:
    """Organisations with no policy here that `question` names as its subject beside a company it routes to
    ("Does Facebook or Concero sell my data?" -> ("Facebook",)); `match_names` reports them only when it
    routes to none. A third party named elsewhere ("Does Concero share my data with Google?") is not one."""
    names = [n for pid in routed for n in (policies[pid].name, pid, *policies[pid].aliases) if n]
    names += [typed for typed, _ in match.corrections]
    matcher = name_matcher(policies)  # compiled once per index: a set of every name per question took 25 ms at 6,000
    found = []
    for organisation in subject_organisations(question):
        if matcher.is_known(organisation):
            continue
        org = re.escape(organisation)
        if any(re.search(rf"(?<!\w){org}{_BESIDE}{re.escape(n)}(?!\w)|(?<!\w){re.escape(n)}{_BESIDE}{org}(?!\w)",
                         question, re.IGNORECASE) for n in names):
            found.append(organisation)
    return tuple(found)
