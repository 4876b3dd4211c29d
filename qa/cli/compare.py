"""`policyqa compare`: every practice (topic) of the chosen policies side by side, a quote or "not
stated", as text, JSON, CSV or Markdown (the grid itself is qa.compare.grid)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from qa.cli.output import json_safe, terminal_safe
from qa.cli.store import add_store_option, published_manifest, store_of
from qa.compare.grid import Grid, build_grid, load_topics, plain_cell, shorten  # the standard library only
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
    # An unknown policy id is a QueryError: one line and exit 2, from `main`.
    store = store_of(args)
    if store is None:
        grid = build_grid(index_dir(args.index), topics, policies=args.policy, use_cache=not args.no_cache)
    else:  # the store's published index; the cells are cached on this machine (no model loaded if all are)
        from qa.compare.grid import store_cache_folder
        from qa.index.pg import SCHEMA, open_engine

        grid = build_grid(store_cache_folder(store, SCHEMA), topics, policies=args.policy,
                          use_cache=not args.no_cache, manifest=published_manifest(store),
                          engine_factory=lambda: open_engine(store))
    fmt = args.format or "text"
    text = {"json": lambda: json_safe(json.dumps(grid.to_dict(), ensure_ascii=False, indent=1)) + "\n",
            "csv": grid.to_csv, "markdown": grid.to_markdown,
            "text": lambda: text_grid(grid)}[fmt]()
    if args.out is not None:
        write_output(args.out, text)
    else:  # policy text on standard output (a terminal): control characters (ANSI escapes) shown, not obeyed
        sys.stdout.write(terminal_safe(text, keep_lines=True))
    for line in grid.changes:  # policies changed since the grid was last made (a rebuild from the chat)
        print(f"policyqa: {terminal_safe(line)}", file=sys.stderr)
    print(f"policyqa: {len(grid.topics)} topics × {len(grid.policies)} policies: {grid.cached} cells from the "
          f"cache, {grid.computed} answered, {grid.seconds:.1f} s", file=sys.stderr)
    return 0


def write_output(path: Path, text: str) -> None:
    """Write `text` to the --out file: a regular file (or a new one) is replaced in one rename, so a full
    disk or a kill leaves the old file whole; anything else (/dev/stdout, a pipe) is written as it is."""
    from qa.index.fsutil import atomic_write

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
