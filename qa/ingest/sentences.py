"""Cutting a policy's text into sentences: what the index embeds one by one and the answer quotes.

Sentences are found by punctuation and line breaks; offsets are character positions into the policy text.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

# A sentence ends at . ! or ? (optionally closed by a quote or bracket) before white space and a capital,
# digit, bullet or opening quote; a line break always ends one (lists, headings, addresses).
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*[ \t]+(?=[A-Z0-9\"'“‘(•\-–])|\n+")


_NUMBER = re.compile(r"\d{1,2}(\.\d{1,2})*\.?")


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Sentence spans of `text` as (start, end), shifted by `offset`, without surrounding white space.

    Spans with no letter or digit (stray bullets, rules) are left out.
    """
    spans: list[Span] = []
    start = 0
    for match in [*_BOUNDARY.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[start:end]
        stripped = piece.strip()
        if any(ch.isalnum() for ch in stripped):
            lead = len(piece) - len(piece.lstrip())
            spans.append((offset + start + lead, offset + start + lead + len(stripped)))
        if match:
            start = match.end()
    return _join_numbering(text, offset, spans)


def _join_numbering(text: str, offset: int, spans: list[Span]) -> list[Span]:
    """Glue a lone section number ("5.", "4.2.") to the sentence after it on the same line."""
    out: list[Span] = []
    for span in spans:
        if out and _NUMBER.fullmatch(text[out[-1][0] - offset:out[-1][1] - offset]) \
                and "\n" not in text[out[-1][1] - offset:span[0] - offset]:
            out[-1] = (out[-1][0], span[1])
        else:
            out.append(span)
    return out
