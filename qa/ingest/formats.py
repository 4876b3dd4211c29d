"""Turning a policy file into its text, plus the headings its format marks.

Answers quote policies word for word, so text formats are kept verbatim (only line endings are
normalised) and Markdown is not rendered: every offset points into the source as written. HTML, PDF and
DOCX have no source text to keep, so their extracted text is the policy text. `Extracted.headings` is
None whenever the file marks no headings, so the caller can detect them in the text itself.
"""

from __future__ import annotations

import codecs
import ctypes
import errno
import hashlib
import io
import logging
import os
import re
import stat
import threading
import time
import warnings
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from qa.errors import PolicyFileError  # noqa: F401 - raised here; defined in qa.errors

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")
DEFAULT_MAX_BYTES = 10_000_000


@dataclass(frozen=True)
class Limits:
    """What reading one policy file may cost; a file over any limit is refused with a line naming it.

    The limits are checked before or while the work is done, never after: a compressed .docx is
    refused from its zip directory before anything is inflated, and its XML is parsed as a stream.
    """

    seconds: float = 30.0  # wall-clock time to extract the text (checked between pages, paragraphs)
    # Growth of this process's resident memory while the file is read, checked every WATCH_EVERY seconds by
    # the watchdog (a PDF whose page expands into gigabytes); 0 turns the check off.
    memory: int = 1_000_000_000
    chars: int = 2_000_000  # text extracted; about 2,800 passages of 800 characters
    docx_members: int = 2_000  # files inside a .docx archive (a real one has tens)
    docx_inflated: int = 256_000_000  # bytes, all members of a .docx together, as its directory declares
    docx_part: int = 32_000_000  # bytes of one XML part that is read (the document, its styles)
    docx_elements: int = 600_000  # XML elements in the document part (~30,000 Word paragraphs)


DEFAULT_LIMITS = Limits()

Headings = tuple[tuple[int, str], ...]
# A "heading" longer than this is a paragraph marked up as one (or an attack: "# a" + 1 MB + "b"); its
# title would be prepended to every passage it covers and shown as the section. Not taken as a heading.
MAX_HEADING_CHARS = 300

_UTF8_BOM = b"\xef\xbb\xbf"
# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# C0 controls other than \t \n \v \f \r, and DEL. Word exports use \v for line breaks and \f for page breaks.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_MAX_CONTROL_SHARE = 0.05  # far above any real text, well below random bytes (~10%)
_BINARY = "looks like a binary file, not text"
_UNDECODABLE = "cannot decode text (not UTF-8 or cp1252)"


@dataclass(frozen=True)
class Extracted:
    """A policy's text and, when the format marks them, its headings as (line offset, title)."""

    text: str
    headings: Headings | None


def extract_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """Read a policy file (.txt, .md, .markdown, .html, .htm, .pdf, .docx) into text and headings.

    The format is chosen by the file's suffix. Headings are (offset in `text` of the heading's line,
    title) in ascending order; None when the file marks none (plain text, a PDF without a usable
    outline, or a Markdown/HTML/DOCX file without headings). The file is only ever read, and a
    symbolic link or other non-regular file is refused, not followed. Raises PolicyFileError, whose
    message is one line naming the file, for anything that cannot be ingested or is over `limits`.
    """
    path = Path(path)
    _check_suffix(path)
    return extract_data(read_file(path, max_bytes), path, limits)


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise PolicyFileError(path, f"unsupported file type '{path.suffix or '(none)'}' "
                                    f"(supported: {', '.join(SUPPORTED_SUFFIXES)})")
    return suffix


