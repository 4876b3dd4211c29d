"""The Compare page's HTML: one grid cell as an escaped quote in context, or a visibly different "Not stated".

Built on `qa.chat.render`: every piece of policy text goes through its escaping (`mark_html`, `citation_html`,
`escape_text`), and the only raw HTML here is constant tags and class names. Offsets are character
positions into the policy text.
"""

from __future__ import annotations

from qa.chat import render
from qa.compare.grid import Cell
from qa.search.verdict import VERDICT_WORDS

# Context shown around the quoted sentences inside a cell, in characters (cut back to a word boundary).
CONTEXT_BEFORE = 50
CONTEXT_AFTER = 90
MAX_QUOTED = 420  # beyond this, only the first quoted sentence is shown in the cell (all are in the policy view)

STYLESHEET = """<style>
.pq-cell { border-radius: 0.45rem; padding: 0.5rem 0.7rem; font-size: 0.9rem; line-height: 1.45;
  overflow-wrap: anywhere; margin-bottom: 0.15rem; }
.pq-cell .pq-cite { margin-bottom: 0.25rem; }
.pq-cell .pq-text { white-space: normal; }  /* line breaks in a short quote read as spaces */
.pq-stated { border-left: 3px solid #f0b429; background: rgba(240, 180, 41, 0.09); }
.pq-stated .pq-context { opacity: 0.72; }
.pq-not-stated { border: 1px dashed rgba(128, 128, 128, 0.55); background: repeating-linear-gradient(
  -45deg, rgba(128, 128, 128, 0.06), rgba(128, 128, 128, 0.06) 6px, transparent 6px, transparent 12px); }
.pq-not-stated .pq-status { font-weight: 650; opacity: 0.8; letter-spacing: 0.02em; }
.pq-cell .pq-verdict { font-weight: 700; margin-right: 0.3rem; }
.pq-topic { font-size: 1.08rem; font-weight: 650; margin: 1.1rem 0 0 0; }
.pq-topic-question { font-size: 0.85rem; opacity: 0.7; margin: 0 0 0.35rem 0; }
.pq-colhead { font-weight: 650; font-size: 0.95rem; border-bottom: 2px solid rgba(128, 128, 128, 0.35);
  padding-bottom: 0.2rem; }
/* Below Streamlit's column breakpoint the columns stack, each cell names its policy, and the header row
   would only repeat the names out of place. */
@media (max-width: 640px) { .pq-colhead, .st-key-compare-head { display: none; } }
</style>"""


def _word_start(text: str, pos: int) -> int:
    """`pos` moved forward to the start of a word (so a context never begins mid-word)."""
    if pos <= 0:
        return 0
    space = text.find(" ", pos)
    return space + 1 if 0 <= space < pos + 20 else pos


def _word_end(text: str, pos: int) -> int:
    if pos >= len(text):
        return len(text)
    space = text.rfind(" ", pos - 20, pos)
    return space if space > 0 else pos


def quote_window(policy_text: str, cell: Cell) -> tuple[int, int, list[tuple[int, int]]]:
    """(start, end, marked spans) of what a stated cell shows: its quotes with a little text around them.

    The window stays inside the cell's passage (when known) and never starts or ends mid-word.
    """
    quotes = list(cell.quotes)
    if sum(q.end - q.start for q in quotes) > MAX_QUOTED:
        quotes = quotes[:1]
    spans = [(q.start, q.end) for q in quotes]
    lo_bound, hi_bound = cell.passage if cell.passage else (0, len(policy_text))
    lo_bound, hi_bound = min(lo_bound, spans[0][0]), max(hi_bound, spans[-1][1])
    start = _word_start(policy_text, max(lo_bound, spans[0][0] - CONTEXT_BEFORE))
    end = _word_end(policy_text, min(hi_bound, spans[-1][1] + CONTEXT_AFTER))
    start, end = min(start, spans[0][0]), max(end, spans[-1][1])
    return start, end, spans


def cell_html(cell: Cell, policy_name: str, policy_text: str | None) -> str:
    """One grid cell: the policy's name and section, then its quote marked in context; or "Not stated".

    `policy_text` is the text the cell's offsets point into (None when it is no longer loaded: the
    quotes are then shown alone).
    """
    if not cell.stated:
        return ('<div class="pq-cell pq-not-stated">'
                f'{render.citation_html(policy_name, "")}<div class="pq-status">Not stated</div></div>')
    section = cell.quotes[0].section if cell.quotes else cell.section
    head = render.citation_html(policy_name, section)
    # The cell's verdict ("No": the policy says it does not), once the grid decides one.
    word = VERDICT_WORDS.get(getattr(cell, "verdict", None) or "")
    if word:
        head += f'<span class="pq-verdict">{render.escape_text(word)}</span>'
    if policy_text is None or any(policy_text[q.start:q.end] != q.text for q in cell.quotes):
        body = " ".join(f"“{render.escape_text(q.text)}”" for q in cell.quotes)
        return f'<div class="pq-cell pq-stated">{head}<div class="pq-text">{body}</div></div>'
    start, end, spans = quote_window(policy_text, cell)
    before = '<span class="pq-context">…</span>' if start > 0 else ""
    after = '<span class="pq-context">…</span>' if end < len(policy_text) else ""
    marks = [(s - start, e - start) for s, e in spans]
    body = render.layered_html(policy_text[start:end], [(marks, '<mark class="pq-mark">', "</mark>")])
    return f'<div class="pq-cell pq-stated">{head}<div class="pq-text">{before}{body}{after}</div></div>'


def column_head_html(name: str) -> str:
    return f'<div class="pq-colhead">{render.escape_text(name)}</div>'


def topic_html(label: str, question: str) -> str:
    return (f'<div class="pq-topic">{render.escape_text(label)}</div>'
            f'<div class="pq-topic-question">{render.escape_text(question)}</div>')
