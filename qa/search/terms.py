"""A question's key terms and where a policy writes them: its content words ("sell", "recordings"), matched
at the start of a word in any of their forms ("sell" finds sells, selling; "sharing" finds share, shared).

`term_counts` says how many of them each sentence of a policy holds. Over a large policy a regular
expression per term walked every match (94% of a warm question's time at 6,000 passages a policy), so
each policy's words are read once into a sorted vocabulary with the sentences holding each word, and a
term's sentences are those of the words it starts (`_word_index`).
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

# Key terms: the question's content words. Function words, the words of every privacy question and the
# company's own names carry no evidence of an answer.
STOP_WORDS = frozenset("""
a about above after again all also am an and any are as at be been before being below between both but by
can could did do does doing down during each few for from further had has have having he her here hers how i
if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours
out over own same she should so some such than that the their theirs them then there these they this those
through to too under until up very was we were what when where which while who whom why will with would you
your yours yourself company companies policy policies privacy personal personally data information info details they
identifiable identifying identify pii app apps easily
them their ever still really please tell know let ok okay get got stuff thing things
""".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
# An email or web address a user writes ("I emailed DPO@centerprise.co.uk asking them to delete…"): where they wrote,
# not a name or a detail they ask for
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)


def without_addresses(question: str) -> str:
    """`question` with its email and web addresses blanked (same length, so offsets still hold)."""
    return _ADDRESS.sub(lambda m: " " * len(m.group()), question)


def key_terms(question: str, names: Sequence[str] = ()) -> list[str]:
    """The question's content words, lower case, without stop words and the words of `names`."""
    named = {w.lower() for n in names for w in _WORD.findall(n)}
    return list(dict.fromkeys(w.lower() for w in _WORD.findall(question)
                              if w.lower() not in STOP_WORDS and w.lower() not in named and len(w) > 2))


@functools.cache
def _snowball():
    import Stemmer  # PyStemmer, the stemmer the BM25 index uses

    return Stemmer.Stemmer("english")


@functools.lru_cache(maxsize=4096)
def _stem(term: str) -> str:
    """The start every form of `term` shares: the part of its Snowball stem that spells the word itself, less
    a closing "i" ("sharing" -> "shar", "accepting" -> "accept", "policy" -> "polic", "companies" -> "compan"),
    so that a word-start match finds share, shared, acceptance, policies."""
    word = term.lower()
    prefix = os.path.commonprefix([word, _snowball().stemWord(word)])
    if prefix.endswith("i") and len(prefix) > 4:
        prefix = prefix[:-1]
    return prefix if len(prefix) >= 3 else word


@functools.lru_cache(maxsize=1024)
def term_pattern(term: str) -> re.Pattern:
    """`term` as a whole word with any ending ("sell" matches sells, selling; "recording" recordings)."""
    return re.compile(rf"(?<!\w){re.escape(_stem(term))}\w*", re.IGNORECASE)


def terms_in(text: str, terms: Sequence[str]) -> float:
    """The share of `terms` found in `text` (0 without terms)."""
    if not terms:
        return 0.0
    return sum(1 for t in terms if term_pattern(t).search(text)) / len(terms)


def term_counts(text: str, spans: np.ndarray, terms: Sequence[str]) -> np.ndarray:
    """How many of `terms` each sentence (`spans` into `text`, in text order) holds, shape (n,): a sentence
    holds a term where `term_pattern(term)` matches inside it."""
    counts = np.zeros(len(spans), dtype=np.int64)
    if not terms or not len(spans):
        return counts
    spans = np.ascontiguousarray(spans, dtype=np.int64).reshape(-1, 2)
    index = _word_index(text, spans.tobytes())
    for term in terms:
        stem = _stem(term)
        held = np.zeros(len(spans), dtype=bool)  # a mask, not np.unique: 1 ms a term at 180,000 sentences
        if index is not None and _PLAIN.fullmatch(stem):
            held[index.holding(stem)] = True
        elif index is not None and stem in index.searched:
            held[index.searched[stem]] = True
        else:  # "don't", "two-factor": the whole text searched (0.1 s at 23 million characters), kept by stem
            starts = np.fromiter((m.start() for m in term_pattern(term).finditer(text)), dtype=np.int64)
            at, inside = _sentence_at(spans, starts)
            held[at[inside]] = True
            if index is not None and len(index.searched) < SEARCHED_KEPT:
                index.searched[stem] = at[inside]
        counts += held
    return counts


