"""Training rows of other sources that quote a held-out OPP-115 policy, left out of training.

PI-Extract's sentences are OPP-115's own (362 of its 515 training sentences), and a few MAPP and ToS;DR rows
quote OPP-115 policies too: without this, sentences of the held-out (calibration and test) OPP-115
policies were trained on through them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.train.practice_data import Rows

QUOTE_CHARS = 60  # an OPP-115 sentence this long found word for word in another row is a quotation of it
EXCLUDED = "excluded"  # the part of a row no head trains on and no report counts


def _plain(text: str) -> str:
    body = text.split("\n", 1)[1] if "\n" in text else text  # the embedded text's first line is the name
    return re.sub(r"\s+", " ", body.lower()).strip()


def exclude_quotes_of_held_out(rows: Rows) -> int:
    """Mark EXCLUDED every training row of another source (PI-Extract, MAPP, ToS;DR) that holds, word for word
    (case and white space aside), a sentence of QUOTE_CHARS or more of an OPP-115 calibration or test policy:
    PI-Extract's sentences are OPP-115's own, so without this a held-out policy's sentences were trained on.
    Returns how many rows were excluded."""
    held = [_plain(t) for t, s, p in zip(rows.texts, rows.source, rows.part)
            if s == "opp115-sentence" and p != "train"]
    by_start: dict[str, list[str]] = {}
    for sentence in {h for h in held if len(h) >= QUOTE_CHARS}:
        by_start.setdefault(sentence[:30], []).append(sentence)
    excluded = 0
    for i, (text, source, part) in enumerate(zip(rows.texts, rows.source, rows.part)):
        if source.startswith("opp115") or part != "train":
            continue
        body = _plain(text)
        for at in range(len(body) - QUOTE_CHARS + 1):
            found = by_start.get(body[at:at + 30])
            if found and any(body.startswith(sentence, at) for sentence in found):
                rows.part[i] = EXCLUDED
                excluded += 1
                break
    return excluded
