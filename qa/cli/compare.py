"""`policyqa compare`: every practice (topic) of the chosen policies side by side, a quote or "not
stated", as text, JSON, CSV or Markdown (the grid itself is qa.compare.grid)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from qa.cli.output import json_safe, stderr_bar, terminal_safe
from qa.cli.store import add_store_option, published_manifest, store_of
from qa.compare.cells import shorten  # qa.compare: the standard library only
from qa.compare.grid import Grid, build_grid, plain_cell
from qa.compare.topics import load_topics
from qa.errors import EXIT_FAILURE, TopicsError, UserError


def add_compare_parser(commands) -> argparse.ArgumentParser:
    """Register `policyqa compare` on the CLI's subcommands."""
    cmd = commands.add_parser("compare",
                              help="compare policies side by side: every practice, a quote or \"not stated\"")
    cmd.add_argument("--policy", action="append", metavar="ID", help="include this policy (repeatable; default all)")
    cmd.add_argument("--topics", type=Path, metavar="FILE.jsonl",
                     help='your own topics, one {"id", "label", "question"} per line (default: the shipped list)')
    fmt = cmd.add_mutually_exclusive_group()
    fmt.add_argument("--json", dest="format", action="store_const", const="json", help="the grid as JSON")
    fmt.add_argument("--csv", dest="format", action="store_const", const="csv", help="the grid as CSV")
    fmt.add_argument("--markdown", dest="format", action="store_const", const="markdown", help="a Markdown table")
    fmt.add_argument("--jsonl", dest="format", action="store_const", const="jsonl",
                     help="one JSON line per policy {policy, name, cells}, written as each policy's column is done")
    cmd.add_argument("--changes", action="store_true",
                     help="what the last index build changed: per policy and topic, the old quote beside the new")
    cmd.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    cmd.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    cmd.add_argument("--no-cache", action="store_true", help="answer every cell again (and refresh the cache)")
    cmd.add_argument("--index", metavar="DIR", help="index folder (default: $POLICYQA_INDEX or ./index)")
    add_store_option(cmd)
    cmd.set_defaults(func=cmd_compare)
    return cmd


def cmd_compare(args: argparse.Namespace) -> int:
    from qa.config import index_dir

    try:
        topics = load_topics(args.topics)
    except TopicsError as err:
        raise UserError(str(err)) from None
    if args.out is not None and args.out.is_dir():
        raise UserError(f"--out {args.out} is a folder; give a file name")
    if args.changes:
        return print_changes(args)
    # An unknown policy id is a QueryError: one line and exit 2, from `main`.
    store = store_of(args)
    if store is None:
        from qa.index.store import read_manifest

        folder, manifest, factory = index_dir(args.index), None, None
        known = list(read_manifest(folder)["policies"])
    else:  # the store's published index; the cells are cached on this machine (no model loaded if all are)
        from qa.compare.cache import store_cache_folder
        from qa.index.open import SCHEMA
        from qa.search.engine import open_engine

        folder, manifest = store_cache_folder(store, SCHEMA), published_manifest(store)
        factory = lambda: open_engine(store)  # noqa: E731
        known = list(manifest["policies"])
    stream = sys.stdout if args.format == "jsonl" and args.out is None else None
    grid = grid_by_column(folder, topics, args.policy or known, known, not args.no_cache, manifest, factory,
                          quiet=args.quiet, stream=stream)
    fmt = args.format or "text"
    text = {"json": lambda: json_safe(json.dumps(grid.to_dict(), ensure_ascii=False, indent=1)) + "\n",
            "csv": grid.to_csv, "markdown": grid.to_markdown,
            "jsonl": lambda: "" if stream else jsonl_grid(grid), "text": lambda: text_grid(grid)}[fmt]()
    if args.out is not None:
        write_output(args.out, text)
    elif stream is not None:
        pass  # written column by column
    else:  # policy text on standard output (a terminal): control characters (ANSI escapes) shown, not obeyed
        sys.stdout.write(terminal_safe(text, keep_lines=True))
    for line in grid.changes:  # policies changed since the grid was last made (a rebuild from the chat)
        print(f"policyqa: {terminal_safe(line)}", file=sys.stderr)
    print(f"policyqa: {len(grid.topics)} topics × {len(grid.policies)} policies: {grid.cached} cells from the "
          f"cache, {grid.computed} answered, {grid.seconds:.1f} s", file=sys.stderr)
    return 0


