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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

# rapidfuzz ratio (0-100) a typed word (or pair of words) must reach against a name. Measured on the
# golden set (186 questions, 12 misspelled or shortened names; evals/README.md): at 85 every question
# routes to the policy it is about and none of the others is misrouted.
FUZZY_THRESHOLD = 85
FUZZY_MIN_LENGTH = 4  # shorter words are too easy to match by accident ("CI", "IT")
# A word at or above this wordfreq Zipf frequency is ordinary English ("data" 5.3, "cloud" 4.5), never a
# company name on its own; "Concero" and "CT1" are rare (0.0, 1.4).
COMMON_WORD_ZIPF = 3.5

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
_AUX_BEFORE = (r"(?i:\b(?:does|do|did|can|could|will|would|is|are|was|has|have|should|may|might|about|get|ask|make|"
               r"tell|trust|(?:safe|secure|account|accounts|customer|signed\s+up)\s+(?:with|at))\s+)")
_NAME = r"((?:[A-Z0-9][\w&.\-]*[\w])(?:\s+(?:[A-Z0-9][\w&.\-]*[\w]))*)"


@dataclass(frozen=True)
class NameMatch:
    """How a question names indexed policies, and organisations it names that have none."""

    policies: tuple[str, ...] = ()  # policy ids, in policy order
    corrections: tuple[tuple[str, str], ...] = ()  # (as typed, policy id) for fuzzy matches
    not_indexed: tuple[str, ...] = ()  # organisations the question is about, with no policy here


def _alias_pattern(alias: str) -> re.Pattern:
    # Whole words only, case-sensitive for short upper-case words ("CI" must not match "circumstances", nor
    # "it" match "IT"); one with a digit cannot be an English word, so "ct1" finds "CT1".
    flags = 0 if (alias.isupper() and alias.isalpha() and len(alias) <= 4) else re.IGNORECASE
    return re.compile(rf"(?<![\w/]){re.escape(alias)}(?![\w])", flags)


