"""The Compare page's HTML: one grid cell as an escaped quote in context, or a visibly different "Not stated".

Built on `qa.chat.render`: every piece of policy text goes through its escaping (`mark_html`, `citation_html`,
`escape_text`), and the only raw HTML here is constant tags and class names. Offsets are character
positions into the policy text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from qa.chat import render
from qa.compare.cells import STATUS_LABEL, Cell
from qa.compare.grid import Grid, csv_cell, plain_cell
from qa.search.verdict import VERDICT_WORDS

# Context shown around the quoted sentences inside a cell, in characters (cut back to a word boundary).
CONTEXT_BEFORE = 50
CONTEXT_AFTER = 90
MAX_QUOTED = 420  # beyond this, only the first quoted sentence is shown in the cell (all are in the policy view)

STYLESHEET = """<style>
/* Words are never broken: text wraps between words (no hyphenation, so a test can check it),
   and only a token too long for any line (a URL) may break anywhere. */
.pq-cell, .pq-row { word-break: normal; overflow-wrap: break-word; hyphens: manual; }
.pq-cell { border-radius: 0.45rem; padding: 0.5rem 0.7rem; font-size: 0.9rem; line-height: 1.45;
  margin-bottom: 0.15rem; }
.pq-cell .pq-cite { margin-bottom: 0.25rem; }
.pq-cell .pq-text { white-space: normal; }  /* line breaks in a short quote read as spaces */
.pq-cell a, .pq-row a { overflow-wrap: anywhere; }
/* A company name is never split inside a word, nor hyphenated: each word is one unbreakable span. */
.pq-name { hyphens: manual; overflow-wrap: normal; word-break: normal; }
.pq-word { white-space: nowrap; }
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
/* The side-by-side grid scrolls in its own box, both ways: columns keep a readable width (the page sets
   the rows' min-width) and the names stay in view at its top while the cells scroll under them. */
