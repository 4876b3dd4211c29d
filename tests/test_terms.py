"""Key terms and where a policy writes them: the word index `term_counts` reads a large policy through
counts exactly what a regular expression per term finds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.ingest.sentences import split_sentences
from qa.search.terms import _word_index, key_terms, term_counts, term_pattern

ROOT = Path(__file__).resolve().parent.parent


def by_pattern(text: str, spans: np.ndarray, terms) -> np.ndarray:
    """What `term_counts` must give: for each sentence, how many terms' patterns match inside it."""
    return np.array([sum(1 for t in terms if any(a <= m.start() < b for m in term_pattern(t).finditer(text)))
                     for a, b in spans], dtype=np.int64)


def sentences_of(text: str) -> np.ndarray:
    return np.array(split_sentences(text, 0), dtype=np.int64).reshape(-1, 2)


def test_counts_on_the_seed_policies_equal_a_pattern_per_term():
    questions = ["Does the company sell my data to brokers?", "How long do they keep call recordings?",
                 "Who do they share my details with, and do they use cookies or Google Analytics?",
                 "Can I ask them to delete my account, or correct what's wrong?", "We're a school: pupils' data?"]
    for path in sorted((ROOT / "policies").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        spans = sentences_of(text)
        for question in questions:
            terms = key_terms(question)
            assert np.array_equal(term_counts(text, spans, terms), by_pattern(text, spans, terms)), (path.name, terms)


WORDS = ["sell", "Sells", "SOLD", "selling", "resell", "share", "shared", "we're", "e-mail", "cookie", "ſell",
         "İnfo", "info", "café", "naïve", "2sell", "_sell", "data", "K", "keep", "kept"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS + [" ", ". ", ", ", "\n", "-", "'"]), min_size=1, max_size=60),
       st.lists(st.sampled_from(["sell", "share", "we're", "e-mail", "cookies", "info", "keep", "naive", "café"]),
                min_size=1, max_size=4, unique=True))
def test_counts_equal_a_pattern_per_term_on_any_text(pieces, terms):
    text = "".join(pieces)
    spans = sentences_of(text)
    if len(spans):
        assert np.array_equal(term_counts(text, spans, terms), by_pattern(text, spans, terms))


def test_a_text_that_case_folding_treats_apart_is_searched_term_by_term():
    assert _word_index("We never ſell it.", np.array([[0, 17]], dtype=np.int64).tobytes()) is None
    assert term_counts("We never ſell it.", np.array([[0, 17]]), ["sell"]).tolist() == [1]  # as re matches it


def test_the_passage_holding_a_sentence_is_found_by_bisecting_as_by_reading_every_one():
    from types import SimpleNamespace

    from qa.search.passages import _first_holding

    # overlapping passages in text order, as the splitter cuts them: 0-100, 80-180, 160-260, ...
    passages = [SimpleNamespace(start=80 * i, end=80 * i + 100) for i in range(50)]
    reads: list[int] = []

    class Counted(list):
        def __getitem__(self, row):
            reads.append(row)
            return list.__getitem__(self, row)

    rows = np.arange(len(passages), dtype=np.int64)
    for sentence in [(0, 10), (85, 95), (90, 170), (95, 185), (3990, 4000), (150, 400), (3995, 4100)]:
        first = next((p for p in passages if p.start <= sentence[0] and sentence[1] <= p.end), None)
        reads.clear()
        assert _first_holding(Counted(passages), rows, sentence) is first, sentence
        assert len(reads) <= 8  # a bisection, not a read of all 50


def test_a_term_the_word_index_cannot_answer_is_searched_once_and_kept():
    """"we're" is looked for in the whole text; the sentences found are kept by stem, and a later count (a
    term of the same stem: "were" is not one) gives what a fresh search does."""
    text = "We're here. Were we? WE'RE SURE. We’re curly. we'rein."
    spans = sentences_of(text)
    index = _word_index(text, np.ascontiguousarray(spans, dtype=np.int64).tobytes())
    first = term_counts(text, spans, ["we're"])
    assert "we'r" in index.searched
    assert np.array_equal(term_counts(text, spans, ["we're"]), first)
    assert np.array_equal(first, by_pattern(text, spans, ["we're"]))
