"""Markdown policies: kept as written (never rendered), with the ATX and setext headings they mark."""

from __future__ import annotations

import re
from pathlib import Path

from qa.ingest.formats.limits import Budget
from qa.ingest.formats.text import MAX_HEADING_CHARS, Extracted, Headings, decoded_text


def extract_markdown(data: bytes, path: Path, budget: Budget) -> Extracted:
    """A .md/.markdown file: its decoded text as written, and its headings (None when it marks none)."""
    text = decoded_text(data, path, budget)
    return Extracted(text, markdown_headings(text))


_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*))?$")


def _strip_closing_hashes(title: str) -> str:
    """An ATX title without its optional closing run of '#' (which must follow a space, or be all).

    Done with str methods rather than the regex `(?:^|[ \t]+)#+$`, which `re.sub` tries at every
    position: quadratic on a long run of spaces ("# a" + 1 MB of spaces + "b" took minutes).
    """
    without = title.rstrip("#")
    if without == title or (without and without[-1] not in " \t"):
        return title
    return without.rstrip(" \t")


_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)$")


# A setext underline ("Privacy Policy" over "=====" or "-----"), as Open Terms Archive's Markdown has most of
# its headings; the line above is the heading when it is a one-line paragraph.
_SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_NOT_SETEXT_TITLE = re.compile(r" {0,3}(?:[-*+>|#]|\d+[.)]\s)")


def markdown_headings(text: str) -> Headings | None:
    """(offset of the line, title) of each heading outside fenced code, in text order; None when none."""
    headings: list[tuple[int, str]] = []
    fence = ""  # the opening fence while inside a fenced code block
    offset = 0
    above: list[tuple[int, str]] = [(0, ""), (0, "")]  # the two lines above: (offset, text)
    for line in text.split("\n"):
        if not fence and _SETEXT.match(line) and above[1][1].strip() and not above[0][1].strip() \
                and not _NOT_SETEXT_TITLE.match(above[1][1]):
            title = above[1][1].strip()
            if len(title) <= MAX_HEADING_CHARS:
                headings.append((above[1][0], title))
        elif fence:
            m = _FENCE.match(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2).strip():
                fence = ""
        elif (m := _FENCE.match(line)) and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence = m.group(1)
        elif m := _ATX.match(line):
            title = _strip_closing_hashes((m.group(2) or "").strip()).strip()
            if title and len(title) <= MAX_HEADING_CHARS:
                headings.append((offset, title))
        above = [above[1], (offset, line)]
        offset += len(line) + 1
    return tuple(headings) or None
