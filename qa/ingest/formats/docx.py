""".docx policies: the paragraphs of the main document part in reading order, and its heading-styled ones.

Read as a capped stream, never inflated whole (see `extract_docx`).
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from qa.errors import PolicyFileError
from qa.ingest.formats.limits import Budget, Limits
from qa.ingest.formats.text import MAX_HEADING_CHARS, Extracted, error_summary, normalize_newlines

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
        raise PolicyFileError(path, f"not a readable DOCX file ({error_summary(err)})") from err
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


def extract_docx(data: bytes, path: Path, budget: Budget) -> Extracted:
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
                content = normalize_newlines(text).strip()
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
        raise PolicyFileError(path, f"not a readable DOCX file ({error_summary(err)})") from err
    if not parts:
        raise PolicyFileError(path, "no text found")
    return Extracted("\n\n".join(parts), tuple(headings) or None)
