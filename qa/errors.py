"""Every error a user can meet, as one line, and the exit codes the command line leaves with.

The library raises these; `qa.cli` prints each as `policyqa: error: <message>` and exits with
`exit_code(err)`. Anything else that escapes a command is a bug: its traceback is printed and the
exit code is EXIT_BUG. The classes keep the bases they had in their modules (a `PolicyFileError`
is still a `ValueError`), so callers that caught the base still catch them. This module imports
nothing from qa, so any module may import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

EXIT_FAILURE = 1  # the work cannot be done: an index or model that cannot be used, a file that cannot be read
EXIT_USAGE = 2  # a bad argument or input: a flag, an id, a questions or topics file
EXIT_BUG = 70  # sysexits' EX_SOFTWARE: an internal error, reported with its traceback


class UserError(Exception):
    """A one-line message for the user, with the exit code to leave with."""

    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message)
        self.code = code


class MissingExtra(UserError):
    """A feature whose packages are an optional extra of policyqa that is not installed."""


def require_extra(extra: str, *modules: str, feature: str) -> None:
    """Raise MissingExtra naming `pip install "policyqa[extra]"` when one of `modules` (import names) is not
    installed; `feature` says what needs them. Looks the modules up without importing them."""
    from importlib.util import find_spec

    missing = [name for name in modules if find_spec(name) is None]
    if missing:
        raise MissingExtra(f"{feature} needs {', '.join(missing)}, which is not installed: "
                           f"pip install \"policyqa[{extra}]\"", EXIT_FAILURE)


# -- input the user gave -----------------------------------------------------------------------------------

class DatasetError(ValueError):
    """A questions file or dataset (JSON lines, SQuAD-format JSON) that cannot be read as one."""


class QueryError(ValueError):
    """A question the engine cannot take as asked: empty, k below 1, an unknown policy id or retriever."""


class TopicsError(ValueError):
    """A topics file that cannot be used; the message is one line naming the file and line."""


class PolicyFileError(ValueError):
    """A policy file that cannot be ingested."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        # Reasons often carry library messages; the error is shown as one line per file.
        self.reason = " ".join(str(reason).split())
        super().__init__(f"{' '.join(self.path.name.splitlines())}: {self.reason}")

    def __reduce__(self):  # the default would call __init__ with the message alone
        return type(self), (self.path, self.reason)


class UploadRejected(ValueError):
    """One or more uploads were refused; `reasons` has one line per file. Nothing was written."""

    def __init__(self, reasons: Sequence[str]):
        self.reasons = list(reasons)
        super().__init__("; ".join(self.reasons))


class AdapterError(ValueError):
    """An adapter folder that cannot be used (one line, naming the folder)."""


# -- things that cannot be done as they are ----------------------------------------------------------------

class BuildError(RuntimeError):
    """The build could not produce an index; the previous one, if any, is untouched."""


class BuildLocked(BuildError):
    """Another build holds the lock."""


class IndexUnavailable(RuntimeError):
    """The index cannot be used as it is; the message is one line and says how to fix it."""


class StoreError(IndexUnavailable):
    """The store cannot be used as given (bad URL, unreachable server, another model); one line."""


class ModelLoadError(RuntimeError):
    """The embedding model could not be loaded (one-line message)."""


class RerankerUnavailable(ModelLoadError):
    """The reranker folder is missing or unreadable (one line); a ModelLoadError, so every caller that
    reports a model that cannot load reports this too."""


class PracticeModelUnavailable(ModelLoadError):
    """The practice model folder (qa.search.practice) is missing or unreadable (one line); a ModelLoadError,
    so it leaves with the same exit code as RerankerUnavailable."""


# The exit code of each error above that is not a UserError (which carries its own); the first base that
# matches wins. Input errors are usage errors (2); the rest mean the work cannot be done (1).
_EXIT_CODES: tuple[tuple[type[Exception], int], ...] = (
    (DatasetError, EXIT_USAGE),
    (QueryError, EXIT_USAGE),
    (TopicsError, EXIT_USAGE),
    (AdapterError, EXIT_USAGE),
    (PolicyFileError, EXIT_FAILURE),
    (UploadRejected, EXIT_FAILURE),
    (BuildError, EXIT_FAILURE),
    (IndexUnavailable, EXIT_FAILURE),
    (ModelLoadError, EXIT_FAILURE),
)


def as_store_error(err: Exception) -> Exception:
    """A failure of the PostgreSQL server or its driver (psycopg's OperationalError, AdminShutdown, a pool
    timeout) as a one-line StoreError; anything else as it is. Checked by module, so psycopg is not imported."""
    if type(err).__module__.split(".")[0] in ("psycopg", "psycopg_pool"):
        reason = " ".join(str(err).split())[:300] or type(err).__name__
        return StoreError(f"the store failed: {reason}")
    return err


def exit_code(err: BaseException) -> int | None:
    """The exit code for an error the user can act on; None for anything else (a bug)."""
    if isinstance(err, UserError):
        return err.code
    return next((code for kind, code in _EXIT_CODES if isinstance(err, kind)), None)
