"""Turning a policy file into its text, plus the headings its format marks: the one entry point.

Answers quote policies word for word, so text formats are kept verbatim (only line endings are
normalised) and Markdown is not rendered: every offset points into the source as written. HTML, PDF and
DOCX have no source text to keep, so their extracted text is the policy text. `Extracted.headings` is
None whenever the file marks no headings, so the caller can detect them in the text itself.

One module per format family reads it (`text`, `markdown`, `html`, `pdf`, `docx`), within `limits`. They
are imported only when a file of their kind is read: `qa.ingest.policies` (where `Policy` lives, which the
query path imports) imports this module, and a question must not load a parser.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from qa.errors import PolicyFileError
from qa.ingest.formats.limits import DEFAULT_LIMITS, Budget, Limits, OverTime
from qa.ingest.formats.text import DEFAULT_MAX_BYTES, Extracted, Headings, decode_bytes, read_file

__all__ = ["DEFAULT_LIMITS", "DEFAULT_MAX_BYTES", "SUPPORTED_SUFFIXES", "Extracted", "Headings", "Limits",
           "PolicyFileError", "decode_bytes", "extract_data", "extract_text", "read_file", "remember_extracted"]

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")

Reader = Callable[[bytes, Path, Budget], Extracted]


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


def _reader(suffix: str) -> Reader:
    """The function that reads files with `suffix` (one of SUPPORTED_SUFFIXES), its module imported now."""
    if suffix == ".pdf":
        from qa.ingest.formats.pdf import extract_pdf

        return extract_pdf
    if suffix == ".docx":
        from qa.ingest.formats.docx import extract_docx

        return extract_docx
    if suffix in (".html", ".htm"):
        from qa.ingest.formats.html import extract_html

        return extract_html
    if suffix in (".md", ".markdown"):
        from qa.ingest.formats.markdown import extract_markdown

        return extract_markdown
    from qa.ingest.formats.text import extract_plain

    return extract_plain


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
    read = _reader(suffix)
    try:
        with budget.watch():
            extracted = read(data, path, budget)
    except OverTime:  # delivered just as the block ended, inside the watchdog's own exit
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