def extract_data(data: bytes, path: Path, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """`extract_text` for bytes already read from `path` (whose suffix picks the format)."""
    path = Path(path)
    suffix = _check_suffix(path)
    if not data.strip():
        raise PolicyFileError(path, "file is empty")
    if _PRECHECKED:  # read already, in the upload check's child process (qa.ingest.uploads)
        with _PRECHECKED_LOCK:
            known = _PRECHECKED.get((hashlib.sha256(data).hexdigest(), suffix, limits))
        if known is not None:
            return known
    budget = Budget(path, limits)
    try:
        with budget.watch():
            if suffix == ".pdf":
                extracted = _extract_pdf(data, path, budget)
            elif suffix == ".docx":
                extracted = _extract_docx(data, path, budget)
            else:
                is_html = suffix in (".html", ".htm")
                text = _decode_html(data, path) if is_html else _normalize_newlines(decode_bytes(data, path))
                if not text.strip():
                    raise PolicyFileError(path, "file is empty")
                budget.add_chars(0 if is_html else len(text))
                if is_html:
                    extracted = _extract_html(text, path, budget)
                else:
                    extracted = Extracted(text, _markdown_headings(text) if suffix in (".md", ".markdown") else None)
    except _OverTime:  # delivered just as the block ended, inside the watchdog's own exit
        raise budget.over_time() from None  # the watchdog fires on memory only while the block runs
    budget.add_chars(len(extracted.text) - budget.chars)
    return extracted


# What a child process extracted from bytes it checked (by sha256, suffix and limits), so the process that
# asked (the chat server) never parses them itself: a PDF that takes 15 s costs the child, not the server.
_PRECHECKED: OrderedDict[tuple[str, str, Limits], Extracted] = OrderedDict()
_PRECHECKED_LOCK = threading.Lock()
PRECHECKED_ENTRIES = 8  # each up to Limits.chars characters


def remember_extracted(data: bytes, suffix: str, limits: Limits, extracted: Extracted) -> None:
    """Make `extract_data` of these bytes (with this suffix and limits) return `extracted` without parsing."""
    with _PRECHECKED_LOCK:
        _PRECHECKED[(hashlib.sha256(data).hexdigest(), suffix.lower(), limits)] = extracted
        _PRECHECKED.move_to_end((hashlib.sha256(data).hexdigest(), suffix.lower(), limits))
        while len(_PRECHECKED) > PRECHECKED_ENTRIES:
            _PRECHECKED.popitem(last=False)


class _OverTime(BaseException):
    """Raised inside the reading thread by Budget's watchdog at the deadline. A BaseException, so the
    parsers' own `except Exception` (pypdf recovers from much) cannot swallow it."""


WATCH_EVERY = 0.05  # seconds between the watchdog's looks at the clock and at the process's memory


def resident_bytes() -> int:
    """This process's resident memory in bytes (Linux /proc; 0 where it cannot be read)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class _Watchdog:
    """Interrupts the thread that entered it once `deadline` (time.monotonic()) passes, or once the process's
    resident memory has grown by more than the memory limit, wherever it is in Python code (a PDF page that
    draws one form 150 times never returns to the between-pages check): a watching thread raises _OverTime
    in it (PyThreadState_SetAsyncExc), turned into PolicyFileError at exit. C code (zlib, lxml) is
    interrupted when it returns to Python. Memory is process-wide, so the limit is generous."""

    def __init__(self, budget: Budget):
        self.budget = budget
        self.lock = threading.Lock()
        self.active = False
        self.fired = ""  # "time" or "memory" once fired
        self.stop = threading.Event()

    def __enter__(self):
        self.thread = threading.get_ident()
        self.active = True
        self.baseline = resident_bytes() if self.budget.limits.memory else 0
        self.watcher = threading.Thread(target=self._watch, daemon=True, name="policyqa-read-watchdog")
        self.watcher.start()
        return self

    def _watch(self) -> None:
        while not self.stop.wait(min(WATCH_EVERY, max(0.0, self.budget.deadline - time.monotonic()))):
            if time.monotonic() >= self.budget.deadline:
                return self._fire("time")
            limit = self.budget.limits.memory
            if limit and self.baseline and resident_bytes() - self.baseline > limit:
                return self._fire("memory")

    def _fire(self, reason: str) -> None:
        with self.lock:
            if self.active:
                self.fired = reason
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread), ctypes.py_object(_OverTime))

    def __exit__(self, kind, value, traceback) -> None:
        self.stop.set()
        with self.lock:
            self.active = False
            if self.fired and kind is None:  # fired as the block ended: drop it if still pending
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread), None)
        if kind is not None and issubclass(kind, _OverTime):
            raise (self.budget.over_memory() if self.fired == "memory" else self.budget.over_time()) from None


class Budget:
    """The time and text one file's extraction may still use; raises PolicyFileError naming the limit."""

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS):
        self.path, self.limits = path, limits
        self.deadline = time.monotonic() + limits.seconds
        self.chars = 0

    def over_time(self) -> PolicyFileError:
        return PolicyFileError(self.path, f"reading the file took over {self.limits.seconds:g} s, "
                                          "the per-file time limit")

    def over_memory(self) -> PolicyFileError:
        return PolicyFileError(self.path, f"reading the file took over {self.limits.memory / 1e6:,.0f} MB of "
                                          "memory, the per-file memory limit")

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise self.over_time()

    def watch(self) -> _Watchdog:
        """A block that is interrupted at the deadline, even inside one page or paragraph (see _Watchdog)."""
        return _Watchdog(self)

    def add_chars(self, count: int) -> None:
        self.chars += count
        if self.chars > self.limits.chars:
            raise PolicyFileError(self.path, f"text is over {self.limits.chars:,} characters, the per-file "
                                             "text limit; split the policy into smaller files")
        self.check_time()


