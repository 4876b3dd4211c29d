"""What the commands print with: text made safe for a terminal, and a progress bar on stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# C0 and C1 control characters (ESC starts ANSI sequences) and the bidirectional overrides that can
# make printed text read differently from what it is; each is printed as its escape, e.g. \x1b.
_UNSAFE_CHARS = [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                 *range(0x2066, 0x206A)]
_TERMINAL_SAFE = {c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}" for c in _UNSAFE_CHARS}
_TERMINAL_SAFE_LINES = {c: v for c, v in _TERMINAL_SAFE.items() if chr(c) not in "\n\t"}


def terminal_safe(text: object, keep_lines: bool = False) -> str:
    """`text` (or what str() gives for it) with control characters shown as escapes (\\x1b); with
    `keep_lines`, \\n and \\t stay."""
    return str(text).translate(_TERMINAL_SAFE_LINES if keep_lines else _TERMINAL_SAFE)


_JSON_SAFE = {c: f"\\u{c:04x}" for c in _UNSAFE_CHARS if c >= 0x20}  # json.dumps escapes C0 itself


def json_safe(text: str) -> str:
    """JSON text (from json.dumps) with C1 controls (U+009B starts a terminal sequence too) and
    bidirectional overrides written as \\u escapes: the same JSON value, inert on a terminal."""
    return text.translate(_JSON_SAFE)


def stderr_bar(total: int, desc: str, counting: str, disable: bool | None = False):
    """A tqdm bar on stderr that is cleared when closed, counting `counting` ("q", "policy", "passage");
    `disable` as tqdm takes it (None: drawn only on a terminal). Every bar of the CLI is made here."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, file=sys.stderr, leave=False, disable=disable,
                unit=counting)  # tqdm's keyword for what a bar counts


@contextmanager
def progress_bar(desc: str, counting: str, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A `progress(done, total)` callback that draws a tqdm bar on stderr from its first call (so a
    build with nothing to embed draws none); nothing with `quiet`. The bar is closed on exit."""
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if quiet:
            return
        if bar is None:
            bar = stderr_bar(total, desc, counting)
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.close()
