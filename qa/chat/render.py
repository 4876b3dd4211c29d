"""The chat page's HTML: policy text and questions escaped, answering sentences wrapped in <mark>.

Everything the page shows from a policy or a user goes through `escape_text`, and the only raw HTML is
built here from constants: <div>, <span>, <mark>, <strong>, <button> with fixed class names, and <a>
for http(s) URLs found in policy text (the URL escaped into `href`, `rel="noopener noreferrer nofollow"`).
The page passes the result to `st.markdown(..., unsafe_allow_html=True)`, which also reads Markdown,
so `escape_text` turns every character Markdown (or Streamlit's extensions to it: math, emoji, colour
directives) gives a meaning to into an HTML character reference, and line breaks into `&#10;`. The
output is then one line starting with `<div`, which CommonMark takes as a single raw HTML block, so
Markdown never runs on it; the character references are the second line of defence. Offsets are
character positions into the policy text throughout, as in `qa.types.Hit`. Two fixed scripts
(`COPY_SCRIPT`, `scroll_script`) are the only JavaScript; they never contain policy or user text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

Span = tuple[int, int]
Layer = tuple[Sequence[Span], str, str]

# Markdown and Streamlit-Markdown syntax, plus the characters html.escape already covers. Writing them
# as numeric references keeps the text identical on screen and inert to every parser on the way.
_SIGNIFICANT = "&<>\"'*_[]`#$~|\\:!(){}+=^@-."
_ENTITIES = {ord(c): f"&#{ord(c)};" for c in _SIGNIFICANT}
# Line endings would end the raw HTML block and hand the rest of the text to Markdown.
_ENTITIES.update({ord("\n"): "&#10;", ord("\r"): "&#13;"})

# An http(s) URL runs to white space or a character that cannot be in one unescaped; punctuation that
# ends the sentence around it ("see https://x.com/privacy.") is not part of it.
_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^\[\]()]+", re.IGNORECASE)
_URL_TAIL = ".,;:!?*_~-"
LINK_REL = "noopener noreferrer nofollow"

# A policy is shown whole up to this many characters; a longer one is shown around the passage so one
# answer cannot put megabytes on the page (every excerpt has its own "Show in policy" box).
POLICY_WINDOW = 60_000

STYLESHEET = """<style>
.pq-text { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.55; }
.pq-question { white-space: pre-wrap; overflow-wrap: anywhere; font-weight: 500; }
.pq-cite { font-size: 0.84rem; opacity: 0.78; margin: 0 0 0.3rem 0; }
.pq-cite strong { font-weight: 600; }
.pq-policy-name { font-size: 1.05rem; font-weight: 650; margin: 0.35rem 0 0.15rem 0; }
.pq-answer { border-left: 3px solid #f0b429; background: rgba(240, 180, 41, 0.09); padding: 0.55rem 0.85rem;
  border-radius: 0 0.4rem 0.4rem 0; margin: 0.2rem 0 0.6rem 0; }
.pq-answer .pq-quote + .pq-quote { margin-top: 0.35rem; }
.pq-answer .pq-cite { margin: 0.35rem 0 0 0; }
.pq-excerpt { border: 1px solid rgba(128, 128, 128, 0.28); border-radius: 0.5rem; padding: 0.6rem 0.85rem;
  margin: 0 0 0.2rem 0; font-size: 0.93rem; }
.pq-nearest { opacity: 0.72; border-style: dashed; margin-bottom: 0.5rem; }
/* A nearest match's best sentences are marked in grey: they are where to look, not an answer. */
.pq-nearest mark.pq-mark { background: rgba(128, 128, 128, 0.2); color: inherit; }
.pq-muted { opacity: 0.75; font-size: 0.92rem; white-space: pre-wrap; margin-bottom: 0.4rem; }
.pq-summary { margin: 0.2rem 0 0.8rem 0; font-size: 0.95rem; }
.pq-summary-silent { opacity: 0.7; }
.pq-policy { max-height: 26rem; overflow-y: auto; border: 1px solid rgba(128, 128, 128, 0.28);
  border-radius: 0.4rem; padding: 0.6rem 0.85rem; font-size: 0.88rem; }
