"""Which names may route questions to a policy: one rule for `policies.toml`, `policyqa index add` and the
chat's upload form, and the names suggested for a new policy from its title.

An alias is matched as words in every question, so an alias that is a common word ("a", "data", "it")
would route nearly every question to one policy. The rule refuses function words and the words privacy
questions are made of. A company name that is also ordinary English ("Apple", "Core", "Meta") is
allowed: question routing matches such a name only as it is written (qa.search.names), so "the core
of it" names no policy while "Core" does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

MIN_ALIAS_CHARS = 2
# The words privacy questions are made of, refused as aliases beside the function words.
_PRIVACY_WORDS = frozenset("""
    data information info personal privacy policy policies notice cookie cookies email e-mail mail phone
    address name names company companies business service services site website web app apps online user
    users customer customers client clients account accounts contact right rights security secure time
    year years day days month months people person keep kept share shared sell sold use used collect
    collected delete deleted store stored retain retention how long third party parties marketing consent
    law legal child children location payment payments card cards credit tech technology technologies
    cloud office ltd limited inc group team support help us uk eu gdpr ico dpo yes ok please thanks
    also may might must shall would could one two new old good all any many much every
""".split())
# A word at or above this wordfreq Zipf frequency is ordinary English ("data" 5.3, "cloud" 4.5); "Concero"
# and "CT1" are rare (0.0, 1.4). Used to suggest names and to match names in questions, not to refuse them.
COMMON_WORD_ZIPF = 3.5


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The words an alias may not be (case-folded): bm25s's English function words (imported on first
    use: it pulls in scipy) and the words privacy questions are made of."""
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS) | _PRIVACY_WORDS


@lru_cache(maxsize=4096)
def is_common_word(word: str) -> bool:
    """Whether `word` is ordinary English (wordfreq Zipf >= COMMON_WORD_ZIPF)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en") >= COMMON_WORD_ZIPF


def has_controls(text: str) -> bool:
    """Control characters (ESC of terminal escape codes among them) have no place in a name."""
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def alias_problem(alias: object, other_names: Iterable[str] = ()) -> str | None:
    """Why `alias` cannot route questions (None when it can), as a phrase that reads after "is" or after
    "dropped:": not a string, control characters, under MIN_ALIAS_CHARS characters, a common word, or
    one of `other_names` (other policies' ids and names; compared without case). Whitespace runs in the
    alias count as one space, as `normal_alias` writes it."""
    if not isinstance(alias, str):
        return "not a string"
    alias = normal_alias(alias)
    if has_controls(alias):
        return "a name with control characters"
    if len(alias) < MIN_ALIAS_CHARS:
        return f"shorter than {MIN_ALIAS_CHARS} characters"
    if alias.casefold() in common_words():
        return "a common word, it would match most questions"
    if alias.casefold() in {n.casefold() for n in other_names}:
        return "another policy's name"
    return None


def normal_alias(alias: str) -> str:
    """The alias as it is kept: whitespace runs as one space, no space at either end."""
    return " ".join(alias.split())


def validate_alias(alias: object, policy_id: str, other_names: Iterable[str] = ()) -> str | None:
    """`alias_problem` as a sentence naming the alias and its policy ("alias 'data' of acme is a common
    word, …"), for the upload form and `index add`; None when the alias can route questions."""
    problem = alias_problem(alias, other_names)
    return None if problem is None else f"alias {alias!r} of {policy_id} is {problem}"


_LEGAL_SUFFIXES = re.compile(r"[\s,]+(?:ltd\.?|limited|llc|inc\.?|incorporated|plc|gmbh|corp\.?|corporation|co\.?|"
                             r"llp|lp|ag|sa|s\.a\.|pty|group|holdings)$", re.IGNORECASE)


def suggest_aliases(title: str, taken: Iterable[str] = ()) -> list[str]:
    """Names people would use for a company called `title`: "Acme Widgets Ltd" -> ["Acme Widgets", "Acme"].

    Legal suffixes are dropped, then the first word is offered when it is not ordinary English and at
    least two characters long; names in `taken` (other policies' names, lower case or not) and names
    `alias_problem` refuses are left out.
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
    return [a for a in dict.fromkeys(out) if a.lower() not in taken_lower and alias_problem(a) is None]


_TITLE_TAIL = re.compile(r"[\s:–—-]*(?:website\s+|online\s+)?(?:privacy|data\s+protection|cookie)\s+"
                         r"(?:policy|notice|statement)\s*$", re.IGNORECASE)


def title_of(text: str) -> str:
    """The first line of a policy's text that has a letter in it (its title, usually); "" if none."""
    for line in text.splitlines():
        line = " ".join(line.split()).strip("#*_ ")
        if any(ch.isalpha() for ch in line):
            return line[:120]
    return ""


def name_from_title(title: str) -> str:
    """A display name from a policy's title: "Acme Widgets Ltd Privacy Policy" -> "Acme Widgets Ltd"."""
    return _TITLE_TAIL.sub("", title).strip(" -–—:") or title.strip()


def suggested_names(text: str, taken: Iterable[str] = ()) -> tuple[str, list[str]]:
    """A display name and aliases for a new policy from its title (its text's first line with a letter);
    `taken`: other policies' names and aliases, never suggested."""
    title = title_of(text)
    return name_from_title(title), suggest_aliases(title, taken=taken)


def name_from_id(policy_id: str) -> str:
    """A readable name for a policy with no metadata: "acme-cloud_ltd" -> "Acme Cloud Ltd"."""
    words = policy_id.replace("_", " ").replace("-", " ").split()
    return " ".join(w if w.isupper() else w.capitalize() for w in words) or policy_id


def apostrophes_lost(name: str, policy_id: str) -> list[str]:
    """The forms people type of a name made from the file's stem `policy_id`, which has no apostrophe ("o-reilly":
    "O Reilly", "womans-day": "Womans Day"): "O'Reilly", "Woman's Day" (and with "’"); [] for any other name."""
    if name != name_from_id(policy_id):
        return []
    forms = []
    for mark in ("'", "’"):
        for form in (re.sub(r"\b([A-Za-z]) (?=[A-Z])", rf"\1{mark}", name),  # a lone letter joined to the next word
                     re.sub(r"\b(\w+[^\Wsiu])s\b(?= \w)", rf"\1{mark}s", name)):  # a possessive, before another word
            if form != name:
                forms.append(form)
    return forms