def sentences_matching(text: str, spans: np.ndarray, words: re.Pattern) -> np.ndarray:
    """Indices (ascending) of the sentences (`spans` into `text`, text order) in which `words` match."""
    starts = np.fromiter((m.start() for m in words.finditer(text)), dtype=np.int64)
    if not len(starts) or not len(spans):
        return np.zeros(0, dtype=np.int64)
    at, inside = _sentence_at(np.asarray(spans, dtype=np.int64).reshape(-1, 2), starts)
    return np.unique(at[inside]).astype(np.int64)


def _sentence_at(spans: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each text offset in `starts`, the sentence of `spans` ((n, 2), text order) it may fall in, and
    whether it does (offsets between sentences fall in none)."""
    at = np.searchsorted(spans[:, 0], starts, side="right") - 1
    return at, (at >= 0) & (starts < spans[np.clip(at, 0, None), 1])


_TOKEN = re.compile(r"\w+")
_PLAIN = re.compile(r"[a-z]+")
# Letters that case-insensitive matching takes for ASCII ones and `str.lower` does not ("ſ" for "s"; the
# `re` documentation names these four): a text holding one is searched term by term, as `term_pattern` does.
_FOLDED = re.compile("[\u0130\u0131\u017f\u212a]")


SEARCHED_KEPT = 256  # stems a text's word index keeps the sentences of (`_WordIndex.searched`)


@dataclass(frozen=True)
class _WordIndex:
    """A text's distinct lower-case words (`\\w+`), sorted, and the sentences holding each: those of word i
    are `sentences[offsets[i]:offsets[i + 1]]` (ascending; compact, so a large policy's index stays small).
    `searched`: for a stem the words cannot answer ("don't"), the sentences its search of the text found."""

    words: list[str]
    offsets: np.ndarray
    sentences: np.ndarray
    searched: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    def holding(self, stem: str) -> np.ndarray:
        """The sentences holding a word that starts with `stem` (lower-case ASCII letters): each word's in
        turn, so a sentence holding two such words comes twice."""
        first = bisect.bisect_left(self.words, stem)
        last = bisect.bisect_left(self.words, stem[:-1] + chr(ord(stem[-1]) + 1))
        return self.sentences[self.offsets[first]:self.offsets[last]]


@functools.lru_cache(maxsize=16)  # more than the policies one question decides in full
def _word_index(text: str, spans: bytes) -> _WordIndex | None:
    """The words of `text` inside the sentences `spans` ((n, 2) int64, text order, as bytes); None for a text
    whose case folding `str.lower` does not mirror (`_FOLDED`)."""
    if _FOLDED.search(text):
        return None
    bounds = np.frombuffer(spans, dtype=np.int64).reshape(-1, 2)
    ids: dict[str, int] = {}
    starts, word_ids = [], []
    for match in _TOKEN.finditer(text):
        starts.append(match.start())
        word_ids.append(ids.setdefault(match.group().lower(), len(ids)))
    at, inside = _sentence_at(bounds, np.asarray(starts, dtype=np.int64))
    words = sorted(ids)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[[ids[word] for word in words]] = np.arange(len(words))
    pairs = np.unique(rank[np.asarray(word_ids, dtype=np.int64)[inside]] * max(1, len(bounds)) + at[inside])
    word_of, sentence = np.divmod(pairs, max(1, len(bounds)))
    offsets = np.searchsorted(word_of, np.arange(len(words) + 1))
    return _WordIndex(words, offsets, sentence.astype(np.int32))


# What a policy also calls a thing a question says is kept ("how long do they hang on to my CV?": "If the application
# is not accepted, the data is kept for a maximum period of 2 years"; "my face data": "…your facial geometry…")
_ALSO_CALLED = {"cv": ("curriculum", "resume", "résumé", "application", "applicant", "candidate"),
                "resume": ("cv", "curriculum", "application", "applicant", "candidate"), "face": ("facial",),
                "gps": ("geolocation", "location"), "location": ("geolocation", "geo-location"),
                "email": ("e-mail", "contact"), "address": ("contact",)}


def also_called(thing: str) -> tuple[str, ...]:
    """`thing`, what a policy also calls it (`_ALSO_CALLED`) and a hyphenated thing's last part ("anti-cheat data":
    "…fraud and cheating…")."""
    part = thing.rsplit("-", 1)[-1]
    return (thing, *_ALSO_CALLED.get(thing, ()), *((part,) if part != thing and len(part) > 3 else ()))
