"""Reading the policies folder: each file is one policy, its id the file's stem.

Display names and aliases come from `policies.toml` in the same folder; a policy without an entry is
named after its file. A file that cannot be read is reported and skipped, never fatal to the others.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from qa.formats import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, PolicyFileError, extract_text
from qa.sections import Heading, detect_headings

METADATA_FILE = "policies.toml"


@dataclass(frozen=True)
class Policy:
    """One policy: its text (what every passage offset points into) and how people name it."""

    id: str
    name: str
    text: str
    aliases: tuple[str, ...] = ()
    source: str = ""  # the file it came from, relative to the policies folder
    sha256: str = ""  # of the source file's bytes
    headings: tuple[Heading, ...] = field(default=(), repr=False)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "aliases": list(self.aliases), "source": self.source,
                "sha256": self.sha256, "headings": [list(h) for h in self.headings], "text": self.text}

    @classmethod
    def from_dict(cls, data: dict) -> "Policy":
        return cls(id=data["id"], name=data["name"], text=data["text"], aliases=tuple(data["aliases"]),
                   source=data["source"], sha256=data["sha256"],
                   headings=tuple((int(s), str(t)) for s, t in data["headings"]))


def name_from_id(policy_id: str) -> str:
    """A readable name for a policy with no metadata: "acme-cloud_ltd" -> "Acme Cloud Ltd"."""
    words = policy_id.replace("_", " ").replace("-", " ").split()
    return " ".join(w if w.isupper() else w.capitalize() for w in words) or policy_id


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_metadata(folder: Path) -> dict[str, dict]:
    """The `policies.toml` tables by policy id; {} when the file is absent.

    Raises PolicyFileError when the file is not valid TOML, since silently dropping every name and
    alias would change which policy a question is routed to.
    """
    path = folder / METADATA_FILE
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise PolicyFileError(path, f"invalid metadata file ({err})") from err


def policy_files(folder: Path) -> list[Path]:
    """Candidate policy files in `folder`, sorted: every visible file but the metadata file."""
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.name != METADATA_FILE)


def read_policy(path: Path, metadata: dict[str, dict], max_bytes: int = DEFAULT_MAX_BYTES) -> Policy:
    """Read one policy file; raises PolicyFileError (one line, naming the file) when it cannot be used."""
    extracted = extract_text(path, max_bytes=max_bytes)
    policy_id = path.stem
    meta = metadata.get(policy_id, {})
    name = str(meta.get("name") or name_from_id(policy_id))
    aliases = tuple(str(a) for a in meta.get("aliases", ()))
    headings = extracted.headings if extracted.headings is not None else detect_headings(extracted.text)
    return Policy(id=policy_id, name=name, text=extracted.text, aliases=aliases, source=path.name,
                  sha256=file_sha256(path), headings=tuple(headings))


def load_policies(folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[list[Policy], list[PolicyFileError]]:
    """Every readable policy in `folder`, and one error per file that was skipped.

    Two files with the same stem (say `acme.txt` and `acme.pdf`) would be the same policy id: the first
    in name order is kept and the others are reported.
    """
    if not folder.is_dir():
        raise FileNotFoundError(f"policies folder not found: {folder}")
    metadata = read_metadata(folder)
    policies: dict[str, Policy] = {}
    errors: list[PolicyFileError] = []
    for path in policy_files(folder):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            errors.append(PolicyFileError(
                path, f"unsupported file type '{path.suffix or '(none)'}' (use {', '.join(SUPPORTED_SUFFIXES)})"))
            continue
        if path.stem in policies:
            errors.append(PolicyFileError(
                path, f"same policy id '{path.stem}' as {policies[path.stem].source}; rename one of them"))
            continue
        try:
            policies[path.stem] = read_policy(path, metadata, max_bytes)
        except PolicyFileError as err:
            errors.append(err)
    return list(policies.values()), errors
