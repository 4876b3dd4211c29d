"""PDF policies: the text layer of every page, and headings from the document outline (bookmarks)."""

from __future__ import annotations

import io
import logging
import re
import warnings
from pathlib import Path

from qa.errors import PolicyFileError
from qa.ingest.formats.limits import Budget
from qa.ingest.formats.text import Extracted, Headings, error_summary, normalize_newlines

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


def extract_pdf(data: bytes, path: Path, budget: Budget) -> Extracted:
    """A PDF's text layer, page by page (pages joined by blank lines), and its outline's headings."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    with _Quiet():
        try:
            reader = PdfReader(io.BytesIO(data))
            # pypdf tries the empty user password itself, so this only fails for password-protected files.
            pages = []
            for page in reader.pages:
                pages.append(normalize_newlines(page.extract_text() or ""))
                budget.add_chars(len(pages[-1]) + 2)
        except PolicyFileError:
            raise
        except FileNotDecryptedError:
            raise PolicyFileError(path, "PDF is encrypted with a password") from None
        except DependencyError as err:
            raise PolicyFileError(path, f"PDF is encrypted and cannot be decrypted here ({err})") from err
        except Exception as err:  # pypdf raises many exception types on malformed input
            raise PolicyFileError(path, f"not a readable PDF ({error_summary(err)})") from err
        text = "\n\n".join(pages)
        if not text.strip():
            raise PolicyFileError(path, "PDF has no text layer (scanned?)")
        return Extracted(text, _pdf_outline_headings(reader, pages, text, budget))


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