def decode_bytes(data: bytes, path: Path) -> str:
    """Decode a text file's bytes: UTF-16/32 when they start with its byte order mark, else UTF-8
    (BOM stripped), falling back to cp1252.

    Binary content (a NUL byte, or many control characters) and bytes that are invalid in every
    encoding tried raise PolicyFileError; `path` only names the file in the error. Line endings are
    left as they are and empty input is not an error here.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                raise PolicyFileError(path, f"cannot decode text (starts with a {codec.upper()} byte order "
                                            "mark but is not valid in it)") from None
            # The same test as for bytes, on characters: NUL or many controls mean it is not text.
            _reject_binary(text.encode("utf-8", "surrogatepass"), path)
            return text
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


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of the regular file at `path`, at most `max_bytes`; PolicyFileError otherwise.

    A symbolic link is refused, not followed (O_NOFOLLOW, and the opened file is checked again), so a
    link in the policies folder to /etc/passwd is never read. The size is checked before reading, so
    an oversized file is never loaded into memory.
    """
    path = Path(path)
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            raise PolicyFileError(path, "a symbolic link; links are not followed (copy the file in instead)")
        if not stat.S_ISREG(info.st_mode):
            raise PolicyFileError(path, "not a regular file")
        if info.st_size > max_bytes:
            raise PolicyFileError(path, _too_large(info.st_size, max_bytes))
        # O_NONBLOCK: a FIFO swapped in after lstat must not hang the open.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise PolicyFileError(path, "not a regular file")
            data = fh.read(max_bytes + 1)  # +1: the file may have grown since lstat()
            if len(data) > max_bytes:
                raise PolicyFileError(path, _too_large(os.fstat(fh.fileno()).st_size, max_bytes))
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise PolicyFileError(path, "a symbolic link; links are not followed") from None
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


def _strip_closing_hashes(title: str) -> str:
    """An ATX title without its optional closing run of '#' (which must follow a space, or be all).

    Done with str methods rather than the regex `(?:^|[ \t]+)#+$`, which `re.sub` tries at every
    position: quadratic on a long run of spaces ("# a" + 1 MB of spaces + "b" took minutes).
    """
    without = title.rstrip("#")
    if without == title or (without and without[-1] not in " \t"):
        return title
    return without.rstrip(" \t")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)$")


# A setext underline ("Privacy Policy" over "=====" or "-----"), as Open Terms Archive's Markdown has most of
# its headings; the line above is the heading when it is a one-line paragraph.
_SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_NOT_SETEXT_TITLE = re.compile(r" {0,3}(?:[-*+>|#]|\d+[.)]\s)")


