"""Files a user hands the command line (questions, topics, policies.toml), read within bounds.

A file is read up to MAX_INPUT_BYTES and refused beyond, so `--topics /dev/zero` or a 15 GB file costs
10 MB, not the machine's memory. Parsers' own limits (a JSON or TOML array nested thousands deep raises
RecursionError, an integer of over 4,300 digits ValueError) are reported by `parse_problem` as one
short reason, never a traceback. This module imports nothing from qa, so any module may import it.
"""

from __future__ import annotations

import os

MAX_INPUT_BYTES = 10_000_000


class InputTooLarge(ValueError):
    """A file over MAX_INPUT_BYTES (or the caller's limit); the message names it."""


def read_input_text(path: str | os.PathLike, what: str, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The UTF-8 text of `path`, reading at most `max_bytes` + 1 bytes of it (a device or a pipe that never
    ends included). Raises InputTooLarge naming `what` and the file, or OSError / UnicodeDecodeError."""
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputTooLarge(f"{what} {path} is over {max_bytes:,} bytes, the limit")
    return data.decode("utf-8")


def parse_problem(err: BaseException) -> str:
    """A parser's failure (json.loads, tomllib.loads) as a short reason for a one-line message."""
    if isinstance(err, RecursionError):
        return "nested too deeply"
    text = " ".join(str(err).split())
    if "integer string conversion" in text:
        return "a number with over 4,300 digits"
    return getattr(err, "msg", None) or text[:200] or type(err).__name__
