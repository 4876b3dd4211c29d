"""Bytes to text: reading a policy file safely, decoding it, and what every format's reader returns.

Text formats are kept verbatim (only line endings are normalised), so every offset an answer quotes points
into the file as written.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from qa.errors import PolicyFileError
from qa.ingest.formats.limits import Budget

DEFAULT_MAX_BYTES = 10_000_000

Headings = tuple[tuple[int, str], ...]
# A "heading" longer than this is a paragraph marked up as one (or an attack: "# a" + 1 MB + "b"); its
# title would be prepended to every passage it covers and shown as the section. Not taken as a heading.
MAX_HEADING_CHARS = 300

UTF8_BOM = b"\xef\xbb\xbf"
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
            reject_binary(text.encode("utf-8", "surrogatepass"), path)
            return text
    reject_binary(data, path)
    data = data.removeprefix(UTF8_BOM)
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


def reject_binary(data: bytes, path: Path) -> None:
    if b"\x00" in data:
        raise PolicyFileError(path, _BINARY)
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if data and controls / len(data) > _MAX_CONTROL_SHARE:
        raise PolicyFileError(path, _BINARY)


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def error_summary(err: Exception, limit: int = 120) -> str:
    """A parser's exception as one short line for a PolicyFileError (pypdf, zipfile and lxml can be verbose)."""
    message = " ".join(str(err).split()) or type(err).__name__
    return message if len(message) <= limit else message[: limit - 1] + "…"


def extract_plain(data: bytes, path: Path, budget: Budget) -> Extracted:
    """A .txt file: its decoded text, verbatim but for line endings, and no headings (found in the text later)."""
    return Extracted(decoded_text(data, path, budget), None)


def decoded_text(data: bytes, path: Path, budget: Budget) -> str:
    """A text file's bytes decoded, line endings normalised, counted against `budget`; empty is refused."""
    text = normalize_newlines(decode_bytes(data, path))
    if not text.strip():
        raise PolicyFileError(path, "file is empty")
    budget.add_chars(len(text))
    return text
