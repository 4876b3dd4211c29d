"""Turning a policy file into its text, plus the headings its format marks.

Answers quote policies word for word, so text formats are kept verbatim (only line endings are
normalised) and Markdown is not rendered: every offset points into the source as written. HTML, PDF and
DOCX have no source text to keep, so their extracted text is the policy text. `Extracted.headings` is
None whenever the file marks no headings, so the caller can detect them in the text itself.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")
DEFAULT_MAX_BYTES = 10_000_000

Headings = tuple[tuple[int, str], ...]

_UTF8_BOM = b"\xef\xbb\xbf"
# C0 controls other than \t \n \v \f \r, and DEL. Word exports use \v for line breaks and \f for page breaks.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_MAX_CONTROL_SHARE = 0.05  # far above any real text, well below random bytes (~10%)
_BINARY = "looks like a binary file, not text"
_UNDECODABLE = "cannot decode text (not UTF-8 or cp1252)"


class PolicyFileError(ValueError):
    """A policy file that cannot be ingested."""

    def __init__(self, path: Path, reason: str):
        self.path = Path(path)
        # Reasons often carry library messages; the error is shown as one line per file.
        self.reason = " ".join(str(reason).split())
        super().__init__(f"{' '.join(self.path.name.splitlines())}: {self.reason}")

    def __reduce__(self):  # the default would call __init__ with the message alone
        return type(self), (self.path, self.reason)


@dataclass(frozen=True)
class Extracted:
    """A policy's text and, when the format marks them, its headings as (line offset, title)."""

    text: str
    headings: Headings | None