def _markdown_headings(text: str) -> Headings | None:
    headings: list[tuple[int, str]] = []
    fence = ""  # the opening fence while inside a fenced code block
    offset = 0
    above: list[tuple[int, str]] = [(0, ""), (0, "")]  # the two lines above: (offset, text)
    for line in text.split("\n"):
        if not fence and _SETEXT.match(line) and above[1][1].strip() and not above[0][1].strip() \
                and not _NOT_SETEXT_TITLE.match(above[1][1]):
            title = above[1][1].strip()
            if len(title) <= MAX_HEADING_CHARS:
                headings.append((above[1][0], title))
        elif fence:
            m = _FENCE.match(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2).strip():
                fence = ""
        elif (m := _FENCE.match(line)) and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence = m.group(1)
        elif m := _ATX.match(line):
            title = _strip_closing_hashes((m.group(2) or "").strip()).strip()
            if title and len(title) <= MAX_HEADING_CHARS:
                headings.append((offset, title))
        above = [above[1], (offset, line)]
        offset += len(line) + 1
    return tuple(headings) or None


# --- HTML -----------------------------------------------------------------------------------------

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


def _extract_html(markup: str, path: Path, budget: Budget) -> Extracted:
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


# --- PDF ------------------------------------------------------------------------------------------

# What may precede a title on its line for it to count as the heading: a section number or label
# ("4.2", "(b)", "IV.", "§ 3"), not running text that mentions it.
_HEADING_PREFIX = re.compile(r"[\W\d_]{0,10}(?:[A-Za-z]{1,4}[.)][\W\d_]{0,6})?")


class _Quiet:
    """pypdf's own warnings (logged and `warnings.warn`ed) silenced: the one-line error says it all."""

    def __enter__(self):
        self.logger = logging.getLogger("pypdf")
        self.level = self.logger.level
        self.logger.setLevel(logging.CRITICAL + 1)
        self.caught = warnings.catch_warnings()
        self.caught.__enter__()
        warnings.simplefilter("ignore")
        return self

    def __exit__(self, *exc) -> None:
        self.caught.__exit__(*exc)
        self.logger.setLevel(self.level)


def _extract_pdf(data: bytes, path: Path, budget: Budget) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    with _Quiet():
        try:
            reader = PdfReader(io.BytesIO(data))
            # pypdf tries the empty user password itself, so this only fails for password-protected files.
            pages = []
            for page in reader.pages:
                pages.append(_normalize_newlines(page.extract_text() or ""))
                budget.add_chars(len(pages[-1]) + 2)
        except PolicyFileError:
            raise
        except FileNotDecryptedError:
            raise PolicyFileError(path, "PDF is encrypted with a password") from None
        except DependencyError as err:
            raise PolicyFileError(path, f"PDF is encrypted and cannot be decrypted here ({err})") from err
        except Exception as err:  # pypdf raises many exception types on malformed input
            raise PolicyFileError(path, f"not a readable PDF ({_short(err)})") from err
        text = "\n\n".join(pages)
        if not text.strip():
            raise PolicyFileError(path, "PDF has no text layer (scanned?)")
        return Extracted(text, _pdf_outline_headings(reader, pages, text, budget))


def _short(err: Exception, limit: int = 120) -> str:
    message = " ".join(str(err).split()) or type(err).__name__
    return message if len(message) <= limit else message[: limit - 1] + "…"


# Outline entries looked at, and characters of a title: each entry is searched for in the text.
_MAX_OUTLINE_ITEMS = 1_000
_MAX_TITLE_CHARS = 200


def _pdf_outline_headings(reader, pages: list[str], text: str, budget: Budget) -> Headings | None:
    try:
        outline = reader.outline
    except Exception:  # a broken outline costs the headings, not the policy
        return None
    page_starts = []
    offset = 0
    for page_text in pages:
        page_starts.append(offset)
        offset += len(page_text) + 2

    headings: dict[int, str] = {}
    stack = list(reversed(outline))
    seen = 0
    while stack and seen < _MAX_OUTLINE_ITEMS:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
            continue
        seen += 1
        budget.check_time()
        title = " ".join(str(getattr(item, "title", "") or "")[:_MAX_TITLE_CHARS * 4].split())[:_MAX_TITLE_CHARS]
        if not title:
            continue
        page: int | None
        try:
            page = reader.get_destination_page_number(item)
        except Exception:
            page = None
        start: int | None = None
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

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P = f"{_W}p"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
# What a run's children stand for in its text, as python-docx reads them (w:br only when a line break).
_RUN_TEXT = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}br": "\n",
             f"{_W}noBreakHyphen": "-"}
