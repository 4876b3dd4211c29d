"""`policyqa index build|add|remove|status|publish`: the index of the policies folder, in a folder or,
with --store, in PostgreSQL (qa.cli.store)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC
from pathlib import Path

from qa.cli.options import index_option, model_option, positive_int
from qa.cli.output import progress_bar, terminal_safe
from qa.cli.read_ahead import read_practices_after_build
from qa.cli.store import add_publish_parser, add_store_option, cmd_index_build_store, store_manifest, store_of
from qa.errors import EXIT_FAILURE, BuildError, UserError


def add_index_parser(commands) -> argparse.ArgumentParser:
    """Register `policyqa index` (build, add, remove, status, publish) on the CLI's subcommands."""
    index_cmd = commands.add_parser("index", help="build or inspect the index")
    index_sub = index_cmd.add_subparsers(dest="index_command", required=True, metavar="ACTION")

    def build_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--policies", metavar="DIR", help="policies folder (default: $POLICYQA_POLICIES or ./policies)")
        index_option(p)
        model_option(p, "to embed with")
        p.add_argument("--chunk-size", type=positive_int, metavar="CHARS", help="longest passage (default 800)")
        p.add_argument("--chunk-overlap", type=int, metavar="CHARS", help="overlap between passages (default 100)")
        p.add_argument("--full", action="store_true", help="rebuild from scratch, reusing nothing")
        p.add_argument("--max-mb", type=float, default=10.0, metavar="MB", help="largest policy file (default 10)")
        p.add_argument("--quiet", action="store_true", help="no progress bar; print only errors")
        add_store_option(p, build=True)

    build = index_sub.add_parser("build", help="index the policies folder")
    build_options(build)
    build.set_defaults(func=cmd_index_build)
    add = index_sub.add_parser("add", help="copy policy files into the policies folder and update the index")
    add.add_argument("files", nargs="+", type=Path, metavar="FILE")
    add.add_argument("--replace", action="store_true", help="replace a policy with the same id")
    add.add_argument("--name", metavar="NAME",
                     help="the policy's display name, written into policies.toml (one FILE only; default: from its "
                          "title, as the chat's upload form suggests)")
    add.add_argument("--alias", action="append", default=[], metavar="ALIAS",
                     help="another name people use for it (repeatable; one FILE only; default: suggested from its "
                          "title). The rule of policies.toml and the upload form: no common word, no other "
                          "policy's name")
    build_options(add)
    add.set_defaults(func=cmd_index_add)
    remove = index_sub.add_parser("remove", help="remove policies (files move to .removed/) and update the index")
    remove.add_argument("ids", nargs="+", metavar="ID")
    build_options(remove)
    remove.set_defaults(func=cmd_index_remove)
    status = index_sub.add_parser("status", help="what is indexed, with which model, when")
    index_option(status)
    status.add_argument("--policies", metavar="DIR", help="policies folder to compare with")
    status.add_argument("--json", action="store_true", help="print the manifest as JSON")
    add_store_option(status)
    status.set_defaults(func=cmd_index_status)
    add_publish_parser(index_sub)
    return index_cmd


def cmd_index_build(args: argparse.Namespace) -> int:
    if store_of(args):  # --store / $POLICYQA_STORE: the index in PostgreSQL, built and published apart
        return cmd_index_build_store(args)
    from qa.config import BuildSettings, index_dir, policies_dir
    from qa.embed.load import load_embedder
    from qa.index.build import build_index

    try:
        settings = BuildSettings.from_env(model=args.model, chunk_size=args.chunk_size,
                                          chunk_overlap=args.chunk_overlap)
    except ValueError as err:
        raise UserError(str(err)) from None
    # The compare grid: its cells before the build, to report what changed.
    from qa.compare.cache import read_cache
    from qa.compare.changes import change_from_dict, changes_after_build, last_change_report

    grid_before = read_cache(index_dir(args.index))
    try:
        with progress_bar("embedding", "passage", args.quiet) as progress:
            report = build_index(policies_dir(args.policies), index_dir(args.index), settings,
                                 lambda: load_embedder(settings.model), full=args.full,
                                 max_bytes=int(args.max_mb * 1_000_000), progress=progress)
    except BuildError as err:
        raise UserError(str(err), EXIT_FAILURE) from None
    read_practices_after_build(index_dir(args.index), args.quiet)
    for warning in report.warnings:
        print(f"warning: {terminal_safe(warning)}", file=sys.stderr)
    for skipped in report.skipped:
        print(f"note: {terminal_safe(skipped)}", file=sys.stderr)
    for problem in report.errors:
        kept = " (kept its previously indexed version)" if problem.path.stem in report.kept_previous else ""
        print(f"error: {terminal_safe(problem)}{kept}", file=sys.stderr)
    if not args.quiet or report.errors:
        print(report.summary())
        print(f"index: {index_dir(args.index)}")
    changed = changes_after_build(index_dir(args.index), grid_before)
    if not args.quiet:
        print("\n".join(terminal_safe(line) for line in changed), end="\n" if changed else "")
    if changed and not args.quiet:  # what the changed cells said and say now (`policyqa compare --changes`)
        for item in (last_change_report(index_dir(args.index)) or {}).get("changes", []):
            print(terminal_safe(change_from_dict(item).line(" — ")))
    return EXIT_FAILURE if report.errors else 0


