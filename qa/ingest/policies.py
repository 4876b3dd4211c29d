"""Reading the policies folder: each file is one policy, its id the file's stem.

Display names and aliases come from `policies.toml` in the same folder; a policy without an entry is
named after its file. A file that cannot be read is reported and skipped, never fatal to the others.
Only regular files directly in the folder are read: links are not followed, and every entry that is
skipped (hidden, a folder, a link) is named. Ids are compared without case, as `Acme.txt` and
`acme.txt` are one policy to a reader (and one file on some file systems).
"""

from __future__ import annotations

import hashlib
import os
import stat
import tomllib
from collections.abc import Container, Iterable, Iterator
from pathlib import Path

from qa.ingest.aliases import alias_problem, has_controls, name_from_id, normal_alias
from qa.ingest.formats import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_BYTES,
    SUPPORTED_SUFFIXES,
    Limits,
    PolicyFileError,
    extract_data,
    read_file,
)
from qa.ingest.sections import detect_headings
from qa.inputs import parse_problem, read_input_text
from qa.types import Policy

METADATA_FILE = "policies.toml"
# Open Terms Archive's layout: a tab-separated manifest with a `slug` (the file's stem) and a `service` (its
# display name) per policy, in the policies folder or, as the archive publishes it, beside it.
MANIFEST_FILE = "manifest.tsv"
REMOVED_FOLDER = ".removed"  # where `policyqa index remove` keeps removed files
def file_sha256(path: Path) -> str:
    """sha256 of the file's bytes; a symbolic link is not followed (OSError)."""
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_metadata(folder: Path, warnings: list[str] | None = None) -> dict[str, dict]:
    """The `policies.toml` entries by policy id (case-folded): {"name": str or None, "aliases": [str]}.

    {} when the file is absent. Raises PolicyFileError (one line naming the file and the entry) when
    the file is not valid TOML or an entry has the wrong shape (`concero = "x"`, `name = 3`), since
    silently dropping names and aliases would change which policy a question is routed to. Aliases
    that are merely unusable (too short, a common word, not a string) are dropped with a line added to
    `warnings`; `check_aliases` drops those that name another policy.
    """
    path = folder / METADATA_FILE
    warnings = warnings if warnings is not None else []
    manifest = read_manifest(folder, warnings)
    if not path.is_file():
        return manifest
    try:
        raw = tomllib.loads(read_input_text(path, METADATA_FILE))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as err:
        raise PolicyFileError(path, f"invalid metadata file ({err})") from err
    except (ValueError, RecursionError) as err:  # over the size limit, a 5,000-digit number, nested 2,000 deep
        raise PolicyFileError(path, f"invalid metadata file ({parse_problem(err)})") from None
    warnings = warnings if warnings is not None else []
    entries: dict[str, dict] = {}
    for key, entry in raw.items():
        where = f"[{key}]"
        if not isinstance(entry, dict):
            raise PolicyFileError(path, f"{where} must be a table with name and aliases (like `[{key}]` then "
                                        f"`name = \"...\"`), got {type(entry).__name__} {_shown(entry)}")
        if key.casefold() in entries:
            raise PolicyFileError(path, f"{where} is given twice (ids are compared without case)")
        name = entry.get("name")
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise PolicyFileError(path, f"{where} name must be a non-empty string, got {_shown(name)}")
        if name is not None and has_controls(name):
            raise PolicyFileError(path, f"{where} name {_shown(name)} contains control characters")
        unknown = sorted(set(entry) - {"name", "aliases"})
        if unknown:
            warnings.append(f"{METADATA_FILE}: {where} unknown key {', '.join(unknown)} ignored "
                            "(an entry has name and aliases)")
        entries[key.casefold()] = {"name": " ".join(name.split()) if name else None,
                                   "aliases": _valid_aliases(key, entry.get("aliases", []), warnings)}
    return manifest | entries  # policies.toml wins over the manifest for a policy in both


def manifest_path(folder: Path) -> Path | None:
    """The `manifest.tsv` naming this folder's policies: the folder's own, else its parent's when the
    parent's names files of this folder (Open Terms Archive keeps it beside `current/`); None without one."""
    own = folder / MANIFEST_FILE
    if own.is_file():
        return own
    parent = folder.resolve().parent / MANIFEST_FILE
    return parent if parent != own.resolve() and parent.is_file() else None