.pq-passage { background: rgba(59, 130, 246, 0.13); }
.pq-anchor { display: inline-block; width: 0; height: 1em; scroll-initial-target: nearest; scroll-margin-top: 4.5em; }
.pq-gap { opacity: 0.6; font-style: italic; }
/* "…" between quoted sentences that are not adjacent in the policy. */
.pq-elided { opacity: 0.65; margin: 0.1rem 0 0.1rem 0.2rem; }
/* "No — " before a company's first quote, beside it (outside the quote: Copy takes the quote alone). */
.pq-verdict-lead { flex: 0 0 auto; white-space: nowrap; margin-right: 0.3rem; }
/* The rest of a list a quote cuts short: "+2 more items", opened in place. */
details.pq-more { margin: 0.15rem 0 0 0; font-size: 0.9rem; }
details.pq-more summary { cursor: pointer; opacity: 0.8; }
details.pq-more .pq-text { margin-top: 0.2rem; }
mark.pq-mark { background: #fde68a; color: #111; padding: 0.05em 0.1em; border-radius: 0.2em; }
/* Best sentences of passages that are not the answer: where to look, visibly not the answer. */
mark.pq-hint { background: none; color: inherit; border-bottom: 2px dotted rgba(128, 128, 128, 0.7); }
.pq-quote-row { display: flex; gap: 0.4rem; align-items: flex-start; }
.pq-quote-row .pq-quote { flex: 1 1 auto; min-width: 0; }
.pq-copy { flex: 0 0 auto; font-size: 0.75rem; line-height: 1.2; padding: 0.15rem 0.45rem; cursor: pointer;
  border: 1px solid rgba(128, 128, 128, 0.45); border-radius: 0.3rem; background: transparent; color: inherit; }
.pq-copy:hover { border-color: #f0b429; }
.pq-copy.pq-copied { border-color: #16a34a; }
.pq-note { font-size: 0.9rem; margin: 0.1rem 0 0.35rem 0; opacity: 0.85; }
.pq-permalink { font-size: 0.8rem; opacity: 0.7; margin-top: 0.2rem; }
.pq-text a { overflow-wrap: anywhere; }
/* Scrolled to (a new answer, a permalink) below the page header, not under it. */
[data-turn] { scroll-margin-top: 4.5rem; }
/* Policy chips show whole names and every chip, wrapping, rather than truncating inside an inner scroll. */
[data-testid="stMultiSelect"] [role="group"]:has(> [data-testid="stMultiSelectTagsContainer"]) {
  max-height: none !important; height: auto !important; }
[data-testid="stMultiSelectTagsContainer"] { overflow: visible !important; height: auto !important; }
[data-testid="stMultiSelect"] [data-tag] { height: auto !important; min-height: 1.75rem; }
[data-testid="stMultiSelect"] [data-tag] > span[title] {
  white-space: normal; overflow: visible; text-overflow: clip; height: auto; }
/* Phones: the title is not clipped by the header and the input's placeholder fits. */
@media (max-width: 640px) {
  h1 { font-size: 1.8rem !important; }
  [data-testid="stChatInputTextArea"]::placeholder { font-size: 0.9rem; }
  .pq-answer { padding: 0.45rem 0.6rem; }
  /* The avatars' column would take a sixth of the width from every quote. */
  [data-testid^="stChatMessageAvatar"] { display: none; }
  [data-testid="stChatMessage"] { gap: 0; padding-left: 0.25rem; padding-right: 0.25rem; }
}
</style>"""

# Installed once per page: copies a button's `data-copy` (quote and citation) to the clipboard. Buttons
# are inert markup from `answer_html`; the text stays in an attribute, never in code.
COPY_SCRIPT = """<script>
(() => {
  if (window.__pqCopy) return;
  window.__pqCopy = true;
  const fallback = (text) => {
    const area = document.createElement("textarea");
    area.value = text; area.setAttribute("readonly", ""); area.style.position = "fixed"; area.style.opacity = "0";
    document.body.appendChild(area); area.select();
    try { document.execCommand("copy"); } finally { area.remove(); }
  };
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("button.pq-copy");
    if (!button) return;
    const text = button.getAttribute("data-copy") || "";
    const done = () => {
      button.classList.add("pq-copied"); button.textContent = "Copied";
      setTimeout(() => { button.classList.remove("pq-copied"); button.textContent = "Copy"; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => { fallback(text); done(); });
    } else { fallback(text); done(); }
  });
})();
</script>"""


def scroll_script(turn_id: str, times_ms: Sequence[int] = (0, 120, 400, 900)) -> str:
    """A script that brings the question of turn `turn_id` to the top of the view.

    Streamlit keeps a chat pinned to its bottom, so a long answer would be read from its last line; this
    puts the reader at the start of the new answer instead. Repeated at `times_ms` after it runs, while
    the page finishes laying out (a whole reopened conversation takes longer than one new answer).
    `turn_id` is restricted to [A-Za-z0-9_-], so it is safe in the script.
    """
    safe = re.sub(r"[^A-Za-z0-9_-]", "", turn_id)
    delays = ", ".join(str(int(ms)) for ms in times_ms)
    return ("<script>(() => { const go = () => { const el = document.querySelector('[data-turn=\"" + safe
            + "\"]'); if (el) el.scrollIntoView({block: 'start'}); };"
            f" [{delays}].forEach((ms) => setTimeout(go, ms)); }})();</script>")


def escape_text(text: str) -> str:
    """`text` as inert HTML: shown literally, with no tag, entity or Markdown syntax left in it."""
    return str(text).translate(_ENTITIES)


def merge_spans(spans: Iterable[Span], length: int | None = None) -> list[Span]:
    """Sorted, disjoint spans covering the same characters; empty ones dropped, clipped to [0, length].

    Spans that overlap or touch are joined, so the marks they become never nest or sit back to back.
    """
    clipped = []
    for start, end in spans:
        start, end = max(0, int(start)), int(end)
        if length is not None:
            end = min(end, length)
        if start < end:
            clipped.append((start, end))
    merged: list[Span] = []
    for start, end in sorted(clipped):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def layered_html(text: str, layers: Sequence[tuple[Sequence[Span], str, str]]) -> str:
    """Escaped `text` with each layer's (spans, open tag, close tag) wrapped around its spans.

    Layers nest in the order given (the first is outermost); a tag is closed and reopened where an
    inner span crosses an outer one's edge, so the HTML is always well formed. Spans are positions in
    `text`; overlapping or touching spans of one layer are merged first.
    """
    merged = [merge_spans(spans, len(text)) for spans, _, _ in layers]
    cuts = sorted({0, len(text), *(p for spans in merged for span in spans for p in span)})
    out: list[str] = []
    open_layers: list[int] = []
    for start, end in zip(cuts, cuts[1:]):
        active = [i for i, spans in enumerate(merged) if any(s <= start and end <= e for s, e in spans)]
        keep = 0
        while keep < min(len(open_layers), len(active)) and open_layers[keep] == active[keep]:
            keep += 1
        for i in reversed(open_layers[keep:]):
            out.append(layers[i][2])
        for i in active[keep:]:
            out.append(layers[i][1])
        open_layers = active
        out.append(escape_text(text[start:end]))
    for i in reversed(open_layers):
        out.append(layers[i][2])
    return "".join(out)


def subtract_spans(spans: Iterable[Span], remove: Iterable[Span]) -> list[Span]:
    """The parts of `spans` not covered by `remove` (both merged first), sorted and disjoint."""
    out: list[Span] = []
    cuts = merge_spans(remove)
    for start, end in merge_spans(spans):
        for cut_start, cut_end in cuts:
            if cut_end <= start or cut_start >= end:
                continue
            if cut_start > start:
                out.append((start, cut_start))
            start = max(start, cut_end)
        if start < end:
            out.append((start, end))
    return out


def url_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, url) of each http(s) URL in `text`; trailing sentence punctuation is left out."""
    found = []
    for match in _URL.finditer(text):
        url = match.group().rstrip(_URL_TAIL)
        if url.split("://", 1)[1]:  # a scheme alone ("https://") is no link
            found.append((match.start(), match.start() + len(url), url))
    return found


def link_layers(text: str) -> list[Layer]:
    """One layer per URL in `text`: an <a> to it (escaped into the attribute) around its characters."""
    return [([(start, end)], f'<a href="{escape_text(url)}" rel="{LINK_REL}" target="_blank">', "</a>")
            for start, end, url in url_spans(text)]


def mark_html(text: str, spans: Iterable[Span], offset: int = 0, hints: Iterable[Span] = (),
              links: bool = True) -> str:
    """Escaped `text` with <mark> around `spans` (the answer) and a weaker mark around `hints`.

    Spans are positions in the text `text` was cut from; `offset` is where `text` starts in it, so
    a hit's highlights (offsets into the policy) are passed with `offset=hit.start`. Parts of spans
    outside `text` are ignored; overlapping or touching spans become one mark; a hint inside an answer
    span is the answer. `links`: http(s) URLs in the text become links (innermost, so a mark is never
    split by one).
    """
    local = [(s - offset, e - offset) for s, e in spans]
    weak = subtract_spans([(s - offset, e - offset) for s, e in hints], local)
    layers: list[Layer] = [(local, '<mark class="pq-mark">', "</mark>"), (weak, '<mark class="pq-hint">', "</mark>")]
    return layered_html(text, layers + (link_layers(text) if links else []))


def text_html(text: str, css_class: str = "pq-text") -> str:
    """Plain text (a question, a message) as one escaped block."""
    return f'<div class="{css_class}">{escape_text(text)}</div>'


def citation_html(name: str, section: str, note: str = "") -> str:
    """The line that cites an excerpt: policy name, section, and an optional note (such as a score)."""
    parts = [f"<strong>{escape_text(name)}</strong>"]
    if section:
        parts.append(f"§ {escape_text(section)}")
    if note:
        parts.append(escape_text(note))
    return f'<div class="pq-cite">{" · ".join(parts)}</div>'


def policy_name_html(name: str) -> str:
    """A policy's name as the heading of its row in an answer."""
    return f'<div class="pq-policy-name">{escape_text(name)}</div>'


def citation_text(name: str, section: str) -> str:
    """How a quote is cited in plain text: "Concero Technology Services, § Telephone Communications"."""
    return f"{name}, § {section}" if section else name


def more_text(count: int) -> str:
    """ "+2 more items" (or "+1 more item"): what a quote cut short in a list says."""
    return f"+{count} more item{'' if count == 1 else 's'}"


def quote_text(quote) -> str:
    """A quote with its citation, as copied or exported: “…” — Name, § Section; a list cut short says so."""
    more = f" ({more_text(len(quote.more))})" if getattr(quote, "more", ()) else ""
    return f"“{quote.text}”{more} — {citation_text(quote.name, quote.section)}"


def _more_html(quote, policy_text: str | None) -> str:
    """The items a quote leaves out of its list: "+N more items", opening in place on the policy's own text
    (escaped); without the text, the count alone."""
    more = getattr(quote, "more", ())
    if not more:
        return ""
    label = escape_text(more_text(len(more)))
    if policy_text is None:
        return f'<div class="pq-muted">{label}</div>'
    rest = policy_text[more[0][0]:more[-1][1]]
    return (f'<details class="pq-more"><summary>{label}</summary>'
            f'<div class="pq-text">{mark_html(rest, ())}</div></details>')


def answer_html(quotes: Sequence, verdict: str = "", label: str = "", policy_text: str | None = None) -> str:
    """The short answer: `verdict` in bold ("No"), then each quote (a `qa.types.Quote`) verbatim with
    a copy button, then its citation with the confidence `label` ("states it").

    Quotes that are not adjacent in the policy are separated by "…"; a quote cut short in a list ends with
    "+N more items", which opens the rest in place (read from `policy_text`, the text the offsets point
    into). Quotes from one section share one citation line; each copy button copies its quote with the
    citation (`quote_text`). URLs in a quote are links.
    """
    lines = []
    for i, q in enumerate(quotes):
        if getattr(q, "gap_before", False):
            lines.append('<div class="pq-elided">…</div>')
        lead = (f'<span class="pq-verdict-lead"><strong>{escape_text(verdict)}</strong> {escape_text("—")} </span>'
                if verdict and i == 0 else "")
        lines.append(f'<div class="pq-quote-row">{lead}<div class="pq-quote pq-text">“{mark_html(q.text, ())}”</div>'
                     f'<button class="pq-copy" type="button" title="Copy the quote with its citation" '
                     f'data-copy="{escape_text(quote_text(q))}">Copy</button></div>{_more_html(q, policy_text)}')
    sections = list(dict.fromkeys(q.section for q in quotes))
    # The citation comes after the quotes, as under a quotation in print.
    cite = citation_html(quotes[0].name, " / ".join(s for s in sections if s), label) if quotes else ""
    return f'<div class="pq-answer">{"".join(lines)}{cite}</div>'


def excerpt_html(hit, note: str = "", nearest: bool = False, answer_spans: Iterable[Span] | None = None) -> str:
    """One retrieved passage (a `qa.types.Hit`): its citation, then its text with highlights marked.

    `answer_spans` (policy offsets) are the sentences that answer: marked as the answer wherever they
    fall in the passage; the hit's other highlights are only hinted (a weaker mark). None: every
    highlight is the answer's. `nearest` styles it as the nearest match of a policy that does not
    answer (muted, dashed border): the caller must label it as such.
    """
    spans = hit.highlights if answer_spans is None else list(answer_spans)
    body = mark_html(hit.text, spans, offset=hit.start, hints=hit.highlights)
    css = "pq-excerpt pq-nearest" if nearest else "pq-excerpt"
    return (f'<div class="{css}">{citation_html(hit.name, hit.section, note)}'
            f'<div class="pq-text">{body}</div></div>')


def policy_html(policy_text: str, passage_span: Span, highlight_spans: Iterable[Span] = (),
                window: int = POLICY_WINDOW, hint_spans: Iterable[Span] = ()) -> str:
    """The whole policy in a scrollable box, the passage shaded in place and its highlights marked.

    Spans are offsets into `policy_text`; `hint_spans` get the weaker mark; URLs are links. A policy
    longer than `window` characters is cut to that many around the passage, with a note saying how
    much was left out on each side.
    """
    start, end = passage_span
    lo, hi = 0, len(policy_text)
    if hi > window:
        # Centre the passage, then slide the window back inside the text.
        lo = max(0, min((start + end) // 2 - window // 2, hi - window))
        hi = lo + window
    shown = policy_text[lo:hi]
    cut = min(max(start - lo, 0), len(shown))
    passage = [(start - lo, end - lo)]
    highlights = [(s - lo, e - lo) for s, e in highlight_spans]
    hints = [(s - lo, e - lo) for s, e in hint_spans]
    # The empty inline-block before the passage is what the box opens scrolled to (CSS
    # scroll-initial-target; browsers without it open at the top). Splitting the text there is safe:
    # the passage starts at the cut, and a mark (or link) crossing it just becomes two.
    before_passage = mark_html(shown[:cut], highlights, hints=hints)
    shade = ([(s - cut, e - cut) for s, e in passage], '<span class="pq-passage">', "</span>")
    after_cut = shown[cut:]
    marks = [(s - cut, e - cut) for s, e in highlights]
    weak = subtract_spans([(s - cut, e - cut) for s, e in hints], marks)
    from_passage = layered_html(after_cut, [shade, (marks, '<mark class="pq-mark">', "</mark>"),
                                            (weak, '<mark class="pq-hint">', "</mark>"), *link_layers(after_cut)])
    body = f'{before_passage}<span class="pq-anchor"></span>{from_passage}'
    before = _gap_html(f"[… {lo:,} characters before …]\n") if lo else ""
    after = _gap_html(f"\n[… {len(policy_text) - hi:,} characters after …]") if hi < len(policy_text) else ""
    return f'<div class="pq-policy pq-text">{before}{body}{after}</div>'


def _gap_html(note: str) -> str:
    return f'<span class="pq-gap">{escape_text(note)}</span>'


def muted_html(text: str) -> str:
    """A quiet line of text, such as "Not stated in …" beside answered policies."""
    return f'<div class="pq-muted">{escape_text(text)}</div>'


def summary_html(parts: Sequence[tuple[str, Sequence[str]]], not_indexed: Sequence[str] = ()) -> str:
    """The line before a multi-company answer, by verdict: "Say they don't: A, B · Don't say: C · Say they
    do: —" (`qa.search.wording.summary_parts`), then the organisations named that have no policy here."""
    items = [f'<span class="{"pq-summary-silent" if not names else "pq-summary-stated"}"><strong>'
             f'{escape_text(heading + ":")}</strong> {escape_text(", ".join(names) or "—")}</span>'
             for heading, names in parts]
    if not_indexed:
        items.append(f'<span class="pq-summary-silent"><strong>{escape_text("No policy indexed:")}</strong> '
                     f'{escape_text(", ".join(not_indexed))}</span>')
    return f'<div class="pq-summary">{escape_text(" · ").join(items)}</div>'


def summary_line_html(line: str) -> str:
    """The summary of an answer over many policies, counted ("Checked 330 policies: 41 say they don't · …",
    `qa.search.wording.summary_line`), in the summary's place and style."""
    return f'<div class="pq-summary">{escape_text(line)}</div>'


def note_html(text: str) -> str:
    """A line about how the question was read ("Interpreted as: …", "Showing results for …")."""
    return f'<div class="pq-note">{escape_text(text)}</div>'


def question_html(question: str, turn_id: str) -> str:
    """The user's question, escaped, tagged with its turn id so a script can scroll to it."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "", turn_id)
    return f'<div class="pq-question" data-turn="{safe}">{escape_text(question)}</div>'


def block_html(parts: Sequence[str]) -> str:
    """Several pieces of `qa.chat.render` output as one block (one element on the page, one line of HTML)."""
    return f'<div class="pq-block">{"".join(parts)}</div>'


def permalink_html(href: str) -> str:
    """A link to one answer of a conversation; `href` is a query string the app built from its own ids."""
    return f'<div class="pq-permalink"><a href="{escape_text(href)}">Link to this answer</a></div>'