def extract_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Extracted:
    """Read a policy file (.txt, .md, .markdown, .html, .htm, .pdf, .docx) into text and headings.

    The format is chosen by the file's suffix. Headings are (offset in `text` of the heading's line,
    title) in ascending order; None when the file marks none (plain text, a PDF without a usable
    outline, or a Markdown/HTML/DOCX file without headings). The file is only ever read. Raises
    PolicyFileError, whose message is one line naming the file, for anything that cannot be ingested.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise PolicyFileError(path, f"unsupported file type '{path.suffix or '(none)'}' "
                                    f"(supported: {', '.join(SUPPORTED_SUFFIXES)})")
    data = _read_bytes(path, max_bytes)
    if not data.strip():
        raise PolicyFileError(path, "file is empty")
    if suffix == ".pdf":
        return _extract_pdf(data, path)
    if suffix == ".docx":
        return _extract_docx(data, path)
    is_html = suffix in (".html", ".htm")
    text = _decode_html(data, path) if is_html else _normalize_newlines(decode_bytes(data, path))
    if not text.strip():
        raise PolicyFileError(path, "file is empty")
    if is_html:
        return _extract_html(text, path)
    return Extracted(text, _markdown_headings(text) if suffix in (".md", ".markdown") else None)


def decode_bytes(data: bytes, path: Path) -> str:
    """Decode a text file's bytes: UTF-8 (BOM stripped), falling back to cp1252.

    Binary content (a NUL byte, or many control characters) and bytes that are invalid in both
    encodings raise PolicyFileError; `path` only names the file in the error. Line endings are left
    as they are and empty input is not an error here.
    """
    _reject_binary(data, path)
    data = data.removeprefix(_UTF8_BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise PolicyFileError(path, _UNDECODABLE) from None


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise PolicyFileError(path, "not a regular file")
        # Checked before reading so an oversized file is never loaded into memory.
        if info.st_size > max_bytes:
            raise PolicyFileError(path, _too_large(info.st_size, max_bytes))
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)  # +1: the file may have grown since stat()
            if len(data) > max_bytes:
                raise PolicyFileError(path, _too_large(os.fstat(fh.fileno()).st_size, max_bytes))
    except OSError as err:
        raise PolicyFileError(path, f"cannot read file ({err.strerror or err})") from err
    return data


def _too_large(size: int, max_bytes: int) -> str:
    return f"file is {size / 1e6:.3g} MB ({size:,} bytes), over the {max_bytes / 1e6:.3g} MB limit"


def _reject_binary(data: bytes, path: Path) -> None:
    if b"\x00" in data:
        raise PolicyFileError(path, _BINARY)
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if data and controls / len(data) > _MAX_CONTROL_SHARE:
        raise PolicyFileError(path, _BINARY)


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- Markdown -------------------------------------------------------------------------------------

_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*))?$")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+$")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)$")


def _markdown_headings(text: str) -> Headings | None:
    headings: list[tuple[int, str]] = []
    fence = ""  # the opening fence while inside a fenced code block
    offset = 0
    for line in text.split("\n"):
        if fence:
            m = _FENCE.match(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2).strip():
                fence = ""
        elif (m := _FENCE.match(line)) and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence = m.group(1)
        elif m := _ATX.match(line):
            title = _CLOSING_HASHES.sub("", (m.group(2) or "").strip()).strip()
            if title:
                headings.append((offset, title))
        offset += len(line) + 1
    return tuple(headings) or None


# --- HTML -----------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
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
    m = None if data.startswith(_UTF8_BOM) else _META_CHARSET.search(data[:16384])
    if m:
        try:
            codec = codecs.lookup(m.group(1).decode("ascii")).name
            # Browsers read these labels as windows-1252, and ignore UTF-16/32 declared in a <meta>.
            codec = "cp1252" if codec in ("iso8859-1", "ascii") else codec
            if not codec.startswith(("utf-16", "utf-32")):
                _reject_binary(data, path)
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


def _html_blocks(roots) -> list[tuple[str, bool]]:
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
    while stack:
        node, heading_from = stack.pop()
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


def _extract_html(markup: str, path: Path) -> Extracted:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    main = soup.find("main")
    articles = [a for a in soup.find_all("article") if a.find_parent("article") is None]
    roots = [main] if main else articles
    blocks = _html_blocks(roots) if roots else []
    if not blocks:  # no <main>/<article>, or they hold no text: the policy is elsewhere on the page
        blocks = _html_blocks([soup])
    if not blocks:
        raise PolicyFileError(path, "no text found")
    headings: list[tuple[int, str]] = []
    offset = 0
    for paragraph, is_heading in blocks:
        if is_heading:
            headings.append((offset, paragraph))
        offset += len(paragraph) + 2
    return Extracted("\n\n".join(p for p, _ in blocks), tuple(headings) or None)


# --- PDF ------------------------------------------------------------------------------------------

# What may precede a title on its line for it to count as the heading: a section number or label
# ("4.2", "(b)", "IV.", "§ 3"), not running text that mentions it.
_HEADING_PREFIX = re.compile(r"[\W\d_]{0,10}(?:[A-Za-z]{1,4}[.)][\W\d_]{0,6})?")


def _extract_pdf(data: bytes, path: Path) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data))
        # pypdf tries the empty user password itself, so this only fails for password-protected files.
        pages = [_normalize_newlines(page.extract_text() or "") for page in reader.pages]
    except FileNotDecryptedError:
        raise PolicyFileError(path, "PDF is encrypted with a password") from None
    except DependencyError as err:
        raise PolicyFileError(path, f"PDF is encrypted and cannot be decrypted here ({err})") from err
    except Exception as err:  # pypdf raises many exception types on malformed input
        raise PolicyFileError(path, f"not a readable PDF ({_short(err)})") from err
    text = "\n\n".join(pages)
    if not text.strip():
        raise PolicyFileError(path, "PDF has no text layer (scanned?)")
    return Extracted(text, _pdf_outline_headings(reader, pages, text))


def _short(err: Exception, limit: int = 120) -> str:
    message = " ".join(str(err).split()) or type(err).__name__
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _pdf_outline_headings(reader, pages: list[str], text: str) -> Headings | None:
    try:
        outline = reader.outline
    except Exception:  # a broken outline costs the headings, not the policy
        return None
    page_starts = []
    offset = 0
    for page in pages:
        page_starts.append(offset)
        offset += len(page) + 2

    headings: dict[int, str] = {}
    stack = list(reversed(outline))
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
            continue
        title = " ".join(str(getattr(item, "title", "") or "").split())
        if not title:
            continue
        try:
            page = reader.get_destination_page_number(item)
        except Exception:
            page = None
        start = None
        if page is not None and 0 <= page < len(pages):
            start = _find_heading_line(text, title, page_starts[page], page_starts[page] + len(pages[page]))
        if start is None:
            start = _find_heading_line(text, title, 0, len(text))
        if start is not None:
            headings.setdefault(start, title)
    return tuple(sorted(headings.items())) or None


def _find_heading_line(text: str, title: str, begin: int, end: int) -> int | None:
    """Start of the line where `title` appears in text[begin:end], preferring it as a heading line."""
    # pypdf may wrap a long title or change spacing, and bookmarks often differ in case from the page.
    pattern = re.compile(r"\s+".join(re.escape(word) for word in title.split()), re.IGNORECASE)
    first = None
    for m in pattern.finditer(text, begin, end):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if _HEADING_PREFIX.fullmatch(text, line_start, m.start()):
            return line_start
        if first is None:
            first = line_start
    return first


# --- DOCX -----------------------------------------------------------------------------------------

def _extract_docx(data: bytes, path: Path) -> Extracted:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = list(_docx_paragraphs(document))
    except Exception as err:  # zipfile, lxml and python-docx each raise their own types on bad input
        raise PolicyFileError(path, f"not a readable DOCX file ({_short(err)})") from err
    parts: list[str] = []
    headings: list[tuple[int, str]] = []
    offset = 0
    for paragraph in paragraphs:
        content = _normalize_newlines(paragraph.text).strip()
        if not content:
            continue
        style = paragraph.style.name if paragraph.style is not None else ""
        if style and (style.startswith("Heading") or style == "Title"):
            headings.append((offset, " ".join(content.split())))
        parts.append(content)
        offset += len(content) + 2
    if not parts:
        raise PolicyFileError(path, "no text found")
    return Extracted("\n\n".join(parts), tuple(headings) or None)


def _docx_paragraphs(container):
    """Paragraphs of a document or table cell in reading order, descending into tables."""
    from docx.table import Table

    for item in container.iter_inner_content():
        if isinstance(item, Table):
            # A merged cell is returned once per grid cell it spans; keyed by id, the dict keeps it alive.
            seen: dict[int, object] = {}
            for row in item.rows:
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen[id(cell._tc)] = cell._tc
                        yield from _docx_paragraphs(cell)
        else:
            yield item
