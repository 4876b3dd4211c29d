"""Quotes that never mislead: the spans of a policy an answer quotes, and what they leave out.

`build_quotes` turns the sentences the answer path chose (policy offsets) into quotes that a reader can
take at their word:

- a quote is a span of whole sentences or whole list items (a passage that starts mid-sentence is read
  from the start of that sentence);
- a following sentence that limits or reverses it ("Unless there is an issue in which case we may keep
  recordings for longer.", "however", "except", "subject to", "provided that") joins it; a chosen sentence
  that opens by limiting the one before it ("Unless…", "However,…", "Otherwise…") is quoted with that one
  (alone, "we may keep recordings for longer" hides the 30 days it is the exception to);
- a following sentence that only makes sense with it, because it details it ("These features may collect your
  IP address…", "This is usually contact and billing information…", "For example, …", "Note: …"), joins it
  (one such sentence, same paragraph);
- a chosen sentence that points back ("To exercise these rights…", "In these instances…") is quoted with the one
  before it;
- a run-in heading chosen alone ("Do-Not-Track Signals." opening a paragraph) is quoted with the sentence after it,
  which says what it heads;
- a list is quoted from its lead-in ("We may share your personal data with:") through the last item
  chosen (at least `ITEMS_SHOWN` items); the items left out are carried in `Quote.more`, so every
  interface can say "+2 more items" and open them in place;
- quoted sentences that are not adjacent are separate quotes, the later one with `gap_before`, shown with
  "…" between them;
- a heading, a bare number ("8.2") or an empty line is never quoted.

Every quote's text is `policy.text[start:end]`: offsets are character positions into the policy text.
The chat, Copy, the Markdown export, `policyqa ask` (text and JSON) and the compare grid all show these
spans as they are; none of them extends or trims a quote again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.ingest.sentences import split_sentences
from qa.types import Quote, Span

ITEMS_SHOWN = 2  # list items a quoted list shows at least (more when a later item is the answer)
WINDOW = 4000  # characters read around the passage: lists and qualifiers beyond it are still found
GROW_LIMIT = 1200  # characters a quote may grow to by qualifiers and dangling clauses (lists excepted)
MAX_ITEMS = 60  # items read into one list
# A "list" of paragraphs under a colon (a section listing services, each a paragraph) is no list to quote
# whole; nor is one whose quoted part would run past LIST_LIMIT: the chosen sentence is quoted instead.
ITEM_LIMIT = 300
LABEL, LABEL_AFTER = 40, 4  # unbulleted items this short end before a line LABEL_AFTER times as long as the longest
LIST_LIMIT = 1500

# A sentence that limits or reverses the one before it. Matched at its start ("Unless…", "However,…"),
# or anywhere for the words that only ever qualify ("unless", "except where", "may keep … longer").
_QUALIFIER_START = re.compile(
    r"^\W*(?:unless|except|however|but|subject\s+to|provided\s+that|providing\s+that|otherwise|although|though|"
    r"nevertheless|nonetheless|notwithstanding|save\s+(?:that|where|for)|this\s+does\s+not\s+apply|"
    r"in\s+(?:some|certain|exceptional|limited|rare)\s+(?:cases|circumstances))\b", re.IGNORECASE)
_QUALIFIER_ANYWHERE = re.compile(
    r"\b(?:unless|except\s+(?:where|when|if|as|for|that|in)|subject\s+to|provided\s+that)\b"
    r"|\bmay\s+(?:keep|retain|store|hold|need\s+to\s+keep)\b[^.]*\blonger\b", re.IGNORECASE)
# A sentence that makes no sense without the one before it: it opens by limiting or reversing it.
_LIMITS_PREVIOUS = re.compile(
    r"^\W*(?:unless|however|but|otherwise|nevertheless|nonetheless|save\s+(?:that|where|for)|"
    r"this\s+does\s+not\s+apply|in\s+(?:some|certain|exceptional|limited|rare|such)\s+(?:cases|circumstances))\b",
    re.IGNORECASE)
# A sentence that details the one before it and is read with it: "This may include…", "These features may collect…",
# "For example, …", "Note: …".
_DETAILS_PREVIOUS = re.compile(
    r"^\W*(?:for\s+(?:example|instance)\b|e\.g\.|note:|please\s+note\b|"
    r"(?:this|these|such)(?:\s+[a-z]+){0,2}?\s+(?:may|might|can|could|will|would|is|are|includes?|including|"
    r"usually|typically|generally|normally|often|consists?|comprises?|covers?)\b)", re.IGNORECASE)
# A sentence that opens by pointing back ("To exercise these rights…", "In these instances…", "Such requests…"): it
# is quoted with the sentence before it, which says what it points at.
_REFERS_BACK = re.compile(
    r"^\W*(?:(?:to|in\s+order\s+to)\s+(?:exercise|do|make|use)\s+(?:this|these|that|those|so|such)\b|"
    r"in\s+(?:these|those|such|this|that|either|each\s+of\s+these)\s+(?:instances?|cases?|circumstances|situations?|"
    r"events?)\b|(?:these|those|such)\s+(?!as\b)[a-z]+)", re.IGNORECASE)
# A run-in heading: a few capitalised words ending in a full stop, at the start of a paragraph ("Do-Not-Track
# Signals. Please note we do not…").
_RUN_IN_HEADING = re.compile(r"^\W*(?:[A-Z][\w'’-]*\s+){0,4}[A-Z][\w'’-]*\.\s*$")
# A line standing alone in bold is a heading ("**Are children allowed to use the Evernote Service?**", "**Disable or
# delete your account**"), though the policy's own markup did not make it one; not a lead-in ("**We do not:**")
_BOLD_LINE = re.compile(r"[ \t]*([*_]?)(?:\*\*|__)[^*_\n]{2,120}(?<![:;,])(?:\*\*|__)\1[ \t]*")  # (or italic too)
# A span ending like this goes on in the next sentence or line ("…destination country; or").
_DANGLING = re.compile(r"(?:[;,\u2013\u2014-]|\b(?:and|or|including|such as|e\.g\.|i\.e\.))\s*$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-•*·▪◦●‣–—]|\(?[a-z]\)|\(?[ivx]{1,4}\)|\(\d{1,2}\))\s+")
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
PHONE_DIGITS = 7  # a line of no letters with this many digits is a phone number, not a bare number ("8.2")


@dataclass(frozen=True)
class _List:
    lead_in: Span | None
    items: tuple[Span, ...]


def more_items_text(count: int) -> str:
    """ "+2 more items" (or "+1 more item"): what a cut list says about the rest."""
    return f"+{count} more item{'' if count == 1 else 's'}"


def _lines(text: str, lo: int, hi: int) -> list[Span]:
    """Non-blank lines of `text[lo:hi]` as stripped (start, end) spans."""
    out = []
    for match in re.finditer(r"[^\n]+", text[lo:hi]):
        raw = match.group()
        stripped = raw.strip()
        if stripped:
            start = lo + match.start() + (len(raw) - len(raw.lstrip()))
            out.append((start, start + len(stripped)))
    return out


class _Reader:
    """The sentences, lines, headings and lists of one window of a policy."""

    def __init__(self, policy, lo: int, hi: int) -> None:
        text = policy.text
        self.text = text
        self.lo = text.rfind("\n", 0, lo) + 1
        end = text.find("\n", hi)
        self.hi = len(text) if end < 0 else end
        self.sentences = split_sentences(text[self.lo:self.hi], self.lo)
        self.lines = _lines(text, self.lo, self.hi)
        starts = {int(s) for s, _ in getattr(policy, "headings", ()) or ()}
        self.heading_lines = [line for line in self.lines if line[0] in starts or bold_line(text, line)]

    def is_heading(self, span: Span) -> bool:
        return any(s <= span[0] and span[1] <= e for s, e in self.heading_lines)

    def is_bare(self, span: Span) -> bool:
        """No letter in it: a number ("8.2"), a rule, an empty line; not a phone number ("0333 111 0004")."""
        words = self.text[span[0]:span[1]]
        return not _LETTER.search(words) and len(_DIGIT.findall(words)) < PHONE_DIGITS

    def quotable(self, span: Span) -> bool:
        return not self.is_heading(span) and not self.is_bare(span)

    def line_of(self, pos: int) -> int | None:
        for i, (s, e) in enumerate(self.lines):
            if s <= pos < e:
                return i
        return None

    def list_at(self, span: Span) -> _List | None:
        """The list `span` is the lead-in or an item of, if any."""
        i = self.line_of(span[0])
        if i is None:
            return None
        line = self.lines[i]
        if _ends_lead_in(self.text[line[0]:line[1]]) and span[1] >= line[1] - 1:
            items = self._items_after(i)
            return _List(self._lead_in(line), items) if items else None
        # An item: walk back to its lead-in (or the start of a bulleted run).
        j = i
        bulleted = bool(_BULLET.match(self.text[line[0]:line[1]]))
        while j > 0:
            prev = self.lines[j - 1]
            prev_text = self.text[prev[0]:prev[1]]
            # (a Markdown heading ending in a colon leads its bulleted list: "##### **We do not … engage in:**")
            heading_lead_in = bulleted and prev_text.lstrip().startswith("#") and _ends_lead_in(prev_text)
            if self.is_heading(prev) and not heading_lead_in:
                break
            if _ends_lead_in(prev_text):
                items = self._items_after(j - 1)
                if any(s <= span[0] < e for s, e in items):
                    return _List(self._lead_in(prev), items)
                break
            if bulleted and not _BULLET.match(prev_text):
                break
            if not bulleted and i - j >= MAX_ITEMS:
                break
            j -= 1
        if bulleted:
            run = self._bullets_from(j)
            return _List(None, run) if len(run) > 1 else None
        return None

    def _lead_in(self, line: Span) -> Span:
        """The sentence of `line` that ends it with a colon: a list's lead-in, without what comes before."""
        last = [u for u in self.sentences if line[0] <= u[0] and u[1] <= line[1]]
        return (last[-1][0], line[1]) if last else line

    def _items_after(self, lead: int) -> tuple[Span, ...]:
        """The items of the list whose lead-in is line `lead`: bulleted lines (blank lines allowed between
        them), or, when the first is not bulleted, every line up to a heading or the next lead-in;
        bare numbers ("8.1") between items are skipped."""
        items: list[Span] = []
        bulleted = None
        for line in self.lines[lead + 1:]:
            line_text = self.text[line[0]:line[1]]
            if self.is_heading(line) or len(items) >= MAX_ITEMS:
                break
            if self.is_bare(line):
                continue
            has_bullet = bool(_BULLET.match(line_text))
            if bulleted is None:
                bulleted = has_bullet
            elif bulleted and not has_bullet:
                break
            if not bulleted and items and _ends_lead_in(line_text):
                break
            # a paragraph after a run of short labels ("[Safari](#)", "[Firefox](#)") is no item of theirs
            longest = max((e - s for s, e in items), default=0)
            if not bulleted and len(items) >= 2 and longest <= LABEL and len(line_text) > LABEL_AFTER * longest:
                break
            items.append(line)
        return tuple(items)

    def _bullets_from(self, j: int) -> tuple[Span, ...]:
        run: list[Span] = []
        for line in self.lines[j:]:
            if self.is_heading(line) or not _BULLET.match(self.text[line[0]:line[1]]) or len(run) >= MAX_ITEMS:
                break
            run.append(line)
        return tuple(run)

    def next_sentence(self, end: int) -> Span | None:
        """The sentence after position `end`, unless a heading comes first."""
        for sentence in self.sentences:
            if sentence[0] >= end:
                if any(end <= s < sentence[0] + 1 for s, _ in self.heading_lines) or self.is_heading(sentence):
                    return None
                return sentence
        return None

    def previous_sentence(self, start: int) -> Span | None:
        before = [u for u in self.sentences if u[1] <= start]
        return before[-1] if before else None