# Elements whose children are blocks (paragraphs, tables). A paragraph of the body or of a table cell
# has one of them as its parent; a text box's paragraph (inside a run) does not, and python-docx
# leaves those out of the text too.
_BLOCK_CONTAINERS = frozenset(f"{_W}{tag}" for tag in ("body", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml"))


class _CappedReader:
    """A zip member read as a stream that refuses to inflate more than `cap` bytes."""

    def __init__(self, member, cap: int, path: Path, name: str):
        self.member, self.cap, self.path, self.name, self.read_so_far = member, cap, path, name, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.member.read(65536 if size is None or size < 0 else min(size, 65536))
        self.read_so_far += len(chunk)
        if self.read_so_far > self.cap:
            raise PolicyFileError(self.path, f"{self.name} inflates to over {self.cap / 1e6:g} MB, the limit for "
                                             "one part of a .docx (a decompression bomb?)")
        return chunk


def _docx_archive(data: bytes, path: Path, limits: Limits) -> zipfile.ZipFile:
    """The .docx zip, once its directory shows it within the limits; nothing is inflated here."""
    stream = io.BytesIO(data)
    try:
        # The entry count from the end record, before ZipFile builds an object per entry.
        end = zipfile._EndRecData(stream)  # type: ignore[attr-defined]  # noqa: SLF001 - the only reader of the end record
        entries = end[zipfile._ECD_ENTRIES_TOTAL] if end else 0  # type: ignore[attr-defined]  # noqa: SLF001
        if entries > limits.docx_members:
            raise PolicyFileError(path, f"the .docx archive holds {entries:,} files, over "
                                        f"the limit of {limits.docx_members:,}")
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        raise PolicyFileError(path, f"not a readable DOCX file ({_short(err)})") from err
    members = archive.infolist()
    if len(members) > limits.docx_members:
        raise PolicyFileError(path, f"the .docx archive holds {len(members):,} files, over the limit of "
                                    f"{limits.docx_members:,}")
    inflated = sum(m.file_size for m in members)
    if inflated > limits.docx_inflated:
        raise PolicyFileError(path, f"the .docx inflates to {inflated / 1e6:,.0f} MB, over the "
                                    f"{limits.docx_inflated / 1e6:g} MB limit (a decompression bomb?)")
    return archive


def _docx_part(archive: zipfile.ZipFile, name: str, path: Path, limits: Limits) -> _CappedReader | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limits.docx_part:
        raise PolicyFileError(path, f"{name} inflates to {info.file_size / 1e6:,.0f} MB, over the "
                                    f"{limits.docx_part / 1e6:g} MB limit for one part (a decompression bomb?)")
    return _CappedReader(archive.open(info), limits.docx_part, path, name)


def _xml_events(source, events=("end",)):
    """lxml iterparse without entity expansion, DTD loading or network access."""
    from lxml import etree

    return etree.iterparse(source, events=events, resolve_entities=False, load_dtd=False, no_network=True,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def _relationship_target(archive, rels_name: str, rel_type: str, base: str, path: Path, limits: Limits) -> str | None:
    source = _docx_part(archive, rels_name, path, limits)
    if source is None:
        return None
    for _, element in _xml_events(source):
        if element.tag == f"{_REL}Relationship" and element.get("Type") == rel_type:
            target = element.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else os.path.normpath(base + target).replace("\\", "/")
    return None


def _docx_heading_styles(archive, name: str | None, path: Path, limits: Limits) -> tuple[set[str], bool]:
    """Style ids of heading and title paragraph styles, and whether the default paragraph style is one."""
    source = _docx_part(archive, name, path, limits) if name else None
    if source is None:
        return set(), False
    headings, default_is_heading = set(), False
    for _, element in _xml_events(source):
        if element.tag != f"{_W}style":
            continue
        style_name = element.find(f"{_W}name")
        label = (style_name.get(f"{_W}val", "") if style_name is not None else "").strip().lower()
        if element.get(f"{_W}type") == "paragraph" and (label.startswith("heading") or label == "title"):
            headings.add(element.get(f"{_W}styleId", ""))
            default_is_heading |= element.get(f"{_W}default") in ("1", "true", "on")
        element.clear()
    return headings, default_is_heading


def _docx_run_text(run) -> str:
    out = []
    for child in run:
        if child.tag not in _RUN_TEXT:
            continue
        if child.tag == f"{_W}t":
            out.append(child.text or "")
        elif child.tag != f"{_W}br" or child.get(f"{_W}type", "textWrapping") == "textWrapping":
            out.append(_RUN_TEXT[child.tag])
    return "".join(out)


def _docx_paragraph(paragraph, heading_styles: set[str], default_is_heading: bool) -> tuple[str, bool]:
    """A w:p's text (its runs and hyperlinks' runs, as python-docx reads them) and whether it is a heading."""
    parts = []
    for child in paragraph:
        if child.tag == f"{_W}r":
            parts.append(_docx_run_text(child))
        elif child.tag == f"{_W}hyperlink":
            parts.extend(_docx_run_text(run) for run in child if run.tag == f"{_W}r")
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    is_heading = (style.get(f"{_W}val", "") in heading_styles) if style is not None else default_is_heading
    return "".join(parts), is_heading


def _too_many_elements(path: Path, limits: Limits) -> PolicyFileError:
    return PolicyFileError(path, f"the document has over {limits.docx_elements:,} XML elements, the limit for a .docx")


def _extract_docx(data: bytes, path: Path, budget: Budget) -> Extracted:
    """Paragraphs of the main document part in reading order (table cells included), read as a stream.

    Not python-docx: it inflates every part and builds the whole XML tree, so a 16 KB file whose XML
    inflates to gigabytes cost minutes and gigabytes. Here the zip directory is checked first, the
    document is parsed as a capped stream without entity expansion, and each paragraph's elements are
    freed once read, so memory stays near the size of the text.
    """
    limits = budget.limits
    archive = _docx_archive(data, path, limits)
    try:
        document = (_relationship_target(archive, "_rels/.rels", _OFFICE_DOCUMENT, "", path, limits)
                    or "word/document.xml")
        folder = document.rpartition("/")[0]
        rels = f"{folder}/_rels/{document.rpartition('/')[2]}.rels" if folder else f"_rels/{document}.rels"
        styles = _relationship_target(archive, rels, _STYLES, f"{folder}/" if folder else "", path, limits)
        heading_styles, default_is_heading = _docx_heading_styles(archive, styles, path, limits)
        source = _docx_part(archive, document, path, limits)
        if source is None:
            raise PolicyFileError(path, f"not a readable DOCX file (no {document} in the archive)")
        # Markup counted at C speed before parsing (every element has one or two '<'), so a flood of
        # tiny elements is refused in a fraction of a second rather than after 600,000 parser events.
        reader = source
        tags = sum(chunk.count(b"<") for chunk in iter(lambda: reader.read(65536), b""))
        if tags > 2 * limits.docx_elements + 1000:
            raise _too_many_elements(path, limits)
        budget.check_time()
        source = _docx_part(archive, document, path, limits)
        parts: list[str] = []
        headings: list[tuple[int, str]] = []
        offset, elements = 0, 0
        for _, element in _xml_events(source):
            elements += 1
            if elements % 10_000 == 0:
                if elements > limits.docx_elements:
                    raise _too_many_elements(path, limits)
                budget.check_time()
            parent = element.getparent()
            if parent is None or parent.tag not in _BLOCK_CONTAINERS:
                continue  # inside a paragraph (kept until the paragraph is read), a text box, or the root
            if element.tag == _W_P and len(element):
                text, is_heading = _docx_paragraph(element, heading_styles, default_is_heading)
                content = _normalize_newlines(text).strip()
                if content:
                    budget.add_chars(len(content) + 2)
                    if is_heading and len(content) <= MAX_HEADING_CHARS:
                        headings.append((offset, " ".join(content.split())))
                    parts.append(content)
                    offset += len(content) + 2
            # Free what has been read: this element's children and the siblings before it.
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del parent[0]
    except PolicyFileError:
        raise
    except Exception as err:  # zipfile and lxml raise their own types on bad input
        raise PolicyFileError(path, f"not a readable DOCX file ({_short(err)})") from err
    if not parts:
        raise PolicyFileError(path, "no text found")
    return Extracted("\n\n".join(parts), tuple(headings) or None)
