"""The chat page's HTML: policy text and questions escaped, answering sentences wrapped in <mark>.

Everything the page shows from a policy or a user goes through `escape_text`, and the only raw HTML is
built here from constants: <div>, <span>, <mark>, <strong> with fixed class names. The page passes the
result to `st.markdown(..., unsafe_allow_html=True)`, which also reads Markdown, so `escape_text` turns
every character Markdown (or Streamlit's extensions to it: math, emoji, colour directives) gives a
meaning to into an HTML character reference, and line breaks into `&#10;`. The output is then one line
starting with `<div`, which CommonMark takes as a single raw HTML block, so Markdown never runs on it;
the character references are the second line of defence. Offsets are character positions into the
policy text throughout, as in `qa.retrieval.Hit`.
"""

from __future__ import annotations

from typing import Iterable, Sequence

Span = tuple[int, int]

# Markdown and Streamlit-Markdown syntax, plus the characters html.escape already covers. Writing them
# as numeric references keeps the text identical on screen and inert to every parser on the way.
_SIGNIFICANT = "&<>\"'*_[]`#$~|\\:!(){}+=^@-."
_ENTITIES = {ord(c): f"&#{ord(c)};" for c in _SIGNIFICANT}
# Line endings would end the raw HTML block and hand the rest of the text to Markdown.
_ENTITIES.update({ord("\n"): "&#10;", ord("\r"): "&#13;"})

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
.pq-policy { max-height: 26rem; overflow-y: auto; border: 1px solid rgba(128, 128, 128, 0.28);
  border-radius: 0.4rem; padding: 0.6rem 0.85rem; font-size: 0.88rem; }
.pq-passage { background: rgba(59, 130, 246, 0.13); }
.pq-anchor { display: inline-block; width: 0; height: 1em; scroll-initial-target: nearest; scroll-margin-top: 4.5em; }
.pq-gap { opacity: 0.6; font-style: italic; }
mark.pq-mark { background: #fde68a; color: #111; padding: 0.05em 0.1em; border-radius: 0.2em; }
</style>"""


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


def mark_html(text: str, spans: Iterable[Span], offset: int = 0) -> str:
    """Escaped `text` with <mark> around `spans`.

    `spans` are positions in the text `text` was cut from; `offset` is where `text` starts in it, so
    a hit's highlights (offsets into the policy) are passed with `offset=hit.start`. Parts of spans
    outside `text` are ignored; overlapping or touching spans become one mark.
    """
    local = [(s - offset, e - offset) for s, e in spans]
    return layered_html(text, [(local, '<mark class="pq-mark">', "</mark>")])


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


def answer_html(quotes: Sequence) -> str:
    """The short answer: each quote (a `qa.answer.Quote`) verbatim, then where it comes from.

    Quotes from one section share one citation line.
    """
    lines = [f'<div class="pq-quote pq-text">“{escape_text(q.text)}”</div>' for q in quotes]
    sections = list(dict.fromkeys(q.section for q in quotes))
    # The citation comes after the quotes, as under a quotation in print.
    cite = citation_html(quotes[0].name, " / ".join(s for s in sections if s)) if quotes else ""
    return f'<div class="pq-answer">{"".join(lines)}{cite}</div>'


def excerpt_html(hit, note: str = "", nearest: bool = False) -> str:
    """One retrieved passage (a `qa.retrieval.Hit`): its citation, then its text with highlights marked.

    `nearest` styles it as the nearest match of a policy that does not answer (muted, dashed border):
    the caller must label it as such.
    """
    body = mark_html(hit.text, hit.highlights, offset=hit.start)
    css = "pq-excerpt pq-nearest" if nearest else "pq-excerpt"
    return (f'<div class="{css}">{citation_html(hit.name, hit.section, note)}'
            f'<div class="pq-text">{body}</div></div>')


def policy_html(policy_text: str, passage_span: Span, highlight_spans: Iterable[Span] = (),
                window: int = POLICY_WINDOW) -> str:
    """The whole policy in a scrollable box, the passage shaded in place and its highlights marked.

    Spans are offsets into `policy_text`. A policy longer than `window` characters is cut to that
    many around the passage, with a note saying how much was left out on each side.
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
    # The empty inline-block before the passage is what the box opens scrolled to (CSS
    # scroll-initial-target; browsers without it open at the top). Splitting the text there is safe:
    # the passage starts at the cut, and a mark crossing it just becomes two marks.
    before_passage = layered_html(shown[:cut], [(highlights, '<mark class="pq-mark">', "</mark>")])
    from_passage = layered_html(shown[cut:], [([(s - cut, e - cut) for s, e in passage],
                                               '<span class="pq-passage">', "</span>"),
                                              ([(s - cut, e - cut) for s, e in highlights],
                                               '<mark class="pq-mark">', "</mark>")])
    body = f'{before_passage}<span class="pq-anchor"></span>{from_passage}'
    before = _gap_html(f"[… {lo:,} characters before …]\n") if lo else ""
    after = _gap_html(f"\n[… {len(policy_text) - hi:,} characters after …]") if hi < len(policy_text) else ""
    return f'<div class="pq-policy pq-text">{before}{body}{after}</div>'


def _gap_html(note: str) -> str:
    return f'<span class="pq-gap">{escape_text(note)}</span>'


def muted_html(text: str) -> str:
    """A quiet line of text, such as "Not stated in …" beside answered policies."""
    return f'<div class="pq-muted">{escape_text(text)}</div>'