@lru_cache(maxsize=4096)
def is_common_word(word: str) -> bool:
    """Whether `word` is ordinary English (wordfreq Zipf >= COMMON_WORD_ZIPF)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en") >= COMMON_WORD_ZIPF


def _names_of(policy) -> list[str]:
    return [n for n in dict.fromkeys([policy.name, policy.id, *policy.aliases]) if n]


def exact_policies(question: str, policies: Mapping[str, object]) -> list[str]:
    """Ids of the policies the question names exactly (display name, alias or id), in policy order."""
    return [pid for pid, policy in policies.items()
            if any(_alias_pattern(n).search(question) for n in _names_of(policy))]


def without_names(question: str, policy_ids, policies: Mapping[str, object],
                  typed: Iterable[str] = ()) -> str:
    """`question` with the names of `policy_ids` (and the near misses in `typed`) replaced by "the company".

    PolicyQA's questions never name the company ("Do you sell my data?"); the reranker learned on them,
    so a routed question is put in that form before it is scored.
    """
    names = sorted({n for pid in policy_ids for n in _names_of(policies[pid])} | set(typed), key=len, reverse=True)
    for name in names:
        question = re.sub(rf"(?<![\w/]){re.escape(name)}(?:'s|’s)?(?![\w])",
                          lambda m: "the company's" if m.group(0).endswith("s") and m.group(0)[-2] in "'’"
                          else "the company", question,
                          flags=0 if (name.isupper() and name.isalpha() and len(name) <= 4) else re.IGNORECASE)
    return question


def _words(question: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in re.finditer(r"[A-Za-z0-9][\w&\-]*", question)]


def fuzzy_policies(question: str, policies: Mapping[str, object],
                   threshold: float = FUZZY_THRESHOLD) -> list[tuple[str, str]]:
    """(as typed, policy id) for words or word pairs of the question that nearly match a policy's name.

    Only uncommon words of at least FUZZY_MIN_LENGTH characters are tried, against names of at least
    that length, with rapidfuzz's ratio on lower case; a pair of words is tried against multi-word names
    ("Core Ofice" against "Core Office").
    """
    from rapidfuzz import fuzz

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
    found: list[tuple[str, str]] = []
    for typed in dict.fromkeys(candidates):
        best, best_id = 0.0, None
        squashed = re.sub(r"[\s\-]+", "", typed.lower())
        for pid, policy in policies.items():
            for name in _names_of(policy):
                if len(name) < FUZZY_MIN_LENGTH and re.sub(r"[\s\-]+", "", name.lower()) != squashed:
                    continue
                if re.sub(r"[\s\-]+", "", name.lower()) == squashed:
                    score = 99.0  # the name with spaces moved: "CT 1" for "CT1"
                elif " " in name and " " in typed and len(typed) >= 6 and name.lower().startswith(typed.lower()):
                    score = 95.0  # a shortened multi-word name: "23 Tech" for "23 Technology"
                elif (" " in name) != (" " in typed):
                    continue
                else:
                    score = fuzz.ratio(typed.lower(), name.lower())
                if score > best:
                    best, best_id = score, pid
        if best_id is not None and best >= threshold and best < 100:
            if all(pid != best_id for _, pid in found):
                found.append((typed, best_id))
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
            if all(w.lower() in _NOT_ORGANISATIONS or (w.islower()) for w in words):
                continue
            if len(words) == 1 and is_common_word(words[0]) and not words[0][0].isupper():
                continue
            if len(words) == 1 and words[0].lower() in _QUESTION_WORDS:
                continue
            found.append(name)
    return list(dict.fromkeys(found))


def match_names(question: str, policies: Mapping[str, object]) -> NameMatch:
    """Route `question`: exact names first, then near misses, then organisations with no policy."""
    exact = exact_policies(question, policies)
    fuzzy = [] if exact else fuzzy_policies(question, policies)
    routed = exact or [pid for _, pid in fuzzy]
    routed = [pid for pid in policies if pid in routed]
    not_indexed: list[str] = []
    if not routed:
        known = {n.lower() for p in policies.values() for n in _names_of(p)}
        for name in subject_organisations(question):
            lowered = name.lower()
            if lowered in known or any(lowered in k or k in lowered for k in known):
                continue
            not_indexed.append(name)
    return NameMatch(tuple(routed), tuple(fuzzy), tuple(not_indexed))


_LEGAL_SUFFIXES = re.compile(r"[\s,]+(?:ltd\.?|limited|llc|inc\.?|incorporated|plc|gmbh|corp\.?|corporation|co\.?|"
                             r"llp|lp|ag|sa|s\.a\.|pty|group|holdings)$", re.IGNORECASE)


def suggest_aliases(title: str, taken: Iterable[str] = ()) -> list[str]:
    """Names people would use for a company called `title`: "Acme Widgets Ltd" -> ["Acme Widgets", "Acme"].

    Legal suffixes are dropped, then the first word is offered when it is not ordinary English and at
    least two characters long; names in `taken` (other policies' names, lower case or not) are left out.
    """
    taken_lower = {t.lower() for t in taken}
    name = re.sub(r"\s+", " ", title).strip(" -–—:")
    name = re.sub(r"\s+(?:privacy\s+(?:policy|notice)|cookie\s+policy)$", "", name, flags=re.IGNORECASE)
    out: list[str] = []
    while True:
        shorter = _LEGAL_SUFFIXES.sub("", name).strip()
        if shorter == name:
            break
        name = shorter
    if name and name != title.strip():
        out.append(name)
    first = name.split()[0] if name.split() else ""
    if len(name.split()) > 1 and len(first) >= 2 and not is_common_word(first):
        out.append(first)
    return [a for a in dict.fromkeys(out)
            if a.lower() not in taken_lower and validate_alias(a, "", ()) is None]


def validate_alias(alias: object, policy_id: str, other_names: Iterable[str] = ()) -> str | None:
    """Why `alias` cannot route questions to `policy_id` (None when it can): not a string, under two
    characters, an ordinary English word, or another policy's name."""
    if not isinstance(alias, str):
        return f"alias {alias!r} of {policy_id} is not a string"
    if len(alias.strip()) < 2:
        return f"alias {alias!r} of {policy_id} is shorter than 2 characters"
    if " " not in alias.strip() and is_common_word(alias.strip()):
        return f"alias {alias!r} of {policy_id} is an ordinary English word"
    if alias.strip().lower() in {n.lower() for n in other_names}:
        return f"alias {alias!r} of {policy_id} is another policy's name"
    return None
