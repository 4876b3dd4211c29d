"""Adding uploaded policy files to the policies folder: safe names, validated first, all or nothing.

An upload's name comes from the user's browser, so it is reduced to a plain file name before it goes
near the file system, and its content is read with `qa.ingest.formats.extract_text` from a temporary copy
outside the policies folder: a file the index build would reject never lands in the folder. The
reading happens in a child process with a memory limit and a time limit, so a hostile file (a
decompression bomb, a parser's worst case) costs the chat server nothing: whatever the child used is
returned to the system when it exits.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.errors import UploadRejected  # noqa: F401 - raised here; defined in qa.errors
from qa.files import atomic_write
from qa.ingest.formats import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_BYTES,
    SUPPORTED_SUFFIXES,
    Extracted,
    Limits,
    PolicyFileError,
    remember_extracted,
)
from qa.ingest.policies import METADATA_FILE

# Address space the reading child may use: far above what a 10 MB policy needs (~150 MB measured for
# the largest formats), far below what a bomb would take.
EXTRACT_MEMORY_BYTES = 1_000_000_000
_STARTUP_SECONDS = 15.0  # the child's interpreter start and imports, on a busy 2-core machine
# `.{file name}.{8 random characters}.part`: the temporary name save_uploads writes under (mkstemp).
_PART = re.compile(r"\.(?P<name>[a-z0-9][a-z0-9._-]*)\.[a-z0-9_]{8}\.part")

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


def existing_files(folder: Path, filename: str) -> list[Path]:
    """Files in `folder` that the policy `filename` would collide with: the same policy id (stem)."""
    stem = Path(filename).stem
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.name != METADATA_FILE and p.stem.lower() == stem)


def validate_upload(upload: Upload, max_bytes: int = DEFAULT_MAX_BYTES, limits: Limits = DEFAULT_LIMITS) -> str:
    """The safe file name for `upload` once its content reads as a policy; raises PolicyFileError."""
    try:
        filename = safe_filename(upload.name)
    except ValueError as err:
        raise PolicyFileError(Path(upload.name.replace("\\", "/")).name or "upload", str(err)) from None
    if len(upload.data) > max_bytes:  # checked before writing anything anywhere
        raise PolicyFileError(Path(filename), f"file is {len(upload.data):,} bytes, over the "
                                              f"{max_bytes:,} byte limit")
    verdict = checked_upload(upload.data, filename, max_bytes, limits)
    if isinstance(verdict, PolicyFileError):
        raise PolicyFileError(Path(filename), verdict.reason)
    return filename


# Each upload's verdict, by content: the chat reruns its script at every click and keystroke with the
# uploader's files still in it, and a refused 15 s PDF was read again each time (a question took 45 s).
_VERDICTS: OrderedDict[tuple, Extracted | PolicyFileError] = OrderedDict()
_VERDICTS_LOCK = threading.Lock()
VERDICT_ENTRIES = 32


def checked_upload(data: bytes, filename: str, max_bytes: int = DEFAULT_MAX_BYTES,
                   limits: Limits = DEFAULT_LIMITS) -> Extracted | PolicyFileError:
    """What reading `data` as `filename` gives, in a child process (`check_readable`) once per content:
    the text and headings (kept, so neither the chat nor the build in this process parses it again), or
    the PolicyFileError that refused it (kept, so it is not read again)."""
    suffix = Path(filename).suffix.lower()
    key = (hashlib.sha256(data).hexdigest(), suffix, max_bytes, limits)
    with _VERDICTS_LOCK:
        verdict = _VERDICTS.get(key)
    if verdict is None:
        with tempfile.TemporaryDirectory(prefix="policyqa-upload-") as tmp:
            copy = Path(tmp) / filename
            copy.write_bytes(data)
            try:
                verdict = check_readable(copy, max_bytes, limits)
            except PolicyFileError as err:
                verdict = err
        with _VERDICTS_LOCK:
            _VERDICTS[key] = verdict
            while len(_VERDICTS) > VERDICT_ENTRIES:
                _VERDICTS.popitem(last=False)
    if isinstance(verdict, Extracted):
        remember_extracted(data, suffix, limits, verdict)
    return verdict


def upload_text(upload: Upload, filename: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """The text of an upload `validate_upload` accepted, as its child process read it (not parsed here)."""
    verdict = checked_upload(upload.data, filename, limits=limits)
    if isinstance(verdict, PolicyFileError):
        raise PolicyFileError(Path(filename), verdict.reason)
    return verdict.text


# The dispatch is imported before the limit is set: the limit is for reading the file (the parsers are
# imported under it, as the file needs them), and where a tight limit stops Python's own start-up (a shared
# library that cannot be mapped is an ImportError, not a MemoryError) depends on the import order.
_CHILD = """
import json, resource, sys
from pathlib import Path
from qa.ingest.formats import Limits, PolicyFileError, extract_text
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    got = extract_text(Path(sys.argv[1]), max_bytes=int(sys.argv[2]), limits=Limits(**json.loads(sys.argv[4])))
    print(json.dumps({"chars": len(got.text), "text": got.text, "headings": got.headings}))