def grid_by_column(folder, topics, wanted: list[str], known: list[str], use_cache: bool, manifest, factory, *,
                   quiet: bool = False, stream=None) -> Grid:
    """The grid, one policy column at a time: a tqdm bar on stderr counts the columns, and with `stream`
    each column is written there as a JSON line as soon as it is done. One engine serves every column,
    opened only when a cell is not cached."""
    from qa.compare.grid import PolicyColumn

    wanted = list(dict.fromkeys(wanted))
    unknown = [p for p in wanted if p not in known]
    if unknown:  # build_grid's own one-line QueryError, naming them and the known ids
        build_grid(folder, topics, policies=unknown, use_cache=use_cache, manifest=manifest,
                   engine_factory=lambda: None)
    engines: list = []

    def engine():
        if not engines:
            if factory is not None:
                engines.append(factory())
            else:
                from qa.compare.grid import _open_engine

                engines.append(_open_engine(folder))
        return engines[0]

    if use_cache:  # every cell cached (a second run): one read of the cache, no engine, nothing to wait for
        try:
            whole = build_grid(folder, topics, policies=wanted, manifest=manifest, engine_factory=_refuse_engine)
            if stream is not None:
                stream.write(jsonl_grid(whole))
            return whole
        except _NeedsEngine:
            pass
    grid = Grid(list(topics), [], {})
    bar = None
    if not quiet and len(wanted) > 1:
        bar = stderr_bar(len(wanted), "compare", "policy")
    try:
        for pid in wanted:
            part = build_grid(folder, topics, policies=[pid], use_cache=use_cache, manifest=manifest,
                              engine=engines[0] if engines else None, engine_factory=engine)
            grid.policies += part.policies
            grid.cells.update(part.cells)
            grid.computed += part.computed
            grid.cached += part.cached
            grid.seconds += part.seconds
            grid.changes += part.changes
            if stream is not None:
                stream.write(jsonl_grid(part))
                stream.flush()
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    assert all(isinstance(p, PolicyColumn) for p in grid.policies)
    return grid


class _NeedsEngine(Exception):
    """A cell is not cached: the grid is made column by column instead."""


def _refuse_engine():
    raise _NeedsEngine


def jsonl_grid(grid: Grid) -> str:
    """One JSON line per policy: {"policy", "name", "cells": [cell, topic by topic]} (`--jsonl`)."""
    return "".join(json_safe(json.dumps({"policy": p.id, "name": p.name,
                                         "cells": [grid.cell(t.id, p.id).to_dict() for t in grid.topics]},
                                        ensure_ascii=False)) + "\n" for p in grid.policies)


def print_changes(args: argparse.Namespace) -> int:
    """`policyqa compare --changes`: the last build's change report, as lines or (--json) as saved."""
    from qa.compare.changes import last_change_report
    from qa.config import index_dir

    report = last_change_report(index_dir(args.index))
    if report is None:
        raise UserError("no change report yet: it is made when `policyqa index build` indexes a changed policy "
                        "of an index whose compare grid was made", EXIT_FAILURE)
    if args.format == "json":
        text = json_safe(json.dumps(report, ensure_ascii=False, indent=1)) + "\n"
    else:
        text = "".join(line + "\n" for line in report.get("lines", [])) or "no cell changed\n"
    if args.out is not None:
        write_output(args.out, text)
    else:
        sys.stdout.write(terminal_safe(text, keep_lines=True))
    return 0


def write_output(path: Path, text: str) -> None:
    """Write `text` to the --out file: a regular file (or a new one) is replaced in one rename, so a full
    disk or a kill leaves the old file whole; anything else (/dev/stdout, a pipe) is written as it is."""
    from qa.files import atomic_write

    try:
        target = path.resolve() if path.is_symlink() else path  # the file a link names, not the link
        if target.exists() and not target.is_file():
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            atomic_write(target, text)
    except OSError as err:
        raise UserError(f"cannot write {path}: {err.strerror or err}", EXIT_FAILURE) from None


def text_grid(grid: Grid) -> str:
    """The grid for a terminal: topic by topic, one line per policy."""
    out = []
    width = max((len(p.name) for p in grid.policies), default=0)
    for t in grid.topics:
        out.append(f"## {t.label}  ({t.question})")
        for p in grid.policies:
            cell = grid.cell(t.id, p.id)
            shown = f"“{shorten(plain_cell(cell), 110)}”" if cell.stated else "— not stated"
            out.append(f"  {p.name:<{width}}  {shown}")
        out.append("")
    return "\n".join(out)
