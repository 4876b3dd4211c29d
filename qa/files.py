"""Files that are never seen half-written, and one writer at a time: an atomic write and an OS lock.

`atomic_write` writes under a hidden temporary name in the target's folder, syncs the file, and renames
it over the target (os.replace), so a reader sees the old file or the whole new one, never a mix;
publishing an index generation is such a write of its manifest (`qa.index.store.save_index`).
`FileLock` is an flock, which the kernel releases when its holder dies, so nothing stale is ever left.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Self


def fsync_path(path: Path) -> None:
    """Flush `path` (a file or a folder: a folder's entries, such as a rename into it) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(target: Path, content: str | bytes | Callable[[Path], None], *, mode: int = 0o644,
                 suffix: str = ".tmp", lock: bool = False) -> Path:
    """Replace `target` with `content` in one rename; returns `target`.

    `content` is text (UTF-8, newlines as given), bytes, or a function that writes the file at the path
    it is given (an exporter that only takes a file name). The temporary file is `.{name}.XXXXXXXX{suffix}`
    beside the target (hidden, so a folder scan skips it), gets permissions `mode`, is synced and then
    renamed; on any error it is removed and `target` is untouched. With `lock`, the temporary file is
    flocked until renamed, so a cleaner can tell a live writer's file from a killed one's.
    """
    target = Path(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            if lock:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            if callable(content):
                content(tmp)  # by name: the writer may have put a new file there
                os.chmod(tmp, mode)
                fsync_path(tmp)
            else:
                fh.write(content.encode("utf-8") if isinstance(content, str) else content)
                fh.flush()
                os.fchmod(fh.fileno(), mode)  # mkstemp made it 0600
                os.fsync(fh.fileno())
            os.replace(tmp, target)  # while the flock, if any, is still held
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


class LockHeld(RuntimeError):
    """Another process holds the lock; `holder` is what it wrote about itself (pid, host, since), if readable."""

    def __init__(self, path: Path, holder: dict | None):
        self.path, self.holder = path, holder
        self.who = (f"pid {holder.get('pid')} on {holder.get('host')}, since {holder.get('since')}"
                    if holder else "another process")
        super().__init__(f"{path} is locked by {self.who}")


class FileLock:
    """An exclusive OS lock (flock) on the file `path`, taken without waiting (LockHeld when another has it).

    The kernel releases the lock when its holder exits, however it dies, so a killed holder leaves
    nothing that blocks the next one, and two processes can never both hold it (unlike a lock file
    judged stale by its pid). The holder writes its pid, host and start time into the file for the
    message others get. The file is removed on release; a process that locked a file another had just
    removed sees the path gone or replaced and tries again.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.fd: int | None = None

    def __enter__(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as err:
                holder = self._holder(fd)
                os.close(fd)
                if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
                raise LockHeld(self.path, holder) from None
            try:
                same = os.stat(self.path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # locked a file its last holder had already removed
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                      "since": datetime.now(UTC).isoformat(timespec="seconds")}).encode(), 0)
            self.fd = fd
            return self

    @staticmethod
    def _holder(fd: int) -> dict | None:
        try:
            holder = json.loads(os.pread(fd, 4096, 0) or b"null")
        except (OSError, ValueError):
            return None
        return holder if isinstance(holder, dict) else None

    def __exit__(self, *exc) -> None:
        if self.fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)  # while still holding it, so no one locks a doomed file
        except OSError:
            pass  # a read-only folder: the file stays, harmless (a lock is the flock, not the file)
        os.close(self.fd)  # releases the flock
        self.fd = None