except PolicyFileError as err:
    print(json.dumps({"error": err.reason}))
except MemoryError:
    print(json.dumps({"error": "memory"}))
"""


def check_readable(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, limits: Limits = DEFAULT_LIMITS,
                   memory_bytes: int = EXTRACT_MEMORY_BYTES) -> Extracted:
    """Read the policy file at `path` in a child process limited to `memory_bytes` of address space and
    `limits.seconds` (plus its start-up); raises PolicyFileError naming the file and the limit hit.

    The chat calls this for every upload, so what a hostile file costs is the child's, and is freed
    when it exits, whatever happens inside it.
    """
    from dataclasses import asdict

    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    timeout = limits.seconds + _STARTUP_SECONDS
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(max_bytes),
                               str(memory_bytes), json.dumps(asdict(limits))],
                              capture_output=True, text=True, timeout=timeout, env=env, cwd=root)
    except subprocess.TimeoutExpired:
        raise PolicyFileError(path, f"reading the file took over {limits.seconds:g} s, the per-file time "
                                    "limit") from None
    lines = done.stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1]) if lines else {}
    except ValueError:
        result = {}
    if "chars" in result and done.returncode == 0:
        headings = result.get("headings")
        return Extracted(result["text"], tuple((int(o), str(t)) for o, t in headings) if headings is not None else None)
    if result.get("error") == "memory" or "MemoryError" in done.stderr:
        raise PolicyFileError(path, f"reading the file needs over {memory_bytes / 1e9:g} GB of memory, the "
                                    "per-file limit")
    if result.get("error"):
        raise PolicyFileError(path, result["error"])
    last = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
    raise PolicyFileError(path, f"could not be read ({last[0][:200]})")


def save_uploads(uploads: Sequence[Upload], folder: Path, replace: bool = False,
                 max_bytes: int = DEFAULT_MAX_BYTES, replace_hint: str = 'tick "Replace existing"') -> list[Path]:
    """Validate every upload, then write them all into `folder`; returns the paths written.

    A file whose policy id (file stem) is already in the folder is refused unless `replace`, in which
    case the new file takes the old one's place (an old file with another suffix is removed, since
    two files with one stem would be the same policy). If any upload is refused, UploadRejected is
    raised and the folder is not touched. `replace_hint` says how to ask for `replace` in the caller's
    interface (the chat's checkbox by default; the CLI's "use --replace").
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
                           f"({', '.join(p.name for p in clashes)}); {replace_hint} to replace it")
            continue
        planned[filename] = upload.data
    if reasons or not planned:
        raise UploadRejected(reasons or ["no file uploaded"])

    remove_stale_parts(folder)
    written = []
    for filename, data in planned.items():
        target = folder / filename
        # Written under a hidden name (the build skips dot files) and renamed, so a build running at
        # the same moment sees the old file or the whole new one. The flock held while writing tells
        # remove_stale_parts this file is in progress; a writer that was killed leaves it unlocked.
        # 0644: mkstemp's 0600 would hide the policy from other local users.
        atomic_write(target, data, mode=0o644, suffix=".part", lock=True)
        for old in existing_files(folder, filename):
            if old != target:
                old.unlink()
        written.append(target)
    return written


def remove_stale_parts(folder: Path) -> list[str]:
    """Delete the temporary `.NAME.XXXXXXXX.part` files a killed `save_uploads` left in `folder`.

    Only files with exactly that name shape, for a policy format, that no live writer holds (flock)
    are removed: nothing else is ever touched. Returns the names removed.
    """
    removed = []
    for entry in os.scandir(folder):
        m = _PART.fullmatch(entry.name)
        if not m or Path(m["name"]).suffix not in SUPPORTED_SUFFIXES or not entry.is_file(follow_symlinks=False):
            continue
        try:
            fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.unlink(entry.path)
            removed.append(entry.name)
        except OSError:
            pass  # a live writer holds it
        finally:
            os.close(fd)
    return removed