def read_manifest(folder: Path, warnings: list[str]) -> dict[str, dict]:
    """Names from a `manifest.tsv` (`slug` and `service` columns, a header row), as `read_metadata`'s entries:
    the service is the display name, which routes questions as an alias would (so no alias repeats it: the
    19 services archived twice would each warn that their alias names the other copy). Only rows whose slug
    is a file in `folder` count; a manifest without those columns, or unreadable, is a warning, never fatal."""
    path = manifest_path(folder)
    if path is None:
        return {}
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        warnings.append(f"{path.name}: not read ({err}); policies named after their files")
        return {}
    header = lines[0].split("\t") if lines else []
    if "slug" not in header or "service" not in header:
        warnings.append(f"{path.name}: no slug and service columns; policies named after their files")
        return {}
    slug_at, service_at = header.index("slug"), header.index("service")
    stems = {p.stem.casefold() for p in scan_folder(folder)[0]}
    entries: dict[str, dict] = {}
    for line in lines[1:]:
        cells = line.split("\t")
        if len(cells) <= max(slug_at, service_at):
            continue
        slug, service = cells[slug_at].strip(), " ".join(cells[service_at].split())
        if slug.casefold() not in stems or not service or has_controls(service):
            continue
        entries[slug.casefold()] = {"name": service, "aliases": []}
    return entries


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _valid_aliases(key: str, aliases, warnings: list[str]) -> list[str]:
    where = f"{METADATA_FILE}: [{key}]"
    if isinstance(aliases, str):
        warnings.append(f"{where} aliases should be a list; read {_shown(aliases)} as one alias")
        aliases = [aliases]
    if not isinstance(aliases, list):
        warnings.append(f"{where} aliases must be a list of strings, got {_shown(aliases)}; ignored")
        return []
    kept: list[str] = []
    seen: set[str] = set()  # `alias in kept` made 100,000 aliases take 98 s
    for alias in aliases:
        # Other policies' names are checked once the folder's ids are known (check_aliases).
        problem = alias_problem(alias)
        if problem is not None:
            shown = normal_alias(alias) if isinstance(alias, str) else alias
            warnings.append(f"{where} alias {_shown(shown)} dropped: {problem}")
            continue
        alias = normal_alias(alias)
        if alias not in seen:
            seen.add(alias)
            kept.append(alias)
    return kept


def check_aliases(metadata: dict[str, dict], policy_ids, warnings: list[str]) -> None:
    """Drop (with a warning) every alias that is another policy's id or display name."""
    ids = list(policy_ids)
    names = {pid.casefold(): pid for pid in ids}
    for pid in ids:
        names.setdefault(policy_name(pid, metadata).casefold(), pid)
    alias_owner: dict[str, str] = {}  # alias (case-folded) -> the first policy that has it
    for pid in ids:
        entry = metadata.get(pid.casefold())
        if not entry:
            continue
        kept = []
        for alias in entry["aliases"]:
            owner = names.get(alias.casefold())
            if owner is not None and owner.casefold() != pid.casefold():
                warnings.append(f"{METADATA_FILE}: [{pid}] alias {_shown(alias)} dropped: it names policy "
                                f"'{owner}'")
            else:
                kept.append(alias)
                claimed = alias_owner.setdefault(alias.casefold(), pid)
                if claimed.casefold() != pid.casefold():
                    warnings.append(f"{METADATA_FILE}: [{pid}] alias {_shown(alias)} is also an alias of "
                                    f"[{claimed}]: a question naming it is routed to both")
        entry["aliases"] = kept


def policy_name(policy_id: str, metadata: dict[str, dict]) -> str:
    """The display name of `policy_id`: its policies.toml name, else one made from the id."""
    return (metadata.get(policy_id.casefold()) or {}).get("name") or name_from_id(policy_id)


def policy_aliases(policy_id: str, metadata: dict[str, dict]) -> tuple[str, ...]:
    return tuple((metadata.get(policy_id.casefold()) or {}).get("aliases", ()))


