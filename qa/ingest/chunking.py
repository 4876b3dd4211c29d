"""Cutting a policy into passages: each a verbatim span of the policy text, inside one section.

Offsets are character positions into `Policy.text`, and `policy.text[p.start:p.end] == p.text` holds
for every passage. They are found by locating each split in the text rather than trusted from the
splitter, so the quotation stays exact whatever the splitter does with whitespace.
"""

from __future__ import annotations

import hashlib
import logging
import re

from qa.ingest.sections import section_at
from qa.types import Passage, Policy

# Paragraphs first, then lines, sentences and clauses, so passages end where the prose does. No "" (one
# character at a time) last: langchain would make a Python string of every character of a long token
# (seconds for a 1 MB one); a token longer than a passage is cut into windows here instead.
_SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " "]
_WHITESPACE = re.compile(r"\s+")


def passage_id(policy_id: str, text: str) -> str:
    """Content id: the same text in the same policy always gets the same id."""
    return hashlib.sha256(f"{policy_id}\0{text}".encode()).hexdigest()[:16]


def _section_spans(policy: Policy) -> list[tuple[int, int]]:
    """(start, end) spans from one heading to the next; a heading with no body joins the next span."""
    text = policy.text
    starts = [0] + [start for start, _ in policy.headings if start > 0]
    spans = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        spans.append((start, end))
    merged: list[tuple[int, int]] = []
    pending_start: int | None = None
    heading_starts = {start for start, _ in policy.headings}
    for start, end in spans:
        span_start = start if pending_start is None else pending_start
        only_heading = start in heading_starts and "\n" not in text[start:end].strip()
        if only_heading and end < len(text):
            pending_start = span_start
            continue
        merged.append((span_start, end))
        pending_start = None
    return merged


def _section_of(policy: Policy, start: int) -> str:
    """The section a passage belongs to: the heading in force after any headings it opens with."""
    heading_at = {s: t for s, t in policy.headings}
    text = policy.text
    position = start
    while position in heading_at:
        position += len(heading_at[position])
        line_end = text.find("\n", position)
        position = len(text) if line_end == -1 else line_end
        while position < len(text) and text[position].isspace():
            position += 1
    return section_at(list(policy.headings), min(position, max(len(text) - 1, 0)))


def chunk_policy(policy: Policy, chunk_size: int = 800, chunk_overlap: int = 100) -> list[Passage]:
    """Split one policy into passages of at most `chunk_size` characters, never across sections."""
    # Imported here: langchain takes ~0.4 s to import, which `policyqa --help` and `ask` need not pay.
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size, chunk_overlap=chunk_overlap, separators=_SEPARATORS,
        keep_separator="end", strip_whitespace=True)
    passages: list[Passage] = []
    seen: set[str] = set()
    quiet = logging.getLogger("langchain_text_splitters.base")  # "Created a chunk of size ..." for long tokens
    level, quiet.level = quiet.level, logging.ERROR
    try:
        for span_start, span_end in _section_spans(policy):
            for part_start, part_end in _without_long_gaps(policy.text, span_start, span_end, chunk_size):
                span = policy.text[part_start:part_end]
                cursor = 0
                for piece in _cut_long(splitter.split_text(span), chunk_size, chunk_overlap):
                    found = span.find(piece, cursor)
                    if found < 0:  # the splitter changed the text; never cite what the policy does not say
                        raise AssertionError(f"passage not found verbatim in {policy.id} at {part_start + cursor}")
                    start, end = part_start + found, part_start + found + len(piece)
                    cursor = found + 1
                    pid = passage_id(policy.id, piece)
                    if pid in seen:
                        continue
                    seen.add(pid)
                    passages.append(Passage(id=pid, policy=policy.id, section=_section_of(policy, start),
                                            start=start, end=end, text=piece))
    finally:
        quiet.setLevel(level)
    return passages


def _without_long_gaps(text: str, start: int, end: int, chunk_size: int) -> list[tuple[int, int]]:
    """text[start:end] as spans between runs of white space at least `chunk_size` long.

    No passage can hold such a run, and the splitter would cut it into one piece per space (seconds
    for "# a" + 1 MB of spaces + "b"). One linear scan; ordinary text has no such run and is one span.
    """
    spans, cursor = [], start
    for gap in _WHITESPACE.finditer(text, start, end):
        if gap.end() - gap.start() >= chunk_size:
            if gap.start() > cursor:
                spans.append((cursor, gap.start()))
            cursor = gap.end()
    if cursor < end:
        spans.append((cursor, end))
    return spans


def _cut_long(pieces: list[str], chunk_size: int, chunk_overlap: int) -> list[str]:
    """The splitter's pieces, each longer than `chunk_size` (a token with no separator in it) cut into
    windows of `chunk_size` characters overlapping by `chunk_overlap`, as the splitter's "" would."""
    out = []
    for piece in pieces:
        if len(piece) <= chunk_size:
            out.append(piece)
            continue
        step = chunk_size - chunk_overlap
        for i in range(0, len(piece), step):
            window = piece[i:i + chunk_size].strip()
            if window:
                out.append(window)
            if i + chunk_size >= len(piece):
                break
    return out