def cmd_index_add(args: argparse.Namespace) -> int:
    from qa.config import policies_dir
    from qa.ingest.uploads import Upload, UploadRejected, save_uploads

    folder = policies_dir(args.policies)
    uploads = []
    max_bytes = int(args.max_mb * 1_000_000)
    for path in args.files:
        if not path.is_file():
            raise UserError(f"file not found: {path}")
        if path.stat().st_size > max_bytes:  # before reading it into memory
            raise UserError(f"{path.name}: file is {path.stat().st_size:,} bytes, over the {max_bytes:,} byte "
                            "limit", EXIT_FAILURE)
        uploads.append(Upload(name=path.name, data=path.read_bytes()))
    names = _names_of_uploads(folder, uploads, args.name, args.alias)  # before writing: a refused alias adds nothing
    try:
        written = save_uploads(uploads, folder, replace=args.replace, max_bytes=max_bytes, replace_hint="use --replace")
    except UploadRejected as err:
        for reason in err.reasons:
            print(f"error: {terminal_safe(reason)}", file=sys.stderr)
        raise UserError("nothing was added", EXIT_FAILURE) from None
    for path in written:
        print(f"added {path.name} to {folder}")
    from qa.ingest.policy_toml import write_policy_entry

    for policy_id, (name, aliases) in names.items():
        try:
            write_policy_entry(folder, policy_id, name, aliases)
        except ValueError as err:  # a policies.toml that is not TOML: the build names it too
            print(f"warning: {policy_id}: the name was not saved ({terminal_safe(err)})", file=sys.stderr)
            continue
        listed = ", ".join(aliases) if aliases else "none"
        print(terminal_safe(f"named {policy_id} {name!r}, aliases: {listed} (policies.toml)"))
    return cmd_index_build(args)


def _names_of_uploads(folder: Path, uploads: list, name: str | None,
                      aliases: list[str]) -> dict[str, tuple[str, list[str]]]:
    """The display name and aliases to write for each upload, by policy id: `name` and `aliases` when given
    (one upload), else those suggested from its title as the chat's upload form does. A policy that already
    has a policies.toml entry keeps it unless `name` or `aliases` are given. Raises UserError for an alias
    the one rule (qa.ingest.aliases) refuses or for more than one upload with names."""
    from qa.ingest.aliases import has_controls, normal_alias, suggested_names, validate_alias
    from qa.ingest.formats import PolicyFileError
    from qa.ingest.policies import policy_aliases, policy_name, read_metadata
    from qa.ingest.uploads import safe_filename, upload_text

    given = name is not None or bool(aliases)
    if given and len(uploads) != 1:
        raise UserError("--name and --alias name one policy: give exactly one FILE")
    if name is not None and (not name.strip() or has_controls(name)):
        raise UserError(f"--name must be a non-empty name without control characters, got {name!r}")
    try:
        metadata = read_metadata(folder, [])
    except PolicyFileError as err:
        raise UserError(str(err), EXIT_FAILURE) from None
    stems = [path.stem for path in _policy_files_by_id(folder).values()]
    names: dict[str, tuple[str, list[str]]] = {}
    for upload in uploads:
        try:
            policy_id = Path(safe_filename(upload.name)).stem
        except ValueError:
            continue  # save_uploads refuses it, with the reason
        if not given and policy_id.casefold() in metadata:
            continue
        taken = [n for stem in stems if stem.casefold() != policy_id.casefold()
                 for n in (stem, policy_name(stem, metadata), *policy_aliases(stem, metadata))]
        problems = [problem for alias in aliases if (problem := validate_alias(alias, policy_id, taken))]
        if problems:
            raise UserError(f"{problems[0]}; nothing was added")
        suggested_name: str = ""
        suggested: list[str] = []
        if name is None or not aliases:
            try:
                suggested_name, suggested = suggested_names(upload_text(upload, safe_filename(upload.name)), taken)
            except PolicyFileError:
                continue  # not readable: save_uploads refuses it, with the reason
        if not given and not suggested_name:
            continue  # no title: the policy is named after its file, as without an entry
        names[policy_id] = (normal_alias(name) if name is not None else suggested_name or policy_id,
                            [normal_alias(a) for a in aliases] if aliases else suggested)
    return names