def scan_folder(folder: Path) -> tuple[list[Path], list[PolicyFileError]]:
    """The regular files in `folder` that may be policies (sorted), and every other entry, with why.

    Skipped and named: hidden entries, folders (even one named `x.txt`), symbolic links (never
    followed: a `passwd.txt` link to /etc/passwd is not read) and other non-regular files. The
    metadata files (`policies.toml`, `manifest.tsv`) and the `.removed` folder pass silently.
    """
    files: list[Path] = []
    skipped: list[PolicyFileError] = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        path = Path(entry.path)
        if entry.name in (METADATA_FILE, MANIFEST_FILE, REMOVED_FOLDER):
            continue
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as err:
            skipped.append(PolicyFileError(path, f"skipped: cannot read it ({err.strerror or err})"))
            continue
        if stat.S_ISLNK(mode):
            target = "a broken symbolic link" if not os.path.exists(path) else "a symbolic link"
            skipped.append(PolicyFileError(path, f"skipped: {target}; links are not followed "
                                                 "(copy the file into the folder instead)"))
        elif entry.name.startswith("."):
            skipped.append(PolicyFileError(path, "skipped: a hidden file"))
        elif stat.S_ISDIR(mode):
            skipped.append(PolicyFileError(path, "skipped: a folder; policies are files directly in the folder"))
        elif not stat.S_ISREG(mode):
            skipped.append(PolicyFileError(path, "skipped: not a regular file"))
        else:
            files.append(path)
    return files, skipped


def policy_files(folder: Path) -> list[Path]:
    """Candidate policy files in `folder`, sorted: every visible regular file but the metadata file."""
    return scan_folder(folder)[0]


def policy_id_clash(path: Path, seen: dict[str, str]) -> PolicyFileError | None:
    """An error when `path`'s policy id, compared without case, is one in `seen` (casefolded id -> file name)."""
    previous = seen.get(path.stem.casefold())
    if previous is not None:
        return PolicyFileError(path, f"same policy id '{path.stem}' as {previous} (ids ignore case); "
                                     "rename one of them")
    seen[path.stem.casefold()] = path.name
    return None


def unsupported(path: Path) -> PolicyFileError | None:
    if path.suffix.lower() in SUPPORTED_SUFFIXES:
        return None
    return PolicyFileError(path, f"unsupported file type '{path.suffix or '(none)'}' "
                                 f"(supported: {', '.join(SUPPORTED_SUFFIXES)})")


def policy_candidates(files: Iterable[Path], errors: list[PolicyFileError]) -> Iterator[Path]:
    """The `files` that may be policies, in order; one of an unsupported type, or whose policy id is an
    earlier file's (ids ignore case), is appended to `errors` instead, when its turn comes, so errors
    reported along the way stay in file order."""
    seen: dict[str, str] = {}
    for path in files:
        problem = unsupported(path) or policy_id_clash(path, seen)
        if problem:
            errors.append(problem)
        else:
            yield path


def read_policy(path: Path, metadata: dict[str, dict], max_bytes: int = DEFAULT_MAX_BYTES,
                limits: Limits = DEFAULT_LIMITS) -> Policy:
    """Read one policy file; raises PolicyFileError (one line, naming the file) when it cannot be used.

    The file is read once: its text and its sha256 come from the same bytes.
    """
    data = read_file(path, max_bytes)
    extracted = extract_data(data, path, limits)
    policy_id = path.stem
    headings = extracted.headings if extracted.headings is not None else detect_headings(extracted.text)
    return Policy(id=policy_id, name=policy_name(policy_id, metadata), text=extracted.text,
                  aliases=policy_aliases(policy_id, metadata), source=path.name,
                  sha256=hashlib.sha256(data).hexdigest(), headings=tuple(headings))


def load_policies(folder: Path, max_bytes: int = DEFAULT_MAX_BYTES,
                  only: Container[str] | None = None) -> tuple[list[Policy], list[PolicyFileError]]:
    """Every readable policy in `folder` (or those whose id is in `only`), and one error per file that was skipped.

    Two files with the same stem, compared without case (say `acme.txt` and `Acme.pdf`), would be the
    same policy id: the first in name order is kept and the others are reported. Entries that are not
    regular files (links, folders, hidden files) are not policies and are left out silently here; the
    index build names them. Raises PolicyFileError for a malformed policies.toml.
    """
    if not folder.is_dir():
        raise FileNotFoundError(f"policies folder not found: {folder}")
    metadata = read_metadata(folder)
    files = [f for f in policy_files(folder) if only is None or f.stem in only]
    check_aliases(metadata, [p.stem for p in files], [])
    errors: list[PolicyFileError] = []
    policies: list[Policy] = []
    for path in policy_candidates(files, errors):
        try:
            policies.append(read_policy(path, metadata, max_bytes))
        except PolicyFileError as err:
            errors.append(err)
    return policies, errors
