"""HTML policies: the text of the page's content (its <main> or <article>, else the page without its
navigation, headers, footers and forms), one paragraph per block, with its <h1>-<h6> headings."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from qa.errors import PolicyFileError
from qa.ingest.formats.limits import Budget
from qa.ingest.formats.text import MAX_HEADING_CHARS, UTF8_BOM, Extracted, decode_bytes, reject_binary


def extract_html(data: bytes, path: Path, budget: Budget) -> Extracted:
    """An .html/.htm file: the paragraphs of its content joined by blank lines, and its headings."""
    markup = _decode_html(data, path)
    if not markup.strip():
        raise PolicyFileError(path, "file is empty")
    budget.check_time()
    return _extract_markup(markup, path, budget)


# Bounded repeats: each `<meta` start scans at most ~1 KB, so 16 KB of unclosed tags stays linear.
_META_CHARSET = re.compile(rb"""<meta\b[^>]{0,1024}?charset\s{0,64}=\s{0,64}["']?\s{0,64}([A-Za-z0-9._:-]{1,64})""",
                           re.IGNORECASE)
_DROP_TAGS = frozenset({"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
                        "iframe", "svg", "head", "title", "button", "select", "textarea", "object", "canvas"})
_BLOCK_TAGS = frozenset({
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hgroup", "hr", "html",
    "legend", "li", "main", "menu", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul"})
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CONTENT_TAGS = ("main", "article", "section")


def _decode_html(data: bytes, path: Path) -> str:
    """Bytes to text, honouring a declared <meta> charset; a UTF-8 BOM wins over it, as in browsers."""
    m = None if data.startswith(UTF8_BOM) else _META_CHARSET.search(data[:16384])
    if m:
        try:
            codec = codecs.lookup(m.group(1).decode("ascii")).name
            # Browsers read these labels as windows-1252, and ignore UTF-16/32 declared in a <meta>.
            codec = "cp1252" if codec in ("iso8859-1", "ascii") else codec
            if not codec.startswith(("utf-16", "utf-32")):
                reject_binary(data, path)
                return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: fall back to detection
    return decode_bytes(data, path)


def _is_dropped(tag) -> bool:
    if tag.name in ("header", "footer", "form"):
        # A header/footer inside the content (an article's title and date) is part of it; a form that
        # holds the content is a page-wide wrapper (ASP.NET), not a search or sign-up box.
        if tag.name == "form":
            return tag.find(["main", "article", "h1"]) is None
        return tag.find_parent(_CONTENT_TAGS) is None
    return tag.name in _DROP_TAGS or str(tag.get("role", "")).strip().lower() == "navigation"


def _html_blocks(roots, budget: Budget) -> list[tuple[str, bool]]:
    """(paragraph, is_heading) for each block of text under `roots`, in document order."""
    from bs4 import NavigableString, Tag
    from bs4.element import PreformattedString

    blocks: list[tuple[str, bool]] = []
    inline: list[str] = []

    def flush() -> None:
        paragraph = " ".join("".join(inline).split())
        inline.clear()
        if paragraph:
            blocks.append((paragraph, False))

    # Iterative: html.parser nests unclosed tags, so real pages can be deeper than the recursion limit.
    stack: list = [(root, None) for root in reversed(roots)]
    visited = 0
    while stack:
        node, heading_from = stack.pop()
        visited += 1
        if visited % 10_000 == 0:
            budget.check_time()
        if node is None:  # leaving a block element; heading_from is its first block if it is a heading
            flush()
            if heading_from is not None and len(blocks) > heading_from:
                blocks[heading_from] = (blocks[heading_from][0], True)
            continue
        if isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, doctype, CDATA, ...
                inline.append(str(node))
            continue
        if not isinstance(node, Tag) or _is_dropped(node):
            continue
        if node.name == "br":
            flush()
            continue
        if node.name in _BLOCK_TAGS:
            flush()
            stack.append((None, len(blocks) if node.name in _HEADING_TAGS else None))
        stack.extend((child, None) for child in reversed(node.contents))
    flush()
    return blocks


def _extract_markup(markup: str, path: Path, budget: Budget) -> Extracted:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    budget.check_time()
    main = soup.find("main")
    articles = [a for a in soup.find_all("article") if a.find_parent("article") is None]
    roots = [main] if main else articles
    blocks = _html_blocks(roots, budget) if roots else []
    if not blocks:  # no <main>/<article>, or they hold no text: the policy is elsewhere on the page
        blocks = _html_blocks([soup], budget)
    if not blocks:
        raise PolicyFileError(path, "no text found")
    headings: list[tuple[int, str]] = []
    offset = 0
    for paragraph, is_heading in blocks:
        if is_heading and len(paragraph) <= MAX_HEADING_CHARS:
            headings.append((offset, paragraph))
        offset += len(paragraph) + 2
    return Extracted("\n\n".join(p for p, _ in blocks), tuple(headings) or None)
