"""Specific things a question may ask about inside a practice a policy addresses (two-factor login, a precise
location, photos, the police…): like a name, one a policy never writes in any of its forms is not stated there
(`unmentioned`), and a sentence that writes it is the one quoted (`qa.search.marking`). The names a question uses
are read the same way (`qa.search.asked_names`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from qa.search.lengths import periods
from qa.search.things import SPECIFIC

# One of two things asked ("cookies or web beacons", "my IP address or device IDs"): either answers, so neither is
# a thing the policy must write, unless the other is a form of the same thing ("the police or other authorities").
_OR_BEFORE = re.compile(r"((?:\S+\s+){1,4})or\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_OR_AFTER = re.compile(r"^\s*(?:,\s*)?or\s+((?:\S+\s*){1,4})", re.IGNORECASE)
_OR_JUST_BEFORE = re.compile(r"((?:\S+\s+){1,4})or\s+$", re.IGNORECASE)
_OWNED = re.compile(r"(?:my|our|your|the|their|its)\b", re.IGNORECASE)
# Two verbs joined by "or" before one thing ("Does Cloudflare require or offer two-factor authentication?")
_VERB = (r"(?:requires?|offers?|uses?|supports?|provides?|has|have|enables?|allows?|collects?|stores?|keeps?|shares?|"
         r"sells?|tracks?|records?|needs?|retains?|process(?:es)?|saves?|logs?|gets?|gives?|sends?|sees?|reads?|"
         r"access(?:es)?|scans?|monitors?|enforces?|mandates?)")
_VERBS_OR = re.compile(rf"\b{_VERB}\s+or\s+{_VERB}\s+(?:\w+\s+)?$", re.IGNORECASE)


def _asks(asked: re.Pattern, written: re.Pattern, question: str) -> bool:
    """Whether `question` asks about the thing `asked` / `written`, other than as one of two things joined by "or" (a
    thing asked with its own "my" or "the" follows the "or" at once: "…work out or record my location" joins verbs, as
    two verbs of `_VERB` do: "require or offer two-factor…")."""
    for m in asked.finditer(question):
        before = _OR_BEFORE if not _OWNED.match(question, m.start()) else _OR_JUST_BEFORE
        joined = None if _VERBS_OR.search(question[:m.start()]) else before.search(question[:m.start()])
        other = joined or _OR_AFTER.match(question[m.end():])
        if other is None or asked.search(other.group(1)) or written.search(other.group(1)):
            return True
    return False


def specific_things(question: str, asking: str | None = None) -> tuple[re.Pattern, ...]:
    """How a policy writes each specific thing of `SPECIFIC` that `question` asks about (in the order it names
    them), and each length of time named by `asking`, the sentence that asks (default `question`: "…on 30-day payment
    terms. Will they look into our finances…?" asks for no 30 days) (read once per question, as `named_things` is;
    `unmentioned` checks each policy)."""
    found = [(m.end(), written) for asked, written in SPECIFIC
             if _asks(asked, written, question) and (m := asked.search(question)) is not None]
    return tuple(written for _, written in sorted(found, key=lambda f: f[0])) + periods(
        question if asking is None else asking)


def unmentioned(things: Sequence[re.Pattern], text: str) -> bool:
    """Whether `text` never writes one of `things` (from `specific_things`) in any of its forms."""
    return any(not writes(written, text) for written in things)


@functools.lru_cache(maxsize=4096)
def writes(written: re.Pattern, text: str) -> bool:
    """Whether `text` writes `written` (kept: a question over hundreds of policies reads every text, and the
    same question is asked again)."""
    return written.search(text) is not None