def _ends_lead_in(line: str) -> bool:
    """Whether `line` ends with a colon, Markdown emphasis around it aside ("**Windstream does not:**")."""
    return line.rstrip().rstrip("*_ ").endswith(":")


def lead_in_of(policy, span: Span) -> Span | None:
    """The lead-in of the list `span` is an item of ("We do not collect the following categories:"), if any."""
    text, lo = policy.text, max(0, span[0] - WINDOW // 2)
    line = text.rfind("\n", 0, span[0]) + 1
    if _LETTER.search(text[line:span[0]]) or ":" not in text[lo:span[0]]:
        return None  # not the start of its line (an item starts one), or no colon before it: no list item
    found = _Reader(policy, lo, span[1]).list_at(span)
    if found is None or found.lead_in is None or found.lead_in[0] <= span[0] < found.lead_in[1]:
        return None
    return found.lead_in


def _grow(reader: _Reader, span: Span) -> Span:
    """`span` grown over a dangling clause, a hard-wrapped line, the sentence it limits or points back to (when it
    opens with "Unless…", "However,…", "To exercise these rights…"), the qualifiers that follow it and one sentence
    that details it ("These features may collect…")."""
    text = reader.text
    start, end = span
    previous = reader.previous_sentence(start)
    # A sentence cut by a hard line wrap ("…which we\nkeep for 30 days."): read from its start.
    while (previous is not None and text[start:start + 1].islower() and reader.quotable(previous)
           and "\n\n" not in text[previous[1]:start] and not re.search(r"[.!?:]['\")\]”’]*$", text[:previous[1]])):
        start = previous[0]
        previous = reader.previous_sentence(start)
    # "Unless there is an issue…" limits the sentence before it (same paragraph): quote that one with it.
    opening = text[start:end]
    if (previous is not None and (_LIMITS_PREVIOUS.search(opening) or _REFERS_BACK.search(opening))
            and reader.quotable(previous)
            and reader.list_at(previous) is None and "\n\n" not in text[previous[1]:start].replace(" ", "")
            and end - previous[0] <= GROW_LIMIT):
        start = previous[0]
    detailed = False
    while end - start < GROW_LIMIT:
        nxt = reader.next_sentence(end)
        if nxt is None or not reader.quotable(nxt) or reader.list_at(nxt) is not None:
            break
        between = text[end:nxt[0]]
        same_paragraph = "\n\n" not in between.replace(" ", "").replace("\t", "")
        continues = same_paragraph and (_DANGLING.search(text[start:end]) is not None
                                        or (text[nxt[0]:nxt[0] + 1].islower()
                                            and not re.search(r"[.!?]['\")\]”’]*$", text[start:end])))
        sentence = text[nxt[0]:nxt[1]]
        qualifies = _QUALIFIER_START.search(sentence) is not None or _QUALIFIER_ANYWHERE.search(sentence) is not None
        details = not detailed and same_paragraph and _DETAILS_PREVIOUS.search(sentence) is not None
        if not (continues or qualifies or details) or nxt[1] - start > GROW_LIMIT:
            break
        detailed = detailed or (details and not (continues or qualifies))
        end = nxt[1]
    return start, end


def _chosen_sentences(reader: _Reader, chosen: Sequence[Span]) -> list[Span]:
    return [u for u in reader.sentences if any(s < u[1] and u[0] < e for s, e in chosen)]


def build_quotes(policy, hit, chosen: Sequence[Span]) -> tuple[Quote, ...]:
    """The quotes for `hit` (a passage `Hit` of `policy`) that answer with the sentences `chosen`.

    `policy` has `.id`, `.text` and `.headings` ((start, title) pairs); `hit` has `start`, `end`,
    `name` and `section`; `chosen` are (start, end) spans, character offsets into the policy text (the
    answer path passes the hit's highlights). Returns quotes in text order, each of whole sentences or
    list items, grown by the rules in the module docstring; () when nothing quotable was chosen and the
    passage has no sentence either.
    """
    text = policy.text
    reader = _Reader(policy, max(0, min([hit.start, *(s for s, _ in chosen)]) - WINDOW),
                     min(len(text), max([hit.end, *(e for _, e in chosen)]) + WINDOW))
    sentences = [u for u in _chosen_sentences(reader, chosen) if reader.quotable(u)]
    if not sentences:  # only a heading or a number was chosen: the first sentence after it says more (beyond the
        after = max(hit.start, min((s for s, _ in chosen), default=hit.start))  # passage when it is the heading alone)

        def first_quotable(lo: int, hi: int) -> Span | None:
            return next((u for u in reader.sentences if lo <= u[0] < hi and reader.quotable(u)), None)
        opening = first_quotable(after, hit.end) or first_quotable(hit.start, hit.end) or \
            first_quotable(max(hit.end, after), len(text))
        sentences = [opening] if opening is not None else []
    sentences = [_with_what_it_heads(reader, u) for u in sentences]
    groups: list[tuple[Span, tuple[Span, ...]]] = []
    lists: dict[Span, tuple[_List, list[int]]] = {}
    for sentence in sentences:
        found = reader.list_at(sentence)
        if found is not None and _too_long(found, sentence):
            found = None  # paragraphs under a colon, or the answer far down a long list: quote the sentence
        if found is None:
            groups.append((_grow(reader, sentence), ()))
            continue
        key = found.lead_in or found.items[0]
        _, picked = lists.setdefault(key, (found, []))
        picked += [i for i, (s, e) in enumerate(found.items) if s < sentence[1] and sentence[0] < e]
    for found, picked in lists.values():
        last = max([*picked, ITEMS_SHOWN - 1])
        shown, rest = found.items[:last + 1], found.items[last + 1:]
        start = found.lead_in[0] if found.lead_in else shown[0][0]
        span = (start, shown[-1][1])
        if not rest:
            span = _grow(reader, span)
        groups.append((span, rest))
    return _as_quotes(policy, hit, groups)


def bold_line(text: str, span: Span) -> bool:
    """Whether `span` of `text` lies on a line standing alone in bold (`_BOLD_LINE`): a heading."""
    start, end = text.rfind("\n", 0, span[0]) + 1, text.find("\n", span[1])
    return _BOLD_LINE.fullmatch(text, start, len(text) if end < 0 else end) is not None


def run_in_heading(text: str, sentence: Span) -> bool:
    """Whether `sentence` of `text` is a run-in heading: a few capitalised words and a full stop opening a paragraph,
    the paragraph going on after it on the same line ("Do-Not-Track Signals. Please note we do not…")."""
    before = text[max(0, sentence[0] - 80):sentence[0]].rstrip(" \t")
    return (_RUN_IN_HEADING.match(text[sentence[0]:sentence[1]]) is not None and before[-1:] in ("", "\n")
            and text[sentence[1]:sentence[1] + 1] in (" ", "\t") and "\n" not in text[sentence[1]:sentence[1] + 3])


def _with_what_it_heads(reader: _Reader, sentence: Span) -> Span:
    """A run-in heading ("Do-Not-Track Signals.") that opens its paragraph, with the sentence after it."""
    text = reader.text
    if not run_in_heading(text, sentence):
        return sentence
    nxt = reader.next_sentence(sentence[1])
    if nxt is None or "\n" in text[sentence[1]:nxt[0]] or not reader.quotable(nxt):
        return sentence
    return sentence[0], nxt[1]


def _too_long(found: _List, sentence: Span) -> bool:
    """Whether quoting `found` from its lead-in through `sentence` (at least ITEMS_SHOWN items) would run past
    LIST_LIMIT characters, or its items are paragraphs rather than list items (ITEM_LIMIT on average)."""
    if not found.items:
        return False
    average = sum(e - s for s, e in found.items) / len(found.items)
    last = max([i for i, (s, e) in enumerate(found.items) if s < sentence[1] and sentence[0] < e] + [ITEMS_SHOWN - 1])
    start = found.lead_in[0] if found.lead_in else found.items[0][0]
    end = found.items[min(last, len(found.items) - 1)][1]
    return average > ITEM_LIMIT or end - start > LIST_LIMIT


def _as_quotes(policy, hit, groups: list[tuple[Span, tuple[Span, ...]]]) -> tuple[Quote, ...]:
    """Groups joined where they overlap or only white space separates them; the later of two quotes with
    text between them gets `gap_before`."""
    text = policy.text
    merged: list[tuple[int, int, tuple[Span, ...]]] = []
    for (start, end), more in sorted(groups):
        if merged:
            prev_start, prev_end, prev_more = merged[-1]
            if start <= prev_end or not text[prev_end:start].strip():
                new_end = max(prev_end, end)
                kept = more if end >= prev_end else prev_more
                merged[-1] = (prev_start, new_end, tuple(m for m in kept if m[0] >= new_end))
                continue
        merged.append((start, end, more))
    return tuple(Quote(policy=policy.id, name=hit.name, section=hit.section, start=s, end=e, text=text[s:e],
                       gap_before=i > 0, more=more)
                 for i, (s, e, more) in enumerate(merged))
