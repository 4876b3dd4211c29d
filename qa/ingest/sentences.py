"""Cutting a policy's text into sentences: what the index embeds one by one and the answer quotes.

Sentences are found by punctuation and line breaks; offsets are character positions into the policy text.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

# Bumped when sentences are cut differently: a PostgreSQL index's version key holds it, so its next build
# stores every policy's sentences again (a folder build cuts them anew each time). 2: abbreviations; 3: HTML
# line breaks.
SENTENCE_RECIPE = 3

# A sentence ends at . ! or ? (optionally closed by a quote or bracket) before white space and a capital,
# digit, bullet or opening quote; a line break always ends one (lists, headings, addresses), as does an HTML
# one ("…appropriate to your location.  <br>  <br>To help you monitor use of your account…"). A table's row
# stays whole: its cells say one thing together ("Billing data | Accounting | 10 years").
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*[ \t]+(?=[A-Z0-9\"'“‘(•\-–])|\n+|[ \t]*(?i:<br\s*/?>)[ \t]*")
# A full stop that closes an abbreviation ends no sentence ("the EU-U.S. Data Privacy Framework", "Magnite,
# Inc. (“Magnite”)", "e.g. iOS", "Art. 6 GDPR", "P.O. Box"), unless the next word is one that starts
# sentences ("… a Delaware corporation, Acme Inc. We collect …"); a longer sentence misleads less than a
# fragment quoted as if it were one.
_ABBREVIATION = re.compile(
    r"(?<![\w.])(?:Inc|Ltd|Corp|Co|LLC|L\.L\.C|PLC|GmbH|Pty|S\.A|S\.L|S\.p\.A|B\.V|N\.V|A\.G|[A-Z]\.[A-Z](?:\.[A-Z])*"
    r"|e\.g|i\.e|E\.g|I\.e|cf|vs|viz|approx|Art|Arts|para|paras|Sec|No|Nos|Nr|Dr|Mr|Mrs|Ms|Prof|St|Pub|Reg|P\.O)"
    r"\.[\"'”’)\]]*$")
_STARTS_SENTENCE = re.compile(
    r"(?:We|You|Your|Our|Us|I|My|It|Its|They|Their|He|She|If|The|This|These|That|Those|There|To|For|In|On|At|By"
    r"|As|All|Any|Each|Some|Such|When|Where|While|Please|Learn|Click|See|Visit|Read|Contact|Opt|Note|However"
    r"|Also|A|An|Unless|Under|Upon|With|Without|After|Before|Additionally|Furthermore|Moreover)\b")


_NUMBER = re.compile(r"\d{1,2}(\.\d{1,2})*\.?")


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Sentence spans of `text` as (start, end), shifted by `offset`, without surrounding white space.

    Spans with no letter or digit (stray bullets, rules) are left out.
    """
    spans: list[Span] = []
    start = 0
    for match in [*_boundaries(text), None]:
        end = match.start() if match else len(text)
        piece = text[start:end]
        stripped = piece.strip()
        if any(ch.isalnum() for ch in stripped):
            lead = len(piece) - len(piece.lstrip())
            spans.append((offset + start + lead, offset + start + lead + len(stripped)))
        if match:
            start = match.end()
    return _join_numbering(text, offset, spans)


def _boundaries(text: str) -> list[re.Match]:
    """Where sentences end: `_BOUNDARY`, less the full stops of abbreviations in mid-sentence (a line break, HTML's
    too, always ends one)."""
    return [match for match in _BOUNDARY.finditer(text)
            if any(mark in match.group() for mark in "\n<")
            or not _ABBREVIATION.search(text, max(0, match.start() - 12), match.start())
            or _STARTS_SENTENCE.match(text, match.end())]


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
