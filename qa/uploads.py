"""Adding uploaded policy files to the policies folder: safe names, validated first, all or nothing.

An upload's name comes from the user's browser, so it is reduced to a plain file name before it goes
near the file system, and its content is read with `qa.formats.extract_text` from a temporary copy
outside the policies folder: a file the index build would reject never lands in the folder.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from qa.formats import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, PolicyFileError, extract_text
from qa.policies import METADATA_FILE

_UNSAFE = re.compile(r"[^a-z0-9._-]+")
MAX_NAME_CHARS = 100


def safe_filename(name: str) -> str:
    """A plain, lower-case file name for an uploaded file's `name`, keeping its suffix.

    Any folder part (either slash) is dropped, runs of characters other than [a-z0-9._-] become one
    "-", and leading dots and dashes go, so the result can never leave the folder it is joined to or
    be hidden; accented letters lose their accents. Raises ValueError when nothing usable is left or
    the suffix is not a policy format.
    """
    base = re.split(r"[/\\]", str(name))[-1].lower()
    # "Café.txt" -> "cafe.txt": accents dropped rather than the letter.
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    base = _UNSAFE.sub("-", base).lstrip(".-")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = suffix, ""
    stem = stem.strip(".-_")[:MAX_NAME_CHARS].rstrip(".-_")
    if f".{suffix}" not in SUPPORTED_SUFFIXES:
        raise ValueError(f"unsupported file type '{'.' + suffix if suffix else '(none)'}' in {name!r} "
                         f"(supported: {', '.join(SUPPORTED_SUFFIXES)})")
    if not stem:
        raise ValueError(f"no usable file name in {name!r} (use letters, digits, '.', '_' or '-')")
    return f"{stem}.{suffix}"


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the browser gave and its bytes."""

    name: str
    data: bytes


class UploadRejected(ValueError):
    """One or more uploads were refused; `reasons` has one line per file. Nothing was written."""

    def __init__(self, reasons: Sequence[str]):
        self.reasons = list(reasons)
        super().__init__("; ".join(self.reasons))


def existing_files(folder: Path, filename: str) -> list[Path]:
    """Files in `folder` that the policy `filename` would collide with: the same policy id (stem)."""
    stem = Path(filename).stem
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.name != METADATA_FILE and p.stem.lower() == stem)


def validate_upload(upload: Upload, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The safe file name for `upload` once its content reads as a policy; raises PolicyFileError."""
    try:
        filename = safe_filename(upload.name)
    except ValueError as err:
        raise PolicyFileError(Path(upload.name.replace("\\", "/")).name or "upload", str(err)) from None
    if len(upload.data) > max_bytes:  # checked before writing anything anywhere
        raise PolicyFileError(Path(filename), f"file is {len(upload.data):,} bytes, over the "
                                              f"{max_bytes:,} byte limit")
    with tempfile.TemporaryDirectory(prefix="policyqa-upload-") as tmp:
        copy = Path(tmp) / filename
        copy.write_bytes(upload.data)
        extract_text(copy, max_bytes=max_bytes)
    return filename


def save_uploads(uploads: Sequence[Upload], folder: Path, replace: bool = False,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> list[Path]:
    """Validate every upload, then write them all into `folder`; returns the paths written.

    A file whose policy id (file stem) is already in the folder is refused unless `replace`, in which
    case the new file takes the old one's place (an old file with another suffix is removed, since
    two files with one stem would be the same policy). If any upload is refused, UploadRejected is
    raised and the folder is not touched.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise UploadRejected([f"policies folder not found: {folder}"])
    reasons: list[str] = []
    planned: dict[str, bytes] = {}
    for upload in uploads:
        try:
            filename = validate_upload(upload, max_bytes)
        except PolicyFileError as err:
            reasons.append(str(err))
            continue
        if filename in planned:
            reasons.append(f"{filename}: uploaded twice")
            continue
        clashes = existing_files(folder, filename)
        if clashes and not replace:
            reasons.append(f"{filename}: policy '{Path(filename).stem}' already exists "
                           f"({', '.join(p.name for p in clashes)}); tick \"Replace existing\" to replace it")
            continue
        planned[filename] = upload.data
    if reasons or not planned:
        raise UploadRejected(reasons or ["no file uploaded"])

    written = []
    for filename, data in planned.items():
        target = folder / filename
        # Written under a hidden name (the build skips dot files) and renamed, so a build running at
        # the same moment sees the old file or the whole new one.
        fd, tmp = tempfile.mkstemp(prefix=f".{filename}.", suffix=".part", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the policy from other local users
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in existing_files(folder, filename):
            if old != target:
                old.unlink()
        written.append(target)
    return written
