"""Finding section headings in plain-text policies, which have no markup to say where sections start.

Two kinds of line count as headings: numbered ones ("4.2 Direct Marketing", "8. How long we keep your
data") and short title lines that stand alone ("Security", "Who are we?"). Runs of three or more short
lines in a row are addresses or lists ("Wycliffe House / Water Lane / Wilmslow"), not headings.
"""

from __future__ import annotations

import bisect
import re

from qa.types import Heading

_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*\.?)\s+(?=[A-Za-z'\"‘“(])\S.*$")
_MAX_TITLE_CHARS = 80
_MAX_TITLE_WORDS = 12
# A title line does not end like a sentence or a lead-in to a list.
_SENTENCE_END = (".", ",", ";", ":", "!")
_NOT_TITLE_START = ("-", "•", "*", "[", "<", "(", '"', "'", "“", "‘", "|", ">", "#", "–", "—")


def _is_numbered_heading(line: str) -> bool:
    if not _NUMBERED.match(line) or len(line) > _MAX_TITLE_CHARS:
        return False
    body = line.split(None, 1)[1]
    return not body.endswith((".", ",", ";")) and len(body.split()) <= _MAX_TITLE_WORDS


def _is_title_line(line: str) -> bool:
    if not line or len(line) > _MAX_TITLE_CHARS or len(line.split()) > _MAX_TITLE_WORDS:
        return False
    if line.startswith(_NOT_TITLE_START) or line.endswith(_SENTENCE_END):
        return False
    # Contact details and labelled fields ("Tel: 0303 123 1113", "DPO@centerprise.co.uk").
    if ":" in line or "@" in line or "://" in line or "www." in line:
        return False
    first = line[0]
    return (first.isalpha() and first.isupper()) or (first.isdigit() and any(c.isalpha() for c in line))


def detect_headings(text: str) -> list[Heading]:
    """Headings of a plain-text policy, as (line offset, title) in text order.

    A numbered line always counts; a short title line counts when it is not part of a run of three or
    more short lines in a row (blank lines between them do not break a run).
    """
    lines: list[tuple[int, str]] = []  # non-blank lines: (offset of the stripped line, stripped line)
    offset = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lines.append((offset + raw.index(stripped), stripped))
        offset += len(raw) + 1

    kinds = ["numbered" if _is_numbered_heading(s) else "title" if _is_title_line(s) else "body"
             for _, s in lines]
    headings: list[Heading] = []
    i = 0
    while i < len(lines):
        if kinds[i] == "body":
            i += 1
            continue
        run_end = i
        while run_end + 1 < len(lines) and kinds[run_end + 1] != "body":
            run_end += 1
        run_is_list = run_end - i + 1 >= 3
        for j in range(i, run_end + 1):
            if kinds[j] == "numbered" or not run_is_list:
                headings.append(lines[j])
        i = run_end + 1
    return headings


def section_at(headings: list[Heading], offset: int) -> str:
    """Title of the nearest heading at or above `offset` (a character position), or "" if none."""
    i = bisect.bisect_right(headings, offset, key=lambda h: h[0])
    return headings[i - 1][1] if i else ""