def cmd_index_remove(args: argparse.Namespace) -> int:
    """Move the policies' files into `.removed/<time>/` in the policies folder (recoverable, every removed
    version kept), then rebuild. Ids are matched without case, as the build does."""
    from qa.config import policies_dir

    folder = policies_dir(args.policies)
    files = _policy_files_by_id(folder)
    unknown = [pid for pid in args.ids if pid.casefold() not in files]
    if unknown:
        raise UserError(f"no policy file for {', '.join(unknown)} in {folder} (known: {', '.join(sorted(files))})")
    for pid in dict.fromkeys(pid.casefold() for pid in args.ids):
        kept = _move_to_removed(folder, files[pid])
        print(f"removed {terminal_safe(files[pid].name)} (kept as {kept})")
    return cmd_index_build(args)


def _policy_files_by_id(folder: Path) -> dict[str, Path]:
    from qa.index.freshness import policy_files_by_id

    return policy_files_by_id(folder)


def _move_to_removed(folder: Path, path: Path) -> Path:
    """Move `path` into a new `.removed/<UTC time>/` folder of its own, so no earlier copy is overwritten."""
    from datetime import datetime

    from qa.ingest.policies import REMOVED_FOLDER

    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")
    (folder / REMOVED_FOLDER).mkdir(exist_ok=True)
    for attempt in range(1, 1000):
        slot = folder / REMOVED_FOLDER / (stamp if attempt == 1 else f"{stamp}-{attempt}")
        try:
            slot.mkdir()  # atomic: this folder is this removal's alone
        except FileExistsError:
            continue
        path.rename(slot / path.name)
        return slot / path.name
    raise UserError(f"could not find a free folder in {folder / REMOVED_FOLDER}", EXIT_FAILURE)


def cmd_index_status(args: argparse.Namespace) -> int:
    from qa.config import index_dir, policies_dir
    from qa.index.freshness import policy_file_states
    from qa.index.store import read_manifest

    store = store_of(args)  # --store / $POLICYQA_STORE: the index in PostgreSQL, whose manifest has this shape
    folder: Path | str = index_dir(args.index)
    manifest = read_manifest(Path(folder)) if store is None else store_manifest(store)
    if store is not None:
        folder = f"{manifest['store']} (generation {manifest['generation']})"
    if args.json:
        print(json.dumps(manifest, indent=2, ensure_ascii=False))
        return 0
    print(f"index:     {folder}")
    print(f"built at:  {manifest['built_at']} in {manifest['build_seconds']:.1f} s "
          f"(policyqa {manifest['package_version']}, format {manifest['format_version']})")
    print(f"model:     {manifest['model']['id']} ({manifest['model']['dimension']} dimensions)")
    chunker = manifest["chunker"]
    print(f"passages:  {manifest['passage_count']} (chunks of <= {chunker['chunk_size']} characters, "
          f"overlap {chunker['chunk_overlap']}), FAISS {manifest['faiss_index']}")
    print(f"policies:  {len(manifest['policies'])}")
    on_disk = _policy_files_by_id(policies_dir(args.policies))
    states = policy_file_states(manifest, policies_dir(args.policies))
    for policy_id, info in sorted(manifest["policies"].items()):
        print(terminal_safe(f"  {policy_id:<24} {info['passages']:>5} passages  {info['name']}  [{states[policy_id]}]"))
    stale = sorted(p.stem for key, p in on_disk.items() if key not in {i.casefold() for i in manifest["policies"]})
    if stale:
        print(terminal_safe(f"not indexed yet: {', '.join(stale)} (run `policyqa index build`)"))
    return 0
