"""What reading one policy file may cost, and the budget that enforces it while the file is read.

`Limits` are checked before or while the work is done, never after; `Budget.watch()` interrupts a parser
that stays inside one page or paragraph past the deadline or the memory limit (see `_Watchdog`).
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from qa.errors import PolicyFileError


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


class OverTime(BaseException):
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
    draws one form 150 times never returns to the between-pages check): a watching thread raises OverTime
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
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread), ctypes.py_object(OverTime))

    def __exit__(self, kind, value, traceback) -> None:
        self.stop.set()
        with self.lock:
            self.active = False
            if self.fired and kind is None:  # fired as the block ended: drop it if still pending
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread), None)
        if kind is not None and issubclass(kind, OverTime):
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