.st-key-compare-grid { overflow: auto; max-height: 78vh; }
.st-key-compare-grid > [data-testid="stLayoutWrapper"]:has(> .st-key-compare-head), .st-key-compare-head {
  position: sticky; top: 0; z-index: 50; background: var(--background-color, #fff); padding-top: 0.25rem; }
.st-key-compare-head [data-testid="stHorizontalBlock"], .st-key-compare-head .pq-colhead {
  background: var(--background-color, #fff); }
@media (max-width: 640px) { .st-key-compare-grid { max-height: none; overflow: visible; }
  .st-key-compare-grid [data-testid="stHorizontalBlock"] { min-width: 0 !important; } }
/* A long quote shows its first lines; a click on it (a <details>, no script) shows the rest. */
.pq-clamp > summary { list-style: none; cursor: pointer; }
.pq-clamp > summary::-webkit-details-marker { display: none; }
.pq-clamp:not([open]) .pq-clamped { display: -webkit-box; -webkit-box-orient: vertical; overflow: hidden;
  -webkit-line-clamp: var(--pq-lines, 4); }
.pq-clamp .pq-more { font-size: 0.8rem; opacity: 0.7; text-decoration: underline; }
.pq-clamp[open] .pq-more { display: none; }
/* One topic × many policies, or one policy × every topic: a row per cell, as a table on a wide screen
   and as a card (name and verdict, then the quote under them) on a phone. */
.pq-row { display: grid; grid-template-columns: minmax(8rem, 12rem) 5.5rem minmax(0, 1fr); gap: 0.3rem 0.9rem;
  align-items: baseline; font-size: 0.92rem; line-height: 1.45; padding: 0.45rem 0.2rem;
  border-bottom: 1px solid rgba(128, 128, 128, 0.25); }
.pq-row .pq-name { font-weight: 650; }
.pq-row .pq-badge { font-weight: 700; font-size: 0.8rem; white-space: nowrap; }
.pq-badge-no { color: #1a7f37; } .pq-badge-yes { color: #cf222e; } .pq-badge-stated { color: #9a6700; }
.pq-badge-not_stated { opacity: 0.6; font-weight: 600; }
.pq-row .pq-section { font-size: 0.8rem; opacity: 0.7; }
.pq-row-head { font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.04em; opacity: 0.65;
  padding-bottom: 0.2rem; }
@media (max-width: 640px) {
  .pq-colhead, .st-key-compare-head, [data-testid="stLayoutWrapper"]:has(> .st-key-compare-head) { display: none; }
  .pq-row { grid-template-columns: minmax(0, 1fr) auto; }
  .pq-row > .pq-quote-col { grid-column: 1 / -1; }
  .pq-row-head { display: none; }
}
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
                f'{cite_html(policy_name, "")}<div class="pq-status">Not stated</div></div>')
    section = cell.quotes[0].section if cell.quotes else cell.section
    head = cite_html(policy_name, section)
    # The cell's verdict ("No": the policy says it does not), once the grid decides one.
    word = VERDICT_WORDS.get(getattr(cell, "verdict", None) or "")
    if word:
        head += f'<span class="pq-verdict">{render.escape_text(word)}</span>'
    if policy_text is None or any(policy_text[q.start:q.end] != q.text for q in cell.quotes):
        body = " ".join(f"“{render.escape_text(q.text)}”" for q in cell.quotes)
        return f'<div class="pq-cell pq-stated">{head}{clamp_html(body, GRID_LINES)}</div>'
    start, end, spans = quote_window(policy_text, cell)
    before = '<span class="pq-context">…</span>' if start > 0 else ""
    after = '<span class="pq-context">…</span>' if end < len(policy_text) else ""
    marks = [(s - start, e - start) for s, e in spans]
    body = render.layered_html(policy_text[start:end], [(marks, '<mark class="pq-mark">', "</mark>")])
    return f'<div class="pq-cell pq-stated">{head}{clamp_html(before + body + after, GRID_LINES)}</div>'


def column_head_html(name: str) -> str:
    return f'<div class="pq-colhead">{name_html(name)}</div>'


def name_html(name: str) -> str:
    """A company name whose words never break: each word an unbreakable span (`.pq-word`), escaped."""
    words = " ".join(f'<span class="pq-word">{render.escape_text(w)}</span>' for w in str(name).split())
    return f'<span class="pq-name">{words}</span>'


def cite_html(name: str, section: str) -> str:
    """A cell's citation line: the policy's name (never broken mid-word), then its section."""
    section_part = f" · § {render.escape_text(section)}" if section else ""
    return f'<div class="pq-cite"><strong>{name_html(name)}</strong>{section_part}</div>'


def clamp_html(inner_html: str, lines: int, long_after: int = 0) -> str:
    """`inner_html` (already escaped) cut to its first `lines` lines, the rest shown by a click on it.

    A `<details>` does it without a script; "more" is offered when the text is over `long_after`
    characters of HTML (0: always), since CSS cannot tell whether a clamp cut anything.
    """
    more = '<span class="pq-more">more</span>' if len(inner_html) > long_after else ""
    return (f'<details class="pq-clamp" style="--pq-lines: {int(lines)}"><summary>'
            f'<div class="pq-text pq-clamped">{inner_html}</div>{more}</summary></details>')


# -- one topic × many policies, one policy × every topic -----------------------------------------------

GRID_LINES = 7  # lines of a grid cell before "more"
ROW_LINES = 3  # lines of a table row's quote before "more"
ROW_MORE_CHARS = 260  # a quote longer than this offers "more" (about three lines at 1280 px)
PAGE_SIZE = 50  # rows a page of the topic table shows: 330 policies render as 7 quick pages
# The verdicts a filter offers, in the order a reader weighs them: said not, said so, stated, silent.
VERDICT_ORDER = ("no", "yes", "stated", "not_stated")
VERDICT_FILTER_LABELS = {"no": "Says it does not", "yes": "Says it does", "stated": "States it",
                         "not_stated": "Not stated"}
SORTS = ("company", "verdict")


@dataclass(frozen=True)
class Row:
    """One cell shown as a table row: `key` is the policy id (topic table) or topic id (company table),
    `label` what the first column shows (a company name or a topic label)."""

    key: str
    label: str
    cell: Cell


def verdict_of(cell: Cell) -> str:
    """The cell's verdict, one of VERDICT_ORDER (a cell from an older cache has only its status)."""
    verdict = cell.verdict or cell.status
    return verdict if verdict in VERDICT_ORDER else cell.status


def topic_rows(grid: Grid, topic_id: str, verdicts: Sequence[str] = (), search: str = "",
               sort: str = "company") -> list[Row]:
    """One topic's cells over every policy of `grid`, as table rows.

    `verdicts`: keep only these (empty: all). `search`: keep companies whose name or id contains it (any
    case; words in any order). `sort`: "company" (by name) or "verdict" (VERDICT_ORDER, then the most
    confident first, then by name). Raises ValueError for another sort.
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, got {sort!r}")
    words = search.casefold().split()
    keep = set(verdicts)
    rows = [Row(p.id, p.name, grid.cell(topic_id, p.id)) for p in grid.policies
            if all(w in f"{p.name} {p.id}".casefold() for w in words)]
    rows = [r for r in rows if not keep or verdict_of(r.cell) in keep]
    rows.sort(key=lambda r: r.label.casefold())
    if sort == "verdict":
        rows.sort(key=lambda r: (VERDICT_ORDER.index(verdict_of(r.cell)), -r.cell.confidence))
    return rows


def policy_rows(grid: Grid, policy_id: str) -> list[Row]:
    """One policy's cells over every topic of `grid`, in the topics' order."""
    return [Row(t.id, t.label, grid.cell(t.id, policy_id)) for t in grid.topics]


def verdict_counts(grid: Grid, topic_id: str) -> dict[str, int]:
    """How many policies of `grid` have each verdict on the topic, in VERDICT_ORDER (zeros left out)."""
    counts = {v: 0 for v in VERDICT_ORDER}
    for p in grid.policies:
        counts[verdict_of(grid.cell(topic_id, p.id))] += 1
    return {v: n for v, n in counts.items() if n}


def page_of(rows: Sequence[Row], page: int, size: int = PAGE_SIZE) -> tuple[list[Row], int, int]:
    """(the rows of page `page`, counted from 1 and brought into range, that page, the number of pages)."""
    pages = max(1, -(-len(rows) // size))
    page = min(max(1, page), pages)
    return list(rows[(page - 1) * size:page * size]), page, pages


def row_head_html(first: str) -> str:
    """The table's column names (hidden on a phone, where each row is a card)."""
    return (f'<div class="pq-row pq-row-head"><div>{render.escape_text(first)}</div><div>Verdict</div>'
            '<div>What the policy says</div></div>')


def row_html(row: Row, is_company: bool = True) -> str:
    """One table row: the company (or topic), the verdict, then the quote, clamped to ROW_LINES lines.

    Quotes are the cell's verbatim sentences, escaped; a "not stated" row says so instead.
    """
    verdict = verdict_of(row.cell)
    first = name_html(row.label) if is_company else f'<span class="pq-name">{render.escape_text(row.label)}</span>'
    badge = (f'<span class="pq-badge pq-badge-{verdict}">'
             f'{render.escape_text(VERDICT_WORDS.get(verdict, STATUS_LABEL.get(row.cell.status, "")))}</span>')
    if row.cell.stated and row.cell.quotes:
        body = " … ".join(f"“{render.escape_text(' '.join(q.text.split()))}”" for q in row.cell.quotes)
        section = row.cell.quotes[0].section or row.cell.section
        cite = f'<div class="pq-section">§ {render.escape_text(section)}</div>' if section else ""
        quote = clamp_html(body, ROW_LINES, ROW_MORE_CHARS) + cite
    else:
        quote = '<span class="pq-section">The policy does not say.</span>'
    return (f'<div class="pq-row pq-row-{verdict}"><div class="pq-name-col">{first}</div>'
            f'<div class="pq-verdict-col">{badge}</div><div class="pq-quote-col">{quote}</div></div>')


def rows_csv(rows: Sequence[Row], first: str) -> str:
    """The rows as CSV (`first`, verdict, quote, section), each cell neutralised against formulas
    (`qa.compare.grid.csv_cell`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(map(csv_cell, [first, "Verdict", "Quote", "Section"]))
    for row in rows:
        verdict = verdict_of(row.cell)
        section = (row.cell.quotes[0].section if row.cell.quotes else row.cell.section) if row.cell.stated else ""
        writer.writerow(map(csv_cell, [row.label, VERDICT_WORDS.get(verdict, verdict), plain_cell(row.cell),
                                       section]))
    return out.getvalue()


def topic_html(label: str, question: str) -> str:
    return (f'<div class="pq-topic">{render.escape_text(label)}</div>'
            f'<div class="pq-topic-question">{render.escape_text(question)}</div>')
